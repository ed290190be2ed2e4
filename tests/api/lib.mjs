// tests/api/lib.mjs — harness for the API tests: starts the real binary on a
// fresh database (SQLite file, or a fresh PostgreSQL database when
// DX_PG_ADMIN_URI is set) and drives it over HTTP.
//
// Environment:
//   DX_BIN            the binary (default build/dangxiao, relative to cwd)
//   DX_DB             use this database instead of a fresh one (SQLite path or
//                     postgresql:// URI); normally left unset
//   DX_PG_ADMIN_URI   postgresql://postgres@127.0.0.1:PORT/postgres — run on
//                     PostgreSQL, in a fresh database per server
//   DX_START_TIMEOUT  ms to wait for /healthz (default 15000)
//   DX_KEEP_DB=1      do not delete/drop the test databases afterwards
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import crypto from 'node:crypto';
import assert from 'node:assert/strict';

export const BIN = path.resolve(process.env.DX_BIN || 'build/dangxiao');
export const PG_ADMIN = process.env.DX_PG_ADMIN_URI || '';
export const isPG = PG_ADMIN !== '' ||
  /^postgres(ql)?:\/\//.test(process.env.DX_DB || '');
export const DEMO_PASSWORD = 'Dangxiao@2026';
export const DEMO_USERS = ['county_admin', 'school_admin', 'school_admin2',
  'teacher', 'trainee', 'guide', 'sysadmin', 'secadmin', 'auditor'];
export const TOWNSHIPS = ['文亭街道', '永昌街道', '大田集镇', '天宫庙镇', '汶上集镇',
  '南鲁集镇', '伯乐集镇', '苟村集镇', '白浮图镇', '孙寺镇', '九女集镇', '党集镇',
  '张楼镇'].map((name, i) => ({ code: String(371723001 + i), name }));

const START_TIMEOUT = Number(process.env.DX_START_TIMEOUT || 15000);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A valid 18-digit ID number (GB 11643 check digit) of 成武县 for a birth
// date YYYY-MM-DD and a sequence number (odd: male, even: female).
export function idNumber(birth, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const d = '371723' + birth.replaceAll('-', '') + String(seq).padStart(3, '0');
  const s = [...d].reduce((a, c, i) => a + Number(c) * w[i], 0);
  return d + '10X98765432'[s % 11];
}
export const rand = (n = 6) => crypto.randomBytes(n).toString('hex');

// The environment for every child: the parent's, minus any DANGXIAO_*
// setting (the binary refuses unknown ones, and a stray one would skew the
// tests), plus fast hashing and no access log, plus `extra`.
export function childEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('DANGXIAO_')) env[k] = v;
  env.DANGXIAO_ARGON2_MEMLIMIT_KIB = '8192';
  env.DANGXIAO_ARGON2_OPSLIMIT = '1';
  env.DANGXIAO_ACCESS_LOG = 'off';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined || v === null) delete env[k];
    else env[k] = String(v);
  }
  return env;
}

// Run a program to completion: {code, signal, stdout, stderr}.
// A program still running after `timeout` ms is killed (SIGKILL) and
// reported with timedOut: true.
export function run(file, args, { input, env, timeout = 60000 } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(file, args, { env: env || childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', timedOut = false;
    p.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    p.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { timedOut = true; p.kill('SIGKILL'); }, timeout);
    p.on('error', (e) => { clearTimeout(timer); reject(e); });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    p.stdin.on('error', () => {}); // the program may exit without reading
    if (input !== undefined) p.stdin.end(input);
    else p.stdin.end();
  });
}

// The binary with `--db DB` appended.
export function cliFor(db, baseEnv = {}) {
  return (args, opts = {}) => run(BIN, [...args, '--db', db],
    { ...opts, env: childEnv({ ...baseEnv, ...(opts.env || {}) }) });
}

