variable "name" {
  description = "Prefix for alarm names, e.g. folio-dev."
  type        = string
}

variable "topic_arn" {
  description = "SNS topic every alarm notifies, on alarm and on recovery (in the environment's region)."
  type        = string
}

variable "email" {
  description = "Address subscribed to the us-east-1 topic of the CloudFront alarm, when the environment lives elsewhere."
  type        = string
  default     = null
}

variable "load_balancer_arn_suffix" {
  description = "The ALB's ARN suffix (CloudWatch dimension LoadBalancer)."
  type        = string
}

variable "target_group_arn_suffixes" {
  description = "Target group ARN suffix per role (dimension TargetGroup)."
  type        = map(string)
}

variable "cluster_name" {
  description = "ECS cluster (Container Insights dimension ClusterName)."
  type        = string
}

variable "service_names" {
  description = "ECS service name per role (dimension ServiceName)."
  type        = map(string)
}

variable "distribution_id" {
  description = "CloudFront distribution (dimension DistributionId)."
  type        = string
}

variable "api_log_group_name" {
  description = "Log group of the API tasks, read by the database-unavailable metric filter."
  type        = string
}

variable "database_unavailable_pattern" {
  description = "CloudWatch Logs filter pattern matching the API's log line for a health check that found the database unavailable."
  type        = string
}

variable "error_rate_percent" {
  description = "5xx share of requests (percent) above which the 5xx alarms fire."
  type        = number
  default     = 5
}
