// A citizen reports a dark street light on the map in Arabic with a photo;
// the engineering officer resolves it; the citizen sees it resolved and
// confirms; the public map and the unit head's heat map show it.
// Usage: node report-on-the-map.mjs BASE_URL ARTIFACT_DIR
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { check, launch, arabicPage, inspect, signIn } from './lib.mjs';

const [base, artifacts] = process.argv.slice(2);

// A 1×1 JPEG carrying an EXIF segment with a GPS position and a phone model.
const jpeg = Buffer.from(
  'ffd8ffe000104a46494600010100000100010000' +
  'ffe1002c' + Buffer.from('Exif\0\0GPSLatitude 29.86 Samsung SM-A515F\0\0\0\0').toString('hex') +
  'ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432' +
  'ffc0000b080001000101011100' +
  'ffc4001f0000010501010101010100000000000000000102030405060708090a0b' +
  'ffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa' +
  'ffda0008010100003f00fbd3ffd9', 'hex');
const photo = join(tmpdir(), 'baladiya-street-light.jpg');
writeFileSync(photo, jpeg);

const outside = [];
const browser = await launch(artifacts);
try {
  // The citizen and the neighbour are on phones; their pages must reflow
  // and pass axe-core.
  const citizen = await arabicPage(browser, base, outside, 390);
  await citizen.goto(`${base}/reports/new`);
  check(await citizen.getAttribute('html', 'dir') === 'rtl', 'report form is not right-to-left');
  await citizen.getByLabel('نوع المشكلة').selectOption({ label: 'إنارة الشوارع' });
  await citizen.getByLabel('ما المشكلة؟').selectOption({ label: 'مطفأ' });
  // Zoom to Badrashin, then tap the middle of the map.
  await citizen.locator('.leaflet-interactive').first().waitFor();
  await citizen.getByLabel('انتقل إلى').selectOption('EG-GZ-BDR');
  await citizen.waitForTimeout(600);
  const map = citizen.locator('#report-map');
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  await citizen.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const lat = Number(await citizen.getByLabel('خط العرض').inputValue());
  const lon = Number(await citizen.getByLabel('خط الطول').inputValue());
  check(lat > 29.78 && lat < 29.94 && lon > 31.15 && lon < 31.34, `the tap did not land in Badrashin: ${lat}, ${lon}`);
  await citizen.getByLabel('وصف المشكلة (اختياري)').fill('العمود المقابل لمدرسة البدرشين الإعدادية مطفأ منذ ثلاثة أيام');
  await citizen.getByLabel('صورة (اختياري)').setInputFiles(photo);
  await citizen.getByLabel('البريد الإلكتروني (اختياري)').fill('citizen@example.com');
  await inspect(citizen, artifacts, 'report-new-ar');
  await citizen.getByRole('button', { name: 'أرسل البلاغ' }).click();
  await citizen.getByRole('heading', { name: 'تم استلام البلاغ' }).waitFor();
  const number = (await citizen.locator('.tracking-number').textContent()).trim().replace('#', '');
  const privateLink = await citizen.locator('#private-link').getAttribute('href');
  check(privateLink.startsWith(`/reports/`) && privateLink.includes('?key='), `odd private link ${privateLink}`);
  check(/^\d+$/.test(number), `odd report number ${number}`);
  await inspect(citizen, artifacts, 'report-received-ar');

  // The photo kept is the picture without its metadata.
  const stored = await (await citizen.request.get(`${base}/reports/${number}/photo`)).body();
  check(stored.length > 100 && !stored.includes('GPSLatitude') && !stored.includes('Samsung'), 'photo metadata was kept');

  // A neighbour about to report the same light is shown the open report first.
  const neighbour = await arabicPage(browser, base, outside, 320);
  await neighbour.goto(`${base}/reports/new`);
  await neighbour.locator('.leaflet-interactive').first().waitFor();
  await neighbour.getByLabel('نوع المشكلة').selectOption({ label: 'إنارة الشوارع' });
  await neighbour.getByLabel('انتقل إلى').selectOption('EG-GZ-BDR');
  await neighbour.waitForTimeout(300);
  await neighbour.locator('#report-map').scrollIntoViewIfNeeded();
  const again = await neighbour.locator('#report-map').boundingBox();
  await neighbour.mouse.click(again.x + again.width / 2 + 1, again.y + again.height / 2);
  await neighbour.locator('#nearby').waitFor({ state: 'visible' });
  check(await neighbour.locator('#nearby').getByRole('link', { name: `#${number}` }).count() === 1,
    'the open report nearby is not offered');
  await inspect(neighbour, artifacts, 'report-nearby-ar');

  // The engineering officer finds it in the reports inbox and resolves it.
  const officer = await arabicPage(browser, base, outside);
  await signIn(officer, base, 'eg.officer');
  await officer.getByRole('link', { name: 'بلاغات المواطنين' }).first().click();
  await officer.getByRole('link', { name: `#${number}` }).click();
  check((await officer.locator('body').textContent()).includes('citizen@example.com'), 'staff do not see the reporter');
  await officer.getByRole('button', { name: 'استلام' }).click();
  await officer.getByLabel('ملاحظة معلنة').fill('تم تغيير المصباح وإعادة التيار');
  await officer.getByRole('button', { name: 'تم الحل' }).click();
  await officer.locator('.tag.report-resolved').waitFor();
  await officer.screenshot({ path: join(artifacts, 'report-staff-resolved-ar.png'), fullPage: true });

  // Anyone sees it resolved; only the private link offers the confirmation.
  await citizen.goto(`${base}/reports/${number}`);
  check(await citizen.getByRole('button', { name: 'نعم، تم الحل' }).count() === 0, 'confirmation offered without the private link');
  // The citizen opens their private link, sees it resolved with the note, and confirms.
  await citizen.goto(`${base}${privateLink}`);
  const page = await citizen.locator('main').textContent();
  check(page.includes('تم الحل') && page.includes('تم تغيير المصباح'), 'the citizen does not see the resolution');
  check(!page.includes('citizen@example.com'), 'the reporter\'s e-mail is public');
  await citizen.locator('img.report-photo').waitFor();
  await citizen.getByRole('button', { name: 'نعم، تم الحل' }).click();
  await citizen.getByRole('status').waitFor();
  check((await citizen.getByRole('status').textContent()).includes('شكرًا لتأكيدك الحل'), 'no confirmation notice');
  await inspect(citizen, artifacts, 'report-resolved-ar');

  // The public map draws the boundaries and the report; the list works without scripts.
  await citizen.goto(`${base}/reports?unit=EG-GZ-BDR`);
  // The resolved report's pin carries the resolved symbol and names its
  // status in Arabic; the key under the map says the same; the zoom
  // buttons speak Arabic.
  const pin = citizen.locator('.leaflet-marker-icon.pin-resolved').first();
  await pin.waitFor();
  check((await pin.textContent()) === '✓', 'the pin has no symbol');
  check((await pin.getAttribute('title')) === 'تم الحل', `the pin says ${await pin.getAttribute('title')}`);
  check((await citizen.locator('ul.legend').textContent()).includes('✓ تم الحل'), 'no map key');
  check((await citizen.locator('.leaflet-control-zoom-in').getAttribute('title')) === 'تكبير', 'zoom button not in Arabic');
  check(await citizen.getByRole('link', { name: `#${number}` }).count() === 1, 'report not in the list');
  await inspect(citizen, artifacts, 'reports-map-ar');

  const head = await arabicPage(browser, base, outside);
  await signIn(head, base, 'eg.head');
  await head.goto(`${base}/staff/reports/overview`);
  await head.locator('svg.heatmap').first().waitFor();
  await head.screenshot({ path: join(artifacts, 'reports-overview-ar.png'), fullPage: true });

  check(outside.length === 0, `requests left the machine: ${outside.join(', ')}`);
} finally {
  await browser.close();
}
