#!/usr/bin/env bash
# Dynamic test of the dev environment against moto (an AWS emulator on 127.0.0.1):
#   apply -> plan must be empty -> pipeline deploy (infra/deploy/deploy.py) ->
#   plan must still be empty -> destroy.
# The emulator endpoints and a local backend live in an *_override.tf file written
# into a temporary copy of infra/terraform; the real configuration never sees them.
# Usage: infra/tests/emulator.sh   (from any directory; exits non-zero on failure)
set -euo pipefail

. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lib.sh"
. "$FOLIO_ROOT/infra/tests/terraform_env.sh"

started=$SECONDS
require_tool terraform "https://developer.hashicorp.com/terraform/install, 1.11+" || exit 0
require_tool moto_server "pip install -r requirements-dev.txt into .venv" || exit 0
python=$(command -v python3)
if ! "$python" -c 'import boto3' 2>/dev/null; then
  require_tool boto3-in-python3 "boto3 comes with moto[server] in .venv" || exit 0
fi

work=$(mktemp -d)
moto_pid=
cleanup() {
  if [ -n "$moto_pid" ]; then
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
  fi
  if [ "${KEEP_EMULATOR_WORK:-}" = 1 ]; then
    printf 'kept %s (moto.log, *.log, terraform copy)\n' "$work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

use_plugin_mirror "$work"

# --- Emulator ------------------------------------------------------------------
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"
say "starting moto_server on $endpoint"
# Certificates requested from the emulated ACM are issued at once.
# AWS-managed IAM policies (RDS Enhanced Monitoring's) exist only when loaded.
MOTO_ACM_VALIDATION_WAIT=0 MOTO_IAM_LOAD_MANAGED_POLICIES=true moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 100); do
  "$python" -c "import urllib.request; urllib.request.urlopen('$endpoint/moto-api/')" 2>/dev/null && break
  kill -0 "$moto_pid" 2>/dev/null || { cat "$work/moto.log" >&2; exit 1; }
  sleep 0.2
done

export AWS_ACCESS_KEY_ID=emulator AWS_SECRET_ACCESS_KEY=emulator AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL=$endpoint

# --- Configuration under test ----------------------------------------------------
cp -r "$TF_DIR" "$work/terraform"
find "$work/terraform" -name .terraform -prune -exec rm -rf {} +
env_dir="$work/terraform/environments/dev"
services="acm applicationautoscaling cloudfront cloudwatch ec2 ecr ecs elbv2 iam kms logs rds route53 s3 secretsmanager servicediscovery sns ssm sts"
# skip_requesting_account_id is left off on purpose: moto answers STS, and without
# the account id the provider writes rules that reference a security group as
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
      echo "    $service = \"$endpoint\""
    done
    echo '  }'
    echo '}'
  done
} >"$env_dir/emulator_override.tf"
prod_dir="$work/terraform/environments/prod"
cp "$env_dir/emulator_override.tf" "$prod_dir/"
# moto implements no tagging API for Application Auto Scaling, and the provider tags
# (default_tags) and reads the tags of every scalable target, so creating one fails.
# Auto scaling is the one feature the dev apply leaves out; the prod plan (which
# creates nothing) keeps it.
cat >>"$env_dir/emulator_override.tf" <<'HCL'
module "platform" {
  autoscaling_enabled = false
}
HCL

