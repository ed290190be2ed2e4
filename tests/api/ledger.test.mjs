// What a class leaves behind (issue 4 item 5): in-class questions and
// their answers, group-discussion minutes, and photos for the ledger
// (台账) with type and size checks. Both databases. The photos are real
// encodings (tests/data/photo.*, written by Chromium).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, session, assertError, createUser, activate, rand } from './lib.mjs';

const A = '371723001';
const jpg = fs.readFileSync('tests/data/photo.jpg');
const png = fs.readFileSync('tests/data/photo.png');
const webp = fs.readFileSync('tests/data/photo.webp');

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
    // A trainee of the same township who takes no part in the session.
    const people = (await ca('GET', `/api/v1/people?township=${A}&political_status=member&per_page=20`)).json.items;
    const name = `tr_${rand(3)}`;
    await createUser(sys, { username: name, password: 'Initial#2026x', role: 'trainee', township_code: A, person_id: people[7].id });
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
    assert.match(g.headers.get('cache-control'), /private/);
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
});
