// The officer inbox's filters that read the case engine's clock and people:
// overdue (a state that settles itself when its clock runs out is never
// overdue), assigned to me / to nobody, the unit restriction, most urgent
// first; and a reporter's own list. Filed on Friday 14 August 2026, read
// weeks later by a server restarted on the same database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer } from '../lib/server.mjs';
import { people, complaint, submit } from './complaints_fixtures.mjs';

const FRIDAY = '2026-08-14T02:00:00Z';
const LATER = '2026-09-30T02:00:00Z';   // every clock is past its due day, and no tick ran
let srv;
let first;
let p;
const filed = {};

before(async () => {
  first = await startServer({ demo: true, keep: true, env: { PENDOPO_CLOCK: FRIDAY } });
  p = await people(first);
  const { desk, pupr, puprHead, citizen } = p;
  const act = (c, no, action, body = {}) => c.post(`/api/complaints/${no}/actions/${action}`, body);
  for (const [name, category] of [['atDesk', 'JALAN'], ['atDesk2', 'SAMPAH'], ['answered', 'JALAN'], ['assigned', 'JALAN']]) {
    filed[name] = (await submit(citizen, complaint({ category, description: `Aduan ${name}: jalan rusak parah dekat balai desa.` }))).complaint.tracking;
  }
  for (const name of ['answered', 'assigned']) {
    const r = await act(desk, filed[name], 'disposition', { text: 'Mohon ditindaklanjuti.' });
    assert.equal(r.status, 200, r.text);
  }
  let r = await act(pupr, filed.answered, 'answer', { text: 'Sudah kami tambal.' });
  assert.equal(r.json.complaint.state, 'answered', r.text);
  r = await puprHead.post(`/api/complaints/${filed.assigned}/assign`, { user_id: pupr.user.id });
  assert.equal(r.status, 200, r.text);
  await first.stop();
  srv = await startServer({ db: first.db, env: { PENDOPO_CLOCK: LATER } });
  for (const client of Object.values(p)) client.base = srv.url;   // sessions live in the database
});

after(async () => {
  if (srv) await srv.stop();
  if (first) {
    await first.stop();              // already stopped unless set-up failed half-way
    rmSync(first.dir, { recursive: true, force: true });
  }
});

const trackings = (r) => r.json.items.map((i) => i.tracking);

test('overdue: past the due day, never a state that settles itself', async () => {
  const r = await p.desk.get('/api/complaints/inbox?overdue=true&page_size=100');
  assert.equal(r.status, 200, r.text);
  const got = trackings(r);
  for (const name of ['atDesk', 'atDesk2', 'assigned']) assert.ok(got.includes(filed[name]), `${name} is overdue`);
  assert.ok(!got.includes(filed.answered), 'an answer waiting for the reporter is not overdue');
  assert.ok(r.json.items.every((i) => i.overdue === true && i.due < '2026-09-30'));

  const all = await p.desk.get('/api/complaints/inbox?page_size=100');
  const answered = all.json.items.find((i) => i.tracking === filed.answered);
  assert.ok(answered.due < '2026-09-30', 'its clock ran out too');
  assert.equal(answered.overdue, false);
  assert.equal(answered.state, 'answered');
  const dues = all.json.items.map((i) => i.due).filter(Boolean);
  assert.deepEqual(dues, [...dues].sort(), 'most urgent first');
  assert.equal(all.json.all_units, true, 'the desk sees every unit');
});

test("a unit's inbox: its own cases only, by assignment", async () => {
  const { pupr } = p;
  let r = await pupr.get('/api/complaints/inbox?page_size=100');
  assert.equal(r.json.all_units, false);
  assert.ok(r.json.items.every((i) => i.unit.code === 'PUPR'), 'nothing of another unit');
  assert.ok(!trackings(r).includes(filed.atDesk));

  r = await pupr.get('/api/complaints/inbox?overdue=true&page_size=100');
  assert.deepEqual(trackings(r).filter((t) => Object.values(filed).includes(t)), [filed.assigned]);

  r = await pupr.get('/api/complaints/inbox?assigned=me&page_size=100');
  assert.ok(trackings(r).includes(filed.assigned));
  assert.ok(!trackings(r).includes(filed.answered));
  assert.equal(r.json.items.find((i) => i.tracking === filed.assigned).assignee_id, pupr.user.id);

  r = await pupr.get('/api/complaints/inbox?assigned=none&page_size=100');
  assert.ok(trackings(r).includes(filed.answered));
  assert.ok(!trackings(r).includes(filed.assigned));
  assert.ok(r.json.items.every((i) => i.assignee_id === null));
});

test("the reporter's own list: newest first, with due days and their case's state", async () => {
  const r = await p.citizen.get('/api/complaints/mine?page_size=100');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(trackings(r), [filed.assigned, filed.answered, filed.atDesk2, filed.atDesk]);
  const byNo = Object.fromEntries(r.json.items.map((i) => [i.tracking, i]));
  assert.equal(byNo[filed.answered].state, 'answered');
  assert.equal(byNo[filed.atDesk].due, '2026-08-20');
  assert.equal(byNo[filed.atDesk].kind, 'complaint');
  assert.equal(byNo[filed.atDesk2].category.code, 'SAMPAH');
  assert.equal(byNo[filed.assigned].unit.code, 'PUPR');
  assert.equal(byNo[filed.assigned].assignee_id, undefined, 'staff matter');
});
