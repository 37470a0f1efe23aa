// Matur Bupati in a real browser: a visitor files a complaint with a photo
// and a map pin and gets a tracking number and a secret link; the verifier
// hands it to the OPD in the officer console; the OPD answers with a
// template; the visitor rates it through the secret link; the public page
// and the statistics show it without the reporter's name. The map works
// without tiles (no network in tests). An admin adds a category on the
// settings page and the citizen form offers it; a new complaint appears in
// an open officer console without a reload.
//
//   node --test tests/e2e/complaints.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../lib/server.mjs';
import { png } from '../api/complaints_fixtures.mjs';
import { launch } from '../lib/browser.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHOTS = join(HERE, 'shots');
const PASSWORD = 'Kata-Sandi-Petugas-1';
const REPORTER = 'Siti Rahayu Pelapor';

let srv;
let browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  srv = await startServer({ demo: true, env: { PENDOPO_CLOCK: '2026-08-14T02:00:00Z' } });
  srv.cli(['user', 'add', '--email', 'verifikator@example.id', '--password', PASSWORD, '--role', 'officer', '--unit', 'DINKOMINFO', '--name', 'Verifikator']);
  srv.cli(['user', 'add', '--email', 'pupr@example.id', '--password', PASSWORD, '--role', 'officer', '--unit', 'PUPR', '--name', 'Petugas PUPR']);
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

// A fresh context that records page errors and failed requests; map tiles
// from the internet are expected to fail here and are not counted.
async function open(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, baseURL: srv.url });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    if (m.type() !== 'error' || /status of 401/.test(text) || /tile\.openstreetmap\.org|ERR_(NAME|INTERNET|NETWORK|CONNECTION)/.test(text + m.location().url)) return;
    problems.push(`console: ${text} (${m.location().url})`);
  });
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (r.status() >= 400 && u.host === new URL(srv.url).host && !(r.status() === 401 && u.pathname === '/api/me')) {
      problems.push(`HTTP ${r.status()} ${r.request().method()} ${u.pathname}`);
    }
  });
  return { context, page, problems };
}

