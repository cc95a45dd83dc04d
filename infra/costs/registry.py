"""The pricing rules, registered by resource type, and the rules that price a whole plan."""

# resource type -> function(resource, context) -> [Line]
RULES = {}
# functions(context) -> [Line], for usage that belongs to a plan rather than one resource
PLAN_RULES = []


def rule(*types):
    """Registers the decorated function as the price of each of `types`."""

    def register(function):
        for resource_type in types:
            if resource_type in RULES:
                raise RuntimeError(f"two pricing rules for {resource_type}")
            RULES[resource_type] = function
        return function

    return register


def plan_rule(function):
    """Registers the decorated function as a price of the plan as a whole."""
    PLAN_RULES.append(function)
    return function
