// A letter's verification page in a real browser: the URL decoded from the
// QR of the letter's PDF opens a page that says valid (in Indonesian, and
// in English after the switch) with what the letter shows; the same letter
// with another signature in the QR's fragment reads as changed; after its
// revocation the page says revoked with the reason; a pasted verification
// file with one changed character reads as changed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, freePort, BIN } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

let srv, browser, work, key, letter;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'pendopo-e2e-letters-'));
  key = join(work, 'letters.key');
  execFileSync(BIN, ['letters', 'keygen', '--letters-key', key]);
  // The QR holds the base URL: the server's own, so the decoded URL opens it.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  srv = await startServer({ demo: true, port, env: { PENDOPO_LETTERS_KEY: key, PENDOPO_BASE_URL: base } });
  const fixture = JSON.parse(readFileSync(join(HERE, '..', 'api', 'fixtures', 'letter.json'), 'utf8'));
  writeFileSync(join(work, 'letter.json'), JSON.stringify(fixture));
  const pdf = join(work, 'letter.pdf');
  letter = JSON.parse(execFileSync(BIN, ['letters', 'issue', join(work, 'letter.json'), '--db', srv.db, '--data-dir',
    join(srv.dir, 'data'), '--letters-key', key, '--base-url', base, '--pdf', pdf], { encoding: 'utf8' }));
  execFileSync('pdftoppm', ['-r', '150', '-png', pdf, join(work, 'page')], { stdio: 'ignore' });
  letter.scanned = execFileSync('zbarimg', ['-q', '--raw', join(work, 'page-1.png')],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function open(url) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(m.text()); });
  await page.goto(url);
  return { page, problems, context };
}

test('the URL in the QR opens a page that says valid, in Indonesian and English', async () => {
  assert.ok(letter.scanned.startsWith(`${letter.url}#`), `scanned ${letter.scanned}`);
  const { page, problems, context } = await open(letter.scanned);
  const status = page.locator('#status');
  await status.waitFor();
  assert.equal(await status.getAttribute('data-status'), 'valid');
  assert.match(await status.innerText(), /Surat sah/);
  const body = await page.locator('#verdict').innerText();
  assert.match(body, new RegExp(letter.number.replace(/\./g, '\\.')));
  assert.match(body, /Siti Nur’aini/);
  assert.match(body, /Tanda tangan elektronik Ed25519/);
  await page.getByRole('button', { name: /switch to English/i }).click();
  await page.locator('#status', { hasText: 'Valid letter' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('another signature in the QR reads as changed; a pasted file with one changed character too', async () => {
  const [url, fragment] = letter.scanned.split('#');
  const [keyId, sig] = fragment.split('.');
  const forged = `${url}#${keyId}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
  const { page, context } = await open(forged);
  await page.locator('#status').waitFor();
  assert.equal(await page.locator('#status').getAttribute('data-status'), 'changed');
  const verdict = await (await fetch(`${srv.url}/api/letters/verify/${letter.token}`)).json();
  const payload = structuredClone(verdict.payload);
  payload.content.fields.period = payload.content.fields.period.replace('1 Januari', '2 Januari');
  await page.locator('#payload').fill(JSON.stringify(payload));
  await page.getByRole('button', { name: 'Periksa' }).click();
  await page.locator('#paste-result [data-status="changed"]').waitFor();
  await context.close();
});

test('after revocation the page says revoked, with the reason', async () => {
  const email = `kesbangpol${Date.now()}@x.id`;
  execFileSync(BIN, ['user', 'add', '--email', email, '--password', 'Rahasia-123', '--role', 'officer', '--unit', 'KESBANGPOL',
    '--db', srv.db]);
  const login = await fetch(`${srv.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'Rahasia-123' }) });
  const cookie = /pendopo_session=[^;]*/.exec(login.headers.get('set-cookie'))[0];
  const { csrf_token: csrf } = await login.json();
  const r = await fetch(`${srv.url}/api/letters/${letter.token}/revoke`, { method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf }, body: JSON.stringify({ reason: 'Salah nama peneliti' }) });
  assert.equal(r.status, 200, await r.text());
  const { page, context } = await open(letter.scanned);
  await page.locator('#status').waitFor();
  assert.equal(await page.locator('#status').getAttribute('data-status'), 'revoked');
  assert.match(await page.locator('#status').innerText(), /Salah nama peneliti/);
  await context.close();
});
