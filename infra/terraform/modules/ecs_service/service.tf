resource "aws_ecs_service" "this" {
  name             = var.name
  cluster          = var.cluster_arn
  task_definition  = var.task.arn
  desired_count    = var.scaling.min_tasks
  launch_type      = "FARGATE"
  platform_version = "LATEST"

  propagate_tags = "SERVICE"

  # After an AZ outage ECS moves tasks back until both AZs run their share again.
  availability_zone_rebalancing = "ENABLED"

  # Start a full new set before stopping old tasks, and roll back on its own when
  # the new tasks never become healthy.
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  deployment_controller {
    type = "ECS"
  }

  # The ALB waits this long before its failed health checks may stop a new task,
  # covering the binary's start (the container health check allows 10 s).
  health_check_grace_period_seconds = 30

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [var.security_group_id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = var.task.container_name
    container_port   = var.port
  }

  dynamic "service_registries" {
    for_each = aws_service_discovery_service.this

    content {
      registry_arn = service_registries.value.arn
    }
  }

  lifecycle {
    # Application Auto Scaling owns the running count between min and max; Terraform
    # only sets the starting point.
    ignore_changes = [desired_count]
  }
}

resource "aws_service_discovery_service" "this" {
  count = var.service_discovery == null ? 0 : 1

  name = var.service_discovery.name

  dns_config {
    namespace_id   = var.service_discovery.namespace_id
    routing_policy = "MULTIVALUE"

    # Short TTL: callers notice replaced tasks within seconds of a deploy.
    dns_records {
      type = "A"
      ttl  = 10
    }
  }

  # ECS reports each task's health to Cloud Map, so unhealthy tasks leave DNS.
  health_check_custom_config {
    failure_threshold = 1
  }
}
