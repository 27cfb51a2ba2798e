// Shared helpers of the browser tests: Debian's Chromium, headless, offline.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

export async function launch(artifacts) {
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // WebGL through SwiftShader (software), for MapLibre's base maps.
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--use-angle=swiftshader',
           '--enable-unsafe-swiftshader', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
}

/// A new browser window in Arabic, `width` pixels wide (a desktop unless
/// told: 390 is a common phone, 320 the narrowest WCAG reflow width), that
/// records any request leaving the machine.
export async function arabicPage(browser, base, outside, width = 1100) {
  const context = await browser.newContext({
    locale: 'ar-EG',
    viewport: { width, height: 900 },
  });
  const page = await context.newPage();
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) outside.push(r.url()); });
  return page;
}

/// Fails when the page needs horizontal scrolling at its window's width
/// (WCAG 1.4.10 reflow), naming the widest elements.
export async function fitsWidth(page, label) {
  const over = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width + 1) return null;
    // The innermost elements wider than the window, or reaching past it.
    const past = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.width > width + 1 || r.right > width + 1 || r.left < -1); };
    const wide = [...document.querySelectorAll('body *')]
      .filter((e) => past(e) && ![...e.children].some(past))
      .slice(0, 6)
      .map((e) => `${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : ''} (${Math.round(e.getBoundingClientRect().width)} px)`);
    return { page: document.documentElement.scrollWidth, window: width, wide };
  });
  check(!over, `${label} scrolls sideways: ${JSON.stringify(over)}`);
}

/// Fails on any axe-core violation (WCAG 2.1 A and AA rules) of the page as
/// it is now.
export async function audit(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  const found = result.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  check(found.length === 0, `${label} has accessibility violations:\n  ${found.join('\n  ')}`);
}

/// What every page a citizen visits must pass: no sideways scrolling, no
/// accessibility violation; then a screenshot.
export async function inspect(page, artifacts, name) {
  await fitsWidth(page, name);
  await audit(page, name);
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

export async function signIn(page, base, username) {
  await page.goto(`${base}/login`);
  await page.getByLabel('اسم المستخدم').fill(username);
  await page.getByLabel('كلمة المرور').fill('baladiya-demo');
  await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
  await page.waitForURL('**/staff');
}
