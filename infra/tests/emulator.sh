#!/usr/bin/env bash
# Dynamic test of every environment and origin variant against moto (an AWS emulator on
# 127.0.0.1), one emulator ("account") each, all side by side:
#   dev with terraform.tfvars.example as a new owner copies it (mail off); prod with every option
#   (custom domain, HTTPS origin, mail through a local SMTP server, an existing OIDC provider);
#   personal from its example with mail on (API Gateway's HTTP API as the origin), and
#   personal-alb, the same with origin = "alb".
# Each: apply -> plan must be empty -> secrets set but absent from state -> every container of
# every task definition run by the release binary behind an edge generated from the state
# (infra/tests/containers.py: verify, the network, edge caching, rollout and rollback through
# deploy.py, database outage, master password rotation; one run at a time) -> plan empty again.
# Then dev: deploy.py with a new tag, plan empty; control: without the recorded tag the task
# definitions must change; prod: origin secret rotated through two generations, deletion
# guards off; personal: paused and resumed with the commands docs/deploy.md gives (plan empty
# after each, the database restored from the pause's snapshot, the secrets the same). The
# paused plans are priced too, and infra/COSTS.md and the README's table checked against every
# plan with the targets as limits; dev and prod are destroyed (personal's emulators are simply
# thrown away: dev and prod cover the tear-down, and a destroy would only add minutes).
# The emulator endpoints and a local backend live in *_override.tf files written into a
# temporary copy of infra/terraform; the real configuration never sees them.
# Usage: infra/tests/emulator.sh   (from any directory; exits non-zero on failure)
set -euo pipefail

. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lib.sh"
. "$FOLIO_ROOT/infra/tests/terraform_env.sh"

started=$SECONDS
require_tool terraform "https://developer.hashicorp.com/terraform/install, 1.11+" || exit 0
require_tool moto_server "pip install -r requirements-dev.txt into .venv" || exit 0
require_tool openssl "Debian package openssl" || exit 0
require_tool flock "Debian package util-linux" || exit 0
python=$(command -v python3)
if ! "$python" -c 'import boto3' 2>/dev/null; then
  require_tool boto3-in-python3 "boto3 comes with moto[server] in .venv" || exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  printf '\n!!! infra/tests/emulator.sh runs the containers chrooted (root needed).\n' >&2
  [ "${CI:-}" = "true" ] && exit 1
  printf '!!! SKIPPING the infrastructure emulator test.\n\n' >&2
  exit 0
fi

say "building the release binary and the test kit's tools (nothing to do when built already)"
binary=$("$FOLIO_ROOT/scripts/build-release")
(cd "$FOLIO_ROOT" && cargo build --quiet -p folio-testkit --bins)

