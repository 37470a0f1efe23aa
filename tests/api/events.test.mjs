// Live events: a committed change reaches a Server-Sent Events subscriber;
// a refused change does not; topics are authorised by their first part.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { openEvents } from '../lib/sse.mjs';
import { assertError, register } from './util.mjs';

describe('events', () => {
  let srv, admin;
  before(async () => {
    srv = await startServer({ regions: false });
    srv.cli(['user', 'add', '--email', 'admin@ev.id', '--password', 'Rahasia-Admin-1', '--role', 'admin']);
    admin = new Client(srv.url);
    assert.equal((await admin.post('/api/auth/login', { email: 'admin@ev.id', password: 'Rahasia-Admin-1' })).status, 200);
  });
  after(async () => { await srv.stop(); });

  it('a committed holiday reaches a public subscriber, a refused one does not', async () => {
    const sub = await openEvents(srv.url, 'public/calendar');
    assert.equal(sub.status, 200);
    assert.match(sub.headers.get('content-type'), /^text\/event-stream/);
    try {
      // refused: bad kind → rolled back → no event
      assertError(await admin.post('/api/holidays', { date: '2026-09-09', name: 'Uji', kind: 'libur' }), 400, 'invalid', 'kind');
      assert.equal((await admin.post('/api/holidays', { date: '2026-09-10', name: 'Uji acara', kind: 'cuti_bersama' })).status, 201);
      const ev = await sub.next();
      assert.equal(ev.event, 'public/calendar');
      assert.deepEqual(ev.json, { action: 'holiday.create', date: '2026-09-10' });
    } finally { sub.close(); }
  });

  it('topics are authorised: user/ID only for that user, admin/ only for admins', async () => {
    const anon = await openEvents(srv.url, 'admin/audit');
    assert.equal(anon.status, 401);
    const citizen = await register(srv.url);
    const cookie = { cookie: citizen.cookie };
    assert.equal((await openEvents(srv.url, 'admin/audit', cookie)).status, 403);
    assert.equal((await openEvents(srv.url, `user/${citizen.user.id + 1}`, cookie)).status, 403);
    const mine = await openEvents(srv.url, `user/${citizen.user.id}`, cookie);
    assert.equal(mine.status, 200);
    mine.close();
    assertError(await citizen.get('/api/events'), 400, 'invalid', 'topics');
    assertError(await citizen.get('/api/events?topics=nosuch/x'), 403, 'forbidden', 'topics');
  });
});
