// Roster import from files a real spreadsheet program wrote
// (tests/data/make-fixtures.sh, LibreOffice Calc): an .xlsx with 文本 ID
// cells, the same rows with the IDs typed into an unformatted column
// (numbers), and Calc's "CSV" in GBK. Every row, not just a count, is
// checked against what the ID number says.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, session } from './lib.mjs';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const fixture = (name) => fs.readFileSync(new URL(`../data/${name}`, import.meta.url));

// The rows of all three fixtures, in file order (row 2 onwards). Birth
// days are the 29th-31st, which the demo generator never draws; some
// names (刘桂兰, 周德胜) it can draw, as a real county has namesakes.
// Villages are given by their 12-digit codes (the demo's village names
// depend on the seed); Calc stores those as numbers, and the header
// 所属村(社区) as a shared string in rich-text runs (the brackets are in
// another font), so the column is found only if the runs are joined.
const ROSTER = [
  ['欧阳晓燕', '371723197803290486', '13953012468', 'member', '371723001', '371723001001', 'community'],
  ['张建军', '371723196510310135', '15864307721', 'member', '371723003', '371723003002', 'rural'],
  ['李秀梅', '371723198205302242', '18754019936', 'probationary', '371723004', null, 'rural'],
  ['王志刚', '371723199007310596', '', 'member', '371723002', null, 'government'],
  ['赵堃', '37172319950129013X', '17806302215', 'activist', '371723005', null, null],
  ['刘桂兰', '371723195812310646', '13053087745', 'member', '371723006', null, 'rural'],
  ['陈昊天', '371723200108300317', '19953088410', 'masses', '371723007', null, null],
  ['孙丽娟', '371723198709301286', '', 'member', '371723008', null, 'mobile'],
  ['周德胜', '371723197004303156', '15106357729', 'member', '371723009', '371723009001', 'enterprise'],
  ['郭雪芹', '371723199911290861', '18366014452', 'probationary', '371723011', null, 'rural'],
].map(([name, id, phone, status, township, village, category], i) => ({
  row: i + 2, name, id, phone, status, township, village, category,
  birth: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
  gender: Number(id[16]) % 2 ? 'M' : 'F',
}));
// Calc keeps an ID ending in X as text even in an unformatted column.
const NUMERIC_ROWS = ROSTER.filter((p) => !p.id.endsWith('X')).map((p) => p.row);

