// A unit head nominates two of their staff for a training session, the
// center accepts them, the trainer records attendance and scores, the
// center issues certificates, and a trainee opens theirs and verifies it
// publicly — in Arabic, in Debian's Chromium; axe-core on the pages.
// Usage: node training.mjs BASE_URL ARTIFACT_DIR
import { join } from 'node:path';
import { audit, check, launch, arabicPage, signIn } from './lib.mjs';

const [base, artifacts] = process.argv.slice(2);
const browser = await launch(artifacts);
const course = 'المراكز التكنولوجية في تعظيم الموارد المحلية';
try {
  const outside = [];
  const as = async (username) => {
    const page = await arabicPage(browser, base, outside);
    await signIn(page, base, username);
    await page.getByRole('link', { name: 'مركز التدريب' }).first().click();
    await page.waitForURL('**/staff/training');
    await page.getByRole('link', { name: course }).first().click();
    await page.waitForURL(/\/staff\/training\/\d+$/);
    return page;
  };

  // The unit head nominates two of Badrashin's staff.
  const head = await as('eg.head');
  for (const name of ['أ. محمود علي', 'أ. دينا مصطفى']) {
    await head.getByLabel('رشّح من العاملين بوحدتك').selectOption({ label: name });
    await head.getByRole('button', { name: 'ترشيح', exact: true }).click();
    await head.waitForURL('**done=nominate');
  }
  const roster = await head.locator('#roster').textContent();
  check((roster.match(/مرشح/g) || []).length === 2, `two nominations: ${roster}`);
  await audit(head, 'session page (unit head)');
  await head.screenshot({ path: join(artifacts, 'training-nominated-ar.png'), fullPage: true });
  // The head's view of the unit's training needs.
  await head.goto(`${base}/staff/training/needs`);
  check(await head.locator('#needs tbody tr').count() >= 5, 'every staff member of Badrashin');
  await audit(head, 'training needs');
  await head.screenshot({ path: join(artifacts, 'training-needs-ar.png'), fullPage: true });

  // The center accepts both.
  const center = await as('eg.admin');
  for (let i = 0; i < 2; i += 1) {
    await center.getByRole('button', { name: 'قبول', exact: true }).first().click();
    await center.waitForURL('**done=accept');
  }
  check(((await center.locator('#roster').textContent()).match(/مقبول/g) || []).length === 2, 'both accepted');

  // The trainer scans a trainee's code at the door, then takes every
  // day's attendance and the scores.
  const trainer = await as('eg.officer');
  await trainer.getByLabel('رمز المتدرب').fill('eg.clerk');
  await trainer.getByRole('button', { name: 'سجّل حضوره', exact: true }).click();
  await trainer.waitForURL('**done=scan');
  const days = await trainer.locator('#day option').evaluateAll((os) => os.map((o) => o.value));
  check(days.length >= 4, `days: ${days}`);
  for (const day of days) {
    await trainer.getByLabel('اليوم', { exact: true }).selectOption(day);
    await trainer.getByRole('button', { name: 'تسجيل الحضور', exact: true }).click();
    await trainer.waitForURL('**done=attendance');
  }
  for (let i = 0; i < 2; i += 1) {
    const row = trainer.locator('#roster tbody tr').nth(i);
    await row.getByLabel('الاختبار القبلي').fill(String(40 + i * 10));
    await row.getByLabel('الاختبار البعدي').fill(String(80 + i * 5));
    await row.getByRole('button', { name: 'حفظ الدرجات' }).click();
    await trainer.waitForURL('**done=scores');
  }
  const done = await trainer.locator('#roster').textContent();
  check((done.match(/أتم الدورة/g) || []).length === 2, `both completed: ${done}`);
  await audit(trainer, 'session page (trainer)');
  await trainer.screenshot({ path: join(artifacts, 'training-attended-ar.png'), fullPage: true });

  // The center issues certificates; a trainee opens and verifies theirs.
  await center.reload();
  await center.getByRole('button', { name: 'إصدار الشهادات' }).click();
  await center.waitForURL('**done=certify');
  const trainee = await arabicPage(browser, base, outside);
  await signIn(trainee, base, 'eg.clerk');
  await trainee.goto(`${base}/staff/training/mine`);
  check(await trainee.locator('#attendance-code svg').count() === 1, 'the attendance code as a QR code');
  await audit(trainee, 'my training');
  await trainee.locator('#certificates a').first().click();
  await trainee.waitForURL('**/staff/training/certificates/**');
  const certificate = await trainee.locator('#certificate').textContent();
  check(certificate.includes('أ. محمود علي') && certificate.includes(course), 'the certificate names the trainee and the course');
  check(await trainee.locator('#certificate svg').count() === 1, 'no QR code');
  await audit(trainee, 'certificate');
  await trainee.screenshot({ path: join(artifacts, 'training-certificate-ar.png'), fullPage: true });
  const code = (await trainee.locator('#certificate dd .code').textContent()).trim();
  await trainee.goto(`${base}/verify/${code}`);
  const verified = await trainee.textContent('main');
  check(verified.includes('ساري') && verified.includes(course), `verification: ${verified}`);
  await trainee.screenshot({ path: join(artifacts, 'training-verified-ar.png'), fullPage: true });

  // The center's report and planning page.
  await center.goto(`${base}/staff/training/report`);
  check(await center.locator('#by-governorate tbody tr').count() >= 1, 'the report by governorate');
  await audit(center, 'training report');
  await center.screenshot({ path: join(artifacts, 'training-report-ar.png'), fullPage: true });
  await center.goto(`${base}/staff/training/plan`);
  await audit(center, 'training planning');

  check(outside.length === 0, `requests left the machine: ${outside.join(', ')}`);
  console.log('browser: training passed');
} finally {
  await browser.close();
}
