// The roster: people on both databases (issue 3, first part). ID numbers
// per GB 11643 (DOMAIN.md §3.1), masking and audited reveal, search by
// name, pinyin and suffix, both sort orders, township scope, history and
// voiding, and the bad paths: each answers 4xx and changes nothing.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, session, req, assertError, assertList } from './lib.mjs';

const W = '371723001'; // 文亭街道: school_admin
const Y = '371723002'; // 永昌街道: school_admin2

// Valid IDs made from a prefix, a birth date and a sequence number.
function idNumber(birth, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const d = '371723' + birth.replaceAll('-', '') + String(seq).padStart(3, '0');
  const s = [...d].reduce((a, c, i) => a + Number(c) * w[i], 0);
  return d + '10X98765432'[s % 11];
}

// Every full ID and phone number this file creates: none may appear in
// any answer unless revealed.
const secrets = new Set();
function person(over = {}) {
  const p = {
    name: '张三', id_number: idNumber('1980-01-01', 1), phone: '13812345678',
    political_status: 'member', township_code: W, flags: ['village_committee'],
    ...over,
  };
  if (p.id_number) secrets.add(p.id_number.toUpperCase());
  if (p.phone) secrets.add(p.phone);
  return p;
}
function noSecrets(text, where, { shapes = true } = {}) {
  for (const s of secrets)
    assert.ok(!text.includes(s), `${where}: full ${s} appears in ${text.slice(0, 400)}`);
  // Nor any other full number, the demo county's included. (Not applied
  // to the audit log, whose hex hashes may hold long runs of digits.)
  if (shapes) {
    const m = /(?<![0-9a-f])(\d{17}[\dX]|1[3-9]\d{9})(?![0-9a-f])/.exec(text);
    assert.ok(!m, `${where}: a full number ${m && m[0]} appears`);
  }
}

