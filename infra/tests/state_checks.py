#!/usr/bin/env python3
"""Checks of an applied state that no container run can make: what the AWS review asked for,
read from what Terraform really created (`terraform show -json`).

- Every CloudWatch alarm's dimensions name resources of this state (the load balancer and
  target groups by ARN suffix, the cluster and services by name, the distribution, the HTTP
  API, the database instance, the metric filter's namespace), and it notifies an SNS topic of this
  state, on alarm and on recovery. A dimension naming nothing would leave the alarm silent.
- The deploy role trusts the GitHub environment alone, not a branch.
- The distribution caches /assets/* and /media/* with a caching policy.
- The database parameter group is named by prefix (so it can be replaced).

Usage: state_checks.py STATE.json LABEL   (exits non-zero on a failure)
"""

import json
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from containers import CACHE_POLICIES, State  # noqa: E402

FAILURES = []


def expect(condition, what):
    print(f"{'ok  ' if condition else 'FAIL'}  {what}", flush=True)
    if not condition:
        FAILURES.append(what)


def alarms(state):
    known = {
        "LoadBalancer": {r["values"]["arn_suffix"] for r in state.of_type("aws_lb")},
        "TargetGroup": {r["values"]["arn_suffix"] for r in state.of_type("aws_lb_target_group")},
        "ClusterName": {r["values"]["name"] for r in state.of_type("aws_ecs_cluster")},
        "ServiceName": {r["values"]["name"] for r in state.of_type("aws_ecs_service")},
        "DistributionId": {r["values"]["id"] for r in state.of_type("aws_cloudfront_distribution")},
        "DBInstanceIdentifier": {r["values"]["identifier"] for r in state.of_type("aws_db_instance")},
        "ApiId": {r["values"]["id"] for r in state.of_type("aws_apigatewayv2_api")},
        "Region": {"Global"},
    }
    topics = {r["values"]["arn"] for r in state.of_type("aws_sns_topic")}
    namespaces = {t["namespace"] for r in state.of_type("aws_cloudwatch_log_metric_filter")
                  for t in r["values"]["metric_transformation"]}
    found = state.of_type("aws_cloudwatch_metric_alarm")
    for alarm in (r["values"] for r in found):
        metrics = [alarm] + [q["metric"][0] for q in alarm.get("metric_query") or [] if q.get("metric")]
        unknown = [f"{name}={value}" for m in metrics for name, value in (m.get("dimensions") or {}).items()
                   if value not in known.get(name, set())]
        custom = [m["namespace"] for m in metrics if m.get("namespace") and not m["namespace"].startswith(("AWS/", "ECS/"))]
        expect(not unknown and set(custom) <= namespaces,
               f"{alarm['alarm_name']}: its dimensions name resources of this state"
               + (f" (unknown: {unknown}{', namespace ' + str(custom) if custom else ''})" if unknown or not set(custom) <= namespaces else ""))
        expect(set(alarm["alarm_actions"]) <= topics and alarm["alarm_actions"] and set(alarm["ok_actions"]) == set(alarm["alarm_actions"]),
               f"{alarm['alarm_name']}: notifies this state's SNS topic on alarm and on recovery")
    print(f"  {len(found)} alarms")


def deploy_role(state):
    roles = [r["values"] for r in state.of_type("aws_iam_role") if r["values"]["name"].endswith("-github-deploy")]
    expect(len(roles) == 1, "one deploy role")
    for role in roles:
        policy = json.loads(role["assume_role_policy"])
        subjects = [v for s in policy["Statement"] for c in s["Condition"].values()
                    for key, values in c.items() if key.endswith(":sub") for v in (values if isinstance(values, list) else [values])]
        expect(len(subjects) == 1 and ":environment:" in subjects[0] and ":ref:" not in subjects[0],
               f"the deploy role trusts one GitHub environment and no branch ({subjects})")


def edge_cache(state):
    distribution = state.one("aws_cloudfront_distribution")
    cached = {b["path_pattern"]: b["cache_policy_id"] for b in distribution.get("ordered_cache_behavior", [])
              if CACHE_POLICIES.get(b["cache_policy_id"])}
    for path in ("/assets/*", "/media/*"):
        expect(path in cached, f"the distribution caches {path} (cached behaviours: {sorted(cached)})")


def parameter_group(state):
    for group in (r["values"] for r in state.of_type("aws_db_parameter_group")):
        expect(bool(group.get("name_prefix")) and group["name"].startswith(group["name_prefix"]),
               f"the parameter group {group['name']} is named by prefix, so a replacement cannot collide")


def main(argv):
    path, label = argv
    state = State(path)
    print(f"==> {label}: checks of the applied state")
    alarms(state)
    deploy_role(state)
    edge_cache(state)
    parameter_group(state)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
