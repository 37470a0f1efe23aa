// Backup and restore (issue 17), on SQLite and on PostgreSQL (PENDOPO_TEST_PG):
// 1. `pendopo backup` taken while citizens file complaints with photos is
//    restored by `pendopo restore` into a fresh database and data folder:
//    every filing answered 201 before the backup began is there with its
//    photo, nothing is there that was not answered 201, the tables hold what
//    the backup holds, and `pendopo audit verify` passes.
// 2. A backup killed halfway (SIGKILL) leaves nothing under its name (nor a
//    pg_dump still writing), and the next backup to that name works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { BIN, startServer } from '../lib/server.mjs';
import { register } from './util.mjs';
import { complaint, upload } from './complaints_fixtures.mjs';

const PG = process.env.PENDOPO_TEST_PG;
const LIMITS = { PENDOPO_SUBMIT_PER_HOUR: '1000000', PENDOPO_SUBMIT_PER_HOUR_ADDRESS: '1000000' };
const run = (args) => spawnSync(BIN, args, { encoding: 'utf8' });

let srv;
before(async () => { srv = await startServer({ demo: true, env: LIMITS }); });
after(async () => { await srv.stop(); });

let serial = 0;
// A database nobody has used: a new file, or a new database on the server.
function freshDb(tag) {
  if (!PG) return join(srv.dir, `${tag}.db`);
  const name = `pendopo_r${process.pid}_${Date.now()}_${serial++}`;
  execFileSync('psql', [PG, '-qc', `CREATE DATABASE ${name}`]);
  const u = new URL(PG);
  u.pathname = '/' + name;
  return u.toString();
}

function sql(db, text) {
  const out = PG ? execFileSync('psql', [db, '-Atc', text]) : execFileSync('sqlite3', ['-readonly', db, text]);
  return out.toString().trim();
}

// A 2×2 PNG whose pixels are n's bytes: a file of its own per filing
// (photos are made again without metadata, so only pixels tell them apart).
function pngOf(n) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr[8] = 8; ihdr[9] = 2;
  const px = [n & 255, (n >> 8) & 255, (n >> 16) & 255, 40, 80, 120];
  const raw = Buffer.from([0, ...px, 0, ...px]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function backupAsync(dest) {
  const child = spawn(BIN, ['backup', dest, '--db', srv.db, '--data-dir', join(srv.dir, 'data')],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal, out })));
  return { child, exited };
}

function restore(dest, tag) {
  const db = freshDb(tag);
  const dataDir = join(srv.dir, `${tag}-data`);
  const r = run(['restore', dest, '--db', db, '--data-dir', dataDir]);
  assert.equal(r.status, 0, `restore: ${r.stdout}${r.stderr}`);
  const v = run(['audit', 'verify', '--db', db]);
  assert.equal(v.status, 0, `audit verify of the restored database: ${v.stdout}${v.stderr}`);
  assert.match(v.stdout, /audit trail intact/);
  return { db, dataDir };
}

