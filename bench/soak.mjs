// bench/soak.mjs - the soak (bench/soak.sh runs it): mixed load at a fixed
// rate (open loop: a request starts every 1/rate s whether or not earlier
// ones have answered) against one server for the given seconds; per minute
// the requests, p99, 5xx and the server's RSS; BENCH lines at the end.
// Targets: RSS growth after the first two minutes at most 5 %, no 5xx.
//
// node bench/soak.mjs seconds=600 rate=250
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { startServer, Client } from '../tests/lib/server.mjs';

const opt = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const SECONDS = Number(opt.seconds || 600);
const RATE = Number(opt.rate || 250);
const PASSWORD = 'Soak-Rahasia-123';

const rssMb = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
const p99 = (xs) => {
  if (!xs.length) return 0;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))];
};

const srv = await startServer({
  demo: true,
  env: { PENDOPO_SUBMIT_PER_HOUR: '1000000', PENDOPO_SUBMIT_PER_HOUR_ADDRESS: '1000000', PENDOPO_AUTH_PER_MINUTE: '100000' },
});
const users = [];
for (let i = 0; i < 8; i++) {
  const c = new Client(srv.url);
  const r = await c.post('/api/auth/register', { name: `Warga Soak ${i}`, email: `soak-${process.pid}-${i}@x.id`, password: PASSWORD });
  if (r.status !== 201) throw new Error(`register: ${r.status} ${r.text}`);
  users.push(c);
}
// 64 keep-alive connections, as a proxy in front would hold: requests
// beyond them wait for one, and their wait counts in their latency.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const { hostname, port } = new URL(srv.url);
function send(method, path, body, who) {
  return new Promise((resolve, reject) => {
    const headers = {};
    const data = body === undefined ? null : JSON.stringify(body);
    if (data) headers['content-type'] = 'application/json';
    if (who) Object.assign(headers, { cookie: who.cookie, 'x-csrf-token': who.csrf });
    const req = request({ agent, hostname, port, method, path, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(Buffer.concat(chunks).toString()); } catch { /* a page */ }
        resolve({ status: res.statusCode, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}
const anon = { get: (p) => send('GET', p), post: (p, b) => send('POST', p, b) };
const trackings = [];
let n = 0;

// The mix, by weight: public reads, a page, the health check, filings and
// profile writes.
const mix = [
  [25, () => anon.get('/api/complaints?limit=20')],
  [10, () => anon.get('/api/complaints/stats')],
  [10, () => anon.get('/api/regions?q=purba&limit=10')],
  [10, () => anon.get(trackings.length ? `/api/complaints/${trackings[n % trackings.length]}` : '/api/site')],
  [10, () => anon.get('/')],
  [5, () => anon.get('/healthz')],
  [10, async () => {
    const r = await anon.post('/api/complaints', {
      kind: 'complaint', category: 'JALAN', description: `Jalan berlubang di depan pasar, soak ${n}.`,
      lat: -7.3901, long: 109.3602, village: '33.03.01.2001',
    });
    if (r.status === 201 && trackings.length < 5000) trackings.push(r.json.complaint.tracking);
    return r;
  }],
  [20, () => send('PATCH', '/api/me', { name: `Warga Soak ${n}` }, users[n % users.length])],
];
const total = mix.reduce((s, [w]) => s + w, 0);
const pick = () => {
  let x = (n * 7919) % total;
  for (const [w, f] of mix) {
    if (x < w) return f;
    x -= w;
  }
  return mix[0][1];
};

const minutes = [];
let cur = null;
const newMinute = () => { cur = { lat: [], s5xx: 0, errors: 0, other: 0, requests: 0 }; minutes.push(cur); };
newMinute();
const rssStart = rssMb(srv.pid);
const rssAt = [];               // RSS at the end of each minute
let inflight = 0;
const errorKinds = {};          // why requests got no answer
const started = Date.now();
const interval = 1000 / RATE;
let nextMinute = started + 60000;
const end = started + SECONDS * 1000;

console.log(`# soak: ${SECONDS} s at ${RATE} req/s (open loop), server pid ${srv.pid}, RSS at start ${rssStart.toFixed(1)} MB, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
const finishMinute = () => {
  const rss = rssMb(srv.pid);
  rssAt.push(rss);
  const i = minutes.length;
  console.log(`BENCH name=soak_minute minute=${i} requests=${cur.requests} p99_ms=${p99(cur.lat).toFixed(1)} ` +
    `http_5xx=${cur.s5xx} errors=${cur.errors} other_non2xx=${cur.other} rss_mb=${rss.toFixed(1)} inflight=${inflight}`);
};
while (Date.now() < end) {
  const now = Date.now();
  if (now >= nextMinute) {
    finishMinute();
    newMinute();
    nextMinute += 60000;
  }
  const due = started + n * interval;
  if (due > now) {
    await new Promise((r) => setTimeout(r, Math.max(0, due - now)));
    continue;
  }
  const f = pick();
  n++;
  const m = cur;
  m.requests++;
  inflight++;
  const t0 = performance.now();
  f().then((r) => {
    m.lat.push(performance.now() - t0);
    if (r.status >= 500) m.s5xx++;
    else if (r.status >= 300) m.other++;
  }, (e) => {
    m.errors++;
    const why = (e.cause && e.cause.code) || e.name;
    errorKinds[why] = (errorKinds[why] || 0) + 1;
  }).finally(() => { inflight--; });
}
while (inflight > 0) await new Promise((r) => setTimeout(r, 50));
if (cur.requests) finishMinute();
await srv.stop();
agent.destroy();

const all5xx = minutes.reduce((s, m) => s + m.s5xx, 0);
const errors = minutes.reduce((s, m) => s + m.errors, 0);
const requests = minutes.reduce((s, m) => s + m.requests, 0);
const base = rssAt.length > 2 ? rssAt[1] : rssAt[0];     // after the first two minutes
const last = rssAt[rssAt.length - 1];
const growth = ((last - base) / base) * 100;
const worstP99 = Math.max(...minutes.map((m) => p99(m.lat)));
const met = all5xx === 0 && errors === 0 && growth <= 5;
console.log(`BENCH name=soak seconds=${SECONDS} rate=${RATE} requests=${requests} rss_start_mb=${rssStart.toFixed(1)} ` +
  `rss_after_2min_mb=${base.toFixed(1)} rss_end_mb=${last.toFixed(1)} rss_growth_after_2min_pct=${growth.toFixed(1)} ` +
  `p99_worst_minute_ms=${worstP99.toFixed(1)} http_5xx=${all5xx} errors=${errors} target=${met ? 'met' : 'missed'}`);
if (errors) console.log(`# no answer: ${Object.entries(errorKinds).map(([k, v]) => `${k} ×${v}`).join(', ')}`);
process.exit(met ? 0 : 1);
