// tests/browser/ui.test.mjs - the UI shell in a real browser: Debian's
// chromium driven by playwright-core. The runner (tests/run.sh) starts the
// server on a demo database and passes its address in DX_BASE_URL.
//
// Cases: a wrong password shows the Chinese error; log in and see the home
// page in Chinese with real counts and the CSS loaded; log out; the login
// page on a phone in WeChat's browser has no sideways scroll; ?lang=en;
// accounts; the roster; villages and Party organisations (create, edit,
// dissolve with a reason, township scope).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const base = process.env.DX_BASE_URL;
const user = process.env.DX_USER || 'county_admin';
const password = process.env.DX_PASSWORD || 'Dangxiao@2026';
const wechatUA =
  'Mozilla/5.0 (Linux; Android 13; V2055A) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 ' +
  'MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN';

let browser;

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

async function newPage(opts = {}) {
  const ctx = await browser.newContext({ locale: 'zh-CN', ...opts });
  ctx.setDefaultTimeout(10000);
  const page = await ctx.newPage();
  return { ctx, page };
}

async function logIn(page, name = user, pw = password) {
  await page.goto(base + '/login');
  await page.fill('#login-form input[name=username]', name);
  await page.fill('#login-form input[name=password]', pw);
  await Promise.all([
    page.waitForNavigation(),
    page.click('#login-form button[type=submit]'),
  ]);
}

test('ui-1.1 a wrong password shows the error in Chinese', async () => {
  const { ctx, page } = await newPage();
  await page.goto(base + '/');
  assert.match(new URL(page.url()).pathname, /^\/login$/);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.match(await page.title(), /登录/);
  await logIn(page, user, 'not-the-password');
  const err = await page.textContent('.form-error');
  assert.match(err, /用户名或密码错误/);
  await ctx.close();
});

test('ui-1.2 log in and see the home page in Chinese, with real counts', async () => {
  const { ctx, page } = await newPage({ viewport: { width: 1280, height: 800 } });
  const css = [];
  page.on('response', (r) => {
    if (r.url().includes('/assets/app.css')) css.push(r.status());
  });
  await logIn(page);
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.match(await page.textContent('h1'), /首页/);
  assert.match(await page.textContent('#topbar'), new RegExp(user));
  assert.ok(await page.isVisible('nav#nav'));
  const nums = await page.$$eval('.stat .num', (els) => els.map((e) => e.textContent));
  assert.ok(nums.length >= 1, 'the home page shows counts');
  // The small demo county: 13 townships, 26 villages, 10 people in each.
  assert.deepEqual(nums, ['13', '26', '260']);
  assert.ok(css.length >= 1 && css.every((s) => s === 200 || s === 304), `css: ${css}`);
  // The red accent really comes from our stylesheet.
  const border = await page.$eval('#topbar', (e) => getComputedStyle(e).borderTopColor);
  assert.equal(border, 'rgb(200, 22, 29)');
  await page.screenshot({ path: 'build/screenshots/home.png' });
  await ctx.close();
});

test('ui-1.3 log out, and / sends you back to the log-in page', async () => {
  const { ctx, page } = await newPage();
  await logIn(page);
  await Promise.all([
    page.waitForNavigation(),
    page.click('#logout-form button[type=submit]'),
  ]);
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.goto(base + '/');
  assert.equal(new URL(page.url()).pathname, '/login');
  await ctx.close();
});

test('ui-1.4 the log-in page fits a phone in WeChat without sideways scroll', async () => {
  const { ctx, page } = await newPage({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
    userAgent: wechatUA,
  });
  await page.goto(base + '/login');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 391, `scrollWidth ${width} > 390`);
  await page.screenshot({ path: 'build/screenshots/login-phone.png' });
  // After logging in, an admin's 16 items are a drawer the menu button
  // opens, over the page; the page itself has no bottom bar.
  await logIn(page);
  assert.equal(await page.isVisible('#nav'), false);
  await page.click('#menu-button');
  const nav = await page.$eval('#nav', (e) => {
    const r = e.getBoundingClientRect();
    return { left: r.left, top: r.top, width: r.width, position: getComputedStyle(e).position,
      one: e.querySelector('a').getBoundingClientRect().height };
  });
  assert.equal(nav.position, 'fixed');
  assert.ok(nav.left === 0 && nav.top === 0 && nav.width < 390, JSON.stringify(nav));
  assert.ok(nav.one < 60, `a menu item is one line: ${nav.one}px`);
  await page.screenshot({ path: 'build/screenshots/menu-phone.png' });
  // Choosing an item opens its page with the drawer shut again.
  await Promise.all([page.waitForNavigation(), page.click('#nav a[href="/orgs"]')]);
  assert.equal(await page.isVisible('#nav'), false);
  await page.goto(base + '/');
  const w2 = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w2 <= 391, `home scrollWidth ${w2} > 390`);
  await page.screenshot({ path: 'build/screenshots/home-phone.png' });
  await ctx.close();
});

