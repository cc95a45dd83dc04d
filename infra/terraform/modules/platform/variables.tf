# --- Environment ---------------------------------------------------------------

variable "environment" {
  description = "Environment name; becomes APP_ENV and part of every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "Use a short lowercase name such as dev or prod (it ends up in 32-character ALB names)."
  }
}

variable "availability_zones" {
  description = "The two AZs the platform spans. Named explicitly so the layout never shifts when AWS adds a zone."
  type        = list(string)
}

variable "vpc_cidr" {
  description = "VPC CIDR (/16)."
  type        = string
}

variable "nat_gateways" {
  description = "per_az (resilient), single (half the cost) or none: the tasks then run in the public subnets with public addresses, admitting only the origin."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the services' log groups."
  type        = number
}

variable "flow_log_retention_days" {
  description = "Retention of the VPC flow logs."
  type        = number
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret stays restorable (0 in throwaway environments)."
  type        = number
}

variable "alb_deletion_protection" {
  description = "Protect the ALB from deletion."
  type        = bool
  default     = false
}

variable "paused" {
  description = "Pause the environment: the services, the ALB (or the HTTP API's integration), NAT, the alarms and the database instance go, the database leaving a final snapshot; the images, secrets, logs, distribution and snapshot stay. false resumes, restoring the database from that snapshot."
  type        = bool
  default     = false

  validation {
    condition     = !var.paused || (!var.alb_deletion_protection && !var.database.deletion_protection)
    error_message = "Switch the deletion guards off first (alb_deletion_protection and database.deletion_protection false, applied), as for a tear-down: pausing deletes the ALB and the database instance."
  }
}

# --- Database ------------------------------------------------------------------

variable "database" {
  description = "Sizing and protection of the PostgreSQL instance."
  type = object({
    instance_class                  = string
    allocated_storage_gb            = number
    max_allocated_storage_gb        = number
    multi_az                        = bool
    deletion_protection             = bool
    keep_automated_backups          = bool
    backup_retention_days           = number
    max_connections_alarm_threshold = number
  })
}

# --- Tasks ---------------------------------------------------------------------

variable "single_service" {
  description = "Run the site and the API in one service (`folio serve`, role serve) instead of a site and an API service."
  type        = bool
  default     = false
}

variable "origin" {
  description = "What CloudFront forwards to: alb (an ALB that checks the origin header) or http_api (an API Gateway HTTP API with a VPC link to the service's Cloud Map name; the binary checks the header). http_api needs single_service."
  type        = string
  default     = "alb"

  validation {
    condition     = var.origin == "alb" || (var.origin == "http_api" && var.single_service)
    error_message = "origin is alb, or http_api with single_service = true (one Cloud Map service behind the VPC link)."
  }
}

variable "fargate_spot" {
  description = "Run the tasks on Fargate Spot (about 70 % cheaper; AWS may stop a task with two minutes' notice, and ECS starts another when Spot has capacity)."
  type        = bool
  default     = false
}

variable "container_insights" {
  description = "Container Insights on the cluster (per-task metrics, billed as custom metrics); the tasks-below-desired alarms read them."
  type        = bool
  default     = true
}

variable "customer_managed_key" {
  description = "One customer KMS key for logs, secrets, the database, images and alarms ($1 a month); false uses the AWS-managed keys."
  type        = bool
  default     = true
}

variable "task_size" {
  description = "CPU units and memory (MiB) of each task, per role."
  type = map(object({
    cpu    = number
    memory = number
  }))
}

variable "cpu_architecture" {
  description = "X86_64 or ARM64; must match the image the pipeline builds."
  type        = string
  default     = "X86_64"
}

variable "autoscaling_enabled" {
  description = "Application Auto Scaling on the services. infra/tests/emulator.sh sets false (moto cannot tag scalable targets); the personal profile's one task does not scale."
  type        = bool
  default     = true
}

variable "min_tasks" {
  description = "Tasks each service runs (the lower bound of auto scaling)."
  type        = number
  default     = 2
}

variable "max_tasks" {
  description = "Upper bound of auto scaling per service."
  type        = number
}

variable "initial_image_tag" {
  description = "Image tag used until the deploy pipeline has recorded one in SSM (first apply of a new environment)."
  type        = string
}

