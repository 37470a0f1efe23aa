// Simantri in a real browser: a patient books a number and sees the live
// ticket; an officer checks the patient in at the kiosk page and calls the
// number from the counter console; the display board shows the called
// number without a reload, and the patient's ticket says it is called;
// the facility's statistics chart the day.
// The unit head edits a poli and adds a session and a closure on the set-up
// page, and the booking page shows the closed day with its reason, the
// poli's hours with their doctors, and (signed in) the account's tickets
// booked on another device.
// Screenshots of the ticket (390×844) and the board (1280×720) go to
// tests/e2e/shots/.
//
// The service clock starts at Tuesday 2026-12-01 07:00 WIB.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, Client } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHOTS = join(HERE, 'shots');
const FC = 'PKM-E2E';
const ADMIN = { email: 'admin.antrean@example.id', password: 'Rahasia-Admin-1' };
const OFFICER = { email: 'petugas.antrean@example.id', password: 'Rahasia-Petugas-1' };
const HEAD = { email: 'kepala.antrean@example.id', password: 'Rahasia-Kepala-1' };

let srv;
let browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  srv = await startServer({ env: { PENDOPO_CLOCK: '2026-12-01T00:00:00Z' } });
  srv.cli(['user', 'add', '--email', ADMIN.email, '--password', ADMIN.password, '--role', 'admin']);
  const admin = new Client(srv.url);
  assert.equal((await admin.post('/api/auth/login', ADMIN)).status, 200);
  const ok = async (p, status = 201) => { const r = await p; assert.equal(r.status, status, r.text); return r; };
  await ok(admin.post('/api/orgs', { code: FC, name: 'Puskesmas Uji Peramban', kind: 'health_facility' }));
  await ok(admin.put(`/api/queue/facilities/${FC}`, { type: 'fktp', booking_closes_days: 0, booking_closes_at: '10:00' }));
  await ok(admin.post(`/api/queue/facilities/${FC}/services`, { code: 'UMU', name: 'Poli Umum', kind: 'poli', prefix: 'A' }));
  await ok(admin.post(`/api/queue/facilities/${FC}/schedules`, { service: 'UMU', weekdays: [1, 2, 3, 4, 5, 6],
    start: '08:00', end: '12:00', quota_jkn_online: 10, quota_non_online: 10, quota_non_walkin: 10 }));
  await ok(admin.post(`/api/queue/facilities/${FC}/counters`, { name: 'Poli Umum', service: 'UMU' }));
  srv.cli(['user', 'add', '--email', OFFICER.email, '--password', OFFICER.password, '--role', 'officer', '--unit', FC]);
  srv.cli(['user', 'add', '--email', HEAD.email, '--password', HEAD.password, '--role', 'unit_head', '--unit', FC]);
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

// A fresh context that records page errors, CSP refusals and failed
// requests (the 401 of GET /api/me for a visitor is expected).
async function open(viewport) {
  const context = await browser.newContext({ viewport, baseURL: srv.url });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/status of 401/.test(m.text())) return;
    problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (r.status() >= 400 && !(r.status() === 401 && u.pathname === '/api/me')) problems.push(`HTTP ${r.status()} ${u.pathname}`);
  });
  return { context, page, problems };
}

const text = async (locator) => (await locator.textContent()).replace(/\s+/g, ' ').trim();

