// The error contract: every refusal has the one envelope, the right status
// and code, names the field, and changes nothing.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startServer, Client } from '../lib/server.mjs';
import { PASSWORD, email, assertError, register, apikey, bearerClient, sizedRequest } from './util.mjs';

const MiB = 1024 * 1024;

describe('errors', () => {
  let srv, bot, citizen;
  const userCount = async () => {
    const r = await bot.get('/api/users?limit=1');
    assert.equal(r.status, 200, r.text);
    return r.json.total;
  };
  const profile = async () => {
    const r = await citizen.get('/api/me');
    assert.equal(r.status, 200, r.text);
    return r.json.user;
  };
  // Runs a refused write and proves the user table and the profile did not move.
  const unchanged = async (fn) => {
    const n = await userCount();
    const p = await profile();
    const out = await fn();
    assert.equal(await userCount(), n, 'no user was added');
    assert.deepEqual(await profile(), p, 'the profile is unchanged');
    return out;
  };
  const registerRaw = (body) => new Client(srv.url).req('POST', '/api/auth/register', body);

  before(async () => {
    srv = await startServer({ regions: false });
    bot = bearerClient(srv.url, apikey(srv, 'err-bot', 'admin'));
    citizen = await register(srv.url, { name: 'Rina Wati' });
  });
  after(async () => { await srv?.stop(); });

  test('malformed JSON → 400 invalid_json', async () => {
    await unchanged(async () => {
      assertError(await registerRaw('{"name": "A", "email": '), 400, 'invalid_json');
      assertError(await registerRaw('{name: "A"}'), 400, 'invalid_json');
      assertError(await registerRaw(''), 400, 'invalid_json');
      assertError(await citizen.patch('/api/me', '{"name": "Diubah",'), 400, 'invalid_json');
      assertError(await citizen.patch('/api/me', '{"name": "Diubah"} trailing'), 400, 'invalid_json');
    });
  });

  test('a body that is JSON but not an object → 400 invalid_json', async () => {
    await unchanged(async () => {
      const body = JSON.stringify([{ name: 'A', email: email(), password: PASSWORD }]);
      assertError(await registerRaw(body), 400, 'invalid_json');
      assertError(await citizen.patch('/api/me', '[{"name":"Diubah"}]'), 400, 'invalid_json');
      assertError(await citizen.patch('/api/me', '"Diubah"'), 400, 'invalid_json');
      assertError(await citizen.patch('/api/me', 'null'), 400, 'invalid_json');
      assertError(await citizen.patch('/api/me', '42'), 400, 'invalid_json');
    });
  });

  test('wrong type → 400 invalid naming the field', async () => {
    await unchanged(async () => {
      assertError(await citizen.patch('/api/me', { name: 5 }), 400, 'invalid', 'name');
      assertError(await citizen.patch('/api/me', { name: null }), 400, 'invalid', 'name');
      assertError(await citizen.patch('/api/me', { name: ['x'] }), 400, 'invalid', 'name');
      assertError(await registerRaw({ name: 'A', email: email(), password: 12345678 }), 400, 'invalid', 'password');
      assertError(await registerRaw({ name: { first: 'A' }, email: email(), password: PASSWORD }), 400, 'invalid', 'name');
    });
  });

  test('unknown member → 400 unknown_field naming it', async () => {
    await unchanged(async () => {
      assertError(await citizen.patch('/api/me', { name: 'Diubah', nickname: 'x' }), 400, 'unknown_field', 'nickname');
      // A citizen cannot hand itself roles through its profile or at sign-up.
      assertError(await citizen.patch('/api/me', { roles: [{ role: 'admin' }] }), 400, 'unknown_field', 'roles');
      assertError(await registerRaw({ name: 'A', email: email(), password: PASSWORD, role: 'admin' }), 400, 'unknown_field', 'role');
    });
  });

  test('missing or malformed required member → 400 invalid naming it', async () => {
    await unchanged(async () => {
      assertError(await registerRaw({ name: 'A', email: email() }), 400, 'invalid', 'password');
      assertError(await registerRaw({ email: email(), password: PASSWORD }), 400, 'invalid', 'name');
      assertError(await registerRaw({ name: 'A', email: email(), password: 'pendek' }), 400, 'invalid', 'password');
      // Neither e-mail nor phone.
      assertError(await registerRaw({ name: 'A', password: PASSWORD }), 400, 'invalid');
      assertError(await new Client(srv.url).post('/api/auth/login', { email: citizen.email }), 400, 'invalid', 'password');
    });
  });

  test('body over 1 MiB → 413 too_large; exactly 1 MiB is read and judged', async () => {
    await unchanged(async () => {
      const h = { cookie: citizen.cookie, 'x-csrf-token': citizen.csrf };
      const wrap = (n) => { const pre = '{"name":"'; const post = '"}'; return pre + 'a'.repeat(n - pre.length - post.length) + post; };
      const over = await sizedRequest(srv.url, 'PATCH', '/api/me', wrap(MiB + 1), h);
      assertError(over, 413, 'too_large');
      const huge = await sizedRequest(srv.url, 'POST', '/api/auth/register', wrap(3 * MiB));
      assertError(huge, 413, 'too_large');
      // At the limit the body is accepted for parsing; the name is then too long.
      const at = await sizedRequest(srv.url, 'PATCH', '/api/me', wrap(MiB), h);
      assertError(at, 400, 'invalid', 'name');
    });
  });

  test('chunked body over 1 MiB (no Content-Length) → 413 too_large', async () => {
    await unchanged(async () => {
      const res = await new Promise((resolve, reject) => {
        const u = new URL(srv.url);
        const req = request({ host: u.hostname, port: u.port, path: '/api/me', method: 'PATCH',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', cookie: citizen.cookie, 'x-csrf-token': citizen.csrf } }, (r) => {
          let text = '';
          r.setEncoding('utf8');
          r.on('data', (d) => { text += d; });
          r.on('end', () => {
            const h = new Headers();
            for (const [k, v] of Object.entries(r.headers)) h.set(k, String(v));
            let json = null;
            try { json = JSON.parse(text); } catch { /* not JSON */ }
            resolve({ status: r.statusCode, headers: h, text, json });
          });
        });
        req.on('error', reject);
        req.write('{"name":"');
        const chunk = 'b'.repeat(64 * 1024);
        let sent = 0;
        const pump = () => {
          while (sent < 2 * MiB) {
            sent += chunk.length;
            if (!req.write(chunk)) { req.once('drain', pump); return; }
          }
          req.end('"}');
        };
        pump();
      });
      assertError(res, 413, 'too_large');
    });
  });

  test('unknown route or object → 404 not_found with the envelope', async () => {
    assertError(await new Client(srv.url).get('/api/nope'), 404, 'not_found');
    assertError(await new Client(srv.url).get('/api/users-and-more'), 404, 'not_found');
    await unchanged(async () => {
      assertError(await new Client(srv.url).post('/api/nope', { a: 1 }), 404, 'not_found');
    });
    assertError(await bot.get('/api/users/999999'), 404, 'not_found');
    assertError(await bot.patch('/api/users/999999', { name: 'x' }), 404, 'not_found');
  });

  test('wrong method → 405 method_not_allowed with an Allow header', async () => {
    const d = await unchanged(() => citizen.del('/api/me'));
    assertError(d, 405, 'method_not_allowed');
    const allow = (d.headers.get('allow') || '').split(',').map((s) => s.trim()).filter(Boolean);
    assert.ok(allow.includes('GET') && allow.includes('PATCH'), `Allow for /api/me: ${d.headers.get('allow')}`);
    assert.ok(!allow.includes('DELETE'));

    const p = await new Client(srv.url).put('/healthz', {});
    assertError(p, 405, 'method_not_allowed');
    const allow2 = (p.headers.get('allow') || '').split(',').map((s) => s.trim());
    assert.ok(allow2.includes('GET'), `Allow for /healthz: ${p.headers.get('allow')}`);

    const g = await new Client(srv.url).get('/api/auth/login');
    assertError(g, 405, 'method_not_allowed');
    assert.ok((g.headers.get('allow') || '').includes('POST'));
  });

  test('messages follow Accept-Language: Indonesian for id, English otherwise', async () => {
    const anon = new Client(srv.url);
    const msg = (res) => res.json.error.message;
    const ID = { 'accept-language': 'id' };
    // No call-site Indonesian: the registry's text for the code.
    const en = await anon.get('/api/nope');
    assertError(en, 404, 'not_found');
    assert.equal(msg(en), 'no such endpoint: GET /api/nope');
    assert.equal(msg(await anon.get('/api/nope', ID)), 'Data tidak ditemukan.');
    assert.equal(msg(await anon.get('/api/nope', { 'accept-language': 'id-ID,id;q=0.9,en-US;q=0.8' })), 'Data tidak ditemukan.');
    assert.equal(msg(await anon.get('/api/nope', { 'accept-language': 'en-US,en;q=0.9,id;q=0.5' })), 'no such endpoint: GET /api/nope');
    assert.equal(msg(await anon.get('/api/nope', { 'accept-language': 'fr' })), 'no such endpoint: GET /api/nope');
    const unauth = await anon.get('/api/users', ID);
    assertError(unauth, 401, 'unauthenticated');
    assert.equal(msg(unauth), 'Silakan masuk terlebih dahulu.');
    // The registry's text names the field where the call site gave English only.
    const badEmail = await anon.post('/api/auth/register', { name: 'A', email: 'not-an-address', password: PASSWORD }, ID);
    assertError(badEmail, 400, 'invalid', 'email');
    assert.equal(msg(badEmail), 'Isian “email” tidak valid.');
    // The body validator words every refusal in both languages.
    const missing = await anon.post('/api/auth/register', { name: 'A', email: email() }, ID);
    assertError(missing, 400, 'invalid', 'password');
    assert.equal(msg(missing), 'Isian “password” wajib diisi.');
    const missingEn = await anon.post('/api/auth/register', { name: 'A', email: email() });
    assert.equal(msg(missingEn), 'password is required');
    const unknown = await anon.post('/api/auth/register', { name: 'A', email: email(), password: PASSWORD, umur: 3 }, ID);
    assertError(unknown, 400, 'unknown_field', 'umur');
    assert.equal(msg(unknown), 'Isian “umur” tidak dikenal.');
    // A refused login says the registry's words, nothing that tells an
    // account exists; call sites that give Indonesian keep their facts
    // (the complaint form's rules).
    const wrong = await anon.post('/api/auth/login', { email: citizen.email, password: 'salah-sekali' }, ID);
    assertError(wrong, 401, 'invalid_credentials');
    assert.equal(msg(wrong), 'Email/nomor HP atau kata sandi salah.');
    const wrongEn = await anon.post('/api/auth/login', { email: citizen.email, password: 'salah-sekali' });
    assert.equal(msg(wrongEn), 'wrong email, phone number or password');
    const pin = await anon.post('/api/complaints', { kind: 'complaint', category: 'X', description: 'Jalan rusak', lat: -7.4 }, ID);
    assertError(pin, 400, 'invalid', 'long');
    assert.equal(msg(pin), 'Titik peta memerlukan lintang dan bujur.');
    // A right password starts the count again, for the tests after this one.
    assert.equal((await new Client(srv.url).post('/api/auth/login', { email: citizen.email, password: PASSWORD })).status, 200);
  });

  test('every refused write above left the profile as registered', async () => {
    const p = await profile();
    assert.equal(p.name, 'Rina Wati');
    assert.equal(p.email, citizen.email);
  });
});
