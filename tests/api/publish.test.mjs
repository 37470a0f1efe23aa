// Services publish into Satu Data: Matur Bupati's complaints per month,
// district and category become a dataset of the complaints desk, refreshed
// by `pendopo tick` at most once an hour, served through the CKAN API like
// any other; confidential complaints are never counted, a refresh that
// changes nothing records no version, and one that does is a version with
// its diff.  Simantri's queues per facility and month go the same way, as
// a dataset of the health office.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, startServer } from '../lib/server.mjs';
import { cliUser } from './util.mjs';
import { tick, complaint, submit, VILLAGE, VILLAGE_B, DISTRICT } from './complaints_fixtures.mjs';

const NOW = '2026-03-10T03:00:00Z';            // 10:00 WIB: every complaint below is of 2026-03
const DISTRICT_B = '33.03.02';
const DATASET = 'pengaduan-matur-bupati-bulanan';
const REPORTER = 'Rahmawati Pelapor Publik';

let srv, anon, desk, pupr, nurse;

before(async () => {
  srv = await startServer({ demo: true, env: { PENDOPO_CLOCK: NOW } });
  anon = new Client(srv.url);
  [desk, pupr, nurse] = await Promise.all([
    cliUser(srv, 'officer', ['--unit', 'DINKOMINFO']),
    cliUser(srv, 'officer', ['--unit', 'PUPR']),
    cliUser(srv, 'officer', ['--unit', 'PKM-KEMANGKON']),
  ]);
});

after(async () => { if (srv) await srv.stop(); });

