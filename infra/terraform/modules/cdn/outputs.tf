output "public_url" {
  description = "The site's public https origin (no trailing slash)."
  value       = "https://${local.custom_domain ? var.domain_name : aws_cloudfront_distribution.this.domain_name}"
}

output "distribution_id" {
  description = "ID of the distribution, for invalidations."
  value       = aws_cloudfront_distribution.this.id
}
