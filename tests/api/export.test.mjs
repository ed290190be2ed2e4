// Roster export: .xlsx (ID and phone as text cells) and CSV with a BOM,
// masked unless revealed with a recorded reason, every export audited,
// and township scope.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, session, assertError, idNumber } from './lib.mjs';

const FULL_ID = /(?<!\d)\d{17}[\dX](?!\d)/;

describe('export', () => {
  let srv, sa, sa2, aud;
  before(async () => {
    srv = await startServer();
    [sa, sa2, aud] = await Promise.all(['school_admin', 'school_admin2', 'auditor']
      .map((u) => session(srv.base, u)));
  });
  after(async () => { if (srv) await srv.stop(); });

  const get = async (as, p) => {
    const r = await fetch(srv.base + p, { headers: { Cookie: as.cookie } });
    return { status: r.status, headers: r.headers, buf: Buffer.from(await r.arrayBuffer()) };
  };
  // The text of an .xlsx: its sheet and shared strings.
  const xlsxText = (buf) => {
    const f = path.join(os.tmpdir(), `dx-export-${process.pid}-${Date.now()}.xlsx`);
    fs.writeFileSync(f, buf);
    try {
      return {
        sheet: execFileSync('unzip', ['-p', f, 'xl/worksheets/sheet1.xml']).toString(),
        strings: execFileSync('unzip', ['-p', f, 'xl/sharedStrings.xml']).toString(),
      };
    } finally { fs.rmSync(f, { force: true }); }
  };

  test('export-1.1 CSV: a BOM, the template headers, masked numbers, own township only', async () => {
    const r = await get(sa, '/api/v1/people/export.csv');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /text\/csv/);
    assert.match(r.headers.get('content-disposition'), /attachment/);
    assert.deepEqual([...r.buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const lines = r.buf.subarray(3).toString('utf8').trim().split('\r\n');
    assert.equal(lines[0], '姓名,性别,出生日期,身份证号,手机号,政治面貌,所属镇街,所属村(社区),人员类别,标记');
    assert.equal(lines.length - 1, 20); // the small demo: 2 villages × 10
    // Codes are shown by name (the import takes a name or a code).
    assert.ok(lines.slice(1).every((l) => l.split(',')[6] === '文亭街道'));
    assert.ok(lines.slice(1).every((l) => !/\d{12}/.test(l.split(',')[7])));
    assert.doesNotMatch(lines.join('\n'), FULL_ID);
    assert.doesNotMatch(lines.join('\n'), /(?<!\d)1[3-9]\d{9}(?!\d)/);
  });

  test('export-1.2 xlsx: masked, ID and phone columns are text cells', async () => {
    const r = await get(sa, '/api/v1/people/export.xlsx');
    assert.equal(r.status, 200);
    assert.equal(r.buf.subarray(0, 2).toString(), 'PK');
    const { sheet, strings } = xlsxText(r.buf);
    assert.match(strings, /身份证号/);
    assert.doesNotMatch(strings, FULL_ID);
    // Column D (ID) cells are shared strings (t="s"), never numbers.
    const dCells = [...sheet.matchAll(/<c r="D\d+"([^>]*)>/g)].map((m) => m[1]);
    assert.ok(dCells.length >= 20);
    assert.ok(dCells.every((a) => /t="s"/.test(a)), 'an ID cell is not a string');
  });

  test('export-1.3 reveal needs a reason; it is recorded with the export', async () => {
    assertError(await sa('GET', '/api/v1/people/export.csv?reveal=id_number'), 400, 'invalid_param', 'reason');
    const reason = '报送县委组织部';
    const r = await get(sa, `/api/v1/people/export.xlsx?reveal=id_number&reason=${encodeURIComponent(reason)}`);
    assert.equal(r.status, 200);
    const { strings } = xlsxText(r.buf);
    assert.match(strings, FULL_ID);
    const a = await aud('GET', '/api/v1/audit?event=person_export');
    assert.ok(a.json.total >= 3);
    const last = a.json.items[0];
    assert.equal(last.detail.revealed, true);
    assert.equal(last.detail.reason, reason);
    assert.equal(last.detail.format, 'xlsx');
    assert.equal(last.detail.rows, 20);
    assert.equal(a.json.items[1].detail.revealed, false);
  });

  test('export-1.4 scope and roles', async () => {
    assertError(await sa2('GET', '/api/v1/people/export.csv?township=371723001'), 403, 'forbidden_township');
    const r = await get(sa2, '/api/v1/people/export.csv');
    const lines = r.buf.subarray(3).toString('utf8').trim().split('\r\n').slice(1);
    assert.ok(lines.length > 0 && lines.every((l) => l.split(',')[6] === '永昌街道'));
    assertError(await aud('GET', '/api/v1/people/export.xlsx'), 403, 'forbidden');
  });

  // Names that a spreadsheet would run; after export-1.x, whose counts
  // they would change.
  const FORMULAS = ['=HYPERLINK("http://e.cn","点")', "-2+3+cmd|'/C calc'!A0", '@SUM(1+1)', '+1+1'];

  test('export-2.1 CSV: a name that is a formula comes out as text, with a leading quote', async () => {
    for (const [i, name] of FORMULAS.entries()) {
      const c = await sa('POST', '/api/v1/people', {
        json: { name, id_number: idNumber('1970-01-01', 300 + i), political_status: 'member', township_code: '371723001' },
      });
      assert.equal(c.status, 201, `${name}: ${c.text}`);
    }
    const r = await get(sa, '/api/v1/people/export.csv');
    const text = r.buf.subarray(3).toString('utf8');
    for (const name of FORMULAS) {
      const cell = `"'${name.replaceAll('"', '""')}"`;
      assert.ok(text.includes(cell + ','), `${name} not written as ${cell}`);
    }
    // No line begins with a formula character: every name cell is safe.
    for (const line of text.trim().split('\r\n').slice(1))
      assert.doesNotMatch(line, /^[=+\-@\t\r]/, line);
  });

  test('export-2.2 xlsx: the same names are shared strings, never formulas', async () => {
    const r = await get(sa, '/api/v1/people/export.xlsx');
    const { sheet, strings } = xlsxText(r.buf);
    assert.doesNotMatch(sheet, /<f[ >]/, 'a formula cell in the export');
    const esc = (x) => x.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
    for (const name of FORMULAS)
      assert.ok(strings.includes(`<t>${esc(name)}</t>`) || strings.includes(`<t>${name}</t>`),
        `${name} not among the shared strings`);
  });
});
