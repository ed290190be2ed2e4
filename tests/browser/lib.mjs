// tests/browser/lib.mjs - what the browser test files share: chromium
// (Debian's, driven by playwright-core), a context per user, logging in,
// and a phone in WeChat's browser. tests/run.sh starts the server on a
// demo database and passes its address in DX_BASE_URL.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const base = process.env.DX_BASE_URL;
export const password = process.env.DX_PASSWORD || 'Dangxiao@2026';
export const wechatUA =
  'Mozilla/5.0 (Linux; Android 13; V2055A) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 ' +
  'MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN';
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: wechatUA };

export async function launch() {
  assert.ok(base, 'DX_BASE_URL must name the running server (tests/run.sh sets it)');
  mkdirSync('build/screenshots', { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-dev-shm-usage'],
  });
}

// A context and page; `problems` collects console errors and CSP
// violations, which a page of ours must never cause (a form answered 422
// on purpose is not one).
export async function newPage(browser, opts = {}) {
  const ctx = await browser.newContext({ locale: 'zh-CN', ...opts });
  ctx.setDefaultTimeout(10000);
  const page = await ctx.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  return { ctx, page, problems };
}

export async function logIn(page, name, pw = password) {
  await page.goto(base + '/login');
  await page.fill('#login-form input[name=username]', name);
  await page.fill('#login-form input[name=password]', pw);
  await Promise.all([
    page.waitForNavigation(),
    page.click('#login-form button[type=submit]'),
  ]);
}

export async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}