test('ui-1.4b a trainee\'s few items stay a bottom tab bar on a phone', async () => {
  const { ctx, page } = await newPage({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: wechatUA,
  });
  await logIn(page, 'trainee');
  assert.equal(await page.$('#menu-button'), null);
  const nav = await page.$eval('#nav', (e) => {
    const r = e.getBoundingClientRect();
    return { bottom: r.bottom, position: getComputedStyle(e).position, n: e.querySelectorAll('a').length };
  });
  assert.equal(nav.position, 'fixed');
  assert.ok(Math.abs(nav.bottom - 844) < 2);
  assert.ok(nav.n <= 5, `${nav.n} tabs`);
  await ctx.close();
});

test('ui-1.5 ?lang=en switches the page to English', async () => {
  const { ctx, page } = await newPage();
  await logIn(page);
  await page.goto(base + '/?lang=en');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.textContent('h1'), /Home/);
  // The choice sticks for the next page.
  await page.goto(base + '/');
  assert.match(await page.textContent('h1'), /Home/);
  await ctx.close();
});

test('ui-1.6 the sysadmin creates an account; a weak password is refused next to its field', async () => {
  const { ctx, page } = await newPage();
  await logIn(page, 'sysadmin');
  await page.goto(base + '/users');
  const name = 'ui_' + Date.now().toString(36);
  await page.fill('#user-form input[name=username]', name);
  await page.fill('#user-form input[name=password]', 'weak');
  await page.selectOption('#user-form select[name=role]', 'school_admin');
  await page.selectOption('#user-form select[name=township_code]', '371723003');
  await Promise.all([page.waitForNavigation(), page.click('#user-form button[type=submit]')]);
  assert.match(await page.textContent('#user-form .field-error'), /密码至少 8 个字符/);
  // The form keeps what was typed, except the password.
  assert.equal(await page.inputValue('#user-form input[name=username]'), name);
  assert.equal(await page.inputValue('#user-form select[name=township_code]'), '371723003');
  await page.fill('#user-form input[name=password]', 'Init!Pass2026');
  await Promise.all([page.waitForNavigation(), page.click('#user-form button[type=submit]')]);
  assert.match(await page.textContent('.notice'), new RegExp(name));
  assert.match(await page.textContent('table'), new RegExp(name));
  assert.match(await page.textContent('table'), /待改密码/);
  await ctx.close();
});

test('ui-1.7 a school admin adds a person, finds them by pinyin and reveals the ID on purpose', async () => {
  const { ctx, page } = await newPage();
  await logIn(page, 'school_admin');
  await page.goto(base + '/people/new');
  await page.fill('#person-form input[name=name]', '欧阳喆');
  await page.fill('#person-form input[name=id_number]', '371723198001010011'); // bad check digit
  await Promise.all([page.waitForNavigation(), page.click('#person-form button[type=submit]')]);
  assert.match(await page.textContent('#person-form .field-error'), /校验位/);
  await page.fill('#person-form input[name=id_number]', '37172319850615006x');
  await page.fill('#person-form input[name=phone]', '13812345678');
  await page.selectOption('#person-form select[name=political_status]', 'activist');
  // The village is chosen by name among the township's own.
  const villages = await page.$$eval('#person-form select[name=village_code] option', (os) => os.map((o) => o.value));
  assert.ok(villages.length > 1 && villages.slice(1).every((v) => v.startsWith('371723001')), villages.join());
  await page.selectOption('#person-form select[name=village_code]', villages[2]);
  const village = await page.$eval(`#person-form option[value="${villages[2]}"]`, (o) => o.textContent);
  await Promise.all([page.waitForNavigation(), page.click('#person-form button[type=submit]')]);
  assert.match(new URL(page.url()).pathname, /^\/people\/\d+$/);
  const masked = await page.textContent('#person');
  assert.match(masked, new RegExp(village));
  assert.match(masked, /文亭街道/);
  assert.match(masked, /371\*{11}006X/);
  assert.match(masked, /138\*{4}5678/);
  assert.doesNotMatch(masked, /37172319850615006X/);
  assert.match(masked, /女/);
  assert.match(masked, /1985年6月15日/); // dates as the county writes them
  await Promise.all([page.waitForNavigation(), page.click('#reveal')]);
  assert.match(await page.textContent('#person'), /37172319850615006X/);
  // The list finds her by pinyin initials, live as you type.
  await page.goto(base + '/people');
  await page.fill('#people-filters input[name=q]', 'oyz');
  await page.waitForFunction(() => document.querySelector('#people-table tbody')
    && /欧阳喆/.test(document.querySelector('#people-table tbody').textContent)
    && document.querySelectorAll('#people-table tbody tr').length === 1);
  assert.match(await page.textContent('#people-table'), /371\*{11}006X/);
  await page.fill('#people-filters input[name=q]', '');
  await page.waitForFunction(() => document.querySelectorAll('#people-table tbody tr').length > 1);
  await page.screenshot({ path: 'build/screenshots/people.png' });
  await ctx.close();
});

