// The bad-input suite (issue 9): every write route of the binary's own
// route table (`dangxiao routes`), API and page, gets malformed requests,
// and each must be refused with a 4xx in the error shape (the error page
// for a page) and change nothing.
//
// ROUTES below holds, for every POST/PUT/PATCH/DELETE route, who may call
// it and one valid request. The cases are derived from it:
//   fields   every field of the valid body (nested ones too): dropped
//            (unless marked optional with a '?' before its name), of the
//            wrong JSON type, 10,000 characters long, with a NUL, -1,
//            2^63, 1e308, an object, an array → 422 naming the field
//            (2^63 may be 400: the JSON parser refuses an integer that
//            big; a NUL 400 too, the parser refuses it in any string).
//            A form's fields: dropped, overlong, NUL, a byte that is not
//            UTF-8, and for numbers -1, 2^63, 1e308, text → a 4xx page.
//            A checkbox (its key marked '~') is sent, never mutated: its
//            value is not the form's text.
//   control  each text field with ESC and BEL in it → 422 naming it
//   bodies   truncated JSON, [], null, a byte that is not UTF-8, a
//            duplicate key, no body, the wrong Content-Type → 400
//   oversized a 70 KB body, sized or chunked → 413
//   ids      a path {id} of abc, 0, -1, 2^63 or one that names nothing
//            → 404
// and last the valid request itself, which must succeed: a table whose
// valid body is wrong would make every case pass for the wrong reason.
//
// A refused request changes nothing, the audit log included: the log
// records what was done (and log-ins that failed on their password), and
// a request refused for its form did nothing. `dangxiao db counts` is
// read before and after each route's cases, and every table's row count
// must be the same.
//
// A route that ROUTES does not know fails badinput-1.1, so a route is
// covered the day it lands. Known failures that another branch fixes are
// in TODO, shown as todo so that the suite stays green until its merge.
//
// Each route's cases run in two rounds with a fresh caller and fresh
// records: fields, bodies, ids and oversized, then the valid request;
// then control, which branch audit makes pass, so that what it still
// lets through today spoils nothing else.
//
// Data: the small demo (the counts do not need the county), SQLite or
// PostgreSQL (DX_PG_ADMIN_URI); ~25 s release, ~45 s ASan on the 2-core
// box when it is quiet.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import {
  BIN, DEMO_USERS, startServer, req, rawRequest, session, createUser, activate, rand,
} from './lib.mjs';

const TABLE = JSON.parse(execFileSync(BIN, ['routes'], { encoding: 'utf8' }));
const WRITES = TABLE.routes.filter((r) => r.method !== 'GET');
const key = (r) => `${r.method} ${r.pattern}`;
const YEAR = new Date().getUTCFullYear();
const W = '371723001'; // 文亭街道, school_admin's township
const PW = 'Xq7#Lm2@vR9t-kW'; // no dictionary word: passes any policy

// `METHOD PATTERN group` → why it fails today and which branch fixes it;
// the lead deletes each entry once its branch has landed.
const TODO = {
};

// ---------------------------------------------------------------- ids

// A GB 11643 ID number with a valid check digit.
function idNumber(birth, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const d = '371723' + birth.replaceAll('-', '') + String(seq).padStart(3, '0');
  const s = [...d].reduce((a, c, i) => a + Number(c) * w[i], 0);
  return d + '10X98765432'[s % 11];
}
let idSeq = 100 + Math.floor(Math.random() * 800);
const freshId = () => idNumber('1985-06-15', idSeq++);
const china = (ms) => { // "YYYY-MM-DDTHH:MM" in China time
  const d = new Date(ms + 8 * 3600e3);
  return d.toISOString().slice(0, 16);
};
const today = () => china(Date.now()).slice(0, 10);

// ------------------------------------------------------------- routes