# Attributes moto accepts but does not return, so every plan would show them as
# changes although AWS keeps them. Each is ignored in the emulator copy only, is
# listed in the summary, and was confirmed against moto 5.2.5 by hand (set it, read
# it back, it is missing). Anything not listed here must round-trip.
moto_gaps=()
moto_gap() {
  local module=$1 address=$2 attributes=$3 why=$4
  local type=${address%.*} name=${address#*.}
  cat >>"$work/terraform/modules/$module/emulator_override.tf" <<HCL
resource "$type" "$name" {
  lifecycle {
    ignore_changes = [$attributes]
  }
}
HCL
  moto_gaps+=("$module/$address [$attributes]: $why")
}
for rule in ingress_rule.alb_from_cloudfront ingress_rule.tasks_from_alb ingress_rule.api_from_site \
  ingress_rule.database_from_api egress_rule.alb_to_tasks egress_rule.site_to_api egress_rule.api_to_database; do
  moto_gap security_groups "aws_vpc_security_group_$rule" description \
    "DescribeSecurityGroupRules drops the description of rules whose source is a group or prefix list"
done
# desired_count is ignored in the real configuration too (auto scaling owns it).
moto_gap ecs_service aws_ecs_service.this "desired_count, health_check_grace_period_seconds, availability_zone_rebalancing" \
  "the service model stores neither the grace period nor AZ rebalancing"
moto_gap database aws_db_instance.this "performance_insights_enabled, performance_insights_kms_key_id, performance_insights_retention_period" \
  "Performance Insights settings are not stored"
moto_gap database aws_db_parameter_group.this "parameter" \
  "DescribeDBParameters returns no Source field, so the provider sees no user-set parameters"
moto_gap cdn aws_cloudfront_distribution.this "default_cache_behavior[0].forwarded_values, ordered_cache_behavior[0].forwarded_values, viewer_certificate[0].ssl_support_method" \
  "legacy forwarded_values and an SNI method are returned although the config uses cache policies and the default certificate"

cat >"$env_dir/emulator.auto.tfvars" <<'VARS'
github_repository = "example/folio"
contact_to        = "hello@example.com"
contact_from      = "folio-dev@example.com"
alarm_email       = "ops@example.com"
mail_enabled      = true
monitoring_cidr   = "10.20.200.0/24"
VARS
# Exercises the write-only path of the SMTP_URL secret.
export TF_VAR_smtp_url="smtp://folio:emulator-password@mail.example.com:587"

tf() { terraform -chdir="$env_dir" "$@"; }

# plan_is_empty LABEL: plan with -detailed-exitcode; print the plan when it is not empty.
plan_is_empty() {
  local label=$1 code=0
  tf plan -input=false -no-color -detailed-exitcode -lock=false >"$work/plan.log" 2>&1 || code=$?
  if [ "$code" -eq 0 ]; then
    say "$label: no changes"
    return 0
  fi
  cat "$work/plan.log" >&2
  printf '!!! %s: plan exit code %s (0 = no changes, 2 = changes, 1 = error)\n' "$label" "$code" >&2
  return 1
}

results=()
failed=0
record() {
  results+=("$1: $2")
  [ "$2" = ok ] || failed=1
}

say "terraform init (local backend, provider mirror)"
tf init -input=false -no-color >"$work/init.log" || { cat "$work/init.log" >&2; exit 1; }

say "terraform apply (dev)"
apply_started=$SECONDS
if tf apply -input=false -no-color -auto-approve >"$work/apply.log" 2>&1; then
  # Managed resources only; data sources are in the state list too.
  resource_count=$(tf state list | grep -cvE '(^|\.)data\.')
  record "apply dev ($resource_count managed resources, $((SECONDS - apply_started)) s)" ok
else
  tail -60 "$work/apply.log" >&2
  record "apply dev" FAILED
  printf '%s\n' "${results[@]}"
  exit 1
fi

if plan_is_empty "plan after apply"; then record "plan after apply is empty" ok; else record "plan after apply is empty" FAILED; fi

say "write-only secrets stay out of state"
tf state pull >"$work/state.json"
if "$python" - "$work/state.json" <<'PY'; then
import os
import sys
import boto3

state = open(sys.argv[1]).read()
secrets = boto3.client("secretsmanager")
for entry in secrets.list_secrets()["SecretList"]:
    if entry["Name"].endswith(("/admin-token", "/smtp-url")):
        value = secrets.get_secret_value(SecretId=entry["ARN"])["SecretString"]
        assert value, f"{entry['Name']} has no value"
        assert value not in state, f"the value of {entry['Name']} is in the state"
        print(f"  {entry['Name']}: set ({len(value)} characters), not in state")
assert os.environ["TF_VAR_smtp_url"] not in state
PY
  record "ADMIN_TOKEN and SMTP_URL set but absent from state" ok
else
  record "ADMIN_TOKEN and SMTP_URL set but absent from state" FAILED
fi

say "pipeline deploy: infra/deploy/deploy.py with a new tag"
tag=deadbeef$RANDOM
cluster=$(tf output -raw cluster_name)
mapfile -t deployed_services < <(tf output -json service_names | "$python" -c 'import json, sys; print("\n".join(json.load(sys.stdin).values()))')
parameter=$(tf output -raw image_tag_parameter)
service_args=()
for service in "${deployed_services[@]}"; do service_args+=(--service "$service"); done
if "$python" "$INFRA_DIR/deploy/deploy.py" --cluster "$cluster" "${service_args[@]}" \
  --tag-parameter "$parameter" --tag "$tag" >"$work/deploy.log" 2>&1 &&
  "$python" - "$cluster" "$tag" "${deployed_services[@]}" <<'PY'; then
import sys
import boto3

cluster, tag, services = sys.argv[1], sys.argv[2], sys.argv[3:]
ecs = boto3.client("ecs")
for service in ecs.describe_services(cluster=cluster, services=services)["services"]:
    arn = service["taskDefinition"]
    image = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]["containerDefinitions"][0]["image"]
    assert image.endswith(":" + tag), f"{service['serviceName']} runs {image}, expected tag {tag}"
    assert not arn.endswith(":1"), f"{service['serviceName']} still on its first revision"
    print(f"  {service['serviceName']} -> {arn.split('/')[-1]} ({image.split('/')[-1]})")
