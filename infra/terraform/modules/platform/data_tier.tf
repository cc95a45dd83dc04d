module "database" {
  source = "../database"

  name                            = local.name
  enabled                         = !var.paused
  restore_point_path              = "/folio/${var.environment}/database"
  subnet_ids                      = module.network.db_subnet_ids
  security_group_id               = module.security_groups.database_id
  kms_key_arn                     = local.kms_key_arn
  instance_class                  = var.database.instance_class
  allocated_storage_gb            = var.database.allocated_storage_gb
  max_allocated_storage_gb        = var.database.max_allocated_storage_gb
  multi_az                        = var.database.multi_az
  deletion_protection             = var.database.deletion_protection
  keep_automated_backups          = var.database.keep_automated_backups
  backup_retention_days           = var.database.backup_retention_days
  max_connections_alarm_threshold = var.database.max_connections_alarm_threshold
  alarm_topic_arn                 = module.alerts.topic_arn
}

module "secrets" {
  source = "../app_secrets"

  name                    = local.name
  kms_key_arn             = local.kms_key_arn
  recovery_window_days    = var.secret_recovery_window_days
  admin_token_version     = var.admin_token_version
  db_app_password_version = var.db_app_password_version
  mail_enabled            = var.mail_enabled
  smtp_url                = var.smtp_url
  smtp_url_version        = var.smtp_url_version
}
