"""The monthly bill of one plan: every resource priced or free, nothing unknown."""

from collections import Counter
from dataclasses import dataclass

# Imported for their rules, which register themselves.
import compute  # noqa: F401
import database  # noqa: F401
import edge  # noqa: F401
import metrics_service  # noqa: F401
import observability  # noqa: F401
import stores  # noqa: F401
from context import Context
from lines import PricingError, merge
from prices import TableError
from registry import PLAN_RULES, RULES


@dataclass
class Bill:
    """The priced lines of one plan, what it has for free, and the total."""

    label: str
    lines: list
    notes: list
    free: Counter

    @property
    def total(self):
        return sum(line.monthly for line in self.lines)


def price(plan, table):
    both = sorted(set(RULES) & set(table.free))
    if both:
        raise TableError(f"{table.source}: priced by a rule, yet listed in [free]: {', '.join(both)}")
    unknown = sorted({r.type for r in plan.resources if r.type not in RULES and r.type not in table.free})
    if unknown:
        raise PricingError(
            f"{plan.label}: resource type(s) with neither a price nor a reason to be free: {', '.join(unknown)}. "
            f"Add each to [free] in {table.source} with the reason it costs nothing, or give it a pricing "
            "rule in infra/costs/ with its prices in the table."
        )
    context = Context(plan, table)
    lines, free = [], Counter()
    for resource in plan.resources:
        if resource.type in RULES:
            lines += RULES[resource.type](resource, context)
        else:
            free[resource.type] += 1
    for plan_rule in PLAN_RULES:
        lines += plan_rule(context)
    return Bill(plan.label, merge(lines), sorted(context.notes), free)
