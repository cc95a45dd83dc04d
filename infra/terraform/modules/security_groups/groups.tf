# Groups only; every rule is a separate resource in rules.tf so that groups that refer
# to each other (ALB -> site -> API -> database) do not form a cycle.

resource "aws_security_group" "alb" {
  #checkov:skip=CKV2_AWS_5:Attached outside this module (ALB, ECS services, RDS); checkov does not follow module outputs.
  name        = "${var.name}-alb"
  description = "Folio ALB: reachable from CloudFront only"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name}-alb" }
}

resource "aws_security_group" "site" {
  #checkov:skip=CKV2_AWS_5:Attached outside this module (ALB, ECS services, RDS); checkov does not follow module outputs.
  name        = "${var.name}-site"
  description = "Folio site tasks"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name}-site" }
}

resource "aws_security_group" "api" {
  #checkov:skip=CKV2_AWS_5:Attached outside this module (ALB, ECS services, RDS); checkov does not follow module outputs.
  name        = "${var.name}-api"
  description = "Folio API tasks"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name}-api" }
}

# No egress rules at all: the database never opens connections.
resource "aws_security_group" "database" {
  #checkov:skip=CKV2_AWS_5:Attached outside this module (ALB, ECS services, RDS); checkov does not follow module outputs.
  name        = "${var.name}-database"
  description = "Folio PostgreSQL: reachable from the API tasks only"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name}-database" }
}

# AWS publishes the address ranges CloudFront uses to reach origins as a managed
# prefix list; using it keeps the ALB closed to everyone else at the network level.
data "aws_ec2_managed_prefix_list" "cloudfront_origin_facing" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}
