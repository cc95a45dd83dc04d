output "name" {
  description = "Cluster name."
  value       = aws_ecs_cluster.this.name
}

output "arn" {
  description = "Cluster ARN."
  value       = aws_ecs_cluster.this.arn
}

output "namespace_id" {
  description = "Cloud Map namespace ID, where services register (null without the namespace)."
  value       = one(aws_service_discovery_private_dns_namespace.this[*].id)
}

output "namespace" {
  description = "Cloud Map namespace name."
  value       = var.namespace
}
