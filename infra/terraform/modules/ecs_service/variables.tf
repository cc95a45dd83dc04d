variable "name" {
  description = "Service name, e.g. folio-dev-api."
  type        = string
}

variable "task" {
  description = "The task definition the service runs (the ecs_task module's outputs): its ARN, family and container name."
  type = object({
    arn            = string
    family         = string
    container_name = string
  })
}

variable "port" {
  description = "Port the container listens on, which the target group forwards to."
  type        = number
}

variable "cluster_name" {
  description = "ECS cluster name."
  type        = string
}

variable "cluster_arn" {
  description = "ECS cluster ARN."
  type        = string
}

variable "subnet_ids" {
  description = "Private app subnets."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the tasks."
  type        = string
}

variable "target_group_arn" {
  description = "ALB target group the tasks register in."
  type        = string
}

variable "service_discovery" {
  description = "Optional Cloud Map registration: the service becomes <name>.<namespace> inside the VPC."
  type = object({
    namespace_id = string
    name         = string
  })
  default = null
}

variable "autoscaling_enabled" {
  description = "Attach Application Auto Scaling. Always true in real environments; the emulator test switches it off (see infra/README.md)."
  type        = bool
  default     = true
}

variable "scaling" {
  description = "Task count bounds and target-tracking targets."
  type = object({
    min_tasks            = number
    max_tasks            = number
    cpu_percent          = number
    requests_per_target  = number
    alb_request_resource = string
  })
}
