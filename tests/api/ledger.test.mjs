// What a class leaves behind (issue 4 item 5): in-class questions and
// their answers, group-discussion minutes, and photos for the ledger
// (台账) with type and size checks. Both databases. The photos are real
// encodings (tests/data/photo.*, written by Chromium).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { startServer, session, assertError, createUser, activate, rand } from './lib.mjs';

const A = '371723001';
const jpg = fs.readFileSync('tests/data/photo.jpg');
const png = fs.readFileSync('tests/data/photo.png');
const webp = fs.readFileSync('tests/data/photo.webp');

// A real PNG of w×h black pixels, built here: signature, IHDR, one
// deflated IDAT, IEND, each chunk with its CRC-32.
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b) => {
  let c = 0xFFFFFFFF;
  for (const x of b) c = crcTable[(c ^ x) & 0xFF] ^ (c >>> 8);
  return (c ^ 0xFFFFFFFF) >>> 0;
};
const chunk = (type, data) => {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4), crc = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};
function tinyPng(w, h) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Buffer.alloc((1 + 3 * Math.min(w, 64)) * Math.min(h, 64)); // filter 0, black
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}
// The header of a baseline JPEG (SOI, APP0 JFIF, SOF0 of w×h, EOI): all
// the server reads. It decodes to nothing; the fixtures are the real ones.
function jpegHeader(w, h) {
  return Buffer.from([0xFF, 0xD8,
    0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
    0xFF, 0xC0, 0x00, 0x0B, 0x08, h >> 8, h & 0xFF, w >> 8, w & 0xFF, 0x01, 0x01, 0x11, 0x00,
    0xFF, 0xD9]);
}

