// tests/lint/queries.test.mjs — every call that names a query literally
// passes the parameter types the query table declares for it.
//
// The table (src/db/queries*.h) declares each statement's parameter types;
// the server checks each call against it when the call runs (db.c) and
// checks the table against the statements at start (db_check_queries).
// This test reads the source so that a call with a parameter too few or
// too many fails before it ever runs: the table is printed by a small C
// program built with the same preprocessor (qtable.c), and the calls are
// found by the forms they are written in:
//   db_query(db, Q_NAME, "types", ...)        db_exec, db_int1 (&out first)
//   helper(db, Q_NAME, "types", ...)          wrappers that pass types on
//   cond ? Q_A : Q_B, &out, "types"           both names
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

function queryTable() {
  const bin = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dxq-')), 'qtable');
  execFileSync('cc', ['-std=c17', '-I', path.join(ROOT, 'src'), '-o', bin,
    path.join(ROOT, 'tests/lint/qtable.c')]);
  const out = execFileSync(bin, { encoding: 'utf8' });
  fs.rmSync(path.dirname(bin), { recursive: true });
  const table = new Map();
  for (const line of out.split('\n').filter(Boolean)) {
    const [name, types = ''] = line.split('\t');
    table.set(name, types);
  }
  return table;
}

function sources(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.c')) out.push(p);
  }
  return out;
}

// Each call found: {file, line, name, types}.
function literalCalls(files) {
  const calls = [];
  const arg = String.raw`(?:&?[\w.>-]+\s*,\s*)?`; // db_int1's &out, or db
  const one = new RegExp(String.raw`\bQ_([A-Z0-9_]+)\s*,\s*${arg}"([a-z]*)"`, 'g');
  const pair = new RegExp(String.raw`\bQ_([A-Z0-9_]+)\s*:\s*Q_([A-Z0-9_]+)\s*,\s*${arg}"([a-z]*)"`, 'g');
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const lineOf = (i) => text.slice(0, i).split('\n').length;
    for (const m of text.matchAll(one))
      calls.push({ file, line: lineOf(m.index), name: m[1], types: m[2] });
    for (const m of text.matchAll(pair))
      calls.push({ file, line: lineOf(m.index), name: m[1], types: m[3] });
  }
  return calls;
}

test('lint-1.1 every literal call passes the declared parameter types', () => {
  const table = queryTable();
  assert.ok(table.size > 100, `the query table has ${table.size} entries`);
  const files = [...sources(path.join(ROOT, 'src')),
    ...sources(path.join(ROOT, 'tests/unit'))];
  const calls = literalCalls(files);
  assert.ok(calls.length > 200, `found ${calls.length} calls`);
  const wrong = [];
  for (const c of calls) {
    const declared = table.get(c.name);
    const where = `${path.relative(ROOT, c.file)}:${c.line}`;
    if (declared === undefined)
      wrong.push(`${where}: Q_${c.name} is not in the query table`);
    else if (declared !== c.types)
      wrong.push(`${where}: Q_${c.name} called with "${c.types}", declared "${declared}"`);
  }
  assert.deepEqual(wrong, []);
});

test('lint-1.2 the checker sees a wrong call', () => {
  // The patterns above must catch the defect that shipped once: a call with
  // a parameter too few (AUDIT_COUNT given 4 of its 5).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dxq-'));
  const file = path.join(dir, 'bad.c');
  fs.writeFileSync(file, 'db_int1(db, Q_AUDIT_COUNT, &total, "ssii", a, b, 0, 1);\n' +
    'db_query(db, x ? Q_AUDIT_LIST : Q_AUDIT_SCAN, "i", 1);\n');
  const calls = literalCalls([file]);
  fs.rmSync(dir, { recursive: true });
  const table = queryTable();
  assert.deepEqual(calls.map((c) => [c.name, c.types, table.get(c.name) === c.types])
    .sort((a, b) => a[0].localeCompare(b[0])),
    [['AUDIT_COUNT', 'ssii', false], ['AUDIT_LIST', 'i', false], ['AUDIT_SCAN', 'i', true]]);
});
