output "public_url" {
  description = "The site's public URL."
  value       = module.platform.public_url
}

output "deploy_role_arn" {
  description = "Role the GitHub workflow assumes (role-to-assume)."
  value       = module.platform.deploy_role_arn
}

output "ecr_repository_url" {
  description = "Where the pipeline pushes images."
  value       = module.platform.ecr_repository_url
}

output "cluster_name" {
  description = "ECS cluster."
  value       = module.platform.cluster_name
}

output "service_names" {
  description = "ECS service per role: site and api, or serve (the personal profile); none while paused."
  value       = module.platform.service_names
}

output "task_definition_families" {
  description = "Task definition family per task: site and api (or serve), and migrate (run once per deploy, before the services move)."
  value       = module.platform.task_definition_families
}

output "admin_token_secret_arn" {
  description = "Secret holding ADMIN_TOKEN: aws secretsmanager get-secret-value --secret-id <this> --query SecretString --output text"
  value       = module.platform.admin_token_secret_arn
}

output "image_tag_parameter" {
  description = "SSM parameter where the pipeline records the deployed tag."
  value       = module.platform.image_tag_parameter
}

output "cloudfront_distribution_id" {
  description = "For cache invalidations."
  value       = module.platform.cloudfront_distribution_id
}

output "database_restore_point" {
  description = "The snapshot the database starts from when the environment resumes."
  value       = module.platform.database_restore_point
}

output "alarm_topic_arn" {
  description = "SNS topic of all alarms."
  value       = module.platform.alarm_topic_arn
}

output "metrics_workspace" {
  description = "With metrics_to_amp: the Amazon Managed Service for Prometheus workspace's ARN, the query URL to point Grafana at, and the IAM policy that lets Grafana query it."
  value       = module.platform.metrics_workspace
}
