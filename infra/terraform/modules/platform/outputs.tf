output "public_url" {
  description = "The site's public URL."
  value       = module.cdn.public_url
}

output "deploy_role_arn" {
  description = "Role the GitHub workflow assumes to deploy."
  value       = module.deploy_role.role_arn
}

output "ecr_repository_url" {
  description = "Where the pipeline pushes <url>:<git sha>."
  value       = module.registry.repository_url
}

output "cluster_name" {
  description = "ECS cluster."
  value       = module.cluster.name
}

output "service_names" {
  description = "ECS service per role."
  value       = { for role, service in module.service : role => service.service_name }
}

output "task_definition_families" {
  description = "Task definition family per task: site, api, and migrate (the one-off migration task)."
  value       = { for name, task in module.task : name => task.family }
}

output "admin_token_secret_arn" {
  description = "Secrets Manager secret holding ADMIN_TOKEN (read it with aws secretsmanager get-secret-value)."
  value       = module.secrets.admin_token_arn
}

output "image_tag_parameter" {
  description = "SSM parameter where the pipeline records the deployed tag."
  value       = local.image_tag_parameter
}

output "cloudfront_distribution_id" {
  description = "For cache invalidations."
  value       = module.cdn.distribution_id
}

output "alarm_topic_arn" {
  description = "SNS topic of all alarms."
  value       = module.alerts.topic_arn
}

output "database_restore_point" {
  description = "The snapshot the database starts from when the environment resumes (the final snapshot its last instance left)."
  value       = module.database.restore_point
}

output "metrics_workspace" {
  description = "The Amazon Managed Service for Prometheus workspace the tasks write to (metrics_to_amp): its ARN, the query URL Grafana reads and the policy that lets it; null when off."
  value = var.metrics_to_amp ? {
    arn               = aws_prometheus_workspace.this[0].arn
    query_url         = aws_prometheus_workspace.this[0].prometheus_endpoint
    reader_policy_arn = aws_iam_policy.metrics_reader[0].arn
  } : null
}
