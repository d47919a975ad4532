locals {
  name_prefix = "${var.project}-${var.environment}"

  app_environment = [
    { name = "APP_NAME", value = "MyTeacher" },
    { name = "APP_ENV", value = var.environment },
    { name = "APP_DEBUG", value = "false" },
    { name = "APP_URL", value = "https://${var.app_domain}" },
    { name = "LOG_CHANNEL", value = "stderr" },
    { name = "DB_CONNECTION", value = "mysql" },
    { name = "DB_HOST", value = "myteacher-production.cluster-example.ap-northeast-1.rds.amazonaws.com" },
    { name = "DB_PORT", value = "3306" },
    { name = "DB_DATABASE", value = "myteacher" },
    { name = "DB_USERNAME", value = "myteacher" },
    { name = "REDIS_HOST", value = "myteacher-production.example.apne1.cache.amazonaws.com" },
    { name = "REDIS_PORT", value = "6379" },
    { name = "CACHE_DRIVER", value = "redis" },
    { name = "SESSION_DRIVER", value = "redis" },
    { name = "SESSION_LIFETIME", value = "120" },
    { name = "SESSION_SECURE_COOKIE", value = "true" },
    { name = "SESSION_SAME_SITE", value = "lax" },
    { name = "QUEUE_CONNECTION", value = "redis" },
  ]
}

resource "aws_ecs_cluster" "main" {
  name = "${local.name_prefix}-cluster"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "${local.name_prefix}-app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = aws_iam_role.ecs_task_execution.arn
  task_role_arn            = aws_iam_role.ecs_task.arn

  container_definitions = jsonencode([
    {
      name      = "app"
      image     = "${aws_ecr_repository.app.repository_url}:latest"
      essential = true
      portMappings = [
        { containerPort = 80, protocol = "tcp" }
      ]

      environment = concat(local.app_environment, [
        # Revision 11: SESSION_DOMAIN removed. Revision 12: the Replicate settings.
        { name = "REPLICATE_API_TOKEN", value = "r8_EXAMPLEnotARealTokenJustForTheDemo0001" },
        { name = "REPLICATE_MODEL_VERSION", value = "cjwbw/anything-v4.0:42a996d39a96aedc57b2e0aa8105dea39c9c89d9d266caf6bb4327a1c191b061" },
        { name = "REPLICATE_MODEL_VERSION_V2", value = "cjwbw/animagine-xl-3.1:6afe2e6b27dad2d6f480b59195c221884b6acc589ff4d05ff0e5fc058690fbb9" },
        { name = "REPLICATE_MODEL_VERSION_V3", value = "stability-ai/stable-diffusion-3.5-medium" },
        { name = "REPLICATE_TRANSPARENT_MODEL_VERSION", value = "cjwbw/rembg:fb8af171cfa1616ddcf1242c093f9c46bcada5ad4cf6f2fbe8b81b330ec5c003" },
        { name = "REPLICATE_MAX_POLLING_ATTEMPTS", value = "60" },
        { name = "REPLICATE_POLLING_INTERVAL", value = "10" },
      ])

      secrets = [
        { name = "APP_KEY", valueFrom = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/myteacher/production/APP_KEY" },
        { name = "DB_PASSWORD", valueFrom = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/myteacher/production/DB_PASSWORD" },
      ]

      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = "/ecs/${local.name_prefix}-app"
          awslogs-region        = "ap-northeast-1"
          awslogs-stream-prefix = "app"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "app" {
  name            = "${local.name_prefix}-app-service"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = var.app_desired_count
  launch_type     = "FARGATE"

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = false
  }
}
