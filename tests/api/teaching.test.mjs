// Schools, rooms, the 四有 check, the teacher pool "11+N" and the course
// catalog (issue 4, first part), on both databases: each flow, township
// scope, and the bad paths, which answer 4xx and change nothing.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, session, assertError, assertList, createUser, activate, rand } from './lib.mjs';

const W = '371723001'; // school_admin's township
const Y = '371723002'; // school_admin2's

describe('teaching catalog', () => {
  let srv, ca, sa, sa2, trainee, teacher, sys, aud;
  let wSchool, ySchool;
  before(async () => {
    srv = await startServer();
    [ca, sa, sa2, trainee, teacher, sys, aud] = await Promise.all(
      ['county_admin', 'school_admin', 'school_admin2', 'trainee', 'teacher', 'sysadmin', 'auditor']
        .map((u) => session(srv.base, u)));
    const all = (await ca('GET', '/api/v1/schools')).json.items;
    wSchool = all.find((s) => s.township_code === W);
    ySchool = all.find((s) => s.township_code === Y);
  });
  after(async () => { if (srv) await srv.stop(); });

  test('teaching-1.1 the demo county: 13 schools, 6 modules, 146 published courses, the 11+N view', async () => {
    const s = await ca('GET', '/api/v1/schools');
    assertList(s);
    assert.equal(s.json.total, 13);
    // Every school counts its county teachers; those under 11 are flagged.
    for (const x of s.json.items) assert.equal(x.pool_short, x.county_teachers < 11, JSON.stringify(x));
    assert.deepEqual(s.json.items.filter((x) => x.pool_short).map((x) => x.county_teachers).sort(), [8, 9]);
    // The count is of records: the teachers list of a school agrees.
    for (const x of s.json.items.slice(0, 3)) {
      const t = await ca('GET', `/api/v1/teachers?school_id=${x.id}&level=county&per_page=100`);
      assert.equal(t.json.total, x.county_teachers);
      assert.ok(t.json.items.every((y) => y.level === 'county' && y.school_ids.includes(x.id)));
    }
    const m = await trainee('GET', '/api/v1/modules');
    assert.deepEqual(m.json.items.map((x) => x.code),
      ['politics', 'policy_law', 'theory', 'rural_revitalization', 'professional', 'health']);
    const c = await trainee('GET', '/api/v1/courses?per_page=500');
    assert.equal(c.json.total, 146);
    assert.ok(c.json.items.every((x) => x.published && x.teacher_ids.length >= 1));
    const fmt = new Set(c.json.items.map((x) => x.format));
    assert.ok(fmt.has('lecture') && fmt.has('seminar') && fmt.has('online'));
    assert.equal((await ca('GET', '/api/v1/courses?module=health&per_page=1')).json.total,
      c.json.items.filter((x) => x.module_code === 'health').length);
  });

  test('teaching-1.2 a school admin sees and changes only its own school', async () => {
    const mine = await sa('GET', '/api/v1/schools');
    assert.deepEqual(mine.json.items.map((x) => x.township_code), [W]);
    assertError(await sa('GET', `/api/v1/schools?township=${Y}`), 403, 'forbidden_township');
    assertError(await sa('GET', `/api/v1/schools/${ySchool.id}`), 404, 'not_found');
    assertError(await sa('PATCH', `/api/v1/schools/${ySchool.id}`, { json: { name: 'x' } }), 404, 'not_found');
    assertError(await sa('POST', `/api/v1/schools/${ySchool.id}/rooms`, { json: { name: 'x', kind: 'reading' } }),
      404, 'not_found');
    const p = await sa('PATCH', `/api/v1/schools/${wSchool.id}`, { json: { address: '文亭街道新华路1号' } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.address, '文亭街道新华路1号');
    assert.equal(p.json.name, wSchool.name);
    assertError(await sa('POST', '/api/v1/schools', { json: { township_code: W, name: 'x' } }), 403, 'forbidden');
    assertError(await sys('GET', '/api/v1/schools'), 403, 'forbidden');
    assertError(await aud('GET', '/api/v1/courses'), 403, 'forbidden');
  });

  test('teaching-1.3 rooms by kind and the yearly 四有 check', async () => {
    const before = (await sa('GET', `/api/v1/schools/${wSchool.id}`)).json.rooms;
    const r = await sa('POST', `/api/v1/schools/${wSchool.id}/rooms`, { json: { name: '第二阅览室', kind: 'reading', capacity: 30 } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.kind_name, '阅览室');
    assert.equal(r.json.capacity, 30);
    assertError(await sa('POST', `/api/v1/schools/${wSchool.id}/rooms`, { json: { name: '泳池', kind: 'pool' } }),
      422, 'invalid_field', 'kind');
    assertError(await sa('POST', `/api/v1/schools/${wSchool.id}/rooms`, { json: { kind: 'reading' } }),
      422, 'missing_field', 'name');
    assertError(await sa('POST', `/api/v1/schools/${wSchool.id}/rooms`, { json: { name: 'x', kind: 'reading', capacity: 0 } }),
      422, 'invalid_field', 'capacity');
    const s = await sa('GET', `/api/v1/schools/${wSchool.id}`);
    assert.equal(s.json.rooms, before + 1);
    assert.equal(s.json.room_list.length, before + 1);

    const check = { year: 2026, fixed_site: true, teachers: true, equipment: true, books: false, note: '书籍不足千册' };
    const c = await sa('POST', `/api/v1/schools/${wSchool.id}/checks`, { json: check });
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.standard, false);
    assert.equal(c.json.checked_by, 'school_admin');
    assert.match(c.json.checked_at, /^\d{4}-\d\d-\d\dT/);
    // The same year again replaces the check.
    const c2 = await sa('POST', `/api/v1/schools/${wSchool.id}/checks`, { json: { ...check, books: true, note: '' } });
    assert.equal(c2.json.standard, true);
    const got = await sa('GET', `/api/v1/schools/${wSchool.id}`);
    assert.equal(got.json.checks.length, 1);
    assertError(await sa('POST', `/api/v1/schools/${wSchool.id}/checks`, { json: { ...check, year: 1999 } }),
      422, 'invalid_field', 'year');
    assertError(await sa('POST', `/api/v1/schools/${wSchool.id}/checks`, { json: { ...check, books: 'yes' } }),
      422, 'invalid_field', 'books');
    const a = await aud('GET', `/api/v1/audit?event=school_check&object=school:${wSchool.id}`);
    assert.equal(a.json.total, 2);
  });

  test('teaching-1.4 the county founds a school once per township', async () => {
    assertError(await ca('POST', '/api/v1/schools', { json: { township_code: W, name: '又一所' } }),
      422, 'invalid_field', 'township_code');
    assertError(await ca('POST', '/api/v1/schools', { json: { township_code: '999999999', name: 'x' } }),
      422, 'invalid_field', 'township_code');
    assertError(await ca('POST', '/api/v1/schools', { json: { township_code: W } }), 422, 'missing_field', 'name');
    assertError(await ca('POST', '/api/v1/schools', { body: 'nope', headers: { 'Content-Type': 'application/json' } }),
      400, 'bad_json');
    assert.equal((await ca('GET', '/api/v1/schools')).json.total, 13);
  });

  test('teaching-1.5 teachers: the county keeps county teachers, a school admin its own', async () => {
    const t = await ca('POST', '/api/v1/teachers', {
      json: { name: '周讲师', level: 'county', title: '县委党校讲师', modules: ['politics', 'theory'], school_ids: [wSchool.id, ySchool.id] },
    });
    assert.equal(t.status, 201, t.text);
    assert.deepEqual(t.json.modules, ['politics', 'theory']);
    assert.deepEqual(t.json.school_ids.sort((a, b) => a - b), [wSchool.id, ySchool.id].sort((a, b) => a - b));
    const after = (await ca('GET', `/api/v1/schools/${wSchool.id}`)).json.county_teachers;
    assert.equal(after, wSchool.county_teachers + 1);

    const own = await sa('POST', '/api/v1/teachers', {
      json: { name: '王农技', level: 'township', modules: ['rural_revitalization'], school_ids: [wSchool.id] },
    });
    assert.equal(own.status, 201, own.text);
    assert.equal(own.json.township_code, W);
    assertError(await sa('POST', '/api/v1/teachers', { json: { name: 'x', level: 'county' } }), 403, 'forbidden');
    assertError(await sa('POST', '/api/v1/teachers', { json: { name: 'x', level: 'township', school_ids: [ySchool.id] } }),
      404, 'not_found');
    assertError(await sa('POST', '/api/v1/teachers', { json: { name: 'x', level: 'township', township_code: Y } }),
      403, 'forbidden_township');
    for (const [body, field] of [
      [{ name: 'x', level: 'famous' }, 'level'],
      [{ name: 'x', level: 'township' }, 'township_code'],
      [{ name: 'x', level: 'county', modules: ['cooking'] }, 'modules'],
      [{ name: 'x', level: 'county', modules: 'politics' }, 'modules'],
      [{ name: 'x', level: 'county', school_ids: [999999] }, 'school_ids'],
      [{ name: 'x', level: 'county', school_ids: [1, 1] }, 'school_ids'],
      [{ name: '', level: 'county' }, 'name'],
    ]) assertError(await ca('POST', '/api/v1/teachers', { json: body }), 422, 'invalid_field', field);
    const mine = await sa('GET', '/api/v1/teachers?per_page=500');
    assert.ok(mine.json.items.some((x) => x.id === own.json.id));
    assert.ok(mine.json.items.every((x) => x.township_code === W || x.school_ids.includes(wSchool.id)));
    const other = await sa2('GET', '/api/v1/teachers?per_page=500');
    assert.ok(!other.json.items.some((x) => x.id === own.json.id));
    // A teacher reads its own record only (teaching-1.8).
    assertError(await teacher('GET', `/api/v1/teachers/${t.json.id}`), 404, 'not_found');
    assertError(await trainee('GET', '/api/v1/teachers'), 403, 'forbidden');
    assertError(await ca('GET', '/api/v1/teachers?level=famous'), 400, 'invalid_param', 'level');
    assertError(await ca('GET', '/api/v1/teachers/99999999'), 404, 'not_found');
  });

  test('teaching-1.6 courses: 学时 in halves, formats, teachers; unpublished is for admins only', async () => {
    const t = (await ca('GET', '/api/v1/teachers?level=county&module=health&per_page=1')).json.items[0];
    const c = await ca('POST', '/api/v1/courses', {
      json: { title: '冬季常见病防治', module_code: 'health', hours: 1.5, format: 'lecture', teacher_ids: [t.id],
        description: '流感、心脑血管病的预防', published: false },
    });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.json.hours, 1.5);
    assert.equal(c.json.published, false);
    assertError(await trainee('GET', `/api/v1/courses/${c.json.id}`), 404, 'not_found');
    assert.ok(!(await trainee('GET', '/api/v1/courses?per_page=500')).json.items.some((x) => x.id === c.json.id));
    assert.ok((await sa('GET', '/api/v1/courses?q=' + encodeURIComponent('冬季常见病'))).json.total === 1);
    const p = await ca('PATCH', `/api/v1/courses/${c.json.id}`, { json: { published: true } });
    assert.equal(p.json.published, true);
    assert.equal((await trainee('GET', `/api/v1/courses/${c.json.id}`)).status, 200);
    const byTeacher = await ca('GET', `/api/v1/courses?teacher_id=${t.id}&per_page=500`);
    assert.ok(byTeacher.json.items.some((x) => x.id === c.json.id));

    const total = (await ca('GET', '/api/v1/courses?per_page=1')).json.total;
    const base = { title: '某课', module_code: 'health', hours: 2, format: 'lecture' };
    for (const [body, code, field] of [
      [{ ...base, hours: 0.3 }, 'invalid_field', 'hours'],
      [{ ...base, hours: 0 }, 'invalid_field', 'hours'],
      [{ ...base, hours: 41 }, 'invalid_field', 'hours'],
      [{ ...base, hours: '2' }, 'invalid_field', 'hours'],
      [{ ...base, module_code: 'cooking' }, 'invalid_field', 'module_code'],
      [{ ...base, format: 'podcast' }, 'invalid_field', 'format'],
      [{ ...base, teacher_ids: [99999999] }, 'invalid_field', 'teacher_ids'],
      [{ ...base, published: 'yes' }, 'invalid_field', 'published'],
      [{ module_code: 'health', hours: 2, format: 'lecture' }, 'missing_field', 'title'],
    ]) assertError(await ca('POST', '/api/v1/courses', { json: body }), 422, code, field);
    assertError(await sa('POST', '/api/v1/courses', { json: base }), 403, 'forbidden');
    assertError(await ca('PATCH', '/api/v1/courses/99999999', { json: { published: true } }), 404, 'not_found');
    assertError(await ca('PATCH', `/api/v1/courses/${c.json.id}`, { json: {} }), 422, 'missing_field', 'published');
    assert.equal((await ca('GET', '/api/v1/courses?per_page=1')).json.total, total);
  });
  test('teaching-1.8 who reads a teacher: a school admin the county\'s, invited and its own; a teacher itself', async () => {
    const county = await ca('POST', '/api/v1/teachers', { json: { name: '县讲师甲', level: 'county', modules: ['health'] } });
    const invitedCounty = await ca('POST', '/api/v1/teachers', { json: { name: '特邀专家', level: 'invited', modules: ['policy_law'] } });
    const ownW = await sa('POST', '/api/v1/teachers', { json: { name: '文亭土专家', level: 'township', modules: ['rural_revitalization'] } });
    const ownY = await sa2('POST', '/api/v1/teachers', { json: { name: '永昌土专家', level: 'township', modules: ['rural_revitalization'] } });
    const invitedY = await sa2('POST', '/api/v1/teachers', { json: { name: '永昌特邀', level: 'invited', modules: ['health'] } });
    for (const r of [county, invitedCounty, ownW, ownY, invitedY]) assert.equal(r.status, 201, r.text);
    assert.equal(invitedY.json.township_code, Y);
    // The school admin of 文亭: the county's, the county's invited, its own.
    for (const r of [county, invitedCounty, ownW]) {
      const g = await sa('GET', `/api/v1/teachers/${r.json.id}`);
      assert.equal(g.status, 200, `${r.json.name}: ${g.text}`);
      assert.ok(g.json.rating, 'with its ratings');
    }
    // Another township's own and invited teachers do not exist for it.
    for (const r of [ownY, invitedY]) {
      assertError(await sa('GET', `/api/v1/teachers/${r.json.id}`), 404, 'not_found');
      const page = await sa('GET', `/teachers/${r.json.id}`);
      assert.equal(page.status, 404, `page /teachers/${r.json.id}: ${page.status}`);
      assert.doesNotMatch(page.text, new RegExp(r.json.name));
    }
    assert.equal((await sa('GET', `/teachers/${county.json.id}`)).status, 200);
    assert.equal((await sa2('GET', `/api/v1/teachers/${ownY.json.id}`)).status, 200);
    assertError(await sa2('GET', `/api/v1/teachers/${ownW.json.id}`), 404, 'not_found');
    // The county admin reads all.
    for (const r of [county, invitedCounty, ownW, ownY, invitedY])
      assert.equal((await ca('GET', `/api/v1/teachers/${r.json.id}`)).status, 200);
    // A teacher: its own record and ratings, no one else's.
    const me = (await teacher('GET', '/api/v1/me/teaching')).json;
    const own = await teacher('GET', `/api/v1/teachers/${me.id}`);
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(own.json.rating, me.rating);
    for (const r of [county, invitedCounty, ownW])
      assertError(await teacher('GET', `/api/v1/teachers/${r.json.id}`), 404, 'not_found');
    const list = await teacher('GET', '/api/v1/teachers?per_page=500');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.items.map((x) => x.id), [me.id]);
    assert.equal((await teacher('GET', '/teachers/' + me.id)).status, 403);
  });

  test('teaching-1.7 a teacher sees its own rating aggregates, never a single rating', async () => {
    const me = await teacher('GET', '/api/v1/me/teaching');
    assert.equal(me.status, 200, me.text);
    assert.ok(me.json.rating.evaluations >= 10, 'the demo teacher is the busiest of the pool');
    assert.deepEqual(Object.keys(me.json.rating).sort(),
      ['evaluations', 'excellence_rate', 'excellent', 'mean', 'ranked_mean', 'too_few']);
    const same = await ca('GET', `/api/v1/teachers/${me.json.id}`);
    assert.deepEqual(same.json.rating, me.json.rating);
    // Its sessions, by the list's teacher filter.
    const mine = await ca('GET', `/api/v1/sessions?teacher_id=${me.json.id}&from=2000-01-01&per_page=100`);
    assert.ok(mine.json.total > 0);
    assert.ok(mine.json.items.every((x) => x.teacher_id === me.json.id));
    assertError(await trainee('GET', '/api/v1/me/teaching'), 403, 'forbidden');
    // A new teacher account sees nothing until an admin links it.
    const name = `t_${rand(3)}`;
    const u = await createUser(sys, { username: name, password: 'Initial#2026x', role: 'teacher', township_code: W });
    const t2 = await activate(srv.base, name, 'Initial#2026x', 'Final#2026xyz');
    assertError(await t2('GET', '/api/v1/me/teaching'), 403, 'no_teacher');
    const own = (await sa('GET', `/api/v1/teachers?level=township&per_page=100`)).json.items.find((x) => x.township_code === W);
    assertError(await sa2('POST', `/api/v1/teachers/${own.id}/account`, { json: { user_id: u.id } }), 403, 'forbidden_township');
    assertError(await sa('POST', `/api/v1/teachers/${own.id}/account`, { json: { user_id: trainee.user.id } }), 422, 'invalid_field', 'user_id');
    assertError(await sa('POST', `/api/v1/teachers/${own.id}/account`, { json: {} }), 422, 'missing_field', 'user_id');
    assertError(await sa('POST', '/api/v1/teachers/99999999/account', { json: { user_id: u.id } }), 404, 'not_found');
    assertError(await t2('GET', '/api/v1/me/teaching'), 403, 'no_teacher');
    const l = await sa('POST', `/api/v1/teachers/${own.id}/account`, { json: { user_id: u.id } });
    assert.equal(l.status, 200, l.text);
    const now = await t2('GET', '/api/v1/me/teaching');
    assert.equal(now.status, 200);
    assert.equal(now.json.id, own.id);
    // An account is one teacher's: linking it to another moves it.
    const next = (await sa('GET', `/api/v1/teachers?level=township&per_page=100`)).json.items.find((x) => x.township_code === W && x.id !== own.id);
    assert.equal((await sa('POST', `/api/v1/teachers/${next.id}/account`, { json: { user_id: u.id } })).status, 200);
    assert.equal((await t2('GET', '/api/v1/me/teaching')).json.id, next.id);
  });
});
