output "origin_id" {
  description = "Security group of the ALB or of the API Gateway VPC link."
  value       = aws_security_group.origin.id
}

output "database_id" {
  description = "Security group of the database."
  value       = aws_security_group.database.id
}

output "task_group_ids" {
  description = "Security group of the tasks, per role."
  value       = { for role, group in aws_security_group.task : role => group.id }
}
