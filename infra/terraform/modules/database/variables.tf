variable "name" {
  description = "Prefix for resource names, e.g. folio-dev."
  type        = string
}

variable "subnet_ids" {
  description = "Private database subnets, one per AZ."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group that admits the API tasks only."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer key for storage, the master secret and Performance Insights; null for the AWS-managed keys (aws/rds, aws/secretsmanager)."
  type        = string
  default     = null
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
}

variable "allocated_storage_gb" {
  description = "Initial gp3 storage."
  type        = number
}

variable "max_allocated_storage_gb" {
  description = "Ceiling for storage autoscaling."
  type        = number
}

variable "multi_az" {
  description = "Keep a synchronous standby in the second AZ."
  type        = bool
}

variable "deletion_protection" {
  description = "Refuse DeleteDBInstance until switched off."
  type        = bool
}

variable "keep_automated_backups" {
  description = "Keep the automated backups (point-in-time recovery) for their retention period after the instance is deleted; the final snapshot is taken either way."
  type        = bool
}

variable "enabled" {
  description = "The instance exists (false while the environment is paused: its final snapshot holds the data)."
  type        = bool
  default     = true
}

variable "restore_point_path" {
  description = "SSM path of the parameter naming the snapshot a new instance restores, e.g. /folio/dev/database."
  type        = string
}

variable "backup_retention_days" {
  description = "Automated backup retention."
  type        = number
}

variable "database_name" {
  description = "Database the application uses."
  type        = string
  default     = "folio"
}

variable "master_username" {
  description = "Master user; its password is generated and kept in Secrets Manager by RDS."
  type        = string
  default     = "folio"
}

variable "max_connections_alarm_threshold" {
  description = "DatabaseConnections above this for 10 minutes raises an alarm."
  type        = number
}

variable "free_storage_alarm_bytes" {
  description = "FreeStorageSpace below this raises an alarm."
  type        = number
  default     = 2147483648
}

variable "alarm_topic_arn" {
  description = "SNS topic that receives alarm and recovery notifications."
  type        = string
}
