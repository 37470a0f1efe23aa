// axe-core on every page, as each kind of person sees it on a phone
// (citizen, officer, the Regent's office, the display board and kiosk):
// no critical or serious violation, and every control a thumb can hit
// (44 × 44 px; links inside running text excepted, as WCAG 2.5.8 does).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, ROOT } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';

const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const DEMO_PASSWORD = 'Demo-Pendopo-2026';
const VILLAGE = '33.03.01.2001';

// Who sees which pages: null is a visitor; the others are demo accounts.
const PAGES = [
  [null, ['/', '/login.html', '/register.html', '/no-such-page', '/complaints/', '/complaints/new.html',
    '/izin-penelitian/', '/antrean/', '/data/', '/ppid/', '/ppid/dip.html', '/desa/', `/desa/${VILLAGE}`,
    '/desa/kabupaten.html', '/survei/', '/survei/peringkat.html', '/survei/unit.html?unit=PUPR',
    '/antrean/layar.html?fc=PKM-KEMANGKON', '/survei/layar.html', '/survei/kiosk.html?unit=DINHUB']],
  ['warga@demo.pendopo.id', ['/profile.html', '/izin-penelitian/ajukan.html', '/izin-penelitian/saya.html',
    '/ppid/ajukan.html', '/ppid/permohonan.html', '/desa/ajukan.html', '/desa/surat-saya.html']],
  ['admin@demo.pendopo.id', ['/admin/users.html', '/admin/orgs.html', '/admin/holidays.html', '/admin/outbox.html',
    '/officer/complaints.html', '/officer/complaints-admin.html', '/data/kelola.html', '/data/conflicts.html',
    '/data/review.html', '/data/upload.html', '/antrean/atur.html', '/antrean/statistik.html',
    '/izin-penelitian/petugas.html', '/izin-penelitian/pengaturan.html', '/ppid/petugas.html']],
  ['pimpinan@demo.pendopo.id', ['/pimpinan/']],
  ['petugas.kemangkon@demo.pendopo.id', ['/antrean/loket.html', '/antrean/kiosk.html']],
];

let srv;
let browser;

before(async () => {
  srv = await startServer({ demo: true });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

// Controls smaller than 44 × 44 px, by a short description.
function smallTargets() {
  const inText = (e) => e.tagName === 'A' && getComputedStyle(e).display === 'inline' && e.closest('p, li, dd, label, figcaption, small');
  return [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [role=tab]')]
    .filter((e) => e.type !== 'hidden' && e.type !== 'checkbox' && e.type !== 'radio' && !inText(e))
    .filter((e) => !e.closest('.leaflet-control-attribution, .visually-hidden'))
    .map((e) => ({ e, r: e.getBoundingClientRect() }))
    .filter(({ r }) => r.width > 0 && r.height > 0 && (r.width < 44 || r.height < 44))
    .map(({ e, r }) => `${e.tagName.toLowerCase()}.${e.className} "${e.textContent.trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
}

test('every page: no critical or serious axe violation, tap targets of 44 px on a phone', { timeout: 600000 }, async () => {
  const found = [];
  for (const [email, paths] of PAGES) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: srv.url, bypassCSP: true });
    context.setDefaultTimeout(15000);
    await context.route('https://tile.openstreetmap.org/**', (route) => route.abort());
    const page = await context.newPage();
    if (email) {
      await page.goto('/login.html');
      await page.getByLabel('Email atau nomor HP').fill(email);
      await page.getByLabel('Kata sandi', { exact: true }).fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Masuk', exact: true }).click();
      await page.waitForURL((u) => u.pathname !== '/login.html');
    }
    for (const path of paths) {
      await page.goto(path);
      // Settled: the shell is up and nothing says "Memuat…" (pages with
      // event streams never go quiet on the network).
      await page.waitForFunction(() => !document.querySelector('.loading, [aria-busy=true]'));
      await page.addScriptTag({ path: AXE });
      const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'],
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } }));
      for (const v of violations.filter((x) => x.impact === 'critical' || x.impact === 'serious'))
        found.push(`${path} (${email || 'visitor'}): ${v.impact} ${v.id} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
      for (const s of await page.evaluate(smallTargets)) found.push(`${path} (${email || 'visitor'}): small target ${s}`);
    }
    await context.close();
  }
  assert.deepEqual(found, []);
});
