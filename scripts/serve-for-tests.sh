# Starts `folio serve` on a free port with a fresh SQLite database and an admin token, for the
# browser tests and Lighthouse. Source it; it sets BASE_URL, ADMIN_TOKEN and FOLIO_PID, and
# stops the server on exit. Needs lib.sh sourced first, and the binary path in FOLIO_BIN.

serve_dir=$(mktemp -d /tmp/folio-serve.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ADMIN_TOKEN=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
BASE_URL="http://127.0.0.1:$port"
export ADMIN_TOKEN BASE_URL
APP_ENV=test ALLOW_DEMO_CONTENT=true HOST=127.0.0.1 PORT=$port LOG_FORMAT=json PUBLIC_BASE_URL="$BASE_URL" \
  DATABASE_URL="sqlite://$serve_dir/folio.db" "$FOLIO_BIN" serve >"$serve_dir/folio.log" 2>&1 &
FOLIO_PID=$!
stop_folio() { kill "$FOLIO_PID" 2>/dev/null; wait "$FOLIO_PID" 2>/dev/null; rm -rf "$serve_dir"; }
trap stop_folio EXIT
for _ in $(seq 1 100); do
  curl -fsS "$BASE_URL/api/health" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "$BASE_URL/api/health" >/dev/null || { cat "$serve_dir/folio.log" >&2; echo "folio did not start" >&2; exit 1; }
