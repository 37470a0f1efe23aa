// Satu Data: catalogue, all-or-nothing imports, versions and diffs,
// conflicts across agencies and region levels, the walidata/pembina flow,
// and who may do what.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { assertError, cliUser, register } from './util.mjs';

const SCHEMA = {
  fields: [
    { name: 'kode_wilayah', type: 'string' },
    { name: 'periode', type: 'string' },
    { name: 'nilai', type: 'integer', constraints: { minimum: 0 } },
    { name: 'catatan', type: 'string' },
  ],
  primaryKey: ['kode_wilayah', 'periode'],
  foreignKeys: [{ fields: 'kode_wilayah', reference: { resource: 'wilayah', fields: 'kode' } }],
};

const csv = (rows) => ['kode_wilayah,periode,nilai,catatan', ...rows.map((r) => r.join(','))].join('\n') + '\n';

describe('data', () => {
  let srv, walidata, dukcapil, dinkes, bps, citizen, anon;
  let villages; // of district 33.03.01

  const importCsv = (client, rid, text, note = 'uji') =>
    client.req('POST', `/api/data/resources/${rid}/import?note=${encodeURIComponent(note)}`, text, { 'content-type': 'text/csv' });

  async function dataset(client, name, org, extra = {}) {
    const r = await client.post('/api/data/datasets', { name, title: `Data ${name}`, org, ...extra });
    assert.equal(r.status, 201, r.text);
    return r.json.dataset;
  }
  async function table(client, dsName, indicator, schema = SCHEMA) {
    const r = await client.post(`/api/data/datasets/${dsName}/resources`, {
      name: 'Tabel', schema, period_field: 'periode', mappings: [{ field: 'nilai', indicator }],
    });
    assert.equal(r.status, 201, r.text);
    return r.json.resource.id;
  }
  async function indicator(code, producer, extra = {}) {
    const r = await walidata.post('/api/data/indicators', { code, name: `Indikator ${code}`, unit: 'jiwa', producer, ...extra });
    assert.equal(r.status, 201, r.text);
  }
  const review = (client, rid, n, decision, note) =>
    client.post(`/api/data/resources/${rid}/versions/${n}/review`, note ? { decision, note } : { decision });

  before(async () => {
    srv = await startServer({ demo: true });
    walidata = await cliUser(srv, 'walidata');
    dukcapil = await cliUser(srv, 'officer', ['--unit', 'DISDUKCAPIL']);
    dinkes = await cliUser(srv, 'officer', ['--unit', 'DINKES']);
    bps = await cliUser(srv, 'officer', ['--unit', 'BPS']);
    citizen = await register(srv.url);
    anon = new Client(srv.url);
    const v = await anon.get('/api/regions?parent=33.03.01&limit=100');
    villages = v.json.items.map((x) => x.kode);
    assert.ok(villages.length > 5);
    await indicator('UJI-A', 'DISDUKCAPIL', { tolerance: 0.01 });
    await indicator('UJI-H', 'DISDUKCAPIL', { additive: true });
    await indicator('UJI-BIG', 'DISDUKCAPIL');
  });
  after(async () => { await srv?.stop(); });

  test('the registry and the catalogue: who may create what', async () => {
    assertError(await dukcapil.post('/api/data/indicators', { code: 'NOPE', name: 'x', producer: 'DINKES' }), 403, 'forbidden');
    assertError(await walidata.post('/api/data/indicators', { code: 'UJI-A', name: 'x', producer: 'DINKES' }), 409, 'conflict');
    assertError(await walidata.post('/api/data/indicators', { code: 'UJI-X', name: 'x', producer: 'NO-SUCH' }), 400, 'invalid', 'producer');
    assertError(await dinkes.post('/api/data/datasets', { name: 'bukan-punya', title: 'x', org: 'DISDUKCAPIL' }), 403, 'forbidden');
    assertError(await citizen.post('/api/data/datasets', { name: 'warga', title: 'x', org: 'DINKES' }), 403, 'forbidden');
    const ds = await dataset(dukcapil, 'milik-dukcapil', 'DISDUKCAPIL', { tags: ['uji'], period_start: '2024' });
    assert.equal(ds.org.code, 'DISDUKCAPIL');
    assert.deepEqual(ds.tags, ['uji']);
    assertError(await dukcapil.post('/api/data/datasets', { name: 'milik-dukcapil', title: 'x', org: 'DISDUKCAPIL' }), 409, 'conflict');
    assertError(await dukcapil.post('/api/data/datasets', { name: 'Huruf Besar', title: 'x', org: 'DISDUKCAPIL' }), 400, 'invalid', 'name');
    // Agency B may neither edit nor extend agency A's dataset.
    assertError(await dinkes.patch('/api/data/datasets/milik-dukcapil', { title: 'Diubah' }), 403, 'forbidden');
    assertError(await dinkes.post('/api/data/datasets/milik-dukcapil/resources', { name: 'x', url: 'https://contoh.id/a.csv' }), 403, 'forbidden');
    assert.equal((await anon.get('/api/data/datasets/milik-dukcapil')).json.dataset.title, 'Data milik-dukcapil');
    // A bad schema names what is wrong.
    const bad = await dukcapil.post('/api/data/datasets/milik-dukcapil/resources', { name: 't', schema: { fields: [{ name: 'a', type: 'float' }], primaryKey: 'a' } });
    assertError(bad, 400, 'invalid', 'schema');
    assert.match(bad.json.error.message, /type must be/);
  });

  test('a file with errors changes nothing and every error is reported', async () => {
    await dataset(dukcapil, 'impor-salah', 'DISDUKCAPIL');
    const rid = await table(dukcapil, 'impor-salah', 'UJI-A');
    const r = await importCsv(dukcapil, rid, csv([
      ['33.03.01', '2024', '10', 'baik'],
      ['33.03.01', '2024', '11', 'kunci ganda'],
      ['99.99', '2024', '1', 'wilayah tak dikenal'],
      ['33.03.02', '2024-13', '4', 'periode salah'],
      ['33.03.03', '2024', 'abc', 'bukan angka'],
      ['33.03.04', '2024', '-5', 'di bawah minimum'],
    ]));
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.code, 'invalid_rows');
    assert.equal(r.json.error_count, 5);
    const got = r.json.errors.map((e) => [e.row, e.column]);
    assert.deepEqual(got, [[3, 'kode_wilayah'], [4, 'kode_wilayah'], [5, 'periode'], [6, 'nilai'], [7, 'nilai']]);
    assert.match(r.json.errors[0].message, /repeats row 2/);
    assert.match(r.json.errors[1].message, /region register/);
    assert.match(r.json.errors[2].message, /not a period/);
    assert.match(r.json.errors[3].message, /whole number/);
    assert.match(r.json.errors[4].message, /minimum/);
    const v = await dukcapil.get(`/api/data/resources/${rid}/versions`);
    assert.deepEqual(v.json.items, []);
    assert.equal(v.json.cur_version, 0);
    // A header that does not fit the schema.
    const h = await importCsv(dukcapil, rid, 'kode,periode,nilai\n33.03.01,2024,1\n');
    assert.equal(h.status, 400);
    assert.deepEqual(h.json.errors.map((e) => e.column).sort(), ['catatan', 'kode', 'kode_wilayah']);
    assertError(await importCsv(dukcapil, rid, csv([['33.03.01', '2024', '1', '']]), ''), 400, 'invalid', 'note');
    // Only the producing agency imports.
    assertError(await importCsv(dinkes, rid, csv([['33.03.01', '2024', '1', '']])), 403, 'forbidden');
    assertError(await importCsv(citizen, rid, csv([['33.03.01', '2024', '1', '']])), 403, 'forbidden');
  });

  test('a good 100,000-row file imports', { timeout: 60000 }, async () => {
    await dataset(dukcapil, 'besar', 'DISDUKCAPIL');
    const rid = await table(dukcapil, 'besar', 'UJI-BIG');
    const districts = (await anon.get('/api/regions?parent=33.03&limit=100')).json.items.map((x) => x.kode);
    const codes = ['33.03', ...districts, ...villages];
    const lines = ['kode_wilayah,periode,nilai,catatan'];
    for (let i = 0; lines.length <= 100000; i++) {
      const month = `${1900 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
      for (const k of codes) {
        if (lines.length > 100000) break;
        lines.push(`${k},${month},${(i * 7 + k.length) % 1000},"baris, ${lines.length}"`);
      }
    }
    const t0 = Date.now();
    const r = await importCsv(dukcapil, rid, lines.join('\n') + '\n', 'seratus ribu baris');
    assert.equal(r.status, 201, r.text.slice(0, 500));
    assert.equal(r.json.version.rows, 100000);
    assert.equal(r.json.version.added, 100000);
    assert.ok(Date.now() - t0 < 40000);
    const rows = await dukcapil.get(`/api/data/resources/${rid}/rows?version=1&region=33.03&limit=2`);
    assert.equal(rows.status, 200, rows.text);
    assert.equal(rows.json.records.length, 2);
    assert.equal(rows.json.records[0].catatan, 'baris, 1');
  });

  test('versions: diff is exact, history and "as of" follow publication', async () => {
    await dataset(dukcapil, 'versi', 'DISDUKCAPIL');
    const rid = await table(dukcapil, 'versi', 'UJI-BIG');
    const v1 = await importCsv(dukcapil, rid, csv([['33.03.01', '2024', '10', 'a'], ['33.03.02', '2024', '20', 'b'], ['33.03.03', '2024', '30', 'c']]), 'versi pertama');
    assert.equal(v1.status, 201, v1.text);
    assert.equal((await review(walidata, rid, 1, 'approve')).status, 200);
    const v2 = await importCsv(dukcapil, rid, csv([['33.03.01', '2024', '10', 'a'], ['33.03.02', '2024', '25', 'b'], ['33.03.04', '2024', '40', 'd']]), 'koreksi');
    assert.equal(v2.status, 201, v2.text);
    assert.deepEqual([v2.json.version.added, v2.json.version.removed, v2.json.version.changed, v2.json.version.rows], [1, 1, 1, 3]);
    const d = await dukcapil.get(`/api/data/resources/${rid}/diff?from=1&to=2`);
    assert.equal(d.status, 200, d.text);
    assert.deepEqual(d.json.counts, { added: 1, removed: 1, changed: 1 });
    assert.deepEqual(d.json.added, [{ kode_wilayah: '33.03.04', periode: '2024', nilai: 40, catatan: 'd' }]);
    assert.deepEqual(d.json.removed, [{ kode_wilayah: '33.03.03', periode: '2024', nilai: 30, catatan: 'c' }]);
    assert.equal(d.json.changed[0].before.nilai, 20);
    assert.equal(d.json.changed[0].after.nilai, 25);
    // The public sees version 1 until version 2 is published.
    const pub = await anon.get(`/api/data/resources/${rid}/rows`);
    assert.equal(pub.json.version, 1);
    assert.deepEqual(pub.json.records.map((x) => x.nilai), [10, 20, 30]);
    assertError(await anon.get(`/api/data/resources/${rid}/rows?version=2`), 404, 'not_found');
    assertError(await anon.get(`/api/data/resources/${rid}/diff?from=1&to=2`), 404, 'not_found');
    assert.equal((await anon.get(`/api/data/resources/${rid}/versions`)).json.items.length, 1);
    assert.equal((await review(walidata, rid, 2, 'approve')).status, 200);
    const now = await anon.get(`/api/data/resources/${rid}/rows`);
    assert.deepEqual(now.json.records.map((x) => x.nilai), [10, 25, 40]);
    const old = await anon.get(`/api/data/resources/${rid}/rows?as_of=2000-01-01`);
    assert.equal(old.json.version, 0);
    assert.deepEqual(old.json.records, []);
    const asOf = await anon.get(`/api/data/resources/${rid}/rows?as_of=2999-12-31`);
    assert.equal(asOf.json.version, 2);
    const dl = await fetch(`${srv.url}/api/data/resources/${rid}/data.csv`);
    assert.equal(dl.status, 200);
    assert.equal(await dl.text(), 'kode_wilayah,periode,nilai,catatan\r\n33.03.01,2024,10,a\r\n33.03.02,2024,25,b\r\n33.03.04,2024,40,d\r\n');
    const js = await (await fetch(`${srv.url}/api/data/resources/${rid}/data.json`)).json();
    assert.equal(js.length, 3);
  });

  test('conflicts: different figures block publication until the walidata resolves them', async () => {
    await dataset(dukcapil, 'resmi', 'DISDUKCAPIL');
    await dataset(dinkes, 'pembanding', 'DINKES');
    const ra = await table(dukcapil, 'resmi', 'UJI-A');
    const rb = await table(dinkes, 'pembanding', 'UJI-A');
    assert.equal((await importCsv(dukcapil, ra, csv([['33.03.01', '2024', '100', ''], ['33.03.02', '2024', '50', ''], ['33.03.03', '2024', '1000', '']]))).status, 201);
    // A producer cannot publish its own data.
    assertError(await review(dukcapil, ra, 1, 'approve'), 403, 'forbidden');
    assert.equal((await review(walidata, ra, 1, 'approve')).status, 200);
    // Same figure: no conflict; within 1 %: no conflict; 100 vs 120: conflict.
    const b = await importCsv(dinkes, rb, csv([['33.03.01', '2024', '120', ''], ['33.03.02', '2024', '50', ''], ['33.03.03', '2024', '1005', '']]));
    assert.equal(b.status, 201, b.text);
    assert.deepEqual(b.json.conflicts, { agency: 1, hierarchy: 0 });
    const list = await walidata.get('/api/data/conflicts');
    const mine = list.json.items.filter((c) => c.indicator.code === 'UJI-A');
    assert.equal(mine.length, 1);
    const c = mine[0];
    assert.deepEqual([c.region.kode, c.period, c.a.value, c.b.value], ['33.03.01', '2024', 100, 120]);
    assert.equal(c.a.org.code, 'DISDUKCAPIL');
    assert.equal(c.a.designated, true);
    assert.equal(c.b.org.code, 'DINKES');
    // The other agency sees it too; the public does not.
    assert.ok((await dinkes.get('/api/data/conflicts')).json.items.some((x) => x.id === c.id));
    assertError(await anon.get('/api/data/conflicts'), 401, 'unauthenticated');
    assertError(await citizen.get('/api/data/conflicts'), 403, 'forbidden');
    // Blocked.
    const blocked = await review(walidata, rb, 1, 'approve');
    assertError(blocked, 409, 'conflict');
    assert.match(blocked.json.error.message, /not resolved/);
    assertError(await dinkes.post(`/api/data/conflicts/${c.id}/resolve`, { decision: 'official' }), 403, 'forbidden');
    assertError(await walidata.post(`/api/data/conflicts/${c.id}/resolve`, { decision: 'official', side: 'b' }), 400, 'invalid', 'side');
    const res = await walidata.post(`/api/data/conflicts/${c.id}/resolve`, { decision: 'official', note: 'Disdukcapil produsen data kependudukan' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.conflict.status, 'resolved');
    assert.equal(res.json.conflict.official_value, 100);
    assert.equal((await review(walidata, rb, 1, 'approve')).status, 200);
    // The official figure is the designated producer's; the other is an alternative with its source.
    const vals = await anon.get('/api/data/indicators/UJI-A/values?region=33.03.01');
    assert.equal(vals.status, 200, vals.text);
    assert.equal(vals.json.items.length, 1);
    assert.equal(vals.json.items[0].value, 100);
    assert.equal(vals.json.items[0].source.org.code, 'DISDUKCAPIL');
    assert.deepEqual(vals.json.items[0].alternatives.map((x) => [x.value, x.org.code]), [[120, 'DINKES']]);
    const by = await anon.get('/api/data/indicators/UJI-A/values?parent=33.03&period=2024');
    assert.deepEqual(by.json.items.map((x) => [x.region.kode, x.value]), [['33.03.01', 100], ['33.03.02', 50], ['33.03.03', 1000]]);
    // Re-importing the same differing figure does not reopen a settled conflict.
    const again = await importCsv(dinkes, rb, csv([['33.03.01', '2024', '120', 'lagi'], ['33.03.02', '2024', '50', ''], ['33.03.03', '2024', '1005', '']]));
    assert.deepEqual(again.json.conflicts, { agency: 0, hierarchy: 0 });
  });

  test('conflicts: a figure returned to its producer, then corrected', async () => {
    await dataset(dukcapil, 'kembali-a', 'DISDUKCAPIL');
    await dataset(dinkes, 'kembali-b', 'DINKES');
    const ra = await table(dukcapil, 'kembali-a', 'UJI-A');
    const rb = await table(dinkes, 'kembali-b', 'UJI-A');
    await importCsv(dukcapil, ra, csv([['33.03.05', '2023', '500', '']]));
    const b = await importCsv(dinkes, rb, csv([['33.03.05', '2023', '900', '']]));
    assert.equal(b.json.conflicts.agency, 1);
    const c = (await walidata.get('/api/data/conflicts')).json.items.find((x) => x.region.kode === '33.03.05' && x.period === '2023');
    assertError(await walidata.post(`/api/data/conflicts/${c.id}/resolve`, { decision: 'return' }), 400, 'invalid', 'note');
    const ret = await walidata.post(`/api/data/conflicts/${c.id}/resolve`, { decision: 'return', note: 'Periksa kembali angka ini' });
    assert.equal(ret.status, 200, ret.text);
    assert.equal(ret.json.conflict.status, 'returned');
    assert.equal(ret.json.conflict.returned_to, 'DINKES');
    const hist = await dinkes.get(`/api/data/resources/${rb}/versions`);
    assert.equal(hist.json.items[0].status, 'returned');
    assert.equal(hist.json.items[0].review_note, 'Periksa kembali angka ini');
    // The corrected figure agrees: the conflict closes by itself.
    const fix = await importCsv(dinkes, rb, csv([['33.03.05', '2023', '500', 'dikoreksi']]), 'koreksi');
    assert.deepEqual(fix.json.conflicts, { agency: 0, hierarchy: 0 });
    const closed = await walidata.get(`/api/data/conflicts/${c.id}`);
    assert.equal(closed.json.conflict.status, 'superseded');
    assert.equal((await review(walidata, rb, 2, 'approve')).status, 200);
  });

  test('hierarchy: villages that do not add up to their district are flagged', async () => {
    await dataset(dukcapil, 'hirarki', 'DISDUKCAPIL');
    const rid = await table(dukcapil, 'hirarki', 'UJI-H');
    const rows = villages.map((k) => [k, '2024', '10', '']);
    const good = villages.length * 10;
    const ok = await importCsv(dukcapil, rid, csv([['33.03.01', '2024', String(good), ''], ...rows]));
    assert.equal(ok.status, 201, ok.text);
    assert.deepEqual(ok.json.conflicts, { agency: 0, hierarchy: 0 });
    const bad = await importCsv(dukcapil, rid, csv([['33.03.01', '2024', String(good + 7), ''], ...rows]), 'total salah');
    assert.deepEqual(bad.json.conflicts, { agency: 0, hierarchy: 1 });
    const c = (await walidata.get('/api/data/conflicts')).json.items.find((x) => x.kind === 'hierarchy' && x.indicator.code === 'UJI-H');
    assert.deepEqual([c.region.kode, c.a.value, c.b.value], ['33.03.01', good + 7, good]);
    assertError(await review(walidata, rid, 2, 'approve'), 409, 'conflict');
    // Incomplete children are not summed.
    const part = await importCsv(dukcapil, rid, csv([['33.03.01', '2024', '5', ''], ...rows.slice(1)]), 'sebagian');
    assert.deepEqual(part.json.conflicts, { agency: 0, hierarchy: 0 });
  });

  test('priority data: walidata verifies, then the pembina approves', async () => {
    await dataset(dukcapil, 'prioritas', 'DISDUKCAPIL', { priority: true });
    const rid = await table(dukcapil, 'prioritas', 'UJI-BIG');
    await importCsv(dukcapil, rid, csv([['33.03.06', '2024', '1', '']]));
    const v = await review(walidata, rid, 1, 'approve');
    assert.equal(v.json.version.status, 'verified');
    assert.equal((await anon.get(`/api/data/resources/${rid}/rows`)).json.version, 0);
    assertError(await review(walidata, rid, 1, 'approve'), 403, 'forbidden');
    assertError(await review(dinkes, rid, 1, 'approve'), 403, 'forbidden');
    const queue = await bps.get('/api/data/review');
    assert.ok(queue.json.items.some((x) => x.resource === rid && x.status === 'verified'));
    const p = await review(bps, rid, 1, 'approve');
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.version.status, 'published');
    assert.equal((await anon.get(`/api/data/resources/${rid}/rows`)).json.version, 1);
    assertError(await review(bps, rid, 1, 'approve'), 409, 'conflict');
  });

  test('the full scan and settings are for the walidata', async () => {
    const s = await walidata.post('/api/data/scan');
    assert.equal(s.status, 200, s.text);
    assert.ok(s.json.tables > 0);
    assertError(await dukcapil.post('/api/data/scan'), 403, 'forbidden');
    const set = await walidata.patch('/api/data/settings', { escalate_days: 7 });
    assert.equal(set.json.escalate_days, 7);
    assertError(await walidata.patch('/api/data/settings', { escalate_days: 999 }), 400, 'invalid', 'escalate_days');
  });

  test('the demo shows a conflict on a fresh install', async () => {
    const list = (await walidata.get('/api/data/conflicts')).json.items;
    const demo = list.find((c) => c.indicator.code === 'PDDK-JUMLAH' && c.region.kode === '33.03');
    assert.ok(demo, 'the demo conflict for Purbalingga');
    assert.equal(demo.a.org.code, 'DISDUKCAPIL');
    assert.equal(demo.b.org.code, 'DINKES');
    assert.equal(demo.b.value - demo.a.value, 2150);
  });

  test('the tick escalates conflicts left open longer than the setting to the data forum', async () => {
    const forum = await cliUser(srv, 'officer', ['--unit', 'BAPPELITBANGDA']);
    await indicator('UJI-ESK', 'DISDUKCAPIL');
    await dataset(dukcapil, 'eskalasi-a', 'DISDUKCAPIL');
    await dataset(dinkes, 'eskalasi-b', 'DINKES');
    const ra = await table(dukcapil, 'eskalasi-a', 'UJI-ESK');
    const rb = await table(dinkes, 'eskalasi-b', 'UJI-ESK');
    assert.equal((await importCsv(dukcapil, ra, csv([['33.03.05', '2023', '500', '']]))).status, 201);
    assert.equal((await importCsv(dinkes, rb, csv([['33.03.05', '2023', '600', '']]))).status, 201);
    const find = async (who) => (await who.get('/api/data/conflicts')).json.items.find((c) => c.indicator.code === 'UJI-ESK');
    const c = await find(walidata);
    assert.equal(c.escalated, false);
    assert.equal((await walidata.patch('/api/data/settings', { escalate_days: 10 })).status, 200);
    // The forum sees a dispute only once it has been escalated to it.
    assert.equal(await find(forum), undefined);
    assertError(await forum.get(`/api/data/conflicts/${c.id}`), 404, 'not_found');
    const later = (days) => new Date(Date.parse(c.opened_at) + days * 86400000).toISOString().slice(0, 19) + 'Z';
    srv.cli(['tick', '--clock', later(9)]);
    assert.equal((await find(walidata)).escalated, false);
    srv.cli(['tick', '--clock', later(11)]);
    const esc = await find(walidata);
    assert.equal(esc.escalated, true);
    assert.equal(esc.status, 'open');
    assert.ok(esc.escalated_at > c.opened_at);
    // Once only: a second tick leaves the first escalation as it was.
    srv.cli(['tick', '--clock', later(12)]);
    assert.equal((await find(walidata)).escalated_at, esc.escalated_at);
    // The coordinator now sees it and may settle it; a producer still may not.
    const seen = await find(forum);
    assert.equal(seen.id, c.id);
    assertError(await dinkes.post(`/api/data/conflicts/${c.id}/resolve`, { decision: 'official' }), 403, 'forbidden');
    const done = await forum.post(`/api/data/conflicts/${c.id}/resolve`, { decision: 'official', note: 'Forum: angka Disdukcapil' });
    assert.equal(done.status, 200, done.text);
    assert.equal(done.json.conflict.status, 'resolved');
    assert.equal(done.json.conflict.official_value, 500);
  });
});
