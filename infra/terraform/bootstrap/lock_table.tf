# One item per locked state file; on-demand billing costs nothing while idle.
resource "aws_dynamodb_table" "locks" {
  #checkov:skip=CKV_AWS_119:Lock items hold only a state path and a lock id; the AWS-owned key is enough and a customer key would cost more than the table.
  name         = var.lock_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"

  deletion_protection_enabled = true

  attribute {
    name = "LockID"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }
}
