"""Pricing rules for CloudWatch: log groups, alarms, Container Insights."""

from lines import PricingError, number, plural
from registry import rule

LOG_CLASSES = {"STANDARD": "logs_ingest_gb", "INFREQUENT_ACCESS": "logs_ingest_gb_infrequent_access"}


def log_lines(ctx, what, gb_per_month, retention_days, ingest_key="logs_ingest_gb"):
    """Ingestion of `gb_per_month` and, at steady state, storage of what is kept."""
    days_per_month = ctx.hours / 24
    stored = gb_per_month * retention_days / days_per_month
    return [
        ctx.line(
            "observability",
            f"CloudWatch Logs ingestion: {what}",
            ingest_key,
            gb_per_month,
            f"{number(round(gb_per_month, 3))} GB (assumed)",
        ),
        ctx.line(
            "observability",
            f"CloudWatch Logs storage: {what}",
            "logs_storage_gb",
            stored,
            f"{number(round(gb_per_month, 3))} GB a month × {plural(retention_days, 'day')} kept",
        ),
    ]


# What runs in a VPC and so sends its flow log records: a paused environment has none of it.
VPC_TRAFFIC = ("aws_ecs_service", "aws_lb", "aws_nat_gateway", "aws_db_instance", "aws_vpc_endpoint")


@rule("aws_cloudwatch_log_group")
def log_group(group, ctx):
    name = group.get("name")
    if name is None:
        raise PricingError(f"{group.address}: its name is unknown before apply, so no ingestion assumption applies")
    assumption, label, writer = ctx.table.log_assumption(name)
    if not _written(ctx, name, writer):
        ctx.note(
            f"CloudWatch Logs, {label}: nothing writes to these groups in this plan (nothing runs),"
            " and what they hold expires with their retention"
        )
        return []
    log_class = group.get("log_group_class", "STANDARD")
    if log_class not in LOG_CLASSES:
        raise PricingError(f"{group.address}: log group class {log_class} is not in the price table")
    retention = group.get("retention_in_days") or ctx.table.assume("unexpiring_log_retention_days")
    return log_lines(ctx, label, ctx.table.assume(assumption), retention, LOG_CLASSES[log_class])


def _written(ctx, name, writer):
    if writer == "task":
        family = name.lstrip("/")
        return any(d.get("family") == family for d in ctx.plan.of_type("aws_ecs_task_definition"))
    if writer == "vpc":
        running = [r for r in ctx.plan.of_type(*VPC_TRAFFIC) if r.type != "aws_ecs_service" or ctx.running_tasks(r)]
        return any(r.type != "aws_vpc_endpoint" or r.get("vpc_endpoint_type") == "Interface" for r in running)
    return True


@rule("aws_flow_log")
def flow_log(flow_log, ctx):
    destination = flow_log.get("log_destination_type", "cloud-watch-logs")
    if destination != "cloud-watch-logs":
        raise PricingError(f"{flow_log.address}: flow logs to {destination} are not in the price table")
    return []


@rule("aws_cloudwatch_metric_alarm")
def metric_alarm(alarm, ctx):
    metrics = [query["metric"][0] for query in alarm.values.get("metric_query") or [] if query.get("metric")]
    periods = [alarm.get("period")] + [metric.get("period") for metric in metrics]
    high_resolution = min(period for period in periods if period is not None) < 60
    key, label = ("alarm_high_resolution", "high") if high_resolution else ("alarm_standard", "standard")
    return [
        ctx.line(
            "observability",
            f"CloudWatch alarms ({label} resolution)",
            key,
            max(len(metrics), 1),
            "alarm metric" if len(metrics) > 1 else "alarm",
            counted=True,
        )
    ]


@rule("aws_cloudwatch_log_metric_filter")
def log_metric_filter(metric_filter, ctx):
    """The filter itself is free; the metric it publishes is a custom metric."""
    count = len(metric_filter.values.get("metric_transformation") or [])
    return [ctx.line("observability", "Custom metrics from log metric filters", "custom_metric", count,
                     "metric", counted=True)]


@rule("aws_cloudwatch_composite_alarm")
def composite_alarm(alarm, ctx):
    return [ctx.line("observability", "CloudWatch composite alarms", "alarm_composite", 1, "alarm", counted=True)]


@rule("aws_appautoscaling_policy")
def scaling_policy(policy, ctx):
    kind = policy.get("policy_type", "StepScaling")
    if kind == "StepScaling":
        return []  # its alarms are aws_cloudwatch_metric_alarm resources, priced there
    if kind != "TargetTrackingScaling":
        raise PricingError(f"{policy.address}: {kind} policies are not in the price table")
    # Target tracking creates an alarm to scale out and, unless scale-in is off, one to scale in.
    scale_in = not policy.block("target_tracking_scaling_policy_configuration").get("disable_scale_in")
    alarm = ctx.line(
        "observability", "CloudWatch alarms made by target tracking", "alarm_standard", 1, "alarm", counted=True
    )
    return [alarm] * (1 + scale_in)


@rule("aws_ecs_cluster")
def container_insights(cluster, ctx):
    settings = {entry["name"]: entry["value"] for entry in cluster.values.get("setting") or []}
    mode = settings.get("containerInsights", "disabled")
    if mode == "disabled":
        return []
    if mode != "enabled":
        raise PricingError(f"{cluster.address}: Container Insights {mode!r} is not in the price table")
    name = cluster.get("name")
    services = [s for s in ctx.plan.of_type("aws_ecs_service") if ctx.cluster_name(s) == name and ctx.running_tasks(s)]
    if not services:
        return []  # Container Insights publishes only while tasks run
    families = {ctx.task_definition(service).get("family") for service in services}
    assume = ctx.table.assume
    per_cluster = assume("container_insights_metrics_per_cluster")
    per_service = assume("container_insights_metrics_per_service")
    per_family = assume("container_insights_metrics_per_family")
    metrics = per_cluster + per_service * len(services) + per_family * len(families)
    tasks = sum(ctx.running_tasks(service) for service in services)
    basis = (
        f"{number(per_cluster)} + {plural(len(services), 'service')} × {number(per_service)} "
        f"+ {plural(len(families), 'task family')} × {number(per_family)} metrics (assumed)"
    )
    return [ctx.line("observability", "Container Insights metrics", "custom_metric", metrics, basis)] + log_lines(
        ctx, "Container Insights performance events", tasks * assume("container_insights_log_gb_per_task"), 1
    )
