module "registry" {
  source = "../container_registry"

  repository_name = var.repository_name
  kms_key_arn     = local.kms_key_arn
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

module "deploy_role" {
  source = "../deploy_role"

  name                       = local.name
  github_repository          = var.github_repository
  github_environment         = var.environment
  existing_oidc_provider_arn = var.existing_github_oidc_provider_arn
  repository_arn             = module.registry.repository_arn
  # By name, so the role stays the same while the environment is paused (no services then).
  service_arns            = [for role in keys(local.roles) : "arn:${data.aws_partition.current.partition}:ecs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:service/${local.name}/${local.name}-${role}"]
  passable_role_arns      = flatten([for task in module.task : task.role_arns])
  one_off_task_family_arn = "arn:${data.aws_partition.current.partition}:ecs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:task-definition/${module.task["migrate"].family}"
  cluster_arn             = module.cluster.arn
  image_tag_parameter_arn = "arn:${data.aws_partition.current.partition}:ssm:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:parameter${local.image_tag_parameter}"
}