variable "repository_name" {
  description = "ECR repository of the Folio image."
  type        = string
  default     = "folio"
}

# --- Public edge ---------------------------------------------------------------

variable "domain_name" {
  description = "Public hostname of the site; null uses the CloudFront name."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Hosted zone of domain_name (certificate validation and alias records)."
  type        = string
  default     = null
}

variable "alb_certificate_arn" {
  description = "Regional ACM certificate for the ALB; with it CloudFront reaches the ALB over HTTPS at origin_domain_name."
  type        = string
  default     = null
}

variable "origin_domain_name" {
  description = "Hostname covered by alb_certificate_arn that CloudFront connects to; an alias record to the ALB is created in route53_zone_id."
  type        = string
  default     = null
}

# --- Application ---------------------------------------------------------------

variable "mail_enabled" {
  description = "The API sends contact mail: creates the SMTP_URL secret and opens SMTP egress."
  type        = bool
}

variable "smtp_url" {
  description = "SMTP URL with credentials; needed only when its secret is created or smtp_url_version is raised."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "smtp_url_version" {
  description = "Raise with a new smtp_url to replace the stored one."
  type        = number
  default     = 1
}

variable "origin_secret_generations" {
  description = "Generations of the CloudFront-to-ALB secret header: one normally, two (old, new) while rotating."
  type        = list(string)
  default     = ["1"]

  validation {
    condition     = length(var.origin_secret_generations) >= 1 && length(var.origin_secret_generations) <= 2 && length(distinct(var.origin_secret_generations)) == length(var.origin_secret_generations)
    error_message = "List one generation, or two distinct ones (the current, then the next) while rotating."
  }
}

variable "db_app_password_version" {
  description = "Raise to give the API's database role a new password (set by the next deploy's migration task)."
  type        = number
  default     = 1
}

variable "admin_token_version" {
  description = "Raise to generate a new ADMIN_TOKEN."
  type        = number
  default     = 1
}

variable "allow_demo_content" {
  description = "Let the site show the built-in demo owner when the image carries no content/ of the owner's (a trial)."
  type        = bool
  default     = false
}

variable "contact_to" {
  description = "CONTACT_TO: where contact-form mail goes; required when mail_enabled."
  type        = string
  default     = null

  validation {
    condition     = !var.mail_enabled || var.contact_to != null
    error_message = "contact_to is required when mail_enabled is true (the owner's address)."
  }
}

variable "contact_from" {
  description = "CONTACT_FROM: sender of contact-form mail; required when mail_enabled."
  type        = string
  default     = null

  validation {
    condition     = !var.mail_enabled || var.contact_from != null
    error_message = "contact_from is required when mail_enabled is true (an address the SMTP provider lets you send from)."
  }
}

# --- Operations ----------------------------------------------------------------

variable "alarm_email" {
  description = "Optional address subscribed to the alarm topic."
  type        = string
  default     = null
}

variable "monitoring_cidr" {
  description = "Optional CIDR allowed to scrape the tasks' ports (Prometheus)."
  type        = string
  default     = null
}

variable "monitoring_security_group_id" {
  description = "Optional security group allowed to scrape the tasks' ports (Prometheus)."
  type        = string
  default     = null
}

variable "metrics_to_amp" {
  description = "Send every task's metrics to Amazon Managed Service for Prometheus: a workspace and a Prometheus agent beside each serving task (docs/deploy.md, \"Metrics in AWS\"). /api/metrics stays closed at the origin."
  type        = bool
  default     = false
}

variable "metrics_scrape_interval_seconds" {
  description = "How often each task's agent scrapes it; AMP bills every sample it ingests, so this sets most of the path's price."
  type        = number
  default     = 30
}

variable "metrics_agent_image" {
  description = "The Prometheus image of the agent beside each task (agent mode, remote write with SigV4). Pinned: a new one is a reviewed change."
  type        = string
  default     = "quay.io/prometheus/prometheus:v3.5.0"
}

variable "github_repository" {
  description = "owner/name of the repository whose workflows may deploy."
  type        = string
}

variable "existing_github_oidc_provider_arn" {
  description = "Reuse this account's GitHub OIDC provider instead of creating one."
  type        = string
  default     = null
}
