locals {
  https = var.certificate_arn != null

  # Roles with their own path patterns are matched first; the role without patterns
  # takes everything else that carries the origin header.
  routed_targets  = { for role, target in var.targets : role => target if length(target.path_patterns) > 0 }
  default_targets = { for role, target in var.targets : role => target if length(target.path_patterns) == 0 }
}

# Anything that did not come through CloudFront (no secret header) gets 403. Without a
# certificate (dev with no domain) the listener is plain HTTP; only CloudFront's
# address ranges can connect to it either way.
resource "aws_lb_listener" "this" {
  load_balancer_arn = aws_lb.this.arn
  port              = local.https ? 443 : 80
  protocol          = local.https ? "HTTPS" : "HTTP"
  ssl_policy        = local.https ? "ELBSecurityPolicy-TLS13-1-2-2021-06" : null
  certificate_arn   = var.certificate_arn

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Forbidden"
      status_code  = "403"
    }
  }
}

resource "aws_lb_listener_rule" "blocked" {
  listener_arn = aws_lb_listener.this.arn
  priority     = 1

  condition {
    path_pattern {
      values = var.blocked_paths
    }
  }

  action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Not Found"
      status_code  = "404"
    }
  }
}

resource "aws_lb_listener_rule" "routed" {
  for_each = local.routed_targets

  listener_arn = aws_lb_listener.this.arn
  priority     = 10 + index(keys(local.routed_targets), each.key)

  condition {
    path_pattern {
      values = each.value.path_patterns
    }
  }

  condition {
    http_header {
      http_header_name = var.origin_verify_header
      values           = var.origin_verify_values
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[each.key].arn
  }
}

resource "aws_lb_listener_rule" "default" {
  for_each = local.default_targets

  listener_arn = aws_lb_listener.this.arn
  priority     = 100

  condition {
    http_header {
      http_header_name = var.origin_verify_header
      values           = var.origin_verify_values
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[each.key].arn
  }
}
