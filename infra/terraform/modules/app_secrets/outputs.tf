output "admin_token_arn" {
  description = "ARN of the ADMIN_TOKEN secret."
  value       = aws_secretsmanager_secret.admin_token.arn
}

output "db_app_arn" {
  description = "ARN of the API's database login (JSON: username, password)."
  value       = aws_secretsmanager_secret.db_app.arn
}

output "smtp_url_arn" {
  description = "ARN of the SMTP_URL secret, or null when mail is disabled."
  value       = var.mail_enabled ? aws_secretsmanager_secret.smtp_url[0].arn : null
}
