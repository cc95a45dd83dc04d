locals {
  # A serving task has a port and a health check; a one-off task (migrations) has neither
  # (merge skips the null).
  serving = var.port == null ? null : {
    portMappings = [{
      containerPort = var.port
      hostPort      = var.port
      protocol      = "tcp"
    }]

    healthCheck = {
      command     = var.health_check_command
      interval    = 15
      timeout     = 5
      retries     = 3
      startPeriod = 10
    }
  }

  container = merge(local.serving, {
    name      = var.container_name
    image     = var.image
    essential = true
    command   = var.command
    # The task's whole memory, less the metrics agent's when there is one. Stated rather than
    # left implied, so ECS (and the emulator's RunTask) see the container's limit.
    memory                 = var.memory - (var.metrics_agent == null ? 0 : var.metrics_agent.memory)
    readonlyRootFilesystem = true
    stopTimeout            = var.stop_timeout_seconds

    # Sorted by name: ECS returns them sorted, and a different order would show as a
    # change on every plan.
    environment = [for name in sort(keys(var.environment)) : { name = name, value = var.environment[name] }]
    secrets = [for name in sort(keys(var.secrets)) : {
      name      = name
      valueFrom = var.secrets[name].key == null ? var.secrets[name].arn : "${var.secrets[name].arn}:${var.secrets[name].key}::"
    }]

    # The binary is PID 1 otherwise; a tiny init process reaps the health-check
    # processes ECS starts every 15 s and forwards SIGTERM.
    linuxParameters = { initProcessEnabled = true }

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = var.container_name
      }
    }
  })
}

# The deploy pipeline registers new revisions of this family with a new image tag.
# track_latest makes Terraform compare against the newest revision instead of the one
# it registered itself; since Terraform renders the same tag (read from SSM), a plan
# after a deploy is empty.
#
# While the environment is paused there is no task definition (its environment names a
# database that does not exist then); the roles and the log group stay.
resource "aws_ecs_task_definition" "this" {
  count = var.registered ? 1 : 0

  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  track_latest             = true
  container_definitions    = jsonencode(concat([local.container], local.metrics_agent))

  dynamic "volume" {
    for_each = var.metrics_agent == null ? [] : [local.metrics_agent_volume]

    content {
      name = volume.value
    }
  }

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }
}

# The task definition went under a count when environments became pausable: the same one.
moved {
  from = aws_ecs_task_definition.this
  to   = aws_ecs_task_definition.this[0]
}
