resource "aws_cloudwatch_log_group" "this" {
  # Retention is set per environment: short in dev, longer in prod.
  name              = "/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}
