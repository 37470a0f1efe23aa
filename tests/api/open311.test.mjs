// Open311 GeoReport v2 at /open311/v2/: every JSON answer validated against
// the shipped schemas (ajv), every XML answer parsed and compared field by
// field with its JSON twin; POST with api_key (form-encoded), tokens, all
// GET filters with page/page_size; confidential never appears, anonymous
// carries nothing personal, a 4,001-character description is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { Client, startServer, ROOT } from '../lib/server.mjs';
import { apikey } from './util.mjs';
import { people, complaint, submit, png, upload, numbersDrawn, VILLAGE } from './complaints_fixtures.mjs';

const SPECS = join(ROOT, '..', 'shared', 'specs', 'open311-georeport-v2');
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const f of ['request.json', 'requests.json', 'service.json', 'services.json', 'service-definition.json']) {
  ajv.addSchema(JSON.parse(readFileSync(join(SPECS, f), 'utf8')), f);
}
function valid(schema, data) {
  const v = ajv.getSchema(schema);
  assert.ok(v(data), `${schema}: ${ajv.errorsText(v.errors)} in ${JSON.stringify(data).slice(0, 400)}`);
}

const LISTS = ['request', 'service', 'attribute', 'value', 'endpoint', 'format', 'error'];
const xml = new XMLParser({ ignoreDeclaration: true, parseTagValue: false, isArray: (name) => LISTS.includes(name) });

// The XML carries the same content as the JSON: null is an empty element,
// numbers and booleans are their text.
function sameContent(j, x, path = '$') {
  if (j === null) return assert.ok(x === '' || x === undefined, `${path}: null vs ${JSON.stringify(x)}`);
  if (typeof j === 'number') return assert.ok(Math.abs(Number(x) - j) < 1e-6, `${path}: ${j} vs ${x}`);
  if (typeof j === 'boolean' || typeof j === 'string') return assert.equal(x, String(j), path);
  if (Array.isArray(j)) {
    const items = x === '' ? [] : Object.values(x)[0];
    assert.equal((items || []).length, j.length, `${path}: ${j.length} items`);
    return j.forEach((v, i) => sameContent(v, items[i], `${path}[${i}]`));
  }
  assert.deepEqual(Object.keys(x).sort(), Object.keys(j).sort(), `${path}: same members`);
  for (const k of Object.keys(j)) sameContent(j[k], x[k], `${path}.${k}`);
}

let srv;
let p;
let key;
const anon = new Client('');

before(async () => {
  srv = await startServer({ demo: true, env: { PENDOPO_CLOCK: '2026-08-14T02:00:00Z', PENDOPO_BASE_URL: 'https://pendopo.example.id' } });
  anon.base = srv.url;
  p = await people(srv);
  key = apikey(srv, 'FixMyStreet Purbalingga', 'officer');
});

after(async () => { if (srv) await srv.stop(); });

async function both(path) {
  const j = await anon.get(path.replace('{fmt}', 'json'));
  const x = await fetch(srv.url + path.replace('{fmt}', 'xml'));
  const text = await x.text();
  assert.equal(x.status, j.status, `${path}: same status`);
  assert.match(x.headers.get('content-type'), /^text\/xml/);
  assert.match(text, /^<\?xml version="1.0" encoding="utf-8"\?>/);
  return { json: j.json, status: j.status, xml: xml.parse(text), text: j.text + text };
}

function form(fields) {
  return new URLSearchParams(fields).toString();
}

