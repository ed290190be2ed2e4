// The keyed audit chain against someone who holds the database but not the
// key file: every tampering is done on the database directly (the sqlite3
// CLI on the file, psql on PostgreSQL), triggers dropped first, and
// `dangxiao audit verify` must say BROKEN, naming the row. Truncation is
// caught with a checkpoint (`audit checkpoint`, or the server's log line).
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BIN, run, childEnv, cliFor, freshDb, isPG, rand, startServer, sleep,
} from './lib.mjs';

const tmp = (ext) => path.join(os.tmpdir(), `dx-chain-${process.pid}-${rand(4)}${ext}`);
const GENESIS = '0'.repeat(64);
const dbs = [];
after(() => { for (const d of dbs) d.drop(); });

// A database with its chain keyed and a few rows (user add, as at the
// console): {uri, env, cli, sql(text), rows(sql)}.
async function chain(users = 4) {
  const dbh = freshDb();
  dbs.push(dbh);
  const cli = cliFor(dbh.uri, dbh.env || {});
  const r = await cli(['init']);
  assert.equal(r.code, 0, r.stderr);
  for (let i = 0; i < users; i++) {
    const u = await cli(['user', 'add', `chain_${i}_${rand(2)}`, '--role', 'county_admin'],
      { input: 'Str0ng!Chain#2026\n' });
    assert.equal(u.code, 0, u.stderr);
  }
  const tool = isPG ? ['psql', [dbh.uri, '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-c']]
    : ['sqlite3', ['-bail', dbh.uri]];
  const sql = (text) => {
    const p = spawnSync(tool[0], [...tool[1], text], { encoding: 'utf8' });
    assert.equal(p.status, 0, `${text}: ${p.stderr}`);
    return p.stdout;
  };
  const rows = (where = '') => {
    const cols = 'id, at, user_id, username, role, event, object, success, ip, client, detail, prev_hash, hash, mac';
    const q = isPG
      ? `SELECT COALESCE(json_agg(t ORDER BY id), '[]') FROM (SELECT ${cols} FROM audit_log ${where}) t`
      : `SELECT COALESCE(json_group_array(json_object(${cols.split(', ').map((c) => `'${c}', ${c}`).join(', ')})), '[]') FROM (SELECT * FROM audit_log ${where} ORDER BY id)`;
    return JSON.parse(sql(q));
  };
  // Drops the append-only guard, as the file's holder can.
  const unguard = () => sql(isPG ? 'ALTER TABLE audit_log DISABLE TRIGGER ALL'
    : 'DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_keep');
  return { ...dbh, cli, sql, rows, unguard };
}

// A row's bytes as audit.c chains them.
function rowBytes(prev, r) {
  const parts = [prev, '\x1f', `${r.id}\x1f${r.at}\x1f${r.user_id || 0}\x1f${r.success ? 1 : 0}`];
  for (const k of ['username', 'role', 'event', 'object', 'ip', 'client', 'detail']) {
    const f = r[k] == null ? '' : String(r[k]);
    parts.push(`\x1f${Buffer.byteLength(f)}:`, f);
  }
  return Buffer.from(parts.join(''), 'utf8');
}

// Recomputes rows from id `from` on: plain SM3 (key null) or HMAC-SM3
// under a key the attacker guessed; mac is what the column then says.
function rechain(c, from, key, mac) {
  c.unguard();
  const all = c.rows();
  let prev = from > 1 ? all.find((r) => r.id === from - 1).hash : GENESIS;
  const updates = [];
  for (const r of all.filter((x) => x.id >= from)) {
    const h = key ? crypto.createHmac('sm3', key).update(rowBytes(prev, r)).digest('hex')
      : crypto.createHash('sm3').update(rowBytes(prev, r)).digest('hex');
    updates.push(`UPDATE audit_log SET prev_hash = '${prev}', hash = '${h}', mac = '${mac}' WHERE id = ${r.id};`);
    prev = h;
  }
  c.sql(updates.join(' '));
}

