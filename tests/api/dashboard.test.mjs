// The Regent's dashboard: its figures equal the services' own statistics
// on the same data - today's queue (Tuesday 1 December 2026, 07:00 WIB),
// then, three weeks later on the same database, this month's complaints,
// what is overdue at which agency, and Satu Data's open conflicts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer, Client } from '../lib/server.mjs';
import { assertError, cliUser } from './util.mjs';
import { people, complaint, submit } from './complaints_fixtures.mjs';

const TUESDAY = '2026-12-01T00:00:00Z';
const LATER = '2026-12-22T02:00:00Z';
const FC = 'PKM-DASBOR';
const nik = (n) => `330301010190${String(n).padStart(4, '0')}`;
let first, srv, p, regent;
const phase1 = {};

before(async () => {
  first = await startServer({ demo: true, keep: true, env: { PENDOPO_CLOCK: TUESDAY } });
  p = await people(first);
  const { admin, citizen, desk } = p;
  regent = await cliUser(first, 'regent_office');
  assert.equal((await admin.post('/api/orgs', { code: FC, name: 'Puskesmas Dasbor', kind: 'health_facility' })).status, 201);
  let r = await admin.put(`/api/queue/facilities/${FC}`, { type: 'fktp', booking_closes_days: 0, booking_closes_at: '10:00' });
  assert.equal(r.status, 201, r.text);
  r = await admin.post(`/api/queue/facilities/${FC}/services`, { code: 'UMU', name: 'Poli Umum', kind: 'poli', prefix: 'A', avg_service_min: 10 });
  assert.equal(r.status, 201, r.text);
  r = await admin.post(`/api/queue/facilities/${FC}/schedules`, { service: 'UMU', weekdays: [1, 2, 3, 4, 5, 6], start: '08:00', end: '12:00', quota_non_online: 50, quota_non_walkin: 10 });
  assert.equal(r.status, 201, r.text);
  const anon = new Client(first.url);
  const session = (await anon.get(`/api/queue/facilities/${FC}/services/UMU/days?from=2026-12-01&days=1`)).json.items[0].sessions[0].id;
  for (let i = 1; i <= 3; i++) {
    r = await anon.post('/api/queue/bookings', { facility: FC, service: 'UMU', date: '2026-12-01', session, nik: nik(i) });
    assert.equal(r.status, 201, r.text);
  }
  for (const category of ['JALAN', 'JALAN', 'SAMPAH']) await submit(citizen, complaint({ category }));
  const one = (await submit(citizen, complaint({ category: 'PJU' }))).complaint.tracking;
  r = await desk.post(`/api/complaints/${one}/actions/disposition`, { text: 'Mohon ditindaklanjuti.' });
  assert.equal(r.status, 200, r.text);
  phase1.dashboard = await regent.get('/api/dashboard');
  phase1.stats = await admin.get(`/api/queue/facilities/${FC}/stats?from=2026-12-01&to=2026-12-01`);
  await first.stop();
  srv = await startServer({ db: first.db, env: { PENDOPO_CLOCK: LATER } });
  for (const client of [...Object.values(p), regent]) client.base = srv.url;
});

after(async () => {
  if (srv) await srv.stop();
  if (first) {
    await first.stop();              // already stopped unless set-up failed half-way
    rmSync(first.dir, { recursive: true, force: true });
  }
});

test("today's queue: the facility's own statistics", () => {
  const d = phase1.dashboard;
  assert.equal(d.status, 200, d.text);
  const fac = d.json.queue.facilities.find((f) => f.code === FC);
  assert.equal(fac.name, 'Puskesmas Dasbor');
  const own = phase1.stats.json.items.filter((i) => i.date === '2026-12-01');
  const sum = (k) => own.reduce((a, i) => a + i[k], 0);
  assert.equal(fac.bookings, 3);
  assert.equal(fac.bookings, sum('bookings'));
  assert.equal(fac.walkins, sum('walkins'));
  assert.equal(fac.served, sum('served'));
  assert.equal(d.json.queue.day, '2026-12-01');
  assert.equal(d.json.queue.bookings, d.json.queue.facilities.reduce((a, f) => a + f.bookings, 0));
  assert.equal(d.json.complaints.this_month, 4, 'filed today');
  assert.equal(d.json.complaints.overdue, 0);
});

