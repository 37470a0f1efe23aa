// The Regent's dashboard in a real browser: the Regent's office logs in,
// reads this month's complaints, today's queues and Satu Data at a glance,
// and sees a new complaint and a new patient in a line counted without
// reloading the page.
//
//   node --test tests/e2e/dashboard.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';

const PASSWORD = 'Rahasia-Bupati-1';
const COMPLAINT = { kind: 'complaint', category: 'JALAN', description: 'Jalan berlubang di depan pasar Bobotsari, mohon segera diperbaiki.', lat: -7.39, long: 109.36, village: '33.03.01.2001' };

// A Tuesday, 08:30 WIB: the test facility's poli is open.
const CLOCK = '2026-12-01T01:30:00Z';
const FC = 'PKM-DASH';
let srv, browser, admin;

before(async () => {
  srv = await startServer({ demo: true, env: { PENDOPO_CLOCK: CLOCK } });
  srv.cli(['user', 'add', '--email', 'bupati@uji.id', '--password', PASSWORD, '--role', 'regent_office', '--name', 'Kantor Bupati']);
  srv.cli(['user', 'add', '--email', 'admin@uji.id', '--password', PASSWORD, '--role', 'admin']);
  admin = new Client(srv.url);
  assert.equal((await admin.post('/api/auth/login', { email: 'admin@uji.id', password: PASSWORD })).status, 200);
  const ok = async (p) => { const r = await p; assert.equal(r.status, 201, r.text); };
  await ok(admin.post('/api/orgs', { code: FC, name: 'Puskesmas Uji Dasbor', kind: 'health_facility' }));
  await ok(admin.put(`/api/queue/facilities/${FC}`, { type: 'fktp', booking_closes_days: 0, booking_closes_at: '10:00' }));
  await ok(admin.post(`/api/queue/facilities/${FC}/services`, { code: 'UMU', name: 'Poli Umum', kind: 'poli', prefix: 'A' }));
  await ok(admin.post(`/api/queue/facilities/${FC}/schedules`, { service: 'UMU', weekdays: [1, 2, 3, 4, 5, 6],
    start: '08:00', end: '12:00', quota_non_walkin: 10 }));
  const anon = new Client(srv.url);
  for (let i = 0; i < 2; i++) assert.equal((await anon.post('/api/complaints', COMPLAINT)).status, 201);
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('the Regent\'s office reads every service at a glance, and it follows new complaints live', { timeout: 90000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: srv.url });
  context.setDefaultTimeout(15000);
  // Map tiles come from the internet, which the test machine may not reach.
  await context.route('https://tile.openstreetmap.org/**', (route) => route.abort());
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401|ERR_FAILED|tile/.test(m.text())) problems.push(`console: ${m.text()}`);
  });

  // No ?next=: the Regent's office lands on its own work.
  await page.goto('/login.html');
  await page.getByLabel('Email atau nomor HP').fill('bupati@uji.id');
  await page.getByLabel('Kata sandi', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await page.waitForURL(`${srv.url}/pimpinan/`);

  await assert.doesNotReject(page.getByRole('heading', { name: 'Dasbor pimpinan' }).waitFor());
  const thisMonth = page.locator('.stat').filter({ has: page.locator('.stat-label', { hasText: /^Bulan ini$/ }) }).locator('.stat-value');
  assert.equal(await thisMonth.textContent(), '2');
  for (const tile of ['Pengaduan (Matur Bupati)', 'Antrean kesehatan hari ini (Simantri)', 'Satu Data']) {
    assert.ok(await page.getByRole('heading', { name: tile }).isVisible(), tile);
  }
  assert.ok(await page.getByRole('link', { name: 'Dasbor pimpinan' }).isVisible(), 'the menu leads here');
  // The header offers the tools this office may use, and nothing it may not.
  const nav = page.locator('.site-nav .nav-list');
  for (const tool of ['Izin penelitian', 'Konflik data'])
    assert.equal(await nav.getByRole('link', { name: tool }).count(), 1, tool);
  for (const tool of ['Pengguna', 'Pengaturan pengaduan', 'Kelola data', 'Pengaturan antrean', 'Loket antrean', 'Check-in pasien'])
    assert.equal(await nav.getByRole('link', { name: tool }).count(), 0, tool);

  // A citizen files one more: the page counts it without a reload.
  assert.equal((await new Client(srv.url).post('/api/complaints', COMPLAINT)).status, 201);
  await page.waitForFunction(() => {
    const s = [...document.querySelectorAll('.stat')].find((e) => e.querySelector('.stat-label').textContent === 'Bulan ini');
    return s && s.querySelector('.stat-value').textContent === '3';
  }, null, { timeout: 15000 });

  // A patient walks in at a puskesmas: the queue tile counts them waiting.
  const waiting = page.locator('.stat').filter({ has: page.locator('.stat-label', { hasText: /^Sedang menunggu$/ }) }).locator('.stat-value');
  const before = Number(await waiting.textContent());
  assert.equal((await admin.post(`/api/queue/facilities/${FC}/walkins`, { service: 'UMU' })).status, 201);
  await page.waitForFunction((n) => {
    const s = [...document.querySelectorAll('.stat')].find((e) => e.querySelector('.stat-label').textContent === 'Sedang menunggu');
    return s && s.querySelector('.stat-value').textContent === String(n);
  }, before + 1, { timeout: 15000 });

  await page.getByRole('button', { name: /EN/ }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'Leadership dashboard' }).waitFor());
  assert.deepEqual(problems, []);
  await context.close();
});
