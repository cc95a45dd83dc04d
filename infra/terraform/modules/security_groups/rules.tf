locals {
  monitoring_sources = merge(
    var.monitoring_cidr == null ? {} : { cidr = { cidr_ipv4 = var.monitoring_cidr, referenced_security_group_id = null } },
    var.monitoring_security_group_id == null ? {} : { sg = { cidr_ipv4 = null, referenced_security_group_id = var.monitoring_security_group_id } },
  )

  task_ports = {
    site = { group = aws_security_group.site.id, port = var.site_port }
    api  = { group = aws_security_group.api.id, port = var.api_port }
  }

  # Tasks pull images, read secrets and ship logs through the NAT gateway; those AWS
  # endpoints have no fixed addresses, so 443 cannot be narrowed further without
  # paying for interface endpoints (see infra/COSTS.md).
  https_egress_groups = {
    site = aws_security_group.site.id
    api  = aws_security_group.api.id
  }
}

# --- ALB ---------------------------------------------------------------------

resource "aws_vpc_security_group_ingress_rule" "alb_from_cloudfront" {
  security_group_id = aws_security_group.alb.id
  description       = "CloudFront origin-facing ranges"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.cloudfront_origin_facing.id
  ip_protocol       = "tcp"
  from_port         = var.alb_listener_port
  to_port           = var.alb_listener_port
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks" {
  for_each = local.task_ports

  security_group_id            = aws_security_group.alb.id
  description                  = "Forward to ${each.key} tasks"
  referenced_security_group_id = each.value.group
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

# --- Tasks -------------------------------------------------------------------

resource "aws_vpc_security_group_ingress_rule" "tasks_from_alb" {
  for_each = local.task_ports

  security_group_id            = each.value.group
  description                  = "Requests and health checks from the ALB"
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_monitoring" {
  for_each = {
    for pair in setproduct(keys(local.task_ports), keys(local.monitoring_sources)) :
    "${pair[0]}-${pair[1]}" => merge(local.task_ports[pair[0]], local.monitoring_sources[pair[1]])
  }

  security_group_id            = each.value.group
  description                  = "Metrics scrapes from monitoring"
  cidr_ipv4                    = each.value.cidr_ipv4
  referenced_security_group_id = each.value.referenced_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

resource "aws_vpc_security_group_egress_rule" "tasks_https" {
  for_each = local.https_egress_groups

  security_group_id = each.value
  description       = "HTTPS to ECR, Secrets Manager and CloudWatch Logs via NAT"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "site_to_api" {
  security_group_id            = aws_security_group.site.id
  description                  = "Server-side calls from the site to the API"
  referenced_security_group_id = aws_security_group.api.id
  ip_protocol                  = "tcp"
  from_port                    = var.api_port
  to_port                      = var.api_port
}

resource "aws_vpc_security_group_ingress_rule" "api_from_site" {
  security_group_id            = aws_security_group.api.id
  description                  = "Server-side calls from the site"
  referenced_security_group_id = aws_security_group.site.id
  ip_protocol                  = "tcp"
  from_port                    = var.api_port
  to_port                      = var.api_port
}

resource "aws_vpc_security_group_egress_rule" "api_to_database" {
  security_group_id            = aws_security_group.api.id
  description                  = "PostgreSQL"
  referenced_security_group_id = aws_security_group.database.id
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
}

# The two submission ports the mailer speaks with TLS: 587 for smtp://…?tls=required
# (STARTTLS) and 465 for smtps:// (TLS from the first byte). Port 25 stays closed: AWS
# throttles it, and it would carry the password in plain text.
resource "aws_vpc_security_group_egress_rule" "api_smtp" {
  for_each = var.smtp_egress ? toset(["465", "587"]) : toset([])

  security_group_id = aws_security_group.api.id
  description       = "SMTP submission (port ${each.key}) to the mail provider"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = tonumber(each.key)
  to_port           = tonumber(each.key)
}

# Only the address changed (one rule per port now); the 587 rule is kept, not recreated.
moved {
  from = aws_vpc_security_group_egress_rule.api_smtp[0]
  to   = aws_vpc_security_group_egress_rule.api_smtp["587"]
}

# --- Database ----------------------------------------------------------------

resource "aws_vpc_security_group_ingress_rule" "database_from_api" {
  security_group_id            = aws_security_group.database.id
  description                  = "PostgreSQL from the API tasks"
  referenced_security_group_id = aws_security_group.api.id
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
}
