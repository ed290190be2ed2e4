// The security administrator (secadmin, 安全管理员; SPEC §1, issue 9): the
// password, lockout and session policy in the database, every change
// audited and followed by every server on that database within seconds;
// the review of role changes; no business data.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, req, login, session, assertError, createUser, activate, sleep, DEMO_USERS,
} from './lib.mjs';

const uniq = () => Date.now().toString(36) + Math.floor(Math.random() * 1e4);
const FIELDS = ['lockout_threshold', 'lockout_seconds', 'session_idle_seconds',
  'session_absolute_seconds', 'password_max_age_days', 'token_max_age_days'];
const form = (o) => ({ body: new URLSearchParams(o).toString(),
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });

describe('security administrator', () => {
  let srv, base, sec, sys, aud;
  before(async () => {
    srv = await startServer({ env: { DANGXIAO_POLICY_REFRESH_SECONDS: '1' } });
    base = srv.base;
    [sec, sys, aud] = await Promise.all(['secadmin', 'sysadmin', 'auditor'].map((u) => session(base, u)));
  });
  after(async () => { if (srv) await srv.stop(); });

  const policy = async () => {
    const r = await sec('GET', '/api/v1/security/policy');
    assert.equal(r.status, 200, r.text);
    return r.json;
  };

  test('security-1.1 the policy: each field with its value, default and bounds; the settings are the defaults', async () => {
    const p = await policy();
    assert.deepEqual(Object.keys(p).sort(), [...FIELDS].sort());
    const want = { lockout_threshold: 5, lockout_seconds: 1800, session_idle_seconds: 1800,
      session_absolute_seconds: 43200, password_max_age_days: 90, token_max_age_days: 90 };
    for (const [k, v] of Object.entries(want)) {
      assert.equal(p[k].value, v, k);
      assert.equal(p[k].default, v, k);
      assert.equal(p[k].overridden, false);
      assert.ok(p[k].min <= v && v <= p[k].max, `${k} bounds`);
    }
  });

  test('security-1.2 a change is in force at once, audited with from and to', async () => {
    const r = await sec('PATCH', '/api/v1/security/policy', { json: { lockout_threshold: 3 } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.lockout_threshold.value, 3);
    assert.equal(r.json.lockout_threshold.overridden, true);
    assert.equal(r.json.lockout_threshold.updated_by, 'secadmin');
    assert.ok(r.json.lockout_threshold.updated_at);
    // Names lock after 3 now, existing and not.
    const username = 'lk_' + uniq();
    await createUser(sys, { username, password: 'Init!Pass2026', role: 'county_admin' });
    for (const name of [username, 'ghost_' + uniq()]) {
      for (let i = 0; i < 3; i++)
        assertError((await login(base, name, `Wrong!${i}abc`)).res, 401, 'bad_credentials');
      assertError((await login(base, name, 'Init!Pass2026')).res, 429, 'locked');
    }
    const rows = (await aud('GET', '/api/v1/audit?event=security_policy_change')).json.items;
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0].detail.lockout_threshold, { from: 5, to: 3, default: false });
    assert.equal(rows[0].username, 'secadmin');
    assert.equal(rows[0].role, 'secadmin');
  });

  test('security-1.3 bad changes are 422 naming the field and change nothing', async () => {
    const before_ = await policy();
    for (const [body, field] of [
      [{ lockout_threshold: 1 }, 'lockout_threshold'],
      [{ lockout_threshold: 999 }, 'lockout_threshold'],
      [{ lockout_threshold: '4' }, 'lockout_threshold'],
      [{ lockout_threshold: 4.5 }, 'lockout_threshold'],
      [{ session_idle_seconds: 0 }, 'session_idle_seconds'],
      [{ token_max_age_days: 0 }, 'token_max_age_days'],
      [{ session_idle_seconds: 3600, session_absolute_seconds: 600 }, 'session_absolute_seconds'],
      [{ minimum_length: 12 }, 'minimum_length'],
      [{ lockout_seconds: 600, nonsense: 1 }, 'nonsense'],
    ]) assertError(await sec('PATCH', '/api/v1/security/policy', { json: body }), 422, 'invalid_field', field);
    assertError(await sec('PATCH', '/api/v1/security/policy', { json: {} }), 422, 'missing_field');
    assertError(await sec('PATCH', '/api/v1/security/policy', { body: '[1]', headers: { 'Content-Type': 'application/json' } }),
      400, 'bad_json');
    assertError(await req(base, 'PATCH', '/api/v1/security/policy', { cookie: sec.cookie, json: { lockout_seconds: 60 } }),
      403, 'csrf');
    assert.deepEqual(await policy(), before_);
    assert.equal((await aud('GET', '/api/v1/audit?event=security_policy_change')).json.total, 1);
  });

  test('security-1.4 null puts a field back to its default', async () => {
    const r = await sec('PATCH', '/api/v1/security/policy', { json: { lockout_threshold: null } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.lockout_threshold.value, 5);
    assert.equal(r.json.lockout_threshold.overridden, false);
    const rows = (await aud('GET', '/api/v1/audit?event=security_policy_change')).json.items;
    assert.deepEqual(rows[0].detail.lockout_threshold, { from: 3, to: 5, default: true });
  });

  test('security-1.5 the session, token and password-age policy apply', async () => {
    const username = 'sp_' + uniq();
    const u = await createUser(sys, { username, password: 'Init!Pass2026', role: 'county_admin' });
    const s = await activate(base, username, 'Init!Pass2026', 'Final!Pass2026');
    // Idle time.
    assert.equal((await sec('PATCH', '/api/v1/security/policy', { json: { session_idle_seconds: 2 } })).status, 200);
    await sleep(3200);
    assertError(await s('GET', '/api/v1/me'), 401, 'unauthenticated');
    // Every idle session ended, the administrators' too.
    assertError(await sec('GET', '/api/v1/me'), 401, 'unauthenticated');
    [sec, sys, aud] = await Promise.all(['secadmin', 'sysadmin', 'auditor'].map((x) => session(base, x)));
    assert.equal((await sec('PATCH', '/api/v1/security/policy', { json: { session_idle_seconds: null } })).status, 200);
    // The cookie's life follows the absolute limit.
    assert.equal((await sec('PATCH', '/api/v1/security/policy', { json: { session_absolute_seconds: 7200 } })).status, 200);
    const l = await login(base, username, 'Final!Pass2026');
    assert.match(l.setCookie, /Max-Age=7200/);
    // Tokens made now end after token_max_age_days.
    assert.equal((await sec('PATCH', '/api/v1/security/policy', { json: { token_max_age_days: 7 } })).status, 200);
    const s2 = await session(base, username, 'Final!Pass2026');
    const t = (await s2('POST', '/api/v1/tokens', { json: { name: 'week' } })).json;
    assert.equal((Date.parse(t.expires_at) - Date.parse(t.created_at)) / 86400000, 7);
    // A password two days old expires under a one-day policy.
    srv.sql(`UPDATE users SET password_changed_at = password_changed_at - 2 * 86400 WHERE id = ${u.id}`);
    assert.equal((await login(base, username, 'Final!Pass2026')).body.user.must_change_password, false);
    assert.equal((await sec('PATCH', '/api/v1/security/policy', { json: { password_max_age_days: 1 } })).status, 200);
    assert.equal((await login(base, username, 'Final!Pass2026')).body.user.must_change_password, true);
    assert.equal((await sec('PATCH', '/api/v1/security/policy', { json: {
      session_absolute_seconds: null, token_max_age_days: null, password_max_age_days: null } })).status, 200);
  });

  test('security-1.6 only the security administrator sets the policy and reviews role changes', async () => {
    for (const who of DEMO_USERS.filter((u) => u !== 'secadmin')) {
      const s = await session(base, who);
      for (const [m, p, o] of [['GET', '/api/v1/security/policy'], ['GET', '/api/v1/security/role-changes'],
        ['PATCH', '/api/v1/security/policy', { json: { lockout_seconds: 60 } }]])
        assertError(await s(m, p, o), 403, 'forbidden');
      assert.equal((await s('GET', '/security')).status, 403, `${who} /security`);
      assert.equal((await s('POST', '/security', form({ _csrf: s.csrf, lockout_seconds: '60' }))).status, 403);
    }
    assertError(await req(base, 'GET', '/api/v1/security/policy'), 401, 'unauthenticated');
    const anon = await req(base, 'GET', '/security');
    assert.equal(anon.status, 303);
    assert.match(anon.headers.get('location'), /^\/login/);
    assert.equal((await policy()).lockout_seconds.value, 1800);
  });

  test('security-1.7 the security administrator sees no business data', async () => {
    for (const p of ['/api/v1/people', '/api/v1/reports/county', '/api/v1/sessions', '/api/v1/teachers',
      '/api/v1/villages', '/api/v1/orgs', '/api/v1/schools', '/api/v1/courses', '/api/v1/surveys',
      '/api/v1/hours/behind', '/api/v1/users', '/api/v1/audit', '/api/v1/people/export.csv'])
      assertError(await sec('GET', p), 403, 'forbidden');
    for (const p of ['/people', '/report', '/sessions', '/teachers', '/users', '/audit', '/hours'])
      assert.equal((await sec('GET', p)).status, 403, p);
    const home = await sec('GET', '/');
    assert.equal(home.status, 200);
    assert.match(home.text, /href="\/security"/);
    assert.match(home.text, /安全管理员/);
    assert.doesNotMatch(home.text, /href="\/people"|href="\/users"|href="\/audit"/);
  });

  test('security-1.8 role changes to review: accounts made with a role and roles changed, with from and to', async () => {
    const u = await createUser(sys, { username: 'rv_' + uniq(), password: 'Init!Pass2026', role: 'teacher',
      township_code: '371723005' });
    assert.equal((await sys('PATCH', `/api/v1/users/${u.id}`, { json: { role: 'school_admin' } })).status, 200);
    const r = await sec('GET', '/api/v1/security/role-changes?per_page=500');
    assert.equal(r.status, 200, r.text);
    const mine = r.json.items.filter((x) => x.user_id === u.id);
    assert.deepEqual(mine.map((x) => x.event), ['user_role_change', 'user_create']);
    assert.equal(mine[0].by, 'sysadmin');
    assert.equal(mine[0].detail.role_from, 'teacher');
    assert.equal(mine[0].detail.role_to, 'school_admin');
    assert.equal(mine[1].detail.role, 'teacher');
    assert.ok(r.json.items.every((x) => ['user_create', 'user_role_change'].includes(x.event)));
    // The demo's own accounts, the administrators among them, are there.
    assert.ok(r.json.items.some((x) => x.event === 'user_create' && x.detail.role === 'auditor'));
    assert.equal(r.json.total, r.json.items.length);
    const page = await sec('GET', '/security');
    assert.equal(page.status, 200);
    assert.match(page.text, /id="role-changes"/);
    assert.match(page.text, new RegExp(`user:${u.id}`));
    assert.match(page.text, /教师[^<]* → 镇街党校管理员/);
  });

  test('security-1.9 the 安全策略 page sets the policy too, with errors beside the field', async () => {
    const page = await sec('GET', '/security');
    assert.match(page.text, /安全策略/);
    assert.match(page.text, /name="lockout_threshold"/);
    const bad = await sec('POST', '/security', form({ _csrf: sec.csrf, lockout_threshold: '99' }));
    assert.equal(bad.status, 422);
    assert.match(bad.text, /超出允许的范围/);
    const nan = await sec('POST', '/security', form({ _csrf: sec.csrf, lockout_threshold: 'four' }));
    assert.equal(nan.status, 422);
    assert.equal((await policy()).lockout_threshold.value, 5);
    const ok = await sec('POST', '/security', form({ _csrf: sec.csrf, lockout_threshold: '4', lockout_seconds: '1800' }));
    assert.equal(ok.status, 303, ok.text.slice(0, 200));
    assert.equal(ok.headers.get('location'), '/security?saved=1');
    const p = await policy();
    assert.equal(p.lockout_threshold.value, 4);
    assert.equal(p.lockout_seconds.overridden, false, 'an unchanged value is not written');
    const reset = await sec('POST', '/security', form({ _csrf: sec.csrf, lockout_threshold: '4', reset: 'lockout_threshold' }));
    assert.equal(reset.status, 303);
    assert.equal((await policy()).lockout_threshold.overridden, false);
    const nocsrf = await req(base, 'POST', '/security', { cookie: sec.cookie, ...form({ lockout_threshold: '4' }) });
    assert.equal(nocsrf.status, 403, 'no CSRF field');
    assert.equal((await policy()).lockout_threshold.overridden, false);
  });

  test('security-1.10 every server on the database follows a change within its refresh interval', async () => {
    const b = await startServer({ db: { uri: srv.db, env: srv.dbh.env, drop() {} }, init: false,
      env: { DANGXIAO_POLICY_REFRESH_SECONDS: '1' } });
    try {
      const name = 'twin_' + uniq();
      assert.equal((await sec('PATCH', '/api/v1/security/policy', { json: { lockout_threshold: 3 } })).status, 200);
      await sleep(1500);
      for (let i = 0; i < 3; i++)
        assertError((await login(b.base, name, `Wrong!${i}abc`)).res, 401, 'bad_credentials');
      assertError((await login(b.base, name, 'x')).res, 429, 'locked');
      // And back, seen by B too.
      assert.equal((await sec('PATCH', '/api/v1/security/policy', { json: { lockout_threshold: null } })).status, 200);
      await sleep(1500);
      const other = 'twin2_' + uniq();
      for (let i = 0; i < 4; i++)
        assertError((await login(b.base, other, `Wrong!${i}abc`)).res, 401, 'bad_credentials');
    } finally {
      await b.stop();
    }
  });
});
