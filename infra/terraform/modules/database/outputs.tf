output "address" {
  description = "Hostname of the instance (DB_HOST); it matches the server certificate, as verify-full requires."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "PostgreSQL port (DB_PORT)."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "Database name (DB_NAME)."
  value       = aws_db_instance.this.db_name
}

output "master_secret_arn" {
  description = "RDS-managed secret holding the master username and password as JSON."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}
