// A citizen on a 390 px phone signs in with a code (read from the
// development SMS file), applies for a service through the
// check-your-answers step, finds the application under "my applications";
// the clerk and the licensing department move it to its payment step; the
// citizen pays the fee on the simulated gateway, prints the receipt, and
// finds the application moved on — in Arabic, in Debian's Chromium; no
// sideways scrolling and axe-core on every page.
// Usage: SMS_FILE=… NATIONAL_ID=… node citizen-pays.mjs BASE_URL ARTIFACT_DIR
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { check, inspect, launch, arabicPage, signIn } from './lib.mjs';

const [base, artifacts] = process.argv.slice(2);
const { SMS_FILE: smsFile, NATIONAL_ID: nationalId } = process.env;
const pdf = join(tmpdir(), 'baladiya-pays-license.pdf');
const png = join(tmpdir(), 'baladiya-pays-id.png');
writeFileSync(pdf, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
writeFileSync(png, Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
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
  await inspect(page, artifacts, 'account-ar-390');

  // Apply: the service from the account's link, the form, check the answers, send.
  await page.getByRole('link', { name: 'ابحث عن خدمة' }).first().click();
  await page.getByLabel('ابحث عن خدمة').fill('تجديد ترخيص محل');
  await page.getByRole('button', { name: 'بحث' }).click();
  await page.getByRole('link', { name: 'تجديد ترخيص محل عام' }).click();
  await page.getByRole('link', { name: 'تقدّم بالطلب إلكترونيًا' }).click();
  check(await page.getByLabel('رقم المحمول').inputValue() === '01012345678', 'the verified number is filled in');
  check((await page.locator('.progress').textContent()).includes('الخطوة ١ من ٢'), 'the progress line says step 1 of 2');
  await page.getByLabel('الوحدة المحلية المختصة').selectOption('EG-GZ-BDR');
  await page.getByLabel('الاسم الكامل').fill('أمينة عبد الله');
  await page.getByLabel('الرقم القومي', { exact: true }).fill(nationalId);
  await page.getByLabel('رقم الترخيص الحالي').fill('BDR/2021/204');
  await page.getByLabel('عنوان المحل').fill('شارع السوق، البدرشين');
  await page.getByLabel('صورة بطاقة الرقم القومي').setInputFiles(png);
  await page.getByLabel('الترخيص الحالي', { exact: true }).setInputFiles(pdf);
  await inspect(page, artifacts, 'account-apply-ar-390');
  await page.getByRole('button', { name: 'تابع لمراجعة إجاباتك' }).click();
  await page.getByRole('heading', { name: 'راجع إجاباتك قبل الإرسال' }).waitFor();
  check((await page.locator('#answers').textContent()).includes('BDR/2021/204'), 'the answers to check');
  await inspect(page, artifacts, 'account-check-answers-ar-390');
  await page.getByRole('button', { name: 'أرسل الطلب' }).click();
  await page.getByRole('heading', { name: 'تم استلام طلبك' }).waitFor();
  const tracking = (await page.locator('.tracking-number').textContent()).trim();
  await page.getByRole('link', { name: 'حسابي' }).first().click();
  await page.waitForURL('**/account');
  const filed = page.locator('#applications tbody tr', { hasText: tracking });
  check(await filed.count() === 1, `the application under my applications: ${tracking}`);

  // The clerk accepts the documents, the licensing department approves.
  for (const [username, action] of [['eg.clerk', 'قبول المستندات'], ['eg.licensing', 'موافقة']]) {
    const staff = await arabicPage(browser, base, outside);
    await signIn(staff, base, username);
    await staff.goto(`${base}/staff/applications/${tracking}`);
    await staff.getByRole('button', { name: action }).click();
    await staff.waitForURL(`**/staff/applications/${tracking}?done=*`);
    await staff.close();
  }
  await page.reload();
  const row = page.locator('#applications tbody tr', { hasText: tracking });
  await inspect(page, artifacts, 'account-to-pay-ar-390');

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