describe('import fixtures from LibreOffice Calc', () => {
  let a, b, aAdmin, bAdmin;
  before(async () => {
    [a, b] = await Promise.all([startServer(), startServer({ seed: 2 })]);
    [aAdmin, bAdmin] = await Promise.all([session(a.base, 'county_admin'), session(b.base, 'county_admin')]);
  });
  after(async () => { for (const s of [a, b]) if (s) await s.stop(); });

  const upload = (as, file, type, mode) => as('POST', `/api/v1/people/import?mode=${mode}`,
    { body: fixture(file), headers: { 'Content-Type': type } });
  const total = async (as) => (await as('GET', '/api/v1/people?per_page=1')).json.total;

  // Each roster person is on the server once, as the ID number says.
  const assertOnRoster = async (as) => {
    for (const p of ROSTER) {
      const r = await as('GET', `/api/v1/people?per_page=500&q=${encodeURIComponent(p.name)}`);
      assert.equal(r.status, 200, r.text);
      const found = r.json.items.filter((x) => x.name === p.name && x.birth_date === p.birth);
      assert.equal(found.length, 1, `${p.name}: ${r.text.slice(0, 300)}`);
      const x = found[0];
      assert.equal(x.township_code, p.township, p.name);
      assert.equal(x.gender, p.gender, p.name);
      assert.equal(x.political_status, p.status, p.name);
      assert.equal(x.member_category, p.category, p.name);
      assert.equal(x.id_number_masked, p.id.slice(0, 3) + '*'.repeat(11) + p.id.slice(14), p.name);
      assert.equal(x.phone_masked ?? '', p.phone && p.phone.slice(0, 3) + '****' + p.phone.slice(7), p.name);
      assert.equal(x.village_code, p.village, p.name);
    }
  };

  test('fixture-1.1 numeric ID cells: nothing is imported, each numeric row is refused with the 文本 hint', async () => {
    const before = await total(aAdmin);
    const r = await upload(aAdmin, 'roster-numeric-ids.xlsx', XLSX, 'all');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.encoding, 'xlsx');
    assert.equal(r.json.rows, ROSTER.length);
    assert.equal(r.json.imported, 0);
    assert.deepEqual(r.json.rejected.map((x) => [x.row, x.column]), NUMERIC_ROWS.map((n) => [n, '身份证号']));
    for (const x of r.json.rejected) assert.match(x.reason, /文本/);
    assert.equal(await total(aAdmin), before);
  });

  test('fixture-1.2 text ID cells: every row goes in, gender and birth date from the ID', async () => {
    const before = await total(aAdmin);
    const r = await upload(aAdmin, 'roster-text-ids.xlsx', XLSX, 'all');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.encoding, 'xlsx');
    assert.equal(r.json.rows, ROSTER.length);
    assert.deepEqual(r.json.rejected, []);
    assert.equal(r.json.imported, ROSTER.length);
    assert.equal(await total(aAdmin), before + ROSTER.length);
    await assertOnRoster(aAdmin);
  });

  test('fixture-1.3 the text-ID file again: every row is a duplicate, nothing changes', async () => {
    const before = await total(aAdmin);
    const r = await upload(aAdmin, 'roster-text-ids.xlsx', XLSX, 'valid');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.imported, 0);
    assert.deepEqual(r.json.rejected.map((x) => [x.row, x.column]), ROSTER.map((p) => [p.row, '身份证号']));
    for (const x of r.json.rejected) assert.match(x.reason, /已在花名册中/);
    assert.equal(await total(aAdmin), before);
  });

  test('fixture-1.4 numeric IDs of people already on the roster still get the 文本 hint, not "duplicate"', async () => {
    const r = await upload(aAdmin, 'roster-numeric-ids.xlsx', XLSX, 'valid');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.imported, 0);
    assert.deepEqual(r.json.rejected.map((x) => [x.row, x.column]), ROSTER.map((p) => [p.row, '身份证号']));
    for (const x of r.json.rejected) {
      assert.match(x.reason, NUMERIC_ROWS.includes(x.row) ? /文本/ : /已在花名册中/, JSON.stringify(x));
    }
  });

  test('fixture-1.5 Calc\'s GBK CSV: every row goes in, names decoded (堃 is GBK, not GB2312)', async () => {
    const before = await total(bAdmin);
    const r = await upload(bAdmin, 'roster-calc-gbk.csv', 'text/csv', 'all');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.encoding, 'GB18030');
    assert.equal(r.json.rows, ROSTER.length);
    assert.deepEqual(r.json.rejected, []);
    assert.equal(r.json.imported, ROSTER.length);
    assert.equal(await total(bAdmin), before + ROSTER.length);
    await assertOnRoster(bAdmin);
  });

  test('fixture-1.6 the GBK CSV again, and the .xlsx of the same rows: all duplicates', async () => {
    const before = await total(bAdmin);
    for (const [file, type] of [['roster-calc-gbk.csv', 'text/csv'], ['roster-text-ids.xlsx', XLSX]]) {
      const r = await upload(bAdmin, file, type, 'valid');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.imported, 0, file);
      assert.deepEqual(r.json.rejected.map((x) => [x.row, x.column]), ROSTER.map((p) => [p.row, '身份证号']), file);
      for (const x of r.json.rejected) assert.match(x.reason, /已在花名册中/, file);
    }
    assert.equal(await total(bAdmin), before);
  });
});
