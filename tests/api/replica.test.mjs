// The read replica (--db-read): a private PostgreSQL primary and a streaming
// replica made from it with pg_basebackup -R; one server reading from both.
// Which reads went where is proven by content (a replica whose replay is
// paused answers without the newest write) and by /metrics' counts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster } from '../lib/pgcluster.mjs';
import { BIN, REGIONS_CSV, Client, cli, startServer } from '../lib/server.mjs';
import { cliUser } from './util.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MAX_LAG_MS = 1000;

async function metrics(srv) {
  const text = await (await fetch(srv.url + '/metrics')).text();
  const reads = {};
  for (const m of text.matchAll(/^pendopo_db_replica_reads_total\{route="(\w+)"\} (\d+)$/gm)) reads[m[1]] = Number(m[2]);
  const fit = /^pendopo_db_replica_fit (\d)$/m.exec(text);
  return { fit: fit ? Number(fit[1]) : null, reads };
}

async function until(what, fn, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// The replica has replayed everything the primary has flushed.
function caughtUp(primary, replica) {
  const lsn = primary.psql('postgres', 'SELECT pg_current_wal_flush_lsn()').trim();
  return replica.psql('postgres', `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn`).trim() === 't';
}

// A concrete path for a route pattern: every {param} a plausible value.
function concrete(pattern) {
  return pattern.replace(/\{(\w+)\}/g, (_, name) => ({ fmt: 'json', file: 'x.json', kode: '33.03.01.2001', fc: 'P3303010101' }[name] || 'X'));
}

describe('read replica', { skip: !process.env.PENDOPO_TEST_PG && 'PostgreSQL pass only (PENDOPO_TEST_PG)', timeout: 120000 }, () => {
  let primary, replica, srv, officer;
  const anon = () => new Client(srv.url);
  const names = async (c) => (await c.get('/api/data/datasets')).json.items.map((d) => d.name);

  before(async () => {
    primary = await startCluster();
    const db = primary.createDatabase('pendopo_replica');
    cli(db, ['migrate']);
    cli(db, ['import', 'regions', REGIONS_CSV]);
    replica = await primary.startReplica();
    srv = await startServer({
      db,
      env: { PENDOPO_DB_READ: replica.url('pendopo_replica'), PENDOPO_DB_READ_MAX_LAG_MS: String(MAX_LAG_MS) },
    });
    const admin = await cliUser(srv, 'admin');
    const unit = await admin.post('/api/orgs', { code: 'DINKES', name: 'Dinas Kesehatan', kind: 'agency' });
    assert.equal(unit.status, 201, unit.text);
    officer = await cliUser(srv, 'officer', ['--unit', 'DINKES']);
    await until('the replica in use', async () => (await metrics(srv)).fit === 1);
  });
  after(async () => {
    await srv?.stop();
    replica?.destroy();
    primary?.destroy();
  });

  it('answers every public read flagged for it, and none of them writes', async () => {
    const routes = execFileSync(BIN, ['routes'], { encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l))
      .filter((r) => r.replica);
    assert.ok(routes.length >= 20, `flagged routes: ${routes.length}`);
    await until('caught up', () => caughtUp(primary, replica));
    const before_ = (await metrics(srv)).reads;
    for (const r of routes) {
      const res = await anon().req(r.method, concrete(r.path), r.method === 'POST' ? {} : undefined);
      assert.ok(res.status < 500, `${r.method} ${r.path}: ${res.status} ${res.text.slice(0, 200)}`);
    }
    const now = (await metrics(srv)).reads;
    // A write on a hot standby fails and would be retried on the primary.
    assert.equal(now.retried - before_.retried, 0, 'no read failed on the replica');
    assert.equal(now.replica - before_.replica, routes.length, 'every flagged read went to the replica');
  });

  it('a lagging replica: others read the old state within the bound, the writer its own write, everyone the new one past it', async () => {
    await until('caught up', () => caughtUp(primary, replica));
    replica.psql('postgres', 'SELECT pg_wal_replay_pause()');
    try {
      const made = await officer.post('/api/data/datasets', { name: 'replika-satu', title: 'Data replika', org: 'DINKES' });
      assert.equal(made.status, 201, made.text);
      const wrote = /pendopo_wrote=1[^,]*Max-Age=(\d+)/.exec(made.headers.get('set-cookie'));
      assert.ok(wrote, `the write sets the read-your-writes cookie: ${made.headers.get('set-cookie')}`);
      assert.ok(Number(wrote[1]) * 1000 >= MAX_LAG_MS, 'the cookie outlives the lag bound');

      // Another caller, within the bound: the replica, without the write.
      assert.ok(!(await names(anon())).includes('replika-satu'), 'the paused replica answered');
      // The writer, with the cookie: the primary.
      const own = await (await fetch(srv.url + '/api/data/datasets', { headers: { cookie: `${officer.cookie}; pendopo_wrote=1` } })).json();
      assert.ok(own.items.some((d) => d.name === 'replika-satu'), 'the writer reads its own write');

      // Past the bound the replica is unfit and every read goes to the primary.
      const t0 = Date.now();
      await until('the primary answering past the bound', async () => (await names(anon())).includes('replika-satu'), 10000);
      assert.ok(Date.now() - t0 <= MAX_LAG_MS + 1000, `fell back within the bound (${Date.now() - t0} ms)`);
      const m = await metrics(srv);
      assert.equal(m.fit, 0);
      assert.ok(m.reads.unfit > 0 && m.reads.recent_write > 0, JSON.stringify(m.reads));
    } finally {
      replica.psql('postgres', 'SELECT pg_wal_replay_resume()');
    }
    await until('the replica fit again', async () => (await metrics(srv)).fit === 1);
    const before_ = (await metrics(srv)).reads.replica;
    assert.ok((await names(anon())).includes('replika-satu'));
    assert.equal((await metrics(srv)).reads.replica, before_ + 1, 'back on the replica, with the write');
  });

  it('a stopped replica: reads are answered by the primary, and the replica is used again once back', async () => {
    replica.stop();
    for (let i = 0; i < 5; i++) {
      const res = await anon().get('/api/data/datasets');
      assert.equal(res.status, 200, res.text);
      assert.ok(res.json.items.some((d) => d.name === 'replika-satu'));
    }
    assert.equal((await metrics(srv)).fit, 0);
    await replica.start();
    await until('the replica fit again', async () => (await metrics(srv)).fit === 1, 30000);
    assert.equal((await anon().get('/api/data/datasets')).status, 200);
  });
});

describe('--db-read', () => {
  it('is refused on SQLite: a replica streams from PostgreSQL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pendopo-replica-'));
    const db = join(dir, 'p.db');
    cli(db, ['migrate']);
    const r = spawnSync(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', db, '--db-read', 'postgresql://127.0.0.1:1/x',
      '--data-dir', join(dir, 'data')], { encoding: 'utf8', timeout: 10000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--db-read needs a PostgreSQL --db/);
  });
});
