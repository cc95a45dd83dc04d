# Every alarm of the environment notifies this topic, on alarm and on recovery.
resource "aws_sns_topic" "alarms" {
  #checkov:skip=CKV_AWS_26:Encrypted with the environment's customer key when it has one; without one (the personal profile) the topic stays unencrypted: CloudWatch cannot publish to a topic under the AWS-managed aws/sns key, and the notifications carry alarm names and states only, nothing a $1 key would protect.
  name              = "${var.name}-alarms"
  kms_master_key_id = var.kms_key_arn
}

# SNS sends a confirmation mail first; nothing is delivered until it is confirmed.
resource "aws_sns_topic_subscription" "email" {
  count = var.email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.email
}

# CloudWatch alarms may publish, and only from this account.
resource "aws_sns_topic_policy" "alarms" {
  arn = aws_sns_topic.alarms.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CloudWatchAlarmsPublish"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.alarms.arn
      Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
    }]
  })
}

data "aws_caller_identity" "current" {}
