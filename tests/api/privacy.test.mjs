// Nothing personal or confidential leaks: citizens submit NIKs, phone
// numbers, email addresses, names and confidential complaint text through
// every public door (complaints public, anonymous and confidential, Open311,
// information requests without an account), the hourly work publishes to
// Satu Data, then every public GET route that `pendopo routes` lists is
// read anonymously with each plausible parameter (tracking numbers,
// datasets, resources), every CKAN action and data download too, and the
// server's log (access log on, debug level) is read: none may hold any of
// it.  A new public route is scanned without being listed here.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BIN, Client, startServer } from '../lib/server.mjs';
import { apikey, register } from './util.mjs';
import { VILLAGE, complaint, tick } from './complaints_fixtures.mjs';

const NIK = '3303014101900001';
const SECRET = {
  nik: NIK,
  phone: '081299887766', phone2: '6281377665544',
  email: 'rahasia.pelapor.77@example.id', email2: 'pemohon.ppid.31@example.id', email3: 'o311.warga.55@example.id',
  name: 'Kartini Pelapor Tersembunyi', name2: 'Wiryo Pemohon Diam',
  confidential: 'SUAP-KEPALA-DINAS-8841', anonymous: 'ANONIM-SAKSI-5512',
  address: 'Jl. Kenanga Rahasia 19',
};

describe('privacy scan', () => {
  let srv;
  const trackings = [];
  before(async () => {
    srv = await startServer({ demo: true, env: { PENDOPO_ACCESS_LOG: '1', PENDOPO_LOG_LEVEL: 'debug' } });
    // A citizen with an account: a public complaint with identity, a
    // confidential one, and an anonymous one from nobody.
    const citizen = await register(srv.url, { name: SECRET.name, email: SECRET.email });
    for (const body of [
      complaint({ name: SECRET.name, email: SECRET.email, phone: SECRET.phone }),
      complaint({ confidential: true, description: `Laporan ${SECRET.confidential} di kantor dinas, ${SECRET.address}.`, phone: SECRET.phone }),
    ]) {
      const r = await citizen.post('/api/complaints', body);
      assert.equal(r.status, 201, r.text);
      trackings.push(r.json.complaint.tracking);
    }
    const nobody = new Client(srv.url);
    let r = await nobody.post('/api/complaints', complaint({
      anonymous: true, name: SECRET.name2, email: SECRET.email2, phone: SECRET.phone2,
      description: `Saya ${SECRET.anonymous} melihat pungutan liar di jembatan desa.`, confidential: true,
    }));
    assert.equal(r.status, 201, r.text);
    trackings.push(r.json.complaint.tracking);
    // An information request without an account, with the legal fields.
    r = await nobody.post('/api/inforeq', {
      agency: 'DINKES', name: SECRET.name2, nik: NIK, address: SECRET.address, phone: SECRET.phone2, email: SECRET.email2,
      information: 'Data cakupan imunisasi dasar lengkap per puskesmas tahun 2025', purpose: 'Bahan penelitian skripsi',
      obtain: 'copy', delivery: 'email',
    });
    assert.equal(r.status, 201, r.text);
    trackings.push(r.json.request.tracking);
    // Open311 with the reporter's contact fields.
    const key = apikey(srv, 'Aplikasi Warga', 'officer');
    const res = await fetch(`${srv.url}/open311/v2/requests.json`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        api_key: key, service_code: 'JALAN', lat: '-7.3901', long: '109.3602', address_id: VILLAGE,
        description: 'Jembatan retak, mohon diperiksa.', email: SECRET.email3, phone: SECRET.phone,
        first_name: 'Kartini', last_name: 'Tersembunyi',
      }).toString(),
    });
    assert.equal(res.status, 201, await res.text());
    // A failed login with the email: the log must not name it either.
    assert.equal((await new Client(srv.url).post('/api/auth/login', { email: SECRET.email, password: 'salah-sekali-123' })).status, 401);
    // The hourly publication into Satu Data.
    tick(srv, new Date(Date.now() + 2 * 3600e3).toISOString().replace(/\.\d+Z$/, 'Z'));
  });
  after(async () => { await srv?.stop(); });

  function leaks(text) {
    const low = text.toLowerCase();
    return Object.entries(SECRET).filter(([, v]) => low.includes(v.toLowerCase())).map(([k]) => k);
  }

  it('no public route shows a NIK, phone, email, name or confidential text', async () => {
    const datasets = (await (await fetch(srv.url + '/api/3/action/package_list')).json()).result;
    const resources = [];
    for (const name of datasets) {
      const d = await (await fetch(`${srv.url}/api/3/action/package_show?id=${name}`)).json();
      for (const res of d.result?.resources || []) resources.push(res.id);
    }
    assert.ok(datasets.length > 0 && resources.length > 0, 'Satu Data has something to scan');
    const candidates = {
      no: trackings, file: [...trackings.map((t) => `${t}.json`), 'requests.json', 'JALAN.json'],
      fmt: ['json', 'xml'], name: datasets, id: [...resources.map(String), '1', '2', '3'],
      kode: [VILLAGE], code: ['DINKES', 'DINKOMINFO', 'PUPR'], unit: ['DINKES', 'DINKOMINFO'], n: ['1', '0'],
    };
    const routes = execFileSync(BIN, ['routes'], { encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l))
      .filter((r) => r.method === 'GET' && r.public && r.path !== '/api/events');
    assert.ok(routes.length > 60, `${routes.length} public GET routes`);
    const paths = new Set();
    for (const r of routes) {
      let list = [r.path];
      for (const [, p] of r.path.matchAll(/\{(\w+)\}/g))
        list = list.flatMap((path) => (candidates[p] || ['x']).map((v) => path.replace(`{${p}}`, encodeURIComponent(v))));
      for (const p of list) paths.add(p);
    }
    // Lists and searches, asked as a reader would; the CKAN actions with
    // their parameters.
    for (const q of ['Kartini', 'SUAP', 'suap', 'ANONIM', 'pungutan', 'Kenanga', 'jembatan'])
      for (const p of ['/api/complaints?q=', '/api/inforeq/register?q=', '/api/3/action/package_search?q=', '/api/permits/library?q=', '/open311/v2/requests.json?q='])
        paths.add(p + q);
    paths.add('/api/complaints?status=all&limit=100');
    paths.add('/api/complaints/map?bbox=108,-8,110,-7');
    paths.add('/open311/v2/requests.json?status=open');
    for (const name of datasets) paths.add(`/api/3/action/package_show?id=${name}`);
    for (const id of resources) {
      paths.add(`/api/3/action/datastore_search?resource_id=${id}&limit=1000`);
      paths.add(`/api/3/action/resource_show?id=${id}`);
    }
    let read = 0;
    for (const p of paths) {
      const res = await fetch(srv.url + p);
      const body = Buffer.from(await res.arrayBuffer()).toString('latin1');
      if (res.status === 200) read++;
      assert.deepEqual(leaks(body), [], `GET ${p} (${res.status})`);
    }
    assert.ok(read > 60, `only ${read} public answers read`);
  });

  it('the log holds none of it, only masked', () => {
    const log = srv.stderr();
    assert.match(log, /msg=request .*path=\/api\/complaints/, 'the access log was on');
    assert.deepEqual(leaks(log), [], 'in the server log');
  });
});
