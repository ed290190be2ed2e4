// Command line: usage, user add, backup, config errors, SIGTERM.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import {
  BIN, startServer, run, childEnv, login, session, freePort, freshDb, isPG, rand,
} from './lib.mjs';

const tmp = (ext) => path.join(os.tmpdir(), `dx-cli-${process.pid}-${rand(4)}${ext}`);
const notCrashed = (r) => {
  assert.equal(r.timedOut, false, 'timed out');
  assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`);
  assert.ok(r.code < 128, `exit ${r.code}: ${r.stderr}`);
};

describe('cli without a database', () => {
  test('cli-1.1 --help exits 0 with usage', async () => {
    const r = await run(BIN, ['--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /usage/i);
    for (const cmd of ['init', 'serve', 'demo', 'user add', 'backup', 'restore', 'audit verify', 'audit checkpoint'])
      assert.ok(r.stdout.includes(cmd), `usage lacks ${cmd}`);
  });

  test('cli-1.2 an unknown command exits 2 with usage on stderr', async () => {
    const r = await run(BIN, ['frobnicate']);
    assert.equal(r.code, 2, `exit ${r.code}`);
    assert.match(r.stderr, /usage/i);
    assert.equal(r.stdout, '', 'usage on error belongs on stderr');
  });

  test('cli-1.3 an unknown option exits 2', async () => {
    const port = await freePort();
    const r = await run(BIN, ['serve', '--bogus', '--db', tmp('.db'), '--listen', `127.0.0.1:${port}`], { timeout: 10000 });
    assert.equal(r.timedOut, false, 'serve --bogus kept running');
    assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
    assert.match(r.stderr, /usage|bogus/i);
  });

  test('cli-1.4 CMD --help exits 0', async () => {
    for (const cmd of ['init', 'serve', 'demo', 'backup', 'restore', 'audit']) {
      const r = await run(BIN, [cmd, '--help'], { timeout: 10000 });
      assert.equal(r.code, 0, `${cmd} --help: exit ${r.code} ${r.stderr}`);
      assert.match(r.stdout, /usage|dangxiao/i, cmd);
    }
  });

  test('cli-1.5 no arguments is a usage error (exit 2)', async () => {
    const r = await run(BIN, []);
    assert.equal(r.code, 2, `exit ${r.code}`);
    assert.match(r.stderr, /usage/i);
  });

  test('cli-1.6 a missing option value exits 2', async () => {
    const r = await run(BIN, ['init', '--db'], { timeout: 10000 });
    assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
  });
});

describe('cli with a database', () => {
  let srv;
  // `user add USERNAME --db DB --role ROLE ...` exactly as the usage shows it.
  // The key file goes with the database: user add hashes the name as the
  // server counts log-ins, and reads the person's numbers to refuse them.
  const userAdd = (name, opts, input) => run(BIN, ['user', 'add', name, '--db', srv.db, ...opts],
    { input, env: childEnv(srv.dbh.env || {}) });
  before(async () => { srv = await startServer(); });
  after(async () => { if (srv) await srv.stop(); });

  test('cli-2.1 user add with a strong password on stdin: exit 0, logs in without forced change', async () => {
    const r = await userAdd('alice', ['--role', 'county_admin'], 'Str0ng!Pass\n');
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
    assert.ok(!(r.stdout + r.stderr).includes('Str0ng!Pass'), 'password echoed');
    const l = await login(srv.base, 'alice', 'Str0ng!Pass');
    assert.equal(l.status, 200, l.res.text);
    assert.equal(l.body.user.role, 'county_admin');
    assert.equal(l.body.user.must_change_password, false);
  });

  test('cli-2.2 user add with a weak password fails and creates nobody', async () => {
    const r = await userAdd('bob', ['--role', 'county_admin'], 'password\n');
    notCrashed(r);
    assert.notEqual(r.code, 0);
    assert.ok(r.stderr.length > 0, 'no message on stderr');
    assert.equal((await login(srv.base, 'bob', 'password')).status, 401);
  });

  test('cli-2.3 user add with a township and the school_admin role', async () => {
    const r = await userAdd('carol', ['--role', 'school_admin', '--township', '371723005'], 'Str0ng!Pass\n');
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
    const l = await login(srv.base, 'carol', 'Str0ng!Pass');
    assert.equal(l.status, 200);
    assert.equal(String(l.body.user.township_code), '371723005');
  });

  test('cli-2.4 user add errors: duplicate, unknown role, school_admin without township', async () => {
    for (const [name, ...args] of [['teacher', '--role', 'county_admin'],
      ['dave', '--role', 'emperor'],
      ['erin', '--role', 'school_admin'],
      ['frank', '--role', 'school_admin', '--township', '999999999']]) {
      const r = await userAdd(name, args, 'Str0ng!Pass\n');
      notCrashed(r);
      assert.notEqual(r.code, 0, `user add ${name} ${args.join(' ')} succeeded`);
      assert.ok(r.stderr.length > 0, 'no message');
    }
    for (const u of ['dave', 'erin', 'frank'])
      assert.equal((await login(srv.base, u, 'Str0ng!Pass')).status, 401, `${u} was created`);
    assert.equal((await login(srv.base, 'teacher')).status, 200, 'duplicate user add changed teacher');
  });

  test('cli-2.6 user add gives the three administrator roles, held to the same password policy', async () => {
    for (const [name, role] of [['sec2', 'secadmin'], ['aud2', 'auditor'], ['sys2', 'sysadmin']]) {
      const r = await userAdd(name, ['--role', role], 'Kq7!vRm2xT\n');
      assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
      const l = await login(srv.base, name, 'Kq7!vRm2xT');
      assert.equal(l.status, 200, l.res.text);
      assert.equal(l.body.user.role, role);
      assert.equal(l.body.user.must_change_password, false);
    }
    for (const pw of ['P@ssw0rd', 'Dangxiao@2026', 'Password1', 'Qwerty123', 'Weaker#2026weaker']) {
      const r = await userAdd('weakling', ['--role', 'secadmin'], pw + '\n');
      notCrashed(r);
      if (pw.startsWith('Weaker')) { assert.equal(r.code, 0, r.stderr); continue; }
      assert.notEqual(r.code, 0, `${pw} accepted`);
      assert.match(r.stderr, /password/);
      assert.equal((await login(srv.base, 'weakling', pw)).status, 401);
    }
  });

  test('cli-2.7 user add with --person refuses a password made of that person\'s ID number or phone', async () => {
    const ca = await session(srv.base, 'county_admin');
    const p = await ca('POST', '/api/v1/people', { json: { name: '李四', id_number: '371723197512310029',
      phone: '13912345678', political_status: 'member', township_code: '371723005' } });
    assert.equal(p.status, 201, p.text);
    for (const pw of ['Id!371723197512310029', 'Ph!13912345678', 'Lisi#x19751231', 'Kq!xx12310029'])  {
      const r = await userAdd('lisi', ['--role', 'trainee', '--township', '371723005', '--person', String(p.json.id)], pw + '\n');
      notCrashed(r);
      assert.notEqual(r.code, 0, `${pw} accepted`);
    }
    const ok = await userAdd('lisi', ['--role', 'trainee', '--township', '371723005', '--person', String(p.json.id)], 'Kq7!vRm2xT\n');
    assert.equal(ok.code, 0, ok.stderr);
  });

  test('cli-2.5 init on an existing database is harmless (migrate): exit 0', async () => {
    const r = await srv.cli(['init']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await login(srv.base, 'teacher')).status, 200);
  });

  test('cli-3.1 backup writes a usable copy and its key file, both mode 0600', async () => {
    const file = tmp(isPG ? '.dump' : '.bak.db');
    try {
      const r = await run(BIN, ['backup', '--db', srv.db, file], { env: childEnv(srv.dbh.env) });
      assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
      for (const f of [file, file + '.keys']) {
        assert.ok(fs.existsSync(f), `no ${f}`);
        assert.ok(fs.statSync(f).size > 0, `${f} is empty`);
        assert.equal(fs.statSync(f).mode & 0o777, 0o600, `${f} mode ${(fs.statSync(f).mode & 0o777).toString(8)}`);
      }
      assert.match(r.stdout, /\.keys/, 'the output does not name the key file');
      if (isPG) {
        assert.equal(fs.readFileSync(file).subarray(0, 5).toString(), 'PGDMP', 'not a pg_dump archive');
        return;
      }
      const v = await run(BIN, ['audit', 'verify', '--db', file], { env: childEnv() });
      assert.equal(v.code, 0, `the backup fails audit verify: ${v.stdout}${v.stderr}`);
    } finally {
      for (const s of ['', '-wal', '-shm', '.keys']) fs.rmSync(file + s, { force: true });
    }
  });

  test('cli-3.3 options may follow the positional argument: backup FILE --db DB', async () => {
    if (isPG) return;
    const file = tmp('.bak.db');
    try {
      const r = await srv.cli(['backup', file]);
      assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
      assert.ok(fs.existsSync(file) && fs.statSync(file).size > 0);
    } finally {
      for (const s of ['', '-wal', '-shm', '.keys']) fs.rmSync(file + s, { force: true });
    }
  });

  test('cli-3.2 backup without a target file is a usage error', async () => {
    const r = await srv.cli(['backup']);
    notCrashed(r);
    assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
  });
});

describe('config errors', () => {
  let dbh;
  before(async () => {
    dbh = freshDb();
    const r = await run(BIN, ['init', '--db', dbh.uri], { env: childEnv(dbh.env) });
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => dbh && dbh.drop());

  async function serveWith(args, env = {}) {
    const port = await freePort();
    return run(BIN, ['serve', '--db', dbh.uri, '--listen', `127.0.0.1:${port}`, ...args],
      { env: childEnv({ ...(dbh.env || {}), ...env }), timeout: 10000 });
  }

  test('cli-4.1 an unknown key in the config file: exit 2 naming file, line and key', async () => {
    const file = tmp('.conf');
    fs.writeFileSync(file, '# test config\nworkers = 2\n\nfrobnicate = 1\n');
    try {
      const r = await serveWith(['--config', file]);
      assert.equal(r.timedOut, false, 'serve started despite the bad config');
      assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
      assert.ok(r.stderr.includes(file), `stderr does not name ${file}: ${r.stderr}`);
      assert.match(r.stderr, /(:|line )4\b/, `stderr lacks line 4: ${r.stderr}`);
      assert.ok(r.stderr.includes('frobnicate'), r.stderr);
    } finally { fs.rmSync(file, { force: true }); }
  });

  test('cli-4.2 a bad value in the config file: exit 2 naming file, line and key', async () => {
    const file = tmp('.conf');
    fs.writeFileSync(file, 'workers = banana\n');
    try {
      const r = await serveWith(['--config', file]);
      assert.equal(r.timedOut, false, 'serve started despite the bad config');
      assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
      assert.ok(r.stderr.includes(file), r.stderr);
      assert.match(r.stderr, /(:|line )1\b/, r.stderr);
      assert.ok(r.stderr.includes('workers'), r.stderr);
    } finally { fs.rmSync(file, { force: true }); }
  });

  test('cli-4.3 DANGXIAO_WORKERS=banana: non-zero exit naming DANGXIAO_WORKERS', async () => {
    const r = await serveWith([], { DANGXIAO_WORKERS: 'banana' });
    assert.equal(r.timedOut, false, 'serve started despite the bad setting');
    assert.notEqual(r.code, 0);
    notCrashed(r);
    assert.ok(r.stderr.includes('DANGXIAO_WORKERS'), r.stderr);
  });

  test('cli-4.4 a missing config file: non-zero exit naming it', async () => {
    const file = tmp('.missing.conf');
    const r = await serveWith(['--config', file]);
    assert.equal(r.timedOut, false);
    notCrashed(r);
    assert.notEqual(r.code, 0);
    assert.ok(r.stderr.includes(file), r.stderr);
  });

  test('cli-4.5 an out-of-range value: exit 2', async () => {
    const file = tmp('.conf');
    fs.writeFileSync(file, 'lockout_threshold = 1000\n');
    try {
      const r = await serveWith(['--config', file]);
      assert.equal(r.timedOut, false);
      assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
      assert.ok(r.stderr.includes('lockout_threshold'), r.stderr);
    } finally { fs.rmSync(file, { force: true }); }
  });
});

describe('signals', () => {
  test('cli-5.1 SIGTERM stops the server with exit code 0', async () => {
    const s = await startServer();
    const l = await login(s.base, 'teacher');
    assert.equal(l.status, 200);
    const e = await s.stop();
    assert.equal(e.code, 0);
    assert.equal(e.signal, null);
  });

  test('cli-5.2 the config file is honoured (listen from the file)', async () => {
    const dbh2 = freshDb();
    const file = tmp('.conf');
    try {
      const r = await run(BIN, ['init', '--db', dbh2.uri], { env: childEnv(dbh2.env) });
      assert.equal(r.code, 0, r.stderr);
      const port = await freePort();
      fs.writeFileSync(file, `# comment\nlisten = "127.0.0.1:${port}"\nworkers = 2\n`);
      const s = await startServer({ db: dbh2, init: false, port, noListen: true, args: ['--config', file] });
      const r2 = await fetch(s.base + '/healthz');
      assert.equal(r2.status, 200);
      await s.stop();
    } finally { fs.rmSync(file, { force: true }); dbh2.drop(); }
  });
});

