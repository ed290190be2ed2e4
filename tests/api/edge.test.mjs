// The edge (issue 9): what the HTTP layer decides before a handler runs.
// A body's framing (Content-Length against Transfer-Encoding), refusals on
// the headers before a body byte is kept (401, 403, 413), chunked bodies
// counted as they arrive, one memory budget for every body in flight (503
// with Retry-After), long URLs and headers in our error shape, query
// parameters each route declares, no-store on authenticated answers, and
// an access log a client cannot forge lines into. Raw sockets (node:net)
// for what fetch cannot send.
//
// A connection's first request head passes the head gate (src/http/gate.c)
// before libmicrohttpd sees it: what libmicrohttpd would answer itself
// with its own HTML is ours (edge-1.3, edge-4.2 to edge-4.9). What the
// gate cannot see, a later request on a kept-alive connection and chunk
// framing inside a body, is still libmicrohttpd's: pinned (edge-4.10), so
// that a change is seen.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BIN, startServer, session, req, login, rawRequest, assertError,
  assertRawError, sleep, rand, createUser,
} from './lib.mjs';

const ASAN = /\/asan\//.test(BIN);
const MB = 1024 * 1024;

// A connection that sends `head`, then (optionally) body pieces from
// `next()` until it returns null or the server answers or closes. Resolves
// {status, headers, body, json, sent, closedByServer, ms}.
function conversation(base, head, { next = () => null, timeout = 20000 } = {}) {
  const u = new URL(base);
  return new Promise((resolve) => {
    const t0 = Date.now();
    const sock = net.connect(Number(u.port), u.hostname);
    let buf = Buffer.alloc(0), sent = 0, done = false, closedByServer = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const raw = buf.toString('utf8');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
      const i = raw.indexOf('\r\n\r\n');
      const headers = {};
      for (const line of raw.slice(0, i < 0 ? raw.length : i).split('\r\n').slice(1)) {
        const c = line.indexOf(':');
        if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
      }
      const body = i < 0 ? '' : raw.slice(i + 4);
      let json = null;
      try { json = JSON.parse(body); } catch {}
      resolve({ status: m ? Number(m[1]) : 0, headers, body, json, raw, sent,
        closedByServer, ms: Date.now() - t0 });
    };
    const timer = setTimeout(finish, timeout);
    const complete = () => {
      const raw = buf.toString('latin1');
      const he = raw.indexOf('\r\n\r\n');
      if (he < 0) return false;
      const cl = /\r\ncontent-length:\s*(\d+)/i.exec(raw.slice(0, he));
      return cl && raw.length - he - 4 >= Number(cl[1]);
    };
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (complete()) finish();
    });
    sock.on('end', () => { closedByServer = true; finish(); });
    sock.on('error', () => { closedByServer = true; finish(); });
    sock.on('close', finish);
    const pump = () => {
      while (!done) {
        const piece = next(sent);
        if (piece == null) return;
        sent += piece.length;
        if (!sock.write(piece)) { sock.once('drain', pump); return; }
      }
    };
    sock.on('connect', () => { sock.write(head); pump(); });
  });
}

const chunk = (b) => Buffer.concat([Buffer.from(b.length.toString(16) + '\r\n'), b, Buffer.from('\r\n')]);
const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
// The access log's lines, once it holds at least n (it is flushed once a
// second).
async function logLines(file, n) {
  let lines = [];
  for (let i = 0; i < 40; i++) {
    lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    if (lines.length >= n) break;
    await sleep(100);
  }
  return lines;
}
const healthy = async (base) => assert.equal((await req(base, 'GET', '/healthz')).status, 200);
const H = 'Host: 127.0.0.1\r\n';

