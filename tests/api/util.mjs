// Shared helpers for the API tests (not a test file itself: node --test only
// runs *.test.mjs here).
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { request } from 'node:http';
import { Client } from '../lib/server.mjs';

export const PASSWORD = 'Rahasia-123';

let serial = 0;
// A fresh e-mail address, unique within this process.
export function email(tag = 'u') {
  return `${tag}${process.pid}_${Date.now().toString(36)}_${serial++}@x.id`;
}

// Every error answer is exactly {"error":{"code","message","field"}} with a
// string code and message and a string-or-null field.
export function assertErrorEnvelope(res) {
  assert.ok(res.json, `error body is JSON: ${res.text}`);
  assert.deepEqual(Object.keys(res.json), ['error'], `top-level keys of ${res.text}`);
  const e = res.json.error;
  assert.equal(typeof e, 'object');
  assert.notEqual(e, null);
  assert.deepEqual(Object.keys(e).sort(), ['code', 'field', 'message'], `error keys of ${res.text}`);
  assert.equal(typeof e.code, 'string');
  assert.ok(e.code.length > 0);
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0, 'message is not empty');
  assert.ok(e.field === null || typeof e.field === 'string', `field is string or null in ${res.text}`);
  const ct = res.headers.get('content-type') || '';
  assert.match(ct, /^application\/json/, 'error content-type');
}

// Status, envelope, code and (when given) field of an error answer.
export function assertError(res, status, code, field) {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.text}`);
  assertErrorEnvelope(res);
  assert.equal(res.json.error.code, code, `code in ${res.text}`);
  if (field !== undefined) assert.equal(res.json.error.field, field, `field in ${res.text}`);
}

export async function register(url, { name = 'Warga Uji', email: em = email(), password = PASSWORD } = {}) {
  const c = new Client(url);
  const r = await c.post('/api/auth/register', { name, email: em, password });
  assert.equal(r.status, 201, `register ${em}: ${r.text}`);
  assert.ok(c.cookie, 'register sets the session cookie');
  assert.equal(typeof r.json.csrf_token, 'string');
  c.email = em;
  c.password = password;
  c.user = r.json.user;
  return c;
}

export async function login(url, em, password = PASSWORD) {
  const c = new Client(url);
  const r = await c.post('/api/auth/login', { email: em, password });
  assert.equal(r.status, 200, `login ${em}: ${r.text}`);
  assert.ok(c.cookie, 'login sets the session cookie');
  c.email = em;
  c.password = password;
  c.user = r.json.user;
  return c;
}

// `pendopo apikey create NAME --role ROLE` prints the token on its last line.
export function apikey(srv, name, role, extra = []) {
  const out = srv.cli(['apikey', 'create', name, '--role', role, ...extra]);
  const lines = out.trim().split('\n');
  const token = lines[lines.length - 1].trim();
  assert.ok(token.length >= 16, `token from apikey create: ${JSON.stringify(out)}`);
  return token;
}

export function bearerClient(url, token) {
  const c = new Client(url);
  c.bearer = token;
  return c;
}

// `pendopo user add` with a role (and unit), then a logged-in client.
export async function cliUser(srv, role, extra = [], em = email(role)) {
  srv.cli(['user', 'add', '--email', em, '--password', PASSWORD, '--role', role, ...extra]);
  return login(srv.url, em);
}

// A request sent byte for byte, for paths that fetch() would normalise
// (dot segments).  Resolves {status, headers (lower-case), body}.
export function rawRequest(port, requestText, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('raw request timed out: ' + data)); }, timeoutMs);
    sock.setEncoding('latin1');
    sock.on('connect', () => sock.write(requestText));
    sock.on('data', (d) => { data += d; });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    sock.on('close', () => {
      clearTimeout(timer);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      if (!m) return reject(new Error('no HTTP status in ' + JSON.stringify(data.slice(0, 200))));
      const [head, ...rest] = data.split('\r\n\r\n');
      const headers = {};
      for (const line of head.split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: Number(m[1]), headers, body: rest.join('\r\n\r\n') });
    });
  });
}

// A request with a body of a given size through node:http, tolerating a
// server that answers and closes before it has read the whole body.
export function sizedRequest(url, method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(path, url);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode, headers: h, json, text });
      });
    });
    req.on('error', (e) => {
      // EPIPE/ECONNRESET after the answer started is fine; before it is not.
      reject(e);
    });
    req.end(body);
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// fn's first truthy answer, asked every 100 ms; throws after ms.
export async function until(what, fn, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await sleep(100);
  }
}
