output "address" {
  description = "Hostname of the instance (DB_HOST); it matches the server certificate, as verify-full requires. Null while paused."
  value       = one(aws_db_instance.this[*].address)
}

output "port" {
  description = "PostgreSQL port (DB_PORT)."
  value       = one(aws_db_instance.this[*].port)
}

output "database_name" {
  description = "Database name (DB_NAME)."
  value       = one(aws_db_instance.this[*].db_name)
}

output "master_secret_arn" {
  description = "RDS-managed secret holding the master username and password as JSON."
  value       = one(flatten(aws_db_instance.this[*].master_user_secret[*].secret_arn))
}

output "restore_point" {
  description = "The snapshot the next start restores: the final snapshot the running instance will leave, or that the last one left."
  # A snapshot name is not secret; the provider marks every parameter value sensitive.
  value = nonsensitive(aws_ssm_parameter.restore_point.value) == "none" ? null : nonsensitive(aws_ssm_parameter.restore_point.value)
}
