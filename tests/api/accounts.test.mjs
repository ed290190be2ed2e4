// Accounts: user creation, password policy, forced change, reuse, tokens,
// CSRF, disable/unlock.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, req, login, session, assertError, assertList, createUser,
  activate, DEMO_PASSWORD,
} from './lib.mjs';

const uniq = () => Date.now().toString(36) + Math.floor(Math.random() * 1e4);

describe('accounts', () => {
  let srv, base, sys;
  before(async () => {
    srv = await startServer();
    base = srv.base;
    sys = await session(base, 'sysadmin');
  });
  after(async () => { if (srv) await srv.stop(); });

  async function listUsers() {
    const r = await sys('GET', '/api/v1/users?per_page=500');
    return assertList(r, { perPage: 500 });
  }

  describe('create users', () => {
    test('accounts-1.1 sysadmin creates a user: 201 with must_change_password true', async () => {
      const username = 'new_' + uniq();
      const r = await sys('POST', '/api/v1/users',
        { json: { username, password: 'Init!Pass2026', role: 'county_admin' } });
      assert.equal(r.status, 201, r.text);
      for (const k of ['id', 'username', 'role', 'township_code', 'person_id', 'must_change_password'])
        assert.ok(k in r.json, `lacks ${k}: ${r.text}`);
      assert.equal(r.json.username, username);
      assert.equal(r.json.role, 'county_admin');
      assert.equal(r.json.township_code, null);
      assert.equal(r.json.must_change_password, true);
      assert.equal(typeof r.json.id, 'number');
      assert.ok(!JSON.stringify(r.json).includes('Init!Pass2026'), 'password echoed back');
      assert.ok(!('password' in r.json) && !('password_hash' in r.json));
    });

    test('accounts-1.2 a school_admin with a township is created with it', async () => {
      const r = await sys('POST', '/api/v1/users', { json: {
        username: 'sa_' + uniq(), password: 'Init!Pass2026', role: 'school_admin',
        township_code: '371723003' } });
      assert.equal(r.status, 201, r.text);
      assert.equal(String(r.json.township_code), '371723003');
      assert.equal(r.json.role, 'school_admin');
    });

    test('accounts-1.3 only sysadmin may create users: others 403 forbidden, nothing created', async () => {
      for (const who of ['county_admin', 'school_admin', 'teacher', 'trainee', 'guide', 'auditor']) {
        const s = await session(base, who);
        const username = 'by_' + who + '_' + uniq();
        const r = await s('POST', '/api/v1/users',
          { json: { username, password: 'Init!Pass2026', role: 'county_admin' } });
        assertError(r, 403, 'forbidden');
        const l = await login(base, username, 'Init!Pass2026');
        assertError(l.res, 401, 'bad_credentials');
      }
      const list = await listUsers();
      assert.ok(!list.items.some((u) => u.username.startsWith('by_')));
    });

    test('accounts-1.4 weak passwords are 422 weak_password field password', async () => {
      const username = 'wangwei2026';
      const weak = [
        'Ab1!xyz',        // 7 characters
        'abcdefgh',       // one class
        'abcdefgh12',     // two classes
        'ABCDEFGH!!',     // two classes
        'WangWei2026',    // the username, case-insensitively
        '6202IEWgnaw',    // the username reversed, case-insensitively
      ];
      for (const password of weak) {
        const r = await sys('POST', '/api/v1/users', { json: { username, password, role: 'county_admin' } });
        assertError(r, 422, 'weak_password', 'password');
      }
      // Nothing was created.
      assertError((await login(base, username, 'WangWei2026')).res, 401, 'bad_credentials');
      // Three classes and 8 characters, far from any word, are enough.
      const ok = await sys('POST', '/api/v1/users',
        { json: { username, password: 'Kq7vRm2x', role: 'county_admin' } });
      assert.equal(ok.status, 201, ok.text);
      const ok2 = await sys('POST', '/api/v1/users',
        { json: { username: 'sym_' + uniq(), password: 'ywpz9!qkrm', role: 'county_admin' } });
      assert.equal(ok2.status, 201, ok2.text);
    });

    test('accounts-1.9 the passwords the issue saw accepted are each 422 weak_password with a reason', async () => {
      const username = 'weak_' + uniq();
      for (const password of ['Password1', 'P@ssw0rd', 'Qwerty123', 'Abc12345', 'Aa1aaaaa',
        DEMO_PASSWORD, 'Chengwu@2026', `${username}#1A`, `${username.toUpperCase()}!x`,
        'abcdEF12', 'abcdefg1!']) {
        const r = await sys('POST', '/api/v1/users', { json: { username, password, role: 'county_admin' } });
        assertError(r, 422, 'weak_password', 'password');
        assert.ok(/[\u4e00-\u9fff]/.test(r.json.error.message), `a reason in Chinese for ${password}: ${r.text}`);
      }
      assertError((await login(base, username, 'Password1')).res, 401, 'bad_credentials');
      // The same policy on a password change.
      const u = 'wk_' + uniq();
      await createUser(sys, { username: u, password: 'Init!Pass2026', role: 'county_admin' });
      const s = await session(base, u, 'Init!Pass2026');
      for (const np of ['P@ssw0rd', DEMO_PASSWORD, 'Qwerty123!'])
        assertError(await s('POST', '/api/v1/me/password', { json: { old_password: 'Init!Pass2026', new_password: np } }),
          422, 'weak_password', 'new_password');
    });

    test('accounts-1.10 a password made of the linked person\'s name, birth date, ID number or phone is refused', async () => {
      const ca = await session(base, 'county_admin');
      // 张三丰, born 1980-01-01, ID 371723198001010010, phone 13812345678.
      const pr = await ca('POST', '/api/v1/people', { json: { name: '张三丰', id_number: '371723198001010010',
        phone: '13812345678', political_status: 'member', township_code: '371723003' } });
      assert.equal(pr.status, 201, pr.text);
      const username = 'pp_' + uniq();
      const mk = (password) => sys('POST', '/api/v1/users', { json: { username, password, role: 'trainee',
        township_code: '371723003', person_id: pr.json.id } });
      for (const [password, why] of [['Zhangsanfeng#1', '拼音'], ['Kq!19800101x', '出生日期'], ['Kq!x800101', '出生日期'],
        ['Id!371723198001010010', '身份证'], ['Kq!x01010010', '身份证'], ['Ph!13812345678', '手机']]) {
        const r = await mk(password);
        assertError(r, 422, 'weak_password', 'password');
        assert.ok(r.json.error.message.includes(why), `${password}: ${r.json.error.message}`);
      }
      const ok = await mk('Kq7!vRm2xT');
      assert.equal(ok.status, 201, ok.text);
      assert.equal(ok.json.person_id, pr.json.id);
      // A person that does not exist is refused.
      assertError(await sys('POST', '/api/v1/users', { json: { username: 'np_' + uniq(), password: 'Kq7!vRm2xT',
        role: 'trainee', township_code: '371723003', person_id: 987654321 } }), 422, 'invalid_field', 'person_id');
    });

    test('accounts-1.11 the three administrator roles are never given through the API, nor on the page', async () => {
      for (const role of ['sysadmin', 'secadmin', 'auditor']) {
        const username = 'adm_' + role + '_' + uniq();
        const r = await sys('POST', '/api/v1/users', { json: { username, password: 'Init!Pass2026', role } });
        assertError(r, 403, 'admin_role_console_only', 'role');
        assertError((await login(base, username, 'Init!Pass2026')).res, 401, 'bad_credentials');
        const form = new URLSearchParams({ _csrf: sys.csrf, username, password: 'Init!Pass2026', role });
        const page = await sys('POST', '/users', { body: form.toString(),
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
        assert.equal(page.status, 403, page.text.slice(0, 200));
        assertError((await login(base, username, 'Init!Pass2026')).res, 401, 'bad_credentials');
      }
      // The form offers the business roles only.
      const f = await sys('GET', '/users');
      assert.equal(f.status, 200);
      for (const role of ['sysadmin', 'secadmin', 'auditor'])
        assert.doesNotMatch(f.text, new RegExp(`<option value="${role}"`));
      assert.match(f.text, /<option value="county_admin"/);
    });

    test('accounts-1.5 a duplicate username is 409 username_taken', async () => {
      const r = await sys('POST', '/api/v1/users',
        { json: { username: 'teacher', password: 'Init!Pass2026', role: 'teacher',
          township_code: '371723001' } });
      assertError(r, 409, 'username_taken');
      // The original account is untouched.
      assert.equal((await login(base, 'teacher')).status, 200);
    });

    test('accounts-1.6 an unknown role is 422 invalid_field role', async () => {
      for (const role of ['root', 'admin', '', 'COUNTY_ADMIN']) {
        const r = await sys('POST', '/api/v1/users',
          { json: { username: 'r_' + uniq(), password: 'Init!Pass2026', role } });
        assertError(r, 422, 'invalid_field', 'role');
      }
      const r = await sys('POST', '/api/v1/users',
        { json: { username: 'r_' + uniq(), password: 'Init!Pass2026', role: 7 } });
      assertError(r, 422, 'invalid_field', 'role');
    });

    test('accounts-1.7 township rules: school_admin needs one, it must exist, admin roles take none', async () => {
      const mk = (extra) => sys('POST', '/api/v1/users',
        { json: { username: 't_' + uniq(), password: 'Init!Pass2026', ...extra } });
      assertError(await mk({ role: 'school_admin' }), 422, 'missing_field', 'township_code');
      assertError(await mk({ role: 'school_admin', township_code: '999999999' }),
        422, 'invalid_field', 'township_code');
      assertError(await mk({ role: 'school_admin', township_code: '371723014' }),
        422, 'invalid_field', 'township_code');
      for (const role of ['sysadmin', 'auditor', 'county_admin'])
        assertError(await mk({ role, township_code: '371723001' }),
          422, 'invalid_field', 'township_code');
    });

    test('accounts-1.8 missing or mistyped fields are 422', async () => {
      assertError(await sys('POST', '/api/v1/users',
        { json: { password: 'Init!Pass2026', role: 'county_admin' } }), 422, 'missing_field', 'username');
      assertError(await sys('POST', '/api/v1/users',
        { json: { username: 'm_' + uniq(), role: 'county_admin' } }), 422, 'missing_field', 'password');
      assertError(await sys('POST', '/api/v1/users',
        { json: { username: 'm_' + uniq(), password: 'Init!Pass2026' } }), 422, 'missing_field', 'role');
      assertError(await sys('POST', '/api/v1/users',
        { json: { username: 12, password: 'Init!Pass2026', role: 'county_admin' } }),
      422, 'invalid_field', 'username');
    });
  });

  describe('forced password change and reuse', () => {
    const username = 'fc_' + uniq();
    const initial = 'Init!Pass2026';
    let s;
    before(async () => {
      await createUser(sys, { username, password: initial, role: 'county_admin' });
    });

    test('accounts-2.1 a new user logs in with must_change_password true', async () => {
      const l = await login(base, username, initial);
      assert.equal(l.status, 200, l.res.text);
      assert.equal(l.body.user.must_change_password, true);
      s = (m, p, o = {}) => req(base, m, p, { cookie: l.cookie, csrf: l.csrf, ...o });
    });

    test('accounts-2.2 until changed, other endpoints are 403 password_change_required; /me works', async () => {
      assertError(await s('GET', '/api/v1/townships'), 403, 'password_change_required');
      assertError(await s('GET', '/api/v1/villages'), 403, 'password_change_required');
      assertError(await s('POST', '/api/v1/tokens', { json: { name: 'x' } }), 403, 'password_change_required');
      const me = await s('GET', '/api/v1/me');
      assert.equal(me.status, 200, me.text);
      assert.equal(me.json.username, username);
      assert.equal(me.json.must_change_password, true);
    });

    test('accounts-2.3 wrong old password is 422 wrong_password field old_password', async () => {
      assertError(await s('POST', '/api/v1/me/password',
        { json: { old_password: 'Nope!Nope123', new_password: 'Fresh!Pass2026' } }),
      422, 'wrong_password', 'old_password');
    });

    test('accounts-2.4 a weak new password is 422 weak_password field new_password', async () => {
      for (const np of ['short1!', 'alllowercase', 'ALLUPPER123', username, [...username].reverse().join('')])
        assertError(await s('POST', '/api/v1/me/password',
          { json: { old_password: initial, new_password: np } }), 422, 'weak_password', 'new_password');
    });

    test('accounts-2.5 the current password as the new one is 422 reused_password', async () => {
      assertError(await s('POST', '/api/v1/me/password',
        { json: { old_password: initial, new_password: initial } }), 422, 'reused_password');
    });

    test('accounts-2.6 missing fields and no CSRF on the change are refused', async () => {
      assertError(await s('POST', '/api/v1/me/password', { json: { old_password: initial } }),
        422, 'missing_field', 'new_password');
      assertError(await s('POST', '/api/v1/me/password', { csrf: null,
        json: { old_password: initial, new_password: 'Fresh!Pass2026' } }), 403, 'csrf');
      // Still the initial password.
      assert.equal((await s('GET', '/api/v1/me')).json.must_change_password, true);
    });

    test('accounts-2.7 a good change is 204; then must_change_password is false and endpoints work', async () => {
      const r = await s('POST', '/api/v1/me/password',
        { json: { old_password: initial, new_password: 'Fresh!Pass2026' } });
      assert.equal(r.status, 204, r.text);
      const me = await s('GET', '/api/v1/me');
      assert.equal(me.status, 200, me.text);
      assert.equal(me.json.must_change_password, false);
      assert.equal((await s('GET', '/api/v1/townships')).status, 200);
      // Old password no longer works; the new one does.
      assertError((await login(base, username, initial)).res, 401, 'bad_credentials');
      const l = await login(base, username, 'Fresh!Pass2026');
      assert.equal(l.status, 200);
      assert.equal(l.body.user.must_change_password, false);
    });

    test('accounts-2.8 the last 5 passwords cannot be reused; an older one can', async () => {
      // History: initial (P0), P1 = Fresh!Pass2026 (current).
      const ps = ['Fresh!Pass2026'];
      for (let i = 2; i <= 6; i++) ps.push(`Cycle!${i}Pass2026`);
      let cur = ps[0];
      for (const next of ps.slice(1)) {
        const r = await s('POST', '/api/v1/me/password', { json: { old_password: cur, new_password: next } });
        assert.equal(r.status, 204, `${cur} -> ${next}: ${r.text}`);
        cur = next;
      }
      // ps = [P1..P6]; current P6; previous P1..P5 are all refused.
      for (let k = 4; k >= 0; k--) {
        const r = await s('POST', '/api/v1/me/password', { json: { old_password: cur, new_password: ps[k] } });
        assert.equal(r.status, 422, `P${k + 1} (${5 - k} change(s) back, current P6): ${r.status} ${r.text}`);
        assertError(r, 422, 'reused_password');
      }
      assertError(await s('POST', '/api/v1/me/password',
        { json: { old_password: cur, new_password: cur } }), 422, 'reused_password');
      // The initial password P0 is 6 changes back: allowed.
      const r = await s('POST', '/api/v1/me/password', { json: { old_password: cur, new_password: initial } });
      assert.equal(r.status, 204, r.text);
    });

    test('accounts-2.9 a user forced to change may still log out', async () => {
      const u = 'fo_' + uniq();
      await createUser(sys, { username: u, password: initial, role: 'county_admin' });
      const l = await login(base, u, initial);
      assert.equal(l.status, 200);
      const r = await req(base, 'DELETE', '/api/v1/session', { cookie: l.cookie, csrf: l.csrf });
      assert.equal(r.status, 204, r.text);
      assertError(await req(base, 'GET', '/api/v1/me', { cookie: l.cookie }), 401, 'unauthenticated');
    });
  });

  describe('tokens', () => {
    let token, ca;
    before(async () => { ca = await session(base, 'county_admin'); });

    test('accounts-3.1 POST /tokens is 201 {id,name,token}', async () => {
      const r = await ca('POST', '/api/v1/tokens', { json: { name: 'script-1' } });
      assert.equal(r.status, 201, r.text);
      assert.equal(typeof r.json.id, 'number');
      assert.equal(r.json.name, 'script-1');
      assert.equal(typeof r.json.token, 'string');
      assert.ok(r.json.token.length >= 20, 'token too short');
      token = r.json.token;
    });

    test('accounts-3.2 Authorization: Bearer works on /me', async () => {
      const r = await req(base, 'GET', '/api/v1/me', { bearer: token });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.username, 'county_admin');
      assert.equal(r.json.role, 'county_admin');
    });

    test('accounts-3.3 a wrong bearer token is 401', async () => {
      assertError(await req(base, 'GET', '/api/v1/me', { bearer: token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A') }),
        401, 'unauthenticated');
      assertError(await req(base, 'GET', '/api/v1/me', { bearer: 'garbage' }), 401, 'unauthenticated');
      assertError(await req(base, 'GET', '/api/v1/me', { headers: { Authorization: 'Bearer ' } }),
        401, 'unauthenticated');
      assertError(await req(base, 'GET', '/api/v1/me', { headers: { Authorization: 'Basic Zm9vOmJhcg==' } }),
        401, 'unauthenticated');
    });

    test('accounts-3.4 bearer-token writes need no CSRF header', async () => {
      const r = await req(base, 'POST', '/api/v1/tokens', { bearer: token, json: { name: 'script-2' } });
      assert.equal(r.status, 201, r.text);
      const v = await req(base, 'POST', '/api/v1/villages',
        { bearer: token, json: { name: '令牌村' + uniq(), township_code: '371723005' } });
      assert.equal(v.status, 201, v.text);
    });

    test('accounts-3.5 a token without a name is 422 missing_field name', async () => {
      assertError(await ca('POST', '/api/v1/tokens', { json: {} }), 422, 'missing_field', 'name');
    });

    test('accounts-3.6 bearer token keeps the role limits of its user', async () => {
      assertError(await req(base, 'GET', '/api/v1/users', { bearer: token }), 403, 'forbidden');
    });
  });

  describe('CSRF', () => {
    test('accounts-4.1 cookie writes without X-CSRF-Token are 403 csrf and change nothing', async () => {
      const username = 'csrf_' + uniq();
      const body = { username, password: 'Init!Pass2026', role: 'county_admin' };
      assertError(await req(base, 'POST', '/api/v1/users', { cookie: sys.cookie, json: body }), 403, 'csrf');
      assertError(await req(base, 'POST', '/api/v1/users',
        { cookie: sys.cookie, csrf: 'wrong-token', json: body }), 403, 'csrf');
      assertError(await req(base, 'POST', '/api/v1/users',
        { cookie: sys.cookie, csrf: '', json: body }), 403, 'csrf');
      assertError((await login(base, username, 'Init!Pass2026')).res, 401, 'bad_credentials');
      const list = await listUsers();
      assert.ok(!list.items.some((u) => u.username === username));
    });

    test('accounts-4.2 the CSRF token of another session is refused', async () => {
      const other = await session(base, 'sysadmin');
      const username = 'csrf2_' + uniq();
      assertError(await req(base, 'POST', '/api/v1/users', { cookie: sys.cookie, csrf: other.csrf,
        json: { username, password: 'Init!Pass2026', role: 'county_admin' } }), 403, 'csrf');
    });

    test('accounts-4.3 PATCH, token and village writes without CSRF are 403 csrf', async () => {
      const ca = await session(base, 'county_admin');
      assertError(await req(base, 'POST', '/api/v1/tokens', { cookie: ca.cookie, json: { name: 'n' } }), 403, 'csrf');
      const name = 'CSRF村' + uniq();
      assertError(await req(base, 'POST', '/api/v1/villages',
        { cookie: ca.cookie, json: { name, township_code: '371723004' } }), 403, 'csrf');
      const v = await ca('GET', '/api/v1/villages?q=' + encodeURIComponent(name));
      assert.equal(v.status, 200);
      assert.equal(v.json.total, 0, 'village created despite the CSRF failure');
      const users = await listUsers();
      const t = users.items.find((u) => u.username === 'teacher');
      assertError(await req(base, 'PATCH', `/api/v1/users/${t.id}`,
        { cookie: sys.cookie, json: { disabled: true } }), 403, 'csrf');
      assert.equal((await login(base, 'teacher')).status, 200);
    });

    test('accounts-4.4 GET with a cookie needs no CSRF header', async () => {
      assert.equal((await req(base, 'GET', '/api/v1/users', { cookie: sys.cookie })).status, 200);
    });
  });

  describe('user administration', () => {
    test('accounts-5.1 GET /users lists the demo users (sysadmin only)', async () => {
      const list = await listUsers();
      assert.ok(list.total >= 8);
      const names = list.items.map((u) => u.username);
      for (const u of ['county_admin', 'school_admin', 'school_admin2', 'teacher', 'trainee', 'guide', 'sysadmin', 'auditor'])
        assert.ok(names.includes(u), `missing ${u}`);
      assert.ok(!list.items.some((u) => 'password' in u || 'password_hash' in u));
      assert.ok(!JSON.stringify(list).includes('$argon2'), 'password hashes leaked');
      for (const who of ['county_admin', 'school_admin', 'auditor', 'teacher', 'trainee', 'guide'])
        assertError(await (await session(base, who))('GET', '/api/v1/users'), 403, 'forbidden');
    });

    test('accounts-5.2 PATCH changes role and township: 200 the user', async () => {
      const u = await createUser(sys, { username: 'pr_' + uniq(), password: 'Init!Pass2026', role: 'county_admin' });
      const r = await sys('PATCH', `/api/v1/users/${u.id}`,
        { json: { role: 'school_admin', township_code: '371723007' } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.id, u.id);
      assert.equal(r.json.role, 'school_admin');
      assert.equal(String(r.json.township_code), '371723007');
      const list = await listUsers();
      const got = list.items.find((x) => x.id === u.id);
      assert.equal(got.role, 'school_admin');
    });

    test('accounts-5.3 PATCH errors: unknown id 404, bad role 422, no CSRF 403, non-sysadmin 403', async () => {
      const u = await createUser(sys, { username: 'pe_' + uniq(), password: 'Init!Pass2026', role: 'county_admin' });
      assertError(await sys('PATCH', '/api/v1/users/987654321', { json: { disabled: true } }), 404, 'not_found');
      assertError(await sys('PATCH', `/api/v1/users/${u.id}`, { json: { role: 'emperor' } }), 422, 'invalid_field', 'role');
      assertError(await sys('PATCH', `/api/v1/users/${u.id}`, { json: { disabled: 'yes' } }), 422, 'invalid_field', 'disabled');
      const ca = await session(base, 'county_admin');
      assertError(await ca('PATCH', `/api/v1/users/${u.id}`, { json: { disabled: true } }), 403, 'forbidden');
      assert.equal((await login(base, u.username, 'Init!Pass2026')).status, 200);
    });

    test('accounts-5.4 a disabled user cannot log in and loses the open session', async () => {
      const username = 'dis_' + uniq();
      const u = await createUser(sys, { username, password: 'Init!Pass2026', role: 'county_admin' });
      const s = await activate(base, username, 'Init!Pass2026', 'Final!Pass2026');
      assert.equal((await s('GET', '/api/v1/townships')).status, 200);
      const tok = await s('POST', '/api/v1/tokens', { json: { name: 'before-disable' } });
      assert.equal(tok.status, 201, tok.text);
      const r = await sys('PATCH', `/api/v1/users/${u.id}`, { json: { disabled: true } });
      assert.equal(r.status, 200, r.text);
      assertError(await s('GET', '/api/v1/me'), 401, 'unauthenticated');
      assertError((await login(base, username, 'Final!Pass2026')).res, 401, 'bad_credentials');
      const tokRes = await req(base, 'GET', '/api/v1/me', { bearer: tok.json.token });
      // Re-enabled, the user logs in again.
      const r2 = await sys('PATCH', `/api/v1/users/${u.id}`, { json: { disabled: false } });
      assert.equal(r2.status, 200, r2.text);
      assert.equal((await login(base, username, 'Final!Pass2026')).status, 200);
      // The user's API token was refused while disabled too.
      assertError(tokRes, 401, 'unauthenticated');
    });

    test('accounts-5.6 a role or township change never leaves the old rights on an open session', async () => {
      // The server may end the user's sessions on a change (then a new
      // log-in gets the new rights) or apply it to them at once.
      const username = 'rc_' + uniq();
      const u = await createUser(sys, { username, password: 'Init!Pass2026', role: 'county_admin' });
      let s = await activate(base, username, 'Init!Pass2026', 'Final!Pass2026');
      assert.equal((await s('GET', '/api/v1/villages')).json.total >= 26, true);
      const current = async () => {
        const me = await s('GET', '/api/v1/me');
        if (me.status === 401) s = await session(base, username, 'Final!Pass2026');
        else assert.equal(me.status, 200, me.text);
      };
      let r = await sys('PATCH', `/api/v1/users/${u.id}`, { json: { role: 'school_admin', township_code: '371723003' } });
      assert.equal(r.status, 200, r.text);
      const stale = await s('GET', '/api/v1/villages?per_page=500');
      if (stale.status === 200)
        for (const x of stale.json.items) assert.equal(String(x.township_code), '371723003', 'old county-wide scope kept');
      else assert.equal(stale.status, 401, stale.text);
      await current();
      const v = await s('GET', '/api/v1/villages?per_page=500');
      assert.equal(v.status, 200, v.text);
      assert.ok(v.json.items.length > 0);
      for (const x of v.json.items) assert.equal(String(x.township_code), '371723003');
      assertError(await s('GET', '/api/v1/villages?township=371723001'), 403, 'forbidden_township');
      // Into an administrator role: never through the API (accounts-6.2).
      assertError(await sys('PATCH', `/api/v1/users/${u.id}`, { json: { role: 'auditor', township_code: null } }),
        403, 'admin_role_console_only', 'role');
      r = await sys('PATCH', `/api/v1/users/${u.id}`, { json: { role: 'guide', township_code: '371723003' } });
      assert.equal(r.status, 200, r.text);
      const stale2 = await s('GET', '/api/v1/villages');
      assert.ok([401, 403].includes(stale2.status), `guide-to-be still reads villages: ${stale2.status}`);
      await current();
      assertError(await s('GET', '/api/v1/villages'), 403, 'forbidden');
      assert.equal((await s('GET', '/api/v1/me')).json.role, 'guide');
    });

    test('accounts-5.7 bad ids and paging on /users', async () => {
      const r = await sys('PATCH', '/api/v1/users/abc', { json: { disabled: true } });
      assert.ok([400, 404].includes(r.status), `got ${r.status}`);
      assert.ok(r.json && r.json.error, r.text);
      assertError(await sys('GET', '/api/v1/users?per_page=501'), 400, 'invalid_param', 'per_page');
      assertError(await sys('GET', '/api/v1/users?page=0'), 400, 'invalid_param', 'page');
      const b = assertList(await sys('GET', '/api/v1/users?per_page=2&page=2'), { page: 2, perPage: 2 });
      assert.equal(b.items.length, 2);
    });

    test('accounts-5.5 sysadmin unlock ends a lockout (default 1800 s)', async () => {
      const username = 'unl_' + uniq();
      const u = await createUser(sys, { username, password: 'Init!Pass2026', role: 'county_admin' });
      for (let i = 0; i < 5; i++)
        assertError((await login(base, username, `Wrong!${i}pass`)).res, 401, 'bad_credentials');
      assertError((await login(base, username, 'Init!Pass2026')).res, 429, 'locked');
      const r = await sys('PATCH', `/api/v1/users/${u.id}`, { json: { unlock: true } });
      assert.equal(r.status, 200, r.text);
      const l = await login(base, username, 'Init!Pass2026');
      assert.equal(l.status, 200, l.res.text);
    });
  });

  describe('三员分立 and one\'s own account', () => {
    let byName;
    before(async () => {
      const list = await listUsers();
      byName = Object.fromEntries(list.items.map((u) => [u.username, u]));
    });

    test('accounts-6.1 no account changes its own role, township, person or state: 403 own_account', async () => {
      const me = sys.user.id;
      for (const body of [{ role: 'county_admin' }, { role: 'sysadmin' }, { township_code: '371723001' },
        { township_code: null }, { person_id: 1 }, { disabled: true }, { unlock: true }]) {
        const r = await sys('PATCH', `/api/v1/users/${me}`, { json: body });
        assertError(r, 403, 'own_account');
      }
      for (const action of ['disable', 'enable', 'unlock'])
        assertError(await sys('POST', `/api/v1/users/${me}/${action}`), 403, 'own_account');
      // The escalation of the issue: the same session still sees no ID
      // numbers, nor any business data.
      assert.equal((await sys('GET', '/api/v1/me')).json.role, 'sysadmin');
      assertError(await sys('GET', '/api/v1/people?per_page=1'), 403, 'forbidden');
      assertError(await sys('GET', '/api/v1/people/1?reveal=id_number'), 403, 'forbidden');
      assertError(await sys('GET', '/api/v1/reports/county'), 403, 'forbidden');
    });

    test('accounts-6.2 an administrator account is never turned into a business one, nor a business one into an administrator', async () => {
      for (const name of ['auditor', 'secadmin']) {
        const id = byName[name].id;
        for (const body of [{ role: 'county_admin' }, { role: 'school_admin', township_code: '371723001' },
          { role: 'sysadmin' }, { township_code: '371723001' }, { person_id: 1 }])
          assertError(await sys('PATCH', `/api/v1/users/${id}`, { json: body }), 403, 'admin_role_console_only');
        const g = await sys('GET', `/api/v1/users/${id}`);
        assert.equal(g.json.role, name);
      }
      const u = await createUser(sys, { username: 'biz_' + uniq(), password: 'Init!Pass2026', role: 'county_admin' });
      for (const role of ['sysadmin', 'secadmin', 'auditor'])
        assertError(await sys('PATCH', `/api/v1/users/${u.id}`, { json: { role } }), 403, 'admin_role_console_only', 'role');
      assert.equal((await sys('GET', `/api/v1/users/${u.id}`)).json.role, 'county_admin');
    });

    test('accounts-6.3 a change of a business role is audited as user_role_change with from and to', async () => {
      const u = await createUser(sys, { username: 'rch_' + uniq(), password: 'Init!Pass2026', role: 'county_admin' });
      const r = await sys('PATCH', `/api/v1/users/${u.id}`, { json: { role: 'school_admin', township_code: '371723004' } });
      assert.equal(r.status, 200, r.text);
      const aud = await session(base, 'auditor');
      const rows = (await aud('GET', `/api/v1/audit?event=user_role_change&object=user:${u.id}`)).json;
      assert.equal(rows.total, 1, JSON.stringify(rows));
      const d = rows.items[0].detail;
      assert.equal(d.role_from, 'county_admin');
      assert.equal(d.role_to, 'school_admin');
      assert.equal(d.township_from ?? null, null);
      assert.equal(d.township_to, '371723004');
      assert.equal(rows.items[0].username, 'sysadmin');
      // The filter holds only such rows; the page filters the same.
      const all = (await aud('GET', '/api/v1/audit?event=user_role_change&per_page=500')).json;
      assert.ok(all.items.length >= 1 && all.items.every((x) => x.event === 'user_role_change'));
      const page = await aud('GET', '/audit?event=user_role_change');
      assert.equal(page.status, 200, page.text.slice(0, 300));
      assert.match(page.text, new RegExp(`user:${u.id}`));
      assert.match(page.text, /list="audit-events"/);
      // A disable is its own event, not a role change.
      await sys('POST', `/api/v1/users/${u.id}/disable`);
      assert.equal((await aud('GET', `/api/v1/audit?event=user_role_change&object=user:${u.id}`)).json.total, 1);
    });

    test('accounts-6.4 disable, enable and unlock: sysadmin only, audited, the disabled account loses every way in', async () => {
      const username = 'st_' + uniq();
      const u = await createUser(sys, { username, password: 'Init!Pass2026', role: 'county_admin' });
      const s = await activate(base, username, 'Init!Pass2026', 'Final!Pass2026');
      const tok = (await s('POST', '/api/v1/tokens', { json: { name: 'cron' } })).json.token;
      assert.equal((await req(base, 'GET', '/api/v1/me', { bearer: tok })).status, 200);
      for (const who of ['county_admin', 'school_admin', 'secadmin', 'auditor', 'teacher', 'trainee', 'guide']) {
        const o = await session(base, who);
        for (const action of ['disable', 'enable', 'unlock'])
          assertError(await o('POST', `/api/v1/users/${u.id}/${action}`), 403, 'forbidden');
      }
      assertError(await sys('POST', '/api/v1/users/987654321/disable'), 404, 'not_found');
      const d = await sys('POST', `/api/v1/users/${u.id}/disable`);
      assert.equal(d.status, 200, d.text);
      assert.equal(d.json.disabled, true);
      assertError(await s('GET', '/api/v1/me'), 401, 'unauthenticated');
      assertError(await req(base, 'GET', '/api/v1/me', { bearer: tok }), 401, 'unauthenticated');
      assertError((await login(base, username, 'Final!Pass2026')).res, 401, 'bad_credentials');
      const e = await sys('POST', `/api/v1/users/${u.id}/enable`);
      assert.equal(e.status, 200, e.text);
      assert.equal(e.json.disabled, false);
      assert.equal((await login(base, username, 'Final!Pass2026')).status, 200);
      // Its tokens stay revoked: a disable ends them for good.
      assertError(await req(base, 'GET', '/api/v1/me', { bearer: tok }), 401, 'unauthenticated');
      for (let i = 0; i < 5; i++) await login(base, username, `Wrong!${i}pass`);
      assertError((await login(base, username, 'Final!Pass2026')).res, 429, 'locked');
      assert.equal((await sys('GET', `/api/v1/users/${u.id}`)).json.locked, true);
      const un = await sys('POST', `/api/v1/users/${u.id}/unlock`);
      assert.equal(un.status, 200, un.text);
      assert.equal(un.json.locked, false);
      assert.equal((await login(base, username, 'Final!Pass2026')).status, 200);
      const aud = await session(base, 'auditor');
      for (const ev of ['user_disable', 'user_enable', 'user_unlock']) {
        const rows = (await aud('GET', `/api/v1/audit?event=${ev}&object=user:${u.id}`)).json;
        assert.equal(rows.total, 1, `${ev}: ${JSON.stringify(rows)}`);
        assert.equal(rows.items[0].username, 'sysadmin');
      }
    });
  });

  describe('tokens end', () => {
    test('accounts-7.1 GET /tokens lists one\'s own tokens, never the secret; expiry 90 days by default', async () => {
      const username = 'tk_' + uniq();
      await createUser(sys, { username, password: 'Init!Pass2026', role: 'county_admin' });
      const s = await activate(base, username, 'Init!Pass2026', 'Final!Pass2026');
      const a = await s('POST', '/api/v1/tokens', { json: { name: 'report-export' } });
      const b = await s('POST', '/api/v1/tokens', { json: { name: 'backup' } });
      assert.equal(a.status, 201, a.text);
      const l = await s('GET', '/api/v1/tokens');
      assert.equal(l.status, 200, l.text);
      assert.deepEqual(l.json.items.map((x) => x.name), ['report-export', 'backup']);
      for (const x of l.json.items) {
        assert.deepEqual(Object.keys(x).sort(), ['created_at', 'expires_at', 'id', 'last_used_at', 'name']);
        assert.equal(x.last_used_at, null);
        const days = (Date.parse(x.expires_at) - Date.parse(x.created_at)) / 86400000;
        assert.equal(days, 90);
      }
      assert.ok(!l.text.includes(a.json.token.slice(4)) && !l.text.includes(b.json.token.slice(4)), 'a secret listed');
      // Another user's list does not hold them.
      const other = await (await session(base, 'county_admin'))('GET', '/api/v1/tokens');
      assert.ok(!other.json.items.some((x) => x.id === a.json.id));
      // Used: last_used_at is set, then written at most once a minute.
      assert.equal((await req(base, 'GET', '/api/v1/me', { bearer: a.json.token })).status, 200);
      const used = (await s('GET', '/api/v1/tokens')).json.items.find((x) => x.id === a.json.id);
      assert.ok(used.last_used_at, JSON.stringify(used));
      await new Promise((r) => setTimeout(r, 1100));
      assert.equal((await req(base, 'GET', '/api/v1/townships', { bearer: a.json.token })).status, 200);
      const again = (await s('GET', '/api/v1/tokens')).json.items.find((x) => x.id === a.json.id);
      assert.equal(again.last_used_at, used.last_used_at, 'written again within the minute');
    });

    test('accounts-7.2 DELETE /tokens/{id} revokes one\'s own at once; another user\'s is 404 and keeps working', async () => {
      const ca = await session(base, 'county_admin');
      const mine = (await ca('POST', '/api/v1/tokens', { json: { name: 'to-revoke' } })).json;
      const keep = (await ca('POST', '/api/v1/tokens', { json: { name: 'to-keep' } })).json;
      const sa = await session(base, 'school_admin');
      assertError(await sa('DELETE', `/api/v1/tokens/${mine.id}`), 404, 'not_found');
      assert.equal((await req(base, 'GET', '/api/v1/me', { bearer: mine.token })).status, 200);
      const d = await ca('DELETE', `/api/v1/tokens/${mine.id}`);
      assert.equal(d.status, 204, d.text);
      assertError(await req(base, 'GET', '/api/v1/me', { bearer: mine.token }), 401, 'unauthenticated');
      assertError(await ca('DELETE', `/api/v1/tokens/${mine.id}`), 404, 'not_found');
      assertError(await ca('DELETE', '/api/v1/tokens/987654321'), 404, 'not_found');
      assertError(await req(base, 'DELETE', `/api/v1/tokens/${keep.id}`, { cookie: ca.cookie }), 403, 'csrf');
      assert.equal((await req(base, 'GET', '/api/v1/me', { bearer: keep.token })).status, 200);
      assert.ok(!(await ca('GET', '/api/v1/tokens')).json.items.some((x) => x.id === mine.id));
      assertError(await req(base, 'GET', '/api/v1/tokens'), 401, 'unauthenticated');
      const aud = await session(base, 'auditor');
      assert.equal((await aud('GET', `/api/v1/audit?event=token_revoke&object=token:${mine.id}`)).json.total, 1);
    });

    test('accounts-7.3 a password change revokes every token; a log-out with a token revokes that one only', async () => {
      const username = 'tp_' + uniq();
      await createUser(sys, { username, password: 'Init!Pass2026', role: 'county_admin' });
      const s = await activate(base, username, 'Init!Pass2026', 'Final!Pass2026');
      const t1 = (await s('POST', '/api/v1/tokens', { json: { name: 'a' } })).json.token;
      const t2 = (await s('POST', '/api/v1/tokens', { json: { name: 'b' } })).json.token;
      const t3 = (await s('POST', '/api/v1/tokens', { json: { name: 'c' } })).json.token;
      // A browser's log-out ends its cookie session, not the scripts'
      // tokens (auth_logout says why).
      const s2 = await session(base, username, 'Final!Pass2026');
      assert.equal((await s2('DELETE', '/api/v1/session')).status, 204);
      assert.equal((await req(base, 'GET', '/api/v1/me', { bearer: t1 })).status, 200);
      // A log-out sent with a token is that client's: the token ends.
      assert.equal((await req(base, 'DELETE', '/api/v1/session', { bearer: t1 })).status, 204);
      assertError(await req(base, 'GET', '/api/v1/me', { bearer: t1 }), 401, 'unauthenticated');
      assert.equal((await req(base, 'GET', '/api/v1/me', { bearer: t2 })).status, 200);
      // The password change: all of them.
      const r = await s('POST', '/api/v1/me/password', { json: { old_password: 'Final!Pass2026', new_password: 'Second!Pass2026' } });
      assert.equal(r.status, 204, r.text);
      for (const t of [t2, t3])
        assertError(await req(base, 'GET', '/api/v1/me', { bearer: t }), 401, 'unauthenticated');
      assert.equal((await s('GET', '/api/v1/tokens')).json.items.length, 0);
      assert.equal((await s('GET', '/api/v1/me')).status, 200, 'the session that changed it goes on');
    });

    test('accounts-7.4 an expired token is refused and no longer listed', async () => {
      const ca = await session(base, 'county_admin');
      const t = (await ca('POST', '/api/v1/tokens', { json: { name: 'old' } })).json;
      assert.equal((await req(base, 'GET', '/api/v1/me', { bearer: t.token })).status, 200);
      await srv.sql(`UPDATE api_tokens SET expires_at = ${Math.floor(Date.now() / 1000) - 1} WHERE id = ${t.id}`);
      assertError(await req(base, 'GET', '/api/v1/me', { bearer: t.token }), 401, 'unauthenticated');
      assert.ok(!(await ca('GET', '/api/v1/tokens')).json.items.some((x) => x.id === t.id));
      assertError(await ca('DELETE', `/api/v1/tokens/${t.id}`), 404, 'not_found');
    });
  });
});

// Keep DEMO_PASSWORD referenced for readers grepping for it.
void DEMO_PASSWORD;
