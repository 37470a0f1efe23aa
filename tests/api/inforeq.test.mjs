// PPID information requests (UU 14/2008) with the service clock on
// Saturday 15 August 2026: a weekend receipt starts on the next working
// day (Monday 17 August is Independence Day, so Tuesday 18 is day 0, and
// 25 August, Maulid Nabi, is a holiday too); the one extension of 7
// working days; holidays added later; a refusal needs its article 17
// ground and consequence test; objections on the article 35 grounds, with
// "not answered" detected and the 30 working days enforced; the public
// register never shows who asked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Client, startServer } from '../lib/server.mjs';
import { assertError, cliUser, login, register } from './util.mjs';
import { letterKey, PDF } from './permits_fixtures.mjs';
import { tick } from './complaints_fixtures.mjs';

const SATURDAY = '2026-08-15T02:00:00Z';       // 09:00 WIB
const NIK = '3303014101900001';
let srv, later, p;
// The demo's requests, there before this file's: the register and the
// report are compared with them.
let base;

before(async () => {
  srv = await startServer({ demo: true, env: { PENDOPO_LETTERS_KEY: letterKey(), PENDOPO_CLOCK: SATURDAY }, keep: true });
  const [ppid, utama, atasan, setda, admin, citizen, other] = await Promise.all([
    cliUser(srv, 'officer', ['--unit', 'DINKES', '--name', 'PPID Pelaksana Dinkes']),
    cliUser(srv, 'officer', ['--unit', 'DINKOMINFO', '--name', 'PPID Utama']),
    cliUser(srv, 'unit_head', ['--unit', 'SETDA', '--name', 'Sekretaris Daerah']),
    cliUser(srv, 'officer', ['--unit', 'SETDA', '--name', 'Staf Setda']),
    cliUser(srv, 'admin'),
    register(srv.url, { name: 'Sari Pemohon' }),
    register(srv.url, { name: 'Orang Lain' }),
  ]);
  p = { ppid, utama, atasan, setda, admin, citizen, other };
  base = { register: (await new Client(srv.url).get('/api/inforeq/register')).json.items.length,
    report: (await new Client(srv.url).get('/api/inforeq/report?year=2026')).json.total };
});

after(async () => {
  if (later) await later.stop();
  if (srv) {
    await srv.stop();
    rmSync(srv.dir, { recursive: true, force: true });
  }
});

const request = (extra = {}) => ({
  agency: 'DINKES', name: 'Sari Pemohon', nik: NIK, address: 'Jl. Melati 7, Kalimanah',
  phone: '081234567890', email: 'sari.pemohon@example.id',
  information: 'Data cakupan imunisasi dasar lengkap per puskesmas tahun 2025',
  purpose: 'Bahan penelitian skripsi', obtain: 'copy', delivery: 'email', ...extra,
});
const act = (c, no, action, body = {}, h) => c.post(`/api/inforeq/${no}/actions/${action}`, body, h);

async function uploadDoc(client, no, bytes) {
  const res = await fetch(`${client.base}/api/inforeq/${no}/documents`, {
    method: 'PUT', body: bytes,
    headers: { 'content-type': 'application/pdf', cookie: client.cookie, 'x-csrf-token': client.csrf },
  });
  return { status: res.status, json: await res.json() };
}

