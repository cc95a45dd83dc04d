# Inputs that differ per installation rather than per environment. The sizing that
# makes this environment what it is lives in main.tf.

variable "region" {
  description = "AWS region of the environment."
  type        = string
  default     = "us-east-1"
}

variable "availability_zones" {
  description = "The two AZs of the environment; must belong to region."
  type        = list(string)
  default     = ["us-east-1a", "us-east-1b"]
}

variable "github_repository" {
  description = "owner/name of the repository whose workflows may deploy."
  type        = string
}

variable "existing_github_oidc_provider_arn" {
  description = "Reuse the account's GitHub OIDC provider (an account has one) instead of creating it."
  type        = string
  default     = null
}

variable "paused" {
  description = "Pause the environment (docs/deploy.md, \"Pausing and resuming\"): everything that costs by the hour goes, the database leaving a final snapshot; false resumes it from that snapshot. Needs no deletion guards."
  type        = bool
  default     = false
}

variable "initial_image_tag" {
  description = "Image tag used until the pipeline records its first deploy in SSM."
  type        = string
  default     = "initial"
}

variable "allow_demo_content" {
  description = "Let the site show the built-in demo owner when the image was built without content/ (a trial; see docs/deploy.md, \"Your content\")."
  type        = bool
  default     = false
}

variable "contact_to" {
  description = "CONTACT_TO: recipient of contact-form mail (with mail_enabled)."
  type        = string
  default     = null
}

variable "contact_from" {
  description = "CONTACT_FROM: sender of contact-form mail (with mail_enabled)."
  type        = string
  default     = null
}

variable "mail_enabled" {
  description = "Send contact mail (creates the SMTP_URL secret, opens SMTP egress)."
  type        = bool
  default     = false
}

variable "smtp_url" {
  description = "SMTP URL with credentials (TF_VAR_smtp_url); needed when mail is first enabled or smtp_url_version is raised. Never stored in state."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "smtp_url_version" {
  description = "Raise together with a new smtp_url to replace it."
  type        = number
  default     = 1
}

variable "origin_secret_generations" {
  description = "Generations of the CloudFront-to-ALB secret header: [\"1\"] normally; to rotate, [\"1\", \"2\"], apply, wait for CloudFront to deploy, then [\"2\"] and apply."
  type        = list(string)
  default     = ["1"]
}

variable "db_app_password_version" {
  description = "Raise to give the API's database role a new password; the next deploy's migration task sets it and the API tasks restart with it (docs/deploy.md)."
  type        = number
  default     = 1
}

variable "admin_token_version" {
  description = "Raise to generate a new ADMIN_TOKEN (takes effect on the next deployment)."
  type        = number
  default     = 1
}

variable "alarm_email" {
  description = "Optional address subscribed to alarms."
  type        = string
  default     = null
}

variable "domain_name" {
  description = "Public hostname; null serves the site on its *.cloudfront.net name."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Hosted zone of domain_name and origin_domain_name."
  type        = string
  default     = null
}

variable "alb_certificate_arn" {
  description = "Regional certificate for origin_domain_name; makes CloudFront reach the ALB over HTTPS."
  type        = string
  default     = null
}

variable "origin_domain_name" {
  description = "Hostname of the ALB covered by alb_certificate_arn (e.g. origin.folio.example.com)."
  type        = string
  default     = null
}

variable "monitoring_cidr" {
  description = "Optional CIDR allowed to scrape metrics from the tasks."
  type        = string
  default     = null
}

variable "monitoring_security_group_id" {
  description = "Optional security group allowed to scrape metrics from the tasks."
  type        = string
  default     = null
}

variable "metrics_to_amp" {
  description = "Send every task's metrics to Amazon Managed Service for Prometheus through an agent beside each task (docs/deploy.md, \"Metrics in AWS\"); /api/metrics stays closed at the origin."
  type        = bool
  default     = false
}
