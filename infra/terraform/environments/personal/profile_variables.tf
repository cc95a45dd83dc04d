# The personal profile's own choices (docs/deploy.md, "Choosing a profile"); the inputs every
# environment shares are in variables.tf.

variable "origin" {
  description = "http_api: API Gateway's HTTP API with a VPC link (no hourly charge; Folio checks the origin header). alb: an ALB (about $24 a month more; health checks and connection draining of its own)."
  type        = string
  default     = "http_api"
}

variable "fargate_spot" {
  description = "Run the one task on Fargate Spot (about $5 a month less; AWS may reclaim it with two minutes' notice, and until ECS has started another the edge serves cached pages only)."
  type        = bool
  default     = false
}
