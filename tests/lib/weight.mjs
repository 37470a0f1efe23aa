// A page's weight and speed on a cheap phone's slow link: Chromium throttled
// to 150 ms round trip and 1.6 Mbit/s, the page opened once fresh and once
// again in one phone-sized context.  Shared by the browser suite (which
// holds the bytes to their budget) and bench/weight.mjs (which times it).
export { launch } from './browser.mjs';

const SLOW_4G = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 };

// The pages measured, and the selector each shows once a person can use it.
export const PAGES = [
  { name: 'home', path: '/', ready: '#services li' },
  { name: 'complaint_form', path: '/complaints/new.html', ready: '#category option:nth-child(2)' },
];

// [first, repeat]: bytes received from base (headers and bodies, KiB) and
// ms from navigation to ready, on the page's own clock.
export async function visits(browser, base, { path, ready }) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: base });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  // Map tiles come from outside, not from this server (and page.route
  // would turn the browser's cache off).
  await cdp.send('Network.setBlockedURLs', { urls: ['*tile.openstreetmap.org*'] });
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  const origin = new URL(base).origin;
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
    const ms = await (await page.waitForFunction((sel) => document.querySelector(sel) && performance.now(), ready,
      { polling: 'raf' })).jsonValue();
    await page.waitForLoadState('networkidle');
    out.push({ kib: bytes / 1024, ms: Math.round(ms) });
  }
  await context.close();
  return out;
}
