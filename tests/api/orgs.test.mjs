// Villages and Party organisations: create, list, edit, void with a
// reason; the configurable type and category lists; township scope.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, session, assertError, assertList } from './lib.mjs';

describe('orgs', () => {
  let srv, ca, sa, sa2, sys, aud, trainee;
  before(async () => {
    srv = await startServer();
    [ca, sa, sa2, sys, aud, trainee] = await Promise.all(
      ['county_admin', 'school_admin', 'school_admin2', 'sysadmin', 'auditor', 'trainee']
        .map((u) => session(srv.base, u)));
  });
  after(async () => { if (srv) await srv.stop(); });

  test('orgs-1.1 the 7 organisation types and 5 member categories are lists', async () => {
    const t = await trainee('GET', '/api/v1/org-types');
    assert.equal(t.status, 200, t.text);
    assert.equal(t.json.total, 7);
    assert.deepEqual(t.json.items[0], { code: 'rural', name: '农村党组织' });
    const c = await sa('GET', '/api/v1/member-categories');
    assert.equal(c.json.total, 5);
    assert.ok(c.json.items.some((x) => x.code === 'mobile' && x.name === '流动党员'));
    assertError(await sys('GET', '/api/v1/org-types'), 403, 'forbidden');
  });

  test('orgs-1.2 create, list, get and void an organisation in its township', async () => {
    const r = await sa('POST', '/api/v1/orgs',
      { json: { name: '文亭街道机关党支部', type: 'government', township_code: '371723001' } });
    assert.equal(r.status, 201, r.text);
    const id = r.json.id;
    assert.equal(r.json.type, 'government');
    const l = await sa('GET', '/api/v1/orgs?q=' + encodeURIComponent('机关党支部'));
    assertList(l);
    assert.deepEqual(l.json.items.map((o) => o.id), [id]);
    // The demo county gives every village an organisation.
    const all = await sa('GET', '/api/v1/orgs?per_page=500');
    assert.ok(all.json.total >= 3);
    assert.ok(all.json.items.every((o) => o.township_code === '371723001'));
    assertError(await sa2('GET', `/api/v1/orgs/${id}`), 404, 'not_found');
    assertError(await sa2('POST', `/api/v1/orgs/${id}/void`, { json: { reason: 'x' } }), 404, 'not_found');
    assertError(await sa('POST', `/api/v1/orgs/${id}/void`, { json: {} }), 422, 'missing_field', 'reason');
    const v = await sa('POST', `/api/v1/orgs/${id}/void`, { json: { reason: '撤销合并' } });
    assert.equal(v.status, 204, v.text);
    const g = await sa('GET', `/api/v1/orgs/${id}`);
    assert.equal(g.json.voided, true);
    assert.equal(g.json.void_reason, '撤销合并');
    assertError(await sa('POST', `/api/v1/orgs/${id}/void`, { json: { reason: 'again' } }), 404, 'not_found');
    const a = await aud('GET', '/api/v1/audit?event=org_void');
    assert.equal(a.json.total, 1);
  });

  test('orgs-1.3 bad organisations are refused and change nothing', async () => {
    const before = (await ca('GET', '/api/v1/orgs?per_page=1')).json.total;
    const base = { name: '某支部', type: 'rural', township_code: '371723001' };
    assertError(await ca('POST', '/api/v1/orgs', { json: { ...base, type: 'club' } }), 422, 'invalid_field', 'type');
    assertError(await ca('POST', '/api/v1/orgs', { json: { ...base, township_code: '999999999' } }),
      422, 'invalid_field', 'township_code');
    assertError(await ca('POST', '/api/v1/orgs', { json: { ...base, village_code: '371723002001' } }),
      422, 'invalid_field', 'village_code');
    assertError(await ca('POST', '/api/v1/orgs', { json: { ...base, name: '' } }), 422, 'invalid_field', 'name');
    assertError(await sa2('POST', '/api/v1/orgs', { json: base }), 403, 'forbidden_township');
    assertError(await trainee('POST', '/api/v1/orgs', { json: base }), 403, 'forbidden');
    assert.equal((await ca('GET', '/api/v1/orgs?per_page=1')).json.total, before);
  });

  test('orgs-1.4 an organisation is edited within its township, audited field by field', async () => {
    const r = await sa('POST', '/api/v1/orgs',
      { json: { name: '文亭街道老支部', type: 'rural', township_code: '371723001' } });
    assert.equal(r.status, 201, r.text);
    const id = r.json.id;
    const village = (await sa('GET', '/api/v1/villages?per_page=1')).json.items[0].code;
    const e = await sa('PATCH', `/api/v1/orgs/${id}`,
      { json: { name: '文亭街道新支部', type: 'community', village_code: village } });
    assert.equal(e.status, 200, e.text);
    assert.equal(e.json.name, '文亭街道新支部');
    assert.equal(e.json.type, 'community');
    assert.equal(e.json.village_code, village);
    assert.equal(e.json.township_code, '371723001');
    // Only what is given changes; null detaches the village.
    const d = await sa('PATCH', `/api/v1/orgs/${id}`, { json: { village_code: null } });
    assert.equal(d.status, 200, d.text);
    assert.equal(d.json.village_code, null);
    assert.equal(d.json.name, '文亭街道新支部');
    // The same values again change nothing and write no audit row.
    const same = await sa('PATCH', `/api/v1/orgs/${id}`, { json: { name: '文亭街道新支部' } });
    assert.equal(same.status, 200);
    const a = await aud('GET', `/api/v1/audit?event=org_update&object=org:${id}`);
    assert.equal(a.json.total, 2, a.text);
    const last = a.json.items[0].detail;
    assert.deepEqual(last, { village_code: { from: village, to: null } });
    const first = a.json.items[1].detail;
    assert.deepEqual(first.name, { from: '文亭街道老支部', to: '文亭街道新支部' });
    assert.deepEqual(first.type, { from: 'rural', to: 'community' });
  });

  test('orgs-1.5 bad edits are 4xx and change nothing; scope holds', async () => {
    const r = await sa('POST', '/api/v1/orgs',
      { json: { name: '文亭街道待改支部', type: 'rural', township_code: '371723001' } });
    const id = r.json.id;
    const patch = (as, json) => as('PATCH', `/api/v1/orgs/${id}`, { json });
    assertError(await patch(sa, { type: 'club' }), 422, 'invalid_field', 'type');
    assertError(await patch(sa, { village_code: '371723002001' }), 422, 'invalid_field', 'village_code');
    assertError(await patch(sa, { village_code: '37172300' }), 422, 'invalid_field', 'village_code');
    assertError(await patch(sa, { name: '' }), 422, 'invalid_field', 'name');
    assertError(await patch(sa, { name: null }), 422, 'invalid_field', 'name');
    assertError(await patch(sa, { name: 7 }), 422, 'invalid_field', 'name');
    assertError(await patch(sa, { township_code: '371723002' }), 422, 'invalid_field', 'township_code');
    assertError(await patch(sa, {}), 422, 'missing_field');
    assertError(await sa('PATCH', `/api/v1/orgs/${id}`, { body: '[1]', headers: { 'Content-Type': 'application/json' } }),
      400, 'bad_json');
    assertError(await sa('PATCH', `/api/v1/orgs/${id}`, { body: '{', headers: { 'Content-Type': 'application/json' } }),
      400, 'bad_json');
    assertError(await patch(sa2, { name: '越界' }), 404, 'not_found');
    assertError(await patch(trainee, { name: '越界' }), 403, 'forbidden');
    assertError(await sa('PATCH', '/api/v1/orgs/99999999', { json: { name: 'x' } }), 404, 'not_found');
    assertError(await sa('PATCH', '/api/v1/orgs/abc', { json: { name: 'x' } }), 404, 'not_found');
    const g = await sa('GET', `/api/v1/orgs/${id}`);
    assert.equal(g.json.name, '文亭街道待改支部');
    assert.equal(g.json.type, 'rural');
    // A voided organisation cannot be edited.
    await sa('POST', `/api/v1/orgs/${id}/void`, { json: { reason: '合并' } });
    assertError(await patch(sa, { name: '复活' }), 404, 'not_found');
    const a = await aud('GET', `/api/v1/audit?event=org_update&object=org:${id}`);
    assert.equal(a.json.total, 0);
  });

  test('orgs-2.1 a village is renamed and voided with a reason; scope holds', async () => {
    const list = await sa('GET', '/api/v1/villages');
    const v = list.json.items[0];
    assertError(await sa2('PATCH', `/api/v1/villages/${v.id}`, { json: { name: '改名' } }), 404, 'not_found');
    assertError(await sa('PATCH', `/api/v1/villages/${v.id}`, { json: { name: '' } }), 422, 'invalid_field', 'name');
    const r = await sa('PATCH', `/api/v1/villages/${v.id}`, { json: { name: '新名社区' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.name, '新名社区');
    const n = list.json.total;
    const d = await sa('POST', `/api/v1/villages/${v.id}/void`, { json: { reason: '撤村并居' } });
    assert.equal(d.status, 204, d.text);
    assert.equal((await sa('GET', '/api/v1/villages')).json.total, n - 1);
    const g = await sa('GET', `/api/v1/villages/${v.id}`);
    assert.equal(g.json.voided, true);
    assert.equal(g.json.void_reason, '撤村并居');
    assert.match(g.json.valid_to, /^\d{4}-\d{2}-\d{2}$/);
    assertError(await sa('PATCH', `/api/v1/villages/${v.id}`, { json: { name: 'x' } }), 404, 'not_found');
    const a = await aud('GET', '/api/v1/audit?event=village_void');
    assert.equal(a.json.total, 1);
  });
});
