// A citizen on a 390 px phone signs in with a code (read from the
// development SMS file), finds their application waiting for its fee, pays
// it on the simulated gateway, gets the receipt, and finds the application
// moved on under "my applications" — in Arabic, in Debian's Chromium;
// no sideways scrolling and axe-core on every page.
// Usage: SMS_FILE=… TRACKING=… node citizen-pays.mjs BASE_URL ARTIFACT_DIR
import { readFileSync } from 'node:fs';
import { check, inspect, launch, arabicPage } from './lib.mjs';

const [base, artifacts] = process.argv.slice(2);
const { SMS_FILE: smsFile, TRACKING: tracking } = process.env;
const browser = await launch(artifacts);
try {
  const outside = [];
  const page = await arabicPage(browser, base, outside, 390);
  await page.goto(`${base}/`);
  await page.getByRole('link', { name: 'حسابي' }).first().click();
  await page.waitForURL('**/account/sign-in');
  await inspect(page, artifacts, 'account-sign-in-ar-390');
  await page.getByLabel('رقم الهاتف المحمول').fill('01012345678');
  await page.getByRole('button', { name: 'أرسل رمز الدخول' }).click();
  await page.waitForURL('**/account/code?**');
  await inspect(page, artifacts, 'account-code-ar-390');
  const messages = readFileSync(smsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const sent = messages.filter((m) => m.to === '+201012345678').pop();
  const code = sent.text.match(/\d{6}/)[0];
  await page.getByLabel('رمز الدخول', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'ادخل', exact: true }).click();
  await page.waitForURL('**/account');
  const row = page.locator('#applications tbody tr', { hasText: tracking });
  check(await row.count() === 1, `the application under my applications: ${tracking}`);
  await inspect(page, artifacts, 'account-ar-390');

  // Pay the fee on the gateway, come back to the receipt.
  await row.getByRole('button', { name: 'ادفع الرسوم إلكترونيًا' }).click();
  await page.waitForURL('**/gateway/simulated/pay/**');
  await inspect(page, artifacts, 'gateway-ar-390');
  await page.getByRole('button', { name: 'ادفع', exact: true }).click();
  await page.waitForURL('**/payments/PAY-**');
  const status = await page.locator('#payment-status').textContent();
  check(status.includes('سُددت الرسوم'), `paid: ${status}`);
  check(await page.getByRole('button', { name: 'اطبع الإيصال' }).isVisible(), 'a print button');
  await inspect(page, artifacts, 'payment-receipt-ar-390');

  // Back on the account: moved on, nothing more to pay.
  await page.getByRole('link', { name: 'حسابي' }).last().click();
  await page.waitForURL('**/account');
  const moved = page.locator('#applications tbody tr', { hasText: tracking });
  check(await moved.getByRole('button').count() === 0, 'no pay button after paying');
  await inspect(page, artifacts, 'account-paid-ar-390');

  check(outside.length === 0, `requests left the machine: ${outside.join(', ')}`);
  console.log('browser: a citizen pays online');
} finally {
  await browser.close();
}