// For each write route: as (a demo log-in, 'anonymous', or a function of
// the context giving a session helper), kind ('json' by default, 'form'
// for a page's urlencoded form, 'upload' for raw bytes, 'none' for no
// body), setup(ctx) → {params, body} (records a case needs are made
// here, before the counts are read), and valid: the status the valid
// request gets.
// A void (or a decline): a fresh record of the maker, and a reason.
const VOID = (make, reason) => ({
  as: 'school_admin', valid: 204,
  setup: async (c) => ({ params: [(await c[make]()).id], body: { reason } }),
});
const ROUTES = {
  'POST /api/v1/session': {
    as: 'anonymous', valid: 200,
    setup: (c) => ({ body: { username: c.loginUser, password: PW } }),
  },
  'DELETE /api/v1/session': {
    as: (c) => c.fresh('trainee'), kind: 'none', valid: 204, setup: () => ({}),
  },
  'POST /api/v1/me/password': {
    as: (c) => c.freshUser('pw'), valid: 204,
    setup: () => ({ body: { old_password: PW, new_password: `${PW}!b` } }),
  },
  'POST /api/v1/tokens': { as: 'trainee', valid: 201, setup: () => ({ body: { name: '坏输入令牌' } }) },
  'DELETE /api/v1/tokens/{id}': {
    as: 'trainee', kind: 'none', valid: 204,
    setup: async (c) => {
      const r = await c.as.trainee('POST', '/api/v1/tokens', { json: { name: '待撤销令牌' } });
      assert.equal(r.status, 201, `token: ${r.status} ${r.text}`);
      return { params: [r.json.id] };
    },
  },
  'POST /api/v1/users': {
    as: 'sysadmin', valid: 201,
    setup: () => ({ body: { username: `bi_${rand(3)}`, password: PW, role: 'teacher', '?township_code': W } }),
  },
  'PATCH /api/v1/users/{id}': {
    as: 'sysadmin', valid: 200,
    setup: async (c) => ({ params: [(await c.newUser('trainee')).id], body: { '?disabled': true } }),
  },
  'POST /api/v1/users/{id}/disable': {
    as: 'sysadmin', kind: 'none', valid: 200,
    setup: async (c) => ({ params: [(await c.newUser('trainee')).id] }),
  },
  'POST /api/v1/users/{id}/enable': {
    as: 'sysadmin', kind: 'none', valid: 200,
    setup: async (c) => ({ params: [(await c.newUser('trainee')).id] }),
  },
  'POST /api/v1/users/{id}/unlock': {
    as: 'sysadmin', kind: 'none', valid: 200,
    setup: async (c) => ({ params: [(await c.newUser('trainee')).id] }),
  },
  'PATCH /api/v1/security/policy': {
    // The value the demo runs with, so the valid request changes nothing
    // the other cases depend on.
    as: 'secadmin', valid: 200,
    setup: () => ({ body: { '?lockout_threshold': 5 } }),
  },


  'POST /api/v1/orgs': {
    as: 'school_admin', valid: 201,
    setup: (c) => ({ body: { name: '坏输入测试支部', type: 'rural', township_code: W, '?village_code': c.village.code } }),
  },
  'PATCH /api/v1/orgs/{id}': {
    as: 'school_admin', valid: 200,
    setup: async (c) => ({ params: [(await c.newOrg()).id], body: { '?name': '改名测试支部', '?type': 'community' } }),
  },
  'POST /api/v1/orgs/{id}/void': VOID('newOrg', '合并'),
  'POST /api/v1/schools': {
    as: 'county_admin', valid: null, why: 'every township of the demo has its school already, and a township has one',
    setup: () => ({ body: { township_code: '371723005', name: `坏输入党校${rand(2)}`, '?address': '镇政府院内' } }),
  },
  'PATCH /api/v1/schools/{id}': {
    as: 'school_admin', valid: 200,
    setup: (c) => ({ params: [c.school.id], body: { '?name': c.school.name, '?address': '文亭街道新华路1号' } }),
  },
  'POST /api/v1/schools/{id}/rooms': {
    as: 'school_admin', valid: 201,
    setup: (c) => ({ params: [c.school.id], body: { name: `第${rand(2)}阅览室`, kind: 'reading', '?capacity': 30 } }),
  },
  'POST /api/v1/rooms': {
    as: 'school_admin', valid: 201,
    setup: (c) => ({ body: { school_id: c.school.id, name: `第${rand(2)}教室`, kind: 'classroom', '?capacity': 40 } }),
  },
  'PATCH /api/v1/rooms/{id}': {
    as: 'school_admin', valid: 200,
    setup: async (c) => ({ params: [(await c.newRoom()).id], body: { '?name': `改名${rand(2)}室`, '?kind': 'chess', '?capacity': 12 } }),
  },
  'POST /api/v1/rooms/{id}/void': VOID('newRoom', '拆除'),
  'POST /api/v1/schools/{id}/checks': {
    as: 'school_admin', valid: 200,
    setup: (c) => ({ params: [c.school.id], body: { year: YEAR, fixed_site: true, teachers: true, equipment: false, books: true, '?note': '缺投影仪' } }),
  },
  'POST /api/v1/teachers': {
    as: 'school_admin', valid: 201,
    setup: (c) => ({ body: { name: '坏输入教师', level: 'township', '?township_code': W, '?title': '农技员', '?modules': ['politics'], '?school_ids': [c.school.id] } }),
  },
  'POST /api/v1/teachers/{id}/account': {
    as: 'school_admin', valid: 200,
    setup: async (c) => ({ params: [(await c.newTeacher()).id], body: { user_id: (await c.newUser('teacher', W)).id } }),
  },
  'POST /api/v1/courses': {
    as: 'county_admin', valid: 201,
    setup: (c) => ({ body: { title: `坏输入课程${rand(2)}`, module_code: 'politics', hours: 2, format: 'lecture', '?description': '说明', '?published': true, '?teacher_ids': [c.teacher.id] } }),
  },
  'PATCH /api/v1/courses/{id}': {
    as: 'county_admin', valid: 200,
    setup: (c) => ({ params: [c.course.id], body: { published: true } }),
  },
  'POST /api/v1/plans': {
    as: 'school_admin', valid: 201,
    setup: (c) => {
      const y = 2031 + (idSeq++ % 60);
      return { body: { school_id: c.school.id, year: y, title: '年度培训计划',
        batches: [{ batch: 1, type: 'weekly_lesson', from: `${y}-01-01`, to: `${y}-12-31`, sessions: 4, persons: 100 }] } };
    },
  },
  'POST /api/v1/programs': {
    as: 'school_admin', valid: 201,
    setup: (c) => ({ body: { type: 'weekly_lesson', school_id: c.school.id, title: '坏输入每周一课', from: today(), to: today() } }),
  },
  'POST /api/v1/sessions': {
    as: 'school_admin', valid: 201,
    setup: (c) => ({ body: { program_id: c.program.id, '?course_id': c.course.id, '?teacher_id': c.teacher.id,
      starts_at: china(Date.now() + 86400e3), ends_at: china(Date.now() + 86400e3 + 2 * 3600e3),
      '?place': '党校一楼', hours: 2, capacity: 40 } }),
  },
  'POST /api/v1/sessions/{id}/void': VOID('newSession', '暴雨预警，改期'),
  'POST /api/v1/sessions/{id}/enrollments': {
    as: 'school_admin', valid: 201,
    setup: async (c) => ({ params: [(await c.newSession()).id], body: { person_id: c.person.id, '?waitlist': false } }),
  },
  'POST /api/v1/sessions/{id}/attendance': {
    as: 'school_admin', valid: 201,
    setup: async (c) => ({ params: [(await c.newSession({ now: true })).id], body: { person_id: c.person.id } }),
  },
  'POST /api/v1/sessions/{id}/evaluations': {
    as: 'trainee', valid: 201,
    setup: async (c) => {
      const s = await c.newSession({ now: true });
      const r = await c.as.school_admin('POST', `/api/v1/sessions/${s.id}/attendance`, { json: { person_id: c.traineePerson } });
      assert.equal(r.status, 201, `attendance: ${r.status} ${r.text}`);
      return { params: [s.id], body: { scores: { content: 95, method: 90, effect: 88, attitude: 100 } } };
    },
  },
  'POST /api/v1/checkin': {
    as: 'trainee', valid: 201,
    setup: async (c) => {
      const s = await c.newSession({ now: true });
      await c.enrol(s.id, c.traineePerson);
      const code = await c.as.school_admin('GET', `/api/v1/sessions/${s.id}/checkin-code`);
      assert.equal(code.status, 200, code.text);
      return { body: { token: code.json.token } };
    },
  },
  'POST /api/v1/orders': {
    as: 'trainee', valid: 201,
    setup: async (c) => ({ body: { course_id: (await c.unordered()).id, '?note': '希望周末上课' } }),
  },
  'POST /api/v1/orders/convert': {
    as: 'school_admin', valid: 201,
    setup: async (c) => ({ body: { course_id: (await c.newOrder()).course_id, school_id: c.school.id, '?title': '坏输入主题班' } }),
  },
  'POST /api/v1/orders/{id}/decline': VOID('newOrder', '本季度已安排同类课程'),
  'POST /api/v1/sessions/{id}/notes': {
    as: 'school_admin', valid: 201,
    setup: (c) => ({ params: [c.session.id], body: { kind: 'discussion', body: '第一组讨论了村规民约。', '?group': '第一组' } }),
  },
  'POST /api/v1/notes/{id}/answer': {
    as: 'school_admin', valid: 204,
    setup: async (c) => ({ params: [(await c.newNote()).id], body: { answer: '按月工资收入的比例。' } }),
  },
  'POST /api/v1/notes/{id}/void': VOID('newNote', '重复记录'),
  'POST /api/v1/sessions/{id}/photos': {
    as: 'school_admin', kind: 'upload', type: 'image/png', valid: 201,
    setup: (c) => ({ params: [c.session.id], body: c.png }),
  },
  'POST /api/v1/photos/{id}/void': VOID('newPhoto', '拍摄模糊'),
  'POST /api/v1/surveys': {
    as: 'school_admin', valid: 201,
    setup: () => ({ body: { title: '坏输入问卷', '?intro': '请如实填写', '?township_code': W,
      '?closes_at': china(Date.now() + 30 * 86400e3), questions: [
        { kind: 'single', text: '您最希望的培训时间', options: ['工作日白天', '周末'] },
        { kind: 'multi', text: '您想学哪些内容', options: ['政策法规', '电商直播'] },
        { kind: 'text', text: '其他建议', '?required': false },
      ] } }),
  },
  'POST /api/v1/surveys/{id}/publish': {
    as: 'school_admin', kind: 'none', valid: 200,
    setup: async (c) => ({ params: [(await c.newSurvey()).id] }),
  },
  'POST /api/v1/surveys/{id}/close': {
    as: 'school_admin', kind: 'none', valid: 200,
    setup: async (c) => ({ params: [(await c.newSurvey({ publish: true })).id] }),
  },
  'POST /api/v1/surveys/{id}/responses': {
    // An answer missing its choice leaves its question unanswered.
    as: 'trainee', valid: 201, alias: { 'answers[0].choice': 'questions[0]', 'answers[1].choices': 'questions[1]' },
    setup: async (c) => {
      const s = await c.newSurvey({ publish: true });
      const [q1, q2, q3] = s.question_list;
      return { params: [s.id], body: { answers: [{ question_id: q1.id, choice: 1 },
        { question_id: q2.id, choices: [0, 1] }, { question_id: q3.id, '?text': '希望多讲电商' }] } };
    },
  },
  'POST /api/v1/people': {
    as: 'school_admin', valid: 201,
    setup: (c) => ({ body: { name: '坏输入', id_number: freshId(), '?phone': '13812345678', political_status: 'member',
      '?member_category': c.category, township_code: W, '?village_code': c.village.code, '?flags': ['village_committee'] } }),
  },
  'POST /api/v1/people/import': {
    as: 'school_admin', kind: 'upload', type: 'text/csv', valid: 200,
    setup: (c) => ({ body: Buffer.from(`${c.template}\n坏输入导入,${freshId()},13812345679,正式党员,文亭街道,,\n`) }),
  },
  'PATCH /api/v1/people/{id}': {
    as: 'school_admin', valid: 200,
    setup: async (c) => ({ params: [(await c.newPerson()).id], body: { '?name': '改名', '?phone': '13900001111' } }),
  },
  'POST /api/v1/people/{id}/void': VOID('newPerson', '迁出本镇'),
};

