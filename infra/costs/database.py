"""Pricing rules for RDS: instances, their storage and monitoring, backups and snapshots."""

from lines import PricingError, number, plural
from observability import log_lines
from registry import plan_rule, rule

# Below 400 GB, gp3 on RDS includes 3,000 IOPS and 125 MiB/s; at 400 GB and more, 12,000 and 500.
GP3_BASELINE = {False: (3000, 125), True: (12000, 500)}
PERFORMANCE_INSIGHTS_FREE_DAYS = 7
SNAPSHOT_TYPES = ("aws_db_snapshot", "aws_db_snapshot_copy")
ENGINES = {"postgres": "PostgreSQL"}


@rule("aws_db_instance")
def db_instance(db, ctx):
    engine, instance_class = db.get("engine"), db.get("instance_class")
    if engine not in ENGINES:
        raise PricingError(f"{db.address}: RDS {engine} is not in the price table")
    identifier = db.get("identifier") or db.address
    _check_standard_support(db, ctx)
    multi_az = bool(db.get("multi_az"))
    deployment, suffix = ("Multi-AZ", "_multi_az") if multi_az else ("Single-AZ", "")
    key = f"rds_{engine}_{instance_class.replace('.', '_')}{suffix}"
    if not ctx.table.has_price(key):
        raise PricingError(
            f"{db.address}: no price for {engine} on {instance_class} {deployment}"
            f" (add [price.{key}] to {ctx.table.source})"
        )
    lines = [
        ctx.line("database", f"RDS {ENGINES[engine]} {instance_class}, {deployment}", key, ctx.hours, f"{ctx.hours} h")
    ]
    lines.append(_storage(db, ctx, suffix, deployment))
    if db.get("performance_insights_enabled"):
        retention = db.get("performance_insights_retention_period") or PERFORMANCE_INSIGHTS_FREE_DAYS
        if retention > PERFORMANCE_INSIGHTS_FREE_DAYS:
            raise PricingError(
                f"{db.address}: Performance Insights kept {retention} days is not in the price table (7 days are free)"
            )
        ctx.note("RDS Performance Insights with 7 days of history: free")
    interval = db.get("monitoring_interval") or 0
    if interval:
        gb = ctx.table.assume("enhanced_monitoring_gb_at_60s") * 60 / interval
        lines += log_lines(
            ctx,
            f"RDS Enhanced Monitoring every {interval} s",
            gb,
            ctx.table.assume("enhanced_monitoring_retention_days"),
        )
    own_groups = {group.get("name") for group in ctx.plan.of_type("aws_cloudwatch_log_group")}
    for export in db.values.get("enabled_cloudwatch_logs_exports") or []:
        if f"/aws/rds/instance/{identifier}/{export}" not in own_groups:
            lines += log_lines(
                ctx,
                "RDS log exports",
                ctx.table.assume("postgres_log_gb"),
                ctx.table.assume("unexpiring_log_retention_days"),
            )
    if db.get("manage_master_user_password"):
        lines.append(
            ctx.line(
                "security",
                "Secrets Manager secrets kept by RDS (master password)",
                "secret_month",
                1,
                "secret",
                counted=True,
            )
        )
    return lines


def _storage(db, ctx, suffix, deployment):
    kind, gb = db.get("storage_type", "gp2"), db.get("allocated_storage")
    key = f"rds_{kind}_gb{suffix}"
    if not ctx.table.has_price(key):
        raise PricingError(f"{db.address}: RDS {kind} storage, {deployment}, is not in the price table")
    if kind == "gp3":
        iops_baseline, throughput_baseline = GP3_BASELINE[gb >= 400]
        if (db.get("iops") or 0) > iops_baseline or (db.get("storage_throughput") or 0) > throughput_baseline:
            raise PricingError(
                f"{db.address}: gp3 IOPS or throughput above the included baseline is not in the price table"
            )
    growth = f", may grow to {db.get('max_allocated_storage')} GB" if db.get("max_allocated_storage") else ""
    return ctx.line("database", f"RDS {kind} storage, {deployment}", key, gb, f"{gb} GB allocated{growth}")


def _check_standard_support(db, ctx):
    engine, major = db.get("engine"), str(db.get("engine_version", "")).split(".")[0]
    ends = ctx.table.rds_support.get(f"{engine}{major}")
    if ends is None:
        raise PricingError(f"{db.address}: no end of standard support for {engine} {major} in [rds_support]")
    if ends <= ctx.table.read:
        raise PricingError(
            f"{db.address}: {engine} {major} left standard support on {ends};"
            " Extended Support is not in the price table"
        )


@rule(*SNAPSHOT_TYPES)
def snapshot(resource, ctx):
    return []  # kept snapshots share the backup allowance; priced with it below


@plan_rule
def backup_storage(ctx):
    """Backups and snapshots beyond the free allowance (the running instances' storage).

    Counted: one automated backup per running instance that keeps backups, every
    snapshot the plan manages or reads, and the final snapshot of each instance the
    plan deletes. Each holds the database's data (an assumption), not its allocation.
    """
    running = ctx.plan.of_type("aws_db_instance")
    automated = [db for db in running if (db.get("backup_retention_period") or 0) > 0]
    snapshots = {r.get("db_snapshot_identifier") or r.address for r in ctx.plan.of_type(*SNAPSHOT_TYPES)}
    snapshots |= {
        r.get("db_snapshot_identifier") or r.get("id") or r.address for r in ctx.plan.data_of_type("aws_db_snapshot")
    }
    snapshots |= {
        db.get("final_snapshot_identifier")
        for db in ctx.plan.deleted
        if db.type == "aws_db_instance" and not db.get("skip_final_snapshot") and db.get("final_snapshot_identifier")
    }
    if not automated and not snapshots:
        return []
    data_gb = ctx.table.assume("database_data_gb")
    allowance = sum(db.get("allocated_storage") or 0 for db in running)
    held = data_gb * (len(automated) + len(snapshots))
    basis = (
        f"{plural(len(automated), 'automated backup')} + {plural(len(snapshots), 'snapshot')},"
        f" {number(data_gb)} GB each (assumed), − {allowance} GB free"
    )
    return [ctx.line("database", "RDS backup and snapshot storage", "rds_backup_gb", max(0.0, held - allowance), basis)]
