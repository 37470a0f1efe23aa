// The outbox's admin page in a real browser: a notice whose email the SMTP
// sink refused is listed as failed with its attempt, and the administrator
// sends it again from the page.
//
//   node --test tests/e2e/outbox.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { startSmtp, SMTP_USER, SMTP_PASSWORD } from '../lib/smtp.mjs';
import { launch } from '../lib/browser.mjs';

const ADMIN = { email: 'admin.outbox@example.id', password: 'Rahasia-Admin-1' };
const CITIZEN = { name: 'Warga Surel', email: 'warga.surel@example.id', password: 'Kata-Sandi-Warga-1' };

let srv, smtp, browser;
before(async () => {
  smtp = await startSmtp();
  srv = await startServer({ demo: true, env: {
    PENDOPO_SMTP_HOST: '127.0.0.1', PENDOPO_SMTP_PORT: String(smtp.port), PENDOPO_SMTP_TLS: 'none',
    PENDOPO_SMTP_USER: SMTP_USER, PENDOPO_SMTP_PASSWORD: SMTP_PASSWORD, PENDOPO_OUTBOX_MAX_ATTEMPTS: '1',
  } });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  if (smtp) await smtp.close();
});

test('an administrator sees a failed email and sends it again', { timeout: 90000 }, async () => {
  srv.cli(['user', 'add', '--email', ADMIN.email, '--password', ADMIN.password, '--role', 'admin']);
  smtp.failNext(CITIZEN.email, 1);
  const citizen = new Client(srv.url);
  assert.equal((await citizen.post('/api/auth/register', CITIZEN)).status, 201);
  const made = await citizen.post('/api/complaints', { kind: 'complaint', category: 'JALAN', village: '33.03.01.2001',
    description: 'Jalan berlubang besar di depan pasar, sudah dua minggu.' });
  assert.equal(made.status, 201, made.text);
  const no = made.json.complaint.tracking;

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: srv.url });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto('/admin/outbox.html?state=failed');
  await page.waitForURL(/\/login\.html/);
  await page.getByLabel('Email atau nomor HP').fill(ADMIN.email);
  await page.getByLabel('Kata sandi', { exact: true }).fill(ADMIN.password);
  await page.getByRole('button', { name: 'Masuk', exact: true }).click();
  await page.waitForURL(`${srv.url}/admin/outbox.html?state=failed`);

  // The failure may not have happened yet: reload until it is listed.
  const row = page.locator('tr', { hasText: CITIZEN.email });
  for (let i = 0; i < 30 && !(await row.count()); i++) {
    await page.waitForTimeout(500);
    await page.locator('#state').selectOption('');
    await page.locator('#state').selectOption('failed');
  }
  await row.waitFor();
  assert.match(await row.innerText(), new RegExp(`Pengaduan ${no} diterima[\\s\\S]*Gagal[\\s\\S]*451`));

  // Its attempts, then send it again.
  await row.getByRole('button', { name: `Pengaduan ${no} diterima` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('gagal', { exact: false }).first().waitFor();
  assert.match(await dialog.innerText(), /Percobaan pengiriman[\s\S]*451/);
  await page.keyboard.press('Escape');
  await row.getByRole('button', { name: /Kirim ulang pesan \d+/ }).click();
  await page.getByText(/akan dikirim ulang/).waitFor();
  for (let i = 0; i < 100 && !smtp.messages.some((m) => m.to.includes(CITIZEN.email)); i++) await page.waitForTimeout(100);
  assert.ok(smtp.messages.some((m) => m.to.includes(CITIZEN.email)), 'the email went out');
  await page.locator('#state').selectOption('sent');
  await page.locator('tr', { hasText: CITIZEN.email }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});
