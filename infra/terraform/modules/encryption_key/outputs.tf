output "key_arn" {
  description = "ARN of the environment's customer key."
  value       = aws_kms_key.this.arn
}
