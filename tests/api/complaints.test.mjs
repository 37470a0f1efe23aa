// Matur Bupati: the whole flow of a complaint with the service clock
// (filed on Friday 14 August 2026, the Monday after is Independence Day),
// forwarding between OPDs, auto-close and reopen, escalation, holidays that
// move deadlines, who may do what, what the public never sees, photos, and
// every bad input refused with nothing stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, startServer } from '../lib/server.mjs';
import { assertError, register } from './util.mjs';
import { people, tick, complaint, submit, png, jpegWithExif, JPEG_2X2, upload, numbersDrawn, VILLAGE, VILLAGE_B, DISTRICT } from './complaints_fixtures.mjs';

const FRIDAY = '2026-08-14T02:00:00Z';          // 09:00 WIB, Friday before Monday 17 August
let srv;
let p;

before(async () => {
  srv = await startServer({ demo: true, env: { PENDOPO_CLOCK: FRIDAY } });
  p = await people(srv);
});

after(async () => { if (srv) await srv.stop(); });

const get = (c, no, h) => c.get(`/api/complaints/${no}`, h);

// Notices to a contact address have no API (a mailer reads them): ask the database.
function notices(address) {
  const sql = `SELECT topic, object, link FROM notifications WHERE address = '${address}' ORDER BY id`;
  const out = srv.db.startsWith('postgres')
    ? execFileSync('psql', [srv.db, '-AtF|', '-c', sql], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-separator', '|', srv.db, sql], { encoding: 'utf8' });
  return out.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}
const act = (c, no, action, body = {}, h) => c.post(`/api/complaints/${no}/actions/${action}`, body, h);

test('lifecycle: deadlines in working days, forward, answer, reopen, auto-close, rating', async () => {
  const { desk, pupr, dinhub, citizen, other, admin } = p;
  const made = await submit(citizen, complaint());
  const no = made.complaint.tracking;
  assert.equal(made.complaint.state, 'submitted');
  assert.equal(made.complaint.unit.code, 'DINKOMINFO', 'the desk has it first');
  assert.equal(made.complaint.due, '2026-08-20', 'Fri 14 + 3 working days, Mon 17 Aug is a holiday');
  assert.equal(made.follow_up, null, 'an account holder needs no secret link');
  // The filing's answer names the village and its district as the register
  // does (read with the village's check, not looked up again).
  assert.deepEqual(made.complaint.location.village, { kode: VILLAGE, nama: 'Kedungbenda' });
  assert.deepEqual(made.complaint.location.district, { kode: DISTRICT, nama: 'Kemangkon' });

  let n = await desk.get('/api/notifications');
  assert.ok(n.json.items.some((i) => i.topic === 'complaint.submitted' && i.object === `complaint:${no}`), 'desk told');

  // An OPD that does not have it yet may read the public page, not act.
  let r = await get(pupr, no);
  assert.equal(r.status, 200);
  assert.equal(r.json.viewer, 'public');
  assertError(await act(pupr, no, 'answer', { text: 'Sudah kami perbaiki.' }), 403, 'forbidden');
  assertError(await act(citizen, no, 'disposition'), 403, 'forbidden');

  // The desk hands it to the OPD the category routes to (PUPR).
  r = await act(desk, no, 'disposition', { text: 'Mohon ditindaklanjuti.' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.complaint.state, 'in_progress');
  assert.equal(r.json.complaint.unit.code, 'PUPR');
  assert.equal(r.json.complaint.due, '2026-08-24', '5 working days after Fri 14 Aug');
  assert.deepEqual(r.json.clocks.map((c) => [c.state, c.due, c.outcome]),
    [['submitted', '2026-08-20', 'disposition'], ['in_progress', '2026-08-24', null]]);
  n = await citizen.get('/api/notifications');
  assert.ok(n.json.items.some((i) => i.topic === 'complaint.dispositioned'), 'reporter told');
  assertError(await act(desk, no, 'disposition'), 409, 'conflict');

  // Internal note: staff only.
  r = await pupr.post(`/api/complaints/${no}/messages`, { text: 'Catatan internal: cek anggaran pemeliharaan', visibility: 'internal' });
  assert.equal(r.status, 200, r.text);
  for (const c of [citizen, new Client(srv.url), dinhub]) {
    const v = await get(c, no);
    assert.equal(v.status, 200);
    assert.ok(!v.text.includes('anggaran pemeliharaan'), 'an internal note never leaves the staff');
  }

  // "No wrong door": PUPR forwards to DINHUB; the clock history shows it.
  assertError(await act(pupr, no, 'forward', { unit: 'DINHUB' }), 400, 'invalid', 'text');
  assertError(await act(pupr, no, 'forward', { unit: 'NOPE', text: 'x' }), 400, 'invalid', 'unit');
  r = await act(pupr, no, 'forward', { unit: 'DINHUB', text: 'Lampu jalan adalah kewenangan Dinas Perhubungan.' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.complaint.unit.code, 'DINHUB');
  assert.deepEqual(r.json.clocks.map((c) => [c.state, c.unit && c.unit.code, c.outcome]),
    [['submitted', 'DINKOMINFO', 'disposition'], ['in_progress', 'PUPR', 'forward'], ['in_progress', 'DINHUB', null]]);
  const pub = await get(new Client(srv.url), no);
  const fwd = pub.json.timeline.find((e) => e.kind === 'forward');
  assert.equal(fwd.data.to_unit.code, 'DINHUB', 'the public sees where it went');
  assert.equal(fwd.text, null, 'but not the internal reason');
  assertError(await act(pupr, no, 'answer', { text: 'x' }), 403, 'forbidden');

  // DINHUB answers; the reporter replies (reopens); DINHUB answers again.
  r = await act(dinhub, no, 'answer', { text: 'Lubang sudah ditambal pada 14 Agustus.' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.complaint.state, 'answered');
  assert.equal(r.json.complaint.due, '2026-09-01', '10 working days: 17 Aug and 25 Aug are holidays');
  assert.ok((await get(new Client(srv.url), no)).text.includes('Lubang sudah ditambal'), 'the answer is public');
  n = await citizen.get('/api/notifications?unread=true');
  assert.ok(n.json.items.some((i) => i.topic === 'complaint.answered'));
  assertError(await other.post(`/api/complaints/${no}/messages`, { text: 'Saya juga' }), 403, 'forbidden');
  r = await citizen.post(`/api/complaints/${no}/messages`, { text: 'Belum, lubang yang di sebelah utara belum ditambal.' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.complaint.state, 'in_progress');
  assert.equal(r.json.complaint.reopened, 1);
  r = await act(dinhub, no, 'answer', { text: 'Sisi utara sudah ditambal juga.' });
  assert.equal(r.json.complaint.state, 'answered');

  // The day the window closes it is still open; the day after, closed.
  tick(srv, '2026-09-01T10:00:00Z');
  assert.equal((await get(citizen, no)).json.complaint.state, 'answered');
  tick(srv, '2026-09-02T01:00:00Z');
  r = await get(citizen, no);
  assert.equal(r.json.complaint.state, 'closed');
  assert.ok(r.json.timeline.some((e) => e.kind === 'auto_close' && e.actor === 'system'));
  tick(srv, '2026-09-03T01:00:00Z');     // idempotent
  assert.equal((await get(citizen, no)).json.timeline.filter((e) => e.kind === 'auto_close').length, 1);
  assertError(await citizen.post(`/api/complaints/${no}/messages`, { text: 'lagi' }), 409, 'conflict');
  assertError(await act(citizen, no, 'reopen', { text: 'lagi' }), 409, 'conflict');

  // Rating: once, by the reporter.
  assertError(await other.post(`/api/complaints/${no}/rating`, { score: 5, satisfied: true }), 403, 'forbidden');
  assertError(await citizen.post(`/api/complaints/${no}/rating`, { score: 6, satisfied: true }), 400, 'invalid', 'score');
  r = await citizen.post(`/api/complaints/${no}/rating`, { score: 4, satisfied: true, comment: 'Cepat, terima kasih' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.complaint.rating.score, r.json.complaint.rating.satisfied], [4, true]);
  assertError(await citizen.post(`/api/complaints/${no}/rating`, { score: 5, satisfied: true }), 409, 'conflict');

  // Every change is in the audit trail.
  const audit = await admin.get('/api/audit?limit=200');
  const actions = audit.json.items.filter((i) => i.object === `case:${no}`).map((i) => i.action);
  for (const a of ['case.open', 'case.disposition', 'case.message', 'case.forward', 'case.answer', 'case.reopen',
    'case.auto_close', 'case.rated']) assert.ok(actions.includes(a), `audit has ${a}: ${actions}`);
});

test('reopen within the window, close on a satisfied rating, assignment, templates', async () => {
  const { desk, pupr, puprHead, citizen, dinhub } = p;
  const { complaint: c } = await submit(citizen, complaint({ description: 'Aspal mengelupas di jalan desa.' }));
  const no = c.tracking;
  await act(desk, no, 'disposition', { unit: 'PUPR' });

  // Assignment: to an officer of the unit only.
  const staff = await puprHead.get('/api/complaints/staff?unit=PUPR');
  const officer = staff.json.items.find((s) => s.name === 'Petugas PUPR');
  assertError(await puprHead.post(`/api/complaints/${no}/assign`, { user_id: dinhub.user.id }), 400, 'invalid', 'user_id');
  assertError(await dinhub.post(`/api/complaints/${no}/assign`, { user_id: officer.id }), 403, 'forbidden');
  let r = await puprHead.post(`/api/complaints/${no}/assign`, { user_id: officer.id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.complaint.assignee.name, 'Petugas PUPR');
  const n = await pupr.get('/api/notifications');
  assert.ok(n.json.items.some((i) => i.topic === 'complaint.assigned'));
  assert.ok(!(await get(citizen, no)).text.includes('Petugas PUPR'), "the officer's name stays with staff");

  // Templates: a unit's own, used for a public reply.
  r = await pupr.post('/api/complaints/templates', { title: 'Sudah diperbaiki', body: 'Terima kasih, sudah kami perbaiki.', unit: 'PUPR' });
  assert.equal(r.status, 201, r.text);
  assertError(await pupr.post('/api/complaints/templates', { title: 'x', body: 'y', unit: 'DINHUB' }), 403, 'forbidden');
  const list = await pupr.get('/api/complaints/templates');
  assert.ok(list.json.items.some((t) => t.title === 'Sudah diperbaiki'));
  assert.ok(!(await dinhub.get('/api/complaints/templates')).json.items.some((t) => t.title === 'Sudah diperbaiki'));

  r = await act(pupr, no, 'answer', { text: list.json.items[0].body });
  assert.equal(r.json.complaint.state, 'answered');
  r = await act(citizen, no, 'reopen', { text: 'Masih ada yang berlubang.' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.complaint.state, 'in_progress');
  await act(pupr, no, 'answer', { text: 'Sudah semua.' });
  r = await citizen.post(`/api/complaints/${no}/rating`, { score: 5, satisfied: true });
  assert.equal(r.json.complaint.state, 'closed', 'a satisfied reporter closes it');

  // The inbox: filters by state and assignment.
  const inbox = await pupr.get('/api/complaints/inbox?state=closed&assigned=me');
  assert.ok(inbox.json.items.some((i) => i.tracking === no));
  assertError(await citizen.get('/api/complaints/inbox'), 403, 'forbidden');
  assertError(await pupr.get('/api/complaints/inbox?unit=DINHUB'), 400, 'invalid', 'unit');
});

test('escalation of overdue work to the unit head, and holidays that move deadlines', async () => {
  const { desk, deskHead, citizen, admin } = p;
  const { complaint: c } = await submit(citizen, complaint({ category: 'SAMPAH', description: 'Sampah menumpuk di pinggir sungai.' }));
  assert.equal(c.due, '2026-08-20');

  // A holiday added later moves open deadlines (the tick notices).
  let r = await admin.post('/api/holidays', { date: '2026-08-19', name: 'Libur uji', kind: 'national' });
  assert.equal(r.status, 201, r.text);
  tick(srv, FRIDAY);
  assert.equal((await get(citizen, c.tracking)).json.complaint.due, '2026-08-21');
  r = await admin.del('/api/holidays/2026-08-19');
  assert.equal(r.status, 200);
  tick(srv, FRIDAY);
  assert.equal((await get(citizen, c.tracking)).json.complaint.due, '2026-08-20');

  // Past its due date the desk's head is told, once.
  tick(srv, '2026-08-21T02:00:00Z');
  tick(srv, '2026-08-22T02:00:00Z');
  const n = await deskHead.get('/api/notifications');
  const overdue = n.json.items.filter((i) => i.topic === 'complaint.overdue' && i.object === `complaint:${c.tracking}`);
  assert.equal(overdue.length, 1, 'escalated once');
  const v = await get(desk, c.tracking);
  assert.ok(v.json.timeline.some((e) => e.kind === 'escalated'));
  assert.ok(v.json.clocks[0].escalated);
  assert.ok(!(await get(citizen, c.tracking)).json.timeline.some((e) => e.kind === 'escalated'), 'staff matter');
  const inbox = await desk.get('/api/complaints/inbox?state=submitted');
  assert.ok(inbox.json.items.some((i) => i.tracking === c.tracking));
});

test('a visitor who leaves an address is told the filing, with its public link', async () => {
  const made = await submit(new Client(srv.url), complaint({ email: 'tamu.lapor@example.id' }));
  const no = made.complaint.tracking;
  assert.deepEqual(notices('tamu.lapor@example.id'),
    [['complaint.submitted', `complaint:${no}`, `/complaints/case.html?no=${no}`]]);
});

test('confidential and anonymous: never public, identity only for the verifier', async () => {
  const { desk, pupr, dinhub, citizen } = p;
  const visitor = new Client(srv.url);
  const SECRET = 'Kerahasiaanku';
  const conf = (await submit(citizen, complaint({ description: `Pungli ${SECRET} di kantor`, confidential: true }))).complaint;
  const sensitive = (await submit(citizen, complaint({ category: 'KEKERASAN', description: `Kekerasan ${SECRET} di rumah` }))).complaint;
  assert.equal(sensitive.confidential, true, 'sensitive categories are confidential by default');
  const anonMade = await submit(visitor, complaint({ description: 'Lampu jalan mati di tikungan tajam.', category: 'PJU',
    anonymous: true, name: 'Budi Tersembunyi', email: 'budi.tersembunyi@example.id', phone: '0812 3456 7890' }));
  const anon = anonMade.complaint;
  assert.ok(anonMade.follow_up.key.length >= 40, 'a visitor gets a secret follow-up key');
  assert.ok(anonMade.follow_up.url.includes(anon.tracking));

  const identities = ['Budi Tersembunyi', 'budi.tersembunyi', '3456', 'Siti Pelapor Rahasia', citizen.email];
  const publicBodies = [];
  const pubGet = async (path) => {
    const r = await visitor.get(path);
    assert.ok(r.status < 500, `${path}: ${r.text}`);
    publicBodies.push([path, r.text]);
    return r;
  };
  assert.equal((await pubGet(`/api/complaints/${conf.tracking}`)).status, 404);
  assert.equal((await pubGet(`/api/complaints/${sensitive.tracking}`)).status, 404);
  const anonPublic = await pubGet(`/api/complaints/${anon.tracking}`);
  assert.equal(anonPublic.status, 200);
  assert.equal(anonPublic.json.complaint.reporter, undefined, 'no reporter member at all');
  await pubGet('/api/complaints?page_size=100');
  await pubGet(`/api/complaints?q=${SECRET}`);
  await pubGet('/api/complaints?q=Pungli');
  await pubGet('/api/complaints/map?limit=2000');
  await pubGet('/api/complaints/stats?year=2026');
  await pubGet(`/api/complaints/nearby?category=JALAN&lat=-7.3901&long=109.3602`);
  await pubGet(`/api/complaints/nearby?category=PJU&lat=-7.3901&long=109.3602`);
  for (const fmt of ['json', 'xml']) {
    await pubGet(`/open311/v2/requests.${fmt}`);
    await pubGet(`/open311/v2/requests.${fmt}?service_request_id=${conf.tracking},${sensitive.tracking},${anon.tracking}`);
    assert.equal((await pubGet(`/open311/v2/requests/${conf.tracking}.${fmt}`)).status, 404);
    await pubGet(`/open311/v2/requests/${anon.tracking}.${fmt}`);
  }
  for (const [path, text] of publicBodies) {
    assert.ok(!text.includes(SECRET), `${path} shows confidential content`);
    assert.ok(!text.includes(conf.tracking) && !text.includes(sensitive.tracking), `${path} lists a confidential case`);
    for (const id of identities) assert.ok(!text.includes(id), `${path} shows identity ${id}`);
  }
  assert.ok(publicBodies.some(([, t]) => t.includes(anon.tracking)), 'the anonymous public case is listed');

  // The secret key: the reporter's view, with what they gave.
  let r = await visitor.get(`/api/complaints/${anon.tracking}`, { 'x-case-key': anonMade.follow_up.key });
  assert.equal(r.json.viewer, 'reporter');
  assert.equal(r.json.complaint.reporter.name, 'Budi Tersembunyi');
  r = await visitor.get(`/api/complaints/${anon.tracking}`, { 'x-case-key': 'x'.repeat(43) });
  assert.equal(r.json.viewer, 'public');

  // Staff: the verifier sees the anonymous reporter, the OPD does not.
  r = await get(desk, anon.tracking);
  assert.equal(r.json.complaint.reporter.name, 'Budi Tersembunyi');
  await act(desk, anon.tracking, 'disposition');
  r = await get(dinhub, anon.tracking);
  assert.equal(r.json.viewer, 'staff');
  assert.equal(r.json.complaint.reporter, null);
  assert.ok(!r.text.includes('Budi') && !r.text.includes('3456'));
  // An OPD without the confidential case: 403; its own staff read it.
  assertError(await get(pupr, conf.tracking), 403, 'forbidden');
  await act(desk, conf.tracking, 'disposition', { unit: 'PUPR' });
  r = await get(pupr, conf.tracking);
  assert.equal(r.status, 200);
  assert.ok(r.text.includes(SECRET));
  assertError(await get(dinhub, conf.tracking), 403, 'forbidden');

  // The verifier may make a case confidential, never the other way round.
  assertError(await desk.patch(`/api/complaints/${conf.tracking}`, { confidential: false }), 400, 'invalid', 'confidential');
  const open = (await submit(citizen, complaint({ description: 'Rambu hilang di jalan raya Bukateja.', village: VILLAGE_B }))).complaint;
  assert.ok((await visitor.get('/api/complaints?q=Bukateja')).text.includes(open.tracking));
  r = await desk.patch(`/api/complaints/${open.tracking}`, { confidential: true });
  assert.equal(r.status, 200, r.text);
  assert.equal((await visitor.get(`/api/complaints/${open.tracking}`)).status, 404);
  assert.ok(!(await visitor.get('/api/complaints?q=Bukateja')).text.includes(open.tracking), 'gone from the index');
});

test('duplicates nearby, "me too", reject as duplicate', async () => {
  const { desk, citizen, other } = p;
  const first = (await submit(citizen, complaint({ category: 'DRAINASE', description: 'Selokan mampet, air meluber ke jalan.',
    lat: -7.4001, long: 109.3702 }))).complaint;
  // ~100 m away: suggested; ~1 km away: not.
  let r = await other.get('/api/complaints/nearby?category=DRAINASE&lat=-7.4010&long=109.3702');
  assert.equal(r.status, 200, r.text);
  const hit = r.json.items.find((i) => i.tracking === first.tracking);
  assert.ok(hit && hit.distance_m > 50 && hit.distance_m < 150, JSON.stringify(r.json));
  r = await other.get('/api/complaints/nearby?category=DRAINASE&lat=-7.4091&long=109.3702');
  assert.ok(!r.json.items.some((i) => i.tracking === first.tracking));
  r = await other.get('/api/complaints/nearby?category=JALAN&lat=-7.4010&long=109.3702');
  assert.ok(!r.json.items.some((i) => i.tracking === first.tracking), 'same category only');
  assertError(await other.get('/api/complaints/nearby?category=DRAINASE&lat=abc&long=1'), 400, 'invalid', 'lat');

  r = await other.post(`/api/complaints/${first.tracking}/support`);
  assert.deepEqual([r.status, r.json.supporters, r.json.added], [200, 1, true]);
  r = await other.post(`/api/complaints/${first.tracking}/support`);
  assert.deepEqual([r.json.supporters, r.json.added], [1, false], 'once per person');
  assertError(await citizen.post(`/api/complaints/${first.tracking}/support`), 409, 'conflict');

  const second = (await submit(other, complaint({ category: 'DRAINASE', description: 'Saluran tersumbat.', lat: -7.4002, long: 109.3702 }))).complaint;
  assertError(await act(desk, second.tracking, 'reject', { reason: 'duplicate', text: 'Sudah dilaporkan.' }), 400, 'invalid', 'duplicate_of');
  assertError(await act(desk, second.tracking, 'reject', { reason: 'bogus', text: 'x' }), 400, 'invalid', 'reason');
  r = await act(desk, second.tracking, 'reject', { reason: 'duplicate', text: 'Sudah dilaporkan.', duplicate_of: first.tracking });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.complaint.state, 'rejected');
  assert.equal(r.json.complaint.duplicate_of, first.tracking);
});

test('photos: bombs, impossible sizes and bad checksums are refused before anything is stored', async () => {
  const { citizen } = p;
  // A JPEG whose frame header claims 30000 × 30000.
  const bigJpeg = Buffer.from(JPEG_2X2);
  const sof = bigJpeg.indexOf(Buffer.from([0xff, 0xc0]));
  bigJpeg.writeUInt16BE(30000, sof + 5);
  bigJpeg.writeUInt16BE(30000, sof + 7);
  const cases = [
    [png(undefined, { size: [30000, 30000] }), 'image/png', /too many pixels/],
    [png(undefined, { size: [0, 2] }), 'image/png', /damaged/],
    [png(undefined, { size: [2 ** 31, 2] }), 'image/png', /damaged|too many/],
    [png(undefined, { badCrc: true }), 'image/png', /damaged/],
    [bigJpeg, 'image/jpeg', /too many pixels/],
    [JPEG_2X2.subarray(0, JPEG_2X2.length - 40), 'image/jpeg', /damaged/],
  ];
  const count = (sql) => (srv.db.startsWith('postgres') ? execFileSync('psql', [srv.db, '-Atc', sql]) : execFileSync('sqlite3', [srv.db, sql]))
    .toString().trim();
  const uploads = () => count('SELECT count(*) FROM complaint_uploads');
  // Files live in the database on PostgreSQL, in the data folder on SQLite.
  const stored = () => (srv.db.startsWith('postgres') ? count('SELECT count(*) FROM files')
    : existsSync(join(srv.dir, 'data', 'files')) ? readdirSync(join(srv.dir, 'data', 'files'), { recursive: true }).length : 0);
  const [rowsBefore, filesBefore] = [uploads(), stored()];
  for (const [bytes, type, why] of cases) {
    const r = await upload(citizen, bytes, type);
    assertError(r, 400, 'invalid', 'photo');
    assert.match(r.json.error.message, why);
  }
  assert.equal(uploads(), rowsBefore, 'no upload row');
  assert.equal(stored(), filesBefore, 'no file stored');
});

test('photos: checked by content, metadata stripped, claimed once', async () => {
  const { citizen } = p;
  let r = await upload(citizen, Buffer.from('GIF89a not really'), 'image/png');
  assertError(r, 400, 'invalid', 'photo');
  r = await upload(citizen, Buffer.from('%PDF-1.4 a document named photo.jpg'), 'image/jpeg');
  assertError(r, 400, 'invalid', 'photo');
  r = await upload(citizen, png().subarray(0, 40), 'image/png');
  assertError(r, 400, 'invalid', 'photo');
  r = await upload(citizen, Buffer.concat([png(), Buffer.alloc(5 * 1024 * 1024)]), 'image/png');
  assertError(r, 413, 'too_large');

  const a = await upload(citizen, png());
  assert.equal(a.status, 201, a.text);
  const b = await upload(citizen, jpegWithExif());
  assert.equal(b.status, 201, b.text);
  assert.equal(b.json.photo.mime, 'image/jpeg');
  const made = await submit(citizen, complaint({ photos: [a.json.photo.id, b.json.photo.id] }));
  assert.equal(made.complaint.photos.length, 2);
  const img = await fetch(srv.url + made.complaint.photos[0].url);
  assert.equal(img.headers.get('content-type'), 'image/png');
  // Shared caches revalidate it: the complaint may be made confidential.
  assert.equal(img.headers.get('cache-control'), 'public, no-cache');
  const bytes = Buffer.from(await img.arrayBuffer());
  assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
  assert.ok(!bytes.includes(Buffer.from('Melati')), 'PNG text chunk removed');
  const jpg = Buffer.from(await (await fetch(srv.url + made.complaint.photos[1].url)).arrayBuffer());
  assert.ok(!jpg.includes(Buffer.from('OWNER-Siti')), 'Exif owner/GPS removed');
  assert.ok(jpg.includes(Buffer.from('Exif')), 'orientation kept');
  // What is stored is an image made here: the sender's bytes are not kept.
  assert.ok(!bytes.equals(png()) && !jpg.equals(jpegWithExif()));
  // A photo cannot be claimed twice; the refused submission stores nothing.
  const before = numbersDrawn(srv);
  assertError(await citizen.post('/api/complaints', complaint({ photos: [a.json.photo.id] })), 400, 'invalid', 'photos');
  await submit(citizen, complaint());
  assert.equal(numbersDrawn(srv), before + 1, 'no number used by the refusal');
});

test('every bad input: a clear error and nothing stored', async () => {
  const { citizen } = p;
  const visitor = new Client(srv.url);
  const cases = [
    [{ kind: 'keluhan' }, 'kind'],
    [{ category: 'NOPE' }, 'category'],
    [{ description: '   ' }, 'description'],
    [{ description: 'x'.repeat(4001) }, 'description'],
    [{ lat: -7.39, long: undefined }, 'long'],
    [{ lat: 91, long: 109 }, 'lat'],
    [{ lat: -7.39, long: 181 }, 'long'],
    [{ lat: -6.2001, long: 106.8166 }, 'lat'],
    [{ lat: null, long: null, village: null }, 'lat'],
    [{ village: '33.03.01.9999' }, 'village'],
    [{ village: '33.01.01.2001' }, 'village'],
    [{ village: 'Kemangkon' }, 'village'],
    [{ address: 'baris satu\nbaris dua' }, 'address'],
    [{ email: 'bukan-email' }, 'email'],
    [{ phone: 'nol delapan' }, 'phone'],
    [{ photos: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'photos'],
    [{ photos: ['never-uploaded'] }, 'photos'],
    [{ anonymous: 'ya' }, 'anonymous'],
  ];
  await submit(citizen, complaint());
  const first = numbersDrawn(srv);
  for (const [change, field] of cases) {
    const body = complaint(change);
    for (const k of Object.keys(change)) if (change[k] === undefined) delete body[k];
    const r = await visitor.post('/api/complaints', body);
    assertError(r, 400, 'invalid', field);
  }
  assertError(await visitor.post('/api/complaints', { ...complaint(), title: 'x' }), 400, 'unknown_field', 'title');
  assertError(await visitor.post('/api/complaints', '{"kind":'), 400, 'invalid_json');
  const next = (await submit(citizen, complaint())).complaint.tracking;
  assert.equal(numbersDrawn(srv), first + 1, 'no refused submission took a number');

  assertError(await visitor.get('/api/complaints/MB-2026-999999'), 404, 'not_found');
  assertError(await visitor.get('/api/complaints/not-a-number'), 404, 'not_found');
  assertError(await visitor.get('/api/complaints?status=maybe'), 400, 'invalid', 'status');
  assertError(await visitor.get(`/api/complaints?district=${VILLAGE}`), 400, 'invalid', 'district');
  assertError(await p.desk.post(`/api/complaints/${next}/actions/fly`), 404, 'not_found');
  assertError(await p.desk.post(`/api/complaints/${next}/messages`, { text: 'x', visibility: 'secret' }), 400, 'invalid', 'visibility');
  assertError(await visitor.post(`/api/complaints/${next}/messages`, { text: 'x' }), 403, 'forbidden');
  assertError(await p.citizen.post(`/api/complaints/${next}/messages`, { text: 'x', visibility: 'public' }), 400, 'invalid', 'visibility');
});

// Purbalingga lies within 7°10'-7°29' S and 109°11'-109°35' E (BIG); the
// default --regency-bounds is that box with a margin.
test('a map pin outside the regency: refused in both languages unless the category is for places outside', async () => {
  const { admin } = p;
  // A visitor (no account): the account's hourly filing limit is for the other tests.
  const citizen = new Client(srv.url);
  const site = (await citizen.get('/api/site')).json;
  assert.deepEqual(site.bounds, { south: -7.5, west: 109.17, north: -7.15, east: 109.6 });
  const jakarta = { lat: -6.2001, long: 106.8166 };
  const before = numbersDrawn(srv);
  assertError(await citizen.post('/api/complaints', complaint(jakarta)), 400, 'invalid', 'lat');
  let r = await citizen.post('/api/complaints', complaint({ lat: -7.51, long: 109.36 }), { 'Accept-Language': 'id' });
  assertError(r, 400, 'invalid', 'lat');
  assert.match(r.json.error.message, /di luar wilayah kabupaten/);
  r = await citizen.post('/api/complaints', complaint(jakarta), { 'Accept-Language': 'en' });
  assert.match(r.json.error.message, /outside the regency/);
  assert.equal(numbersDrawn(srv), before, 'nothing stored');
  // The corners of the box are inside it.
  await submit(citizen, complaint({ lat: -7.5, long: 109.17 }));
  await submit(citizen, complaint({ lat: -7.15, long: 109.6 }));

  // A category for places outside the regency takes the pin as it is.
  let cats = (await citizen.get('/api/complaints/categories')).json.items;
  assert.equal(cats.find((c) => c.code === 'PUNGLI').outside_regency, false);
  assertError(await admin.patch('/api/complaints/categories/PUNGLI', { outside_regency: 'ya' }), 400, 'invalid', 'outside_regency');
  r = await admin.patch('/api/complaints/categories/PUNGLI', { outside_regency: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.category.outside_regency, true);
  cats = (await citizen.get('/api/complaints/categories')).json.items;
  assert.equal(cats.find((c) => c.code === 'PUNGLI').outside_regency, true);
  const made = await submit(citizen, complaint({ ...jakarta, category: 'PUNGLI', village: null,
    description: 'Petugas kabupaten meminta uang saat dinas di Jakarta.' }));
  assert.equal(made.complaint.category.code, 'PUNGLI');
  r = await admin.post('/api/complaints/categories', { code: 'LUAR', name: 'Layanan di luar daerah', outside_regency: true });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.category.outside_regency, true);
  r = await admin.patch('/api/complaints/categories/PUNGLI', { outside_regency: false });
  assert.equal(r.json.category.outside_regency, false);
  assertError(await citizen.post('/api/complaints', complaint({ ...jakarta, category: 'PUNGLI' })), 400, 'invalid', 'lat');
});

test('follow a public complaint: told of its state changes through the notices, until unfollowed or confidential', async () => {
  const { desk, pupr, other } = p;
  const reporter = await register(srv.url, { name: 'Pelapor Diikuti' });
  const no = (await submit(reporter, complaint())).complaint.tracking;
  const followed = async () => (await other.get('/api/notifications?limit=100')).json.items
    .filter((n) => n.topic === 'complaint.followed' && n.object === `complaint:${no}`);

  let r = await other.get(`/api/complaints/${no}`);
  assert.equal(r.json.following, false);
  assert.equal(r.json.can.follow, true);
  assertError(await new Client(srv.url).post(`/api/complaints/${no}/follow`), 401, 'unauthenticated');
  r = await reporter.post(`/api/complaints/${no}/follow`, undefined, { 'Accept-Language': 'id' });
  assertError(r, 409, 'conflict');
  assert.match(r.json.error.message, /Anda sendiri yang menyampaikan/);
  assert.equal((await reporter.get(`/api/complaints/${no}`)).json.can.follow, false);
  assertError(await other.post('/api/complaints/MB-2026-999999/follow'), 404, 'not_found');

  r = await other.post(`/api/complaints/${no}/follow`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { following: true });
  assert.equal((await other.post(`/api/complaints/${no}/follow`)).status, 200, 'following twice is following');
  assert.equal((await other.get(`/api/complaints/${no}`)).json.following, true);
  assert.deepEqual(await followed(), [], 'nothing yet');

  // Each state change is a notice to the follower, linking the public page.
  assert.equal((await desk.post(`/api/complaints/${no}/actions/disposition`, { unit: 'PUPR' })).status, 200);
  assert.equal((await pupr.post(`/api/complaints/${no}/messages`, { text: 'Sedang kami cek.', visibility: 'public' })).status, 200);
  assert.equal((await pupr.post(`/api/complaints/${no}/actions/answer`, { text: 'Sudah ditambal.' })).status, 200);
  let got = await followed();
  assert.deepEqual(got.map((n) => n.data.event).sort(), ['answered', 'dispositioned'], 'a reply is not a state change');
  assert.equal(got[0].link, `/complaints/case.html?no=${no}`);
  assert.ok(got.every((n) => n.data.tracking === no && !('reporter' in n.data)));

  // Unfollowed: nothing more.
  r = await other.del(`/api/complaints/${no}/follow`);
  assert.deepEqual(r.json, { following: false });
  assert.equal((await reporter.post(`/api/complaints/${no}/actions/reopen`, { text: 'Masih berlubang.' })).status, 200);
  assert.equal((await followed()).length, 2);

  // Made confidential by the desk: its followers hear nothing more, and
  // no one may follow it.
  assert.equal((await other.post(`/api/complaints/${no}/follow`)).status, 200);
  assert.equal((await desk.patch(`/api/complaints/${no}`, { confidential: true })).status, 200);
  assert.equal((await pupr.post(`/api/complaints/${no}/actions/answer`, { text: 'Sudah ditambal lagi.' })).status, 200);
  assert.equal((await followed()).length, 2);
  assertError(await other.post(`/api/complaints/${no}/follow`), 404, 'not_found');
});

test('public list, search, map, statistics, my complaints, categories, settings', async () => {
  const { citizen, admin, desk, pupr } = p;
  const visitor = new Client(srv.url);
  const made = (await submit(citizen, complaint({ description: 'Trotoar ambles dekat alun-alun Purbalingga.' }))).complaint;
  let r = await visitor.get('/api/complaints?q=trotoar+alun');
  assert.deepEqual(r.json.items.map((i) => i.tracking), [made.tracking]);
  r = await visitor.get('/api/complaints?q=ambl');      // prefix of the last word
  assert.ok(r.json.items.some((i) => i.tracking === made.tracking));
  r = await visitor.get('/api/complaints?q=%22%29OR*');   // operators are just text
  assert.equal(r.status, 200);
  r = await visitor.get(`/api/complaints?category=JALAN&district=${DISTRICT}&status=open&page_size=2`);
  assert.equal(r.status, 200);
  assert.equal(r.json.items.length, 2);
  assert.equal(r.json.has_more, true);
  assert.ok(r.json.items.every((i) => i.category.code === 'JALAN' && i.district.kode === DISTRICT && i.open));
  r = await visitor.get('/api/complaints/map?bbox=-7.5,109.2,-7.3,109.5&category=JALAN');
  assert.ok(r.json.items.some((i) => i.tracking === made.tracking));
  assertError(await visitor.get('/api/complaints/map?bbox=1,2,3'), 400, 'invalid', 'bbox');

  r = await visitor.get('/api/complaints/stats?year=2026');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.total >= 10);
  assert.deepEqual(r.json.by_month.map((m) => m.month), ['2026-08']);
  assert.ok(r.json.by_category.some((c) => c.code === 'JALAN' && c.name));
  assert.ok(r.json.by_district.some((d) => d.kode === DISTRICT && d.name === 'Kemangkon'));
  assert.ok(r.json.by_unit.length > 0);
  assert.ok(r.json.answered >= 2);
  assert.equal(typeof r.json.median_first_answer_hours, 'number');
  assert.equal(r.json.answered_on_time_share, 1);

  r = await citizen.get('/api/complaints/mine?page_size=100');
  assert.ok(r.json.items.some((i) => i.tracking === made.tracking && i.confidential === false));
  assertError(await visitor.get('/api/complaints/mine'), 401, 'unauthenticated');

  // Categories and their routing, by admins.
  r = await admin.post('/api/complaints/categories', { code: 'POHON', name: 'Pohon tumbang', unit: 'DLH',
    routes: [{ district: DISTRICT, unit: 'PUPR' }] });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.category.routes[0].district.nama, 'Kemangkon');
  assertError(await admin.post('/api/complaints/categories', { code: 'POHON', name: 'x' }), 409, 'conflict', 'code');
  assertError(await admin.post('/api/complaints/categories', { code: 'X1', name: 'x', routes: [{ district: '99.99.99', unit: 'DLH' }] }),
    400, 'invalid', 'routes');
  assertError(await desk.post('/api/complaints/categories', { code: 'X2', name: 'x' }), 403, 'forbidden');
  const routed = (await submit(citizen, complaint({ category: 'POHON', description: 'Pohon tumbang menutup jalan.' }))).complaint;
  r = await act(desk, routed.tracking, 'disposition');
  assert.equal(r.json.complaint.unit.code, 'PUPR', 'routed by district');
  r = await admin.patch('/api/complaints/categories/POHON', { active: false });
  assert.equal(r.json.category.active, false);
  assertError(await citizen.post('/api/complaints', complaint({ category: 'POHON' })), 400, 'invalid', 'category');

  // Settings: working days are configurable.
  r = await admin.patch('/api/complaints/settings', { days: { submitted: 2 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.days.submitted, 2);
  assertError(await admin.patch('/api/complaints/settings', { days: { closed: 2 } }), 400, 'invalid', 'days');
  assertError(await pupr.patch('/api/complaints/settings', { days: { submitted: 1 } }), 403, 'forbidden');
  const quick = (await submit(citizen, complaint())).complaint;
  assert.equal(quick.due, '2026-08-19');
  await admin.patch('/api/complaints/settings', { days: { submitted: 3 } });
});