test('ui-1.8 a school admin imports a roster file and reads the report row by row', async () => {
  const { ctx, page } = await newPage();
  await logIn(page, 'school_admin');
  await page.goto(base + '/people');
  await Promise.all([page.waitForNavigation(), page.click('a[href="/people/import"]')]);
  assert.ok(await page.isVisible('#template'));
  const file = Buffer.from('\ufeff姓名,身份证号,手机号,政治面貌\r\n上官婉,440524188001010014,,群众\r\n错号,371723198001010011,,群众\r\n');
  await page.setInputFiles('#import-form input[name=file]', { name: '花名册.csv', mimeType: 'text/csv', buffer: file });
  await Promise.all([page.waitForNavigation(), page.click('#import-form button[type=submit]')]);
  const nums = await page.$$eval('#import-result .num', (els) => els.map((e) => e.textContent));
  assert.deepEqual(nums, ['2', '1', '1']);
  const row = await page.textContent('#rejected tbody tr');
  assert.match(row, /3/);
  assert.match(row, /身份证号/);
  assert.match(row, /校验位/);
  // The imported person is on the roster.
  await page.goto(base + '/people?q=' + encodeURIComponent('上官'));
  assert.match(await page.textContent('#people-table'), /上官婉/);
  assert.ok(await page.isVisible('#export-xlsx'));
  await ctx.close();
});

test('ui-1.9 a school admin edits a person (errors beside the field) and voids the record with a reason', async () => {
  const { ctx, page } = await newPage();
  await logIn(page, 'school_admin');
  await page.goto(base + '/people?q=' + encodeURIComponent('上官婉'));
  await Promise.all([page.waitForNavigation(), page.click('#people-table tbody a')]);
  const url = page.url();
  await page.fill('#edit-form input[name=phone]', '123');
  await Promise.all([page.waitForNavigation(), page.click('#edit-form button[type=submit]')]);
  assert.match(await page.textContent('#edit-form .field-error'), /手机号/);
  await page.fill('#edit-form input[name=phone]', '13955556666');
  await page.check('#edit-form input[value=returned_talent]');
  await page.selectOption('#edit-form select[name=political_status]', 'activist');
  await Promise.all([page.waitForNavigation(), page.click('#edit-form button[type=submit]')]);
  assert.equal(page.url(), url);
  const rec = await page.textContent('#person');
  assert.match(rec, /139\*{4}6666/);
  assert.match(rec, /回引人才/);
  assert.match(rec, /入党积极分子/);
  await page.fill('#void-form input[name=reason]', '重复录入');
  await Promise.all([page.waitForNavigation(), page.click('#void-form button[type=submit]')]);
  assert.match(await page.textContent('#voided'), /重复录入/);
  assert.equal(await page.$('#edit-form'), null);
  await page.goto(base + '/people?q=' + encodeURIComponent('上官婉'));
  assert.doesNotMatch(await page.textContent('#people-table tbody'), /上官婉/);
  await ctx.close();
});

// Submits a form by its button and waits for the page that answers.
async function submit(page, form) {
  await Promise.all([page.waitForNavigation(), page.click(`${form} button[type=submit]`)]);
}

async function noSidewaysScroll(page, what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 391, `${what}: scrollWidth ${w} > 390`);
}

test('ui-1.10 a school admin creates, edits and dissolves a Party organisation, on a phone', async () => {
  const { ctx, page } = await newPage({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: wechatUA,
  });
  await logIn(page, 'school_admin');
  await page.goto(base + '/orgs');
  assert.match(await page.textContent('h1'), /党组织/);
  assert.match(await page.textContent('#nav a.on'), /党组织/);
  // A school admin has no township filter: the list is its own township.
  assert.equal(await page.$('#kind-filters select[name=township]'), null);
  assert.doesNotMatch(await page.textContent('#kind-table tbody'), /永昌街道/);
  await Promise.all([page.waitForNavigation(), page.click('a[href="/orgs/new"]')]);
  await noSidewaysScroll(page, 'new organisation');
  // Its own township is fixed; the villages are that township's.
  assert.equal(await page.inputValue('#org-form input[disabled]'), '文亭街道');
  const villages = await page.$$eval('#org-form select[name=village_code] option', (os) => os.map((o) => o.value));
  assert.deepEqual(villages, ['', '371723001001', '371723001002']);
  await page.selectOption('#org-form select[name=type]', 'community');
  await submit(page, '#org-form'); // no name
  assert.match(await page.textContent('#org-form .field-error'), /请输入名称/);
  assert.equal(await page.inputValue('#org-form select[name=type]'), 'community');
  await page.fill('#org-form input[name=name]', '富民社区第二党支部');
  await page.selectOption('#org-form select[name=village_code]', '371723001002');
  await submit(page, '#org-form');
  assert.match(new URL(page.url()).pathname, /^\/orgs\/\d+$/);
  const url = page.url();
  let rec = await page.textContent('#org');
  assert.match(rec, /社区党组织/);
  assert.match(rec, /文亭街道/);
  assert.match(rec, /富民社区/);
  await noSidewaysScroll(page, 'organisation page');
  await page.screenshot({ path: 'build/screenshots/org-phone.png', fullPage: true });
  // Edit: a blank name is refused beside the field and changes nothing.
  await page.fill('#edit-form input[name=name]', '');
  await submit(page, '#edit-form');
  assert.match(await page.textContent('#edit-form .field-error'), /请输入名称/);
  assert.match(await page.textContent('h1'), /富民社区第二党支部/);
  await page.fill('#edit-form input[name=name]', '富民社区联合党支部');
  await page.selectOption('#edit-form select[name=type]', 'rural');
  await page.selectOption('#edit-form select[name=village_code]', '');
  await submit(page, '#edit-form');
  assert.equal(page.url(), url);
  assert.match(await page.textContent('h1'), /富民社区联合党支部/);
  rec = await page.textContent('#org');
  assert.match(rec, /农村党组织/);
  assert.match(rec, /村\(社区\)—/); // the village cleared
  // The list finds it by name as one types.
  await page.goto(base + '/orgs');
  await page.fill('#kind-filters input[name=q]', '联合党支部');
  await page.waitForFunction(() => document.querySelectorAll('#kind-table tbody tr[data-id]').length === 1
    && /富民社区联合党支部/.test(document.querySelector('#kind-table tbody').textContent));
  assert.match(await page.textContent('#kind-table tbody'), /农村党组织/);
  await noSidewaysScroll(page, 'organisation list');
  // Dissolve it: the reason is required and stays with the record.
  await page.goto(url);
  await page.fill('#void-form input[name=reason]', '与富民社区党支部合并');
  await submit(page, '#void-form');
  assert.equal(page.url(), url);
  assert.match(await page.textContent('#voided'), /已撤销.*与富民社区党支部合并/);
  assert.equal(await page.$('#edit-form'), null);
  assert.equal(await page.$('#void-form'), null);
  await page.goto(base + '/orgs?q=' + encodeURIComponent('联合党支部'));
  assert.equal(await page.$$eval('#kind-table tbody tr[data-id]', (rs) => rs.length), 0);
  await ctx.close();
});