describe('demo data', () => {
  test('cli-6.1 demo --scale county makes 13 townships and 469 villages', async () => {
    const s = await startServer({ scale: 'county' });
    try {
      const ca = await session(s.base, 'county_admin');
      const t = await ca('GET', '/api/v1/townships');
      assert.equal(t.json.total, 13);
      const v = await ca('GET', '/api/v1/villages?per_page=500');
      assert.equal(v.status, 200, v.text);
      assert.equal(v.json.total, 469);
      const per = {};
      for (const x of v.json.items) per[x.township_code] = (per[x.township_code] || 0) + 1;
      assert.equal(Object.keys(per).length, 13, 'every township has villages');
      const codes = new Set(v.json.items.map((x) => x.code));
      assert.equal(codes.size, 469, 'village codes are unique');
      // Fresh from the demo, PostgreSQL must plan with statistics: without
      // them the members-behind list was a nested loop that took minutes
      // until autovacuum happened to run. The demo analyses its tables.
      if (isPG) {
        const q = spawnSync('psql', [s.db, '-XAt', '-c', "SELECT count(*) FROM pg_stat_user_tables " +
          "WHERE relname IN ('people', 'attendance') AND last_analyze IS NOT NULL"], { encoding: 'utf8' });
        assert.equal(q.stdout.trim(), '2', `the demo left people/attendance unanalysed: ${q.stdout}${q.stderr}`);
      }
      const behind = await ca('GET', '/api/v1/hours/behind?per_page=5');
      assert.equal(behind.status, 200, behind.text);
    } finally { await s.stop(); }
  });

  test('cli-6.2 demo is deterministic for a seed', async () => {
    const lists = [];
    for (let i = 0; i < 2; i++) {
      const s = await startServer();
      try {
        const ca = await session(s.base, 'county_admin');
        const v = await ca('GET', '/api/v1/villages?per_page=500');
        lists.push(v.json.items.map((x) => `${x.code} ${x.name} ${x.township_code}`));
      } finally { await s.stop(); }
    }
    assert.deepEqual(lists[0], lists[1]);
  });
});

