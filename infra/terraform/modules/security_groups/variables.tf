variable "name" {
  description = "Prefix for resource names, e.g. folio-dev."
  type        = string
}

variable "vpc_id" {
  description = "VPC the groups belong to."
  type        = string
}

variable "site_port" {
  description = "Port the site role listens on."
  type        = number
}

variable "api_port" {
  description = "Port the API role listens on."
  type        = number
}

variable "database_port" {
  description = "PostgreSQL port."
  type        = number
}

variable "alb_listener_port" {
  description = "Port of the ALB listener CloudFront connects to (443 with a certificate, 80 without)."
  type        = number
}

variable "smtp_egress" {
  description = "Let the API open SMTP submission connections (587) to the internet."
  type        = bool
}

variable "monitoring_cidr" {
  description = "Optional CIDR (e.g. a Prometheus subnet) allowed to scrape the tasks' ports directly. Null disables."
  type        = string
  default     = null
}

variable "monitoring_security_group_id" {
  description = "Optional security group (e.g. a Prometheus task) allowed to scrape the tasks' ports directly. Null disables."
  type        = string
  default     = null
}
