// The scale-out deployment of docs/deploy.md, for real: a PostgreSQL
// primary and a streaming replica (pg_basebackup -R), two `pendopo serve`
// reading public lists from the replica, and Debian's nginx in front with
// the documented upstream block (tests/lib/nginx.mjs), all on loopback.
// Through nginx: a session works on either instance, a booking burst keeps
// its quota, a board on A hears a call made on B, a photo stored through A
// is served by B, and killing an instance under a stream of writes loses
// none that was acknowledged.  `make cluster`.
//
// The service clock starts on Tuesday 2026-12-01 07:00 WIB (00:00 UTC).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster } from '../lib/pgcluster.mjs';
import { startNginx } from '../lib/nginx.mjs';
import { Client, REGIONS_CSV, cli, startServer } from '../lib/server.mjs';
import { openEvents } from '../lib/sse.mjs';
import { complaint, png, upload } from '../api/complaints_fixtures.mjs';
import { cliUser } from '../api/util.mjs';

const CLOCK = '2026-12-01T00:00:00Z';
const TODAY = '2026-12-01';
const NEXT_TUESDAY = '2026-12-08';
const FC = 'PKM-KLASTER';
const nik = (n) => `330301010190${String(n).padStart(4, '0')}`;

// Requests per instance so far, from its own /metrics.
async function served(srv) {
  const text = await (await fetch(srv.url + '/metrics')).text();
  let n = 0;
  for (const m of text.matchAll(/^pendopo_http_requests_total\{[^}]*\} (\d+)$/gm)) n += Number(m[1]);
  return n;
}

