# Starts `folio serve` with a fresh SQLite database through the test kit's launcher (port 0,
# the test environment and its admin token, healthy before it returns), for the browser tests
# and Lighthouse. Source it; it sets BASE_URL, ADMIN_TOKEN and FOLIO_PID, and stops the server
# on exit. Needs lib.sh sourced first, and the binary path in FOLIO_BIN.

cargo build --quiet -p folio-testkit --bin launch
serve_dir=$(mktemp -d /tmp/folio-serve.XXXXXX)
# The browser tests send more contact messages and sign in more often from one address than one
# visitor or owner would in an hour: the limits are raised here (their own tests keep them).
launched=$(DATABASE_URL="sqlite://$serve_dir/folio.db" CONTACT_RATE_LIMIT_PER_HOUR=50 ADMIN_SIGNIN_PER_HOUR=100 \
  "$FOLIO_ROOT/target/debug/launch" start --log "$serve_dir/folio.log" -- "$FOLIO_BIN" serve) ||
  { echo "folio did not start" >&2; exit 1; }
field() { python3 -c "import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$launched" "$1"; }
BASE_URL=$(field base)
FOLIO_PID=$(field pid)
ADMIN_TOKEN=$("$FOLIO_ROOT/target/debug/launch" env | python3 -c 'import json, sys; print(json.load(sys.stdin)["ADMIN_TOKEN"])')
export ADMIN_TOKEN BASE_URL
# Not this shell's child (the launcher started it), so `wait` cannot reap it: poll, bounded.
stop_folio() {
  kill "$FOLIO_PID" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$FOLIO_PID" 2>/dev/null || break; sleep 0.1; done
  rm -rf "$serve_dir"
}
trap stop_folio EXIT