async function login(page, email, password = PASSWORD) {
  await page.goto('/login.html');
  await page.getByLabel('Email atau nomor HP').fill(email);
  await page.getByLabel('Kata sandi', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

test('file with photo and pin → disposition → answer → rating → public without the name', async () => {
  // The home page links to the service.
  const citizen = await open({ width: 390, height: 844 });
  let page = citizen.page;
  await page.goto('/');
  await page.getByRole('link', { name: 'Matur Bupati' }).click();
  await page.waitForURL('**/complaints/');
  await page.getByRole('link', { name: 'Sampaikan aduan' }).click();
  await page.waitForURL('**/complaints/new.html');

  await page.getByLabel('Kategori').selectOption('JALAN');
  await page.getByLabel('Uraian').fill('Jalan di depan SD Negeri 2 Kedungbenda berlubang besar dan tergenang saat hujan.');
  // The pin: a tap on the map (works without tiles) fills latitude and longitude.
  // The map library loads after the form: tap once the map is drawn.
  const map = page.locator('#pick-map.leaflet-container');
  await map.scrollIntoViewIfNeeded();
  await map.click({ position: { x: 120, y: 100 } });
  await assert.doesNotReject(page.waitForFunction(() => document.querySelector('#lat').value !== ''));
  const lat = Number(await page.getByLabel('Lintang').inputValue());
  assert.ok(lat < -7 && lat > -8, `pin latitude ${lat}`);
  const long = await page.getByLabel('Bujur').inputValue();
  // No network here: the base map's tiles fail, and the map says so and
  // points to the village picker.
  await page.getByText('Peta dasar tidak tersedia saat ini').waitFor();
  await page.getByRole('button', { name: 'Pilih kecamatan dan desa' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'district');
  // A pin outside the regency is warned of at once (the API refuses it).
  const outside = page.getByText('Titik ini berada di luar wilayah kabupaten');
  assert.equal(await outside.isVisible(), false);
  await page.getByLabel('Lintang').fill('-6.2001');
  await page.getByLabel('Bujur').fill('106.8166');
  await page.getByLabel('Bujur').press('Tab');
  await outside.waitFor();
  await page.getByLabel('Lintang').fill(String(lat));
  await page.getByLabel('Bujur').fill(long);
  await page.getByLabel('Bujur').press('Tab');
  await outside.waitFor({ state: 'hidden' });
  await page.getByLabel('Kecamatan').selectOption({ label: 'Kemangkon' });
  await page.getByLabel('Desa/kelurahan').selectOption({ label: 'Kedungbenda' });
  await page.getByLabel(/^Foto/).setInputFiles({ name: 'lubang.png', mimeType: 'image/png', buffer: png() });
  await page.getByLabel('Nama lengkap').fill(REPORTER);
  await page.getByLabel('Email').fill('siti.pelapor@example.id');
  await page.getByRole('button', { name: 'Kirim aduan' }).click();

  const number = (await page.locator('#tracking-number').textContent()).trim();
  assert.match(number, /^MB-2026-\d{6}$/);
  const secret = await page.locator('#secret-link').getAttribute('href');
  assert.match(secret, /#key=/);
  await page.screenshot({ path: join(SHOTS, 'complaint-filed-390x844.png'), fullPage: true });
  assert.deepEqual(citizen.problems, []);

  // A citizen reading the public page signs in to follow it.
  const fan = await open({ width: 390, height: 844 });
  await fan.page.goto(`/complaints/case.html?no=${number}`);
  await fan.page.getByRole('link', { name: 'Masuk untuk mengikuti pengaduan ini' }).click();
  await fan.page.getByLabel('Email atau nomor HP').fill('warga@demo.pendopo.id');
  await fan.page.getByLabel('Kata sandi', { exact: true }).fill('Demo-Pendopo-2026');
  await fan.page.getByRole('button', { name: 'Masuk' }).click();
  await fan.page.waitForURL((u) => u.pathname === '/complaints/case.html');
  await fan.page.getByRole('button', { name: 'Ikuti pengaduan ini' }).click();
  await fan.page.getByRole('button', { name: 'Berhenti mengikuti' }).waitFor();
  await fan.page.getByText('Anda mengikuti pengaduan ini').waitFor();

  // The verifier hands it to the OPD the category routes to.
  const desk = await open();
  page = desk.page;
  await login(page, 'verifikator@example.id');
  await page.goto(`/officer/complaints.html?no=${number}`);
  await page.locator('#detail-title').waitFor();
  assert.ok((await page.locator('#detail').textContent()).includes(REPORTER), 'the verifier sees the reporter');
  // Not processing it is asked first, naming the complaint and the reason;
  // cancel sends nothing and the complaint stays as it was.
  const reject = page.locator('form[data-action="reject"]');
  await reject.getByLabel('Alasan').selectOption('not_complaint');
  await reject.getByLabel('Penjelasan untuk pelapor').fill('Ini bukan pengaduan.');
  let asked = false;
  page.on('request', (q) => { if (q.method() === 'POST' && q.url().includes('/actions/reject')) asked = true; });
  await reject.getByRole('button', { name: 'Tidak diproses' }).click();
  const confirm = page.getByRole('dialog', { name: 'Tidak diproses' });
  await confirm.getByText(`Aduan ${number} tidak akan diproses karena: bukan pengaduan.`).waitFor();
  await confirm.getByRole('button', { name: 'Batal' }).click();
  await confirm.waitFor({ state: 'detached' });
  assert.equal(asked, false, 'cancel sends nothing');
  assert.equal(await page.locator('#detail .badge-state-submitted').count() > 0, true, 'still submitted');
  const disposition = page.locator('form[data-action="disposition"]');
  assert.equal(await disposition.getByLabel('Unit tujuan').inputValue(), 'PUPR', 'routing suggestion preselected');
  await disposition.getByRole('button', { name: 'Teruskan ke OPD' }).click();
  await page.locator('#detail .badge-state-in_progress').first().waitFor();
  await page.screenshot({ path: join(SHOTS, 'officer-console-1280x900.png'), fullPage: true });
  assert.deepEqual(desk.problems, []);
  // The follower is told, through the notices.
  const told = await fan.page.evaluate(async () => (await (await fetch('/api/notifications')).json()).items);
  assert.ok(told.some((n) => n.topic === 'complaint.followed' && n.object === `complaint:${number}` && n.data.event === 'dispositioned'),
    JSON.stringify(told));
  assert.deepEqual(fan.problems, []);
  await fan.context.close();

  // The OPD answers with a template it keeps.
  const opd = await open();
  page = opd.page;
  await login(page, 'pupr@example.id');
  await page.evaluate(async () => {
    const me = await (await fetch('/api/me')).json();
    await fetch('/api/complaints/templates', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: JSON.stringify({ title: 'Sudah ditambal', body: 'Lubang sudah ditambal oleh tim pemeliharaan jalan PUPR.', unit: 'PUPR' }) });
  });
  await page.goto('/officer/complaints.html');
  await page.getByRole('button', { name: number }).click();
  const answer = page.locator('form[data-action="answer"]');
  await answer.getByLabel('Templat jawaban').first().selectOption({ label: 'Sudah ditambal' });
  await answer.getByRole('button', { name: 'Jawab' }).click();
  await page.locator('#detail .badge-state-answered').first().waitFor();
  assert.deepEqual(opd.problems, []);

  // The visitor comes back through the secret link and rates the answer.
  page = citizen.page;
  await page.goto(secret);
  await page.getByText('Lubang sudah ditambal oleh tim pemeliharaan jalan PUPR.').waitFor();
  const rate = page.locator('#rate-form');
  // Nothing is preset: sent untouched, the form asks for both answers and
  // the case stays open.
  assert.equal(await rate.locator('input:checked').count(), 0, 'no preset answer');
  await rate.getByRole('button', { name: 'Kirim penilaian' }).click();
  await rate.locator('[role="alert"]').first().waitFor();
  assert.equal(await page.locator('.badge-state-closed').count(), 0, 'an untouched form closes nothing');
  await rate.getByLabel('5 dari 5').check();
  await rate.getByLabel('Ya, saya puas').check();
  await rate.getByRole('button', { name: 'Kirim penilaian' }).click();
  await page.getByText('Penilaian: 5 dari 5').waitFor();
  assert.equal(await page.locator('.badge-state-closed').count() > 0, true, 'a satisfied rating closes it');
  assert.equal(await page.locator('.photos img').count(), 1);
  await page.screenshot({ path: join(SHOTS, 'complaint-case-390x844.png'), fullPage: true });
  assert.deepEqual(citizen.problems, []);

  // The public: listed, searchable, on the statistics — never the name.
  const visitor = await open();
  page = visitor.page;
  await page.goto('/complaints/');
  await page.getByRole('link', { name: number }).waitFor();
  await page.getByLabel('Cari', { exact: true }).fill('Kedungbenda');
  await page.getByRole('button', { name: 'Cari' }).last().click();
  await page.getByRole('link', { name: number }).waitFor();
  assert.ok(!(await page.content()).includes(REPORTER));
  await page.getByRole('tab', { name: 'Peta' }).click();
  await page.locator('#map-count').filter({ hasText: /\d/ }).waitFor();
  await page.getByRole('tab', { name: 'Statistik' }).click();
  await page.locator('.stat-figure').first().waitFor();
  await page.screenshot({ path: join(SHOTS, 'complaints-stats-1280x900.png'), fullPage: true });
  await page.goto(`/complaints/case.html?no=${number}`);
  await page.getByText('Lubang sudah ditambal').waitFor();
  assert.ok(!(await page.content()).includes(REPORTER), 'the public page has no name');
  assert.ok(!(await page.content()).includes('siti.pelapor'), 'nor the email');
  assert.deepEqual(visitor.problems, []);
  for (const c of [citizen, desk, opd, visitor]) await c.context.close();
});

test('settings page: a new category reaches the citizen form; a new complaint reaches an open console live', async () => {
  const admin = await open();
  let page = admin.page;
  await login(page, 'admin@demo.pendopo.id', 'Demo-Pendopo-2026');
  await page.goto('/officer/complaints.html');
  await page.getByRole('link', { name: 'Pengaturan dan templat' }).click();
  await page.waitForURL('**/officer/complaints-admin.html');
  await page.locator('#settings-form [name="days.answered"]').waitFor();
  assert.equal(await page.locator('#settings-form [name="days.answered"]').inputValue(), '10', 'the auto-close window');

  await page.getByRole('button', { name: 'Tambah kategori' }).click();
  const form = page.locator('#category-form');
  await form.locator('[name=code]').fill('POHON');
  await form.locator('[name=name]').fill('Pohon tumbang');
  await form.locator('[name=name_en]').fill('Fallen trees');
  await form.locator('[name=unit]').selectOption('DLH');
  await form.getByRole('button', { name: 'Tambah rute' }).click();
  await form.locator('.route-district').selectOption({ label: 'Kemangkon' });
  await form.locator('.route-unit').selectOption('DINHUB');
  await form.getByRole('button', { name: 'Simpan' }).click();
  const row = page.locator('#category-table tr[data-code="POHON"]');
  await row.waitFor();
  assert.match(await row.textContent(), /Kemangkon → /, 'the district route is listed');
  await page.screenshot({ path: join(SHOTS, 'complaint-settings-1280x900.png'), fullPage: true });
  assert.deepEqual(admin.problems, []);

  // The citizen form offers it at once.
  const citizen = await open({ width: 390, height: 844 });
  page = citizen.page;
  await page.goto('/complaints/new.html');
  await page.getByLabel('Kategori').locator('option[value="POHON"]').waitFor({ state: 'attached' });
  assert.deepEqual(citizen.problems, []);

  // The verifier's console is open; a complaint filed meanwhile shows up in it.
  const desk = await open();
  page = desk.page;
  await login(page, 'verifikator@example.id');
  const stream = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/events');
  await page.goto('/officer/complaints.html');
  assert.equal((await stream).status(), 200, 'the console follows its unit');
  // Filtered to the new category, the empty inbox says so in words.
  await page.locator('#c-category option[value="POHON"]').waitFor({ state: 'attached' });
  await page.getByLabel('Kategori').selectOption('POHON');
  await page.getByRole('button', { name: 'Cari' }).click();
  await page.getByText('Tidak ada aduan yang cocok dengan saringan ini.').waitFor();
  const res = await fetch(`${srv.url}/api/complaints`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind: 'complaint', category: 'POHON', description: 'Pohon besar tumbang menutup jalan desa.', village: '33.03.01.2001' }) });
  assert.equal(res.status, 201);
  const number = (await res.json()).complaint.tracking;
  await page.getByRole('button', { name: number }).waitFor();
  assert.deepEqual(desk.problems, []);
  for (const c of [admin, citizen, desk]) await c.context.close();
});

test('"use my location" refused: the page says so and takes the person to the village picker', async () => {
  const visitor = await open({ width: 390, height: 844 });
  const { page } = visitor;
  await page.goto('/complaints/new.html');
  await page.getByLabel('Kategori').locator('option:nth-child(2)').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Gunakan lokasi saya' }).click();   // no permission granted: denied
  await page.getByRole('status').filter({ hasText: 'Izin lokasi ditolak' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'district');
  assert.deepEqual(visitor.problems, []);
  await visitor.context.close();
});