describe('people', () => {
  let srv, base, ca, sa, sa2, sys, aud, teacher;
  let zhang, ouyang, li, wang; // ids
  before(async () => {
    srv = await startServer();
    base = srv.base;
    [ca, sa, sa2, sys, aud, teacher] = await Promise.all(
      ['county_admin', 'school_admin', 'school_admin2', 'sysadmin', 'auditor', 'teacher']
        .map((u) => session(base, u)));
  });
  after(async () => { if (srv) await srv.stop(); });

  async function count(as = ca) {
    const r = await as('GET', '/api/v1/people?per_page=1');
    return r.json.total;
  }

  test('people-1.1 create: 201, gender and birth date from the ID, numbers masked', async () => {
    const r = await sa('POST', '/api/v1/people', { json: person() });
    assert.equal(r.status, 201, r.text);
    zhang = r.json.id;
    assert.equal(r.json.gender, 'M');
    assert.equal(r.json.birth_date, '1980-01-01');
    assert.equal(r.json.id_number_masked, '371***********0010');
    assert.equal(r.json.phone_masked, '138****5678');
    assert.deepEqual(r.json.flags, ['village_committee']);
    assert.equal(r.json.id_number, undefined);
    noSecrets(r.text, 'create');
  });

  test('people-1.2 the DOMAIN.md ID vectors: bad ones are 422 on id_number and add nobody', async () => {
    const before = await count();
    for (const bad of ['371723199902290042', '371723198001010011', '3717231980010100',
      '37172319800101001A', '3.71723E+17', '371723198001010000', '371723800101001']) {
      const r = await sa('POST', '/api/v1/people', { json: person({ id_number: bad, name: '错号' }) });
      assertError(r, 422, 'invalid_field', 'id_number');
    }
    const r = await sa('POST', '/api/v1/people', { json: person({ id_number: '3.71723E+17' }) });
    assert.match(r.json.error.message, /文本/);
    assert.equal(await count(), before);
    // A lower-case x is normalised.
    const ok = await sa('POST', '/api/v1/people', {
      json: person({ name: '欧阳喆', id_number: '37172319850615006x', phone: '', flags: [],
        political_status: 'activist' }),
    });
    assert.equal(ok.status, 201, ok.text);
    ouyang = ok.json.id;
    assert.equal(ok.json.id_number_masked, '371***********006X');
    assert.equal(ok.json.gender, 'F');
  });

  test('people-1.3 a gender or birth date that contradicts the ID is refused', async () => {
    const p = person({ name: '李四', id_number: idNumber('1975-12-31', 2), phone: '13900000002' });
    assertError(await sa('POST', '/api/v1/people', { json: { ...p, gender: 'M' } }), 422, 'invalid_field', 'gender');
    assertError(await sa('POST', '/api/v1/people', { json: { ...p, birth_date: '1975-12-30' } }),
      422, 'invalid_field', 'birth_date');
    const r = await sa('POST', '/api/v1/people', { json: { ...p, gender: 'F', birth_date: '1975-12-31' } });
    assert.equal(r.status, 201, r.text);
    li = r.json.id;
  });

  test('people-1.4 phone, status, category, flags, village: each bad value is 422 on its field', async () => {
    const before = await count();
    const base1 = person({ name: '赵六', id_number: idNumber('1990-05-05', 3), phone: '13900000003' });
    const cases = [
      [{ phone: '12345678901' }, 'phone'], [{ phone: '1390000000' }, 'phone'],
      [{ political_status: 'boss' }, 'political_status'],
      [{ member_category: 'nope' }, 'member_category'],
      [{ flags: ['vip'] }, 'flags'], [{ flags: 'exempt' }, 'flags'],
      [{ village_code: '371723002001' }, 'village_code'], // another township's village
      [{ village_code: '999999999999' }, 'village_code'],
      [{ name: 5 }, 'name'], [{ name: '' }, 'name'], [{ name: '长'.repeat(33) }, 'name'],
      [{ township_code: '999999999' }, 'township_code'],
    ];
    for (const [over, field] of cases) {
      const as = field === 'township_code' ? ca : sa;
      const r = await as('POST', '/api/v1/people', { json: { ...base1, ...over } });
      assertError(r, 422, 'invalid_field', field);
    }
    assertError(await sa('POST', '/api/v1/people', { json: { name: '无号' } }), 422, 'missing_field', 'id_number');
    assertError(await sa('POST', '/api/v1/people', { body: '{"name":', headers: { 'Content-Type': 'application/json' } }),
      400, 'bad_json');
    assert.equal(await count(), before);
  });

  test('people-1.5 the same ID twice is 409 duplicate_person, also from another township', async () => {
    const r = await sa('POST', '/api/v1/people', { json: person({ name: '张三丰' }) });
    assertError(r, 409, 'duplicate_person', 'id_number');
    const r2 = await ca('POST', '/api/v1/people', { json: person({ name: '张三', township_code: Y }) });
    assertError(r2, 409, 'duplicate_person', 'id_number');
  });

  test('people-2.1 search by name, pinyin, initials and the last 4 of ID or phone', async () => {
    const w = await ca('POST', '/api/v1/people', {
      json: person({ name: '王五', id_number: idNumber('1968-03-08', 5), phone: '13700005555', township_code: Y }),
    });
    assert.equal(w.status, 201, w.text);
    wang = w.json.id;
    // The demo county has people of its own: look only at ours.
    const ours = new Set([zhang, ouyang, li, wang]);
    const names = async (q, as = ca) => {
      const r = await as('GET', `/api/v1/people?per_page=500&q=${encodeURIComponent(q)}`);
      assertList(r, { perPage: 500 });
      noSecrets(r.text, `search ${q}`);
      return r.json.items.filter((p) => ours.has(p.id)).map((p) => p.name).sort();
    };
    assert.deepEqual(await names('zs'), ['张三']);
    assert.deepEqual(await names('zhangsan'), ['张三']);
    assert.deepEqual(await names('ZhangSan'), ['张三']);
    assert.deepEqual(await names('张'), ['张三']);
    assert.deepEqual(await names('oy'), ['欧阳喆']);
    assert.deepEqual(await names('006x'), ['欧阳喆']);
    assert.deepEqual(await names('5678'), ['张三']);
    assert.deepEqual(await names(idNumber('1968-03-08', 5).slice(-4)), ['王五']);
    assert.deepEqual(await names('nobody'), []);
  });

  test('people-2.2 sort by pinyin and by surname strokes; filters', async () => {
    const ours = new Set([zhang, ouyang, li, wang]);
    const mine = (r) => r.json.items.filter((p) => ours.has(p.id)).map((p) => p.name);
    const order = async (sort) => mine(await ca('GET', `/api/v1/people?per_page=500&sort=${sort}`));
    // 拼音: li < ouyang < wang < zhang.
    assert.deepEqual(await order('pinyin'), ['李四', '欧阳喆', '王五', '张三']);
    // 王 4; 李 7 (first stroke 横) before 张 7 (first stroke 乛); 欧阳 8.
    assert.deepEqual(await order('strokes'), ['王五', '李四', '张三', '欧阳喆']);
    assertError(await ca('GET', '/api/v1/people?sort=age'), 400, 'invalid_param', 'sort');
    const act = await ca('GET', '/api/v1/people?per_page=500&political_status=activist');
    assert.deepEqual(mine(act), ['欧阳喆']);
    assert.ok(act.json.items.every((p) => p.political_status === 'activist'));
    const vc = await ca('GET', '/api/v1/people?per_page=500&flag=village_committee');
    assert.deepEqual(mine(vc).sort(), ['张三', '王五', '李四'].sort());
    assert.ok(vc.json.items.every((p) => p.flags.includes('village_committee')));
    assertError(await ca('GET', '/api/v1/people?flag=vip'), 400, 'invalid_param', 'flag');
    const all = await ca('GET', '/api/v1/people?per_page=1');
    const paged = await ca('GET', '/api/v1/people?per_page=2&page=2');
    assertList(paged, { page: 2, perPage: 2 });
    assert.equal(paged.json.total, all.json.total);
    assert.equal(paged.json.items.length, 2);
    assertError(await ca('GET', '/api/v1/people?per_page=501'), 400, 'invalid_param', 'per_page');
  });

  test('people-2.3 every page of a search or a filtered list tells the same total', async () => {
    const given = ['一', '二', '三', '四', '五', '六', '七'];
    for (const [i, g] of given.entries()) {
      const r = await sa('POST', '/api/v1/people', {
        json: person({ name: '测分页' + g, id_number: idNumber('1955-05-05', 60 + i), phone: undefined,
          political_status: 'probationary', flags: [] }),
      });
      assert.equal(r.status, 201, r.text);
    }
    const n = given.length;
    for (const [as, query] of [[sa, 'q=cfy'], [ca, 'q=cefenye'], [sa, 'q=' + encodeURIComponent('分页')],
      [ca, 'q=cfy&political_status=probationary']]) {
      const whole = await as('GET', `/api/v1/people?per_page=500&${query}`);
      assert.equal(whole.json.total, n, query);
      assert.equal(whole.json.items.length, n);
      // Pages of 3: two full, a partial one, then one past the end.
      const ids = [];
      for (let page = 1; page <= 4; page++) {
        const r = await as('GET', `/api/v1/people?per_page=3&page=${page}&${query}`);
        assertList(r, { page, perPage: 3 });
        assert.equal(r.json.total, n, `${query} page ${page}`);
        assert.equal(r.json.items.length, [3, 3, 1, 0][page - 1]);
        ids.push(...r.json.items.map((p) => p.id));
      }
      assert.deepEqual(ids, whole.json.items.map((p) => p.id));
      // A page exactly as long as the matches, and an empty one far out.
      assert.equal((await as('GET', `/api/v1/people?per_page=${n}&${query}`)).json.total, n);
      const past = await as('GET', `/api/v1/people?per_page=${n}&page=9&${query}`);
      assert.equal(past.json.total, n);
      assert.deepEqual(past.json.items, []);
    }
    // A plain list: a full page counts, a short last page tells.
    const all = (await ca('GET', '/api/v1/people?per_page=1')).json.total;
    const last = await ca('GET', `/api/v1/people?per_page=2&page=${Math.ceil(all / 2)}`);
    assert.equal(last.json.total, all);
    assert.equal(last.json.items.length, all % 2 || 2);
  });

  test('people-3.1 a school admin never sees or changes another township\'s people', async () => {
    // Lists and search: only its own township.
    const own = (r) => r.json.items.every((p) => p.township_code === Y);
    const mine = await sa2('GET', '/api/v1/people?per_page=500');
    assert.ok(own(mine));
    assert.ok(mine.json.items.some((p) => p.id === wang));
    assert.ok(!mine.json.items.some((p) => p.id === zhang));
    for (const q of ['zs', 'zhangsan', '张三', '0010', '5678']) {
      const s = await sa2('GET', `/api/v1/people?per_page=500&q=${encodeURIComponent(q)}`);
      assert.ok(own(s), `search ${q} leaks another township`);
      assert.ok(!s.json.items.some((p) => p.id === zhang), `search ${q} finds 张三`);
    }
    assertError(await sa2('GET', `/api/v1/people?township=${W}`), 403, 'forbidden_township');
    // By id: as if it did not exist.
    assertError(await sa2('GET', `/api/v1/people/${zhang}`), 404, 'not_found');
    assertError(await sa2('GET', `/api/v1/people/${zhang}?reveal=id_number`), 404, 'not_found');
    assertError(await sa2('PATCH', `/api/v1/people/${zhang}`, { json: { name: '改名' } }), 404, 'not_found');
    assertError(await sa2('POST', `/api/v1/people/${zhang}/void`, { json: { reason: 'x' } }), 404, 'not_found');
    // Create in, or move a person to, another township.
    assertError(await sa2('POST', '/api/v1/people', {
      json: person({ name: '越界', id_number: idNumber('1991-01-01', 7), township_code: W }),
    }), 403, 'forbidden_township');
    assertError(await sa2('PATCH', `/api/v1/people/${wang}`, { json: { township_code: W } }), 403, 'forbidden_township');
    const z = await ca('GET', `/api/v1/people/${zhang}`);
    assert.equal(z.json.name, '张三');
    assert.equal(z.json.voided, false);
  });

  test('people-3.2 account, audit and teaching roles see no roster', async () => {
    for (const as of [sys, aud, teacher]) {
      assertError(await as('GET', '/api/v1/people'), 403, 'forbidden');
      assertError(await as('GET', `/api/v1/people/${zhang}`), 403, 'forbidden');
      assertError(await as('POST', '/api/v1/people', { json: person() }), 403, 'forbidden');
    }
  });

  test('people-4.1 reveal shows the full numbers to an admin and is audited', async () => {
    const r = await sa('GET', `/api/v1/people/${zhang}?reveal=id_number`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.id_number, idNumber('1980-01-01', 1));
    assert.equal(r.json.phone, '13812345678');
    assertError(await sa('GET', `/api/v1/people/${zhang}?reveal=everything`), 400, 'invalid_param', 'reveal');
    const a = await aud('GET', '/api/v1/audit?event=person_reveal');
    assert.ok(a.json.total >= 1);
    assert.equal(a.json.items[0].object, `person:${zhang}`);
    assert.equal(a.json.items[0].username, 'school_admin');
  });

  test('people-5.1 a change keeps history; the ID, gender and birth date cannot be edited', async () => {
    const r = await sa('PATCH', `/api/v1/people/${zhang}`,
      { json: { phone: '13911112222', flags: ['branch_secretary'], village_code: '371723001001' } });
    assert.equal(r.status, 200, r.text);
    secrets.add('13911112222');
    assert.equal(r.json.phone_masked, '139****2222');
    assert.deepEqual(r.json.flags, ['branch_secretary']);
    assert.equal(r.json.village_code, '371723001001');
    assertError(await sa('PATCH', `/api/v1/people/${zhang}`, { json: { id_number: idNumber('1980-01-01', 9) } }),
      422, 'invalid_field', 'id_number');
    assertError(await sa('PATCH', `/api/v1/people/${zhang}`, { json: { gender: 'F' } }), 422, 'invalid_field', 'gender');
    assertError(await sa('PATCH', `/api/v1/people/${zhang}`, { json: { phone: '123' } }), 422, 'invalid_field', 'phone');
    assertError(await sa('PATCH', `/api/v1/people/${zhang}`, { json: { name: 7 } }), 422, 'invalid_field', 'name');
    // The failed changes changed nothing.
    const g = await sa('GET', `/api/v1/people/${zhang}`);
    assert.equal(g.json.phone_masked, '139****2222');
    const a = await aud('GET', '/api/v1/audit?event=person_update');
    assert.equal(a.json.total, 1);
    const d = a.json.items[0].detail;
    assert.deepEqual(d.phone, ['138****5678', '139****2222']);
    noSecrets(JSON.stringify(a.json), 'audit', { shapes: false });
  });

  test('people-5.2 void with a reason: gone from lists, kept on record, never twice', async () => {
    assertError(await sa('POST', `/api/v1/people/${li}/void`, { json: {} }), 422, 'missing_field', 'reason');
    const r = await sa('POST', `/api/v1/people/${li}/void`, { json: { reason: '迁出本镇' } });
    assert.equal(r.status, 204, r.text);
    const list = await sa('GET', '/api/v1/people?per_page=500');
    assert.ok(!list.json.items.some((p) => p.id === li));
    const g = await sa('GET', `/api/v1/people/${li}`);
    assert.equal(g.json.voided, true);
    assert.equal(g.json.void_reason, '迁出本镇');
    assertError(await sa('POST', `/api/v1/people/${li}/void`, { json: { reason: 'again' } }), 404, 'not_found');
    assertError(await sa('PATCH', `/api/v1/people/${li}`, { json: { name: '复活' } }), 404, 'not_found');
    const a = await aud('GET', '/api/v1/audit?event=person_void');
    assert.equal(a.json.total, 1);
  });

  test('people-6.1 no answer anywhere carries a full ID or phone without a reveal', async () => {
    const pages = [];
    for (const as of [ca, sa, sa2]) {
      pages.push(await as('GET', '/api/v1/people?per_page=500'));
      pages.push(await as('GET', '/api/v1/people?per_page=500&sort=strokes'));
      for (const id of [zhang, ouyang, li, wang]) pages.push(await as('GET', `/api/v1/people/${id}`));
    }
    pages.push(await req(base, 'GET', `/api/v1/people/${zhang}`));
    for (const p of pages) noSecrets(p.text, 'answer');
    const a = await aud('GET', '/api/v1/audit?per_page=500');
    noSecrets(a.text, 'audit', { shapes: false });
  });
});
