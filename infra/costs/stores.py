"""Pricing rules for what holds keys, secrets, parameters, images and files."""

from lines import number
from registry import plan_rule, rule

# Automatic rotation adds $1 a month per rotation, for the first two only.
BILLED_ROTATIONS = 2


@rule("aws_kms_key")
def kms_key(key, ctx):
    rotations = min(ctx.table.assume("kms_key_rotations"), BILLED_ROTATIONS) if key.get("enable_key_rotation") else 0
    basis = "key" if not rotations else f"key with {number(rotations)} rotations"
    return [ctx.line("security", "KMS customer managed keys", "kms_key_month", 1 + rotations, basis, counted=True)]


@plan_rule
def kms_requests(ctx):
    if not ctx.plan.of_type("aws_kms_key"):
        return []
    price = ctx.table.price("kms_10k_requests", "KMS requests")
    requests = ctx.table.assume("kms_requests")
    return [
        ctx.line(
            "security",
            "KMS requests",
            price,
            max(0.0, requests / 10_000 - price.free_per_month),
            f"{number(requests)} requests (assumed) − {number(price.free_per_month * 10_000)} free",
        )
    ]


@rule("aws_secretsmanager_secret")
def secret(secret, ctx):
    return [ctx.line("security", "Secrets Manager secrets", "secret_month", 1, "secret", counted=True)]


@plan_rule
def secrets_api_calls(ctx):
    managed = [db for db in ctx.plan.of_type("aws_db_instance") if db.get("manage_master_user_password")]
    if not ctx.plan.of_type("aws_secretsmanager_secret") and not managed:
        return []
    calls = ctx.table.assume("secrets_api_calls")
    return [
        ctx.line(
            "security",
            "Secrets Manager API calls",
            "secrets_10k_api_calls",
            calls / 10_000,
            f"{number(calls)} calls (assumed)",
        )
    ]


@rule("aws_ssm_parameter")
def parameter(parameter, ctx):
    if parameter.get("tier", "Standard") != "Advanced":
        ctx.note("SSM standard parameters: free")
        return []
    return [ctx.line("other", "SSM advanced parameters", "ssm_advanced_parameter_month", 1, "parameter", counted=True)]


@rule("aws_ecr_repository")
def repository(repository, ctx):
    gb = ctx.table.assume("ecr_gb")
    return [
        ctx.line("other", "ECR image storage", "ecr_gb", gb, f"{repository.get('name')}: {number(gb)} GB (assumed)")
    ]


@rule("aws_s3_bucket")
def bucket(bucket, ctx):
    gb = ctx.table.assume("s3_bucket_gb")
    return [ctx.line("other", "S3 Standard storage", "s3_standard_gb", gb, f"{number(gb)} GB per bucket (assumed)")]
