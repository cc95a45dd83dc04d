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
  description = "Subnets of the tasks: the private app subnets, or the public ones when the tasks have public addresses."
  type        = list(string)
}

variable "assign_public_ip" {
  description = "Give each task a public address (tasks in public subnets reach AWS and mail servers without NAT)."
  type        = bool
  default     = false
}

variable "capacity_provider" {
  description = "Null: on-demand Fargate (launch type FARGATE). FARGATE or FARGATE_SPOT: that capacity provider."
  type        = string
  default     = null
}

variable "security_group_id" {
  description = "Security group of the tasks."
  type        = string
}

variable "load_balanced" {
  description = "The tasks register in an ALB target group (false: API Gateway finds them in Cloud Map)."
  type        = bool
  default     = true
}

variable "target_group_arn" {
  description = "ALB target group the tasks register in, when load_balanced."
  type        = string
  default     = null
}

variable "service_discovery" {
  description = "Optional Cloud Map registration: the service becomes <name>.<namespace> inside the VPC; with srv, an SRV record carries the port (for API Gateway's private integration)."
  type = object({
    namespace_id = string
    name         = string
    srv          = optional(bool, false)
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