describe('two instances and a replica behind nginx', { timeout: 240000 }, () => {
  let primary, replica, a, b, lb, admin, officer;
  const counters = {};

  before(async () => {
    primary = await startCluster();
    const db = primary.createDatabase('pendopo_cluster');
    cli(db, ['migrate']);
    cli(db, ['import', 'regions', REGIONS_CSV]);
    replica = await primary.startReplica();
    const env = {
      PENDOPO_CLOCK: CLOCK,
      PENDOPO_DB_READ: replica.url('pendopo_cluster'),
      PENDOPO_TRUSTED_PROXIES: '127.0.0.1',
      // the bursts below come from one address
      PENDOPO_SUBMIT_PER_HOUR: '100000', PENDOPO_SUBMIT_PER_HOUR_ADDRESS: '100000',
    };
    a = await startServer({ db, env });
    b = await startServer({ db, env });
    lb = await startNginx([a.url, b.url]);

    admin = await cliUser(a, 'admin');
    // The complaints desk and one category with its agency (what the demo data would give, faster).
    for (const code of ['DINKOMINFO', 'PUPR']) assert.equal((await admin.post('/api/orgs', { code, name: code, kind: 'agency' })).status, 201);
    assert.equal((await admin.post('/api/complaints/categories', { code: 'JALAN', name: 'Jalan rusak', unit: 'PUPR' })).status, 201);
    assert.equal((await admin.post('/api/orgs', { code: FC, name: 'Puskesmas Klaster', kind: 'health_facility' })).status, 201);
    const put = await admin.put(`/api/queue/facilities/${FC}`, {
      type: 'fktp', booking_closes_days: 0, booking_closes_at: '10:00', max_recalls: 2, priority_every: 2, priority_max_wait_min: 30,
    });
    assert.equal(put.status, 201, put.text);
    for (const s of [{ code: 'REG', name: 'Pendaftaran', kind: 'registration' },
      { code: 'UMU', name: 'Poli Umum', kind: 'poli', prefix: 'A', avg_service_min: 10 }]) {
      assert.equal((await admin.post(`/api/queue/facilities/${FC}/services`, s)).status, 201);
      const k = await admin.post(`/api/queue/facilities/${FC}/counters`, { name: `Loket ${s.code}`, service: s.code });
      counters[s.code] = `/api/queue/counters/${k.json.counter.id}`;
    }
    const sc = await admin.post(`/api/queue/facilities/${FC}/schedules`, { service: 'UMU', weekdays: [2], start: '08:00', end: '12:00',
      quota_jkn_online: 5, quota_jkn_walkin: 5, quota_non_online: 20, quota_non_walkin: 5 });
    assert.equal(sc.status, 201, sc.text);
    officer = await cliUser(a, 'officer', ['--unit', FC]);
    assert.equal((await officer.post(`${counters.REG}/open`, {})).status, 200);
  });
  after(async () => {
    await lb?.stop();
    await b?.stop();
    await a?.stop();
    replica?.destroy();
    primary?.destroy();
  });

  it('a session made on one instance works on the other and through nginx, which uses both', async () => {
    const onA = await cliUser(a, 'citizen');
    const onB = new Client(b.url);
    onB.cookie = onA.cookie;
    onB.csrf = onA.csrf;
    assert.equal((await onB.get('/api/me')).json.user.email, onA.email);
    assert.equal((await onB.patch('/api/me', { name: 'Warga lewat B' })).status, 200);
    const [na, nb] = [await served(a), await served(b)];
    const viaLb = new Client(lb.url);
    viaLb.cookie = onA.cookie;
    viaLb.csrf = onA.csrf;
    const names = await Promise.all(Array.from({ length: 20 }, () => viaLb.get('/api/me')));
    assert.ok(names.every((r) => r.status === 200 && r.json.user.name === 'Warga lewat B'));
    // least_conn over two instances: both answered some of them
    assert.ok((await served(a)) - na > 1 && (await served(b)) - nb > 1, 'nginx spread the requests');
  });

  it('a booking burst through nginx keeps the quota: 60 for 20 places', async () => {
    const anon = new Client(lb.url);
    const session = (await anon.get(`/api/queue/facilities/${FC}/services/UMU/days?from=${NEXT_TUESDAY}&days=1`)).json.items[0].sessions[0].id;
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      anon.post('/api/queue/bookings', { facility: FC, service: 'UMU', date: NEXT_TUESDAY, session, nik: nik(i + 1) })));
    const ok = answers.filter((r) => r.status === 201);
    assert.equal(ok.length, 20, answers.filter((r) => r.status !== 201 && r.status !== 409).map((r) => r.text).join('\n'));
    assert.deepEqual(ok.map((r) => r.json.booking.number).sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.ok(answers.filter((r) => r.status !== 201).every((r) => r.json.error.code === 'quota_full'));
  });

  it('a display board on A gets the call made on B', async () => {
    const session = (await new Client(a.url).get(`/api/queue/facilities/${FC}/services/UMU/days?from=${TODAY}&days=1`)).json.items[0].sessions[0].id;
    const booked = await new Client(lb.url).post('/api/queue/bookings', { facility: FC, service: 'UMU', date: TODAY, session, nik: nik(900) });
    assert.equal(booked.status, 201, booked.text);
    const board = await openEvents(a.url, `public/queue/${FC}/`);
    assert.equal(board.status, 200);
    try {
      const onB = new Client(b.url);
      onB.cookie = officer.cookie;
      onB.csrf = officer.csrf;
      assert.equal((await onB.post(`/api/queue/facilities/${FC}/checkin`, { code: booked.json.booking.code })).status, 200);
      const call = await onB.post(`${counters.REG}/call`, {});
      assert.equal(call.status, 200, call.text);
      let ev;
      do { ev = await board.next(5000); } while (ev.json.type !== 'call');
      assert.equal(ev.json.label, booked.json.booking.label);
    } finally { board.close(); }
    // The board's first state (from the replica once it has caught up) shows it too.
    const shown = async () => (await new Client(lb.url).get(`/api/queue/facilities/${FC}/board`)).json.counters
      .find((k) => k.service === 'REG').label;
    for (let i = 0; i < 100 && await shown() !== booked.json.booking.label; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await shown(), booked.json.booking.label);
    const fromReplica = async (srv) => Number(/^pendopo_db_replica_reads_total\{route="replica"\} (\d+)$/m
      .exec(await (await fetch(srv.url + '/metrics')).text())[1]);
    assert.ok((await fromReplica(a)) + (await fromReplica(b)) > 0, 'public reads went to the replica');
  });

  it('a photo uploaded through A is served by B and through nginx', async () => {
    const up = await upload(new Client(a.url), png('Author\0klaster'));
    assert.equal(up.status, 201, up.text);
    const made = await new Client(a.url).post('/api/complaints', complaint({ photos: [up.json.photo.id] }));
    assert.equal(made.status, 201, made.text);
    const path = made.json.complaint.photos[0].url;
    const fromA = Buffer.from(await (await fetch(a.url + path)).arrayBuffer());
    const fromB = await fetch(b.url + path);
    assert.equal(fromB.status, 200);
    assert.ok(Buffer.from(await fromB.arrayBuffer()).equals(fromA));
    assert.ok(Buffer.from(await (await fetch(lb.url + path)).arrayBuffer()).equals(fromA));
  });

  it('killing an instance under a stream of writes through nginx loses no acknowledged write', async (t) => {
    const acked = [];
    const refused = [];
    let stop = false;
    let killedAt = 0;
    const writer = async () => {
      const c = new Client(lb.url);
      while (!stop) {
        const r = await c.post('/api/complaints', complaint());
        if (r.status === 201) acked.push({ no: r.json.complaint.tracking, at: Date.now() });
        else refused.push(r.status);
      }
    };
    const writers = Array.from({ length: 4 }, writer);
    await new Promise((r) => setTimeout(r, 700));
    await a.kill();
    killedAt = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await Promise.all(writers);
    assert.ok(acked.some((w) => w.at < killedAt), 'writes acknowledged before the kill');
    assert.ok(acked.some((w) => w.at > killedAt + 200), 'writes acknowledged after it, by B');
    // Only what was cut off with A is refused (502), never a 2xx for a lost write.
    assert.ok(refused.every((s) => s === 502), `refused: ${refused}`);
    const check = new Client(b.url);
    const missing = [];
    for (const w of acked) if ((await check.get(`/api/complaints/${w.no}`)).status !== 200) missing.push(w.no);
    assert.deepEqual(missing, [], `${acked.length} acknowledged, ${refused.length} refused`);
    t.diagnostic(`${acked.length} writes acknowledged (${acked.filter((w) => w.at > killedAt).length} after the kill), ${refused.length} cut off`);
  });
});
