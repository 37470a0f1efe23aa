// The BPJS Antrean Online interface (Mobile JKN → facility) under
// /antrol/{facility}/: the token, the FKTP set (puskesmas) and the FKRTL set
// (hospital).  Every answer is HTTP 200 with the BPJS envelope: success is
// exactly {"response": …, "metadata": {"code": 200, "message": "Ok"}},
// failure {"metadata": {"code": 201, "message": <the reason>}}.
//
// The service clock starts at Tuesday 2026-12-01 07:00 WIB.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { cliUser } from './util.mjs';

const PKM = 'PKM-ANTROL';
const RS = 'RSUD-ANTROL';
const TODAY = '2026-12-01';
const nik = (n) => `330301010190${String(n).padStart(4, '0')}`;
const card = (n) => `000${String(n).padStart(10, '0')}`;

function assertOk(res) {
  assert.equal(res.status, 200);
  assert.deepEqual(Object.keys(res.json), ['response', 'metadata'], res.text);
  assert.deepEqual(res.json.metadata, { code: 200, message: 'Ok' });
  return res.json.response;
}

function assertFail(res, message) {
  assert.equal(res.status, 200);
  assert.deepEqual(Object.keys(res.json), ['metadata'], res.text);
  assert.equal(res.json.metadata.code, 201, res.text);
  assert.equal(typeof res.json.metadata.message, 'string');
  if (message instanceof RegExp) assert.match(res.json.metadata.message, message);
  else assert.equal(res.json.metadata.message, message);
}

