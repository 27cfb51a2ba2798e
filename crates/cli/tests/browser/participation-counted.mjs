// After the unit head signed the result off, the citizen finds their
// receipt among the counted, on a 390 px phone in Arabic.
// Usage: RECEIPT=… node participation-counted.mjs BASE_URL ARTIFACT_DIR
import { check, inspect, launch, arabicPage } from './lib.mjs';

const [base, artifacts] = process.argv.slice(2);
const browser = await launch(artifacts);
try {
  const outside = [];
  const page = await arabicPage(browser, base, outside, 390);
  await page.goto(`${base}/participate/receipt`);
  await page.getByLabel('رمز الإيصال').fill(process.env.RECEIPT);
  await page.getByRole('button', { name: 'تحقّق' }).click();
  check(await page.locator('#counted').isVisible(), 'counted in the published result');
  await inspect(page, artifacts, 'participate-counted-ar-390');
  await page.getByRole('link', { name: 'الموازنة التشاركية لمحافظة الجيزة 2027' }).click();
  await page.getByRole('link', { name: 'نتائج «ميزانية المحافظة»' }).click();
  check(await page.locator('#results tbody tr').count() === 6, 'every project with its votes');
  await inspect(page, artifacts, 'participate-giza-results-ar-390');
  check(outside.length === 0, `requests left the machine: ${outside.join(', ')}`);
  console.log('browser: the receipt is among the counted');
} finally {
  await browser.close();
}
