resource "aws_ecs_cluster" "this" {
  #checkov:skip=CKV_AWS_65:Set per environment (container_insights): on in dev and prod; the personal profile's one task has an alarm on the CPU datapoints ECS publishes anyway, and Container Insights would bill per-task metrics it does not need.
  name = var.name

  setting {
    name  = "containerInsights"
    value = var.container_insights ? "enabled" : "disabled"
  }
}

# Services without a launch type of their own run on the default strategy's provider.
resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = distinct(["FARGATE", var.capacity_provider])

  default_capacity_provider_strategy {
    capacity_provider = var.capacity_provider
    weight            = 1
  }
}

# Private DNS for calls between services inside the VPC: a service registered here
# as "api" resolves as api.<namespace> to its running tasks' IPs.
resource "aws_service_discovery_private_dns_namespace" "this" {
  count = var.namespace_enabled ? 1 : 0

  name        = var.namespace
  description = "Folio ${var.name} internal service names"
  vpc         = var.vpc_id
}

moved {
  from = aws_service_discovery_private_dns_namespace.this
  to   = aws_service_discovery_private_dns_namespace.this[0]
}
