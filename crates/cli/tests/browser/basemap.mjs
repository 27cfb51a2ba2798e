// A citizen reports on a phone over the deployment's own vector base map:
// MapLibre GL draws the local tiles (no request leaves the machine), the
// unit outlines and pins stay on top, the page passes axe and reflows.
// Usage: node basemap.mjs BASE_URL ARTIFACT_DIR
import { check, launch, arabicPage, inspect } from './lib.mjs';

const [base, artifacts] = process.argv.slice(2);
const outside = [];
const browser = await launch(artifacts);
try {
  const citizen = await arabicPage(browser, base, outside, 390);
  const tiles = [];
  const failed = [];
  citizen.on('response', (r) => {
    if (r.url().includes('/tiles/')) tiles.push(`${r.status()} ${new URL(r.url()).pathname}`);
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  const errors = [];
  citizen.on('pageerror', (e) => errors.push(e.message));
  citizen.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  await citizen.goto(`${base}/reports/new`);
  await citizen.locator('.leaflet-interactive').first().waitFor();
  await citizen.getByLabel('انتقل إلى').selectOption('EG-GZ-BDR');
  for (let i = 0; i < 50 && !tiles.includes('200 /tiles/0/0/0.pbf'); i++) await citizen.waitForTimeout(200);
  check(tiles.includes('200 /tiles/style.json'), `style not loaded: ${tiles.join(', ')}`);
  check(tiles.includes('200 /tiles/0/0/0.pbf'), `tile not loaded: ${tiles.join(', ')}`);
  check(errors.length === 0 && failed.length === 0, `page errors: ${errors.join('; ')} ${failed.join(', ')}`);
  // MapLibre drew into its WebGL canvas, under Leaflet's outlines.
  const drawn = await citizen.evaluate(() => {
    const canvas = document.querySelector('#report-map canvas.maplibregl-canvas, #report-map canvas');
    return Boolean(canvas && (canvas.getContext('webgl2') || canvas.getContext('webgl')));
  });
  check(drawn, 'MapLibre has no WebGL canvas');
  // A landmark from the same list moves the map there and places the report.
  await citizen.getByLabel('انتقل إلى').selectOption({ label: 'هرم زوسر المدرج' });
  check(await citizen.getByLabel('خط العرض').inputValue() === '29.871300', 'the landmark did not place the report');
  await inspect(citizen, artifacts, 'basemap-report-new-ar');
  check(outside.length === 0, `requests left the machine: ${outside.join(', ')}`);
  console.log(`browser: base map drawn from ${tiles.length} local tile requests`);
} finally {
  await browser.close();
}
