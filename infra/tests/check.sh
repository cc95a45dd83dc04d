#!/usr/bin/env bash
# Static checks of the Terraform code: formatting, init from the provider mirror,
# validate of every root, checkov; plus the unit tests of the deploy script.
# Needs no AWS account and no emulator server.
# Usage: infra/tests/check.sh   (from any directory; exits non-zero on any failure)
set -euo pipefail

. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lib.sh"
. "$FOLIO_ROOT/infra/tests/terraform_env.sh"

started=$SECONDS

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if require_tool terraform "https://developer.hashicorp.com/terraform/install, 1.11+"; then
  use_plugin_mirror "$work"

  say "terraform fmt -check -recursive"
  check "terraform fmt" terraform -chdir="$TF_DIR" fmt -check -recursive -diff

  for root in "${TF_ROOTS[@]}"; do
    say "terraform init -backend=false + validate: $root"
    # The .terraform directory goes to the temp dir so the checkout stays clean and
    # a stale one can never mask a problem.
    export TF_DATA_DIR="$work/data/${root//\//_}"
    check "init $root" terraform -chdir="$TF_DIR/$root" init -backend=false -input=false -no-color >"$work/init.log" ||
      cat "$work/init.log" >&2
    check "validate $root" terraform -chdir="$TF_DIR/$root" validate -no-color
  done
  unset TF_DATA_DIR
else
  skip_checks
fi

if require_tool checkov "pip install -r requirements-dev.txt into .venv"; then
  say "checkov (every finding must be fixed or skipped in place with a reason)"
  check "checkov" checkov --directory "$TF_DIR" --framework terraform --quiet --compact \
    --skip-download --download-external-modules false
  say "checkov: every in-place skip has a reason"
  check "skip reasons" bash -c '! grep -rnE "#checkov:skip=[A-Z0-9_]+(:\s*)?$" "$0"' "$TF_DIR"
else
  skip_checks
fi

if require_tool pytest "pip install -r requirements-dev.txt into .venv"; then
  say "pytest infra/deploy (the pipeline's deploy step, against moto in-process)"
  check "deploy.py tests" env -u AWS_ENDPOINT_URL PYTHONDONTWRITEBYTECODE=1 AWS_DEFAULT_REGION=us-east-1 \
    AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
    pytest -q -p no:cacheprovider "$INFRA_DIR/deploy"
  say "pytest infra/costs (scripts/costs on synthetic plans)"
  check "costs tests" env PYTHONDONTWRITEBYTECODE=1 pytest -q -p no:cacheprovider "$INFRA_DIR/costs"
else
  skip_checks
fi

say "infra static checks took $((SECONDS - started)) s"
checks_report