test('ui-1.11 a school admin adds a village, renames it and dissolves it with a reason', async () => {
  const { ctx, page } = await newPage();
  await logIn(page, 'school_admin');
  await page.goto(base + '/villages');
  await Promise.all([page.waitForNavigation(), page.click('a[href="/villages/new"]')]);
  await page.fill('#village-form input[name=name]', '新河社区');
  await page.fill('#village-form input[name=code]', '3717230010');
  await submit(page, '#village-form');
  assert.match(await page.textContent('#village-form .field-error'), /12位数字/);
  assert.equal(await page.inputValue('#village-form input[name=name]'), '新河社区');
  await page.fill('#village-form input[name=code]', '371723001091');
  await submit(page, '#village-form');
  assert.match(new URL(page.url()).pathname, /^\/villages\/\d+$/);
  const url = page.url();
  assert.match(await page.textContent('#village'), /371723001091/);
  assert.match(await page.textContent('#village'), /文亭街道/);
  await page.fill('#edit-form input[name=name]', '');
  await submit(page, '#edit-form');
  assert.match(await page.textContent('#edit-form .field-error'), /请输入名称/);
  await page.fill('#edit-form input[name=name]', '新河村');
  await submit(page, '#edit-form');
  assert.equal(page.url(), url);
  assert.match(await page.textContent('h1'), /新河村/);
  // The new village can hold an organisation.
  await page.goto(base + '/orgs/new');
  assert.ok((await page.$$eval('#org-form select[name=village_code] option', (os) => os.map((o) => o.textContent)))
    .includes('新河村'));
  await page.goto(base + '/villages?q=' + encodeURIComponent('新河'));
  assert.match(await page.textContent('#kind-table tbody'), /新河村/);
  await page.goto(url);
  await page.fill('#void-form input[name=reason]', '撤村并居');
  await submit(page, '#void-form');
  assert.match(await page.textContent('#voided'), /撤村并居/);
  assert.match(await page.textContent('#village'), /\d{4}年\d{1,2}月\d{1,2}日/);
  assert.equal(await page.$('#edit-form'), null);
  await page.goto(base + '/villages?q=' + encodeURIComponent('新河'));
  assert.equal(await page.$$eval('#kind-table tbody tr[data-id]', (rs) => rs.length), 0);
  assert.match(await page.textContent('#kind-table tbody'), /没有符合条件的记录/);
  await ctx.close();
});

test("ui-1.12 school_admin2 can neither open nor dissolve school_admin's organisation", async () => {
  const a = await newPage();
  await logIn(a.page, 'school_admin');
  await a.page.goto(base + '/orgs');
  const href = await a.page.getAttribute('#kind-table tbody a', 'href');
  assert.match(href, /^\/orgs\/\d+$/);
  const b = await newPage();
  await logIn(b.page, 'school_admin2');
  const r = await b.page.goto(base + href);
  assert.equal(r.status(), 404);
  assert.match(await b.page.textContent('main'), /没有这个党组织/);
  // Nor by posting the forms by hand, with a good CSRF token of its own.
  await b.page.goto(base + '/orgs/new');
  const csrf = await b.page.inputValue('#org-form input[name=_csrf]');
  const v = await b.page.request.post(base + href + '/void', { form: { _csrf: csrf, reason: 'x' }, maxRedirects: 0 });
  assert.equal(v.status(), 404);
  const e = await b.page.request.post(base + href, { form: { _csrf: csrf, name: 'x', type: 'rural' }, maxRedirects: 0 });
  assert.equal(e.status(), 404);
  const c = await b.page.request.post(base + '/orgs',
    { form: { _csrf: csrf, name: 'x', type: 'rural', township_code: '371723001' }, maxRedirects: 0 });
  assert.equal(c.status(), 403);
  await a.page.goto(base + href);
  assert.equal(await a.page.$('#voided'), null);
  assert.ok(await a.page.isVisible('#edit-form'));
  await a.ctx.close();
  await b.ctx.close();
});

