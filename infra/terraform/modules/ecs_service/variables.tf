variable "name" {
  description = "Service, task family and role-name prefix, e.g. folio-dev-api."
  type        = string
}

variable "container_name" {
  description = "Name of the single container (the role: site or api)."
  type        = string
}

variable "cluster_name" {
  description = "ECS cluster name."
  type        = string
}

variable "cluster_arn" {
  description = "ECS cluster ARN."
  type        = string
}

variable "image" {
  description = "Image reference <repository url>:<tag>."
  type        = string
}

variable "repository_arn" {
  description = "ECR repository the execution role may pull from."
  type        = string
}

variable "command" {
  description = "Arguments after the /folio entrypoint that select the role."
  type        = list(string)
}

variable "port" {
  description = "Port the container listens on."
  type        = number
}

variable "health_check_command" {
  description = "Container health check; runs the binary itself (the image has no shell or curl)."
  type        = list(string)
}

variable "stop_timeout_seconds" {
  description = "Seconds between SIGTERM and SIGKILL; longer than the binary's drain time."
  type        = number
}

variable "environment" {
  description = "Plain environment variables."
  type        = map(string)
}

variable "secrets" {
  description = "Environment variables read from Secrets Manager at task start: secret ARN and, for JSON secrets, the key (null for the whole value)."
  type = map(object({
    arn = string
    key = optional(string)
  }))
  default = {}
}

variable "kms_key_arn" {
  description = "Customer key of the secrets (the execution role decrypts through Secrets Manager)."
  type        = string
}

variable "cpu" {
  description = "Task CPU units (256 = 0.25 vCPU)."
  type        = number
}

variable "memory" {
  description = "Task memory in MiB."
  type        = number
}

variable "cpu_architecture" {
  description = "X86_64 or ARM64; must match the image the pipeline builds."
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

variable "log_retention_days" {
  description = "Retention of the service's log group."
  type        = number
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
