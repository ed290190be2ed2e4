// tests/browser/ledger.test.mjs - a class's questions and ledger photos in
// a real browser: a trainee asks on a phone, the school admin answers on
// the session's page and uploads a photo (a real JPEG); a file that is not
// a picture is refused with the reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { base, launch, newPage, logIn, submit, PHONE } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

test('ui-3.3 a trainee asks in class, the admin answers and keeps a photo for the ledger', async () => {
  const admin = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  const phone = await newPage(browser, PHONE);
  await logIn(admin.page, 'school_admin');
  await logIn(phone.page, 'trainee');
  await admin.page.goto(base + '/sessions?from=2000-01-01');
  await submit(admin.page, '#session-table tbody a[href^="/sessions/"]:not([href$="display"]):not([href$="sheet"])');
  const sid = Number(new URL(admin.page.url()).pathname.split('/')[2]);
  assert.ok(sid > 0);
  // The trainee takes part in the session (enrolled, or on its waiting list).
  const pid = (await phone.page.evaluate(async () => (await fetch('/api/v1/me')).json())).person_id;
  const st = await admin.page.evaluate(async ([sid, pid]) => (await fetch(`/api/v1/sessions/${sid}/enrollments`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': document.querySelector('input[name=_csrf]').value },
    body: JSON.stringify({ person_id: pid, waitlist: true }) })).status, [sid, pid]);
  assert.ok([201, 409].includes(st), `enrol: ${st}`);

  const question = `合作社分红怎么算？${Date.now() % 1000}`;
  await phone.page.goto(`${base}/me/sessions/${sid}`);
  await phone.page.fill('#ask-form textarea[name=body]', question);
  await submit(phone.page, '#ask-form button[type=submit]');
  assert.match(await phone.page.textContent('#questions'), new RegExp(question));

  await admin.page.reload();
  const li = admin.page.locator('#questions li', { hasText: question });
  await li.locator('textarea[name=answer]').fill('按入股比例，年底公示后分配。');
  await Promise.all([admin.page.waitForNavigation(), li.locator('button').click()]);
  assert.match(await admin.page.locator('#questions li', { hasText: question }).locator('.answer').textContent(), /年底公示/);
  await admin.page.fill('#discussion-form input[name=group]', '第二组');
  await admin.page.fill('#discussion-form textarea[name=body]', '讨论了合作社章程。');
  await submit(admin.page, '#discussion-form button[type=submit]');
  assert.match(await admin.page.textContent('#discussions'), /第二组\s*讨论了合作社章程/);

  const before = await admin.page.locator('#photos img').count();
  await admin.page.setInputFiles('#photo-form input[type=file]', 'tests/data/photo.jpg');
  const caption = `开班合影${Date.now() % 100000}`;
  await admin.page.fill('#photo-form input[name=caption]', caption);
  await submit(admin.page, '#photo-form button[type=submit]');
  assert.equal(await admin.page.locator('#photos img').count(), before + 1);
  const img = admin.page.locator('#photos figure', { hasText: caption }).locator('img');
  await img.evaluate((el) => el.decode());
  assert.equal(await img.evaluate((el) => el.naturalWidth), 321);
  // A text file named .jpg is refused for what it is.
  await admin.page.setInputFiles('#photo-form input[type=file]',
    { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a picture') });
  await submit(admin.page, '#photo-form button[type=submit]');
  assert.match(await admin.page.textContent('#ledger-error'), /JPEG、PNG 或 WebP/);
  assert.equal(await admin.page.locator('#photos img').count(), before + 1);
  await admin.page.screenshot({ path: 'build/screenshots/session-ledger.png', fullPage: true });

  await phone.page.reload();
  assert.match(await phone.page.textContent('#questions'), /年底公示/);
  assert.equal(await phone.page.locator('#questions textarea').count(), 0, 'a trainee reads, never answers');
  const scroll = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(scroll <= 1, `no sideways scroll (${scroll}px)`);
  assert.deepEqual(admin.problems, []);
  assert.deepEqual(phone.problems, []);
  await admin.ctx.close();
  await phone.ctx.close();
});

test('ui-3.5 a school admin calls a session off with a reason', async () => {
  const { ctx, page, problems } = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  await logIn(page, 'school_admin');
  await page.goto(base + '/sessions');
  // A new session of one of the school's programs, through the API.
  const sid = await page.evaluate(async () => {
    const csrf = document.querySelector('input[name=_csrf]') && document.querySelector('input[name=_csrf]').value;
    const j = async (u) => (await fetch(u)).json();
    const prog = (await j('/api/v1/programs?per_page=1')).items[0];
    const course = (await j('/api/v1/courses?per_page=1')).items[0];
    const start = new Date(Date.now() + 7 * 86400e3).toISOString().slice(0, 16) + 'Z';
    const end = new Date(Date.now() + 7 * 86400e3 + 7200e3).toISOString().slice(0, 16) + 'Z';
    const r = await fetch('/api/v1/sessions', { method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ program_id: prog.id, course_id: course.id, starts_at: start, ends_at: end,
        place: '村党群服务中心', hours: 2, capacity: 30 }) });
    return (await r.json()).id;
  });
  assert.ok(sid > 0, 'the session was created');
  await page.goto(`${base}/sessions/${sid}`);
  await page.fill('#void-form input[name=reason]', '暴雨预警，改期');
  await submit(page, '#void-form button[type=submit]');
  assert.equal(new URL(page.url()).pathname, '/sessions');
  const gone = await page.goto(`${base}/sessions/${sid}`);
  assert.equal(gone.status(), 404);
  assert.deepEqual(problems.filter((p) => !/404/.test(p)), []);
  await ctx.close();
});
