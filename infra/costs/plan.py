"""What a Terraform plan or state leaves running, read from `terraform show -json`.

A saved plan (`terraform show -json PLANFILE`) gives the resources as they will be after
apply (`planned_values`, where attributes known only after apply, such as ARNs, are absent),
the configuration that says what those attributes refer to, and in `resource_changes` the
resources the plan destroys. A state (`terraform show -json`) gives the resources as they
are. Both become a `Plan`.
"""

import json
import re
from dataclasses import dataclass

# One module step of an address: module.NAME, optionally with [0] or ["key"].
MODULE_STEP = re.compile(r'module\.([A-Za-z0-9_-]+)(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?\.')


class PlanError(Exception):
    """The file is not what scripts/costs can price; the message says why."""


@dataclass
class Resource:
    """One resource instance with the values known before apply."""

    address: str
    mode: str
    type: str
    name: str
    module: str
    values: dict

    def get(self, key, default=None):
        """The value of `key`; `default` when it is unset (a state writes "" for unset strings)."""
        value = self.values.get(key)
        return default if value is None or value == "" else value

    def block(self, key):
        """The first element of a nested block, or {} when the block is absent."""
        blocks = self.values.get(key) or []
        return blocks[0] if blocks else {}


@dataclass
class Plan:
    """The resources a plan or state leaves running, and what it deletes on the way."""

    label: str
    resources: list
    data: list
    deleted: list
    configuration: dict | None

    def of_type(self, *types):
        return [r for r in self.resources if r.type in types]

    def data_of_type(self, *types):
        return [r for r in self.data if r.type in types]

    def referenced(self, resource, attribute, target_type):
        """The resources of `target_type` that `attribute` of `resource` refers to.

        Used when the attribute's value is unknown until apply (an ARN): the plan's
        configuration says which resource of the same module instance it names.
        """
        config = self._resource_config(resource)
        if config is None:
            return []
        references = config.get("expressions", {}).get(attribute, {}).get("references", [])
        wanted = {ref for ref in references if ref.startswith(target_type + ".") and ref.count(".") == 1}
        found = [
            r
            for r in self.resources
            if r.type == target_type and r.module == resource.module and f"{r.type}.{r.name}" in wanted
        ]
        if found:
            return found
        # Passed in as a module input (var.task.arn): follow it one step up, to the sibling
        # module the calling module hands over (module.task[each.key]), and take the one
        # resource of that type there.
        inputs = {ref.split(".")[1] for ref in references if ref.startswith("var.")}
        return [r for name in inputs for r in self._from_module_input(resource.module, name, target_type)]

    def _from_module_input(self, module, variable, target_type):
        steps = list(MODULE_STEP.finditer(module + "." if module else ""))
        if not steps:
            return []
        last = steps[-1]
        parent = module[: last.start()].rstrip(".")
        call = self._module_config(parent)
        expression = (call or {}).get("module_calls", {}).get(last.group(1), {}).get("expressions", {}).get(variable, {})
        references = expression.get("references", [])
        key = re.search(r"(\[[^\]]*\])\.$", last.group(0))
        targets = set()
        for ref in references:
            if ref.startswith("module.") and ref.count(".") == 1:
                # module.task with each.key: the sibling instance under the same key.
                suffix = key.group(1) if key and "each.key" in references else ""
                targets.add(f"{parent + '.' if parent else ''}{ref}{suffix}")
        return [r for r in self.resources if r.type == target_type and r.module in targets]

    def _module_config(self, module):
        config = self.configuration
        for name in MODULE_STEP.findall(module + "." if module else ""):
            if config is None:
                return None
            config = config.get("module_calls", {}).get(name, {}).get("module")
        return config

    def _resource_config(self, resource):
        if self.configuration is None:
            return None
        module = self.configuration
        for name in MODULE_STEP.findall(resource.module + "." if resource.module else ""):
            module = module.get("module_calls", {}).get(name, {}).get("module")
            if module is None:
                return None
        for candidate in module.get("resources", []):
            if (
                candidate.get("mode") == "managed"
                and candidate["type"] == resource.type
                and candidate["name"] == resource.name
            ):
                return candidate
        return None


def load(label, path):
    """Reads the JSON at `path` (a plan or a state) into a Plan labelled `label`."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as error:
        raise PlanError(f"{label}: cannot read {path}: {error.strerror}") from error
    except json.JSONDecodeError as error:
        raise PlanError(f"{label}: {path} is not JSON ({error.msg} at line {error.lineno})") from error
    return from_document(label, document, path)


def from_document(label, document, path="<plan>"):
    if not isinstance(document, dict) or "format_version" not in document:
        raise PlanError(f"{label}: {path} is not the output of `terraform show -json`")
    if "planned_values" in document:
        if document.get("errored"):
            raise PlanError(f"{label}: {path} is a plan that errored; its resources are incomplete")
        managed, data = _split(document["planned_values"].get("root_module", {}))
        prior = document.get("prior_state", {}).get("values", {}).get("root_module", {})
        _, prior_data = _split(prior)
        seen = {r.address for r in data}
        data += [r for r in prior_data if r.address not in seen]
        deleted = _deleted(document.get("resource_changes", []))
        return Plan(label, managed, data, deleted, document.get("configuration", {}).get("root_module"))
    if "values" in document or set(document) <= {"format_version", "terraform_version"}:
        managed, data = _split((document.get("values") or {}).get("root_module", {}))
        return Plan(label, managed, data, [], None)
    raise PlanError(f"{label}: {path} has neither planned_values (a plan) nor values (a state)")


def _split(module):
    """(managed resources, data sources) of a module tree, by address: Terraform writes
    modules in no fixed order, and the bill must not depend on it."""
    managed, data = [], []
    for resource in sorted(_walk(module), key=lambda resource: resource["address"]):
        (managed if resource["mode"] == "managed" else data).append(
            Resource(
                address=resource["address"],
                mode=resource["mode"],
                type=resource["type"],
                name=resource["name"],
                module=_module_of(resource["address"]),
                values=resource.get("values") or {},
            )
        )
    return managed, data


def _walk(module):
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _walk(child)


def _module_of(address):
    """The module instance part of a resource address ("" at the root)."""
    consumed = 0
    for match in MODULE_STEP.finditer(address):
        if match.start() != consumed:
            break
        consumed = match.end()
    return address[: consumed - 1] if consumed else ""


def _deleted(changes):
    """Managed resources the plan destroys without re-creating, with their last values."""
    gone = []
    for change in changes:
        actions = change["change"]["actions"]
        if change.get("mode") == "managed" and "delete" in actions and "create" not in actions:
            gone.append(
                Resource(
                    address=change["address"],
                    mode="managed",
                    type=change["type"],
                    name=change["name"],
                    module=_module_of(change["address"]),
                    values=change["change"].get("before") or {},
                )
            )
    return gone
