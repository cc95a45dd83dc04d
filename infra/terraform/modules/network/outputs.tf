output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "CIDR of the VPC; the tasks trust X-Forwarded-For only from peers inside it."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnets (ALB, NAT gateways, tasks with public addresses when there is no NAT), one per AZ."
  value       = [for az in var.availability_zones : aws_subnet.this["public-${az}"].id]
}

output "app_subnet_ids" {
  description = "Private subnets of the ECS tasks, one per AZ."
  value       = [for az in var.availability_zones : aws_subnet.this["app-${az}"].id]
}

output "db_subnet_ids" {
  description = "Private subnets of the database, one per AZ."
  value       = [for az in var.availability_zones : aws_subnet.this["db-${az}"].id]
}

output "nat_gateway_count" {
  description = "How many NAT gateways run (cost check)."
  value       = length(aws_nat_gateway.this)
}
