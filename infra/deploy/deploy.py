#!/usr/bin/env python3
"""Roll out an image tag to Folio's ECS services: the deploy pipeline's only AWS step.

Terraform owns the shape of each task definition and the pipeline owns which image
it runs. This script records the tag in SSM (Terraform reads it back and renders the
same image), registers a new revision of each service's task definition family that
differs from the newest one only in Folio's image, and points the service at it. The
permissions it needs are exactly those of the deploy role in
infra/terraform/modules/deploy_role.

With --migration-family, the new release's migrations run first, as a one-off task of
that family (a new revision with the new image) in the subnets and security groups of
--migration-network-from, so a long migration never races the services' health checks.
With --wait the script waits for that task to stop and requires exit code 0 before any
service moves; a failed migration restores the SSM tag and exits 1 with nothing else
changed.

With --wait it follows the rollouts. When ECS's circuit breaker rolls one back, the
script puts everything back as it was before the deploy (SSM tag, newest revision,
every service), so Terraform and the running services still agree, and exits 1.

Usage:
  deploy.py --cluster folio-dev --service folio-dev-site --service folio-dev-api \
            --tag-parameter /folio/dev/image-tag --tag 3f2c1e0 \
            [--migration-family folio-dev-migrate --migration-network-from folio-dev-api] [--wait]

The AWS SDK's usual environment (AWS_REGION, credentials, AWS_ENDPOINT_URL) applies.
"""

import argparse
import json
import sys
import time
from dataclasses import dataclass

import boto3

# Fields of DescribeTaskDefinition that RegisterTaskDefinition accepts back; the rest
# (ARN, revision, status, timestamps, registeredBy...) are set by ECS.
REGISTRABLE_FIELDS = (
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "containerDefinitions",
    "volumes",
    "placementConstraints",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
    "inferenceAccelerators",
    "ephemeralStorage",
    "runtimePlatform",
)


@dataclass
class Rollout:
    """One service's move from its current task definition to a new revision."""

    service: str
    previous: str
    revision: str
    state: str = "IN_PROGRESS"


def with_tag(image: str, tag: str) -> str:
    """Replace the tag of an image reference (a registry port is not a tag)."""
    name, sep, current = image.rpartition(":")
    if not sep or "/" in current:
        return f"{image}:{tag}"
    return f"{name}:{tag}"


def from_private_ecr(image: str) -> bool:
    """Whether an image is in an account's ECR registry, where the pipeline pushes Folio's.
    Any other (the metrics agent's public Prometheus image) keeps the tag Terraform pinned."""
    registry = image.split("/", 1)[0]
    return ".dkr.ecr." in registry and registry.endswith(".amazonaws.com")


def next_revision(described: dict, tag: str) -> dict:
    """Arguments for RegisterTaskDefinition: the same definition with the new tag."""
    definition = described["taskDefinition"]
    request = {key: definition[key] for key in REGISTRABLE_FIELDS if definition.get(key)}
    for container in request["containerDefinitions"]:
        if from_private_ecr(container["image"]):
            container["image"] = with_tag(container["image"], tag)
    # Terraform manages these tags on the family; a revision without them would show
    # up as a change in the next plan.
    if described.get("tags"):
        request["tags"] = described["tags"]
    return request


