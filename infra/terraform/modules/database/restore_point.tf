# Where a resumed database starts from: the final snapshot its last instance leaves. While the
# instance runs, the parameter names the snapshot its deletion will leave; while the environment
# is paused it keeps that name, so the next start restores it. Terraform reads it back by path,
# which returns nothing (instead of failing) before the first apply.
data "aws_ssm_parameters_by_path" "restore_point" {
  path = var.restore_point_path
}

locals {
  restore_point_name = "${var.restore_point_path}/restore-point"
  recorded = lookup(
    zipmap(data.aws_ssm_parameters_by_path.restore_point.names, data.aws_ssm_parameters_by_path.restore_point.values),
    local.restore_point_name,
    "none",
  )
  # A snapshot name is not secret; the data source marks every value sensitive.
  restore_point = nonsensitive(local.recorded) == "none" ? null : nonsensitive(local.recorded)
}

resource "aws_ssm_parameter" "restore_point" {
  #checkov:skip=CKV2_AWS_34:A snapshot name, not a secret: a String parameter is what it is.
  name        = local.restore_point_name
  description = "The snapshot a resumed database restores (the final snapshot of its last instance)"
  type        = "String"
  value       = var.enabled ? aws_db_instance.this[0].final_snapshot_identifier : coalesce(local.restore_point, "none")
}

# While paused: the snapshot that holds the data, which must exist (a plan fails loudly if it
# was deleted by hand). Read after the instance is gone, so the pause's own plan waits for it.
data "aws_db_snapshot" "restore_point" {
  count = !var.enabled && local.restore_point != null ? 1 : 0

  db_snapshot_identifier = local.restore_point

  depends_on = [aws_db_instance.this]
}
