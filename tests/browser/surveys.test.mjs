// tests/browser/surveys.test.mjs - questionnaires in a real browser: a
// school admin builds one (adding a question without script), publishes
// it; a trainee answers on a phone in WeChat's browser; the admin sees the
// results drawn by ECharts beside their table, with no CSP violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { base, launch, newPage, logIn, submit, PHONE } from './lib.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

test('ui-3.1 build, publish, answer on a phone, see the results as a chart', async () => {
  const title = `培训需求调查 ${Date.now() % 100000}`;
  const admin = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  let page = admin.page;
  await logIn(page, 'school_admin');
  await page.goto(base + '/surveys');
  assert.equal(await page.textContent('main h1'), '问卷调查');
  await submit(page, '#new-survey');
  assert.equal(await page.locator('#survey-form fieldset.question').count(), 3);
  await page.fill('#survey-form input[name=title]', title);
  await page.fill('#survey-form input[name=q0_text]', '您最希望的培训时间');
  await page.fill('#survey-form textarea[name=q0_options]', '工作日白天\n工作日晚上\n周末\n');
  await page.selectOption('#survey-form select[name=q1_kind]', 'multi');
  await page.fill('#survey-form input[name=q1_text]', '想学哪些内容');
  await page.fill('#survey-form textarea[name=q1_options]', '种植养殖\n电商直播');
  // A fourth question: the form comes back with what was typed kept.
  await submit(page, '#add-question');
  assert.equal(await page.locator('#survey-form fieldset.question').count(), 4);
  assert.equal(await page.inputValue('#survey-form input[name=title]'), title);
  await page.selectOption('#survey-form select[name=q3_kind]', 'text');
  await page.fill('#survey-form input[name=q3_text]', '其他建议');
  await page.uncheck('#survey-form input[name=q3_required]');
  // A choice question with one choice is refused under its own row.
  await page.fill('#survey-form textarea[name=q1_options]', '种植养殖');
  await submit(page, '#survey-form button[type=submit]:not([name])');
  assert.match(await page.textContent('#q1'), /2–20 个选项/);
  await page.fill('#survey-form textarea[name=q1_options]', '种植养殖\n电商直播');
  await submit(page, '#survey-form button[type=submit]:not([name])');
  assert.match(new URL(page.url()).pathname, /^\/surveys\/\d+$/);
  const url = page.url();
  assert.equal(await page.textContent('#survey-status'), '草稿');
  await submit(page, '#publish');
  assert.equal(await page.textContent('#survey-status'), '进行中');
  assert.equal(await page.textContent('#responses'), '0');

  const phone = await newPage(browser, PHONE);
  await logIn(phone.page, 'trainee');
  await phone.page.goto(base + '/me/surveys');
  await submit(phone.page, `#my-surveys a:has-text("${title}")`);
  // Submitting without the required answers is refused at the question.
  await submit(phone.page, '#answer-form button[type=submit]');
  assert.match(await phone.page.textContent('#answer-form'), /必答/);
  await phone.page.check('#answer-form input[type=radio] >> nth=2');
  await phone.page.check('#answer-form input[type=checkbox] >> nth=0');
  await phone.page.check('#answer-form input[type=checkbox] >> nth=1');
  await phone.page.fill('#answer-form textarea', '希望晚上上课');
  await submit(phone.page, '#answer-form button[type=submit]');
  assert.match(await phone.page.textContent('#survey-done'), /已作答/);
  const scroll = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(scroll <= 1, `no sideways scroll (${scroll}px)`);
  await phone.page.goto(base + '/me/surveys');
  assert.match(await phone.page.textContent('#my-surveys'), /已作答/);
  await phone.page.screenshot({ path: 'build/screenshots/survey-phone.png' });
  assert.deepEqual(phone.problems, []);
  await phone.ctx.close();

  await page.goto(url);
  assert.equal(await page.textContent('#responses'), '1');
  const rows = await page.locator('#result-1 table tbody tr').allTextContents();
  assert.deepEqual(rows.map((r) => r.replace(/\s+/g, '')), ['工作日白天00.0%', '工作日晚上00.0%', '周末1100.0%']);
  assert.match(await page.textContent('#result-3'), /希望晚上上课/);
  // ECharts drew each choice question into a canvas.
  await page.waitForSelector('#chart-1 canvas');
  await page.waitForSelector('#chart-2 canvas');
  assert.match(await page.getAttribute('#survey-xlsx', 'href'), /results\.xlsx/);
  await page.screenshot({ path: 'build/screenshots/survey-results.png', fullPage: true });
  await submit(page, '#close');
  assert.equal(await page.textContent('#survey-status'), '已结束');
  assert.deepEqual(admin.problems, []);
  await admin.ctx.close();
});
