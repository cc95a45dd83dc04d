variable "name" {
  description = "Prefix for resource names, e.g. folio-dev."
  type        = string
}

variable "cidr_block" {
  description = "VPC CIDR. Each tier takes /20 slices of it (see locals in vpc.tf), so /16 is the expected size."
  type        = string
}

variable "availability_zones" {
  description = "Exactly two AZs; every tier gets one subnet in each."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) == 2
    error_message = "The platform is laid out across exactly two availability zones."
  }
}

variable "nat_gateway_per_az" {
  description = "true: one NAT gateway per AZ (an AZ outage leaves the other AZ's egress intact). false: a single NAT gateway shared by both AZs, half the cost."
  type        = bool
}

variable "flow_log_retention_days" {
  description = "Retention of the VPC flow log group."
  type        = number
}

variable "kms_key_arn" {
  description = "Customer key that encrypts the flow log group."
  type        = string
}
