// A governorate viewer opens the smart-city scorecard in Arabic, follows an
// indicator to its map and drills down from the governorate to a village.
// Usage: node indicators-drill-down.mjs BASE_URL ARTIFACT_DIR
import { join } from 'node:path';
import { check, launch, arabicPage, signIn } from './lib.mjs';

const [base, artifacts] = process.argv.slice(2);
const browser = await launch(artifacts);
try {
  const outside = [];
  const page = await arabicPage(browser, base, outside);
  await signIn(page, base, 'eg.viewer');
  await page.getByRole('link', { name: 'المؤشرات' }).first().click();
  await page.waitForURL('**/indicators');
  check(await page.getAttribute('html', 'dir') === 'rtl', 'scorecard is not right-to-left');
  await page.getByRole('link', { name: 'محافظة الجيزة' }).first().click();
  await page.waitForURL('**/indicators?unit=EG-GZ**');
  const heading = await page.getByRole('heading', { level: 1 }).textContent();
  check(heading.includes('مؤشرات المدينة الذكية') && heading.includes('محافظة الجيزة'), `heading: ${heading}`);
  for (const section of ['الاقتصاد', 'البيئة', 'المجتمع والثقافة']) {
    check(await page.getByRole('heading', { level: 2, name: section }).count() === 1, `no section ${section}`);
  }
  const card = await page.locator('table.scorecard').first().textContent();
  check(card.includes('الطلبات المقدمة إلكترونيًا'), 'the online share is not on the scorecard');
  check(await page.locator('svg.sparkline').count() > 5, 'no trends drawn');
  await page.screenshot({ path: join(artifacts, 'indicators-scorecard-ar.png'), fullPage: true });

  // The indicator's page: its definition, chart with its table, the map.
  await page.getByRole('link', { name: 'الطلبات المقدمة إلكترونيًا' }).click();
  await page.waitForURL('**/indicators/detail**');
  check((await page.getByRole('heading', { level: 1 }).textContent()).includes('الطلبات المقدمة إلكترونيًا'), 'indicator heading');
  check(await page.locator('svg.line-chart').count() === 1, 'no chart');
  check(await page.locator('svg.choropleth polygon').count() >= 2, 'no map of the units below');
  await page.screenshot({ path: join(artifacts, 'indicator-map-ar.png'), fullPage: true });

  // Down the tree: Badrashin on the map, then one of its villages.
  await page.locator('svg.choropleth a', { hasText: 'مركز ومدينة البدرشين' }).click();
  await page.waitForURL('**unit=EG-GZ-BDR&**');
  check((await page.textContent('main')).includes('مركز ومدينة البدرشين'), 'not at Badrashin');
  await page.getByRole('link', { name: 'الوحدة المحلية لقرية سقارة' }).first().click();
  await page.waitForURL('**unit=EG-GZ-BDR-SQR**');
  const village = await page.textContent('main');
  check(village.includes('الوحدة المحلية لقرية سقارة'), 'not at the village');
  check(/\d/.test(await page.locator('table').first().textContent()), 'the village has no figures');
  await page.screenshot({ path: join(artifacts, 'indicator-village-ar.png'), fullPage: true });

  check(outside.length === 0, `requests left the machine: ${outside.join(', ')}`);
  console.log('browser: indicators drill-down passed');
} finally {
  await browser.close();
}