test('ui-1.13 a county admin filters by township, and the village select follows the township chosen', async () => {
  const { ctx, page } = await newPage();
  await logIn(page);
  await page.goto(base + '/orgs');
  await page.selectOption('#kind-filters select[name=township]', '371723003');
  await submit(page, '#kind-filters');
  const towns = await page.$$eval('#kind-table tbody tr[data-id] td:nth-child(3)', (ts) => ts.map((t) => t.textContent));
  assert.ok(towns.length > 0 && towns.every((t) => t === '大田集镇'), `townships: ${towns}`);
  await page.goto(base + '/orgs/new');
  await page.fill('#org-form input[name=name]', '大田集镇机关党支部');
  await page.selectOption('#org-form select[name=type]', 'government');
  await page.selectOption('#org-form select[name=township_code]', '371723003');
  await page.waitForFunction(() => [...document.querySelectorAll('#org-form select[name=village_code] option')]
    .some((o) => o.value.startsWith('371723003')));
  const villages = await page.$$eval('#org-form select[name=village_code] option', (os) => os.map((o) => o.value));
  assert.ok(villages.slice(1).every((v) => v.startsWith('371723003')), `villages: ${villages}`);
  // The typed name survives the reload of the village select.
  assert.equal(await page.inputValue('#org-form input[name=name]'), '大田集镇机关党支部');
  await page.selectOption('#org-form select[name=village_code]', villages[1]);
  await submit(page, '#org-form');
  assert.match(new URL(page.url()).pathname, /^\/orgs\/\d+$/);
  assert.match(await page.textContent('#org'), /大田集镇/);
  assert.match(await page.textContent('#org'), /机关党组织/);
  await ctx.close();
});