describe('antrol', () => {
  let srv;
  const tokens = {};

  async function call(fc, method, path, body, headers) {
    const h = headers || { 'x-token': tokens[fc], 'x-username': 'mobilejkn' };
    const init = { method, headers: { ...h } };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(`${srv.url}/antrol/${fc}/${path}`, init);
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, json, text };
  }

  before(async () => {
    // Behind the regency's proxy: a guesser's address is its X-Forwarded-For.
    srv = await startServer({ env: { PENDOPO_CLOCK: '2026-12-01T00:00:00Z', PENDOPO_TRUSTED_PROXIES: '127.0.0.1' } });
    const admin = await cliUser(srv, 'admin');
    const setup = async (code, kind, type, services, doctors, schedules) => {
      assert.equal((await admin.post('/api/orgs', { code, name: `Faskes ${code}`, kind })).status, 201);
      assert.equal((await admin.put(`/api/queue/facilities/${code}`, { type, booking_closes_days: 0, booking_closes_at: '10:00' })).status, 201);
      for (const s of services) assert.equal((await admin.post(`/api/queue/facilities/${code}/services`, s)).status, 201);
      for (const d of doctors) assert.equal((await admin.post(`/api/queue/facilities/${code}/doctors`, d)).status, 201);
      for (const s of schedules) assert.equal((await admin.post(`/api/queue/facilities/${code}/schedules`, s)).status, 201);
    };
    await setup(PKM, 'health_facility', 'fktp', [{ code: 'UMU', name: 'Poli Umum', kind: 'poli', prefix: 'A' }], [],
      [{ service: 'UMU', weekdays: [1, 2, 3, 4, 5, 6], start: '08:00', end: '12:00', quota_jkn_online: 3, quota_non_online: 3 }]);
    await setup(RS, 'hospital', 'fkrtl', [{ code: 'INT', name: 'Poli Penyakit Dalam', kind: 'poli', prefix: 'A', avg_service_min: 12 }],
      [{ code: '31001', name: 'dr. Bambang, Sp.PD' }],
      [{ service: 'INT', doctor: '31001', weekdays: [1, 2, 3, 4, 5], start: '08:00', end: '12:00', quota_jkn_online: 20, quota_non_online: 5 }]);
    for (const fc of [PKM, RS]) {
      srv.cli(['antrol-user', 'add', '--facility', fc, '--username', 'mobilejkn', '--password', 'Rahasia-Antrol-1']);
    }
  });
  after(async () => { await srv?.stop(); });

  it('token: the right username and password get one; anything else gets 201', async () => {
    assertFail(await call(PKM, 'GET', 'token', undefined, {}), 'Username atau password tidak sesuai');
    assertFail(await call(PKM, 'GET', 'token', undefined, { 'x-username': 'mobilejkn', 'x-password': 'salah-sekali' }),
      'Username atau password tidak sesuai');
    assertFail(await call(PKM, 'GET', 'token', undefined, { 'x-username': 'orang-lain', 'x-password': 'Rahasia-Antrol-1' }),
      'Username atau password tidak sesuai');
    assertFail(await call('PKM-TIDAK-ADA', 'GET', 'token', undefined, { 'x-username': 'mobilejkn', 'x-password': 'Rahasia-Antrol-1' }),
      'Faskes tidak terdaftar di Simantri');
    for (const fc of [PKM, RS]) {
      const r = assertOk(await call(fc, 'GET', 'token', undefined, { 'x-username': 'mobilejkn', 'x-password': 'Rahasia-Antrol-1' }));
      assert.equal(typeof r.token, 'string');
      assert.ok(r.token.length >= 40);
      tokens[fc] = r.token;
    }
    // A token is for its own facility only.
    assertFail(await call(RS, 'GET', `antrean/status/UMU/${TODAY}`, undefined, { 'x-token': tokens[PKM], 'x-username': 'mobilejkn' }),
      'Token Expired');
  });

  it('token: 5 wrong passwords lock that address out for a while, not BPJS', async () => {
    const guess = (password, ip = '198.51.100.66') =>
      call(PKM, 'GET', 'token', undefined, { 'x-username': 'mobilejkn', 'x-password': password, 'x-forwarded-for': ip });
    for (let i = 0; i < 5; i++) assertFail(await guess(`tebakan-${i}`), 'Username atau password tidak sesuai');
    const locked = await guess('Rahasia-Antrol-1');
    assertFail(locked, /^Terlalu banyak percobaan yang gagal, coba lagi dalam \d+ menit$/);
    assert.match(locked.headers.get('retry-after') || '', /^\d+$/);
    // Another facility, and BPJS's own address, are untouched.
    assertOk(await call(RS, 'GET', 'token', undefined, { 'x-username': 'mobilejkn', 'x-password': 'Rahasia-Antrol-1', 'x-forwarded-for': '198.51.100.66' }));
    assertOk(await guess('Rahasia-Antrol-1', '203.0.113.10'));
  });

  it('a bad or missing token is 201 "Token Expired" on every endpoint', async () => {
    const bad = { 'x-token': 'bukan-token', 'x-username': 'mobilejkn' };
    const calls = [
      [PKM, 'GET', `antrean/status/UMU/${TODAY}`], [PKM, 'POST', 'antrean', {}],
      [PKM, 'GET', `antrean/sisapeserta/${card(1)}/UMU/${TODAY}`], [PKM, 'PUT', 'antrean/batal', {}],
      [RS, 'POST', 'statusantrean', {}], [RS, 'POST', 'ambilantrean', {}], [RS, 'POST', 'sisaantrean', {}],
      [RS, 'POST', 'batalantrean', {}], [RS, 'POST', 'checkinantrean', {}],
    ];
    for (const [fc, m, p, b] of calls) {
      assertFail(await call(fc, m, p, b, bad), 'Token Expired');
      assertFail(await call(fc, m, p, b, { 'x-username': 'mobilejkn' }), 'Token Expired');
      assertFail(await call(fc, m, p, b, { 'x-token': tokens[fc], 'x-username': 'orang-lain' }), 'Token Expired');
    }
  });

  it('an unknown path or a wrong method under /antrol/ is answered in the envelope too, with HTTP 200', async () => {
    const h = { 'x-token': tokens[PKM], 'x-username': 'mobilejkn' };
    assertFail(await call(PKM, 'GET', 'antrean/tidakada', undefined, h), /no such endpoint/);
    assertFail(await call(PKM, 'GET', 'tidak/ada/sama/sekali', undefined, h), /no such endpoint/);
    const wrong = await call(PKM, 'DELETE', 'antrean', undefined, h);
    assertFail(wrong, /DELETE is not allowed here; use POST/);
    assert.match(wrong.headers.get('allow'), /POST/);
  });

  it('FKTP: status, take a number, remaining, cancel', async () => {
    const status = assertOk(await call(PKM, 'GET', 'antrean/status/UMU/2026-12-02'));
    assert.deepEqual(status, { namapoli: 'Poli Umum', totalantrean: 0, sisaantrean: 0, antreanpanggil: '-', keterangan: '' });

    const body = { nomorkartu: card(1), nik: nik(1), nohp: '081234567890', kodepoli: 'UMU', norm: '123456',
      tanggalperiksa: '2026-12-02', kodedokter: 0, jampraktek: '08:00-12:00', keluhan: 'Batuk' };
    const taken = assertOk(await call(PKM, 'POST', 'antrean', body));
    assert.equal(taken.nomorantrean, 'A-001');
    assert.equal(taken.angkaantrean, 1);
    assert.equal(taken.namapoli, 'Poli Umum');
    assert.equal(taken.totalantrean, 1);
    assert.equal(taken.sisaantrean, 1);
    assert.equal(typeof taken.keterangan, 'string');
    assertFail(await call(PKM, 'POST', 'antrean', body), /Peserta sudah terdaftar di Poli Umum pada tanggal 2026-12-02/);

    const left = assertOk(await call(PKM, 'GET', `antrean/sisapeserta/${card(1)}/UMU/2026-12-02`));
    assert.equal(left.nomorantrean, 'A-001');
    assert.equal(left.sisaantrean, 0);
    assertFail(await call(PKM, 'GET', `antrean/sisapeserta/${card(2)}/UMU/2026-12-02`), 'Antrean tidak ditemukan');

    const cancelled = await call(PKM, 'PUT', 'antrean/batal', { tanggalperiksa: '2026-12-02', kodepoli: 'UMU', nomorkartu: card(1), alasan: 'Sembuh' });
    assert.equal(assertOk(cancelled), null);
    assertFail(await call(PKM, 'PUT', 'antrean/batal', { tanggalperiksa: '2026-12-02', kodepoli: 'UMU', nomorkartu: card(1) }),
      'Antrean tidak ditemukan');
    assert.equal(assertOk(await call(PKM, 'GET', 'antrean/status/UMU/2026-12-02')).totalantrean, 0);
  });

  it('FKTP: remaining counts the live bookings ahead of the card', async () => {
    const date = '2026-12-04';
    const take = (n) => call(PKM, 'POST', 'antrean', { nomorkartu: card(n), nik: nik(n), nohp: '081234567890', kodepoli: 'UMU',
      norm: '', tanggalperiksa: date, kodedokter: 0, jampraktek: '08:00-12:00', keluhan: '' });
    const remaining = (n) => call(PKM, 'GET', `antrean/sisapeserta/${card(n)}/UMU/${date}`);
    for (const n of [30, 31, 32]) assertOk(await take(n));
    for (const [n, label, ahead] of [[30, 'A-001', 0], [31, 'A-002', 1], [32, 'A-003', 2]]) {
      assert.deepEqual(assertOk(await remaining(n)),
        { nomorantrean: label, namapoli: 'Poli Umum', sisaantrean: ahead, antreanpanggil: '-', keterangan: '' });
    }
    assertOk(await call(PKM, 'PUT', 'antrean/batal', { tanggalperiksa: date, kodepoli: 'UMU', nomorkartu: card(30), alasan: 'Sembuh' }));
    assertFail(await remaining(30), 'Antrean tidak ditemukan');
    assert.equal(assertOk(await remaining(31)).sisaantrean, 0);
    assert.equal(assertOk(await remaining(32)).sisaantrean, 1);
  });

  it('FKTP: each refusal says why', async () => {
    const base = { nomorkartu: card(10), nik: nik(10), nohp: '081298765432', kodepoli: 'UMU', norm: '', tanggalperiksa: '2026-12-03',
      kodedokter: 0, jampraktek: '08:00-12:00', keluhan: '' };
    assertFail(await call(PKM, 'POST', 'antrean', 'bukan json'), /Format request tidak sesuai/);
    assertFail(await call(PKM, 'POST', 'antrean', { ...base, kodepoli: 'XYZ' }), 'Poli tidak ditemukan');
    assertFail(await call(PKM, 'POST', 'antrean', { ...base, kodepoli: undefined }), 'Kode poli belum diisi');
    assertFail(await call(PKM, 'POST', 'antrean', { ...base, tanggalperiksa: '03-12-2026' }), /Format tanggal tidak sesuai/);
    assertFail(await call(PKM, 'POST', 'antrean', { ...base, tanggalperiksa: '2026-11-30' }), 'Tanggal periksa sudah lewat');
    assertFail(await call(PKM, 'POST', 'antrean', { ...base, tanggalperiksa: '2026-12-25' }), /tutup pada 2026-12-25: Hari libur nasional/);
    assertFail(await call(PKM, 'POST', 'antrean', { ...base, tanggalperiksa: '2026-12-06' }), /Tidak ada jadwal praktek/);
    assertFail(await call(PKM, 'POST', 'antrean', { ...base, tanggalperiksa: '2026-12-20' }), /baru dibuka 2026-12-13 pukul 06:00 WIB/);
    assertFail(await call(PKM, 'POST', 'antrean', { ...base, nik: '3303010101900000' }), /NIK tidak valid/);
    assertFail(await call(PKM, 'POST', 'antrean', { ...base, nomorkartu: '123' }), 'Nomor kartu BPJS harus 13 digit');
    assertFail(await call(PKM, 'POST', 'antrean', { ...base, nohp: '0812' }), 'Nomor HP harus 8 sampai 15 digit');
    assertFail(await call(PKM, 'POST', 'antrean', { ...base, jampraktek: '13:00-15:00' }), /Jadwal dokter atau jam praktek tidak ditemukan/);
    // the JKN online quota of this session is 3
    for (let i = 0; i < 3; i++) assertOk(await call(PKM, 'POST', 'antrean', { ...base, nomorkartu: card(20 + i), nik: nik(20 + i) }));
    assertFail(await call(PKM, 'POST', 'antrean', base), /Kuota online JKN Poli Umum pada 2026-12-03 \(jam 08:00\) sudah penuh/);
  });

  it('FKRTL: status with quotas, take a number, remaining, check in, cancel', async () => {
    const session = { kodepoli: 'INT', kodedokter: 31001, tanggalperiksa: TODAY, jampraktek: '08:00-12:00' };
    const status = assertOk(await call(RS, 'POST', 'statusantrean', session));
    assert.deepEqual(status, { namapoli: 'Poli Penyakit Dalam', totalantrean: 0, sisaantrean: 0, antreanpanggil: '-',
      namadokter: 'dr. Bambang, Sp.PD', sisakuotajkn: 20, kuotajkn: 20, sisakuotanonjkn: 5, kuotanonjkn: 5, keterangan: '' });
    assertFail(await call(RS, 'POST', 'statusantrean', { ...session, jampraktek: '08:00' }), /Format jam praktek/);
    assertFail(await call(RS, 'POST', 'statusantrean', { ...session, kodedokter: '99999' }), /Jadwal dokter tidak ditemukan/);

    const take = (n) => call(RS, 'POST', 'ambilantrean', { nomorkartu: card(n), nik: nik(n), nohp: '081234567890',
      kodepoli: 'INT', norm: `RM${n}`, tanggalperiksa: TODAY, kodedokter: 31001, jampraktek: '08:00-12:00',
      jeniskunjungan: 1, nomorreferensi: `REF${n}` });
    const a = assertOk(await take(1));
    assert.equal(a.nomorantrean, 'A-001');
    assert.equal(a.angkaantrean, 1);
    assert.equal(a.kodebooking.length, 10);
    assert.equal(a.norm, 'RM1');
    assert.equal(a.namadokter, 'dr. Bambang, Sp.PD');
    assert.equal(a.estimasidilayani, Date.parse('2026-12-01T01:00:00Z'));
    assert.deepEqual([a.sisakuotajkn, a.kuotajkn, a.sisakuotanonjkn, a.kuotanonjkn], [19, 20, 5, 5]);
    const b = assertOk(await take(2));
    assert.equal(b.nomorantrean, 'A-002');
    assert.equal(b.estimasidilayani, Date.parse('2026-12-01T01:12:00Z'));

    const left = assertOk(await call(RS, 'POST', 'sisaantrean', { kodebooking: b.kodebooking }));
    assert.equal(left.nomorantrean, 'A-002');
    assert.equal(left.sisaantrean, 1);
    assert.equal(left.antreanpanggil, '-');
    assert.ok(left.waktutunggu > 3600 && left.waktutunggu <= 72 * 60, `waktutunggu ${left.waktutunggu}`);
    assertFail(await call(RS, 'POST', 'sisaantrean', { kodebooking: 'TIDAKADA00' }), 'Antrean tidak ditemukan');

    // The FKTP read by card counts as the FKRTL read by booking code.
    for (const [n, x] of [[1, a], [2, b]]) {
      const byCard = assertOk(await call(RS, 'GET', `antrean/sisapeserta/${card(n)}/INT/${TODAY}`));
      const byCode = assertOk(await call(RS, 'POST', 'sisaantrean', { kodebooking: x.kodebooking }));
      assert.deepEqual([byCard.nomorantrean, byCard.sisaantrean, byCard.antreanpanggil, byCard.keterangan],
        [byCode.nomorantrean, byCode.sisaantrean, byCode.antreanpanggil, byCode.keterangan]);
    }

    assert.equal(assertOk(await call(RS, 'POST', 'checkinantrean', { kodebooking: a.kodebooking, waktu: Date.now() })), null);
    assertFail(await call(RS, 'POST', 'checkinantrean', { kodebooking: a.kodebooking, waktu: Date.now() }), 'Sudah check-in');
    assertFail(await call(RS, 'POST', 'checkinantrean', { kodebooking: b.kodebooking }), 'Waktu belum diisi');

    assert.equal(assertOk(await call(RS, 'POST', 'batalantrean', { kodebooking: b.kodebooking, keterangan: 'Berhalangan' })), null);
    assertFail(await call(RS, 'POST', 'batalantrean', { kodebooking: b.kodebooking, keterangan: 'Lagi' }), 'Antrean sudah dibatalkan');
    assertFail(await call(RS, 'POST', 'checkinantrean', { kodebooking: b.kodebooking, waktu: Date.now() }), 'Antrean sudah dibatalkan');
    const after = assertOk(await call(RS, 'POST', 'statusantrean', session));
    assert.equal(after.totalantrean, 1);
    assert.equal(after.sisakuotajkn, 19);
  });
});
