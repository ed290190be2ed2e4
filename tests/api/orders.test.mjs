// Course orders (线上点单, issue 4): a trainee orders catalog courses, the
// school sees demand ranked by course, one action turns a course's orders
// into a themed class with the orderers enrolled, an order can be declined
// with a reason, and the trainee sees each outcome. Both databases.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, session, assertError, assertList } from './lib.mjs';

describe('orders', () => {
  let srv, ca, sa, sa2, trainee, school, otherSchool, courses;
  before(async () => {
    srv = await startServer();
    [ca, sa, sa2, trainee] = await Promise.all(
      ['county_admin', 'school_admin', 'school_admin2', 'trainee'].map((u) => session(srv.base, u)));
    const schools = (await ca('GET', '/api/v1/schools')).json.items;
    school = schools.find((s) => s.township_code === '371723001');
    otherSchool = schools.find((s) => s.township_code === '371723002');
    // Courses the demo trainee has no open order for yet.
    const mine = new Set((await trainee('GET', '/api/v1/me/orders')).json.items
      .filter((o) => o.status === 'open').map((o) => o.course_id));
    courses = (await trainee('GET', '/api/v1/courses?per_page=50')).json.items.filter((c) => !mine.has(c.id));
  });
  after(async () => { if (srv) await srv.stop(); });

  test('orders-1.1 order, rank, convert into a themed class; the orderer sees the class', async () => {
    const demand = async () => new Map((await sa('GET', `/api/v1/orders?school_id=${school.id}`)).json.items
      .map((x) => [x.course_id, x.orders]));
    const before = await demand();
    const o1 = await trainee('POST', '/api/v1/orders', { json: { course_id: courses[0].id, note: '想学' } });
    assert.equal(o1.status, 201, o1.text);
    const o2 = await trainee('POST', '/api/v1/orders', { json: { course_id: courses[1].id } });
    assert.equal(o2.status, 201, o2.text);
    assertError(await trainee('POST', '/api/v1/orders', { json: { course_id: courses[0].id } }), 409, 'already_ordered');
    assertError(await trainee('POST', '/api/v1/orders', { json: { course_id: 99999999 } }), 422, 'invalid_field', 'course_id');
    assertError(await trainee('POST', '/api/v1/orders', { json: {} }), 422, 'missing_field', 'course_id');
    const d = await sa('GET', `/api/v1/orders?school_id=${school.id}`);
    assertList(d, { perPage: d.json.items.length });
    // Ranked by demand, most first; each course counts its open orders.
    const counts = d.json.items.map((x) => x.orders);
    assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
    const after = await demand();
    for (const c of courses.slice(0, 2)) assert.equal(after.get(c.id), (before.get(c.id) || 0) + 1);
    assertError(await sa2('GET', `/api/v1/orders?school_id=${school.id}`), 404, 'not_found');
    // The county admin sees every school's demand, and can pick one.
    const all = await ca('GET', '/api/v1/orders');
    assert.equal(all.status, 200, all.text);
    assert.ok(new Set(all.json.items.map((x) => x.township_code)).size > 1, 'more than one township');
    const ours = all.json.items.filter((x) => x.township_code === school.township_code);
    assert.deepEqual((await ca('GET', `/api/v1/orders?township=${school.township_code}`)).json.items, ours);
    assertError(await sa('GET', '/api/v1/orders?township=371723002'), 403, 'forbidden_township');
    assertError(await ca('GET', '/api/v1/orders?from=2026-13-01'), 400, 'invalid_param', 'from');
    const c = await sa('POST', '/api/v1/orders/convert', { json: { course_id: courses[0].id, school_id: school.id } });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.json.type, 'themed_class');
    assert.equal(c.json.accepted, after.get(courses[0].id));
    const roster = await sa('GET', `/api/v1/sessions/${c.json.session_id}/roster`);
    assert.equal(roster.json.items.length, c.json.accepted);
    assert.ok(roster.json.items.some((x) => x.person_id === trainee.user.person_id));
    assert.ok(roster.json.items.every((x) => x.status === 'enrolled'));
    const mine = await trainee('GET', '/api/v1/me/orders');
    const first = mine.json.items.find((x) => x.id === o1.json.id);
    assert.equal(first.status, 'accepted');
    assert.equal(first.program_id, c.json.id);
    assert.equal(first.session_id, c.json.session_id);
    // No open orders left for that course: converting again is refused.
    assertError(await sa('POST', '/api/v1/orders/convert', { json: { course_id: courses[0].id, school_id: school.id } }),
      409, 'no_open_orders');
    assertError(await sa('POST', '/api/v1/orders/convert', { json: { course_id: courses[1].id, school_id: otherSchool.id } }),
      404, 'not_found');
    assertError(await sa('POST', '/api/v1/orders/convert', { json: { course_id: courses[1].id, school_id: school.id, starts_at: 'soon' } }),
      422, 'invalid_field', 'starts_at');
    // Ordering the course again after the class is allowed.
    assert.equal((await trainee('POST', '/api/v1/orders', { json: { course_id: courses[0].id } })).status, 201);
  });

  test('orders-1.2 a declined order carries its reason to the orderer', async () => {
    const mine = (await trainee('GET', '/api/v1/me/orders')).json.items;
    const open = mine.find((x) => x.status === 'open' && x.course_id === courses[1].id);
    assertError(await sa('POST', `/api/v1/orders/${open.id}/decline`, { json: {} }), 422, 'missing_field', 'reason');
    assertError(await sa2('POST', `/api/v1/orders/${open.id}/decline`, { json: { reason: 'x' } }), 404, 'not_found');
    const r = await sa('POST', `/api/v1/orders/${open.id}/decline`, { json: { reason: '本季度已安排同类课程' } });
    assert.equal(r.status, 204, r.text);
    const after = (await trainee('GET', '/api/v1/me/orders')).json.items.find((x) => x.id === open.id);
    assert.equal(after.status, 'declined');
    assert.equal(after.reason, '本季度已安排同类课程');
    assertError(await sa('POST', `/api/v1/orders/${open.id}/decline`, { json: { reason: 'again' } }), 404, 'not_found');
    const rep = await ca('GET', '/api/v1/reports/county');
    assert.ok(rep.json.orders >= 3, rep.text);
  });
});
