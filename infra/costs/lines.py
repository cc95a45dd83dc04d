"""A priced line of a bill, and the context the pricing rules share."""

from dataclasses import dataclass

from prices import Price

# The order the bill's sections appear in.
CATEGORIES = ("compute", "network", "edge", "database", "observability", "security", "other")


class PricingError(Exception):
    """A plan holds something the table cannot price; the message names the resource."""


@dataclass
class Line:
    """`count` times `basis`, `quantity` units of `price` in all.

    A counted line's basis is a noun ("alarm"), shown as "3 alarms"; any other basis
    is how one instance is measured ("730 h"), shown as "2 × 730 h".
    """

    category: str
    item: str
    price: Price
    quantity: float
    basis: str
    count: int = 1
    counted: bool = False

    @property
    def monthly(self):
        return self.price.usd * self.quantity

    def quantity_text(self):
        if self.counted:
            return plural(self.count, self.basis)
        return self.basis if self.count == 1 else f"{self.count} × {self.basis}"


def merge(lines):
    """Adds up lines that differ only in count, in category order."""
    merged = {}
    for line in lines:
        key = (line.category, line.item, line.price.key, line.basis)
        if key in merged:
            merged[key].count += line.count
            merged[key].quantity += line.quantity
        else:
            merged[key] = Line(**vars(line))
    return sorted(merged.values(), key=lambda line: (CATEGORIES.index(line.category), line.item, line.basis))


def plural(count, noun):
    """1 day, 14 days, 2 task families."""
    if count == 1:
        return f"1 {noun}"
    consonant_y = noun.endswith("y") and noun[-2:-1] not in tuple("aeiou")
    return f"{number(count)} {noun[:-1] + 'ies' if consonant_y else noun + 's'}"


def number(value):
    """1,460 or 0.25 or 1,000,000: what a person writes."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")
