locals {
  environment = "prod"

  tags = {
    Project     = "folio"
    Environment = local.environment
    ManagedBy   = "terraform"
  }
}

# Prod: the same platform as dev with production resilience: a NAT gateway and a
# database standby in each AZ, deletion guards, a final snapshot, longer retention.
module "platform" {
  source = "../../modules/platform"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  availability_zones          = var.availability_zones
  environment                 = local.environment
  vpc_cidr                    = "10.30.0.0/16"
  nat_gateways                = "per_az"
  log_retention_days          = 90
  flow_log_retention_days     = 30
  alb_deletion_protection     = true
  secret_recovery_window_days = 30

  database = {
    instance_class           = "db.t4g.small"
    allocated_storage_gb     = 20
    max_allocated_storage_gb = 200
    multi_az                 = true
    deletion_protection      = true
    # Besides the final snapshot every deletion leaves, point-in-time recovery stays possible
    # for the retention period.
    keep_automated_backups = true
    backup_retention_days  = 14
    # db.t4g.small allows about 200 connections (memory / 9.5 MB).
    max_connections_alarm_threshold = 160
  }

  task_size = {
    site = { cpu = 256, memory = 512 }
    api  = { cpu = 512, memory = 1024 }
  }
  max_tasks = 6

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
