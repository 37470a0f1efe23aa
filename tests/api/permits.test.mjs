// Si-Intan, research permits: the path from a draft to the signed letter,
// returns and refusals, who sees what, documents checked by content, the
// overdue-report rule, the locations told, the library and statistics.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { assertError, cliUser, login } from './util.mjs';
import { letterKey, officePeople, application, draft, upload, bytes, act, PDF } from './permits_fixtures.mjs';
import { JPEG_2X2, png } from './complaints_fixtures.mjs';

// Stored files (content-addressed uploads): rows in the database on
// PostgreSQL, files under the data folder on SQLite.
function storedCount(srv) {
  if (srv.db.startsWith('postgres')) return Number(execFileSync('psql', [srv.db, '-Atc', 'SELECT count(*) FROM files']).toString().trim());
  const root = join(srv.dir, 'data', 'files');
  if (!existsSync(root)) return 0;
  return readdirSync(root, { recursive: true }).filter((f) => /[0-9a-f]{64}$/.test(f)).length;
}

describe('research permits', () => {
  let srv, p, key;
  before(async () => {
    key = letterKey();
    srv = await startServer({ demo: true, env: { PENDOPO_LETTERS_KEY: key } });
    p = await officePeople(srv);
    p.admin = await login(srv.url, 'admin@demo.pendopo.id', 'Demo-Pendopo-2026');
  });
  after(async () => { await srv.stop(); });

  // Desk accepts, Kesbangpol recommends, the head issues.
  async function toIssued(id) {
    let r = await p.applicant.post(`/api/permits/${id}/submit`);
    assert.equal(r.status, 200, r.text);
    r = await act(p.desk, id, 'accept');
    assert.equal(r.status, 200, r.text);
    r = await act(p.analyst, id, 'recommend', { recommendation: 'issue', text: 'Tidak ada dampak negatif.' });
    assert.equal(r.status, 200, r.text);
    r = await act(p.head, id, 'issue');
    assert.equal(r.status, 200, r.text);
    return r.json;
  }

  it('goes from a draft to an issued, signed letter the applicant downloads', async () => {
    const id = await draft(p.applicant);
    let r = await p.applicant.get(`/api/permits/${id}`);
    assert.equal(r.json.permit.state, 'draft');
    assert.deepEqual(Object.keys(r.json.documents).sort(), ['id_card', 'intro_letter', 'proposal', 'statement']);

    r = await p.applicant.post(`/api/permits/${id}/submit`);
    assert.equal(r.status, 200, r.text);
    const tracking = r.json.permit.tracking;
    assert.match(tracking, /^IP-\d{4}-\d{6}$/);
    assert.equal(r.json.permit.state, 'submitted');
    assert.equal(r.json.permit.unit.code, 'DPMPTSP');
    assert.match(r.json.permit.due, /^\d{4}-\d{2}-\d{2}$/, 'the desk clock runs and is shown to the applicant');

    // The desk sees it in its inbox with the same due date.
    let inbox = await p.desk.get('/api/permits/inbox');
    const row = inbox.json.items.find((i) => i.id === id);
    assert.equal(row.tracking, tracking);
    assert.equal(row.due, r.json.permit.due);
    // Kesbangpol's head cannot take the desk's step nor sign yet.
    assertError(await act(p.head, id, 'accept'), 404, 'not_found');

    r = await act(p.desk, id, 'accept');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.permit.state, 'assessment');
    assert.equal(r.json.permit.unit.code, 'KESBANGPOL');
    // The analyst must say which way it goes.
    assertError(await act(p.analyst, id, 'recommend', {}), 400, 'invalid', 'recommendation');
    r = await act(p.analyst, id, 'recommend', { recommendation: 'issue', text: 'Tidak berdampak negatif.' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.permit.state, 'signing');
    assert.deepEqual(r.json.permit.recommendation, { decision: 'issue', note: 'Tidak berdampak negatif.' });
    // An officer of the signing unit is not its head.
    assertError(await act(p.analyst, id, 'issue'), 403, 'forbidden');
    const head = await p.head.get(`/api/permits/${id}`);
    assert.ok(head.json.actions.some((a) => a.action === 'issue'), 'the head is offered issue');
    const analyst = await p.analyst.get(`/api/permits/${id}`);
    assert.ok(!analyst.json.actions.some((a) => a.action === 'issue'), 'the analyst is not');

    r = await act(p.head, id, 'issue');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.permit.state, 'issued');
    const letter = r.json.letter;
    assert.match(letter.number, /^000\.9\.2\/\d{3}\/Kesbangpol\/\d{4}$/);
    assert.equal(letter.valid_until, application().period_until);
    assert.match(letter.url, /\/v\/[A-Za-z0-9_-]+$/);

    // The applicant downloads the PDF; its text carries the §9 content.
    const pdf = await bytes(p.applicant, letter.pdf);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
    const file = join(srv.dir, 'letter.pdf');
    writeFileSync(file, pdf.body);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    for (const s of ['SURAT KETERANGAN PENELITIAN', 'Dasar', 'Memperhatikan', '123/UN23/PT/2026', 'Rina Peneliti',
      '3303014101900001', 'Universitas Jenderal Soedirman', 'Pola konsumsi air bersih', 'Andi Asisten',
      'Dinas Pekerjaan Umum', 'Tembusan', 'Drs. Kepala Kesbangpol', letter.number]) {
      assert.ok(text.replace(/\s+/g, ' ').includes(s), `the letter shows ${s}`);
    }
    // Its QR (beside the signature, on the last page) decodes to the
    // verification page, which says valid.
    execFileSync('pdftoppm', ['-png', '-r', '150', file, join(srv.dir, 'page')], { stdio: 'ignore' });
    const pages = readdirSync(srv.dir).filter((f) => /^page-\d+\.png$/.test(f)).map((f) => join(srv.dir, f));
    // zbarimg fails for a page without a code: its output is what counts.
    const qr = spawnSync('zbarimg', ['-q', '--raw', ...pages], { encoding: 'utf8' }).stdout.trim();
    assert.ok(qr.startsWith(letter.url), `QR ${qr} leads to ${letter.url}`);
    const v = await p.other.get(`/api/letters/verify/${letter.token}`);
    assert.equal(v.status, 200, v.text);
    assert.equal(v.json.status, 'valid');
    // Someone else's session may not fetch the letter.
    assertError(await p.other.get(letter.pdf), 404, 'not_found');

    // The head may revoke it (no BSrE here), the applicant may not; once
    // revoked, the applicant's view says so with the reason.
    assert.deepEqual([letter.manage, letter.bsre, letter.signature_kind, letter.revoked], [true, false, 'ed25519', null]);
    const mine = (await p.applicant.get(`/api/permits/${id}`)).json.letter;
    assert.deepEqual([mine.manage, mine.bsre], [false, false]);
    assertError(await p.applicant.post(`/api/letters/${letter.token}/revoke`, { reason: 'Saya batal.' }), 403, 'forbidden');
    const rv = await p.head.post(`/api/letters/${letter.token}/revoke`, { reason: 'Penelitian dibatalkan.' });
    assert.equal(rv.status, 200, rv.text);
    const after = (await p.applicant.get(`/api/permits/${id}`)).json.letter;
    assert.equal(after.status, 'revoked');
    assert.equal(after.revoked.reason, 'Penelitian dibatalkan.');
    assert.equal((await p.head.get(`/api/permits/${id}`)).json.letter.manage, false, 'nothing left to revoke');
  });

  it('returns an incomplete application, takes it back fixed, and restarts the clock', async () => {
    const id = await draft(p.applicant, {}, ['proposal', 'intro_letter', 'id_card', 'statement']);
    let r = await p.applicant.post(`/api/permits/${id}/submit`);
    const firstClocks = r.json.clocks.length;
    assertError(await act(p.desk, id, 'return', {}), 400, 'invalid', 'text');
    r = await act(p.desk, id, 'return', { text: 'Surat pengantar belum ditandatangani.' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.permit.state, 'returned');
    assert.equal(r.json.permit.due, null, 'no clock while the applicant fixes it');

    // The applicant sees the note, replaces the letter, resubmits.
    r = await p.applicant.get(`/api/permits/${id}`);
    assert.ok(r.json.timeline.some((e) => e.text === 'Surat pengantar belum ditandatangani.'));
    assert.equal((await upload(p.applicant, id, 'intro_letter', Buffer.concat([PDF, Buffer.from('% signed\n')]))).status, 201);
    r = await p.applicant.patch(`/api/permits/${id}`, { intro_number: '124/UN23/PT/2026' });
    assert.equal(r.status, 200, r.text);
    r = await p.applicant.post(`/api/permits/${id}/submit`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.permit.state, 'submitted');
    assert.ok(r.json.clocks.length > firstClocks, 'a new clock');
    const last = r.json.clocks[r.json.clocks.length - 1];
    assert.equal(last.state, 'submitted');
    assert.equal(last.stopped, null, 'the new desk clock runs');
    assert.ok(r.json.clocks.filter((c) => c.state === 'submitted').length === 2, 'the first desk clock stopped, a second started');
    // Once with the offices, the applicant cannot change it.
    assertError(await p.applicant.patch(`/api/permits/${id}`, { title: 'Judul lain' }), 409, 'conflict');
  });

  it('refuses with a reason the applicant sees', async () => {
    const id = await draft(p.applicant);
    await p.applicant.post(`/api/permits/${id}/submit`);
    await act(p.desk, id, 'accept');
    assertError(await act(p.analyst, id, 'recommend', { recommendation: 'refuse' }), 400, 'invalid', 'text');
    let r = await act(p.analyst, id, 'recommend', { recommendation: 'refuse', text: 'Lokasi rawan konflik.' });
    assert.equal(r.status, 200, r.text);
    assertError(await act(p.head, id, 'refuse', {}), 400, 'invalid', 'text');
    r = await act(p.head, id, 'refuse', { text: 'Penelitian berpotensi menimbulkan konflik sosial.' });
    assert.equal(r.status, 200, r.text);
    r = await p.applicant.get(`/api/permits/${id}`);
    assert.equal(r.json.permit.state, 'refused');
    assert.equal(r.json.permit.refusal_reason, 'Penelitian berpotensi menimbulkan konflik sosial.');
    assert.equal(r.json.permit.recommendation, undefined, 'the internal recommendation stays with staff');
    assert.equal(r.json.letter, null);
    assertError(await p.applicant.get(`/api/permits/${id}/letter.pdf`), 404, 'not_found');
  });

  it("keeps one applicant's application from another", async () => {
    const id = await draft(p.applicant);
    assertError(await p.other.get(`/api/permits/${id}`), 404, 'not_found');
    assertError(await p.other.patch(`/api/permits/${id}`, { title: 'x' }), 404, 'not_found');
    assertError(await p.other.get(`/api/permits/${id}/documents/proposal`), 404, 'not_found');
    assertError(await upload(p.other, id, 'proposal', PDF), 404, 'not_found');
    assertError(await p.other.post(`/api/permits/${id}/submit`), 404, 'not_found');
    // A draft is not the offices' business yet either.
    assertError(await p.desk.get(`/api/permits/${id}`), 404, 'not_found');
    const mine = await p.other.get('/api/permits/mine');
    assert.ok(!mine.json.items.some((i) => i.id === id));
  });

  it('refuses a proposal that is not a PDF, storing nothing', async () => {
    const r = await p.applicant.post('/api/permits', application());
    const id = r.json.permit.id;
    const before = storedCount(srv);
    const fake = Buffer.from('PK\u0003\u0004 a Word document pretending to be a proposal');
    assertError(await upload(p.applicant, id, 'proposal', fake), 400, 'not_pdf', 'proposal');
    assert.equal(storedCount(srv), before, 'no file written');
    const got = await p.applicant.get(`/api/permits/${id}`);
    assert.deepEqual(got.json.documents, {}, 'no document recorded');
    // The KTP may be a photo, the proposal may not.
    const jpeg = JPEG_2X2;
    assertError(await upload(p.applicant, id, 'proposal', jpeg, 'image/jpeg'), 400, 'not_pdf', 'proposal');
    assert.equal((await upload(p.applicant, id, 'id_card', jpeg, 'image/jpeg')).status, 201);
    // Submitting without the rest names what is missing.
    assertError(await p.applicant.post(`/api/permits/${id}/submit`), 400, 'incomplete', 'proposal');
  });

  it('checks identity, locations and dates by the registers', async () => {
    assertError(await p.other.post('/api/permits', application({ identity_number: '3303014101900000' })), 400, 'invalid', 'identity_number');
    assertError(await p.other.post('/api/permits', application({ locations: [{ unit: 'NOPE' }] })), 400, 'invalid', 'locations');
    assertError(await p.other.post('/api/permits', application({ locations: [{ region: '33.01.01.2001' }] })), 400, 'invalid', 'locations');
    assertError(await p.other.post('/api/permits', application({ village: '99.99.99.9999' })), 400, 'invalid', 'village');
    assertError(await p.other.post('/api/permits', application({ period_from: '2026-02-30' })), 400, 'invalid', 'period_from');
    assertError(await p.other.post('/api/permits', application({ status: 'sma' })), 400, 'invalid', 'status');
    const r = await p.other.post('/api/permits', application({ identity_kind: 'passport', identity_number: 'X1234567' }));
    assert.equal(r.status, 201, r.text);
    assert.equal((await p.other.get('/api/permits/mine')).json.items.length, 1, 'only the valid draft was kept');
  });

  it('tells the locations and lists the researchers expected there', async () => {
    const id = await draft(p.applicant);
    const issued = await toIssued(id);
    const n = await p.pupr.get('/api/notifications');
    assert.ok(n.json.items.some((x) => x.topic === 'permit.expected' && x.object === `permit:${issued.permit.tracking}`),
      'the PUPR officer is told');
    const e = await p.pupr.get('/api/permits/expected');
    assert.equal(e.status, 200, e.text);
    const row = e.json.items.find((i) => i.id === id);
    assert.ok(row, 'the researcher is expected at PUPR');
    assert.equal(row.name, 'Rina Peneliti');
    // The village named hears of it too, through its operator.
    const vo = await p.admin.post('/api/users', { name: 'Operator Kemangkon', email: 'vo-permits@x.id', password: 'Rahasia-123',
      roles: [{ role: 'village_operator', village: '33.03.01.2001' }] });
    assert.equal(vo.status, 201, vo.text);
    const id2 = await draft(p.applicant, { title: 'Kedua' });
    const issued2 = await toIssued(id2);
    const op = await login(srv.url, 'vo-permits@x.id');
    const vn = await op.get('/api/notifications');
    assert.ok(vn.json.items.some((x) => x.topic === 'permit.expected' && x.object === `permit:${issued2.permit.tracking}`),
      'the village operator is told');
    const ve = await op.get('/api/permits/expected');
    assert.ok(ve.json.items.some((i) => i.id === id2) && ve.json.items.some((i) => i.id === id), 'and sees both researchers');
    // A unit not named is told nothing.
    const away = await p.desk.get('/api/permits/expected');
    assert.ok(!away.json.items.some((i) => i.id === id));
  });

  it("tells the office of the district a village location lies in, and no other district's", async () => {
    const [camat, other] = await Promise.all([
      cliUser(srv, 'officer', ['--unit', 'KEC-KEMANGKON', '--name', 'Petugas Kecamatan Kemangkon']),
      cliUser(srv, 'officer', ['--unit', 'KEC-KALIGONDANG', '--name', 'Petugas Kecamatan Kaligondang']),
    ]);
    const id = await draft(p.applicant, { title: 'Tradisi bersih desa', locations: [{ region: '33.03.01.2001' }] });
    const issued = await toIssued(id);
    const told = (await camat.get('/api/notifications')).json.items
      .filter((x) => x.topic === 'permit.expected' && x.object === `permit:${issued.permit.tracking}`);
    assert.equal(told.length, 1, 'the Kemangkon district office is told once');
    const e = await camat.get('/api/permits/expected');
    assert.equal(e.status, 200, e.text);
    assert.ok(e.json.items.some((i) => i.id === id), 'and expects the researcher');
    assert.ok(!(await other.get('/api/notifications')).json.items.some((x) => x.object === `permit:${issued.permit.tracking}`),
      'Kaligondang is not told');
    assert.ok(!(await other.get('/api/permits/expected')).json.items.some((i) => i.id === id), 'nor expects them');
  });

  it('takes a final report into the public library, searchable', async () => {
    const id = await draft(p.applicant, { title: 'Kearifan lokal pengelolaan mata air Kemangkon' });
    await toIssued(id);
    assertError(await p.applicant.post(`/api/permits/${id}/report`, { abstract: 'Ringkas.', public: true }), 400, 'incomplete', 'report');
    assertError(await upload(p.applicant, id, 'report', Buffer.from('not a pdf')), 400, 'not_pdf', 'report');
    assert.equal((await upload(p.applicant, id, 'report', PDF)).status, 201);
    const r = await p.applicant.post(`/api/permits/${id}/report`,
      { abstract: 'Masyarakat menjaga mata air melalui aturan adat.', public: true });
    assert.equal(r.status, 200, r.text);
    assertError(await p.applicant.post(`/api/permits/${id}/report`, { abstract: 'lagi', public: true }), 409, 'conflict');
    const anon = await fetch(`${srv.url}/api/permits/library?q=${encodeURIComponent('adat mata')}`);
    const lib = await anon.json();
    const item = lib.items.find((i) => i.id === id);
    assert.ok(item, 'the search finds the finished report');
    assert.equal(item.institution, 'Universitas Jenderal Soedirman');
    const pdf = await fetch(srv.url + item.report);
    assert.equal(pdf.status, 200);
    const none = await (await fetch(`${srv.url}/api/permits/library?q=zzzyyx`)).json();
    assert.equal(none.items.length, 0);
  });

  it("orders the offices' inbox by due day, then first come, a page at a time", async () => {
    for (let i = 0; i < 3; i++)
      assert.equal((await p.applicant.post(`/api/permits/${await draft(p.applicant)}/submit`)).status, 200);
    const all = await p.desk.get('/api/permits/inbox?limit=100');
    assert.equal(all.status, 200, all.text);
    assert.ok(all.json.items.length >= 3);
    assert.equal(all.json.more, false);
    // Earliest due day first, those without one last; on a tie the first
    // come, by the opening of the case (tracking numbers do not follow it
    // on PostgreSQL, where they interleave).
    const key = (i) => i.due ?? '9999-99-99';
    for (let k = 1; k < all.json.items.length; k++) {
      const [a, b] = [all.json.items[k - 1], all.json.items[k]];
      assert.ok(a.created_at && b.created_at, JSON.stringify(a));
      assert.ok(key(a) < key(b) || (key(a) === key(b) && a.created_at <= b.created_at),
        `${a.tracking} (${a.due}) before ${b.tracking} (${b.due})`);
    }
    const paged = [];
    for (let page = 1; ; page++) {
      const r = await p.desk.get(`/api/permits/inbox?limit=1&page=${page}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.page, page);
      assert.ok(r.json.items.length <= 1);
      paged.push(...r.json.items.map((i) => i.id));
      if (!r.json.more) break;
    }
    assert.deepEqual(paged, all.json.items.map((i) => i.id));
    assertError(await p.desk.get('/api/permits/inbox?limit=0'), 400, 'invalid', 'limit');
    assertError(await p.desk.get('/api/permits/inbox?page=x'), 400, 'invalid', 'page');
  });

  it('counts applications and processing time', async () => {
    const r = await fetch(`${srv.url}/api/permits/stats`);
    const s = await r.json();
    assert.equal(r.status, 200);
    const total = s.by_month.reduce((a, m) => a + m.count, 0);
    const states = s.by_state.reduce((a, m) => a + m.count, 0);
    assert.equal(total, states, 'every submitted application is counted once by month and by state');
    assert.ok(s.by_state.find((x) => x.state === 'issued').count >= 3);
    assert.ok(s.by_state.find((x) => x.state === 'refused').count >= 1);
    assert.ok(s.by_institution.find((x) => x.key === 'Universitas Jenderal Soedirman').count >= 5);
    assert.ok(s.by_location.find((x) => x.key === 'Dinas Pekerjaan Umum dan Penataan Ruang'));
    assert.ok(s.by_topic.find((x) => x.key === 'air bersih'));
    assert.ok(s.processing.decided >= 4);
    assert.equal(s.processing.on_time, s.processing.decided, 'decided the same day: on time');
    assert.equal(s.processing.on_time_share, 1);
    assert.equal(typeof s.processing.median_hours, 'number');
    assert.equal(s.service_days, 5, 'five working days by default');

    // The tick publishes the monthly figures as a dataset of the licensing
    // office, hourly: two hours on, whatever the server's own ticks did.
    const later = new Date(Date.now() + 2 * 3600e3).toISOString().replace(/\.\d+Z$/, 'Z');
    srv.cli(['tick', '--clock', later, '--data-dir', join(srv.dir, 'data')]);
    const show = await (await fetch(`${srv.url}/api/3/action/package_show?id=izin-penelitian-bulanan`)).json();
    assert.equal(show.success, true, JSON.stringify(show));
    assert.equal(show.result.organization.name, 'dpmptsp');
    const rid = show.result.resources[0].id;
    const rows = (await (await fetch(`${srv.url}/api/3/action/datastore_search?resource_id=${rid}&limit=1000`)).json()).result.records;
    assert.equal(rows.reduce((a, x) => a + Number(x.jumlah), 0), total, 'every submitted application, once');
    assert.equal(rows.reduce((a, x) => a + Number(x.terbit), 0), s.by_state.find((x) => x.state === 'issued').count);
    assert.equal(rows.reduce((a, x) => a + Number(x.ditolak), 0), s.by_state.find((x) => x.state === 'refused').count);
    assert.ok(rows.every((x) => !JSON.stringify(x).includes('Rina')), 'no researcher in the figures');
  });
});

describe('research permits: the overdue-report rule', () => {
  let srv, later, p;
  before(async () => {
    const key = letterKey();
    srv = await startServer({ demo: true, env: { PENDOPO_LETTERS_KEY: key }, keep: true });
    p = await officePeople(srv);
  });
  after(async () => {
    if (later) await later.stop();
    await srv.stop();
    rmSync(srv.dir, { recursive: true, force: true });
  });

  it('blocks a new application while a report is overdue, and lists it for the offices', async () => {
    const id = await draft(p.applicant);
    await p.applicant.post(`/api/permits/${id}/submit`);
    await act(p.desk, id, 'accept');
    await act(p.analyst, id, 'recommend', { recommendation: 'issue' });
    assert.equal((await act(p.head, id, 'issue')).status, 200);
    // Within the period: no report due yet.
    assert.equal((await p.applicant.post('/api/permits', application())).status, 201);

    // 120 days on, the period (60 days) and the 30 days to report are over.
    const clock = new Date(Date.now() + 120 * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
    later = await startServer({ db: srv.db, env: { PENDOPO_LETTERS_KEY: letterKey(), PENDOPO_CLOCK: clock } });
    const applicant = await login(later.url, p.applicant.email);
    const desk = await login(later.url, p.desk.email);
    const other = await login(later.url, p.other.email);
    assertError(await applicant.post('/api/permits', application()), 409, 'report_overdue');
    // Others are not held back.
    assert.equal((await other.post('/api/permits', application())).status, 201);
    const overdue = await desk.get('/api/permits/reports/overdue');
    assert.equal(overdue.status, 200, overdue.text);
    assert.ok(overdue.json.items.some((i) => i.id === id));
    assertError(await applicant.get('/api/permits/reports/overdue'), 403, 'forbidden');
    // A deployment may switch the rule off.
    srv.cli(['user', 'add', '--email', 'admin-permits@x.id', '--password', 'Rahasia-123', '--role', 'admin']);
    const adm = await login(later.url, 'admin-permits@x.id');
    assert.equal((await adm.patch('/api/permits/settings', { block_overdue_report: false })).status, 200);
    assert.equal((await applicant.post('/api/permits', application())).status, 201);
  });
});


describe('research permits: statistics by the WIB day', () => {
  let srv, p;
  // 20:00 UTC on 31 January is 03:00 WIB on 1 February.
  before(async () => {
    srv = await startServer({ demo: true, env: { PENDOPO_LETTERS_KEY: letterKey(), PENDOPO_CLOCK: '2027-01-31T20:00:00Z' } });
    p = await officePeople(srv);
  });
  after(async () => { await srv.stop(); });

  it('counts an application sent at 03:00 WIB on 1 February in February', async () => {
    const id = await draft(p.applicant, { period_from: '2027-02-15', period_until: '2027-04-30', intro_date: '2027-01-25' });
    const r = await p.applicant.post(`/api/permits/${id}/submit`);
    assert.equal(r.status, 200, r.text);
    const s = await (await fetch(`${srv.url}/api/permits/stats?from=2027-02-01&to=2027-02-01`)).json();
    assert.deepEqual(s.by_month, [{ key: '2027-02', count: 1 }]);
    assert.deepEqual(s.by_institution, [{ key: 'Universitas Jenderal Soedirman', count: 1 }]);
    const jan = await (await fetch(`${srv.url}/api/permits/stats?from=2027-01-01&to=2027-01-31`)).json();
    assert.deepEqual(jan.by_month, [], 'not in January, as the UTC date would have it');
    assert.deepEqual(jan.by_institution, []);
  });
});

describe('research permits: files shared by content with other services', () => {
  let srv, p;
  before(async () => {
    srv = await startServer({ demo: true, env: { PENDOPO_LETTERS_KEY: letterKey() } });
    p = await officePeople(srv);
  });
  after(async () => { await srv.stop(); });

  // Photos are made again by one encoder, so the same picture sent as a KTP
  // and as a complaint photo is one stored file.
  it('keeps a KTP photo when a never-attached complaint photo of the same bytes is collected', async () => {
    const id = (await p.applicant.post('/api/permits', application())).json.permit.id;
    assert.equal((await upload(p.applicant, id, 'id_card', JPEG_2X2, 'image/jpeg')).status, 201);
    const ktp = await bytes(p.applicant, `/api/permits/${id}/documents/id_card`);
    assert.equal(ktp.status, 200);
    const photo = await fetch(`${srv.url}/api/complaints/photos`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: JPEG_2X2 });
    assert.equal(photo.status, 201, await photo.text());
    const before = storedCount(srv);
    // Two days on, the complaint side collects its unattached upload.
    const later = new Date(Date.now() + 2 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
    srv.cli(['tick', '--clock', later, '--data-dir', join(srv.dir, 'data')]);
    const again = await bytes(p.applicant, `/api/permits/${id}/documents/id_card`);
    assert.equal(again.status, 200, 'the KTP is still there');
    assert.deepEqual(again.body, ktp.body);
    assert.equal(storedCount(srv), before, 'no file was removed');
    // A photo nobody else stored is collected.
    const own = await fetch(`${srv.url}/api/complaints/photos`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png() });
    assert.equal(own.status, 201);
    assert.equal(storedCount(srv), before + 1);
    srv.cli(['tick', '--clock', new Date(Date.now() + 4 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z'), '--data-dir', join(srv.dir, 'data')]);
    assert.equal(storedCount(srv), before, 'the unattached photo is gone');
  });

  it('removes a draft untouched for 90 days with its documents, keeping files a submitted application names', async () => {
    const abandoned = await draft(p.applicant);
    const kept = await draft(p.other);
    assert.equal((await p.other.post(`/api/permits/${kept}/submit`)).status, 200);
    const before = storedCount(srv);
    srv.cli(['tick', '--clock', new Date(Date.now() + 91 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z'),
      '--data-dir', join(srv.dir, 'data')]);
    assertError(await p.applicant.get(`/api/permits/${abandoned}`), 404, 'not_found');
    assert.equal((await p.applicant.get('/api/permits/mine')).json.items.length, 0, 'both drafts of hers are gone');
    assert.equal((await p.other.get(`/api/permits/${kept}`)).status, 200, 'a submitted application stays');
    assert.equal((await bytes(p.other, `/api/permits/${kept}/documents/proposal`)).status, 200, 'with its files');
    // Only the earlier draft's KTP photo was nobody else's.
    assert.equal(storedCount(srv), before - 1);
  });
});
