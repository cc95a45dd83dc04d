# The API's own database login (see modules/platform/commands.tf): a user name and a password
# Secrets Manager generates during apply, written through a write-only argument, so neither
# plan nor state holds it. `folio migrate` creates the role with it; the API logs in with it.
resource "aws_secretsmanager_secret" "db_app" {
  #checkov:skip=CKV2_AWS_57:No rotation Lambda: raise db_app_password_version and deploy; the migration task sets the new password before the services restart with it.
  name                    = "${var.name}/db-app"
  description             = "The Folio API's PostgreSQL role (username and password, JSON)"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days
}

ephemeral "aws_secretsmanager_random_password" "db_app" {
  password_length     = 48
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret_version" "db_app" {
  secret_id = aws_secretsmanager_secret.db_app.id
  secret_string_wo = jsonencode({
    username = var.db_app_username
    password = ephemeral.aws_secretsmanager_random_password.db_app.random_password
  })
  secret_string_wo_version = var.db_app_password_version
}
