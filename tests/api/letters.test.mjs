// Letters through the API and the command line: the public keys; a letter
// issued by an administrator with `pendopo letters issue` (the only way to
// issue one until a service issues in its own flow - there is no public
// issuing route) verifies as valid on the page's API and offline with
// `pendopo letters verify`, and both say changed for one changed character;
// revoked after the issuer's officer revokes it (with its reason and date),
// expired after its validity; its PDF renders (pdftoppm), its text extracts
// with the Indonesian intact (pdftotext), and its QR decodes (zbarimg) to
// the verification URL with the signature; BSrE certification through a
// local stand-in; /v/{token} is the page.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, Client, BIN } from '../lib/server.mjs';
import { startBsre, BSRE_USER, BSRE_PASSWORD, BSRE_NIK, BSRE_PASSPHRASE, SIGNED_MARK } from '../lib/bsre.mjs';
import { assertError, cliUser } from './util.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURE = JSON.parse(readFileSync(join(HERE, 'fixtures', 'letter.json'), 'utf8'));
const BASE = 'https://layanan.purbalinggakab.example';

describe('letters', () => {
  let srv, work, key, keyId, bsre, officer, away, citizen;
  const dataDir = () => join(srv.dir, 'data');

  // `pendopo letters issue` of the fixture with changes; its printed JSON.
  function issue(changes = {}, extra = []) {
    const file = join(work, `letter-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({ ...FIXTURE, ...changes }));
    const out = execFileSync(BIN, ['letters', 'issue', file, '--db', srv.db, '--data-dir', dataDir(),
      '--letters-key', key, '--base-url', BASE, ...extra], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop());
  }

  // `pendopo letters verify` of a payload: its exit code and first line.
  function verifyOffline(payload) {
    const file = join(work, `payload-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(payload));
    const r = spawnSync(BIN, ['letters', 'verify', file, '--letters-key', key], { encoding: 'utf8' });
    return { code: r.status, status: r.stdout.split('\n')[0], out: r.stdout, err: r.stderr };
  }

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'pendopo-letters-'));
    key = join(work, 'keys', 'letters.key');
    const gen = execFileSync(BIN, ['letters', 'keygen', '--letters-key', key], { encoding: 'utf8' });
    keyId = /key id:\s+([0-9a-f]{16})/.exec(gen)[1];
    bsre = await startBsre();
    srv = await startServer({ demo: true, env: { PENDOPO_LETTERS_KEY: key, PENDOPO_BASE_URL: BASE,
      PENDOPO_BSRE_URL: bsre.url, PENDOPO_BSRE_USER: BSRE_USER, PENDOPO_BSRE_PASSWORD: BSRE_PASSWORD } });
    officer = await cliUser(srv, 'officer', ['--unit', 'KESBANGPOL']);
    away = await cliUser(srv, 'officer', ['--unit', 'DINKES']);
    citizen = await cliUser(srv, 'citizen');
  });
  after(async () => {
    await srv?.stop();
    await bsre?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('keygen writes the private key 0600 and refuses to overwrite it', () => {
    const mode = execFileSync('stat', ['-c', '%a', key], { encoding: 'utf8' }).trim();
    assert.equal(mode, '600');
    const again = spawnSync(BIN, ['letters', 'keygen', '--letters-key', key], { encoding: 'utf8' });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /exists already/);
  });

  it('GET /api/letters/public-key lists the signing key, base64', async () => {
    const r = await new Client(srv.url).get('/api/letters/public-key');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.keys.length, 1);
    const k = r.json.keys[0];
    assert.equal(k.key_id, keyId);
    assert.equal(k.algorithm, 'Ed25519');
    assert.equal(k.current, true);
    assert.equal(k.public_key, readFileSync(key + '.pub', 'utf8').trim());
    assert.equal(Buffer.from(k.public_key, 'base64').length, 32);
  });

  it('a letter verifies as valid on the page API and offline; one changed character is changed on both', async () => {
    const l = issue();
    assert.match(l.number, /^000\.9\.2\/\d{3}\/Kesbangpol\/[IVX]+\/\d{4}$/);
    assert.match(l.token, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(l.url, `${BASE}/v/${l.token}`);
    const r = await new Client(srv.url).get(`/api/letters/verify/${l.token}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'valid');
    assert.equal(r.json.signature_kind, 'ed25519');
    assert.equal(r.json.payload.content.number, l.number);
    assert.equal(r.json.payload.content.holder.name, 'Siti Nur’aini');
    assert.equal(r.json.payload.content.fields.title, FIXTURE.fields.title);
    assert.equal(r.json.payload.content.issuer.code, 'KESBANGPOL');
    assert.equal(r.json.payload.key_id, keyId);
    assert.equal(r.headers.get('cache-control'), 'no-store');

    const offline = verifyOffline(r.json.payload);
    assert.equal(offline.code, 0, offline.err);
    assert.equal(offline.status, 'valid');
    assert.match(offline.out, new RegExp(`number: ${l.number.replace(/\./g, '\\.')}`));
    const pasted = await new Client(srv.url).post('/api/letters/verify', r.json.payload);
    assert.equal(pasted.json.status, 'valid');
    assert.equal(pasted.json.registered, true);

    const changed = structuredClone(r.json.payload);
    changed.content.holder.name = 'Sita Nur’aini';
    const off2 = verifyOffline(changed);
    assert.equal(off2.code, 1);
    assert.equal(off2.status, 'changed');
    const on2 = await new Client(srv.url).post('/api/letters/verify', changed);
    assert.equal(on2.status, 200);
    assert.equal(on2.json.status, 'changed');

    const unknown = { ...r.json.payload, key_id: '0123456789abcdef' };
    assert.equal(verifyOffline(unknown).code, 3);
    assert.equal((await new Client(srv.url).post('/api/letters/verify', unknown)).json.status, 'unknown_key');

    assert.equal(verifyOffline({ content: 'x' }).code, 2);
    assertError(await new Client(srv.url).post('/api/letters/verify', { content: {}, signature: 'x' }), 400, 'invalid');
  });

  it('revoked after the issuer revokes it, with reason and date; only the issuer\'s staff may', async () => {
    const l = issue();
    const path = `/api/letters/${l.token}/revoke`;
    assertError(await away.post(path, { reason: 'salah' }), 403, 'forbidden');
    assertError(await citizen.post(path, { reason: 'salah' }), 403, 'forbidden');
    assertError(await officer.post(path, { reason: '  ' }), 400, 'invalid', 'reason');
    assertError(await officer.post(`/api/letters/${'x'.repeat(22)}/revoke`, { reason: 'x' }), 404, 'not_found');
    const before = await new Client(srv.url).get(`/api/letters/verify/${l.token}`);
    assert.equal(before.json.status, 'valid', 'a refused revocation changed nothing');

    const done = await officer.post(path, { reason: 'Peneliti membatalkan penelitian' });
    assert.equal(done.status, 200, done.text);
    assert.equal(done.json.status, 'revoked');
    const r = await new Client(srv.url).get(`/api/letters/verify/${l.token}`);
    assert.equal(r.json.status, 'revoked');
    assert.equal(r.json.revoked.reason, 'Peneliti membatalkan penelitian');
    assert.match(r.json.revoked.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok(Math.abs(Date.parse(r.json.revoked.at) - Date.now()) < 120000);
    assertError(await officer.post(path, { reason: 'lagi' }), 409, 'already_revoked');
    // the pasted payload learns the revocation from the register
    assert.equal((await new Client(srv.url).post('/api/letters/verify', r.json.payload)).json.status, 'revoked');
    // offline, the signature still holds: revocation is known online only
    const off = verifyOffline(r.json.payload);
    assert.equal(off.status, 'valid');
    assert.match(off.out, /revocation is known online only/);
    const admin = await cliUser(srv, 'admin');
    const audit = await admin.get('/api/audit?limit=20');
    assert.ok(audit.json.items.some((e) => e.action === 'letter.revoke'), 'the revocation is audited');
  });

  it('the validity read is the letter\'s own, not a field of the same name', async () => {
    // The verification reads valid_until from the signed text without parsing it.
    const past = issue({ valid_from: '2025-01-01', valid_until: '2025-06-30',
      fields: { ...FIXTURE.fields, valid_until: '2099-12-31', stay: { valid_until: '2099-12-31' } } });
    const future = issue({ holder: { ...FIXTURE.holder, valid_until: '2000-01-01' },
      fields: { list: [{ valid_until: '2000-01-01' }], note: 'a "valid_until":"2000-01-01" quoted' } });
    const noEnd = issue({ valid_until: undefined, fields: { valid_until: '2000-01-01' } });
    for (const [l, status] of [[past, 'expired'], [future, 'valid'], [noEnd, 'valid']]) {
      const r = await new Client(srv.url).get(`/api/letters/verify/${l.token}`);
      assert.equal(r.json.status, status, JSON.stringify(r.json.payload.content));
    }
  });

  it('expired after its validity, on the page and offline', async () => {
    const l = issue({ valid_from: '2025-01-01', valid_until: '2025-06-30' });
    const r = await new Client(srv.url).get(`/api/letters/verify/${l.token}`);
    assert.equal(r.json.status, 'expired');
    const off = verifyOffline(r.json.payload);
    assert.equal(off.code, 4);
    assert.equal(off.status, 'expired');
  });

  it('the PDF renders, its Indonesian text extracts, and its QR decodes to the verification URL', async () => {
    const l = issue();
    const path = `/api/letters/${l.token}/pdf`;
    assert.equal((await new Client(srv.url).get(path)).status, 401);
    assertError(await citizen.get(path), 403, 'forbidden');
    assertError(await away.get(path), 403, 'forbidden');
    const res = await fetch(srv.url + path, { headers: { cookie: officer.cookie } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    const file = join(work, `${l.token}.pdf`);
    writeFileSync(file, pdf);

    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    for (const s of ['PEMERINTAH KABUPATEN PURBALINGGA', 'BADAN KESATUAN BANGSA DAN POLITIK', 'SURAT KETERANGAN PENELITIAN',
      `Nomor: ${l.number}`, 'Siti Nur’aini', 'Masyarakat —', 'Studi di Desa Serang', 'Drs. Bambang Wijayanto, M.Si.',
      'NIP. 196805121994031007', 'Tembusan:', 'Kepala Desa Serang', 'Halaman 1 dari 1', 'Ed25519'])
      assert.ok(text.includes(s), `the PDF's text holds ${s}:\n${text}`);
    assert.doesNotMatch(text, /\?{2,}|\uFFFD/, 'no missing glyphs');
    // Windows-1252 holds all of it: the standard Helvetica, nothing embedded.
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
    assert.match(fonts, /^Helvetica\s/m, fonts);
    assert.doesNotMatch(fonts, /DejaVu|\syes\s/, fonts);

    const v = await new Client(srv.url).get(`/api/letters/verify/${l.token}`);
    const sig = v.json.payload.signature.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    // On a screen (72 dpi: under 2 pixels a module) as on paper: the QR is
    // a mask viewers enlarge without smoothing.
    for (const dpi of ['72', '150', '600']) {
      execFileSync('pdftoppm', ['-r', dpi, '-png', file, join(work, `${l.token}-${dpi}`)], { stdio: 'ignore' });
      const png = join(work, `${l.token}-${dpi}-1.png`);
      const qr = spawnSync('zbarimg', ['-q', '--raw', png], { encoding: 'utf8' }).stdout.trim();
      assert.equal(qr, `${BASE}/v/${l.token}#${keyId}.${sig}`, `the QR decodes at ${dpi} dpi`);
    }
  });

  it('a name beyond Windows-1252 prints as written, in an embedded Unicode font', async () => {
    const name = 'Łukasz Wołoszyński';
    const pairs = [['Nama', name], ['Lembaga', 'Uniwersytet Łódzki']];
    const layout = { ...FIXTURE.layout, blocks: [...FIXTURE.layout.blocks, { pairs }] };
    const file = join(work, 'unicode.pdf');
    issue({ holder: { name, institution: 'Uniwersytet Łódzki' }, layout }, ['--pdf', file]);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    for (const s of [name, 'Uniwersytet Łódzki', 'Siti Nur’aini', 'SURAT KETERANGAN PENELITIAN'])
      assert.ok(text.includes(s), `the PDF's text holds ${s}:\n${text}`);
    assert.doesNotMatch(text, /\?|\uFFFD/, 'no character replaced');
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
    assert.match(fonts, /DejaVuSans,Book\s.*\syes\s/, fonts);
    assert.doesNotMatch(fonts, /Helvetica/, fonts);
  });

  it('a long letter runs over pages, each numbered', async () => {
    const items = Array.from({ length: 60 }, (_, i) => `Ketentuan nomor ${i + 1}: peneliti menjaga ketertiban, kebersihan dan keamanan lingkungan.`);
    const layout = { ...FIXTURE.layout, blocks: [...FIXTURE.layout.blocks, { heading: 'Ketentuan tambahan', items }] };
    const file = join(work, 'long.pdf');
    issue({ layout }, ['--pdf', file]);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const pages = Number(/Halaman 1 dari (\d+)/.exec(text)?.[1]);
    assert.ok(pages >= 2, `pages: ${pages}`);
    assert.ok(text.includes(`Halaman ${pages} dari ${pages}`));
    assert.ok(text.includes('Ketentuan nomor 60'));
  });

  it('BSrE certifies the PDF with the signer\'s NIK and passphrase, which are kept nowhere', async () => {
    const l = issue();
    const path = `/api/letters/${l.token}/bsre`;
    assertError(await away.post(path, { nik: BSRE_NIK, passphrase: BSRE_PASSPHRASE }), 403, 'forbidden');
    const wrong = await officer.post(path, { nik: BSRE_NIK, passphrase: 'salah' });
    assertError(wrong, 422, 'bsre_refused');
    assert.match(wrong.json.error.message, /Passphrase anda salah/);
    assert.equal((await new Client(srv.url).get(`/api/letters/verify/${l.token}`)).json.signature_kind, 'ed25519');

    const ok = await officer.post(path, { nik: BSRE_NIK, passphrase: BSRE_PASSPHRASE });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.signature_kind, 'bsre');
    assert.equal(ok.json.status, 'valid');
    const sent = bsre.requests[bsre.requests.length - 1];
    assert.equal(sent.tampilan, 'invisible');
    assert.equal(sent.pdf.subarray(0, 5).toString(), '%PDF-');
    const res = await fetch(srv.url + `/api/letters/${l.token}/pdf`, { headers: { cookie: officer.cookie } });
    const signed = Buffer.from(await res.arrayBuffer()).toString('latin1');
    assert.ok(signed.includes(SIGNED_MARK), 'the download is the certified PDF');
    if (!process.env.PENDOPO_TEST_PG) {
      const db = readFileSync(srv.db).toString('latin1') + readFileSync(srv.db + '-wal').toString('latin1');
      assert.ok(!db.includes(BSRE_PASSPHRASE), 'the passphrase is not stored');
    }
  });

  it('/v/{token} is the verification page; an unknown token is a 404 on the API', async () => {
    const l = issue();
    const page = await fetch(`${srv.url}/v/${l.token}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /text\/html/);
    assert.match(await page.text(), /letters-verify\.js/);
    assertError(await new Client(srv.url).get(`/api/letters/verify/${'A'.repeat(22)}`), 404, 'not_found');
    assertError(await new Client(srv.url).get('/api/letters/verify/..%2F..'), 404, 'not_found');
  });
});