test('a request: legal fields checked, registration number, routed to the PPID Pelaksana, weekend receipt', async () => {
  const anon = new Client(srv.url);
  assertError(await anon.post('/api/inforeq', request({ nik: '3303014101900000' })), 400, 'invalid', 'nik');
  assertError(await anon.post('/api/inforeq', request({ nik: null })), 400, 'invalid', 'nik');
  assertError(await anon.post('/api/inforeq', request({ phone: null, email: null })), 400, 'invalid', 'phone');
  assertError(await anon.post('/api/inforeq', request({ delivery: 'fax' })), 400, 'invalid', 'delivery');
  assertError(await anon.post('/api/inforeq', request({ agency: 'NOPE' })), 400, 'invalid', 'agency');
  assertError(await anon.post('/api/inforeq', request({ requester_kind: 'entity', nik: null })), 400, 'invalid', 'deed_number');
  assertError(await anon.post('/api/inforeq', request({ shoe: 1 })), 400, 'unknown_field');
  assert.equal((await anon.get('/api/inforeq/register')).json.items.length, base.register, 'nothing stored by a refusal');

  const r = await anon.post('/api/inforeq', request());
  assert.equal(r.status, 201, r.text);
  const q = r.json.request;
  assert.match(q.tracking, /^PPID-2026-\d{6}$/);
  assert.equal(q.unit.code, 'DINKES', 'straight to the agency');
  assert.equal(q.received_day, '2026-08-18', 'Sat 15: Mon 17 is a holiday, Tue 18 is day 0');
  assert.equal(q.due, '2026-09-02', '10 working days after Tue 18 Aug, 25 Aug a holiday');
  assert.equal(r.json.deadlines.answer_due, '2026-09-02');
  assert.equal(r.json.deadlines.objection_may, false);
  assert.ok(r.json.follow_up.key, 'without an account: a secret follow-up key');

  // The key opens it; nobody else's request is anyone's business.
  const mine = await anon.get(`/api/inforeq/${q.tracking}`, { 'x-case-key': r.json.follow_up.key });
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.viewer, 'requester');
  assertError(await anon.get(`/api/inforeq/${q.tracking}`), 404, 'not_found');
  assertError(await p.other.get(`/api/inforeq/${q.tracking}`), 404, 'not_found');
  const staff = await p.ppid.get(`/api/inforeq/${q.tracking}`);
  assert.equal(staff.json.viewer, 'staff');
  assert.equal(staff.json.request.requester.nik, NIK);

  // The PPID Utama re-routes; the clock stays as it was.
  assertError(await act(p.ppid, q.tracking, 'reroute', { unit: 'PUPR' }), 403, 'forbidden');
  const moved = await act(p.utama, q.tracking, 'reroute', { unit: 'PUPR' });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.request.unit.code, 'PUPR');
  assert.equal(moved.json.request.agency.code, 'PUPR');
  assert.equal(moved.json.request.due, '2026-09-02');
});

test('one extension of 7 working days with a written reason; a second is refused; holidays move it', async () => {
  const { citizen, ppid, admin } = p;
  const r = await citizen.post('/api/inforeq', request());
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.follow_up, null, 'an account holder needs no key');
  const no = r.json.request.tracking;
  assertError(await act(citizen, no, 'extend', { text: 'Saya mau' }), 403, 'forbidden');
  assertError(await act(ppid, no, 'extend'), 400, 'invalid', 'text');
  let x = await act(ppid, no, 'extend', { text: 'Data masih dihimpun dari 22 puskesmas.' });
  assert.equal(x.status, 200, x.text);
  assert.equal(x.json.request.state, 'extended');
  assert.equal(x.json.request.due, '2026-09-11', '17 working days after Tue 18 Aug');
  assert.equal(x.json.deadlines.answer_due, '2026-09-11');
  assert.equal(x.json.deadlines.extended, true);
  assertError(await act(ppid, no, 'extend', { text: 'Sekali lagi.' }), 409, 'conflict');
  assert.equal((await ppid.get(`/api/inforeq/${no}`)).json.request.due, '2026-09-11', 'the refusal changed nothing');

  // A holiday added later moves the open deadline, and its removal back.
  x = await admin.post('/api/holidays', { date: '2026-09-08', name: 'Libur uji', kind: 'national' });
  assert.equal(x.status, 201, x.text);
  tick(srv, SATURDAY);
  let v = await citizen.get(`/api/inforeq/${no}`);
  assert.equal(v.json.request.due, '2026-09-14');
  assert.equal(v.json.deadlines.answer_due, '2026-09-14', 'both sides see the same clock');
  assert.equal((await admin.del('/api/holidays/2026-09-08')).status, 200);
  tick(srv, SATURDAY);
  v = await citizen.get(`/api/inforeq/${no}`);
  assert.equal(v.json.request.due, '2026-09-11');

  // The PPID's inbox: its open requests, most urgent first; not a citizen's.
  const inbox = await ppid.get('/api/inforeq/inbox');
  assert.equal(inbox.status, 200, inbox.text);
  const dues = inbox.json.items.map((i) => i.due);
  assert.ok(inbox.json.items.some((i) => i.tracking === no));
  assert.ok(inbox.json.items.every((i) => i.agency.code === 'DINKES' && i.open));
  assert.deepEqual(dues, [...dues].sort(), 'earliest due first');
  assertError(await citizen.get('/api/inforeq/inbox'), 403, 'forbidden');
  const mine = await citizen.get('/api/inforeq/mine');
  assert.deepEqual(mine.json.items.map((i) => i.tracking), [no]);
});

