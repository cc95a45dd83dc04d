resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
}

# A prefix, not a fixed name: a change that replaces the group creates the new one first
# (create_before_destroy), which a fixed name would collide with.
resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.name}-postgres15-"
  family      = "postgres15"

  # Refuse unencrypted connections; the API connects with sslmode=verify-full.
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  # Slow statements (over 500 ms) and DDL land in the exported postgresql log, which
  # is enough to diagnose without logging every query.
  parameter {
    name  = "log_min_duration_statement"
    value = "500"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# The database leaves a snapshot whenever its instance is deleted: when the environment is
# paused, destroyed, or the instance replaced. Each instance names its own final snapshot after
# the moment it was created (a generation), so a second pause never collides with the first's.
resource "terraform_data" "generation" {
  count = var.enabled ? 1 : 0

  input = formatdate("YYYYMMDD-hhmmss", plantimestamp())

  lifecycle {
    ignore_changes = [input]
  }
}

resource "aws_db_instance" "this" {
  #checkov:skip=CKV_AWS_293:Set per environment (deletion_protection): on in prod, off in dev and personal so they can be paused or torn down and rebuilt.
  #checkov:skip=CKV_AWS_157:Set per environment (multi_az): a standby in prod, none in dev and personal where an hour of downtime costs nothing.
  count = var.enabled ? 1 : 0

  identifier     = var.name
  engine         = "postgres"
  engine_version = "15"
  instance_class = var.instance_class

  db_name  = var.database_name
  username = var.master_username
  port     = 5432

  # Resuming a paused environment: the instance starts from the snapshot the pause left (the
  # restore point below). Only creation reads it; afterwards it only records where the data
  # came from, so a newer restore point must never replace the running instance.
  snapshot_identifier = local.restore_point

  # RDS generates the master password, stores and rotates it in Secrets Manager; it
  # never passes through Terraform.
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn

  allocated_storage     = var.allocated_storage_gb
  max_allocated_storage = var.max_allocated_storage_gb
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [var.security_group_id]
  parameter_group_name   = aws_db_parameter_group.this.name
  publicly_accessible    = false
  multi_az               = var.multi_az
  # The CA is left at the RDS default for new instances (rds-ca-rsa2048-g1); the
  # global bundle the image carries covers every RDS CA, so rotations need no change.

  # The API authenticates with its own role's password; IAM authentication is enabled so
  # operators can connect with short-lived tokens instead.
  iam_database_authentication_enabled = true

  backup_retention_period   = var.backup_retention_days
  backup_window             = "03:00-04:00"
  maintenance_window        = "sun:04:30-sun:05:30"
  copy_tags_to_snapshot     = true
  delete_automated_backups  = !var.keep_automated_backups
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = false
  final_snapshot_identifier = "${var.name}-${terraform_data.generation[0].output}"

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  apply_immediately           = false

  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]

  monitoring_interval = 60
  monitoring_role_arn = aws_iam_role.enhanced_monitoring.arn

  # Seven days of Performance Insights history is the free tier.
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = var.kms_key_arn
  performance_insights_retention_period = 7

  lifecycle {
    ignore_changes = [snapshot_identifier]
  }
}

resource "aws_iam_role" "enhanced_monitoring" {
  name = "${var.name}-rds-monitoring"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "monitoring.rds.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "enhanced_monitoring" {
  role       = aws_iam_role.enhanced_monitoring.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

data "aws_partition" "current" {}

# The instance went under a count when environments became pausable: the same instance.
moved {
  from = aws_db_instance.this
  to   = aws_db_instance.this[0]
}
