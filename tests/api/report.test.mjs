// The county report (SPEC.md §4.3): a small county is built through the
// API on an empty database, and every figure of the report is checked
// against a count made by hand from what was recorded — for the county,
// for each township, and for a range that leaves sessions out.
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
  'evaluations', 'evaluators', 'excellence_rate', 'funds_allocated_fen', 'funds_spent_fen',
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
    await post('/api/v1/courses', { title: '急救常识', module_code: 'health', hours: 2, format: 'lecture', published: true });
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
    const S1 = await sess(weekly, '2026-03-10', 2);
    const S2 = await sess(weekly, '2026-03-17', 1.5);
    const S6 = await sess(weekly, '2025-12-20', 2); // outside 2026
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
  });
  after(async () => { if (srv) await srv.stop(); });

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
    assert.equal(r.themed_classes, 1);
    assert.equal(r.orders, 0); // none placed: a count, not "not yet"
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
