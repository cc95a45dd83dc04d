module "cluster" {
  source = "../ecs_cluster"

  name      = local.name
  vpc_id    = module.network.vpc_id
  namespace = "folio.internal"
}

# The deploy pipeline owns which image runs: it records the tag it deployed in SSM.
# Terraform reads that tag to render the same image, so Terraform and the pipeline
# agree. The parameter is read by path because it does not exist before the first
# deploy; Terraform never creates it, so it has nothing to overwrite or ignore.
locals {
  image_tag_parameter = "/folio/${var.environment}/image-tag"
  recorded_tags = zipmap(
    data.aws_ssm_parameters_by_path.deploy.names,
    data.aws_ssm_parameters_by_path.deploy.values,
  )
  # A git SHA is not secret; the data source marks every value sensitive.
  image_tag = nonsensitive(lookup(local.recorded_tags, local.image_tag_parameter, var.initial_image_tag))
  image     = "${module.registry.repository_url}:${local.image_tag}"
}

data "aws_ssm_parameters_by_path" "deploy" {
  path = "/folio/${var.environment}"
}

module "service" {
  source   = "../ecs_service"
  for_each = local.roles

  name                 = "${local.name}-${each.key}"
  container_name       = each.key
  cluster_name         = module.cluster.name
  cluster_arn          = module.cluster.arn
  image                = local.image
  repository_arn       = module.registry.repository_arn
  command              = [each.value.cli_role]
  port                 = each.value.port
  health_check_command = concat(["CMD", "/folio"], each.value.health_check_args)
  stop_timeout_seconds = local.stop_timeout_seconds
  environment          = merge(local.common_environment, { PORT = tostring(each.value.port) }, local.role_environment[each.key])
  secrets              = local.role_secrets[each.key]
  kms_key_arn          = module.encryption_key.key_arn
  cpu                  = var.task_size[each.key].cpu
  memory               = var.task_size[each.key].memory
  cpu_architecture     = var.cpu_architecture
  subnet_ids           = module.network.app_subnet_ids
  security_group_id    = module.security_groups.task_group_ids[each.key]
  target_group_arn     = module.load_balancer.target_group_arns[each.key]
  log_retention_days   = var.log_retention_days

  # The site reaches the API at api.folio.internal.
  service_discovery = each.key == "api" ? { namespace_id = module.cluster.namespace_id, name = each.value.cli_role } : null

  autoscaling_enabled = var.autoscaling_enabled
  scaling = {
    min_tasks            = 2
    max_tasks            = var.max_tasks
    cpu_percent          = 60
    requests_per_target  = 500
    alb_request_resource = "${module.load_balancer.arn_suffix}/${module.load_balancer.target_group_arn_suffixes[each.key]}"
  }
}
