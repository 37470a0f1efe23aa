// Who may do what: anonymous, citizen, officer, regent_office and admin on
// the foundation's guarded routes.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { PASSWORD, email, assertError, register, login, cliUser } from './util.mjs';

// A write per guarded area, with a body each would accept from an admin.
const writes = (tag) => [
  ['POST', '/api/orgs', { code: `R-${tag.toUpperCase()}`, name: `Unit ${tag}`, kind: 'other' }],
  ['POST', '/api/holidays', { date: `2032-0${1 + (tag.length % 8)}-1${tag.length % 10}`, name: `Libur ${tag}`, kind: 'national' }],
  ['POST', '/api/users', { name: `Staf ${tag}`, email: email('w' + tag), password: PASSWORD, roles: [{ role: 'citizen' }] }],
];
const reads = ['/api/users', '/api/audit'];

describe('roles', () => {
  let srv, admin, citizen;
  const countOrgs = async () => (await new Client(srv.url).get('/api/orgs')).json.items.length;
  const countUsers = async () => (await admin.get('/api/users?limit=1')).json.total;

  before(async () => {
    srv = await startServer();
    srv.cli(['demo', 'load']);
    admin = await cliUser(srv, 'admin');
    citizen = await register(srv.url, { name: 'Warga Biasa' });
  });
  after(async () => { await srv?.stop(); });

  test('anonymous → 401 unauthenticated on guarded reads and writes', async () => {
    const anon = new Client(srv.url);
    const orgs = await countOrgs();
    for (const p of reads) assertError(await anon.get(p), 401, 'unauthenticated');
    for (const [m, p, b] of writes('anon')) assertError(await anon.req(m, p, b), 401, 'unauthenticated');
    assert.equal(await countOrgs(), orgs);
  });

  test('citizen → 403 forbidden on GET /api/users, POST /api/orgs, POST /api/holidays, GET /api/audit', async () => {
    const orgs = await countOrgs();
    const users = await countUsers();
    for (const p of reads) assertError(await citizen.get(p), 403, 'forbidden');
    for (const [m, p, b] of writes('cit')) assertError(await citizen.req(m, p, b), 403, 'forbidden');
    assertError(await citizen.get('/api/users/1'), 403, 'forbidden');
    assertError(await citizen.get('/api/apikeys'), 403, 'forbidden');
    assertError(await citizen.post('/api/apikeys', { name: 'mine', role: 'admin' }), 403, 'forbidden');
    assert.equal(await countOrgs(), orgs);
    assert.equal(await countUsers(), users);
    const hol = await new Client(srv.url).get('/api/holidays?year=2032');
    assert.ok(!hol.json.items.some((h) => /cit/.test(h.name)));
  });

  test('admin → 200 on reads and 201 on creates', async () => {
    for (const p of reads) {
      const r = await admin.get(p);
      assert.equal(r.status, 200, `${p}: ${r.text}`);
      assert.ok(Array.isArray(r.json.items));
    }
    for (const [m, p, b] of writes('adm')) {
      const r = await admin.req(m, p, b);
      assert.equal(r.status, 201, `${m} ${p}: ${r.text}`);
    }
    const org = await new Client(srv.url).get('/api/orgs/R-ADM');
    assert.equal(org.status, 200, org.text);
    assert.equal(org.json.unit.name, 'Unit adm');
  });

  test('an officer added by the CLI sees its role and unit in /api/me', async () => {
    const em = 'o@x.id';
    srv.cli(['user', 'add', '--email', em, '--password', PASSWORD, '--role', 'officer', '--unit', 'DINKES']);
    const o = await login(srv.url, em);
    const me = await o.get('/api/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.user.email, em);
    const grant = me.json.user.roles.find((x) => x.role === 'officer');
    assert.ok(grant, `officer role in ${JSON.stringify(me.json.user.roles)}`);
    assert.equal(grant.unit?.code, 'DINKES');
    assert.equal(typeof grant.unit.name, 'string');
    assert.ok(grant.unit.name.length > 0);
    assert.equal(grant.village, null);
    // Still not an administrator.
    assertError(await o.get('/api/users'), 403, 'forbidden');
    assertError(await o.post('/api/orgs', { code: 'R-OFF', name: 'x', kind: 'other' }), 403, 'forbidden');
    // An unknown unit is refused by the CLI.
    assert.throws(() => srv.cli(['user', 'add', '--email', email('o2'), '--password', PASSWORD, '--role', 'officer', '--unit', 'NO-SUCH-UNIT']));
  });

  test('regent_office reads users and audit but may not write', async () => {
    const ro = await cliUser(srv, 'regent_office');
    const me = await ro.get('/api/me');
    assert.ok(me.json.user.roles.some((x) => x.role === 'regent_office'));
    for (const p of reads) {
      const r = await ro.get(p);
      assert.equal(r.status, 200, `${p}: ${r.text}`);
      assert.ok(Array.isArray(r.json.items));
    }
    const orgs = await countOrgs();
    const users = await countUsers();
    for (const [m, p, b] of writes('ro')) assertError(await ro.req(m, p, b), 403, 'forbidden');
    assertError(await ro.patch(`/api/users/${citizen.user.id}`, { name: 'Diubah' }), 403, 'forbidden');
    assertError(await ro.patch('/api/orgs/DINKES', { name: 'Diubah' }), 403, 'forbidden');
    assertError(await ro.del('/api/orgs/R-ADM'), 403, 'forbidden');
    assertError(await ro.post('/api/apikeys', { name: 'ro', role: 'admin' }), 403, 'forbidden');
    assert.equal(await countOrgs(), orgs);
    assert.equal(await countUsers(), users);
    assert.equal((await admin.get(`/api/users/${citizen.user.id}`)).json.user.name, 'Warga Biasa');
    assert.notEqual((await new Client(srv.url).get('/api/orgs/DINKES')).json.unit.name, 'Diubah');
  });
});

// The header's tools come from the server: each role gets the pages whose
// API it may use, ordered so that people land on their daily work.
describe('tools offered to each role', () => {
  let srv;
  before(async () => {
    srv = await startServer();
    srv.cli(['demo', 'load']);
  });
  after(async () => { await srv?.stop(); });
  const tools = async (client) => {
    const r = await client.get('/api/me');
    assert.equal(r.status, 200, r.text);
    return r.json.tools.map((t) => t.path);
  };

  test('a citizen has none; an officer of a puskesmas lands on the counter; one of an agency has no counter', async () => {
    assert.deepEqual(await tools(await register(srv.url)), []);
    const pkm = await cliUser(srv, 'officer', ['--unit', 'PKM-KEMANGKON']);
    assert.deepEqual(await tools(pkm), ['/antrean/loket.html', '/antrean/kiosk.html', '/officer/complaints.html',
      '/izin-penelitian/petugas.html', '/ppid/petugas.html', '/data/kelola.html']);
    const pupr = await cliUser(srv, 'officer', ['--unit', 'PUPR']);
    assert.deepEqual(await tools(pupr), ['/officer/complaints.html', '/izin-penelitian/petugas.html', '/ppid/petugas.html',
      '/data/kelola.html']);
    // A village operator: the village console and the researchers coming,
    // not the offices' permit inbox (which would refuse them).
    const op = await cliUser(srv, 'village_operator', ['--village', '33.03.01.2001']);
    assert.deepEqual(await tools(op), ['/izin-penelitian/peneliti.html', '/desa/operator.html']);
    const head = await cliUser(srv, 'unit_head', ['--unit', 'PKM-KEMANGKON']);
    assert.ok((await tools(head)).includes('/antrean/atur.html'), 'a puskesmas head sets its queue up');
  });

  test("the regent's office lands on the dashboard; an admin gets the settings too", async () => {
    const regent = await cliUser(srv, 'regent_office');
    const r = await tools(regent);
    assert.equal(r[0], '/pimpinan/');
    assert.ok(!r.includes('/admin/users.html') && !r.includes('/antrean/loket.html') && !r.includes('/izin-penelitian/pengaturan.html'));
    const admin = await tools(await cliUser(srv, 'admin'));
    assert.equal(admin[0], '/pimpinan/');
    for (const p of ['/admin/users.html', '/admin/orgs.html', '/officer/complaints-admin.html', '/antrean/atur.html',
      '/izin-penelitian/pengaturan.html'])
      assert.ok(admin.includes(p), p);
    const labels = (await (await cliUser(srv, 'admin')).get('/api/me')).json.tools.find((t) => t.path === '/admin/users.html').label;
    assert.deepEqual(labels, { id: 'Pengguna', en: 'Users' });
  });
});
