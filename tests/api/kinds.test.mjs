// A declared kind's list page (issue 10), with villages: sortable column
// headers, the total, page numbers and the jump box, export of exactly
// the filtered rows (.xlsx read back with unzip, CSV with its BOM), the
// print view, and the township scope on all of them.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, session, assertList } from './lib.mjs';

const W = '371723001'; // 文亭街道, school_admin's township
const Y = '371723002'; // 永昌街道

describe('kinds', () => {
  let srv, ca, sa;
  before(async () => {
    srv = await startServer();
    [ca, sa] = await Promise.all(['county_admin', 'school_admin'].map((u) => session(srv.base, u)));
  });
  after(async () => { if (srv) await srv.stop(); });

  const get = async (as, p) => {
    const r = await fetch(srv.base + p, { headers: { Cookie: as.cookie } });
    return { status: r.status, headers: r.headers, buf: Buffer.from(await r.arrayBuffer()) };
  };
  const cells = (html) => [...html.matchAll(/<tr data-id="(\d+)">(.*?)<\/tr>/g)]
    .map((m) => ({ id: Number(m[1]), tds: [...m[2].matchAll(/<td>(?:<a [^>]*>)?([^<]*)/g)].map((x) => x[1]) }));
  const csvRows = (buf) => {
    const text = buf.toString('utf8');
    assert.equal(text.charCodeAt(0), 0xfeff, 'CSV starts with a BOM');
    return text.slice(1).trim().split(/\r\n/).map((l) => l.split(','));
  };
  const xlsxStrings = (buf) => {
    const f = path.join(os.tmpdir(), `dx-kinds-${process.pid}-${Date.now()}.xlsx`);
    fs.writeFileSync(f, buf);
    try {
      return execFileSync('unzip', ['-p', f, 'xl/sharedStrings.xml']).toString();
    } finally { fs.rmSync(f, { force: true }); }
  };

  test('kinds-1.1 the list page sorts by its headers, both ways, and says which', async () => {
    const up = await ca('GET', '/villages?per_page=500&sort=code');
    assert.equal(up.status, 200);
    const rows = cells(up.text);
    const codes = rows.map((r) => r.tds[0]);
    assert.deepEqual(codes, [...codes].sort());
    assert.match(up.text, /<th scope="col" aria-sort="ascending"><a class="sort" href="\/villages\?sort=-code">/);
    const down = await ca('GET', '/villages?per_page=500&sort=-code');
    assert.deepEqual(cells(down.text).map((r) => r.tds[0]), [...codes].reverse());
    assert.match(down.text, /aria-sort="descending"/);
    // Townships by name, not code; the name links to the record.
    assert.ok(rows.every((r) => !/^\d{9}$/.test(r.tds[2])), 'a township shown as its code');
    assert.match(up.text, /<td><a href="\/villages\/\d+">/);
    const total = Number(/id="kind-total">(\d+)</.exec(up.text)[1]);
    assert.equal(total, rows.length);
    assert.equal((await ca('GET', '/villages?sort=nosuchfield')).status, 400);
  });

  test('kinds-1.2 page numbers and a jump box that keep the filters', async () => {
    const r = await ca('GET', `/villages?per_page=1&page=2&township=${Y}&sort=-name`);
    assert.equal(r.status, 200);
    assert.match(r.text, /<span aria-current="page">2<\/span>/);
    assert.match(r.text, new RegExp(`href="/villages\\?page=1&amp;per_page=1&amp;township=${Y}&amp;sort=-name"`));
    const jump = /<form class="jump"[^]*?<\/form>/.exec(r.text)[0];
    for (const [n, v] of [['township', Y], ['sort', '-name'], ['per_page', '1']])
      assert.match(jump, new RegExp(`name="${n}" value="${v}"`));
    assert.match(jump, /name="page" min="1" max="\d+"/);
    // A page past the end is an empty page, not an error.
    const past = await ca('GET', `/villages?per_page=1&page=999&township=${Y}`);
    assert.equal(past.status, 200);
    assert.equal(cells(past.text).length, 0);
  });

  test('kinds-1.3 the exports hold exactly the filtered rows, in the list\'s order', async () => {
    const api = assertList(await ca('GET', `/api/v1/villages?township=${Y}&per_page=500&sort=-code`), { perPage: 500 });
    const csv = await get(ca, `/villages/export.csv?township=${Y}&sort=-code`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type'), /text\/csv/);
    const rows = csvRows(csv.buf);
    assert.deepEqual(rows[0], ['村级区划代码', '名称', '镇街']);
    assert.deepEqual(rows.slice(1).map((r) => r[0]), api.items.map((v) => v.code));
    assert.ok(rows.slice(1).every((r) => r[2] === '永昌街道'));
    const x = await get(ca, `/villages/export.xlsx?township=${Y}&sort=-code`);
    assert.equal(x.status, 200);
    assert.match(x.headers.get('content-disposition'), /filename="villages\.xlsx"/);
    const strings = xlsxStrings(x.buf);
    for (const v of api.items) assert.ok(strings.includes(v.name), `${v.name} missing from the .xlsx`);
    // A search narrows the export the same way.
    const one = api.items[0];
    const s = csvRows((await get(ca, `/villages/export.csv?q=${encodeURIComponent(one.name)}`)).buf);
    assert.ok(s.slice(1).some((r) => r[1] === one.name));
    assert.ok(s.length - 1 < 26);
  });

  test('kinds-1.4 a school admin\'s page, exports and print view are its own township\'s', async () => {
    const page = await sa('GET', '/villages?per_page=500');
    assert.ok(cells(page.text).every((r) => r.tds[2] === '文亭街道'));
    assert.doesNotMatch(page.text, /<select[^>]* name="township"/, 'no township choice for a school admin');
    assert.match((await ca('GET', '/villages')).text, /<select[^>]* name="township"/, 'a county role chooses one');
    const rows = csvRows((await get(sa, '/villages/export.csv')).buf).slice(1);
    assert.ok(rows.length > 0 && rows.every((r) => r[2] === '文亭街道'));
    assert.equal((await get(sa, `/villages/export.csv?township=${Y}`)).status, 403);
    assert.equal((await sa('GET', `/villages?township=${Y}`)).status, 403);
    const print = await sa('GET', '/villages?print=1');
    assert.equal(print.status, 200);
    assert.match(print.text, /<h1 id="print-title">村\(社区\)统计表<\/h1>/);
    assert.match(print.text, /填报单位：文亭街道/);
    assert.match(print.text, /日期：\d{4}年\d{1,2}月\d{1,2}日/);
    assert.doesNotMatch(print.text, /id="nav"/, 'the print view has no navigation');
    assert.ok(cells(print.text).every((r) => r.tds[2] === '文亭街道'));
  });

  test('kinds-1.5 an empty list says what to do next', async () => {
    const none = await ca('GET', '/villages?q=' + encodeURIComponent('不存在的村名xyz'));
    assert.match(none.text, /class="empty">没有符合条件的记录/);
    assert.match(none.text, /id="kind-total">0</);
  });

  test('kinds-1.6 a page\'s error reads in Chinese in the site\'s frame for one logged in; plain for one not', async () => {
    const html = { headers: { Accept: 'text/html' } };
    const missing = await sa('GET', '/villages/987654321', html);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type'), /text\/html/);
    assert.match(missing.text, /id="nav"/, 'the navigation is there');
    assert.match(missing.text, /<section class="error-page" data-status="404"><h1>没有找到<\/h1>/);
    assert.match(missing.text, /返回首页/);
    const forbidden = await sa('GET', '/security', html);
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.text, /<h1>无权访问<\/h1>/);
    assert.match(forbidden.text, /无权进行此操作/);
    const bad = await sa('GET', '/villages?sort=nosuchfield', html);
    assert.equal(bad.status, 400);
    assert.match(bad.text, /<h1>请求有误<\/h1>/);
    // Not logged in: no frame, still Chinese.
    const anon = await fetch(srv.base + '/no-such-page', { headers: { Accept: 'text/html' } });
    const text = await anon.text();
    assert.equal(anon.status, 404);
    assert.doesNotMatch(text, /id="nav"/);
    assert.match(text, /页面不存在/);
  });

  test('kinds-2.1 a kind declared with its migration alone: a school\'s honours and licences', async () => {
    // The demo holds each school's licence; a school admin sees its own.
    const mine = assertList(await sa('GET', '/api/v1/honours?per_page=500'), { perPage: 500 });
    assert.ok(mine.items.length > 0 && mine.items.every((h) => h.township_code === W && h.township_name === '文亭街道'));
    // Newest first by default.
    const all = assertList(await ca('GET', '/api/v1/honours?per_page=500'), { perPage: 500 });
    const days = all.items.map((h) => h.issued_on);
    assert.deepEqual(days, [...days].sort().reverse());
    // Create: every bad field at once; then a good one.
    const bad = await sa('POST', '/api/v1/honours', { json: { township_code: W, kind: 'medal', title: '', issuer: 'x', issued_on: '2026-02-30' } });
    assert.equal(bad.status, 422, bad.text);
    assert.deepEqual(bad.json.error.fields.map((f) => f.field).sort(), ['issued_on', 'kind', 'title']);
    const ok = await sa('POST', '/api/v1/honours', { json: { township_code: W, kind: 'honour', title: '县级先进党校', issuer: '中共成武县委', issued_on: '2026-06-30' } });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.number, null);
    // Another township's school is not the school admin's to write.
    const other = await sa('POST', '/api/v1/honours', { json: { township_code: Y, kind: 'honour', title: 'x', issuer: 'y', issued_on: '2026-06-30' } });
    assert.equal(other.status, 403);
    // The page shows the choice by its label and the date in Chinese.
    const page = await sa('GET', '/honours?kind=honour');
    assert.equal(page.status, 200);
    assert.match(page.text, /<td>荣誉<\/td>/);
    assert.match(page.text, /2026年6月30日/);
    assert.doesNotMatch(page.text, /<td>证照<\/td>/, 'the kind filter narrows the list');
    const rec = await sa('GET', `/honours/${ok.json.id}`);
    assert.match(rec.text, /<table class="record" id="honour">/);
    assert.match(rec.text, /作废此荣誉与证照/);
    // Voided: out of the list, kept as a record with its reason.
    assert.equal((await sa('POST', `/api/v1/honours/${ok.json.id}/void`, { json: { reason: '录入有误' } })).status, 204);
    const after = await sa('GET', `/api/v1/honours/${ok.json.id}`);
    assert.equal(after.json.voided, true);
    assert.equal(after.json.void_reason, '录入有误');
    assert.ok(!assertList(await sa('GET', '/api/v1/honours?per_page=500'), { perPage: 500 }).items.some((h) => h.id === ok.json.id));
    // Audited as the kind's events.
    const aud = await session(srv.base, 'auditor');
    const ev = assertList(await aud('GET', '/api/v1/audit?event=honour_void'));
    assert.ok(ev.items.some((e) => e.object === `honour:${ok.json.id}`));
  });
  test('kinds-3.1 rooms: a record in its school\'s township, whole numbers, a switch and a totals row', async () => {
    const wSchool = assertList(await ca('GET', `/api/v1/schools?township=${W}`)).items[0];
    const ySchool = assertList(await ca('GET', `/api/v1/schools?township=${Y}`)).items[0];
    // A school admin's rooms are its school's; another township's is 403.
    const mine = assertList(await sa('GET', '/api/v1/rooms?per_page=500'), { perPage: 500 });
    assert.ok(mine.items.length > 0 && mine.items.every((r) => r.township_code === W && r.school_id === wSchool.id));
    assert.equal((await sa('GET', `/api/v1/rooms?township=${Y}`)).status, 403);
    assert.equal((await sa('GET', '/api/v1/rooms?school_id=abc')).status, 400);
    // Every bad field at once: no such school, a kind not on the list,
    // seats out of bounds, seats not a whole number.
    const bad = await sa('POST', '/api/v1/rooms', { json: { school_id: 987654, name: '', kind: 'pool', capacity: 0 } });
    assert.equal(bad.status, 422, bad.text);
    assert.deepEqual(bad.json.error.fields.map((f) => f.field).sort(), ['capacity', 'kind', 'name', 'school_id']);
    const frac = await sa('POST', '/api/v1/rooms', { json: { school_id: wSchool.id, name: '阅览室', kind: 'reading', capacity: 1.5 } });
    assert.equal(frac.status, 422);
    assert.equal(frac.json.error.field, 'capacity');
    assert.equal((await sa('POST', '/api/v1/rooms', { json: { school_id: ySchool.id, name: 'x', kind: 'reading' } })).status, 403);
    const made = await sa('POST', '/api/v1/rooms', { json: { school_id: wSchool.id, name: '第三阅览室', kind: 'reading', capacity: 24 } });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.json.capacity, 24);
    assert.equal(made.json.school_name, wSchool.name);
    assert.equal(made.json.township_code, W);
    // A room stays in its school; its seats change and clear.
    const move = await sa('PATCH', `/api/v1/rooms/${made.json.id}`, { json: { school_id: ySchool.id } });
    assert.equal(move.status, 422);
    assert.equal(move.json.error.field, 'school_id');
    const edit = await sa('PATCH', `/api/v1/rooms/${made.json.id}`, { json: { capacity: 30 } });
    assert.equal(edit.status, 200, edit.text);
    assert.equal(edit.json.capacity, 30);
    // Another township's room does not exist for the school admin.
    const yRoom = assertList(await ca('GET', `/api/v1/rooms?township=${Y}`)).items[0];
    assert.equal((await sa('GET', `/api/v1/rooms/${yRoom.id}`)).status, 404);
    assert.equal((await sa('PATCH', `/api/v1/rooms/${yRoom.id}`, { json: { name: 'x' } })).status, 404);
    // The function rooms: the switch narrows the list, the page, the
    // export and the print view alike, and says so.
    const fn = assertList(await ca('GET', '/api/v1/rooms?function=1&per_page=500'), { perPage: 500 });
    assert.ok(fn.items.every((r) => r.kind !== 'classroom'));
    const all = assertList(await ca('GET', '/api/v1/rooms?per_page=500'), { perPage: 500 });
    assert.ok(fn.total < all.total);
    const page = await ca('GET', '/rooms?function=1&per_page=500');
    assert.equal(Number(/id="kind-total">(\d+)</.exec(page.text)[1]), fn.total);
    assert.match(page.text, /<select aria-label="仅功能室" name="function"><option value="0">全部<\/option><option value="1" selected>/);
    assert.equal(csvRows((await get(ca, '/rooms/export.csv?function=1')).buf).length - 1, fn.total);
    assert.match((await ca('GET', '/rooms?function=1&print=1')).text, /class="print-scope">仅功能室</);
    // The totals row adds up the seats of every filtered row, not the
    // page's: one row a page, the same total.
    const seats = (items) => items.reduce((a, r) => a + (r.capacity ?? 0), 0);
    const mineNow = assertList(await sa('GET', '/api/v1/rooms?per_page=500'), { perPage: 500 });
    const one = await sa('GET', '/rooms?per_page=1');
    assert.equal(Number(/id="kind-sum-capacity">(\d+)</.exec(one.text)[1]), seats(mineNow.items));
    assert.ok(seats(mineNow.items) >= 30);
    // Retired: out of the list, kept with its reason; the school page
    // links each room to its record.
    assert.match((await sa('GET', `/schools/${wSchool.id}`)).text, new RegExp(`<a href="/rooms/${made.json.id}">第三阅览室</a>`));
    assert.equal((await sa('POST', `/api/v1/rooms/${made.json.id}/void`, { json: { reason: '改作仓库' } })).status, 204);
    assert.equal((await sa('GET', `/api/v1/rooms/${made.json.id}`)).json.void_reason, '改作仓库');
    assert.ok(!assertList(await sa('GET', '/api/v1/rooms?per_page=500'), { perPage: 500 }).items.some((r) => r.id === made.json.id));
  });
});