async function post(fields, fmt = 'json') {
  const res = await fetch(`${srv.url}/open311/v2/requests.${fmt}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(fields),
  });
  const text = await res.text();
  return { status: res.status, text, json: fmt === 'json' ? JSON.parse(text) : null, xml: fmt === 'xml' ? xml.parse(text) : null };
}

const base = (extra = {}) => ({
  api_key: key, service_code: 'JALAN', lat: '-7.3901', long: '109.3602', address_id: VILLAGE,
  description: 'Jalan rusak di depan SD Negeri 1, mohon diperbaiki.', ...extra,
});

test('discovery, services and service definitions', async () => {
  let r = await both('/open311/v2/discovery.{fmt}');
  assert.equal(r.status, 200);
  const ep = r.json.endpoints[0];
  assert.equal(ep.specification, 'http://wiki.open311.org/GeoReport_v2');
  assert.equal(ep.url, 'https://pendopo.example.id/open311/v2');
  assert.deepEqual(ep.formats, ['text/xml', 'application/json']);
  assert.ok(['production', 'test'].includes(ep.type));
  sameContent(r.json, r.xml.discovery);

  // An unknown path under /open311/ is refused in GeoReport's shape.
  const unknown = await anon.get('/open311/v2/tidak-ada.json');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json[0].code, 404);
  assert.equal(typeof unknown.json[0].description, 'string');

  r = await both('/open311/v2/services.{fmt}');
  valid('services.json', r.json);
  assert.ok(r.json.length >= 10);
  const jalan = r.json.find((s) => s.service_code === 'JALAN');
  assert.deepEqual([jalan.metadata, jalan.type, jalan.group], [true, 'realtime', 'Infrastruktur']);
  sameContent(r.json, r.xml.services);

  r = await both('/open311/v2/services/KEKERASAN.{fmt}');
  valid('service-definition.json', r.json);
  assert.deepEqual(r.json.attributes.map((a) => a.code), ['kind', 'anonymous', 'confidential']);
  assert.deepEqual(r.json.attributes[0].values.map((v) => v.key), ['complaint', 'aspiration']);
  sameContent(r.json, r.xml.service_definition);

  r = await both('/open311/v2/services/NOPE.{fmt}');
  assert.equal(r.status, 404);
  assert.equal(r.json[0].code, 404);
  sameContent(r.json, r.xml.errors);
  assert.equal((await anon.get('/open311/v2/services.txt')).status, 404);
  assert.equal((await anon.get('/open311/v2/services.json?jurisdiction_id=99.99')).status, 404);
  assert.equal((await anon.get('/open311/v2/services.json?jurisdiction_id=33.03')).status, 200);
});

test('POST requests: api_key, validation, tokens, nothing personal, nothing confidential', async () => {
  let r = await post(base({ api_key: '' }));
  assert.equal(r.status, 403);
  assert.equal(r.json[0].code, 403);
  r = await post(base({ api_key: 'not-a-key' }), 'xml');
  assert.equal(r.status, 403);
  assert.equal(r.xml.errors.error[0].code, '403');

  // Refusals store nothing: no tracking number is drawn for them.
  assert.equal((await post(base())).status, 201);
  const first = numbersDrawn(srv);
  for (const [fields, why] of [
    [{ description: 'x'.repeat(4001) }, /4000/],
    [{ service_code: 'NOPE' }, /category/],
    [{ service_code: '' }, /service_code/],
    [{ lat: '', long: '', address_id: '' }, /location/],
    [{ lat: 'abc' }, /lat/],
    [{ long: '' }, /lat and long/],
    [{ lat: '-6.2001', long: '106.8166' }, /outside the regency/],
    [{ address_id: '33.01.01.2001' }, /regency/],
    [{ 'attribute[colour]': 'red' }, /attribute/],
    [{ 'attribute[anonymous]': 'maybe' }, /true or false/],
    [{ 'attribute[kind]': 'praise' }, /kind/],
    [{ email: 'not-an-email' }, /email/],
    [{ media_url: 'javascript:alert(1)' }, /media_url/],
    [{ jurisdiction_id: '31.71' }, /jurisdiction/],
  ]) {
    const res = await post(base(fields));
    assert.ok(res.status === 400 || res.status === 404, `${JSON.stringify(fields)}: ${res.status} ${res.text}`);
    assert.match(res.json[0].description, why);
    assert.equal(res.json[0].code, res.status);
  }
  const bad = await fetch(`${srv.url}/open311/v2/requests.json`, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `api_key=${key}&description=%ZZ` });
  assert.equal(bad.status, 400);
  r = await post(base({ description: 'y'.repeat(4000) }));
  assert.equal(r.status, 201, r.text);
  assert.equal(numbersDrawn(srv), first + 1, 'no refused request took a number');

  // Anonymous, with a name and contact: none of it is ever shown.
  r = await post(base({ 'attribute[anonymous]': 'true', first_name: 'Slamet', last_name: 'Rahardjo',
    email: 'slamet.rahardjo@example.id', phone: '081299887766', device_id: 'dev-1', account_id: 'acc-1' }), 'xml');
  assert.equal(r.status, 201);
  const req = r.xml.service_requests.request[0];
  assert.match(req.service_request_id, /^MB-2026-\d{6}$/);
  assert.ok(req.token.length >= 16);
  assert.equal(req.account_id, '');
  const got = await both(`/open311/v2/tokens/${req.token}.{fmt}`);
  assert.deepEqual(got.json, [{ service_request_id: req.service_request_id, token: req.token }]);
  sameContent(got.json, got.xml.service_requests);
  const shown = await both(`/open311/v2/requests/${req.service_request_id}.{fmt}`);
  valid('requests.json', shown.json);
  for (const s of ['Slamet', 'Rahardjo', 'slamet.rahardjo', '99887766', 'dev-1', 'acc-1']) assert.ok(!shown.text.includes(s), s);
  // ...while the verifier sees who it was.
  const staff = await p.desk.get(`/api/complaints/${req.service_request_id}`);
  assert.equal(staff.json.complaint.reporter.name, 'Slamet Rahardjo');
  assert.equal(staff.json.complaint.channel, 'open311');

  // Confidential (asked, or by a sensitive category): never served.
  const conf = (await post(base({ 'attribute[confidential]': 'true', description: 'Pungli petugas loket XYZZY' }))).json[0];
  const sens = (await post(base({ service_code: 'KEKERASAN', description: 'Kekerasan XYZZY di rumah tangga' }))).json[0];
  for (const c of [conf, sens]) {
    assert.equal((await both(`/open311/v2/requests/${c.service_request_id}.{fmt}`)).status, 404);
    assert.equal((await both(`/open311/v2/tokens/${c.token}.{fmt}`)).status, 404);
  }
  const all = await both(`/open311/v2/requests.{fmt}?service_request_id=${conf.service_request_id},${sens.service_request_id}`);
  assert.deepEqual(all.json, []);
  assert.ok(!(await both('/open311/v2/requests.{fmt}')).text.includes('XYZZY'));
});

test('GET requests: schema, XML twin, every filter, pages, status notes, media', async () => {
  const { desk, pupr, citizen } = p;
  const photo = await upload(citizen, png());
  const withPhoto = (await submit(citizen, complaint({ category: 'PJU', description: 'Lampu mati <tikungan> & "gelap"',
    photos: [photo.json.photo.id] }))).complaint.tracking;
  const answered = (await submit(citizen, complaint({ description: 'Jalan retak panjang.' }))).complaint.tracking;
  const rejected = (await submit(citizen, complaint({ category: 'SAMPAH', description: 'Bukan wewenang kami.' }))).complaint.tracking;
  await desk.post(`/api/complaints/${answered}/actions/disposition`, { unit: 'PUPR' });
  await pupr.post(`/api/complaints/${answered}/actions/answer`, { text: 'Sudah ditambal & diratakan.' });
  await desk.post(`/api/complaints/${rejected}/actions/reject`, { reason: 'out_of_authority', text: 'Kewenangan desa.' });

  let r = await both('/open311/v2/requests.{fmt}');
  valid('requests.json', r.json);
  for (const item of r.json) valid('request.json', item);
  sameContent(r.json, r.xml.service_requests);
  assert.ok(r.json.length >= 5);

  r = await both(`/open311/v2/requests/${answered}.{fmt}`);
  valid('requests.json', r.json);
  sameContent(r.json, r.xml.service_requests);
  const a = r.json[0];
  assert.equal(a.status, 'open');
  assert.equal(a.status_notes, 'Sudah ditambal & diratakan.');
  assert.equal(a.agency_responsible, 'Dinas Pekerjaan Umum dan Penataan Ruang');
  assert.equal(a.address_id, VILLAGE);
  assert.match(a.requested_datetime, /^2026-08-14T\d\d:\d\d:\d\d\+07:00$/);
  assert.equal(a.expected_datetime, null);
  assert.ok(Math.abs(a.lat - -7.3901) < 1e-9 && Math.abs(a.long - 109.3602) < 1e-9);

  r = await both(`/open311/v2/requests/${withPhoto}.{fmt}`);
  sameContent(r.json, r.xml.service_requests);
  assert.equal(r.json[0].description, 'Lampu mati <tikungan> & "gelap"');
  assert.equal(r.json[0].expected_datetime, '2026-08-20T23:59:59+07:00');
  assert.equal(r.json[0].media_url, `https://pendopo.example.id/api/complaints/${withPhoto}/photos/1`);
  assert.equal((await fetch(`${srv.url}/api/complaints/${withPhoto}/photos/1`)).status, 200);

  r = await both(`/open311/v2/requests.{fmt}?status=closed`);
  assert.deepEqual(r.json.map((x) => x.service_request_id), [rejected]);
  // The desk's text is for the reporter only; the public reads the reason as a sentence.
  assert.equal(r.json[0].status_notes, 'Tidak dapat ditindaklanjuti karena di luar kewenangan Pemerintah Kabupaten.');
  sameContent(r.json, r.xml.service_requests);
  r = await anon.get('/open311/v2/requests.json?status=open,closed&service_code=PJU,SAMPAH');
  assert.deepEqual(r.json.map((x) => x.service_request_id).sort(), [withPhoto, rejected].sort());
  r = await anon.get(`/open311/v2/requests.json?service_request_id=${rejected},${answered}&status=open&service_code=PJU`);
  assert.deepEqual(r.json.map((x) => x.service_request_id).sort(), [answered, rejected].sort(), 'ids override filters');

  // Dates: the window, its 90-day limit, offsets and Z.
  r = await anon.get('/open311/v2/requests.json?start_date=2026-08-14T00:00:00%2B07:00&end_date=2026-08-15T00:00:00%2B07:00');
  assert.ok(r.json.length >= 5);
  r = await anon.get('/open311/v2/requests.json?start_date=2026-08-15T00:00:00Z&end_date=2026-09-01T00:00:00Z');
  assert.deepEqual(r.json, []);
  r = await anon.get('/open311/v2/requests.json?end_date=2026-08-13T23:59:59Z');
  assert.deepEqual(r.json, []);
  for (const q of ['start_date=2026-01-01T00:00:00Z&end_date=2026-08-14T00:00:00Z', 'start_date=yesterday',
    'status=pending', 'page=0', 'page_size=1001', 'end_date=2026-08-01T00:00:00Z&start_date=2026-08-10T00:00:00Z']) {
    const e = await both(`/open311/v2/requests.{fmt}?${q}`);
    assert.equal(e.status, 400, q);
    sameContent(e.json, e.xml.errors);
  }

  // Pages.
  const all = (await anon.get('/open311/v2/requests.json')).json.map((x) => x.service_request_id);
  const p1 = (await anon.get('/open311/v2/requests.json?page_size=2')).json.map((x) => x.service_request_id);
  const p2 = (await anon.get('/open311/v2/requests.json?page_size=2&page=2')).json.map((x) => x.service_request_id);
  assert.deepEqual([...p1, ...p2], all.slice(0, 4));
  assert.equal((await both('/open311/v2/requests/MB-2026-999999.{fmt}')).status, 404);
});

