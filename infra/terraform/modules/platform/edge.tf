# Shared secret between CloudFront and the origin (the ALB, or behind API Gateway the binary
# itself). Both must know the value, so it is in state (as it is in the distribution's
# config); it only proves a request came through CloudFront and guards no data. uuid() is
# random; ignore_changes keeps each generation's first value.
#
# Rotation without a 403 in between (CloudFront takes minutes to reach every edge, while the
# ALB changes at once and tasks take a rollout): CloudFront sends the first listed generation
# and the origin accepts every listed one. List a new generation after the current one and
# apply: the origin starts accepting it, CloudFront still sends the current one. Then drop the
# old one and apply: CloudFront switches, and the origin stops accepting the old value only
# after the distribution is deployed (the apply waits for it; terraform_data.accepted_origin_secrets
# below orders the two). docs/deploy.md, "Rotating secrets".
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
  origin_verify_values    = [for generation in var.origin_secret_generations : terraform_data.origin_verify[generation].output]
  accepted_origin_secrets = terraform_data.accepted_origin_secrets.output
}

# What the origin accepts, changed only once the distribution (and so what it sends) is
# deployed: a generation is dropped after CloudFront stopped sending it everywhere.
resource "terraform_data" "accepted_origin_secrets" {
  input = local.origin_verify_values

  depends_on = [module.cdn]
}

module "load_balancer" {
  source = "../load_balancer"
  count  = var.origin == "alb" && !var.paused ? 1 : 0

  name                         = local.name
  vpc_id                       = module.network.vpc_id
  subnet_ids                   = module.network.public_subnet_ids
  security_group_id            = module.security_groups.origin_id
  certificate_arn              = var.alb_certificate_arn
  deregistration_delay_seconds = local.shutdown_grace_seconds
  idle_timeout_seconds         = local.alb_idle_timeout_seconds
  origin_verify_header         = local.origin_verify_header
  origin_verify_values         = local.accepted_origin_secrets
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

moved {
  from = module.load_balancer
  to   = module.load_balancer[0]
}

# API Gateway's HTTP API in front of the single service: no hourly charge (the ALB's $16 and
# its two public addresses), requests priced per million. The API, its stage and the VPC link
# stay while the environment is paused (they cost nothing idle); the integration goes with
# the service.
module "http_api" {
  source = "../http_api"
  count  = var.origin == "http_api" ? 1 : 0

  name                  = local.name
  subnet_ids            = local.task_subnet_ids
  security_group_id     = module.security_groups.origin_id
  enabled               = !var.paused
  cloud_map_service_arn = var.paused ? null : module.service[local.data_role].discovery_service_arn
  blocked_paths         = local.internal_only_paths
}

# With an ALB certificate CloudFront connects to a name the certificate covers.
resource "aws_route53_record" "origin" {
  count = var.origin == "alb" && !var.paused && var.alb_certificate_arn != null && var.route53_zone_id != null ? 1 : 0

  zone_id = var.route53_zone_id
  name    = var.origin_domain_name
  type    = "A"

  alias {
    name                   = module.load_balancer[0].dns_name
    zone_id                = module.load_balancer[0].zone_id
    evaluate_target_health = true
  }
}

locals {
  # What CloudFront connects to. While paused without its own origin name the ALB is gone:
  # the distribution (and the site's address) stays, pointing at a name that never resolves
  # (RFC 6761 reserves .invalid), so viewers get CloudFront's 502 once its cached copies
  # expire (stale-if-error keeps them a day). The HTTP API stays while paused.
  # (Each module's output by index, not the module as a whole: the distribution must not wait
  # for the routes and rules, which wait for it.)
  origin_domain_name = (var.origin == "http_api" ? module.http_api[0].endpoint_host :
    var.alb_certificate_arn != null ? var.origin_domain_name :
  var.paused ? "${local.name}-paused.invalid" : module.load_balancer[0].dns_name)
}

# The distribution stays while the environment is paused: it costs nothing idle, keeps the
# site's address (its *.cloudfront.net name when there is no domain) and is the slowest part
# to create again.
module "cdn" {
  source = "../cdn"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name                    = local.name
  domain_name             = var.domain_name
  route53_zone_id         = var.route53_zone_id
  origin_domain_name      = local.origin_domain_name
  origin_id               = var.origin == "alb" ? "alb" : "http-api"
  origin_https            = var.origin == "http_api" || var.alb_certificate_arn != null
  origin_verify_header    = local.origin_verify_header
  origin_verify_value     = local.origin_verify_values[0]
  immutable_path_patterns = local.immutable_paths
  cached_api_patterns     = local.cached_api_paths
  uncached_path_patterns  = local.uncached_paths
}
