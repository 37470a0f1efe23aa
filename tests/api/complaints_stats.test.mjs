// Matur Bupati's public statistics are kept ready per year in each server
// (src/complaints/stats_cache.c) behind stamps the changing transaction
// moves: two servers on one database, each holding its copy, see every
// change made through the other (a filing, a decision, a corrected
// category, a category's new name) and one written to the database by
// hand, on their next request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client } from '../lib/server.mjs';
import { people, complaint, submit } from './complaints_fixtures.mjs';

const FRIDAY = '2026-08-14T02:00:00Z';
let a;
let b;
let p;

before(async () => {
  a = await startServer({ demo: true, env: { PENDOPO_CLOCK: FRIDAY } });
  b = await startServer({ db: a.db, env: { PENDOPO_CLOCK: FRIDAY } });
  p = await people(a);
});

after(async () => {
  if (b) await b.stop();
  if (a) await a.stop();
});

function sql(srv, text) {
  return srv.db.startsWith('postgres')
    ? execFileSync('psql', [srv.db, '-qAtc', text], { encoding: 'utf8' })
    : execFileSync('sqlite3', [srv.db, text], { encoding: 'utf8' });
}

// Both servers' statistics of 2026, read twice (the second from the copy).
async function stats() {
  const out = [];
  for (const srv of [a, b]) {
    const c = new Client(srv.url);
    const first = await c.get('/api/complaints/stats?year=2026');
    assert.equal(first.status, 200, first.text);
    assert.deepEqual((await c.get('/api/complaints/stats?year=2026')).json, first.json, 'the copy is the figures');
    out.push(first.json);
  }
  assert.deepEqual(out[1], out[0], 'both servers give the same figures');
  return out[0];
}
const count = (rows, key, value) => (rows.find((x) => x[key] === value) || { count: 0 }).count;

test('the statistics kept ready follow every change, made on either server', async () => {
  const { desk, admin, citizen } = p;
  const s0 = await stats();

  const filed = (await submit(citizen, complaint({ description: 'Lampu jalan mati di depan balai desa.' }))).complaint.tracking;
  const s1 = await stats();
  assert.equal(s1.total, s0.total + 1, 'a filing');
  const state = (await desk.get(`/api/complaints/${filed}`)).json.complaint.state;
  assert.equal(count(s1.by_state, 'state', state), count(s0.by_state, 'state', state) + 1);
  assert.equal(count(s1.by_category, 'code', 'JALAN'), count(s0.by_category, 'code', 'JALAN') + 1);

  // A decision: the case engine's stamp.
  const r = await desk.post(`/api/complaints/${filed}/actions/reject`, { reason: 'out_of_authority', text: 'Kewenangan pusat.' });
  assert.equal(r.status, 200, r.text);
  const s2 = await stats();
  assert.equal(count(s2.by_state, 'state', 'rejected'), count(s1.by_state, 'state', 'rejected') + 1, 'a decision');
  assert.equal(count(s2.by_state, 'state', state), count(s1.by_state, 'state', state) - 1);
  assert.equal(s2.settle_judged, s1.settle_judged + 1, 'settled');

  // A corrected category: the complaints' own stamp (the case is unchanged).
  const other = (await admin.get('/api/complaints/categories')).json.items.map((k) => k.code).find((k) => k !== 'JALAN');
  const fixed = (await submit(citizen, complaint({ description: 'Jalan desa rusak parah sejak musim hujan.' }))).complaint.tracking;
  const s3 = await stats();
  const patched = await desk.patch(`/api/complaints/${fixed}`, { category: other });
  assert.equal(patched.status, 200, patched.text);
  const s4 = await stats();
  assert.equal(count(s4.by_category, 'code', 'JALAN'), count(s3.by_category, 'code', 'JALAN') - 1, 'a corrected category');
  assert.equal(count(s4.by_category, 'code', other), count(s3.by_category, 'code', other) + 1);

  // A category's new name.
  assert.equal((await admin.patch(`/api/complaints/categories/${other}`, { name: 'Nama Baru Kategori' })).status, 200);
  const s5 = await stats();
  assert.equal(s5.by_category.find((k) => k.code === other).name, 'Nama Baru Kategori', 'a new name');

  // A change written by hand, past the server: the triggers still move the stamps.
  sql(a, `UPDATE complaints SET district = '33.03.02' WHERE case_id = (SELECT id FROM cases WHERE tracking = '${fixed}')`);
  const s6 = await stats();
  assert.equal(count(s6.by_district, 'kode', '33.03.02'), count(s5.by_district, 'kode', '33.03.02') + 1, 'a district by hand');
  sql(a, `UPDATE cases SET state = 'closed' WHERE tracking = '${fixed}'`);
  const s7 = await stats();
  assert.equal(count(s7.by_state, 'state', 'closed'), count(s6.by_state, 'state', 'closed') + 1, 'a state by hand');
});