PY
  record "deploy registered new revisions with tag $tag" ok
else
  cat "$work/deploy.log" >&2
  record "deploy" FAILED
fi

if plan_is_empty "plan after deploy"; then record "plan after deploy is empty" ok; else record "plan after deploy is empty" FAILED; fi

# Control: the empty plan must come from reading the deployed tag, not from a plan
# that cannot see the new revision. Without the SSM record Terraform falls back to
# initial_image_tag and must want new task definitions.
say "control: without the recorded tag the plan must change both task definitions"
"$python" -c "import boto3, sys; boto3.client('ssm').delete_parameter(Name=sys.argv[1])" "$parameter"
code=0
tf plan -input=false -no-color -detailed-exitcode -lock=false >"$work/control.log" 2>&1 || code=$?
changed=$(grep -c 'aws_ecs_task_definition.this must be replaced' "$work/control.log" || true)
if [ "$code" -eq 2 ] && [ "$changed" -eq 2 ]; then
  record "control plan without the recorded tag replaces 2 task definitions" ok
else
  cat "$work/control.log" >&2
  record "control plan without the recorded tag (exit $code, $changed task definitions)" FAILED
fi
"$python" -c "import boto3, sys; boto3.client('ssm').put_parameter(Name=sys.argv[1], Value=sys.argv[2], Type='String')" "$parameter" "$tag"

# Prod is not applied (same modules, bigger and slower), but a plan exercises the
# paths dev leaves off: custom domain and ACM certificate, HTTPS origin, NAT per AZ,
# Multi-AZ database, an existing OIDC provider, auto scaling. It only reads from the emulator, so it
# runs while dev is destroyed.
say "plan prod with every option set (in the background)"
cat >"$prod_dir/emulator.auto.tfvars" <<'VARS'
github_repository                 = "example/folio"
contact_to                        = "hello@example.com"
contact_from                      = "folio@example.com"
alarm_email                       = "ops@example.com"
mail_enabled                      = true
domain_name                       = "folio.example.com"
route53_zone_id                   = "Z0123456789EXAMPLE"
alb_certificate_arn               = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
origin_domain_name                = "origin.folio.example.com"
existing_github_oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
monitoring_security_group_id      = "sg-0123456789abcdef0"
VARS
(terraform -chdir="$prod_dir" init -input=false -no-color >"$work/prod-init.log" 2>&1 &&
  terraform -chdir="$prod_dir" plan -input=false -no-color -lock=false -out="$work/prod.plan" >"$work/prod-plan.log" 2>&1) &
prod_plan_pid=$!

say "terraform destroy"
# The last plan refreshed everything; a second refresh would only cost time.
if tf destroy -input=false -no-color -auto-approve -refresh=false >"$work/destroy.log" 2>&1; then
  record "destroy" ok
else
  tail -40 "$work/destroy.log" >&2
  record "destroy" FAILED
fi

if wait "$prod_plan_pid"; then
  record "plan prod ($(grep -E '^Plan: ' "$work/prod-plan.log"))" ok
else
  tail -40 "$work/prod-init.log" "$work/prod-plan.log" >&2
  record "plan prod" FAILED
fi

say "summary (emulator test took $((SECONDS - started)) s)"
printf '  not applied in the emulator: Application Auto Scaling (moto cannot tag scalable targets; prod plans it)\n'
printf '  attributes ignored in the emulator copy only (moto does not return them):\n'
printf '    %s\n' "${moto_gaps[@]}"
passed=0
for line in "${results[@]}"; do
  printf '  %s\n' "$line"
  case $line in *": ok") passed=$((passed + 1)) ;; esac
done
printf '%d passed, %d failed\n' "$passed" "$((${#results[@]} - passed))"
exit "$failed"
