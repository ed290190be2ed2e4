// The backup drill: back up while the API writes, restore to a new place,
// serve it, log in, reveal an ID number and find the one written; the
// audit chain verifies, and the backup and the restore are audit rows.
// Then what restore refuses: a live database, a backup without its key
// file, another key file, a tampered copy. SQLite and PostgreSQL (pg_dump
// and pg_restore into a new database).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BIN, run, childEnv, startServer, session, isPG, PG_ADMIN, rand, idNumber,
} from './lib.mjs';

const tmp = (ext) => path.join(os.tmpdir(), `dx-bak-${process.pid}-${rand(4)}${ext}`);
const A = '371723001';
const psql = (uri, sql) => {
  const r = spawnSync('psql', [uri, '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${sql}: ${r.stderr}`);
  return r.stdout;
};

// A place to restore into: a new SQLite path, or a new empty PostgreSQL
// database with its own key file. {uri, env, drop()}.
function target() {
  const keys = tmp('.keys');
  if (isPG) {
    const name = `dx_restore_${process.pid}_${rand(3)}`;
    psql(PG_ADMIN, `CREATE DATABASE ${name}`);
    const u = new URL(PG_ADMIN);
    u.pathname = '/' + name;
    return {
      uri: u.toString(), keys, env: { DANGXIAO_KEY_FILE: keys },
      drop() {
        try { psql(PG_ADMIN, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } catch {}
        for (const f of fs.readdirSync(os.tmpdir()))
          if (f.startsWith(path.basename(keys))) fs.rmSync(path.join(os.tmpdir(), f), { force: true });
      },
    };
  }
  const file = tmp('.db');
  return {
    uri: file, keys: file + '.keys', env: {},
    drop() {
      for (const f of fs.readdirSync(os.tmpdir()))
        if (f.startsWith(path.basename(file))) fs.rmSync(path.join(os.tmpdir(), f), { force: true });
    },
  };
}

describe('backup and restore', () => {
  let srv, sa, file, person, wrote = 0;
  const cleanup = [];
  before(async () => {
    srv = await startServer();
    sa = await session(srv.base, 'school_admin');
    file = tmp(isPG ? '.dump' : '.bak.db');
    cleanup.push(() => { for (const s of ['', '.keys', '-wal', '-shm']) fs.rmSync(file + s, { force: true }); });
  });
  after(async () => {
    if (srv) await srv.stop();
    for (const f of cleanup) f();
  });

  const backup = (args = [], env = {}) => run(BIN, ['backup', '--db', srv.db, ...args],
    { env: childEnv({ ...(srv.dbh.env || {}), ...env }) });
  const restore = (t, args) => run(BIN, ['restore', '--db', t.uri, ...args], { env: childEnv(t.env) });

  test('backup-1.1 back up while the API writes; the copy and its key file are written', async () => {
    const id = idNumber('1979-09-09', 901);
    const c = await sa('POST', '/api/v1/people', {
      json: { name: '备份测试', id_number: id, phone: '13912345678', political_status: 'member', township_code: A },
    });
    assert.equal(c.status, 201, c.text);
    person = { id: c.json.id, number: id };
    // Writers in parallel with the backup: villages added one after another.
    let stop = false;
    const writers = [0, 1].map(async (w) => {
      while (!stop) {
        const r = await sa('POST', '/api/v1/villages', { json: { name: `备份村${w}_${rand(3)}`, township_code: A } });
        assert.equal(r.status, 201, r.text);
        wrote++;
      }
    });
    await new Promise((r) => setTimeout(r, 200));
    const b = await backup([file]);
    stop = true;
    await Promise.all(writers);
    assert.equal(b.code, 0, `exit ${b.code}: ${b.stdout}${b.stderr}`);
    assert.ok(wrote > 0, 'no write ran beside the backup');
    assert.match(b.stdout, /backup written/);
    for (const f of [file, file + '.keys']) {
      assert.ok(fs.existsSync(f), `no ${f}`);
      assert.equal(fs.statSync(f).mode & 0o777, 0o600, f);
    }
    // The live database says so.
    const v = await srv.cli(['audit', 'verify']);
    assert.equal(v.code, 0, v.stdout + v.stderr);
  });

  test('backup-1.2 restore to a new place, serve it, log in, reveal the ID number written', async () => {
    const t = target();
    cleanup.push(() => t.drop());
    const r = await restore(t, [file]);
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /audit chain intact/);
    assert.ok(fs.existsSync(t.keys), 'the key file was not put in place');
    assert.equal(fs.statSync(t.keys).mode & 0o777, 0o600);
    const s = await startServer({ db: { uri: t.uri, env: t.env, drop() {} }, init: false });
    try {
      const as = await session(s.base, 'school_admin');
      const p = await as('GET', `/api/v1/people/${person.id}?reveal=id_number`);
      assert.equal(p.status, 200, p.text);
      assert.equal(p.json.id_number, person.number);
      assert.equal(p.json.phone, '13912345678');
      // The chain verifies, with the restore's own row after the backup's
      // copy of the live chain (then the log-ins and the reveal above).
      const v = await s.cli(['audit', 'verify']);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      const aud = await session(s.base, 'auditor');
      const rows = (await aud('GET', '/api/v1/audit?event=restore')).json.items;
      assert.equal(rows.length, 1);
      const reveal = (await aud('GET', '/api/v1/audit?event=person_reveal')).json.items;
      assert.ok(reveal[0].id > rows[0].id, 'the reveal is not audited after the restore');
      assert.equal(rows[0].detail.file, file);
      assert.ok(rows[0].detail.sealed_checked >= 2, JSON.stringify(rows[0].detail));
    } finally { await s.stop(); }
    // The live database has the backup's row.
    const aud = await session(srv.base, 'auditor');
    const b = (await aud('GET', '/api/v1/audit?event=backup')).json.items;
    assert.ok(b.length >= 1);
    assert.equal(b[0].detail.file, file);
    assert.equal(b[0].success, true);
    assert.match(b[0].detail.sha256, /^[0-9a-f]{64}$/);
  });

  test('backup-1.3 restore refuses a database in place, unless --force', async () => {
    if (isPG) {
      // A database with tables is never restored into.
      const t = target();
      cleanup.push(() => t.drop());
      assert.equal((await restore(t, [file])).code, 0);
      const again = await restore(t, [file]);
      assert.equal(again.code, 1, again.stdout + again.stderr);
      assert.match(again.stderr, /already holds tables/);
      return;
    }
    const t = target();
    cleanup.push(() => t.drop());
    fs.writeFileSync(t.uri, 'not a database, but something');
    const r = await restore(t, [file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /exists/);
    assert.equal(fs.readFileSync(t.uri, 'utf8'), 'not a database, but something');
    // Forced, over another key file: the old one is kept beside it.
    fs.writeFileSync(t.keys, '# other keys\n');
    const k = await restore(t, [file]);
    assert.equal(k.code, 1);
    const f = await restore(t, [file, '--force']);
    assert.equal(f.code, 0, f.stdout + f.stderr);
    const kept = fs.readdirSync(path.dirname(t.keys)).filter((x) => x.startsWith(path.basename(t.keys) + '.replaced-'));
    assert.equal(kept.length, 1);
    assert.equal(fs.readFileSync(path.join(path.dirname(t.keys), kept[0]), 'utf8'), '# other keys\n');
    const v = await run(BIN, ['audit', 'verify', '--db', t.uri], { env: childEnv(t.env) });
    assert.equal(v.code, 0, v.stdout + v.stderr);
  });

  test('backup-1.4 restore refuses a backup without its key file, or with another one', async () => {
    const t = target();
    cleanup.push(() => t.drop());
    const bare = tmp(isPG ? '.dump' : '.db');
    cleanup.push(() => fs.rmSync(bare, { force: true }));
    fs.copyFileSync(file, bare);
    let r = await restore(t, [bare]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /key file/);
    // Another installation's key file: its keys do not open the data.
    const other = tmp('.keys'), odb = tmp('.db');
    cleanup.push(() => { for (const f of [other, odb, odb + '-wal', odb + '-shm']) fs.rmSync(f, { force: true }); });
    const o = await run(BIN, ['init', '--db', odb], { env: childEnv({ DANGXIAO_KEY_FILE: other }) });
    assert.equal(o.code, 0, o.stderr);
    r = await restore(t, [file, '--keys', other]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /refused/);
    assert.ok(!fs.existsSync(t.keys), 'the wrong key file was put in place');
    if (!isPG) assert.ok(!fs.existsSync(t.uri), 'a refused restore left a database');
  });

  test('backup-1.5 restore refuses a copy whose audit log was tampered with', async () => {
    if (isPG) return; // the dump is an archive; its chain is checked in backup-1.2
    const bad = tmp('.db');
    cleanup.push(() => { for (const s of ['', '.keys']) fs.rmSync(bad + s, { force: true }); });
    fs.copyFileSync(file, bad);
    fs.copyFileSync(file + '.keys', bad + '.keys');
    const e = spawnSync('sqlite3', [bad, "DROP TRIGGER audit_no_update; UPDATE audit_log SET username = 'x' WHERE id = 2;"], { encoding: 'utf8' });
    assert.equal(e.status, 0, e.stderr);
    const t = target();
    cleanup.push(() => t.drop());
    const r = await restore(t, [bad]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /BROKEN at row 2/);
    assert.ok(!fs.existsSync(t.uri));
  });

  test('backup-1.7 PostgreSQL without pg_dump: the key file is saved, and it says what to run', async () => {
    if (!isPG) return;
    const f = tmp('.dump');
    cleanup.push(() => { for (const s of ['', '.keys']) fs.rmSync(f + s, { force: true }); });
    const r = await backup([f], { PATH: '/nonexistent' });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /pg_dump is not installed/);
    assert.match(r.stderr, /DATABASE IS NOT BACKED UP/);
    assert.match(r.stderr, /pg_dump --format=custom/);
    assert.ok(fs.existsSync(f + '.keys'), 'the key file was not saved');
    assert.ok(!fs.existsSync(f));
    const aud = await session(srv.base, 'auditor');
    const b = (await aud('GET', '/api/v1/audit?event=backup')).json.items;
    assert.equal(b[0].success, false);
  });

  test('backup-1.6 bad use: no FILE, an unknown option', async () => {
    assert.equal((await backup([])).code, 2);
    assert.equal((await run(BIN, ['restore', '--db', tmp('.db')], { env: childEnv() })).code, 2);
    assert.equal((await run(BIN, ['restore', '--db', tmp('.db'), file, '--bogus'], { env: childEnv() })).code, 2);
  });
});
