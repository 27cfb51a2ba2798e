// A citizen on a 390 px phone finds Giza's participatory budget, signs in
// with a code, votes within the budget, gets the receipt, checks it, is
// refused a change over the budget (the ticks kept), changes the vote; a
// clerk records a walk-in's vote at the counter and hands over its
// receipt; the staff page lists the budget — in Arabic, in Debian's
// Chromium; no sideways scrolling at 390 and 320 px and axe-core on every
// page. Prints the citizen's receipt last (`receipt: …`).
// Usage: SMS_FILE=… NATIONAL_ID=… node participation-vote.mjs BASE_URL ARTIFACT_DIR
import { readFileSync } from 'node:fs';
import { check, fitsWidth, inspect, launch, arabicPage, signIn } from './lib.mjs';

const [base, artifacts] = process.argv.slice(2);
const { SMS_FILE: smsFile, NATIONAL_ID: nationalId } = process.env;
const browser = await launch(artifacts);
try {
  const outside = [];
  const page = await arabicPage(browser, base, outside, 390);
  await page.goto(`${base}/`);
  await page.getByRole('link', { name: 'شارك' }).first().click();
  await page.waitForURL('**/participate');
  await inspect(page, artifacts, 'participate-ar-390');
  await page.getByRole('link', { name: 'الموازنة التشاركية لمحافظة الجيزة 2027' }).click();
  await page.getByRole('heading', { name: 'الميزانيات' }).waitFor();
  await inspect(page, artifacts, 'participate-process-ar-390');
  await page.getByRole('link', { name: 'صوّت في «ميزانية المحافظة»' }).click();
  const ballot = page.url();
  check((await page.locator('#standing').textContent()).includes('سجّل الدخول'), 'asked to sign in first');
  await inspect(page, artifacts, 'participate-sign-in-first-ar-390');

  // Sign in with a code, come back to the ballot.
  await page.getByRole('link', { name: 'سجّل الدخول لتصوّت' }).click();
  await page.getByLabel('رقم الهاتف المحمول').fill('01012345678');
  await page.getByRole('button', { name: 'أرسل رمز الدخول' }).click();
  await page.waitForURL('**/account/code?**');
  const messages = readFileSync(smsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const code = messages.filter((m) => m.to === '+201012345678').pop().text.match(/\d{6}/)[0];
  await page.getByLabel('رمز الدخول', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'ادخل', exact: true }).click();
  await page.waitForURL('**/account');
  await page.goto(ballot);

  // Vote: two projects within twenty million.
  await page.getByLabel(/تطوير شبكة صرف الأمطار بشارع الهرم/).check();
  await page.getByLabel(/إنارة موفرة للطاقة لطريق سقارة/).check();
  await inspect(page, artifacts, 'participate-ballot-ar-390');
  await page.getByRole('button', { name: 'أدلِ بصوتي' }).click();
  await page.getByRole('heading', { name: 'سُجّل صوتك' }).waitFor();
  const receipt = (await page.locator('#receipt').textContent()).trim();
  check(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}-[0-9A-Z]$/.test(receipt), `a receipt code: ${receipt}`);
  await inspect(page, artifacts, 'participate-voted-ar-390');
  // Voting again is refused: the page says so.
  await page.goto(ballot);
  check((await page.locator('#standing').textContent()).includes('سبق أن صوّتّ'), 'voted already');

  // Check the receipt, then change the vote with it.
  await page.getByRole('link', { name: 'التحقق من إيصال تصويت' }).first().click();
  await page.getByLabel('رمز الإيصال').fill(receipt.toLowerCase());
  await page.getByRole('button', { name: 'تحقّق' }).click();
  check((await page.locator('#receipt-status').textContent()).includes('هذه الورقة مسجّلة'), 'recorded');
  check(await page.locator('#not-counted').isVisible(), 'not counted yet');
  await inspect(page, artifacts, 'participate-receipt-ar-390');
  await page.getByRole('button', { name: 'غيّر صوتي' }).click();
  for (const box of await page.locator('#choices input[type=checkbox]').all()) await box.check();
  await page.getByRole('button', { name: 'استبدل صوتي' }).click();
  await page.locator('.error-summary').waitFor();
  check((await page.locator('.error-summary').textContent()).includes('أكبر من الميزانية'), 'over the budget');
  check(await page.locator('#choices input:checked').count() === 6, 'the ticks are kept');
  await inspect(page, artifacts, 'participate-over-budget-ar-390');
  for (const box of await page.locator('#choices input[type=checkbox]').all()) await box.uncheck();
  await page.getByLabel(/رصف ممرات المشاة حول المدارس/).check();
  await page.getByRole('button', { name: 'استبدل صوتي' }).click();
  await page.getByRole('heading', { name: 'غُيّر صوتك' }).waitFor();
  check((await page.locator('#receipt').textContent()).trim() === receipt, 'the same receipt');

  // At 320 px too.
  await page.setViewportSize({ width: 320, height: 800 });
  for (const path of ['/participate', '/participate/giza-budget-2027', '/participate/receipt',
                      '/participate/badrashin-budget-2026']) {
    await page.goto(`${base}${path}`);
    await fitsWidth(page, `${path} at 320 px`);
  }
  await page.getByRole('link', { name: 'نتائج «ميزانية البدرشين 2026»' }).click();
  check(await page.locator('#results tbody tr.selected').count() >= 1, 'the past budget has winners');
  await inspect(page, artifacts, 'participate-results-ar-320');
  // A winning project being delivered: its progress, budget line and milestones.
  await page.getByRole('link', { name: 'رصف شارع المحطة' }).click();
  check((await page.locator('#delivery-status').textContent()).includes('قيد التنفيذ'), 'under way');
  check(await page.locator('#milestones li').count() >= 1, 'its milestones');
  await inspect(page, artifacts, 'participate-project-ar-320');

  // A clerk records a walk-in's vote at the counter.
  const clerk = await arabicPage(browser, base, outside, 390);
  await signIn(clerk, base, 'eg.clerk');
  await clerk.goto(`${base}/staff/participation`);
  await inspect(clerk, artifacts, 'staff-participation-ar-390');
  await clerk.getByRole('link', { name: 'تسجيل صوت حضوري في «ميزانية مركز البدرشين»' }).click();
  await clerk.getByLabel('الرقم القومي للمواطن (من البطاقة)').fill(nationalId);
  await clerk.getByLabel('رقم هاتف المواطن المحمول').fill('01098765432');
  await clerk.getByLabel(/تطهير مصرف سقارة/).check();
  await inspect(clerk, artifacts, 'staff-counter-ar-390');
  await clerk.getByRole('button', { name: 'سجّل الصوت' }).click();
  await clerk.locator('#counter-recorded').waitFor();
  check(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}-[0-9A-Z]$/.test((await clerk.locator('#receipt').textContent()).trim()), 'a receipt to hand over');
  await inspect(clerk, artifacts, 'staff-counter-recorded-ar-390');
  // The same person again, at the counter: refused.
  await clerk.getByLabel('الرقم القومي للمواطن (من البطاقة)').fill(nationalId);
  await clerk.getByLabel('رقم هاتف المواطن المحمول').fill('01098765432');
  await clerk.getByLabel(/تطهير مصرف سقارة/).check();
  const again = await Promise.all([
    clerk.waitForResponse((r) => r.url().endsWith('/counter') && r.request().method() === 'POST'),
    clerk.getByRole('button', { name: 'سجّل الصوت' }).click(),
  ]);
  check(again[0].status() === 409, `the second vote is refused: ${again[0].status()}`);

  // An administrator's pages: opening a process, a proposal's review, a project's delivery.
  const admin = await arabicPage(browser, base, outside, 390);
  await signIn(admin, base, 'eg.admin');
  await admin.goto(`${base}/staff/participation/new`);
  await inspect(admin, artifacts, 'staff-process-new-ar-390');
  await admin.goto(`${base}/staff/participation/giza-budget-2027/proposals`);
  await inspect(admin, artifacts, 'staff-proposals-ar-390');
  await admin.getByRole('link', { name: 'جسر مشاة فوق الطريق الدائري' }).click();
  await inspect(admin, artifacts, 'staff-proposal-ar-390');
  await admin.goto(`${base}/staff/participation`);
  await admin.getByRole('link', { name: 'رصف شارع المحطة' }).click();
  await inspect(admin, artifacts, 'staff-project-ar-390');

  check(outside.length === 0, `requests left the machine: ${outside.join(', ')}`);
  console.log(`receipt: ${receipt}`);
} finally {
  await browser.close();
}