async function verify(c, args = []) {
  const r = await c.cli(['audit', 'verify', ...args]);
  assert.equal(r.signal, null, `verify killed: ${r.stderr}`);
  return { ...r, out: r.stdout + r.stderr };
}

async function assertBroken(c, row, args = [], why) {
  const v = await verify(c, args);
  assert.equal(v.code, 1, `verify passed a tampered log: ${v.out}`);
  assert.match(v.out, new RegExp(`BROKEN at row ${row}\\b`), v.out);
  if (why) assert.match(v.out, why, v.out);
  return v;
}

describe('audit chain', () => {
  test('chain-1.1 a fresh chain verifies; checkpoint prints its head', async () => {
    const c = await chain();
    const v = await verify(c);
    assert.equal(v.code, 0, v.out);
    assert.match(v.out, /audit log ok: 5 rows/);
    const cp = await c.cli(['audit', 'checkpoint']);
    assert.equal(cp.code, 0, cp.stderr);
    const last = c.rows().at(-1);
    assert.equal(last.mac, 'hmac-sm3');
    assert.match(cp.stdout, new RegExp(`^audit checkpoint rows=5 hash=${last.hash} at=\\d{4}-\\d\\d-\\d\\dT`));
    const first = c.rows()[0];
    assert.equal(first.event, 'audit_keyed');
    assert.equal(JSON.parse(first.detail).cause, 'upgrade');
  });

  test('chain-1.2 an edited row breaks the chain at that row', async () => {
    const c = await chain();
    c.unguard();
    c.sql("UPDATE audit_log SET username = 'nobody' WHERE id = 3");
    await assertBroken(c, 3, [], /MAC/);
  });

  test('chain-1.3 edited, then the chain recomputed with plain SM3', async () => {
    const c = await chain();
    c.unguard();
    c.sql("UPDATE audit_log SET success = 0 WHERE id = 3");
    rechain(c, 3, null, 'sm3');
    await assertBroken(c, 3, [], /unkeyed/);
    // The whole chain, keying row included.
    rechain(c, 1, null, 'sm3');
    await assertBroken(c, 1);
  });

  test('chain-1.4 edited, then recomputed with HMAC-SM3 under a guessed key', async () => {
    const c = await chain();
    c.unguard();
    c.sql("UPDATE audit_log SET detail = '{}' WHERE id = 4");
    rechain(c, 4, Buffer.alloc(32), 'hmac-sm3');
    await assertBroken(c, 4, [], /MAC/);
    rechain(c, 1, crypto.randomBytes(32), 'hmac-sm3');
    await assertBroken(c, 1, [], /MAC/);
  });

  test('chain-1.5 a deleted row, and the ids closed up after it', async () => {
    const c = await chain();
    c.unguard();
    c.sql('DELETE FROM audit_log WHERE id = 3');
    await assertBroken(c, 4, [], /missing/);
    c.sql('UPDATE audit_log SET id = id + 1000 WHERE id > 3; UPDATE audit_log SET id = id - 1001 WHERE id > 1000');
    await assertBroken(c, 3);
  });

  test('chain-1.6 two rows swapped', async () => {
    const c = await chain();
    c.unguard();
    c.sql('UPDATE audit_log SET id = 100 WHERE id = 2; UPDATE audit_log SET id = 2 WHERE id = 3;'
      + ' UPDATE audit_log SET id = 3 WHERE id = 100;');
    await assertBroken(c, 2);
  });

  test('chain-1.7 rows cut from the end: intact alone, caught by the checkpoint', async () => {
    const c = await chain();
    const file = tmp('.cp');
    try {
      const cp = await c.cli(['audit', 'checkpoint']);
      assert.equal(cp.code, 0, cp.stderr);
      // Kept as syslog writes it, beside other lines.
      fs.writeFileSync(file, `Mar  1 01:00:00 box sshd[9]: something else\nMar  1 01:30:00 box dangxiao[42]: ${cp.stdout}`);
      let v = await verify(c, ['--checkpoint', file]);
      assert.equal(v.code, 0, v.out);
      c.unguard();
      c.sql('DELETE FROM audit_log WHERE id > 3');
      v = await verify(c);
      assert.equal(v.code, 0, `a shorter chain is intact on its own: ${v.out}`);
      await assertBroken(c, 4, ['--checkpoint', file], /deleted from its end/);
      // Cut, then as many rows written again by the console: the row of
      // the checkpoint exists, with another hash.
      for (let i = 0; i < 2; i++)
        assert.equal((await c.cli(['user', 'add', `again_${i}_${rand(2)}`, '--role', 'county_admin'],
          { input: 'Str0ng!Chain#2026\n' })).code, 0);
      await assertBroken(c, 5, ['--checkpoint', file], /checkpoint/);
    } finally { fs.rmSync(file, { force: true }); }
  });

  test('chain-1.8 every row deleted: broken, and still broken after a server started on it', async () => {
    const c = await chain();
    c.unguard();
    c.sql('DELETE FROM audit_log');
    await assertBroken(c, 1, [], /empty/);
    const s = await startServer({ db: { ...c, drop() {} }, init: false });
    await s.stop();
    const v = await assertBroken(c, 1, [], /deleted/);
    assert.ok(!/ok/.test(v.stdout), v.out);
  });

  test('chain-1.9 the keyed rows deleted, the unkeyed rows left: broken', async () => {
    const c = await chain();
    c.unguard();
    // As if the chain had been keyed after two old rows: make rows 1-2
    // an unkeyed prefix (a keying row in the middle is what an upgrade
    // writes), then delete every keyed row.
    c.sql("UPDATE audit_log SET event = 'legacy' WHERE id <= 2");
    rechain(c, 1, null, 'sm3');
    c.sql("DELETE FROM audit_log WHERE id > 2");
    await assertBroken(c, 3, [], /no row is keyed/);
  });

  test('chain-1.10 another key file does not verify the chain', async () => {
    const c = await chain(1);
    const other = freshDb();
    dbs.push(other);
    const keys = tmp('.keys');
    try {
      const r = await run(BIN, ['init', '--db', other.uri], { env: childEnv({ ...(other.env || {}), DANGXIAO_KEY_FILE: keys }) });
      assert.equal(r.code, 0, r.stderr);
      const v = await run(BIN, ['audit', 'verify', '--db', c.uri], { env: childEnv({ DANGXIAO_KEY_FILE: keys }) });
      assert.equal(v.code, 1, v.stdout + v.stderr);
      assert.match(v.stdout, /BROKEN at row 1\b/);
    } finally { fs.rmSync(keys, { force: true }); }
  });

  test('chain-1.11 the server writes a checkpoint at start and on schedule, to its log', async () => {
    const s = await startServer({ env: { DANGXIAO_AUDIT_CHECKPOINT_SECONDS: '1' } });
    const file = tmp('.log');
    try {
      await sleep(2500);
      const lines = s.stderr.split('\n').filter((l) => /audit checkpoint rows=\d+ hash=[0-9a-f]{64}/.test(l));
      assert.ok(lines.length >= 2, `checkpoint lines in the log: ${lines.length}\n${s.stderr.slice(-2000)}`);
      fs.writeFileSync(file, s.stderr);
      const v = await s.cli(['audit', 'verify', '--checkpoint', file]);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.match(v.stdout, /matches every checkpoint/);
    } finally {
      fs.rmSync(file, { force: true });
      await s.stop();
    }
  });

  test('chain-1.12 bad use: a checkpoint file without a checkpoint, or missing', async () => {
    const c = await chain(0);
    const file = tmp('.cp');
    try {
      fs.writeFileSync(file, 'nothing here\nrows=3 hash=abc\n');
      let r = await c.cli(['audit', 'verify', '--checkpoint', file]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /no checkpoint/);
      r = await c.cli(['audit', 'verify', '--checkpoint', file + '.missing']);
      assert.equal(r.code, 1);
      r = await c.cli(['audit', 'frobnicate']);
      assert.equal(r.code, 2);
      r = await c.cli(['audit', 'checkpoint', '--checkpoint', file]);
      assert.equal(r.code, 2, 'checkpoint takes no --checkpoint');
    } finally { fs.rmSync(file, { force: true }); }
  });
});
