// Administration: organisations, holidays and the working-day calendar,
// staff users, and the audit trail with its hash chain.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client } from '../lib/server.mjs';
import { PASSWORD, email, assertError, cliUser } from './util.mjs';

const codeOf = (x) => (x && typeof x === 'object' ? x.code : x);

describe('admin', () => {
  let srv, admin, anon;
  before(async () => {
    srv = await startServer();
    admin = await cliUser(srv, 'admin');
    anon = new Client(srv.url);
  });
  after(async () => { await srv?.stop(); });

  test('organisations: create, duplicate, missing parent, tree, cycle, delete', async () => {
    const root = await admin.post('/api/orgs', { code: 'ADM-ROOT', name: 'Dinas Uji', kind: 'agency' });
    assert.equal(root.status, 201, root.text);
    assert.equal(root.json.unit.code, 'ADM-ROOT');
    assert.equal(root.json.unit.name, 'Dinas Uji');
    assert.equal(root.json.unit.kind, 'agency');
    assert.equal(root.json.unit.parent, null);
    assert.equal(root.json.unit.demo, false);

    assertError(await admin.post('/api/orgs', { code: 'ADM-ROOT', name: 'Lagi', kind: 'agency' }), 409, 'conflict');
    assertError(await admin.post('/api/orgs', { code: 'ADM-X', name: 'Yatim', kind: 'office', parent: 'NO-SUCH' }), 400, 'invalid', 'parent');
    assertError(await admin.post('/api/orgs', { code: 'ADM-Y', name: 'Aneh', kind: 'spaceship' }), 400, 'invalid', 'kind');
    assertError(await admin.post('/api/orgs', { code: 'ADM-Z', name: 'Jauh', kind: 'office', region: '99.99' }), 400, 'invalid', 'region');
    for (const c of ['ADM-X', 'ADM-Y', 'ADM-Z']) assertError(await anon.get('/api/orgs/' + c), 404, 'not_found');

    const leaf = await admin.post('/api/orgs', { code: 'ADM-LEAF', name: 'Bidang Uji', kind: 'office', parent: 'ADM-ROOT', region: '33.03.01' });
    assert.equal(leaf.status, 201, leaf.text);
    assert.equal(codeOf(leaf.json.unit.parent), 'ADM-ROOT');
    const region = leaf.json.unit.region;
    assert.ok(region === '33.03.01' || region?.kode === '33.03.01', JSON.stringify(region));
    const g = await admin.post('/api/orgs', { code: 'ADM-G', name: 'Seksi Uji', kind: 'other', parent: 'ADM-LEAF' });
    assert.equal(g.status, 201, g.text);

    const one = await anon.get('/api/orgs/ADM-ROOT');
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(one.json.children.map((u) => u.code), ['ADM-LEAF']);

    const all = (await anon.get('/api/orgs')).json.items.map((u) => u.code);
    assert.ok(all.indexOf('ADM-ROOT') < all.indexOf('ADM-LEAF') && all.indexOf('ADM-LEAF') < all.indexOf('ADM-G'), `tree order: ${all}`);

    // A unit cannot become its own ancestor.
    assertError(await admin.patch('/api/orgs/ADM-ROOT', { parent: 'ADM-G' }), 400, 'invalid', 'parent');
    assertError(await admin.patch('/api/orgs/ADM-ROOT', { parent: 'ADM-ROOT' }), 400, 'invalid', 'parent');
    assert.equal((await anon.get('/api/orgs/ADM-ROOT')).json.unit.parent, null, 'the refused move changed nothing');

    const ren = await admin.patch('/api/orgs/ADM-LEAF', { name: 'Bidang Uji Baru' });
    assert.equal(ren.status, 200, ren.text);
    assert.equal(ren.json.unit.name, 'Bidang Uji Baru');
    assert.equal((await anon.get('/api/orgs/ADM-LEAF')).json.unit.name, 'Bidang Uji Baru');
    assertError(await admin.patch('/api/orgs/NO-SUCH', { name: 'x' }), 404, 'not_found');

    assertError(await admin.del('/api/orgs/ADM-ROOT'), 409, 'conflict');
    assertError(await admin.del('/api/orgs/ADM-LEAF'), 409, 'conflict');
    const d = await admin.del('/api/orgs/ADM-G');
    assert.equal(d.status, 200, d.text);
    assertError(await anon.get('/api/orgs/ADM-G'), 404, 'not_found');
    assertError(await admin.del('/api/orgs/ADM-G'), 404, 'not_found');
    assert.equal((await admin.del('/api/orgs/ADM-LEAF')).status, 200);
    assert.deepEqual((await anon.get('/api/orgs/ADM-ROOT')).json.children, []);
  });

  test('holidays CRUD and the working-day calendar', async () => {
    const due = async (qs) => {
      const r = await anon.get('/api/calendar/due?' + qs);
      assert.equal(r.status, 200, `${qs}: ${r.text}`);
      return r.json;
    };
    // Friday 27 Nov 2026 + 3 working days: Mon 30, Tue 1, Wed 2.
    assert.deepEqual(await due('from=2026-11-27&days=3'), { from: '2026-11-27', days: 3, due: '2026-12-02' });

    const h = await admin.post('/api/holidays', { date: '2026-12-01', name: 'Libur Uji', kind: 'national' });
    assert.equal(h.status, 201, h.text);
    assert.deepEqual(h.json.holiday, { date: '2026-12-01', name: 'Libur Uji', kind: 'national' });
    assertError(await admin.post('/api/holidays', { date: '2026-12-01', name: 'Dua kali', kind: 'national' }), 409, 'conflict');
    assertError(await admin.post('/api/holidays', { date: '2026-02-30', name: 'Tidak ada', kind: 'national' }), 400, 'invalid', 'date');
    assertError(await admin.post('/api/holidays', { date: '2026-12-09', name: 'Aneh', kind: 'weekend' }), 400, 'invalid', 'kind');
    assert.equal((await due('from=2026-11-27&days=3')).due, '2026-12-03', 'a new holiday moves the due date');

    const cb = await admin.post('/api/holidays', { date: '2026-11-30', name: 'Cuti Uji', kind: 'cuti_bersama' });
    assert.equal(cb.status, 201, cb.text);
    assert.equal((await due('from=2026-11-27&days=3&cuti_bersama=true')).due, '2026-12-04');
    assert.equal((await due('from=2026-11-27&days=3&cuti_bersama=false')).due, '2026-12-03');

    const list = await anon.get('/api/holidays?year=2026');
    assert.equal(list.status, 200, list.text);
    const mine = list.json.items.filter((x) => x.date === '2026-12-01' || x.date === '2026-11-30');
    assert.deepEqual(mine.map((x) => [x.date, x.name, x.kind]).sort(), [['2026-11-30', 'Cuti Uji', 'cuti_bersama'], ['2026-12-01', 'Libur Uji', 'national']]);
    assert.ok(list.json.items.every((x) => x.date.startsWith('2026-')));
    const dates = list.json.items.map((x) => x.date);
    assert.deepEqual(dates, [...dates].sort(), 'holidays in date order');

    const p = await admin.patch('/api/holidays/2026-12-01', { name: 'Libur Uji Diubah' });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.holiday.name, 'Libur Uji Diubah');
    assertError(await admin.patch('/api/holidays/2026-12-02', { name: 'x' }), 404, 'not_found');

    const del = await admin.del('/api/holidays/2026-12-01');
    assert.equal(del.status, 200, del.text);
    assert.deepEqual(del.json, { ok: true });
    assert.equal((await admin.del('/api/holidays/2026-11-30')).status, 200);
    assert.equal((await due('from=2026-11-27&days=3')).due, '2026-12-02', 'deleting the holiday restores the date');
    assert.ok(!(await anon.get('/api/holidays?year=2026')).json.items.some((x) => x.date === '2026-12-01'));

    assertError(await anon.get('/api/calendar/due?from=2026-13-01&days=3'), 400, 'invalid', 'from');
    assertError(await anon.get('/api/calendar/due?from=2026-11-27&days=abc'), 400, 'invalid', 'days');
  });

  let staffId, staffEmail;
  test('users: create staff, search, change roles, disable', async () => {
    assert.equal((await admin.post('/api/orgs', { code: 'ADM-STAFF', name: 'Unit Staf', kind: 'office' })).status, 201);
    staffEmail = email('staff');
    const r = await admin.post('/api/users', {
      name: 'Petugas Uji', email: staffEmail, password: PASSWORD, roles: [{ role: 'officer', unit: 'ADM-STAFF' }],
    });
    assert.equal(r.status, 201, r.text);
    staffId = r.json.user.id;
    assert.equal(r.json.user.email, staffEmail);
    assert.deepEqual(r.json.user.roles.map((x) => [x.role, x.unit?.code]), [['officer', 'ADM-STAFF']]);
    assert.equal(r.json.user.roles[0].unit.name, 'Unit Staf');
    assertError(await admin.post('/api/users', { name: 'Dua', email: staffEmail, password: PASSWORD, roles: [] }), 409, 'conflict');
    assertError(await admin.post('/api/users', { name: 'Tanpa unit', email: email('s'), password: PASSWORD, roles: [{ role: 'officer', unit: 'NO-SUCH' }] }), 400, 'invalid');
    assertError(await admin.post('/api/users', { name: 'Peran aneh', email: email('s'), password: PASSWORD, roles: [{ role: 'emperor' }] }), 400, 'invalid');

    // The new staff member can log in and sees the grant.
    const staff = new Client(srv.url);
    assert.equal((await staff.post('/api/auth/login', { email: staffEmail, password: PASSWORD })).status, 200);
    assert.equal((await staff.get('/api/me')).json.user.roles[0].role, 'officer');

    // The unit now has staff, so it cannot be deleted.
    assertError(await admin.del('/api/orgs/ADM-STAFF'), 409, 'conflict');

    const found = await admin.get('/api/users?q=' + encodeURIComponent(staffEmail));
    assert.equal(found.status, 200, found.text);
    assert.equal(found.json.total, 1);
    assert.deepEqual(found.json.items.map((u) => u.id), [staffId]);
    const byName = await admin.get('/api/users?q=petugas%20uji');
    assert.ok(byName.json.items.some((u) => u.id === staffId), 'q matches the name, any case');
    assert.equal((await admin.get('/api/users?q=tidak-ada-yang-begini')).json.total, 0);

    const pr = await admin.patch(`/api/users/${staffId}`, { roles: [{ role: 'unit_head', unit: 'ADM-STAFF' }, { role: 'walidata' }] });
    assert.equal(pr.status, 200, pr.text);
    assert.deepEqual(pr.json.user.roles.map((x) => x.role).sort(), ['unit_head', 'walidata']);
    const got = await admin.get(`/api/users/${staffId}`);
    assert.deepEqual(got.json.user.roles.map((x) => x.role).sort(), ['unit_head', 'walidata']);
    const heads = await admin.get('/api/users?role=unit_head');
    assert.ok(heads.json.items.some((u) => u.id === staffId));
    assert.ok(heads.json.items.every((u) => u.roles.some((x) => x.role === 'unit_head')));

    const page = await admin.get('/api/users?limit=1&offset=1');
    assert.equal(page.status, 200, page.text);
    assert.equal(page.json.items.length, 1);
    assert.ok(page.json.total >= 2, 'total counts all, not the page');
    const page0 = await admin.get('/api/users?limit=1&offset=0');
    assert.notEqual(page0.json.items[0].id, page.json.items[0].id, 'offset moves the page');

    const dis = await admin.patch(`/api/users/${staffId}`, { disabled: true });
    assert.equal(dis.status, 200, dis.text);
    // A disabled account's sessions end with it.
    assertError(await staff.get('/api/me'), 401, 'unauthenticated');
    const again = await new Client(srv.url).post('/api/auth/login', { email: staffEmail, password: PASSWORD });
    assert.ok(again.status === 401 || again.status === 403, `disabled user cannot log in: ${again.status} ${again.text}`);
    assert.equal(again.headers.get('set-cookie'), null);
  });

  test('GET /api/audit lists the changes newest first and pages with before', async () => {
    const r = await admin.get('/api/audit?limit=100');
    assert.equal(r.status, 200, r.text);
    const items = r.json.items;
    assert.ok(items.length >= 15, `expected the changes above, got ${items.length}`);
    for (const it of items) {
      for (const k of ['id', 'at', 'actor', 'action', 'object', 'details']) assert.ok(k in it, `${k} in ${JSON.stringify(it)}`);
      assert.match(it.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    const ids = items.map((it) => it.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'ids descending');
    assert.equal(new Set(ids).size, ids.length);
    const ats = items.map((it) => it.at);
    assert.deepEqual(ats, [...ats].sort().reverse(), 'times newest first');

    const where = (s) => items.findIndex((it) => JSON.stringify(it).includes(s));
    const iRoot = where('ADM-ROOT'), iHoliday = where('2026-12-01'), iStaff = where('ADM-STAFF');
    assert.ok(iRoot >= 0 && iHoliday >= 0 && iStaff >= 0, 'org, holiday and staff changes are audited');
    assert.ok(iStaff < iHoliday && iHoliday < iRoot, 'later changes first');
    // The newest entry is the user being disabled, by the admin.
    assert.ok(JSON.stringify(items[0]).includes(String(staffId)), JSON.stringify(items[0]));
    assert.ok(JSON.stringify(items[0].actor).includes(String(admin.user.id)) || JSON.stringify(items[0].actor).includes(admin.email), JSON.stringify(items[0].actor));
    // Passwords never reach the trail.
    assert.ok(!JSON.stringify(items).includes(PASSWORD));

    const page1 = (await admin.get('/api/audit?limit=3')).json.items;
    assert.deepEqual(page1.map((x) => x.id), ids.slice(0, 3));
    const page2 = (await admin.get(`/api/audit?limit=3&before=${page1[2].id}`)).json.items;
    assert.deepEqual(page2.map((x) => x.id), ids.slice(3, 6));
  });

  test('`audit verify` passes, then names the row tampered with', async () => {
    const out = srv.cli(['audit', 'verify']);
    assert.match(out, /\b(ok|intact|valid|verified)\b/i, out);
    if (process.env.PENDOPO_TEST_PG) return;
    execFileSync('sqlite3', [srv.db, "UPDATE audit SET action='x' WHERE id=2"]);
    let err;
    try { srv.cli(['audit', 'verify']); } catch (e) { err = e; }
    assert.ok(err, 'audit verify must fail after tampering');
    assert.notEqual(err.status, 0);
    const text = `${err.stdout}\n${err.stderr}`;
    assert.match(text, /\b2\b/, `names row 2: ${text}`);
    assert.doesNotMatch(text, /\b(ok|intact)\b/i);
  });
});
