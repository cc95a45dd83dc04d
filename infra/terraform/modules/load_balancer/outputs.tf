output "dns_name" {
  description = "DNS name of the ALB (CloudFront's origin when there is no origin domain)."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Hosted zone of the ALB, for alias records."
  value       = aws_lb.this.zone_id
}

output "arn_suffix" {
  description = "ALB ARN suffix, for CloudWatch dimensions and request-count scaling."
  value       = aws_lb.this.arn_suffix
}

output "https" {
  description = "Whether the listener is HTTPS."
  value       = local.https
}

output "target_group_arns" {
  description = "Target group ARN per role. ECS refuses a target group that no listener uses yet, so this waits for the rules."
  value       = { for role, group in aws_lb_target_group.this : role => group.arn }
  depends_on  = [aws_lb_listener_rule.routed, aws_lb_listener_rule.default]
}

output "target_group_arn_suffixes" {
  description = "Target group ARN suffix per role."
  value       = { for role, group in aws_lb_target_group.this : role => group.arn_suffix }
}
