terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "ap-northeast-1"
}

module "myteacher" {
  source = "../../modules/myteacher"

  environment        = "production"
  app_desired_count  = 2
  private_subnet_ids = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
}
