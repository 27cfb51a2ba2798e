#!/usr/bin/env bash
# Checks the API against its OpenAPI document with schemathesis (PyPI), the
# way its clients use it: the real binary serving the demo on a free port,
# once anonymous and once signed in as an administrator (DELETE left out, so
# the run keeps its own token), every check on. Fails on any 5xx, any
# undocumented status or content type, any answer off its schema, any
# schema-violating request accepted. One worker: with two, threads race in
# hypothesis's lambda cache (an error of the tool, not of the API).
#
#   scripts/contract-check.sh BINARY [DATABASE_URL] [SECONDS_PER_RUN]
#
# Without SECONDS_PER_RUN the runs are repeatable: a fixed seed and a fixed
# number of examples, no time budget (what CI runs, so that a green run stays
# green). With it, fuzzing goes on until the time is spent (deeper, for
# local hunting).
# DATABASE_URL defaults to a fresh SQLite file; for PostgreSQL give a
# database whose schema may be replaced (the script resets `public`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=$(realpath "$1")
database=${2:-}
seconds=${3:-}
work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
if [ -z "$database" ]; then
  database="sqlite://$work/contract.db"
else
  psql "$database" -qc "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
(cd "$here/.." && BALADIYA_LOG=warn exec "$binary" serve --demo --database "$database" --listen "127.0.0.1:$port" \
  --data-dir "$work/data" --catalog catalog >"$work/server.log" 2>&1) &
server=$!
for _ in $(seq 1 60); do curl -sf "$base/healthz" >/dev/null && break; sleep 1; done
curl -sf "$base/healthz" >/dev/null || { cat "$work/server.log"; exit 1; }
token=$(curl -sf -X POST -H 'content-type: application/json' \
  -d '{"username":"eg.admin","password":"baladiya-demo"}' "$base/api/v1/auth/token" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
run() {
  st --config-file "$here/schemathesis.toml" run "$base/api/v1/openapi.json" \
    --checks all --phases examples,coverage,fuzzing --max-examples 100 \
    ${seconds:+--max-time "$seconds"} --workers 1 --seed 1 "$@"
}
echo "-- anonymous ($database)"
run
echo "-- signed in as eg.admin ($database)"
run -H "Authorization: Bearer $token" --exclude-method DELETE
