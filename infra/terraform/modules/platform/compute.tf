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

locals {
  tasks = merge(
    {
      for role, spec in local.roles : role => {
        cli_role          = spec.cli_role
        port              = spec.port
        health_check_args = spec.health_check_args
        environment       = merge(local.common_environment, { PORT = tostring(spec.port) }, local.role_environment[role])
        secrets           = local.role_secrets[role]
        cpu               = var.task_size[role].cpu
        memory            = var.task_size[role].memory
      }
    },
    {
      migrate = {
        cli_role          = "migrate"
        port              = null
        health_check_args = null
        environment       = local.migrate_environment
        secrets           = local.migrate_secrets
        # Migrations are short; the smallest Fargate size does.
        cpu    = 256
        memory = 512
      }
    },
  )
}

data "aws_ssm_parameters_by_path" "deploy" {
  path = "/folio/${var.environment}"
}

# One task definition per serving role, and the one-off migration task the pipeline runs
# before it updates the services.
module "task" {
  source   = "../ecs_task"
  for_each = local.tasks

  name                 = "${local.name}-${each.key}"
  container_name       = each.key
  image                = local.image
  repository_arn       = module.registry.repository_arn
  command              = [each.value.cli_role]
  port                 = each.value.port
  health_check_command = each.value.health_check_args == null ? null : concat(["CMD", "/folio"], each.value.health_check_args)
  stop_timeout_seconds = local.stop_timeout_seconds
  environment          = each.value.environment
  secrets              = each.value.secrets
  kms_key_arn          = module.encryption_key.key_arn
  cpu                  = each.value.cpu
  memory               = each.value.memory
  cpu_architecture     = var.cpu_architecture
  log_retention_days   = var.log_retention_days
}

module "service" {
  source   = "../ecs_service"
  for_each = local.roles

  name              = "${local.name}-${each.key}"
  task              = module.task[each.key]
  port              = each.value.port
  cluster_name      = module.cluster.name
  cluster_arn       = module.cluster.arn
  subnet_ids        = module.network.app_subnet_ids
  security_group_id = module.security_groups.task_group_ids[each.key]
  target_group_arn  = module.load_balancer.target_group_arns[each.key]

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

# The task definitions, roles and log groups moved into the ecs_task module; the same
# resources, under new addresses (nothing is replaced).
moved {
  from = module.service["site"].aws_ecs_task_definition.this
  to   = module.task["site"].aws_ecs_task_definition.this
}

moved {
  from = module.service["api"].aws_ecs_task_definition.this
  to   = module.task["api"].aws_ecs_task_definition.this
}

moved {
  from = module.service["site"].aws_iam_role.execution
  to   = module.task["site"].aws_iam_role.execution
}

moved {
  from = module.service["api"].aws_iam_role.execution
  to   = module.task["api"].aws_iam_role.execution
}

moved {
  from = module.service["site"].aws_iam_role_policy.execution
  to   = module.task["site"].aws_iam_role_policy.execution
}

moved {
  from = module.service["api"].aws_iam_role_policy.execution
  to   = module.task["api"].aws_iam_role_policy.execution
}

moved {
  from = module.service["site"].aws_iam_role.task
  to   = module.task["site"].aws_iam_role.task
}

moved {
  from = module.service["api"].aws_iam_role.task
  to   = module.task["api"].aws_iam_role.task
}

moved {
  from = module.service["site"].aws_cloudwatch_log_group.this
  to   = module.task["site"].aws_cloudwatch_log_group.this
}

moved {
  from = module.service["api"].aws_cloudwatch_log_group.this
  to   = module.task["api"].aws_cloudwatch_log_group.this
}
