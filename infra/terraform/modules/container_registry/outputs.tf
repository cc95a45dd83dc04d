output "repository_url" {
  description = "Registry URL without a tag."
  value       = aws_ecr_repository.this.repository_url
}

output "repository_arn" {
  description = "ARN, for the deploy role's push permission."
  value       = aws_ecr_repository.this.arn
}