// -------------------------------------------------------- mutations

// The body as sent: the '?' (optional) and '~' (a checkbox: sent, its
// value not the form's text) markers dropped from the keys.
function strip(v) {
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === 'object' && !Buffer.isBuffer(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/^[?~]/, ''), strip(x)]));
  return v;
}

// Every leaf of a body: {path (keys as written), name ('a.b[0].c' as sent),
// optional, value}.
function leaves(v, path = [], out = []) {
  if (Array.isArray(v)) v.forEach((x, i) => leaves(x, [...path, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) leaves(x, [...path, k], out);
  else out.push({ path, value: v });
  return out;
}
const nameOf = (path) => path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${k.replace(/^\?/, '')}`)).join('');

// A copy of body with the leaf at path replaced (or dropped: DROP).
const DROP = Symbol('drop');
function setAt(body, path, value) {
  const copy = structuredClone(body);
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k];
  const last = path[path.length - 1];
  if (value === DROP) {
    if (Array.isArray(o)) o.splice(last, 1); else delete o[last];
  } else o[last] = value;
  return copy;
}

const LONG = '长'.repeat(10000);
const CONTROL = 'a\u001b[31mb\u0007c';
const HUGE = '9223372036854775808'; // 2^63, written as a JSON number

// The JSON cases of one valid body: {group, name, body (string/Buffer),
// want: {status: [..], field?}}.
function jsonCases(valid) {
  const cases = [];
  const send = (b) => JSON.stringify(strip(b));
  for (const leaf of leaves(valid)) {
    const name = nameOf(leaf.path);
    const k = leaf.path[leaf.path.length - 1];
    const optional = typeof k === 'string' && k.startsWith('?');
    const field = { status: [422], field: name };
    const isText = typeof leaf.value === 'string';
    if (!optional && typeof k === 'string') cases.push({ group: 'fields', name: `${name} missing`, body: send(setAt(valid, leaf.path, DROP)), want: field });
    const wrong = isText ? 12345 : typeof leaf.value === 'number' ? '12345' : typeof leaf.value === 'boolean' ? 'true' : 1;
    cases.push({ group: 'fields', name: `${name} of the wrong type`, body: send(setAt(valid, leaf.path, wrong)), want: field });
    // 30 KB of UTF-8: a route whose body limit is lower refuses it
    // whole (413) before the field is read.
    cases.push({ group: 'fields', name: `${name} of 10,000 characters`, body: send(setAt(valid, leaf.path, LONG)), want: { status: [422, 413], field: name } });
    // jansson refuses \u0000 in any string (400); a parser that took it
    // would leave the field to refuse it (422).
    cases.push({ group: 'fields', name: `${name} with a NUL`, body: send(setAt(valid, leaf.path, 'a\u0000b')), want: { status: [400, 422], field: name } });
    cases.push({ group: isText ? 'control' : 'fields', name: `${name} with ESC and BEL`, body: send(setAt(valid, leaf.path, CONTROL)), want: field });
    cases.push({ group: 'fields', name: `${name} = -1`, body: send(setAt(valid, leaf.path, -1)), want: field });
    cases.push({ group: 'fields', name: `${name} = 2^63`, body: hugeAt(valid, leaf.path), want: { status: [400, 422], field: name } });
    cases.push({ group: 'fields', name: `${name} = 1e308`, body: send(setAt(valid, leaf.path, 1e308)), want: field });
    cases.push({ group: 'fields', name: `${name} an object`, body: send(setAt(valid, leaf.path, { a: { b: 1 } })), want: field });
    cases.push({ group: 'fields', name: `${name} an array`, body: send(setAt(valid, leaf.path, [1, 2])), want: field });
  }
  const s = send(valid);
  const bad = { status: [400] };
  const first = Object.entries(strip(valid))[0];
  cases.push({ group: 'bodies', name: 'truncated JSON', body: s.slice(0, -1), want: bad });
  cases.push({ group: 'bodies', name: 'an array', body: '[]', want: bad });
  cases.push({ group: 'bodies', name: 'null', body: 'null', want: bad });
  cases.push({ group: 'bodies', name: 'a byte that is not UTF-8', body: notUtf8(s), want: bad });
  if (first) cases.push({ group: 'bodies', name: 'a duplicate key', body: `{${JSON.stringify(first[0])}:${JSON.stringify(first[1])},${s.slice(1)}`, want: bad });
  cases.push({ group: 'bodies', name: 'no body', body: '', want: bad });
  cases.push({ group: 'bodies', name: 'Content-Type text/plain', body: s, type: 'text/plain', want: bad });
  const big = `{"pad":"${'x'.repeat(70 * 1024)}",${s.slice(1)}`;
  cases.push({ group: 'oversized', name: 'a 70 KB body', body: big, want: { status: [413] } });
  cases.push({ group: 'oversized', name: 'a 70 KB chunked body', body: big, chunked: true, want: { status: [413] } });
  return cases;
}

// The body with the leaf at path written as the number 2^63 (JSON text:
// JavaScript cannot hold it).
function hugeAt(body, path) {
  const mark = `__huge_${rand(4)}__`;
  return JSON.stringify(strip(setAt(body, path, mark))).replace(`"${mark}"`, HUGE);
}

// JSON text with a 0xff byte inside its first string (or a new one).
function notUtf8(s) {
  const i = s.indexOf('":"');
  const b = Buffer.from(s);
  if (i < 0) return Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff]), Buffer.from('",'), b.subarray(1)]);
  const at = Buffer.byteLength(s.slice(0, i + 3));
  return Buffer.concat([b.subarray(0, at), Buffer.from([0xff]), b.subarray(at)]);
}

// The cases of an upload route (raw bytes of its type).
function uploadCases(entry) {
  const bad = { status: [400, 413, 415, 422] };
  return [
    { group: 'bodies', name: 'no body', body: '', type: entry.type, want: bad },
    { group: 'bodies', name: 'text sent as the type', body: 'this is not the file you said it was', type: entry.type, want: bad },
    { group: 'bodies', name: 'bytes that are not UTF-8 or a picture', body: Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28]), type: entry.type, want: bad },
    { group: 'bodies', name: 'Content-Type application/json', body: '{"a":1}', type: 'application/json', want: bad },
  ];
}

// The path {id} cases: each must be a 404; a {token} that is not one is
// a 400 (or 410 for one past its time).
function idCases(r) {
  if (!/\{\w+\}/.test(r.pattern)) return [];
  const want = /\{token\}/.test(r.pattern) ? { status: [400, 410] } : { status: [404] };
  return ['abc', '0', '-1', HUGE, '987654321'].map((id) => ({ group: 'ids', name: `{id} = ${id}`, id, want }));
}

// ---------------------------------------------------------------- forms

// Page routes: their urlencoded forms. Values that are numbers are the
// form's number fields; arrays are repeated keys (checkboxes). A page
// refuses with a 4xx page (422, the form again with the error beside
// the field), except the session ledger's forms, which go back to the
// session's page with the refusal in ?ledger= (refusal: 'ledger').
const F = (o) => ({ kind: 'form', valid: 303, ...o });
const FORMS = {
  'POST /login': F({ as: 'anonymous', setup: (c) => ({ body: { username: c.loginUser, password: PW, '?next': '/' } }) }),
  'POST /security': F({ as: 'secadmin', setup: () => ({ body: { '?lockout_threshold': 5 } }) }),
  'POST /logout': F({ as: (c) => c.fresh('trainee'), kind: 'none', setup: () => ({}) }),
  'POST /password': F({ as: (c) => c.freshUser('pwp'), setup: () => ({ body: { old_password: PW, new_password: `${PW}!c`, confirm: `${PW}!c` } }) }),
  'POST /orgs': F({ as: 'county_admin', setup: (c) => ({ body: { name: '表单测试支部', type: 'rural', township_code: W, '?village_code': c.village.code } }) }),
  'POST /orgs/{id}': F({ as: 'school_admin', setup: async (c) => ({ params: [(await c.newOrg()).id], body: { name: '表单改名支部', '?type': 'community', '?village_code': '' } }) }),
  'POST /rooms': F({ as: 'school_admin', setup: (c) => ({ body: { school_id: c.school.id, name: `表单${rand(2)}室`, kind: 'reading', '?capacity': 20 } }) }),
  'POST /rooms/{id}': F({ as: 'school_admin', setup: async (c) => ({ params: [(await c.newRoom()).id], body: { name: `表单改名${rand(2)}室`, kind: 'reading', '?capacity': '' } }) }),
  'POST /rooms/{id}/void': F({ as: 'school_admin', setup: async (c) => ({ params: [(await c.newRoom()).id], body: { reason: '拆除' } }) }),
  'POST /orgs/{id}/void': F({ as: 'school_admin', setup: async (c) => ({ params: [(await c.newOrg()).id], body: { reason: '合并' } }) }),
  'POST /people': F({ as: 'school_admin', setup: (c) => ({ body: { name: '表单新人', id_number: freshId(), '?phone': '13812345678', political_status: 'member', '?village_code': c.village.code } }) }),
  'POST /people/import': F({ as: 'school_admin', kind: 'multipart', valid: 200,
    setup: (c) => ({ body: { file: { filename: 'roster.csv', type: 'text/csv', data: Buffer.from(`${c.template}\n表单导入,${freshId()},13812345670,正式党员,文亭街道,,\n`) }, '?mode': 'valid' } }) }),
  'POST /people/{id}': F({ as: 'school_admin', setup: async (c) => ({ params: [(await c.newPerson()).id], body: { name: '表单改名', '?phone': '', '?political_status': 'member', '?village_code': '', '~flags': ['exempt'] } }) }),
  'POST /people/{id}/void': F({ as: 'school_admin', setup: async (c) => ({ params: [(await c.newPerson()).id], body: { reason: '迁出本镇' } }) }),
  'POST /sessions/{id}/notes': F({ as: 'school_admin', refusal: 'ledger', setup: (c) => ({ params: [c.session.id], body: { body: '第二组讨论了集体经济。', '?group': '第二组' } }) }),
  'POST /sessions/{id}/photos': F({ as: 'school_admin', kind: 'multipart', refusal: 'ledger',
    setup: (c) => ({ params: [c.session.id], body: { photo: { filename: 'p.png', type: 'image/png', data: c.png }, '?caption': '课堂' } }) }),
  'POST /notes/{id}/answer': F({ as: 'school_admin', refusal: 'ledger', setup: async (c) => ({ params: [(await c.newNote()).id], body: { answer: '按县里的示范文本。' } }) }),
  'POST /me/sessions/{id}/ask': F({ as: 'trainee', refusal: 'ledger', setup: async (c) => {
    const s = await c.newSession();
    await c.enrol(s.id, c.traineePerson);
    return { params: [s.id], body: { body: '村集体收入怎么分配？' } };
  } }),
  'POST /schools/{id}/rooms': F({ as: 'school_admin', setup: (c) => ({ params: [c.school.id], body: { name: `表单${rand(2)}室`, kind: 'chess' } }) }),
  'POST /schools/{id}/check': F({ as: 'school_admin', setup: (c) => ({ params: [c.school.id], body: { year: YEAR, '~fixed_site': '1', '~teachers': '1', '~equipment': '1', '~books': '1', '?note': '' } }) }),
  'POST /teachers': F({ as: 'county_admin', setup: (c) => ({ body: { name: '表单教师', level: 'township', township_code: W, '?title': '', '~modules': ['health'], '~school_ids': [String(c.school.id)] } }) }),
  'POST /teachers/{id}/account': F({ as: 'school_admin', setup: async (c) => ({ params: [(await c.newTeacher()).id], body: { username: (await c.newUser('teacher', W)).username } }) }),
  'POST /teachers/{id}': F({ as: 'school_admin', setup: async (c) => ({ params: [(await c.newTeacher()).id], body: { name: '表单改名教师', level: 'township', '?township_code': W, '?title': '', '~modules': ['theory'], '~school_ids': [String(c.school.id)] } }) }),
  'POST /courses': F({ as: 'county_admin', setup: () => ({ body: { title: `表单课程${rand(2)}`, module_code: 'health', hours: 2, format: 'lecture', '?description': '', '~published': '1' } }) }),
  'POST /courses/{id}': F({ as: 'county_admin', setup: (c) => ({ params: [c.courses[2].id], body: { title: c.courses[2].title, module_code: c.courses[2].module_code, hours: 2, format: 'lecture', '?description': '', '~published': '1' } }) }),
  'POST /courses/{id}/publish': F({ as: 'county_admin', setup: (c) => ({ params: [c.courses[3].id], body: { published: '1' } }) }),
  'POST /programs': F({ as: 'school_admin', setup: (c) => ({ body: { type: 'weekend_lecture', school_id: c.school.id, title: '表单周末大讲堂', from: today(), to: today() } }) }),
  'POST /programs/{id}/sessions': F({ as: 'school_admin', setup: (c) => ({ params: [c.program.id], body: {
    '?course_id': c.course.id, starts_at: china(Date.now() + 2 * 86400e3), ends_at: china(Date.now() + 2 * 86400e3 + 2 * 3600e3),
    '?place': '党校二楼', hours: 2, capacity: 50 } }) }),
  'POST /plans': F({ as: 'school_admin', setup: (c) => {
    const y = 2031 + (idSeq++ % 60);
    return { body: { school_id: c.school.id, year: y, title: '表单年度计划', type_1: 'weekly_lesson', from_1: `${y}-01-01`, to_1: `${y}-12-31`, sessions_1: 4, persons_1: 80 } };
  } }),
  'POST /surveys': F({ as: 'county_admin', setup: () => ({ body: { title: '表单问卷', '?intro': '', '?township_code': W, '?closes_at': '', '~n': 1,
    q0_kind: 'single', q0_text: '您最希望的培训时间', q0_options: '白天\n晚上', '~q0_required': '1' } }) }),
  'POST /surveys/{id}/publish': F({ as: 'school_admin', kind: 'none', setup: async (c) => ({ params: [(await c.newSurvey()).id] }) }),
  'POST /surveys/{id}/close': F({ as: 'school_admin', kind: 'none', setup: async (c) => ({ params: [(await c.newSurvey({ publish: true })).id] }) }),
  'POST /me/surveys/{id}': F({ as: 'trainee', setup: async (c) => {
    const s = await c.newSurvey({ publish: true });
    const [q1, q2, q3] = s.question_list;
    return { params: [s.id], body: { [`q${q1.id}`]: 0, [`~q${q2.id}`]: ['0', '1'], [`?q${q3.id}`]: '多讲电商' } };
  } }),
  'POST /orders/convert': F({ as: 'school_admin', kind: 'none', setup: async (c) => ({ query: { school_id: c.school.id, course_id: (await c.newOrder()).course_id } }) }),
  'POST /sessions/{id}/void': F({ as: 'school_admin', setup: async (c) => ({ params: [(await c.newSession()).id], body: { reason: '改期' } }) }),
  'POST /sessions/{id}/enroll': F({ as: 'school_admin', setup: async (c) => ({ params: [(await c.newSession()).id], body: { person_id: c.person.id } }) }),
  'POST /sessions/{id}/rate': F({ as: 'trainee', valid: 200, setup: async (c) => {
    const s = await c.newSession({ now: true });
    const r = await c.as.school_admin('POST', `/api/v1/sessions/${s.id}/attendance`, { json: { person_id: c.traineePerson } });
    assert.equal(r.status, 201, `attendance: ${r.status} ${r.text}`);
    return { params: [s.id], body: { content: 95, method: 90, effect: 85, attitude: 100 } };
  } }),
  // The phone's check-in: the page of the code (a GET, which writes
  // nothing) carries the form that posts to /c/g/{grace}.
  'POST /c/g/{token}': F({ as: 'trainee', kind: 'none', valid: 200, setup: async (c) => {
    const s = await c.newSession({ now: true });
    const code = await c.as.school_admin('GET', `/api/v1/sessions/${s.id}/checkin-code`);
    assert.equal(code.status, 200, code.text);
    const page = await c.as.trainee('GET', `/c/${code.json.token}`);
    const m = /action="\/c\/g\/([^"]+)"/.exec(page.text);
    assert.ok(m, `no check-in form on the code's page: ${page.status} ${page.text.slice(0, 200)}`);
    return { params: [m[1]] };
  } }),
  'POST /me/courses/{id}/order': F({ as: 'trainee', kind: 'none', setup: async (c) => ({ params: [(await c.unordered()).id] }) }),
  'POST /users': F({ as: 'sysadmin', setup: () => ({ body: { username: `bif_${rand(3)}`, password: PW, role: 'teacher', '?township_code': W } }) }),
};

