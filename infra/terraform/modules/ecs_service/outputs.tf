output "service_name" {
  description = "ECS service name."
  value       = aws_ecs_service.this.name
}

output "service_arn" {
  description = "ECS service ARN (the deploy role may update it)."
  value       = aws_ecs_service.this.id
}

output "discovery_service_arn" {
  description = "The Cloud Map service the tasks register in (null without service discovery)."
  value       = one(aws_service_discovery_service.this[*].arn)
}
