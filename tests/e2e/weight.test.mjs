// Weight and speed on a cheap phone's slow link: Chromium throttled to
// 150 ms round trip and 1.6 Mbit/s, the home page and the complaint form
// opened once fresh and once again, bytes counted as they crossed the wire.
// Prints BENCH lines; fails above 150 KiB first visit, 20 KiB repeat visit,
// or 2.5 s until the page can be used.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer } from '../lib/server.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic'];
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 };
const FIRST_KIB = 150;
const REPEAT_KIB = 20;
const READY_MS = 2500;

let srv;
let browser;

before(async () => {
  srv = await startServer({ demo: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

// Opens path twice in one phone-sized context (a first visit, then a repeat
// with the browser's cache) and measures each: bytes received from this
// server (headers and bodies), and ms from navigation to ready (the
// selector the page shows once a person can use it).
async function visits(path, ready) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: srv.url });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  // Map tiles come from outside, not from this server (and page.route
  // would turn the browser's cache off).
  await cdp.send('Network.setBlockedURLs', { urls: ['*tile.openstreetmap.org*'] });
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  const origin = new URL(srv.url).origin;
  const urls = new Map();
  let bytes = 0;
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => {
    if ((urls.get(e.requestId) || '').startsWith(origin)) bytes += e.encodedDataLength;
  });
  const out = [];
  for (let i = 0; i < 2; i++) {
    bytes = 0;
    await page.goto(path, { waitUntil: 'commit' });
    // Checked every frame, timed on the page's own clock from navigation.
    const ms = await (await page.waitForFunction((sel) => document.querySelector(sel) && performance.now(), ready,
      { polling: 'raf' })).jsonValue();
    await page.waitForLoadState('networkidle');
    out.push({ kib: bytes / 1024, ms: Math.round(ms) });
  }
  await context.close();
  return out;
}

function bench(name, [first, repeat]) {
  console.log(`BENCH ${name}_first_kib ${first.kib.toFixed(1)} target ${FIRST_KIB}`);
  console.log(`BENCH ${name}_repeat_kib ${repeat.kib.toFixed(1)} target ${REPEAT_KIB}`);
  console.log(`BENCH ${name}_ready_ms ${first.ms} target ${READY_MS}`);
  assert.ok(first.kib <= FIRST_KIB, `${name}: first visit ${first.kib.toFixed(1)} KiB > ${FIRST_KIB}`);
  assert.ok(repeat.kib <= REPEAT_KIB, `${name}: repeat visit ${repeat.kib.toFixed(1)} KiB > ${REPEAT_KIB}`);
  assert.ok(first.ms <= READY_MS, `${name}: ready after ${first.ms} ms > ${READY_MS}`);
}

test('home page on slow 4G', async () => {
  bench('home', await visits('/', '#services li'));
});

test('complaint form on slow 4G', async () => {
  bench('complaint_form', await visits('/complaints/new.html', '#category option:nth-child(2)'));
});
