// The satisfaction survey (IKM): a closed complaint and a finished queue
// visit offer a one-time survey; one response per transaction; a link used
// twice, someone else's link, a kiosk code used twice and a device over its
// limit are refused with the database unchanged; the unit's figures, CSV
// and PDF report.  Expected figures are worked out by hand in the comments.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Client, startServer } from '../lib/server.mjs';
import { assertError, cliUser } from './util.mjs';
import { people, complaint, submit } from './complaints_fixtures.mjs';

// Monday 7 December 2026, 09:30 WIB: Poli Umum of the demo puskesmas is open.
const CLOCK = '2026-12-07T02:30:00Z';
const PERIOD = '2026-S2';

// Answers q1..q9 of a response.
const answers = (q, extra = {}) => ({ ...Object.fromEntries(q.map((v, i) => [`q${i + 1}`, v])), ...extra });

describe('satisfaction survey', () => {
  let srv, p, kapus, petugas;

  // What a refused input must leave as it was.
  function snapshot() {
    const sql = 'SELECT (SELECT count(*) FROM survey_responses) || \'/\' ||'
      + ' (SELECT count(*) FROM survey_offers WHERE answered_at IS NOT NULL) || \'/\' ||'
      + ' (SELECT count(*) FROM survey_codes WHERE used_at IS NOT NULL) || \'/\' ||'
      + ' (SELECT coalesce(sum(n), 0) + coalesce(sum(s1 + s9 + tsq), 0) FROM survey_daily) || \'/\' ||'
      + ' (SELECT count(*) FROM survey_rate) || \'/\' || (SELECT coalesce(sum(hits), 0) FROM survey_rate)';
    return (srv.db.startsWith('postgres')
      ? execFileSync('psql', [srv.db, '-At', '-c', sql], { encoding: 'utf8' })
      : execFileSync('sqlite3', [srv.db, sql], { encoding: 'utf8' })).trim();
  }
  async function unchanged(call, status, code, field) {
    const before = snapshot();
    assertError(await call(), status, code, field);
    assert.equal(snapshot(), before, `database unchanged after ${status} ${code}`);
  }

  const act = (c, no, action, body = {}) => c.post(`/api/complaints/${no}/actions/${action}`, body);

  // A complaint filed by citizen, handed to PUPR, answered and closed by its reporter.
  async function closedComplaint(citizen) {
    const no = (await submit(citizen, complaint())).complaint.tracking;
    assert.equal((await act(p.desk, no, 'disposition', { unit: 'PUPR' })).status, 200);
    assert.equal((await act(p.pupr, no, 'answer', { text: 'Sudah kami tambal.' })).status, 200);
    const r = await act(citizen, no, 'close');
    assert.equal(r.status, 200, r.text);
    return no;
  }

  async function offerLink(citizen, ref) {
    const n = await citizen.get('/api/notifications');
    const item = n.json.items.find((i) => i.topic === 'survey.offered' && i.data.ref === ref);
    assert.ok(item, `survey offered for ${ref}: ${n.text}`);
    const m = /^\/survei\/\?t=([A-Za-z0-9_-]{43})$/.exec(item.link);
    assert.ok(m, item.link);
    return m[1];
  }

  async function kiosk() {
    const c = new Client(srv.url);
    const r = await c.get('/api/survey/kiosk/PUPR');
    assert.equal(r.status, 200, r.text);
    const m = /pendopo_kiosk=([^;]+)/.exec(r.headers.get('set-cookie') || '');
    assert.ok(m, 'the kiosk page gives the device a cookie');
    const headers = { cookie: `pendopo_kiosk=${m[1]}` };
    return { post: (body) => c.post('/api/survey/kiosk/PUPR', body, headers), headers };
  }

  before(async () => {
    srv = await startServer({ demo: true, env: { PENDOPO_CLOCK: CLOCK } });
    p = await people(srv);
    kapus = await cliUser(srv, 'unit_head', ['--unit', 'PKM-KEMANGKON']);
    petugas = await cliUser(srv, 'officer', ['--unit', 'PKM-KEMANGKON']);
  });
  after(async () => { await srv?.stop(); });

  it('a closed complaint offers its reporter one survey: answered once, by them only', async () => {
    const { citizen, other } = p;
    const no = await closedComplaint(citizen);
    const token = await offerLink(citizen, no);

    const form = await citizen.get(`/api/survey/links/${token}`);
    assert.equal(form.status, 200, form.text);
    assert.equal(form.json.unit.code, 'PUPR', 'the unit that answered the complaint');
    assert.equal(form.json.ref, no);
    assert.equal(form.json.answered, false);
    assert.equal(form.json.questions.length, 9);
    assert.equal(form.json.questions[3].key, 'biaya');
    assert.deepEqual(form.json.questions[3].options.map((o) => o.id), ['Sangat mahal', 'Cukup mahal', 'Murah', 'Gratis']);
    assert.equal(form.json.questions[7].options[3].id, 'Dikelola dengan baik');

    // someone else, logged in, may neither read nor answer it
    assertError(await other.get(`/api/survey/links/${token}`), 403, 'forbidden');
    await unchanged(() => other.post(`/api/survey/links/${token}`, answers([4, 4, 4, 4, 4, 4, 4, 4, 4])), 403, 'forbidden');
    // bad answers change nothing
    await unchanged(() => citizen.post(`/api/survey/links/${token}`, answers([4, 4, 5, 4, 4, 4, 4, 4, 4])), 400, 'invalid', 'q3');
    await unchanged(() => citizen.post(`/api/survey/links/${token}`, answers([4, 4, 4, 4, 4, 4, 4, 4])), 400, 'invalid', 'q9');
    await unchanged(() => citizen.post(`/api/survey/links/${token}`, answers([4, 4, 4, 4, 4, 4, 4, 4, 4], { sex: 'x' })),
      400, 'invalid', 'sex');
    await unchanged(() => citizen.post(`/api/survey/links/${'A'.repeat(43)}`, answers([4, 4, 4, 4, 4, 4, 4, 4, 4])),
      404, 'not_found');

    // 4+4+3+4+3+4+4+2+3 = 31: IKM = 25 x 31 / 9 = 86.111... -> 86.11, B
    const ok = await citizen.post(`/api/survey/links/${token}`, answers([4, 4, 3, 4, 3, 4, 4, 2, 3],
      { age_group: '30_39', sex: 'p', education: 's1', occupation: 'wirausaha', comment: 'Cepat ditangani, terima kasih.' }));
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.unit.code, 'PUPR');

    await unchanged(() => citizen.post(`/api/survey/links/${token}`, answers([1, 1, 1, 1, 1, 1, 1, 1, 1])), 409, 'survey_answered');
    assert.equal((await citizen.get(`/api/survey/links/${token}`)).json.answered, true);

    const u = await new Client(srv.url).get(`/api/survey/units/PUPR?period=${PERIOD}`);
    assert.equal(u.status, 200, u.text);
    assert.equal(u.json.result.respondents, 1);
    assert.equal(u.json.result.transactions, 1);
    assert.equal(u.json.result.ikm, 86.11);
    assert.equal(u.json.result.grade, 'B');
    assert.equal(u.json.result.grade_name, 'Baik');
    assert.equal(u.json.result.sample_needed, 1, 'Krejcie-Morgan of 1: 3841 / 3841');
    assert.equal(u.json.result.representative, true);
    assert.equal(u.json.result.elements[7].nrr, 2);
    assert.deepEqual(u.json.result.weakest, ['pengaduan', 'waktu', 'produk']);
    assert.deepEqual(u.json.services.map((s) => s.code), ['complaint']);
    assert.equal(u.json.trend.length, 6);
    assert.deepEqual(u.json.trend.map((t) => t.period), ['2024-S1', '2024-S2', '2025-S1', '2025-S2', '2026-S1', '2026-S2']);
  });

  it('the kiosk: anonymous, one-time codes from the unit, limited per device', async () => {
    const { pupr, dinhub } = p;
    assertError(await pupr.post('/api/survey/units/PUPR/codes', { count: 0 }), 400, 'invalid', 'count');
    assertError(await dinhub.post('/api/survey/units/PUPR/codes', { count: 2 }), 403, 'forbidden');
    const made = await pupr.post('/api/survey/units/PUPR/codes', { count: 12 });
    assert.equal(made.status, 201, made.text);
    const codes = made.json.codes;
    assert.equal(codes.length, 12);
    assert.ok(codes.every((c) => /^[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$/.test(c)), codes.join());
    const other = await dinhub.post('/api/survey/units/DINHUB/codes', { count: 1 });

    const k = await kiosk();
    const all4 = answers([4, 4, 4, 4, 4, 4, 4, 4, 4]);
    // without the device cookie, with a code of another unit, an unknown code: refused
    await unchanged(() => new Client(srv.url).post('/api/survey/kiosk/PUPR', { code: codes[0], ...all4 }), 400, 'invalid', 'device');
    await unchanged(() => k.post({ code: other.json.codes[0], ...all4 }), 404, 'not_found', 'code');
    await unchanged(() => k.post({ code: 'ZZZZZ-ZZZZZ', ...all4 }), 404, 'not_found', 'code');
    await unchanged(() => k.post({ code: codes[0], ...all4, q1: 0 }), 400, 'invalid', 'q1');

    // as typed on a tablet: lower case, no dash
    const ok = await k.post({ code: codes[0].replace('-', '').toLowerCase(), ...all4 });
    assert.equal(ok.status, 201, ok.text);
    await unchanged(() => k.post({ code: codes[0], ...all4 }), 409, 'survey_code_used', 'code');

    // A device gets 4 responses a minute: nine quick ones span at most two
    // minutes, so one is refused - with nothing stored.
    const d = await kiosk();
    let refused = null;
    for (let i = 1; i < 10 && !refused; i++) {
      const before = snapshot();
      const r = await d.post({ code: codes[i], ...all4 });
      if (r.status === 429) {
        refused = r;
        assert.equal(snapshot(), before, 'a refused kiosk response stores nothing');
        assertError(r, 429, 'rate_limited');
        assert.ok(Number(r.headers.get('retry-after')) > 0);
      } else {
        assert.equal(r.status, 201, r.text);
      }
    }
    assert.ok(refused, 'the device was limited');
  });

  it('a finished queue visit offers the survey; its booking code answers at the kiosk once', async () => {
    const FC = 'PKM-KEMANGKON';
    const w = await petugas.post(`/api/queue/facilities/${FC}/walkins`, { service: 'UMU' });
    assert.equal(w.status, 201, w.text);
    const counters = (await petugas.get(`/api/queue/facilities/${FC}/counters`)).json.items;
    const reg = counters.find((k) => k.service?.code === 'REG' || k.service === 'REG');
    assert.ok(reg, JSON.stringify(counters));
    const base = `/api/queue/counters/${reg.id}`;
    assert.equal((await petugas.post(`${base}/open`, {})).status, 200);
    assert.equal((await petugas.post(`${base}/call`, {})).status, 200);
    const fin = await petugas.post(`${base}/finish`, {});
    assert.equal(fin.status, 200, fin.text);

    const c = new Client(srv.url);
    const g = await c.get(`/api/survey/kiosk/${FC}`);
    const headers = { cookie: `pendopo_kiosk=${/pendopo_kiosk=([^;]+)/.exec(g.headers.get('set-cookie'))[1]}` };
    assert.deepEqual(g.json.services, [{ code: 'UMU', name: 'Poli Umum' }]);
    // 3 x 9 = 27: IKM = 25 x 27 / 9 = 75.00, C
    const body = { code: w.json.booking.code, ...answers([3, 3, 3, 3, 3, 3, 3, 3, 3]) };
    const r = await c.post(`/api/survey/kiosk/${FC}`, body, headers);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.service, 'UMU');
    await unchanged(() => c.post(`/api/survey/kiosk/${FC}`, body, headers), 409, 'survey_answered');
    const u = (await c.get(`/api/survey/units/${FC}?period=2026-12`)).json;
    assert.equal(u.result.ikm, 75);
    assert.equal(u.result.grade, 'C');
    assert.equal(u.services[0].result.respondents, 1);
    // the finished visit's unit may read it; the ranking lists both units
    const rank = (await c.get(`/api/survey/ranking?period=${PERIOD}`)).json.items;
    assert.deepEqual(rank.map((i) => i.unit.code), ['PUPR', FC]);
    assert.equal(rank[0].rank, 1);
    assertError(await c.get('/api/survey/ranking?period=2026-S3'), 400, 'invalid', 'period');
  });

  it('figures: IKM of all PUPR responses, comments without identity, CSV, follow-up plan and the PDF report', async () => {
    const { pupr, puprHead, dinhub, admin } = p;
    // PUPR: one link response (sum 31) and the kiosk ones, all 4 (sum 36 each).
    const u = (await new Client(srv.url).get(`/api/survey/units/PUPR?period=${PERIOD}`)).json.result;
    const n = u.respondents;
    assert.ok(n >= 5 && n <= 10, `respondents ${n}`);
    // IKM = 25 (31 + 36 (n - 1)) / (9 n), rounded once to two decimals
    const exact = { 5: 97.22, 6: 97.69, 7: 98.02, 8: 98.26, 9: 98.46, 10: 98.61 }[n];
    assert.equal(u.ikm, exact);
    assert.equal(u.grade, 'A');
    assert.equal(u.transactions, 1, 'kiosk codes are not offers');
    assert.equal(u.sample_needed, n, 'the population is at least the respondents');

    const com = await pupr.get(`/api/survey/units/PUPR/comments?period=${PERIOD}`);
    assert.equal(com.status, 200, com.text);
    assert.deepEqual(com.json.items.map((i) => Object.keys(i).sort()), [['comment', 'day', 'service', 'service_name']]);
    assert.equal(com.json.items[0].comment, 'Cepat ditangani, terima kasih.');
    assertError(await dinhub.get(`/api/survey/units/PUPR/comments?period=${PERIOD}`), 403, 'forbidden');
    assertError(await new Client(srv.url).get(`/api/survey/units/PUPR/comments?period=${PERIOD}`), 401, 'unauthenticated');

    const csv = await new Client(srv.url).get(`/api/survey/units/PUPR/report.csv?period=${PERIOD}`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type'), /^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    assert.match(lines[0], /^periode,kode_unit,nama_unit,kode_layanan,nama_layanan,responden,transaksi,sampel_minimal,representatif,nrr_persyaratan,/);
    assert.match(lines[1], new RegExp(`^2026-S2,PUPR,Dinas Pekerjaan Umum dan Penataan Ruang,,Semua layanan,${n},1,${n},ya,4\\.000,`));
    assert.ok(lines[1].includes(`,${exact.toFixed(2)},A,`), lines[1]);
    assert.match(lines[2], /^2026-S2,PUPR,[^,]+,complaint,Pengaduan \(Matur Bupati\),1,1,1,ya,4\.000,4\.000,3\.000,4\.000,3\.000,4\.000,4\.000,2\.000,3\.000,86\.11,B,,$/);

    await unchanged(() => pupr.put('/api/survey/units/PUPR/followup', { period: '2026-S3', plan: 'x' }), 400, 'invalid', 'period');
    assertError(await dinhub.put('/api/survey/units/PUPR/followup', { period: PERIOD, plan: 'Bukan unit kami' }), 403, 'forbidden');
    const plan = 'Membuat kanal pengaduan yang dibalas dalam 1 hari kerja; papan informasi biaya di loket. '.repeat(40);
    const put = await puprHead.put('/api/survey/units/PUPR/followup', { period: PERIOD, plan });
    assert.equal(put.status, 200, put.text);
    assert.equal((await new Client(srv.url).get(`/api/survey/units/PUPR?period=${PERIOD}`)).json.followup.plan, plan);

    const pdf = await new Client(srv.url).req('GET', `/api/survey/units/PUPR/report.pdf?period=${PERIOD}`);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.ok(pdf.text.startsWith('%PDF-'), 'a PDF');
    assert.match(pdf.text, /\/Count 2/, 'the long plan takes a second page');
    const empty = await new Client(srv.url).req('GET', '/api/survey/units/DINHUB/report.pdf?period=2025');
    assert.equal(empty.status, 200, 'a unit without responses still gets its report');

    // the unit words a question its own way; the answers keep their scale
    const w = await puprHead.put('/api/survey/units/PUPR/wording', { element: 4, question: 'Apakah Anda dimintai biaya di luar ketentuan?' });
    assert.equal(w.status, 200, w.text);
    const kq = (await new Client(srv.url).get('/api/survey/kiosk/PUPR')).json.questions[3];
    assert.equal(kq.question.id, 'Apakah Anda dimintai biaya di luar ketentuan?');
    assert.deepEqual(kq.options.map((o) => o.value), [1, 2, 3, 4]);
    assertError(await puprHead.put('/api/survey/units/PUPR/wording', { element: 10, question: 'x' }), 400, 'invalid', 'element');
    const audit = (await admin.get('/api/audit?limit=10')).json.items.map((i) => i.action);
    assert.ok(audit.includes('survey.wording') && audit.includes('survey.followup'), audit.join());
  });

  it('IKM per unit and semester goes to Satu Data', async () => {
    srv.cli(['tick']);
    const r = await new Client(srv.url).get('/api/data/datasets/indeks-kepuasan-masyarakat-semester');
    assert.equal(r.status, 200, r.text);
    const res = r.json.dataset.resources[0];
    const rows = (await new Client(srv.url).get(`/api/data/resources/${res.id}/data.csv`)).text.trim().split('\n');
    assert.equal(rows[0].trim(), 'tahun,semester,kode_unit,nama_unit,responden,transaksi,sampel_minimal,ikm,mutu');
    assert.ok(rows.some((l) => /^2026,2,PKM-KEMANGKON,[^,]+,1,1,1,75(\.00)?,C/.test(l)), rows.join('\n'));
  });
});
