// Questionnaires (需求调研, issue 4): an admin builds a survey of single,
// multiple and free-text questions, publishes it to a township or the
// county, trainees of its audience answer once, and the results are
// counted per choice, per township, and as .xlsx. Both databases.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, session, assertError, createUser, activate, rand } from './lib.mjs';

const A = '371723001', B = '371723002';

const questions = () => [
  { kind: 'single', text: '您最希望的培训时间', options: ['工作日白天', '工作日晚上', '周末'] },
  { kind: 'multi', text: '您想学哪些内容', options: ['政策法规', '种植养殖', '电商直播', '健康养生'] },
  { kind: 'text', text: '其他建议', required: false },
];

describe('surveys', () => {
  let srv, ca, sa, sa2, trainee, trainee2;
  before(async () => {
    srv = await startServer();
    let sys;
    [ca, sa, sa2, trainee, sys] = await Promise.all(
      ['county_admin', 'school_admin', 'school_admin2', 'trainee', 'sysadmin'].map((u) => session(srv.base, u)));
    // A trainee of the second township, on its roster.
    const people = (await ca('GET', `/api/v1/people?township=${B}&political_status=member&per_page=5`)).json.items;
    const name = `tr_${rand(3)}`;
    await createUser(sys, { username: name, password: 'Initial#2026x', role: 'trainee', township_code: B, person_id: people[3].id });
    trainee2 = await activate(srv.base, name, 'Initial#2026x', 'Final#2026xyz');
  });
  after(async () => { if (srv) await srv.stop(); });

  test('surveys-1.1 build, publish to a township, answer once on a phone, count the results', async () => {
    const c = await sa('POST', '/api/v1/surveys', { json: { title: '2027年培训需求调查', intro: '请如实填写', questions: questions() } });
    assert.equal(c.status, 201, c.text);
    const s = c.json;
    assert.equal(s.status, 'draft');
    assert.equal(s.township_code, A, 'a township admin\'s survey is its township\'s');
    assert.equal(s.questions, 3);
    assert.deepEqual(s.question_list.map((q) => q.kind), ['single', 'multi', 'text']);
    assert.deepEqual(s.question_list.map((q) => q.required), [true, true, false]);
    const [q1, q2, q3] = s.question_list;
    // A draft is not visible to trainees and cannot be answered.
    assert.ok(!(await trainee('GET', '/api/v1/me/surveys')).json.items.some((x) => x.id === s.id));
    assertError(await trainee('GET', `/api/v1/surveys/${s.id}`), 404, 'not_found');
    assertError(await trainee('POST', `/api/v1/surveys/${s.id}/responses`, { json: { answers: [] } }), 404, 'not_found');
    assertError(await sa2('POST', `/api/v1/surveys/${s.id}/publish`), 404, 'not_found');
    const p = await sa('POST', `/api/v1/surveys/${s.id}/publish`);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.status, 'published');
    assertError(await sa('POST', `/api/v1/surveys/${s.id}/publish`), 409, 'wrong_state');

    const open = (await trainee('GET', '/api/v1/me/surveys')).json.items.find((x) => x.id === s.id);
    assert.equal(open.answered, false);
    const g = await trainee('GET', `/api/v1/surveys/${s.id}`);
    assert.equal(g.status, 200);
    assert.equal(g.json.answered, false);
    assert.equal(g.json.responses, undefined, 'counts are for admins');
    assert.equal(g.json.question_list.length, 3);

    // Bad answers are refused and change nothing.
    const bad = [
      [{ question_id: q1.id, choice: 3 }, { question_id: q2.id, choices: [0] }], 'answers[0].choice',
      [{ question_id: q1.id, choice: '0' }, { question_id: q2.id, choices: [0] }], 'answers[0].choice',
      [{ question_id: q1.id, choice: 0 }], 'questions[1]',
      [{ question_id: q1.id, choice: 0 }, { question_id: q2.id, choices: [] }], 'questions[1]',
      [{ question_id: q1.id, choice: 0 }, { question_id: q2.id, choices: [1, 1] }], 'answers[1].choices[1]',
      [{ question_id: q1.id, choice: 0 }, { question_id: q2.id, choices: [4] }], 'answers[1].choices[0]',
      [{ question_id: q1.id, choice: 0 }, { question_id: q2.id, choice: 1 }], 'answers[1].choices',
      [{ question_id: q1.id, choice: 0 }, { question_id: q1.id, choice: 1 }], 'answers[1].question_id',
      [{ question_id: 99999999, choice: 0 }], 'answers[0].question_id',
      [{ question_id: q1.id, choice: 0 }, { question_id: q2.id, choices: [0] }, { question_id: q3.id, text: 'x'.repeat(501) }], 'answers[2].text',
      [{ question_id: q1.id, choice: 0 }, { question_id: q2.id, choices: [0] }, { question_id: q3.id, text: 5 }], 'answers[2].text',
      'nope', 'answers',
    ];
    for (let i = 0; i < bad.length; i += 2)
      assertError(await trainee('POST', `/api/v1/surveys/${s.id}/responses`, { json: { answers: bad[i] } }), 422, 'invalid_field', bad[i + 1]);
    assertError(await trainee('POST', `/api/v1/surveys/${s.id}/responses`, { body: '{', headers: { 'Content-Type': 'application/json' } }), 400, 'bad_json');
    assert.equal((await sa('GET', `/api/v1/surveys/${s.id}/results`)).json.responses, 0);

    const ok = await trainee('POST', `/api/v1/surveys/${s.id}/responses`, {
      json: { answers: [{ question_id: q1.id, choice: 2 }, { question_id: q2.id, choices: [1, 2] }, { question_id: q3.id, text: '希望多讲电商' }] },
    });
    assert.equal(ok.status, 201, ok.text);
    assertError(await trainee('POST', `/api/v1/surveys/${s.id}/responses`, {
      json: { answers: [{ question_id: q1.id, choice: 0 }, { question_id: q2.id, choices: [0] }] },
    }), 409, 'already_answered');
    assert.equal((await trainee('GET', '/api/v1/me/surveys')).json.items.find((x) => x.id === s.id).answered, true);
    assert.equal((await trainee('GET', `/api/v1/surveys/${s.id}`)).json.answered, true);
    // Another township's trainee is not the audience.
    assert.ok(!(await trainee2('GET', '/api/v1/me/surveys')).json.items.some((x) => x.id === s.id));
    assertError(await trainee2('GET', `/api/v1/surveys/${s.id}`), 404, 'not_found');
    assertError(await trainee2('POST', `/api/v1/surveys/${s.id}/responses`, {
      json: { answers: [{ question_id: q1.id, choice: 0 }, { question_id: q2.id, choices: [0] }] },
    }), 403, 'not_in_audience');

    const r = await sa('GET', `/api/v1/surveys/${s.id}/results`);
    assert.equal(r.status, 200);
    assert.equal(r.json.responses, 1);
    const [r1, r2, r3] = r.json.question_list;
    assert.deepEqual(r1.options, [{ label: '工作日白天', count: 0 }, { label: '工作日晚上', count: 0 }, { label: '周末', count: 1 }]);
    assert.deepEqual(r2.options.map((o) => o.count), [0, 1, 1, 0]);
    assert.equal(r2.answered, 1);
    assert.deepEqual(r3.answers, [{ text: '希望多讲电商', township: '文亭街道' }]);
    assertError(await sa2('GET', `/api/v1/surveys/${s.id}/results`), 404, 'not_found');
    assertError(await trainee('GET', `/api/v1/surveys/${s.id}/results`), 403, 'forbidden');
    assertError(await sa('GET', `/api/v1/surveys/${s.id}/results?township=${B}`), 403, 'forbidden_township');
    assert.equal((await ca('GET', `/api/v1/surveys/${s.id}/results`)).json.responses, 1);

    const x = await fetch(`${srv.base}/api/v1/surveys/${s.id}/results.xlsx`, { headers: { Cookie: sa.cookie } });
    assert.equal(x.status, 200);
    assert.match(x.headers.get('content-type'), /spreadsheetml/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dx-survey-'));
    try {
      fs.writeFileSync(path.join(dir, 's.xlsx'), Buffer.from(await x.arrayBuffer()));
      execFileSync('unzip', ['-q', 's.xlsx', '-d', 'x'], { cwd: dir });
      const strings = fs.readFileSync(path.join(dir, 'x/xl/sharedStrings.xml'), 'utf8');
      for (const t of ['答卷人数', '您最希望的培训时间', '周末', '100.0%', '0.0%', '电商直播', '希望多讲电商', '文亭街道'])
        assert.ok(strings.includes(t), `${t} is in the sheet`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const cl = await sa('POST', `/api/v1/surveys/${s.id}/close`);
    assert.equal(cl.status, 200, cl.text);
    assert.equal(cl.json.status, 'closed');
    assertError(await sa('POST', `/api/v1/surveys/${s.id}/close`), 409, 'wrong_state');
    assert.ok(!(await trainee('GET', '/api/v1/me/surveys')).json.items.some((x) => x.id === s.id));
  });

  test('surveys-1.2 a county survey: every township answers, results per township', async () => {
    const c = await ca('POST', '/api/v1/surveys', { json: { title: `全县需求调查 ${rand(2)}`, questions: questions().slice(0, 1) } });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.json.township_code, null);
    const id = c.json.id, q = c.json.question_list[0].id;
    assertError(await sa('POST', `/api/v1/surveys/${id}/publish`), 403, 'forbidden_township');
    assert.equal((await ca('POST', `/api/v1/surveys/${id}/publish`)).status, 200);
    // A township admin sees the county's survey in its list.
    assert.ok((await sa('GET', '/api/v1/surveys')).json.items.some((x) => x.id === id));
    assert.ok(!(await sa2('GET', '/api/v1/surveys')).json.items.some((x) => x.status === 'draft' && x.township_code === A));
    for (const [who, choice] of [[trainee, 0], [trainee2, 1]]) {
      const r = await who('POST', `/api/v1/surveys/${id}/responses`, { json: { answers: [{ question_id: q, choice }] } });
      assert.equal(r.status, 201, r.text);
    }
    const all = (await ca('GET', `/api/v1/surveys/${id}/results`)).json;
    assert.equal(all.responses, 2);
    assert.deepEqual(all.question_list[0].options.map((o) => o.count), [1, 1, 0]);
    const b = (await ca('GET', `/api/v1/surveys/${id}/results?township=${B}`)).json;
    assert.equal(b.responses, 1);
    assert.deepEqual(b.question_list[0].options.map((o) => o.count), [0, 1, 0]);
    // A township admin counts its own township's respondents only.
    const mine = (await sa('GET', `/api/v1/surveys/${id}/results`)).json;
    assert.equal(mine.responses, 1);
    assert.deepEqual(mine.question_list[0].options.map((o) => o.count), [1, 0, 0]);
    assert.equal((await sa('GET', `/api/v1/surveys/${id}`)).json.responses, 1);
    assertError(await sa('POST', `/api/v1/surveys/${id}/close`), 403, 'forbidden_township');

    // A closed survey takes no more answers.
    const c2 = await ca('POST', '/api/v1/surveys', { json: { title: '已结束的调查', questions: questions().slice(0, 1), closes_at: '2099-01-01T00:00' } });
    assert.equal(c2.status, 201, c2.text);
    assert.match(c2.json.closes_at, /^2098-12-31T16:00:00Z$/);
    assert.equal((await ca('POST', `/api/v1/surveys/${c2.json.id}/publish`)).status, 200);
    assert.equal((await ca('POST', `/api/v1/surveys/${c2.json.id}/close`)).status, 200);
    assertError(await trainee('POST', `/api/v1/surveys/${c2.json.id}/responses`,
      { json: { answers: [{ question_id: c2.json.question_list[0].id, choice: 0 }] } }), 409, 'survey_closed');
  });

  test('surveys-1.3 a bad definition is refused and creates nothing', async () => {
    const before = (await ca('GET', '/api/v1/surveys')).json.items.length;
    const q = questions();
    const bad = [
      [{ questions: q }, 'missing_field', 'title'],
      [{ title: '', questions: q }, 'invalid_field', 'title'],
      [{ title: 'x'.repeat(65), questions: q }, 'invalid_field', 'title'],
      [{ title: 't' }, 'invalid_field', 'questions'],
      [{ title: 't', questions: [] }, 'invalid_field', 'questions'],
      [{ title: 't', questions: Array(31).fill(q[2]) }, 'invalid_field', 'questions'],
      [{ title: 't', questions: [{ ...q[0], kind: 'rank' }] }, 'invalid_field', 'questions[0].kind'],
      [{ title: 't', questions: [q[2], { ...q[0], text: '' }] }, 'invalid_field', 'questions[1].text'],
      [{ title: 't', questions: [{ ...q[0], options: ['只有一个'] }] }, 'invalid_field', 'questions[0].options'],
      [{ title: 't', questions: [{ ...q[1], options: ['a', 'b', 'a'] }] }, 'invalid_field', 'questions[0].options[2]'],
      [{ title: 't', questions: [{ ...q[1], options: ['a', 7] }] }, 'invalid_field', 'questions[0].options[1]'],
      [{ title: 't', questions: [{ ...q[2], options: ['a', 'b'] }] }, 'invalid_field', 'questions[0].options'],
      [{ title: 't', questions: [{ ...q[2], required: 'yes' }] }, 'invalid_field', 'questions[0].required'],
      [{ title: 't', questions: ['q'] }, 'invalid_field', 'questions[0]'],
      [{ title: 't', questions: q, township_code: '999999999' }, 'invalid_field', 'township_code'],
      [{ title: 't', questions: q, closes_at: '2020-01-01T00:00' }, 'invalid_field', 'closes_at'],
      [{ title: 't', questions: q, closes_at: 'tomorrow' }, 'invalid_field', 'closes_at'],
    ];
    for (const [body, code, field] of bad)
      assertError(await ca('POST', '/api/v1/surveys', { json: body }), 422, code, field);
    assertError(await sa2('POST', '/api/v1/surveys', { json: { title: 't', questions: q, township_code: A } }), 403, 'forbidden_township');
    assertError(await trainee('POST', '/api/v1/surveys', { json: { title: 't', questions: q } }), 403, 'forbidden');
    assertError(await ca('POST', '/api/v1/surveys', { body: 'not json', headers: { 'Content-Type': 'application/json' } }), 400, 'bad_json');
    assertError(await ca('GET', '/api/v1/surveys/abc'), 404, 'not_found');
    assertError(await ca('GET', '/api/v1/surveys/99999999/results'), 404, 'not_found');
    assert.equal((await ca('GET', '/api/v1/surveys')).json.items.length, before);
  });
  test('surveys-1.4 the demo county\'s needs survey: single choices add up to the respondents, townships to the county', async () => {
    const demo = (await ca('GET', '/api/v1/surveys')).json.items.find((x) => /需求调查$/.test(x.title) && x.township_code === null && x.status === 'published');
    assert.ok(demo, 'the demo publishes a county survey');
    const all = (await ca('GET', `/api/v1/surveys/${demo.id}/results`)).json;
    assert.ok(all.responses > 0);
    for (const q of all.question_list.filter((x) => x.kind === 'single')) {
      assert.equal(q.answered, all.responses, 'a required question is answered by everyone');
      assert.equal(q.options.reduce((n, o) => n + o.count, 0), all.responses);
    }
    let sum = 0;
    for (const t of ['371723001', '371723002']) sum += (await ca('GET', `/api/v1/surveys/${demo.id}/results?township=${t}`)).json.responses;
    assert.equal((await sa('GET', `/api/v1/surveys/${demo.id}/results`)).json.responses
      + (await sa2('GET', `/api/v1/surveys/${demo.id}/results`)).json.responses, sum);
  });

  test('surveys-1.5 the list honours township=: that township\'s people\'s surveys, within the caller\'s scope', async () => {
    const mk = async (who, title) => {
      const r = await who('POST', '/api/v1/surveys', { json: { title, questions: questions() } });
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    const a = await mk(sa, '文亭问卷' + rand(2));
    const b = await mk(sa2, '永昌问卷' + rand(2));
    const c = await mk(ca, '全县问卷' + rand(2));
    const ids = (r) => r.json.items.map((x) => x.id);
    const all = await ca('GET', '/api/v1/surveys');
    assert.ok([a.id, b.id, c.id].every((id) => ids(all).includes(id)));
    const onlyB = await ca('GET', `/api/v1/surveys?township=${B}`);
    assert.equal(onlyB.status, 200, onlyB.text);
    assert.ok(ids(onlyB).includes(b.id) && ids(onlyB).includes(c.id));
    assert.ok(!ids(onlyB).includes(a.id), 'another township\'s survey in the filtered list');
    assert.ok(onlyB.json.items.every((x) => x.township_code === null || x.township_code === B));
    assert.ok(onlyB.json.total < all.json.total);
    // A school admin: its own township only.
    assert.deepEqual(ids(await sa(`GET`, `/api/v1/surveys?township=${A}`)), ids(await sa('GET', '/api/v1/surveys')));
    assertError(await sa('GET', `/api/v1/surveys?township=${B}`), 403, 'forbidden_township');
  });
});
