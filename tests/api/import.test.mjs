// Roster import (花名册导入), CSV part: the template's headers, UTF-8 with
// a BOM and GBK, a row-level report, all-or-nothing or the valid rows,
// duplicates in the file and against the roster, township scope, one
// audit row with the file's SHA-256, and bad files refused with 4xx.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, session, assertError } from './lib.mjs';

const HEAD = '姓名,身份证号,手机号,政治面貌,所属村(社区),人员类别\r\n';
function idNumber(birth, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const d = '371723' + birth.replaceAll('-', '') + String(seq).padStart(3, '0');
  const s = [...d].reduce((a, c, i) => a + Number(c) * w[i], 0);
  return d + '10X98765432'[s % 11];
}
const csv = (rows, head = HEAD, bom = true) =>
  Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(head + rows.join('\r\n') + '\r\n')]);

describe('import', () => {
  let srv, sa, sa2, ca, aud;
  before(async () => {
    srv = await startServer({ env: { DANGXIAO_MAX_UPLOAD: '65536' } });
    [sa, sa2, ca, aud] = await Promise.all(['school_admin', 'school_admin2', 'county_admin', 'auditor']
      .map((u) => session(srv.base, u)));
  });
  after(async () => { if (srv) await srv.stop(); });

  const upload = (as, body, mode = 'valid', type = 'text/csv') =>
    as('POST', `/api/v1/people/import?mode=${mode}`, { body, headers: { 'Content-Type': type } });
  const total = async (as = ca) => (await as('GET', '/api/v1/people?per_page=1')).json.total;

  test('import-1.1 the valid rows go in; each bad row is reported with row, column and reason', async () => {
    const before = await total();
    const file = csv([
      `张一,${idNumber('1980-02-02', 11)},13812340001,正式党员,,农村党员`,
      `"欧阳,喆",${idNumber('1985-06-15', 12).toLowerCase()},,群众,,`,
      `坏号,371723198001010011,,正式党员,,`,
      `科学,3.71723E+17,,正式党员,,`,
      `无面貌,${idNumber('1990-01-01', 13)},,老板,,`,
      `错手机,${idNumber('1990-01-01', 15)},123,群众,,`,
      `,${idNumber('1990-01-01', 17)},,群众,,`,
    ]);
    const r = await upload(sa, file);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.rows, 7);
    assert.equal(r.json.imported, 2);
    assert.deepEqual(r.json.rejected.map((x) => [x.row, x.column]), [
      [4, '身份证号'], [5, '身份证号'], [6, '政治面貌'], [7, '手机号'], [8, '姓名'],
    ]);
    assert.match(r.json.rejected[1].reason, /文本/);
    assert.equal(await total(), before + 2);
    const found = await sa('GET', '/api/v1/people?q=' + encodeURIComponent('欧阳,喆'));
    assert.equal(found.json.total, 1);
    assert.equal(found.json.items[0].gender, 'F');
    assert.doesNotMatch(r.text, /371723\d{12}/);
  });

  test('import-1.2 all-or-nothing: one bad row and nothing is imported, and the attempt is audited', async () => {
    const before = await total();
    const file = csv([`全有,${idNumber('1970-07-07', 21)},,正式党员,,`, `全无,371723198001010011,,正式党员,,`]);
    const r = await upload(sa, file, 'all');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.imported, 0);
    assert.equal(r.json.rejected.length, 1);
    assert.equal(await total(), before);
    const a = await aud('GET', '/api/v1/audit?event=person_import');
    const last = a.json.items[0];
    assert.equal(last.success, false);
    assert.equal(last.detail.sha256, crypto.createHash('sha256').update(file).digest('hex'));
    assert.equal(last.detail.rejected, 1);
    // The same file without the bad row goes in whole.
    const ok = await upload(sa, csv([`全有,${idNumber('1970-07-07', 21)},,正式党员,,`]), 'all');
    assert.equal(ok.json.imported, 1);
    assert.equal(await total(), before + 1);
  });

  test('import-1.3 duplicates in the file and against the roster are reported, not imported twice', async () => {
    const id = idNumber('1966-06-06', 31);
    const r = await upload(sa, csv([`甲,${id},,群众,,`, `乙,${id},,群众,,`]));
    assert.equal(r.json.imported, 1);
    assert.deepEqual(r.json.rejected.map((x) => [x.row, x.column]), [[3, '身份证号']]);
    const again = await upload(sa, csv([`甲,${id},,群众,,`]));
    assert.equal(again.json.imported, 0);
    assert.match(again.json.rejected[0].reason, /已在花名册中/);
    // A 15-digit number is upgraded, and is the same person as its 18.
    const old = id.slice(0, 6) + id.slice(8, 17);
    const up = await upload(sa, csv([`甲,${old},,群众,,`]));
    assert.equal(up.json.imported, 0);
    assert.match(up.json.rejected[0].reason, /已在花名册中/);
  });

  test('import-1.4 a GBK file from a Chinese Excel reads correctly', async () => {
    const file = fs.readFileSync(new URL('../data/roster-gbk.csv', import.meta.url));
    const r = await upload(ca, file);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.encoding, 'GB18030');
    assert.equal(r.json.imported, 2, r.text);
    const p = await ca('GET', '/api/v1/people?q=' + encodeURIComponent('喆喆'));
    assert.equal(p.json.total, 1);
    assert.equal(p.json.items[0].township_code, '371723002');
    assert.equal(p.json.items[0].member_category, 'government');
  });

  test('import-1.5 township scope: a school admin imports only into its own township', async () => {
    const head = '姓名,身份证号,手机号,政治面貌,所属镇街\r\n';
    const r = await upload(sa2, csv([`越界,${idNumber('1977-07-07', 41)},,群众,文亭街道`], head));
    assert.equal(r.json.imported, 0);
    assert.equal(r.json.rejected[0].column, '所属镇街');
    // Without the column, rows go to the school admin's own township.
    const ok = await upload(sa2, csv([`本镇,${idNumber('1977-07-07', 43)},,群众`], '姓名,身份证号,手机号,政治面貌\r\n'));
    assert.equal(ok.json.imported, 1);
    const p = await sa2('GET', '/api/v1/people?q=' + encodeURIComponent('本镇'));
    assert.equal(p.json.items[0].township_code, '371723002');
    // A county admin must say the township.
    assertError(await upload(ca, csv([`无镇,${idNumber('1977-07-07', 45)},,群众`], '姓名,身份证号,手机号,政治面貌\r\n')),
      422, 'bad_file');
  });

  test('import-1.6 bad files are 4xx and change nothing', async () => {
    const before = await total();
    assertError(await upload(sa, csv([`x,${idNumber('1960-01-01', 51)}`], '名字,号码\r\n')), 422, 'bad_file');
    assertError(await upload(sa, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 1, 2])), 422, 'bad_file');
    assertError(await upload(sa, Buffer.from('')), 400, 'bad_file');
    assertError(await upload(sa, csv(['a']), 'valid',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'), 422, 'bad_file');
    assertError(await upload(sa, csv(['a']), 'valid', 'application/pdf'), 400, 'bad_content_type');
    assertError(await upload(sa, csv(['"unclosed,1'])), 422, 'bad_file');
    assertError(await upload(sa, csv([]), 'some'), 400, 'invalid_param', 'mode');
    const big = csv(Array.from({ length: 2000 }, (_, i) => `大${i},${idNumber('1960-01-01', 1)},,群众,,`));
    assertError(await upload(sa, big), 413, 'body_too_large');
    assert.equal(await total(), before);
    for (const as of [aud]) assertError(await upload(as, csv([])), 403, 'forbidden');
  });

  test('import-1.7 the template carries the headers, with a BOM for Excel', async () => {
    const r = await sa('GET', '/api/v1/people/import-template.csv');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /text\/csv/);
    assert.match(r.headers.get('content-disposition'), /attachment/);
    const raw = Buffer.from(await (await fetch(srv.base + '/api/v1/people/import-template.csv',
      { headers: { Cookie: sa.cookie } })).arrayBuffer());
    assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.ok(raw.subarray(3).toString('utf8').startsWith('姓名,身份证号,手机号,政治面貌'));
  });
});

