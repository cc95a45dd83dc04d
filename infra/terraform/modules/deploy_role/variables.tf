variable "name" {
  description = "Prefix for resource names, e.g. folio-dev."
  type        = string
}

variable "github_repository" {
  description = "owner/name of the GitHub repository whose workflows may deploy."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "github_environment" {
  description = "GitHub environment whose jobs may deploy; its protection rules decide who may."
  type        = string
}

variable "existing_oidc_provider_arn" {
  description = "ARN of an existing token.actions.githubusercontent.com provider (an account has at most one); null creates it."
  type        = string
  default     = null
}

variable "repository_arn" {
  description = "ECR repository the pipeline pushes to."
  type        = string
}

variable "service_arns" {
  description = "ECS services the pipeline updates."
  type        = list(string)
}

variable "one_off_task_family_arn" {
  description = "Task definition family (ARN without revision) the pipeline runs once per deploy: the migrations."
  type        = string
}

variable "cluster_arn" {
  description = "Cluster the one-off task runs in."
  type        = string
}

variable "passable_role_arns" {
  description = "Task and execution roles named in the task definitions the pipeline registers."
  type        = list(string)
}

variable "image_tag_parameter_arn" {
  description = "SSM parameter where the pipeline records the deployed tag."
  type        = string
}
