locals {
  environment = "dev"

  tags = {
    Project     = "folio"
    Environment = local.environment
    ManagedBy   = "terraform"
  }
}

# Dev: the same platform as prod, sized and protected for a cheap, disposable
# environment (single NAT, single-AZ database, short retention, no deletion guards, so it
# can be paused).
module "platform" {
  source = "../../modules/platform"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  availability_zones      = var.availability_zones
  environment             = local.environment
  vpc_cidr                = "10.20.0.0/16"
  nat_gateways            = "single"
  log_retention_days      = 14
  flow_log_retention_days = 7
  alb_deletion_protection = false
  # Secrets are deleted at once so the environment can be rebuilt under the same names.
  secret_recovery_window_days = 0

  database = {
    instance_class           = "db.t4g.micro"
    allocated_storage_gb     = 20
    max_allocated_storage_gb = 50
    multi_az                 = false
    deletion_protection      = false
    # Deleting the instance (pausing, tearing down) always leaves a final snapshot; the
    # automated backups go with it.
    keep_automated_backups = false
    backup_retention_days  = 3
    # db.t4g.micro allows about 110 connections (memory / 9.5 MB).
    max_connections_alarm_threshold = 80
  }

  task_size = {
    site = { cpu = 256, memory = 512 }
    api  = { cpu = 256, memory = 512 }
  }
  max_tasks = 4

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