// The declared kinds (`dangxiao routes` lists them with their fields):
// each gets its six write routes' rows from its declaration, so a kind is
// covered the day it is declared. A valid value of each field by its
// type; optional fields (and, on an update, every field but a lone one)
// are marked '?' so that dropping them is not a case.
const kindValue = (f) => {
  switch (f.type) {
    case 'digits': return String(9e11 + Math.floor(Math.random() * 1e11)).slice(0, f.max).padEnd(f.max, '7');
    case 'township': return W;
    case 'date': return today();
    case 'choice': return f.choices[0];
    case 'int': return f.min;
    // A code of another table's row depends on the data: a kind with one
    // writes its rows by hand (as the organisations' above).
    case 'ref': throw new Error(`${f.key}: a field naming a row needs a written row`);
    default: return `坏输入${f.key}${rand(2)}`.slice(0, f.max);
  }
};
const kindBody = (k, which, form = false) => {
  const fields = k.fields.filter((f) => f[which]);
  const body = {};
  for (const f of fields) {
    // A school admin's form implies its own township.
    const optional = !f.required || (which === 'edit' && fields.length > 1) || (form && f.scope);
    body[optional ? `?${f.key}` : f.key] = kindValue(f);
  }
  return body;
};
for (const k of TABLE.kinds) {
  const api = `/api/v1/${k.path}`, page = `/${k.path}`;
  const plain = (b) => Object.fromEntries(Object.entries(b).map(([n, v]) => [n.replace(/^\?/, ''), v]));
  const fresh = async (c) => c.made(c.sa, api, plain(kindBody(k, 'create')));
  ROUTES[`POST ${api}`] ??= { as: 'school_admin', valid: 201, setup: () => ({ body: kindBody(k, 'create') }) };
  ROUTES[`PATCH ${api}/{id}`] ??= { as: 'school_admin', valid: 200,
    setup: async (c) => ({ params: [(await fresh(c)).id], body: kindBody(k, 'edit') }) };
  FORMS[`POST ${page}`] ??= F({ as: 'school_admin', setup: () => ({ body: kindBody(k, 'create', true) }) });
  FORMS[`POST ${page}/{id}`] ??= F({ as: 'school_admin',
    setup: async (c) => ({ params: [(await fresh(c)).id], body: kindBody(k, 'edit', true) }) });
  if (k.voids) {
    ROUTES[`POST ${api}/{id}/void`] ??= { as: 'school_admin', valid: 204,
      setup: async (c) => ({ params: [(await fresh(c)).id], body: { reason: '坏输入作废' } }) };
    FORMS[`POST ${page}/{id}/void`] ??= F({ as: 'school_admin',
      setup: async (c) => ({ params: [(await fresh(c)).id], body: { reason: '坏输入作废' } }) });
  }
}

