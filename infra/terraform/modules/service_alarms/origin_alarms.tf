# Alarms for a cluster without Container Insights: the same question (is anything running),
# asked of a metric that exists then, which costs nothing extra. (Without an ALB, the 5xx rate
# is API Gateway's: alarms.tf.)

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