test("this month's complaints: the complaint statistics and the desk's inbox", async () => {
  const r = await regent.get('/api/dashboard');
  assert.equal(r.status, 200, r.text);
  const c = r.json.complaints;
  const stats = (await regent.get('/api/complaints/stats?year=2026')).json;
  assert.equal(c.month, '2026-12');
  assert.equal(c.this_month, stats.by_month.find((m) => m.month === '2026-12').count);
  const nov = stats.by_month.find((m) => m.month === '2026-11');
  assert.equal(c.last_month, nov ? nov.count : 0);
  assert.deepEqual(c.top_categories.map((k) => [k.code, k.count]),
    stats.by_category.slice(0, 5).map((k) => [k.code, k.count]), 'every complaint is from this month');

  const late = (await p.desk.get('/api/complaints/inbox?overdue=true&state=open&page_size=100')).json.items;
  assert.equal(c.overdue, late.length);
  assert.ok(c.overdue >= 4, 'three weeks on, every clock ran out');
  const byUnit = {};
  for (const i of late) byUnit[i.unit.code] = (byUnit[i.unit.code] || 0) + 1;
  assert.deepEqual(Object.fromEntries(c.overdue_by_unit.map((u) => [u.code, u.count])), byUnit);
  assert.equal(byUnit.PUPR, undefined);
  const open = (await p.desk.get('/api/complaints/inbox?state=open&page_size=100')).json.items;
  assert.equal(c.open, open.length);
  const districts = {};
  for (const i of open) if (i.district) districts[i.district.kode] = (districts[i.district.kode] || 0) + 1;
  assert.deepEqual(Object.fromEntries(c.open_by_district.map((d) => [d.kode, d.count])), districts);
  assert.ok(c.open_by_district.every((d) => d.name), 'districts named from the region register');
});

test("research permits: the service's own statistics for the year", async () => {
  const d = (await regent.get('/api/dashboard')).json.permits;
  const own = (await regent.get('/api/permits/stats')).json;
  assert.equal(d.from, own.from);
  assert.equal(d.to, own.to);
  assert.equal(d.submitted, own.by_state.reduce((a, s) => a + s.count, 0));
  assert.equal(d.decided, own.processing.decided);
  assert.equal(d.on_time_share, own.processing.on_time_share);
  assert.equal(d.median_hours, own.processing.median_hours);
  assert.equal(typeof d.open, 'number');
});

test("the satisfaction index: the survey's own ranking for this semester", async () => {
  const d = (await regent.get('/api/dashboard')).json.satisfaction;
  assert.equal(d.period, '2026-S2');
  const ranking = (await regent.get('/api/survey/ranking?period=2026-S2')).json;
  assert.deepEqual(d.units.map((u) => [u.code, u.ikm, u.grade, u.respondents, u.representative]),
    ranking.items.map((i) => [i.unit.code, i.ikm, i.grade, i.respondents, i.representative]));
});

test("Satu Data's open conflicts, and who may look", async () => {
  const r = await regent.get('/api/dashboard');
  const list = (await regent.get('/api/data/conflicts?status=open')).json.items;
  assert.equal(r.json.data.open_conflicts, list.length);
  assertError(await p.citizen.get('/api/dashboard'), 403, 'forbidden');
  assertError(await p.desk.get('/api/dashboard'), 403, 'forbidden');
  assertError(await new Client(srv.url).get('/api/dashboard'), 401, 'unauthenticated');
  assert.equal((await p.admin.get('/api/dashboard')).status, 200);
});
