#!/usr/bin/env python3
"""Roll out an image tag to Folio's ECS services: the deploy pipeline's only AWS step.

Terraform owns the shape of each task definition and the pipeline owns which image
it runs. This script records the tag in SSM (Terraform reads it back and renders the
same image), registers a new revision of each service's task definition family that
differs from the newest one only in the image, and points the service at it. The
permissions it needs are exactly those of the deploy role in
infra/terraform/modules/deploy_role.

Usage:
  deploy.py --cluster folio-dev --service folio-dev-site --service folio-dev-api \
            --tag-parameter /folio/dev/image-tag --tag 3f2c1e0 [--wait]

The AWS SDK's usual environment (AWS_REGION, credentials, AWS_ENDPOINT_URL) applies.
"""

import argparse
import json
import sys

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


def with_tag(image: str, tag: str) -> str:
    """Replace the tag of an image reference (a registry port is not a tag)."""
    name, sep, current = image.rpartition(":")
    if not sep or "/" in current:
        return f"{image}:{tag}"
    return f"{name}:{tag}"


def next_revision(described: dict, tag: str) -> dict:
    """Arguments for RegisterTaskDefinition: the same definition with the new tag."""
    definition = described["taskDefinition"]
    request = {key: definition[key] for key in REGISTRABLE_FIELDS if definition.get(key)}
    for container in request["containerDefinitions"]:
        container["image"] = with_tag(container["image"], tag)
    # Terraform manages these tags on the family; a revision without them would show
    # up as a change in the next plan.
    if described.get("tags"):
        request["tags"] = described["tags"]
    return request


def deploy(cluster: str, services: list[str], parameter: str, tag: str, wait: bool) -> list[dict]:
    ecs = boto3.client("ecs")
    ssm = boto3.client("ssm")

    # Recorded first: it states the tag that should run, so a Terraform apply that
    # starts during the rollout converges on the same image instead of reverting it.
    ssm.put_parameter(Name=parameter, Value=tag, Type="String", Overwrite=True)

    current = ecs.describe_services(cluster=cluster, services=services)
    if current.get("failures"):
        raise SystemExit(f"unknown services: {current['failures']}")

    results = []
    for service in current["services"]:
        family = service["taskDefinition"].split("/")[-1].rsplit(":", 1)[0]
        # The newest revision of the family, which is what Terraform compares with.
        described = ecs.describe_task_definition(taskDefinition=family, include=["TAGS"])
        registered = ecs.register_task_definition(**next_revision(described, tag))
        revision_arn = registered["taskDefinition"]["taskDefinitionArn"]
        ecs.update_service(cluster=cluster, service=service["serviceName"], taskDefinition=revision_arn)
        results.append({"service": service["serviceName"], "taskDefinition": revision_arn})

    if wait:
        ecs.get_waiter("services_stable").wait(cluster=cluster, services=services)
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cluster", required=True)
    parser.add_argument("--service", action="append", required=True, dest="services")
    parser.add_argument("--tag-parameter", required=True, help="SSM parameter, e.g. /folio/dev/image-tag")
    parser.add_argument("--tag", required=True, help="image tag to deploy (the git SHA)")
    parser.add_argument("--wait", action="store_true", help="wait until the services are stable")
    args = parser.parse_args(argv)

    for result in deploy(args.cluster, args.services, args.tag_parameter, args.tag, args.wait):
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
