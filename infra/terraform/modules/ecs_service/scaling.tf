resource "aws_appautoscaling_target" "this" {
  count = var.autoscaling_enabled ? 1 : 0

  service_namespace  = "ecs"
  resource_id        = "service/${var.cluster_name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.scaling.min_tasks
  max_capacity       = var.scaling.max_tasks
}

locals {
  target_tracking = {
    cpu = {
      metric = "ECSServiceAverageCPUUtilization"
      target = var.scaling.cpu_percent
      label  = null
    }
    requests = {
      metric = "ALBRequestCountPerTarget"
      target = var.scaling.requests_per_target
      label  = var.scaling.alb_request_resource
    }
  }
}

# Whichever policy asks for more tasks wins; scale-in waits longer than scale-out so
# a short lull does not undo a scale-out.
resource "aws_appautoscaling_policy" "this" {
  for_each = var.autoscaling_enabled ? local.target_tracking : {}

  name               = "${var.name}-${each.key}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  resource_id        = aws_appautoscaling_target.this[0].resource_id
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.target
    scale_out_cooldown = 60
    scale_in_cooldown  = 300

    predefined_metric_specification {
      predefined_metric_type = each.value.metric
      resource_label         = each.value.label
    }
  }
}
