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
# Only the script, the stylesheet and the licence are kept (the maps draw
# their pins as HTML, so Leaflet's marker images are not needed).
(cd "$tmp" && rm -rf package ./*.tgz && npm pack --silent leaflet@1.9.4 >/dev/null && tar xzf ./*.tgz)
mkdir -p crates/web/assets/leaflet
cp "$tmp/package/dist/leaflet.js" "$tmp/package/dist/leaflet.css" crates/web/assets/leaflet/
cp "$tmp/package/LICENSE" crates/web/assets/leaflet/LICENSE
echo "Leaflet vendored into crates/web/assets/leaflet"
# MapLibre GL renders a deployment's own vector base map (map_tiles_file)
# inside Leaflet, through the MapLibre-Leaflet binding. The CSP build runs
# its worker from /assets, so the pages keep "default-src 'self'".
(cd "$tmp" && rm -rf package ./*.tgz && npm pack --silent maplibre-gl@5.24.1 >/dev/null && tar xzf ./*.tgz)
mkdir -p crates/web/assets/maplibre
cp "$tmp/package/dist/maplibre-gl-csp.js" "$tmp/package/dist/maplibre-gl-csp-worker.js" \
  "$tmp/package/dist/maplibre-gl.css" "$tmp/package/LICENSE.txt" crates/web/assets/maplibre/
(cd "$tmp" && rm -rf package ./*.tgz && npm pack --silent @maplibre/maplibre-gl-leaflet@0.1.4 >/dev/null && tar xzf ./*.tgz)
cp "$tmp/package/leaflet-maplibre-gl.js" crates/web/assets/leaflet/
cp "$tmp/package/LICENSE" crates/web/assets/leaflet/LICENSE-maplibre-gl-leaflet
echo "MapLibre GL vendored into crates/web/assets/maplibre"
