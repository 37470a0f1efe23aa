// Login by phone in a real browser, on a phone-sized screen: a number with
// no account, come from the register page, asks for an SMS code on the
// login page, types it, is asked
// for a name and lands logged in; on the profile page the citizen then
// chooses SMS instead of email for notices, and the next notice comes by
// SMS alone.
//
//   node --test tests/e2e/phone_login.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, Client } from '../lib/server.mjs';
import { startSms, smsEnv } from '../lib/sms.mjs';
import { launch } from '../lib/browser.mjs';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'shots');
const PHONE = { local: '0857 2468 1357', e164: '+6285724681357' };

let srv, sms, browser;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  sms = await startSms();
  srv = await startServer({ demo: true, env: smsEnv(sms) });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  if (sms) await sms.close();
});

async function codeFor(e164, count) {
  for (let i = 0; i < 150; i++) {
    const ms = sms.to(e164);
    if (ms.length >= count) return /^(\d{6}) /.exec(ms[count - 1].text)[1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no SMS to ' + e164);
}

test('a new number registers by SMS code and then takes notices by SMS', { timeout: 90000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, baseURL: srv.url, locale: 'id-ID' });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // From the register page's link, which opens the login page's phone part.
  await page.goto('/register.html');
  await page.getByRole('link', { name: 'Daftar dengan nomor HP saja, tanpa kata sandi' }).click();
  await page.waitForURL(/\/login\.html#nomor-hp$/);
  await page.getByLabel('Nomor HP', { exact: true }).fill(PHONE.local);
  await page.getByLabel('SMS').check();
  await page.getByRole('button', { name: 'Kirim kode' }).click();
  await page.getByText(`Kode dikirim ke ${PHONE.e164} lewat SMS. Berlaku 5 menit.`).waitFor();
  const code = await codeFor(PHONE.e164, 1);
  // A wrong code is said at the form, and changes nothing.
  await page.getByLabel('Kode dari pesan').fill(code === '000000' ? '111111' : '000000');
  await page.locator('#phone-submit').click();
  await page.getByText('Kode salah atau sudah kedaluwarsa').first().waitFor();
  await page.getByLabel('Kode dari pesan').fill(code);
  await page.locator('#phone-submit').click();
  // The number is new: the page asks for the name, keeping the code.
  await page.getByText('Nomor ini belum terdaftar: isi nama Anda untuk membuat akun.').waitFor();
  await page.screenshot({ path: join(SHOTS, 'login-phone-360x740.png'), fullPage: true });
  await page.getByLabel('Nama lengkap (nomor ini belum terdaftar)').fill('Ratna Sari');
  await page.locator('#phone-submit').click();
  await page.waitForURL(`${srv.url}/`);
  await page.getByRole('button', { name: 'Keluar' }).waitFor();

  await page.goto('/profile.html');
  await page.getByRole('heading', { name: 'Pemberitahuan' }).waitFor();
  assert.equal(await page.getByLabel('Di aplikasi (selalu)').isChecked(), true);
  assert.equal(await page.getByLabel('Di aplikasi (selalu)').isDisabled(), true);
  assert.equal(await page.locator('#ch-sms').isChecked(), false);
  assert.equal(await page.locator('#ch-email').isChecked(), true);
  await page.locator('#ch-sms').check();
  await page.locator('#ch-email').uncheck();
  await page.getByRole('button', { name: 'Simpan pilihan' }).click();
  await page.getByText('Pilihan pemberitahuan disimpan.').waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Pemberitahuan' }).waitFor();
  await page.waitForFunction(() => document.querySelector('#ch-sms').checked);
  assert.equal(await page.locator('#ch-email').isChecked(), false);

  // The next notice goes by SMS, to the number the citizen logged in with.
  const csrf = await page.evaluate(async () => (await (await fetch('/api/me')).json()).csrf_token);
  const cookies = await context.cookies();
  const c = new Client(srv.url);
  c.cookie = `pendopo_session=${cookies.find((k) => k.name === 'pendopo_session').value}`;
  c.csrf = csrf;
  const made = await c.post('/api/complaints', { kind: 'complaint', category: 'JALAN', village: '33.03.01.2001',
    description: 'Lampu jalan mati sejak seminggu di depan balai desa.' });
  assert.equal(made.status, 201, made.text);
  for (let i = 0; i < 150 && sms.to(PHONE.e164).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(sms.to(PHONE.e164)[1].text, new RegExp(made.json.complaint.tracking));
  assert.deepEqual(problems, []);
  await context.close();
});