test('a refusal cites an article 17 ground and its consequence test; notice letter; objection; atasan answers', async () => {
  const { citizen, ppid, atasan, other } = p;
  const r = await citizen.post('/api/inforeq', request({ information: 'Rekam medis pasien X di RSUD' }));
  const no = r.json.request.tracking;
  assertError(await act(ppid, no, 'refuse', { consequence_test: 'Membuka rahasia pribadi.' }), 400, 'invalid', 'ground');
  assertError(await act(ppid, no, 'refuse', { ground: 'k', consequence_test: 'x' }), 400, 'invalid', 'ground');
  assertError(await act(ppid, no, 'refuse', { ground: 'h' }), 400, 'invalid', 'consequence_test');
  assertError(await act(ppid, no, 'grant', { ground: 'h' }), 400, 'invalid', 'ground');
  assert.equal((await ppid.get(`/api/inforeq/${no}`)).json.request.state, 'received', 'refusals change nothing');

  const up = await uploadDoc(ppid, no, PDF);
  assert.equal(up.status, 201, JSON.stringify(up.json));
  assert.equal(up.json.documents.length, 1);
  const refused = await act(ppid, no, 'refuse', {
    ground: 'h', consequence_test: 'Rekam medis adalah rahasia pribadi pasien; membukanya merugikan pasien.',
    text: 'Informasi yang dimohon menyangkut rahasia pribadi.',
  });
  assert.equal(refused.status, 200, refused.text);
  assert.equal(refused.json.request.state, 'refused');
  assert.equal(refused.json.request.answer.ground, 'h');
  assert.equal(refused.json.request.answer.late, false);
  assert.match(refused.json.notice.number, /^000\.5\/\d{3}\/PPID-DINKES\/2026$/);
  const pdf = await fetch(`${srv.url}/api/inforeq/${no}/notice.pdf`, { headers: { cookie: citizen.cookie } });
  assert.equal(pdf.status, 200);
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  const doc = await fetch(`${srv.url}/api/inforeq/${no}/documents/1`, { headers: { cookie: citizen.cookie } });
  assert.equal(doc.status, 200);
  assertError(await other.get(`/api/inforeq/${no}/notice.pdf`), 404, 'not_found');
  const v = await citizen.get(`/api/inforeq/${no}`);
  assert.equal(v.json.deadlines.objection_may, true);
  assert.equal(v.json.deadlines.objection_by, '2026-09-30', '30 working days from Sat 15 Aug (day 0 Tue 18)');
  assert.ok(v.json.actions.some((a) => a.action === 'object'));

  // Objection grounds: the record decides which fit.
  assertError(await act(ppid, no, 'object', { grounds: ['a'] }), 403, 'forbidden');
  assertError(await act(citizen, no, 'object', { grounds: [] }), 400, 'invalid', 'grounds');
  assertError(await act(citizen, no, 'object', { grounds: ['z'] }), 400, 'invalid', 'grounds');
  assertError(await act(citizen, no, 'object', { grounds: ['c'] }), 400, 'invalid', 'grounds');
  assertError(await act(citizen, no, 'object', { grounds: ['g'] }), 400, 'invalid', 'grounds');
  const obj = await act(citizen, no, 'object', { grounds: ['a', 'd'], text: 'Saya pasien itu sendiri.' });
  assert.equal(obj.status, 200, obj.text);
  assert.equal(obj.json.request.state, 'objection');
  assert.equal(obj.json.request.unit.code, 'SETDA', 'the Atasan PPID has it');
  assert.deepEqual(obj.json.objection.grounds.map((g) => g.ground), ['a', 'd']);
  assert.equal(obj.json.deadlines.objection_answer_due, '2026-09-30');
  assert.equal(obj.json.request.due, '2026-09-30', 'the engine clock and the shown deadline agree');
  assertError(await act(citizen, no, 'object', { grounds: ['a'] }), 409, 'conflict');

  assertError(await act(ppid, no, 'decide_objection', { decision: 'upheld', text: 'x' }), 403, 'forbidden');
  assertError(await act(p.setda, no, 'decide_objection', { decision: 'upheld', text: 'x' }), 403, 'forbidden');
  assert.ok(!(await p.setda.get(`/api/inforeq/${no}`)).json.actions.some((a) => a.action === 'decide_objection'),
    'an officer of the Secretariat is not the Atasan PPID');
  assertError(await act(atasan, no, 'decide_objection', { decision: 'maybe', text: 'x' }), 400, 'invalid', 'decision');
  const done = await act(atasan, no, 'decide_objection', {
    decision: 'upheld', text: 'Pemohon adalah pasien yang bersangkutan; PPID Dinkes memberikan salinan kepadanya.',
  });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.json.request.state, 'objection_answered');
  assert.equal(done.json.objection.decision, 'upheld');
  assert.equal(done.json.deadlines.commission_by, '2026-09-08', '14 working days to the Information Commission');
  // The PPID Pelaksana still sees its request.
  assert.equal((await ppid.get(`/api/inforeq/${no}`)).status, 200);
});

