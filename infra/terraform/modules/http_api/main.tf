# An API Gateway HTTP API as the origin CloudFront forwards to: no hourly charge (requests are
# priced per million), a VPC link into the VPC (no charge), and a private integration with the
# service's Cloud Map name, so requests go straight to the task's address and port.
#
# What it does not do, against an ALB: it has no health checks of its own (it sends to the
# instances Cloud Map lists, which ECS keeps to the tasks whose container health check passes)
# and no deregistration delay (a task leaves Cloud Map when ECS stops it), and it cannot
# check a header, so the binary refuses requests without CloudFront's secret (ORIGIN_SECRETS).
resource "aws_apigatewayv2_vpc_link" "this" {
  name               = var.name
  subnet_ids         = var.subnet_ids
  security_group_ids = [var.security_group_id]
}

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  description   = "Folio ${var.name}: CloudFront's origin"
  protocol_type = "HTTP"
}

# $default: no stage name in the path, which a private integration would otherwise forward.
resource "aws_apigatewayv2_stage" "default" {
  #checkov:skip=CKV_AWS_76:No access log: the task logs every request (JSON, request id), and API Gateway's own metrics are alarmed on; an access log group would double the log bill.
  #checkov:skip=CKV_AWS_95:Same as CKV_AWS_76.
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  # What reaches the single task at most, whatever the edge lets through: at 0.25 vCPU it
  # answers about 1,250 requests a second (docs/edge-load.md), and keeps a margin for its
  # health checks, the database pool and mail. Beyond it API Gateway answers 429.
  default_route_settings {
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
  }
}

# The service's tasks by their Cloud Map name; and for the internal paths the same tasks at a
# path the binary answers with 404 (an HTTP API route needs a target, and has no fixed responses
# of its own), as the ALB answers them itself.
locals {
  integrations = {
    service = "The service's tasks, by their Cloud Map name"
    blocked = "Internal paths, answered 404"
  }
}

resource "aws_apigatewayv2_integration" "this" {
  for_each = var.enabled ? local.integrations : {}

  api_id                 = aws_apigatewayv2_api.this.id
  description            = each.value
  integration_type       = "HTTP_PROXY"
  integration_method     = "ANY"
  connection_type        = "VPC_LINK"
  connection_id          = aws_apigatewayv2_vpc_link.this.id
  integration_uri        = var.cloud_map_service_arn
  payload_format_version = "1.0"
  timeout_milliseconds   = var.timeout_milliseconds
  request_parameters     = each.key == "blocked" ? { "overwrite:path" = var.not_found_path } : null
}

resource "aws_apigatewayv2_route" "default" {
  #checkov:skip=CKV_AWS_309:Public on purpose: CloudFront is the one caller meant to reach it, and the binary refuses every request without CloudFront's secret header (ORIGIN_SECRETS); an authorizer would be a Lambda call per request.
  count = var.enabled ? 1 : 0

  api_id    = aws_apigatewayv2_api.this.id
  route_key = "$default"
  target    = "integrations/${aws_apigatewayv2_integration.this["service"].id}"
}

locals {
  # ALB-style patterns ("/api/metrics/*") as route keys ("ANY /api/metrics/{proxy+}").
  blocked_routes = !var.enabled ? [] : [
    for pattern in var.blocked_paths : "ANY ${endswith(pattern, "/*") ? "${trimsuffix(pattern, "*")}{proxy+}" : pattern}"
  ]
}

resource "aws_apigatewayv2_route" "blocked" {
  #checkov:skip=CKV_AWS_309:These routes only answer 404 (internal paths); see the default route.
  for_each = toset(local.blocked_routes)

  api_id    = aws_apigatewayv2_api.this.id
  route_key = each.key
  target    = "integrations/${aws_apigatewayv2_integration.this["blocked"].id}"
}
