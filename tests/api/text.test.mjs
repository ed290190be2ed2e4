// Text fields refuse control characters (ESC, BEL, DEL, C1, U+2028/2029,
// bidi overrides) with 422 naming the field, on the API, on page forms and
// in the roster import; only multi-line fields (notes, intros, answers)
// keep tab and line feed, and CR LF is stored as LF. Each refusal changes
// nothing.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, session, assertError, rand, idNumber } from './lib.mjs';

const A = '371723001';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const form = (o) => new URLSearchParams(o).toString();

describe('text', () => {
  let srv, sa, ca, village, sessionId;
  before(async () => {
    srv = await startServer();
    [sa, ca] = await Promise.all(['school_admin', 'county_admin'].map((u) => session(srv.base, u)));
    village = (await sa('GET', `/api/v1/villages?per_page=1`)).json.items[0];
    const list = (await sa('GET', '/api/v1/sessions?from=2000-01-01&per_page=100')).json.items;
    sessionId = list[0].id;
  });
  after(async () => { if (srv) await srv.stop(); });

  const people = async () => (await ca('GET', '/api/v1/people?per_page=1')).json.total;
  const villages = async () => (await ca('GET', '/api/v1/villages?per_page=1')).json.total;

  test('text-1.1 an API write with ESC in a name: 422 naming the field, nobody created', async () => {
    const before = await people();
    for (const bad of ['张\u001b[31m三', '李\u0007四', 'a\u007f', '\u009b2J', '王\u2028五', '\u202e赵六', 'tab\there', 'new\nline']) {
      const r = await sa('POST', '/api/v1/people', {
        json: { name: bad, id_number: idNumber('1980-01-01', 101), political_status: 'member', township_code: A },
      });
      assertError(r, 422, 'invalid_field', 'name');
      assert.match(r.json.error.message, /control character/);
    }
    assert.equal(await people(), before);
    // The same name without it is fine.
    const ok = await sa('POST', '/api/v1/people', {
      json: { name: '张三丰', id_number: idNumber('1980-01-01', 101), political_status: 'member', township_code: A },
    });
    assert.equal(ok.status, 201, ok.text);
    assertError(await sa('PATCH', `/api/v1/people/${ok.json.id}`, { json: { name: '张\u001b三丰' } }), 422, 'invalid_field', 'name');
    assert.equal((await sa('GET', `/api/v1/people/${ok.json.id}`)).json.name, '张三丰');
  });

  test('text-1.2 every route at once: names, titles, reasons, nested survey text', async () => {
    const v0 = await villages();
    assertError(await sa('POST', '/api/v1/villages', { json: { name: '新村\u0007', township_code: A } }), 422, 'invalid_field', 'name');
    assertError(await sa('POST', '/api/v1/orgs', { json: { name: '支部\u001b', type: 'rural', township_code: A } }), 422, 'invalid_field', 'name');
    assertError(await sa('POST', `/api/v1/villages/${village.id}/void`, { json: { reason: '撤并\u001b' } }), 422, 'invalid_field', 'reason');
    assert.equal(await villages(), v0);
    const q = [{ kind: 'single', text: '时间\u0001', options: ['上午', '下午'] }];
    assertError(await sa('POST', '/api/v1/surveys', { json: { title: '调查', questions: q } }), 422, 'invalid_field', 'questions[0].text');
    const q2 = [{ kind: 'single', text: '时间', options: ['上午', '下\u2029午'] }];
    assertError(await sa('POST', '/api/v1/surveys', { json: { title: '调查', questions: q2 } }), 422, 'invalid_field', 'questions[0].options[1]');
    // A tab or a line feed in a one-line field, nested in the domain's own check.
    const q3 = [{ kind: 'single', text: '时间\n地点', options: ['上午', '下午'] }];
    assertError(await sa('POST', '/api/v1/surveys', { json: { title: '调查', questions: q3 } }), 422, 'invalid_field', 'questions[0].text');
    const fine = [{ kind: 'single', text: '时间', options: ['上午', '下午'] }];
    assertError(await sa('POST', '/api/v1/surveys', { json: { title: '调\t查', questions: fine } }), 422, 'invalid_field', 'title');
    // A key holding one.
    assertError(await sa('POST', '/api/v1/villages', { json: { name: '新村', township_code: A, 'x\u001b': 1 } }), 422, 'invalid_field');
  });

  test('text-1.3 multi-line fields keep tab and line feed; CR LF is stored as LF', async () => {
    const intro = '第一行\r\n第二行\r第三行\t完';
    const s = await sa('POST', '/api/v1/surveys', {
      json: { title: `多行${rand(2)}`, intro, questions: [{ kind: 'text', text: '建议' }] },
    });
    assert.equal(s.status, 201, s.text);
    const got = await sa('GET', `/api/v1/surveys/${s.json.id}`);
    assert.equal(got.json.intro, '第一行\n第二行\n第三行\t完');
    const n = await sa('POST', `/api/v1/sessions/${sessionId}/notes`, { json: { kind: 'discussion', body: '一、讨论\r\n\t二、结论' } });
    assert.equal(n.status, 201, n.text);
    const list = (await sa('GET', `/api/v1/sessions/${sessionId}/notes?kind=discussion`)).json.items;
    assert.ok(list.some((x) => x.body === '一、讨论\n\t二、结论'), JSON.stringify(list.slice(0, 3)));
    // But not ESC, even there.
    assertError(await sa('POST', `/api/v1/sessions/${sessionId}/notes`, { json: { kind: 'discussion', body: '纪要\u001b[2J' } }), 422, 'invalid_field', 'body');
  });

  test('text-1.4 the same on a page form: 422, the field named, nothing changed', async () => {
    const p0 = await people(), v0 = await villages();
    const r = await sa('POST', '/people', {
      headers: FORM,
      body: form({ name: '张\u001b三', id_number: idNumber('1981-01-01', 102), political_status: 'member', village_code: '' }),
    });
    assert.equal(r.status, 422, r.text.slice(0, 300));
    assert.match(r.headers.get('content-type'), /text\/html/);
    assert.match(r.text, /“name”含有不可见的控制字符/);
    assert.match(r.text, /U\+001B/);
    const v = await sa('POST', '/villages', { headers: FORM, body: form({ name: '村\u0085', township_code: A }) });
    assert.equal(v.status, 422, v.text.slice(0, 300));
    assert.match(v.text, /“name”/);
    // A line feed typed into a one-line input (a crafted request): refused beside the field.
    const lf = await sa('POST', '/people', {
      headers: FORM,
      body: form({ name: '张\n三', id_number: idNumber('1981-01-01', 102), political_status: 'member' }),
    });
    assert.equal(lf.status, 422, lf.text.slice(0, 300));
    assert.equal(await people(), p0);
    assert.equal(await villages(), v0);
  });

  test('text-1.5 a roster import with a control character in a cell: that row, that column', async () => {
    const before = await people();
    const head = '姓名,身份证号,手机号,政治面貌\r\n';
    const rows = [
      `周一,${idNumber('1982-03-03', 201)},,群众`,
      `吴\u001b二,${idNumber('1982-03-03', 202)},,群众`,
      `"郑\n三",${idNumber('1982-03-03', 203)},,群众`,
      `王四,${idNumber('1982-03-03', 204)},138\u00070000000,群众`,
      `冯五,${idNumber('1982-03-03', 205)},,群众\u007f`,
    ];
    const body = Buffer.from('\ufeff' + head + rows.join('\r\n') + '\r\n');
    const r = await sa('POST', '/api/v1/people/import?mode=valid', { body, headers: { 'Content-Type': 'text/csv' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.imported, 1);
    assert.deepEqual(r.json.rejected.map((x) => [x.row, x.column]), [[3, '姓名'], [4, '姓名'], [5, '手机号'], [6, '政治面貌']]);
    for (const x of r.json.rejected) assert.match(x.reason, /控制字符/);
    assert.equal(await people(), before + 1);
  });

  test('text-1.6 an unmasked export with a control character in its reason: 400', async () => {
    const r = await ca('GET', `/api/v1/people/export.csv?reveal=id_number&reason=${encodeURIComponent('核查\u001b')}`);
    assertError(r, 400, 'invalid_param', 'reason');
  });
});
