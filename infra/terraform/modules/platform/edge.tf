# Shared secret between CloudFront and the ALB. Both services must know the value, so
# it is in state (as it is in the distribution's config); it only proves a request
# came through CloudFront and guards no data. uuid() is random; ignore_changes keeps
# each generation's first value.
#
# Rotation without a 403 in between (CloudFront takes minutes to reach every edge, the
# ALB changes at once): list a new generation after the current one and apply, so the
# ALB accepts both while CloudFront moves to the new one; once the distribution is
# deployed, drop the old generation and apply again (docs/deploy.md, "Rotating secrets").
resource "terraform_data" "origin_verify" {
  for_each = toset(var.origin_secret_generations)

  input = "${replace(uuid(), "-", "")}${replace(uuid(), "-", "")}"

  lifecycle {
    ignore_changes = [input]
  }
}

moved {
  from = terraform_data.origin_verify
  to   = terraform_data.origin_verify["1"]
}

locals {
  # The ALB accepts every listed generation; CloudFront sends the last one.
  origin_verify_values = [for generation in var.origin_secret_generations : terraform_data.origin_verify[generation].output]
}

module "load_balancer" {
  source = "../load_balancer"

  name                         = local.name
  vpc_id                       = module.network.vpc_id
  subnet_ids                   = module.network.public_subnet_ids
  security_group_id            = module.security_groups.alb_id
  certificate_arn              = var.alb_certificate_arn
  deregistration_delay_seconds = local.shutdown_grace_seconds
  idle_timeout_seconds         = local.alb_idle_timeout_seconds
  origin_verify_header         = local.origin_verify_header
  origin_verify_values         = local.origin_verify_values
  blocked_paths                = local.internal_only_paths
  deletion_protection          = var.alb_deletion_protection

  targets = {
    for role, spec in local.roles : role => {
      port            = spec.port
      health_path     = spec.health_path
      health_ok_codes = spec.health_ok_codes
      path_patterns   = spec.path_patterns
    }
  }
}

# With an ALB certificate CloudFront connects to a name the certificate covers.
resource "aws_route53_record" "origin" {
  count = var.alb_certificate_arn != null && var.route53_zone_id != null ? 1 : 0

  zone_id = var.route53_zone_id
  name    = var.origin_domain_name
  type    = "A"

  alias {
    name                   = module.load_balancer.dns_name
    zone_id                = module.load_balancer.zone_id
    evaluate_target_health = true
  }
}

module "cdn" {
  source = "../cdn"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name                    = local.name
  domain_name             = var.domain_name
  route53_zone_id         = var.route53_zone_id
  origin_domain_name      = var.alb_certificate_arn == null ? module.load_balancer.dns_name : var.origin_domain_name
  origin_https            = var.alb_certificate_arn != null
  origin_verify_header    = local.origin_verify_header
  origin_verify_value     = local.origin_verify_values[length(local.origin_verify_values) - 1]
  uncached_path_pattern   = local.roles.api.path_patterns[0]
  immutable_path_patterns = local.immutable_paths
}