test('the public register never shows who asked; the report counts the refusal by ground', async () => {
  const anon = new Client(srv.url);
  const reg = await anon.get('/api/inforeq/register');
  assert.equal(reg.status, 200, reg.text);
  assert.equal(reg.json.items.length, base.register + 3, 'the three requests filed so far are there');
  const refused = reg.json.items.find((i) => i.outcome === 'refused' && i.objection);
  assert.equal(refused.ground.letter, 'h');
  assert.equal(refused.working_days_taken, 0);
  const entry = await anon.get(`/api/inforeq/register/${refused.tracking}`);
  assert.equal(entry.status, 200, entry.text);
  assert.ok(entry.json.timeline.some((e) => e.kind === 'decide_objection'));
  const search = await anon.get('/api/inforeq/register?q=imunisasi');
  assert.ok(search.json.items.length >= 1 && search.json.items.every((i) => /imunisasi/i.test(i.information)));
  for (const out of [reg.text, entry.text, search.text]) {
    for (const secret of [NIK, 'Jl. Melati', '081234567890', 'sari.pemohon@example.id', 'Sari Pemohon',
      'Bahan penelitian', 'Saya pasien itu sendiri']) {
      assert.ok(!out.includes(secret), `the register shows ${secret}`);
    }
  }
  const report = await anon.get('/api/inforeq/report?year=2026');
  assert.equal(report.status, 200, report.text);
  const was = base.report;
  assert.equal(report.json.total.received - was.received, 3);
  assert.equal(report.json.total.refused - was.refused, 1);
  assert.equal(report.json.total.refused_by_ground.h - (was.refused_by_ground.h || 0), 1);
  assert.equal(report.json.total.objections.upheld - was.objections.upheld, 1);
  const csv = await fetch(`${srv.url}/api/inforeq/report?year=2026&format=csv`);
  assert.match(await csv.text(), /^kode,badan_publik,diterima/);
  const dash = await p.admin.get('/api/dashboard');
  assert.equal(dash.status, 200, dash.text);
  assert.equal(dash.json.ppid.received, report.json.total.received, 'the tile is the report\'s figures');
});

test('the public information list of an agency', async () => {
  const anon = new Client(srv.url);
  const demo = await anon.get('/api/inforeq/dip?agency=DINKES');
  assert.ok(demo.json.items.length >= 4, 'demo list');
  const entry = { agency: 'DINKES', number: 'DIP-99', summary: 'Profil kesehatan kabupaten', holding_unit: 'Bidang Kesmas',
    responsible: 'PPID Pelaksana Dinkes', made_when: '2026', made_where: 'Purbalingga', format: 'PDF', retention: '5 tahun',
    category: 'berkala' };
  assertError(await p.other.post('/api/inforeq/dip', entry), 403, 'forbidden');
  assertError(await p.ppid.post('/api/inforeq/dip', { ...entry, agency: 'PUPR' }), 403, 'forbidden');
  assertError(await p.ppid.post('/api/inforeq/dip', { ...entry, category: 'kadang' }), 400, 'invalid', 'category');
  const made = await p.ppid.post('/api/inforeq/dip', entry);
  assert.equal(made.status, 201, made.text);
  assertError(await p.ppid.post('/api/inforeq/dip', entry), 409, 'conflict', 'number');
  const list = await anon.get('/api/inforeq/dip?category=berkala&q=profil');
  assert.deepEqual(list.json.items.map((i) => i.number), ['DIP-99']);
});

