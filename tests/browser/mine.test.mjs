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
