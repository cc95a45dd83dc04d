module "cluster" {
  source = "../ecs_cluster"

  name               = local.name
  vpc_id             = module.network.vpc_id
  namespace          = "folio.internal"
  container_insights = var.container_insights
  capacity_provider  = var.fargate_spot ? "FARGATE_SPOT" : "FARGATE"
  # Someone registers in it: the API (the site calls it), or the single service behind API
  # Gateway. Not while paused: the namespace is a Route 53 zone ($0.50 a month).
  namespace_enabled = !var.paused && (!var.single_service || var.origin == "http_api")
}

locals {
  # Without NAT the tasks run in the public subnets with addresses of their own: ECR, Secrets
  # Manager, CloudWatch Logs and mail are reached through the internet gateway, and their
  # security group admits nothing but the origin (and monitoring).
  public_tasks    = var.nat_gateways == "none"
  task_subnet_ids = local.public_tasks ? module.network.public_subnet_ids : module.network.app_subnet_ids
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
  kms_key_arn          = local.kms_key_arn
  cpu                  = each.value.cpu
  memory               = each.value.memory
  cpu_architecture     = var.cpu_architecture
  log_retention_days   = var.log_retention_days
  # Only the serving roles: the migration task is gone before a scrape would find it.
  metrics_agent = lookup(local.metrics_agents, each.key, null)
  # Paused: no database, so nothing to run; the roles and the logs stay.
  registered = !var.paused
}

module "service" {
  source   = "../ecs_service"
  for_each = var.paused ? {} : local.roles

  name              = "${local.name}-${each.key}"
  task              = module.task[each.key]
  port              = each.value.port
  cluster_name      = module.cluster.name
  cluster_arn       = module.cluster.arn
  subnet_ids        = local.task_subnet_ids
  assign_public_ip  = local.public_tasks
  security_group_id = module.security_groups.task_group_ids[each.key]
  capacity_provider = var.fargate_spot ? "FARGATE_SPOT" : (var.single_service ? "FARGATE" : null)
  load_balanced     = var.origin == "alb"
  target_group_arn  = var.origin == "alb" ? module.load_balancer[0].target_group_arns[each.key] : null

  # The site reaches the API at api.folio.internal; API Gateway finds the single service in
  # Cloud Map (an SRV record carries its port).
  service_discovery = (each.key == "api" || (each.key == "serve" && var.origin == "http_api")
    ? { namespace_id = module.cluster.namespace_id, name = each.value.cli_role, srv = var.origin == "http_api" }
  : null)

  autoscaling_enabled = var.autoscaling_enabled
  scaling = {
    min_tasks            = var.min_tasks
    max_tasks            = var.max_tasks
    cpu_percent          = 60
    requests_per_target  = 500
    alb_request_resource = var.origin == "alb" ? "${module.load_balancer[0].arn_suffix}/${module.load_balancer[0].target_group_arn_suffixes[each.key]}" : null
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