test('not answered in time: the system detects it; an objection after 30 working days is refused', async () => {
  const anon = new Client(srv.url);
  const r = await anon.post('/api/inforeq', request({ information: 'Daftar penerima hibah 2025' }));
  const no = r.json.request.tracking;
  const key = { 'x-case-key': r.json.follow_up.key };
  assertError(await act(anon, no, 'object', { grounds: ['e'] }, key), 409, 'conflict');

  // 7 September: the 10 working days (to 2 September) ran out unanswered.
  later = await startServer({ db: srv.db, env: { PENDOPO_LETTERS_KEY: letterKey(), PENDOPO_CLOCK: '2026-09-07T02:00:00Z' } });
  const late = new Client(later.url);
  let v = await late.get(`/api/inforeq/${no}`, key);
  assert.equal(v.json.request.overdue, true);
  assert.equal(v.json.deadlines.objection_may, true);
  assert.equal(v.json.deadlines.objection_by, '2026-10-14', '30 working days after 2 September');
  const ppid = await login(later.url, p.ppid.email);
  assertError(await act(ppid, no, 'extend', { text: 'Terlambat.' }), 409, 'conflict');
  const obj = await act(late, no, 'object', { grounds: [] }, key);
  assert.equal(obj.status, 200, obj.text);
  assert.deepEqual(obj.json.objection.grounds.map((g) => g.ground), ['c'], 'not answered: detected');
  await later.stop();

  // Another, answered late, objected to only after its window closed.
  const r2 = await anon.post('/api/inforeq', request({ information: 'Anggaran posyandu 2025' }));
  const no2 = r2.json.request.tracking;
  later = await startServer({ db: srv.db, env: { PENDOPO_LETTERS_KEY: letterKey(), PENDOPO_CLOCK: '2026-09-07T02:00:00Z' } });
  const ppid2 = await login(later.url, p.ppid.email);
  const ans = await act(ppid2, no2, 'grant', { text: 'Terlampir.' });
  assert.equal(ans.status, 200, ans.text);
  assert.equal(ans.json.request.answer.late, true);
  await later.stop();
  later = await startServer({ db: srv.db, env: { PENDOPO_LETTERS_KEY: letterKey(), PENDOPO_CLOCK: '2026-11-02T02:00:00Z' } });
  const k2 = { 'x-case-key': r2.json.follow_up.key };
  v = await new Client(later.url).get(`/api/inforeq/${no2}`, k2);
  assert.equal(v.json.deadlines.objection_by, '2026-10-19', '30 working days after Mon 7 Sep');
  const refused = await act(new Client(later.url), no2, 'object', { grounds: ['g'] }, k2);
  assertError(refused, 409, 'conflict');
  assert.match(refused.json.error.message, /30 working days to object ended on 2026-10-19/);
});

const pdftext = (buf) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: buf, encoding: 'utf8' });

// Files open through short-lived links, so a requester without an account
// (whose key travels in a header) can download them from the page.
const link = (c, no, body, h) => c.post(`/api/inforeq/${no}/links`, body, h);