function formBody(body) {
  const parts = [];
  for (const [k, v] of Object.entries(strip(body)))
    for (const x of Array.isArray(v) ? v : [v]) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(x))}`);
  return parts.join('&');
}

// A multipart/form-data body: values {filename, type, data} are files.
function multipart(body, boundary) {
  const parts = [];
  for (const [k, v] of Object.entries(strip(body))) {
    const file = v && typeof v === 'object' && v.data;
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"` +
      (file ? `; filename="${v.filename}"\r\nContent-Type: ${v.type}` : '') + '\r\n\r\n'));
    parts.push(file ? v.data : Buffer.from(String(v)));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

// A browser's upload form: the file missing, empty, not what it says, or
// not multipart at all.
function multipartCases(valid) {
  const bad = { status: '4xx' };
  const fileKey = Object.keys(valid).find((k) => valid[k] && valid[k].data);
  const f = valid[fileKey];
  const others = Object.fromEntries(Object.entries(valid).filter(([k]) => k !== fileKey));
  return [
    { group: 'bodies', name: 'no file part', multipart: others, want: bad },
    { group: 'bodies', name: 'an empty file', multipart: { ...valid, [fileKey]: { ...f, data: Buffer.alloc(0) } }, want: bad },
    { group: 'bodies', name: 'a file that is not what it says', multipart: { ...valid, [fileKey]: { ...f, data: Buffer.from([0xff, 0xfe, 0, 0x80, 0xc3, 0x28, 0x0a]) } }, want: bad },
    { group: 'bodies', name: 'no body', body: '', want: bad },
    { group: 'bodies', name: 'urlencoded instead', body: 'file=x', type: 'application/x-www-form-urlencoded', want: bad },
  ];
}

