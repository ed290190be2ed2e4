// The county report (SPEC.md §4.3): a small county is built through the
// API on an empty database, and every figure of the report is checked
// against a count made by hand from what was recorded — for the county,
// for each township, and for a range that leaves sessions out. Then every
// figure the report page links is followed: the list it opens (through
// its API twin, with the page link's own period and township) counts
// exactly the figure. A second county checks the teacher ranking, the
// exact grade of a rating and the day's 学时 credited by session start.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, session, assertError } from './lib.mjs';

const A = '371723001';
const B = '371723002';
const PW = 'Report!Check2026';

// Valid IDs (GB 11643) from a birth date and a sequence number.
function idNumber(birth, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const d = '371723' + birth.replaceAll('-', '') + String(seq).padStart(3, '0');
  const s = [...d].reduce((a, c, i) => a + Number(c) * w[i], 0);
  return d + '10X98765432'[s % 11];
}

const KEYS = ['schools', 'function_rooms', 'teachers_county', 'teachers_township', 'schools_meeting_11n',
  'evaluations', 'evaluators', 'excellence_rate', 'excellent', 'excellence_too_few', 'from', 'to',
  'funds_allocated_fen', 'funds_spent_fen',
  'funds_spent_by_category', 'modules', 'courses_published', 'orders', 'themed_classes', 'routes', 'sites',
  'onsite_trainees', 'sessions_by_type', 'village_training', 'activities_by_type', 'skills', 'health_checks',
  'commendation_meetings', 'pioneer_orgs', 'pioneer_members', 'enterprises', 'talents', 'study_hours'];
const TYPES = ['weekly_lesson', 'weekend_lecture', 'village_cadre', 'themed_class', 'onsite', 'skills',
  'skills_outreach', 'talent_return'];
// Capabilities that do not exist yet: null, never 0.
const NOT_YET = ['funds_allocated_fen', 'funds_spent_fen', 'funds_spent_by_category', 'routes', 'sites',
  'onsite_trainees', 'activities_by_type', 'health_checks', 'commendation_meetings', 'pioneer_orgs',
  'pioneer_members', 'enterprises', 'talents'];