test('a requester without an account downloads the answer documents through a short-lived link', async () => {
  if (later) await later.stop();
  later = null;
  const anon = new Client(srv.url);
  const r = await anon.post('/api/inforeq', request({ information: 'Jadwal posyandu 2026' }));
  const no = r.json.request.tracking;
  const key = { 'x-case-key': r.json.follow_up.key };
  const doc = Buffer.concat([PDF, Buffer.from('% jadwal posyandu\n')]);
  assert.equal((await uploadDoc(p.ppid, no, doc)).status, 201);
  assert.equal((await act(p.ppid, no, 'grant', { text: 'Terlampir.' })).status, 200);

  assertError(await link(anon, no, { what: 'document', n: 1 }), 404, 'not_found');
  assertError(await link(p.other, no, { what: 'document', n: 1 }), 404, 'not_found');
  assertError(await link(anon, no, { what: 'document' }, key), 400, 'invalid', 'n');
  assertError(await link(anon, no, { what: 'document', n: 2 }, key), 400, 'invalid', 'n');
  assertError(await link(anon, no, { what: 'notice', n: 1 }, key), 400, 'invalid', 'n');
  assertError(await link(anon, no, { what: 'photo' }, key), 400, 'invalid', 'what');
  assertError(await link(anon, no, { what: 'objection_letter' }, key), 409, 'conflict', 'what');

  const made = await link(anon, no, { what: 'document', n: 1 }, key);
  assert.equal(made.status, 201, made.text);
  assert.match(made.json.url, /^\/api\/inforeq\/files\/[A-Za-z0-9_-]{43}$/);
  assert.ok(!made.json.url.includes(r.json.follow_up.key), 'the case key never goes into a URL');
  // Ten minutes on the service clock, which started at 02:00Z and runs on.
  const ttl = Date.parse(made.json.expires_at) - Date.parse(SATURDAY);
  assert.ok(ttl >= 600e3 && ttl < 600e3 + 3600e3, made.json.expires_at);
  const got = await fetch(srv.url + made.json.url);   // no cookie, no key
  assert.equal(got.status, 200);
  assert.deepEqual(Buffer.from(await got.arrayBuffer()), doc);
  assert.equal(got.headers.get('content-type'), 'application/pdf');
  assert.equal(got.headers.get('cache-control'), 'private, no-store');
  assert.equal(got.headers.get('referrer-policy'), 'no-referrer');
  assert.match(got.headers.get('content-disposition'), /^attachment; filename="dokumen-PPID-2026-\d{6}-1\.pdf"$/);
  const notice = await link(anon, no, { what: 'notice' }, key);
  const pdf = await fetch(srv.url + notice.json.url);
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  assert.equal((await fetch(`${srv.url}/api/inforeq/files/${'A'.repeat(43)}`)).status, 404);
  // Staff and account holders get links the same way.
  assert.equal((await link(p.ppid, no, { what: 'document', n: 1 })).status, 201);

  // A day later the link is dead; a fresh one works, and the access log
  // shows the route's pattern, never the token.
  later = await startServer({ db: srv.db, env: { PENDOPO_LETTERS_KEY: letterKey(), PENDOPO_CLOCK: '2026-08-16T02:00:00Z',
    PENDOPO_ACCESS_LOG: '1', PENDOPO_DATA_DIR: `${srv.dir}/data` } });
  assertError(await new Client(later.url).get(made.json.url), 404, 'not_found');
  const fresh = await link(new Client(later.url), no, { what: 'document', n: 1 }, key);
  assert.equal((await fetch(later.url + fresh.json.url)).status, 200);
  await new Promise((res) => setTimeout(res, 200));   // the log line is written on completion
  const token = fresh.json.url.split('/').pop();
  assert.ok(!later.stderr().includes(token), 'the access log holds the token');
  assert.match(later.stderr(), /path=\/api\/inforeq\/files\/\{token\}/);
  await later.stop();
  later = null;
});

