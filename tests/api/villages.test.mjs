// Desa Digital: every village's space from the register, operators and
// heads kept to their own village, the letter from request to a signed PDF
// whose QR verifies, numbering under concurrency, safe Markdown, the APBDes
// import, the regency's view and the dashboard tile.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client } from '../lib/server.mjs';
import { assertError, login } from './util.mjs';
import { letterKey } from './permits_fixtures.mjs';
import { VILLAGE, OTHER, PDF, villagePeople, request, upload, postRaw, bytes, submitted, act } from './villages_fixtures.mjs';

const YEAR = new Date(Date.now() + 7 * 3600000).getUTCFullYear();

describe('village spaces', () => {
  let srv, p;
  before(async () => {
    // 100 parallel letter requests from one account: above the abuse limits.
    srv = await startServer({ demo: true, env: { PENDOPO_LETTERS_KEY: letterKey(), PENDOPO_SUBMIT_PER_HOUR: '1000', PENDOPO_SUBMIT_PER_HOUR_ADDRESS: '1000' } });
    p = await villagePeople(srv);
    p.admin = await login(srv.url, 'admin@demo.pendopo.id', 'Demo-Pendopo-2026');
    p.regent = await login(srv.url, 'pimpinan@demo.pendopo.id', 'Demo-Pendopo-2026');
  });
  after(async () => { await srv.stop(); });

  it('gives every village of the regency its space from the register, and no other', async () => {
    const anon = new Client(srv.url);
    const list = await anon.get('/api/villages');
    assert.equal(list.status, 200);
    assert.equal(list.json.total, 239, 'Purbalingga has 239 villages and kelurahan in the register');
    assert.ok(list.json.items.every((v) => v.kode.startsWith('33.03.') && v.district.nama));
    // A village nobody has touched has its page all the same.
    const untouched = list.json.items.find((v) => v.kode === '33.03.18.2005') || list.json.items.at(-1);
    const r = await anon.get(`/api/villages/${untouched.kode}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.nama, untouched.nama);
    assert.equal(r.json.profile.complete, false);
    assert.deepEqual(r.json.news, []);
    const kinds = await anon.get('/api/villages/letter-kinds');
    assert.deepEqual(kinds.json.items.map((k) => k.code), ['domisili', 'usaha', 'tidak_mampu', 'pengantar_skck', 'kelahiran', 'kematian']);
    assertError(await anon.get('/api/villages/33.01.01.2001'), 404, 'not_found');	// another regency
    assertError(await anon.get('/api/villages/33.03.01'), 404, 'not_found');	// a district
  });

  it('lets an operator edit their own village and nothing else', async () => {
    let r = await p.operator.patch(`/api/villages/${VILLAGE}/profile`, { head_name: 'Sutrisno', email: 'desa@kedungbenda.id',
      population: 5300, lat: -7.45, lon: 109.31 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.profile.population, 5300);
    assert.equal(r.json.profile.email, 'desa@kedungbenda.id');
    assertError(await p.operator.patch(`/api/villages/${VILLAGE}/profile`, { lat: 12 }), 400, 'invalid', 'lat');

    // Village B's pages, data and letters are out of reach.
    assertError(await p.operator.patch(`/api/villages/${OTHER}/profile`, { head_name: 'X' }), 403, 'forbidden');
    assertError(await p.operator.post(`/api/villages/${OTHER}/posts`, { kind: 'news', title: 'X', body: 'Y' }), 403, 'forbidden');
    assertError(await p.operator.put(`/api/villages/${OTHER}/budget/${YEAR}`, { lines: [] }), 403, 'forbidden');
    assertError(await postRaw(p.operator, `/api/villages/${OTHER}/budget/${YEAR}/import`, 'akun,uraian,anggaran\n4.1,PAD,1\n'), 403, 'forbidden');
    assertError(await p.operator.post(`/api/villages/${OTHER}/budget/${YEAR}/publish`, { published: true }), 403, 'forbidden');
    assertError(await p.operator.get(`/api/villages/${OTHER}/letters`), 403, 'forbidden');
    // The head of B may not approve, nor see, A's letters; B's operator may not verify them.
    const id = await submitted(p.citizen);
    assertError(await act(p.otherOperator, id, 'verify'), 404, 'not_found');
    assert.equal((await act(p.operator, id, 'verify')).status, 200);
    assertError(await act(p.otherHead, id, 'approve'), 404, 'not_found');
    assertError(await p.otherHead.get(`/api/village-letters/${id}/letter.pdf`), 404, 'not_found');
    // A's operator may not approve in the head's place.
    assertError(await act(p.operator, id, 'approve'), 403, 'forbidden');
    // Nor may a citizen edit a village.
    assertError(await p.citizen.patch(`/api/villages/${VILLAGE}/profile`, { head_name: 'X' }), 403, 'forbidden');
  });

  it('grants the village head\'s role to accounts of one village only, never to an API key', async () => {
    assertError(await p.admin.post('/api/users', { name: 'Kades', email: `kades${Date.now()}@x.id`, password: 'Rahasia-123',
      roles: [{ role: 'village_head' }] }), 400, 'invalid', 'roles');
    assertError(await p.admin.post('/api/users', { name: 'Kades', email: `kades${Date.now()}@x.id`, password: 'Rahasia-123',
      roles: [{ role: 'village_head', village: '33.03.01' }] }), 400, 'invalid', 'roles');
    assertError(await p.admin.post('/api/apikeys', { name: 'kades', role: 'village_head' }), 400, 'invalid', 'role');
    const me = await p.head.get('/api/me');
    assert.deepEqual(me.json.user.roles.map((g) => [g.role, g.village?.kode]), [['village_head', VILLAGE]]);
  });

  it('takes a request from draft to a signed letter the citizen downloads and anyone verifies', async () => {
    let r = await p.citizen.post(`/api/villages/${VILLAGE}/letters`, request({ kind: 'usaha', fields: { nama_usaha: 'Gula Kelapa Siti' } }));
    assert.equal(r.status, 201, r.text);
    const id = r.json.request.id;
    assert.equal(r.json.request.state, 'draft');
    // Incomplete: the kind's fields and files first.
    assertError(await p.citizen.post(`/api/village-letters/${id}/submit`), 400, 'incomplete', 'fields.jenis_usaha');
    r = await p.citizen.patch(`/api/village-letters/${id}`, { fields: { jenis_usaha: 'Produksi gula', alamat_usaha: 'RT 01 RW 02' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.request.fields.nama_usaha, 'Gula Kelapa Siti');
    assertError(await p.citizen.post(`/api/village-letters/${id}/submit`), 400, 'incomplete', 'attachments.ktp');
    assertError(await upload(p.citizen, `/api/village-letters/${id}/attachments/ktp`, Buffer.from('not a pdf')), 400, 'not_pdf');
    assert.equal((await upload(p.citizen, `/api/village-letters/${id}/attachments/ktp`, PDF)).status, 201);
    r = await p.citizen.post(`/api/village-letters/${id}/submit`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.request.state, 'checking');
    assert.match(r.json.request.tracking, /^SD-\d{4}-\d{6}$/);

    // The operator returns it with a note; the citizen fixes and resubmits.
    assertError(await act(p.operator, id, 'return'), 400, 'invalid', 'text');
    r = await act(p.operator, id, 'return', { text: 'Foto KTP buram, unggah ulang.' });
    assert.equal(r.json.request.state, 'incomplete');
    r = await p.citizen.get(`/api/village-letters/${id}`);
    assert.ok(r.json.timeline.some((e) => e.text === 'Foto KTP buram, unggah ulang.'), 'the citizen sees the note');
    assert.equal((await upload(p.citizen, `/api/village-letters/${id}/attachments/ktp`, Buffer.concat([PDF, Buffer.from('%2\n')]))).status, 201);
    r = await act(p.citizen, id, 'resubmit');
    assert.equal(r.json.request.state, 'checking', r.text);
    assertError(await upload(p.citizen, `/api/village-letters/${id}/attachments/ktp`, PDF), 409, 'conflict');

    // The operator verifies, the head approves: numbered, signed, ready.
    r = await act(p.operator, id, 'verify');
    assert.equal(r.json.request.state, 'signing');
    r = await act(p.head, id, 'approve');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.request.state, 'ready');
    const letter = r.json.letter;
    assert.match(letter.number, new RegExp(`^503/\\d{3}/3303012001/[IVX]+/${YEAR}$`));

    // The citizen is told, and downloads the PDF; its QR verifies.
    const note = await p.citizen.get('/api/notifications');
    assert.ok(note.json.items.some((n) => n.topic === 'village_letter.ready'), JSON.stringify(note.json.items.map((n) => n.topic)));
    const pdf = await bytes(p.citizen, letter.pdf);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.body.subarray(0, 5).toString(), '%PDF-');
    const file = join(srv.dir, 'village-letter.pdf');
    writeFileSync(file, pdf.body);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    for (const s of ['SURAT KETERANGAN USAHA', 'PEMERINTAH DESA KEDUNGBENDA', 'Siti Warga', '3303014101900001',
      'Gula Kelapa Siti', 'Sutrisno Kepala Desa', letter.number])
      assert.ok(text.includes(s), `the letter shows ${s}`);
    execFileSync('pdftoppm', ['-png', '-r', '150', file, join(srv.dir, 'vpage')]);
    const pages = readdirSync(srv.dir).filter((f) => /^vpage-\d+\.png$/.test(f)).map((f) => join(srv.dir, f));
    const qr = spawnSync('zbarimg', ['-q', '--raw', ...pages], { encoding: 'utf8' }).stdout.trim();
    assert.ok(qr.startsWith(letter.url), `QR ${qr} leads to ${letter.url}`);
    // The QR's token is random, never the request's or the letter's id.
    const token = letter.url.split('/v/')[1];
    assert.match(token, /^[A-Za-z0-9_-]{20,}$/);
    assert.ok(!token.includes(String(id)) || token.length > 20);
    const v = await new Client(srv.url).get(`/api/letters/verify/${token}`);
    assert.equal(v.status, 200, v.text);
    assert.equal(v.json.status, 'valid');
    assert.ok(!JSON.stringify(v.json).includes('3303014101900001'), 'the public page does not show the NIK');
    // Nobody else downloads it; the collected state closes it.
    assertError(await p.stranger.get(letter.pdf), 404, 'not_found');
    r = await act(p.operator, id, 'collect');
    assert.equal(r.json.request.state, 'collected');
  });

  it('numbers 100 parallel approvals consecutively, per village, and an abandoned request takes no number', async () => {
    const ids = [];
    for (let i = 0; i < 100; i++) ids.push(await submitted(p.citizen, VILLAGE, { kind: 'tidak_mampu' }));
    await Promise.all(ids.map(async (id) => assert.equal((await act(p.operator, id, 'verify')).status, 200)));
    // One abandoned after verification, one never submitted: neither numbered.
    const abandoned = await submitted(p.citizen, VILLAGE, { kind: 'tidak_mampu' });
    assert.equal((await act(p.operator, abandoned, 'verify')).status, 200);
    assert.equal((await act(p.citizen, abandoned, 'cancel')).json.request.state, 'cancelled');
    const results = await Promise.all(ids.map((id) => act(p.head, id, 'approve')));
    const numbers = results.map((r) => { assert.equal(r.status, 200, r.text); return r.json.letter.number; });
    const seqs = numbers.map((n) => Number(n.split('/')[1])).sort((a, b) => a - b);
    assert.deepEqual(seqs, Array.from({ length: 100 }, (_, i) => i + 1), 'distinct and consecutive from 001');
    // The next one follows on: the cancelled request took none.
    const next = await submitted(p.citizen, VILLAGE, { kind: 'tidak_mampu' });
    await act(p.operator, next, 'verify');
    assert.match((await act(p.head, next, 'approve')).json.letter.number, /^401\/101\//);
    // Another village counts on its own.
    const there = await submitted(p.citizen, OTHER, { kind: 'tidak_mampu', address: 'Serang' });
    await act(p.otherOperator, there, 'verify');
    assert.match((await act(p.otherHead, there, 'approve')).json.letter.number, /^401\/001\/3303102001\//);
    // The inbox filters by state.
    const inbox = await p.operator.get(`/api/villages/${VILLAGE}/letters?status=ready`);
    assert.ok(inbox.json.items.length >= 101 || inbox.json.items.length === 200);
    assert.ok(inbox.json.items.every((i) => i.state === 'ready'));
  });

  it('renders Markdown harmless: no script, no javascript: link, no event attribute', async () => {
    const body = 'Halo **warga**\n\n<script>alert(1)</script>\n\n[klik](javascript:alert(1)) '
      + '<img src=x onerror="alert(1)"> ![x](javascript:alert(2))\n\n<a href="https://x.id" onclick="alert(3)">a</a>';
    const r = await p.operator.post(`/api/villages/${VILLAGE}/posts`, { kind: 'news', title: 'Uji', body });
    assert.equal(r.status, 201, r.text);
    const html = r.json.post.html;
    assert.match(html, /<strong>warga<\/strong>/);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /javascript:/i);
    assert.doesNotMatch(html, /onerror|onclick/i);
    assert.doesNotMatch(html, /<img src="x"/i);
    // Public, and listed on the village's page.
    const pub = await new Client(srv.url).get(`/api/villages/${VILLAGE}/posts/${r.json.post.id}`);
    assert.equal(pub.json.post.html, html);
    // A draft is the operators' only.
    const d = await p.operator.post(`/api/villages/${VILLAGE}/posts`, { kind: 'announcement', title: 'Draf', body: 'x', published: false });
    assertError(await new Client(srv.url).get(`/api/villages/${VILLAGE}/posts/${d.json.post.id}`), 404, 'not_found');
    assert.equal((await p.operator.patch(`/api/villages/${VILLAGE}/posts/${d.json.post.id}`, { published: true })).json.post.published_at !== null, true);
  });

  it('imports an APBDes CSV all or nothing, every error with row and column', async () => {
    const path = `/api/villages/${VILLAGE}/budget/2025`;
    const bad = 'akun,uraian,anggaran,realisasi\n4.1,Pendapatan Asli Desa,150000000,120000000\n'
      + '4.2,Pendapatan Transfer,1.250.000.000,0\n7.1,Akun asing,5,\n5.2,,10,x\n';
    let r = await postRaw(p.operator, `${path}/import`, bad);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.code, 'invalid_rows');
    const errs = r.json.errors.map((e) => `${e.row}:${e.column}`);
    assert.deepEqual(errs, ['3:anggaran', '4:akun', '5:realisasi'], JSON.stringify(r.json.errors));
    assertError(await p.operator.get(path), 404, 'not_found', null);

    const good = 'akun,uraian,anggaran,realisasi\n4.1,Pendapatan Asli Desa,150000000,120000000\n'
      + '4.2,Pendapatan Transfer,1250000000,1100000000\n5.1,,500000000,400000000\n5.2.1,"Jalan desa, RT 01",700000000,650000000\n'
      + '6.1,SiLPA,10000000,10000000\n';
    r = await postRaw(p.operator, `${path}/import`, good);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.budget.lines.length, 5);
    assert.equal(r.json.budget.summary.income_budget, 1400000000);
    assert.equal(r.json.budget.summary.expenditure_realised, 1050000000);
    assert.equal(r.json.budget.lines.find((l) => l.account === '5.1').name, 'Bidang Penyelenggaraan Pemerintahan Desa');
    // Not public until published.
    assertError(await new Client(srv.url).get(path), 404, 'not_found');
    r = await p.operator.post(`${path}/publish`, { published: true });
    assert.ok(r.json.budget.published_at);
    const pub = await new Client(srv.url).get(path);
    assert.equal(pub.status, 200);
    const csv = await new Client(srv.url).get(`${path}/csv`);
    assert.match(csv.headers.get('content-type'), /text\/csv/);
    assert.ok(csv.text.includes('"Jalan desa, RT 01",700000000,650000000'));
    // The form takes the same lines, with the same checks.
    r = await p.operator.put(path, { lines: [{ account: '4.1', name: 'PAD', budget: -1 }] });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json.errors.map((e) => `${e.row}:${e.column}`), ['1:budget']);
    assert.equal((await new Client(srv.url).get(path)).json.budget.lines.length, 5, 'nothing changed');
  });

  it('shows the regency which villages are active, and the Regent a villages tile', async () => {
    const ov = await p.regent.get('/api/villages/overview');
    assert.equal(ov.status, 200, ov.text);
    assert.equal(ov.json.items.length, 239);
    const a = ov.json.items.find((i) => i.kode === VILLAGE);
    assert.ok(a.active && a.profile_complete && a.news_30d > 0 && a.letters_30d >= 101, JSON.stringify(a));
    const quiet = ov.json.items.find((i) => i.kode === '33.03.18.2005') || ov.json.items.at(-1);
    assert.equal(quiet.score, 0);
    assert.equal(ov.json.summary.villages, 239);
    const csv = await p.regent.get('/api/villages/overview?format=csv');
    assert.equal(csv.text.trim().split('\n').length, 240);
    assertError(await p.operator.get('/api/villages/overview'), 403, 'forbidden');
    const dash = await p.regent.get('/api/dashboard');
    assert.equal(dash.status, 200);
    assert.deepEqual(dash.json.villages.villages, ov.json.summary.villages);
    assert.equal(dash.json.villages.active, ov.json.summary.active);
  });
});

describe('village letter numbers at the turn of the year', () => {
  let first, srv, p;
  const key = letterKey();
  after(async () => { await srv?.stop(); });

  it('restart from 001 in the new year, the old year\'s numbers kept', async () => {
    first = await startServer({ keep: true, env: { PENDOPO_LETTERS_KEY: key, PENDOPO_CLOCK: '2026-12-31T08:00:00Z' } });
    p = await villagePeople(first);
    const approve = async (id) => {
      assert.equal((await act(p.operator, id, 'verify')).status, 200);
      const r = await act(p.head, id, 'approve');
      assert.equal(r.status, 200, r.text);
      return r.json.letter.number;
    };
    const a = await submitted(p.citizen);
    const b = await submitted(p.citizen);
    assert.equal(await approve(a), '474.4/001/3303012001/XII/2026');
    // Submitted in December, approved in January: numbered at approval.
    await first.stop();
    srv = await startServer({ db: first.db, env: { PENDOPO_LETTERS_KEY: key, PENDOPO_CLOCK: '2027-01-04T02:00:00Z' } });
    for (const c of Object.values(p)) c.base = srv.url;
    assert.equal(await approve(b), '474.4/001/3303012001/I/2027');
    const c = await submitted(p.citizen);
    assert.equal(await approve(c), '474.4/002/3303012001/I/2027');
  });
});
