locals {
  alarms = {
    cpu = {
      metric      = "CPUUtilization"
      comparison  = "GreaterThanThreshold"
      threshold   = 80
      description = "Database CPU above 80% for 15 minutes"
      periods     = 3
    }
    free-storage = {
      metric      = "FreeStorageSpace"
      comparison  = "LessThanThreshold"
      threshold   = var.free_storage_alarm_bytes
      description = "Database free storage low (storage autoscaling may have hit its ceiling)"
      periods     = 1
    }
    connections = {
      metric      = "DatabaseConnections"
      comparison  = "GreaterThanThreshold"
      threshold   = var.max_connections_alarm_threshold
      description = "Database connections near the instance limit for 10 minutes"
      periods     = 2
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = var.enabled ? local.alarms : {}

  alarm_name          = "${var.name}-db-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/RDS"
  metric_name         = each.value.metric
  statistic           = "Average"
  period              = 300
  evaluation_periods  = each.value.periods
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  treat_missing_data  = "missing"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.this[0].identifier }
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}
