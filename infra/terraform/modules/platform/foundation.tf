module "encryption_key" {
  source = "../encryption_key"

  name = local.name
}

module "network" {
  source = "../network"

  name                    = local.name
  cidr_block              = var.vpc_cidr
  availability_zones      = var.availability_zones
  nat_gateway_per_az      = var.nat_gateway_per_az
  flow_log_retention_days = var.flow_log_retention_days
  kms_key_arn             = module.encryption_key.key_arn
}

module "security_groups" {
  source = "../security_groups"

  name                         = local.name
  vpc_id                       = module.network.vpc_id
  site_port                    = local.roles.site.port
  api_port                     = local.roles.api.port
  database_port                = 5432
  alb_listener_port            = var.alb_certificate_arn == null ? 80 : 443
  smtp_egress                  = var.mail_enabled
  monitoring_cidr              = var.monitoring_cidr
  monitoring_security_group_id = var.monitoring_security_group_id
}

module "alerts" {
  source = "../alerts"

  name        = local.name
  kms_key_arn = module.encryption_key.key_arn
  email       = var.alarm_email
}

module "service_alarms" {
  source = "../service_alarms"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name                      = local.name
  topic_arn                 = module.alerts.topic_arn
  email                     = var.alarm_email
  load_balancer_arn_suffix  = module.load_balancer.arn_suffix
  target_group_arn_suffixes = module.load_balancer.target_group_arn_suffixes
  cluster_name              = module.cluster.name
  service_names             = { for role, service in module.service : role => service.service_name }
  distribution_id           = module.cdn.distribution_id
  api_log_group_name        = module.task["api"].log_group_name
  # The line the API logs for each health check that finds the database unavailable
  # (crates/folio-api/src/routes/health.rs); JSON logs, so a field selector.
  database_unavailable_pattern = "{ $.message = \"health check: database not answering\" }"
}