# Each instance is a copy of infra/terraform applied in an emulator of its own, from the root
# named here.
instances=(dev prod personal personal-alb)
declare -A root=([dev]=dev [prod]=prod [personal]=personal [personal-alb]=personal)
work=$(mktemp -d)
chmod 0755 "$work"
moto_pids=()
cleanup() {
  for pid in "${moto_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "${KEEP_EMULATOR_WORK:-}" = 1 ]; then
    printf 'kept %s (moto logs, *.log, terraform copies, states)\n' "$work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

use_plugin_mirror "$work"
export AWS_ACCESS_KEY_ID=emulator AWS_SECRET_ACCESS_KEY=emulator AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1

# Results go to a file, so that checks run in background jobs count too.
touch "$work/results"
record() {
  printf '%s: %s\n' "$1" "$2" >>"$work/results"
}
# elapsed SINCE: seconds since SINCE (from $SECONDS).
elapsed() { echo $((SECONDS - $1)); }

# --- One emulator per instance -----------------------------------------------------
declare -A endpoint
for env in "${instances[@]}"; do
  port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  endpoint[$env]="http://127.0.0.1:$port"
  # Certificates requested from the emulated ACM are issued at once; AWS-managed IAM
  # policies (RDS Enhanced Monitoring's) exist only when loaded.
  MOTO_ACM_VALIDATION_WAIT=0 MOTO_IAM_LOAD_MANAGED_POLICIES=true moto_server -H 127.0.0.1 -p "$port" \
    >"$work/moto-$env.log" 2>&1 &
  moto_pids+=($!)
done
for env in "${instances[@]}"; do
  for _ in $(seq 100); do
    "$python" -c "import urllib.request; urllib.request.urlopen('${endpoint[$env]}/moto-api/')" 2>/dev/null && break
    sleep 0.2
  done
  say "moto_server for $env on ${endpoint[$env]}"
done

# --- The configuration under test, one copy per instance ----------------------------
services="acm amp apigatewayv2 applicationautoscaling cloudfront cloudwatch ec2 ecr ecs elbv2 iam kms logs rds route53 s3 secretsmanager servicediscovery sns ssm sts"
# Attributes moto accepts but does not return, so every plan would show them as changes
# although AWS keeps them. Each is ignored in the emulator copy only, is listed in the
# summary, and was confirmed against moto 5.2.5 by hand (set it, read it back, it is
# missing). Anything not listed here must round-trip.
moto_gaps=()
moto_gap() {
  local tree=$1 module=$2 address=$3 attributes=$4 why=$5
  local type=${address%.*} name=${address#*.}
  cat >>"$tree/modules/$module/emulator_override.tf" <<HCL
resource "$type" "$name" {
  lifecycle {
    ignore_changes = [$attributes]
  }
}
HCL
  [ "$tree" = "$work/dev/terraform" ] && moto_gaps+=("$module/$address [$attributes]: $why")
  return 0
}

prepare_copy() {
  local env=$1 tree=$work/$1/terraform
  local root=${root[$env]}
  mkdir -p "$work/$env"
  cp -r "$TF_DIR" "$tree"
  find "$tree" -name .terraform -prune -exec rm -rf {} +
  # skip_requesting_account_id is left off on purpose: moto answers STS, and without the
  # account id the provider writes rules that reference a security group as
  # "<account>/<sg>", which never matches what it reads back.
  {
    echo '# Written by infra/tests/emulator.sh into a temporary copy; never committed.'
    echo 'terraform {'
    echo '  backend "local" {}'
    echo '}'
    for alias in "" us_east_1; do
      echo 'provider "aws" {'
      [ -n "$alias" ] && echo "  alias = \"$alias\""
      echo '  region                      = "us-east-1"'
      echo '  access_key                  = "emulator"'
      echo '  secret_key                  = "emulator"'
      echo '  skip_credentials_validation = true'
      echo '  skip_metadata_api_check     = true'
      echo '  s3_use_path_style           = true'
      # moto answers unimplemented calls with HTTP 500, which the provider would retry for minutes.
      echo '  max_retries                 = 2'
      echo '  endpoints {'
      for service in $services; do
        echo "    $service = \"${endpoint[$env]}\""
      done
      echo '  }'
      echo '}'
    done
  } >"$tree/environments/$root/emulator_override.tf"
  for rule in ingress_rule.alb_from_cloudfront ingress_rule.tasks_from_origin ingress_rule.callee_from_caller \
    ingress_rule.database_from_tasks egress_rule.origin_to_tasks egress_rule.caller_to_callee egress_rule.tasks_to_database \
    ingress_rule.tasks_from_monitoring; do
    moto_gap "$tree" security_groups "aws_vpc_security_group_$rule" description \
      "DescribeSecurityGroupRules drops the description of rules whose source is a group or prefix list"
  done
  # desired_count is ignored in the real configuration too (auto scaling owns it).
  moto_gap "$tree" ecs_service aws_ecs_service.this "desired_count, health_check_grace_period_seconds, availability_zone_rebalancing, capacity_provider_strategy" \
    "the service model stores neither the grace period, AZ rebalancing nor a capacity provider strategy"
  # snapshot_identifier is ignored in the real configuration too (only creation reads it).
  moto_gap "$tree" database aws_db_instance.this "snapshot_identifier, performance_insights_enabled, performance_insights_kms_key_id, performance_insights_retention_period" \
    "Performance Insights settings are not stored"
  moto_gap "$tree" database aws_db_parameter_group.this "parameter" \
    "DescribeDBParameters returns no Source field, so the provider sees no user-set parameters"
  moto_gap "$tree" platform aws_prometheus_workspace.this "kms_key_arn" \
    "DescribeWorkspace returns no kmsKeyArn (the workspace model keeps no key)"
  local behaviours="default_cache_behavior[0].forwarded_values"
  for n in 0 1 2 3 4 5 6 7; do behaviours+=", ordered_cache_behavior[$n].forwarded_values"; done
  moto_gap "$tree" cdn aws_cloudfront_distribution.this "$behaviours, viewer_certificate[0].ssl_support_method, viewer_certificate[0].cloudfront_default_certificate" \
    "legacy forwarded_values, an SNI method and the default certificate are returned whether the config uses cache policies and an ACM certificate or not"
}

for env in "${instances[@]}"; do prepare_copy "$env"; done

# Dev and personal exactly as a new owner starts them: the example variables.
for env in dev personal personal-alb; do
  cp "$TF_DIR/environments/${root[$env]}/terraform.tfvars.example" "$work/$env/terraform/environments/${root[$env]}/terraform.tfvars"
done
# The SMTP URL goes through the write-only path of its secret; it points at the local SMTP
# server the containers test starts, on the submission port the security group opens.
smtp_url="smtp://127.0.0.61:587"
# Personal with mail on: its one task sends it from a public subnet, without NAT.
printf 'mail_enabled = true\n' >"$work/personal/terraform/environments/personal/emulator.auto.tfvars"
# Metrics out of AWS (an AMP workspace, an agent beside each task) in prod and personal-alb, so
# all three roles run with their agents; dev and personal keep it off, as their examples do.
printf 'mail_enabled   = true\norigin         = "alb"\nmetrics_to_amp = true\n' \
  >"$work/personal-alb/terraform/environments/personal/emulator.auto.tfvars"

# Prod with every option: what it refers to must exist in its account first.
say "prod's prerequisites in its emulator: hosted zone, ALB certificate, OIDC provider, monitoring group"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=origin.folio.example.com" \
  -keyout "$work/origin.key" -out "$work/origin.crt" 2>/dev/null
AWS_ENDPOINT_URL=${endpoint[prod]} "$python" - "$work" >"$work/prod/terraform/environments/prod/emulator.auto.tfvars" <<'PY'
import sys
from pathlib import Path

import boto3

work = Path(sys.argv[1])
zone = boto3.client("route53").create_hosted_zone(Name="folio.example.com", CallerReference="folio-test")["HostedZone"]["Id"]
certificate = boto3.client("acm").import_certificate(
    Certificate=(work / "origin.crt").read_bytes(), PrivateKey=(work / "origin.key").read_bytes())["CertificateArn"]
oidc = boto3.client("iam").create_open_id_connect_provider(
    Url="https://token.actions.githubusercontent.com", ClientIDList=["sts.amazonaws.com"])["OpenIDConnectProviderArn"]
ec2 = boto3.client("ec2")
vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
monitoring = ec2.create_security_group(GroupName="monitoring", Description="Prometheus", VpcId=vpc)["GroupId"]
print(f'''github_repository                 = "example/folio"
contact_to                        = "hello@example.com"
contact_from                      = "folio@example.com"
alarm_email                       = "ops@example.com"
mail_enabled                      = true
domain_name                       = "folio.example.com"
route53_zone_id                   = "{zone.split('/')[-1]}"
alb_certificate_arn               = "{certificate}"
origin_domain_name                = "origin.folio.example.com"
existing_github_oidc_provider_arn = "{oidc}"
monitoring_security_group_id      = "{monitoring}"
metrics_to_amp                    = true''')
PY

with_mail() { [ "$1" != dev ]; }

# tf INSTANCE ARGS: terraform in the instance's copy against its emulator; with mail, the SMTP
# URL is passed as an owner passes it (TF_VAR_smtp_url, never in a file).
tf() {
  local env=$1 dir
  shift
  dir="$work/$env/terraform/environments/${root[$env]}"
  if with_mail "$env"; then
    TF_VAR_smtp_url=$smtp_url AWS_ENDPOINT_URL=${endpoint[$env]} terraform -chdir="$dir" "$@"
  else
    AWS_ENDPOINT_URL=${endpoint[$env]} terraform -chdir="$dir" "$@"
  fi
}

# cost_plan ENV LABEL [ARGS]: plan ENV (with ARGS) into $work/costs/LABEL.json for scripts/costs.
mkdir -p "$work/costs"
cost_plan() {
  local env=$1 label=$2
  shift 2
  { tf "$env" plan -input=false -no-color -lock=false -out="$work/costs/$label.plan" "$@" &&
    tf "$env" show -json "$work/costs/$label.plan" >"$work/costs/$label.json"; } >"$work/costs/$label.log" 2>&1 ||
    { cat "$work/costs/$label.log" >&2; return 1; }
}
# One at a time: they would race to fill the shared provider cache.
for env in "${instances[@]}"; do
  tf "$env" init -input=false -no-color >"$work/$env/init.log" 2>&1 || { cat "$work/$env/init.log" >&2; exit 1; }
done
# The costs are those of the configuration as written, auto scaling included, so each
# instance is planned for scripts/costs before the emulator's one override: moto implements no
# tagging API for Application Auto Scaling, and the provider tags (default_tags) and reads the
# tags of every scalable target, so creating one fails. Auto scaling is the one feature the
# applies leave out; these plans, validate and checkov cover it. The paused plans come later,
# from the applied states (a pause shows its final snapshot).
# as_written INSTANCE LABEL [LABEL ARGS...]: the cost plans, then the override.
as_written() {
  local env=$1
  shift
  cost_plan "$env" "$1" || record "$env: plan for scripts/costs" FAILED
  [ $# -lt 3 ] || cost_plan "$env" "$2" "${@:3}" || record "$env: plan for scripts/costs ($2)" FAILED
  printf 'module "platform" {\n  autoscaling_enabled = false\n}\n' >>"$work/$env/terraform/environments/${root[$env]}/emulator_override.tf"
}

# plan_is_empty ENV LABEL [ARGS]: plan with -detailed-exitcode; print the plan when it is not empty.
plan_is_empty() {
  local env=$1 label=$2 code=0 log
  shift 2
  log=$(mktemp -p "$work/$env" plan.XXXX.log)
  tf "$env" plan -input=false -no-color -detailed-exitcode -lock=false "$@" >"$log" 2>&1 || code=$?
  if [ "$code" -eq 0 ]; then
    record "$env: $label is empty" ok
    return 0
  fi
  cat "$log" >&2
  printf '!!! %s %s: plan exit code %s (0 = no changes, 2 = changes, 1 = error)\n' "$env" "$label" "$code" >&2
  record "$env: $label is empty" FAILED
  return 1
}

# apply ENV: the time and resource count go into the summary.
apply() {
  local env=$1 begun=$SECONDS
  tf "$env" apply -input=false -no-color -auto-approve >"$work/$env/apply.log" 2>&1 || { tail -60 "$work/$env/apply.log" >&2; return 1; }
  echo "$(tf "$env" state list | grep -cvE '(^|\.)data\.') managed resources, $(elapsed "$begun") s" >"$work/$env/applied"
}

# secrets_out_of_state INSTANCE: the write-only secrets have values, and the state does not.
secrets_out_of_state() {
  local env=$1 smtp=
  tf "$env" state pull >"$work/$env/state.json"
  with_mail "$env" && smtp=$smtp_url
  if AWS_ENDPOINT_URL=${endpoint[$env]} "$python" - "$work/$env/state.json" "$smtp" <<'PY'; then
import sys
import boto3

state, smtp = open(sys.argv[1]).read(), sys.argv[2]
secrets = boto3.client("secretsmanager")
for entry in secrets.list_secrets()["SecretList"]:
    if entry["Name"].endswith(("/admin-token", "/smtp-url", "/db-app")):
        value = secrets.get_secret_value(SecretId=entry["ARN"])["SecretString"]
        assert value, f"{entry['Name']} has no value"
        assert value not in state, f"the value of {entry['Name']} is in the state"
        print(f"  {entry['Name']}: set ({len(value)} characters), not in state")
assert not smtp or smtp not in state
PY
    record "$env: ADMIN_TOKEN, the API's database login and SMTP_URL set but absent from state" ok
  else
    record "$env: secrets absent from state" FAILED
  fi
}

# --- Every container, run by the binary ----------------------------------------------
# containers ENV LABEL: one at a time (the runs share fixed loopback addresses and ports).
containers() {
  local env=$1 label=$2
  tf "$env" show -json >"$work/$env/show.json"
  if "$python" "$INFRA_DIR/tests/state_checks.py" "$work/$env/show.json" "$label" >"$work/$env/state-checks.log" 2>&1; then
    record "$label: alarms wired to this state's resources and topic, deploy role on the environment only, assets cached" ok
  else
    cat "$work/$env/state-checks.log" >&2
    record "$label: checks of the applied state (infra/tests/state_checks.py)" FAILED
  fi
  parameter=$(tf "$env" output -raw image_tag_parameter)
  if flock "$work/containers.lock" env AWS_ENDPOINT_URL="${endpoint[$env]}" "$python" "$INFRA_DIR/tests/containers.py" \
    --state "$work/$env/show.json" --label "$label" --binary "$binary" --work "$work/$env/containers-$label" \
    --tag-parameter "$parameter"; then
    record "$label: every container run by the release binary (infra/tests/containers.py)" ok
  else
    record "$label: every container run by the release binary (infra/tests/containers.py)" FAILED
  fi
}

# applied INSTANCE: apply, empty plan, secrets, every container, empty plan again.
applied() {
  local env=$1
  if apply "$env"; then
    record "apply $env ($(cat "$work/$env/applied"))" ok
  else
    record "apply $env" FAILED
    return 1
  fi
  plan_is_empty "$env" "plan after apply" || true
  secrets_out_of_state "$env"
  containers "$env" "$env"
  plan_is_empty "$env" "plan after the rollout and rollback" || true
}

# --- Dev: the pipeline's deploy, and the control --------------------------------------
run_dev() {
  as_written dev dev
  applied dev || return 0
  # The pipeline's deploy with a tag of its own (the containers test rolled back to the first
  # one): the services move to new revisions, and Terraform, reading the tag, agrees.
  say "dev: deploy.py records a new tag; the plan must stay empty"
  parameter=$(tf dev output -raw image_tag_parameter)
  cluster=$(tf dev output -raw cluster_name)
  mapfile -t deployed_services < <(tf dev output -json service_names | "$python" -c 'import json, sys; print("\n".join(json.load(sys.stdin).values()))')
  service_args=()
  for service in "${deployed_services[@]}"; do service_args+=(--service "$service"); done
  tag=deadbeef$RANDOM
  # deploy.py --migration-family would also register the migration task's revision and run
  # it; moto cannot run an awsvpc task, so the revision is registered with deploy.py's own
  # function and the rest of the command runs as the pipeline runs it.
  migration_family=$(tf dev output -json task_definition_families | "$python" -c 'import json, sys; print(json.load(sys.stdin)["migrate"])')
  if AWS_ENDPOINT_URL=${endpoint[dev]} "$python" -c "import sys; sys.path.insert(0, sys.argv[1]); import boto3, deploy; deploy.register(boto3.client('ecs'), sys.argv[2], sys.argv[3])" \
    "$INFRA_DIR/deploy" "$migration_family" "$tag" &&
    AWS_ENDPOINT_URL=${endpoint[dev]} "$python" "$INFRA_DIR/deploy/deploy.py" --cluster "$cluster" "${service_args[@]}" \
    --tag-parameter "$parameter" --tag "$tag" >"$work/dev/deploy.log" 2>&1; then
    record "dev: deploy.py registered revisions with tag $tag" ok
  else
    cat "$work/dev/deploy.log" >&2
    record "dev: deploy.py with tag $tag" FAILED
  fi
  plan_is_empty dev "plan after deploy.py" || true

  # Dev paused, as priced: the plan from the deployed state (no apply).
  cost_plan dev dev-paused -var paused=true || record "dev: plan of the pause" FAILED

  # Control: the empty plan must come from reading the deployed tag, not from a plan that
  # cannot see the new revisions. Without the SSM record Terraform falls back to
  # initial_image_tag and must want new task definitions, all three.
  say "control: without the recorded tag the plan must change every task definition"
  AWS_ENDPOINT_URL=${endpoint[dev]} "$python" -c "import boto3, sys; boto3.client('ssm').delete_parameter(Name=sys.argv[1])" "$parameter"
  code=0
  tf dev plan -input=false -no-color -detailed-exitcode -lock=false >"$work/dev/control.log" 2>&1 || code=$?
  changed=$(grep -c 'aws_ecs_task_definition.this\[0\] must be replaced' "$work/dev/control.log" || true)
  if [ "$code" -eq 2 ] && [ "$changed" -eq 3 ]; then
    record "dev: control plan without the recorded tag replaces the 3 task definitions" ok
  else
    cat "$work/dev/control.log" >&2
    record "dev: control plan without the recorded tag (exit $code, $changed task definitions)" FAILED
  fi
  destroy dev && record "destroy dev" ok || record "destroy dev" FAILED
}

# rotation GENERATIONS: apply prod with them; what the ALB accepts and CloudFront sends.
rotation() {
  local generations=$1
  TF_VAR_origin_secret_generations=$generations tf prod apply -input=false -no-color -auto-approve \
    >"$work/prod/rotation.log" 2>&1 || { tail -40 "$work/prod/rotation.log" >&2; return 1; }
  tf prod show -json >"$work/prod/rotated.json"
  "$python" - "$work/prod/rotated.json" "$generations" <<'PY'
import json
import sys

values, generations = json.load(open(sys.argv[1]))["values"], json.loads(sys.argv[2])
resources = []
def walk(module):
    resources.extend(module.get("resources", []))
    for child in module.get("child_modules", []):
        walk(child)
walk(values["root_module"])
secrets = {r["index"]: r["values"]["output"] for r in resources if r["type"] == "terraform_data" and r["name"] == "origin_verify"}
accepted = [c["http_header"][0]["values"] for r in resources if r["type"] == "aws_lb_listener_rule"
            for c in r["values"]["condition"] if c.get("http_header")]
sent = [h["value"] for r in resources if r["type"] == "aws_cloudfront_distribution"
        for h in r["values"]["origin"][0]["custom_header"]]
assert set(secrets) == set(generations), (secrets.keys(), generations)
expected = [secrets[g] for g in generations]
assert accepted and all(sorted(a) == sorted(expected) for a in accepted), "the ALB rules accept exactly the listed generations"
assert sent == [secrets[generations[0]]], "CloudFront sends the first listed generation"
print(f"  generations {generations}: ALB rules accept {len(expected)} value(s), CloudFront sends generation {generations[0]}")
PY
}

# --- Prod: the origin secret's rotation, the guards off -------------------------------
run_prod() {
  as_written prod prod
  applied prod || return 0
  # The origin secret rotates without a 403: the ALB accepts both generations while CloudFront
  # still sends the current one, then CloudFront sends the new one and, once it is deployed,
  # the ALB accepts only that.
  say "prod: rotating the origin secret through two generations"
  if rotation '["1", "2"]' && rotation '["2"]'; then
    record "prod: origin secret rotated (ALB accepts old and new while CloudFront sends the old, then the new only)" ok
  else
    record "prod: origin secret rotation" FAILED
  fi

  # Prod refuses to be destroyed (or paused) until told to, as docs/deploy.md's tear-down says:
  # switch the deletion guards off in environments/prod/main.tf and apply that first.
  say "prod: the guards off, as docs/deploy.md's tear-down says"
  sed -i -e 's/alb_deletion_protection     = true/alb_deletion_protection     = false/' \
    -e 's/deletion_protection      = true/deletion_protection      = false/' "$work/prod/terraform/environments/prod/main.tf"
  export TF_VAR_origin_secret_generations='["2"]'
  tf prod apply -input=false -no-color -auto-approve >"$work/prod/unguard.log" 2>&1 ||
    { tail -30 "$work/prod/unguard.log" >&2; record "prod: deletion guards off" FAILED; }
  cost_plan prod prod-paused -var paused=true || record "prod: plan of the pause" FAILED
  destroy prod && record "destroy prod" ok || record "destroy prod" FAILED
}

# --- Personal: pause and resume, with the commands docs/deploy.md gives ---------------
# documented WHAT: the command docs/deploy.md gives ("Pausing and resuming") for WHAT (pause,
# resume), run as written plus the flags an unattended run needs.
documented() {
  local what=$1 line
  line=$(grep -E "^terraform apply .*# $what\$" "$FOLIO_ROOT/docs/deploy.md" | head -1 | sed 's/ *#.*//')
  [ -n "$line" ] || { echo "docs/deploy.md gives no 'terraform apply ...  # $what' line" >&2; return 1; }
  echo "$line"
}

# run_documented ENV LINE LOG: the documented terraform line in ENV's directory, as an owner types it.
run_documented() {
  local env=$1 line=$2
  # shellcheck disable=SC2086 # the documented line's words
  (cd "$work/$env/terraform/environments/${root[$env]}" &&
    TF_VAR_smtp_url=$smtp_url AWS_ENDPOINT_URL=${endpoint[$env]} $line -input=false -no-color -auto-approve) >"$3" 2>&1
}

# Personal: apply, pause, resume, and only then its containers, which so run on the resumed
# environment.
run_personal() {
  as_written personal personal personal-spot -var fargate_spot=true
  if apply personal; then
    record "apply personal ($(cat "$work/personal/applied"))" ok
  else
    record "apply personal" FAILED
    return 0
  fi
  plan_is_empty personal "plan after apply" || true
  secrets_out_of_state personal
  tf personal show -json >"$work/personal/show.json"
  personal_pause_and_resume || return 0
  containers personal personal
  plan_is_empty personal "plan after the rollout and rollback" || true
}

# documented_step ENV WHAT OUTCOME: docs/deploy.md's line for WHAT run in ENV, timed and recorded
# as "ENV: OUTCOME with `line` (N s)".
documented_step() {
  local env=$1 what=$2 outcome=$3 line begun
  line=$(documented "$what") || { record "$env: docs/deploy.md gives the $what command" FAILED; return 1; }
  say "$env: $line"
  begun=$SECONDS
  if run_documented "$env" "$line" "$work/$env/$what.log"; then
    record "$env: $outcome with \`$line\` ($(elapsed "$begun") s)" ok
  else
    tail -40 "$work/$env/$what.log" >&2
    record "$env: $outcome with \`$line\`" FAILED
    return 1
  fi
}

personal_pause_and_resume() {
  local env=personal
  AWS_ENDPOINT_URL=${endpoint[$env]} "$python" "$INFRA_DIR/tests/pause.py" before --state "$work/$env/show.json" \
    --record "$work/$env/before-pause.json" >"$work/$env/pause-check.log" 2>&1 ||
    { cat "$work/$env/pause-check.log" >&2; record "personal: what there is before the pause" FAILED; }
  documented_step "$env" pause paused || return 1
  # The plan while paused is also the paused environment's price (the snapshot it keeps is the
  # data source that checks it exists).
  plan_is_empty "$env" "plan while paused" -var paused=true -out="$work/costs/personal-paused.plan" || true
  tf "$env" show -json "$work/costs/personal-paused.plan" >"$work/costs/personal-paused.json"
  if AWS_ENDPOINT_URL=${endpoint[$env]} "$python" "$INFRA_DIR/tests/pause.py" paused --record "$work/$env/before-pause.json" \
    >>"$work/$env/pause-check.log" 2>&1; then
    record "personal: paused: instance gone, final snapshot kept, secrets and images kept ($(tail -1 "$work/$env/pause-check.log"))" ok
  else
    cat "$work/$env/pause-check.log" >&2
    record "personal: paused state" FAILED
  fi
  documented_step "$env" resume resumed || return 1
  plan_is_empty "$env" "plan after resuming" || true
  tf "$env" show -json >"$work/$env/resumed.json"
  if AWS_ENDPOINT_URL=${endpoint[$env]} "$python" "$INFRA_DIR/tests/pause.py" resumed --state "$work/$env/resumed.json" \
    --record "$work/$env/before-pause.json" >>"$work/$env/pause-check.log" 2>&1; then
    record "personal: resumed: the database restored from the pause's snapshot, the same secrets ($(tail -1 "$work/$env/pause-check.log"))" ok
  else
    cat "$work/$env/pause-check.log" >&2
    record "personal: resumed state" FAILED
  fi
}

# --- Personal behind an ALB: the other origin variant ----------------------------------
run_personal_alb() {
  as_written personal-alb personal-alb
  applied personal-alb || return 0
  cost_plan personal-alb personal-alb-paused -var paused=true || record "personal-alb: plan of the pause" FAILED
}

destroy() {
  local env=$1
  # The last plans refreshed everything; a second refresh would only cost time.
  tf "$env" destroy -input=false -no-color -auto-approve -refresh=false "${@:2}" >"$work/$env/destroy.log" 2>&1 ||
    { tail -40 "$work/$env/destroy.log" >&2; return 1; }
}
say "every instance: apply, containers, then its own steps, side by side"
run_dev &
jobs_running=($!)
run_prod &
jobs_running+=($!)
run_personal &
jobs_running+=($!)
run_personal_alb &
jobs_running+=($!)
for job in "${jobs_running[@]}"; do wait "$job" || record "a background step stopped early ($job)" FAILED; done

labels=(dev dev-paused prod prod-paused personal personal-spot personal-paused personal-alb personal-alb-paused)
say "infra/COSTS.md and the README's cost table against the plans (scripts/costs --check)"
cost_args=()
for label in "${labels[@]}"; do cost_args+=("$label=$work/costs/$label.json"); done
if "$FOLIO_ROOT/scripts/costs" --check --limit personal=30 --limit personal-paused=3 --limit personal-alb-paused=3 \
  "${cost_args[@]}" >"$work/costs.log" 2>&1; then
  record "infra/COSTS.md and the README's table are what scripts/costs computes from the plans ($(tail -1 "$work/costs.log" | sed 's/.*: //'))" ok
else
  cat "$work/costs.log" >&2
  record "infra/COSTS.md is what scripts/costs computes from the plans (scripts/costs --write $(printf '%s=... ' "${labels[@]}")regenerates it)" FAILED
fi

say "summary (emulator test took $((SECONDS - started)) s)"
printf '  not applied in the emulator: Application Auto Scaling (moto cannot tag scalable targets; validate and checkov cover it)\n'
printf '  not run by the emulator: RunTask with awsvpc (moto 5.2.5 fails on it); containers.py runs the migration task itself\n'
printf '  attributes ignored in the emulator copies only (moto does not return them):\n'
printf '    %s\n' "${moto_gaps[@]}"
passed=$(grep -c ': ok$' "$work/results" || true)
total=$(wc -l <"$work/results")
sed 's/^/  /' "$work/results"
printf '%d passed, %d failed\n' "$passed" "$((total - passed))"
[ "$passed" -eq "$total" ]