test('ui-1.14 a declared kind\'s list: a header sorts, the filters hold, a record is added with every error beside its field', async () => {
  const { ctx, page } = await newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await logIn(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(base + '/honours');
  assert.equal(await page.textContent('main h1'), '荣誉与证照');
  // Newest first, then oldest first by the date header.
  const iso = (t) => t.replace(/(\d+)年(\d+)月(\d+)日/, (_, y, m, d) => `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`);
  const dates = async () => (await page.$$eval('#kind-table tbody tr[data-id] td:nth-child(5)',
    (ts) => ts.map((t) => t.textContent))).map(iso);
  const before = await dates();
  assert.ok(before.length > 1);
  assert.deepEqual(before, [...before].sort().reverse(), 'newest first');
  await Promise.all([page.waitForNavigation(), page.click('#kind-table th a.sort:has-text("颁发日期")')]);
  assert.equal(await page.getAttribute('#kind-table th[aria-sort]', 'aria-sort'), 'ascending');
  const after = await dates();
  assert.deepEqual(after, [...after].sort(), 'oldest first');
  await page.selectOption('#kind-filters select[name=township]', '371723003');
  await submit(page, '#kind-filters');
  const towns = await page.$$eval('#kind-table tbody tr[data-id] td:nth-child(1)', (ts) => ts.map((t) => t.textContent));
  assert.ok(towns.length > 0 && towns.every((t) => t === '大田集镇'), `townships: ${towns}`);
  assert.match(await page.getAttribute('#kind-xlsx', 'href'), /township=371723003/);
  await page.screenshot({ path: 'build/screenshots/kind-list.png' });
  // A new record: three bad fields, each message beside its own.
  await Promise.all([page.waitForNavigation(), page.click('#kind-new')]);
  await page.selectOption('#honour-form select[name=township_code]', '371723003');
  await page.fill('#honour-form input[name=issuer]', '中共成武县委');
  await submit(page, '#honour-form');
  const errs = await page.$$eval('#honour-form .field-error', (es) => es.map((e) => e.textContent));
  assert.ok(errs.some((e) => /类别/.test(e)) && errs.some((e) => /名称/.test(e)) && errs.some((e) => /颁发日期/.test(e)), `errors: ${errs}`);
  assert.equal(await page.inputValue('#honour-form input[name=issuer]'), '中共成武县委');
  await page.selectOption('#honour-form select[name=kind]', 'honour');
  await page.fill('#honour-form input[name=title]', '县级先进党校');
  await page.fill('#honour-form input[name=issued_on]', '2026-07-01');
  await submit(page, '#honour-form');
  assert.match(new URL(page.url()).pathname, /^\/honours\/\d+$/);
  assert.match(await page.textContent('#honour'), /2026年7月1日/);
  assert.match(await page.textContent('#honour'), /大田集镇/);
  assert.deepEqual(problems, []);
  await ctx.close();
});

test('ui-2.1 the classroom screen shows the code; a phone follows it, logs in, checks in and rates', async () => {
  // A session starting now in 文亭街道, made through the API as the school admin.
  const admin = await newPage();
  await logIn(admin.page, 'school_admin');
  await admin.page.goto(base + '/');
  const api = async (method, path, json) => {
    const r = await admin.page.evaluate(async ([m, p, j]) => {
      const csrf = document.querySelector('#logout-form input[name=_csrf]')?.value;
      const res = await fetch(p, { method: m, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf || '' },
        body: j ? JSON.stringify(j) : undefined });
      return { status: res.status, body: await res.json() };
    }, [method, path, json]);
    return r;
  };
  const schools = await api('GET', '/api/v1/schools');
  assert.equal(schools.status, 200, JSON.stringify(schools.body));
  const school = schools.body.items[0];
  const room = (await api('GET', `/api/v1/schools/${school.id}/rooms`)).body.items[0];
  const course = (await api('GET', '/api/v1/courses?per_page=1')).body.items[0];
  const day = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
  const program = await api('POST', '/api/v1/programs', { type: 'weekly_lesson', school_id: school.id, title: '浏览器测试', from: day, to: day });
  assert.equal(program.status, 201, JSON.stringify(program.body));
  const t = (m) => new Date(Date.now() + m * 60000 + 8 * 3600000).toISOString().slice(0, 16);
  const sess = await api('POST', '/api/v1/sessions', { program_id: program.body.id, course_id: course.id,
    teacher_id: course.teacher_ids[0], starts_at: t(-5), ends_at: t(115), room_id: room.id, hours: 2, capacity: 40 });
  assert.equal(sess.status, 201, JSON.stringify(sess.body));

  // The admin opens the display page: a QR code and the address it holds.
  await admin.page.goto(`${base}/sessions/${sess.body.id}/display`);
  const img = admin.page.locator('#code img.qr');
  await img.waitFor();
  assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'the QR code renders');
  const url = await admin.page.getAttribute('#checkin-url', 'href');
  assert.match(url, /\/c\/\d+\.\d+\.[0-9a-f]{16}$/);
  await admin.page.screenshot({ path: 'build/screenshots/ui-2.1-display.png' });

  // A trainee's phone, not logged in, opens the code's address.
  const phone = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: wechatUA });
  await phone.page.goto(url.replace(/^https?:\/\/[^/]+/, base));
  assert.match(new URL(phone.page.url()).pathname, /^\/login$/);
  await phone.page.fill('#login-form input[name=username]', 'trainee');
  await phone.page.fill('#login-form input[name=password]', password);
  await Promise.all([phone.page.waitForNavigation(), phone.page.click('#login-form button[type=submit]')]);
  // Back on the class's check-in page without a second scan: it names
  // the class, and nothing is written until the button is pressed.
  await phone.page.locator('#checkin-form').waitFor();
  assert.equal(await phone.page.textContent('#checkin-class'), course.title);
  await Promise.all([phone.page.waitForNavigation(), phone.page.click('#checkin-form button[type=submit]')]);
  await phone.page.locator('#checkin-ok').waitFor();
  assert.equal(await phone.page.textContent('#checkin-ok'), '已签到');
  const scroll = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(scroll <= 1, `no sideways scroll on the phone (${scroll}px)`);
  await phone.page.screenshot({ path: 'build/screenshots/ui-2.1-phone-checkin.png' });
  await phone.page.fill('#rate-form input[name=content]', '95');
  await Promise.all([phone.page.waitForNavigation(), phone.page.click('#rate-form button[type=submit]')]);
  await phone.page.locator('#rated').waitFor();
  assert.match(await phone.page.textContent('main'), /优秀/);

  // The screen's count follows (it reloads itself).
  await admin.page.waitForFunction(() => document.querySelector('#attended')?.textContent === '1', null, { timeout: 15000 });
  // A second scan says so, and offers no second check-in.
  await phone.page.goto(url.replace(/^https?:\/\/[^/]+/, base));
  assert.match(await phone.page.textContent('body'), /已签到过/);
  assert.equal(await phone.page.locator('#checkin-form').count(), 0);
  // The printable sign-in sheet lists the enrolled, with room to sign.
  const someone = (await api('GET', '/api/v1/people?per_page=1')).body.items[0];
  assert.equal((await api('POST', `/api/v1/sessions/${sess.body.id}/enrollments`, { person_id: someone.id })).status, 201);
  await admin.page.goto(`${base}/sessions/${sess.body.id}/sheet`);
  assert.equal(await admin.page.textContent('main h1'), '签到表');
  assert.equal(await admin.page.locator('#sheet tbody tr').count(), 1 + 5);
  assert.match(await admin.page.textContent('#sheet'), new RegExp(someone.name));
  await phone.ctx.close();
  await admin.ctx.close();
});

