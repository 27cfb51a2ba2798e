#!/usr/bin/env bash
# Profiles the server's request paths with valgrind's callgrind (instruction
# counts: stable on a shared machine, unlike timings), one phase at a time:
# Open311 submissions, one-stop-shop applications (multipart, two files), an Open311
# search answering up to 1,000 requests over the demo's data.
#
# Usage: scripts/profile-callgrind.sh [BINARY] [OUT_DIR]
#   BINARY   default target/release/baladiya (build with cargo build --release)
#   OUT_DIR  default /tmp/baladiya-profile: callgrind.*.out and *.txt summaries
set -euo pipefail
bin="$(realpath "${1:-${CARGO_TARGET_DIR:-target}/release/baladiya}")"
out="$(mkdir -p "${2:-/tmp/baladiya-profile}" && realpath "${2:-/tmp/baladiya-profile}")"
catalog="$(realpath "$(dirname "$0")/../catalog")"
work="$(mktemp -d)"
cd "$work"
printf 'mqtt_listen = "off"\n[limits]\nsubmissions_per_client = 100000\n' > baladiya.toml
export BALADIYA_CONFIG="$work/baladiya.toml" RUST_LOG=warn

echo "== a demo database in $work"
"$bin" serve --demo --listen 127.0.0.1:0 --catalog "$catalog" > demo.log 2>&1 &
demo=$!
until grep -q "Baladiya is serving on" demo.log; do sleep 0.2; done
kill -TERM "$demo"; wait "$demo" || true
key="$("$bin" admin api-key --name profile --per-minute 10000 | sed 's/.*: //')"

echo "== the server under callgrind"
valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.%p.out" \
  --dump-instr=no --instr-atstart=no \
  "$bin" serve --listen 127.0.0.1:0 --catalog "$catalog" > serve.log 2>&1 &
server=$!
until grep -q "Baladiya is serving on" serve.log; do sleep 0.5; done
base="$(grep -oE 'http://127\.0\.0\.1:[0-9]+' serve.log | head -n 1)"
echo "   serving on $base (pid $server)"
# The start's background work (the indicators' first refresh) is left to
# finish outside the measured phases.
sleep "${PROFILE_SETTLE_SECONDS:-45}"

phase() { # name, then the load as a python snippet
  local name="$1" load="$2"
  callgrind_control -i on "$server" > /dev/null
  python3 - "$base" "$key" <<PY
import sys, urllib.request, urllib.parse, json
base, key = sys.argv[1], sys.argv[2]
$load
PY
  callgrind_control -i off "$server" > /dev/null
  callgrind_control -d "$name" "$server" > /dev/null
  echo "   $name done"
}

phase open311-submissions '
for i in range(200):
    body = urllib.parse.urlencode({"api_key": key, "service_code": "street-lighting",
        "lat": f"{29.86 + (i % 100) * 0.0005:.6f}", "long": "31.25",
        "attribute[problem]": "off", "description": "عمود إنارة مطفأ (قياس)",
        "email": "bench@example.com"}).encode()
    with urllib.request.urlopen(urllib.request.Request(f"{base}/open311/v2/requests.json", data=body)) as r:
        assert r.status in (200, 201), r.status
'
phase shop-submissions '
pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
def multipart(fields, files):
    b = "profile-boundary"
    out = []
    for k, v in fields:
        out.append(f"--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode())
    for k, name, data in files:
        out.append(f"--{b}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    out.append(f"--{b}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={b}"
for i in range(50):
    body, kind = multipart(
        [("service", "EG-SHOP-LICENSE-RENEWAL"), ("unit", "EG-GZ-BDR"),
         ("applicant_name", "محمد أحمد عبد الله"), ("applicant_id", "28503122100453"),
         ("applicant_phone", "01012345678"), ("field.license_number", f"BDR/2019/{i}"),
         ("field.address", "البدرشين")],
        [("document.national-id-copy", "id.png", png), ("document.current-license", "license.pdf", pdf)])
    req = urllib.request.Request(f"{base}/api/v1/applications", data=body, headers={"Content-Type": kind})
    with urllib.request.urlopen(req) as r:
        assert r.status == 201, r.status
'
phase open311-search '
for i in range(20):
    with urllib.request.urlopen(f"{base}/open311/v2/requests.json?page_size=1000") as r:
        assert r.status == 200
        r.read()
'
phase trivial-handler '
for i in range(200):
    with urllib.request.urlopen(f"{base}/healthz") as r:
        r.read()
'
kill -TERM "$server"; wait "$server" || true

for f in "$out"/callgrind.*.out.[0-9]; do
  callgrind_annotate --inclusive=yes "$f" > "$f.inclusive.txt" 2>/dev/null || true
  callgrind_annotate "$f" > "$f.self.txt" 2>/dev/null || true
done
ls -1 "$out"
rm -rf "$work"
