variable "name" {
  description = "Cluster name, e.g. folio-dev."
  type        = string
}

variable "vpc_id" {
  description = "VPC whose resolver answers for the private namespace."
  type        = string
}

variable "namespace" {
  description = "Private DNS namespace for service discovery."
  type        = string
}

variable "namespace_enabled" {
  description = "Create the namespace (a Route 53 private zone, $0.50 a month): when a service registers in it."
  type        = bool
  default     = true
}

variable "container_insights" {
  description = "Container Insights (standard): per-task metrics and performance logs, billed as custom metrics."
  type        = bool
  default     = true
}

variable "capacity_provider" {
  description = "FARGATE or FARGATE_SPOT: the cluster's default capacity provider."
  type        = string
  default     = "FARGATE"

  validation {
    condition     = contains(["FARGATE", "FARGATE_SPOT"], var.capacity_provider)
    error_message = "capacity_provider is FARGATE or FARGATE_SPOT."
  }
}
