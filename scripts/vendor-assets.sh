#!/usr/bin/env bash
# Re-vendors the front-end assets embedded in the binary, from npm packages.
# The files are committed, so builds and pages never need the network.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent @fontsource/ibm-plex-sans-arabic@5.3.0 >/dev/null && tar xzf ./*.tgz)
for subset in arabic latin; do
  for weight in 400 700; do
    cp "$tmp/package/files/ibm-plex-sans-arabic-$subset-$weight-normal.woff2" crates/web/assets/fonts/
  done
done
cp "$tmp/package/LICENSE" crates/web/assets/fonts/LICENSE
echo "fonts vendored into crates/web/assets/fonts"
# Leaflet draws the report maps: boundaries and points need no tile server.
# Only the script, the stylesheet and the licence are kept (the maps use
# circle markers, so Leaflet's marker images are not needed).
(cd "$tmp" && rm -rf package ./*.tgz && npm pack --silent leaflet@1.9.4 >/dev/null && tar xzf ./*.tgz)
mkdir -p crates/web/assets/leaflet
cp "$tmp/package/dist/leaflet.js" "$tmp/package/dist/leaflet.css" crates/web/assets/leaflet/
cp "$tmp/package/LICENSE" crates/web/assets/leaflet/LICENSE
echo "Leaflet vendored into crates/web/assets/leaflet"
