resource "aws_lb" "this" {
  #checkov:skip=CKV_AWS_91:Access logs need a dedicated bucket; every request is already logged by the application (JSON, request id) and by CloudWatch ALB metrics. Enable when an audit needs them.
  #checkov:skip=CKV2_AWS_28:No WAF on the ALB: only CloudFront can reach it (prefix list plus secret header), so a WAF belongs on CloudFront; see the CloudFront skip for why there is none yet.
  #checkov:skip=CKV_AWS_150:Set per environment (deletion_protection): on in prod, off in dev.
  name               = var.name
  load_balancer_type = "application"
  internal           = false
  subnets            = var.subnet_ids
  security_groups    = [var.security_group_id]

  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
  idle_timeout               = var.idle_timeout_seconds
}

resource "aws_lb_target_group" "this" {
  #checkov:skip=CKV_AWS_378:TLS ends at the ALB; ALB-to-task traffic stays inside the VPC between security groups that admit nothing else.
  for_each = var.targets

  name        = "${var.name}-${each.key}"
  vpc_id      = var.vpc_id
  target_type = "ip"
  protocol    = "HTTP"
  port        = each.value.port

  deregistration_delay = var.deregistration_delay_seconds

  health_check {
    path                = each.value.health_path
    port                = "traffic-port"
    protocol            = "HTTP"
    matcher             = each.value.health_ok_codes
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}
