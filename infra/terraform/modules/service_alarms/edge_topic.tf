# A CloudWatch alarm may only notify a topic in its own region, and CloudFront's metrics are
# in us-east-1. An environment in us-east-1 (the default) uses its one topic; elsewhere the
# CloudFront alarm gets a topic of its own in us-east-1, with the same subscription.
data "aws_region" "current" {}

locals {
  same_region    = data.aws_region.current.name == "us-east-1"
  edge_topic_arn = local.same_region ? var.topic_arn : aws_sns_topic.edge[0].arn
}

resource "aws_sns_topic" "edge" {
  #checkov:skip=CKV_AWS_26:Only outside us-east-1: the environment's KMS key is regional, and the notifications carry alarm names and states only; a key in a second region would cost $1 a month for nothing secret.
  count    = local.same_region ? 0 : 1
  provider = aws.us_east_1

  name = "${var.name}-edge-alarms"
}

resource "aws_sns_topic_subscription" "edge_email" {
  count    = !local.same_region && var.email != null ? 1 : 0
  provider = aws.us_east_1

  topic_arn = aws_sns_topic.edge[0].arn
  protocol  = "email"
  endpoint  = var.email
}
