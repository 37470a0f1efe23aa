// Matur Bupati, live and over time: officer consoles and the reporter's
// page hear of each change as it commits (Server-Sent Events, nothing
// personal in them, each unit only its own); response templates are edited
// in place; and the Perpres 76/2013 limit - settled within 60 days of
// filing - shows on a case and in the statistics, by the service clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer, Client } from '../lib/server.mjs';
import { openEvents } from '../lib/sse.mjs';
import { assertError, login } from './util.mjs';
import { people, complaint, submit, DEMO_PASSWORD } from './complaints_fixtures.mjs';

const FRIDAY = '2026-08-14T02:00:00Z';          // 09:00 WIB, Friday 14 August 2026
let srv;
let first;        // the first server's folder (its SQLite file outlives it)
let p;

before(async () => {
  srv = await startServer({ demo: true, keep: true, env: { PENDOPO_CLOCK: FRIDAY } });
  first = srv.dir;
  p = await people(srv);
});

after(async () => {
  if (srv) await srv.stop();
  rmSync(first, { recursive: true, force: true });
});

const act = (c, no, action, body = {}) => c.post(`/api/complaints/${no}/actions/${action}`, body);
const sub = (c, topics) => openEvents(srv.url, topics, { cookie: c.cookie });

test('live inbox: each unit hears of its complaints as they change, and only its own', async () => {
  const { desk, pupr, dinhub, citizen } = p;
  assert.equal((await sub(pupr, 'unit/DINKOMINFO/complaints')).status, 403, 'another unit cannot listen in');
  assert.equal((await sub(citizen, 'unit/PUPR/complaints')).status, 403, 'nor can a citizen');
  assert.equal((await openEvents(srv.url, 'unit/PUPR/complaints')).status, 401);

  const deskEv = await sub(desk, 'unit/DINKOMINFO/complaints');
  const puprEv = await sub(pupr, 'unit/PUPR/complaints');
  const dinhubEv = await sub(dinhub, 'unit/DINHUB/complaints');
  const mine = await sub(citizen, `user/${citizen.user.id}`);
  for (const s of [deskEv, puprEv, dinhubEv, mine]) assert.equal(s.status, 200);
  try {
    // Submission: the desk's console and the reporter's page.
    const no = (await submit(citizen, complaint({ name: 'Siti Pelapor Rahasia', phone: '081234567890' }))).complaint.tracking;
    let ev = await deskEv.next();
    assert.equal(ev.event, 'unit/DINKOMINFO/complaints');
    assert.deepEqual(ev.json, { ref: no, state: 'submitted', action: 'submitted' }, 'nothing personal in the event');
    assert.deepEqual((await mine.next()).json, { ref: no, state: 'submitted', action: 'submitted' });

    // A refused change publishes nothing; the disposition reaches PUPR and the desk.
    assertError(await act(pupr, no, 'disposition'), 403, 'forbidden');
    assert.equal((await act(desk, no, 'disposition', { text: 'Mohon ditindaklanjuti.' })).status, 200);
    ev = await puprEv.next();
    assert.equal(ev.event, 'unit/PUPR/complaints');
    assert.deepEqual(ev.json, { ref: no, state: 'in_progress', action: 'dispositioned' });
    assert.deepEqual((await deskEv.next()).json, { ref: no, state: 'in_progress', action: 'dispositioned' });
    assert.deepEqual((await mine.next()).json.action, 'dispositioned');

    // An internal note stays with the staff; forwarding tells both units.
    const note = await pupr.post(`/api/complaints/${no}/messages`, { text: 'Cek anggaran', visibility: 'internal' });
    assert.equal(note.status, 200, note.text);
    assert.deepEqual((await puprEv.next()).json, { ref: no, state: 'in_progress', action: 'note' });
    assert.equal((await act(pupr, no, 'forward', { unit: 'DINHUB', text: 'Kewenangan Dinhub.' })).status, 200);
    assert.deepEqual((await dinhubEv.next()).json, { ref: no, state: 'in_progress', action: 'forwarded' });
    assert.deepEqual((await puprEv.next()).json, { ref: no, state: 'in_progress', action: 'forwarded' }, 'the unit it left');

    // The answer and the reporter's reply.
    assert.equal((await act(dinhub, no, 'answer', { text: 'Sudah ditambal.' })).status, 200);
    assert.deepEqual((await dinhubEv.next()).json, { ref: no, state: 'answered', action: 'answered' });
    assert.deepEqual((await mine.next()).json, { ref: no, state: 'in_progress', action: 'forwarded' },
      'the note never reached the reporter');
    assert.deepEqual((await mine.next()).json, { ref: no, state: 'answered', action: 'answered' });
    assert.equal((await citizen.post(`/api/complaints/${no}/messages`, { text: 'Belum semua.' })).status, 200);
    assert.deepEqual((await dinhubEv.next()).json, { ref: no, state: 'in_progress', action: 'reopened' });
    const reply = await dinhub.post(`/api/complaints/${no}/messages`, { text: 'Kami cek lagi.', visibility: 'public' });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual((await dinhubEv.next()).json, { ref: no, state: 'in_progress', action: 'replied' });
    assert.equal((await mine.next()).json.action, 'reopened');
    assert.equal((await mine.next()).json.action, 'replied');
  } finally {
    for (const s of [deskEv, puprEv, dinhubEv, mine]) s.close();
  }
});

