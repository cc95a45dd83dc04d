variable "name" {
  description = "Prefix for resource names, e.g. folio-dev (ALB and target group names allow 32 characters)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the target groups."
  type        = string
}

variable "subnet_ids" {
  description = "Public subnets, one per AZ."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group that admits CloudFront only."
  type        = string
}

variable "certificate_arn" {
  description = "Regional ACM certificate for an HTTPS listener; null serves plain HTTP (only CloudFront can reach the ALB)."
  type        = string
  default     = null
}

variable "targets" {
  description = "Roles behind the ALB: container port, health-check path, the status codes that count as healthy there (e.g. \"200\" or \"200,503\") and the path patterns they own (none: everything else)."
  type = map(object({
    port            = number
    health_path     = string
    health_ok_codes = string
    path_patterns   = list(string)
  }))

  validation {
    condition     = length([for target in values(var.targets) : target if length(target.path_patterns) == 0]) == 1
    error_message = "Exactly one target must have no path patterns: it receives everything the others do not match."
  }
}

variable "deregistration_delay_seconds" {
  description = "How long a stopping task keeps receiving no new requests while it finishes in-flight ones; matches the binary's SHUTDOWN_GRACE_SECONDS."
  type        = number
}

variable "idle_timeout_seconds" {
  description = "How long the ALB keeps idle connections open; targets must keep theirs open longer."
  type        = number
}

variable "origin_verify_header" {
  description = "Name of the header CloudFront adds to every origin request."
  type        = string
}

variable "origin_verify_values" {
  description = "Values of that header accepted (the current one, and the next during a rotation); requests without one get 403."
  type        = list(string)
  sensitive   = true

  validation {
    condition     = length(var.origin_verify_values) >= 1 && length(var.origin_verify_values) <= 2
    error_message = "Accept one origin secret, or two while rotating."
  }
}

variable "blocked_paths" {
  description = "Paths answered with 404 at the ALB whatever the header says (internal endpoints such as metrics)."
  type        = list(string)
}

variable "deletion_protection" {
  description = "Refuse to delete the ALB until switched off."
  type        = bool
}
