// The web shell in a real browser against a real `pendopo serve`:
// register → logged in → log out → log in (with ?next=) → language switch →
// services on the home page; an admin adds a holiday, a unit (and a child
// unit), a staff account, and finds the registered citizen.
// Screenshots of the home page (390×844 and 1280×800) go to tests/e2e/shots/.
//
//   node --test tests/e2e/
// CHROMIUM overrides /usr/bin/chromium; PENDOPO_BIN the server binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHOTS = join(HERE, 'shots');

const ADMIN = { email: 'admin@example.id', password: 'Rahasia-Admin-1' };
const CITIZEN = { name: 'Siti Rahayu', email: 'siti.rahayu@example.id', password: 'Kata-Sandi-Warga-1' };
const SERVICES = ['Matur Bupati', 'Si-Intan', 'Simantri', 'Satu Data', 'PPID', 'IKM', 'Desa Digital'];
const BUILT = new Set(['Si-Intan', 'Satu Data']);

let srv;
let browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  srv = await startServer();
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

// A fresh browser context (own cookies and localStorage) that records page
// errors, CSP refusals and failed requests other than the expected 401 of
// GET /api/me for a visitor.
async function open(viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, baseURL: srv.url });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (/Failed to load resource: the server responded with a status of 401/.test(text)) return;
    problems.push(`console: ${text} (${m.location().url})`);
  });
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (r.status() >= 400 && !(r.status() === 401 && u.pathname === '/api/me')) problems.push(`HTTP ${r.status()} ${r.request().method()} ${u.pathname}`);
  });
  return { context, page, problems };
}

// Forget the recorded failures of a request that was meant to fail.
function expected(problems, path) {
  const keep = problems.filter((p) => !p.includes(path));
  problems.splice(0, problems.length, ...keep);
}

// Visible form controls without a label (should be none).
async function unlabelled(page) {
  return page.evaluate(() => Array.from(document.querySelectorAll('input, select, textarea'))
    .filter((el) => el.type !== 'hidden' && el.offsetParent !== null)
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    .map((el) => el.outerHTML));
}

const text = async (locator) => (await locator.textContent()).replace(/\s+/g, ' ').trim();

async function me(page) {
  return page.evaluate(async () => {
    const r = await fetch('/api/me', { credentials: 'same-origin' });
    return { status: r.status, body: r.ok ? await r.json() : null };
  });
}

