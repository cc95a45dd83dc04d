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
  description = "The ALB's ARN suffix (CloudWatch dimension LoadBalancer); null without an ALB."
  type        = string
  default     = null
}

variable "target_group_arn_suffixes" {
  description = "Target group ARN suffix per role (dimension TargetGroup); empty without an ALB."
  type        = map(string)
  default     = {}
}

variable "origin" {
  description = "What forwards viewers' requests: alb (its alarms read the ALB's metrics) or http_api (API Gateway's)."
  type        = string
  default     = "alb"
}

variable "http_api_id" {
  description = "The HTTP API in front of the service (dimension ApiId); null behind an ALB."
  type        = string
  default     = null
}

variable "container_insights" {
  description = "The cluster has Container Insights (running and desired task counts); without it, an alarm on the services' CPU datapoints stands in."
  type        = bool
  default     = true
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
