// A citizen applies in Arabic; a clerk, an officer and the unit head move
// the application to issuance; the citizen sees the license and checks it.
// The citizen is on a 390 px phone; then every page they saw is read again
// at 320 px. Each citizen page must reflow without sideways scrolling and
// pass axe-core.
// Usage: node apply-and-issue.mjs BASE_URL ARTIFACT_DIR   (env NATIONAL_ID)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { check, launch, arabicPage, inspect, signIn } from './lib.mjs';

const [base, artifacts] = process.argv.slice(2);
const nationalId = process.env.NATIONAL_ID;
const pdf = join(tmpdir(), 'baladiya-license.pdf');
const png = join(tmpdir(), 'baladiya-id.png');
writeFileSync(pdf, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
writeFileSync(png, Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));

const outside = [];
const browser = await launch(artifacts);
try {
  // The citizen finds the service by searching in Arabic, with a different spelling.
  const citizen = await arabicPage(browser, base, outside, 390);
  const seen = [];
  const look = async (name) => { seen.push(citizen.url()); await inspect(citizen, artifacts, name); };
  await citizen.goto(`${base}/services`);
  check(await citizen.getAttribute('html', 'dir') === 'rtl', 'services page is not right-to-left');
  await look('shop-services-ar');
  await citizen.getByLabel('ابحث عن خدمة').fill('تجديد ترخيص محل');
  await citizen.getByRole('button', { name: 'بحث' }).click();
  await citizen.getByRole('link', { name: 'تجديد ترخيص محل عام' }).click();
  const steps = await citizen.locator('ol.steps').textContent();
  check(steps.includes('مراجعة إدارة التراخيص') && steps.includes('سداد الرسوم'), 'procedure not published');
  check((await citizen.locator('dl.summary').first().textContent()).includes('500.00 ج.م'), 'fee not shown');
  await look('shop-service-ar');
  await citizen.getByRole('link', { name: 'تقدّم بالطلب إلكترونيًا' }).click();

  // First try without documents: a clear error summary, values kept.
  await citizen.getByLabel('الوحدة المحلية المختصة').selectOption('EG-GZ-BDR');
  await citizen.getByLabel('الاسم الكامل').fill('سعاد محمود حسن');
  await citizen.getByLabel('الرقم القومي', { exact: true }).fill(nationalId);
  await citizen.getByLabel('رقم المحمول').fill('01123456789');
  await citizen.getByLabel('رقم الترخيص الحالي').fill('BDR/2020/118');
  await citizen.getByLabel('عنوان المحل').fill('شارع الجمهورية، البدرشين');
  check((await citizen.locator('#fee-before').textContent()).includes('الرسوم'), 'the fee before applying');
  await citizen.getByRole('button', { name: 'تابع لمراجعة إجاباتك' }).click();
  const summary = await citizen.getByRole('alert').textContent();
  check(summary.includes('صورة بطاقة الرقم القومي: هذا المستند مطلوب'), 'missing documents not reported by name');
  check(await citizen.getByLabel('الاسم الكامل').inputValue() === 'سعاد محمود حسن', 'typed name lost');
  check(await citizen.evaluate(() => document.activeElement?.classList.contains('error-summary')), 'focus is not on the error summary');
  await look('shop-apply-errors-ar');

  await citizen.getByLabel('صورة بطاقة الرقم القومي').setInputFiles(png);
  await citizen.getByLabel('الترخيص الحالي', { exact: true }).setInputFiles(pdf);
  await citizen.getByRole('button', { name: 'تابع لمراجعة إجاباتك' }).click();
  // Check your answers: what was typed and the files, then change one.
  await citizen.getByRole('heading', { name: 'راجع إجاباتك قبل الإرسال' }).waitFor();
  const answers = await citizen.locator('#answers').textContent();
  check(answers.includes('سعاد محمود حسن') && answers.includes('BDR/2020/118') && answers.includes('.pdf'), `answers: ${answers}`);
  await look('shop-check-answers-ar');
  await citizen.getByRole('button', { name: 'غيّر إجاباتك' }).click();
  await citizen.getByLabel('عنوان المحل').fill('شارع الجمهورية، البدرشين، الجيزة');
  await citizen.getByRole('button', { name: 'تابع لمراجعة إجاباتك' }).click();
  check((await citizen.locator('#answers').textContent()).includes('الجيزة'), 'the change is there');
  await citizen.getByRole('button', { name: 'أرسل الطلب' }).click();
  await citizen.getByRole('heading', { name: 'تم استلام طلبك' }).waitFor();
  const tracking = (await citizen.locator('.tracking-number').textContent()).trim();
  check(/^EG-GZ-BDR-\d{4}-\d{6}-[0-9A-Z]$/.test(tracking), `odd tracking number ${tracking}`);
  await look('shop-submitted-ar');
  // A reload of the confirmation files nothing again: the same number.
  await citizen.reload();
  check((await citizen.locator('.tracking-number').textContent()).trim() === tracking, 'a reload changed the confirmation');

  // Staff move it along, each from their inbox.
  async function actAs(username, buttonName, fill) {
    const page = await arabicPage(browser, base, outside);
    await signIn(page, base, username);
    await page.getByRole('link', { name: 'صندوق الطلبات' }).first().click();
    await page.getByRole('link', { name: tracking }).click();
    if (fill) await fill(page);
    await page.getByRole('button', { name: buttonName }).click();
    await page.waitForURL(`**/staff/applications/${tracking}?done=*`);
    const said = await page.getByRole('status').first().textContent();
    check(said.includes('تم تسجيل الإجراء') && said.includes(buttonName), `no confirmation of ${buttonName}: ${said}`);
    return page;
  }
  const clerk = await actAs('eg.clerk', 'قبول المستندات');
  await clerk.screenshot({ path: join(artifacts, 'shop-staff-accepted-ar.png'), fullPage: true });
  await actAs('eg.licensing', 'موافقة');
  await actAs('eg.clerk', 'تسجيل السداد', (p) => p.getByLabel('رقم إيصال السداد').fill('RCPT-88120'));
  const head = await actAs('eg.head', 'إصدار الترخيص');
  check((await head.locator('dl.summary').first().textContent()).includes('صدر الترخيص'), 'not issued');

  // The citizen tracks it and opens the license.
  await citizen.goto(`${base}/track`);
  await citizen.getByLabel('رقم التتبع').fill(tracking);
  await citizen.getByLabel('الرقم القومي أو رقم الهوية، أو رقم المحمول (الجوال)').fill(nationalId);
  await citizen.getByRole('button', { name: 'اعرض حالة الطلب' }).click();
  check((await citizen.locator('.status').textContent()).includes('صدر الترخيص'), 'track page does not say issued');
  await look('shop-track-issued-ar');
  await citizen.getByRole('button', { name: 'اعرض الترخيص واطبعه' }).click();
  check(await citizen.locator('.qr svg').count() === 1, 'no QR code on the license');
  const license = await citizen.locator('.license').textContent();
  check(license.includes('سعاد محمود حسن'), 'the holder is masked on their own license');
  check(license.includes('رقم الترخيص') && license.includes('BDR/2020/118') && license.includes('المعتمِد'), 'the license lacks its number, details or signatory');
  check((await citizen.locator('.license').textContent()).includes('Public shop license renewal'), 'license is not bilingual');
  await look('shop-license-ar');
  const verifyUrl = (await citizen.locator('figcaption .code').textContent()).trim();
  await citizen.goto(verifyUrl);
  const verdict = await citizen.getByRole('status').textContent();
  check(verdict.includes('ساري') && verdict.includes('التوقيع الرقمي صحيح'), `verification says ${verdict}`);
  check(!(await citizen.content()).includes(nationalId), 'the verification page shows the national ID');
  await look('shop-verify-ar');

  // The narrowest screens: every page again at 320 px, with the public ones.
  const narrow = await arabicPage(browser, base, outside, 320);
  for (const [i, url] of [...seen, `${base}/`, `${base}/reports`, `${base}/reports/new`, `${base}/verify`, `${base}/privacy`, `${base}/accessibility`].entries()) {
    await narrow.goto(url);
    await inspect(narrow, artifacts, `narrow-320-${i}`);
  }

  check(outside.length === 0, `requests left the machine: ${outside.join(', ')}`);
  console.log(`browser: ${tracking} applied, issued and verified`);
} finally {
  await browser.close();
}