test('the Atasan answers with a numbered letter; the requester goes to the Commission; its outcome is public', async () => {
  const anon = new Client(srv.url);
  const r = await anon.post('/api/inforeq', request({ information: 'Daftar aset tanah dinas' }));
  const no = r.json.request.tracking;
  const key = { 'x-case-key': r.json.follow_up.key };
  const dispute = { filed_day: '2026-08-15', registration_number: '012/VIII/KI-JATENG-PS/2026' };
  assert.equal((await act(p.ppid, no, 'refuse', { ground: 'i', consequence_test: 'Memo internal yang dirahasiakan.' })).status, 200);
  assertError(await anon.post(`/api/inforeq/${no}/dispute`, dispute, key), 409, 'conflict');
  assert.equal((await act(anon, no, 'object', { grounds: ['a'] }, key)).status, 200);
  assertError(await anon.post(`/api/inforeq/${no}/dispute`, dispute, key), 409, 'conflict');

  const done = await act(p.atasan, no, 'decide_objection', { decision: 'rejected', text: 'Dokumen itu memo internal.' });
  assert.equal(done.status, 200, done.text);
  const letter = done.json.objection.letter;
  assert.match(letter.number, /^000\.5\/\d{3}\/PPID-SETDA\/2026$/);
  assert.equal(letter.pdf, `/api/inforeq/${no}/objection.pdf`);
  // The shared letter shape: the Atasan's office may revoke it, the requester not.
  assert.deepEqual([letter.status, letter.revoked, letter.manage], ['issued', null, true]);
  const token = letter.url.split('/').pop();
  const verified = await anon.get(`/api/letters/verify/${token}`);
  assert.equal(verified.status, 200, verified.text);
  assert.equal(verified.json.status, 'valid');
  assert.equal(verified.json.payload.content.number, letter.number);
  assert.equal(verified.json.payload.content.fields.objection, 'rejected');
  assert.ok(!verified.text.includes(NIK), 'the public verification shows no identity number');
  const mine = await anon.get(`/api/inforeq/${no}`, key);
  assert.equal(mine.json.objection.letter.manage, false);
  assert.equal(mine.json.deadlines.commission_from, '2026-08-15');
  assert.equal(mine.json.deadlines.commission_by, '2026-09-08');
  const got = await link(anon, no, { what: 'objection_letter' }, key);
  const pdf = await fetch(srv.url + got.json.url);
  assert.equal(pdf.status, 200);
  const text = pdftext(Buffer.from(await pdf.arrayBuffer()));
  assert.match(text, /TANGGAPAN ATAS KEBERATAN/);
  assert.match(text, /Keberatan DITOLAK/);
  assert.match(text, /Komisi Informasi/);
  assert.match(text, /8 September 2026|2026-09-08/);

  // The requester records the dispute; the Commission's register number.
  assertError(await p.ppid.post(`/api/inforeq/${no}/dispute`, dispute), 403, 'forbidden');
  assertError(await anon.post(`/api/inforeq/${no}/dispute`, { ...dispute, filed_day: '2026-08-14' }, key), 400, 'invalid', 'filed_day');
  assertError(await anon.post(`/api/inforeq/${no}/dispute`, { ...dispute, filed_day: '2026-08-20' }, key), 400, 'invalid', 'filed_day');
  assertError(await anon.post(`/api/inforeq/${no}/dispute`, { ...dispute, filed_day: '15-08-2026' }, key), 400, 'invalid', 'filed_day');
  assertError(await anon.post(`/api/inforeq/${no}/dispute`, { ...dispute, registration_number: ' ' }, key), 400, 'invalid', 'registration_number');
  assert.equal((await anon.post(`/api/inforeq/${no}/dispute/outcome`, { outcome: 'withdrawn', day: '2026-08-15' }, key)).status, 401);
  assert.equal((await anon.get(`/api/inforeq/${no}`, key)).json.dispute, null, 'the refusals stored nothing');
  const filed = await anon.post(`/api/inforeq/${no}/dispute`, dispute, key);
  assert.equal(filed.status, 201, filed.text);
  assert.deepEqual(filed.json.dispute, { ...dispute, filed_late: false, outcome: null, outcome_day: null, outcome_text: null });
  assertError(await anon.post(`/api/inforeq/${no}/dispute`, dispute, key), 409, 'conflict');

  // Staff record mediation, then the adjudication.
  const outcome = (c, body) => c.post(`/api/inforeq/${no}/dispute/outcome`, body);
  assertError(await outcome(p.citizen, { outcome: 'withdrawn', day: '2026-08-15' }), 403, 'forbidden');
  assertError(await outcome(p.ppid, { outcome: 'maybe', day: '2026-08-15' }), 400, 'invalid', 'outcome');
  assertError(await outcome(p.ppid, { outcome: 'mediation_failed', day: '2026-08-14' }), 400, 'invalid', 'day');
  let o = await outcome(p.ppid, { outcome: 'mediation_failed', day: '2026-08-15' });
  assert.equal(o.status, 200, o.text);
  o = await outcome(p.atasan, { outcome: 'adjudication_granted', day: '2026-08-15', text: 'Majelis memerintahkan informasi dibuka.' });
  assert.equal(o.status, 200, o.text);
  assert.equal(o.json.dispute.outcome, 'adjudication_granted');
  assertError(await outcome(p.ppid, { outcome: 'withdrawn', day: '2026-08-15' }), 409, 'conflict');
  const seen = await anon.get(`/api/inforeq/${no}`, key);
  assert.equal(seen.json.dispute.outcome_text, 'Majelis memerintahkan informasi dibuka.');

  // The register and the report show it.
  const entry = await anon.get(`/api/inforeq/register/${no}`);
  assert.deepEqual(entry.json.request.dispute, { filed_day: '2026-08-15', registration_number: dispute.registration_number,
    outcome: 'adjudication_granted', outcome_day: '2026-08-15' });
  assert.deepEqual(entry.json.timeline.map((e) => e.kind).slice(-3), ['commission_filed', 'commission_outcome', 'commission_outcome']);
  assert.ok(!entry.text.includes('Majelis memerintahkan'), 'the officer\'s summary is the requester\'s');
  assert.ok(!entry.text.includes(NIK) && !entry.text.includes('Sari Pemohon'));
  const report = await anon.get('/api/inforeq/report?year=2026');
  assert.deepEqual(report.json.total.disputes, { filed: 1, mediation_agreed: 0, adjudication_granted: 1,
    adjudication_rejected: 0, dismissed_or_withdrawn: 0, pending: 0 });
  const csv = await (await fetch(`${srv.url}/api/inforeq/report?year=2026&format=csv`)).text();
  assert.match(csv, /^kode,badan_publik,.*,keberatan_ditolak,sengketa\r\n/);
  assert.match(csv, /\r\n,Jumlah,[\d.,]+,1\r\n$/, 'the total\'s last column counts the dispute');
});

