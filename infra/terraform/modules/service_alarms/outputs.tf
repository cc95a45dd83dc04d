output "alarm_names" {
  description = "Every alarm this module makes."
  value = concat(
    [aws_cloudwatch_metric_alarm.cloudfront_5xx_rate.alarm_name, aws_cloudwatch_metric_alarm.database_unavailable.alarm_name],
    [for alarm in aws_cloudwatch_metric_alarm.error_rate : alarm.alarm_name],
    [for alarm in aws_cloudwatch_metric_alarm.unhealthy_hosts : alarm.alarm_name],
    [for alarm in aws_cloudwatch_metric_alarm.no_healthy_hosts : alarm.alarm_name],
    [for alarm in aws_cloudwatch_metric_alarm.tasks_below_desired : alarm.alarm_name],
  )
}