// The commands the smoke and bad-input suites read the server with.
describe('cli for the tests: routes and db counts', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { if (srv) await srv.stop(); });

  test('cli-7.1 routes prints the route table and the role table as JSON', async () => {
    const r = await run(BIN, ['routes']);
    assert.equal(r.code, 0, r.stderr);
    const t = JSON.parse(r.stdout);
    const codes = t.roles.map((x) => x.code);
    for (const c of ['county_admin', 'school_admin', 'sysadmin', 'auditor']) assert.ok(codes.includes(c), c);
    assert.equal(t.roles.find((x) => x.code === 'school_admin').township, 'required');
    const find = (m, p) => t.routes.find((x) => x.method === m && x.pattern === p);
    assert.deepEqual(find('GET', '/healthz'), { method: 'GET', pattern: '/healthz', access: 'public', roles: [], flags: [], query: [] });
    assert.deepEqual(find('GET', '/api/v1/audit').roles, ['auditor']);
    assert.deepEqual(find('POST', '/api/v1/session').flags, ['no_csrf', 'anon_body']);
    // The query parameters each route's handler reads.
    assert.ok(find('GET', '/api/v1/people').query.includes('township'));
    assert.ok(find('GET', '/').flags.includes('page'));
    for (const x of t.routes) {
      assert.ok(x.access === 'public' || x.roles.length > 0, `${x.method} ${x.pattern}`);
      for (const c of x.roles) assert.ok(codes.includes(c), `${x.method} ${x.pattern}: ${c}`);
    }
    // What it prints is what the server answers: a route from the table
    // is there, a route it lacks is not.
    const ca = await session(srv.base, 'county_admin');
    assert.equal((await ca('GET', '/api/v1/townships')).status, 200);
    assert.ok(find('GET', '/api/v1/townships'));
    assert.equal((await ca('GET', '/api/v1/no-such-route')).status, 404);
    const x = await run(BIN, ['routes', 'extra']);
    assert.equal(x.code, 2, `routes extra: exit ${x.code}`);
  });

  test('cli-7.2 db counts prints every table\'s rows; a write shows in it', async () => {
    const counts = async () => {
      const r = await srv.cli(['db', 'counts']);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const before = await counts();
    for (const t of ['townships', 'villages', 'people', 'audit_log', 'users'])
      assert.equal(typeof before[t], 'number', `no count for ${t}`);
    assert.equal(before.townships, 13);
    const ca = await session(srv.base, 'county_admin');
    const v = await ca('POST', '/api/v1/villages', { json: { name: `计数村${rand(3)}`, township_code: '371723004' } });
    assert.equal(v.status, 201, v.text);
    const after = await counts();
    assert.equal(after.villages, before.villages + 1);
    assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort());
  });

  test('cli-7.3 db counts: a missing SQLite file is an error and is not created; no --db is a usage error', async () => {
    const file = tmp('.db');
    const r = await run(BIN, ['db', 'counts', '--db', file], { env: childEnv() });
    notCrashed(r);
    assert.equal(r.code, 1, `exit ${r.code}: ${r.stderr}`);
    assert.ok(!fs.existsSync(file), 'db counts created the file');
    const u = await run(BIN, ['db', 'counts'], { env: childEnv() });
    assert.equal(u.code, 2, `no --db: exit ${u.code}`);
    const w = await run(BIN, ['db', 'drop'], { env: childEnv() });
    assert.equal(w.code, 2, `db drop: exit ${w.code}`);
  });
});