async function logIn(page, email, password) {
  await page.getByLabel('Email atau nomor HP').fill(email);
  await page.getByLabel('Kata sandi', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
}

test('a citizen registers, logs out, logs in, switches language and sees the services', { timeout: 90000 }, async () => {
  const { context, page, problems } = await open();

  // Register: the client checks first, then the server.
  await page.goto('/register.html');
  assert.equal(await page.getAttribute('html', 'lang'), 'id');
  assert.deepEqual(await unlabelled(page), []);
  await page.getByRole('button', { name: 'Daftar', exact: true }).click();
  await page.locator('#reg-name-error').waitFor();
  assert.equal(await page.getAttribute('#reg-name', 'aria-invalid'), 'true');
  assert.match(await text(page.locator('#register-form [role="alert"]')), /perlu diperbaiki/);

  await page.getByLabel('Nama lengkap').fill(CITIZEN.name);
  await page.getByLabel('Email', { exact: true }).fill(CITIZEN.email);
  await page.getByLabel('Kata sandi', { exact: true }).fill(CITIZEN.password);
  await page.getByLabel('Ulangi kata sandi').fill(CITIZEN.password);
  await page.getByRole('button', { name: 'Daftar', exact: true }).click();

  // Home, logged in.
  await page.waitForURL(`${srv.url}/`);
  await page.getByRole('button', { name: 'Keluar' }).waitFor();
  assert.equal(await text(page.locator('.nav-user')), CITIZEN.name);
  assert.match(await text(page.locator('#hero-welcome')), /Selamat datang, Siti Rahayu/);
  assert.equal(await page.getByRole('link', { name: 'Pengguna' }).count(), 0, 'no admin link for a citizen');
  const who = await me(page);
  assert.equal(who.status, 200);
  assert.equal(who.body.user.email, CITIZEN.email);

  // Log out.
  await page.getByRole('button', { name: 'Keluar' }).click();
  await page.waitForURL(`${srv.url}/`);
  await page.locator('.nav-login').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Keluar' }).count(), 0);
  assert.equal((await me(page)).status, 401);

  // Log in again: a wrong password first, shown in the alert region.
  await page.goto('/login.html?next=%2Fprofile.html');
  await logIn(page, CITIZEN.email, 'salah-sekali-123');
  const alert = page.locator('#login-form [role="alert"]');
  await alert.filter({ hasText: /salah/ }).waitFor();
  assert.match(await text(alert), /Email\/nomor HP atau kata sandi salah/);
  expected(problems, '/api/auth/login');

  await logIn(page, CITIZEN.email, CITIZEN.password);
  await page.waitForURL(`${srv.url}/profile.html`);
  await page.getByRole('heading', { name: 'Profil saya' }).waitFor();
  assert.equal(await page.getByLabel('Nama lengkap').inputValue(), CITIZEN.name);
  assert.equal(await page.getByRole('textbox', { name: 'Email', exact: true }).inputValue(), CITIZEN.email);

  assert.deepEqual(await unlabelled(page), []);

  // Profile: add a phone number; a wrong current password is shown at its field.
  await page.getByLabel('Nomor HP').fill('0812 3456 7890');
  await page.getByRole('button', { name: 'Simpan perubahan' }).click();
  await page.locator('#flash', { hasText: 'Profil disimpan' }).waitFor();
  assert.match(await text(page.locator('#account-details')), /3456/);
  await page.getByLabel('Kata sandi saat ini').fill('bukan-sandi-ini');
  await page.getByLabel('Kata sandi baru', { exact: true }).fill('Sandi-Baru-Warga-2');
  await page.getByLabel('Ulangi kata sandi baru').fill('Sandi-Baru-Warga-2');
  await page.getByRole('button', { name: 'Ganti kata sandi' }).click();
  await page.locator('#p-current-error').waitFor();
  assert.equal(await page.getAttribute('#p-current', 'aria-invalid'), 'true');
  assert.match(await text(page.locator('#p-current-error')), /Kata sandi saat ini salah/);
  expected(problems, '/api/me/password');
  await page.getByLabel('Kata sandi saat ini').fill(CITIZEN.password);
  await page.getByRole('button', { name: 'Ganti kata sandi' }).click();
  await page.locator('#flash', { hasText: 'Kata sandi diganti' }).waitFor();
  assert.equal(await page.locator('#p-current-error').count(), 0);

  // Home: the services; built ones are links (these at least), the others say "coming soon".
  await page.getByRole('link', { name: 'Beranda', exact: true }).click();
  await page.waitForURL(`${srv.url}/`);
  const cards = page.locator('#services > li');
  assert.equal(await cards.count(), SERVICES.length);
  for (const name of SERVICES) {
    const card = cards.filter({ has: page.getByRole('heading', { name, exact: true }) });
    assert.equal(await card.count(), 1, `card ${name}`);
    const links = await card.locator('a').count();
    if (BUILT.has(name)) assert.equal(links, 1, `card ${name} is a link`);
    if (!links) assert.match(await text(card), /Segera hadir/);
  }
  assert.match(await text(page.locator('#hero-title')), /Purbalingga/);

  // Language: English and back; the choice survives a reload.
  assert.equal(await text(page.locator('#services-title')), 'Layanan');
  await page.getByRole('button', { name: /switch to English/i }).click();
  await page.locator('#services-title', { hasText: 'Services' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await text(cards.filter({ hasNot: page.locator('a') }).first()), /Coming soon/);
  assert.equal(await text(page.getByRole('button', { name: 'Log out' })), 'Log out');
  assert.equal(await text(page.locator('.lang-switch .lang-code')), 'ID');
  await page.reload();
  await page.locator('#services-title', { hasText: 'Services' }).waitFor();
  await page.getByRole('button', { name: /ganti ke Bahasa Indonesia/i }).click();
  await page.locator('#services-title', { hasText: 'Layanan' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'id');
  assert.equal(await text(page.locator('.lang-switch .lang-code')), 'EN');

  // The first Tab reaches the skip link.
  await page.goto('/');
  await page.locator('.nav-user').waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');

  assert.deepEqual(problems, []);
  await context.close();

  // Screenshots of the home page for a visitor, phone and desktop.
  for (const [width, height] of [[390, 844], [1280, 800]]) {
    const shot = await open({ width, height });
    await shot.page.goto('/');
    await shot.page.locator('.nav-login').waitFor();
    await shot.page.screenshot({ path: join(SHOTS, `home-${width}x${height}.png`) });
    await shot.page.screenshot({ path: join(SHOTS, `home-${width}x${height}-full.png`), fullPage: true });
    const overflow = await shot.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, `no sideways scrolling at ${width}px`);
    assert.deepEqual(shot.problems, []);
    await shot.context.close();
  }
});

test("a refused login is told in the page's language, and only that it was refused", { timeout: 60000 }, async () => {
  const { context, page, problems } = await open();
  await page.goto('/login.html');
  assert.equal(await page.getAttribute('html', 'lang'), 'id');
  await logIn(page, CITIZEN.email, 'bukan-sandinya-1');
  const alert = page.locator('#login-form [role="alert"]');
  await alert.filter({ hasText: /salah/ }).waitFor();
  const id = await text(alert);
  assert.equal(id, 'Email/nomor HP atau kata sandi salah.');

  // The same refusal on the English page is in English.
  await page.getByRole('button', { name: /switch to English/i }).click();
  await page.getByLabel('Email or phone number').fill(CITIZEN.email);
  await page.getByLabel('Password', { exact: true }).fill('bukan-sandinya-1');
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await alert.filter({ hasText: /Wrong/ }).waitFor();
  assert.equal(await text(alert), 'Wrong email/phone number or password.');
  expected(problems, '/api/auth/login');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an admin adds a holiday, a unit and a staff account and finds the citizen', { timeout: 90000 }, async () => {
  srv.cli(['user', 'add', '--email', ADMIN.email, '--password', ADMIN.password, '--role', 'admin']);
  const { context, page, problems } = await open();

  // An admin page sends a visitor to the login page and back.
  await page.goto('/admin/holidays.html');
  await page.waitForURL(/\/login\.html\?next=%2Fadmin%2Fholidays\.html$/);
  await logIn(page, ADMIN.email, ADMIN.password);
  await page.waitForURL(`${srv.url}/admin/holidays.html`);
  await page.locator('.site-nav').getByRole('link', { name: 'Pengguna', exact: true }).waitFor();   // the header offers the admin's tools

  // Holidays: add one in the year on show.
  const year = await page.locator('#year').inputValue();
  const date = `${year}-09-09`;
  const holiday = 'Hari Uji Pendopo';
  await page.getByRole('button', { name: 'Tambah hari libur' }).click();
  let dialog = page.getByRole('dialog');
  await dialog.getByLabel('Tanggal').fill(date);
  await dialog.getByLabel('Nama hari libur').fill(holiday);
  await dialog.getByLabel('Jenis').selectOption('cuti_bersama');
  await dialog.getByRole('button', { name: 'Simpan' }).click();
  const row = page.locator(`tr[data-date="${date}"]`);
  await row.waitFor();
  assert.match(await text(row), new RegExp(`${holiday}.*Cuti bersama`));
  assert.match(await text(row), /9 September/);
  assert.equal(await dialog.count(), 0, 'the dialog closed');
  assert.match(await text(page.locator('#flash')), /ditambahkan/);
  const listed = await page.evaluate(async (y) => (await (await fetch(`/api/holidays?year=${y}`)).json()).items, year);
  assert.ok(listed.some((h) => h.date === date && h.name === holiday && h.kind === 'cuti_bersama'), JSON.stringify(listed));

  // Organisations: a unit and a child unit.
  await page.getByRole('navigation', { name: 'Menu administrasi' }).getByRole('link', { name: 'Organisasi' }).click();
  await page.waitForURL(`${srv.url}/admin/orgs.html`);
  await page.getByRole('button', { name: 'Tambah unit' }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('Kode').fill('DINKOMINFO');
  await dialog.getByLabel('Nama unit').fill('Dinas Komunikasi dan Informatika');
  await dialog.getByLabel('Jenis').selectOption('agency');
  await dialog.getByRole('button', { name: 'Simpan' }).click();
  const unit = page.locator('li[data-code="DINKOMINFO"]');
  await unit.waitFor();
  assert.match(await text(unit), /Dinas Komunikasi dan Informatika/);

  await page.getByRole('button', { name: 'Tambah unit' }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('Kode').fill('DINKOMINFO-STAT');
  await dialog.getByLabel('Nama unit').fill('Bidang Statistik');
  await dialog.getByLabel('Jenis').selectOption('office');
  await dialog.getByLabel('Induk').selectOption('DINKOMINFO');
  assert.deepEqual(await unlabelled(page), []);
  await dialog.getByRole('button', { name: 'Simpan' }).click();
  await page.locator('li[data-code="DINKOMINFO"] li[data-code="DINKOMINFO-STAT"]').waitFor();

  // Users: the citizen from the first test, then a new officer in the unit.
  await page.getByRole('navigation', { name: 'Menu administrasi' }).getByRole('link', { name: 'Pengguna' }).click();
  await page.waitForURL(`${srv.url}/admin/users.html`);
  await page.getByLabel('Cari nama, email, atau nomor HP').fill('siti');
  await page.getByRole('button', { name: 'Cari' }).click();
  const citizenRow = page.locator('tbody tr', { hasText: CITIZEN.email });
  await citizenRow.waitFor();
  assert.match(await text(citizenRow), new RegExp(`${CITIZEN.name}.*Warga`));

  await page.getByRole('button', { name: 'Tambah akun petugas' }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('Nama lengkap').waitFor();
  assert.deepEqual(await unlabelled(page), []);
  await dialog.getByLabel('Nama lengkap').fill('Budi Santoso');
  await dialog.getByLabel('Email', { exact: true }).fill('budi.santoso@example.id');
  await dialog.getByLabel('Kata sandi awal').fill('Petugas-Kominfo-1');
  await dialog.getByLabel('Peran', { exact: true }).selectOption('officer');
  await dialog.getByLabel('Unit kerja').selectOption('DINKOMINFO');
  await dialog.getByRole('button', { name: 'Simpan' }).click();
  await page.locator('#flash', { hasText: 'Budi Santoso' }).waitFor();
  await page.getByLabel('Cari nama, email, atau nomor HP').fill('');
  await page.getByRole('button', { name: 'Cari' }).click();
  const officerRow = page.locator('tbody tr', { hasText: 'budi.santoso@example.id' });
  await officerRow.waitFor();
  assert.match(await text(officerRow), /Petugas · Dinas Komunikasi dan Informatika/);

  await page.screenshot({ path: join(SHOTS, 'admin-users-1280x800.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});
