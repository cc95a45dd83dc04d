# Metrics out of AWS (metrics_to_amp). /api/metrics stays closed at the origin; instead each
# serving task runs a Prometheus agent beside Folio that scrapes it on localhost (the containers
# of an awsvpc task share one network namespace) and remote-writes to an Amazon Managed Service
# for Prometheus workspace, signing with the task role's credentials (SigV4). Grafana reads the
# workspace (observability/grafana/provisioning/datasources/amp.yml).
#
# Prometheus in agent mode rather than the ADOT collector: the same program as the local and
# test Prometheus (one configuration language, checked by promtool, run for real by the
# containers test; about 40 MiB resident there), and it keeps a write-ahead log across AMP outages.
resource "aws_prometheus_workspace" "this" {
  count = var.metrics_to_amp ? 1 : 0

  alias = local.name
  # The environment's key, or the AWS-owned one where the profile uses AWS-managed keys.
  kms_key_arn = local.kms_key_arn

  # What the cost script multiplies AMP's ingestion price by (infra/costs/metrics_service.py).
  tags = {
    ScrapeIntervalSeconds = tostring(var.metrics_scrape_interval_seconds)
  }
}

locals {
  # The agent's own address: inside the task only.
  metrics_agent_listen = "127.0.0.1:9090"

  # Prometheus reads its configuration from a file only, so the image's shell writes it from
  # AGENT_CONFIG, with the task's own hostname in the instance label: every
  # agent scrapes localhost, and the dashboards tell tasks apart by instance.
  metrics_agent_command = join(" ", [
    "printf '%s' \"$AGENT_CONFIG\" | sed \"s/@HOSTNAME@/$(hostname)/\" > agent.yml",
    "&& exec prometheus --agent --config.file=agent.yml --storage.agent.path=wal",
    "--web.listen-address=${local.metrics_agent_listen}",
  ])

  # The job is "folio", as locally (observability/prometheus/prometheus.yml), so the dashboards'
  # job variable finds it; environment and role say which task wrote a series.
  metrics_agent_configs = {
    for role, spec in(var.metrics_to_amp ? local.roles : {}) : role => yamlencode({
      global = {
        scrape_interval = "${var.metrics_scrape_interval_seconds}s"
        external_labels = { environment = var.environment, role = role }
      }
      scrape_configs = [{
        job_name       = "folio"
        metrics_path   = "/api/metrics"
        scrape_timeout = "5s"
        static_configs = [{ targets = ["localhost:${spec.port}"], labels = { instance = "@HOSTNAME@:${spec.port}" } }]
      }]
      remote_write = [{
        url   = "${aws_prometheus_workspace.this[0].prometheus_endpoint}api/v1/remote_write"
        sigv4 = { region = data.aws_region.current.name }
      }]
    })
  }

  # A hard limit out of the task's memory (the task's size and price stay the same), small so
  # that Folio keeps room above the FolioMemoryGrowth alert's 384 MiB in a 512 MiB task. A few
  # hundred series need little: infra/tests/metrics_agent.py prints the agents' resident sets,
  # and Prometheus 3 sets its Go memory limit from this one.
  metrics_agent_memory = 64

  metrics_agents = {
    for role, config in local.metrics_agent_configs : role => {
      image         = var.metrics_agent_image
      config        = config
      command       = local.metrics_agent_command
      memory        = local.metrics_agent_memory
      workspace_arn = aws_prometheus_workspace.this[0].arn
    }
  }
}

# What a Grafana (or anyone querying) needs on the workspace, to attach to its role or user;
# nothing in the environment uses it.
data "aws_iam_policy_document" "metrics_reader" {
  count = var.metrics_to_amp ? 1 : 0

  statement {
    sid       = "QueryMetrics"
    actions   = ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"]
    resources = [aws_prometheus_workspace.this[0].arn]
  }
}

resource "aws_iam_policy" "metrics_reader" {
  count = var.metrics_to_amp ? 1 : 0

  name        = "${local.name}-metrics-reader"
  description = "Query the ${local.name} metrics workspace (for Grafana)."
  policy      = data.aws_iam_policy_document.metrics_reader[0].json
}
