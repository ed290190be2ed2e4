// bench/login_flood.mjs — /healthz latency while clients flood the log-in
// with wrong passwords for names that do not exist (issue 9, "Log-in
// floods"), with the real argon2id settings (64 MiB, 2 passes), not the
// tests' fast ones.
//
//   node bench/login_flood.mjs [--clients 16] [--seconds 10] [--limit on|off]
//
// DX_BIN picks the binary (default build/dangxiao). --limit off raises the
// per-address limit out of reach, to measure the hashing pool alone (the
// flood comes from one address, 127.0.0.1, which the limit would otherwise
// cut off after login_addr_max_failures). A binary without the setting
// (before issue 9) is run as it is. Prints p50/p99/max of /healthz over
// the flood and the answers the flooders got.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { BIN, startServer, sleep } from '../tests/api/lib.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const clients = Number(arg('clients', 16));
const seconds = Number(arg('seconds', 10));
const limit = arg('limit', 'off');

const help = spawnSync(BIN, ['serve', '--help'], { encoding: 'utf8' }).stdout;
const env = { DANGXIAO_ARGON2_MEMLIMIT_KIB: '65536', DANGXIAO_ARGON2_OPSLIMIT: '2' };
if (limit === 'off' && help.includes('login_addr_max_failures'))
  env.DANGXIAO_LOGIN_ADDR_MAX_FAILURES = '1000000';

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};

async function sample(base, until, out) {
  while (performance.now() < until) {
    const t0 = performance.now();
    const r = await fetch(base + '/healthz');
    await r.arrayBuffer();
    out.push(performance.now() - t0);
    await sleep(20);
  }
}

async function flood(base, until, answers) {
  let n = 0;
  while (performance.now() < until) {
    const name = `nobody_${process.pid}_${n++}_${Math.random().toString(36).slice(2, 8)}`;
    try {
      const r = await fetch(base + '/api/v1/session', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: name, password: 'Wrong!Pass2026' }),
      });
      await r.arrayBuffer();
      answers[r.status] = (answers[r.status] || 0) + 1;
    } catch {
      answers.error = (answers.error || 0) + 1;
    }
  }
}

// Median time of a wrong log-in for a name that exists and for one that
// does not (each a fresh name; the known one reset by a right log-in
// before it would lock): they should be the same.
async function timing(base, known, pw, rounds = 12) {
  const t = { known: [], unknown: [] };
  const once = async (username, password) => {
    const t0 = performance.now();
    const r = await fetch(base + '/api/v1/session', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    await r.arrayBuffer();
    return [performance.now() - t0, r.status];
  };
  for (let i = 0; i < rounds; i++) {
    const [a] = await once(known, 'Wrong!Pass2026');
    const [b] = await once(`ghost_${i}_${Math.random().toString(36).slice(2, 7)}`, 'Wrong!Pass2026');
    t.known.push(a);
    t.unknown.push(b);
    if (i % 4 === 3) await once(known, pw);
  }
  return t;
}

const srv = await startServer({ env, demo: false });
try {
  const base = srv.base;
  const pw = 'Kq7!vRm2xT-bench';
  const add = await srv.cli(['user', 'add', 'bench_known', '--role', 'county_admin'], { input: pw + '\n' });
  if (add.code !== 0) throw new Error(`user add: ${add.stderr}`);
  const t = await timing(base, 'bench_known', pw);
  console.log(`wrong log-in, median: known name ${pct(t.known, 0.5).toFixed(1)} ms, ` +
    `unknown name ${pct(t.unknown, 0.5).toFixed(1)} ms (${t.known.length} each)`);
  const quiet = [];
  await sample(base, performance.now() + 2000, quiet);
  const during = [], answers = {};
  const until = performance.now() + seconds * 1000;
  await Promise.all([sample(base, until, during),
    ...Array.from({ length: clients }, () => flood(base, until, answers))]);
  const f = (xs) => `p50 ${pct(xs, 0.5).toFixed(1)} ms, p99 ${pct(xs, 0.99).toFixed(1)} ms, ` +
    `max ${Math.max(...xs).toFixed(1)} ms (${xs.length} samples)`;
  console.log(`binary ${BIN}; ${clients} clients, ${seconds} s, per-address limit ${env.DANGXIAO_LOGIN_ADDR_MAX_FAILURES ? 'off' : 'default'}`);
  console.log(`/healthz quiet:       ${f(quiet)}`);
  console.log(`/healthz under flood: ${f(during)}`);
  console.log(`flood answers: ${JSON.stringify(answers)}`);
} finally {
  await srv.stop();
}
