# What an operator must hear about, each alarm to the environment's SNS topic on alarm and
# on recovery. The three database-instance alarms live in the database module.

locals {
  alb              = { LoadBalancer = var.load_balancer_arn_suffix }
  metric_namespace = "Folio/${var.name}"
}

# --- Errors seen by viewers --------------------------------------------------------

# The 5xx share of requests: answered by the ALB itself (no healthy target, a target that
# reset the connection), and answered by Folio, per role (the API's include its 503s while the
# database is down).
locals {
  error_rates = merge(
    {
      alb = {
        errors      = "HTTPCode_ELB_5XX_Count"
        dimensions  = local.alb
        description = "More than ${var.error_rate_percent}% of requests got a 5xx from the ALB itself for 3 of 5 minutes: targets unreachable or resetting; check the target groups' health and the tasks' logs."
      }
    },
    {
      for role, suffix in var.target_group_arn_suffixes : role => {
        errors      = "HTTPCode_Target_5XX_Count"
        dimensions  = merge(local.alb, { TargetGroup = suffix })
        description = "More than ${var.error_rate_percent}% of ${role} requests answered 5xx for 3 of 5 minutes; read the ${role} tasks' logs (level ERROR) first."
      }
    },
  )
}

resource "aws_cloudwatch_metric_alarm" "error_rate" {
  for_each = local.error_rates

  alarm_name          = "${var.name}-${each.key}-5xx-rate"
  alarm_description   = each.value.description
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
    label       = "${each.key} 5xx (%)"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = each.value.errors
      dimensions  = each.value.dimensions
      period      = 60
      stat        = "Sum"
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      dimensions  = each.value.dimensions
      period      = 60
      stat        = "Sum"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "cloudfront_5xx_rate" {
  provider = aws.us_east_1

  alarm_name          = "${var.name}-cloudfront-5xx-rate"
  alarm_description   = "More than ${var.error_rate_percent}% of viewer requests got a 5xx from CloudFront for 3 of 5 minutes: the origin (ALB) fails or cannot be reached; check the ALB alarms first."
  namespace           = "AWS/CloudFront"
  metric_name         = "5xxErrorRate"
  dimensions          = { DistributionId = var.distribution_id, Region = "Global" }
  statistic           = "Average"
  period              = 60
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.error_rate_percent
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.edge_topic_arn]
  ok_actions          = [local.edge_topic_arn]
}

# --- Capacity --------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "unhealthy_hosts" {
  for_each = var.target_group_arn_suffixes

  alarm_name          = "${var.name}-${each.key}-unhealthy-hosts"
  alarm_description   = "A ${each.key} task failed its load balancer health check for 3 minutes; ECS replaces it, so a lasting alarm means new tasks fail too (read their logs)."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  dimensions          = merge(local.alb, { TargetGroup = each.value })
  statistic           = "Maximum"
  period              = 60
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = 3
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.topic_arn]
  ok_actions          = [var.topic_arn]
}

# Missing data counts: no datapoint for a target group means nothing is registered in it.
resource "aws_cloudwatch_metric_alarm" "no_healthy_hosts" {
  for_each = var.target_group_arn_suffixes

  alarm_name          = "${var.name}-${each.key}-no-healthy-hosts"
  alarm_description   = "No healthy ${each.key} task for 2 minutes: the ${each.key} is down for every viewer. Check the ECS service's events and the newest tasks' logs."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HealthyHostCount"
  dimensions          = merge(local.alb, { TargetGroup = each.value })
  statistic           = "Minimum"
  period              = 60
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  evaluation_periods  = 2
  treat_missing_data  = "breaching"
  alarm_actions       = [var.topic_arn]
  ok_actions          = [var.topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "tasks_below_desired" {
  for_each = var.service_names

  alarm_name          = "${var.name}-${each.key}-tasks-below-desired"
  alarm_description   = "Fewer ${each.key} tasks running than desired for 5 minutes: tasks fail to start or keep stopping. Check the service's events (stopped reason) and the task logs."
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = 5
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.topic_arn]
  ok_actions          = [var.topic_arn]

  metric_query {
    id          = "missing"
    expression  = "desired - running"
    label       = "${each.key} tasks missing"
    return_data = true
  }

  metric_query {
    id = "desired"
    metric {
      namespace   = "ECS/ContainerInsights"
      metric_name = "DesiredTaskCount"
      dimensions  = { ClusterName = var.cluster_name, ServiceName = each.value }
      period      = 60
      stat        = "Average"
    }
  }

  metric_query {
    id = "running"
    metric {
      namespace   = "ECS/ContainerInsights"
      metric_name = "RunningTaskCount"
      dimensions  = { ClusterName = var.cluster_name, ServiceName = each.value }
      period      = 60
      stat        = "Average"
    }
  }
}

# --- The database, as the API sees it ------------------------------------------------

# The API target group accepts 503 (a database outage must not replace every task), so an
# outage never shows as unhealthy hosts. The API logs each health check that finds the
# database unavailable; the load balancer checks every 15 s, so an outage logs several lines
# a minute even with no viewer traffic. infra/tests/containers.py checks this pattern against
# the binary's own log lines.
resource "aws_cloudwatch_log_metric_filter" "database_unavailable" {
  name           = "${var.name}-database-unavailable"
  log_group_name = var.api_log_group_name
  pattern        = var.database_unavailable_pattern

  metric_transformation {
    name          = "DatabaseUnavailable"
    namespace     = local.metric_namespace
    value         = "1"
    default_value = "0"
  }
}

resource "aws_cloudwatch_metric_alarm" "database_unavailable" {
  alarm_name          = "${var.name}-database-unavailable"
  alarm_description   = "The API's health checks found the database unavailable for 2 minutes in a row: requests get 503. Check the RDS instance (status, events, connections alarm) and the API's log for the cause."
  namespace           = local.metric_namespace
  metric_name         = aws_cloudwatch_log_metric_filter.database_unavailable.metric_transformation[0].name
  statistic           = "Sum"
  period              = 60
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 1
  evaluation_periods  = 2
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.topic_arn]
  ok_actions          = [var.topic_arn]
}
