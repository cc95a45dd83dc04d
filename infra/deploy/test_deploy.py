"""Tests of deploy.py against moto's in-process AWS (run by infra/tests/check.sh).

moto never fails a rollout, so the circuit-breaker outcomes are fed to `follow`
through a scripted ECS client; everything else runs against moto's ECS and SSM.
"""

import os

import boto3
import pytest
from moto import mock_aws

import deploy

CLUSTER = "folio-test"
PARAMETER = "/folio/test/image-tag"
REPOSITORY = "123456789012.dkr.ecr.us-east-1.amazonaws.com/folio"
# The metrics agent beside Folio (metrics_to_amp): a public image the pipeline never retags.
AGENT = {"name": "metrics", "image": "quay.io/prometheus/prometheus:v3.5.0", "essential": False}


@pytest.fixture
def aws():
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        ecs, ssm = boto3.client("ecs"), boto3.client("ssm")
        ecs.create_cluster(clusterName=CLUSTER)
        for role in ("site", "api"):
            registered = ecs.register_task_definition(
                family=f"folio-test-{role}",
                networkMode="awsvpc",
                requiresCompatibilities=["FARGATE"],
                cpu="256",
                memory="512",
                containerDefinitions=[{"name": role, "image": f"{REPOSITORY}:old", "essential": True}, AGENT],
                tags=[{"key": "Project", "value": "folio"}],
            )
            ecs.create_service(
                cluster=CLUSTER,
                serviceName=f"folio-test-{role}",
                taskDefinition=registered["taskDefinition"]["taskDefinitionArn"],
                desiredCount=2,
            )
        ssm.put_parameter(Name=PARAMETER, Value="old", Type="String")
        yield ecs, ssm


def services():
    return ["folio-test-site", "folio-test-api"]


def newest(ecs, role):
    return ecs.describe_task_definition(taskDefinition=f"folio-test-{role}", include=["TAGS"])


def test_with_tag_replaces_only_the_tag():
    assert deploy.with_tag(f"{REPOSITORY}:old", "new") == f"{REPOSITORY}:new"
    assert deploy.with_tag("registry:5000/folio", "new") == "registry:5000/folio:new"
    assert deploy.with_tag("registry:5000/folio:old", "new") == "registry:5000/folio:new"


def test_only_images_in_an_ecr_registry_are_the_pipelines():
    assert deploy.from_private_ecr(f"{REPOSITORY}:old")
    assert not deploy.from_private_ecr(AGENT["image"])
    assert not deploy.from_private_ecr("prom/prometheus:v3.5.0")


def test_a_deploy_registers_revisions_that_differ_only_in_the_image_and_records_the_tag(aws):
    ecs, ssm = aws
    before = {role: newest(ecs, role) for role in ("site", "api")}

    rollouts = deploy.start(ecs, ssm, CLUSTER, services(), PARAMETER, "new")

    assert ssm.get_parameter(Name=PARAMETER)["Parameter"]["Value"] == "new"
    for role in ("site", "api"):
        after = newest(ecs, role)
        assert after["taskDefinition"]["revision"] == 2
        assert after["tags"] == before[role]["tags"]
        old_container = before[role]["taskDefinition"]["containerDefinitions"][0]
        new_container = after["taskDefinition"]["containerDefinitions"][0]
        assert new_container == {**old_container, "image": f"{REPOSITORY}:new"}
        assert after["taskDefinition"]["containerDefinitions"][1] == before[role]["taskDefinition"]["containerDefinitions"][1]
    running = ecs.describe_services(cluster=CLUSTER, services=services())["services"]
    assert {s["taskDefinition"] for s in running} == {r.revision for r in rollouts}


class ScriptedEcs:
    """describe_services answers from a script of rollout states, one call after another."""

    def __init__(self, rollouts, script):
        self.rollouts = {r.service: r for r in rollouts}
        self.script = iter(script)

    def describe_services(self, cluster, services):
        states = next(self.script)
        answer = []
        for name in services:
            rollout, state = self.rollouts[name], states[name]
            deployments = [] if state == "ROLLED_BACK" else [{"taskDefinition": rollout.revision, "rolloutState": state}]
            deployments.append({"taskDefinition": rollout.previous, "rolloutState": "COMPLETED"})
            answer.append({"serviceName": name, "deployments": deployments})
        return {"services": answer}


def test_follow_reports_a_rollout_the_circuit_breaker_replaced_as_failed():
    rollouts = [deploy.Rollout("site", "site:1", "site:2"), deploy.Rollout("api", "api:1", "api:2")]
    script = [
        {"site": "IN_PROGRESS", "api": "IN_PROGRESS"},
        {"site": "COMPLETED", "api": "IN_PROGRESS"},
        {"api": "ROLLED_BACK"},
    ]

    deploy.follow(ScriptedEcs(rollouts, script), CLUSTER, rollouts, timeout=60, interval=0)

    assert [r.state for r in rollouts] == ["COMPLETED", "FAILED"]


def test_follow_gives_up_after_the_timeout():
    rollouts = [deploy.Rollout("site", "site:1", "site:2")]
    script = [{"site": "IN_PROGRESS"}] * 100

    deploy.follow(ScriptedEcs(rollouts, script), CLUSTER, rollouts, timeout=0, interval=0)

    assert rollouts[0].state == "TIMED_OUT"