const action = async (fn, query = '') => {
  const r = await anon.get(`/api/3/action/${fn}${query}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.success, true);
  return r.json.result;
};

const records = async (resourceId) => {
  const r = await anon.get(`/api/3/action/datastore_search?resource_id=${resourceId}&limit=1000`);
  assert.equal(r.status, 200, r.text);
  return r.json.result;
};

// The published table as {bulan|kode_wilayah|kategori: [jumlah, dijawab_tepat_waktu]}.
async function published(resourceId) {
  const res = await records(resourceId);
  assert.ok(!JSON.stringify(res).includes(REPORTER), 'no reporter in the published rows');
  assert.deepEqual(res.fields.map((f) => f.id), ['_id', 'bulan', 'kode_wilayah', 'kategori', 'jumlah', 'dijawab_tepat_waktu']);
  const out = {};
  for (const rec of res.records) out[`${rec.bulan}|${rec.kode_wilayah}|${rec.kategori}`] = [rec.jumlah, rec.dijawab_tepat_waktu];
  return out;
}

const versions = async (rid) => (await anon.get(`/api/data/resources/${rid}/versions`)).json;

test('complaints statistics: a dataset of the desk, no confidential case, a version only on change', async () => {
  const file = (extra) => submit(anon, complaint({ name: REPORTER, email: 'rahma@contoh.id', ...extra }));
  const road = (await file()).complaint;
  await file({ description: 'Jembatan kecil di dusun retak dan miring.' });
  await file({ category: 'LINGKUNGAN', description: 'Asap pembakaran sampah tiap malam.', village: VILLAGE_B });
  await file({ description: 'Lampu jalan mati di jalan raya.', village: null });
  // Confidential: on purpose, and by its category.
  await file({ description: 'Pungutan di proyek jalan desa.', confidential: true });
  const sensitive = (await file({ category: 'KEKERASAN', description: 'Kekerasan dalam rumah tangga tetangga.', village: VILLAGE_B })).complaint;
  assert.equal(sensitive.confidential, true);

  tick(srv, '2026-03-10T05:00:00Z');
  const found = await action('package_search', '?q=pengaduan');
  const pkg = found.results.find((p) => p.name === DATASET);
  assert.ok(pkg, `package_search finds the dataset: ${JSON.stringify(found.results.map((p) => p.name))}`);
  assert.equal(pkg.organization.name, 'dinkominfo', 'owned by the unit that runs the channel');
  const show = await action('package_show', `?id=${DATASET}`);
  assert.equal(show.title, 'Pengaduan Matur Bupati per kategori, kecamatan dan bulan');
  assert.equal(show.resources.length, 1);
  assert.equal(show.resources[0].datastore_active, true, 'published at once');
  const extras = Object.fromEntries(show.extras.map((e) => [e.key, e.value]));
  assert.equal(extras.period_start, '2026-03');
  assert.equal(extras.period_end, '2026-03');
  assert.ok(show.tags.some((t) => t.name === 'matur-bupati'));
  const rid = show.resources[0].id;

  assert.deepEqual(await published(rid), {
    [`2026-03|${DISTRICT}|JALAN`]: [2, 0],
    [`2026-03|${DISTRICT_B}|LINGKUNGAN`]: [1, 0],
    '2026-03|33.03|JALAN': [1, 0],          // no village: counted at the regency
  }, 'confidential complaints are not counted anywhere');
  let v = await versions(rid);
  const first = v.pub_version;
  assert.ok(first >= 1);
  assert.equal(v.items[0].created_by, 'Matur Bupati (otomatis)');

  // Nothing changed: the refresh records nothing.
  tick(srv, '2026-03-10T07:00:00Z');
  v = await versions(rid);
  assert.equal(v.cur_version, first, 'no version for an unchanged table');
  assert.equal(v.pub_version, first);

  // An answer on time and a new complaint change two rows.
  let r = await desk.post(`/api/complaints/${road.tracking}/actions/disposition`, {});
  assert.equal(r.status, 200, r.text);
  r = await pupr.post(`/api/complaints/${road.tracking}/actions/answer`, { text: 'Sudah ditambal.' });
  assert.equal(r.status, 200, r.text);
  await file({ category: 'LINGKUNGAN', description: 'Sungai berbusa putih di hilir pabrik.', village: VILLAGE_B });
  tick(srv, '2026-03-10T09:00:00Z');
  v = await versions(rid);
  assert.equal(v.pub_version, first + 1, 'a change is a new published version');
  assert.equal(v.items[0].changed, 2);
  assert.deepEqual(await published(rid), {
    [`2026-03|${DISTRICT}|JALAN`]: [2, 1],
    [`2026-03|${DISTRICT_B}|LINGKUNGAN`]: [2, 0],
    '2026-03|33.03|JALAN': [1, 0],
  });
  const diff = (await anon.get(`/api/data/resources/${rid}/diff?from=${first}&to=${first + 1}`)).json;
  assert.deepEqual(diff.counts, { added: 0, removed: 0, changed: 2 });
  const before = await anon.get(`/api/data/resources/${rid}/rows?version=${first}`);
  assert.equal(before.status, 200, before.text);
  assert.equal(before.json.records.find((x) => x.kode_wilayah === DISTRICT_B).jumlah, 1, 'the old version reads back');

  // Within the hour the claim holds, on this instance or any other.
  await file({ category: 'PENDIDIKAN', description: 'Atap ruang kelas bocor saat hujan.' });
  tick(srv, '2026-03-10T09:30:00Z');
  assert.equal((await versions(rid)).cur_version, first + 1, 'at most one refresh an hour');
  tick(srv, '2026-03-10T10:01:00Z');
  v = await versions(rid);
  assert.equal(v.pub_version, first + 2);
  assert.equal(v.items[0].added, 1);
  assert.deepEqual((await published(rid))[`2026-03|${DISTRICT}|PENDIDIKAN`], [1, 0]);
});

test('queue statistics: a dataset of the health office, per facility and month', async () => {
  const FC = 'PKM-KEMANGKON';
  const served = await nurse.post(`/api/queue/facilities/${FC}/walkins`, { service: 'UMU' });
  assert.equal(served.status, 201, served.text);
  const left = await nurse.post(`/api/queue/facilities/${FC}/walkins`, { service: 'UMU' });
  assert.equal(left.status, 201, left.text);
  const counters = (await anon.get(`/api/queue/facilities/${FC}/counters`)).json.items;
  const reg = counters.find((k) => k.service.code === 'REG');
  let r = await nurse.post(`/api/queue/counters/${reg.id}/open`, {});
  assert.equal(r.status, 200, r.text);
  r = await nurse.post(`/api/queue/counters/${reg.id}/call`, { label: served.json.booking.label });
  assert.equal(r.status, 200, r.text);
  r = await nurse.post(`/api/queue/counters/${reg.id}/finish`, {});
  assert.equal(r.status, 200, r.text);

  tick(srv, '2026-03-10T12:00:00Z');
  const show = await action('package_show', '?id=antrean-simantri-bulanan');
  assert.equal(show.organization.name, 'dinkes');
  const rid = show.resources[0].id;
  let res = await records(rid);
  assert.deepEqual(res.fields.map((f) => f.id), ['_id', 'bulan', 'kode_fasilitas', 'nama_fasilitas', 'kode_wilayah',
    'booking', 'datang_langsung', 'tidak_hadir', 'rata_tunggu_menit', 'rata_layanan_menit']);
  assert.equal(res.records.length, 1);
  let row = res.records[0];
  assert.deepEqual([row.bulan, row.kode_fasilitas, row.booking, row.datang_langsung, row.tidak_hadir],
    ['2026-03', FC, 0, 2, 0]);
  assert.equal(typeof row.rata_tunggu_menit, 'number', 'one patient was called');
  assert.equal(typeof row.rata_layanan_menit, 'number', 'and finished');
  assert.ok(!JSON.stringify(res).includes(served.json.booking.code), 'no booking code in the figures');
  const first = (await versions(rid)).pub_version;

  // The next morning the day's sweep makes the one never called a no-show.
  tick(srv, '2026-03-11T01:00:00Z');
  assert.equal((await versions(rid)).pub_version, first + 1);
  row = (await records(rid)).records[0];
  assert.equal(row.tidak_hadir, 1);
});
