# The Prometheus agent beside Folio (platform/metrics.tf says why and renders it). It is not
# essential and Folio does not depend on it: a crashed agent loses metrics, never the site. Its
# memory comes out of the task's, so the task's size (and price) stays the same.
locals {
  metrics_agent_volume = "metrics-agent"

  metrics_agent = var.metrics_agent == null ? [] : [{
    name      = "metrics"
    image     = var.metrics_agent.image
    essential = false
    # The image's entrypoint is Prometheus itself; its shell (busybox) writes the configuration
    # from the environment first, since Prometheus reads it from a file only.
    entryPoint       = ["/bin/sh", "-c"]
    command          = [var.metrics_agent.command]
    environment      = [{ name = "AGENT_CONFIG", value = var.metrics_agent.config }]
    memory           = var.metrics_agent.memory
    workingDirectory = "/prometheus"
    # The image declares /prometheus a VOLUME owned by its user (nobody); a bind volume at the
    # same path starts with that ownership, so the root can stay read-only.
    readonlyRootFilesystem = true
    mountPoints            = [{ sourceVolume = local.metrics_agent_volume, containerPath = "/prometheus", readOnly = false }]

    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = "metrics"
      }
    }
  }]
}

data "aws_iam_policy_document" "remote_write" {
  count = var.metrics_agent == null ? 0 : 1

  statement {
    sid       = "RemoteWriteMetrics"
    actions   = ["aps:RemoteWrite"]
    resources = [var.metrics_agent.workspace_arn]
  }
}

# The agent signs its writes with the task role's credentials (SigV4).
resource "aws_iam_role_policy" "remote_write" {
  count = var.metrics_agent == null ? 0 : 1

  name   = "remote-write-metrics"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.remote_write[0].json
}