test('a backup taken under write load restores every acknowledged filing, its photo and the audit chain', async () => {
  const citizens = await Promise.all([0, 1, 2, 3].map((i) => register(srv.url, { name: `Warga Cadangan ${i}` })));
  const acked = [];
  const failures = [];
  let running = true;
  let n = 0;
  const worker = async (i) => {
    const c = citizens[i % citizens.length];
    while (running && !failures.length) {
      const k = n++;
      const up = await upload(c, pngOf(k));
      if (up.status !== 201) failures.push(`upload: ${up.status} ${up.text}`);
      const tag = `cadangan-${process.pid}-${k}`;
      const r = up.status === 201
        ? await c.post('/api/complaints', complaint({ description: `Jalan rusak, laporan ${tag}.`, photos: [up.json.photo.id] }))
        : null;
      if (r && r.status === 201) acked.push({ tracking: r.json.complaint.tracking, tag, c });
      else if (r) failures.push(`filing: ${r.status} ${r.text}`);
    }
  };
  const workers = [0, 1, 2, 3, 4, 5, 6, 7].map(worker);
  while (acked.length < 40 && !failures.length) await new Promise((r) => setTimeout(r, 20));
  const dest = join(srv.dir, 'nightly');
  const beforeBackup = acked.slice();
  const { exited } = backupAsync(dest);
  const b = await exited;
  const duringBackup = acked.length - beforeBackup.length;
  running = false;
  await Promise.all(workers);
  assert.deepEqual(failures, []);
  assert.equal(b.code, 0, b.out);
  assert.match(b.out, /backup written to/);
  assert.deepEqual(readdirSync(srv.dir).filter((f) => f.includes('.partial.')), [], 'no temporary folder left');

  const { db, dataDir } = restore(dest, 'restored');

  // Nothing stored that was not answered 201; everything answered before the backup began.
  const restored = new Set(sql(db, 'SELECT c.tracking FROM cases c JOIN complaints p ON p.case_id = c.id').split('\n'));
  const ackedNos = new Set(acked.map((a) => a.tracking));
  assert.deepEqual([...restored].filter((t) => !ackedNos.has(t)), [], 'restored complaints nobody was told of');
  assert.deepEqual(beforeBackup.filter((a) => !restored.has(a.tracking)).map((a) => a.tracking), [],
    'complaints answered 201 before the backup began are missing');

  // Every table holds what the backup holds (SQLite: the backup is a database we can read).
  if (!PG) {
    const tables = sql(join(dest, 'pendopo.db'), "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").split('\n');
    const counts = (file) => sql(file, tables.map((t) => `SELECT '${t}', count(*) FROM "${t}"`).join(' UNION ALL '));
    assert.equal(counts(db), counts(join(dest, 'pendopo.db')));
    assert.ok(tables.length > 50, `${tables.length} tables`);
  }

  // A server on the restored copy answers each filing and its photo with the same bytes.
  const copy = await startServer({ db, env: { ...LIMITS, PENDOPO_DATA_DIR: dataDir } });
  try {
    const inRestore = acked.filter((a) => restored.has(a.tracking));
    for (const a of inRestore) {
      const c = Object.assign(Object.create(Object.getPrototypeOf(a.c)), a.c, { base: copy.url });
      const r = await c.get(`/api/complaints/${a.tracking}`);
      assert.equal(r.status, 200, `${a.tracking} on the restored copy: ${r.text}`);
      assert.ok(r.json.complaint.description.includes(a.tag));
      assert.equal(r.json.complaint.photos.length, 1);
      const [mine, orig] = await Promise.all([copy.url, srv.url].map(async (base) => {
        const res = await fetch(base + r.json.complaint.photos[0].url, { headers: { cookie: a.c.cookie } });
        assert.equal(res.status, 200, `${a.tracking}'s photo from ${base}`);
        return Buffer.from(await res.arrayBuffer());
      }));
      assert.ok(mine.equals(orig), `${a.tracking}'s photo differs on the restored copy`);
    }
    // A restored copy takes new filings (its counters and sequences came along).
    const fresh = Object.assign(Object.create(Object.getPrototypeOf(citizens[0])), citizens[0], { base: copy.url });
    const r = await fresh.post('/api/complaints', complaint({ description: 'Laporan setelah pemulihan cadangan.' }));
    assert.equal(r.status, 201, r.text);
    assert.ok(!restored.has(r.json.complaint.tracking), 'a new filing reuses a restored tracking number');
  } finally {
    await copy.stop();
  }
  // A restore into a database that holds anything is refused, and changes nothing.
  const again = run(['restore', dest, '--db', db, '--data-dir', dataDir]);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /not empty/);
  console.log(`# backup under load: ${beforeBackup.length} filings before it, ${duringBackup} during it, ${restored.size} restored`);
});

test('a backup killed halfway leaves nothing under its name, and the next one works', async () => {
  const dest = join(srv.dir, 'killed');
  const { child, exited } = backupAsync(dest);
  // Killed the moment its temporary folder appears: mid-copy (the region
  // register alone makes the database about 15 MB).
  let partial;
  const t0 = Date.now();
  while (!(partial = readdirSync(srv.dir).find((f) => f.startsWith('killed.partial.'))) && Date.now() - t0 < 10000);
  assert.ok(partial, 'the backup never made its temporary folder');
  child.kill('SIGKILL');
  const b = await exited;
  assert.equal(b.signal, 'SIGKILL', `the backup finished before it could be killed: ${b.out}`);
  assert.ok(!existsSync(dest), 'a killed backup left something under the final name');
  // Nothing of it keeps writing (pg_dump dies with it).
  await new Promise((r) => setTimeout(r, 200));
  const writers = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(partial); } catch { return false; }
  });
  assert.deepEqual(writers, [], 'a process still writes the killed backup');

  const next = run(['backup', dest, '--db', srv.db, '--data-dir', join(srv.dir, 'data')]);
  assert.equal(next.status, 0, next.stdout + next.stderr);
  const { db } = restore(dest, 'after-kill');
  assert.ok(Number(sql(db, 'SELECT count(*) FROM regions')) > 80000, 'the region register came back');
});