describe('edge', () => {
  let srv, base, logFile, sa, ca, trainee;
  before(async () => {
    logFile = path.join(os.tmpdir(), `dx-edge-${process.pid}-${rand(4)}.log`);
    srv = await startServer({ env: { DANGXIAO_ACCESS_LOG: logFile, DANGXIAO_MAX_UPLOAD: String(MB) } });
    base = srv.base;
    [sa, ca, trainee] = await Promise.all(['school_admin', 'county_admin', 'trainee']
      .map((u) => session(base, u)));
  });
  after(async () => {
    if (srv) await srv.stop();
    fs.rmSync(logFile, { force: true });
  });

  test('edge-1.1 Content-Length 1 with a 60,000-byte chunked body: 400, nothing copied, the server lives', async () => {
    const body = Buffer.concat([chunk(Buffer.alloc(60000, 0x41)), Buffer.from('0\r\n\r\n')]);
    for (const p of ['/api/v1/session', '/api/v1/people/import', '/login']) {
      const r = await conversation(base, `POST ${p} HTTP/1.1\r\n${H}Content-Type: application/json\r\n` +
        'Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n', { next: (s) => (s ? null : body) });
      assert.equal(r.status, 400, `${p}: ${r.raw.slice(0, 200)}`);
      if (p === '/login') // a page: the error page
        assert.match(r.body, /Content-Length 与 Transfer-Encoding 不能同时出现/);
      else
        assert.equal(r.json.error.code, 'bad_framing');
      await healthy(base);
    }
  });

  test('edge-1.2 framing that disagrees is 400 bad_framing in the API shape', async () => {
    const cases = [
      ['Transfer-Encoding: chunked\r\nContent-Length: 5\r\n', 'both'],
      ['Transfer-Encoding: gzip\r\n', 'not chunked'],
      ['Transfer-Encoding: gzip, chunked\r\n', 'a list'],
      ['Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', 'twice'],
      ['Content-Length: 5\r\nContent-Length: 5\r\n', 'Content-Length twice'],
      ['Content-Length: 5\r\nContent-Length: 6\r\n', 'two lengths'],
    ];
    for (const [h, what] of cases) {
      const r = await rawRequest(base, `POST /api/v1/session HTTP/1.1\r\n${H}Content-Type: application/json\r\n${h}\r\n{"a":1}`,
        { timeout: 5000 });
      assert.equal(r.status, 400, `${what}: ${r.status} ${r.raw.slice(0, 200)} ${r.error}`);
      assertRawError(r, 400, 'bad_framing');
    }
    await healthy(base);
  });

  test('edge-1.3 a Content-Length that is not a number, or not below 2^63, is 400 bad_framing in our shape', async () => {
    for (const v of ['5x', 'abc', '99999999999999999999999', '9223372036854775808', '-1', '1 2', '']) {
      const r = await rawRequest(base, `POST /api/v1/session HTTP/1.1\r\n${H}Content-Length: ${v}\r\n\r\n{"a":`, { timeout: 5000 });
      assertRawError(r, 400, 'bad_framing');
      assert.equal(r.headers.connection, 'close', v);
    }
    // The largest one is a number: refused by the route's limit.
    const big = await rawRequest(base, `POST /api/v1/session HTTP/1.1\r\n${H}Content-Length: 9223372036854775807\r\n\r\n`, { timeout: 5000 });
    assertRawError(big, 413, 'body_too_large');
    // A browser gets the Chinese page.
    const p = await rawRequest(base, `POST /login HTTP/1.1\r\n${H}Accept: text/html\r\nContent-Length: abc\r\n\r\n`, { timeout: 5000 });
    assert.equal(p.status, 400);
    assert.match(p.headers['content-type'], /text\/html/);
    assert.match(p.body, /Content-Length 必须是小于 2\^63 的字节数/);
    await healthy(base);
  });

  test('edge-1.4 a chunked body over its route\'s limit is 413 while it is still being sent', async () => {
    // The client would send 256 MB; the server answers once 64 KiB (the
    // JSON limit) have come, and closes: it does not read the rest.
    const piece = chunk(Buffer.alloc(16384, 0x20));
    const r = await conversation(base, `POST /api/v1/session HTTP/1.1\r\n${H}Content-Type: application/json\r\n` +
      'Transfer-Encoding: chunked\r\n\r\n', { next: (s) => (s < 256 * MB ? piece : null) });
    assert.equal(r.status, 413, r.raw.slice(0, 300));
    assert.equal(r.json.error.code, 'body_too_large');
    assert.equal(r.headers.connection, 'close');
    assert.ok(r.sent < 64 * MB, `the client got ${r.sent} bytes out before the answer`);
    // The same for an upload route, over max_upload (1 MiB here).
    const up = await conversation(base, `POST /api/v1/people/import HTTP/1.1\r\n${H}Cookie: ${sa.cookie}\r\n` +
      `X-CSRF-Token: ${sa.csrf}\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n`,
    { next: (s) => (s < 256 * MB ? piece : null) });
    assert.equal(up.status, 413, up.raw.slice(0, 300));
    assert.equal(up.json.error.code, 'body_too_large');
    assert.ok(up.sent < 64 * MB, `the client got ${up.sent} bytes out before the answer`);
    await healthy(base);
  });

  test('edge-1.5 a chunked body within its limit is read whole: log-in and import work chunked', async () => {
    const creds = Buffer.from(JSON.stringify({ username: 'guide', password: 'Dangxiao@2026' }));
    const r = await conversation(base, `POST /api/v1/session HTTP/1.1\r\n${H}Content-Type: application/json\r\n` +
      'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
    { next: (s) => (s === 0 ? Buffer.concat([chunk(creds.subarray(0, 10)), chunk(creds.subarray(10)), Buffer.from('0\r\n\r\n')]) : null) });
    assert.equal(r.status, 200, r.raw.slice(0, 300));
    assert.equal(r.json.user.username, 'guide');
    // A CSV in many chunks: the buffer grows with what comes.
    const csv = Buffer.from('\ufeff姓名,身份证号,手机号,政治面貌,所属村(社区),人员类别\r\n' +
      '坏号,371723198001010011,,正式党员,,\r\n'.repeat(3000));
    const pieces = [];
    for (let i = 0; i < csv.length; i += 7777) pieces.push(chunk(csv.subarray(i, i + 7777)));
    pieces.push(Buffer.from('0\r\n\r\n'));
    let k = 0;
    const imp = await conversation(base, `POST /api/v1/people/import?mode=valid HTTP/1.1\r\n${H}Cookie: ${sa.cookie}\r\n` +
      `X-CSRF-Token: ${sa.csrf}\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`,
    { next: () => (k < pieces.length ? pieces[k++] : null) });
    assert.equal(imp.status, 200, imp.raw.slice(0, 300));
    assert.equal(imp.json.rows, 3000);
    assert.equal(imp.json.imported, 0);
    assert.equal(imp.json.rejected.length, 3000);
  });

  test('edge-1.6 a GET with a body is 400 body_not_allowed', async () => {
    const r = await rawRequest(base, `GET /api/v1/me HTTP/1.1\r\n${H}Cookie: ${ca.cookie}\r\nContent-Length: 2\r\n\r\n{}`, { timeout: 5000 });
    assertRawError(r, 400, 'body_not_allowed');
    const r2 = await rawRequest(base, `GET /healthz HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`, { timeout: 5000 });
    assertRawError(r2, 400, 'body_not_allowed');
  });

  test('edge-2.1 an anonymous body to the import is 401 before the body is sent', async () => {
    // Headers only: the answer must come although no body byte was sent.
    const r = await conversation(base, `POST /api/v1/people/import HTTP/1.1\r\n${H}Content-Type: text/csv\r\n` +
      `Content-Length: ${8 * MB}\r\n\r\n`, { timeout: 5000 });
    assert.equal(r.status, 401, r.raw.slice(0, 200));
    assert.equal(r.json.error.code, 'unauthenticated');
    assert.equal(r.sent, 0);
    // The same chunked, and to a page that takes a form: a redirect to the
    // log-in, body unread.
    const c = await conversation(base, `POST /api/v1/people/import HTTP/1.1\r\n${H}Content-Type: text/csv\r\n` +
      'Transfer-Encoding: chunked\r\n\r\n', { timeout: 5000 });
    assert.equal(c.status, 401);
    const p = await conversation(base, `POST /villages HTTP/1.1\r\n${H}Content-Type: application/x-www-form-urlencoded\r\n` +
      'Content-Length: 100000\r\n\r\n', { timeout: 5000 });
    assert.equal(p.status, 303);
    assert.match(p.headers.location, /^\/login\?next=\/villages/);
    // A public route that takes no anonymous body: 401 as well.
    const h = await conversation(base, `POST /api/v1/checkin HTTP/1.1\r\n${H}Content-Type: application/json\r\n` +
      'Content-Length: 1000\r\n\r\n', { timeout: 5000 });
    assert.equal(h.status, 401);
  });

  test('edge-2.2 wrong role, a forced password change and a bad X-CSRF-Token are refused before the body', async () => {
    const head = (who, extra = '') => `POST /api/v1/people/import HTTP/1.1\r\n${H}Cookie: ${who.cookie}\r\n` +
      `Content-Type: text/csv\r\nContent-Length: ${8 * MB}\r\n${extra}\r\n`;
    const t = await conversation(base, head(trainee, `X-CSRF-Token: ${trainee.csrf}\r\n`), { timeout: 5000 });
    assert.equal(t.status, 403);
    assert.equal(t.json.error.code, 'forbidden');
    const w = await conversation(base, head(sa, 'X-CSRF-Token: wrong\r\n'), { timeout: 5000 });
    assert.equal(w.status, 403);
    assert.equal(w.json.error.code, 'csrf');
    // No header, and a body that cannot carry the field: refused now too.
    const n = await conversation(base, head(sa), { timeout: 5000 });
    assert.equal(n.status, 403);
    assert.equal(n.json.error.code, 'csrf');
    // An account that must change its initial password: 403 unread.
    const sys = await session(base, 'sysadmin');
    const username = 'edge_' + rand(3);
    await createUser(sys, { username, password: 'Edge!Init2026x', role: 'school_admin', township_code: '371723001' });
    const fresh = await login(base, username, 'Edge!Init2026x');
    assert.equal(fresh.status, 200);
    const pw = await conversation(base, head({ cookie: fresh.cookie }, `X-CSRF-Token: ${fresh.csrf}\r\n`), { timeout: 5000 });
    assert.equal(pw.status, 403);
    assert.equal(pw.json.error.code, 'password_change_required');
    // A bearer token needs no CSRF header; an unknown one is 401 unread.
    const b = await conversation(base, `POST /api/v1/people/import HTTP/1.1\r\n${H}Authorization: Bearer nope\r\n` +
      `Content-Type: text/csv\r\nContent-Length: ${8 * MB}\r\n\r\n`, { timeout: 5000 });
    assert.equal(b.status, 401);
  });

  test('edge-2.3 a form carries its CSRF field in the body: checked after the body, both ways', async () => {
    const s = await session(base, 'guide');
    const form = (csrf) => req(base, 'POST', '/logout', { cookie: s.cookie,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `_csrf=${encodeURIComponent(csrf)}` });
    const bad = await form('x' + s.csrf);
    assert.equal(bad.status, 403);
    assert.match(bad.headers.get('content-type'), /text\/html/);
    assert.equal((await s('GET', '/api/v1/me')).status, 200);
    const ok = await form(s.csrf);
    assert.equal(ok.status, 303, ok.text.slice(0, 200));
    assert.equal((await s('GET', '/api/v1/me')).status, 401);
  });

  test('edge-2.4 keep-alive stays on: several answers on one connection, an early 404 included', async () => {
    const one = `GET /healthz HTTP/1.1\r\n${H}\r\n`;
    const r = await new Promise((resolve) => {
      const u = new URL(base);
      const sock = net.connect(Number(u.port), u.hostname);
      let data = '';
      sock.on('data', (d) => {
        data += d.toString('latin1');
        if ((data.match(/HTTP\/1\.1 /g) || []).length === 4) { sock.destroy(); resolve(data); }
      });
      sock.on('close', () => resolve(data));
      sock.on('connect', () => sock.write(one + `GET /nope HTTP/1.1\r\n${H}\r\n` +
        `GET /api/v1/townships?bogus=1 HTTP/1.1\r\n${H}\r\n` + one));
      setTimeout(() => { sock.destroy(); resolve(data); }, 5000);
    });
    const statuses = [...r.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    assert.deepEqual(statuses, [200, 404, 400, 200], r.slice(0, 500));
    assert.doesNotMatch(r, /Connection: close/i);
  });

  test('edge-2.5 the log-in redirect of an anonymous page carries its path percent-encoded', async () => {
    const r = await req(base, 'GET', '/people/1%0d%0aSet-Cookie:%20x=1');
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/login?next=/people/1%0D%0ASet-Cookie%3A%20x%3D1');
    assert.equal(r.setCookies.filter((c) => /^x=/.test(c)).length, 0);
  });

  test('edge-4.1 a 45 KB URL is 414 in the API shape, or the Chinese error page for a browser', async () => {
    const long = 'a'.repeat(45000);
    const r = await rawRequest(base, `GET /api/v1/people?q=${long} HTTP/1.1\r\n${H}Connection: close\r\n\r\n`);
    assertRawError(r, 414, 'uri_too_long');
    const p = await rawRequest(base, `GET /people/${long} HTTP/1.1\r\n${H}Accept: text/html\r\nConnection: close\r\n\r\n`);
    assert.equal(p.status, 414);
    assert.match(p.headers['content-type'], /text\/html/);
    assert.match(p.body, /网址太长/);
    // Just within the limit (8 KiB): served.
    const ok = await rawRequest(base, `GET /healthz?lang=${'z'.repeat(8000)} HTTP/1.1\r\n${H}Connection: close\r\n\r\n`);
    assert.equal(ok.status, 200);
  });

  test('edge-4.2 a 200 KB URL is 414 in our shape too, though it could never fit the connection\'s memory', async () => {
    const r = await rawRequest(base, `GET /api/v1/people?q=${'a'.repeat(200000)} HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
      { timeout: 10000 });
    assertRawError(r, 414, 'uri_too_long');
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.match(r.headers['content-security-policy'], /frame-ancestors 'none'/);
    // A browser: the Chinese page, known from an Accept that comes after
    // the 200 KB (the gate reads the refused head to its end).
    const p = await rawRequest(base, `GET /people/${'a'.repeat(200000)} HTTP/1.1\r\n${H}Accept: text/html\r\nConnection: close\r\n\r\n`,
      { timeout: 10000 });
    assert.equal(p.status, 414);
    assert.match(p.headers['content-type'], /text\/html/);
    assert.match(p.body, /网址太长/);
    await healthy(base);
  });

  test('edge-4.3 headers over 16 KiB are 431 in the API shape', async () => {
    const r = await rawRequest(base, `GET /api/v1/me HTTP/1.1\r\n${H}X-Big: ${'b'.repeat(20000)}\r\nConnection: close\r\n\r\n`);
    assertRawError(r, 431, 'headers_too_large');
    const many = Array.from({ length: 400 }, (_, i) => `X-H${i}: ${'c'.repeat(40)}\r\n`).join('');
    assertRawError(await rawRequest(base, `GET /api/v1/me HTTP/1.1\r\n${H}${many}Connection: close\r\n\r\n`),
      431, 'headers_too_large');
    // Far beyond the connection's memory: ours too (the head gate).
    const huge = await rawRequest(base, `GET /api/v1/me HTTP/1.1\r\n${H}X-Big: ${'b'.repeat(200000)}\r\nConnection: close\r\n\r\n`,
      { timeout: 10000 });
    assertRawError(huge, 431, 'headers_too_large');
    await healthy(base);
    // Still counted (under route "none": no route was known) and logged.
    const counted = /dangxiao_http_requests_total\{method="",route="none",status="431"\} [1-9]/;
    let m;
    for (let i = 0; i < 40; i++) { // counted when the connection ends
      m = await req(base, 'GET', '/metrics');
      if (counted.test(m.text)) break;
      await sleep(100);
    }
    assert.match(m.text, counted);
    for (let i = 0; i < 40 && !/ 127\.0\.0\.1 GET \/api\/v1\/me 431 /.test(fs.readFileSync(logFile, 'utf8')); i++)
      await sleep(100);
    assert.match(fs.readFileSync(logFile, 'utf8'), / 127\.0\.0\.1 GET \/api\/v1\/me 431 /);
  });

  test('edge-4.4 thousands of tiny headers are 431 in our shape, at once', async () => {
    // 3000 pass the 16 KiB of header bytes; 2000 do not, but their
    // records would overflow libmicrohttpd's pool (it closed without an
    // answer): the gate's model of that pool refuses them.
    for (const n of [3000, 2000]) {
      const t0 = Date.now();
      const r = await rawRequest(base, `GET /api/v1/me HTTP/1.1\r\n${H}${'X:1\r\n'.repeat(n)}Connection: close\r\n\r\n`,
        { timeout: 5000 });
      assertRawError(r, 431, 'headers_too_large');
      assert.ok(Date.now() - t0 < 2000, `${n}: ${Date.now() - t0} ms`);
    }
    // As many tiny cookies.
    const c = await rawRequest(base, `GET /api/v1/me HTTP/1.1\r\n${H}Cookie: ${'a=1;'.repeat(2000)}\r\nConnection: close\r\n\r\n`,
      { timeout: 5000 });
    assertRawError(c, 431, 'headers_too_large');
    // A head of ordinary size still passes: 60 headers.
    const ok = await rawRequest(base, `GET /healthz HTTP/1.1\r\n${H}${Array.from({ length: 60 }, (_, i) => `X-H${i}: v\r\n`).join('')}Connection: close\r\n\r\n`);
    assert.equal(ok.status, 200);
  });

  test('edge-4.5 a malformed header line is 400 bad_request in our shape, or the Chinese page', async () => {
    const cases = [
      ['X-No-Colon\r\n', 'no colon'],
      ['X-A : 1\r\n', 'a space before the colon'],
      ['X-A: 1\r\n folded\r\n', 'obs-fold'],
      ['X-A: a\x00b\r\n', 'a NUL'],
      ['X-A: a\rb\r\n', 'a bare CR'],
      ['X(A): 1\r\n', 'a name that is not a token'],
    ];
    for (const [h, what] of cases) {
      const r = await rawRequest(base, `GET /api/v1/me HTTP/1.1\r\n${H}${h}Connection: close\r\n\r\n`, { timeout: 5000 });
      assert.equal(r.status, 400, `${what}: ${r.raw.slice(0, 200)}`);
      assertRawError(r, 400, 'bad_request');
    }
    const p = await rawRequest(base, `GET /people HTTP/1.1\r\n${H}Accept: text/html\r\nX-No-Colon\r\n\r\n`, { timeout: 5000 });
    assert.equal(p.status, 400);
    assert.match(p.headers['content-type'], /text\/html/);
    assert.match(p.body, /请求头中有一行不正确/);
    assert.equal(p.headers['cache-control'], 'no-store');
    // Bare LF line ends are read as libmicrohttpd reads them.
    const lf = await rawRequest(base, 'GET /healthz HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n\n');
    assert.equal(lf.status, 200);
    await healthy(base);
  });

  test('edge-4.6 a request line that is not HTTP/1.x is 505 or 400 in our shape', async () => {
    for (const v of ['HTTP/9.9', 'HTTP/2.0', 'HTTP/0.9'])
      assertRawError(await rawRequest(base, `GET /api/v1/me ${v}\r\n${H}\r\n`, { timeout: 5000 }), 505, 'http_version_not_supported');
    for (const line of ['GET /api/v1/me', 'GET /api/v1/me HTTP/1', 'GET  /api/v1/me HTTP/1.1', 'GET /a b HTTP/1.1',
      'GET /api/v1/me\x01 HTTP/1.1', 'G(T /api/v1/me HTTP/1.1', 'GET /api/v1/me http/1.1'])
      assertRawError(await rawRequest(base, `${line}\r\n${H}\r\n`, { timeout: 5000 }), 400, 'bad_request');
    const p = await rawRequest(base, `GET / HTTP/9.9\r\n${H}Accept: text/html\r\n\r\n`, { timeout: 5000 });
    assert.equal(p.status, 505);
    assert.match(p.body, /只支持 HTTP\/1\.0 与 HTTP\/1\.1/);
    // HTTP/1.0 and 1.1 are served; 1.2 is read as 1.1 (RFC 9112 2.3).
    for (const v of ['HTTP/1.0', 'HTTP/1.1', 'HTTP/1.2'])
      assert.equal((await rawRequest(base, `GET /healthz ${v}\r\n${H}Connection: close\r\n\r\n`)).status, 200, v);
  });

  test('edge-4.7 2000 query parameters are 414 too_many_params at once, not after 30 s', async () => {
    const t0 = Date.now();
    const r = await rawRequest(base, `GET /api/v1/people?${Array(2000).fill('a=1').join('&')} HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
      { timeout: 5000 });
    assertRawError(r, 414, 'too_many_params');
    assert.ok(Date.now() - t0 < 2000, `${Date.now() - t0} ms`);
    // 256, with a long value: they pass the gate (our 400 about the
    // first unknown one comes from the route).
    const q = `lang=${'z'.repeat(6000)}&${Array(255).fill('a=1').join('&')}`;
    assertRawError(await rawRequest(base, `GET /healthz?${q} HTTP/1.1\r\n${H}Connection: close\r\n\r\n`), 400, 'unknown_param');
    assertRawError(await rawRequest(base, `GET /healthz?${q}&a=1 HTTP/1.1\r\n${H}Connection: close\r\n\r\n`), 414, 'too_many_params');
  });

  // Writes `pieces` one by one, `ms` apart, on one connection; resolves
  // what the server answered.
  function trickle(pieces, ms) {
    const u = new URL(base);
    return new Promise((resolve) => {
      const sock = net.connect(Number(u.port), u.hostname);
      sock.setNoDelay(true);
      let data = '';
      sock.on('data', (d) => { data += d.toString('utf8'); });
      sock.on('error', () => {});
      sock.on('close', () => resolve(data));
      sock.on('connect', async () => {
        for (const p of pieces) {
          if (sock.destroyed) break;
          sock.write(p);
          await sleep(ms);
        }
      });
      setTimeout(() => { sock.destroy(); resolve(data); }, 15000);
    });
  }

  test('edge-4.8 a head trickled in, or split across writes, is passed whole', async () => {
    const head = `GET /healthz?lang=en HTTP/1.1\r\n${H}X-Pad: ${'p'.repeat(3000)}\r\nConnection: close\r\n\r\n`;
    // A byte at a time for the first 40 bytes, 50 ms apart (2 s in all,
    // within the idle timeout), then the rest in 4 pieces.
    const pieces = [...head.slice(0, 40)];
    for (let i = 40; i < head.length; i += Math.ceil((head.length - 40) / 4)) pieces.push(head.slice(i, i + Math.ceil((head.length - 40) / 4)));
    const slow = await trickle(pieces, 50);
    assert.match(slow, /^HTTP\/1\.1 200 /, slow.slice(0, 200));
    assert.match(slow, /\{"status":"ok"\}/);
    // A POST whose head and body come in many small writes.
    const creds = JSON.stringify({ username: 'guide', password: 'Dangxiao@2026' });
    const post = `POST /api/v1/session HTTP/1.1\r\n${H}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(creds)}\r\n` +
      `Connection: close\r\n\r\n${creds}`;
    const split = [];
    for (let i = 0; i < post.length; i += 7) split.push(post.slice(i, i + 7));
    const r = await trickle(split, 2);
    assert.match(r, /^HTTP\/1\.1 200 /, r.slice(0, 200));
    assert.match(r, /"username":"guide"/);
  });

  test('edge-4.9 keep-alive and pipelining still work behind the gate', async () => {
    const one = `GET /healthz HTTP/1.1\r\n${H}\r\n`;
    const r = await trickle([one + one + `GET /api/v1/me HTTP/1.1\r\n${H}Connection: close\r\n\r\n`], 0);
    const statuses = [...r.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    assert.deepEqual(statuses, [200, 200, 401], r.slice(0, 400));
    // A second request after a pause, on the same connection.
    const k = await trickle([one, `GET /healthz HTTP/1.1\r\n${H}Connection: close\r\n\r\n`], 300);
    assert.deepEqual([...k.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1])), [200, 200]);
  });

  test('edge-4.10 the residual: a later request on a kept-alive connection, and chunk framing, are libmicrohttpd\'s', async () => {
    // Pinned, so that a change is seen (docs/ARCHITECTURE.md, section 4):
    // the gate sees only a connection's first head.
    const one = `GET /healthz HTTP/1.1\r\n${H}\r\n`;
    const r = await trickle([one, `GET /healthz HTTP/1.1\r\n${H}X-No-Colon\r\n\r\n`], 300);
    const statuses = [...r.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    assert.deepEqual(statuses, [200, 400], r.slice(0, 400));
    assert.match(r, /syntactically incorrect/);
    // A chunk size that is not hex: libmicrohttpd's own 400 page.
    const c = await rawRequest(base, `POST /api/v1/session HTTP/1.1\r\n${H}Content-Type: application/json\r\n` +
      'Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', { timeout: 5000 });
    assert.equal(c.status, 400);
    assert.match(c.body, /chunked encoding was syntactically incorrect/);
    await healthy(base);
  });

  test('edge-5.1 an unknown query parameter is 400 unknown_param naming it', async () => {
    assertError(await ca('GET', '/api/v1/people?bogus=1'), 400, 'unknown_param', 'bogus');
    assertError(await ca('GET', '/api/v1/townships?q=x'), 400, 'unknown_param', 'q');
    assertError(await ca('GET', '/api/v1/me?from=singlemessage'), 400, 'unknown_param', 'from');
    assertError(await req(base, 'GET', '/healthz?x=1'), 400, 'unknown_param', 'x');
    // On a write too, before the body.
    assertError(await ca('POST', '/api/v1/villages?dry_run=1', { json: { name: 'x', township_code: '371723001' } }),
      400, 'unknown_param', 'dry_run');
    // Declared ones and lang work.
    assert.equal((await ca('GET', '/api/v1/people?q=%E5%BC%A0&page=1&per_page=5&sort=pinyin')).status, 200);
    assert.equal((await ca('GET', '/api/v1/me?lang=en')).status, 200);
    assert.equal((await ca('GET', '/api/v1/people?q=&township=')).status, 200);
  });

  test('edge-5.2 filters sessions and surveys did not know are honoured; a filter no route knows is refused', async () => {
    // They were silently ignored once; now each is declared and read
    // (classes-1.11 and surveys-1.5 test what they select).
    assert.equal((await ca('GET', '/api/v1/sessions?school_id=1')).status, 200);
    assert.equal((await ca('GET', '/api/v1/surveys?township=371723001')).status, 200);
    assertError(await ca('GET', '/api/v1/sessions?school=1'), 400, 'unknown_param', 'school');
    assertError(await ca('GET', '/api/v1/surveys?town=371723001'), 400, 'unknown_param', 'town');
  });

  test('edge-5.3 a page with an unknown parameter is the Chinese 400 page; WeChat\'s parameters are taken', async () => {
    const r = await ca('GET', '/people?bogus=1');
    assert.equal(r.status, 400);
    assert.match(r.headers.get('content-type'), /text\/html/);
    assert.match(r.text, /网址中有无法识别的参数：bogus/);
    const wechat = 'from=singlemessage&isappinstalled=0&scene=1&subscene=10000&clicktime=1767225600' +
      '&enterid=1767225600&ascene=1&nsukey=abc%2Bdef%3D%3D';
    assert.equal((await req(base, 'GET', `/login?${wechat}`)).status, 200);
    assert.equal((await ca('GET', `/?${wechat}`)).status, 200);
    assert.equal((await ca('GET', `/people?q=%E5%BC%A0&from=timeline&lang=zh`)).status, 200);
    // The roster page takes ?township= as the API does, within scope.
    const w = await ca('GET', '/people?township=371723002&per_page=5');
    assert.equal(w.status, 200);
    assert.ok(!w.text.includes('371723001'), 'another township on its roster page');
    assert.equal((await sa('GET', '/people?township=371723002')).status, 403);
    assert.equal((await sa('GET', '/people?township=371723001')).status, 200);
    // The QR check-in page a phone opens from WeChat: its own answer
    // about the token, not one about the parameters.
    const c = await req(base, 'GET', `/c/nosuchtoken?${wechat}`);
    assert.doesNotMatch(c.text, /无法识别的参数/);
  });

  test('edge-6.1 authenticated answers carry Cache-Control: no-store; assets keep their long cache', async () => {
    for (const [as, p] of [[ca, '/'], [ca, '/api/v1/me'], [ca, '/people'], [ca, '/api/v1/people'],
      [ca, '/nope'], [trainee, '/me/hours']]) {
      const r = await as('GET', p);
      assert.equal(r.headers.get('cache-control'), 'no-store', `${p}: ${r.status}`);
    }
    // The page with a revealed ID number.
    const id = (await ca('GET', '/api/v1/people?per_page=1')).json.items[0].id;
    const rev = await ca('GET', `/people/${id}?reveal=1`);
    assert.equal(rev.status, 200);
    assert.equal(rev.headers.get('cache-control'), 'no-store');
    // The assets as the pages link them (with their ?v= cache buster).
    const home = await ca('GET', '/');
    const assets = [...home.text.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
    assert.ok(assets.length >= 2 && assets.every((a) => /\?v=/.test(a)), assets.join(' '));
    for (const who of [ca, null]) {
      for (const u of assets) {
        const a = await req(base, 'GET', u, who ? { cookie: who.cookie } : {});
        assert.equal(a.status, 200, u);
        assert.match(a.headers.get('cache-control'), /max-age=31536000/);
      }
    }
  });

  test('edge-7.1 a path with %0a and other control bytes does not split the access log', async () => {
    await sleep(1200); // what came before is on disk
    const before = fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean).length;
    const forged = '2026-01-01T00:00:00Z 10.0.0.1 GET /admin 200 1us u=1';
    const paths = [`/x%0a${encodeURIComponent(forged)}`, '/x%0d%0ay', '/x%1b%5b2J', '/x%ff%fe', '/x%5c%22',
      '/x%e2%80%a8y', '/x%c2%85y'];
    for (const p of paths) {
      const r = await req(base, 'GET', p);
      assert.equal(r.status, 404);
    }
    const lines = await logLines(logFile, before + paths.length);
    await sleep(300); // and no more than that
    assert.equal(fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean).length, lines.length);
    assert.equal(lines.length, before + paths.length, lines.slice(before).join('\n'));
    const mine = lines.slice(before);
    assert.ok(mine.every((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ 127\.0\.0\.1 GET \/x/.test(l)), mine.join('\n'));
    // Each request's line, escaped; a line is written when its answer has
    // gone, so two workers may log back-to-back requests in either order.
    for (const want of ['/x\\n2026-01-01T00:00:00Z', '/x\\r\\ny', '/x\\x1b[2J', '/x\\xff\\xfe',
      '/x\\\\"', '/x\\u0085y'])
      assert.equal(mine.filter((l) => l.includes(want)).length, 1, `${want} in:\n${mine.join('\n')}`);
    assert.ok(!lines.some((l) => l.startsWith(forged)));
    // No control byte anywhere in the file.
    assert.doesNotMatch(fs.readFileSync(logFile, 'latin1'), /[\x00-\x09\x0b-\x1f\x7f]/);
  });
});

describe('edge gate timeout', () => {
  // A short idle timeout: a head must be whole within it.
  let srv, base;
  before(async () => {
    srv = await startServer({ demo: false, env: { DANGXIAO_IDLE_TIMEOUT_SECONDS: '2' } });
    base = srv.base;
  });
  after(async () => { if (srv) await srv.stop(); });

  // Connects, sends `data`, and waits for the server to close.
  function silent(data) {
    const u = new URL(base);
    return new Promise((resolve) => {
      const t0 = Date.now();
      const sock = net.connect(Number(u.port), u.hostname);
      let got = '';
      sock.on('data', (d) => { got += d.toString('utf8'); });
      sock.on('error', () => {});
      sock.on('close', () => resolve({ got, ms: Date.now() - t0 }));
      sock.on('connect', () => { if (data) sock.write(data); });
      setTimeout(() => { sock.destroy(); resolve({ got, ms: -1 }); }, 10000);
    });
  }

  test('edge-4.11 a client that sends nothing is closed after the idle timeout, without an answer', async () => {
    const r = await silent('');
    assert.ok(r.ms >= 1500 && r.ms < 5000, `closed after ${r.ms} ms`);
    assert.equal(r.got, '');
  });

  test('edge-4.12 a head that does not come whole in time is 408 request_timeout in our shape', async () => {
    const r = await silent(`GET /api/v1/me HTTP/1.1\r\n${H}X-Half: `);
    assert.ok(r.ms >= 1500 && r.ms < 5000, `closed after ${r.ms} ms`);
    assert.match(r.got, /^HTTP\/1\.1 408 /);
    assert.equal(JSON.parse(r.got.slice(r.got.indexOf('\r\n\r\n') + 4)).error.code, 'request_timeout');
    // The server lives, and a whole head is served.
    assert.equal((await rawRequest(base, `GET /healthz HTTP/1.1\r\n${H}Connection: close\r\n\r\n`)).status, 200);
  });
});

describe('edge budget', () => {
  // A budget of 20 MiB with 8 MiB uploads: two bodies at most.
  let srv, base, sa;
  before(async () => {
    srv = await startServer({ env: { DANGXIAO_BODY_BUDGET_BYTES: String(20 * MB) } });
    base = srv.base;
    sa = await session(base, 'school_admin');
  });
  after(async () => { if (srv) await srv.stop(); });

  const gauge = async () => Number(/^dangxiao_http_body_bytes (\d+)$/m.exec((await req(base, 'GET', '/metrics')).text)[1]);
  const uploadHead = (extra) => `POST /api/v1/people/import HTTP/1.1\r\n${H}Cookie: ${sa.cookie}\r\n` +
    `X-CSRF-Token: ${sa.csrf}\r\nContent-Type: text/csv\r\n${extra}\r\n`;

  // Opens a connection that sends head and `bytes` of body, then holds it
  // open; resolves once it is sent (or answered), with a close() to end it.
  function hold(head, bytes, piece = Buffer.alloc(65536, 0x41)) {
    const u = new URL(base);
    return new Promise((resolve) => {
      const sock = net.connect(Number(u.port), u.hostname);
      let sent = 0, data = '', settled = false;
      const out = { sock, get answer() { return data; }, close: () => sock.destroy() };
      const settle = () => { if (!settled) { settled = true; resolve(out); } };
      sock.on('data', (d) => { data += d.toString('latin1'); settle(); });
      sock.on('error', settle);
      sock.on('close', settle);
      const pump = () => {
        while (sent < bytes) {
          const p = piece.subarray(0, Math.min(piece.length, bytes - sent));
          sent += p.length;
          if (!sock.write(p)) { sock.once('drain', pump); return; }
        }
        setTimeout(settle, 200);
      };
      sock.on('connect', () => { sock.write(head); pump(); });
    });
  }

  test('edge-3.1 past the budget a body is 503 with Retry-After, decided on its Content-Length', async () => {
    const a = await hold(uploadHead(`Content-Length: ${8 * MB}\r\n`), 4 * MB);
    const b = await hold(uploadHead(`Content-Length: ${8 * MB}\r\n`), 4 * MB);
    assert.equal(a.answer, '');
    assert.equal(b.answer, '');
    assert.ok(await gauge() >= 16 * MB);
    const c = await conversation(base, uploadHead(`Content-Length: ${8 * MB}\r\n`), { timeout: 5000 });
    assert.equal(c.status, 503, c.raw.slice(0, 200));
    assert.equal(c.json.error.code, 'busy');
    assert.ok(Number(c.headers['retry-after']) > 0);
    // A small JSON body still fits.
    assert.equal((await sa('GET', '/api/v1/me')).status, 200);
    a.close();
    b.close();
    // The bytes go back when the client vanishes mid-upload.
    for (let i = 0; i < 50 && await gauge() !== 0; i++) await sleep(100);
    assert.equal(await gauge(), 0);
    const csv = '\ufeff姓名,身份证号,手机号,政治面貌,所属村(社区),人员类别\r\n';
    const ok = await sa('POST', '/api/v1/people/import', { body: csv, headers: { 'Content-Type': 'text/csv' } });
    assert.equal(ok.status, 200, ok.text);
  });

  test('edge-3.2 a chunked body takes its budget as it grows: 503 mid-body, the rest unread', async () => {
    const a = await hold(uploadHead(`Content-Length: ${8 * MB}\r\n`), 2 * MB);
    const b = await hold(uploadHead(`Content-Length: ${8 * MB}\r\n`), 2 * MB);
    const piece = chunk(Buffer.alloc(65536, 0x42));
    const c = await conversation(base, uploadHead('Transfer-Encoding: chunked\r\n'),
      { next: (s) => (s < 64 * MB ? piece : null) });
    assert.equal(c.status, 503, c.raw.slice(0, 300));
    assert.equal(c.json.error.code, 'busy');
    assert.ok(Number(c.headers['retry-after']) > 0);
    assert.ok(c.sent < 32 * MB, `sent ${c.sent}`);
    a.close();
    b.close();
    for (let i = 0; i < 50 && await gauge() !== 0; i++) await sleep(100);
    assert.equal(await gauge(), 0);
  });

  test('edge-3.3 the upload flood: 200 anonymous and 200 authenticated 8 MB uploads that never finish', async () => {
    // Reported figures: RSS of the server before, during and after.
    const pid = srv.proc.pid;
    const figures = { before: rss(pid) };
    const anon = await Promise.all(Array.from({ length: 200 }, () =>
      hold(`POST /api/v1/people/import HTTP/1.1\r\n${H}Content-Type: text/csv\r\nContent-Length: ${8 * MB}\r\n\r\n`, 4 * MB)));
    figures.anonymous = rss(pid);
    await sleep(1000);
    assert.equal(anon.filter((c) => /^HTTP\/1\.1 401 /.test(c.answer)).length, 200);
    anon.forEach((c) => c.close());
    const auth = await Promise.all(Array.from({ length: 200 }, () =>
      hold(uploadHead(`Content-Length: ${8 * MB}\r\n`), 7 * MB)));
    figures.authenticated = rss(pid);
    await sleep(1000); // a refusal may come after the client sent its 7 MB
    const refused = auth.filter((c) => /^HTTP\/1\.1 503 /.test(c.answer));
    const held = auth.filter((c) => c.answer === '');
    assert.ok(refused.every((c) => /\r\nRetry-After: \d+/i.test(c.answer)));
    assert.equal(held.length, 2, `bodies admitted under a 20 MiB budget: ${held.length}`);
    assert.equal(refused.length, 198);
    assert.ok(await gauge() <= 20 * MB);
    auth.forEach((c) => c.close());
    for (let i = 0; i < 50 && await gauge() !== 0; i++) await sleep(100);
    assert.equal(await gauge(), 0);
    await sleep(500);
    figures.after = rss(pid);
    console.log(`edge-3.3 RSS (MB, ${ASAN ? 'ASan' : 'release'}): ${JSON.stringify(figures)}`);
    if (!ASAN) {
      // The budget (20 MiB) and the connections' own memory, no more.
      assert.ok(figures.anonymous < figures.before + 40, JSON.stringify(figures));
      assert.ok(figures.authenticated < figures.before + 20 + 40, JSON.stringify(figures));
      assert.ok(figures.after < figures.before + 30, JSON.stringify(figures));
    }
    await healthy(base);
  });
});
