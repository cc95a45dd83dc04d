variable "name" {
  description = "Prefix for resource names, e.g. folio-dev."
  type        = string
}

variable "vpc_id" {
  description = "VPC the groups belong to."
  type        = string
}

variable "task_roles" {
  description = "Serving roles, each with its own group: the port it listens on, whether it reaches the database (and sends mail), and the role it calls on its port (the site calls the API), if any."
  type = map(object({
    port     = number
    database = bool
    calls    = optional(string)
  }))
}

variable "origin" {
  description = "What forwards viewers' requests to the tasks: alb (an ALB that admits CloudFront's address ranges only) or http_api (an API Gateway HTTP API's VPC link, which only API Gateway sends through)."
  type        = string

  validation {
    condition     = contains(["alb", "http_api"], var.origin)
    error_message = "origin is alb or http_api."
  }
}

variable "public_tasks" {
  description = "The tasks run in the public subnets with public addresses (no NAT gateway); only their egress rules' wording depends on it."
  type        = bool
}

variable "database_port" {
  description = "PostgreSQL port."
  type        = number
}

variable "alb_listener_port" {
  description = "Port of the ALB listener CloudFront connects to (443 with a certificate, 80 without); unused with the http_api origin."
  type        = number
}

variable "smtp_egress" {
  description = "Let the roles that reach the database open SMTP submission connections (465, 587) to the internet."
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
