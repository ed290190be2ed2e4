// tests/browser/mine.test.mjs - a teacher's own page: its rating totals
// as the API gives them, its sessions, and no single rating.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { base, launch, newPage, logIn } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

test('ui-3.2 a teacher sees its own rating totals and sessions', async () => {
  const { ctx, page, problems } = await newPage(browser);
  await logIn(page, 'teacher');
  await page.click('nav a[href="/me/teaching"]');
  await page.waitForURL(/\/me\/teaching$/);
  assert.equal(await page.textContent('main h1'), '我的授课');
  const api = await page.evaluate(async () => (await fetch('/api/v1/me/teaching')).json());
  assert.equal(await page.textContent('#rating-count'), String(api.rating.evaluations));
  assert.equal(await page.textContent('#rating-mean'), api.rating.mean.toFixed(1));
  assert.match(await page.textContent('#rating-excellent'), new RegExp(`\\(${api.rating.excellent}\\)`));
  assert.ok(await page.locator('#my-sessions tbody tr').count() > 0);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('ui-3.4 a county admin links a teacher record to a teacher account', async () => {
  const { ctx, page, problems } = await newPage(browser);
  await logIn(page, 'county_admin');
  await page.goto(base + '/teachers?level=county');
  await Promise.all([page.waitForNavigation(), page.locator('#teacher-table tbody a').first().click()]);
  // Not a teacher account: refused beside the field.
  await page.fill('#account-form input[name=username]', 'trainee');
  await Promise.all([page.waitForNavigation(), page.click('#account-form button[type=submit]')]);
  assert.match(await page.textContent('#account-form'), /没有这个教师账号/);
  await page.fill('#account-form input[name=username]', 'teacher');
  await Promise.all([page.waitForNavigation(), page.click('#account-form button[type=submit]')]);
  assert.match(await page.textContent('#linked'), /已关联/);
  const name = (await page.textContent('main h1')).trim();
  // The teacher now sees that record's totals.
  const t = await newPage(browser);
  await logIn(t.page, 'teacher');
  await t.page.goto(base + '/me/teaching');
  assert.ok((await t.page.textContent('main')).includes(name), `${name} is the teacher's record`);
  await t.ctx.close();
  assert.deepEqual(problems, []);
  await ctx.close();
});