describe('ledger', () => {
  let srv, ca, sa, sa2, trainee, teacher, other, s, teacherSession, otherSession;
  before(async () => {
    // A low limit and cap, so the refusals are cheap to reach.
    srv = await startServer({ env: { DANGXIAO_PHOTO_MAX_BYTES: '4096', DANGXIAO_PHOTOS_PER_SESSION: '3' } });
    let sys;
    [ca, sa, sa2, trainee, teacher, sys] = await Promise.all(
      ['county_admin', 'school_admin', 'school_admin2', 'trainee', 'teacher', 'sysadmin'].map((u) => session(srv.base, u)));
    const list = (await sa('GET', '/api/v1/sessions?from=2000-01-01&per_page=100')).json.items;
    s = list[0];
    const e = await sa('POST', `/api/v1/sessions/${s.id}/enrollments`, { json: { person_id: trainee.user.person_id, waitlist: true } });
    assert.ok([201, 409].includes(e.status), e.text);
    // A trainee of the same township who takes no part in the session
    // (not on its roster: the demo enrols those who attend).
    const people = (await ca('GET', `/api/v1/people?township=${A}&political_status=member&per_page=100`)).json.items;
    const onRoster = new Set((await sa('GET', `/api/v1/sessions/${s.id}/roster`)).json.items.map((x) => x.person_id));
    const outsider = people.find((p) => !onRoster.has(p.id) && p.id !== trainee.user.person_id);
    const name = `tr_${rand(3)}`;
    await createUser(sys, { username: name, password: 'Initial#2026x', role: 'trainee', township_code: A, person_id: outsider.id });
    other = await activate(srv.base, name, 'Initial#2026x', 'Final#2026xyz');
    const me = (await teacher('GET', '/api/v1/me/teaching')).json;
    const taught = (await ca('GET', `/api/v1/sessions?teacher_id=${me.id}&from=2000-01-01&per_page=100`)).json.items;
    teacherSession = taught[0];
    otherSession = (await ca('GET', '/api/v1/sessions?from=2000-01-01&per_page=100')).json.items.find((x) => x.teacher_id !== me.id);
  });
  after(async () => { if (srv) await srv.stop(); });

  test('ledger-1.1 a trainee asks in class, the admin answers, everyone there reads it', async () => {
    const q = await trainee('POST', `/api/v1/sessions/${s.id}/notes`, { json: { kind: 'question', body: '土地流转合同怎么签？' } });
    assert.equal(q.status, 201, q.text);
    // Refusals, and nothing changes.
    assertError(await trainee('POST', `/api/v1/sessions/${s.id}/notes`, { json: { kind: 'discussion', body: 'x' } }), 403, 'forbidden');
    assertError(await other('POST', `/api/v1/sessions/${s.id}/notes`, { json: { kind: 'question', body: 'x' } }), 403, 'not_participant');
    assertError(await other('GET', `/api/v1/sessions/${s.id}/notes`), 403, 'not_participant');
    assertError(await trainee('POST', `/api/v1/sessions/${s.id}/notes`, { json: { kind: 'question', body: '' } }), 422, 'invalid_field', 'body');
    assertError(await trainee('POST', `/api/v1/sessions/${s.id}/notes`, { json: { kind: 'question', body: '问'.repeat(2001) } }), 422, 'invalid_field', 'body');
    assertError(await trainee('POST', `/api/v1/sessions/${s.id}/notes`, { json: { kind: 'chat', body: 'x' } }), 422, 'invalid_field', 'kind');
    assertError(await trainee('POST', `/api/v1/sessions/${s.id}/notes`, { json: { kind: 'question', body: 'x', group: '一组' } }), 422, 'invalid_field', 'group');
    assertError(await trainee('POST', `/api/v1/sessions/${s.id}/notes`, { json: { body: 'x' } }), 422, 'missing_field', 'kind');
    assertError(await sa2('POST', `/api/v1/sessions/${s.id}/notes`, { json: { kind: 'discussion', body: 'x' } }), 404, 'not_found');
    assertError(await trainee('POST', '/api/v1/sessions/99999999/notes', { json: { kind: 'question', body: 'x' } }), 404, 'not_found');
    const d = await sa('POST', `/api/v1/sessions/${s.id}/notes`, { json: { kind: 'discussion', group: '第一组', body: '围绕合作社分红展开讨论，形成三条建议。' } });
    assert.equal(d.status, 201, d.text);
    assertError(await trainee('POST', `/api/v1/notes/${q.json.id}/answer`, { json: { answer: 'x' } }), 403, 'forbidden');
    assertError(await sa('POST', `/api/v1/notes/${d.json.id}/answer`, { json: { answer: 'x' } }), 409, 'not_a_question');
    assertError(await sa('POST', `/api/v1/notes/${q.json.id}/answer`, { json: {} }), 422, 'missing_field', 'answer');
    assertError(await sa2('POST', `/api/v1/notes/${q.json.id}/answer`, { json: { answer: 'x' } }), 404, 'not_found');
    const a = await sa('POST', `/api/v1/notes/${q.json.id}/answer`, { json: { answer: '按县农业农村局的示范文本签订。' } });
    assert.equal(a.status, 204, a.text);
    // The trainee reads the questions and answers, never the minutes.
    const mine = (await trainee('GET', `/api/v1/sessions/${s.id}/notes`)).json.items;
    assert.ok(mine.every((n) => n.kind === 'question'));
    const got = mine.find((n) => n.id === q.json.id);
    assert.equal(got.answer, '按县农业农村局的示范文本签订。');
    assert.ok(got.answered_at);
    const all = (await sa('GET', `/api/v1/sessions/${s.id}/notes`)).json.items;
    assert.equal(all.find((n) => n.id === d.json.id).group, '第一组');
    assert.equal((await sa('GET', `/api/v1/sessions/${s.id}/notes?kind=discussion`)).json.items.every((n) => n.kind === 'discussion'), true);
    assertError(await sa('GET', `/api/v1/sessions/${s.id}/notes?kind=x`), 400, 'invalid_param', 'kind');
    // Voided with a reason, a note is gone from the lists.
    assertError(await sa('POST', `/api/v1/notes/${d.json.id}/void`, { json: {} }), 422, 'missing_field', 'reason');
    assert.equal((await sa('POST', `/api/v1/notes/${d.json.id}/void`, { json: { reason: '重复记录' } })).status, 204);
    assert.ok(!(await sa('GET', `/api/v1/sessions/${s.id}/notes`)).json.items.some((n) => n.id === d.json.id));
    assertError(await sa('POST', `/api/v1/notes/${d.json.id}/void`, { json: { reason: 'again' } }), 404, 'not_found');
  });

  test('ledger-1.2 the session\'s teacher keeps minutes of its own session only', async () => {
    const ok = await teacher('POST', `/api/v1/sessions/${teacherSession.id}/notes`, { json: { kind: 'discussion', body: '学员分三组讨论。' } });
    assert.equal(ok.status, 201, ok.text);
    assertError(await teacher('POST', `/api/v1/sessions/${otherSession.id}/notes`, { json: { kind: 'discussion', body: 'x' } }), 403, 'not_participant');
    assertError(await teacher('GET', `/api/v1/sessions/${otherSession.id}/photos`), 403, 'not_participant');
  });

  test('ledger-1.3 photos: type by the bytes, size and count limits, the same bytes back', async () => {
    const up = (body, type, q = '') => sa('POST', `/api/v1/sessions/${s.id}/photos${q}`, { body, headers: { 'Content-Type': type } });
    const p1 = await up(jpg, 'image/jpeg', '?caption=' + encodeURIComponent('开班仪式'));
    assert.equal(p1.status, 201, p1.text);
    assert.deepEqual([p1.json.mime, p1.json.width, p1.json.height, p1.json.bytes, p1.json.caption],
      ['image/jpeg', 321, 123, jpg.length, '开班仪式']);
    assert.match(p1.json.sha256, /^[0-9a-f]{64}$/);
    const p2 = await up(png, 'image/png');
    assert.equal(p2.status, 201, p2.text);
    // Refusals change nothing.
    assertError(await up(png, 'image/jpeg'), 415, 'unsupported_media_type');
    assertError(await up(Buffer.from('GIF89a\x01\x00\x01\x00'), 'image/gif'), 415, 'unsupported_media_type');
    assertError(await up(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/png'), 415, 'unsupported_media_type');
    assertError(await up(png.subarray(0, 20), 'image/png'), 422, 'corrupt_image');
    // Cut inside the signature it is still a PNG cut short; declared as
    // something else it is a mismatch; nothing at all is an empty body.
    assertError(await up(png.subarray(0, 5), 'image/png'), 422, 'corrupt_image');
    assertError(await up(png.subarray(0, 5), 'image/jpeg'), 415, 'unsupported_media_type');
    assertError(await up(Buffer.alloc(0), 'image/png'), 400, 'empty_body');
    assertError(await sa('POST', `/api/v1/sessions/${s.id}/photos`, { body: png }), 415, 'unsupported_media_type');
    assertError(await up(png, 'text/plain'), 415, 'unsupported_media_type');
    assertError(await up(Buffer.concat([jpg, Buffer.alloc(4096)]), 'image/jpeg'), 413, 'too_large');
    assertError(await up(jpg, 'image/jpeg', '?caption=' + '字'.repeat(101)), 422, 'invalid_param', 'caption');
    assertError(await sa2('POST', `/api/v1/sessions/${s.id}/photos`, { body: jpg, headers: { 'Content-Type': 'image/jpeg' } }), 404, 'not_found');
    assertError(await trainee('POST', `/api/v1/sessions/${s.id}/photos`, { body: jpg, headers: { 'Content-Type': 'image/jpeg' } }), 403, 'forbidden');
    assert.equal((await sa('GET', `/api/v1/sessions/${s.id}/photos`)).json.items.length, 2);
    // Media types are case-insensitive; stored and served in lower case.
    const p3 = await up(webp, 'IMAGE/WebP; charset=binary');
    assert.equal(p3.status, 201, p3.text);
    assert.equal(p3.json.mime, 'image/webp');
    assertError(await up(jpg, 'image/jpeg'), 409, 'too_many_photos');
    // The bytes come back as stored, typed by what they are.
    const g = await fetch(`${srv.base}/api/v1/photos/${p2.json.id}`, { headers: { Cookie: sa.cookie } });
    assert.equal(g.status, 200);
    assert.equal(g.headers.get('content-type'), 'image/png');
    assert.equal(g.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(g.headers.get('cache-control'), 'no-store');
    assert.ok(Buffer.from(await g.arrayBuffer()).equals(png));
    assertError(await sa2('GET', `/api/v1/photos/${p2.json.id}`), 404, 'not_found');
    assertError(await trainee('GET', `/api/v1/photos/${p2.json.id}`), 403, 'forbidden');
    assertError(await sa('GET', '/api/v1/photos/99999999'), 404, 'not_found');
    // Voiding one makes room again.
    assert.equal((await sa('POST', `/api/v1/photos/${p1.json.id}/void`, { json: { reason: '拍摄模糊' } })).status, 204);
    assertError(await sa('GET', `/api/v1/photos/${p1.json.id}`), 404, 'not_found');
    assert.equal((await up(jpg, 'image/jpeg')).status, 201);
  });

  test('ledger-1.4 uploads at once never pass the per-session cap', async () => {
    // Other sessions of the township, without photos yet; twelve uploads
    // in flight together for a cap of three, on each. Without the
    // session's row lock PostgreSQL let a fourth in now and then.
    const list = (await sa('GET', '/api/v1/sessions?from=2000-01-01&per_page=100')).json.items;
    for (const s2 of list.filter((x) => x.id !== s.id).slice(0, 4)) {
      const sent = await Promise.all(Array.from({ length: 12 }, () =>
        sa('POST', `/api/v1/sessions/${s2.id}/photos`, { body: png, headers: { 'Content-Type': 'image/png' } })));
      assert.equal(sent.filter((r) => r.status === 201).length, 3, sent.map((r) => r.text).join('\n'));
      for (const r of sent.filter((x) => x.status !== 201))
        assertError(r, 409, 'too_many_photos');
      assert.equal((await sa('GET', `/api/v1/sessions/${s2.id}/photos`)).json.items.length, 3);
    }
  });

  test('ledger-1.5 the teacher answers and voids in its own session; the county admin keeps minutes anywhere', async () => {
    // The trainee takes part in the teacher's session too.
    const e = await ca('POST', `/api/v1/sessions/${teacherSession.id}/enrollments`, { json: { person_id: trainee.user.person_id, waitlist: true } });
    assert.ok([201, 409].includes(e.status), e.text);
    const q = await trainee('POST', `/api/v1/sessions/${teacherSession.id}/notes`, { json: { kind: 'question', body: '党费按什么基数交？' } });
    assert.equal(q.status, 201, q.text);
    assert.equal((await teacher('POST', `/api/v1/notes/${q.json.id}/answer`, { json: { answer: '按月工资收入的比例。' } })).status, 204);
    // Answered again, the new answer replaces the old.
    assert.equal((await teacher('POST', `/api/v1/notes/${q.json.id}/answer`, { json: { answer: '按月工资收入（税后）的比例。' } })).status, 204);
    const got = (await trainee('GET', `/api/v1/sessions/${teacherSession.id}/notes`)).json.items.find((n) => n.id === q.json.id);
    assert.equal(got.answer, '按月工资收入（税后）的比例。');
    // The teacher reads everything of its session, the minutes too.
    assert.ok((await teacher('GET', `/api/v1/sessions/${teacherSession.id}/notes`)).json.items.some((n) => n.kind === 'discussion'));
    const d = await ca('POST', `/api/v1/sessions/${teacherSession.id}/notes`, { json: { kind: 'discussion', group: '第三组', body: '县级管理员补记。' } });
    assert.equal(d.status, 201, d.text);
    assert.equal((await teacher('POST', `/api/v1/notes/${d.json.id}/void`, { json: { reason: '与第三组记录重复' } })).status, 204);
    // Not the teacher's session, and not a trainee's to void.
    const other = await ca('POST', `/api/v1/sessions/${otherSession.id}/notes`, { json: { kind: 'discussion', body: '本课次记录。' } });
    assert.equal(other.status, 201, other.text);
    assertError(await teacher('POST', `/api/v1/notes/${other.json.id}/void`, { json: { reason: 'x' } }), 403, 'not_participant');
    assertError(await teacher('POST', `/api/v1/notes/${other.json.id}/answer`, { json: { answer: 'x' } }), 403, 'not_participant');
    assertError(await trainee('POST', `/api/v1/notes/${q.json.id}/void`, { json: { reason: 'x' } }), 403, 'forbidden');
  });

  test('ledger-1.6 malformed requests get a 4xx and change nothing', async () => {
    const notes = async () => (await sa('GET', `/api/v1/sessions/${s.id}/notes`)).json.items;
    const before = await notes();
    const q = before.find((n) => n.kind === 'question');
    const post = (p, body, type = 'application/json') => trainee('POST', p, { body, headers: { 'Content-Type': type } });
    assertError(await post(`/api/v1/sessions/${s.id}/notes`, '{"kind":"question",'), 400, 'bad_json');
    assertError(await post(`/api/v1/sessions/${s.id}/notes`, '["question"]'), 400, 'bad_json');
    assertError(await post(`/api/v1/sessions/${s.id}/notes`, '{"kind":"question","body":"x"}', 'text/plain'), 400, 'bad_content_type');
    assertError(await post(`/api/v1/sessions/${s.id}/notes`, ''), 400, 'bad_json');
    assertError(await trainee('POST', `/api/v1/sessions/${s.id}/notes`, { json: { kind: 'question', body: 42 } }), 422, 'invalid_field', 'body');
    assertError(await trainee('POST', `/api/v1/sessions/${s.id}/notes`, { json: { kind: 'question', body: ' \u3000 ' } }), 422, 'invalid_field', 'body');
    assertError(await trainee('POST', '/api/v1/sessions/abc/notes', { json: { kind: 'question', body: 'x' } }), 404, 'not_found');
    assertError(await trainee('POST', '/api/v1/sessions/0/notes', { json: { kind: 'question', body: 'x' } }), 404, 'not_found');
    assertError(await sa('POST', `/api/v1/sessions/${s.id}/notes`, { json: { kind: 'discussion', body: 'x', group: '组'.repeat(33) } }), 422, 'invalid_field', 'group');
    assertError(await sa('POST', `/api/v1/notes/${q.id}/answer`, { json: { answer: '答'.repeat(2001) } }), 422, 'invalid_field', 'answer');
    assertError(await sa('POST', `/api/v1/notes/${q.id}/void`, { json: { reason: '因'.repeat(201) } }), 422, 'invalid_field', 'reason');
    assertError(await sa('POST', '/api/v1/notes/99999999/answer', { json: { answer: 'x' } }), 404, 'not_found');
    assertError(await sa('POST', '/api/v1/photos/99999999/void', { json: { reason: 'x' } }), 404, 'not_found');
    assertError(await sa('POST', '/api/v1/photos/1/void', { json: {} }), 422, 'missing_field', 'reason');
    // The trainee's phone form refuses only-spaces too, as the API does.
    const page = await trainee('POST', `/me/sessions/${s.id}/ask`, { body: 'body=%E3%80%80+', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(page.status, 303, page.text);
    assert.match(page.headers.get('location'), /ledger=body/);
    assert.deepEqual(await notes(), before);
  });

  test('ledger-1.7 pictures built here: a PNG and a JPEG header, sides checked, bytes back as sent', async () => {
    const list = (await sa('GET', '/api/v1/sessions?from=2000-01-01&per_page=100')).json.items;
    const s3 = list.filter((x) => x.id !== s.id)[5];
    const up = (body, type) => sa('POST', `/api/v1/sessions/${s3.id}/photos`, { body, headers: { 'Content-Type': type } });
    const p = tinyPng(3, 2), j = jpegHeader(640, 480);
    const a = await up(p, 'image/png');
    assert.equal(a.status, 201, a.text);
    assert.deepEqual([a.json.width, a.json.height, a.json.bytes], [3, 2, p.length]);
    assert.equal(a.json.sha256, (await import('node:crypto')).createHash('sha256').update(p).digest('hex'));
    const b = await up(j, 'image/jpeg');
    assert.equal(b.status, 201, b.text);
    assert.deepEqual([b.json.width, b.json.height], [640, 480]);
    // Sides of 0 or over 20000 are not a photo of a class.
    assertError(await up(tinyPng(20001, 1), 'image/png'), 422, 'corrupt_image');
    assertError(await up(jpegHeader(0, 480), 'image/jpeg'), 422, 'corrupt_image');
    assertError(await up(j.subarray(0, 20), 'image/jpeg'), 422, 'corrupt_image');
    assertError(await up(j, 'image/png'), 415, 'unsupported_media_type');
    for (const [photo, bytes, type] of [[a, p, 'image/png'], [b, j, 'image/jpeg']]) {
      const g = await fetch(`${srv.base}/api/v1/photos/${photo.json.id}`, { headers: { Cookie: sa.cookie } });
      assert.equal(g.headers.get('content-type'), type);
      assert.ok(Buffer.from(await g.arrayBuffer()).equals(bytes));
    }
    const listed = (await sa('GET', `/api/v1/sessions/${s3.id}/photos`)).json.items;
    assert.deepEqual(listed.map((x) => x.id), [a.json.id, b.json.id]);
    assert.ok(listed.every((x) => !('data' in x)), 'the list carries no bytes');
    // The county admin reaches any township's photos; the other
    // township's school admin does not even see them.
    assert.equal((await fetch(`${srv.base}/api/v1/photos/${a.json.id}`, { headers: { Cookie: ca.cookie } })).status, 200);
    assertError(await sa2('GET', `/api/v1/sessions/${s3.id}/photos`), 404, 'not_found');
    assertError(await sa2('POST', `/api/v1/photos/${a.json.id}/void`, { json: { reason: 'x' } }), 404, 'not_found');
  });

  test('ledger-1.8 every write is in the audit log with who made it', async () => {
    const aud = await session(srv.base, 'auditor');
    const rows = [];
    for (let page = 1; ; page++) {
      const r = (await aud('GET', `/api/v1/audit?per_page=500&page=${page}`)).json.items;
      rows.push(...r);
      if (r.length < 500) break;
    }
    const by = (event, username) => rows.filter((x) => x.event === event && x.username === username && x.success);
    assert.ok(by('note_create', 'trainee').length >= 2);
    assert.ok(by('note_create', 'school_admin').length >= 1);
    assert.ok(by('note_answer', 'school_admin').length >= 1);
    assert.ok(by('note_answer', 'teacher').length >= 2);
    assert.ok(by('note_void', 'teacher').length >= 1);
    assert.ok(by('photo_add', 'school_admin').length >= 3 + 4 * 3 + 2);
    assert.ok(by('photo_void', 'school_admin').length >= 1);
    const add = by('photo_add', 'school_admin')[0];
    assert.match(add.object, /^photo:\d+$/);
    assert.match(JSON.stringify(add.detail), /sha256/);
    // Refusals are not writes: no photo_add row for a photo id never made.
    assert.ok(!rows.some((x) => x.event === 'photo_add' && x.object === 'photo:0'));
  });
});
