// Desa Digital in a real browser: a village operator publishes news, the
// year's APBDes (CSV), a gallery photo, an entry of the village's public
// information list and a letter kind from a template; a citizen on a phone requests a letter with her
// KTP and KK from the village's page; the operator verifies it, the
// village head approves it; she downloads the PDF, and the URL in its QR
// (decoded with zbarimg) opens a page that says the letter is valid.
//
//   node --test tests/e2e/villages.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync, execFileSync } from 'node:child_process';
import { startServer } from '../lib/server.mjs';
import { letterKey } from '../api/permits_fixtures.mjs';
import { PDF } from '../api/villages_fixtures.mjs';
import { JPEG_2X2 } from '../api/complaints_fixtures.mjs';
import { launch } from '../lib/browser.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHOTS = join(HERE, 'shots');
const PASSWORD = 'Kata-Sandi-Desa-1';
const VILLAGE = '33.03.01.2002';	// Bokol, Kemangkon: no demo content
const YEAR = new Date(Date.now() + 7 * 3600000).getUTCFullYear();

let srv;
let browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  srv = await startServer({ demo: true, env: { PENDOPO_LETTERS_KEY: letterKey() } });
  const add = (email, role, name) => srv.cli(['user', 'add', '--email', email, '--password', PASSWORD, '--role', role,
    ...(role === 'citizen' ? [] : ['--village', VILLAGE]), '--name', name]);
  add('operator@bokol.id', 'village_operator', 'Operator Bokol');
  add('kades@bokol.id', 'village_head', 'Darsono');
  add('siti@example.id', 'citizen', 'Siti Warga');
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