test('a patient books and follows the ticket; an officer checks in and calls; the board shows it live', { timeout: 90000 }, async () => {
  // The patient, on a phone.
  const patient = await open({ width: 390, height: 844 });
  const p = patient.page;
  await p.goto('/');
  await p.locator('[data-service="simantri"] a').click();
  await p.waitForURL(`${srv.url}/antrean/`);
  await p.getByLabel('Fasilitas kesehatan').selectOption(FC);
  await p.getByLabel('Poli', { exact: true }).selectOption('UMU');
  // The poli's weekly hours and doctor, before a date is chosen.
  await p.locator('#b-schedule li', { hasText: 'Senin, Selasa, Rabu, Kamis, Jumat, Sabtu · 08:00–12:00 WIB · dokter jaga' }).waitFor();
  await p.locator('#b-date-list input[value="2026-12-01"]').check();
  await p.locator('#b-session-list input[type="radio"]').first().waitFor();
  assert.equal(await p.locator('#b-session-list input[type="radio"]').first().isChecked(), true, 'the only session is chosen');
  await p.getByRole('button', { name: 'Ambil nomor antrean' }).click();
  await p.locator('#b-nik-error').waitFor();                                  // NIK is required
  await p.getByLabel('NIK').fill('3303010101900001');
  await p.getByRole('button', { name: 'Ambil nomor antrean' }).click();
  await p.waitForURL(/\/antrean\/tiket\.html\?kode=[A-Z0-9]{10}$/);
  await p.locator('#ticket-label', { hasText: 'A-001' }).waitFor();
  assert.match(await text(p.locator('#ticket-progress')), /Tidak ada yang di depan Anda, perkiraan dilayani pukul 08:00 WIB/);
  assert.equal(await p.locator('.ticket-qr img').evaluate((img) => img.complete && img.naturalWidth > 0), true, 'QR image loads');
  const code = new URL(p.url()).searchParams.get('kode');
  await p.screenshot({ path: join(SHOTS, 'antrean-ticket-390x844.png'), fullPage: true });

  // The waiting room's board.
  const tv = await open({ width: 1280, height: 720 });
  await tv.page.goto(`/antrean/layar.html?fc=${FC}`);
  await tv.page.locator('#board-title', { hasText: 'Puskesmas Uji Peramban' }).waitFor();
  assert.match(await text(tv.page.locator('#board-clock')), /^07:0\d WIB$/, 'the board shows the service clock');
  assert.equal(await text(tv.page.locator('#board-call-number')), '—');

  // The officer: log in, check the patient in at the kiosk page.
  const officer = await open({ width: 1280, height: 800 });
  const o = officer.page;
  await o.goto('/login.html?next=/antrean/kiosk.html');
  await o.getByLabel('Email atau nomor HP').fill(OFFICER.email);
  await o.getByLabel('Kata sandi', { exact: true }).fill(OFFICER.password);
  await o.getByRole('button', { name: 'Masuk', exact: true }).click();
  await o.waitForURL(`${srv.url}/antrean/kiosk.html`);
  await o.getByLabel('Kode booking').fill(`${srv.url}/antrean/tiket.html?kode=${code}`);   // as a QR scanner types it
  await o.getByRole('button', { name: 'Check-in', exact: true }).click();
  await o.locator('#kiosk-result .kiosk-number', { hasText: 'A-001' }).waitFor();
  assert.match(await text(o.locator('#kiosk-result')), /Check-in berhasil/);
  await p.locator('.badge', { hasText: 'Sudah check-in' }).waitFor();            // the ticket follows, no reload

  // The counter console: open the counter, call the next patient.
  await o.getByRole('link', { name: 'Loket', exact: true }).click();
  await o.waitForURL(/\/antrean\/loket\.html/);
  await o.locator('#line-list li', { hasText: 'A-001' }).waitFor();
  await o.locator('#counter-open').click();
  await o.locator('#counter-status', { hasText: 'Buka' }).waitFor();
  await o.getByRole('button', { name: 'Panggil berikutnya' }).click();
  await o.locator('#counter-current', { hasText: 'A-001' }).waitFor();

  // The board shows the call without a reload; so does the ticket.
  await tv.page.locator('#board-call-number', { hasText: 'A-001' }).waitFor();
  assert.match(await text(tv.page.locator('#board-call-counter')), /silakan ke Poli Umum/);
  await tv.page.locator('#board-counters li', { hasText: 'A-001' }).waitFor();
  await tv.page.screenshot({ path: join(SHOTS, 'antrean-board-1280x720.png') });
  await p.locator('#call-alert', { hasText: 'Nomor A-001 dipanggil: silakan ke Poli Umum.' }).waitFor();

  // Finishing ends the visit: the console asks first, in its own dialog
  // (not the browser's, which speaks the browser's language); cancel
  // changes nothing.
  await o.getByRole('button', { name: 'Selesai', exact: true }).click();
  let ask = o.getByRole('dialog', { name: 'Akhiri kunjungan' });
  await ask.getByText('Akhiri kunjungan A-001? Pasien tidak akan diteruskan ke layanan lain.').waitFor();
  await ask.getByRole('button', { name: 'Batal' }).click();
  await ask.waitFor({ state: 'detached' });
  assert.equal(await text(o.locator('#counter-current')), 'A-001', 'cancel: still being served');
  await o.getByRole('button', { name: 'Selesai', exact: true }).click();
  ask = o.getByRole('dialog', { name: 'Akhiri kunjungan' });
  await ask.getByRole('button', { name: 'Ya, akhiri kunjungan' }).click();
  await o.locator('#counter-current', { hasText: '—' }).waitFor();
  await p.locator('.badge', { hasText: 'Selesai dilayani' }).waitFor();

  // The day in the facility's statistics: Chart.js charts (the shared
  // helper, as the other statistics pages), each with its data table.
  await o.getByRole('link', { name: 'Statistik', exact: true }).click();
  await o.waitForURL(/\/antrean\/statistik\.html/);
  await o.waitForFunction(() => window.Chart && [...document.querySelectorAll('#main canvas')].filter((c) => window.Chart.getChart(c)).length === 2);
  const drawn = await o.evaluate(() => [...document.querySelectorAll('#main canvas')].map((c) => {
    const ch = window.Chart.getChart(c);
    return { name: c.getAttribute('aria-label'), labels: ch.data.labels, series: ch.data.datasets.map((d) => [d.label, d.data]) };
  }));
  assert.deepEqual(drawn[0], { name: 'Kunjungan per hari', labels: ['1 Des 2026'],
    series: [['Booking online', [1]], ['Datang langsung', [0]], ['Tidak hadir', [0]]] });
  assert.equal(drawn[1].name, 'Rata-rata waktu tunggu dan waktu layanan');
  assert.deepEqual(drawn[1].labels, ['Poli Umum']);
  assert.deepEqual(drawn[1].series.map(([name]) => name), ['Rata-rata tunggu', 'Rata-rata layanan']);
  const days = o.locator('figure', { has: o.getByRole('img', { name: 'Kunjungan per hari' }) });
  await days.getByText('Tabel data').click();
  assert.equal((await days.locator('tbody tr').first().innerText()).replace(/\s+/g, ' ').trim(), '1 Des 2026 1 0 0');

  for (const who of [patient, tv, officer]) {
    assert.deepEqual(who.problems, []);
    await who.context.close();
  }
});

