data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_root = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
  region       = data.aws_region.current.name
}

# One customer key per environment for everything the platform stores encrypted
# (logs, secrets, the database, its Performance Insights, images, alarm messages).
# One key costs $1/month; separate keys per consumer would add cost without a
# separate team or audience to justify them.
resource "aws_kms_key" "this" {
  description             = "Folio ${var.name}: logs, secrets, database, images, alarms"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = jsonencode({ Version = "2012-10-17", Statement = local.key_statements })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

locals {
  key_statements = [
    {
      # IAM policies in this account decide who else may use the key (the standard
      # default statement; without it the key would be unmanageable).
      Sid       = "AccountAdministersKeyThroughIam"
      Effect    = "Allow"
      Principal = { AWS = local.account_root }
      Action    = "kms:*"
      Resource  = "*"
    },
    {
      # CloudWatch Logs encrypts log groups on its own behalf, limited to this
      # account's log groups in this region.
      Sid       = "CloudWatchLogsEncryptsLogGroups"
      Effect    = "Allow"
      Principal = { Service = "logs.${local.region}.amazonaws.com" }
      Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      Resource  = "*"
      Condition = {
        ArnLike = {
          "kms:EncryptionContext:aws:logs:arn" = "arn:${data.aws_partition.current.partition}:logs:${local.region}:${data.aws_caller_identity.current.account_id}:log-group:*"
        }
      }
    },
    {
      # CloudWatch alarms publish to the encrypted SNS topic.
      Sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
      Resource  = "*"
      Condition = {
        StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id }
      }
    },
  ]
}
