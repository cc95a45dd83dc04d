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

variable "nat_gateways" {
  description = "per_az: one NAT gateway per AZ (an AZ outage leaves the other AZ's egress intact). single: one shared by both AZs, half the cost. none: no NAT at all (the tasks run in the public subnets with public addresses, or nothing runs)."
  type        = string

  validation {
    condition     = contains(["per_az", "single", "none"], var.nat_gateways)
    error_message = "nat_gateways is per_az, single or none."
  }
}

variable "flow_log_retention_days" {
  description = "Retention of the VPC flow log group."
  type        = number
}

variable "kms_key_arn" {
  description = "Customer key that encrypts the flow log group; null for CloudWatch Logs' own encryption."
  type        = string
  default     = null
}