test('the unit head adds a session and a closure; booking for the closed day shows the reason', { timeout: 60000 }, async () => {
  const head = await open({ width: 1280, height: 900 });
  const u = head.page;
  await u.goto('/login.html?next=/antrean/loket.html');
  await u.getByLabel('Email atau nomor HP').fill(HEAD.email);
  await u.getByLabel('Kata sandi', { exact: true }).fill(HEAD.password);
  await u.getByRole('button', { name: 'Masuk', exact: true }).click();
  await u.waitForURL(`${srv.url}/antrean/loket.html`);
  await u.getByRole('link', { name: 'Atur', exact: true }).click();              // the console links the set-up page
  await u.waitForURL(/\/antrean\/atur\.html/);

  // The general poli's average service time, in the edit dialog.
  await u.locator('#services-table tr', { hasText: 'UMU' }).getByRole('button', { name: 'Ubah' }).click();
  await u.locator('#service-edit-form [name="avg_service_min"]').fill('12');
  await u.locator('#service-save').click();
  await u.locator('#services-table tr', { hasText: /UMU.*12 menit/ }).waitFor();

  // A doctor, then the name corrected.
  await u.locator('#doctor-form [name="code"]').fill('D01');
  await u.locator('#doctor-form [name="name"]').fill('dr. Sari');
  await u.locator('#doctor-add').click();
  await u.locator('#doctors-list li', { hasText: 'D01' }).getByRole('button', { name: 'Ubah' }).click();
  await u.locator('#doctor-edit-form [name="name"]').fill('dr. Sari Wulandari');
  await u.locator('#doctor-save').click();
  await u.locator('#doctors-list li', { hasText: 'dr. Sari Wulandari' }).waitFor();

  // An afternoon session of the general poli on Wednesdays.
  const sf = u.locator('#schedule-form');
  await sf.locator('[name="service"]').selectOption('UMU');
  await sf.locator('[name="doctor"]').selectOption('D01');
  await sf.locator('[name="start"]').fill('13:00');
  await sf.locator('[name="end"]').fill('15:00');
  await sf.locator('input.weekday[value="3"]').check();
  await sf.locator('[name="quota_non_online"]').fill('5');
  await sf.locator('[name="quota_jkn_online"]').fill('5');
  await u.locator('#schedule-add').click();
  await u.locator('#schedules-table tr', { hasText: /Rabu.*13:00–15:00.*D01/ }).waitFor();

  // Wednesday 2 December closed for training.
  const cf = u.locator('#closure-form');
  await cf.locator('[name="date"]').fill('2026-12-02');
  await cf.locator('[name="reason"]').fill('Pelatihan petugas');
  await u.locator('#closure-add').click();
  await u.locator('#closures-list li', { hasText: /2 Desember 2026.*Pelatihan petugas/ }).waitFor();

  // A patient with an account booked Thursday's number on the phone.
  const phone = new Client(srv.url);
  assert.equal((await phone.post('/api/auth/register', { name: 'Pasien Berakun', email: 'pasien@example.id',
    password: 'Rahasia-Pasien-1' })).status, 201);
  const booked = await phone.post('/api/queue/bookings', { facility: FC, service: 'UMU', date: '2026-12-03', nik: '3303010101900002' });
  assert.equal(booked.status, 201, booked.text);

  // On another device, signed in: the account's ticket is listed; choosing
  // a closed day says why it cannot be booked; the poli's hours show the
  // new afternoon session's doctor.
  const patient = await open({ width: 390, height: 844 });
  const p = patient.page;
  await p.goto(`/login.html?next=${encodeURIComponent(`/antrean/?fc=${FC}`)}`);
  await p.getByLabel('Email atau nomor HP').fill('pasien@example.id');
  await p.getByLabel('Kata sandi', { exact: true }).fill('Rahasia-Pasien-1');
  await p.getByRole('button', { name: 'Masuk', exact: true }).click();
  await p.waitForURL((u) => u.pathname === '/antrean/');
  await p.getByRole('heading', { name: 'Tiket Anda' }).waitFor();
  await p.locator('#mine a', { hasText: booked.json.booking.label }).waitFor();
  assert.equal(await p.locator('#mine a').getAttribute('href'), `/antrean/tiket.html?kode=${booked.json.booking.code}`);
  await p.getByLabel('Fasilitas kesehatan').selectOption(FC);
  await p.getByLabel('Poli', { exact: true }).selectOption('UMU');
  await p.locator('#b-schedule li', { hasText: 'Rabu · 13:00–15:00 WIB · dr. Sari Wulandari' }).waitFor();
  const closed = p.locator('#b-date-list .choice', { has: p.locator('input[value="2026-12-02"]') });
  await closed.locator('.choice-note', { hasText: 'Tutup: Pelatihan petugas' }).waitFor();
  assert.equal(await closed.locator('input').isDisabled(), true, 'the closed day cannot be chosen');

  for (const who of [head, patient]) {
    assert.deepEqual(who.problems, []);
    await who.context.close();
  }

  // The ticket, opened once, works offline (at the puskesmas door): the
  // manifest and the service worker keep the page, the ticket and its QR.
  const door = await open({ width: 390, height: 844 });
  const d = door.page;
  const ticket = `/antrean/tiket.html?kode=${booked.json.booking.code}`;
  await d.goto(ticket);
  await d.locator('#ticket-label', { hasText: booked.json.booking.label }).waitFor();
  assert.equal(await d.locator('link[rel="manifest"]').getAttribute('href'), '/antrean/manifest.webmanifest');
  // Stored once the worker has fetched what the page loaded (the page asks
  // the cache; an async predicate would not be awaited by waitForFunction).
  const stored = () => d.evaluate(async (code) => {
    const cache = await caches.open('pendopo-antrean-v1');
    const urls = [location.href, `/api/queue/bookings/${code}/qr.svg`, `/api/queue/bookings/${code}`,
      ...performance.getEntriesByType('resource').map((r) => r.name).filter((u) => /\/(js|css)\//.test(u))];
    return (await Promise.all(urls.map((u) => cache.match(u)))).every(Boolean);
  }, booked.json.booking.code);
  for (let i = 0; i < 100 && !(await stored()); i++) await d.waitForTimeout(100);
  assert.equal(await stored(), true, 'the ticket page is kept');
  await door.context.setOffline(true);
  await d.goto(ticket);
  await d.locator('#ticket-label', { hasText: booked.json.booking.label }).waitFor();
  await d.waitForFunction(() => { const img = document.querySelector('.ticket-qr img'); return img && img.complete && img.naturalWidth > 0; });
  await door.context.close();
});
