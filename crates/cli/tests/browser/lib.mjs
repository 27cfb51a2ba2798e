// Shared helpers of the browser tests: Debian's Chromium, headless, offline.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

export async function launch(artifacts) {
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/// A new browser window in Arabic that records any request leaving the machine.
export async function arabicPage(browser, base, outside) {
  const context = await browser.newContext({ locale: 'ar-EG', viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) outside.push(r.url()); });
  return page;
}

export async function signIn(page, base, username) {
  await page.goto(`${base}/login`);
  await page.getByLabel('اسم المستخدم').fill(username);
  await page.getByLabel('كلمة المرور').fill('baladiya-demo');
  await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
  await page.waitForURL('**/staff');
}
