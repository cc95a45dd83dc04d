output "state_bucket" {
  description = "Bucket name for the environments' backend.hcl."
  value       = aws_s3_bucket.state.bucket
}

output "lock_table" {
  description = "Lock table name for the environments' backend.hcl."
  value       = aws_dynamodb_table.locks.name
}
