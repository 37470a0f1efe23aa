// bench/crash.mjs - crash rounds on one backend (bench/crash.sh runs them
// all): 16 clients file complaints, book queue numbers and update their
// profiles; the server is killed with SIGKILL at a random moment and
// started again on the same database; then every request that was answered
// 2xx must be stored (a profile holds the last acknowledged name or a
// later one), SQLite's integrity check must say ok, and `pendopo audit
// verify` must pass.  One BENCH line; exit 1 on any loss or any 5xx.
//
// node bench/crash.mjs rounds=20 group_commit=1   (SQLite)
// PENDOPO_TEST_PG=postgresql://... node bench/crash.mjs rounds=5   (PostgreSQL: a new database there)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, REGIONS_CSV, cli, startServer, Client } from '../tests/lib/server.mjs';

const opt = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const ROUNDS = Number(opt.rounds || 20);
const GROUP_COMMIT = opt.group_commit ?? '1';
const PG = process.env.PENDOPO_TEST_PG;
const CLOCK = '2026-12-01T00:00:00Z';          // a Tuesday: bookings for the days after
const FC = 'CRASH-PKM';
const PASSWORD = 'Crash-Rahasia-123';
const ENV = {
  PENDOPO_CLOCK: CLOCK, PENDOPO_GROUP_COMMIT: GROUP_COMMIT, PENDOPO_AUTH_PER_MINUTE: '100000',
  PENDOPO_SUBMIT_PER_HOUR: '1000000', PENDOPO_SUBMIT_PER_HOUR_ADDRESS: '1000000',
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const work = mkdtempSync(join(tmpdir(), 'pendopo-crash-'));
let db = join(work, 'pendopo.db');
if (PG) {
  const name = `pendopo_crash_${process.pid}_${Date.now()}`;
  execFileSync('psql', [PG, '-qc', `CREATE DATABASE ${name}`]);
  const u = new URL(PG);
  u.pathname = '/' + name;
  db = u.toString();
}
const sql = (text) => (PG ? execFileSync('psql', [db, '-Atc', text]) : execFileSync('sqlite3', ['-cmd', '.timeout 10000', db, text]))
  .toString().trim().split('\n').filter(Boolean);

async function must(res, what) {
  const r = await res;
  if (r.status < 200 || r.status > 299) throw new Error(`${what}: ${r.status} ${r.text}`);
  return r;
}

// ---- set-up: the demo regency, a puskesmas with a large quota, the clients' accounts
cli(db, ['migrate']);
cli(db, ['import', 'regions', REGIONS_CSV]);
cli(db, ['demo', 'load']);
cli(db, ['user', 'add', '--email', 'crash-admin@x.id', '--password', PASSWORD, '--role', 'admin']);
let srv = await startServer({ db, env: ENV });
const admin = new Client(srv.url);
await must(admin.post('/api/auth/login', { email: 'crash-admin@x.id', password: PASSWORD }), 'admin login');
await must(admin.post('/api/orgs', { code: FC, name: 'Puskesmas Crash', kind: 'health_facility' }), 'facility');
await must(admin.put(`/api/queue/facilities/${FC}`, { type: 'fktp' }), 'facility type');
await must(admin.post(`/api/queue/facilities/${FC}/services`, { code: 'UMU', name: 'Poli Umum', kind: 'poli', prefix: 'A', avg_service_min: 1 }), 'service');
await must(admin.post(`/api/queue/facilities/${FC}/schedules`, {
  service: 'UMU', weekdays: [1, 2, 3, 4, 5, 6], start: '07:00', end: '23:00', quota_jkn_online: 100, quota_non_online: 9000,
}), 'schedule');
const DATES = ['2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05'];
const sessions = {};
for (const d of DATES) {
  const r = await must(admin.get(`/api/queue/facilities/${FC}/services/UMU/days?from=${d}&days=1`), 'days');
  sessions[d] = r.json.items[0].sessions[0].id;
}
const profiles = [];
for (let i = 0; i < 5; i++) {
  const c = new Client(srv.url);
  const email = `crash-${process.pid}-${i}@x.id`;
  await must(c.post('/api/auth/register', { name: `Warga Crash ${i} v0`, email, password: PASSWORD }), 'register');
  profiles.push({ c, email, i, version: 0, acked: 0 });
}
await srv.stop();

// ---- what was acknowledged, cumulatively over the rounds
const filings = new Map();       // tracking -> tag
const bookings = new Set();      // visit codes
const answers = {};              // status -> count
let serial = 0;
let nikSerial = 0;
const count = (s) => { answers[s] = (answers[s] || 0) + 1; };

// A valid NIK of district 33.03.01, never used twice in the run.
function nik() {
  const k = nikSerial++;
  const day = 1 + (k % 28), month = 1 + (Math.floor(k / 28) % 12), year = 60 + (Math.floor(k / 336) % 40);
  return `330301${String(day).padStart(2, '0')}${String(month).padStart(2, '0')}${String(year).padStart(2, '0')}` +
    String(1 + Math.floor(k / 13440)).padStart(4, '0');
}

async function send(c, method, path, body) {
  try {
    return await c.req(method, path, body);
  } catch {
    return { status: 0 };       // killed mid-request: not acknowledged
  }
}

function clients(base, state) {
  const run = [];
  for (let i = 0; i < 6; i++) {
    run.push((async () => {
      const c = new Client(base);
      while (state.running) {
        const tag = `crash-${process.pid}-${serial++}`;
        const r = await send(c, 'POST', '/api/complaints', {
          kind: 'complaint', category: 'JALAN', description: `Jalan berlubang, laporan ${tag}.`,
          lat: -7.3901, long: 109.3602, village: '33.03.01.2001',
        });
        count(r.status);
        if (r.status === 201) filings.set(r.json.complaint.tracking, tag);
      }
    })());
  }
  for (let i = 0; i < 5; i++) {
    run.push((async () => {
      const c = new Client(base);
      while (state.running) {
        const date = DATES[(serial++) % DATES.length];
        const r = await send(c, 'POST', '/api/queue/bookings', { facility: FC, service: 'UMU', date, session: sessions[date], nik: nik() });
        count(r.status);
        if (r.status === 201) bookings.add(r.json.booking.code);
      }
    })());
  }
  for (const p of profiles) {
    run.push((async () => {
      p.c.base = base;
      while (state.running) {
        const v = ++p.version;
        const r = await send(p.c, 'PATCH', '/api/me', { name: `Warga Crash ${p.i} v${v}` });
        count(r.status);
        if (r.status === 200) p.acked = v;
      }
    })());
  }
  return run;
}

// ---- the rounds
const started = Date.now();
const problems = [];
let integrity = 'ok';
let audit = 'ok';
for (let round = 1; round <= ROUNDS; round++) {
  srv = await startServer({ db, env: ENV });
  const state = { running: true };
  const run = clients(srv.url, state);
  const killAfter = 300 + Math.floor(Math.random() * 2200);
  await sleep(killAfter);
  await srv.kill();
  state.running = false;
  await Promise.all(run);
  await srv.stop();

  // Restarted: what does the database hold?
  srv = await startServer({ db, env: ENV });
  const stored = new Map(sql('SELECT c.tracking, p.description FROM cases c JOIN complaints p ON p.case_id = c.id')
    .map((l) => l.split('|')));
  const codes = new Set(sql('SELECT code FROM q_visits'));
  const names = new Map(sql(`SELECT email, name FROM users WHERE email LIKE 'crash-${process.pid}-%'`).map((l) => l.split('|')));
  const lost = [];
  for (const [no, tag] of filings) if (!(stored.get(no) || '').includes(tag)) lost.push(`complaint ${no}`);
  for (const code of bookings) if (!codes.has(code)) lost.push(`booking ${code}`);
  for (const p of profiles) {
    const v = Number((/ v(\d+)$/.exec(names.get(p.email) || '') || [])[1] ?? -1);
    if (v < p.acked) lost.push(`profile ${p.i}: v${v} stored, v${p.acked} acknowledged`);
  }
  if (!PG) {
    const ic = sql('PRAGMA integrity_check').join(' ');
    if (ic !== 'ok') integrity = ic;
  }
  const av = spawnSync(BIN, ['audit', 'verify', '--db', db], { encoding: 'utf8' });
  if (av.status !== 0) audit = (av.stdout + av.stderr).trim().split('\n')[0];
  const health = await fetch(srv.url + '/healthz').then((r) => r.status, () => 0);
  await srv.stop();
  console.log(`# round ${round}: killed after ${killAfter} ms; acknowledged so far ${filings.size} filings, ` +
    `${bookings.size} bookings, ${profiles.reduce((s, p) => s + p.acked, 0)} profile updates; lost ${lost.length}; ` +
    `integrity ${integrity}; audit ${audit}; restarted /healthz ${health}`);
  if (lost.length) problems.push(`round ${round}: ${lost.length} lost, e.g. ${lost.slice(0, 3).join(', ')}`);
  if (health !== 200) problems.push(`round ${round}: /healthz ${health} after the restart`);
}
const acked = filings.size + bookings.size + profiles.reduce((s, p) => s + p.acked, 0);
// A server killed mid-request cuts its answer off (status 0); a 5xx was
// given by a running server, and is a defect (a restart must not need one).
const errors5xx = Object.entries(answers).filter(([s]) => s >= 500).reduce((n, [, k]) => n + k, 0);
if (errors5xx) problems.push(`${errors5xx} answers were 5xx`);
const lostTotal = problems.filter((p) => / lost/.test(p)).reduce((s, p) => s + Number(/: (\d+) lost/.exec(p)[1]), 0);
console.log(`# answers over all rounds: ${Object.entries(answers).map(([s, n]) => `${s === '0' ? 'cut off' : s}=${n}`).join(' ')}`);
console.log(`BENCH name=crash_rounds backend=${PG ? 'postgresql' : 'sqlite'}${PG ? '' : ` group_commit=${GROUP_COMMIT}`} ` +
  `rounds=${ROUNDS} acked=${acked} lost=${lostTotal} integrity=${integrity === 'ok' ? 'ok' : 'FAILED'} ` +
  `audit=${audit === 'ok' ? 'ok' : 'FAILED'} http_5xx=${errors5xx} seconds=${((Date.now() - started) / 1000).toFixed(0)}`);
for (const p of problems) console.error(`crash: ${p}`);
if (integrity !== 'ok') console.error(`crash: integrity_check: ${integrity}`);
if (audit !== 'ok') console.error(`crash: audit verify: ${audit}`);
if (PG) execFileSync('psql', [PG, '-qc', `DROP DATABASE ${new URL(db).pathname.slice(1)}`]);
rmSync(work, { recursive: true, force: true });
process.exit(problems.length || integrity !== 'ok' || audit !== 'ok' ? 1 : 0);
