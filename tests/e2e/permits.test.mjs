// Si-Intan in a real browser: a researcher applies on a phone with her
// documents; the licensing desk returns it for an unsigned statement; she
// uploads the signed one and resubmits; the desk accepts, Kesbangpol
// recommends, its head signs; she downloads the letter's PDF, and the URL
// in its QR (decoded with zbarimg) opens a page that says the letter is
// valid.
//
//   node --test tests/e2e/permits.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync, execFileSync } from 'node:child_process';
import { startServer } from '../lib/server.mjs';
import { letterKey, application, PDF } from '../api/permits_fixtures.mjs';
import { launch } from '../lib/browser.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHOTS = join(HERE, 'shots');
const PASSWORD = 'Kata-Sandi-Petugas-1';

let srv;
let browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  srv = await startServer({ demo: true, env: { PENDOPO_LETTERS_KEY: letterKey() } });
  const add = (email, role, unit, name) => srv.cli(['user', 'add', '--email', email, '--password', PASSWORD, '--role', role,
    ...(unit ? ['--unit', unit] : []), '--name', name]);
  add('desk@example.id', 'officer', 'DPMPTSP', 'Petugas Perizinan');
  add('analis@example.id', 'officer', 'KESBANGPOL', 'Analis Kesbangpol');
  add('kepala@example.id', 'unit_head', 'KESBANGPOL', 'Kepala Kesbangpol');
  add('rina@example.id', 'citizen', null, 'Rina Peneliti');
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

function files() {
  const dir = join(srv.dir, 'upload');
  mkdirSync(dir, { recursive: true });
  const out = {};
  for (const kind of ['proposal', 'intro_letter', 'id_card', 'statement', 'statement_signed']) {
    out[kind] = join(dir, `${kind}.pdf`);
    writeFileSync(out[kind], Buffer.concat([PDF, Buffer.from(`% ${kind}\n`)]));
  }
  return out;
}

// The three steps before the documents, as saved drafts.
async function fillSteps(page, a) {
  await page.getByLabel('Nomor identitas').fill(a.identity_number);
  await page.getByLabel('Nama lengkap').fill(a.name);
  await page.getByLabel('Alamat', { exact: true }).fill(a.address);
  await page.getByLabel('Desa/kelurahan alamat (kode Kemendagri)').fill(a.village);
  await page.getByLabel('Lembaga', { exact: true }).fill(a.institution);
  await page.getByLabel('Status').selectOption('s2');
  await page.getByRole('button', { name: 'Simpan dan lanjut' }).click();
  await page.getByLabel('Judul penelitian').fill(a.title);
  await page.getByLabel('Tujuan').fill(a.purpose);
  await page.getByLabel('Ruang lingkup').fill(a.scope);
  await page.getByLabel('Metode').fill(a.method);
  await page.getByLabel('Nomor surat pengantar lembaga').fill(a.intro_number);
  await page.getByLabel('Tanggal surat pengantar').fill(a.intro_date);
  await page.getByLabel('Perihal surat pengantar').fill(a.intro_subject);
  await page.getByRole('button', { name: 'Simpan dan lanjut' }).click();
  await page.getByLabel('Mulai penelitian').fill(a.period_from);
  await page.getByLabel('Selesai penelitian').fill(a.period_until);
  await page.getByLabel('Perangkat daerah').selectOption('PUPR');
  await page.getByLabel('Kecamatan atau desa (kode Kemendagri)').fill('33.03.01.2001');
  await page.getByRole('button', { name: 'Tambah' }).click();
  await page.getByRole('button', { name: 'Simpan dan lanjut' }).click();
  await page.locator('#step-documents').waitFor();
}

async function act(email, id, action, fill) {
  const { context, page, problems } = await open();
  await login(page, email);
  await page.goto(`/izin-penelitian/petugas.html?id=${id}`);
  const form = page.locator(`#action-${action}`);
  if (fill) await fill(form);
  await form.getByRole('button').click();
  await page.getByText('Tersimpan.').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
}

