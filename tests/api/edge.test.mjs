// The edge (issue 9): what the HTTP layer decides before a handler runs.
// A body's framing (Content-Length against Transfer-Encoding), refusals on
// the headers before a body byte is kept (401, 403, 413), chunked bodies
// counted as they arrive, one memory budget for every body in flight (503
// with Retry-After), long URLs and headers in our error shape, query
// parameters each route declares, no-store on authenticated answers, and
// an access log a client cannot forge lines into. Raw sockets (node:net)
// for what fetch cannot send.
//
// What libmicrohttpd answers itself, in its own HTML, is pinned here too
// (edge-4.2, edge-1.3): a change there should be seen.
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

  test('edge-1.3 a Content-Length that is not a number is 400 (libmicrohttpd\'s own answer)', async () => {
    // libmicrohttpd 0.9.75 refuses it before any handler runs, with its
    // own HTML: pinned, so that a change is noticed.
    const r = await rawRequest(base, `POST /api/v1/session HTTP/1.1\r\n${H}Content-Length: 5x\r\n\r\n{"a":`, { timeout: 5000 });
    assert.equal(r.status, 400);
    assert.match(r.body, /Content-Length/);
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

  test('edge-4.2 a 200 KB URL is 414 (libmicrohttpd\'s own page: it does not fit the connection\'s memory)', async () => {
    // A request head larger than connection_memory_bytes (64 KiB) never
    // reaches our handler: libmicrohttpd 0.9.75 answers it with its own
    // HTML 414 (431 for headers). Pinned, and the server lives.
    const r = await rawRequest(base, `GET /api/v1/people?q=${'a'.repeat(200000)} HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
      { timeout: 10000 });
    assert.equal(r.status, 414);
    assert.match(r.body, /too big/);
    await healthy(base);
  });

  test('edge-4.3 headers over 16 KiB are 431 in the API shape', async () => {
    const r = await rawRequest(base, `GET /api/v1/me HTTP/1.1\r\n${H}X-Big: ${'b'.repeat(20000)}\r\nConnection: close\r\n\r\n`);
    assertRawError(r, 431, 'headers_too_large');
    const many = Array.from({ length: 400 }, (_, i) => `X-H${i}: ${'c'.repeat(40)}\r\n`).join('');
    assertRawError(await rawRequest(base, `GET /api/v1/me HTTP/1.1\r\n${H}${many}Connection: close\r\n\r\n`),
      431, 'headers_too_large');
    // Far beyond the connection's memory: libmicrohttpd's own 431.
    const huge = await rawRequest(base, `GET /api/v1/me HTTP/1.1\r\n${H}X-Big: ${'b'.repeat(200000)}\r\nConnection: close\r\n\r\n`,
      { timeout: 10000 });
    assert.equal(huge.status, 431);
    assert.match(huge.body, /too big/);
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
    for (let i = 0; i < 40 && !/ 127\.0\.0\.1 - \/api\/v1\/me 431 /.test(fs.readFileSync(logFile, 'utf8')); i++)
      await sleep(100);
    assert.match(fs.readFileSync(logFile, 'utf8'), / 127\.0\.0\.1 - \/api\/v1\/me 431 /);
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