// A query's values: missing, text, -1, 2^63 → 4xx.
function queryCases(q) {
  const cases = [];
  for (const k of Object.keys(q)) {
    const { [k]: _, ...rest } = q;
    cases.push({ group: 'fields', name: `?${k} missing`, query: rest, want: { status: '4xx' } });
    for (const v of ['abc', '-1', HUGE])
      cases.push({ group: 'fields', name: `?${k}=${v}`, query: { ...q, [k]: v }, want: { status: '4xx' } });
  }
  return cases;
}

function formCases(valid) {
  const cases = [];
  const bad = { status: '4xx' };
  const enc = (b, raw) => formBody(b) + (raw || '');
  for (const [k, v] of Object.entries(valid)) {
    if (k.startsWith('~')) continue; // a checkbox: present or not
    const name = k.replace(/^\?/, '');
    const optional = k.startsWith('?');
    const set = (x) => ({ ...valid, [k]: x });
    if (!optional) cases.push({ group: 'fields', name: `${name} missing`, body: enc(Object.fromEntries(Object.entries(valid).filter(([j]) => j !== k))), want: bad });
    cases.push({ group: 'fields', name: `${name} of 10,000 characters`, body: enc(set(LONG)), want: bad });
    cases.push({ group: 'fields', name: `${name} with a NUL`, body: enc(set('a\u0000b')), want: bad });
    cases.push({ group: 'fields', name: `${name} not UTF-8`, body: enc(Object.fromEntries(Object.entries(valid).filter(([j]) => j !== k)), `&${encodeURIComponent(name)}=a%FFb`), want: bad });
    if (typeof v === 'string') cases.push({ group: 'control', name: `${name} with ESC and BEL`, body: enc(set(CONTROL)), want: bad });
    if (typeof v === 'number') for (const n of ['-1', HUGE, '1e308', 'abc'])
      cases.push({ group: 'fields', name: `${name} = ${n}`, body: enc(set(n)), want: bad });
  }
  cases.push({ group: 'bodies', name: 'no body', body: '', want: bad });
  const big = `pad=${'x'.repeat(70 * 1024)}&${formBody(valid)}`;
  cases.push({ group: 'oversized', name: 'a 70 KB body', body: big, want: { status: [413] } });
  cases.push({ group: 'oversized', name: 'a 70 KB chunked body', body: big, chunked: true, want: { status: [413] } });
  return cases;
}

// --------------------------------------------------------------- suite

