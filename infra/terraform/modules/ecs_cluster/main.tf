resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

# Private DNS for calls between services inside the VPC: a service registered here
# as "api" resolves as api.<namespace> to its running tasks' IPs.
resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = var.namespace
  description = "Folio ${var.name} internal service names"
  vpc         = var.vpc_id
}
