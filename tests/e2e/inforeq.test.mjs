// PPID in a real browser: a citizen asks the health office for
// information on a phone; its PPID Pelaksana extends the time with a
// reason, then grants in part with a document, citing an article 17
// ground and the consequence test, and the written notice is a PDF; the
// citizen objects; the Atasan PPID answers; the public register shows
// the whole path without the citizen.  A requester without an account
// downloads the answer document and both letters from the page, and
// records the dispute at the Information Commission; the PPID records its
// outcome.
//
//   node --test tests/e2e/inforeq.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, startServer } from '../lib/server.mjs';
import { letterKey, PDF } from '../api/permits_fixtures.mjs';
import { launch } from '../lib/browser.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHOTS = join(HERE, 'shots');
const PASSWORD = 'Kata-Sandi-Petugas-1';
const NIK = '3303014101900001';

let srv;
let browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  srv = await startServer({ demo: true, env: { PENDOPO_LETTERS_KEY: letterKey() } });
  const add = (email, role, unit, name) => srv.cli(['user', 'add', '--email', email, '--password', PASSWORD, '--role', role,
    ...(unit ? ['--unit', unit] : []), '--name', name]);
  add('ppid@example.id', 'officer', 'DINKES', 'PPID Pelaksana Dinkes');
  add('atasan@example.id', 'unit_head', 'SETDA', 'Sekretaris Daerah');
  add('sari@example.id', 'citizen', null, 'Sari Pemohon');
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function open(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, baseURL: srv.url, acceptDownloads: true });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (r.status() >= 400 && !(r.status() === 401 && u.pathname === '/api/me')) problems.push(`HTTP ${r.status()} ${u.pathname}`);
  });
  return { context, page, problems };
}

