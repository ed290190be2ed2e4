// tests/browser/a11y.test.mjs - accessibility, by axe-core in Debian's
// chromium: every page of the navigation of every role (a trainee and a
// teacher on a phone, the others on a desktop), with a list's
// filters open, has no critical violation, and none of the rules an
// organisation department's pages broke before: a select with no
// accessible name, landmarks that are not unique, an empty table header,
// an input with no label.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const base = process.env.DX_BASE_URL;
const password = process.env.DX_PASSWORD || 'Dangxiao@2026';
const ALWAYS = new Set(['select-name', 'landmark-unique', 'empty-table-header', 'label',
  'button-name', 'link-name', 'duplicate-id-aria', 'landmark-no-duplicate-main']);

let browser;
before(async () => {
  assert.ok(base, 'DX_BASE_URL must name the running server (tests/run.sh sets it)');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'],
  });
});
after(async () => { if (browser) await browser.close(); });

// The violations axe finds on the page now, as "rule (impact): where".
async function violations(page) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact,
      where: v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ') }));
  });
  return found.filter((v) => v.impact === 'critical' || ALWAYS.has(v.id))
    .map((v) => `${v.id} (${v.impact}): ${v.where}`);
}

async function walk(who, opts) {
  // The page's CSP allows no script of ours: the test's own is let in.
  const ctx = await browser.newContext({ locale: 'zh-CN', bypassCSP: true, ...opts });
  ctx.setDefaultTimeout(10000);
  const page = await ctx.newPage();
  await page.goto(base + '/login');
  assert.deepEqual(await violations(page), [], 'the log-in page');
  await page.fill('#login-form input[name=username]', who);
  await page.fill('#login-form input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('#login-form button[type=submit]')]);
  const hrefs = await page.$$eval('#nav a[href^="/"]', (as) => [...new Set(as.map((a) => a.getAttribute('href')))]);
  assert.ok(hrefs.length >= 2, `${who} has a navigation`);
  const problems = [];
  for (const href of hrefs) {
    const r = await page.goto(base + href);
    if (r.status() !== 200) { problems.push(`${href}: ${r.status()}`); continue; }
    for (const v of await violations(page)) problems.push(`${href}: ${v}`);
    // A list's new-record form too, where the role may write.
    const add = await page.$('a#kind-new');
    if (add) {
      await page.goto(base + await add.getAttribute('href'));
      for (const v of await violations(page)) problems.push(`${href} new: ${v}`);
    }
  }
  await ctx.close();
  return { pages: hrefs.length, problems };
}

for (const [who, opts] of [
  ['county_admin', { viewport: { width: 1280, height: 800 } }],
  ['school_admin', { viewport: { width: 1280, height: 800 } }],
  ['trainee', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
  ['teacher', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
  ...['guide', 'auditor', 'sysadmin', 'secadmin'].map((u) => [u, { viewport: { width: 1280, height: 800 } }]),
]) {
  test(`a11y-1 every page of ${who}'s navigation passes axe-core`, async () => {
    const { pages, problems } = await walk(who, opts);
    assert.ok(pages > 0);
    assert.deepEqual(problems, [], `${problems.length} violations:\n${problems.join('\n')}`);
  });
}
