// A member of the improvement committee opens the process map of the
// building permit in Arabic, filters a unit, opens its worst bottleneck and
// reaches the applications behind it.
// Usage: node process-map.mjs BASE_URL ARTIFACT_DIR
import { join } from 'node:path';
import { audit, check, launch, arabicPage, signIn } from './lib.mjs';

const [base, artifacts] = process.argv.slice(2);
const browser = await launch(artifacts);
try {
  const outside = [];
  const page = await arabicPage(browser, base, outside);
  await signIn(page, base, 'eg.viewer');
  await page.getByRole('link', { name: 'تحليل الإجراءات' }).first().click();
  await page.waitForURL('**/staff/process');
  await page.getByLabel('الخدمة').selectOption({ label: 'ترخيص بناء أو تعلية' });
  await page.getByLabel('الوحدة', { exact: true }).selectOption({ label: 'مركز ومدينة البدرشين' });
  await page.getByRole('button', { name: 'عرض' }).click();
  await page.waitForURL('**/staff/process?service=EG-BUILDING-PERMIT&unit=EG-GZ-BDR**');
  check(await page.getAttribute('html', 'dir') === 'rtl', 'the page is not right-to-left');
  const boxes = await page.locator('svg.process-map rect').count();
  check(boxes >= 8, `the map has ${boxes} activities`);
  const map = await page.locator('svg.process-map').textContent();
  for (const step of ['تقديم الطلب', 'موافقات الإدارة الهندسية والحماية المدنية', 'المعاينة الميدانية للموقع']) {
    check(map.includes(step), `the map has no ${step}`);
  }
  const cases = Number((await page.locator('dl.figures dd').first().textContent()).trim());
  check(cases > 20, `only ${cases} applications in a year of Badrashin's building permits`);
  await audit(page, 'process map');
  await page.screenshot({ path: join(artifacts, 'process-map-ar.png'), fullPage: true });

  // The worst bottleneck: civil protection, slow in Badrashin.
  const first = page.locator('#bottlenecks + p + div table tbody tr').first();
  const department = await first.locator('td').nth(1).textContent();
  check(department.includes('الحماية المدنية'), `the worst bottleneck is ${department}`);
  const late = await first.getByRole('link').textContent();
  await first.getByRole('link').click();
  await page.waitForURL('**/staff/process/cases?**show=over_sla**');
  const count = await page.locator('#count').textContent();
  check(/\d/.test(count), `no count: ${count}`);
  const rows = await page.locator('tbody tr').count();
  check(rows > 0, `no application behind ${late}`);
  await audit(page, 'cases behind a bottleneck');
  await page.screenshot({ path: join(artifacts, 'process-cases-ar.png'), fullPage: true });
  const tracking = await page.locator('tbody tr a').first().textContent();
  await page.locator('tbody tr a').first().click();
  await page.waitForURL(`**/staff/applications/${tracking}`);
  check((await page.textContent('main')).includes(tracking), 'not the application');
  await page.screenshot({ path: join(artifacts, 'process-case-ar.png'), fullPage: true });

  check(outside.length === 0, `requests left the machine: ${outside.join(', ')}`);
  console.log('browser: process map passed');
} finally {
  await browser.close();
}
