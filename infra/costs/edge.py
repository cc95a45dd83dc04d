"""Pricing rules for the edge and for names: CloudFront, certificates, hosted zones."""

from lines import PricingError, number
from registry import plan_rule, rule


@rule("aws_cloudfront_distribution", "aws_cloudfront_function")
def cloudfront(resource, ctx):
    return []  # the site's traffic is priced once per plan, below


@plan_rule
def cloudfront_traffic(ctx):
    """The viewer traffic of the site, less CloudFront's always-free allowance."""
    if not any(d.get("enabled") is not False for d in ctx.plan.of_type("aws_cloudfront_distribution")):
        return []
    requests, gb = ctx.table.assume("viewer_requests"), ctx.table.assume("viewer_gb")
    lines = [
        _beyond_free(
            ctx,
            "CloudFront HTTPS requests",
            "cloudfront_10k_requests",
            requests / 10_000,
            f"{number(requests)} requests (assumed)",
            10_000,
            "requests",
        ),
        _beyond_free(ctx, "CloudFront data out to viewers", "cloudfront_gb", gb, f"{number(gb)} GB (assumed)", 1, "GB"),
    ]
    functions = len(ctx.plan.of_type("aws_cloudfront_function"))
    if functions:
        lines.append(
            _beyond_free(
                ctx,
                "CloudFront Functions invocations",
                "cloudfront_function_million",
                functions * requests / 1e6,
                f"{functions} functions × {number(requests)} requests",
                1e6,
                "invocations",
            )
        )
    return lines


def _beyond_free(ctx, item, key, units, basis, unit_size, unit_name):
    price = ctx.table.price(key, item)
    free = price.free_per_month
    return ctx.line(
        "edge", item, price, max(0.0, units - free), f"{basis} − {number(free * unit_size)} {unit_name} free"
    )


@rule("aws_acm_certificate")
def certificate(certificate, ctx):
    if certificate.get("certificate_authority_arn"):
        raise PricingError(f"{certificate.address}: certificates from a private CA are not in the price table")
    ctx.note("ACM public certificates: free")
    return []


@rule("aws_route53_zone")
def hosted_zone(zone, ctx):
    return [ctx.line("other", "Route 53 hosted zones", "hosted_zone_month", 1, "zone", counted=True)]


@rule("aws_service_discovery_private_dns_namespace", "aws_service_discovery_public_dns_namespace")
def dns_namespace(namespace, ctx):
    return [
        ctx.line(
            "other",
            "Cloud Map DNS namespaces (each a Route 53 hosted zone)",
            "hosted_zone_month",
            1,
            "zone",
            counted=True,
        )
    ]
