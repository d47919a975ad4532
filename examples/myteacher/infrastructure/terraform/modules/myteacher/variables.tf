variable "project" {
  type    = string
  default = "myteacher"
}

variable "environment" {
  type    = string
  default = "production"
}

variable "app_desired_count" {
  description = "Number of app tasks behind the load balancer."
  type        = number
  default     = 2
}

variable "app_domain" {
  type    = string
  default = "my-teacher-app.com"
}

variable "private_subnet_ids" {
  type = list(string)
}
