# Alarms for an origin without an ALB (API Gateway's HTTP API) and a cluster without Container
# Insights: the same questions (are viewers getting errors, is anything running), asked of the
# metrics that exist then, which cost nothing extra.

# 5xx answered by API Gateway or by Folio behind it (no integration reachable, or the task's own).
resource "aws_cloudwatch_metric_alarm" "http_api_5xx_rate" {
  count = var.origin == "http_api" ? 1 : 0

  alarm_name          = "${var.name}-http-api-5xx-rate"
  alarm_description   = "More than ${var.error_rate_percent}% of requests reaching API Gateway got a 5xx for 3 of 5 minutes: the task is down, restarting or failing; check the service's events and the task's logs (level ERROR)."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.error_rate_percent
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.topic_arn]
  ok_actions          = [var.topic_arn]

  metric_query {
    id          = "rate"
    expression  = "100 * FILL(errors, 0) / requests"
    label       = "HTTP API 5xx (%)"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "5xx"
      dimensions  = { ApiId = var.http_api_id }
      period      = 60
      stat        = "Sum"
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "Count"
      dimensions  = { ApiId = var.http_api_id }
      period      = 60
      stat        = "Sum"
    }
  }
}

# Without Container Insights there is no running-task count; ECS publishes each service's CPU
# every minute while a task runs, so a missing datapoint means no task is running.
resource "aws_cloudwatch_metric_alarm" "no_running_tasks" {
  for_each = var.container_insights ? {} : var.service_names

  alarm_name          = "${var.name}-${each.key}-no-running-tasks"
  alarm_description   = "No ${each.key} task has run for 5 minutes (no CPU datapoint): the site is down. Check the ECS service's events (stopped reason; Spot capacity when on Fargate Spot) and the newest task's log."
  namespace           = "AWS/ECS"
  metric_name         = "CPUUtilization"
  dimensions          = { ClusterName = var.cluster_name, ServiceName = each.value }
  statistic           = "SampleCount"
  period              = 60
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  evaluation_periods  = 5
  treat_missing_data  = "breaching"
  alarm_actions       = [var.topic_arn]
  ok_actions          = [var.topic_arn]
}