async function login(page, email) {
  await page.goto('/login.html');
  await page.getByLabel('Email atau nomor HP').fill(email);
  await page.getByLabel('Kata sandi', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

// One staff step on the request's page, as the one who takes it.
async function staffStep(email, no, action, fill) {
  const { context, page, problems } = await open();
  await login(page, email);
  await page.goto(`/ppid/permohonan.html?no=${no}`);
  const form = page.locator(`#act-${action}`);
  await fill(form, page);
  await form.getByRole('button', { name: 'Kirim' }).click();
  await page.getByText('Tersimpan.').waitFor();
  assert.deepEqual(problems, []);
  return { context, page };
}

test('request → extension → partial answer with a document and notice PDF → objection → the Atasan answers', async () => {
  const citizen = await open({ width: 390, height: 844 });
  const page = citizen.page;
  await login(page, 'sari@example.id');
  await page.goto('/');
  await page.getByRole('link', { name: 'PPID' }).click();
  await page.waitForURL('**/ppid/');
  await page.getByRole('link', { name: 'Ajukan permohonan informasi' }).click();
  await page.getByLabel('Badan publik yang dituju').selectOption('DINKES');
  await page.getByLabel('NIK').fill(NIK);
  await page.getByLabel('Alamat').fill('Jl. Melati 7, Kalimanah');
  await page.getByLabel('Nomor telepon').fill('081234567890');
  await page.getByLabel('Rincian informasi yang dibutuhkan').fill('Data cakupan imunisasi per puskesmas 2025');
  await page.getByLabel('Tujuan penggunaan informasi').fill('Bahan penelitian skripsi');
  await page.screenshot({ path: join(SHOTS, 'ppid-request-phone.png'), fullPage: true });
  await page.getByRole('button', { name: 'Kirim permohonan' }).click();
  const receipt = await page.locator('#receipt').textContent();
  const no = /PPID-\d{4}-\d{6}/.exec(receipt)[0];
  await page.locator('#open-request').click();
  await page.locator('#tracking').getByText(no).waitFor();
  await page.locator('[data-clock="answer_due"]').waitFor();

  // The PPID Pelaksana extends once, with a reason the citizen sees.
  const ext = await staffStep('ppid@example.id', no, 'extend', (form) =>
    form.getByLabel('Alasan tertulis').fill('Data masih dihimpun dari 22 puskesmas.'));
  await ext.page.locator('#extension').waitFor();
  assert.equal(await ext.page.locator('#act-extend').count(), 0, 'no second extension offered');

  // It attaches the document and grants in part on an exemption ground.
  const doc = join(srv.dir, 'cakupan.pdf');
  writeFileSync(doc, Buffer.concat([PDF, Buffer.from('% cakupan imunisasi\n')]));
  await ext.page.locator('#attach input[type=file]').setInputFiles(doc);
  await ext.page.locator('#attach').getByRole('button', { name: 'Unggah' }).click();
  await ext.page.getByText('Dokumen dilampirkan.').waitFor();
  const form = ext.page.locator('#act-grant_part');
  await form.getByLabel('Isi jawaban').fill('Data per puskesmas terlampir; data per pasien dikecualikan.');
  await form.getByLabel('Alasan pengecualian (Pasal 17)').selectOption('h');
  await form.getByLabel('Uji konsekuensi').fill('Data per pasien membuka rahasia pribadi; kerugiannya lebih besar.');
  await form.getByRole('button', { name: 'Kirim' }).click();
  await ext.page.locator('#notice').waitFor();
  const [download] = await Promise.all([ext.page.waitForEvent('download'), ext.page.locator('#notice-pdf').click()]);
  const pdf = join(srv.dir, 'notice.pdf');
  await download.saveAs(pdf);
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
  await ext.context.close();

  // The citizen sees the answer, its notice and document, and objects.
  await page.reload();
  await page.locator('#answer').getByText('Dikabulkan sebagian').waitFor();
  await page.locator('#documents').getByRole('button', { name: 'Dokumen 1' }).waitFor();
  await page.locator('#notice-pdf').waitFor();
  const obj = page.locator('#act-object');
  await obj.getByLabel('a. Permohonan ditolak berdasarkan alasan pengecualian Pasal 17').check();
  await obj.getByLabel('Uraian keberatan').fill('Data per pasien tanpa nama tidak membuka rahasia pribadi.');
  await obj.getByRole('button', { name: 'Kirim' }).click();
  await page.locator('#objection').waitFor();
  await page.locator('[data-clock="objection_answer_due"]').waitFor();
  await page.screenshot({ path: join(SHOTS, 'ppid-objection-phone.png'), fullPage: true });
  assert.deepEqual(citizen.problems, []);

  const atasan = await staffStep('atasan@example.id', no, 'decide_objection', async (f) => {
    await f.getByLabel('Keputusan').selectOption('rejected');
    await f.getByLabel('Isi jawaban').fill('Data per pasien, walau tanpa nama, dapat dikenali di desa kecil.');
  });
  await atasan.page.locator('#objection-decision').getByText('Keberatan ditolak').waitFor();
  await atasan.page.locator('[data-clock="commission_by"]').waitFor();
  await atasan.context.close();

  // The public register: the whole path, nobody's identity.
  const anyone = await open();
  await anyone.page.goto('/ppid/');
  const item = anyone.page.locator(`[data-tracking="${no}"]`);
  await item.getByText('Keberatan dijawab').waitFor();
  const text = await anyone.page.locator('#register').textContent();
  for (const secret of [NIK, 'Sari Pemohon', 'Melati', '081234567890']) assert.ok(!text.includes(secret), secret);
  const entry = await (await fetch(`${srv.url}/api/inforeq/register/${no}`)).json();
  assert.deepEqual(entry.timeline.map((e) => e.kind), ['submitted', 'extend', 'grant_part', 'object', 'decide_objection']);
  assert.deepEqual(anyone.problems, []);
});

// Staff steps that are not this test's subject go through the API.
async function staff(email) {
  const c = new Client(srv.url);
  const r = await c.post('/api/auth/login', { email, password: PASSWORD });
  assert.equal(r.status, 200, r.text);
  return c;
}

test('without an account: the answer document and the letters download from the page; the dispute is recorded', async () => {
  const { context, page, problems } = await open({ width: 390, height: 844 });
  await page.goto('/ppid/ajukan.html');
  await page.getByLabel('Badan publik yang dituju').selectOption('DINKES');
  await page.getByLabel('Nama').fill('Budi Tanpa Akun');
  await page.getByLabel('NIK').fill(NIK);
  await page.getByLabel('Alamat').fill('Jl. Kenanga 3, Bukateja');
  await page.getByLabel('Nomor telepon').fill('081299990000');
  await page.locator('input[name=email]').fill('budi@example.id');
  await page.getByLabel('Rincian informasi yang dibutuhkan').fill('Jadwal posyandu balita 2026');
  await page.getByLabel('Tujuan penggunaan informasi').fill('Mengatur jadwal keluarga');
  await page.getByRole('button', { name: 'Kirim permohonan' }).click();
  const no = /PPID-\d{4}-\d{6}/.exec(await page.locator('#receipt').textContent())[0];
  // The receipt's link is on the public address (PENDOPO_BASE_URL): follow it here.
  const link = new URL(await page.locator('#open-request').getAttribute('href'));
  assert.match(link.hash, /^#key=/, 'the key stays in the fragment, which is never sent');
  await page.goto(link.pathname + link.search + link.hash);
  await page.locator('#tracking').getByText(no).waitFor();

  const ppid = await staff('ppid@example.id');
  const doc = Buffer.concat([PDF, Buffer.from('% jadwal posyandu\n')]);
  const up = await fetch(`${srv.url}/api/inforeq/${no}/documents`, { method: 'PUT', body: doc,
    headers: { 'content-type': 'application/pdf', cookie: ppid.cookie, 'x-csrf-token': ppid.csrf } });
  assert.equal(up.status, 201);
  assert.equal((await ppid.post(`/api/inforeq/${no}/actions/grant_part`, { ground: 'h', text: 'Sebagian terlampir.',
    consequence_test: 'Nama balita adalah rahasia pribadi.' })).status, 200);

  await page.reload();
  const save = async (locator, name) => {
    const [download] = await Promise.all([page.waitForEvent('download'), locator.click()]);
    const file = join(srv.dir, name);
    await download.saveAs(file);
    return readFileSync(file);
  };
  assert.deepEqual(await save(page.locator('#documents').getByRole('button', { name: 'Dokumen 1' }), 'doc-1.pdf'), doc);
  assert.equal((await save(page.locator('#notice-pdf'), 'notice-anon.pdf')).subarray(0, 5).toString(), '%PDF-');

  const obj = page.locator('#act-object');
  await obj.getByLabel('a. Permohonan ditolak berdasarkan alasan pengecualian Pasal 17').check();
  await obj.getByRole('button', { name: 'Kirim' }).click();
  await page.locator('#objection').waitFor();
  const atasan = await staff('atasan@example.id');
  assert.equal((await atasan.post(`/api/inforeq/${no}/actions/decide_objection`, { decision: 'rejected',
    text: 'Nama balita tetap dikecualikan.' })).status, 200);
  await page.reload();
  assert.equal((await save(page.locator('#objection-letter-pdf'), 'objection-anon.pdf')).subarray(0, 5).toString(), '%PDF-');

  const today = await page.locator('#act-dispute input[name=filed_day]').getAttribute('max');
  const form = page.locator('#act-dispute');
  await form.getByLabel('Tanggal pengajuan').fill(today);
  await form.getByLabel('Nomor registrasi sengketa').fill('021/XII/KI-JATENG-PS/2026');
  await form.getByRole('button', { name: 'Kirim' }).click();
  await page.locator('#dispute').getByText('021/XII/KI-JATENG-PS/2026').waitFor();
  await page.screenshot({ path: join(SHOTS, 'ppid-dispute-phone.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();

  // Anyone follows the request in the register; the outcome arrives live.
  const anyone = await open();
  await anyone.page.goto(`/ppid/lacak.html?no=${no}`);
  await anyone.page.locator('#dispute').getByText('masih berjalan').waitFor();
  const officer = await staffStep('ppid@example.id', no, 'outcome', async (f) => {
    await f.getByLabel('Hasil', { exact: true }).selectOption('mediation_agreed');
    await f.getByLabel('Tanggal hasil').fill(today);
  });
  await officer.page.locator('#dispute-outcome').getByText('Selesai dengan mediasi').waitFor();
  await officer.context.close();

  await anyone.page.locator('#dispute').getByText('Selesai dengan mediasi').waitFor();
  const shown = await anyone.page.locator('#entry').textContent();
  for (const secret of [NIK, 'Budi Tanpa Akun', 'Kenanga', '081299990000']) assert.ok(!shown.includes(secret), secret);
  await anyone.page.goto('/ppid/');
  await anyone.page.locator(`[data-tracking="${no}"] [data-dispute]`).getByText('Selesai dengan mediasi').waitFor();
  assert.deepEqual(anyone.problems, []);
  await anyone.context.close();
});
