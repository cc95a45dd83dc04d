"""The pinned table of unit prices and usage assumptions (infra/costs/us-east-1.toml)."""

import datetime
import re
import tomllib
from dataclasses import dataclass

PRICE_FIELDS = {"usd", "per", "page", "read", "free_per_month"}
ASSUMPTION_FIELDS = {"value", "unit", "why"}
# Fields every entry of these sections must have.
COMPARISON_FIELDS = {"what", "source"}
STATIC_SITE_FIELDS = {"s3_gb", "s3_get_requests", "s3_put_requests"}
WHAT_IF_FIELDS = {"what", "price", "quantity", "basis", "hourly", "note"}
LOG_GROUP_FIELDS = {"pattern", "assume", "label", "written_by"}
# What writes to a log group, when a [[log_group]] says: "task", the task definition of the
# group's name (none while an environment is paused); "vpc", anything running in the VPC.
WRITERS = {"task", "vpc"}


def dollars(usd):
    """A unit price: $0.50, $1.00, $0.0225, $0.04048 (cents always, more digits when it has them)."""
    return f"${usd:,.2f}" if round(usd, 2) == usd else f"${usd:g}"


def money(amount):
    """An amount of money, to the cent: $135.41."""
    return f"${amount:,.2f}"


class TableError(Exception):
    """The price table is malformed or lacks an entry a plan needs; the message names it."""


@dataclass(frozen=True)
class Price:
    """One unit price and where it came from."""

    key: str
    usd: float
    per: str
    page: str
    read: datetime.date
    free_per_month: float = 0

    def label(self):
        return f"{dollars(self.usd)} per {self.per}"


@dataclass(frozen=True)
class Assumption:
    """A usage figure that a price is multiplied by, and why it is that figure."""

    key: str
    value: float
    unit: str
    why: str


class Table:
    """The price table, validated when loaded; records which entries the plans used."""

    def __init__(self, document, source):
        self.source = source
        meta = document.get("meta", {})
        self.region = _required(meta, "region", source, "meta")
        self.hours = _required(meta, "hours_per_month", source, "meta")
        self.read = _required(meta, "read", source, "meta")
        self.fetched_live = _required(meta, "fetched_live", source, "meta")
        self.prices = {key: _price(key, entry, source) for key, entry in document.get("price", {}).items()}
        self.assumptions = {key: _assumption(key, entry, source) for key, entry in document.get("assume", {}).items()}
        self.free = dict(document.get("free", {}))
        self.log_groups = [_log_group(entry, self.assumptions, source) for entry in document.get("log_group", [])]
        self.rds_support = dict(document.get("rds_support", {}))
        self.comparison = _section(document, "comparison", COMPARISON_FIELDS, source)
        for key, entry in self.comparison.items():
            # The static site is computed from this table's S3 prices; the others are quoted.
            needed = STATIC_SITE_FIELDS if key == "static_site" else {"monthly"}
            if needed - set(entry):
                raise TableError(f"{source}: [comparison.{key}] has no {', '.join(sorted(needed - set(entry)))}")
        self.what_if = _section(document, "what_if", WHAT_IF_FIELDS, source)
        self.not_included = list(document.get("assumptions_note", {}).get("not_included", []))
        # What each bill's label stands for (the environment and the variables of its plan).
        self.labels = dict(document.get("labels", {}))
        self.used_prices = set()
        self.used_assumptions = set()

    def price(self, key, needed_for):
        """The price `key`; fails naming `needed_for` when the table has no such entry."""
        if key not in self.prices:
            raise TableError(f"{needed_for}: no [price.{key}] in {self.source}")
        self.used_prices.add(key)
        return self.prices[key]

    def has_price(self, key):
        return key in self.prices

    def assume(self, key):
        if key not in self.assumptions:
            raise TableError(f"no [assume.{key}] in {self.source}")
        self.used_assumptions.add(key)
        return self.assumptions[key].value

    def log_assumption(self, log_group_name):
        """(assumption key, label, writer) of the first [[log_group]] pattern matching the name;
        the writer is what must be in the plan for anything to be written (see WRITERS)."""
        for pattern, key, label, writer in self.log_groups:
            if pattern.search(log_group_name):
                return key, label, writer
        raise TableError(
            f"log group {log_group_name!r}: no [[log_group]] pattern in {self.source} matches it, "
            "so its ingestion has no assumption (add one)"
        )


def load(path):
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except OSError as error:
        raise TableError(f"cannot read the price table {path}: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise TableError(f"{path} is not valid TOML: {error}") from error
    return Table(document, path)


def _required(entry, field, source, where):
    if field not in entry:
        raise TableError(f"{source}: [{where}] has no {field}")
    return entry[field]


def _section(document, name, fields, source):
    entries = dict(document.get(name, {}))
    for key, entry in entries.items():
        missing = fields - set(entry)
        if missing:
            raise TableError(f"{source}: [{name}.{key}] has no {', '.join(sorted(missing))}")
    return entries


def _price(key, entry, source):
    where = f"price.{key}"
    _known_fields(entry, PRICE_FIELDS, source, where)
    page = _required(entry, "page", source, where)
    if not page.startswith("https://"):
        raise TableError(f"{source}: [{where}] page must be the https address of the pricing page")
    read = _required(entry, "read", source, where)
    if not isinstance(read, datetime.date):
        raise TableError(f"{source}: [{where}] read must be a date (YYYY-MM-DD, unquoted)")
    free = _amount(entry, "free_per_month", source, where) if "free_per_month" in entry else 0.0
    return Price(key, _amount(entry, "usd", source, where), _required(entry, "per", source, where), page, read, free)


def _assumption(key, entry, source):
    where = f"assume.{key}"
    _known_fields(entry, ASSUMPTION_FIELDS, source, where)
    unit, why = _required(entry, "unit", source, where), _required(entry, "why", source, where)
    return Assumption(key, _amount(entry, "value", source, where), unit, why)


def _known_fields(entry, allowed, source, where):
    unknown = set(entry) - allowed
    if unknown:
        raise TableError(f"{source}: [{where}] has unknown fields {sorted(unknown)}")


def _amount(entry, field, source, where):
    value = _required(entry, field, source, where)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise TableError(f"{source}: [{where}] {field} must be a non-negative number, not {value!r}")
    return float(value)


def _log_group(entry, assumptions, source):
    _known_fields(entry, LOG_GROUP_FIELDS, source, "log_group")
    pattern, key = _required(entry, "pattern", source, "log_group"), _required(entry, "assume", source, "log_group")
    label = _required(entry, "label", source, "log_group")
    writer = entry.get("written_by")
    if key not in assumptions:
        raise TableError(f"{source}: [[log_group]] {pattern!r} names [assume.{key}], which does not exist")
    if writer is not None and writer not in WRITERS:
        raise TableError(f"{source}: [[log_group]] {pattern!r} written_by must be one of {sorted(WRITERS)}, not {writer!r}")
    try:
        return re.compile(pattern), key, label, writer
    except re.error as error:
        raise TableError(f"{source}: [[log_group]] pattern {pattern!r} is not a regular expression: {error}") from error
