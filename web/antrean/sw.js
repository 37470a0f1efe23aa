// sw.js — keeps the queue ticket usable offline: patients open it at the
// puskesmas door, where the signal is weak.  Scope /antrean/.
//
// Network first: a fresh answer is stored and served, and without a
// network the stored one is, so the ticket shows what it last knew.  The
// ticket page sends the addresses it loaded (page, scripts, styles, the
// ticket and its QR) once the worker is running, so one visit is enough.
// Only what the ticket page needs is stored: never the staff pages'
// answers (the counter's lines name patients), sign-in or live events.
const CACHE = 'pendopo-antrean-v1';
const KEPT = [/^\/antrean\/tiket\.html$/, /^\/(js|css|img|vendor)\//, /^\/api\/site$/,
  /^\/api\/queue\/facilities\/[^/]+$/, /^\/api\/queue\/bookings\/[A-Za-z0-9]{10}(\/qr\.svg)?$/];

function kept(url) {
  const u = new URL(url, self.location.origin);
  return u.origin === self.location.origin && KEPT.some((re) => re.test(u.pathname));
}

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));

self.addEventListener('message', (e) => {
  const urls = (e.data && Array.isArray(e.data.keep) ? e.data.keep : []).filter(kept);
  e.waitUntil(caches.open(CACHE).then((cache) => Promise.all(urls.map((u) =>
    fetch(u, { cache: 'no-store', credentials: 'same-origin' })
      .then((res) => (res.ok ? cache.put(u, res) : null), () => null)))));
});

self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET' || !kept(req.url)) return;
  // Every ticket is the same page reading its code from the address.
  const page = req.mode === 'navigate';
  e.respondWith(fetch(req).then((res) => {
    if (res.ok) {
      const copy = res.clone();
      e.waitUntil(caches.open(CACHE).then((cache) => cache.put(req, copy)));
    }
    return res;
  }, () => caches.match(req, { ignoreSearch: page, ignoreVary: true }).then((hit) => hit || Response.error())));
});
