// Audit log: events written, filters, order, verify, no passwords.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  startServer, req, login, session, assertError, assertList, createUser,
  isPG, DEMO_PASSWORD,
} from './lib.mjs';

const uniq = () => Date.now().toString(36) + Math.floor(Math.random() * 1e4);
const day = (offset) => new Date(Date.now() + offset * 86400e3).toISOString().slice(0, 10);

describe('audit', () => {
  let srv, base, aud;
  const u1 = 'aud_' + uniq();
  const lockName = 'alock_' + uniq();
  const PW = {
    wrong: 'Wr0ng!Guess#1',
    init: 'Init!Aud2026x',
    next: 'Next!Aud2026y',
    lockInit: 'Lock!Aud2026z',
    lockWrong: 'Bad!Lock2026q',
  };
  let villageName, villageId, u1Id, tokenSecret;

  before(async () => {
    srv = await startServer();
    base = srv.base;
    // login_failure, login_success, logout
    assert.equal((await login(base, 'teacher', PW.wrong)).status, 401);
    const t = await session(base, 'teacher');
    assert.equal((await t('DELETE', '/api/v1/session')).status, 204);
    // user_create, password_change, user_update
    const sys = await session(base, 'sysadmin');
    const u = await createUser(sys, { username: u1, password: PW.init, role: 'county_admin' });
    u1Id = u.id;
    const s1 = await session(base, u1, PW.init);
    assert.equal((await s1('POST', '/api/v1/me/password',
      { json: { old_password: PW.init, new_password: PW.next } })).status, 204);
    const up = await sys('PATCH', `/api/v1/users/${u1Id}`,
      { json: { role: 'school_admin', township_code: '371723004' } });
    assert.equal(up.status, 200, up.text);
    // token_create, village_create
    const ca = await session(base, 'county_admin');
    const tk = await ca('POST', '/api/v1/tokens', { json: { name: 'audit-token' } });
    assert.equal(tk.status, 201, tk.text);
    tokenSecret = tk.json.token;
    villageName = '审计村' + uniq();
    const v = await ca('POST', '/api/v1/villages', { json: { name: villageName, township_code: '371723006' } });
    assert.equal(v.status, 201, v.text);
    villageId = v.json.id;
    // lockout
    await createUser(sys, { username: lockName, password: PW.lockInit, role: 'county_admin' });
    for (let i = 0; i < 5; i++) await login(base, lockName, PW.lockWrong);
    assert.equal((await login(base, lockName, PW.lockInit)).status, 429);
    aud = await session(base, 'auditor');
  });
  after(async () => { if (srv) await srv.stop(); });

  async function all(query = '') {
    const items = [];
    let total = 0;
    for (let page = 1; ; page++) {
      const r = await aud('GET', `/api/v1/audit?per_page=500&page=${page}${query}`);
      const b = assertList(r, { page, perPage: 500 });
      total = b.total;
      items.push(...b.items);
      if (b.items.length < 500) break;
    }
    assert.equal(items.length, total);
    return items;
  }
  const find = (items, pred, what) => {
    const row = items.find(pred);
    assert.ok(row, `no audit row for ${what}; events seen: ${[...new Set(items.map((x) => x.event))].join(',')}`);
    return row;
  };

  test('audit-1.1 rows have the documented fields', async () => {
    const items = await all();
    assert.ok(items.length >= 10);
    for (const r of items) {
      for (const k of ['id', 'at', 'username', 'role', 'event', 'object', 'success', 'ip', 'detail'])
        assert.ok(k in r, `audit row lacks ${k}: ${JSON.stringify(r)}`);
      assert.equal(typeof r.success, 'boolean', `success must be boolean: ${JSON.stringify(r)}`);
      assert.match(r.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, `at: ${r.at}`);
    }
  });

  test('audit-1.2 newest first', async () => {
    const items = await all();
    for (let i = 1; i < items.length; i++) {
      assert.ok(items[i - 1].id > items[i].id, `ids not descending at ${i}`);
      assert.ok(items[i - 1].at >= items[i].at, `at not descending at ${i}`);
    }
    const last = Date.parse(items[0].at);
    assert.ok(Math.abs(Date.now() - last) < 10 * 60e3, `newest row at ${items[0].at}, not now (UTC?)`);
  });

  test('audit-1.3 login_failure: success false, username, ip', async () => {
    const items = await all();
    const r = find(items, (x) => x.event === 'login_failure' && x.username === 'teacher', 'login_failure teacher');
    assert.equal(r.success, false);
    assert.match(String(r.ip), /127\.0\.0\.1/);
  });

  test('audit-1.4 login_success: success true, username and role', async () => {
    const r = find(await all(), (x) => x.event === 'login_success' && x.username === 'teacher', 'login_success teacher');
    assert.equal(r.success, true);
    assert.equal(r.role, 'teacher');
    assert.match(String(r.ip), /127\.0\.0\.1/);
  });

  test('audit-1.5 logout', async () => {
    const r = find(await all(), (x) => x.event === 'logout' && x.username === 'teacher', 'logout teacher');
    assert.equal(r.success, true);
  });

  test('audit-1.6 user_create by sysadmin names the new user', async () => {
    const r = find(await all(), (x) => x.event === 'user_create' && JSON.stringify(x).includes(u1), `user_create ${u1}`);
    assert.equal(r.success, true);
    assert.equal(r.username, 'sysadmin');
    assert.equal(r.role, 'sysadmin');
  });

  test('audit-1.7 password_change by the user', async () => {
    const r = find(await all(), (x) => x.event === 'password_change' && x.username === u1, `password_change ${u1}`);
    assert.equal(r.success, true);
  });

  test('audit-1.8 a role change by sysadmin is its own event, user_role_change, with from and to', async () => {
    const r = find(await all(), (x) => x.event === 'user_role_change' && x.username === 'sysadmin' &&
      (JSON.stringify(x).includes(u1) || JSON.stringify(x).includes(String(u1Id))), `user_role_change of ${u1}`);
    assert.equal(r.success, true);
    assert.equal(r.detail.role_from, 'county_admin');
    assert.equal(r.detail.role_to, 'school_admin');
  });

  test('audit-1.9 token_create, without the token itself', async () => {
    const items = await all();
    const r = find(items, (x) => x.event === 'token_create' && x.username === 'county_admin', 'token_create');
    assert.equal(r.success, true);
    assert.ok(!JSON.stringify(items).includes(tokenSecret), 'API token secret in the audit log');
  });

  test('audit-1.10 village_create', async () => {
    const r = find(await all(), (x) => x.event === 'village_create' && x.username === 'county_admin' &&
      (JSON.stringify(x).includes(villageName) || JSON.stringify(x).includes(String(villageId))), 'village_create');
    assert.equal(r.success, true);
  });

  test('audit-1.11 lockout, and the failures before it are success false', async () => {
    const items = await all();
    find(items, (x) => x.event === 'lockout' && JSON.stringify(x).includes(lockName), `lockout ${lockName}`);
    const fails = items.filter((x) => x.event === 'login_failure' && x.username === lockName);
    assert.ok(fails.length >= 5, `${fails.length} login_failure rows for ${lockName}`);
    for (const f of fails) assert.equal(f.success, false);
  });

  test('audit-1.12 the audit log cannot be altered via the API: POST/DELETE are 405', async () => {
    assertError(await aud('DELETE', '/api/v1/audit'), 405, 'method_not_allowed');
    assertError(await aud('POST', '/api/v1/audit', { json: {} }), 405, 'method_not_allowed');
  });

  test('audit-2.1 ?event= filters', async () => {
    const items = await all('&event=login_failure');
    assert.ok(items.length >= 6);
    for (const x of items) assert.equal(x.event, 'login_failure');
  });

  test('audit-2.2 ?username= filters', async () => {
    const items = await all('&username=teacher');
    assert.ok(items.length >= 3);
    for (const x of items) assert.equal(x.username, 'teacher');
    const both = await all('&username=teacher&event=logout');
    assert.ok(both.length >= 1);
    for (const x of both) { assert.equal(x.username, 'teacher'); assert.equal(x.event, 'logout'); }
  });

  test('audit-2.3 ?from= and ?to= filter by date', async () => {
    const total = (await all()).length;
    assert.equal((await all(`&from=${day(-1)}&to=${day(1)}`)).length, total);
    assert.equal((await all(`&from=${day(2)}`)).length, 0);
    assert.equal((await all('&to=2000-01-01')).length, 0);
    assertError(await aud('GET', '/api/v1/audit?from=yesterday'), 400, 'invalid_param', 'from');
  });

  test('audit-2.4 paging', async () => {
    const total = (await all()).length;
    const b = assertList(await aud('GET', '/api/v1/audit?per_page=2&page=2'), { page: 2, perPage: 2 });
    assert.equal(b.items.length, 2);
    assert.equal(b.total, total);
    assertError(await aud('GET', '/api/v1/audit?per_page=501'), 400, 'invalid_param', 'per_page');
  });

  test('audit-3.1 no password appears in any audit row', async () => {
    const text = JSON.stringify(await all());
    for (const [k, pw] of Object.entries({ ...PW, demo: DEMO_PASSWORD }))
      assert.ok(!text.includes(pw), `password ${k} (${pw}) found in the audit log`);
    assert.ok(!text.includes('$argon2'), 'a password hash in the audit log');
  });

  test('audit-3.2 `dangxiao audit verify` exits 0 and says ok on an intact log', async () => {
    const r = await srv.cli(['audit', 'verify']);
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout + r.stderr, /\bok\b/i);
  });

  test('audit-3.3 a tampered row makes `audit verify` fail', async (t) => {
    // Needs direct database access and the table name (audit_log); skipped
    // if the schema differs.
    const sql = isPG
      ? "ALTER TABLE audit_log DISABLE TRIGGER ALL; UPDATE audit_log SET detail = detail || ' tampered' WHERE id = (SELECT min(id) + 1 FROM audit_log);"
      : "DROP TRIGGER IF EXISTS audit_no_update; UPDATE audit_log SET detail = detail || ' tampered' WHERE id = (SELECT min(id) + 1 FROM audit_log);";
    // The database refuses an UPDATE while its guard is in place.
    const plain = "UPDATE audit_log SET detail = 'x' WHERE id = (SELECT min(id) FROM audit_log);";
    const tool = isPG ? ['psql', [srv.db, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c']]
      : ['sqlite3', ['-bail', srv.db]];
    const exec = (s) => spawnSync(tool[0], [...tool[1], s], { encoding: 'utf8' });
    const probe = exec('SELECT count(*) FROM audit_log;');
    if (probe.error || probe.status !== 0) {
      t.skip(`cannot reach audit_log directly: ${probe.error || probe.stderr}`);
      return;
    }
    const p = exec(plain);
    assert.notEqual(p.status, 0, 'an UPDATE of audit_log was allowed (append-only guard missing)');
    const e = exec(sql);
    if (e.status !== 0) { t.skip(`tamper SQL failed: ${e.stderr}`); return; }
    const r = await srv.cli(['audit', 'verify']);
    assert.notEqual(r.code, 0, `verify passed a tampered log: ${r.stdout}${r.stderr}`);
    assert.ok(r.signal === null && r.code < 128, `verify crashed: ${r.code}/${r.signal}`);
  });
});
