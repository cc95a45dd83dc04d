locals {
  environment = "personal"

  tags = {
    Project     = "folio"
    Environment = local.environment
    ManagedBy   = "terraform"
  }
}

# Personal: what one person's site needs, and no more (docs/deploy.md, "Choosing a profile").
# `folio serve` (site and API in one process) as one ARM64 task of 0.25 vCPU; no NAT gateway
# (the task runs in a public subnet with its own address, admitting only the origin); API
# Gateway's HTTP API as the origin instead of an ALB (no hourly charge; var.origin = "alb"
# keeps the ALB); the smallest Graviton database in one AZ; no Container Insights; the
# AWS-managed keys; and the edge caching pages (crates/folio/src/edge_cache.rs), so one task
# rides a burst (docs/edge-load.md). No deletion guards, so it can be paused.
module "platform" {
  source = "../../modules/platform"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  availability_zones      = var.availability_zones
  environment             = local.environment
  vpc_cidr                = "10.40.0.0/16"
  nat_gateways            = "none"
  log_retention_days      = 30
  flow_log_retention_days = 7
  # A week to undo a mistaken destroy; pausing keeps the secrets anyway.
  secret_recovery_window_days = 7

  single_service       = true
  origin               = var.origin
  fargate_spot         = var.fargate_spot
  cpu_architecture     = "ARM64"
  container_insights   = false
  customer_managed_key = false
  # One task; a burst is the edge's to take.
  autoscaling_enabled = false
  min_tasks           = 1
  max_tasks           = 1

  database = {
    instance_class           = "db.t4g.micro"
    allocated_storage_gb     = 20
    max_allocated_storage_gb = 50
    multi_az                 = false
    deletion_protection      = false
    # Deleting the instance (pausing, tearing down) always leaves a final snapshot; retained
    # automated backups would be billed on top while paused.
    keep_automated_backups = false
    backup_retention_days  = 7
    # db.t4g.micro allows about 110 connections (memory / 9.5 MB).
    max_connections_alarm_threshold = 80
  }

  task_size = {
    serve = { cpu = 256, memory = 512 }
  }

  paused                            = var.paused
  initial_image_tag                 = var.initial_image_tag
  github_repository                 = var.github_repository
  existing_github_oidc_provider_arn = var.existing_github_oidc_provider_arn
  allow_demo_content                = var.allow_demo_content
  contact_to                        = var.contact_to
  contact_from                      = var.contact_from
  mail_enabled                      = var.mail_enabled
  smtp_url                          = var.smtp_url
  smtp_url_version                  = var.smtp_url_version
  admin_token_version               = var.admin_token_version
  db_app_password_version           = var.db_app_password_version
  origin_secret_generations         = var.origin_secret_generations
  alarm_email                       = var.alarm_email
  domain_name                       = var.domain_name
  route53_zone_id                   = var.route53_zone_id
  alb_certificate_arn               = var.alb_certificate_arn
  origin_domain_name                = var.origin_domain_name
  monitoring_cidr                   = var.monitoring_cidr
  monitoring_security_group_id      = var.monitoring_security_group_id
  metrics_to_amp                    = var.metrics_to_amp
}