describe('badinput', () => {
  let srv, base;
  const ctx = { as: {} };
  const counts = async () => {
    const r = await srv.cli(['db', 'counts']);
    assert.equal(r.code, 0, `db counts: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };

  before(async () => {
    srv = await startServer();
    base = srv.base;
    for (const u of DEMO_USERS)
      ctx.as[u] = await session(base, u);
    await fixtures(ctx, base);
  });
  after(async () => { if (srv) await srv.stop(); });

  // The context the setups read and write: demo records, and makers of
  // fresh ones for the routes whose valid request uses one up.
  async function fixtures(c) {
    const ca = c.as.county_admin, sa = c.as.school_admin, sys = c.as.sysadmin;
    const first = async (p) => {
      const r = await ca('GET', p);
      assert.equal(r.status, 200, `${p}: ${r.status} ${r.text}`);
      assert.ok(r.json.items.length, `${p}: nothing in the demo`);
      return r.json.items;
    };
    c.trainee = c.as.trainee.user;
    c.traineePerson = c.trainee.person_id;
    c.school = (await first(`/api/v1/schools?township=${W}`))[0];
    c.village = (await first(`/api/v1/villages?township=${W}`))[0];
    c.courses = (await first('/api/v1/courses?per_page=500')).filter((x) => x.published);
    c.course = c.courses[0];
    c.teacher = (await first('/api/v1/teachers?per_page=500')).find((t) => t.level === 'county');
    c.program = (await first(`/api/v1/programs?township=${W}`))[0];
    c.session = (await first(`/api/v1/sessions?township=${W}`))[0];
    c.person = (await first(`/api/v1/people?township=${W}&political_status=member`))[0];
    c.category = (await first('/api/v1/member-categories'))[0].code;
    c.png = fs.readFileSync('tests/data/photo.png');
    const t = await ca('GET', '/api/v1/people/import-template.csv');
    c.template = t.text.replace(/^\uFEFF/, '').trim();
    // A log-in of its own for POST /api/v1/session, whose refused cases
    // must not lock out anyone else.
    c.loginUser = `bi_login_${rand(3)}`;
    await createUser(sys, { username: c.loginUser, password: `${PW}0`, role: 'trainee', township_code: W });
    await activate(base, c.loginUser, `${PW}0`, PW);
    c.fresh = (name) => session(base, name);
    c.freshUser = async (tag) => {
      const u = `bi_${tag}_${rand(3)}`;
      await createUser(sys, { username: u, password: `${PW}0`, role: 'trainee', township_code: W });
      return activate(base, u, `${PW}0`, PW);
    };
    c.newUser = (role, township) => createUser(sys, { username: `bi_${role}_${rand(3)}`, password: PW, role, township_code: township });
    const made = async (who, p, body, status = 201) => {
      const r = await who('POST', p, { json: body });
      assert.equal(r.status, status, `POST ${p}: ${r.status} ${r.text}`);
      return r.json;
    };
    c.made = made;
    c.sa = sa;
    c.newVillage = () => made(sa, '/api/v1/villages', { name: `新村${rand(2)}`, township_code: W });
    c.newRoom = () => made(sa, '/api/v1/rooms', { school_id: c.school.id, name: `新教室${rand(2)}`, kind: 'classroom' });
    c.newOrg = () => made(sa, '/api/v1/orgs', { name: `新支部${rand(2)}`, type: 'rural', township_code: W });
    c.newTeacher = () => made(sa, '/api/v1/teachers', { name: '新教师', level: 'township', township_code: W });
    c.newPerson = () => made(sa, '/api/v1/people', { name: '新人', id_number: freshId(), political_status: 'member', township_code: W });
    c.newSession = ({ now = false } = {}) => made(sa, '/api/v1/sessions', {
      program_id: c.program.id, course_id: c.course.id,
      starts_at: china(Date.now() + (now ? -10 * 60e3 : 86400e3)),
      ends_at: china(Date.now() + (now ? 110 * 60e3 : 86400e3 + 2 * 3600e3)),
      place: '党校一楼', hours: 2, capacity: 40 });
    c.enrol = (sid, person) => made(sa, `/api/v1/sessions/${sid}/enrollments`, { person_id: person });
    // A question the trainee asks in a session it is enrolled in.
    c.newNote = async () => {
      const s = await c.newSession();
      await c.enrol(s.id, c.traineePerson);
      return made(c.as.trainee, `/api/v1/sessions/${s.id}/notes`, { kind: 'question', body: '党费按什么比例交？' });
    };
    c.newPhoto = async () => {
      const r = await sa('POST', `/api/v1/sessions/${c.session.id}/photos`, { body: c.png, headers: { 'Content-Type': 'image/png' } });
      assert.equal(r.status, 201, `photo: ${r.status} ${r.text}`);
      return r.json;
    };
    let orderCourse = 0;
    // A course the trainee has never ordered (the demo's orders, open,
    // converted or declined, are left alone), and an open order of it.
    c.unordered = async () => {
      const mine = await c.as.trainee('GET', '/api/v1/me/orders?per_page=500');
      assert.equal(mine.status, 200, mine.text);
      const had = new Set(mine.json.items.map((i) => i.course_id));
      for (; orderCourse < c.courses.length; orderCourse++)
        if (!had.has(c.courses[orderCourse].id)) return c.courses[orderCourse++];
      assert.fail('the trainee has ordered every published course');
    };
    c.newOrder = async () => {
      const course = await c.unordered();
      return made(c.as.trainee, '/api/v1/orders', { course_id: course.id });
    };
    c.newSurvey = async ({ publish = false } = {}) => {
      const s = await made(sa, '/api/v1/surveys', { title: '新问卷', township_code: W, questions: [
        { kind: 'single', text: '时间', options: ['白天', '晚上'] },
        { kind: 'multi', text: '内容', options: ['政策', '技术'] },
        { kind: 'text', text: '建议', required: false }] });
      if (publish) await made(sa, `/api/v1/surveys/${s.id}/publish`, undefined, 200);
      return s;
    };
  }

  test('badinput-1.1 every write route of the route table has an entry', () => {
    const missing = WRITES.map(key).filter((k) => !ROUTES[k] && !FORMS[k]);
    assert.deepEqual(missing, [], `add these to ROUTES (or FORMS) in tests/api/badinput.test.mjs: ${missing.join(', ')}`);
  });

  test('badinput-1.2 the tables name only routes that exist, and TODO only their groups', () => {
    const have = new Set(WRITES.map(key));
    const stale = [...Object.keys(ROUTES), ...Object.keys(FORMS)].filter((k) => !have.has(k));
    assert.deepEqual(stale, [], 'entries for routes the binary does not have');
    const todo = Object.keys(TODO).filter((k) => !have.has(k.split(' ').slice(0, 2).join(' ')));
    assert.deepEqual(todo, [], 'TODO entries for routes the binary does not have');
  });

  const sent = { routes: 0, cases: 0, valid: 0 };
  for (const r of WRITES) {
    const k = key(r);
    const entry = ROUTES[k] || FORMS[k];
    if (!entry) continue;
    describe(k, () => {
      const res = { fields: [], control: [], bodies: [], oversized: [], ids: [] };
      const diff = {};
      let valid = null, setupError = null;
      before(async () => {
        try {
          await runRoute(r, entry, res, diff, (v) => { valid = v; });
        } catch (e) { setupError = e; }
      });
      const check = (group) => () => {
        if (group === 'fields' && !setupError) sent.routes++;
        if (setupError) throw setupError;
        const bad = res[group].filter((x) => x.problem);
        if (bad.length) assert.fail(`${bad.length} of ${res[group].length} refused wrongly:\n` +
          bad.slice(0, 25).map((x) => `  ${x.name}: ${x.problem}`).join('\n'));
        if (diff[group]) assert.fail(`the counts changed: ${diff[group]}`);
      };
      for (const g of ['fields', 'control', 'bodies', 'oversized', 'ids']) {
        const t = TODO[`${k} ${g}`];
        test(`${k} ${g}`, t ? { todo: t } : {}, check(g));
      }
      test(`${k} changes nothing`, () => {
        if (setupError) throw setupError;
        if (diff.main) assert.fail(`the counts changed: ${diff.main}`);
      });
      test(`${k} valid request`, TODO[`${k} valid`] ? { todo: TODO[`${k} valid`] } : {}, (t) => {
        if (setupError) throw setupError;
        assert.ok(valid, 'not sent');
        if (valid.skip) return t.skip(valid.skip);
        assert.ok(valid.ok, `the table's valid request got ${valid.status}: ${valid.text.slice(0, 300)}`);
      });
    });
  }

  test('badinput-1.3 the server wrote no sanitizer report and logged no error', () => {
    const lines = srv.stderr.split('\n').filter((l) =>
      /ERROR: AddressSanitizer|runtime error:|LeakSanitizer|^\S+ error /.test(l));
    assert.deepEqual(lines.slice(0, 30), []);
  });

  test('badinput-1.4 the count of routes and cases sent', (t) => {
    const msg = `${sent.routes} of ${WRITES.length} write routes, ${sent.cases} refused cases and ${sent.valid} valid requests`;
    t.diagnostic(msg);
    console.log(`badinput: ${msg}`);
    assert.equal(sent.routes, WRITES.length);
  });

  // Sends one route's cases and its valid request, in two rounds of a
  // fresh caller and fresh records each: the cases that fail today for a
  // reason another branch fixes (control characters) may change things,
  // and must not spoil the valid request or the other cases.
  async function runRoute(r, entry, res, diff, setValid) {
    const a = await runCases(r, entry, res, ['fields', 'bodies', 'ids', 'oversized']);
    diff.main = a.diff;
    if (entry.valid === null) setValid({ skip: entry.why });
    else {
      const v = await a.send({});
      sent.valid++;
      setValid({ ok: v.status === entry.valid, status: v.status, text: v.text });
    }
    const b = await runCases(r, entry, res, ['control']);
    diff.control = b.diff;
  }

  // Sends body with Transfer-Encoding: chunked, in 8 KB chunks, over a
  // socket of its own; answers like req().
  async function chunked(method, p, headers, body, as) {
    const u = new URL(base);
    const h = { ...headers, Host: u.host, 'Transfer-Encoding': 'chunked', Connection: 'close' };
    if (as) { h.Cookie = as.cookie; h['X-CSRF-Token'] = as.csrf; }
    const b = Buffer.from(body);
    const parts = [Buffer.from(`${method} ${p} HTTP/1.1\r\n` +
      Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n')];
    for (let i = 0; i < b.length; i += 8192) {
      const c = b.subarray(i, i + 8192);
      parts.push(Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from('0\r\n\r\n'));
    const x = await rawRequest(base, Buffer.concat(parts));
    return { status: x.status, headers: { get: (k) => x.headers[k.toLowerCase()] ?? null }, text: x.body, json: x.json };
  }

  // Sets up the route's caller and records, reads the counts, sends the
  // cases of the groups, and reads the counts again. Returns {diff, send}.
  async function runCases(r, entry, res, groups) {
    const as = entry.as === 'anonymous' ? null
      : typeof entry.as === 'function' ? await entry.as(ctx) : ctx.as[entry.as];
    const { params = [], body, query } = await entry.setup(ctx);
    const kind = entry.kind || 'json';
    const path = (ps, q) => {
      let i = 0;
      const p = r.pattern.replace(/\{\w+\}/g, () => encodeURIComponent(String(ps[i++])));
      return q ? `${p}?${formBody(q)}` : p;
    };
    const cases = [
      ...(kind === 'json' ? jsonCases(body) : kind === 'form' ? formCases(body)
        : kind === 'upload' ? uploadCases(entry) : kind === 'multipart' ? multipartCases(body) : []),
      ...idCases(r),
      ...(query ? queryCases(query) : []),
    ];
    const boundary = `----badinput${rand(6)}`;
    const send = (c) => {
      const headers = {};
      let b;
      if (kind !== 'none') {
        b = c.body !== undefined ? c.body
          : kind === 'json' ? JSON.stringify(strip(body)) : kind === 'form' ? formBody(body)
            : kind === 'multipart' ? multipart(body, boundary) : body;
        headers['Content-Type'] = c.type || (kind === 'form' ? 'application/x-www-form-urlencoded'
          : kind === 'upload' ? entry.type : kind === 'multipart' ? `multipart/form-data; boundary=${boundary}`
            : 'application/json');
        if (c.multipart) {
          b = multipart(c.multipart, boundary);
          headers['Content-Type'] = `multipart/form-data; boundary=${boundary}`;
        }
      }
      const p = path(c.id !== undefined ? [c.id, ...params.slice(1)] : params, c.query || query);
      if (c.chunked) return chunked(r.method, p, headers, b, as);
      return as ? as(r.method, p, { body: b, headers }) : req(base, r.method, p, { body: b, headers });
    };
    const judge = (c, x) => {
      // The ledger's forms go back to the session's page, the refusal in
      // its query: that is their 4xx.
      if (entry.refusal === 'ledger' && c.want.status === '4xx' && x.status === 303) {
        const loc = x.headers.get('location') || '';
        return /[?&]ledger=\w+/.test(loc) ? null : `303 to ${loc}, with no ?ledger= refusal`;
      }
      const ok = c.want.status === '4xx' ? x.status >= 400 && x.status < 500 : c.want.status.includes(x.status);
      if (!ok) return `want ${c.want.status === '4xx' ? 'a 4xx' : c.want.status.join(' or ')}, got ${x.status}: ` +
        x.text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').slice(0, 160);
      const ct = x.headers.get('content-type') || '';
      if (r.flags.includes('page')) {
        if (!/text\/html/.test(ct)) return `a page's refusal as ${ct}`;
        return null;
      }
      const e = x.json && x.json.error;
      if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || !e.message)
        return `not {"error":{"code","message"}}: ${x.text.slice(0, 160)}`;
      if (c.want.field && x.status === 422) {
        const f = c.want.field;
        if (entry.alias && entry.alias[f] === e.field) return null;
        const leaf = f.replace(/^.*[.\]]/, '').replace(/\[\d+\]$/, '');
        const top = f.replace(/[.[].*$/, '');
        if (![f, leaf, top].includes(e.field) && !(e.field && f.startsWith(e.field)))
          return `422 names field ${JSON.stringify(e.field)}, not ${f}`;
      }
      return null;
    };
    const run = async (groups) => {
      const todo = cases.filter((c) => groups.includes(c.group));
      let next = 0;
      await Promise.all([0, 1, 2, 3].map(async () => {
        while (next < todo.length) {
          const c = todo[next++];
          const x = await send(c);
          sent.cases++;
          res[c.group].push({ name: c.name, status: x.status, problem: judge(c, x) });
        }
      }));
    };
    const compare = (x, y) => Object.keys({ ...x, ...y }).filter((t) => x[t] !== y[t])
      .map((t) => `${t} ${x[t]} → ${y[t]}`).join(', ');
    const c0 = await counts();
    await run(groups);
    return { diff: compare(c0, await counts()), send };
  }
});

