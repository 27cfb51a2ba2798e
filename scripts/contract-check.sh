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
#
# Operations that name one application or license (`/applications/{tracking}/…`,
# `/staff/applications/{tracking}`, `/track`, `/verify/{code}`) are given the
# demo's real ones, read from its database once it has started, so that they
# reach past "not found"; and a stateful phase follows the document's links.
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
# The demo's own tracking numbers, applicant and license code (a license
# issued now, as the Badrashin head would, so that one exists).
read -r open_tracking open_proof issued_tracking issued_proof code returned_tracking returned_proof < <(python3 - "$database" "$base" <<'PY'
import json, sqlite3, subprocess, sys, urllib.request
url, base = sys.argv[1], sys.argv[2] + "/api/v1"
def call(path, body=None, token=None):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"content-type": "application/json"})
    if token:
        request.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)
head = call("/auth/token", {"username": "eg.head", "password": "baladiya-demo"})["token"]
for item in call("/inbox", token=head)["items"]:
    step = call("/staff/applications/" + item["tracking_number"], token=head)["current_step"] or {}
    if step.get("kind") == "issuance" and "issue" in step.get("actions", []):
        call("/applications/%s/actions" % item["tracking_number"],
             {"action": "issue", "version": item["version"], "department": item["pending_departments"][0]}, head)
        break
def ask(sql):
    if url.startswith("sqlite://"):
        with sqlite3.connect(url[len("sqlite://"):]) as db:
            return list(db.execute(sql).fetchone())
    out = subprocess.run(["psql", url, "-qtAF", "\t", "-c", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip().split("\t")
print(" ".join(
    ask("SELECT tracking_number, applicant_id_number FROM applications WHERE status = 'in_progress' ORDER BY id LIMIT 1")
    + ask("SELECT a.tracking_number, a.applicant_id_number, i.verification_code FROM applications a "
          "JOIN issuances i ON i.application_id = a.id ORDER BY a.id LIMIT 1")
    + ask("SELECT tracking_number, applicant_id_number FROM applications WHERE status = 'returned' ORDER BY id LIMIT 1")))
PY
)
config="$work/schemathesis.toml"
cat "$here/schemathesis.toml" - >"$config" <<TOML

[parameters]
"path.tracking" = "$open_tracking"
"path.code" = "$code"
"body.tracking_number" = "$open_tracking"
"body.proof" = "$open_proof"

[[operations]]
include-path = "/applications/{tracking}/revoke"
parameters = { "path.tracking" = "$issued_tracking" }

[[operations]]
include-path = "/applications/{tracking}/rating"
parameters = { "path.tracking" = "$issued_tracking", "body.proof" = "$issued_proof" }

[[operations]]
include-path = "/applications/{tracking}/resubmit"
parameters = { "path.tracking" = "$returned_tracking", "body.proof" = "$returned_proof" }
TOML
token=$(curl -sf -X POST -H 'content-type: application/json' \
  -d '{"username":"eg.admin","password":"baladiya-demo"}' "$base/api/v1/auth/token" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
run() {
  st --config-file "$config" run "$base/api/v1/openapi.json" \
    --checks all --phases examples,coverage,fuzzing,stateful --max-examples 100 \
    ${seconds:+--max-time "$seconds"} --workers 1 --seed 1 "$@"
}
echo "-- anonymous ($database)"
run
echo "-- signed in as eg.admin ($database)"
run -H "Authorization: Bearer $token" --exclude-method DELETE
