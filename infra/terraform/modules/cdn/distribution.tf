locals {
  origin_id = var.origin_id

  # AWS-managed policies, referenced by their fixed IDs (the same in every account).
  managed = {
    caching_disabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    # Caches by path alone (no headers, cookies or query strings in the key, so no viewer
    # Host either), honours the origin's Cache-Control (s-maxage first) from 1 s up to a year
    # (a day when the origin sends none), gzip and brotli. The 1 s minimum applies even to
    # no-store answers, so only behaviours whose answers are the same for everyone use it.
    caching_optimized = "658327ea-f89d-4fab-a63d-7e88639e58f6"
    # Forwards every viewer header, cookie and query string except Host. Keeping the
    # viewer's Host away from the origin matters: with an HTTPS origin CloudFront
    # checks the ALB certificate against the Host it sends, which must then be
    # origin_domain_name. (The managed "use origin Cache-Control" policies put Host in
    # the cache key, which forwards it, so they cannot be used with this origin.)
    all_viewer_except_host = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    # HSTS (one year), X-Content-Type-Options, X-Frame-Options SAMEORIGIN,
    # Referrer-Policy strict-origin-when-cross-origin, X-XSS-Protection.
    security_headers = "67f7725c-6f97-4210-82d7-5512b31e9d03"
  }

  all_methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]

  behaviours = concat(
    [for pattern in var.immutable_path_patterns : { pattern = pattern, methods = ["GET", "HEAD"], cache = local.managed.caching_optimized, forward = null }],
    [for pattern in var.cached_api_patterns : { pattern = pattern, methods = local.all_methods, cache = local.managed.caching_optimized, forward = local.managed.all_viewer_except_host }],
    [for pattern in var.uncached_path_patterns : { pattern = pattern, methods = local.all_methods, cache = local.managed.caching_disabled, forward = local.managed.all_viewer_except_host }],
  )
}

resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_68:No WAF yet: a web ACL with managed rules costs about $10/month per environment, close to a tenth of the bill; the origin is closed to everything but CloudFront. Revisit when abuse shows up.
  #checkov:skip=CKV2_AWS_47:Same as CKV_AWS_68 (no web ACL, so no Log4j rule set either; the service is Rust, not Java).
  #checkov:skip=CKV_AWS_86:Standard logs need a log bucket; the application logs every request. Enable when an audit needs them.
  #checkov:skip=CKV_AWS_310:There is a single origin (the ALB spans two AZs); a failover origin would need a second region.
  #checkov:skip=CKV_AWS_305:The origin is an application that serves "/" itself; a default root object applies to S3-style origins.
  #checkov:skip=CKV_AWS_174:With a custom domain the viewer policy is TLSv1.2_2021; without one CloudFront's default certificate forces TLSv1 and cannot be changed.
  #checkov:skip=CKV_AWS_374:The site is public for every country; nothing legal or commercial calls for geo blocking.
  #checkov:skip=CKV2_AWS_32:A response headers policy is attached to every behaviour (the AWS-managed SecurityHeadersPolicy, by ID); checkov only recognises a policy resource.
  enabled         = true
  is_ipv6_enabled = true
  http_version    = "http2and3"
  price_class     = var.price_class
  comment         = "Folio ${var.name}"
  aliases         = local.custom_domain ? [var.domain_name] : []

  origin {
    origin_id   = local.origin_id
    domain_name = var.origin_domain_name

    custom_origin_config {
      http_port                = 80
      https_port               = 443
      origin_protocol_policy   = var.origin_https ? "https-only" : "http-only"
      origin_ssl_protocols     = ["TLSv1.2"]
      origin_read_timeout      = 30
      origin_keepalive_timeout = 5
    }

    custom_header {
      name  = var.origin_verify_header
      value = var.origin_verify_value
    }
  }

  # Listed before the pages' default, in this order. Fingerprinted assets: a new file gets a
  # new name, and the origin marks them immutable for a year, so the edge keeps them (GET and
  # HEAD only; no viewer headers reach the origin, none are needed). API reads the edge may keep
  # (the project list): cached as long as the origin's Cache-Control says, keyed by path and
  # encoding alone, while their writes (POST with the admin token) reach the origin with every
  # viewer header; the origin marks only anonymous, successful reads as cacheable
  # (crates/folio/src/edge_cache.rs). Never cached, each with every viewer header: the rest of
  # the API, the contact form, the admin, the site's health; before the default, so that
  # caching pages can never start caching them.
  dynamic "ordered_cache_behavior" {
    for_each = local.behaviours

    content {
      path_pattern               = ordered_cache_behavior.value.pattern
      target_origin_id           = local.origin_id
      viewer_protocol_policy     = "redirect-to-https"
      allowed_methods            = ordered_cache_behavior.value.methods
      cached_methods             = ["GET", "HEAD"]
      compress                   = true
      cache_policy_id            = ordered_cache_behavior.value.cache
      origin_request_policy_id   = ordered_cache_behavior.value.forward
      response_headers_policy_id = local.managed.security_headers
    }
  }

  # The site's pages: the edge keeps them as long as the origin's Cache-Control says
  # (s-maxage 30 s, then 30 s stale while one request refreshes them, and a day while the
  # origin fails), keyed by path and encoding alone; no viewer header, cookie or query string
  # reaches the origin, so no visitor can get a page made for another. Reads only: the forms
  # post to paths of their own behaviours above.
  default_cache_behavior {
    target_origin_id           = local.origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = local.managed.caching_optimized
    response_headers_policy_id = local.managed.security_headers
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = !local.custom_domain
    acm_certificate_arn            = local.custom_domain ? aws_acm_certificate_validation.this[0].certificate_arn : null
    ssl_support_method             = local.custom_domain ? "sni-only" : null
    minimum_protocol_version       = local.custom_domain ? "TLSv1.2_2021" : "TLSv1"
  }
}
