variable "name" {
  description = "Prefix for resource names, e.g. folio-personal."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets of the VPC link's network interfaces (those of the tasks)."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the VPC link; the tasks admit it only."
  type        = string
}

variable "enabled" {
  description = "Route requests to the service (false while the environment is paused: no integration, no routes)."
  type        = bool
  default     = true
}

variable "cloud_map_service_arn" {
  description = "Cloud Map service the tasks register in (with an SRV record for the port), when enabled."
  type        = string
  default     = null
}

variable "blocked_paths" {
  description = "ALB-style path patterns (exact, or ending in /*) answered with 404: internal endpoints such as metrics."
  type        = list(string)
  default     = []
}

variable "not_found_path" {
  description = "Path the blocked routes are sent to; the binary answers it with 404."
  type        = string
  default     = "/api/not-public"
}

variable "timeout_milliseconds" {
  description = "How long API Gateway waits for the task (at most 30,000); above the binary's REQUEST_TIMEOUT_SECONDS (15 s)."
  type        = number
  default     = 20000
}

variable "throttling_rate_limit" {
  description = "Requests per second API Gateway passes on to the task (steady state)."
  type        = number
  default     = 500
}

variable "throttling_burst_limit" {
  description = "Requests API Gateway passes on in a burst above the rate."
  type        = number
  default     = 1000
}
