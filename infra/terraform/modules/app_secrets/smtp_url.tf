resource "aws_secretsmanager_secret" "smtp_url" {
  #checkov:skip=CKV2_AWS_57:The value is issued by the mail provider; rotate it there, then apply with the new smtp_url and a higher smtp_url_version.
  count = var.mail_enabled ? 1 : 0

  name                    = "${var.name}/smtp-url"
  description             = "SMTP_URL of the Folio API (credentials included)"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days
}

# The URL comes from an ephemeral input and goes through a write-only argument: it is
# needed only when smtp_url_version changes and never lands in state.
resource "aws_secretsmanager_secret_version" "smtp_url" {
  count = var.mail_enabled ? 1 : 0

  secret_id                = aws_secretsmanager_secret.smtp_url[0].id
  secret_string_wo         = var.smtp_url
  secret_string_wo_version = var.smtp_url_version
}