describe('county report', () => {
  let srv, admin, p1, p2;
  before(async () => {
    // An empty county: townships only. The pool minimum is 2 here, so
    // that one school meets it and one does not.
    srv = await startServer({ demo: false, env: { DANGXIAO_POOL_MIN_COUNTY_TEACHERS: '2' } });
    const add = async (name, args) => {
      const r = await srv.cli(['user', 'add', name, ...args], { input: PW + '\n' });
      assert.equal(r.code, 0, r.stderr);
    };
    await add('admin', ['--role', 'county_admin']);
    admin = await session(srv.base, 'admin', PW);
    const post = async (path, json) => {
      const r = await admin('POST', path, { json });
      assert.equal(r.status, 201, `${path}: ${r.text}`);
      return r.json;
    };
    // Schools, rooms: A has a classroom and 2 function rooms, B 1.
    const sa = await post('/api/v1/schools', { township_code: A, name: '文亭街道党校' });
    const sb = await post('/api/v1/schools', { township_code: B, name: '永昌街道党校' });
    const ra = await post(`/api/v1/schools/${sa.id}/rooms`, { name: '教室', kind: 'classroom' });
    await post(`/api/v1/schools/${sa.id}/rooms`, { name: '阅览室', kind: 'reading' });
    await post(`/api/v1/schools/${sa.id}/rooms`, { name: '健身房', kind: 'fitness' });
    const rb = await post(`/api/v1/schools/${sb.id}/rooms`, { name: '教室', kind: 'classroom' });
    await post(`/api/v1/schools/${sb.id}/rooms`, { name: '棋牌室', kind: 'chess' });
    // Teachers: T1 serves A and B, T2 serves A; one township teacher in A.
    const t1 = await post('/api/v1/teachers', { name: '甲老师', level: 'county', modules: ['politics'], school_ids: [sa.id, sb.id] });
    await post('/api/v1/teachers', { name: '乙老师', level: 'county', modules: ['health'], school_ids: [sa.id] });
    await post('/api/v1/teachers', { name: '丙老师', level: 'township', township_code: A, school_ids: [sa.id] });
    // Courses: 3, of which 2 published.
    const c1 = await post('/api/v1/courses', { title: '党章学习', module_code: 'politics', hours: 2, format: 'lecture', teacher_ids: [t1.id], published: true });
    const c2 = await post('/api/v1/courses', { title: '急救常识', module_code: 'health', hours: 2, format: 'lecture', published: true });
    await post('/api/v1/courses', { title: '草稿课程', module_code: 'theory', hours: 1, format: 'seminar' });
    // Villages and people: P1 member (A, V2), P2 村两委 member (A, V1),
    // P3 exempt member (B), P4 not a member (B).
    const v1 = await post('/api/v1/villages', { code: '371723001901', name: '张庄村', township_code: A });
    const v2 = await post('/api/v1/villages', { code: '371723001902', name: '李楼村', township_code: A });
    const person = (name, seq, township, over) => post('/api/v1/people', {
      name, id_number: idNumber('1970-01-01', seq), political_status: 'member', township_code: township, ...over,
    });
    const P1 = await person('赵一', 1, A, { village_code: v2.code });
    const P2 = await person('钱二', 2, A, { village_code: v1.code, flags: ['village_committee'] });
    const P3 = await person('孙三', 3, B, { flags: ['exempt'] });
    const P4 = await person('李四', 4, B, { political_status: 'masses' });
    // Programs and sessions (China time).
    const program = (type, school, title) => post('/api/v1/programs', { type, school_id: school.id, title, from: '2026-01-01', to: '2026-12-31' });
    const sess = (prog, day, hours, over = {}) => post('/api/v1/sessions', {
      program_id: prog.id, course_id: c1.id, starts_at: `${day}T09:00`, ends_at: `${day}T18:00`, hours, capacity: 50,
      room_id: prog.room, ...over,
    });
    const weekly = { ...(await program('weekly_lesson', sa, '每周一课')), room: ra.id };
    const cadre = { ...(await program('village_cadre', sa, '村两委培训')), room: ra.id };
    const themed = { ...(await program('themed_class', sa, '主题班')), room: ra.id };
    const skills = { ...(await program('skills', sb, '技能培训')), room: rb.id };
    const outreach = await program('skills_outreach', sb, '送技到村');
    // The weekly lessons are taught by T1; the other sessions name no
    // teacher (their ratings count, but rank nobody).
    const S1 = await sess(weekly, '2026-03-10', 2, { teacher_id: t1.id });
    const S2 = await sess(weekly, '2026-03-17', 1.5, { teacher_id: t1.id });
    const S6 = await sess(weekly, '2025-12-20', 2, { teacher_id: t1.id }); // outside 2026
    const S3 = await sess(cadre, '2026-04-01', 3);
    const days = ['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04'];
    const S7 = [];
    for (const d of days) S7.push(await sess(themed, d, 8));
    const S11 = await sess(themed, '2026-05-04', 2, { starts_at: '2026-05-04T19:00', ends_at: '2026-05-04T21:00' });
    const S4 = await sess(skills, '2026-06-01', 2);
    const S5 = await sess(outreach, '2026-06-02', 2, { place: '田间地头' });
    // Attendance, ticked by the admin.
    const tick = async (s, p) => {
      const r = await admin('POST', `/api/v1/sessions/${s.id}/attendance`, { json: { person_id: p.id } });
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    for (const [s, ps] of [[S1, [P1, P2]], [S2, [P1]], [S6, [P1]], [S3, [P2]], [S4, [P3, P4]], [S5, [P3]]])
      for (const p of ps) await tick(s, p);
    for (const s of S7) assert.equal((await tick(s, P1)).minutes, 480);
    // 8 学时 were credited on 4 May already: the evening session adds 0.
    assert.equal((await tick(S11, P1)).minutes, 0);
    // Ratings by P1 and P2 through their own accounts.
    await add('trainee1', ['--role', 'trainee', '--township', A, '--person', String(P1.id)]);
    await add('trainee2', ['--role', 'trainee', '--township', A, '--person', String(P2.id)]);
    p1 = await session(srv.base, 'trainee1', PW);
    p2 = await session(srv.base, 'trainee2', PW);
    const rate = async (as, s, v) => {
      const r = await as('POST', `/api/v1/sessions/${s.id}/evaluations`,
        { json: { scores: { content: v, method: v, effect: v, attitude: v } } });
      assert.equal(r.status, 201, r.text);
      return r.json.grade;
    };
    assert.equal(await rate(p1, S1, 95), 'excellent');
    assert.equal(await rate(p1, S2, 85), 'good');
    assert.equal(await rate(p1, S7[0], 90), 'excellent');
    assert.equal(await rate(p2, S1, 70), 'pass');
    // Course orders, placed today: P1 one, P2 two, one of them declined.
    const order = async (as, c) => {
      const r = await as('POST', '/api/v1/orders', { json: { course_id: c.id } });
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    await order(p1, c1);
    await order(p2, c1);
    const o3 = await order(p2, c2);
    const d = await admin('POST', `/api/v1/orders/${o3.id}/decline`, { json: { reason: '本季度已安排' } });
    assert.equal(d.status, 204, d.text);
  });
  after(async () => { if (srv) await srv.stop(); });

  // "Today" and this year, China time: the orders were placed today.
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const thisYear = today.slice(0, 4);
  const report = async (q) => {
    const r = await admin('GET', `/api/v1/reports/county?${q}`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  const zero = { sessions: 0, person_times: 0, persons: 0 };

  test('report-1.1 the county in 2026, every figure by hand', async () => {
    const r = await report('from=2026-01-01&to=2026-12-31');
    assert.deepEqual(Object.keys(r).sort(), [...KEYS].sort());
    for (const k of NOT_YET) assert.equal(r[k], null, k);
    assert.equal(r.schools, 2);
    assert.equal(r.function_rooms, 3);
    assert.equal(r.teachers_county, 2);
    assert.equal(r.teachers_township, 1);
    assert.equal(r.schools_meeting_11n, 1);
    assert.equal(r.modules, 6);
    assert.equal(r.courses_published, 2);
    assert.equal(r.evaluations, 4);
    assert.equal(r.evaluators, 2);
    assert.equal(r.excellence_rate, 0.5);
    // Four ratings: the rate carries its count and says they are too few.
    assert.equal(r.excellent, 2);
    assert.equal(r.excellence_too_few, true);
    assert.equal(r.themed_classes, 1);
    assert.equal(r.orders, thisYear === '2026' ? 3 : 0); // placed today
    assert.equal(r.from, '2026-01-01');
    assert.equal(r.to, '2026-12-31');
    assert.deepEqual(Object.keys(r.sessions_by_type).sort(), [...TYPES].sort());
    assert.deepEqual(r.sessions_by_type, {
      weekly_lesson: { sessions: 2, person_times: 3, persons: 2 },
      weekend_lecture: zero,
      village_cadre: { sessions: 1, person_times: 1, persons: 1 },
      themed_class: { sessions: 5, person_times: 5, persons: 1 },
      onsite: zero,
      skills: { sessions: 1, person_times: 2, persons: 2 },
      skills_outreach: { sessions: 1, person_times: 1, persons: 1 },
      talent_return: zero,
    });
    assert.deepEqual(r.village_training, { villages_covered: 1, persons: 1, exam_pass_rate: null });
    assert.deepEqual(r.skills, { sessions: 1, person_times: 2, outreach_sessions: 1, outreach_person_times: 1,
      employed: null, income_gain_fen: null });
    // P1: 120 + 90 + 4 × 480 (+ 0 capped) = 2130 minutes ≥ 32 学时; P2, a
    // cadre, 300 minutes < 56; P3 is exempt and P4 not a member.
    assert.deepEqual(r.study_hours, { persons_meeting_target: 1, persons_total: 2, year: 2026 });
  });

  test('report-1.2 each township on its own', async () => {
    const a = await report(`from=2026-01-01&to=2026-12-31&township=${A}`);
    assert.equal(a.schools, 1);
    assert.equal(a.function_rooms, 2);
    assert.equal(a.teachers_county, 2);
    assert.equal(a.teachers_township, 1);
    assert.equal(a.schools_meeting_11n, 1);
    assert.equal(a.evaluations, 4);
    assert.equal(a.excellence_rate, 0.5);
    assert.deepEqual(a.sessions_by_type.skills, zero);
    assert.deepEqual(a.study_hours, { persons_meeting_target: 1, persons_total: 2, year: 2026 });
    const b = await report(`from=2026-01-01&to=2026-12-31&township=${B}`);
    assert.equal(b.schools, 1);
    assert.equal(b.function_rooms, 1);
    assert.equal(b.teachers_county, 1);
    assert.equal(b.teachers_township, 0);
    assert.equal(b.schools_meeting_11n, 0);
    assert.equal(b.evaluations, 0);
    assert.equal(b.excellence_rate, null);
    assert.equal(b.excellent, 0);
    assert.equal(b.excellence_too_few, true);
    assert.equal(b.orders, 0);
    assert.deepEqual(b.sessions_by_type.skills, { sessions: 1, person_times: 2, persons: 2 });
    assert.deepEqual(b.village_training, { villages_covered: 0, persons: 0, exam_pass_rate: null });
    assert.deepEqual(b.study_hours, { persons_meeting_target: 0, persons_total: 0, year: 2026 });
  });

  test('report-1.3 a range leaves out what happened outside it', async () => {
    const dec = await report('from=2025-12-01&to=2025-12-31');
    assert.deepEqual(dec.sessions_by_type.weekly_lesson, { sessions: 1, person_times: 1, persons: 1 });
    assert.deepEqual(dec.sessions_by_type.themed_class, zero);
    assert.equal(dec.evaluations, 0);
    assert.equal(dec.study_hours.year, 2025);
    assert.equal(dec.study_hours.persons_meeting_target, 0);
    const march = await report('from=2026-03-01&to=2026-03-31');
    assert.deepEqual(march.sessions_by_type.weekly_lesson, { sessions: 2, person_times: 3, persons: 2 });
    assert.equal(march.evaluations, 3); // S1 twice, S2 once
    assert.equal(march.evaluators, 2);
    assert.equal(march.orders, 0);
    assert.equal(march.themed_classes, 0);
    assert.equal(march.village_training.villages_covered, 0);
  });

  test('report-1.15 the study-hours figures and their list follow a change of flags at once', async () => {
    // Counted once, the figures are kept between requests; a write to a
    // member's flags must show on the next one, on either database.
    const sun = (await admin('GET', `/api/v1/people?q=${encodeURIComponent('孙三')}`)).json.items[0];
    const hours = async (q) => {
      const r = await admin('GET', `/api/v1/hours/behind?year=2026&${q}`);
      assert.equal(r.status, 200, r.text);
      return r.json;
    };
    const flags = async (f) => {
      const r = await admin('PATCH', `/api/v1/people/${sun.id}`, { json: { flags: f } });
      assert.equal(r.status, 200, r.text);
    };
    for (const [f, county, b] of [[[], 3, 1], [['exempt'], 2, 0]]) {
      await report('from=2026-01-01&to=2026-12-31'); // counted and kept
      await flags(f);
      const r = await report('from=2026-01-01&to=2026-12-31');
      assert.deepEqual(r.study_hours, { persons_meeting_target: 1, persons_total: county, year: 2026 });
      const rb = await report(`from=2026-01-01&to=2026-12-31&township=${B}`);
      assert.equal(rb.study_hours.persons_total, b);
      const l = await hours(`township=${B}`);
      assert.equal(l.persons_total, b);
      assert.equal(l.total, b);
      assert.deepEqual(l.items.map((x) => x.person_id), b ? [sun.id] : []);
    }
  });

  test('report-1.7 one default period everywhere: the calendar year to date, China time', async () => {
    const r = await report('');
    assert.equal(r.from, `${thisYear}-01-01`);
    assert.equal(r.to, today);
    assert.deepEqual(r, await report(`from=${thisYear}-01-01&to=${today}`));
    // The page shows that period and its links carry it.
    const page = await admin('GET', '/report');
    assert.equal(page.status, 200);
    assert.match(page.text, new RegExp(`name="from" value="${thisYear}-01-01"`));
    assert.match(page.text, new RegExp(`name="to" value="${today}"`));
    const link = [...page.text.matchAll(/href="(\/sessions\?[^"]*)"/g)][0][1].replaceAll('&amp;', '&');
    const u = new URL(link, srv.base);
    assert.equal(u.searchParams.get('from'), `${thisYear}-01-01`);
    assert.equal(u.searchParams.get('to'), today);
    // The lists the figures open default the same way.
    const o = await admin('GET', '/api/v1/orders');
    assert.equal(o.json.from, `${thisYear}-01-01`);
    assert.equal(o.json.to, today);
    assert.equal(o.json.placed, r.orders);
    const t = await admin('GET', '/api/v1/teachers/ranking');
    assert.equal(t.json.evaluations, r.evaluations);
    const v = await admin('GET', '/api/v1/reports/county/villages');
    assert.equal(v.json.total, r.village_training.villages_covered);
  });

  // Each figure the page links, with what its list's API twin counts.
  const twins = {
    '/schools': ['/api/v1/schools', (j) => j.total],
    '/rooms': ['/api/v1/rooms', (j) => j.total],
    '/teachers': ['/api/v1/teachers', (j) => j.total],
    '/programs': ['/api/v1/programs', (j) => j.total],
    '/orders': ['/api/v1/orders', (j) => j.placed],
    '/report/villages': ['/api/v1/reports/county/villages', (j) => j.total],
    '/hours': ['/api/v1/hours/behind', (j) => j.total],
  };
  const sessionKey = { 'village-persons': 'persons' };
  const rankingKey = { evaluations: 'evaluations', evaluators: 'evaluators', excellence: 'excellence_rate' };
  // The figure's value in the report (id as on the page).
  const valueOf = (r, id) => ({
    schools: r.schools, 'function-rooms': r.function_rooms, 'schools-11n': r.schools_meeting_11n,
    'teachers-county': r.teachers_county, 'teachers-township': r.teachers_township, modules: r.modules,
    courses: r.courses_published, orders: r.orders, 'themed-classes': r.themed_classes,
    'villages-covered': r.village_training.villages_covered, 'village-persons': r.village_training.persons,
    evaluations: r.evaluations, evaluators: r.evaluators, excellence: r.excellence_rate,
    'skills-sessions': r.skills.sessions, 'skills-outreach': r.skills.outreach_sessions,
    'hours-meeting': r.study_hours.persons_meeting_target, 'hours-bound': r.study_hours.persons_total,
  })[id];
  // What the list behind a page link counts for figure id.
  const twin = async (href, id) => {
    const u = new URL(href, srv.base);
    const q = u.searchParams.toString();
    const get = async (p) => {
      const res = await admin('GET', `${p}${q ? '?' + q : ''}`);
      assert.equal(res.status, 200, `${p}?${q}: ${res.text}`);
      return res.json;
    };
    if (u.pathname === '/courses')
      return u.searchParams.get('published') === '1' ? (await get('/api/v1/courses')).total
        : (await admin('GET', '/api/v1/modules')).json.total;
    if (u.pathname === '/teachers/ranking') return (await get('/api/v1/teachers/ranking'))[rankingKey[id]];
    if (u.pathname === '/sessions') return (await get('/api/v1/sessions'))[sessionKey[id] || 'total'];
    const [api, pick] = twins[u.pathname] || [];
    assert.ok(api, `a twin for ${u.pathname}`);
    return pick(await get(api));
  };

  for (const [n, scope, what] of [
    ['1.8', 'from=2026-01-01&to=2026-12-31', 'the county in 2026'],
    ['1.9', `from=2026-01-01&to=2026-12-31&township=${A}`, 'township A'],
    ['1.10', `from=2026-01-01&to=2026-12-31&township=${B}`, 'township B'],
    ['1.11', 'from=2026-03-01&to=2026-03-31', 'March 2026, which leaves most records out'],
    ['1.12', 'from=2025-12-01&to=2025-12-31', 'December 2025'],
    ['1.13', '', 'the default period'],
  ]) {
    test(`report-${n} every linked figure counts what its link opens: ${what}`, async () => {
      const r = await report(scope);
      const page = await admin('GET', `/report${scope ? '?' + scope : ''}`);
      assert.equal(page.status, 200);
      // Valid UTF-8 (no heap bytes), and every href parses.
      const raw = Buffer.from(await (await fetch(`${srv.base}/report${scope ? '?' + scope : ''}`,
        { headers: { Cookie: admin.cookie } })).arrayBuffer());
      assert.doesNotThrow(() => new TextDecoder('utf-8', { fatal: true }).decode(raw));
      for (const [, h] of page.text.matchAll(/href="([^"]*)"/g)) {
        assert.doesNotMatch(h, /[\x00-\x1f\x7f-\x9f]|\?$|\?&/, `href ${h}`);
        assert.doesNotThrow(() => new URL(h.replaceAll('&amp;', '&'), srv.base), h);
      }
      const figs = [...page.text.matchAll(/<div class="figure[^"]*" id="fig-([a-z0-9-]+)"(?: data-count="(\d+)")?>.*?<\/div>/g)];
      assert.ok(figs.length >= 25, `${figs.length} figures`);
      let linked = 0;
      for (const [div, id, count] of figs) {
        const a = div.match(/<a href="([^"]*)">(.*?)<\/a>/);
        const want = valueOf(r, id);
        if (!a) {
          assert.ok(want === undefined || want === null, `${id}: a counted figure links its records`);
          continue;
        }
        assert.notEqual(want, null, `${id}: a null figure has no records to link`);
        linked++;
        const href = a[1].replaceAll('&amp;', '&');
        if (Number.isInteger(want)) {
          // The exact count, and the card's text: 2.9万 from 10,000 up.
          assert.equal(Number(count), want, `${id} on the page`);
          assert.equal(a[2].replace(/<[^>]*>/g, ''), want >= 10000 ? `${(want / 10000).toFixed(1)}万` : String(want), `${id}'s card`);
        }
        // The link carries the page's period and township where its list
        // takes them.
        const u = new URL(href, srv.base);
        const sp = new URLSearchParams(scope);
        for (const k of ['from', 'to'])
          if (u.searchParams.has(k)) assert.equal(u.searchParams.get(k), sp.get(k) || r[k], `${id} ${k}`);
        if (u.pathname !== '/courses') // the catalog is the county's
          assert.equal(u.searchParams.get('township'), sp.get('township'), `${id} township`);
        assert.equal(await twin(href, id), want, `${id}: ${href}`);
      }
      assert.equal(linked, r.excellence_rate === null ? 17 : 18);
      // The training table: each type's three figures open its sessions.
      const rows = [...page.text.matchAll(/<tr data-type="([a-z_]+)">(.*?)<\/tr>/g)];
      assert.equal(rows.length, 8);
      for (const [, type, row] of rows) {
        const cells = [...row.matchAll(/data-key="([a-z_]+)"><a href="([^"]*)">(\d+)<\/a>/g)];
        assert.equal(cells.length, 3);
        for (const [, key, href, v] of cells) {
          assert.equal(Number(v), r.sessions_by_type[type][key], `${type} ${key}`);
          const j = (await admin('GET', '/api/v1/sessions?' + new URL(href.replaceAll('&amp;', '&'), srv.base).searchParams)).json;
          assert.equal(key === 'sessions' ? j.total : j[key], Number(v), `${type} ${key}: ${href}`);
        }
      }
    });
  }

  test('report-1.14 who may open the lists the figures open: admins, a school admin its own township', async () => {
    // (The schools list is open to every business role, as before.)
    const lists = ['/api/v1/rooms?function=1', '/api/v1/reports/county/villages', '/api/v1/teachers/ranking',
      '/api/v1/orders', '/api/v1/hours/behind?status=meeting'];
    await srv.cli(['user', 'add', 'admin_a', '--role', 'school_admin', '--township', A], { input: PW + '\n' });
    const sa = await session(srv.base, 'admin_a', PW);
    for (const l of lists) {
      assert.equal((await admin('GET', l)).status, 200, l);
      const mine = await sa('GET', l);
      assert.equal(mine.status, 200, l);
      const sep = l.includes('?') ? '&' : '?';
      assertError(await sa('GET', `${l}${sep}township=${B}`), 403, 'forbidden_township');
      assertError(await p1('GET', l), 403, 'forbidden');
      assert.equal((await fetch(srv.base + l)).status, 401, l);
    }
    // A school admin's lists are its township's: the rooms of A, its
    // covered villages, its ranking.
    assert.deepEqual((await sa('GET', '/api/v1/rooms?function=1')).json.items.map((x) => x.township_code), [A, A]);
    assert.equal((await sa('GET', '/api/v1/reports/county/villages?from=2026-01-01&to=2026-12-31')).json.total, 1);
    assertError(await admin('GET', '/api/v1/rooms?function=2'), 400, 'invalid_param', 'function');
    assertError(await admin('GET', '/api/v1/schools?pool=some'), 400, 'invalid_param', 'pool');
    assertError(await admin('GET', '/api/v1/hours/behind?status=best'), 400, 'invalid_param', 'status');
    assertError(await admin('GET', '/api/v1/reports/county/villages?to=2026-99-01'), 400, 'invalid_param', 'to');
    for (const page of ['/rooms', '/report/villages', '/teachers/ranking', '/orders'])
      assert.equal((await p1('GET', page)).status, 403, page);
    // The function rooms are rooms of the function kinds: no classroom.
    const kinds = (await admin('GET', '/api/v1/rooms?function=1')).json.items.map((x) => x.kind).sort();
    assert.deepEqual(kinds, ['chess', 'fitness', 'reading']);
    assert.equal((await admin('GET', '/api/v1/rooms')).json.total, 5);
  });

  test('report-1.5 the report as .xlsx: every figure a row, in Chinese, nulls as 未记录', async () => {
    const r = await fetch(srv.base + '/api/v1/reports/county.xlsx?from=2026-01-01&to=2026-12-31',
      { headers: { Cookie: admin.cookie } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /spreadsheetml/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dx-report-'));
    try {
      fs.writeFileSync(path.join(dir, 'r.xlsx'), Buffer.from(await r.arrayBuffer()));
      execFileSync('unzip', ['-q', 'r.xlsx', '-d', 'x'], { cwd: dir });
      const strings = fs.readFileSync(path.join(dir, 'x/xl/sharedStrings.xml'), 'utf8');
      for (const text of ['统计期间', '2026-01-01 至 2026-12-31', '优秀率', '50.0%', '培训开展 · 每周一课 · 人次',
        '学时 · 学时达标党员', '未记录'])
        assert.ok(strings.includes(text), `${text} is in the sheet`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assertError(await admin('GET', '/api/v1/reports/county.xlsx?from=nope'), 400, 'invalid_param', 'from');
    assertError(await p1('GET', '/api/v1/reports/county.xlsx'), 403, 'forbidden');
  });

  test('report-1.6 the annual plan in batches: planned beside held, counted from the sessions', async () => {
    const school = (await admin('GET', `/api/v1/schools?township=${A}`)).json.items[0];
    const plan = {
      school_id: school.id, year: 2026, title: '2026年度培训计划',
      batches: [
        { batch: 1, type: 'weekly_lesson', from: '2026-03-01', to: '2026-03-31', sessions: 4, persons: 10 },
        { batch: 2, type: 'themed_class', from: '2026-05-01', to: '2026-05-31', sessions: 1, persons: 30 },
      ],
    };
    const r = await admin('POST', '/api/v1/plans', { json: plan });
    assert.equal(r.status, 201, r.text);
    // March: S1 and S2 held, attended by P1 and P2; May: the 5 sessions of
    // the themed class, attended by P1 alone.
    assert.deepEqual(r.json.batches.map((b) => [b.batch, b.planned_sessions, b.held_sessions, b.planned_persons, b.held_persons]),
      [[1, 4, 2, 10, 2], [2, 1, 5, 30, 1]]);
    const found = await admin('GET', `/api/v1/plans?school_id=${school.id}&year=2026`);
    assert.equal(found.json.id, r.json.id);
    assert.deepEqual((await admin('GET', `/api/v1/plans/${r.json.id}`)).json, found.json);
    assertError(await admin('POST', '/api/v1/plans', { json: plan }), 409, 'conflict', 'year');
    const bad = (over) => admin('POST', '/api/v1/plans', { json: { ...plan, year: 2027, ...over } });
    assertError(await bad({}), 422, 'invalid_field', 'batches'); // 2026 dates in a 2027 plan
    assertError(await bad({ batches: [] }), 422, 'invalid_field', 'batches');
    assertError(await bad({ batches: [{ ...plan.batches[0], type: 'party', from: '2027-03-01', to: '2027-03-31' }] }),
      422, 'invalid_field', 'batches');
    assertError(await bad({ batches: [{ ...plan.batches[0], from: '2027-03-31', to: '2027-03-01' }] }),
      422, 'invalid_field', 'batches');
    assertError(await bad({ batches: [{ ...plan.batches[0], sessions: -1, from: '2027-03-01', to: '2027-03-31' }] }),
      422, 'invalid_field', 'sessions');
    assertError(await admin('GET', `/api/v1/plans?school_id=${school.id}&year=2027`), 404, 'not_found');
    assertError(await admin('GET', '/api/v1/plans'), 400, 'invalid_param', 'school_id');
    assertError(await p1('GET', `/api/v1/plans/${r.json.id}`), 403, 'forbidden');
  });

  test('report-1.4 bad ranges and scopes are 4xx', async () => {
    assertError(await admin('GET', '/api/v1/reports/county?from=2026-13-01'), 400, 'invalid_param', 'from');
    assertError(await admin('GET', '/api/v1/reports/county?from=2026-03-01&to=2026-02-01'), 400, 'invalid_param', 'to');
    assertError(await p1('GET', '/api/v1/reports/county'), 403, 'forbidden');
    assertError(await admin('GET', '/api/v1/reports/county?township=999999999'), 400, 'invalid_param', 'township');
  });
});

describe('teacher ranking, exact grades, the day credited by session start', () => {
  let srv, admin, sa, sb, trainee, T1, T2, T3, S, raters;
  before(async () => {
    srv = await startServer({ demo: false });
    const add = async (name, args) => {
      const r = await srv.cli(['user', 'add', name, ...args], { input: PW + '\n' });
      assert.equal(r.code, 0, r.stderr);
    };
    await add('admin', ['--role', 'county_admin']);
    await add('admin_a', ['--role', 'school_admin', '--township', A]);
    await add('admin_b', ['--role', 'school_admin', '--township', B]);
    [admin, sa, sb] = await Promise.all(['admin', 'admin_a', 'admin_b'].map((u) => session(srv.base, u, PW)));
    const post = async (p, json, as = admin) => {
      const r = await as('POST', p, { json });
      assert.equal(r.status, 201, `${p}: ${r.text}`);
      return r.json;
    };
    const sch = await post('/api/v1/schools', { township_code: A, name: '文亭街道党校' });
    const schB = await post('/api/v1/schools', { township_code: B, name: '永昌街道党校' });
    const room = await post(`/api/v1/schools/${sch.id}/rooms`, { name: '教室', kind: 'classroom' });
    const roomB = await post(`/api/v1/schools/${schB.id}/rooms`, { name: '教室', kind: 'classroom' });
    // T1 teaches politics to many, T2 health to one, T3 in B only.
    T1 = await post('/api/v1/teachers', { name: '甲老师', level: 'county', modules: ['politics'], school_ids: [sch.id, schB.id] });
    T2 = await post('/api/v1/teachers', { name: '乙老师', level: 'county', modules: ['health'], school_ids: [sch.id] });
    T3 = await post('/api/v1/teachers', { name: '丙老师', level: 'county', modules: ['politics'], school_ids: [schB.id] });
    const c1 = await post('/api/v1/courses', { title: '党章学习', module_code: 'politics', hours: 2, format: 'lecture', published: true });
    const c2 = await post('/api/v1/courses', { title: '急救常识', module_code: 'health', hours: 2, format: 'lecture', published: true });
    const prog = await post('/api/v1/programs', { type: 'weekly_lesson', school_id: sch.id, title: '每周一课', from: '2026-01-01', to: '2026-12-31' });
    const progB = await post('/api/v1/programs', { type: 'weekly_lesson', school_id: schB.id, title: '每周一课', from: '2026-01-01', to: '2026-12-31' });
    const sess = (p, r, course, teacher, day, from, to, hours) => post('/api/v1/sessions', {
      program_id: p.id, room_id: r.id, course_id: course.id, teacher_id: teacher.id,
      starts_at: `${day}T${from}`, ends_at: `${day}T${to}`, hours, capacity: 50 });
    S = {
      t1: await sess(prog, room, c1, T1, '2026-04-01', '09:00', '11:00', 2),
      t2: await sess(prog, room, c2, T2, '2026-04-02', '09:00', '11:00', 2),
      t3: await sess(progB, roomB, c1, T3, '2026-04-03', '09:00', '11:00', 2),
      // One China day, 8 May: an evening session, and a full day before it.
      evening: await sess(prog, room, c1, T1, '2026-05-08', '19:00', '21:00', 2),
      day: await sess(prog, room, c1, T1, '2026-05-08', '09:00', '18:00', 8),
    };
    // Twelve members of A, each with an account, attend T1's session.
    raters = [];
    for (let i = 0; i < 12; i++) {
      const p = await post('/api/v1/people', { name: `学员${i}`, id_number: idNumber('1980-02-02', 100 + i),
        political_status: 'member', township_code: A });
      await add(`rater${i}`, ['--role', 'trainee', '--township', A, '--person', String(p.id)]);
      raters.push({ person: p, as: await session(srv.base, `rater${i}`, PW) });
    }
    const tick = async (s, p) => {
      const r = await admin('POST', `/api/v1/sessions/${s.id}/attendance`, { json: { person_id: p.id } });
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    const rate = async (as, s, scores) => {
      const r = await as('POST', `/api/v1/sessions/${s.id}/evaluations`, { json: { scores } });
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    const all = (v) => ({ content: v, method: v, effect: v, attitude: v });
    // T1: twelve ratings of 85 (良好); T2: one lucky 100; T3, in B: one 90.
    for (const x of raters) {
      await tick(S.t1, x.person);
      assert.equal((await rate(x.as, S.t1, all(85))).grade, 'good');
    }
    await tick(S.t2, raters[0].person);
    assert.equal((await rate(raters[0].as, S.t2, all(100))).grade, 'excellent');
    await tick(S.t3, raters[1].person);
    // 89.95 is 良好: 90·30 + 90·25 + 89·25 + 91·20 = 8995 hundredths.
    const g = await rate(raters[1].as, S.t3, { content: 90, method: 90, effect: 89, attitude: 91 });
    assert.equal(g.total, 89.95);
    assert.equal(g.grade, 'good');
    trainee = raters[2];
  });
  after(async () => { if (srv) await srv.stop(); });

  const ranking = async (as, q = '') => {
    const r = await as('GET', `/api/v1/teachers/ranking?from=2026-01-01&to=2026-12-31${q}`);
    assert.equal(r.status, 200, r.text);
    return r.json;
  };

  test('report-2.1 the ranking: shrunk mean, and few ratings never ranked above many', async () => {
    const r = await ranking(admin);
    assert.equal(r.evaluations, 14);
    assert.equal(r.evaluators, 12);
    assert.equal(r.excellent, 1);
    assert.equal(r.without_teacher, 0);
    assert.equal(r.min_ratings, 10);
    assert.deepEqual(r.items.map((x) => [x.teacher_id, x.rank, x.evaluations, x.too_few]),
      [[T1.id, 1, 12, false], [T2.id, null, 1, true], [T3.id, null, 1, true]]);
    const [t1, t2] = r.items;
    assert.equal(t1.mean, 85);
    assert.equal(t1.excellence_rate, 0);
    // T2's one 100 is worth more than T1's mean, shrunk, yet T2 is below.
    assert.ok(t2.mean > t1.mean && t2.ranked_mean < t2.mean);
    assert.equal(t2.excellence_rate, null);
    // The overall mean is the prior: (12·85 + 100 + 89.95) / 14.
    const prior = (12 * 85 + 100 + 89.95) / 14;
    assert.ok(Math.abs(t2.ranked_mean - (100 + 10 * prior) / 11) < 1e-9, String(t2.ranked_mean));
    // The report counts the same evaluations.
    const rep = (await admin('GET', '/api/v1/reports/county?from=2026-01-01&to=2026-12-31')).json;
    assert.equal(rep.evaluations, r.evaluations);
    assert.equal(rep.evaluators, r.evaluators);
    assert.equal(rep.excellent, r.excellent);
    assert.equal(rep.excellence_too_few, false);
    // Per module: health is T2's alone; a period without ratings is empty.
    const h = await ranking(admin, '&module=health');
    assert.deepEqual(h.items.map((x) => x.teacher_id), [T2.id]);
    assert.equal(h.evaluations, 1);
    const none = await admin('GET', '/api/v1/teachers/ranking?from=2025-01-01&to=2025-12-31');
    assert.deepEqual([none.json.total, none.json.evaluations, none.json.excellence_rate], [0, 0, null]);
    // Paged like every list, with the totals of all of it.
    const p2 = await ranking(admin, '&per_page=1&page=2');
    assert.deepEqual([p2.total, p2.items.length, p2.items[0].teacher_id, p2.evaluations], [3, 1, T2.id, 14]);
  });

  test('report-2.2 the ranking by township: a school admin its own sessions, nobody else', async () => {
    const a = await ranking(sa);
    assert.deepEqual(a.items.map((x) => x.teacher_id), [T1.id, T2.id]);
    assert.equal(a.evaluations, 13);
    assert.deepEqual(await ranking(admin, `&township=${A}`), a);
    const b = await ranking(sb);
    assert.deepEqual(b.items.map((x) => [x.teacher_id, x.too_few]), [[T3.id, true]]);
    assertError(await sa('GET', `/api/v1/teachers/ranking?township=${B}`), 403, 'forbidden_township');
    assertError(await trainee.as('GET', '/api/v1/teachers/ranking'), 403, 'forbidden');
    assertError(await admin('GET', '/api/v1/teachers/ranking?module=nope'), 400, 'invalid_param', 'module');
    assertError(await admin('GET', '/api/v1/teachers/ranking?from=2026-02-30'), 400, 'invalid_param', 'from');
    assertError(await admin('GET', '/api/v1/teachers/ranking?township=999999999'), 400, 'invalid_param', 'township');
    const anon = await fetch(`${srv.base}/api/v1/teachers/ranking`);
    assert.equal(anon.status, 401);
    // The page: ranked first, the few flagged and unranked.
    const page = await admin('GET', '/teachers/ranking?from=2026-01-01&to=2026-12-31');
    assert.equal(page.status, 200);
    assert.match(page.text, /id="ranking-total">14</);
    assert.equal([...page.text.matchAll(/<tr class="too-few">/g)].length, 2);
    assert.equal((await trainee.as('GET', '/teachers/ranking')).status, 403);
  });

  test('report-2.3 a day is credited in order of session start, whatever the order of check-in', async () => {
    const p = raters[3].person;
    const tick = async (s) => (await admin('POST', `/api/v1/sessions/${s.id}/attendance`, { json: { person_id: p.id } })).json;
    // The evening is ticked first and gets its 2 学时 for now ...
    assert.equal((await tick(S.evening)).minutes, 120);
    // ... then the full day that started earlier takes its 8, and the
    // evening, credited again, has nothing left under the cap.
    const d = await tick(S.day);
    assert.equal(d.minutes, 480);
    assert.equal(d.rule, 'hour60-cap8');
    // 8 学时 on 8 May, and the 2 of T1's lesson on 1 April.
    const h = await admin('GET', `/api/v1/people/${p.id}/hours?year=2026`);
    assert.equal(h.json.concentrated_minutes, 480 + 120);
    assert.equal(h.json.rule, 'hour60-cap8');
    // Ticked the other way round, another person gets the same.
    const q = raters[4].person;
    const t2 = async (s) => (await admin('POST', `/api/v1/sessions/${s.id}/attendance`, { json: { person_id: q.id } })).json;
    assert.equal((await t2(S.day)).minutes, 480);
    assert.equal((await t2(S.evening)).minutes, 0);
    assert.equal((await admin('GET', `/api/v1/people/${q.id}/hours?year=2026`)).json.concentrated_minutes, 480 + 120);
  });

  test('report-2.4 a session carries no more 学时 than its length counts', async () => {
    const prog = (await admin('GET', '/api/v1/programs')).json.items.find((x) => x.township_code === A);
    const room = (await admin('GET', `/api/v1/schools/${prog.school_id}/rooms`)).json.items[0];
    const body = { program_id: prog.id, room_id: room.id, starts_at: '2026-06-01T09:00', ends_at: '2026-06-01T10:00',
      capacity: 10 };
    assertError(await admin('POST', '/api/v1/sessions', { json: { ...body, hours: 8 } }), 422, 'invalid_field', 'hours');
    assertError(await admin('POST', '/api/v1/sessions', { json: { ...body, hours: 1.5 } }), 422, 'invalid_field', 'hours');
    assert.equal((await admin('POST', '/api/v1/sessions', { json: { ...body, hours: 1 } })).status, 201);
    // Half a day counts 4, a day 8.
    assert.equal((await admin('POST', '/api/v1/sessions',
      { json: { ...body, starts_at: '2026-06-02T08:30', ends_at: '2026-06-02T11:30', hours: 4 } })).status, 201);
    assertError(await admin('POST', '/api/v1/sessions',
      { json: { ...body, starts_at: '2026-06-03T08:00', ends_at: '2026-06-03T20:00', hours: 9 } }), 422, 'invalid_field', 'hours');
    // The web form says so beside the field, in Chinese, and keeps what was typed.
    const form = await admin('GET', `/programs/${prog.id}`);
    const csrf = form.text.match(/name="_csrf" value="([^"]+)"/)[1];
    const r = await admin('POST', `/programs/${prog.id}/sessions`, {
      body: new URLSearchParams({ _csrf: csrf, room_id: String(room.id), place: '', hours: '8', capacity: '10',
        starts_at: '2026-06-04T09:00', ends_at: '2026-06-04T10:00' }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.status, 422, r.text.slice(0, 300));
    assert.match(r.text, /学时不能超过/);
  });
});
