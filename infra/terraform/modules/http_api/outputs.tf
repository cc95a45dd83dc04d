output "api_id" {
  description = "ID of the HTTP API (CloudWatch dimension ApiId)."
  value       = aws_apigatewayv2_api.this.id
}

output "endpoint_host" {
  description = "Host name of the API's execute-api endpoint: CloudFront's origin."
  value       = trimprefix(aws_apigatewayv2_api.this.api_endpoint, "https://")
}