test('ui-2.2 the county report page: every program type, figures from records and linked to them, charts', async () => {
  const { ctx, page } = await newPage({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await logIn(page, 'county_admin');
  await page.goto(base + '/report');
  assert.match(await page.textContent('main h1'), /全县工作报表/);
  assert.equal(await page.locator('#by-type tbody tr').count(), 8);
  const api = await page.evaluate(async () => (await fetch('/api/v1/reports/county')).json());
  assert.match(await page.textContent('#fig-schools'), new RegExp(`党校\\s*${api.schools}`));
  assert.match(await page.textContent('#fig-funds'), /下拨经费\s*—/);
  // A card shows a large count as 万, the exact count in its title and
  // data-count.
  const ev = page.locator('#fig-evaluations');
  assert.equal(Number(await ev.getAttribute('data-count')), api.evaluations);
  if (api.evaluations >= 10000) {
    assert.match(await ev.textContent(), new RegExp(`${(api.evaluations / 10000).toFixed(1)}万`));
    assert.equal(Number(await ev.locator('[title]').getAttribute('title')), api.evaluations);
  } else {
    assert.match(await ev.textContent(), new RegExp(`评价次数\\s*${api.evaluations}`));
  }
  assert.equal(await page.locator('#fig-funds a').count(), 0, 'a null figure has no records to link');
  // ECharts draws the chart; the table keeps the figures.
  await page.waitForSelector('#chart-by-type canvas');
  await page.waitForSelector('#chart-hours canvas');
  await page.screenshot({ path: 'build/screenshots/report.png', fullPage: true });
  // The page is valid UTF-8 (no heap bytes in a link) and every href
  // parses, with no bare "?".
  const bytesOk = await page.evaluate(async () => {
    const b = await (await fetch('/report')).arrayBuffer();
    try { new TextDecoder('utf-8', { fatal: true }).decode(b); return true; } catch { return false; }
  });
  assert.ok(bytesOk, 'the report page is valid UTF-8');
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
  for (const h of hrefs) {
    assert.doesNotMatch(h, /[\x00-\x1f\x7f-\x9f\ufffd]|\?$|\?&/, h);
    assert.doesNotThrow(() => new URL(h, base), h);
  }
  // Every linked figure opens a list that counts exactly the figure.
  const figureValue = {
    'fig-schools': api.schools, 'fig-function-rooms': api.function_rooms, 'fig-schools-11n': api.schools_meeting_11n,
    'fig-teachers-county': api.teachers_county, 'fig-teachers-township': api.teachers_township,
    'fig-modules': api.modules, 'fig-courses': api.courses_published, 'fig-orders': api.orders,
    'fig-themed-classes': api.themed_classes, 'fig-villages-covered': api.village_training.villages_covered,
    'fig-village-persons': api.village_training.persons, 'fig-evaluations': api.evaluations,
    'fig-evaluators': api.evaluators, 'fig-skills-sessions': api.skills.sessions,
    'fig-skills-outreach': api.skills.outreach_sessions, 'fig-hours-meeting': api.study_hours.persons_meeting_target,
    'fig-hours-bound': api.study_hours.persons_total,
  };
  // Where each list shows its count.
  const countOn = (id, path) => ({
    '/schools': '#school-total', '/rooms': '#kind-total', '/teachers': '#teacher-table tfoot',
    '/courses': id === 'fig-modules' ? '#module-total' : '#course-total', '/orders': '#order-total',
    '/programs': '#program-total', '/report/villages': '#covered-total', '/hours': '#hours-total',
    '/teachers/ranking': id === 'fig-evaluators' ? '#rank-evaluators' : '#rank-evaluations',
    '/sessions': id === 'fig-village-persons' ? '#session-persons' : '#session-total',
  })[path];
  const links = await page.$$eval('.figure a', (as) => as.map((a) => [a.closest('.figure').id, a.getAttribute('href')]));
  assert.ok(links.length >= 17, `${links.length} linked figures`);
  for (const [id, href] of links) {
    if (!(id in figureValue)) continue; // the excellence rate: a rate, checked below
    const u = new URL(href, base);
    await page.goto(u.toString());
    const sel = countOn(id, u.pathname);
    assert.ok(sel, `a count for ${u.pathname}`);
    const n = Number((await page.textContent(sel)).match(/\d+/)[0]);
    assert.equal(n, figureValue[id], `${id} → ${href}`);
    // The list says what it counts: the same township and period.
    if (u.searchParams.has('from'))
      assert.match(await page.textContent('#scope'), new RegExp(`${Number(api.to.slice(5, 7))}月${Number(api.to.slice(8))}日`));
  }
  await page.goto(base + '/report');
  // A program type's figures open its sessions in the same range.
  const weekly = api.sessions_by_type.weekly_lesson.sessions;
  await Promise.all([page.waitForNavigation(), page.locator('#by-type tbody tr').first().locator('a').first().click()]);
  assert.equal(new URL(page.url()).searchParams.get('type'), 'weekly_lesson');
  assert.match(await page.textContent('#session-total'), new RegExp(`^${weekly} `));
  assert.equal(await page.textContent('#session-person-times'), String(api.sessions_by_type.weekly_lesson.person_times));
  assert.equal(await page.textContent('#session-persons'), String(api.sessions_by_type.weekly_lesson.persons));
  // The study-hours figures open the members meeting the target, with the same counts.
  await page.goBack();
  await Promise.all([page.waitForNavigation(), page.click('#fig-hours-meeting a')]);
  assert.equal(new URL(page.url()).pathname, '/hours');
  assert.equal(new URL(page.url()).searchParams.get('status'), 'meeting');
  for (const [id, n] of [['#hours-bound', api.study_hours.persons_total],
    ['#hours-meeting', api.study_hours.persons_meeting_target]]) {
    assert.equal(Number(await page.getAttribute(id, 'title')), n);
    assert.equal(await page.textContent(id), n >= 10000 ? `${(n / 10000).toFixed(1)}万` : String(n));
  }
  assert.equal(await page.textContent('#hours-total'), String(api.study_hours.persons_meeting_target));
  // The county teachers' figure opens the teacher pool, filtered the same way.
  await page.goBack();
  await Promise.all([page.waitForNavigation(), page.click('#fig-teachers-county a')]);
  assert.equal(new URL(page.url()).pathname, '/teachers');
  assert.match(await page.textContent('#teacher-table tfoot'), new RegExp(`\\b${api.teachers_county}$`));
  // The township filter narrows the report to one township.
  await page.goto(base + '/report');
  await page.selectOption('select[name=township]', '371723002');
  await Promise.all([page.waitForNavigation(), page.click('form.filters button')]);
  assert.match(await page.textContent('main h1'), /永昌街道/);
  assert.match(await page.textContent('#fig-schools'), /党校\s*1\b/);
  assert.deepEqual(problems, []);
  // A school admin sees its own township only, with no township field.
  const sa = await newPage();
  await logIn(sa.page, 'school_admin');
  await sa.page.goto(base + '/report');
  assert.equal(await sa.page.locator('select[name=township]').count(), 0);
  assert.match(await sa.page.textContent('#fig-schools'), /党校\s*1\b/);
  await sa.ctx.close();
  await ctx.close();
});

test('ui-2.3 a trainee on a phone orders a course and follows it on the schedule', async () => {
  const { ctx, page } = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: wechatUA });
  await logIn(page, 'trainee');
  await page.goto(base + '/me/courses');
  assert.equal(await page.textContent('main h1'), '点单选课');
  // A course the trainee has not ordered yet: the last on the first page.
  const item = page.locator('#courses li').last();
  const title = (await item.locator('strong').textContent()).trim();
  await Promise.all([page.waitForNavigation(), item.locator('button').click()]);
  assert.match(new URL(page.url()).pathname, /^\/me\/schedule$/);
  const orders = await page.textContent('#my-orders');
  assert.ok(orders.includes(title), `the order for ${title} shows`);
  assert.match(orders, /等待安排/);
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(scroll <= 1, `no sideways scroll (${scroll}px)`);
  // The same course again is refused politely.
  await page.goto(base + '/me/courses');
  const again = page.locator('#courses li').last();
  await Promise.all([page.waitForNavigation(), again.locator('button').click()]);
  assert.match(await page.textContent('body'), /已点过/);
  await ctx.close();
});