def test_a_failed_deploy_is_undone_so_terraform_and_the_services_still_agree(aws):
    ecs, ssm = aws
    rollouts = deploy.start(ecs, ssm, CLUSTER, services(), PARAMETER, "new")
    # The site went out; the API's circuit breaker rolled back to its old revision.
    site, api = rollouts
    site.state, api.state = "COMPLETED", "FAILED"
    ecs.update_service(cluster=CLUSTER, service=api.service, taskDefinition=api.previous)

    deploy.restore(ecs, ssm, CLUSTER, rollouts, PARAMETER, previous_tag="old")

    assert ssm.get_parameter(Name=PARAMETER)["Parameter"]["Value"] == "old"
    running = ecs.describe_services(cluster=CLUSTER, services=services())["services"]
    assert {s["taskDefinition"] for s in running} == {site.previous, api.previous}
    # AWS resolves a family to its newest ACTIVE revision (moto ignores the status, so
    # the test asks for ACTIVE revisions explicitly): the pre-deploy one again.
    for role in ("site", "api"):
        active = ecs.list_task_definitions(familyPrefix=f"folio-test-{role}", status="ACTIVE", sort="DESC")
        assert active["taskDefinitionArns"][0].endswith(f"folio-test-{role}:1")


def test_undoing_the_first_deploy_removes_the_recorded_tag(aws):
    ecs, ssm = aws
    ssm.delete_parameter(Name=PARAMETER)
    assert deploy.recorded_tag(ssm, PARAMETER) is None
    rollouts = deploy.start(ecs, ssm, CLUSTER, services(), PARAMETER, "new")
    for rollout in rollouts:
        rollout.state = "FAILED"

    deploy.restore(ecs, ssm, CLUSTER, rollouts, PARAMETER, previous_tag=None)

    assert deploy.recorded_tag(ssm, PARAMETER) is None


@pytest.fixture
def with_migration(aws):
    """The API service in a VPC, and a migration family as Terraform makes it."""
    ecs, ssm = aws
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="api", Description="api", VpcId=vpc)["GroupId"]
    network = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group], "assignPublicIp": "DISABLED"}}
    api = ecs.describe_services(cluster=CLUSTER, services=["folio-test-api"])["services"][0]
    ecs.create_service(cluster=CLUSTER, serviceName="folio-test-api-vpc", taskDefinition=api["taskDefinition"],
                       desiredCount=1, launchType="FARGATE", networkConfiguration=network)
    ecs.register_task_definition(
        family="folio-test-migrate", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{"name": "migrate", "image": f"{REPOSITORY}:old", "essential": True, "memory": 512,
                               "command": ["migrate"]}],
    )
    return ecs, ssm, network


class RecordingEcs:
    """moto's ECS, except RunTask: moto 5.2.5 crashes on an awsvpc RunTask (its network
    interface has no private_dns_name), so the call is recorded and answered with a task."""

    def __init__(self, ecs):
        self.ecs, self.runs = ecs, []

    def __getattr__(self, name):
        return getattr(self.ecs, name)

    def run_task(self, **request):
        self.runs.append(request)
        return {"tasks": [{"taskArn": f"arn:aws:ecs:us-east-1:123456789012:task/{CLUSTER}/1"}], "failures": []}


def test_the_migration_runs_first_with_the_new_image_where_the_api_runs(with_migration):
    ecs, _, network = with_migration
    recording = RecordingEcs(ecs)
    migration = deploy.start_migration(recording, CLUSTER, "folio-test-migrate", "folio-test-api-vpc", "new")

    definition = ecs.describe_task_definition(taskDefinition=migration.revision)["taskDefinition"]
    assert definition["revision"] == 2
    assert definition["containerDefinitions"][0]["image"] == f"{REPOSITORY}:new"
    [run] = recording.runs
    assert run["taskDefinition"] == migration.revision
    assert run["networkConfiguration"] == network
    assert (run["cluster"], run["launchType"], run["count"]) == (CLUSTER, "FARGATE", 1)


class StoppedTask:
    """describe_tasks answering RUNNING, then STOPPED with the given exit code."""

    def __init__(self, exit_code):
        self.calls, self.exit_code = 0, exit_code

    def describe_tasks(self, cluster, tasks):
        self.calls += 1
        if self.calls < 3:
            return {"tasks": [{"lastStatus": "RUNNING", "containers": [{}]}]}
        return {"tasks": [{"lastStatus": "STOPPED", "containers": [{"exitCode": self.exit_code, "reason": "exited"}]}]}


def test_waiting_for_the_migration_reads_its_exit_code():
    for code in (0, 1):
        migration = deploy.Migration("migrate:2", "task/1")
        deploy.wait_for_migration(StoppedTask(code), CLUSTER, migration, timeout=60, interval=0)
        assert migration.exit_code == code


def test_a_failed_migration_changes_no_service_and_restores_the_tag(with_migration, monkeypatch):
    ecs, ssm, _ = with_migration
    before = {s["serviceName"]: s["taskDefinition"] for s in ecs.describe_services(cluster=CLUSTER, services=services())["services"]}

    def failed(ecs, cluster, migration, timeout, interval):
        migration.exit_code, migration.reason = 1, "exited"

    monkeypatch.setattr(deploy, "wait_for_migration", failed)
    clients = {"ecs": RecordingEcs(ecs), "ssm": ssm}
    monkeypatch.setattr(deploy.boto3, "client", clients.get)
    code = deploy.main(["--cluster", CLUSTER, "--service", "folio-test-site", "--service", "folio-test-api",
                        "--tag-parameter", PARAMETER, "--tag", "new", "--migration-family", "folio-test-migrate",
                        "--migration-network-from", "folio-test-api-vpc", "--wait"])

    assert code == 1
    assert ssm.get_parameter(Name=PARAMETER)["Parameter"]["Value"] == "old"
    after = {s["serviceName"]: s["taskDefinition"] for s in ecs.describe_services(cluster=CLUSTER, services=services())["services"]}
    assert after == before
    active = ecs.list_task_definitions(familyPrefix="folio-test-migrate", status="ACTIVE", sort="DESC")
    assert active["taskDefinitionArns"][0].endswith("folio-test-migrate:1")
