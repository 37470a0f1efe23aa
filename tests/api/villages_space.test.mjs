// Desa Digital, the village's own space beyond news and budget: the photo
// gallery (limits, photos made again, captions, removal that keeps files
// other services still use); the public information list kept in the PPID
// service's register; letter kinds a village adds from templates; area and
// population from Satu Data on the profile; the public page, kept ready,
// follows every write at once.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client } from '../lib/server.mjs';
import { assertError, cliUser } from './util.mjs';
import { JPEG_2X2, jpegWithExif, png } from './complaints_fixtures.mjs';
import { letterKey } from './permits_fixtures.mjs';
import { VILLAGE, OTHER, PDF, villagePeople, request, upload, postRaw, bytes, act } from './villages_fixtures.mjs';

const sha = (b) => createHash('sha256').update(b).digest('hex');

describe('village space', () => {
  let srv, p;
  const anon = () => new Client(srv.url);
  before(async () => {
    srv = await startServer({ demo: true, env: { PENDOPO_LETTERS_KEY: letterKey() } });
    p = await villagePeople(srv);
  });
  after(async () => { await srv.stop(); });

  it('keeps a gallery the village\'s operators manage: photos made again, captions, on the village page', async () => {
    const add = (client, body, caption, kode = VILLAGE, type = 'image/jpeg') => postRaw(client,
      `/api/villages/${kode}/photos${caption ? `?caption=${encodeURIComponent(caption)}` : ''}`, body, type);
    let r = await add(p.operator, jpegWithExif('OWNER-Kedungbenda-GPS'), 'Balai desa Kedungbenda');
    assert.equal(r.status, 201, r.text);
    const photo = r.json.photo;
    assert.equal(photo.caption, 'Balai desa Kedungbenda');
    assert.equal(photo.mime, 'image/jpeg');
    const img = await bytes(anon(), photo.url);
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/jpeg');
    assert.equal(img.body[0], 0xff);
    assert.ok(!img.body.includes('OWNER-Kedungbenda-GPS'), 'the EXIF owner did not survive');

    // Nobody but this village's operators adds, captions or removes.
    assertError(await add(p.otherOperator, JPEG_2X2, null), 403, 'forbidden');
    assertError(await add(p.head, JPEG_2X2, null), 403, 'forbidden');
    assertError(await add(p.citizen, JPEG_2X2, null), 403, 'forbidden');
    assertError(await add(anon(), JPEG_2X2, null), 401, 'unauthenticated');
    assertError(await p.otherOperator.patch(`/api/villages/${VILLAGE}/photos/${photo.id}`, { caption: 'X' }), 403, 'forbidden');
    assertError(await p.otherOperator.del(`/api/villages/${VILLAGE}/photos/${photo.id}`), 403, 'forbidden');
    // A photo is never looked up through another village.
    assertError(await anon().get(`/api/villages/${OTHER}/photos/${photo.id}`), 404, 'not_found');
    assertError(await p.otherOperator.del(`/api/villages/${OTHER}/photos/${photo.id}`), 404, 'not_found');

    // Bad files and captions change nothing.
    assertError(await add(p.operator, Buffer.from('%PDF-1.4 not a photo'), null), 400, 'invalid', 'photo');
    assertError(await add(p.operator, png(undefined, { badCrc: true }), null, VILLAGE, 'image/png'), 400, 'invalid', 'photo');
    assertError(await add(p.operator, JPEG_2X2, 'x'.repeat(301)), 400, 'invalid', 'caption');
    assertError(await add(p.operator, JPEG_2X2, 'baris\nbaru'), 400, 'invalid', 'caption');
    assertError(await add(p.operator, Buffer.concat([JPEG_2X2, Buffer.alloc(8 * 1024 * 1024)]), null), 413, 'too_large', 'photo');
    assertError(await p.operator.patch(`/api/villages/${VILLAGE}/photos/${photo.id}`, { caption: 'a\u0007b' }), 400, 'invalid', 'caption');
    assertError(await p.operator.patch(`/api/villages/${VILLAGE}/photos/999999`, { caption: 'X' }), 404, 'not_found');
    assertError(await p.operator.patch(`/api/villages/${VILLAGE}/photos/${photo.id}`, {}), 400, 'invalid', 'caption');
    let list = await anon().get(`/api/villages/${VILLAGE}/photos`);
    assert.equal(list.json.items.length, 1);
    assert.equal(list.json.max, 30);

    r = await p.operator.patch(`/api/villages/${VILLAGE}/photos/${photo.id}`, { caption: 'Balai desa setelah dicat' });
    assert.equal(r.status, 200, r.text);
    const page = await anon().get(`/api/villages/${VILLAGE}`);
    assert.deepEqual(page.json.photos.map((x) => [x.id, x.caption, x.url]), [[photo.id, 'Balai desa setelah dicat', photo.url]]);
    r = await p.operator.patch(`/api/villages/${VILLAGE}/photos/${photo.id}`, { caption: null });
    assert.equal(r.json.photo.caption, null);
    const untouched = await anon().get(`/api/villages/${OTHER}`);
    assert.deepEqual(untouched.json.photos, []);
  });

  it('holds at most 30 photos a village; the 31st is refused until one is removed', async () => {
    const kode = '33.03.01.2003';
    const op = await cliUser(srv, 'village_operator', ['--village', kode]);
    const url = `/api/villages/${kode}/photos`;
    const results = [];
    for (let i = 0; i < 30; i++) results.push(await postRaw(op, `${url}?caption=Foto%20${i + 1}`, png(`n\0${i}`), 'image/png'));
    assert.deepEqual(results.map((r) => r.status), Array(30).fill(201));
    assertError(await postRaw(op, url, JPEG_2X2, 'image/jpeg'), 409, 'conflict', 'photo');
    assert.equal((await anon().get(url)).json.items.length, 30);
    const first = results[0].json.photo;
    assert.equal((await op.del(`${url}/${first.id}`)).status, 200);
    assertError(await anon().get(`${url}/${first.id}`), 404, 'not_found');
    assertError(await op.del(`${url}/${first.id}`), 404, 'not_found');
    assert.equal((await postRaw(op, url, JPEG_2X2, 'image/jpeg')).status, 201);
  });

  it('removes a photo\'s file only when no service still names it', async () => {
    const url = `/api/villages/${VILLAGE}/photos`;
    // The same picture as the gallery photo and as a citizen's KTP: one stored file.
    const picture = png('Comment\0bersama');
    const shared = (await postRaw(p.operator, url, picture, 'image/png')).json.photo;
    const draft = await p.citizen.post(`/api/villages/${VILLAGE}/letters`, request());
    assert.equal(draft.status, 201, draft.text);
    const ktp = `/api/village-letters/${draft.json.request.id}/attachments/ktp`;
    assert.equal((await upload(p.citizen, ktp, picture, 'image/png')).status, 201);
    const stored = (await bytes(anon(), shared.url)).body;
    const file = join(srv.dir, 'data', 'files', sha(stored).slice(0, 2), sha(stored));
    const onDisk = existsSync(file);	// SQLite keeps files in the data folder; PostgreSQL in the database
    assert.equal((await p.operator.del(`${url}/${shared.id}`)).status, 200);
    const kept = await bytes(p.citizen, ktp);
    assert.equal(kept.status, 200, 'the KTP made from the same picture is still there');
    assert.equal(sha(kept.body), sha(stored));
    if (onDisk) assert.ok(existsSync(file));

    // A photo nobody else uses goes with its file.
    const alone = (await postRaw(p.operator, url, png('Comment\0sendiri', { red: 17 }), 'image/png')).json.photo;
    const own = (await bytes(anon(), alone.url)).body;
    const ownFile = join(srv.dir, 'data', 'files', sha(own).slice(0, 2), sha(own));
    const ownOnDisk = existsSync(ownFile);
    assert.equal((await p.operator.del(`${url}/${alone.id}`)).status, 200);
    if (ownOnDisk) assert.ok(!existsSync(ownFile), 'the unused file was removed');
  });

  it('keeps the village\'s public information list in the PPID register, edited by its operators', async () => {
    const url = `/api/villages/${VILLAGE}/information`;
    const entry = { number: '1', title: 'APBDes', summary: 'Anggaran pendapatan dan belanja desa tahun berjalan',
      responsible: 'Sekretaris Desa', made_when: 'Januari setiap tahun', format: 'Cetak dan elektronik',
      retention: '10 tahun', category: 'berkala' };
    let r = await p.operator.post(url, entry);
    assert.equal(r.status, 201, r.text);
    const made = r.json.entry;
    assert.equal(made.holding_unit, 'Pemerintah Desa Kedungbenda');
    assert.equal(made.made_where, 'Desa Kedungbenda');
    assert.equal(made.title, 'APBDes');

    // Only this village's operators, and a whole, valid entry.
    assertError(await p.otherOperator.post(url, { ...entry, number: '2' }), 403, 'forbidden');
    assertError(await p.head.post(url, { ...entry, number: '2' }), 403, 'forbidden');
    assertError(await p.citizen.post(url, { ...entry, number: '2' }), 403, 'forbidden');
    assertError(await anon().post(url, { ...entry, number: '2' }), 401, 'unauthenticated');
    assertError(await p.operator.post(url, entry), 409, 'conflict', 'number');
    assertError(await p.operator.post(url, { ...entry, number: '2', category: 'kadang' }), 400, 'invalid', 'category');
    assertError(await p.operator.post(url, { ...entry, number: '2', title: ' ' }), 400, 'invalid', 'title');
    const { title, ...untitled } = entry;
    assert.ok(title);
    assertError(await p.operator.post(url, { ...untitled, number: '2' }), 400, 'invalid', 'title');
    assertError(await p.operator.post(url, { ...entry, number: '2', agency: 'DINKES' }), 400, 'unknown_field', 'agency');
    assertError(await p.otherOperator.put(`${url}/${made.id}`, entry), 403, 'forbidden');
    assertError(await p.otherOperator.put(`/api/villages/${OTHER}/information/${made.id}`, entry), 404, 'not_found');
    assertError(await p.otherOperator.del(`/api/villages/${OTHER}/information/${made.id}`), 404, 'not_found');

    r = await p.operator.post(url, { ...entry, number: '2', title: 'Profil desa', category: 'setiap_saat',
      summary: 'Sejarah, wilayah dan perangkat desa', holding_unit: 'Kasi Pemerintahan', made_where: 'Balai desa' });
    assert.equal(r.status, 201, r.text);
    const second = r.json.entry;
    assertError(await p.operator.put(`${url}/${second.id}`, { ...entry, number: '1' }), 409, 'conflict', 'number');
    r = await p.operator.put(`${url}/${made.id}`, { ...entry, retention: 'Permanen' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.entry.retention, 'Permanen');

    // On the village's page, and in the PPID's public register beside the agencies'.
    const page = await anon().get(`/api/villages/${VILLAGE}`);
    assert.deepEqual(page.json.information.map((e) => [e.number, e.title, e.category, e.retention]),
      [['1', 'APBDes', 'berkala', 'Permanen'], ['2', 'Profil desa', 'setiap_saat', '10 tahun']]);
    const register = await anon().get(`/api/inforeq/dip?village=${VILLAGE}`);
    assert.deepEqual(register.json.items.map((e) => [e.village, e.number, e.title, e.agency.code]),
      [[VILLAGE, '1', 'APBDes', null], [VILLAGE, '2', 'Profil desa', null]]);
    assert.deepEqual((await anon().get(`/api/villages/${OTHER}/information`)).json.items, []);

    assert.equal((await p.operator.del(`${url}/${second.id}`)).status, 200);
    assertError(await p.operator.del(`${url}/${second.id}`), 404, 'not_found');
    assert.deepEqual((await anon().get(url)).json.items.map((e) => e.number), ['1']);
  });

  it('lets an operator add letter kinds from templates, edit them, and retire (not delete) one requests use', async () => {
    const kinds = `/api/villages/${VILLAGE}/letter-kinds`;
    const templates = (await anon().get('/api/villages/letter-templates')).json.items;
    const single = templates.find((t) => t.code === 'belum_menikah');
    assert.equal(single.title, 'SURAT KETERANGAN BELUM MENIKAH');
    assert.ok(templates.find((t) => t.code === 'domisili'), 'the standard kinds are templates too');

    const kind = { template: 'belum_menikah', code: 'belum_kawin', fields: [{ name: 'status_perkawinan', label: 'Status perkawinan' },
      { name: 'pekerjaan', label: 'Pekerjaan' }], attachments: ['ktp'] };
    assertError(await p.otherOperator.post(kinds, kind), 403, 'forbidden');
    assertError(await p.head.post(kinds, kind), 403, 'forbidden');
    assertError(await p.operator.post(kinds, { ...kind, template: 'tidak_ada' }), 400, 'invalid', 'template');
    assertError(await p.operator.post(kinds, { ...kind, code: 'Belum Kawin' }), 400, 'invalid', 'code');
    assertError(await p.operator.post(kinds, { ...kind, code: 'domisili' }), 409, 'conflict', 'code');
    assertError(await p.operator.post(kinds, { ...kind, fields: [{ name: 'a b', label: 'X' }] }), 400, 'invalid', 'fields');
    assertError(await p.operator.post(kinds, { ...kind, fields: [{ name: 'ab', label: 'X' }, { name: 'ab', label: 'Y' }] }), 400, 'invalid', 'fields');
    assertError(await p.operator.post(kinds, { ...kind, attachments: ['ktp', 'ktp'] }), 400, 'invalid', 'attachments');
    let r = await p.operator.post(kinds, kind);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.kind.title, 'SURAT KETERANGAN BELUM MENIKAH');
    assert.equal(r.json.kind.classification, '474.2');
    assert.deepEqual(r.json.kind.attachments, ['ktp']);
    assertError(await p.operator.post(kinds, kind), 409, 'conflict', 'code');
    assert.equal((await p.operator.post(kinds, { template: 'umum', code: 'coba' })).status, 201);

    // The village offers it; its neighbour does not.
    const offered = (await anon().get(kinds)).json.items.map((k) => k.code);
    assert.deepEqual(offered, ['domisili', 'usaha', 'tidak_mampu', 'pengantar_skck', 'kelahiran', 'kematian', 'belum_kawin', 'coba']);
    assert.ok(!(await anon().get(`/api/villages/${OTHER}/letter-kinds`)).json.items.some((k) => k.code === 'belum_kawin'));
    assertError(await p.citizen.post(`/api/villages/${OTHER}/letters`, request({ kind: 'belum_kawin' })), 400, 'invalid', 'kind');

    // Edited before anyone asks: the title and a field.
    r = await p.operator.patch(`${kinds}/belum_kawin`, { title: 'SURAT KETERANGAN BELUM PERNAH KAWIN',
      fields: [{ name: 'status_perkawinan', label: 'Status perkawinan' }] });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.kind.fields.map((f) => f.name), ['status_perkawinan']);
    assertError(await p.operator.patch(`${kinds}/domisili`, { title: 'X' }), 409, 'conflict', 'code');
    assertError(await p.otherOperator.patch(`${kinds}/belum_kawin`, { title: 'X' }), 403, 'forbidden');
    assertError(await p.operator.patch(`${kinds}/tidak_ada`, { title: 'X' }), 404, 'not_found');

    // A citizen asks for it with its own field and file; the letter carries its title.
    r = await p.citizen.post(`/api/villages/${VILLAGE}/letters`, request({ kind: 'belum_kawin', fields: { pekerjaan: 'Petani' } }));
    assertError(r, 400, 'invalid', 'fields');
    r = await p.citizen.post(`/api/villages/${VILLAGE}/letters`, request({ kind: 'belum_kawin', fields: { status_perkawinan: 'Belum kawin' } }));
    assert.equal(r.status, 201, r.text);
    const id = r.json.request.id;
    assertError(await upload(p.citizen, `/api/village-letters/${id}/attachments/kk`, PDF), 404, 'not_found');
    assert.equal((await upload(p.citizen, `/api/village-letters/${id}/attachments/ktp`, PDF)).status, 201);
    r = await p.citizen.post(`/api/village-letters/${id}/submit`);
    assert.equal(r.status, 200, r.text);

    // Used now: never deleted, only retired - new requests are refused, this one goes on.
    assertError(await p.operator.del(`${kinds}/belum_kawin`), 409, 'conflict', 'code');
    r = await p.operator.patch(`${kinds}/belum_kawin`, { retired: true });
    assert.equal(r.json.kind.retired, true);
    assert.ok(!(await anon().get(kinds)).json.items.some((k) => k.code === 'belum_kawin'), 'the public no longer sees it');
    assert.ok((await p.operator.get(kinds)).json.items.find((k) => k.code === 'belum_kawin').retired, 'its operators do');
    assertError(await p.citizen.post(`/api/villages/${VILLAGE}/letters`, request({ kind: 'belum_kawin' })), 400, 'invalid', 'kind');
    assert.equal((await act(p.operator, id, 'verify')).status, 200);
    r = await act(p.head, id, 'approve');
    assert.equal(r.status, 200, r.text);
    assert.match(r.json.letter.number, /^474\.2\/001\/3303012001\//);
    const verified = await anon().get(`/api/letters/verify/${r.json.letter.token}`);
    assert.match(verified.text, /SURAT KETERANGAN BELUM PERNAH KAWIN/, verified.text);

    // A kind nobody used may go.
    assert.equal((await p.operator.del(`${kinds}/coba`)).status, 200);
    assertError(await p.operator.del(`${kinds}/coba`), 404, 'not_found');
  });

  it('shows Satu Data\'s official population and area on the profile when it has them, else the village\'s own', async () => {
    const before = (await anon().get(`/api/villages/${VILLAGE}`)).json;
    assert.equal(before.figures.population.source, 'village', 'the demo profile gives a population');
    assert.equal(before.figures.population.value, before.profile.population);
    const bare = (await anon().get(`/api/villages/33.03.01.2004`)).json;
    assert.deepEqual([bare.figures.population, bare.figures.area_km2], [null, null]);

    // Disdukcapil (the designated producer of PDDK-JUMLAH) and PUPR (of LUAS-WILAYAH) publish village figures.
    const walidata = await cliUser(srv, 'walidata');
    const publish = async (unit, name, indicator, type, rows) => {
      const officer = await cliUser(srv, 'officer', ['--unit', unit]);
      let r = await officer.post('/api/data/datasets', { name, title: `Data ${name}`, org: unit });
      assert.equal(r.status, 201, r.text);
      r = await officer.post(`/api/data/datasets/${name}/resources`, { name: 'Per desa', period_field: 'periode',
        schema: { fields: [{ name: 'kode_wilayah', type: 'string' }, { name: 'periode', type: 'string' }, { name: 'nilai', type }],
          primaryKey: ['kode_wilayah', 'periode'],
          foreignKeys: [{ fields: 'kode_wilayah', reference: { resource: 'wilayah', fields: 'kode' } }] }, mappings: [{ field: 'nilai', indicator }] });
      assert.equal(r.status, 201, r.text);
      const rid = r.json.resource.id;
      r = await officer.req('POST', `/api/data/resources/${rid}/import?note=uji`,
        ['kode_wilayah,periode,nilai', ...rows.map((x) => x.join(','))].join('\n') + '\n', { 'content-type': 'text/csv' });
      assert.equal(r.status, 201, r.text);
      const review = await walidata.post(`/api/data/resources/${rid}/versions/1/review`, { decision: 'approve' });
      assert.ok([200, 409].includes(review.status), review.text);
    };
    await publish('DISDUKCAPIL', 'penduduk-desa-uji', 'PDDK-JUMLAH', 'integer', [[VILLAGE, '2024', 5012], [VILLAGE, '2025', 5104]]);
    await publish('PUPR', 'luas-desa-uji', 'LUAS-WILAYAH', 'number', [[VILLAGE, '2025', 4.37]]);

    const after = (await anon().get(`/api/villages/${VILLAGE}`)).json;
    assert.deepEqual(after.figures.population, { value: 5104, source: 'satu_data', period: '2025', dataset: 'penduduk-desa-uji',
      dataset_title: 'Data penduduk-desa-uji', basis: 'designated' });
    assert.equal(after.figures.area_km2.value, 4.37);
    assert.equal(after.figures.area_km2.source, 'satu_data');
    // The village's own entry stays as it was, for when Satu Data has nothing.
    assert.equal(after.profile.population, before.profile.population);
    const neighbour = (await anon().get(`/api/villages/33.03.01.2004`)).json;
    assert.deepEqual([neighbour.figures.population, neighbour.figures.area_km2], [null, null]);

    // The page kept in memory follows a change of the indicator's designated producer at once.
    const moved = await walidata.patch('/api/data/indicators/PDDK-JUMLAH', { producer: 'PUPR' });
    assert.equal(moved.status, 200, moved.text);
    const later = (await anon().get(`/api/villages/${VILLAGE}`)).json;
    assert.equal(later.figures.population.value, 5104);
    assert.equal(later.figures.population.basis, 'only_source');
  });

  it('answers the public page from memory yet shows each of the village\'s writes at once', async () => {
    const kode = '33.03.01.2005';
    const op = await cliUser(srv, 'village_operator', ['--village', kode]);
    const page = async () => (await anon().get(`/api/villages/${kode}`)).json;
    const first = await page();
    assert.deepEqual(await page(), first, 'the same page twice');
    assert.equal(first.viewer.operator, false);
    // Its operator gets it built for them: their tools and unpublished years.
    assert.equal((await op.get(`/api/villages/${kode}`)).json.viewer.operator, true);
    assert.equal((await page()).viewer.operator, false, 'the operator\'s page is not kept for the public');

    assert.equal((await op.patch(`/api/villages/${kode}/profile`, { head_name: 'Kades Baru', population: 3100 })).status, 200);
    let p1 = await page();
    assert.equal(p1.profile.head_name, 'Kades Baru');
    assert.deepEqual(p1.figures.population, { value: 3100, source: 'village' });
    const post = await op.post(`/api/villages/${kode}/posts`, { kind: 'news', title: 'Kerja bakti', body: 'Minggu pagi.' });
    assert.equal(post.status, 201);
    assert.deepEqual((await page()).news.map((n) => n.title), ['Kerja bakti']);
    assert.equal((await op.patch(`/api/villages/${kode}/posts/${post.json.post.id}`, { title: 'Kerja bakti RT 02' })).status, 200);
    assert.deepEqual((await page()).news.map((n) => n.title), ['Kerja bakti RT 02']);
    assert.equal((await op.del(`/api/villages/${kode}/posts/${post.json.post.id}`)).status, 200);
    assert.deepEqual((await page()).news, []);
    const year = new Date(Date.now() + 7 * 3600000).getUTCFullYear();
    assert.equal((await op.put(`/api/villages/${kode}/budget/${year}`, { lines: [{ account: '4.2', budget: 1000 }] })).status, 200);
    assert.deepEqual((await page()).budgets, [], 'not published yet');
    assert.equal((await op.post(`/api/villages/${kode}/budget/${year}/publish`, { published: true })).status, 200);
    assert.deepEqual((await page()).budgets.map((b) => [b.year, b.published]), [[year, true]]);
    const photo = (await postRaw(op, `/api/villages/${kode}/photos`, JPEG_2X2, 'image/jpeg')).json.photo;
    assert.deepEqual((await page()).photos.map((x) => [x.id, x.caption]), [[photo.id, null]]);
    assert.equal((await op.patch(`/api/villages/${kode}/photos/${photo.id}`, { caption: 'Posyandu' })).status, 200);
    assert.equal((await page()).photos[0].caption, 'Posyandu');
    assert.equal((await op.del(`/api/villages/${kode}/photos/${photo.id}`)).status, 200);
    assert.deepEqual((await page()).photos, []);
    const entry = await op.post(`/api/villages/${kode}/information`, { number: '1', title: 'RPJMDes', summary: 'Rencana',
      responsible: 'Sekdes', made_when: '2025', format: 'Cetak', retention: 'Permanen', category: 'berkala' });
    assert.equal(entry.status, 201);
    assert.deepEqual((await page()).information.map((e) => e.title), ['RPJMDes']);
    assert.equal((await op.del(`/api/villages/${kode}/information/${entry.json.entry.id}`)).status, 200);
    assert.deepEqual((await page()).information, []);
    // A refused write changes nothing, the kept page included.
    assertError(await op.patch(`/api/villages/${kode}/profile`, { lat: 99 }), 400, 'invalid', 'lat');
    assert.equal((await page()).profile.head_name, 'Kades Baru');
  });
});
