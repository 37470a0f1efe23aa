// The satisfaction survey in a real browser, on a phone-sized screen: a
// citizen whose complaint was closed finds the survey waiting for them,
// answers the nine questions and sees the thanks; the unit's public page
// then shows the new IKM and grade, and says whether the sample is
// representative.  The kiosk of a unit takes an anonymous response with a
// one-time code.
//
//   node --test tests/e2e/survey.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../lib/server.mjs';
import { register, cliUser, PASSWORD } from '../api/util.mjs';
import { complaint } from '../api/complaints_fixtures.mjs';
import { launch } from '../lib/browser.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SHOTS = join(HERE, 'shots');
// Monday 7 December 2026, 09:30 WIB: the second semester of 2026.
const CLOCK = '2026-12-07T02:30:00Z';

let srv;
let browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  srv = await startServer({ demo: true, env: { PENDOPO_CLOCK: CLOCK } });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function open(viewport = { width: 390, height: 844 }) {
  const context = await browser.newContext({ viewport, baseURL: srv.url, locale: 'id-ID' });
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

// Answer q1..q9 by tapping the answers' labels, as a thumb would.
async function answer(page, values) {
  for (const [i, v] of values.entries()) await page.locator(`label[for="q${i + 1}-${v}"]`).click();
}

test('a citizen whose complaint was closed answers the survey; the unit page shows the new IKM and grade', async () => {
  // The complaint: filed, handed to PUPR, answered, closed by its reporter.
  const citizen = await register(srv.url, { name: 'Budi Warga' });
  const desk = await cliUser(srv, 'officer', ['--unit', 'DINKOMINFO']);
  const pupr = await cliUser(srv, 'officer', ['--unit', 'PUPR']);
  const no = (await citizen.post('/api/complaints', complaint())).json.complaint.tracking;
  assert.equal((await desk.post(`/api/complaints/${no}/actions/disposition`, { unit: 'PUPR' })).status, 200);
  assert.equal((await pupr.post(`/api/complaints/${no}/actions/answer`, { text: 'Sudah ditambal.' })).status, 200);
  assert.equal((await citizen.post(`/api/complaints/${no}/actions/close`, {})).status, 200);

  const { page, problems, context } = await open();
  await page.goto('/login.html');
  await page.getByLabel('Email atau nomor HP').fill(citizen.email);
  await page.getByLabel('Kata sandi', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));

  await page.goto('/survei/');
  await page.getByRole('heading', { name: 'Survei yang menunggu Anda' }).waitFor();
  await page.getByRole('link', { name: `Nilai layanan Pengaduan (Matur Bupati) (${no})` }).click();
  await page.getByRole('heading', { name: 'Survei Kepuasan Masyarakat' }).waitFor();
  assert.match(await page.locator('main').innerText(), /Dinas Pekerjaan Umum dan Penataan Ruang/);

  // Sending with a question left open is stopped in the browser.
  await answer(page, [4, 4, 3, 4, 3, 4, 4, 2]);
  await page.getByRole('button', { name: 'Kirim jawaban' }).click();
  await page.locator('.form-alert').filter({ hasText: /./ }).waitFor();
  await page.locator('label[for="q9-3"]').click();
  await page.getByLabel('Jenis kelamin').selectOption('p');
  await page.getByLabel('Saran atau komentar (boleh dikosongkan)').fill('Petugas ramah, tambalan rapi.');
  await page.screenshot({ path: join(SHOTS, 'survey-form.png'), fullPage: true });
  await page.getByRole('button', { name: 'Kirim jawaban' }).click();
  await page.getByRole('heading', { name: 'Terima kasih!' }).waitFor();

  // 4+4+3+4+3+4+4+2+3 = 31: IKM = 25 x 31 / 9 = 86.11, grade B.
  await page.goto('/survei/unit.html?unit=PUPR&period=2026-S2');
  await page.locator('#survey-ikm').waitFor();
  assert.equal(await page.locator('#survey-ikm').innerText(), '86,11');
  assert.equal(await page.locator('#survey-grade').innerText(), 'B · Baik');
  assert.match(await page.locator('main').innerText(), /Sampel sudah representatif/);
  // The nine elements drawn as bars by Chart.js, one answer each: 4,4,3,4,3,4,4,2,3.
  const bars = await (await page.waitForFunction(() => {
    const c = document.querySelector('.chart-canvas canvas');
    const chart = c && window.Chart && window.Chart.getChart(c);
    return chart && chart.data.datasets[0].data;
  })).jsonValue();
  assert.deepEqual(bars, [4, 4, 3, 4, 3, 4, 4, 2, 3], 'the elements are drawn as bars');
  await page.screenshot({ path: join(SHOTS, 'survey-unit.png'), fullPage: true });

  // The ranking lists the unit.
  await page.goto('/survei/peringkat.html?period=2026-S2');
  await page.locator('#ranking').getByRole('link', { name: 'Dinas Pekerjaan Umum dan Penataan Ruang' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();

  // The Regent's office sees it on the dashboard.
  const regent = await cliUser(srv, 'regent_office');
  const office = await open({ width: 1280, height: 900 });
  await office.context.route('https://tile.openstreetmap.org/**', (route) => route.abort());
  await office.page.goto('/login.html?next=%2Fpimpinan%2F');
  await office.page.getByLabel('Email atau nomor HP').fill(regent.email);
  await office.page.getByLabel('Kata sandi', { exact: true }).fill(PASSWORD);
  await office.page.getByRole('button', { name: 'Masuk' }).click();
  await office.page.waitForURL((u) => u.pathname === '/pimpinan/');
  const row = office.page.locator('#dash-ikm tr', { hasText: 'Dinas Pekerjaan Umum dan Penataan Ruang' });
  await row.waitFor();
  assert.match(await row.innerText(), /86,11[\s\S]*B · Baik/);
  await office.context.close();
});

test('the kiosk takes an anonymous response with a one-time code, once', async () => {
  const head = await cliUser(srv, 'unit_head', ['--unit', 'DINHUB']);
  const codes = (await head.post('/api/survey/units/DINHUB/codes', { count: 2 })).json.codes;
  const { page, context } = await open({ width: 800, height: 1280 });
  await page.goto('/survei/kiosk.html?unit=DINHUB');
  await page.getByLabel('Kode survei').fill(codes[0]);
  await answer(page, [3, 3, 3, 3, 3, 3, 3, 3, 3]);
  await page.getByRole('button', { name: 'Kirim jawaban' }).click();
  await page.getByRole('heading', { name: 'Terima kasih!' }).waitFor();
  // The same code again, once the form is back: refused in Indonesian.
  await page.getByLabel('Kode survei').waitFor({ state: 'visible', timeout: 15000 });
  await page.getByLabel('Kode survei').fill(codes[0]);
  await answer(page, [3, 3, 3, 3, 3, 3, 3, 3, 3]);
  await page.getByRole('button', { name: 'Kirim jawaban' }).click();
  await page.locator('.form-alert').filter({ hasText: 'Kode kiosk ini sudah dipakai.' }).waitFor();
  // A code never issued: the server's own words, in the page's language
  // (not a generic "not found").
  await page.getByLabel('Kode survei').fill('ABCDEFGHJK');
  await page.getByRole('button', { name: 'Kirim jawaban' }).click();
  await page.locator('.form-alert').filter({ hasText: 'Kode tidak dikenal: bukan kode kiosk atau kode layanan yang sudah selesai di unit ini.' }).waitFor();
  await page.evaluate(() => localStorage.setItem('pendopo.lang', 'en'));
  await page.reload();
  await page.getByLabel('Survey code').fill('ABCDEFGHJK');
  await answer(page, [3, 3, 3, 3, 3, 3, 3, 3, 3]);
  await page.getByRole('button', { name: 'Send answers' }).click();
  await page.locator('.form-alert').filter({ hasText: 'No kiosk code or finished service of this unit has this code.' }).waitFor();
  await context.close();
  const u = await (await fetch(`${srv.url}/api/survey/units/DINHUB?period=2026-S2`)).json();
  assert.equal(u.result.respondents, 1);
  assert.equal(u.result.ikm, 75);
});
