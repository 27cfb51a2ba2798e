// An administrator follows the city's sensors in Arabic: the map of places
// with their latest readings, the town hall's leak, a meter's chart over a
// month, the alerts and their work items, then adds an alert rule.
// Usage: node sensors.mjs BASE_URL ARTIFACT_DIR
import { join } from 'node:path';
import { check, launch, arabicPage, signIn } from './lib.mjs';

const [base, artifacts] = process.argv.slice(2);
const browser = await launch(artifacts);
try {
  const outside = [];
  const page = await arabicPage(browser, base, outside);
  await signIn(page, base, 'eg.admin');
  await page.getByRole('link', { name: 'أجهزة الرصد', exact: true }).first().click();
  await page.waitForURL('**/sensors');
  check(await page.getAttribute('html', 'dir') === 'rtl', 'the sensors page is not right-to-left');
  check(await page.locator('svg.pin-map circle').count() >= 5, 'no places on the map');
  check(await page.locator('svg.pin-map circle[fill="#b42318"]').count() >= 1, 'no place with an alert');
  await page.screenshot({ path: join(artifacts, 'sensors-map-ar.png'), fullPage: true });

  // The town hall: its energy, water and the leak judged from its night flow.
  await page.getByRole('link', { name: 'مبنى مجلس مدينة البدرشين' }).first().click();
  await page.waitForURL('**/sensors/places/**');
  const hall = await page.textContent('main');
  check(hall.includes('تسرب محتمل'), 'the leak is not shown');
  check(hall.includes('kWh/m²'), 'no consumption per square metre');
  await page.screenshot({ path: join(artifacts, 'sensors-town-hall-ar.png'), fullPage: true });

  // Its water meter over a month.
  await page.getByRole('link', { name: 'المياه', exact: true }).first().click();
  await page.waitForURL('**/sensors/datastreams/**');
  await page.getByRole('link', { name: 'شهر' }).click();
  await page.waitForURL('**range=month');
  check(await page.locator('svg.line-chart').count() === 1, 'no chart');
  check(await page.locator('table tbody tr').count() >= 7, 'no days in the table');
  await page.screenshot({ path: join(artifacts, 'sensors-water-month-ar.png'), fullPage: true });

  // The alerts, each with its work item.
  await page.goto(`${base}/sensors/alerts`);
  const alerts = await page.textContent('main');
  check(alerts.includes('تدفق ليلي') && alerts.includes('لا قراءات'), 'the demo alerts are not listed');
  await page.locator('main table a[href^="/reports/"]').first().click();
  await page.waitForURL('**/reports/**');
  await page.screenshot({ path: join(artifacts, 'sensors-alert-report-ar.png'), fullPage: true });

  // A new rule: a wrong level is named in the summary; then saved.
  await page.goto(`${base}/staff/sensors`);
  await page.getByLabel('الحد', { exact: false }).first().fill('كثير');
  await page.getByRole('button', { name: 'أضف القاعدة' }).click();
  check((await page.textContent('main')).includes('threshold'), 'the wrong level is not named');
  await page.getByLabel('الحد', { exact: false }).first().fill('90');
  await page.getByRole('button', { name: 'أضف القاعدة' }).click();
  await page.waitForURL('**/staff/sensors?done=rule');
  check((await page.textContent('main')).includes('حُفظت القاعدة'), 'the rule is not confirmed');
  await page.screenshot({ path: join(artifacts, 'sensors-staff-ar.png'), fullPage: true });

  check(outside.length === 0, `requests left the machine: ${outside.join(', ')}`);
  console.log('browser: sensors passed');
} finally {
  await browser.close();
}
