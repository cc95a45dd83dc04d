variable "repository_name" {
  description = "Name of the ECR repository."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer key that encrypts the images; null for the AWS-managed key (aws/ecr)."
  type        = string
  default     = null
}

variable "images_to_keep" {
  description = "How many images survive the lifecycle policy; rollbacks can go this far back."
  type        = number
  default     = 30
}
