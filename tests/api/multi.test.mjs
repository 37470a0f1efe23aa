// Two `pendopo serve` processes on one PostgreSQL database, as behind a load
// balancer: a session made on one is valid on the other, a change made
// through one is read through the other, a live event raised on one
// reaches a subscriber on the other, and a photo uploaded to one is served
// by the other (files live in the database, not on a shared disk).  Runs in the PostgreSQL pass of
// `make test` (PENDOPO_TEST_PG); SQLite has a single process by design.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { openEvents } from '../lib/sse.mjs';
import { png, upload, complaint, submit } from './complaints_fixtures.mjs';

const pg = !!process.env.PENDOPO_TEST_PG;

describe('several instances on one PostgreSQL', { skip: !pg && 'needs PENDOPO_TEST_PG (the PostgreSQL pass)' }, () => {
  let a, b;
  before(async () => {
    // The region register and demo data: complaints need villages and categories.
    a = await startServer({ demo: true });
    b = await startServer({ db: a.db });
    a.cli(['user', 'add', '--email', 'admin@multi.id', '--password', 'Rahasia-Admin-1', '--role', 'admin']);
  });
  after(async () => { await b?.stop(); await a?.stop(); });

  it('a session from A is valid on B, with the same CSRF token', async () => {
    const onA = new Client(a.url);
    assert.equal((await onA.post('/api/auth/login', { email: 'admin@multi.id', password: 'Rahasia-Admin-1' })).status, 200);
    const onB = new Client(b.url);
    onB.cookie = onA.cookie;
    onB.csrf = onA.csrf;
    const me = await onB.get('/api/me');
    assert.equal(me.status, 200);
    assert.equal(me.json.user.email, 'admin@multi.id');
    assert.equal((await onB.patch('/api/me', { name: 'Admin lewat B' })).status, 200);
    assert.equal((await onA.get('/api/me')).json.user.name, 'Admin lewat B');
  });

  it('a change through A is read through B, and its event reaches B', async () => {
    const onA = new Client(a.url);
    await onA.post('/api/auth/login', { email: 'admin@multi.id', password: 'Rahasia-Admin-1' });
    const sub = await openEvents(b.url, 'public/orgs');
    assert.equal(sub.status, 200);
    try {
      assert.equal((await onA.post('/api/orgs', { code: 'MULTI-A', name: 'Unit lewat A', kind: 'other' })).status, 201);
      const ev = await sub.next();
      assert.deepEqual(ev.json, { action: 'org.create', code: 'MULTI-A' });
      const read = await new Client(b.url).get('/api/orgs/MULTI-A');
      assert.equal(read.status, 200);
      assert.equal(read.json.unit.name, 'Unit lewat A');
    } finally { sub.close(); }
  });

  it('audit rows written through A and B are sealed into one chain that verifies', async () => {
    const onA = new Client(a.url);
    await onA.post('/api/auth/login', { email: 'admin@multi.id', password: 'Rahasia-Admin-1' });
    const onB = new Client(b.url);
    onB.cookie = onA.cookie;
    onB.csrf = onA.csrf;
    // Writes on both instances at once: neither waits for the other's chain.
    const writes = await Promise.all([0, 1, 2, 3, 4, 5].map((i) =>
      (i % 2 ? onB : onA).post('/api/orgs', { code: `MULTI-AUDIT-${i}`, name: `Unit ${i}`, kind: 'other' })));
    assert.deepEqual(writes.map((w) => w.status), [201, 201, 201, 201, 201, 201]);
    // Each instance's sealer runs every 250 ms; one of them chains the rows.
    const unsealed = async () => Number((await new Client(a.url).get('/metrics')).text
      .match(/^pendopo_audit_unsealed_rows (\d+)$/m)[1]);
    let left = await unsealed();
    for (let i = 0; i < 40 && left > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = await unsealed();
    }
    assert.equal(left, 0);
    assert.match((await new Client(b.url).get('/metrics')).text, /^pendopo_audit_unsealed_oldest_seconds 0\.000$/m);
    const out = a.cli(['audit', 'verify']);
    assert.match(out, /audit trail intact/);
    assert.doesNotMatch(out, /unsealed/);
    const trail = (await onB.get('/api/audit?limit=50')).json.items.filter((x) => x.object.startsWith('org:MULTI-AUDIT'));
    assert.equal(trail.length, 6);
  });

  it('a photo uploaded through A is served by B, each instance with its own data folder', async () => {
    const citizen = new Client(a.url);
    const up = await upload(citizen, png('Author\0multi'));
    assert.equal(up.status, 201, up.text);
    const made = await submit(new Client(b.url), complaint({ photos: [up.json.photo.id] }));
    const img = await fetch(b.url + made.complaint.photos[0].url);
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/png');
    const fromB = Buffer.from(await img.arrayBuffer());
    assert.equal(fromB.subarray(1, 4).toString(), 'PNG');
    const fromA = Buffer.from(await (await fetch(a.url + made.complaint.photos[0].url)).arrayBuffer());
    assert.ok(fromA.equals(fromB));
  });

  it('login limits are shared: failures on A lock the account from this address on B too', async () => {
    const who = { email: 'somebody@multi.id', password: 'salah-sandi-1' };
    for (let i = 0; i < 5; i++) assert.equal((await new Client(a.url).post('/api/auth/login', who)).status, 401);
    const locked = await new Client(b.url).post('/api/auth/login', who);
    assert.equal(locked.status, 429);
    assert.equal(locked.json.error.code, 'account_locked');
  });

  it('login rate limits are shared: attempts on A count on B', async () => {
    // Each attempt names another account, so that the per-account lock
    // (above) does not answer first.
    const who = (i) => ({ email: `nobody${i}@multi.id`, password: 'salah-sandi-1' });
    // The budget is counted in calendar minutes: do not start the 21
    // attempts (about 4 s) just before a minute turns.
    const into = (Date.now() / 1000) % 60;
    if (into > 45) await new Promise((r) => setTimeout(r, (60.3 - into) * 1000));
    let last;
    for (let i = 0; i < 11; i++) last = await new Client(a.url).post('/api/auth/login', who(i));
    for (let i = 11; i < 21 && last.status !== 429; i++) last = await new Client(b.url).post('/api/auth/login', who(i));
    assert.equal(last.status, 429);
    assert.equal(last.json.error.code, 'rate_limited');
  });
});