function psql(uri, sql) {
  const r = spawnSync('psql', [uri, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql],
    { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`psql ${sql}: exit ${r.status}: ${r.stderr || r.error}`);
  return r.stdout;
}

// Runs SQL on a server's database behind its back (sqlite3 or psql): for
// states the API cannot make, such as a token past its expiry.
export function sqlExec(uri, sql) {
  if (/^postgres(ql)?:\/\//.test(uri)) return psql(uri, sql);
  const r = spawnSync('sqlite3', ['-bail', '-cmd', '.timeout 5000', uri, sql], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`sqlite3 ${sql}: exit ${r.status}: ${r.stderr || r.error}`);
  return r.stdout;
}

// A fresh, empty database: {uri, drop()}.
export function freshDb() {
  if (process.env.DX_DB)
    return { uri: process.env.DX_DB, drop() {} };
  if (PG_ADMIN) {
    const name = `dx_${process.pid}_${rand(4)}`;
    psql(PG_ADMIN, `CREATE DATABASE ${name}`);
    const u = new URL(PG_ADMIN);
    u.pathname = '/' + name;
    // PostgreSQL has no "beside the file" for the field-encryption keys.
    const keyFile = path.join(os.tmpdir(), `${name}.keys`);
    return {
      uri: u.toString(),
      env: { DANGXIAO_KEY_FILE: keyFile },
      drop() {
        if (process.env.DX_KEEP_DB) return;
        try { psql(PG_ADMIN, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } catch {}
        fs.rmSync(keyFile, { force: true });
      },
    };
  }
  const file = path.join(os.tmpdir(), `dx-test-${process.pid}-${rand(4)}.db`);
  return {
    uri: file,
    drop() {
      if (process.env.DX_KEEP_DB) return;
      for (const s of ['', '-wal', '-shm', '-journal', '.keys'])
        fs.rmSync(file + s, { force: true });
    },
  };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Start a server on a fresh database with the demo data.
// opts.env: extra environment for the server (and the CLI runs);
// opts.args: extra `serve` arguments; opts.db: an existing {uri, drop};
// opts.init === false: skip init and demo; opts.demo === false: init only
// (no accounts: add them with srv.cli); opts.port: use this port;
// opts.noListen: do not pass --listen (the port comes from a config file).
export async function startServer(opts = {}) {
  if (!fs.existsSync(BIN))
    throw new Error(`no binary at ${BIN} (build it with make, or set DX_BIN)`);
  const dbh = opts.db || freshDb();
  const db = dbh.uri;
  opts = { ...opts, env: { ...(dbh.env || {}), ...(opts.env || {}) } };
  const cli = cliFor(db, opts.env);
  if (opts.init !== false) {
    const r1 = await cli(['init']);
    assert.equal(r1.code, 0, `dangxiao init failed (${r1.code}/${r1.signal}):\n${r1.stderr}`);
    if (opts.demo !== false) {
      // The county demo on PostgreSQL is written row by row: about two
      // minutes on a slow day of this 2-core machine (issue 14 makes it
      // bulk). The limit is there to catch a hang, not to time it.
      const r2 = await run(BIN, ['demo', '--db', db, '--scale', opts.scale || 'small', '--seed', String(opts.seed || 1)],
        { env: childEnv(opts.env || {}), timeout: 360000 });
      assert.equal(r2.code, 0, `dangxiao demo failed (${r2.code}/${r2.signal}):\n${r2.stderr}`);
    }
  }
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = opts.port || await freePort();
    try {
      const s = await spawnServer(db, port, opts);
      s.cli = cli;
      s.dbh = dbh;
      s.sql = (sql) => sqlExec(db, sql);
      const stop = s.stop;
      s.stop = async () => {
        try { return await stop(); } finally { dbh.drop(); }
      };
      return s;
    } catch (e) {
      lastErr = e;
      if (!/address already in use|EADDRINUSE|bind/i.test(e.message)) break;
    }
  }
  dbh.drop();
  throw lastErr;
}

async function spawnServer(db, port, opts) {
  const base = `http://127.0.0.1:${port}`;
  const listen = opts.noListen ? [] : ['--listen', `127.0.0.1:${port}`];
  const proc = spawn(BIN, ['serve', '--db', db, ...listen, ...(opts.args || [])], { env: childEnv(opts.env || {}), stdio: ['ignore', 'pipe', 'pipe'] });
  const s = { base, db, port, proc, stderr: '', stdout: '', exited: null, stopping: false };
  proc.stdout.setEncoding('utf8').on('data', (d) => { s.stdout += d; });
  proc.stderr.setEncoding('utf8').on('data', (d) => { s.stderr += d; });
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      s.exited = { code, signal };
      if (!s.stopping) {
        console.error(`dangxiao serve (port ${port}) died unexpectedly: ` +
          `code ${code} signal ${signal}\n--- server stderr ---\n${s.stderr}\n---`);
      }
      resolve(s.exited);
    });
  });
  proc.on('error', (e) => { s.exited = { code: -1, signal: null, error: e }; });

  const t0 = Date.now();
  for (;;) {
    if (s.exited) {
      throw new Error(`server exited during start (code ${s.exited.code}, ` +
        `signal ${s.exited.signal}):\n${s.stderr}`);
    }
    try {
      const r = await fetch(base + '/healthz', { signal: AbortSignal.timeout(2000) });
      await r.arrayBuffer();
      if (r.status === 200) break;
    } catch { /* not up yet */ }
    if (Date.now() - t0 > START_TIMEOUT) {
      s.stopping = true;
      proc.kill('SIGKILL');
      await exited;
      throw new Error(`server did not answer /healthz within ${START_TIMEOUT} ms:\n${s.stderr}`);
    }
    await sleep(100);
  }

  // SIGTERM, wait for the exit, and insist on exit code 0 (under ASan a
  // leak or memory error makes it non-zero).
  s.stop = async () => {
    if (s.exited && !s.stopping)
      throw new Error(`server had already died (code ${s.exited.code}, ` +
        `signal ${s.exited.signal}):\n${s.stderr}`);
    if (s.exited) return s.exited;
    s.stopping = true;
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 15000);
    const e = await exited;
    clearTimeout(t);
    assert.equal(e.signal, null, `server killed by ${e.signal} after SIGTERM:\n${s.stderr}`);
    assert.equal(e.code, 0, `server exit code ${e.code} after SIGTERM:\n${s.stderr}`);
    return e;
  };
  return s;
}

