variable "name" {
  description = "Prefix for resource names, e.g. folio-dev."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer key that encrypts the topic (CloudWatch may use it, see the key policy); null leaves the topic unencrypted (CloudWatch cannot publish to one under the AWS-managed aws/sns key)."
  type        = string
  default     = null
}

variable "email" {
  description = "Optional address that receives alarm mail."
  type        = string
  default     = null
}
