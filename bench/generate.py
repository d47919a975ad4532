"""Generate a Terraform tree of N files plus .env files, to time `envcheck scan` on it.

A share of the modules hold ECS task definitions built from locals and variables; the rest
hold other resources (what most of a real infrastructure repo is), which envcheck should
sniff and skip without parsing.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

VARIABLES = """
variable "environment" {
  type    = string
  default = "production"
}
"""

TASKDEF = """
variable "desired_count_{i}" {{
  type    = number
  default = {count}
}}

locals {{
  name_{i} = "svc{i}-${{var.environment}}"
  env_{i} = [
{env}
  ]
}}

resource "aws_ecs_task_definition" "svc{i}" {{
  family = local.name_{i}
  container_definitions = jsonencode([{{
    name        = "app"
    image       = "example/app:{i}"
    environment = concat(local.env_{i}, [{{ name = "APP_ENV", value = var.environment }}])
    secrets     = [{{ name = "APP_KEY", valueFrom = "arn:aws:ssm:us-east-1:123456789012:parameter/svc{i}/APP_KEY" }}]
  }}])
}}

resource "aws_ecs_service" "svc{i}" {{
  name            = local.name_{i}
  task_definition = aws_ecs_task_definition.svc{i}.arn
  desired_count   = var.desired_count_{i}
}}
"""

OTHER = """
resource "aws_s3_bucket" "b{i}_{j}" {{
  bucket = "bucket-{i}-{j}"
  tags = {{
    Name        = "bucket-{i}-{j}"
    Environment = "production"
  }}
}}

resource "aws_security_group" "sg{i}_{j}" {{
  name   = "sg-{i}-{j}"
  vpc_id = "vpc-0123456789abcdef0"
  ingress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }}
}}
"""


def generate(root: Path, files: int, ecs_share: float, seed: int = 7) -> None:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    ecs_files = max(1, int(files * ecs_share))
    for i in range(files):
        module = root / "modules" / f"m{i // 10}"
        module.mkdir(parents=True, exist_ok=True)
        if i < ecs_files:
            env = "\n".join(f'    {{ name = "VAR_{k}", value = "value-{rng.randint(0, 10**6)}" }},' for k in range(20))
            (module / "variables.tf").write_text(VARIABLES)
            (module / f"ecs_{i}.tf").write_text(TASKDEF.format(i=i, count=rng.randint(1, 4), env=env))
        else:
            (module / f"other_{i}.tf").write_text("".join(OTHER.format(i=i, j=j) for j in range(5)))
    for i in range(max(1, files // 20)):
        app = root / "apps" / f"app{i}"
        app.mkdir(parents=True, exist_ok=True)
        (app / ".env").write_text("".join(f"VAR_{k}=value-{k}\n" for k in range(40)) + "APP_URL=http://localhost\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--ecs-share", type=float, default=0.1)
    args = parser.parse_args()
    generate(args.root, args.files, args.ecs_share)


if __name__ == "__main__":
    main()
