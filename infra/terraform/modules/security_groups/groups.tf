# Groups only; every rule is a separate resource in rules.tf so that groups that refer
# to each other (origin -> site -> API -> database) do not form a cycle.

locals {
  origin_group = {
    alb      = { name = "${var.name}-alb", description = "Folio ALB: reachable from CloudFront only" }
    http_api = { name = "${var.name}-vpc-link", description = "Folio API Gateway VPC link: carries API Gateway's requests only" }
  }[var.origin]

  task_descriptions = {
    site  = "Folio site tasks"
    api   = "Folio API tasks"
    serve = "Folio tasks (site and API)"
  }
}

# The ALB's group, or the API Gateway VPC link's: whatever forwards viewers' requests.
#
# Switching the origin (ALB <-> HTTP API) replaces the group: the new one exists, and the rules
# and the new origin use it, before the old one (still in use until then) goes.
resource "aws_security_group" "origin" {
  #checkov:skip=CKV2_AWS_5:Attached outside this module (ALB, VPC link, ECS services, RDS); checkov does not follow module outputs.
  name        = local.origin_group.name
  description = local.origin_group.description
  vpc_id      = var.vpc_id

  tags = { Name = local.origin_group.name }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "task" {
  #checkov:skip=CKV2_AWS_5:Attached outside this module (ALB, VPC link, ECS services, RDS); checkov does not follow module outputs.
  for_each = var.task_roles

  name        = "${var.name}-${each.key}"
  description = lookup(local.task_descriptions, each.key, "Folio ${each.key} tasks")
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name}-${each.key}" }
}

# No egress rules at all: the database never opens connections.
resource "aws_security_group" "database" {
  #checkov:skip=CKV2_AWS_5:Attached outside this module (ALB, VPC link, ECS services, RDS); checkov does not follow module outputs.
  name        = "${var.name}-database"
  description = "Folio PostgreSQL: reachable from the API tasks only"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name}-database" }
}

# AWS publishes the address ranges CloudFront uses to reach origins as a managed
# prefix list; using it keeps the ALB closed to everyone else at the network level.
data "aws_ec2_managed_prefix_list" "cloudfront_origin_facing" {
  count = var.origin == "alb" ? 1 : 0

  name = "com.amazonaws.global.cloudfront.origin-facing"
}

moved {
  from = aws_security_group.alb
  to   = aws_security_group.origin
}

moved {
  from = aws_security_group.site
  to   = aws_security_group.task["site"]
}

moved {
  from = aws_security_group.api
  to   = aws_security_group.task["api"]
}