describe('import xlsx', () => {
  // Two counties from different seeds: the same village codes, other people.
  let a, b, aAdmin, bAdmin;
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  before(async () => {
    [a, b] = await Promise.all([startServer(), startServer({ seed: 2 })]);
    [aAdmin, bAdmin] = await Promise.all([session(a.base, 'county_admin'), session(b.base, 'county_admin')]);
  });
  after(async () => { for (const s of [a, b]) if (s) await s.stop(); });

  const exportXlsx = async () => {
    const r = await fetch(a.base + '/api/v1/people/export.xlsx?township=371723001&reveal=id_number&reason=' +
      encodeURIComponent('测试导入'), { headers: { Cookie: aAdmin.cookie } });
    assert.equal(r.status, 200);
    return Buffer.from(await r.arrayBuffer());
  };
  const upload = (body, mode = 'valid') => bAdmin('POST', `/api/v1/people/import?mode=${mode}`,
    { body, headers: { 'Content-Type': XLSX } });

  test('import-2.1 an .xlsx (text ID cells, shared strings) imports every row', async () => {
    const file = await exportXlsx();
    const r = await upload(file);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.encoding, 'xlsx');
    assert.equal(r.json.rows, 20);
    assert.deepEqual(r.json.rejected, []);
    assert.equal(r.json.imported, 20);
    // The same file again: every row is already on the roster.
    const again = await upload(file);
    assert.equal(again.json.imported, 0);
    assert.equal(again.json.rejected.length, 20);
  });

  test('import-2.2 an ID stored as a number is refused with the 文本 hint', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dx-xlsx-'));
    try {
      fs.writeFileSync(path.join(dir, 'in.xlsx'), await exportXlsx());
      execFileSync('unzip', ['-q', 'in.xlsx', '-d', 'x'], { cwd: dir });
      const sheet = path.join(dir, 'x/xl/worksheets/sheet1.xml');
      const xml = fs.readFileSync(sheet, 'utf8');
      // Cell D2 (the first ID) becomes what Excel makes of a typed number.
      const changed = xml.replace(/<c r="D2"[^>]*>.*?<\/c>/, '<c r="D2"><v>3.71723198001E+17</v></c>');
      assert.notEqual(changed, xml);
      fs.writeFileSync(sheet, changed);
      execFileSync('zip', ['-q', '-r', '../out.xlsx', '.'], { cwd: path.join(dir, 'x') });
      const r = await bAdmin('POST', '/api/v1/people/import?mode=all',
        { body: fs.readFileSync(path.join(dir, 'out.xlsx')), headers: { 'Content-Type': XLSX } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.imported, 0);
      const bad = r.json.rejected.find((x) => x.row === 2);
      assert.ok(bad, r.text);
      assert.equal(bad.column, '身份证号');
      assert.match(bad.reason, /文本/);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  test('import-2.3 a file that only claims to be .xlsx is 422 and changes nothing', async () => {
    const before = (await bAdmin('GET', '/api/v1/people?per_page=1')).json.total;
    assertError(await upload(Buffer.from('PK\x03\x04 not really a zip')), 422, 'bad_file');
    assertError(await upload(Buffer.from('姓名,身份证号\r\n')), 422, 'bad_file');
    assert.equal((await bAdmin('GET', '/api/v1/people?per_page=1')).json.total, before);
  });
});
