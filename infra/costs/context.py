"""What the pricing rules need to know about a plan beyond one resource's own values."""

from lines import Line, PricingError
from prices import Price


class Context:
    """One plan and the price table, with the look-ups that join resources together."""

    def __init__(self, plan, table):
        self.plan = plan
        self.table = table
        self.hours = table.hours
        self.notes = []

    def line(self, category, item, price, quantity, basis, counted=False):
        """A line of `quantity` units of `price` (a table key, or a Price derived from one)."""
        if not isinstance(price, Price):
            price = self.table.price(price, item)
        return Line(category, item, price, quantity, basis, counted=counted)

    def note(self, text):
        """Something the plan has that is free, said under its bill."""
        if text not in self.notes:
            self.notes.append(text)

    def az_count(self, resource, attribute):
        """How many AZs the subnets in `attribute` span (one subnet per AZ, as AWS requires).

        A plan cannot know subnet IDs before apply; then the count is the number of AZs
        of the plan's own subnets, which is what every subnet list here spans. A state
        of the same configuration gives the same count, so the document does not say
        which way it was found.
        """
        subnets = resource.values.get(attribute)
        mapping = [entry for entry in resource.values.get("subnet_mapping") or [] if entry.get("subnet_id")]
        if subnets or mapping:
            return len(set(subnets or [entry["subnet_id"] for entry in mapping]))
        zones = {subnet.get("availability_zone") for subnet in self.plan.of_type("aws_subnet")} - {None}
        if not zones:
            raise PricingError(
                f"{resource.address}: cannot tell how many AZs its subnets span (no subnets in the plan)"
            )
        return len(zones)

    def running_tasks(self, service):
        """The tasks an ECS service keeps running: its desired count, raised to the
        minimum of its Application Auto Scaling target when it has one."""
        desired = service.values.get("desired_count")
        if desired is None:
            raise PricingError(f"{service.address}: desired_count is unknown, so its tasks cannot be counted")
        minimum = max((target.get("min_capacity", 0) for target in self._scaling_targets(service)), default=0)
        return max(int(desired), int(minimum))

    def _scaling_targets(self, service):
        name = service.get("name")
        return [
            target
            for target in self.plan.of_type("aws_appautoscaling_target")
            if target.get("service_namespace") == "ecs" and str(target.get("resource_id", "")).endswith(f"/{name}")
        ]

    def task_definition(self, service):
        """The task definition a service runs: by family when the ARN is known (a state),
        else the one its configuration names in the same module."""
        arn = service.values.get("task_definition")
        definitions = self.plan.of_type("aws_ecs_task_definition")
        if arn:
            family = arn.split("/")[-1].rsplit(":", 1)[0]
            found = [d for d in definitions if d.get("family") == family]
        else:
            found = self.plan.referenced(service, "task_definition", "aws_ecs_task_definition")
        if len(found) != 1:
            raise PricingError(f"{service.address}: cannot find the one task definition it runs (found {len(found)})")
        return found[0]

    def cluster_name(self, service):
        """The cluster of a service, from its ARN (a state), its auto scaling target, or
        the only cluster in the plan."""
        arn = service.values.get("cluster")
        if arn:
            return arn.split("/")[-1]
        for target in self._scaling_targets(service):
            return target.get("resource_id").split("/")[1]
        clusters = self.plan.of_type("aws_ecs_cluster")
        if len(clusters) == 1:
            return clusters[0].get("name")
        raise PricingError(f"{service.address}: cannot tell which of {len(clusters)} clusters it runs in")

    def capacity(self, service, tasks):
        """[(capacity provider or launch type, tasks)] for a service's running tasks."""
        if service.get("launch_type"):
            return [(service.get("launch_type"), tasks)]
        strategy = service.values.get("capacity_provider_strategy") or []
        if not strategy:
            cluster = self.cluster_name(service)
            for providers in self.plan.of_type("aws_ecs_cluster_capacity_providers"):
                if providers.get("cluster_name") == cluster:
                    strategy = providers.values.get("default_capacity_provider_strategy") or []
        if not strategy:
            raise PricingError(
                f"{service.address}: no launch type and no capacity provider strategy (neither its own "
                "nor its cluster's default in the plan), so it is unknown what its tasks run on"
            )
        return split_by_strategy(strategy, tasks)


def split_by_strategy(strategy, tasks):
    """How ECS spreads `tasks` over a capacity provider strategy: each provider's base
    first, the rest in proportion to the weights."""
    placed = {}
    remaining = tasks
    for entry in strategy:
        base = min(int(entry.get("base") or 0), remaining)
        placed[entry["capacity_provider"]] = base
        remaining -= base
    weights = {entry["capacity_provider"]: int(entry.get("weight") or 0) for entry in strategy}
    total = sum(weights.values())
    if remaining and not total:
        raise PricingError(f"capacity provider strategy {strategy} has no weight for the tasks beyond the base")
    for provider, weight in weights.items():
        if total:
            placed[provider] += remaining * weight / total
    return [(provider, count) for provider, count in placed.items() if count]
