"""Pricing rules for Amazon Managed Service for Prometheus (metrics_to_amp)."""

from lines import PricingError, number, plural
from registry import rule

SAMPLES_PER_PRICE_UNIT = 10_000_000
SAMPLES_PER_QUERY_UNIT = 1_000_000_000


@rule("aws_prometheus_workspace")
def workspace(resource, ctx):
    """Ingestion from every running task's agent (each serving task has one when the workspace
    exists), the samples kept for the workspace's retention, and the dashboards' queries."""
    interval = (resource.values.get("tags") or {}).get("ScrapeIntervalSeconds")
    if interval is None:
        raise PricingError(f"{resource.address}: no ScrapeIntervalSeconds tag, so its ingestion cannot be priced")
    tasks = sum(ctx.running_tasks(service) for service in ctx.plan.of_type("aws_ecs_service"))
    if not tasks:
        ctx.note("Amazon Managed Service for Prometheus: no task runs, so nothing is ingested; what the workspace "
                 "holds expires with its retention")
        return []
    assume = ctx.table.assume
    series = assume("amp_series_per_task")
    scrapes = ctx.hours * 3600 / int(interval)
    samples = scrapes * series * tasks
    retention_months = assume("amp_retention_days") / (ctx.hours / 24)
    stored_gb = samples * retention_months * assume("amp_bytes_per_sample") / 1e9
    queried = assume("amp_query_samples")
    return [
        ctx.line("observability", "AMP samples ingested", "amp_ingest_10m_samples", samples / SAMPLES_PER_PRICE_UNIT,
                 f"{plural(tasks, 'task')} × {number(series)} series (assumed) × a scrape every {interval} s "
                 f"= {number(round(samples / 1e6, 1))} million samples"),
        ctx.line("observability", "AMP metric storage", "amp_storage_gb", stored_gb,
                 f"{plural(assume('amp_retention_days'), 'day')} of samples kept × "
                 f"{number(assume('amp_bytes_per_sample'))} bytes each (assumed)"),
        ctx.line("observability", "AMP query samples processed", "amp_query_1b_samples",
                 queried / SAMPLES_PER_QUERY_UNIT, f"{number(queried / 1e9)} billion samples (assumed)"),
    ]
