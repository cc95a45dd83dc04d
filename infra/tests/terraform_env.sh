# Shared by the infra test scripts. Source it after scripts/lib.sh.
#
# Terraform must install the AWS provider from the local mirror only (no registry
# access here or in CI), so each run writes its own CLI configuration into a
# temporary directory and points Terraform at it.

INFRA_DIR="$FOLIO_ROOT/infra"
TF_DIR="$INFRA_DIR/terraform"
TF_PLUGIN_MIRROR=${TF_PLUGIN_MIRROR:-/opt/tf-plugins}

# Every Terraform root: the environments and the state bootstrap.
TF_ROOTS=(environments/dev environments/prod environments/personal bootstrap)

# use_plugin_mirror DIR: write a CLI config under DIR and export it.
use_plugin_mirror() {
  local dir=$1
  if [ ! -d "$TF_PLUGIN_MIRROR/registry.terraform.io/hashicorp/aws" ]; then
    printf '!!! No AWS provider under %s (set TF_PLUGIN_MIRROR).\n' "$TF_PLUGIN_MIRROR" >&2
    return 1
  fi
  cat >"$dir/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$TF_PLUGIN_MIRROR"
    include = ["registry.terraform.io/*/*"]
  }
}
RC
  export TF_CLI_CONFIG_FILE="$dir/terraformrc"
  export TF_IN_AUTOMATION=1
  export CHECKPOINT_DISABLE=1
  # One download of the provider per run, shared by every root.
  export TF_PLUGIN_CACHE_DIR="$dir/plugin-cache"
  mkdir -p "$TF_PLUGIN_CACHE_DIR"
}
