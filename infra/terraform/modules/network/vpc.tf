locals {
  # Three tiers, one /20 per AZ each: public (ALB, NAT), app (ECS tasks), db (RDS).
  tiers = {
    public = 0
    app    = 2
    db     = 4
  }

  subnets = merge([
    for tier, offset in local.tiers : {
      for index, az in var.availability_zones : "${tier}-${az}" => {
        tier = tier
        az   = az
        cidr = cidrsubnet(var.cidr_block, 4, offset + index)
      }
    }
  ]...)

  # With a single NAT gateway every private route goes through the first AZ's.
  nat_azs = {
    per_az = var.availability_zones
    single = [var.availability_zones[0]]
    none   = []
  }[var.nat_gateways]
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = { Name = var.name }
}

# AWS creates a default security group in every VPC that allows all traffic between
# its members; owning it here with no rules makes it deny everything.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id

  tags = { Name = "${var.name}-default-deny" }
}

resource "aws_subnet" "this" {
  for_each = local.subnets

  vpc_id            = aws_vpc.this.id
  availability_zone = each.value.az
  cidr_block        = each.value.cidr

  # Nothing in this VPC needs an automatic public IP: the ALB and NAT gateways get their
  # own addresses, the database stays private, and tasks in the public subnets (no NAT)
  # ask ECS for an address of their own.
  map_public_ip_on_launch = false

  tags = {
    Name = "${var.name}-${each.key}"
    Tier = each.value.tier
  }
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = { Name = var.name }
}

# Free gateway endpoint: ECR image layers come from S3, so pulls skip the NAT's
# per-GB processing charge.
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [for az in var.availability_zones : aws_route_table.private[az].id]

  tags = { Name = "${var.name}-s3" }
}

data "aws_region" "current" {}
