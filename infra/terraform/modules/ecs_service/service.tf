resource "aws_ecs_service" "this" {
  name             = var.name
  cluster          = var.cluster_arn
  task_definition  = var.task.arn
  desired_count    = var.scaling.min_tasks
  platform_version = "LATEST"

  # On-demand Fargate as a launch type (how the service was first created); Fargate Spot as a
  # capacity provider strategy, which a launch type excludes. Changing the strategy of a
  # running service takes a new deployment, which force_new_deployment starts.
  launch_type          = var.capacity_provider == null ? "FARGATE" : null
  force_new_deployment = var.capacity_provider != null

  dynamic "capacity_provider_strategy" {
    for_each = var.capacity_provider == null ? [] : [var.capacity_provider]

    content {
      capacity_provider = capacity_provider_strategy.value
      weight            = 1
    }
  }

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
  # covering the binary's start (the container health check allows 10 s). Without a load
  # balancer only the container health check counts, and ECS accepts no grace period.
  health_check_grace_period_seconds = var.load_balanced ? 30 : null

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [var.security_group_id]
    assign_public_ip = var.assign_public_ip
  }

  dynamic "load_balancer" {
    for_each = var.load_balanced ? [var.target_group_arn] : []

    content {
      target_group_arn = load_balancer.value
      container_name   = var.task.container_name
      container_port   = var.port
    }
  }

  dynamic "service_registries" {
    for_each = aws_service_discovery_service.this

    content {
      registry_arn = service_registries.value.arn
      # With an SRV record ECS registers the port too (API Gateway reads it from Cloud Map).
      port = var.service_discovery.srv ? var.port : null
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

    dynamic "dns_records" {
      for_each = var.service_discovery.srv ? ["SRV"] : []

      content {
        type = dns_records.value
        ttl  = 10
      }
    }
  }

  # ECS reports each task's health to Cloud Map, so unhealthy tasks leave DNS.
  health_check_custom_config {
    failure_threshold = 1
  }
}