test('the annual report prints as a PDF with the figures of the JSON', async () => {
  const anon = new Client(srv.url);
  assertError(await anon.get('/api/inforeq/report?year=2026&format=xml'), 400, 'invalid', 'format');
  const json = (await anon.get('/api/inforeq/report?year=2026')).json;
  const res = await fetch(`${srv.url}/api/inforeq/report?year=2026&format=pdf`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  const text = pdftext(Buffer.from(await res.arrayBuffer()));
  assert.match(text, /LAPORAN LAYANAN INFORMASI PUBLIK/);
  assert.match(text, /Tahun 2026/);
  for (const heading of ['Rincian pelayanan informasi publik', 'Alasan penolakan', 'Keberatan', 'Komisi Informasi'])
    assert.ok(text.includes(heading), heading);
  const figure = (label) => Number(new RegExp(`${label}\\s+(\\d+)`).exec(text)?.[1]);
  assert.equal(figure('Permohonan informasi publik diterima'), json.total.received);
  assert.equal(figure('Ditolak'), json.total.refused);
  assert.equal(figure('Keberatan diajukan'), json.total.objections.filed);
  assert.equal(figure('Permohonan penyelesaian sengketa'), 1);
  assert.match(text, /Huruf h, mengungkap rahasia pribadi: \d+ permohonan/);
  assert.match(text, /Dinas Kesehatan/);
  const one = pdftext(Buffer.from(await (await fetch(`${srv.url}/api/inforeq/report?year=2026&agency=SETDA&format=pdf`)).arrayBuffer()));
  assert.match(one, /Sekretariat Daerah/);
});

test('the PPID Utama and the Atasan PPID are settings, DINKOMINFO and SETDA by default', async () => {
  const { admin, ppid, utama } = p;
  const s = await ppid.get('/api/inforeq/settings');
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.utama_unit.code, 'DINKOMINFO');
  assert.equal(s.json.atasan_unit.code, 'SETDA');
  assertError(await ppid.patch('/api/inforeq/settings', { atasan_unit: 'KESBANGPOL' }), 403, 'forbidden');
  assertError(await admin.patch('/api/inforeq/settings', { atasan_unit: 'NOPE' }), 400, 'invalid', 'atasan_unit');
  assertError(await admin.patch('/api/inforeq/settings', { utama_unit: 'NOPE', atasan_unit: 'KESBANGPOL' }), 400, 'invalid', 'utama_unit');
  assert.equal((await admin.get('/api/inforeq/settings')).json.atasan_unit.code, 'SETDA', 'a refusal changes nothing');
  const set = await admin.patch('/api/inforeq/settings', { utama_unit: 'SETDA', atasan_unit: 'KESBANGPOL' });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.utama_unit.code, 'SETDA');
  assert.equal(set.json.atasan_unit.code, 'KESBANGPOL');

  // The new PPID Utama may re-route, the old one no longer sees the
  // request; an objection goes to the new Atasan.
  const r = await p.citizen.post('/api/inforeq', request({ information: 'Izin usaha 2025' }));
  const no = r.json.request.tracking;
  assertError(await act(utama, no, 'reroute', { unit: 'PUPR' }), 404, 'not_found', null);
  assert.ok((await p.setda.get(`/api/inforeq/${no}`)).json.actions.some((a) => a.action === 'reroute'));
  assert.equal((await act(ppid, no, 'refuse', { ground: 'b', consequence_test: 'Rahasia dagang pemohon izin.' })).status, 200);
  const obj = await act(p.citizen, no, 'object', { grounds: ['a'] });
  assert.equal(obj.status, 200, obj.text);
  assert.equal(obj.json.request.unit.code, 'KESBANGPOL');
  const back = await admin.patch('/api/inforeq/settings', { utama_unit: 'DINKOMINFO', atasan_unit: 'SETDA' });
  assert.equal(back.status, 200, back.text);
});
