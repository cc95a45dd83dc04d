output "service_name" {
  description = "ECS service name."
  value       = aws_ecs_service.this.name
}

output "service_arn" {
  description = "ECS service ARN (the deploy role may update it)."
  value       = aws_ecs_service.this.id
}

output "task_family" {
  description = "Task definition family the pipeline registers revisions of."
  value       = aws_ecs_task_definition.this.family
}

output "role_arns" {
  description = "Execution and task role ARNs (the deploy role may pass them to ECS)."
  value       = [aws_iam_role.execution.arn, aws_iam_role.task.arn]
}
