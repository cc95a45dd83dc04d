output "alb_id" {
  description = "Security group of the ALB."
  value       = aws_security_group.alb.id
}

output "site_id" {
  description = "Security group of the site tasks."
  value       = aws_security_group.site.id
}

output "api_id" {
  description = "Security group of the API tasks."
  value       = aws_security_group.api.id
}

output "database_id" {
  description = "Security group of the database."
  value       = aws_security_group.database.id
}

output "task_group_ids" {
  description = "Security group of the tasks, per role."
  value = {
    site = aws_security_group.site.id
    api  = aws_security_group.api.id
  }
}
