// The client's real address behind a trusted reverse proxy
// (--trusted-proxies): per-address login limits, "me too" dedupe, the
// Secure cookie flag and the per-address connection limit, and that
// nobody else's X-Forwarded-* headers count.  The tests play the proxy:
// they connect from 127.0.0.1 and write the headers nginx would.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startServer, Client } from '../lib/server.mjs';
import { PASSWORD, email, assertError, rawRequest } from './util.mjs';
import { complaint, submit } from './complaints_fixtures.mjs';

const LIMIT = 3;                       // --auth-per-minute in these servers
const A = '198.51.100.1', B = '198.51.100.2';

// The login budget is counted in calendar minutes: do not start a series
// of attempts just before a minute turns.
async function sameMinute() {
  const into = (Date.now() / 1000) % 60;
  if (into > 50) await new Promise((r) => setTimeout(r, (60.3 - into) * 1000));
}

// A failed login (unknown account, so no lockout is involved) with these headers.
const attempt = (srv, headers) =>
  new Client(srv.url).post('/api/auth/login', { email: email('px'), password: 'salah-sekali' }, headers);

const xff = (v) => ({ 'x-forwarded-for': v });

// Opens n connections one after another, each asking for /healthz and
// kept open (keep-alive); resolves how many were answered.  Connections
// libmicrohttpd refuses are closed without an answer.
async function openConnections(port, n) {
  const socks = [];
  let answered = 0;
  try {
    for (let i = 0; i < n; i++) {
      const sock = connect(port, '127.0.0.1');
      socks.push(sock);
      const ok = await new Promise((resolve) => {
        let data = '';
        const timer = setTimeout(() => resolve(false), 3000);
        sock.setEncoding('latin1');
        sock.on('connect', () => sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
        sock.on('data', (d) => { data += d; if (data.includes('"ok"')) { clearTimeout(timer); resolve(true); } });
        sock.on('close', () => { clearTimeout(timer); resolve(false); });
        sock.on('error', () => { clearTimeout(timer); resolve(false); });
      });
      if (ok) answered++;
    }
  } finally {
    for (const s of socks) s.destroy();
  }
  return answered;
}

describe('behind a trusted proxy', () => {
  let srv;
  before(async () => {
    srv = await startServer({ demo: true, env: {
      PENDOPO_TRUSTED_PROXIES: '127.0.0.1', PENDOPO_AUTH_PER_MINUTE: String(LIMIT), PENDOPO_PER_IP_LIMIT: '2',
    } });
  });
  after(async () => { await srv?.stop(); });

  test('two clients have separate login limits; a forged left-most address changes nothing', async () => {
    await sameMinute();
    for (let i = 0; i < LIMIT; i++) assert.equal((await attempt(srv, xff(A))).status, 401);
    assertError(await attempt(srv, xff(A)), 429, 'rate_limited');
    // B, behind the same proxy, still has its own budget.
    assert.equal((await attempt(srv, xff(B))).status, 401, 'the other client is not limited');
    // A writes B's address first: the proxy appends the real one, which counts.
    assertError(await attempt(srv, xff(`${B}, ${A}`)), 429, 'rate_limited');
    // ... nor does a made-up or "unknown" address on the left free A.
    assertError(await attempt(srv, xff(`unknown, 203.0.113.99, ${A}`)), 429, 'rate_limited');
    // B forging A on the left still counts as B (its 2nd attempt).
    assert.equal((await attempt(srv, xff(`${A}, ${B}`))).status, 401);
    // RFC 7239 Forwarded, IPv4 and a quoted IPv6 with a port.
    assertError(await attempt(srv, { forwarded: `for=${A};proto=https` }), 429, 'rate_limited');
    assert.equal((await attempt(srv, { forwarded: 'for="[2001:db8::1]:4711"' })).status, 401);
    // X-Forwarded-For beside Forwarded: X-Forwarded-For is what nginx sets.
    assert.equal((await attempt(srv, { ...xff('198.51.100.3'), forwarded: `for=${A}` })).status, 401);
  });

  test('a header line the client sent before the proxy\'s is not the address', async () => {
    await sameMinute();
    for (let i = 0; i < LIMIT + 1; i++) await attempt(srv, xff('198.51.100.4'));
    const body = JSON.stringify({ email: email('px'), password: 'salah-sekali' });
    const send = (lines) => rawRequest(srv.port, 'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n' +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${lines}\r\n${body}`);
    // The client's own line first, then the one the proxy added.
    let r = await send('X-Forwarded-For: 198.51.100.4\r\nX-Forwarded-For: 198.51.100.5\r\n');
    assert.equal(r.status, 401, r.body);
    r = await send('X-Forwarded-For: 198.51.100.5\r\nX-Forwarded-For: 198.51.100.4\r\n');
    assert.equal(r.status, 429, r.body);
  });

  test('X-Forwarded-Proto: https from the proxy makes the session cookie Secure', async () => {
    const r = await new Client(srv.url).post('/api/auth/register',
      { name: 'Lewat TLS', email: email('tls'), password: PASSWORD }, { ...xff('192.0.2.10'), 'x-forwarded-proto': 'https' });
    assert.equal(r.status, 201, r.text);
    assert.match(r.headers.get('set-cookie') || '', /;\s*Secure/i);
    const plain = await new Client(srv.url).post('/api/auth/register',
      { name: 'Lewat HTTP', email: email('tls'), password: PASSWORD }, { ...xff('192.0.2.11'), 'x-forwarded-proto': 'http' });
    assert.equal(plain.status, 201, plain.text);
    assert.doesNotMatch(plain.headers.get('set-cookie') || '', /;\s*Secure/i);
  });

  test('visitors behind the proxy each count once as "me too" supporters', async () => {
    const citizen = new Client(srv.url);
    const reg = await citizen.post('/api/auth/register', { name: 'Pelapor', email: email('mt'), password: PASSWORD }, xff('192.0.2.20'));
    assert.equal(reg.status, 201, reg.text);
    const no = (await submit(citizen, complaint())).complaint.tracking;
    const support = (addr) => new Client(srv.url).post(`/api/complaints/${no}/support`, {}, xff(addr));
    let r = await support('192.0.2.21');
    assert.deepEqual([r.status, r.json?.supporters, r.json?.added], [200, 1, true], r.text);
    r = await support('192.0.2.21');
    assert.deepEqual([r.json.supporters, r.json.added], [1, false], 'once per address');
    r = await support('192.0.2.22');
    assert.deepEqual([r.json.supporters, r.json.added], [2, true], 'another visitor counts');
    r = await support('192.0.2.22, 192.0.2.21');
    assert.deepEqual([r.json.supporters, r.json.added], [2, false], 'forging another visitor on the left counts nothing');
  });

  test('the per-address connection limit does not cap the proxy', async () => {
    // --per-ip-limit 2 here; every connection comes from the proxy.
    assert.equal(await openConnections(srv.port, 4), 4);
  });
});

describe('from a peer that is not a trusted proxy', () => {
  let srv;
  before(async () => {
    srv = await startServer({ regions: false, env: {
      PENDOPO_TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8', PENDOPO_AUTH_PER_MINUTE: String(LIMIT),
    } });
  });
  after(async () => { await srv?.stop(); });

  test('forwarded headers are ignored: every attempt counts against the peer', async () => {
    await sameMinute();
    assert.equal((await attempt(srv, xff(A))).status, 401);
    assert.equal((await attempt(srv, xff(B))).status, 401);
    assert.equal((await attempt(srv, { forwarded: 'for=198.51.100.3' })).status, 401);
    assertError(await attempt(srv, xff('198.51.100.4')), 429, 'rate_limited');
    assertError(await attempt(srv, xff('10.0.0.1')), 429, 'rate_limited');
  });
});

describe('with no trusted proxies (the default)', () => {
  let srv;
  before(async () => { srv = await startServer({ regions: false, env: { PENDOPO_PER_IP_LIMIT: '2' } }); });
  after(async () => { await srv?.stop(); });

  test('X-Forwarded-Proto: https does not make the session cookie Secure', async () => {
    const r = await new Client(srv.url).post('/api/auth/register',
      { name: 'Bukan TLS', email: email('tls'), password: PASSWORD }, { 'x-forwarded-proto': 'https' });
    assert.equal(r.status, 201, r.text);
    assert.doesNotMatch(r.headers.get('set-cookie') || '', /;\s*Secure/i);
  });

  test('the per-address connection limit holds', async () => {
    assert.ok(await openConnections(srv.port, 4) <= 2, 'a third connection from one address is refused');
  });
});
