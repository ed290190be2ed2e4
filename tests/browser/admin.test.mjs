// tests/browser/admin.test.mjs - the teaching admin pages in a real browser
// (Debian's chromium through playwright-core), against the server that
// tests/run.sh starts on the small demo county (DX_BASE_URL).
//
// Cases: the county admin adds a teacher (a field error first), a course
// of 1.5 学时, a program and a session of capacity 1 on it, enrols two
// people (the second goes to the waiting list, a third try is refused),
// and records an annual plan whose batch shows planned beside held; a
// township admin cannot open another township's program. Names carry a
// suffix so that reruns and other files sharing the server do not collide.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const base = process.env.DX_BASE_URL;
const password = process.env.DX_PASSWORD || 'Dangxiao@2026';
const suffix = Date.now().toString(36).slice(-5);
const teacherName = '测试师' + suffix;
const courseTitle = '基层治理实务' + suffix;
const programTitle = '主题培训班' + suffix;
// Today in China time, and this year: the session and the plan's batch
// fall within it, whatever the machine's zone.
const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const year = today.slice(0, 4);

let browser;
let programUrl;

before(async () => {
  assert.ok(base, 'DX_BASE_URL must name the running server (tests/run.sh sets it)');
  mkdirSync('build/screenshots', { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  if (browser) await browser.close();
});

async function newPage() {
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  ctx.setDefaultTimeout(10000);
  const page = await ctx.newPage();
  return { ctx, page };
}

async function logIn(page, name) {
  await page.goto(base + '/login');
  await page.fill('#login-form input[name=username]', name);
  await page.fill('#login-form input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('#login-form button[type=submit]')]);
}

// The cells of a school's batch of a type on the plans page at url:
// [plan, batch, type, from, planned sessions, held sessions, planned
// persons, persons trained] (the school's name is on its first row only).
async function planRow(page, url, school, type) {
  await page.goto(url);
  const rows = await page.$$eval('#plan-table tbody tr', (trs) =>
    trs.map((r) => [...r.cells].map((c) => c.textContent.trim())));
  let current = '';
  for (const c of rows) {
    if (c[0]) current = c[0];
    if (current === school && c[3] === type) return [c[1], c[2], c[3], c[4], c[6], c[7], c[8], c[9]];
  }
  return null;
}

async function submit(page, form) {
  const [resp] = await Promise.all([
    page.waitForNavigation(),
    page.click(`${form} button[type=submit]`),
  ]);
  return resp;
}

test('admin-1.1 the county admin adds a teacher; a missing name is refused beside its field', async () => {
  const { ctx, page } = await newPage();
  await logIn(page, 'county_admin');
  await page.click('#nav a[href="/teachers"]');
  assert.match(await page.textContent('h1'), /师资库/);
  await page.goto(base + '/teachers/new');
  await page.selectOption('#teacher-form select[name=level]', 'county');
  await page.check('#teacher-form #modules label:has-text("政治理论") input');
  await page.check('#teacher-form #schools label:has-text("文亭街道党校") input');
  const bad = await submit(page, '#teacher-form');
  assert.equal(bad.status(), 422);
  assert.match(await page.textContent('#teacher-form .field-error'), /名称|姓名/);
  // What was ticked is kept.
  assert.ok(await page.isChecked('#teacher-form #schools label:has-text("文亭街道党校") input'));
  await page.fill('#teacher-form input[name=name]', teacherName);
  await submit(page, '#teacher-form');
  assert.match(new URL(page.url()).pathname, /^\/teachers\/\d+$/);
  assert.equal((await page.textContent('h1')).trim(), teacherName);
  const rec = await page.textContent('#teacher');
  assert.match(rec, /县级/);
  assert.match(rec, /政治理论/);
  assert.match(rec, /文亭街道党校/);
  // No ratings yet: no rate to show.
  assert.match(await page.textContent('#teacher-rating'), /—/);
  // The list finds the teacher as one types.
  await page.goto(base + '/teachers');
  await page.fill('#teacher-filters input[name=q]', teacherName);
  await page.waitForFunction(() => document.querySelectorAll('#teacher-table tbody tr').length === 1);
  assert.match(await page.textContent('#teacher-table tbody'), new RegExp(teacherName));
  await ctx.close();
});

test('admin-1.2 the county admin adds a published course of 1.5 学时', async () => {
  const { ctx, page } = await newPage();
  await logIn(page, 'county_admin');
  await page.goto(base + '/courses/new');
  await page.fill('#course-form input[name=title]', courseTitle);
  await page.selectOption('#course-form select[name=module_code]', 'rural_revitalization');
  await page.fill('#course-form input[name=hours]', '1.3');
  await page.selectOption('#course-form select[name=format]', 'seminar');
  const opt = await page.$eval('#course-form select[name=teacher_ids]', (s, n) =>
    [...s.options].find((o) => o.textContent.startsWith(n)).value, teacherName);
  await page.selectOption('#course-form select[name=teacher_ids]', [opt]);
  await page.check('#course-form input[name=published]');
  const bad = await submit(page, '#course-form');
  assert.equal(bad.status(), 422);
  assert.match(await page.textContent('#course-form .field-error'), /0\.5/);
  assert.equal(await page.inputValue('#course-form input[name=title]'), courseTitle);
  await page.fill('#course-form input[name=hours]', '1.5');
  await submit(page, '#course-form');
  assert.match(new URL(page.url()).pathname, /^\/courses\/\d+$/);
  const rec = await page.textContent('#course');
  assert.match(rec, /1\.5/);
  assert.match(rec, /乡村振兴/);
  assert.match(rec, /研讨/);
  assert.match(rec, new RegExp(teacherName));
  assert.match(rec, /已发布/);
  await page.goto(base + '/courses?module=rural_revitalization&published=1&q=' + encodeURIComponent(courseTitle));
  assert.equal(await page.$$eval('#course-table tbody tr', (r) => r.length), 1);
  assert.match(await page.textContent('#course-table tbody'), /1\.5/);
  await ctx.close();
});

test('admin-1.3 a program, a session of capacity 1, two enrolments (the second waits), and the plan', async () => {
  const { ctx, page } = await newPage();
  await logIn(page, 'county_admin');
  // Two people of 文亭街道 from the roster.
  await page.goto(base + '/people?township=371723001');
  const names = await page.$$eval('#people-table tbody tr td:first-child', (t) => t.map((e) => e.textContent.trim()));
  assert.ok(names.length >= 2, 'the demo township has people');
  const [first, second] = names;

  await page.goto(base + '/programs/new');
  await page.selectOption('#program-form select[name=type]', 'themed_class');
  const school = await page.$eval('#program-form select[name=school_id]', (s) =>
    [...s.options].find((o) => o.textContent === '文亭街道党校').value);
  await page.selectOption('#program-form select[name=school_id]', school);
  await page.fill('#program-form input[name=title]', programTitle);
  await page.fill('#program-form input[name=from]', today);
  await page.fill('#program-form input[name=to]', today);
  await submit(page, '#program-form');
  assert.match(new URL(page.url()).pathname, /^\/programs\/\d+$/);
  programUrl = page.url();
  assert.match(await page.textContent('#program'), /主题培训班/);

  // A session: a bad 学时 is refused beside its field, values kept.
  const course = await page.$eval('#session-form select[name=course_id]', (s, t) =>
    [...s.options].find((o) => o.textContent === t).value, courseTitle);
  await page.selectOption('#session-form select[name=course_id]', course);
  const teacher = await page.$eval('#session-form select[name=teacher_id]', (s, n) =>
    [...s.options].find((o) => o.textContent === n).value, teacherName);
  await page.selectOption('#session-form select[name=teacher_id]', teacher);
  await page.fill('#session-form input[name=starts_at]', today + 'T20:00');
  await page.fill('#session-form input[name=ends_at]', today + 'T21:30');
  await page.fill('#session-form input[name=place]', '村委会大院');
  await page.fill('#session-form input[name=hours]', '0.3');
  await page.fill('#session-form input[name=capacity]', '1');
  const bad = await submit(page, '#session-form');
  assert.equal(bad.status(), 422);
  assert.match(await page.textContent('#session-form .field-error'), /学时/);
  assert.equal(await page.inputValue('#session-form input[name=place]'), '村委会大院');
  await page.fill('#session-form input[name=hours]', '1.5');
  await submit(page, '#session-form');
  assert.match(new URL(page.url()).pathname, /^\/sessions\/\d+$/);
  const sessionUrl = page.url();
  assert.match(await page.textContent('#session'), new RegExp(teacherName));
  assert.match(await page.textContent('#session'), /20:00/); // China time, as typed
  assert.equal((await page.textContent('#enrolled')).trim(), '0 / 1');

  // Enrol the first: a seat.
  await page.fill('#enrol-search input[name=q]', first);
  await page.waitForSelector(`#enrol-results tr:has(td:text-is("${first}")) button`);
  await submit(page, `#enrol-results tr:has(td:text-is("${first}")) #enrol-form`);
  assert.match(await page.textContent('#enrol-done'), /已报名/);
  assert.equal((await page.textContent('#enrolled')).trim(), '1 / 1');

  // The second: the session is full, so the waiting list.
  await page.fill('#enrol-search input[name=q]', second);
  await page.waitForSelector(`#enrol-results tr:has(td:text-is("${second}")) button`);
  await submit(page, `#enrol-results tr:has(td:text-is("${second}")) #enrol-form`);
  assert.match(await page.textContent('#enrol-done'), /名额已满，已列入候补名单/);
  assert.equal((await page.textContent('#waiting')).trim(), '1');
  assert.match(await page.textContent(`#roster tr:has(td:text-is("${second}"))`), /候补/);
  await page.screenshot({ path: 'build/screenshots/admin-session.png' });

  // The first again: refused, in Chinese, beside the form.
  await page.fill('#enrol-search input[name=q]', first);
  await page.waitForSelector(`#enrol-results tr:has(td:text-is("${first}")) button`);
  const again = await submit(page, `#enrol-results tr:has(td:text-is("${first}")) #enrol-form`);
  assert.equal(again.status(), 409);
  assert.match(await page.textContent('#enrol-error'), /已在本课次名单上/);

  // The session list links to the session and to adding one.
  await page.goto(base + '/sessions');
  assert.ok(await page.isVisible('#new-session'));

  // The annual plan of this year (the demo made one for every school):
  // the themed-class batch of 文亭街道党校 counts our session as held.
  const held = await planRow(page, base + '/plans', '文亭街道党校', '主题培训班');
  assert.ok(held, 'the school has a themed-class batch this year');
  assert.ok(Number(held[5]) >= 1, `held sessions ${held[5]}`);
  assert.match(held[4], /^\d+$/); // planned, beside held
  await page.screenshot({ path: 'build/screenshots/admin-plans.png' });

  // A plan for a later year (one this run picks, so that a rerun on the
  // same server finds it free), in one batch: planned 12, none held yet.
  const next = String(2040 + (parseInt(suffix, 36) % 60));
  await page.goto(base + '/plans/new');
  await page.selectOption('#plan-form select[name=school_id]', school);
  await page.fill('#plan-form input[name=year]', next);
  await page.fill('#plan-form input[name=title]', `${next}年度培训计划`);
  await page.selectOption('#plan-form select[name=type_1]', 'themed_class');
  await page.fill('#plan-form input[name=from_1]', `${next}-01-01`);
  await page.fill('#plan-form input[name=to_1]', `${next}-12-31`);
  await page.fill('#plan-form input[name=sessions_1]', '12');
  await page.fill('#plan-form input[name=persons_1]', '300');
  const made = await submit(page, '#plan-form');
  assert.equal(made.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/plans');
  const row = await planRow(page, page.url(), '文亭街道党校', '主题培训班');
  assert.deepEqual(row.slice(4), ['12', '0', '300', '0']);
  // A second plan for the same school and year is refused beside the year.
  await page.goto(base + '/plans/new');
  await page.selectOption('#plan-form select[name=school_id]', school);
  await page.fill('#plan-form input[name=year]', next);
  await page.fill('#plan-form input[name=title]', 'again');
  await page.selectOption('#plan-form select[name=type_1]', 'weekly_lesson');
  await page.fill('#plan-form input[name=from_1]', `${next}-03-01`);
  await page.fill('#plan-form input[name=to_1]', `${next}-03-31`);
  await page.fill('#plan-form input[name=sessions_1]', '4');
  await page.fill('#plan-form input[name=persons_1]', '40');
  const dup = await submit(page, '#plan-form');
  assert.equal(dup.status(), 409);
  assert.match(await page.textContent('#plan-form .field-error'), /已有培训计划/);
  await page.goto(sessionUrl);
  await ctx.close();
});

test("admin-1.4 a township admin cannot open another township's program", async () => {
  const { ctx, page } = await newPage();
  // The county admin opens a program at 永昌街道's school.
  await logIn(page, 'county_admin');
  await page.goto(base + '/programs/new');
  await page.selectOption('#program-form select[name=type]', 'weekly_lesson');
  const school = await page.$eval('#program-form select[name=school_id]', (s) =>
    [...s.options].find((o) => o.textContent === '永昌街道党校').value);
  await page.selectOption('#program-form select[name=school_id]', school);
  await page.fill('#program-form input[name=title]', '永昌每周一课' + suffix);
  await page.fill('#program-form input[name=from]', today);
  await page.fill('#program-form input[name=to]', today);
  await submit(page, '#program-form');
  const other = new URL(page.url()).pathname;
  assert.match(other, /^\/programs\/\d+$/);
  await ctx.close();

  const b = await newPage();
  await logIn(b.page, 'school_admin'); // 文亭街道
  const r = await b.page.goto(base + other);
  assert.equal(r.status(), 404);
  assert.match(await b.page.textContent('body'), /没有这个培训班/);
  // Nor can it add a session to it (posted from one of its own pages,
  // with its CSRF token).
  await b.page.goto(base + '/programs');
  const post = await b.page.evaluate(async (url) => {
    const csrf = document.querySelector('input[name=_csrf]')?.value || '';
    const res = await fetch(url + '/sessions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, place: 'x', hours: '1', capacity: '5',
        starts_at: '2026-01-01T09:00', ends_at: '2026-01-01T10:00' }),
    });
    return res.status;
  }, base + other);
  assert.equal(post, 404);
  // On a session of its own township, a person of another township's
  // roster is refused in Chinese, not with a 500.
  const stranger = await (async () => {
    const c = await newPage();
    await logIn(c.page, 'county_admin');
    await c.page.goto(base + '/people?township=371723002');
    const href = await c.page.getAttribute('#people-table tbody tr a', 'href');
    await c.ctx.close();
    return href.split('/').pop();
  })();
  await b.page.goto(programUrl);
  await Promise.all([b.page.waitForNavigation(), b.page.click('#program-sessions tbody a')]);
  const refused = await b.page.evaluate(async ([url, pid]) => {
    const csrf = document.querySelector('input[name=_csrf]').value;
    const res = await fetch(url + '/enroll', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, person_id: pid }),
    });
    return [res.status, await res.text()];
  }, [b.page.url(), stranger]);
  assert.equal(refused[0], 422);
  assert.match(refused[1], /其他镇街的花名册/);
  // Its own list and forms offer only its own school.
  await b.page.goto(base + '/programs/new');
  const opts = await b.page.$$eval('#program-form select[name=school_id] option', (o) => o.map((x) => x.textContent));
  assert.deepEqual(opts, ['文亭街道党校']);
  await b.page.goto(base + '/programs');
  assert.doesNotMatch(await b.page.textContent('#program-table'), /永昌/);
  // And it may not add a county teacher.
  await b.page.goto(base + '/teachers/new');
  const levels = await b.page.$$eval('#teacher-form select[name=level] option', (o) => o.map((x) => x.value));
  assert.deepEqual(levels, ['township', 'invited']);
  await b.ctx.close();
  if (programUrl) assert.ok(programUrl.startsWith(base));
});
