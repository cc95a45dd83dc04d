variable "name" {
  description = "Task family and role-name prefix, e.g. folio-dev-api."
  type        = string
}

variable "container_name" {
  description = "Name of the single container (site, api or migrate)."
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
  description = "Port the container listens on; null for a one-off task that serves nothing."
  type        = number
  default     = null
}

variable "health_check_command" {
  description = "Container health check (runs the binary itself: the image has no shell or curl); null for a one-off task."
  type        = list(string)
  default     = null
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
  description = "Customer key of the secrets and the log group (the execution role decrypts through Secrets Manager); null for the AWS-managed keys."
  type        = string
  default     = null
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

variable "log_retention_days" {
  description = "Retention of the task's log group."
  type        = number
}

variable "registered" {
  description = "Register the task definition (false while the environment is paused; the roles and logs stay)."
  type        = bool
  default     = true
}

variable "metrics_agent" {
  description = "A Prometheus agent beside the container that scrapes it on localhost and remote-writes to Amazon Managed Service for Prometheus (platform/metrics.tf renders it); null for none."
  type = object({
    image         = string
    config        = string
    command       = string
    memory        = number
    workspace_arn = string
  })
  default = null
}
