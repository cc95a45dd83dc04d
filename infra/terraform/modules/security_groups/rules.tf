locals {
  monitoring_sources = merge(
    var.monitoring_cidr == null ? {} : { cidr = { cidr_ipv4 = var.monitoring_cidr, referenced_security_group_id = null } },
    var.monitoring_security_group_id == null ? {} : { sg = { cidr_ipv4 = null, referenced_security_group_id = var.monitoring_security_group_id } },
  )

  task_ports = { for role, spec in var.task_roles : role => { group = aws_security_group.task[role].id, port = spec.port } }

  # role -> the role it calls (the site calls the API inside the VPC) and that role's port
  # (resolved here: checkov cannot evaluate an index into a variable inside a rule).
  calls = {
    for role, spec in var.task_roles : role => { callee = spec.calls, port = var.task_roles[spec.calls].port } if spec.calls != null
  }

  database_roles = [for role, spec in var.task_roles : role if spec.database]

  smtp = var.smtp_egress ? {
    for pair in setproduct(local.database_roles, ["465", "587"]) : "${pair[0]}-${pair[1]}" => { role = pair[0], port = pair[1] }
  } : {}

  # The ALB's rules keep the wording they were created with.
  from_origin = var.origin == "alb" ? "Requests and health checks from the ALB" : "Requests from API Gateway through the VPC link"
  spoken      = { site = "site", api = "API", serve = "site and API" }
}

# --- The origin: an ALB, or API Gateway's VPC link -----------------------------------------

# Only with an ALB: a VPC link receives nothing from outside (API Gateway sends through it).
resource "aws_vpc_security_group_ingress_rule" "alb_from_cloudfront" {
  count = var.origin == "alb" ? 1 : 0

  security_group_id = aws_security_group.origin.id
  description       = "CloudFront origin-facing ranges"
  prefix_list_id    = data.aws_ec2_managed_prefix_list.cloudfront_origin_facing[0].id
  ip_protocol       = "tcp"
  from_port         = var.alb_listener_port
  to_port           = var.alb_listener_port
}

resource "aws_vpc_security_group_egress_rule" "origin_to_tasks" {
  for_each = local.task_ports

  security_group_id            = aws_security_group.origin.id
  description                  = "Forward to ${each.key} tasks"
  referenced_security_group_id = each.value.group
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

# --- Tasks -------------------------------------------------------------------

resource "aws_vpc_security_group_ingress_rule" "tasks_from_origin" {
  for_each = local.task_ports

  security_group_id            = each.value.group
  description                  = local.from_origin
  referenced_security_group_id = aws_security_group.origin.id
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

# Tasks pull images, read secrets and ship logs over HTTPS: through a NAT gateway from the
# private subnets, or straight through the internet gateway from the public ones (tasks with
# a public address, no NAT). Those AWS endpoints have no fixed addresses, so 443 cannot be
# narrowed further without paying for interface endpoints (see infra/COSTS.md).
resource "aws_vpc_security_group_egress_rule" "tasks_https" {
  for_each = local.task_ports

  security_group_id = each.value.group
  description       = "HTTPS to ECR, Secrets Manager and CloudWatch Logs via ${var.public_tasks ? "the internet gateway" : "NAT"}"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "caller_to_callee" {
  for_each = local.calls

  security_group_id            = aws_security_group.task[each.key].id
  description                  = "Server-side calls from the ${local.spoken[each.key]} to the ${local.spoken[each.value.callee]}"
  referenced_security_group_id = aws_security_group.task[each.value.callee].id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

resource "aws_vpc_security_group_ingress_rule" "callee_from_caller" {
  for_each = local.calls

  security_group_id            = aws_security_group.task[each.value.callee].id
  description                  = "Server-side calls from the ${local.spoken[each.key]}"
  referenced_security_group_id = aws_security_group.task[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
}

resource "aws_vpc_security_group_egress_rule" "tasks_to_database" {
  for_each = toset(local.database_roles)

  security_group_id            = aws_security_group.task[each.key].id
  description                  = "PostgreSQL"
  referenced_security_group_id = aws_security_group.database.id
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
}

# The two submission ports the mailer speaks with TLS: 587 for smtp://…?tls=required
# (STARTTLS) and 465 for smtps:// (TLS from the first byte). Port 25 stays closed: AWS
# throttles it, and it would carry the password in plain text.
resource "aws_vpc_security_group_egress_rule" "tasks_smtp" {
  for_each = local.smtp

  security_group_id = aws_security_group.task[each.value.role].id
  description       = "SMTP submission (port ${each.value.port}) to the mail provider"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = tonumber(each.value.port)
  to_port           = tonumber(each.value.port)
}

# --- Database ----------------------------------------------------------------

resource "aws_vpc_security_group_ingress_rule" "database_from_tasks" {
  for_each = toset(local.database_roles)

  security_group_id            = aws_security_group.database.id
  description                  = "PostgreSQL from the ${local.spoken[each.key]} tasks"
  referenced_security_group_id = aws_security_group.task[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
}

# The rules took role keys when a single-service layout arrived; the same rules, new addresses.
moved {
  from = aws_vpc_security_group_ingress_rule.alb_from_cloudfront
  to   = aws_vpc_security_group_ingress_rule.alb_from_cloudfront[0]
}

moved {
  from = aws_vpc_security_group_egress_rule.alb_to_tasks
  to   = aws_vpc_security_group_egress_rule.origin_to_tasks
}

moved {
  from = aws_vpc_security_group_ingress_rule.tasks_from_alb
  to   = aws_vpc_security_group_ingress_rule.tasks_from_origin
}

moved {
  from = aws_vpc_security_group_egress_rule.site_to_api
  to   = aws_vpc_security_group_egress_rule.caller_to_callee["site"]
}

moved {
  from = aws_vpc_security_group_ingress_rule.api_from_site
  to   = aws_vpc_security_group_ingress_rule.callee_from_caller["site"]
}

moved {
  from = aws_vpc_security_group_egress_rule.api_to_database
  to   = aws_vpc_security_group_egress_rule.tasks_to_database["api"]
}

moved {
  from = aws_vpc_security_group_ingress_rule.database_from_api
  to   = aws_vpc_security_group_ingress_rule.database_from_tasks["api"]
}

moved {
  from = aws_vpc_security_group_egress_rule.api_smtp[0]
  to   = aws_vpc_security_group_egress_rule.api_smtp["587"]
}

moved {
  from = aws_vpc_security_group_egress_rule.api_smtp["587"]
  to   = aws_vpc_security_group_egress_rule.tasks_smtp["api-587"]
}

moved {
  from = aws_vpc_security_group_egress_rule.api_smtp["465"]
  to   = aws_vpc_security_group_egress_rule.tasks_smtp["api-465"]
}
