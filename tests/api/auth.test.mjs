// Authentication: register, login, sessions, CSRF, Bearer keys, lockout and
// the per-address rate limit.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { PASSWORD, email, assertError, register, login, apikey, bearerClient } from './util.mjs';

describe('auth', () => {
  let srv;
  before(async () => { srv = await startServer({ regions: false }); });
  after(async () => { await srv?.stop(); });

  let regEmail;
  test('register → login → me → logout → me is 401', async () => {
    const em = regEmail = email('reg');
    const a = new Client(srv.url);
    const r = await a.post('/api/auth/register', { name: 'Siti Aminah', email: em, password: PASSWORD });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.user.name, 'Siti Aminah');
    assert.equal(r.json.user.email, em);
    assert.equal(typeof r.json.user.id, 'number');
    assert.equal(typeof r.json.csrf_token, 'string');
    assert.ok(r.json.csrf_token.length >= 16);
    assert.ok(!('password' in r.json.user) && !('password_hash' in r.json.user), 'no password in the user object');
    assert.deepEqual(r.json.user.roles.map((x) => x.role), ['citizen']);
    const set = r.headers.get('set-cookie');
    assert.match(set, /pendopo_session=[^;]+/);
    assert.match(set, /HttpOnly/i);
    assert.match(set, /SameSite=Lax/i);
    assert.doesNotMatch(set, /;\s*Secure/i, 'no Secure flag on plain HTTP, or browsers would drop it');

    const b = new Client(srv.url);
    const l = await b.post('/api/auth/login', { email: em, password: PASSWORD });
    assert.equal(l.status, 200, l.text);
    assert.equal(l.json.user.id, r.json.user.id);
    assert.equal(typeof l.json.csrf_token, 'string');

    const me = await b.get('/api/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.user.email, em);
    assert.equal(me.json.user.name, 'Siti Aminah');
    assert.equal(me.json.csrf_token, l.json.csrf_token, 'GET /api/me returns the session CSRF token');

    const cookie = b.cookie;
    const out = await b.req('POST', '/api/auth/logout');
    assert.equal(out.status, 200, out.text);
    assert.deepEqual(out.json, { ok: true });
    assert.match(out.headers.get('set-cookie') || '', /pendopo_session=/, 'logout clears the cookie');

    const gone = await b.get('/api/me');
    assert.equal(b.cookie, null, 'client dropped the cleared cookie');
    assertError(gone, 401, 'unauthenticated');
    // The old cookie no longer works: the session ended on the server too.
    const replay = await new Client(srv.url).get('/api/me', { cookie });
    assertError(replay, 401, 'unauthenticated');

    // The first session (from register) is still alive.
    const still = await a.get('/api/me');
    assert.equal(still.status, 200, still.text);
  });

  test('common and trivial passwords are refused, saying why in the caller\'s language', async () => {
    const anon = new Client(srv.url);
    const id = { 'accept-language': 'id' };
    const cases = [
      ['12345678', /too simple or systematic/, /terlalu sederhana atau berpola/],
      ['password1', /dictionary word/, /kata kamus/],
      ['qwertyui', /dictionary word|systematic/, /kata kamus|berpola/],
      ['abcddcba', /reads the same backwards/, /terbaca sama dari belakang/],
    ];
    for (const [pw, en, ind] of cases) {
      const em = email('weak');
      const r = await anon.post('/api/auth/register', { name: 'Lemah', email: em, password: pw });
      assertError(r, 400, 'invalid', 'password');
      assert.equal(r.headers.get('set-cookie'), null, 'no session for an account not made');
      assert.match(r.json.error.message, en, pw);
      const ri = await anon.req('POST', '/api/auth/register', { name: 'Lemah', email: email('weak'), password: pw }, id);
      assert.match(ri.json.error.message, ind, pw);
    }
    // Changing one's password meets the same checks.
    const a = await register(srv.url);
    assertError(await a.post('/api/me/password', { current_password: PASSWORD, new_password: '11111111' }), 400, 'invalid', 'new_password');
  });

  test('logout takes an empty JSON object as its body too', async () => {
    // Client.post() sends {} when given no body, as many fetch wrappers do;
    // an object with no members has no unknown members to refuse.
    const c = await login(srv.url, regEmail);
    const out = await c.post('/api/auth/logout', {});
    assert.equal(out.status, 200, out.text);
    assertError(await c.get('/api/me'), 401, 'unauthenticated');
  });

  test('anonymous GET /api/me is 401 unauthenticated', async () => {
    assertError(await new Client(srv.url).get('/api/me'), 401, 'unauthenticated');
    assertError(await new Client(srv.url).get('/api/me', { cookie: 'pendopo_session=bogus' }), 401, 'unauthenticated');
  });

  test('duplicate e-mail → 409 conflict', async () => {
    const c = await register(srv.url);
    const r = await new Client(srv.url).post('/api/auth/register', { name: 'Lain', email: c.email, password: PASSWORD });
    assertError(r, 409, 'conflict');
  });

  test('wrong password → 401 invalid_credentials; unknown e-mail likewise', async () => {
    const c = await register(srv.url);
    const r = await new Client(srv.url).post('/api/auth/login', { email: c.email, password: 'salah-sekali' });
    assertError(r, 401, 'invalid_credentials');
    assert.equal(r.headers.get('set-cookie'), null, 'no session on a failed login');
    const u = await new Client(srv.url).post('/api/auth/login', { email: email('nobody'), password: PASSWORD });
    assertError(u, 401, 'invalid_credentials');
  });

  test('CSRF: cookie PATCH /api/me without X-CSRF-Token → 403 csrf, name unchanged; with it → 200', async () => {
    const c = await register(srv.url, { name: 'Budi Santoso' });
    const noHeader = await fetch(srv.url + '/api/me', {
      method: 'PATCH', headers: { 'content-type': 'application/json', cookie: c.cookie }, body: JSON.stringify({ name: 'Dibajak' }),
    });
    const res = { status: noHeader.status, headers: noHeader.headers, text: await noHeader.text() };
    res.json = JSON.parse(res.text);
    assertError(res, 403, 'csrf');
    assertError(await c.patch('/api/me', { name: 'Dibajak' }, { 'x-csrf-token': 'not-the-token' }), 403, 'csrf');
    // Another session's token does not do either.
    const other = await login(srv.url, c.email);
    assertError(await c.patch('/api/me', { name: 'Dibajak' }, { 'x-csrf-token': other.csrf }), 403, 'csrf');
    assert.equal((await c.get('/api/me')).json.user.name, 'Budi Santoso');
    // Every cookie write needs it: a password change and a logout too.
    const pw = await c.post('/api/me/password', { current_password: PASSWORD, new_password: 'Dibajak-12345' }, { 'x-csrf-token': '' });
    assertError(pw, 403, 'csrf');
    assert.equal((await other.get('/api/me')).status, 200, 'the refused password change ended no session');
    assertError(await other.post('/api/auth/logout', {}, { 'x-csrf-token': 'nope' }), 403, 'csrf');
    assert.equal((await other.get('/api/me')).status, 200, 'the refused logout ended nothing');

    const ok = await c.patch('/api/me', { name: 'Budi S.' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.user.name, 'Budi S.');
  });

  test('Bearer token from `apikey create` reaches admin routes without CSRF; invalid Bearer → 401', async () => {
    const token = apikey(srv, 'ci-bot', 'admin');
    const bot = bearerClient(srv.url, token);
    const users = await bot.get('/api/users');
    assert.equal(users.status, 200, users.text);
    assert.ok(Array.isArray(users.json.items));
    assert.equal(typeof users.json.total, 'number');
    assert.ok(users.json.total >= 1);
    // A write with no cookie and no CSRF header.
    const h = await bot.post('/api/holidays', { date: '2031-03-04', name: 'Uji Bearer', kind: 'national' });
    assert.equal(h.status, 201, h.text);
    assert.equal(h.json.holiday.date, '2031-03-04');

    const bad = bearerClient(srv.url, token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA'));
    assertError(await bad.get('/api/users'), 401, 'unauthenticated');
    assertError(await bearerClient(srv.url, 'nonsense').get('/api/users'), 401, 'unauthenticated');
    assertError(await bad.post('/api/holidays', { date: '2031-03-05', name: 'x', kind: 'national' }), 401, 'unauthenticated');
    const list = await bot.get('/api/holidays?year=2031');
    assert.deepEqual(list.json.items.map((x) => x.date), ['2031-03-04']);
  });

  test('API keys: created over the API, listed without the token, revoked by DELETE', async () => {
    const bot = bearerClient(srv.url, apikey(srv, 'key-admin', 'admin'));
    const made = await bot.post('/api/apikeys', { name: 'laporan', role: 'regent_office' });
    assert.equal(made.status, 201, made.text);
    const { apikey: key, token } = made.json;
    assert.equal(typeof token, 'string');
    assert.ok(token.length >= 16);
    assert.equal(key.name, 'laporan');
    assert.equal(key.role, 'regent_office');
    const reader = bearerClient(srv.url, token);
    assert.equal((await reader.get('/api/audit')).status, 200);
    assertError(await reader.post('/api/holidays', { date: '2031-04-01', name: 'x', kind: 'national' }), 403, 'forbidden');

    const list = await bot.get('/api/apikeys');
    assert.equal(list.status, 200, list.text);
    const row = list.json.items.find((k) => k.id === key.id);
    assert.ok(row, 'the new key is listed');
    assert.ok(!list.text.includes(token), 'the token is never shown again');

    const del = await bot.del(`/api/apikeys/${key.id}`);
    assert.equal(del.status, 200, del.text);
    assert.deepEqual(del.json, { ok: true });
    assertError(await reader.get('/api/audit'), 401, 'unauthenticated');
    assert.ok(!(await bot.get('/api/apikeys')).json.items.some((k) => k.id === key.id));
    // The listing's shape (checked last, so the revocation above is tested
    // whatever this finds).
    for (const k of ['id', 'name', 'role', 'unit', 'created_at', 'last_used_at']) assert.ok(k in row, `${k} in ${JSON.stringify(row)}`);
    const self = list.json.items.find((k) => k.name === 'key-admin');
    assert.match(self?.last_used_at ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, `a used key has last_used_at: ${JSON.stringify(self)}`);
  });

  test('PATCH /api/me persists', async () => {
    const c = await register(srv.url, { name: 'Dewi Lestari' });
    const r = await c.patch('/api/me', { name: 'Dewi L.', lang: 'en' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.user.name, 'Dewi L.');
    assert.equal(r.json.user.lang, 'en');
    // Seen from a new session, so it is stored, not echoed.
    const again = await login(srv.url, c.email);
    const me = await again.get('/api/me');
    assert.equal(me.json.user.name, 'Dewi L.');
    assert.equal(me.json.user.lang, 'en');
    assert.equal(me.json.user.email, c.email);
  });

  test('change password ends the other sessions, keeps this one, and swaps the password', async () => {
    const a = await register(srv.url);
    const b = await login(srv.url, a.email);
    assert.equal((await b.get('/api/me')).status, 200);

    const wrong = await a.post('/api/me/password', { current_password: 'bukan-ini', new_password: 'Baru-Rahasia-456' });
    assert.ok(wrong.status === 401 || wrong.status === 400 || wrong.status === 403, `wrong current password refused: ${wrong.status} ${wrong.text}`);
    assert.equal((await b.get('/api/me')).status, 200, 'a refused change ends nothing');

    const r = await a.post('/api/me/password', { current_password: PASSWORD, new_password: 'Baru-Rahasia-456' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { ok: true });
    assertError(await b.get('/api/me'), 401, 'unauthenticated');
    assert.equal((await a.get('/api/me')).status, 200, 'the session that changed it stays');

    assertError(await new Client(srv.url).post('/api/auth/login', { email: a.email, password: PASSWORD }), 401, 'invalid_credentials');
    await login(srv.url, a.email, 'Baru-Rahasia-456');
  });
});

// Lockout and the rate limit each get a server of their own, so that the
// attempts of one test do not count against another's per-address budget
// (20 login/register attempts a minute by default; the server above makes 18).
describe('auth lockout', () => {
  let srv;
  // Addresses come from X-Forwarded-For, as behind the regency's proxy.
  before(async () => { srv = await startServer({ regions: false, env: { PENDOPO_TRUSTED_PROXIES: '127.0.0.1' } }); });
  after(async () => { await srv?.stop(); });
  const from = (ip) => ({ 'x-forwarded-for': ip });
  const attempt = (ip, email, password) => new Client(srv.url).req('POST', '/api/auth/login', { email, password }, from(ip));

  test('5 failed logins lock that address out of that account, and nobody else', async () => {
    const c = await register(srv.url);
    for (let i = 0; i < 5; i++) {
      const r = await attempt('198.51.100.7', c.email, 'salah-' + i);
      assertError(r, 401, 'invalid_credentials');
      assert.equal(r.json.error.message, 'wrong email, phone number or password', 'no count that tells an account exists');
    }
    const r = await attempt('198.51.100.7', c.email, PASSWORD);
    assertError(r, 429, 'account_locked');
    const ra = r.headers.get('retry-after');
    assert.match(ra || '', /^\d+$/, `Retry-After is a number of seconds: ${ra}`);
    assert.ok(Number(ra) > 0);
    assert.equal(r.headers.get('set-cookie'), null, 'no session while locked');
    // The lock is on the address and the account, not on the session
    // already held nor on the owner elsewhere.
    assert.equal((await c.get('/api/me')).status, 200);
    const owner = await attempt('203.0.113.9', c.email, PASSWORD);
    assert.equal(owner.status, 200, owner.text);
    assert.ok(owner.headers.get('set-cookie'), 'the owner logs in from their own address');
  });

  test('an unknown account answers exactly as a known one, lock included', async () => {
    const known = await register(srv.url);
    const unknown = `tidak-ada-${Date.now()}@contoh.id`;
    for (let i = 0; i < 5; i++) {
      const [a, b] = [await attempt('192.0.2.20', known.email, 'salah-' + i), await attempt('192.0.2.21', unknown, 'salah-' + i)];
      assert.equal(a.status, 401);
      assert.deepEqual(b.json, a.json);
    }
    const [a, b] = [await attempt('192.0.2.20', known.email, 'x'), await attempt('192.0.2.21', unknown, 'x')];
    assertError(a, 429, 'account_locked');
    assertError(b, 429, 'account_locked');
  });
});

describe('auth rate limit', () => {
  let srv;
  before(async () => { srv = await startServer({ regions: false }); });
  after(async () => { await srv?.stop(); });

  test('more than 20 login/register attempts a minute from one address → 429 rate_limited', async () => {
    // The budget may be counted in calendar minutes: do not start the 21
    // attempts just before a minute turns.
    const into = (Date.now() / 1000) % 60;
    if (into > 40) await new Promise((r) => setTimeout(r, (60.3 - into) * 1000));
    const statuses = [];
    for (let i = 0; i < 20; i++) {
      // Distinct unknown accounts, so no account lockout is involved.
      const r = await new Client(srv.url).post('/api/auth/login', { email: email('rl'), password: 'salah-sekali' });
      statuses.push(r.status);
    }
    assert.deepEqual([...new Set(statuses)], [401], `first 20 attempts are ordinary failures: ${statuses}`);
    const r = await new Client(srv.url).post('/api/auth/login', { email: email('rl'), password: 'salah-sekali' });
    assertError(r, 429, 'rate_limited');
    assert.match(r.headers.get('retry-after') || '', /^\d+$/);
    assert.ok(Number(r.headers.get('retry-after')) > 0);
    // Register counts against the same budget, and is refused before doing anything.
    const em = email('rl-reg');
    const reg = await new Client(srv.url).post('/api/auth/register', { name: 'Banyak', email: em, password: PASSWORD });
    assertError(reg, 429, 'rate_limited');
    // Other routes are not limited.
    assert.equal((await fetch(srv.url + '/healthz')).status, 200);
    // The refused register created nothing.
    const bot = bearerClient(srv.url, apikey(srv, 'rl-bot', 'admin'));
    const users = await bot.get('/api/users?q=' + encodeURIComponent(em));
    assert.equal(users.status, 200, users.text);
    assert.equal(users.json.total, 0);
  });
});

// Another site's page cannot log a visitor in (into the attacker's
// account), register, or post anything: browsers say where a request comes
// from, and a JSON body must say it is JSON, which a page elsewhere can only
// send after a CORS preflight this server never grants for a write.
describe('requests from other sites', () => {
  let srv, user;
  before(async () => {
    srv = await startServer({ regions: false });
    user = await register(srv.url);
  });
  after(async () => { await srv?.stop(); });
  const send = (path, body, headers) => fetch(srv.url + path, { method: 'POST', body, headers });
  const json = (o) => JSON.stringify(o);
  const errorOf = async (res) => (await res.json()).error;

  test('a login posted as text/plain (a cross-site form can send that) → 415, no session', async () => {
    const res = await send('/api/auth/login', json({ email: user.email, password: PASSWORD }), { 'content-type': 'text/plain' });
    assert.equal(res.status, 415);
    assert.equal((await errorOf(res)).code, 'unsupported_media_type');
    assert.equal(res.headers.get('set-cookie'), null);
  });

  test('a login or registration from another origin → 403 cross_site, nothing set or stored', async () => {
    const creds = json({ email: user.email, password: PASSWORD });
    for (const headers of [{ origin: 'https://penipu.example' }, { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' }, { origin: 'null' }]) {
      const res = await send('/api/auth/login', creds, { 'content-type': 'application/json', ...headers });
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal((await errorOf(res)).code, 'cross_site');
      assert.equal(res.headers.get('set-cookie'), null);
    }
    const em = email('xs');
    const reg = await send('/api/auth/register', json({ name: 'Dari Situs Lain', email: em, password: PASSWORD }),
      { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' });
    assert.equal(reg.status, 403);
    assertError(await new Client(srv.url).post('/api/auth/login', { email: em, password: PASSWORD }), 401, 'invalid_credentials');
  });

  test('our own pages, and clients that are not browsers, still log in', async () => {
    const host = new URL(srv.url).host;
    for (const headers of [{ origin: `http://${host}` }, { 'sec-fetch-site': 'same-origin' }, {}]) {
      const res = await send('/api/auth/login', json({ email: user.email, password: PASSWORD }),
        { 'content-type': 'application/json; charset=utf-8', ...headers });
      assert.equal(res.status, 200, JSON.stringify(headers));
      assert.ok(res.headers.get('set-cookie'));
    }
  });
});
