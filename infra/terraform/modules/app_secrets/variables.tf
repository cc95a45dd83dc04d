variable "name" {
  description = "Prefix for secret names, e.g. folio-dev."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer key that encrypts the secrets; null for the AWS-managed key (aws/secretsmanager)."
  type        = string
  default     = null
}

variable "recovery_window_days" {
  description = "Days a deleted secret can still be restored (0 deletes at once)."
  type        = number
}

variable "admin_token_version" {
  description = "Raise to generate a new ADMIN_TOKEN."
  type        = number
  default     = 1
}

variable "db_app_username" {
  description = "Name of the API's own database role."
  type        = string
  default     = "folio_app"
}

variable "db_app_password_version" {
  description = "Raise to generate a new password for the API's database role."
  type        = number
  default     = 1
}

variable "mail_enabled" {
  description = "Create the SMTP_URL secret (the API sends contact mail)."
  type        = bool
}

variable "smtp_url" {
  description = "SMTP URL with credentials; read only when the secret is created or smtp_url_version changes."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "smtp_url_version" {
  description = "Raise together with a new smtp_url to replace the stored value."
  type        = number
  default     = 1
}
