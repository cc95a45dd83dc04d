resource "aws_secretsmanager_secret" "admin_token" {
  #checkov:skip=CKV2_AWS_57:No rotation Lambda: the token is rotated by raising admin_token_version, which writes a fresh random value; ECS picks it up on the next deployment.
  name                    = "${var.name}/admin-token"
  description             = "ADMIN_TOKEN of the Folio API"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days
}

# Secrets Manager generates the token during apply; it reaches the secret through a
# write-only argument, so neither the plan nor the state ever contains it.
ephemeral "aws_secretsmanager_random_password" "admin_token" {
  password_length     = 48
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret_version" "admin_token" {
  secret_id                = aws_secretsmanager_secret.admin_token.id
  secret_string_wo         = ephemeral.aws_secretsmanager_random_password.admin_token.random_password
  secret_string_wo_version = var.admin_token_version
}
