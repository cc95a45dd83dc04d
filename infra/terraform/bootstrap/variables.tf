variable "region" {
  description = "Region of the state bucket and lock table; the environments' backend.hcl must name the same one."
  type        = string
  default     = "us-east-1"
}

variable "state_bucket_name" {
  description = "Globally unique name of the S3 bucket that holds every environment's Terraform state."
  type        = string
}

variable "lock_table_name" {
  description = "Name of the DynamoDB table used for state locking."
  type        = string
  default     = "folio-terraform-locks"
}
