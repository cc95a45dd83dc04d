# Shared helpers for Folio's shell scripts. Source it: `. "$(dirname "$0")/lib.sh"`.

# Repository root, whatever directory the caller runs from.
FOLIO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export FOLIO_ROOT

# Python tools live in the project's virtual environment when it exists.
if [ -d "$FOLIO_ROOT/.venv/bin" ]; then
  PATH="$FOLIO_ROOT/.venv/bin:$PATH"
fi

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Counted checks, for the scripts that run several and report them in one closing line.
# check NAME COMMAND...: runs COMMAND, counts it passed or failed, and keeps going.
# skip_checks: counts a group of checks skipped (a missing tool, reported by require_tool).
# checks_report: prints "N passed, N failed, N skipped" and fails when any check did.
checks_passed=0
checks_failed=0
checks_skipped=0
check() {
  local name=$1
  shift
  if "$@"; then
    checks_passed=$((checks_passed + 1))
  else
    printf '!!! FAILED: %s\n' "$name" >&2
    checks_failed=$((checks_failed + 1))
  fi
}
skip_checks() { checks_skipped=$((checks_skipped + 1)); }
checks_report() {
  printf '%d passed, %d failed, %d skipped\n' "$checks_passed" "$checks_failed" "$checks_skipped"
  [ "$checks_failed" -eq 0 ]
}

# require_tool NAME HINT: succeed when NAME is on PATH. Otherwise print a loud notice and
# fail under CI (CI=true), or return 1 so the caller can skip that part locally.
require_tool() {
  local name=$1 hint=$2
  if command -v "$name" >/dev/null 2>&1; then
    return 0
  fi
  printf '\n!!! MISSING TOOL: %s is not installed (%s).\n' "$name" "$hint" >&2
  if [ "${CI:-}" = "true" ]; then
    printf '!!! CI=true: a missing tool is a failure, not a skip.\n\n' >&2
    exit 1
  fi
  printf '!!! SKIPPING the checks that need it. Run scripts/setup to install it.\n\n' >&2
  return 1
}