test('ui-2.4 a school admin records the 四有 check and turns course orders into a themed class', async () => {
  const { ctx, page } = await newPage();
  await logIn(page, 'school_admin');
  await page.goto(base + '/schools');
  assert.equal(await page.locator('#school-table tbody tr').count(), 1);
  await Promise.all([page.waitForNavigation(), page.locator('#school-table a').first().click()]);
  for (const name of ['fixed_site', 'teachers', 'equipment', 'books'])
    await page.check(`#check-form input[name=${name}]`);
  await Promise.all([page.waitForNavigation(), page.click('#check-form button[type=submit]')]);
  assert.match(await page.textContent('#checks'), /四有齐全/);
  // A function room of a configured kind; an empty name is refused beside it.
  const rooms = await page.locator('#rooms li').count();
  await page.selectOption('#room-form select[name=kind]', { index: 1 });
  await Promise.all([page.waitForNavigation(), page.click('#room-form button[type=submit]')]);
  assert.ok((await page.textContent('#room-form')).includes('请输入名称'), 'the error sits in the room form');
  const room = `书画室${Date.now() % 1000}`;
  await page.fill('#room-form input[name=name]', room);
  await Promise.all([page.waitForNavigation(), page.click('#room-form button[type=submit]')]);
  assert.equal(await page.locator('#rooms li').count(), rooms + 1);
  assert.match(await page.textContent('#rooms'), new RegExp(room));
  // The demo county has open orders: the most wanted course becomes a
  // class. (Columns: school, course, module, open, placed in the period,
  // accepted, declined.)
  await page.goto(base + '/orders');
  const first = page.locator('#demand tbody tr').first();
  const course = (await first.locator('td').nth(1).textContent()).trim();
  const wanted = Number((await first.locator('td').nth(3).textContent()).trim());
  assert.ok(wanted >= 1);
  await Promise.all([page.waitForNavigation(), first.locator('button').click()]);
  assert.equal(await page.textContent('main h1'), '签到表');
  assert.match(await page.textContent('main'), new RegExp(course.replace(/[()（）]/g, '.')));
  assert.equal(await page.locator('#sheet tbody tr').count(), wanted + 5);
  await ctx.close();
});
