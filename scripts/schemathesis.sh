#!/usr/bin/env bash
# Property-based testing of the running service from its own API description (schemathesis):
# installs schemathesis into a venv under /tmp if missing, starts the built service on a free loopback
# port with a key made for the run, runs every check against /openapi.json with that key, prints the
# summary (and keeps it in scripts/schemathesis-last.txt), and stops the service. What it expects of
# operations whose acceptance depends on the rules data is in scripts/schemathesis.toml.
#
#   scripts/schemathesis.sh                 # default budget
#   MAX_EXAMPLES=200 scripts/schemathesis.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
version="${SCHEMATHESIS_VERSION:-4.32.5}"
venv="${SCHEMATHESIS_VENV:-/tmp/credit-policy-schemathesis-venv}"
max_examples="${MAX_EXAMPLES:-100}"
work="$(mktemp -d /tmp/credit-policy-schemathesis.XXXXXX)"

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
  echo "installing schemathesis $version into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==$version"
fi

[ -f "$root/dist/server/main.js" ] || (cd "$root" && npx tsc -p .)

# A key for this run only, with every scope and no practical rate limit.
secret="$(node "$root/dist/cli/main.js" keys add schemathesis --scopes evaluate,read,admin --rate-limit 1000000 --file "$work/keys.json" 2>/dev/null)"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"

API_KEYS_FILE="$work/keys.json" HOST=127.0.0.1 PORT="$port" LOG_LEVEL=warn OPERATIONS_LOG="$work/operations.jsonl" \
  node "$root/dist/server/main.js" >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done

set +e
cd "$work"
"$venv/bin/schemathesis" --no-color --config-file "$root/scripts/schemathesis.toml" run "http://127.0.0.1:$port/openapi.json" \
  --header "Authorization: Bearer $secret" \
  --checks all \
  --max-examples "$max_examples" \
  --workers 4 \
  --request-timeout 30 \
  --generation-database none \
  --generation-with-security-parameters false \
  --seed "${SEED:-20181020}" 2>&1 | tee "$work/summary.txt"
status=${PIPESTATUS[0]}
set -e

{
  echo "# scripts/schemathesis.sh, schemathesis $version, max-examples $max_examples, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# exit status $status; server errors logged: $(grep -c '"level":50' "$work/server.log" || true)"
  sed -e "s/$secret/<key>/g" "$work/summary.txt"
} >"$root/scripts/schemathesis-last.txt"
echo "summary kept in scripts/schemathesis-last.txt (exit status $status)" >&2
exit "$status"
