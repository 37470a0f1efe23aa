// Starts a real `pendopo serve` on a free loopback port with a fresh database,
// for API and browser tests.  PENDOPO_BIN picks the binary (the ASan build in
// `make asan`); PENDOPO_TEST_PG, when set to a postgresql:// server URL, makes
// each server use a new database on that server instead of SQLite.
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.PENDOPO_BIN || join(ROOT, 'build', 'pendopo');
export const REGIONS_CSV = process.env.PENDOPO_REGIONS_CSV || join(ROOT, '..', 'shared', 'data', 'wilayah.csv');

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Migrating and importing the 91,599 regions cost every server start about
// a second, five under ASan: a suite's servers spent minutes on it.  So it
// is done once per binary (and PostgreSQL server), into a template that
// each new database copies.  The first process to take the lock folder
// builds it; the folder's rename to the template's name says it is ready.
const TEMPLATES = join(dirname(BIN), 'test-templates');
let pgTemplateKey;

function templateKey(pg) {
  const bin = statSync(BIN);
  const csv = statSync(REGIONS_CSV);
  const parts = [BIN, bin.mtimeMs, bin.size, REGIONS_CSV, csv.mtimeMs, csv.size];
  if (pg) {
    // A new PostgreSQL server (with-postgres.sh) may reuse an old one's port.
    pgTemplateKey ??= execFileSync('psql', [pg, '-Atqc', 'SELECT pg_postmaster_start_time()'], { encoding: 'utf8' }).trim();
    parts.push(pg, pgTemplateKey);
  }
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
}

const pgUrl = (pg, name) => { const u = new URL(pg); u.pathname = '/' + name; return u.toString(); };

async function template(pg) {
  const key = templateKey(pg);
  const ready = join(TEMPLATES, key);
  const lock = ready + '.lock';
  const db = pg ? pgUrl(pg, `pendopo_tmpl_${key}`) : join(ready, 'pendopo.db');
  mkdirSync(TEMPLATES, { recursive: true });
  for (const start = Date.now(); !existsSync(ready);) {
    try {
      mkdirSync(lock);
    } catch {
      // Another process builds it; a lock older than its build can take
      // was left by a killed run.
      try { if (Date.now() - statSync(lock).mtimeMs > 180000) rmSync(lock, { recursive: true, force: true }); } catch { /* gone */ }
      if (Date.now() - start > 240000) throw new Error(`test template ${key} never became ready`);
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const building = pg ? db : join(lock, 'pendopo.db');
    try {
      if (pg) execFileSync('psql', [pg, '-q', '-c', `DROP DATABASE IF EXISTS pendopo_tmpl_${key}`, '-c', `CREATE DATABASE pendopo_tmpl_${key}`]);
      cli(building, ['migrate']);
      cli(building, ['import', 'regions', REGIONS_CSV]);
    } catch (e) {
      rmSync(lock, { recursive: true, force: true });	// the next caller tries again, and fails as clearly
      throw e;
    }
    renameSync(lock, ready);
    // Templates of older builds of this binary, no longer anyone's.
    for (const old of readdirSync(TEMPLATES)) {
      const path = join(TEMPLATES, old);
      if (old !== key && Date.now() - statSync(path).mtimeMs > 3600000) rmSync(path, { recursive: true, force: true });
    }
  }
  return db;
}

let dbSerial = 0;
async function newDatabase(dir, regions) {
  const pg = process.env.PENDOPO_TEST_PG;
  const tmpl = regions ? await template(pg) : null;
  if (!pg) {
    const db = join(dir, 'pendopo.db');
    if (!tmpl) return db;
    copyFileSync(tmpl, db);
    if (existsSync(tmpl + '-wal')) copyFileSync(tmpl + '-wal', db + '-wal');
    return db;
  }
  // The default WAL_LOG copy, whose sequences may go back if PostgreSQL
  // crashes (tests/lib/pgcluster.mjs): this server is never crashed, and
  // FILE_COPY's checkpoints took 0.6-2.8 s a copy here against 0.4-0.6.
  const name = `pendopo_t${process.pid}_${Date.now()}_${dbSerial++}`;
  execFileSync('psql', [pg, '-qc', tmpl ? `CREATE DATABASE ${name} TEMPLATE ${new URL(tmpl).pathname.slice(1)}` : `CREATE DATABASE ${name}`]);
  return pgUrl(pg, name);
}

export function cli(db, args, opts = {}) {
  return execFileSync(BIN, [...args, '--db', db], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

// opts.regions: import the region register (default true)
// opts.demo: load demo data (default false)
// opts.port: listen there (a free port the caller chose, to know the URL
// before the server starts), else a free one
export async function startServer(opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pendopo-test-'));
  const regions = opts.regions !== false;
  const db = opts.db || await newDatabase(dir, regions);
  if (!opts.db) {
    if (!regions) cli(db, ['migrate']);
    if (opts.demo) cli(db, ['demo', 'load']);
  }
  const port = opts.port || await freePort();
  const env = { ...process.env, PENDOPO_DATA_DIR: join(dir, 'data'), PENDOPO_ACCESS_LOG: '0', ...(opts.env || {}) };
  const proc = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--db', db], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`pendopo serve exited ${proc.exitCode}: ${stderr}`);
    try {
      const res = await fetch(url + '/healthz');
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      // Do not leave it running: the test runner would wait for it forever.
      proc.kill('SIGKILL');
      throw new Error('pendopo serve did not start: ' + stderr);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url, port, db, dir, pid: proc.pid,
    cli: (args) => cli(db, args),
    stderr: () => stderr,
    // SIGKILL: the process dies wherever it is (crash tests); the files stay.
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await exited;
      }
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      if (proc.exitCode && proc.exitCode !== 0 && proc.signalCode === null) {
        throw new Error(`pendopo serve exited ${proc.exitCode}: ${stderr}`);
      }
      if (!opts.keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A tiny cookie-aware client: keeps the session cookie and CSRF token.
export class Client {
  constructor(base) { this.base = base; this.cookie = null; this.csrf = null; this.bearer = null; }
  async req(method, path, body, headers = {}) {
    const h = { ...headers };
    if (body !== undefined && typeof body !== 'string') { h['content-type'] = 'application/json'; body = JSON.stringify(body); }
    else if (typeof body === 'string' && !h['content-type']) h['content-type'] = 'application/json';
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET' && !('x-csrf-token' in h)) h['x-csrf-token'] = this.csrf;
    if (this.bearer) h.authorization = 'Bearer ' + this.bearer;
    const res = await fetch(this.base + path, { method, headers: h, body });
    const set = res.headers.get('set-cookie');
    if (set) {
      const m = /pendopo_session=([^;]*)/.exec(set);
      if (m) this.cookie = m[1] ? `pendopo_session=${m[1]}` : null;
    }
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    if (json && json.csrf_token) this.csrf = json.csrf_token;
    return { status: res.status, headers: res.headers, json, text };
  }
  get(p, h) { return this.req('GET', p, undefined, h); }
  post(p, b, h) { return this.req('POST', p, b === undefined ? {} : b, h); }
  patch(p, b, h) { return this.req('PATCH', p, b, h); }
  put(p, b, h) { return this.req('PUT', p, b, h); }
  del(p, h) { return this.req('DELETE', p, undefined, h); }
}
