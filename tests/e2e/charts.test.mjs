// Statistics charts on a 360 px phone: drawn by Chart.js, months named in
// Indonesian, labels at a readable size, the numbers in a data table a
// screen reader reaches, and no page that scrolls sideways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { launch } from '../lib/browser.mjs';

const MONTHS_ID = ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'];
const VILLAGE = '33.03.01.2001';	// Kedungbenda: a demo APBDes

let srv;
let browser;

before(async () => {
  srv = await startServer({ demo: true });
  srv.cli(['seed', 'complaints', '300']);
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function phone() {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, baseURL: srv.url });
  context.setDefaultTimeout(15000);
  await context.route('https://tile.openstreetmap.org/**', (route) => route.abort());
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return { context, page, problems };
}

// Every canvas under root drawn by Chart.js; what each shows.
async function charts(page, root, n) {
  await page.waitForFunction(([sel, count]) => {
    const cs = document.querySelectorAll(`${sel} canvas`);
    return window.Chart && cs.length === count && [...cs].every((c) => window.Chart.getChart(c));
  }, [root, n]);
  return page.evaluate((sel) => [...document.querySelectorAll(`${sel} canvas`)].map((c) => {
    const ch = window.Chart.getChart(c);
    const index = ch.options.indexAxis === 'y' ? 'y' : 'x';
    return {
      name: c.getAttribute('aria-label'),
      labels: ch.data.labels,
      values: ch.data.datasets[0].data,
      fontPx: ch.scales[index]._resolveTickFontOptions(0).size,   // the font its labels are drawn in
      width: c.getBoundingClientRect().width,
    };
  }), root);
}

const sideways = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

test('complaint statistics: months in Indonesian, readable labels, a data table, nothing sideways at 360 px', async () => {
  const year = new Date().getUTCFullYear();
  const stats = await (await fetch(`${srv.url}/api/complaints/stats?year=${year}`)).json();
  assert.ok(stats.by_month.length >= 2, 'the seed spreads complaints over this year');
  const { context, page, problems } = await phone();
  await page.goto('/complaints/');
  await page.getByRole('tab', { name: 'Statistik' }).click();
  const shown = await charts(page, '#charts', 4);
  const [months, categories] = shown;
  assert.equal(months.name, 'Jumlah aduan per bulan');
  assert.deepEqual(months.labels, stats.by_month.map((m) => `${MONTHS_ID[+m.month.slice(5) - 1]} ${m.month.slice(0, 4)}`));
  assert.deepEqual(months.values, stats.by_month.map((m) => m.count));
  assert.deepEqual(categories.values, stats.by_category.map((c) => c.count));
  for (const c of shown) {
    assert.ok(c.fontPx >= 12, `${c.name}: labels at ${c.fontPx} px`);
    assert.ok(c.width > 250 && c.width <= 360, `${c.name}: ${c.width} px wide`);
  }
  assert.equal(await sideways(page), 0, 'the statistics tab does not scroll sideways');

  // The numbers, for a screen reader and for anyone, one tap away.
  const figure = page.locator('#charts figure').first();
  await figure.getByText('Tabel data').click();
  const rows = figure.locator('tbody tr');
  assert.equal(await rows.count(), stats.by_month.length);
  const last = stats.by_month[stats.by_month.length - 1];
  assert.match(await rows.last().innerText(), new RegExp(`${['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli',
    'Agustus', 'September', 'Oktober', 'November', 'Desember'][+last.month.slice(5) - 1]} ${last.month.slice(0, 4)}\\s+${last.count}`));
  assert.equal(await sideways(page), 0, 'nor with the table open');
  assert.deepEqual(problems, []);
  await context.close();
});

test('village APBDes charts at 360 px', async () => {
  const { context, page, problems } = await phone();
  await page.goto(`/desa/${VILLAGE}`);
  const shown = await charts(page, '#budget', 2);
  for (const c of shown) {
    assert.ok(c.values.length > 0 && c.values.every((v) => v > 0), c.name);
    assert.ok(c.fontPx >= 12, `${c.name}: labels at ${c.fontPx} px`);
  }
  assert.equal(await sideways(page), 0);
  assert.deepEqual(problems, []);
  await context.close();
});