test('apply with documents → returned → resubmitted → issued → the PDF\'s QR opens a valid verification', async () => {
  const a = application();
  const f = files();
  const researcher = await open({ width: 390, height: 844 });
  const page = researcher.page;
  await page.goto('/');
  await page.getByRole('link', { name: 'Si-Intan' }).click();
  await page.waitForURL('**/izin-penelitian/');
  await page.getByRole('link', { name: 'Ajukan izin penelitian' }).click();
  await page.waitForURL('**/login.html**');
  await page.getByLabel('Email atau nomor HP').fill('rina@example.id');
  await page.getByLabel('Kata sandi', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL('**/izin-penelitian/ajukan.html');
  await fillSteps(page, a);
  const id = new URL(page.url()).searchParams.get('id');
  assert.ok(id, 'the draft has its number in the address');
  for (const kind of ['proposal', 'intro_letter', 'id_card', 'statement']) {
    await page.locator(`#doc-${kind}`).setInputFiles(f[kind]);
    await page.locator(`#doc-${kind}-status`).getByText('Terunggah').waitFor();
  }
  await page.screenshot({ path: join(SHOTS, 'permits-apply-phone.png'), fullPage: true });
  await page.getByRole('button', { name: 'Ajukan permohonan' }).click();
  await page.waitForURL(`**/izin-penelitian/saya.html?id=${id}`);
  await page.getByText('Pemeriksaan berkas').first().waitFor();
  assert.match(await page.locator('#due').textContent(), /Batas waktu/);

  await act('desk@example.id', id, 'return', (form) => form.getByLabel('Catatan atau alasan')
    .fill('Surat pernyataan belum ditandatangani; unggah yang bertanda tangan.'));

  await page.reload();
  await page.getByText('Dikembalikan').first().waitFor();
  await page.getByText('Surat pernyataan belum ditandatangani').waitFor();
  await page.getByRole('link', { name: 'Lengkapi atau perbaiki' }).click();
  await page.locator('#step-identity').waitFor();
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Simpan dan lanjut' }).click();
  await page.locator('#doc-statement').setInputFiles(f.statement_signed);
  await page.locator('#doc-statement-status').getByText('Terunggah').waitFor();
  await page.getByRole('button', { name: 'Ajukan kembali' }).click();
  await page.waitForURL(`**/izin-penelitian/saya.html?id=${id}`);
  await page.getByText('Pemeriksaan berkas').first().waitFor();

  await act('desk@example.id', id, 'accept');
  await act('analis@example.id', id, 'recommend', (form) => form.getByLabel('Rekomendasi').selectOption('issue'));
  await act('kepala@example.id', id, 'issue');

  await page.reload();
  await page.getByText('Terbit').first().waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#letter-pdf').click()]);
  const pdf = join(srv.dir, 'letter.pdf');
  await download.saveAs(pdf);
  execFileSync('pdftoppm', ['-png', '-r', '150', pdf, join(srv.dir, 'page')], { stdio: 'ignore' });
  const pages = readdirSync(srv.dir).filter((n) => /^page-\d+\.png$/.test(n)).map((n) => join(srv.dir, n));
  const qr = spawnSync('zbarimg', ['-q', '--raw', ...pages], { encoding: 'utf8' }).stdout.trim();
  const url = new URL(qr);
  assert.match(url.pathname, /^\/v\/[A-Za-z0-9_-]+$/, `the QR holds the verification URL: ${qr}`);
  assert.deepEqual(researcher.problems, []);

  // Anyone scanning it (the server's --base-url is not this test's port:
  // the page is opened at the path the QR names, with its fragment).
  const anyone = await open({ width: 390, height: 844 });
  await anyone.page.goto(url.pathname + url.hash);
  await anyone.page.getByText('Surat sah').waitFor();
  await anyone.page.screenshot({ path: join(SHOTS, 'permits-verified.png'), fullPage: true });
  assert.deepEqual(anyone.problems, []);

  // The head revokes it from the console, with a reason and a confirmation;
  // the same QR then says revoked, with the reason.
  const head = await open();
  await login(head.page, 'kepala@example.id');
  await head.page.goto(`/izin-penelitian/petugas.html?id=${id}`);
  await head.page.locator('#letter-revoke').click();
  await head.page.getByLabel('Alasan pencabutan').fill('   ');
  await head.page.locator('#revoke-form').getByRole('button', { name: 'Cabut surat' }).click();
  await head.page.getByText('Tuliskan alasan pencabutan.').waitFor();
  await head.page.getByLabel('Alasan pencabutan').fill('Peneliti membatalkan penelitian.');
  await head.page.locator('#revoke-form').getByRole('button', { name: 'Cabut surat' }).click();
  await head.page.locator('dialog').getByRole('button', { name: 'Cabut surat' }).last().click();
  await head.page.locator('#letter-revoked').getByText('Peneliti membatalkan penelitian.').waitFor();
  assert.equal(await head.page.locator('#letter-revoke').count(), 0, 'a revoked letter offers no second revocation');
  assert.deepEqual(head.problems, []);
  await head.context.close();
  await anyone.page.reload();
  await anyone.page.getByText('Surat telah dicabut').waitFor();
  await anyone.page.getByText('Peneliti membatalkan penelitian.').waitFor();
});

// An administrator changes the service time and the letter's Dasar lines
// on the settings page; a broken number format is refused on its field.
test('an administrator sets Si-Intan up on its settings page', async () => {
  const { context, page, problems } = await open({ width: 390, height: 844 });
  await page.goto('/login.html');
  await page.getByLabel('Email atau nomor HP').fill('admin@demo.pendopo.id');
  await page.getByLabel('Kata sandi', { exact: true }).fill('Demo-Pendopo-2026');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.goto('/izin-penelitian/pengaturan.html');
  // What the landing page (the dashboard's map tiles, offline here) logged is not this page's.
  problems.length = 0;
  await page.getByLabel('Hari kerja untuk tahap Pemeriksaan berkas').fill('3');
  await page.getByLabel('Dasar').fill('Peraturan Menteri Dalam Negeri Nomor 7 Tahun 2014\nPeraturan Bupati Purbalingga Nomor 12 Tahun 2026');
  await page.getByLabel('Format nomor surat').fill('000.9.2/{nomor}/Kesbangpol');
  await page.getByRole('button', { name: 'Simpan' }).click();
  await page.locator('#settings-form .form-alert').waitFor({ state: 'visible' });
  // The refusal is the expected 400 (the browser logs it too), and it changed nothing.
  problems.splice(0, problems.length, ...problems.filter((p) => !/400/.test(p)));
  const before = await (await context.request.get('/api/permits/settings')).json();
  assert.equal(before.days.submitted, 1, 'the refused form changed nothing');
  assert.ok(before.dasar.length !== 2, 'nor the Dasar lines');
  await page.getByLabel('Format nomor surat').fill('000.9.2/{seq:3}/Kesbangpol/{year}');
  await page.getByRole('button', { name: 'Simpan' }).click();
  await page.getByText('Pengaturan tersimpan.').waitFor();
  await page.reload();
  assert.equal(await page.getByLabel('Hari kerja untuk tahap Pemeriksaan berkas').inputValue(), '3');
  assert.equal(await page.getByLabel('Dasar').inputValue(),
    'Peraturan Menteri Dalam Negeri Nomor 7 Tahun 2014\nPeraturan Bupati Purbalingga Nomor 12 Tahun 2026');
  assert.deepEqual(problems, []);
  await context.close();
});
