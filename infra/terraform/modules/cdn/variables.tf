variable "name" {
  description = "Prefix for resource names, e.g. folio-dev."
  type        = string
}

variable "domain_name" {
  description = "Public hostname of the site (e.g. folio.example.com); null serves the site on the distribution's *.cloudfront.net name."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Hosted zone of domain_name, where certificate validation and alias records are written. Required with domain_name."
  type        = string
  default     = null
}

variable "origin_domain_name" {
  description = "Hostname CloudFront connects to: the ALB's DNS name, or a name covered by the ALB certificate when origin_https is true."
  type        = string
}

variable "origin_id" {
  description = "The origin's ID in the distribution (what it is: alb, http-api)."
  type        = string
  default     = "alb"
}

variable "origin_https" {
  description = "Connect to the origin over HTTPS (the ALB has a certificate for origin_domain_name)."
  type        = bool
}

variable "origin_verify_header" {
  description = "Name of the secret header added to every origin request."
  type        = string
}

variable "origin_verify_value" {
  description = "Value of the secret header."
  type        = string
  sensitive   = true
}

variable "uncached_path_patterns" {
  description = "Path patterns never cached, which reach the origin with every viewer header (the API, forms, the admin, health)."
  type        = list(string)
}

variable "cached_api_patterns" {
  description = "Path patterns whose GET answers the edge keeps as the origin's Cache-Control says, and whose writes reach the origin with every viewer header (the project list)."
  type        = list(string)
  default     = []
}

variable "immutable_path_patterns" {
  description = "Path patterns whose responses are fingerprinted and never change (the site's /assets/*): cached at the edge for as long as the origin's Cache-Control allows."
  type        = list(string)
  default     = []
}

variable "price_class" {
  description = "CloudFront price class; PriceClass_100 serves from North America and Europe only, the cheapest."
  type        = string
  default     = "PriceClass_100"
}
