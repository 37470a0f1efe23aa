// Satu Data in a real browser: a producer uploads a CSV and sees the
// conflict it causes, the walidata resolves it and publishes, and a
// visitor's dataset page shows the official figure and a chart.
//
//   node --test tests/e2e/data.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';

const PASSWORD = 'Rahasia-Data-1';
const SCHEMA = {
  fields: [{ name: 'kode_wilayah', type: 'string' }, { name: 'nama_wilayah', type: 'string' }, { name: 'jumlah', type: 'integer' }],
  primaryKey: 'kode_wilayah',
  foreignKeys: [{ fields: 'kode_wilayah', reference: { resource: 'wilayah', fields: 'kode' } }],
};

let srv, browser, districts, official, producerTable;

async function apiLogin(email) {
  const c = new Client(srv.url);
  const r = await c.post('/api/auth/login', { email, password: PASSWORD });
  assert.equal(r.status, 200, r.text);
  return c;
}

const csvOf = (rows) => ['kode_wilayah,nama_wilayah,jumlah', ...rows.map((r) => r.join(','))].join('\n') + '\n';

before(async () => {
  srv = await startServer({ demo: true });
  for (const [email, role, unit] of [['walidata@uji.id', 'walidata'], ['dukcapil@uji.id', 'officer', 'DISDUKCAPIL'], ['dinkes@uji.id', 'officer', 'DINKES']]) {
    srv.cli(['user', 'add', '--email', email, '--password', PASSWORD, '--role', role, ...(unit ? ['--unit', unit] : [])]);
  }
  const anon = new Client(srv.url);
  districts = (await anon.get('/api/regions?parent=33.03&limit=100')).json.items;
  // Disdukcapil's district figures, published; Dinkes's empty table.
  const dk = await apiLogin('dukcapil@uji.id');
  assert.equal((await dk.post('/api/data/datasets', { name: 'penduduk-kecamatan-2025', title: 'Penduduk per Kecamatan 2025', org: 'DISDUKCAPIL', notes: 'Uji' })).status, 201);
  const t1 = await dk.post('/api/data/datasets/penduduk-kecamatan-2025/resources', { name: 'Penduduk per kecamatan', schema: SCHEMA, mappings: [{ field: 'jumlah', indicator: 'PDDK-JUMLAH', period: '2025' }] });
  assert.equal(t1.status, 201, t1.text);
  official = districts.map((d, i) => [d.kode, d.nama, 40000 + i * 1000]);
  const imp = await dk.req('POST', `/api/data/resources/${t1.json.resource.id}/import?note=awal`, csvOf(official), { 'content-type': 'text/csv' });
  assert.equal(imp.status, 201, imp.text);
  const w = await apiLogin('walidata@uji.id');
  assert.equal((await w.post(`/api/data/resources/${t1.json.resource.id}/versions/1/review`, { decision: 'approve' })).status, 200);
  const dn = await apiLogin('dinkes@uji.id');
  assert.equal((await dn.post('/api/data/datasets', { name: 'sasaran-kecamatan-2025', title: 'Sasaran Kesehatan per Kecamatan 2025', org: 'DINKES' })).status, 201);
  const t2 = await dn.post('/api/data/datasets/sasaran-kecamatan-2025/resources', { name: 'Sasaran per kecamatan', schema: SCHEMA, mappings: [{ field: 'jumlah', indicator: 'PDDK-JUMLAH', period: '2025' }] });
  assert.equal(t2.status, 201, t2.text);
  producerTable = t2.json.resource.id;
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function open() {
  // Reduced motion: the site scrolls smoothly, and a click during the
  // scroll to a checkbox once landed beside it on a busy machine.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: srv.url, reducedMotion: 'reduce' });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return { context, page, problems };
}

async function logIn(page, email, next) {
  await page.goto(`/login.html?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email atau nomor HP').fill(email);
  await page.getByLabel('Kata sandi', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await page.waitForURL(`${srv.url}${next}`);
}

test('producer uploads, sees the conflict; walidata resolves and publishes; the public sees the official figure', { timeout: 120000 }, async () => {
  const target = districts[2];
  const theirs = official.map((r) => (r[0] === target.kode ? [r[0], r[1], r[2] + 777] : r));

  // The producer (Dinkes) uploads a CSV that disagrees about one district.
  const p = await open();
  await logIn(p.page, 'dinkes@uji.id', '/data/upload.html');
  await p.page.getByLabel('Tabel').selectOption(producerTable);
  await p.page.getByLabel('Catatan perubahan').fill('Sasaran 2025');
  await p.page.getByLabel('Berkas CSV').setInputFiles({ name: 'sasaran.csv', mimeType: 'text/csv', buffer: Buffer.from(csvOf(theirs)) });
  await p.page.getByRole('button', { name: 'Unggah dan periksa' }).click();
  const result = p.page.locator('#upload-result');
  await result.waitFor();
  assert.match(await result.textContent(), /Versi 1 diterima/);
  assert.match(await result.textContent(), /1 angka berbeda/);
  assert.equal(await p.page.locator('#upload-progress').getAttribute('value'), '100');
  await p.page.getByRole('link', { name: 'Lihat konflik' }).click();
  await p.page.waitForURL(/\/data\/conflicts\.html$/);
  const mine = p.page.locator('li.conflict', { hasText: target.nama });
  await mine.waitFor();
  assert.match(await mine.textContent(), /Dinas Kependudukan/);
  // A bad file: every error, nothing imported.
  await p.page.goto('/data/upload.html');
  await p.page.getByLabel('Tabel').selectOption(producerTable);
  await p.page.getByLabel('Catatan perubahan').fill('salah');
  await p.page.getByLabel('Berkas CSV').setInputFiles({ name: 'salah.csv', mimeType: 'text/csv', buffer: Buffer.from(csvOf([['99.99', 'X', '1'], [target.kode, 'Y', 'abc']])) });
  await p.page.getByRole('button', { name: 'Unggah dan periksa' }).click();
  await p.page.locator('#upload-result tbody tr').nth(1).waitFor();
  assert.equal(await p.page.locator('#upload-result tbody tr').count(), 2);
  assert.deepEqual(p.problems.filter((x) => !/status of 400/.test(x)), []);
  await p.context.close();

  // The walidata makes the designated producer's figure official, then publishes.
  const w = await open();
  await logIn(w.page, 'walidata@uji.id', '/data/conflicts.html');
  const card = w.page.locator('li.conflict', { hasText: target.nama });
  await card.waitFor();
  // Asked first, naming what becomes official; cancel changes nothing.
  await card.getByRole('button', { name: 'Jadikan angka produsen utama resmi' }).click();
  let ask = w.page.getByRole('dialog', { name: 'Tetapkan angka resmi' });
  await ask.getByText(new RegExp(`akan menjadi angka resmi untuk .*${target.nama}`)).waitFor();
  await ask.getByRole('button', { name: 'Batal' }).click();
  await ask.waitFor({ state: 'detached' });
  assert.equal(await card.getByRole('button', { name: 'Jadikan angka produsen utama resmi' }).count(), 1, 'cancel: still open');
  await card.getByRole('button', { name: 'Jadikan angka produsen utama resmi' }).click();
  ask = w.page.getByRole('dialog', { name: 'Tetapkan angka resmi' });
  await ask.getByRole('button', { name: 'Ya, jadikan resmi' }).click();
  await w.page.locator('#flash', { hasText: 'diselesaikan' }).waitFor();
  await w.page.goto('/data/review.html');
  const item = w.page.locator('li.review-item', { hasText: 'Sasaran Kesehatan per Kecamatan 2025' });
  await item.waitFor();
  await item.getByRole('button', { name: 'Setujui' }).click();
  await w.page.locator('#flash', { hasText: 'diterbitkan' }).waitFor();
  assert.deepEqual(w.problems, []);
  await w.context.close();

  // A visitor: the dataset page with the official figure and a chart; the
  // indicator page with the official value and the other figure beside it.
  const v = await open();
  await v.page.goto('/data/');
  await v.page.getByRole('link', { name: 'Penduduk per Kecamatan 2025' }).click();
  await v.page.waitForURL(/dataset\.html\?name=penduduk-kecamatan-2025/);
  // :visible: the chart's own data table waits folded under "Tabel data".
  const row = v.page.locator('table tbody tr:visible', { hasText: target.nama });
  await row.waitFor();
  const want = official.find((r) => r[0] === target.kode)[2];
  assert.match(await row.textContent(), new RegExp(want.toLocaleString('id-ID').replace(/\./g, '\\.')));
  const bars = await (await v.page.waitForFunction(() => {
    const c = document.querySelector('.chart-canvas canvas');
    const chart = c && window.Chart && window.Chart.getChart(c);
    return chart && chart.data.datasets[0].data.length;
  })).jsonValue();
  assert.ok(bars >= districts.length, `${bars} bars`);
  assert.equal(await v.page.getByRole('link', { name: 'Unduh CSV' }).count(), 1);
  await v.page.goto(`/data/indicator.html?code=PDDK-JUMLAH`);
  const irow = v.page.locator('table tbody tr', { hasText: target.nama }).first();
  await irow.waitFor();
  const text = await irow.textContent();
  assert.match(text, new RegExp(want.toLocaleString('id-ID').replace(/\./g, '\\.')));
  assert.match(text, /Dinas Kesehatan/);
  await v.page.waitForFunction(() => [...document.querySelectorAll('.chart-canvas canvas')].some((c) => window.Chart && window.Chart.getChart(c)));
  assert.deepEqual(v.problems, []);
  await v.context.close();
});

test('a producer describes a dataset and its table on Kelola data, then uploads its CSV', { timeout: 120000 }, async () => {
  const p = await open();
  await logIn(p.page, 'dukcapil@uji.id', '/data/kelola.html');
  // No registry form for a producer: the walidata keeps it.
  assert.equal(await p.page.locator('#indicator-form').count(), 0);
  await p.page.getByLabel('Nama URL').fill('kelahiran-kecamatan-2024');
  await p.page.getByLabel('Judul dataset').fill('Kelahiran per Kecamatan 2024');
  await p.page.getByLabel('Deskripsi').fill('Kelahiran tercatat per kecamatan.');
  await p.page.getByLabel('Frekuensi').selectOption('yearly');
  await p.page.getByLabel('Satuan').fill('jiwa');
  await p.page.getByLabel('Tingkat wilayah').selectOption('district');
  await p.page.getByLabel('Periode awal').fill('2024');
  await p.page.getByLabel('Label').fill('kelahiran, penduduk');
  await p.page.getByRole('button', { name: 'Buat dataset' }).click();
  await p.page.locator('#flash', { hasText: 'dibuat' }).waitFor();

  // The table: a region-code key and a count mapped to an indicator for 2024.
  await p.page.getByLabel('Nama tabel').fill('Kelahiran');
  await p.page.getByLabel('Nama kolom 1').fill('kode_wilayah');
  const first = p.page.locator('#schema-fields li').nth(0);
  await first.getByLabel('kunci utama').check();
  await first.getByLabel('kode wilayah').check();
  await p.page.getByRole('button', { name: 'Tambah kolom' }).click();
  await p.page.getByLabel('Nama kolom 2').fill('jumlah');
  await p.page.getByLabel('Tipe kolom 2').selectOption('integer');
  await p.page.getByLabel('Nilai minimum kolom 2').fill('0');
  await p.page.getByLabel('Indikator kolom 2').selectOption('PDDK-JUMLAH');
  await p.page.getByLabel('Periode tetap').fill('2024');
  await p.page.getByRole('button', { name: 'Buat tabel' }).click();
  await p.page.locator('#table-out', { hasText: 'dibuat' }).waitFor();

  const ds = (await new Client(srv.url).get('/api/data/datasets/kelahiran-kecamatan-2024')).json.dataset;
  assert.equal(ds.org.code, 'DISDUKCAPIL');
  assert.equal(ds.frequency, 'yearly');
  assert.equal(ds.region_level, 'district');
  assert.deepEqual(ds.tags, ['kelahiran', 'penduduk']);
  const res = ds.resources[0];
  assert.deepEqual(res.schema.primaryKey, ['kode_wilayah']);
  assert.equal(res.schema.foreignKeys[0].fields, 'kode_wilayah');
  assert.deepEqual(res.schema.fields[1], { name: 'jumlah', type: 'integer', constraints: { minimum: 0 } });
  assert.equal(res.mappings[0].indicator.code, 'PDDK-JUMLAH');
  assert.equal(res.mappings[0].period, '2024');

  // Its data, through the upload page the success message links to.
  await p.page.getByRole('link', { name: 'Unggah datanya' }).click();
  await p.page.waitForURL(/\/data\/upload\.html$/);
  await p.page.getByLabel('Tabel').selectOption(res.id);
  await p.page.getByLabel('Catatan perubahan').fill('Kelahiran 2024');
  const rows = districts.map((d, i) => `${d.kode},${100 + i}`);
  await p.page.getByLabel('Berkas CSV').setInputFiles({ name: 'kelahiran.csv', mimeType: 'text/csv', buffer: Buffer.from(['kode_wilayah,jumlah', ...rows].join('\n') + '\n') });
  await p.page.getByRole('button', { name: 'Unggah dan periksa' }).click();
  await p.page.locator('#upload-result', { hasText: `Versi 1 diterima: ${districts.length} baris` }).waitFor();

  // The metadata can be edited afterwards from the same page.
  await p.page.goto('/data/kelola.html');
  await p.page.getByLabel('Dataset yang diubah').selectOption('kelahiran-kecamatan-2024');
  await p.page.getByLabel('Judul dataset').fill('Kelahiran per Kecamatan, 2024');
  await p.page.getByRole('button', { name: 'Simpan metadata' }).click();
  await p.page.locator('#flash', { hasText: 'disimpan' }).waitFor();
  assert.equal((await new Client(srv.url).get('/api/data/datasets/kelahiran-kecamatan-2024')).json.dataset.title, 'Kelahiran per Kecamatan, 2024');
  assert.deepEqual(p.problems, []);
  await p.context.close();
});

test('the walidata adds an indicator to the registry and changes its designated producer', { timeout: 60000 }, async () => {
  const w = await open();
  await logIn(w.page, 'walidata@uji.id', '/data/kelola.html');
  await w.page.getByLabel('Kode').fill('KLH-JUMLAH');
  await w.page.getByLabel('Nama indikator').fill('Jumlah kelahiran');
  await w.page.getByLabel('Satuan indikator').fill('jiwa');
  await w.page.getByLabel('Produsen data yang ditetapkan').selectOption('DINKES');
  await w.page.getByLabel('Toleransi (%)').fill('1');
  await w.page.getByLabel('Dapat dijumlahkan').check();
  await w.page.getByRole('button', { name: 'Tambahkan indikator' }).click();
  await w.page.locator('#flash', { hasText: 'KLH-JUMLAH disimpan' }).waitFor();
  await w.page.getByLabel('Produsen data yang ditetapkan').selectOption('DISDUKCAPIL');
  // The first save's message is still up: wait for the update itself.
  await Promise.all([
    w.page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith('/api/data/indicators/KLH-JUMLAH')),
    w.page.getByRole('button', { name: 'Simpan indikator' }).click(),
  ]);
  const ind = (await new Client(srv.url).get('/api/data/indicators/KLH-JUMLAH')).json.indicator;
  assert.equal(ind.producer.code, 'DISDUKCAPIL');
  assert.equal(ind.tolerance, 0.01);
  assert.equal(ind.additive, true);
  assert.equal(ind.unit, 'jiwa');
  assert.deepEqual(w.problems, []);
  await w.context.close();
});