test('response templates are edited by their unit (or admins), audited', async () => {
  const { pupr, dinhub, admin } = p;
  const made = await pupr.post('/api/complaints/templates', { title: 'Dalam survei', body: 'Lokasi akan kami survei.', unit: 'PUPR' });
  assert.equal(made.status, 201, made.text);
  const id = made.json.template.id;
  let r = await pupr.patch(`/api/complaints/templates/${id}`, { body: 'Lokasi akan kami survei minggu ini.' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.template, { id, title: 'Dalam survei', body: 'Lokasi akan kami survei minggu ini.',
    unit: { code: 'PUPR', name: r.json.template.unit.name } });
  assertError(await dinhub.patch(`/api/complaints/templates/${id}`, { title: 'x' }), 403, 'forbidden');
  assertError(await pupr.patch(`/api/complaints/templates/${id}`, { title: ' ' }), 400, 'invalid', 'title');
  assertError(await pupr.patch(`/api/complaints/templates/${id}`, { title: 'a\u0001b' }), 400, 'invalid', 'title');
  assertError(await pupr.patch(`/api/complaints/templates/${id}`, {}), 400, 'invalid');
  assertError(await pupr.patch(`/api/complaints/templates/${id}`, { unit: 'DINHUB' }), 400, 'unknown_field', 'unit');
  assertError(await pupr.patch('/api/complaints/templates/999999', { title: 'x' }), 404, 'not_found');
  r = await admin.patch(`/api/complaints/templates/${id}`, { title: 'Survei lokasi' });
  assert.equal(r.status, 200, r.text);
  const list = (await pupr.get('/api/complaints/templates')).json.items;
  assert.deepEqual(list.filter((t) => t.id === id).map((t) => [t.title, t.body]),
    [['Survei lokasi', 'Lokasi akan kami survei minggu ini.']], 'the refused edits stored nothing');
  const audit = (await admin.get('/api/audit?limit=50')).json.items;
  assert.equal(audit.filter((a) => a.action === 'complaint.template_update' && a.object === `complaint_template:${id}`).length, 2);
});

test('settlement within 60 days (Perpres 76/2013): on the case for officers, in the statistics', async () => {
  const { desk, citizen } = p;
  const late = (await submit(citizen, complaint({ description: 'Jembatan kayu di dusun kami lapuk.' }))).complaint.tracking;
  const settled = (await submit(citizen, complaint({ description: 'Aduan yang salah alamat, bukan kewenangan daerah.' }))).complaint.tracking;
  assert.equal((await act(desk, settled, 'reject', { reason: 'out_of_authority', text: 'Kewenangan pusat.' })).status, 200);

  let r = await desk.get(`/api/complaints/${late}`);
  assert.equal(r.json.complaint.settle_due, '2026-10-13', '60 days after Friday 14 August');
  assert.equal(r.json.complaint.settle_overdue, false);
  r = await citizen.get(`/api/complaints/${late}`);
  assert.ok(!('settle_due' in r.json.complaint), 'for officers');
  r = await new Client(srv.url).get(`/api/complaints/${late}`);
  assert.ok(!('settle_overdue' in r.json.complaint));
  const before = (await desk.get('/api/complaints/stats?year=2026')).json;

  // The 61st day, by the service clock: the open one is late, the settled one was not.
  await srv.stop();
  const later = await startServer({ db: srv.db, env: { PENDOPO_CLOCK: '2026-10-14T02:00:00Z' } });
  srv = later;
  const admin = await login(srv.url, 'admin@demo.pendopo.id', DEMO_PASSWORD);
  r = await admin.get(`/api/complaints/${late}`);
  assert.equal(r.json.complaint.settle_due, '2026-10-13');
  assert.equal(r.json.complaint.settle_overdue, true);
  r = await admin.get(`/api/complaints/${settled}`);
  assert.equal(r.json.complaint.settle_overdue, false, 'settled on its first day');

  const stats = (await new Client(srv.url).get('/api/complaints/stats?year=2026')).json;
  assert.equal(stats.total, before.total, 'the same complaints');
  // Every complaint of this file was filed on 14 August: now all are judged.
  const closed = Object.fromEntries(stats.by_state.map((s) => [s.state, s.count]));
  const settledCount = (closed.closed || 0) + (closed.rejected || 0);
  assert.equal(stats.settle_judged, stats.total);
  assert.ok(Math.abs(stats.settled_in_time_share - settledCount / stats.total) < 1e-9);
  assert.ok(stats.settled_in_time_share > 0 && stats.settled_in_time_share < 1);
});
