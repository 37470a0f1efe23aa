// Submissions are limited per account and per address, each per route, an
// hour at a time: past them 429 rate_limited with Retry-After, and nothing
// stored.  Clients are told apart by X-Forwarded-For from a trusted proxy,
// so one server can play several addresses; the limits are lowered to 3 an
// account and 5 an address.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, startServer } from '../lib/server.mjs';
import { email, PASSWORD } from './util.mjs';
import { complaint } from './complaints_fixtures.mjs';

const from = (ip) => ({ 'x-forwarded-for': ip });

describe('abuse limits', () => {
  let srv;
  before(async () => {
    srv = await startServer({ demo: true, env: {
      PENDOPO_TRUSTED_PROXIES: '127.0.0.1', PENDOPO_SUBMIT_PER_HOUR: '3', PENDOPO_SUBMIT_PER_HOUR_ADDRESS: '5',
    } });
  });
  after(async () => { await srv?.stop(); });

  function limited(r, what) {
    assert.equal(r.status, 429, `${what}: ${r.text}`);
    assert.equal(r.json.error.code, 'rate_limited', what);
    const wait = Number(r.headers.get('retry-after'));
    assert.ok(wait > 0 && wait <= 3600, `${what}: Retry-After ${wait}`);
  }

  async function account(ip) {
    const c = new Client(srv.url);
    const r = await c.post('/api/auth/register', { name: 'Warga Rajin', email: email('abuse'), password: PASSWORD }, from(ip));
    assert.equal(r.status, 201, r.text);
    return c;
  }

  it('limits an account wherever it comes from, and leaves its other services open', async () => {
    const c = await account('10.1.0.1');
    for (let i = 0; i < 3; i++)
      assert.equal((await c.post('/api/complaints', complaint(), from('10.1.0.1'))).status, 201);
    limited(await c.post('/api/complaints', complaint(), from('10.1.0.1')), '4th complaint');
    limited(await c.post('/api/complaints', complaint(), from('10.1.0.2')), 'the same account elsewhere');
    const mine = await c.get('/api/complaints/mine', from('10.1.0.1'));
    assert.equal(mine.json.items.length, 3, 'nothing stored past the limit');
    const ppid = await c.post('/api/inforeq', {
      agency: 'DINKES', name: 'Warga Rajin', nik: '3303014101900001', address: 'Jl. Melati 7', phone: '081234567890',
      email: 'warga.rajin@example.id', information: 'Data imunisasi 2025', purpose: 'Penelitian', obtain: 'copy', delivery: 'email',
    }, from('10.1.0.1'));
    assert.equal(ppid.status, 201, `another service still takes it: ${ppid.text}`);
  });

  it('limits an address, anonymous or not, and not its neighbours', async () => {
    const anon = new Client(srv.url);
    for (let i = 0; i < 5; i++)
      assert.equal((await anon.post('/api/complaints', complaint(), from('10.2.0.1'))).status, 201);
    limited(await anon.post('/api/complaints', complaint(), from('10.2.0.1')), '6th from one address');
    assert.equal((await anon.post('/api/complaints', complaint(), from('10.2.0.2'))).status, 201, 'another address');
  });

  it('limits registrations per address', async () => {
    for (let i = 0; i < 5; i++) await account('10.3.0.1');
    const r = await new Client(srv.url).post('/api/auth/register', { name: 'Bot', email: email('bot'), password: PASSWORD }, from('10.3.0.1'));
    limited(r, '6th registration');
    const login = await new Client(srv.url).post('/api/auth/login', { email: 'x@y.id', password: PASSWORD }, from('10.3.0.1'));
    assert.equal(login.status, 401, 'logins keep their own limit');
  });

  it('does not count a form refused as malformed', async () => {
    const anon = new Client(srv.url);
    for (let i = 0; i < 8; i++)
      assert.equal((await anon.post('/api/complaints', { kind: 'complaint', shoe: 1 }, from('10.4.0.1'))).status, 400);
    assert.equal((await anon.post('/api/complaints', complaint(), from('10.4.0.1'))).status, 201);
  });
});
