// Command line: usage, user add, backup, config errors, SIGTERM.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
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
  const userAdd = (name, opts, input) => run(BIN, ['user', 'add', name, '--db', srv.db, ...opts],
    { input, env: childEnv(srv.dbh.env) });
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
