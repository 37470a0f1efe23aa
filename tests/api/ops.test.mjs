// Operations: health, Prometheus metrics, and the static front end
// (including path traversal).
import { test, before, after, describe } from 'node:test';
import http from 'node:http';
import net from 'node:net';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { assertError, rawRequest } from './util.mjs';
import { png } from './complaints_fixtures.mjs';

const SECRET = 'TOP-SECRET-' + process.pid;
const BIG = Array.from({ length: 400 }, (_, i) => `export const k${i} = 'nilai ${i}';`).join('\n') + '\n';

// A GET with our own headers, the body as the bytes that came.
function getRaw(url, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}
const INDEX = '<!doctype html><html lang="id"><head><title>Pendopo uji</title></head><body>Halo ' + process.pid + '</body></html>';

// Sum of a metric's samples whose labels include every given label.
function sample(text, name, labels) {
  let sum = 0, seen = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{')) continue;
    const m = /^[^{]+\{(.*)\}\s+(\S+)/.exec(line);
    if (!m) continue;
    if (Object.entries(labels).every(([k, v]) => m[1].includes(`${k}="${v}"`))) { sum += Number(m[2]); seen = true; }
  }
  return seen ? sum : null;
}

describe('ops', () => {
  let srv, root;
  before(async () => {
    // A front end of our own, with a secret beside (not inside) it.
    root = mkdtempSync(join(tmpdir(), 'pendopo-web-'));
    const web = join(root, 'web');
    mkdirSync(join(web, 'css'), { recursive: true });
    mkdirSync(join(web, 'js'), { recursive: true });
    writeFileSync(join(web, 'index.html'), INDEX);
    writeFileSync(join(web, 'css', 'app.css'), 'body { color: #123; }\n');
    writeFileSync(join(web, 'js', 'app.js'), 'export const x = 1;\n');
    writeFileSync(join(web, 'js', 'big.js'), BIG);
    writeFileSync(join(root, 'secret.txt'), SECRET);
    srv = await startServer({ regions: false, env: { PENDOPO_WEB_DIR: web, PENDOPO_CORS_ORIGINS: 'https://peta.example.id, https://data.example.id' } });
  });
  after(async () => {
    await srv?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('/healthz → {"status":"ok","database":"ok"}', async () => {
    const r = await fetch(srv.url + '/healthz');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') || '', /^application\/json/);
    assert.deepEqual(await r.json(), { status: 'ok', database: 'ok' });
  });

  test('/metrics counts requests and latencies per route pattern', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await fetch(srv.url + '/healthz')).status, 200);
    await fetch(srv.url + '/api/orgs');
    await fetch(srv.url + '/api/orgs/NO-SUCH-1');
    await fetch(srv.url + '/api/orgs/NO-SUCH-2');
    await fetch(srv.url + '/api/zzz-random-' + process.pid);
    await new Promise((r) => setTimeout(r, 100));
    const r1 = await fetch(srv.url + '/metrics');
    assert.equal(r1.status, 200);
    assert.match(r1.headers.get('content-type') || '', /^text\/plain/);
    const m1 = await r1.text();
    assert.match(m1, /^pendopo_http_requests_total\{[^}]*route="[^"]+"[^}]*\} \d+/m);
    assert.match(m1, /^pendopo_http_request_duration_seconds_bucket\{[^}]*route="[^"]+"[^}]*le="[^"]+"[^}]*\} \d+/m);
    assert.match(m1, /^# TYPE pendopo_http_requests_total counter$/m);
    assert.match(m1, /^# TYPE pendopo_http_request_duration_seconds histogram$/m);

    const h1 = sample(m1, 'pendopo_http_requests_total', { route: '/healthz' });
    assert.ok(h1 >= 5, `healthz counted: ${h1}`);
    assert.ok(sample(m1, 'pendopo_http_requests_total', { route: '/api/orgs/{code}' }) >= 2, 'labelled by pattern');
    assert.ok(sample(m1, 'pendopo_http_request_duration_seconds_bucket', { route: '/healthz', le: '+Inf' }) >= 5);
    // Raw paths never become labels (unbounded cardinality).
    assert.ok(!m1.includes('NO-SUCH-1') && !m1.includes('zzz-random-'), 'raw paths are not labels');

    for (let i = 0; i < 3; i++) await fetch(srv.url + '/healthz');
    // A request may be counted when its connection finishes, just after the
    // client has the answer: allow a moment for the last one.
    let delta;
    for (let tries = 0; tries < 20; tries++) {
      const m2 = await (await fetch(srv.url + '/metrics')).text();
      delta = sample(m2, 'pendopo_http_requests_total', { route: '/healthz' }) - h1;
      if (delta >= 3) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(delta, 3, 'the counter moves with requests, once each');
  });

  test('a client that leaves mid-upload is counted as 4xx (499), not as a server error', async () => {
    const route = { method: 'POST', route: '/api/auth/register' };
    const before = await (await fetch(srv.url + '/metrics')).text();
    const count = (m, code) => sample(m, 'pendopo_http_requests_total', { ...route, code }) ?? 0;
    await new Promise((resolve) => {
      const sock = net.connect(Number(new URL(srv.url).port), '127.0.0.1', () => {
        sock.write(`POST /api/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"name":`);
        setTimeout(() => { sock.destroy(); resolve(); }, 100);
      });
    });
    let after;
    for (let tries = 0; tries < 40; tries++) {
      after = await (await fetch(srv.url + '/metrics')).text();
      if (count(after, '4xx') > count(before, '4xx')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(count(after, '4xx') - count(before, '4xx'), 1);
    assert.equal(count(after, '5xx'), count(before, '5xx'));
  });

  test('static: GET / is the front end as text/html; assets get their types', async () => {
    const r = await fetch(srv.url + '/');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') || '', /^text\/html/);
    assert.equal(await r.text(), INDEX);
    const css = await fetch(srv.url + '/css/app.css');
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') || '', /^text\/css/);
    const js = await fetch(srv.url + '/js/app.js');
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') || '', /^(text|application)\/javascript/);
    const missing = await fetch(srv.url + '/js/nope.js');
    assert.equal(missing.status, 404);
  });

  test('an HTTP/1.1 request without Host is refused (RFC 9112 §3.2); HTTP/1.0 needs none', async () => {
    for (const req of ['GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n',
      'POST /api/auth/login HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}']) {
      const r = await rawRequest(srv.port, req);
      assert.equal(r.status, 400, req);
      assert.equal(JSON.parse(r.body).error.code, 'invalid');
    }
    assert.equal((await rawRequest(srv.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')).status, 200);
    assert.equal((await rawRequest(srv.port, 'GET /healthz HTTP/1.0\r\n\r\n')).status, 200);
  });

  test('static files: brotli or gzip for a client that takes it, validators, 304 for what the client holds', async () => {
    const url = srv.url + '/js/big.js';
    const plain = await getRaw(url);
    assert.equal(plain.status, 200);
    assert.equal(plain.body.toString(), BIG);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(plain.headers.etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
    assert.ok(plain.headers['last-modified']);
    assert.equal(plain.headers['cache-control'], 'no-cache');
    // Brotli first: made once per file version at its best level.
    const br = await getRaw(url, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers.vary, 'Accept-Encoding');
    assert.equal(brotliDecompressSync(br.body).toString(), BIG);
    assert.notEqual(br.headers.etag, plain.headers.etag);
    assert.equal((await getRaw(url, { 'accept-encoding': 'br', 'if-none-match': br.headers.etag })).status, 304);
    assert.equal((await getRaw(url, { 'accept-encoding': 'gzip, br;q=0' })).headers['content-encoding'], 'gzip');
    const gz = await getRaw(url, { 'accept-encoding': 'gzip, deflate' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.ok(br.body.length < gz.body.length, `brotli ${br.body.length} bytes, gzip ${gz.body.length}`);
    assert.notEqual(gz.headers.etag, br.headers.etag);
    assert.equal(gz.headers.vary, 'Accept-Encoding');
    assert.ok(gz.body.length < BIG.length / 3, `${gz.body.length} bytes of ${BIG.length}`);
    assert.equal(gunzipSync(gz.body).toString(), BIG);
    assert.notEqual(gz.headers.etag, plain.headers.etag, 'each coding its own validator');
    assert.equal((await getRaw(url, { 'accept-encoding': 'gzip;q=0' })).headers['content-encoding'], undefined);
    const again = await getRaw(url, { 'accept-encoding': 'gzip', 'if-none-match': gz.headers.etag });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    assert.equal((await getRaw(url, { 'if-none-match': '"other"' })).status, 200);
    const small = await getRaw(srv.url + '/js/app.js', { 'accept-encoding': 'gzip' });
    assert.equal(small.headers['content-encoding'], undefined, 'too small to be worth it');
  });

  test('static files asked for at a version (?v=) are kept a year without asking again', async () => {
    const versioned = await getRaw(srv.url + '/js/big.js?v=1.9.4', { 'accept-encoding': 'gzip' });
    assert.equal(versioned.status, 200);
    assert.equal(versioned.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(gunzipSync(versioned.body).toString(), BIG);
    assert.equal((await getRaw(srv.url + '/js/big.js?w=1')).headers['cache-control'], 'no-cache');
    const missing = await getRaw(srv.url + '/js/missing.js?v=1');
    assert.equal(missing.status, 404);
    assert.doesNotMatch(missing.headers['cache-control'], /max-age/, 'a missing file may come later');
  });

  test('public reads: gzip, an ETag and 304; everything else stays no-store', async () => {
    const url = srv.url + '/api/openapi.json';
    const first = await getRaw(url, { 'accept-encoding': 'gzip' });
    assert.equal(first.status, 200);
    assert.equal(first.headers['content-encoding'], 'gzip');
    const doc = JSON.parse(gunzipSync(first.body).toString());
    assert.equal(doc.openapi.slice(0, 3), '3.1');
    assert.equal(first.headers['cache-control'], 'no-cache');
    assert.match(first.headers.etag, /^"h[0-9a-f]{16}-gz"$/);
    const again = await getRaw(url, { 'accept-encoding': 'gzip', 'if-none-match': first.headers.etag });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const plain = await getRaw(url);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.deepEqual(JSON.parse(plain.body.toString()), doc);
    const me = await getRaw(srv.url + '/api/me', { 'accept-encoding': 'gzip' });
    assert.equal(me.status, 401);
    assert.equal(me.headers.etag, undefined);
    assert.equal(me.headers['cache-control'], 'no-store');
  });

  test('CORS: other sites may read the public APIs, never with credentials; OPTIONS says the methods', async () => {
    const origin = 'https://data.example.id';
    const api = (path, init = {}) => fetch(srv.url + path, init);
    let r = await api('/api/openapi.json', { headers: { origin } });
    assert.equal(r.headers.get('access-control-allow-origin'), origin);
    assert.match(r.headers.get('vary'), /Origin/);
    assert.equal(r.headers.get('access-control-allow-credentials'), null);
    r = await api('/api/openapi.json', { headers: { origin: 'https://evil.example.com' } });
    assert.equal(r.headers.get('access-control-allow-origin'), null, 'an origin not listed');
    r = await api('/api/me', { headers: { origin } });
    assert.equal(r.headers.get('access-control-allow-origin'), null, 'not a public read');

    r = await api('/api/openapi.json', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('allow'), 'GET, HEAD, OPTIONS');
    assert.equal(r.headers.get('access-control-allow-origin'), origin);
    assert.equal(r.headers.get('access-control-allow-methods'), 'GET, HEAD, OPTIONS');
    r = await api('/api/auth/login', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('allow'), 'POST, OPTIONS');
    assert.equal(r.headers.get('access-control-allow-origin'), null, 'no cross-site writes');
    assert.equal((await api('/api/no/such/thing', { method: 'OPTIONS' })).status, 404);
    r = await api('/api/openapi.json', { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal((await r.arrayBuffer()).byteLength, 0);
  });

  test('path traversal out of the web folder is refused', async () => {
    const paths = [
      '/../secret.txt',
      '/css/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/css/..%2f..%2fsecret.txt',
      '/..\\secret.txt',
      '/../../../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '//etc/passwd',
    ];
    for (const p of paths) {
      const r = await rawRequest(srv.port, `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      assert.ok([400, 403, 404].includes(r.status), `${p} → ${r.status}`);
      assert.ok(!r.body.includes(SECRET), `${p} leaked the secret`);
      assert.ok(!/root:.*:0:0:/.test(r.body), `${p} leaked /etc/passwd`);
    }
    // Dot segments inside the tree that stay inside are fine or refused, never outside.
    const inside = await rawRequest(srv.port, 'GET /css/../index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    assert.ok(inside.status === 200 ? inside.body.includes('Pendopo uji') : [400, 403, 404].includes(inside.status));
  });

  test('an API path never falls through to the static files', async () => {
    const r = await fetch(srv.url + '/api/index.html');
    const text = await r.text();
    assert.equal(r.status, 404);
    assertError({ status: r.status, headers: r.headers, text, json: JSON.parse(text) }, 404, 'not_found');
  });
});

// The data folder is made whole at start-up, wherever it is; one that
// cannot be made stops the server with a clear word, rather than a 500 on
// the first photo.
describe('the data folder', () => {
  test('a nested folder that does not exist yet is made, and a photo is stored in it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pendopo-data-'));
    const srv = await startServer({ regions: false, env: { PENDOPO_DATA_DIR: join(root, 'a', 'b', 'data') } });
    try {
      const res = await fetch(`${srv.url}/api/complaints/photos`, { method: 'POST', body: png(), headers: { 'content-type': 'image/png' } });
      assert.equal(res.status, 201, await res.text());
    } finally {
      await srv.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('a folder that cannot be made stops the server, naming it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pendopo-data-'));
    writeFileSync(join(root, 'file'), 'not a folder');
    try {
      await assert.rejects(startServer({ regions: false, env: { PENDOPO_DATA_DIR: join(root, 'file', 'data') } }),
        /cannot create the data folder .*file\/data/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