test('POST requests as multipart/form-data, with a photo as the part "media"', async () => {
  const send = (fields, media) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    if (media) fd.append('media', new Blob([media.bytes], { type: media.type }), media.name);
    return fetch(`${srv.url}/open311/v2/requests.json`, { method: 'POST', body: fd });
  };
  let res = await send(base({ description: 'Lampu PJU padam sejak kemarin (multipart).' }), { bytes: png(), type: 'image/png', name: 'foto.png' });
  assert.equal(res.status, 201, await res.clone().text());
  const id = (await res.json())[0].service_request_id;
  const shown = (await anon.get(`/open311/v2/requests/${id}.json`)).json[0];
  assert.equal(shown.description, 'Lampu PJU padam sejak kemarin (multipart).');
  assert.equal(shown.media_url, `https://pendopo.example.id/api/complaints/${id}/photos/1`);
  const photo = await fetch(`${srv.url}/api/complaints/${id}/photos/1`);
  assert.equal(photo.status, 200);
  assert.equal(photo.headers.get('content-type'), 'image/png');

  // Without a photo; and refusals in GeoReport's shape, nothing filed.
  res = await send(base({ description: 'Tanpa foto, lewat multipart.' }));
  assert.equal(res.status, 201);
  const before = (await anon.get('/open311/v2/requests.json?page_size=1000')).json.length;
  res = await send(base({ description: 'Bukan gambar.' }), { bytes: Buffer.from('%PDF-1.4 bukan foto'), type: 'image/png', name: 'x.png' });
  assert.equal(res.status, 400);
  assert.match((await res.json())[0].description, /media/);
  res = await send(base({ service_code: 'TIDAK-ADA' }), { bytes: png(), type: 'image/png', name: 'foto.png' });
  assert.equal(res.status, 400);
  const broken = await fetch(`${srv.url}/open311/v2/requests.json`, { method: 'POST',
    headers: { 'content-type': 'multipart/form-data; boundary=batas' }, body: '--batas\r\nContent-Disposition: form-data; name="api_key"\r\n\r\nx' });
  assert.equal(broken.status, 400);
  assert.match((await broken.json())[0].description, /boundary/);
  assert.equal((await anon.get('/open311/v2/requests.json?page_size=1000')).json.length, before);
});
