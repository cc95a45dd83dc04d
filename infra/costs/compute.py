"""Pricing rules for what runs and what carries traffic: ECS, load balancers, the VPC."""

from lines import PricingError, number, plural
from registry import plan_rule, rule

# Task definition architecture -> (price key part, label).
ARCHITECTURES = {"X86_64": ("x86", "x86"), "ARM64": ("arm64", "ARM64")}
PROVIDERS = {"FARGATE": ("", "on-demand"), "FARGATE_SPOT": ("spot_", "Fargate Spot")}
FREE_EPHEMERAL_GB = 20


@rule("aws_ecs_service")
def ecs_service(service, ctx):
    tasks = ctx.running_tasks(service)
    if tasks == 0:
        return []
    name = service.get("name")
    definition = ctx.task_definition(service)
    platform = definition.block("runtime_platform")
    if platform.get("operating_system_family", "LINUX") != "LINUX":
        raise PricingError(f"{definition.address}: only Linux tasks are in the price table")
    if (platform.get("cpu_architecture") or "X86_64") not in ARCHITECTURES:
        raise PricingError(f"{definition.address}: unknown CPU architecture {platform.get('cpu_architecture')!r}")
    architecture, architecture_label = ARCHITECTURES[platform.get("cpu_architecture") or "X86_64"]
    vcpu, memory_gb = int(definition.get("cpu")) / 1024, int(definition.get("memory")) / 1024
    lines = []
    for provider, count in ctx.capacity(service, tasks):
        if provider not in PROVIDERS:
            raise PricingError(f"{service.address}: tasks on {provider} are not in the price table (only Fargate is)")
        prefix, label = PROVIDERS[provider]
        kind = f"{architecture_label}, {label}"
        what = f"{name}: {plural(count, 'task')}"
        lines += [
            ctx.line(
                "compute",
                f"Fargate vCPU ({kind})",
                f"fargate_{prefix}vcpu_{architecture}",
                count * vcpu * ctx.hours,
                f"{what} × {number(vcpu)} vCPU × {ctx.hours} h",
            ),
            ctx.line(
                "compute",
                f"Fargate memory ({kind})",
                f"fargate_{prefix}gb_{architecture}",
                count * memory_gb * ctx.hours,
                f"{what} × {number(memory_gb)} GB × {ctx.hours} h",
            ),
        ]
    ephemeral = definition.block("ephemeral_storage").get("size_in_gib") or FREE_EPHEMERAL_GB
    if ephemeral > FREE_EPHEMERAL_GB:
        extra = ephemeral - FREE_EPHEMERAL_GB
        lines.append(
            ctx.line(
                "compute",
                "Fargate ephemeral storage above 20 GB",
                "fargate_ephemeral_gb",
                tasks * extra * ctx.hours,
                f"{name}: {plural(tasks, 'task')} × {extra} GB × {ctx.hours} h",
            )
        )
    if service.block("network_configuration").get("assign_public_ip"):
        lines.append(
            ctx.line(
                "network",
                "Public IPv4: tasks with a public IP",
                "public_ipv4_hour",
                tasks * ctx.hours,
                f"{name}: {plural(tasks, 'task')} × {ctx.hours} h",
            )
        )
    if service.values.get("service_registries"):
        lines.append(
            ctx.line(
                "other",
                "Cloud Map registered instances (running tasks)",
                "cloud_map_instance_month",
                tasks,
                f"{name}: {plural(tasks, 'task')}",
            )
        )
    return lines


@rule("aws_nat_gateway")
def nat_gateway(gateway, ctx):
    return [ctx.line("network", "NAT gateway", "nat_gateway_hour", ctx.hours, f"{ctx.hours} h")]


@rule("aws_eip")
def elastic_ip(address, ctx):
    return [
        ctx.line("network", "Public IPv4: Elastic IPs (NAT gateways)", "public_ipv4_hour", ctx.hours, f"{ctx.hours} h")
    ]


@rule("aws_lb")
def load_balancer(balancer, ctx):
    kind = balancer.get("load_balancer_type", "application")
    prices = {
        "application": ("Application Load Balancer", "alb_hour", "alb_lcu_hour"),
        "network": ("Network Load Balancer", "nlb_hour", "nlb_lcu_hour"),
    }
    if kind not in prices:
        raise PricingError(f"{balancer.address}: {kind} load balancers are not in the price table")
    label, hour_key, lcu_key = prices[kind]
    lcu = ctx.table.assume("alb_lcu")
    lines = [
        ctx.line("network", label, hour_key, ctx.hours, f"{ctx.hours} h"),
        ctx.line(
            "network",
            f"{label} capacity units",
            lcu_key,
            lcu * ctx.hours,
            f"{number(lcu)} LCU (assumed) × {ctx.hours} h",
        ),
    ]
    internet_facing = balancer.get("internal") is False
    public_v4 = balancer.get("ip_address_type") != "dualstack-without-public-ipv4"
    own_addresses = any(entry.get("allocation_id") for entry in balancer.values.get("subnet_mapping") or [])
    if internet_facing and public_v4 and not own_addresses:
        zones = ctx.az_count(balancer, "subnets")
        lines.append(
            ctx.line(
                "network",
                "Public IPv4: internet-facing load balancer, one per AZ",
                "public_ipv4_hour",
                zones * ctx.hours,
                f"{zones} AZs × {ctx.hours} h",
            )
        )
    return lines


@rule("aws_vpc_endpoint")
def vpc_endpoint(endpoint, ctx):
    kind = endpoint.get("vpc_endpoint_type", "Gateway")
    service = endpoint.get("service_name", "?").split(".")[-1]
    if kind == "Gateway":
        ctx.note(f"VPC gateway endpoint ({service}): no charge, and traffic through it skips the NAT gateway")
        return []
    if kind != "Interface":
        raise PricingError(f"{endpoint.address}: {kind} endpoints are not in the price table")
    zones = ctx.az_count(endpoint, "subnet_ids")
    gb = ctx.table.assume("interface_endpoint_gb")
    return [
        ctx.line(
            "network",
            f"VPC interface endpoint ({service})",
            "vpc_interface_endpoint_hour",
            zones * ctx.hours,
            f"{zones} AZs × {ctx.hours} h",
        ),
        ctx.line(
            "network",
            f"VPC interface endpoint data ({service})",
            "vpc_interface_endpoint_gb",
            gb,
            f"{number(gb)} GB (assumed)",
        ),
    ]


@rule("aws_apigatewayv2_api")
def http_api(api, ctx):
    if api.get("protocol_type") != "HTTP":
        raise PricingError(f"{api.address}: {api.get('protocol_type')} APIs are not in the price table (HTTP APIs are)")
    if not [route for route in ctx.plan.of_type("aws_apigatewayv2_route") if route.module == api.module]:
        # API Gateway bills no request that matches no route (a paused environment has none).
        ctx.note("API Gateway HTTP API without routes: requests that match no route are not billed")
        return []
    requests = ctx.table.assume("api_requests")
    return [
        ctx.line(
            "network",
            "API Gateway HTTP API requests",
            "http_api_million_requests",
            requests / 1e6,
            f"{number(requests)} requests (assumed)",
        )
    ]


@plan_rule
def nat_data(ctx):
    """The traffic of all NAT gateways together (it does not grow with their number)."""
    if not ctx.plan.of_type("aws_nat_gateway"):
        return []
    gb = ctx.table.assume("nat_gb")
    return [ctx.line("network", "NAT gateway data processed", "nat_gateway_gb", gb, f"{number(gb)} GB (assumed)")]
