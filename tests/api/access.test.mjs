// Access control: roles, separation of duties, township scope, villages,
// paging parameters, 404/405, security headers, metrics, healthz.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, req, session, assertError, assertList, SECURITY_HEADERS,
  TOWNSHIPS, DEMO_USERS,
} from './lib.mjs';

const uniq = () => Date.now().toString(36) + Math.floor(Math.random() * 1e4);

describe('access', () => {
  let srv, base;
  const as = {};
  before(async () => {
    srv = await startServer();
    base = srv.base;
    for (const u of DEMO_USERS) as[u] = await session(base, u);
  });
  after(async () => { if (srv) await srv.stop(); });

  describe('infrastructure', () => {
    test('access-1.1 GET /healthz is 200 {"status":"ok"} without auth', async () => {
      const r = await req(base, 'GET', '/healthz');
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { status: 'ok' });
    });

    test('access-1.2 GET /metrics is Prometheus text with request counters and histograms', async () => {
      await req(base, 'GET', '/api/v1/me');
      await as.county_admin('GET', '/api/v1/townships');
      const r = await req(base, 'GET', '/metrics');
      assert.equal(r.status, 200, r.text.slice(0, 200));
      assert.match(r.headers.get('content-type') || '', /^text\/plain/);
      const lines = r.text.split('\n');
      assert.ok(lines.some((l) => l.startsWith('dangxiao_http_requests_total{')), 'no dangxiao_http_requests_total{');
      assert.ok(lines.some((l) => l.startsWith('dangxiao_http_request_duration_seconds_bucket{')),
        'no dangxiao_http_request_duration_seconds_bucket{');
      // Every sample line is `name{labels} value` or `name value`.
      for (const l of lines) {
        if (l === '' || l.startsWith('#')) continue;
        assert.match(l, /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eEInfNa]+( \d+)?$/, `bad metrics line: ${l}`);
      }
    });

    test('access-1.3 security headers on every response', async () => {
      const rs = [
        await req(base, 'GET', '/healthz'),
        await req(base, 'GET', '/'),
        await req(base, 'GET', '/metrics'),
        await req(base, 'GET', '/api/v1/me'),
        await as.teacher('GET', '/api/v1/me'),
        await req(base, 'GET', '/api/v1/no-such-thing'),
        await req(base, 'PUT', '/api/v1/me'),
        await req(base, 'POST', '/api/v1/session', { body: '{', headers: { 'Content-Type': 'application/json' } }),
        await as.sysadmin('GET', '/api/v1/villages'),
        await as.county_admin('GET', '/api/v1/townships'),
      ];
      for (const r of rs) SECURITY_HEADERS(r);
    });

    test('access-1.4 unknown paths are 404 not_found', async () => {
      for (const p of ['/api/v1/nope', '/api/v1/', '/api/v2/me', '/api/v1/users/1/nope',
        '/api/v1/me/nope', '/definitely-not-here.php', '/api/v1/villages/../../etc/passwd'])
        assertError(await req(base, 'GET', p), 404, 'not_found');
      assertError(await as.county_admin('GET', '/api/v1/nope'), 404, 'not_found');
    });

    test('access-1.5 a known path with a wrong method is 405 method_not_allowed with Allow', async () => {
      const r = await req(base, 'PUT', '/api/v1/me');
      assertError(r, 405, 'method_not_allowed');
      const allow = r.headers.get('allow');
      assert.ok(allow, 'no Allow header');
      assert.match(allow, /\bGET\b/);
      const r2 = await as.county_admin('PATCH', '/api/v1/townships', { json: {} });
      assertError(r2, 405, 'method_not_allowed');
      assert.match(r2.headers.get('allow') || '', /\bGET\b/);
      const r3 = await req(base, 'GET', '/api/v1/session');
      assertError(r3, 405, 'method_not_allowed');
      assert.match(r3.headers.get('allow') || '', /\bPOST\b/);
      assert.match(r3.headers.get('allow') || '', /\bDELETE\b/);
    });

    test('access-1.6 errors are JSON and never 200', async () => {
      const r = await req(base, 'GET', '/api/v1/townships');
      assertError(r, 401, 'unauthenticated');
    });
  });

  describe('separation of duties', () => {
    const table = [
      // [user, path, status]
      ['sysadmin', '/api/v1/villages', 403], ['sysadmin', '/api/v1/audit', 403],
      ['sysadmin', '/api/v1/users', 200],
      ['auditor', '/api/v1/villages', 403], ['auditor', '/api/v1/users', 403],
      ['auditor', '/api/v1/audit', 200],
      ['county_admin', '/api/v1/audit', 403], ['county_admin', '/api/v1/users', 403],
      ['county_admin', '/api/v1/villages', 200],
      ['school_admin', '/api/v1/audit', 403], ['school_admin', '/api/v1/users', 403],
      ['school_admin', '/api/v1/villages', 200],
      ['teacher', '/api/v1/audit', 403], ['teacher', '/api/v1/users', 403],
      ['trainee', '/api/v1/audit', 403], ['trainee', '/api/v1/users', 403],
      ['guide', '/api/v1/audit', 403], ['guide', '/api/v1/users', 403],
    ];
    for (const [i, [user, p, status]] of table.entries()) {
      test(`access-2.${i + 1} ${user} GET ${p} is ${status}`, async () => {
        const r = await as[user]('GET', p);
        if (status === 403) assertError(r, 403, 'forbidden');
        else assert.equal(r.status, 200, r.text.slice(0, 200));
      });
    }

    test('access-2.50 sysadmin and auditor may not create villages; trainee neither', async () => {
      for (const u of ['sysadmin', 'auditor', 'trainee', 'teacher', 'guide']) {
        const name = `越权村${u}${uniq()}`;
        assertError(await as[u]('POST', '/api/v1/villages', { json: { name, township_code: '371723001' } }),
          403, 'forbidden');
        const l = await as.county_admin('GET', '/api/v1/villages?q=' + encodeURIComponent(name));
        assert.equal(l.json.total, 0, `${u} created a village`);
      }
    });

    test('access-2.51 unauthenticated business calls are 401', async () => {
      for (const p of ['/api/v1/villages', '/api/v1/users', '/api/v1/audit', '/api/v1/townships'])
        assertError(await req(base, 'GET', p), 401, 'unauthenticated');
      assertError(await req(base, 'POST', '/api/v1/villages', { json: { name: 'x', township_code: '371723001' } }),
        401, 'unauthenticated');
    });
  });

  describe('townships', () => {
    test('access-3.1 every role gets the 13 townships in order', async () => {
      for (const u of DEMO_USERS) {
        const b = assertList(await as[u]('GET', '/api/v1/townships'));
        assert.equal(b.total, 13, u);
        assert.equal(b.items.length, 13, u);
        b.items.forEach((t, i) => {
          for (const k of ['code', 'name', 'kind', 'valid_from', 'valid_to'])
            assert.ok(k in t, `township lacks ${k}: ${JSON.stringify(t)}`);
          assert.equal(String(t.code), TOWNSHIPS[i].code);
          assert.equal(t.name, TOWNSHIPS[i].name);
        });
      }
    });

    test('access-3.2 townships page and per_page work', async () => {
      const b = assertList(await as.county_admin('GET', '/api/v1/townships?per_page=5&page=3'),
        { page: 3, perPage: 5 });
      assert.equal(b.total, 13);
      assert.deepEqual(b.items.map((t) => String(t.code)), ['371723011', '371723012', '371723013']);
    });
  });

  describe('villages', () => {
    test('access-4.1 county_admin sees all 26 demo villages', async () => {
      const b = assertList(await as.county_admin('GET', '/api/v1/villages'));
      assert.equal(b.total, 26);
      assert.equal(b.items.length, 26);
      for (const v of b.items) {
        for (const k of ['id', 'code', 'name', 'township_code']) assert.ok(k in v, `village lacks ${k}`);
        assert.ok(TOWNSHIPS.some((t) => t.code === String(v.township_code)));
      }
      const counts = {};
      for (const v of b.items) counts[v.township_code] = (counts[v.township_code] || 0) + 1;
      assert.equal(Object.keys(counts).length, 13);
      for (const c of Object.values(counts)) assert.equal(c, 2);
    });

    test('access-4.2 ?township= filters', async () => {
      const b = assertList(await as.county_admin('GET', '/api/v1/villages?township=371723002'));
      assert.equal(b.total, 2);
      for (const v of b.items) assert.equal(String(v.township_code), '371723002');
    });

    test('access-4.3 school_admin sees only its own township', async () => {
      const b = assertList(await as.school_admin('GET', '/api/v1/villages?per_page=500'), { perPage: 500 });
      assert.equal(b.total, 2);
      for (const v of b.items) assert.equal(String(v.township_code), '371723001');
      const own = assertList(await as.school_admin('GET', '/api/v1/villages?township=371723001'));
      assert.equal(own.total, 2);
      const b2 = assertList(await as.school_admin2('GET', '/api/v1/villages'));
      for (const v of b2.items) assert.equal(String(v.township_code), '371723002');
    });

    test('access-4.3b a school_admin search never reaches another township', async () => {
      const other = assertList(await as.county_admin('GET', '/api/v1/villages?township=371723002'));
      for (const v of other.items) {
        const r = assertList(await as.school_admin('GET', '/api/v1/villages?q=' + encodeURIComponent(v.name)));
        for (const x of r.items) assert.equal(String(x.township_code), '371723001', `leaked ${JSON.stringify(x)}`);
        const r2 = assertList(await as.school_admin('GET', '/api/v1/villages?q=' + encodeURIComponent(v.code)));
        for (const x of r2.items) assert.equal(String(x.township_code), '371723001', `leaked ${JSON.stringify(x)}`);
      }
    });

    test('access-4.4 school_admin asking for another township is 403 forbidden_township', async () => {
      assertError(await as.school_admin('GET', '/api/v1/villages?township=371723002'), 403, 'forbidden_township');
      assertError(await as.school_admin2('GET', '/api/v1/villages?township=371723001'), 403, 'forbidden_township');
    });

    test('access-4.5 page and per_page', async () => {
      const b = assertList(await as.county_admin('GET', '/api/v1/villages?per_page=10&page=3'),
        { page: 3, perPage: 10 });
      assert.equal(b.total, 26);
      assert.equal(b.items.length, 6);
      const all = assertList(await as.county_admin('GET', '/api/v1/villages?per_page=500'), { perPage: 500 });
      const paged = [];
      for (let p = 1; p <= 3; p++)
        paged.push(...(await as.county_admin('GET', `/api/v1/villages?per_page=10&page=${p}`)).json.items);
      assert.deepEqual(paged.map((v) => v.id), all.items.map((v) => v.id), 'pages do not tile the list');
      const beyond = assertList(await as.county_admin('GET', '/api/v1/villages?per_page=10&page=9'),
        { page: 9, perPage: 10 });
      assert.equal(beyond.items.length, 0);
      assert.equal(beyond.total, 26);
    });

    test('access-4.6 bad paging parameters are 400 invalid_param naming the parameter', async () => {
      const cases = [['page=0', 'page'], ['page=-1', 'page'], ['page=abc', 'page'], ['page=1.5', 'page'],
        ['per_page=0', 'per_page'], ['per_page=501', 'per_page'], ['per_page=abc', 'per_page'],
        ['per_page=99999999999999999999', 'per_page']];
      for (const [q, field] of cases) {
        const r = await as.county_admin('GET', '/api/v1/villages?' + q);
        assert.equal(r.status, 400, `?${q}: ${r.text.slice(0, 200)}`);
        assertError(r, 400, 'invalid_param', field);
      }
      assertError(await as.county_admin('GET', '/api/v1/townships?per_page=501'), 400, 'invalid_param', 'per_page');
      assertList(await as.county_admin('GET', '/api/v1/villages?per_page=1'), { perPage: 1 });
      assertList(await as.county_admin('GET', '/api/v1/villages?per_page=500'), { perPage: 500 });
    });

    test('access-4.7 ?q= finds a village by name', async () => {
      const all = assertList(await as.county_admin('GET', '/api/v1/villages'));
      const target = all.items[5];
      const b = assertList(await as.county_admin('GET', '/api/v1/villages?q=' + encodeURIComponent(target.name)));
      assert.ok(b.items.some((v) => v.id === target.id), `q=${target.name} did not find it`);
      assert.ok(b.total < 26);
      const none = assertList(await as.county_admin('GET', '/api/v1/villages?q=' + encodeURIComponent('不存在的村名xyz')));
      assert.equal(none.total, 0);
      // SQL metacharacters are just text.
      const meta = assertList(await as.county_admin('GET', '/api/v1/villages?q=' + encodeURIComponent("%' OR 1=1 --")));
      assert.equal(meta.total, 0);
    });

    test('access-4.7b villages are a declared kind: ?sort= both ways, names beside codes, every bad field at once', async () => {
      const byCode = assertList(await as.county_admin('GET', '/api/v1/villages?per_page=500&sort=code'), { perPage: 500 });
      const codes = byCode.items.map((v) => v.code).filter((c) => c !== null);
      assert.deepEqual(codes, [...codes].sort(), 'ascending by code');
      const down = assertList(await as.county_admin('GET', '/api/v1/villages?per_page=500&sort=-code'), { perPage: 500 });
      assert.deepEqual(down.items.map((v) => v.code).filter((c) => c !== null), [...codes].reverse(), 'descending by code');
      assert.equal(down.total, byCode.total);
      assert.ok(byCode.items.every((v) => typeof v.township_name === 'string' && v.township_name.length > 0),
        'each village carries its township by name');
      for (const bad of ['nosuchfield', '-', 'valid_to', 'code,name'])
        assertError(await as.county_admin('GET', '/api/v1/villages?sort=' + encodeURIComponent(bad)), 400, 'invalid_param', 'sort');
      // A school admin's sorted list is still its own township's.
      const own = assertList(await as.school_admin('GET', '/api/v1/villages?per_page=500&sort=-name'), { perPage: 500 });
      assert.ok(own.items.every((v) => v.township_code === '371723001'));
      // ?q= finds a part of the code too.
      const one = byCode.items.find((v) => v.code);
      const found = assertList(await as.county_admin('GET', '/api/v1/villages?q=' + one.code.slice(-6)));
      assert.ok(found.items.some((v) => v.id === one.id));
      // Three bad fields: all three named, the first as field.
      const r = await as.county_admin('POST', '/api/v1/villages', { json: { code: '12ab', name: '  ', township_code: '999999999' } });
      assertError(r, 422, 'invalid_field', 'code');
      assert.deepEqual(r.json.error.fields.map((x) => x.field).sort(), ['code', 'name', 'township_code']);
      assert.ok(r.json.error.fields.every((x) => x.message && x.code === 'invalid_field'));
    });

    test('access-4.8 county_admin creates a village in any township: 201', async () => {
      const name = '测试新村' + uniq();
      const r = await as.county_admin('POST', '/api/v1/villages', { json: { name, township_code: '371723009' } });
      assert.equal(r.status, 201, r.text);
      for (const k of ['id', 'code', 'name', 'township_code']) assert.ok(k in r.json, `lacks ${k}`);
      assert.equal(r.json.name, name);
      assert.equal(String(r.json.township_code), '371723009');
      const b = assertList(await as.county_admin('GET', '/api/v1/villages?township=371723009'));
      assert.equal(b.total, 3);
      assert.ok(b.items.some((v) => v.id === r.json.id));
    });

    test('access-4.9 school_admin creates in its own township only', async () => {
      const ok = await as.school_admin('POST', '/api/v1/villages',
        { json: { name: '本镇新村' + uniq(), township_code: '371723001' } });
      assert.equal(ok.status, 201, ok.text);
      const name = '外镇新村' + uniq();
      assertError(await as.school_admin('POST', '/api/v1/villages', { json: { name, township_code: '371723002' } }),
        403, 'forbidden_township');
      const b = assertList(await as.county_admin('GET', '/api/v1/villages?q=' + encodeURIComponent(name)));
      assert.equal(b.total, 0, 'village created in a foreign township');
    });

    test('access-4.10 name missing, empty or too long is 422', async () => {
      assertError(await as.county_admin('POST', '/api/v1/villages', { json: { township_code: '371723001' } }),
        422, 'missing_field', 'name');
      for (const name of ['']) {
        const r = await as.county_admin('POST', '/api/v1/villages', { json: { name, township_code: '371723001' } });
        assert.equal(r.status, 422, `name ${JSON.stringify(name)}: ${r.text}`);
        assert.ok(['missing_field', 'invalid_field'].includes(r.json.error.code), r.text);
        assert.equal(r.json.error.field, 'name');
      }
      assertError(await as.county_admin('POST', '/api/v1/villages',
        { json: { name: '村'.repeat(65), township_code: '371723001' } }), 422, 'invalid_field', 'name');
      assertError(await as.county_admin('POST', '/api/v1/villages',
        { json: { name: 'a'.repeat(65), township_code: '371723001' } }), 422, 'invalid_field', 'name');
      assertError(await as.county_admin('POST', '/api/v1/villages',
        { json: { name: 42, township_code: '371723001' } }), 422, 'invalid_field', 'name');
    });

    test('access-4.10b a whitespace-only name is 422 (it is empty)', async () => {
      const r = await as.county_admin('POST', '/api/v1/villages', { json: { name: '   ', township_code: '371723001' } });
      assert.equal(r.status, 422, r.text);
      assert.equal(r.json.error.field, 'name');
    });

    test('access-4.11 64 Chinese characters (192 bytes) are accepted', async () => {
      const name = '长'.repeat(64);
      assert.equal([...name].length, 64);
      const r = await as.county_admin('POST', '/api/v1/villages', { json: { name, township_code: '371723001' } });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.name, name);
    });

    test('access-4.12 a duplicate village code is 409 conflict', async () => {
      const code = '3717230' + String(Date.now() % 100000).padStart(5, '0');
      const a = await as.county_admin('POST', '/api/v1/villages',
        { json: { code, name: '代码村甲' + uniq(), township_code: '371723010' } });
      assert.equal(a.status, 201, a.text);
      assert.equal(String(a.json.code), code);
      const b = await as.county_admin('POST', '/api/v1/villages',
        { json: { code, name: '代码村乙' + uniq(), township_code: '371723010' } });
      assertError(b, 409, 'conflict');
      const all = assertList(await as.county_admin('GET', '/api/v1/villages?per_page=500'), { perPage: 500 });
      const demo = all.items.find((v) => v.code && v.id !== a.json.id);
      const c = await as.county_admin('POST', '/api/v1/villages',
        { json: { code: demo.code, name: '代码村丙' + uniq(), township_code: '371723010' } });
      assertError(c, 409, 'conflict');
    });

    test('access-4.14 village writes with a wrong content type or bad JSON are 400 and create nothing', async () => {
      const name = '类型村' + uniq();
      const body = JSON.stringify({ name, township_code: '371723008' });
      assertError(await as.county_admin('POST', '/api/v1/villages', { body, headers: { 'Content-Type': 'text/plain' } }),
        400, 'bad_content_type');
      assertError(await as.county_admin('POST', '/api/v1/villages',
        { body: body.slice(0, -2), headers: { 'Content-Type': 'application/json' } }), 400, 'bad_json');
      assertError(await as.county_admin('POST', '/api/v1/villages',
        { body: '[' + body + ']', headers: { 'Content-Type': 'application/json' } }), 400, 'bad_json');
      const b = assertList(await as.county_admin('GET', '/api/v1/villages?q=' + encodeURIComponent(name)));
      assert.equal(b.total, 0);
    });

    test('access-4.13 township_code missing or unknown is 422', async () => {
      assertError(await as.county_admin('POST', '/api/v1/villages', { json: { name: '无镇村' + uniq() } }),
        422, 'missing_field', 'township_code');
      assertError(await as.county_admin('POST', '/api/v1/villages',
        { json: { name: '错镇村' + uniq(), township_code: '999999999' } }), 422, 'invalid_field', 'township_code');
    });
  });
});
