# One customer key per environment, or none: the personal profile uses the AWS-managed keys
# (aws/secretsmanager, aws/rds, aws/ecr, CloudWatch Logs' own), since a customer key buys it
# nothing (no other account to share snapshots with, no separate key administrators).
module "encryption_key" {
  source = "../encryption_key"
  count  = var.customer_managed_key ? 1 : 0

  name = local.name
}

moved {
  from = module.encryption_key
  to   = module.encryption_key[0]
}

locals {
  kms_key_arn = one(module.encryption_key[*].key_arn)
}

module "network" {
  source = "../network"

  name                    = local.name
  cidr_block              = var.vpc_cidr
  availability_zones      = var.availability_zones
  nat_gateways            = var.paused ? "none" : var.nat_gateways
  flow_log_retention_days = var.flow_log_retention_days
  kms_key_arn             = local.kms_key_arn
}

module "security_groups" {
  source = "../security_groups"

  name         = local.name
  vpc_id       = module.network.vpc_id
  task_roles   = { for role, spec in local.roles : role => { port = spec.port, database = spec.database, calls = spec.calls } }
  origin       = var.origin
  public_tasks = local.public_tasks
  # The database's port: RDS for PostgreSQL's default, which the database module keeps.
  database_port                = 5432
  alb_listener_port            = var.alb_certificate_arn == null ? 80 : 443
  smtp_egress                  = var.mail_enabled
  monitoring_cidr              = var.monitoring_cidr
  monitoring_security_group_id = var.monitoring_security_group_id
}

module "alerts" {
  source = "../alerts"

  name        = local.name
  kms_key_arn = local.kms_key_arn
  email       = var.alarm_email
}

# Nothing runs while paused, so nothing is watched (the alarms would only report it).
module "service_alarms" {
  source = "../service_alarms"
  count  = var.paused ? 0 : 1
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name                      = local.name
  topic_arn                 = module.alerts.topic_arn
  email                     = var.alarm_email
  origin                    = var.origin
  load_balancer_arn_suffix  = var.origin == "alb" ? module.load_balancer[0].arn_suffix : null
  target_group_arn_suffixes = var.origin == "alb" ? module.load_balancer[0].target_group_arn_suffixes : {}
  http_api_id               = var.origin == "http_api" ? module.http_api[0].api_id : null
  cluster_name              = module.cluster.name
  service_names             = { for role, service in module.service : role => service.service_name }
  container_insights        = var.container_insights
  distribution_id           = module.cdn.distribution_id
  api_log_group_name        = module.task[local.data_role].log_group_name
  # The line the API logs for each health check that finds the database unavailable
  # (crates/folio-api/src/routes/health.rs); JSON logs, so a field selector.
  database_unavailable_pattern = "{ $.message = \"health check: database not answering\" }"
}

moved {
  from = module.service_alarms
  to   = module.service_alarms[0]
}
