// Programs, sessions, enrolment, QR check-in, attendance, study hours and
// ratings (issue 4), on both databases: each flow and its refusals —
// expired token 410, second check-in 409, check-in outside the window
// 403, rating without attendance 403, second rating 409, over capacity
// 409, another township's session 404.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, session, req, assertError, assertList } from './lib.mjs';

const W = '371723001';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// "YYYY-MM-DDTHH:MM" in China time, minutes from now.
function cst(minutesFromNow) {
  const d = new Date(Date.now() + minutesFromNow * 60000 + 8 * 3600000);
  return d.toISOString().slice(0, 16);
}
const today = () => new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);

describe('classes', () => {
  let srv, ca, sa, sa2, trainee, teacher;
  let school, otherSchool, room, course, teacherId, me;
  before(async () => {
    // Slots of 2 s so that a token can expire within the test.
    srv = await startServer({ env: { DANGXIAO_CHECKIN_SLOT_SECONDS: '2' } });
    [ca, sa, sa2, trainee, teacher] = await Promise.all(
      ['county_admin', 'school_admin', 'school_admin2', 'trainee', 'teacher'].map((u) => session(srv.base, u)));
    const schools = (await ca('GET', '/api/v1/schools')).json.items;
    school = schools.find((s) => s.township_code === W);
    otherSchool = schools.find((s) => s.township_code !== W);
    room = (await sa('GET', `/api/v1/schools/${school.id}/rooms`)).json.items[0];
    course = (await sa('GET', '/api/v1/courses?per_page=1')).json.items[0];
    teacherId = course.teacher_ids[0];
    me = trainee.user.person_id;
    assert.ok(me, 'the demo trainee is linked to a roster person');
  });
  after(async () => { if (srv) await srv.stop(); });

  const program = async (over = {}) => {
    const r = await sa('POST', '/api/v1/programs', {
      json: { type: 'weekly_lesson', school_id: school.id, title: '每周一课·测试', from: today(), to: today(), ...over },
    });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const sessionNow = async (over = {}) => {
    const p = await program();
    const r = await sa('POST', '/api/v1/sessions', {
      json: { program_id: p.id, course_id: course.id, teacher_id: teacherId, starts_at: cst(-10), ends_at: cst(110),
        room_id: room.id, hours: 2, capacity: 30, ...over },
    });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };

  test('classes-1.1 programs and sessions in the school admin\'s own school; bad ones refused', async () => {
    const p = await program({ type: 'themed_class', title: '乡村振兴主题培训班' });
    assert.equal(p.type_name, '主题培训班');
    assertError(await sa('POST', '/api/v1/programs', { json: { type: 'weekly_lesson', school_id: otherSchool.id, title: 'x', from: today(), to: today() } }),
      404, 'not_found');
    for (const [over, field] of [[{ type: 'party' }, 'type'], [{ from: '2026-02-30' }, 'from'], [{ from: '2026-12-02', to: '2026-12-01' }, 'to']])
      assertError(await sa('POST', '/api/v1/programs', { json: { type: 'weekly_lesson', school_id: school.id, title: 'x', from: '2026-12-01', to: '2026-12-01', ...over } }),
        422, 'invalid_field', field);
    const s = await sessionNow();
    assert.equal(s.hours, 2);
    assert.equal(s.township_code, W);
    assert.equal(s.enrolled, 0);
    const base = { program_id: p.id, starts_at: cst(60), ends_at: cst(180), room_id: room.id, hours: 2, capacity: 10 };
    const otherRoom = (await ca('GET', `/api/v1/schools/${otherSchool.id}/rooms`)).json.items[0];
    for (const [over, field] of [
      [{ ends_at: cst(30) }, 'ends_at'], [{ starts_at: '明天上午' }, 'starts_at'], [{ hours: 0.3 }, 'hours'],
      [{ capacity: 0 }, 'capacity'], [{ room_id: otherRoom.id }, 'room_id'], [{ room_id: undefined }, 'place'],
      [{ course_id: 99999999 }, 'course_id'], [{ teacher_id: 99999999 }, 'teacher_id'],
      // 学时 within the session's length (DOMAIN §1.5): 2 hours carry 2.
      [{ hours: 8 }, 'hours'], [{ hours: 2.5 }, 'hours'],
    ]) assertError(await sa('POST', '/api/v1/sessions', { json: { ...base, ...over } }), 422, 'invalid_field', field);
    assertError(await sa2('POST', '/api/v1/sessions', { json: base }), 404, 'not_found');
    assertError(await sa2('GET', `/api/v1/sessions/${s.id}`), 404, 'not_found');
    const onsite = await sa('POST', '/api/v1/sessions', { json: { ...base, room_id: undefined, place: '伯乐集镇现场教学点' } });
    assert.equal(onsite.status, 201, onsite.text);
    const list = await sa('GET', `/api/v1/sessions?program_id=${p.id}`);
    assertList(list);
    assert.equal(list.json.total, 1);
    // The report's links filter by program type.
    assert.equal((await sa('GET', `/api/v1/sessions?program_id=${p.id}&type=${p.type}`)).json.total, 1);
    const other = p.type === 'skills' ? 'onsite' : 'skills';
    assert.equal((await sa('GET', `/api/v1/sessions?program_id=${p.id}&type=${other}`)).json.total, 0);
    assertError(await sa('GET', `/api/v1/sessions?type=${'x'.repeat(33)}`), 400, 'invalid_param', 'type');
    assertError(await trainee('GET', '/api/v1/sessions'), 403, 'forbidden');
  });

  test('classes-1.2 enrolment: capacity, the waiting list, once per person, own township only', async () => {
    const s = await sessionNow({ capacity: 2 });
    const people = (await sa('GET', '/api/v1/people?per_page=3')).json.items.map((p) => p.id);
    for (const p of people.slice(0, 2)) {
      const r = await sa('POST', `/api/v1/sessions/${s.id}/enrollments`, { json: { person_id: p } });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.status, 'enrolled');
    }
    assertError(await sa('POST', `/api/v1/sessions/${s.id}/enrollments`, { json: { person_id: people[2] } }), 409, 'session_full');
    const w = await sa('POST', `/api/v1/sessions/${s.id}/enrollments`, { json: { person_id: people[2], waitlist: true } });
    assert.equal(w.json.status, 'waiting');
    assertError(await sa('POST', `/api/v1/sessions/${s.id}/enrollments`, { json: { person_id: people[0] } }), 409, 'already_enrolled');
    const far = (await sa2('GET', '/api/v1/people?per_page=1')).json.items[0].id;
    assertError(await sa('POST', `/api/v1/sessions/${s.id}/enrollments`, { json: { person_id: far } }), 422, 'invalid_field', 'person_id');
    assertError(await sa('POST', `/api/v1/sessions/${s.id}/enrollments`, { json: {} }), 422, 'missing_field', 'person_id');
    const got = await sa('GET', `/api/v1/sessions/${s.id}`);
    assert.equal(got.json.enrolled, 2);
    assert.equal(got.json.waiting, 1);
    const roster = await sa('GET', `/api/v1/sessions/${s.id}/roster`);
    assert.deepEqual(roster.json.items.map((x) => x.status).sort(), ['enrolled', 'enrolled', 'waiting']);
    assert.ok(roster.json.items.every((x) => /\*/.test(x.id_number_masked)));
  });

  test('classes-1.3 QR check-in: the code turns over, one check-in, then hours; refusals', async () => {
    const s = await sessionNow({ hours: 1.5 });
    const before = (await trainee('GET', '/api/v1/me/hours')).json;
    const code = await sa('GET', `/api/v1/sessions/${s.id}/checkin-code`);
    assert.equal(code.status, 200, code.text);
    assert.match(code.json.url, new RegExp(`/c/${code.json.token.replaceAll('.', '\\.')}$`));
    assert.ok(code.json.expires_in >= 1 && code.json.expires_in <= 2);
    const svg = await fetch(srv.base + `/api/v1/sessions/${s.id}/checkin-code.svg`, { headers: { Cookie: sa.cookie } });
    assert.equal(svg.status, 200);
    assert.match(svg.headers.get('content-type'), /image\/svg\+xml/);
    assert.match(await svg.text(), /^<svg [^>]*viewBox="0 0 \d+ \d+"/);
    const ok = await trainee('POST', '/api/v1/checkin', { json: { token: code.json.token } });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.method, 'qr');
    assert.equal(ok.json.minutes, 90);
    assert.equal(ok.json.rule, 'hour60-cap8');
    assertError(await trainee('POST', '/api/v1/checkin', { json: { token: code.json.token } }), 409, 'already_checked_in');
    const after = (await trainee('GET', '/api/v1/me/hours')).json;
    assert.equal(after.concentrated_minutes, before.concentrated_minutes + 90);
    assert.equal(after.online_minutes, null);
    assert.equal(after.target_hours, 32);
    // Forged and expired codes.
    const [sid, slot, mac] = code.json.token.split('.');
    assertError(await trainee('POST', '/api/v1/checkin', { json: { token: `${sid}.${slot}.${'0'.repeat(16)}` } }), 422, 'invalid_field', 'token');
    assertError(await trainee('POST', '/api/v1/checkin', { json: { token: `${Number(sid) + 1}.${slot}.${mac}` } }), 422, 'invalid_field', 'token');
    assertError(await trainee('POST', '/api/v1/checkin', { json: {} }), 422, 'missing_field', 'token');
    const s2 = await sessionNow();
    const old = (await sa('GET', `/api/v1/sessions/${s2.id}/checkin-code`)).json.token;
    await sleep(4500); // two slots of 2 s and a little more
    assertError(await trainee('POST', '/api/v1/checkin', { json: { token: old } }), 410, 'token_expired');
    // The previous slot is still accepted.
    const prev = (await sa('GET', `/api/v1/sessions/${s2.id}/checkin-code`)).json;
    await sleep(prev.expires_in * 1000 + 200);
    const late = await trainee('POST', '/api/v1/checkin', { json: { token: prev.token } });
    assert.equal(late.status, 201, late.text);
    // An account with no roster person cannot check in.
    const s3 = await sessionNow();
    const t3 = (await sa('GET', `/api/v1/sessions/${s3.id}/checkin-code`)).json.token;
    assertError(await teacher('POST', '/api/v1/checkin', { json: { token: t3 } }), 403, 'no_person');
  });

  test('classes-1.4 check-in is open from 30 minutes before the start to the end', async () => {
    for (const [from, to] of [[120, 180], [-180, -60]]) {
      const s = await sessionNow({ starts_at: cst(from), ends_at: cst(to), hours: 1 });
      const t = (await sa('GET', `/api/v1/sessions/${s.id}/checkin-code`)).json.token;
      assertError(await trainee('POST', '/api/v1/checkin', { json: { token: t } }), 403, 'checkin_closed');
    }
    const soon = await sessionNow({ starts_at: cst(20), ends_at: cst(80), hours: 1 });
    const t = (await sa('GET', `/api/v1/sessions/${soon.id}/checkin-code`)).json.token;
    assert.equal((await trainee('POST', '/api/v1/checkin', { json: { token: t } })).status, 201);
  });

  test('classes-1.4b the phone: the code\'s page writes nothing, its button checks in, once', async () => {
    const s = await sessionNow({ hours: 1 });
    const token = (await sa('GET', `/api/v1/sessions/${s.id}/checkin-code`)).json.token;
    const attended = async () => (await sa('GET', `/api/v1/sessions/${s.id}`)).json.attended;
    // Opened (or previewed by a chat app) any number of times: no write.
    for (let i = 0; i < 2; i++) {
      const page = await trainee('GET', `/c/${token}`);
      assert.equal(page.status, 200, page.text);
      assert.match(page.text, /id="checkin-form"/);
      assert.match(page.text, /id="checkin-class"/);
    }
    assert.equal(await attended(), 0);
    const grace = /action="\/c\/g\/([^"]+)"/.exec((await trainee('GET', `/c/${token}`)).text)[1];
    // The grace page is the same page, and writes nothing either.
    assert.match((await trainee('GET', `/c/g/${grace}`)).text, /id="checkin-form"/);
    assert.equal(await attended(), 0);
    const form = { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `_csrf=${encodeURIComponent(trainee.csrf)}` };
    const ok = await trainee('POST', `/c/g/${grace}`, form);
    assert.equal(ok.status, 200, ok.text);
    assert.match(ok.text, /id="checkin-ok"/);
    assert.equal(await attended(), 1);
    // Again: the page says so and has no button; a second post is a 409.
    const again = await trainee('GET', `/c/${token}`);
    assert.equal(again.status, 200);
    assert.match(again.text, /已签到过/);
    assert.doesNotMatch(again.text, /id="checkin-form"/);
    assert.equal((await trainee('POST', `/c/g/${grace}`, form)).status, 409);
    assert.equal(await attended(), 1);
    // Without the CSRF token, refused.
    const noCsrf = await req(srv.base, 'POST', `/c/g/${grace}`, { cookie: trainee.cookie, headers: form.headers, body: '' });
    assert.equal(noCsrf.status, 403);
    assert.equal(await attended(), 1);
  });

  test('classes-1.5 the admin ticks people off the roster; once each', async () => {
    const s = await sessionNow();
    const p = (await sa('GET', '/api/v1/people?per_page=1')).json.items[0].id;
    const r = await sa('POST', `/api/v1/sessions/${s.id}/attendance`, { json: { person_id: p } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.method, 'roster');
    assertError(await sa('POST', `/api/v1/sessions/${s.id}/attendance`, { json: { person_id: p } }), 409, 'already_checked_in');
    assertError(await sa2('POST', `/api/v1/sessions/${s.id}/attendance`, { json: { person_id: p } }), 404, 'not_found');
    const roster = (await sa('GET', `/api/v1/sessions/${s.id}`)).json;
    assert.equal(roster.attended, 1);
    const h = await sa('GET', `/api/v1/people/${p}/hours`);
    assert.ok(h.json.concentrated_minutes >= 120, h.text);
    assertError(await sa2('GET', `/api/v1/people/${p}/hours`), 404, 'not_found');
  });

  test('classes-1.6 ratings: once, by those who attended; teachers see aggregates', async () => {
    // A new teacher, so that the counts start from nothing.
    const nt = await ca('POST', '/api/v1/teachers', { json: { name: '新讲师', level: 'county', modules: ['health'], school_ids: [school.id] } });
    assert.equal(nt.status, 201, nt.text);
    const s = await sessionNow({ teacher_id: nt.json.id });
    const scores = { content: 95, method: 90, effect: 92, attitude: 100 };
    assertError(await trainee('POST', `/api/v1/sessions/${s.id}/evaluations`, { json: { scores } }), 403, 'not_attended');
    const t = (await sa('GET', `/api/v1/sessions/${s.id}/checkin-code`)).json.token;
    assert.equal((await trainee('POST', '/api/v1/checkin', { json: { token: t } })).status, 201);
    const r = await trainee('POST', `/api/v1/sessions/${s.id}/evaluations`, { json: { scores } });
    assert.equal(r.status, 201, r.text);
    // 0.30·95 + 0.25·90 + 0.25·92 + 0.20·100 = 94.0
    assert.equal(r.json.total, 94);
    assert.equal(r.json.grade, 'excellent');
    assertError(await trainee('POST', `/api/v1/sessions/${s.id}/evaluations`, { json: { scores } }), 409, 'already_rated');
    for (const bad of [{}, { scores: { ...scores, content: 101 } }, { scores: { ...scores, effect: -1 } }, { scores: { content: 90 } }])
      assert.equal((await trainee('POST', `/api/v1/sessions/${s.id}/evaluations`, { json: bad })).status, 422);
    // Another teacher's ratings are not this teacher's to read.
    assertError(await teacher('GET', `/api/v1/teachers/${nt.json.id}`), 404, 'not_found');
    const tp = await ca('GET', `/api/v1/teachers/${nt.json.id}`);
    assert.equal(tp.status, 200, tp.text);
    assert.equal(tp.json.rating.evaluations, 1);
    assert.equal(tp.json.rating.mean, 94);
    assert.equal(tp.json.rating.excellence_rate, null); // fewer than 10
    assert.equal(tp.json.rating.too_few, true);
    // Shrunk toward the county mean: below this single 94.
    assert.ok(tp.json.rating.ranked_mean < 94);
    assert.ok(!/rater|person/.test(JSON.stringify(tp.json.rating)));
    // The demo teacher, the busiest of the pool, shows its own rate.
    const myId = (await teacher('GET', '/api/v1/me/teaching')).json.id;
    const rated = await teacher('GET', `/api/v1/teachers/${myId}`);
    assert.equal(rated.status, 200, rated.text);
    if (rated.json.rating.evaluations >= 10) {
      assert.equal(rated.json.rating.too_few, false);
      assert.ok(rated.json.rating.excellence_rate >= 0 && rated.json.rating.excellence_rate <= 1);
    }
    const cp = await trainee('GET', `/api/v1/courses/${course.id}`);
    assert.ok(cp.json.rating.evaluations >= 1);
  });

  test('classes-1.7 who is behind on study hours: members only, in pinyin order, never ranked', async () => {
    const b = await sa('GET', `/api/v1/hours/behind?per_page=500`);
    assertList(b, { perPage: 500 });
    assert.ok(b.json.persons_total > 0);
    assert.equal(b.json.persons_total, b.json.persons_meeting_target + b.json.total);
    assert.ok(b.json.items.every((x) => ['member', 'cadre'].includes(x.target) && x.minutes < x.target_hours * 60 || x.classes < x.target_classes));
    assertError(await sa('GET', '/api/v1/hours/behind?township=371723002'), 403, 'forbidden_township');
    assertError(await sa('GET', '/api/v1/hours/behind?year=1999'), 400, 'invalid_param', 'year');
    assertError(await trainee('GET', '/api/v1/hours/behind'), 403, 'forbidden');
  });
  test('classes-1.8 a session is called off with a reason, never once someone checked in', async () => {
    const s = await sessionNow();
    const code = (await sa('GET', `/api/v1/sessions/${s.id}/checkin-code`)).json.token;
    assertError(await sa('POST', `/api/v1/sessions/${s.id}/void`, { json: {} }), 422, 'missing_field', 'reason');
    assertError(await sa2('POST', `/api/v1/sessions/${s.id}/void`, { json: { reason: '下雨' } }), 404, 'not_found');
    assertError(await trainee('POST', `/api/v1/sessions/${s.id}/void`, { json: { reason: '下雨' } }), 403, 'forbidden');
    const r = await sa('POST', `/api/v1/sessions/${s.id}/void`, { json: { reason: '暴雨预警，改期' } });
    assert.equal(r.status, 204, r.text);
    assertError(await sa('GET', `/api/v1/sessions/${s.id}`), 404, 'not_found');
    assert.ok(!(await sa('GET', `/api/v1/sessions?program_id=${s.program_id}`)).json.items.some((x) => x.id === s.id));
    assertError(await sa('POST', `/api/v1/sessions/${s.id}/void`, { json: { reason: 'again' } }), 404, 'not_found');
    // Its QR code no longer checks anyone in.
    const c = await trainee('POST', '/api/v1/checkin', { json: { token: code } });
    assert.ok(c.status >= 400 && c.status < 500 && c.status !== 409, `${c.status} ${c.text}`);
    // With an attendance the session and its hours stay.
    const held = await sessionNow();
    assert.equal((await sa('POST', `/api/v1/sessions/${held.id}/attendance`, { json: { person_id: me } })).status, 201);
    assertError(await sa('POST', `/api/v1/sessions/${held.id}/void`, { json: { reason: 'x' } }), 409, 'has_attendance');
    assert.equal((await sa('GET', `/api/v1/sessions/${held.id}`)).status, 200);
    const audit = await session(srv.base, 'auditor');
    const rows = (await audit('GET', `/api/v1/audit?object=session:${s.id}`)).json.items;
    assert.ok(rows.some((x) => x.event === 'session_void'), JSON.stringify(rows));
  });

  test('classes-1.9 a session takes a county, an invited or its own township\'s teacher, never another\'s pool', async () => {
    const Y = '371723002';
    const ownY = await sa2('POST', '/api/v1/teachers', { json: { name: '永昌讲师', level: 'township', modules: ['health'] } });
    const invitedY = await sa2('POST', '/api/v1/teachers', { json: { name: '永昌特邀讲师', level: 'invited', modules: ['health'] } });
    const ownW = await sa('POST', '/api/v1/teachers', { json: { name: '文亭讲师', level: 'township', modules: ['health'] } });
    const invitedC = await ca('POST', '/api/v1/teachers', { json: { name: '县特邀讲师', level: 'invited', modules: ['health'] } });
    const countyT = await ca('POST', '/api/v1/teachers', { json: { name: '县讲师乙', level: 'county', modules: ['health'] } });
    for (const r of [ownY, invitedY, ownW, invitedC, countyT]) assert.equal(r.status, 201, r.text);
    assert.equal(ownY.json.township_code, Y);
    const p = await program();
    const body = (teacher_id) => ({ program_id: p.id, course_id: course.id, teacher_id, starts_at: cst(60),
      ends_at: cst(150), room_id: room.id, hours: 1, capacity: 30 });
    const count = async () => (await ca('GET', `/api/v1/sessions?program_id=${p.id}`)).json.total;
    // Another township's own pool, whoever asks: 422 on teacher_id.
    for (const who of [sa, ca])
      for (const t of [ownY, invitedY])
        assertError(await who('POST', '/api/v1/sessions', { json: body(t.json.id) }), 422, 'invalid_field', 'teacher_id');
    assert.equal(await count(), 0);
    for (const t of [ownW, invitedC, countyT]) {
      const r = await sa('POST', '/api/v1/sessions', { json: body(t.json.id) });
      assert.equal(r.status, 201, `${t.json.name}: ${r.text}`);
    }
    assert.equal(await count(), 3);
    // The same rule in the page's form.
    const form = new URLSearchParams({ _csrf: sa.csrf, course_id: String(course.id), teacher_id: String(ownY.json.id),
      starts_at: cst(60), ends_at: cst(150), room_id: String(room.id), hours: '1', capacity: '30' });
    const page = await sa('POST', `/programs/${p.id}/sessions`,
      { body: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(page.status, 422, page.text.slice(0, 300));
    assert.match(page.text, /其他镇街的师资库/);
    assert.equal(await count(), 3);
    form.set('teacher_id', String(ownW.json.id));
    const ok = await sa('POST', `/programs/${p.id}/sessions`,
      { body: form.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(ok.status, 303, ok.text.slice(0, 300));
    assert.equal(await count(), 4);
  });

  test('classes-1.10 a teacher lists and opens the sessions it teaches, with names but no ID numbers', async () => {
    const mine = (await teacher('GET', '/api/v1/me/teaching')).json.id;
    const all = await teacher('GET', '/api/v1/sessions?from=2000-01-01&per_page=500');
    assert.equal(all.status, 200, all.text);
    const want = (await ca('GET', `/api/v1/sessions?teacher_id=${mine}&from=2000-01-01&per_page=500`)).json;
    assert.ok(want.total > 0, 'the demo teacher teaches');
    assert.equal(all.json.total, want.total);
    assert.ok(all.json.items.every((x) => x.teacher_id === mine), 'only its own sessions');
    // Another teacher's filter is nobody's for it; a township narrows.
    const other = (await ca('GET', '/api/v1/sessions?from=2000-01-01&per_page=500')).json.items.find((x) => x.teacher_id && x.teacher_id !== mine);
    assert.ok(other);
    assert.equal((await teacher('GET', `/api/v1/sessions?teacher_id=${other.teacher_id}&from=2000-01-01`)).json.total, 0);
    const byTown = (await teacher('GET', `/api/v1/sessions?township=${W}&from=2000-01-01&per_page=500`)).json;
    assert.ok(byTown.items.every((x) => x.teacher_id === mine && x.township_code === W));
    // Its own session: the record, its page and its list; another's is 404.
    const own = want.items[0];
    assert.equal((await teacher('GET', `/api/v1/sessions/${own.id}`)).status, 200);
    assertError(await teacher('GET', `/api/v1/sessions/${other.id}`), 404, 'not_found');
    const roster = await teacher('GET', `/api/v1/sessions/${own.id}/roster`);
    assert.equal(roster.status, 200, roster.text);
    for (const x of roster.json.items) {
      assert.ok(x.name);
      assert.ok(!('id_number_masked' in x) && !('id_number' in x), JSON.stringify(x));
    }
    assertError(await teacher('GET', `/api/v1/sessions/${other.id}/roster`), 404, 'not_found');
    const page = await teacher('GET', `/sessions/${own.id}`);
    assert.equal(page.status, 200, page.text.slice(0, 300));
    assert.match(page.text, /id="roster"/);
    assert.doesNotMatch(page.text, /\d{3}\*{4,}/, 'no ID number, not even masked');
    assert.doesNotMatch(page.text, /enrol-search|void-form|\/display"/, 'no admin forms or links');
    assert.equal((await teacher('GET', `/sessions/${other.id}`)).status, 404);
    // The list page: its own sessions, each a link to its page.
    const list = await teacher('GET', '/sessions?from=2000-01-01&per_page=500');
    assert.equal(list.status, 200);
    const ids = [...list.text.matchAll(/href="\/sessions\/(\d+)"/g)].map((m) => Number(m[1]));
    assert.ok(ids.length > 0 && ids.every((id) => want.items.some((x) => x.id === id)), JSON.stringify(ids.slice(0, 10)));
    assert.ok(!ids.includes(other.id));
    // The school admin's page still has the ID column and the forms.
    const adminPage = await sa('GET', `/sessions/${own.id}`);
    if (adminPage.status === 200) assert.match(adminPage.text, /enrol-search/);
  });

  test('classes-1.11 the session list honours school_id, within the caller\'s township', async () => {
    const all = (await ca('GET', '/api/v1/sessions?from=2000-01-01&per_page=1')).json.total;
    const w = await ca('GET', `/api/v1/sessions?school_id=${school.id}&from=2000-01-01&per_page=500`);
    assert.equal(w.status, 200, w.text);
    assert.ok(w.json.total > 0 && w.json.total < all, `${w.json.total} of ${all}`);
    assert.ok(w.json.items.every((x) => x.school_id === school.id));
    const o = await ca('GET', `/api/v1/sessions?school_id=${otherSchool.id}&from=2000-01-01&per_page=500`);
    assert.ok(o.json.items.every((x) => x.school_id === otherSchool.id));
    assert.equal(w.json.total + o.json.total <= all, true);
    // A school admin: its own school's, and nothing of another's.
    assert.equal((await sa('GET', `/api/v1/sessions?school_id=${school.id}&from=2000-01-01`)).json.total, w.json.total);
    assert.equal((await sa('GET', `/api/v1/sessions?school_id=${otherSchool.id}&from=2000-01-01`)).json.total, 0);
    assertError(await ca('GET', '/api/v1/sessions?school_id=abc'), 400, 'invalid_param', 'school_id');
    assertError(await ca('GET', '/api/v1/sessions?school_id=0'), 400, 'invalid_param', 'school_id');
    // The page counts the same.
    const page = await ca('GET', `/sessions?school_id=${school.id}&from=2000-01-01`);
    assert.equal(page.status, 200);
    const n = Number((/id="session-total">(\d+)/.exec(page.text) || [])[1]);
    assert.equal(n, w.json.total);
    assert.match(page.text, new RegExp(`name="school_id" value="${school.id}"`));
  });
});
