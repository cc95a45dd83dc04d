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
  description = "Customer key for storage, the master secret and Performance Insights."
  type        = string
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

variable "final_snapshot" {
  description = "Take a final snapshot when the instance is destroyed."
  type        = bool
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
