#!/usr/bin/env python3
"""What pausing and resuming an environment must keep and bring back, asked of the emulator.

  pause.py before --state STATE.json --record R.json   before pausing: what there is
  pause.py paused --record R.json                      while paused: what is gone, what stayed
  pause.py resumed --state STATE.json --record R.json  after resuming: the same data and secrets

The record holds digests of the secrets' values (never the values), the database instance as
the emulator describes it, and the distribution. While paused: no instance and no service, the
final snapshot there (of the same instance: engine, version, storage, encryption), the same
secrets, the image repository and the distribution still there. After resuming: an instance
of the same identifier and address, made from that snapshot (Terraform's snapshot_identifier
and the emulator's instance), the same secrets, the same distribution, and a new restore point
naming the new instance's final snapshot. moto keeps a snapshot's instance settings, not its
data: whether the rows come back is for RDS to keep (the containers test runs its own PostgreSQL).
Prints one summary line last; exits 1 naming the first broken expectation.
"""

import argparse
import hashlib
import json
import sys

import boto3

SECRETS = ("/admin-token", "/db-app", "/smtp-url")
# What a snapshot keeps of its instance: (the instance's name for it, the snapshot's).
SAME_SETTINGS = (("Engine", "Engine"), ("EngineVersion", "EngineVersion"), ("AllocatedStorage", "AllocatedStorage"),
                 ("StorageEncrypted", "Encrypted"), ("MasterUsername", "MasterUsername"))


def managed(state, kind):
    found = []

    def walk(module):
        found.extend(r["values"] for r in module.get("resources", []) if r["type"] == kind and r["mode"] == "managed")
        for child in module.get("child_modules", []):
            walk(child)

    walk(json.load(open(state))["values"]["root_module"])
    return found


def secret_digests():
    client = boto3.client("secretsmanager")
    digests = {}
    for entry in client.list_secrets()["SecretList"]:
        if entry["Name"].endswith(SECRETS):
            value = client.get_secret_value(SecretId=entry["ARN"])["SecretString"]
            digests[entry["Name"]] = hashlib.sha256(value.encode()).hexdigest()
    return digests


def restore_point(environment):
    name = f"/folio/{environment}/database/restore-point"
    return boto3.client("ssm").get_parameter(Name=name)["Parameter"]["Value"]


def check(condition, what):
    if not condition:
        sys.exit(f"pause.py: {what}")


def before(args):
    instance = managed(args.state, "aws_db_instance")
    check(len(instance) == 1, f"one database instance in the state, found {len(instance)}")
    identifier = instance[0]["identifier"]
    described = boto3.client("rds").describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
    distribution = managed(args.state, "aws_cloudfront_distribution")[0]
    environment = identifier.removeprefix("folio-")
    record = {
        "environment": environment,
        "identifier": identifier,
        "address": described["Endpoint"]["Address"],
        "settings": {key: described[key] for key, _ in SAME_SETTINGS},
        "final_snapshot": instance[0]["final_snapshot_identifier"],
        "secrets": secret_digests(),
        "distribution": distribution["id"],
        "repository": managed(args.state, "aws_ecr_repository")[0]["name"],
    }
    check(restore_point(environment) == record["final_snapshot"], "the restore point names the instance's final snapshot")
    json.dump(record, open(args.record, "w"))
    print(f"{identifier} at {record['address']}, {len(record['secrets'])} secrets, distribution {record['distribution']}")


def paused(args):
    record = json.load(open(args.record))
    rds = boto3.client("rds")
    check(not [i for i in rds.describe_db_instances()["DBInstances"] if i["DBInstanceIdentifier"] == record["identifier"]],
          f"the instance {record['identifier']} is gone")
    snapshots = rds.describe_db_snapshots(DBSnapshotIdentifier=record["final_snapshot"])["DBSnapshots"]
    check(len(snapshots) == 1 and snapshots[0]["Status"] == "available", f"the final snapshot {record['final_snapshot']} is kept")
    snapshot = snapshots[0]
    check(snapshot["DBInstanceIdentifier"] == record["identifier"], "the snapshot is of the paused instance")
    for key, kept in SAME_SETTINGS:
        check(snapshot[kept] == record["settings"][key], f"the snapshot's {kept} is the instance's ({snapshot[kept]})")
    check(restore_point(record["environment"]) == record["final_snapshot"], "the restore point names that snapshot")
    check(secret_digests() == record["secrets"], "every secret keeps its value")
    ecs = boto3.client("ecs")
    running = [s["serviceName"] for c in ecs.list_clusters()["clusterArns"]
               for arns in [ecs.list_services(cluster=c)["serviceArns"]] if arns
               for s in ecs.describe_services(cluster=c, services=arns)["services"] if s["status"] == "ACTIVE"]
    check(not running, f"no service runs ({running})")
    boto3.client("ecr").describe_repositories(repositoryNames=[record["repository"]])
    boto3.client("cloudfront").get_distribution(Id=record["distribution"])
    print(f"snapshot {snapshot['DBSnapshotIdentifier']} ({snapshot['AllocatedStorage']} GB, encrypted "
          f"{str(snapshot['Encrypted']).lower()}), {len(record['secrets'])} secrets unchanged, repository and distribution kept")


def resumed(args):
    record = json.load(open(args.record))
    instance = managed(args.state, "aws_db_instance")
    check(len(instance) == 1, f"one database instance in the state, found {len(instance)}")
    check(instance[0]["snapshot_identifier"] == record["final_snapshot"],
          f"the instance was made from the pause's snapshot {record['final_snapshot']} ({instance[0]['snapshot_identifier']})")
    described = boto3.client("rds").describe_db_instances(DBInstanceIdentifier=record["identifier"])["DBInstances"][0]
    check(described["Endpoint"]["Address"] == record["address"], "the database answers at the same address (DB_HOST)")
    for key, _ in SAME_SETTINGS:
        check(described[key] == record["settings"][key], f"the restored {key} is the snapshot's ({described[key]})")
    check(secret_digests() == record["secrets"], "every secret keeps its value (the same admin token)")
    check(managed(args.state, "aws_cloudfront_distribution")[0]["id"] == record["distribution"], "the same distribution")
    point = restore_point(record["environment"])
    check(point == instance[0]["final_snapshot_identifier"] and point != record["final_snapshot"],
          f"the restore point names the new instance's own final snapshot ({point})")
    print(f"{record['identifier']} restored from {record['final_snapshot']} at {record['address']}, "
          f"secrets and distribution {record['distribution']} the same; next restore point {point}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["before", "paused", "resumed"])
    parser.add_argument("--state", help="terraform show -json of the environment")
    parser.add_argument("--record", required=True, help="where `before` writes what the other steps compare with")
    args = parser.parse_args(argv)
    if args.step != "paused" and not args.state:
        parser.error(f"{args.step} needs --state")
    {"before": before, "paused": paused, "resumed": resumed}[args.step](args)


if __name__ == "__main__":
    main(sys.argv[1:])