def recorded_tag(ssm, parameter: str) -> str | None:
    """The tag of the last deploy, or None before the first one."""
    try:
        return ssm.get_parameter(Name=parameter)["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        return None


def register(ecs, family: str, tag: str) -> str:
    """A new revision of `family`: its newest one (what Terraform compares with) with `tag`."""
    described = ecs.describe_task_definition(taskDefinition=family, include=["TAGS"])
    return ecs.register_task_definition(**next_revision(described, tag))["taskDefinition"]["taskDefinitionArn"]


def record(ssm, parameter: str, tag: str | None) -> None:
    """The tag that should run (None: nothing deployed yet), which Terraform reads back."""
    if tag is None:
        ssm.delete_parameter(Name=parameter)
    else:
        ssm.put_parameter(Name=parameter, Value=tag, Type="String", Overwrite=True)


@dataclass
class Migration:
    """The one-off task that migrates the database before the services move."""

    revision: str
    task: str
    exit_code: int | None = None
    reason: str = ""


def start_migration(ecs, cluster: str, family: str, network_from: str, tag: str) -> Migration:
    """Registers `family` with `tag` and runs it once where `network_from`'s tasks run."""
    service = ecs.describe_services(cluster=cluster, services=[network_from])["services"][0]
    revision = register(ecs, family, tag)
    started = ecs.run_task(
        cluster=cluster,
        taskDefinition=revision,
        launchType="FARGATE",
        count=1,
        startedBy="folio-deploy",
        networkConfiguration=service["networkConfiguration"],
    )
    if started.get("failures") or not started.get("tasks"):
        raise SystemExit(f"the migration task did not start: {started.get('failures')}")
    return Migration(revision, started["tasks"][0]["taskArn"])


def wait_for_migration(ecs, cluster: str, migration: Migration, timeout: float, interval: float) -> None:
    """Polls until the task stops; records its container's exit code (None on a timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        task = ecs.describe_tasks(cluster=cluster, tasks=[migration.task])["tasks"][0]
        if task["lastStatus"] == "STOPPED":
            container = task["containers"][0]
            migration.exit_code = container.get("exitCode")
            migration.reason = container.get("reason") or task.get("stoppedReason", "")
            return
        time.sleep(interval)
    migration.reason = f"still running after {timeout:.0f} s"


def start(ecs, ssm, cluster: str, services: list[str], parameter: str, tag: str) -> list[Rollout]:
    # Recorded first: it states the tag that should run, so a Terraform apply that
    # starts during the rollout converges on the same image instead of reverting it.
    record(ssm, parameter, tag)

    current = ecs.describe_services(cluster=cluster, services=services)
    if current.get("failures"):
        raise SystemExit(f"unknown services: {current['failures']}")

    rollouts = []
    for service in current["services"]:
        family = service["taskDefinition"].split("/")[-1].rsplit(":", 1)[0]
        revision = register(ecs, family, tag)
        ecs.update_service(cluster=cluster, service=service["serviceName"], taskDefinition=revision)
        rollouts.append(Rollout(service["serviceName"], service["taskDefinition"], revision))
    return rollouts


def rollout_state(service: dict, revision: str) -> str:
    """COMPLETED, FAILED or IN_PROGRESS for the deployment of `revision`."""
    for deployment in service["deployments"]:
        if deployment["taskDefinition"] == revision:
            return deployment.get("rolloutState", "IN_PROGRESS")
    # The circuit breaker's rollback replaced our deployment.
    return "FAILED"


def follow(ecs, cluster: str, rollouts: list[Rollout], timeout: float, interval: float) -> None:
    """Poll until every rollout has completed or failed (a timeout counts as failed)."""
    deadline = time.monotonic() + timeout
    while any(r.state == "IN_PROGRESS" for r in rollouts):
        if time.monotonic() > deadline:
            for rollout in rollouts:
                if rollout.state == "IN_PROGRESS":
                    rollout.state = "TIMED_OUT"
            return
        time.sleep(interval)
        pending = {r.service: r for r in rollouts if r.state == "IN_PROGRESS"}
        described = ecs.describe_services(cluster=cluster, services=list(pending))
        for service in described["services"]:
            rollout = pending[service["serviceName"]]
            rollout.state = rollout_state(service, rollout.revision)


def restore(ecs, ssm, cluster: str, rollouts: list[Rollout], parameter: str, previous_tag: str | None) -> None:
    """Undo a deploy: the services, the newest revisions and the SSM tag as before."""
    for rollout in rollouts:
        if rollout.state != "FAILED":
            ecs.update_service(cluster=cluster, service=rollout.service, taskDefinition=rollout.previous)
        # The newest ACTIVE revision is what Terraform compares with.
        ecs.deregister_task_definition(taskDefinition=rollout.revision)
    record(ssm, parameter, previous_tag)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cluster", required=True)
    parser.add_argument("--service", action="append", required=True, dest="services")
    parser.add_argument("--tag-parameter", required=True, help="SSM parameter, e.g. /folio/dev/image-tag")
    parser.add_argument("--tag", required=True, help="image tag to deploy (the git SHA)")
    parser.add_argument("--migration-family", help="task definition family run once before the services move (folio migrate)")
    parser.add_argument("--migration-network-from", metavar="SERVICE", help="run the migration in this service's subnets and security groups")
    parser.add_argument("--wait", action="store_true", help="wait for the migration, follow the rollouts; undo the deploy if one fails")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds --wait allows for each of them (default 1200)")
    args = parser.parse_args(argv)
    if bool(args.migration_family) != bool(args.migration_network_from):
        parser.error("--migration-family and --migration-network-from go together")

    ecs, ssm = boto3.client("ecs"), boto3.client("ssm")
    previous_tag = recorded_tag(ssm, args.tag_parameter)
    if args.migration_family:
        record(ssm, args.tag_parameter, args.tag)
        migration = start_migration(ecs, args.cluster, args.migration_family, args.migration_network_from, args.tag)
        print(json.dumps({"migration": migration.task, "revision": migration.revision}))
        if args.wait:
            wait_for_migration(ecs, args.cluster, migration, args.timeout, interval=10)
            if migration.exit_code != 0:
                # Nothing else moved: the services still run the previous release.
                ecs.deregister_task_definition(taskDefinition=migration.revision)
                record(ssm, args.tag_parameter, previous_tag)
                print(f"migration of {args.tag} failed (exit code {migration.exit_code}: {migration.reason}); "
                      "no service was changed", file=sys.stderr)
                return 1
    rollouts = start(ecs, ssm, args.cluster, args.services, args.tag_parameter, args.tag)
    if args.wait:
        follow(ecs, args.cluster, rollouts, args.timeout, interval=15)
    for rollout in rollouts:
        print(json.dumps(vars(rollout)))

    if any(r.state in ("FAILED", "TIMED_OUT") for r in rollouts):
        restore(ecs, ssm, args.cluster, rollouts, args.tag_parameter, previous_tag)
        print(f"deploy of {args.tag} failed; restored {previous_tag or 'the state before the first deploy'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
