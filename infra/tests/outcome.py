"""How the infrastructure tests report: each requirement printed ok or FAIL, the failures kept."""

FAILURES = []


class Failure(Exception):
    """A requirement broken in a way that stops the scenario."""


def expect(condition, what):
    print(f"{'ok  ' if condition else 'FAIL'}  {what}", flush=True)
    if not condition:
        FAILURES.append(what)
    return condition


def die(what):
    print(f"FAIL  {what}", flush=True)
    FAILURES.append(what)
    raise Failure(what)