// ---------------------------------------------------------------- client

// req(base, method, path, {cookie, csrf, bearer, json, body, headers})
// → {status, headers, json, text, setCookies}
export async function req(base, method, p, o = {}) {
  const headers = { ...(o.headers || {}) };
  if (o.cookie) headers.Cookie = o.cookie;
  if (o.csrf) headers['X-CSRF-Token'] = o.csrf;
  if (o.bearer) headers.Authorization = `Bearer ${o.bearer}`;
  let body = o.body;
  if (o.json !== undefined) {
    body = JSON.stringify(o.json);
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
      headers['Content-Type'] = 'application/json';
  }
  const r = await fetch(base + p, { method, headers, body, redirect: 'manual',
    signal: AbortSignal.timeout(30000) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, headers: r.headers, json, text,
    setCookies: r.headers.getSetCookie ? r.headers.getSetCookie() : [] };
}

export function sessionCookie(setCookies) {
  for (const c of setCookies || []) {
    const m = /^\s*(dx_session=[^;]*)/.exec(c);
    if (m) return m[1];
  }
  return null;
}

// login(base, username, password) → {status, body, cookie, csrf, setCookie, res}
export async function login(base, username, password = DEMO_PASSWORD, extra = {}) {
  const res = await req(base, 'POST', '/api/v1/session',
    { json: { username, password }, ...extra });
  const raw = res.setCookies.find((c) => /^\s*dx_session=/.test(c)) || null;
  return { status: res.status, body: res.json, cookie: sessionCookie(res.setCookies),
    csrf: res.json && res.json.csrf_token, setCookie: raw, res };
}

// Log in and insist it worked; returns an `as` helper bound to the session:
// as(method, path, opts) sends the cookie and the CSRF token.
export async function session(base, username, password = DEMO_PASSWORD) {
  const l = await login(base, username, password);
  assert.equal(l.status, 200, `login ${username}: ${l.status} ${JSON.stringify(l.body)}`);
  assert.ok(l.cookie, `login ${username}: no dx_session cookie`);
  const call = (method, p, o = {}) => req(base, method, p, { cookie: l.cookie, csrf: l.csrf, ...o });
  call.cookie = l.cookie;
  call.csrf = l.csrf;
  call.user = l.body.user;
  return call;
}

export function assertError(res, status, code, field) {
  const ctx = `${res.status} ${res.text && res.text.slice(0, 300)}`;
  assert.equal(res.status, status, `status: want ${status} ${code}, got ${ctx}`);
  const ct = res.headers.get('content-type') || '';
  assert.match(ct, /application\/json/, `error content-type: ${ct}`);
  assert.ok(res.json && typeof res.json === 'object' && res.json.error,
    `error body shape: ${ctx}`);
  const e = res.json.error;
  assert.equal(e.code, code, `error code: want ${code}, got ${ctx}`);
  assert.equal(typeof e.message, 'string', `error message: ${ctx}`);
  assert.ok(e.message.length > 0, `empty error message: ${ctx}`);
  if (field !== undefined) assert.equal(e.field, field, `error field: want ${field}, got ${ctx}`);
}

export function assertList(res, { page = 1, perPage = 50 } = {}) {
  assert.equal(res.status, 200, `list: ${res.status} ${res.text.slice(0, 300)}`);
  const b = res.json;
  assert.ok(b && Array.isArray(b.items), `list shape: ${res.text.slice(0, 300)}`);
  assert.equal(typeof b.total, 'number');
  assert.equal(b.page, page);
  assert.equal(b.per_page, perPage);
  return b;
}

// Raw HTTP/1.1 request over a socket, for cases fetch cannot express (an
// oversized body the server may refuse before reading it in full).
// Returns {status, headers: {lower: value}, body, raw, error}.
export function rawRequest(base, data, { timeout = 15000 } = {}) {
  const u = new URL(base);
  return new Promise((resolve) => {
    const sock = net.connect(Number(u.port), u.hostname);
    const chunks = [];
    let error = null, done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const raw = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
      const [head, ...rest] = raw.split('\r\n\r\n');
      const headers = {};
      for (const line of head.split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const body = rest.join('\r\n\r\n');
      let json = null;
      try { json = JSON.parse(body); } catch {}
      resolve({ status: m ? Number(m[1]) : 0, headers, body, json, raw, error });
    };
    const timer = setTimeout(() => { error = error || new Error('timeout'); finish(); }, timeout);
    sock.on('data', (d) => {
      chunks.push(d);
      // Stop once a complete response with Content-Length is in.
      const raw = Buffer.concat(chunks).toString('latin1');
      const he = raw.indexOf('\r\n\r\n');
      if (he >= 0) {
        const cl = /\r\ncontent-length:\s*(\d+)/i.exec(raw.slice(0, he));
        if (cl && raw.length - he - 4 >= Number(cl[1])) finish();
      }
    });
    sock.on('error', (e) => { error = e; finish(); });
    sock.on('close', finish);
    sock.on('connect', () => { sock.write(data, () => {}); });
  });
}

// An assertError for rawRequest results.
export function assertRawError(r, status, code) {
  assert.equal(r.status, status,
    `want ${status} ${code}, got status ${r.status} (socket error: ${r.error && r.error.message}) ${r.raw.slice(0, 300)}`);
  assert.ok(r.json && r.json.error, `error body: ${r.body.slice(0, 300)}`);
  assert.equal(r.json.error.code, code);
  assert.ok(typeof r.json.error.message === 'string' && r.json.error.message.length > 0);
}

// Create a user as sysadmin (`sys` is a session() helper); returns the user.
export async function createUser(sys, u) {
  const r = await sys('POST', '/api/v1/users', { json: u });
  assert.equal(r.status, 201, `create user ${u.username}: ${r.status} ${r.text}`);
  return r.json;
}

// Log in as a freshly created user and change the forced initial password.
export async function activate(base, username, initial, final) {
  const s = await session(base, username, initial);
  const r = await s('POST', '/api/v1/me/password',
    { json: { old_password: initial, new_password: final } });
  assert.equal(r.status, 204, `password change ${username}: ${r.status} ${r.text}`);
  return s;
}

export const SECURITY_HEADERS = (res) => {
  const h = res.headers.get ? (k) => res.headers.get(k) : (k) => res.headers[k];
  const csp = h('content-security-policy');
  assert.ok(csp, 'missing content-security-policy');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal((h('x-content-type-options') || '').toLowerCase(), 'nosniff');
  assert.ok(h('referrer-policy'), 'missing referrer-policy');
  assert.equal((h('x-frame-options') || '').toUpperCase(), 'DENY');
};
