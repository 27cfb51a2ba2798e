// A staff member signs in in Arabic, in Debian's Chromium driven headless.
// Usage: node staff-login.mjs BASE_URL ARTIFACT_DIR
// Exits non-zero (with the reason) if anything a user would notice is wrong.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [base, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ locale: 'ar-EG', viewport: { width: 1100, height: 800 } });
  // No request may leave this machine: the page must work offline.
  const outside = [];
  page.on('request', (r) => { if (!r.url().startsWith(base)) outside.push(r.url()); });

  await page.goto(`${base}/`);
  check(await page.getAttribute('html', 'dir') === 'rtl', 'home page is not right-to-left');
  await page.getByRole('link', { name: 'دخول الموظفين' }).first().click();
  await page.waitForURL('**/login');
  check(await page.getAttribute('html', 'dir') === 'rtl', 'login page is not right-to-left');

  // A wrong password: an error summary, focusable, linking to the field.
  await page.getByLabel('اسم المستخدم').fill('eg.clerk');
  await page.getByLabel('كلمة المرور').fill('wrong password');
  await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
  const summary = page.getByRole('alert');
  check((await summary.textContent()).includes('اسم المستخدم أو كلمة المرور غير صحيحة'), 'no error summary');
  await page.screenshot({ path: join(artifacts, 'login-error-ar.png'), fullPage: true });

  await page.getByLabel('كلمة المرور').fill('baladiya-demo');
  await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
  await page.waitForURL('**/staff');
  check(await page.getAttribute('html', 'dir') === 'rtl', 'staff page is not right-to-left');
  const heading = await page.getByRole('heading', { level: 1 }).textContent();
  check(heading.trim() === 'الوحدات المحلية', `unexpected heading ${heading}`);
  const table = await page.getByRole('table').textContent();
  check(table.includes('الوحدة المحلية لقرية سقارة'), 'village of the clerk\'s markaz missing');
  check(!table.includes('أوسيم'), 'another markaz is visible');

  // The Arabic font is the embedded one, and it loaded.
  const font = await page.evaluate(async () => {
    await document.fonts.ready;
    return document.fonts.check('16px "IBM Plex Sans Arabic"', 'بلدية');
  });
  check(font, 'embedded Arabic font not loaded');
  // Text runs right to left: the brand sits at the right edge.
  const brand = await page.locator('.brand').boundingBox();
  check(brand.x > 600, `brand not on the right (x=${brand.x})`);
  await page.screenshot({ path: join(artifacts, 'staff-units-ar.png'), fullPage: true });

  // Switch to English and back: the choice is remembered.
  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForLoadState();
  check(await page.getAttribute('html', 'dir') === 'ltr', 'English page is not left-to-right');
  await page.goto(`${base}/staff`);
  check((await page.getByRole('heading', { level: 1 }).textContent()).trim() === 'Local units', 'English not remembered');
  await page.screenshot({ path: join(artifacts, 'staff-units-en.png'), fullPage: true });

  check(outside.length === 0, `requests left the machine: ${outside.join(', ')}`);
  console.log('browser: staff sign-in in Arabic passed');
} finally {
  await browser.close();
}