// Login lands staff on their first tool; for a village operator today that
// is the permits console, whose inbox refuses them (403) - not this
// test's subject, so what the landing page did is left out.
async function login(page, email, problems) {
  await page.goto('/login.html');
  await page.getByLabel('Email atau nomor HP').fill(email);
  await page.getByLabel('Kata sandi', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.waitForLoadState('networkidle');
  if (problems) problems.length = 0;
}

// The village office acts on the request from its console.
async function act(email, tracking, label) {
  const { context, page, problems } = await open();
  await login(page, email, problems);
  await page.goto('/desa/operator.html');
  await page.getByRole('button', { name: tracking }).click();
  await page.getByRole('button', { name: label }).click();
  await page.getByText('Tersimpan.').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
}

test('operator publishes news and budget; a citizen requests a letter; the head approves; the PDF\'s QR verifies', async () => {
  const dir = join(srv.dir, 'upload');
  mkdirSync(dir, { recursive: true });
  const ktp = join(dir, 'ktp.pdf'), kk = join(dir, 'kk.pdf'), csv = join(dir, 'apbdes.csv'), photo = join(dir, 'balai.jpg');
  writeFileSync(photo, JPEG_2X2);
  writeFileSync(ktp, Buffer.concat([PDF, Buffer.from('% ktp\n')]));
  writeFileSync(kk, Buffer.concat([PDF, Buffer.from('% kk\n')]));
  writeFileSync(csv, 'akun,uraian,anggaran,realisasi\n4.2,Dana Desa,1000000000,800000000\n5.2,,600000000,450000000\n5.1,,300000000,250000000\n');

  // The operator writes news and imports the budget.
  const office = await open();
  await login(office.page, 'operator@bokol.id', office.problems);
  await office.page.goto('/desa/operator.html');
  await office.page.getByLabel('Judul', { exact: true }).fill('Musyawarah desa');
  await office.page.getByLabel('Isi (Markdown)').fill('Musyawarah **RKPDes** di balai desa, Kamis pukul 09.00.');
  await office.page.getByRole('button', { name: 'Simpan', exact: true }).click();
  await office.page.getByText('Tersimpan.').waitFor();
  await office.page.getByLabel('Berkas CSV').setInputFiles(csv);
  await office.page.getByRole('button', { name: 'Impor' }).click();
  await office.page.getByText('Tersimpan.').first().waitFor();
  // and puts a captioned photo in the village's gallery.
  const photoForm = office.page.locator('#photo-form');
  await photoForm.getByLabel('Foto (JPEG atau PNG').setInputFiles(photo);
  await photoForm.getByLabel('Keterangan foto').fill('Balai Desa Bokol');
  await photoForm.getByRole('button', { name: 'Unggah foto' }).click();
  await office.page.locator('#gallery h2', { hasText: '1 dari 30' }).waitFor();
  // and lists a public information entry (Perki 1/2018).
  const dip = office.page.locator('#dip-form');
  await dip.getByLabel('No.').fill('1');
  await dip.getByLabel('Judul informasi').fill('Peraturan Desa Bokol');
  await dip.getByLabel('Ringkasan isi informasi').fill('Peraturan desa yang berlaku dan lampirannya');
  await dip.getByLabel('Penanggung jawab').fill('Sekretaris Desa');
  await dip.getByLabel('Waktu pembuatan').fill('Setiap penetapan');
  await dip.getByLabel('Bentuk informasi').fill('Cetak');
  await dip.getByLabel('Jangka waktu penyimpanan').fill('Permanen');
  await dip.getByLabel('Jenis informasi').selectOption('setiap_saat');
  await dip.getByRole('button', { name: 'Tambah ke daftar' }).click();
  await office.page.locator('#information li', { hasText: 'Peraturan Desa Bokol' }).waitFor();
  // and adds a letter kind from a template.
  const kindForm = office.page.locator('#kind-form');
  await kindForm.getByLabel('Templat').selectOption('belum_menikah');
  await kindForm.getByLabel('Kode').fill('belum_menikah');
  await kindForm.getByRole('button', { name: 'Tambah jenis surat' }).click();
  await office.page.locator('#kinds li', { hasText: 'SURAT KETERANGAN BELUM MENIKAH' }).waitFor();
  assert.deepEqual(office.problems, []);
  await office.context.close();

  // The citizen finds the village, reads the news, sees the budget, requests a letter.
  const citizen = await open({ width: 390, height: 844 });
  const page = citizen.page;
  await login(page, 'siti@example.id');
  await page.goto('/desa/');
  await page.getByLabel('Cari desa').fill('Bokol');
  await page.getByRole('link', { name: 'Bokol' }).click();
  await page.waitForURL(`**/desa/${VILLAGE}`);
  await page.getByText('Musyawarah desa').waitFor();
  await page.getByText(`APBDes ${YEAR}`).waitFor();
  await page.locator('#gallery figcaption', { hasText: 'Balai Desa Bokol' }).waitFor();
  await page.locator('#information td', { hasText: 'Peraturan Desa Bokol' }).waitFor();
  await page.locator('#information td', { hasText: 'Setiap saat' }).waitFor();
  await page.locator('#letters li', { hasText: 'SURAT KETERANGAN BELUM MENIKAH' }).getByRole('link', { name: 'Ajukan' }).waitFor();
  assert.ok(await page.locator('#gallery img').evaluate((img) => img.complete && img.naturalWidth === 2), 'the photo shows');
  await page.getByRole('button', { name: 'Baca selengkapnya' }).click();
  await page.locator('#news strong', { hasText: 'RKPDes' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'villages-space-phone.png'), fullPage: true });
  await page.locator('#letters li', { hasText: 'SURAT KETERANGAN DOMISILI' }).getByRole('link', { name: 'Ajukan' }).click();
  await page.waitForURL('**/desa/ajukan.html**');
  await page.getByLabel('NIK').fill('3303014101900001');
  await page.getByLabel('Nama lengkap').fill('Siti Warga');
  await page.getByLabel('Alamat').fill('RT 02 RW 01 Bokol');
  await page.getByLabel('Keperluan').fill('Persyaratan melamar pekerjaan');
  await page.getByLabel('Foto/pindaian KTP').setInputFiles(ktp);
  await page.getByLabel('Foto/pindaian Kartu Keluarga').setInputFiles(kk);
  await page.getByRole('button', { name: 'Kirim permohonan' }).click();
  await page.waitForURL('**/desa/surat-saya.html?id=*');
  await page.getByText('Diperiksa').first().waitFor();
  const tracking = (await page.locator('#tracking').textContent()).trim();
  assert.match(tracking, /^SD-\d{4}-\d{6}$/);

  await act('operator@bokol.id', tracking, 'Berkas lengkap, teruskan ke Kepala Desa');
  await act('kades@bokol.id', tracking, 'Setujui dan tandatangani');

  await page.reload();
  await page.getByText('Siap diunduh').first().waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#letter-pdf').click()]);
  const pdf = join(srv.dir, 'village-letter.pdf');
  await download.saveAs(pdf);
  execFileSync('pdftoppm', ['-png', '-r', '150', pdf, join(srv.dir, 'vpage')], { stdio: 'ignore' });
  const pages = readdirSync(srv.dir).filter((n) => /^vpage-\d+\.png$/.test(n)).map((n) => join(srv.dir, n));
  const qr = spawnSync('zbarimg', ['-q', '--raw', ...pages], { encoding: 'utf8' }).stdout.trim();
  const url = new URL(qr);
  assert.match(url.pathname, /^\/v\/[A-Za-z0-9_-]+$/, `the QR holds the verification URL: ${qr}`);
  assert.deepEqual(citizen.problems, []);

  const anyone = await open({ width: 390, height: 844 });
  await anyone.page.goto(url.pathname + url.hash);
  await anyone.page.getByText('Surat sah').waitFor();
  await anyone.page.screenshot({ path: join(SHOTS, 'villages-verified.png'), fullPage: true });
  assert.deepEqual(anyone.problems, []);
});
