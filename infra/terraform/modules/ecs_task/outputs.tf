output "arn" {
  description = "ARN of the revision Terraform registered (the pipeline may have registered newer ones)."
  value       = one(aws_ecs_task_definition.this[*].arn)
}

output "family" {
  description = "Task definition family the pipeline registers revisions of."
  value       = var.name
}

output "container_name" {
  description = "The container's name."
  value       = var.container_name
}

output "role_arns" {
  description = "Execution and task role ARNs (the deploy role may pass them to ECS)."
  value       = [aws_iam_role.execution.arn, aws_iam_role.task.arn]
}

output "log_group_name" {
  description = "CloudWatch log group of the task's output."
  value       = aws_cloudwatch_log_group.this.name
}
