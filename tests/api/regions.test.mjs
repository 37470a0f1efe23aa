// The Kemendagri region register: lookup, children, search and its limits.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { assertError } from './util.mjs';

const levelOf = (kode) => ['province', 'regency', 'district', 'village'][kode.split('.').length - 1];

describe('regions', () => {
  let srv, c;
  before(async () => {
    srv = await startServer();
    c = new Client(srv.url);
  });
  after(async () => { await srv?.stop(); });

  const search = async (qs) => {
    const r = await c.get('/api/regions?' + qs);
    assert.equal(r.status, 200, `${qs}: ${r.text}`);
    assert.ok(Array.isArray(r.json.items));
    for (const it of r.json.items) {
      for (const k of ['kode', 'nama', 'level']) assert.equal(typeof it[k], 'string', JSON.stringify(it));
      assert.equal(it.level, levelOf(it.kode), `level of ${it.kode}`);
    }
    return r.json.items;
  };

  test('GET /api/regions/33.03 is Kabupaten Purbalingga in Jawa Tengah with 18 districts', async () => {
    const r = await c.get('/api/regions/33.03');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.kode, '33.03');
    assert.equal(r.json.nama, 'Kabupaten Purbalingga');
    assert.equal(r.json.level, 'regency');
    assert.deepEqual(r.json.ancestors, [{ kode: '33', nama: 'Jawa Tengah', level: 'province' }]);
    const parent = r.json.parent;
    assert.ok(parent === '33' || parent?.kode === '33', `parent is 33: ${JSON.stringify(parent)}`);
    assert.equal(r.json.children, 18);
  });

  test('a village has its whole ancestry, nearest last', async () => {
    const r = await c.get('/api/regions/33.03.01.2006');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.nama, 'Kemangkon');
    assert.equal(r.json.level, 'village');
    assert.deepEqual(r.json.ancestors.map((a) => [a.kode, a.nama, a.level]), [
      ['33', 'Jawa Tengah', 'province'],
      ['33.03', 'Kabupaten Purbalingga', 'regency'],
      ['33.03.01', 'Kemangkon', 'district'],
    ]);
    assert.equal(r.json.children, 0);
    const prov = await c.get('/api/regions/33');
    assert.equal(prov.json.level, 'province');
    assert.deepEqual(prov.json.ancestors, []);
    assert.ok(prov.json.parent === null || prov.json.parent === undefined || prov.json.parent === '');
  });

  test('children of 33.03 are its 18 districts', async () => {
    const items = await search('parent=33.03');
    assert.equal(items.length, 18);
    assert.ok(items.every((it) => it.level === 'district' && /^33\.03\.\d\d$/.test(it.kode)));
    assert.equal(new Set(items.map((it) => it.kode)).size, 18);
    assert.ok(items.some((it) => it.kode === '33.03.01' && it.nama === 'Kemangkon'));
    assert.ok(items.some((it) => it.kode === '33.03.05' && it.nama === 'Purbalingga'));
  });

  test('parent=33.03.01 lists the 19 villages of Kemangkon', async () => {
    const items = await search('parent=33.03.01');
    assert.equal(items.length, 19);
    assert.ok(items.every((it) => it.level === 'village' && it.kode.startsWith('33.03.01.')));
    assert.ok(items.some((it) => it.kode === '33.03.01.2001' && it.nama === 'Kedungbenda'));
    assert.ok(items.some((it) => it.kode === '33.03.01.2019' && it.nama === 'Majasem'));
  });

  test('q=purbalingga: prefix matches first, then Kabupaten Purbalingga (33.03); case does not matter', async () => {
    // The contract orders prefix matches first.  "Kabupaten Purbalingga"
    // does not start with "purbalingga", so the regency comes after the
    // district Purbalingga and its kelurahan.  (The brief wanted 33.03
    // first; that needs a contract change, e.g. ignoring "Kabupaten "/"Kota ".)
    const items = await search('q=purbalingga');
    assert.deepEqual(items.map((it) => it.kode).sort(), ['33.03', '33.03.05', '33.03.05.1006', '33.03.05.1008', '33.03.05.1010', '33.03.05.1011']);
    const firstInner = items.findIndex((it) => !it.nama.toLowerCase().startsWith('purbalingga'));
    assert.equal(items[firstInner]?.kode, '33.03', JSON.stringify(items));
    assert.ok(items.slice(firstInner).every((it) => !it.nama.toLowerCase().startsWith('purbalingga')), 'prefix matches first');
    assert.equal(items[firstInner].nama, 'Kabupaten Purbalingga');
    assert.equal(items[firstInner].level, 'regency');
    const upper = await search('q=PURBA');
    assert.ok(upper.some((it) => it.kode === '33.03.05'), 'PURBA finds Purbalingga');
    assert.ok(upper.every((it) => /purba/i.test(it.nama)));
    const all = await search('q=PURBA&limit=100');
    assert.equal(all.length, 80, 'all 80 names containing "purba"');
    assert.ok(all.some((it) => it.kode === '33.03'), 'PURBA finds Kabupaten Purbalingga');
    const mixed = await search('q=PurBaLinGGA');
    assert.deepEqual(mixed.map((it) => it.kode), items.map((it) => it.kode));
  });

  test('substring matches: q=alingga finds Purbalingga', async () => {
    const items = await search('q=alingga&limit=100');
    assert.ok(items.some((it) => it.kode === '33.03'), JSON.stringify(items));
    assert.ok(items.some((it) => it.kode === '33.03.05'));
    assert.ok(items.every((it) => it.nama.toLowerCase().includes('alingga')));
    assert.equal(items.length, 17, 'all 17 names containing "alingga"');
  });

  test('prefix matches come before substring-only matches', async () => {
    const items = await search('q=rembang&limit=100');
    assert.equal(items.length, 22, 'all 22 names containing "rembang"');
    assert.ok(items.every((it) => it.nama.toLowerCase().includes('rembang')));
    const prefix = (it) => it.nama.toLowerCase().startsWith('rembang');
    const wordPrefix = (it) => /(^|\s)rembang/i.test(it.nama);
    const lastPrefix = Math.max(...items.map((it, i) => (prefix(it) ? i : -1)));
    const firstInner = items.findIndex((it) => !wordPrefix(it));
    assert.equal(items.filter(prefix).length, 7);
    assert.ok(lastPrefix < firstInner, `prefix matches first: ${items.map((it) => it.nama).join(', ')}`);
  });

  test('limit is respected, defaults to 20 and must be 1..100', async () => {
    assert.equal((await search('q=karang&limit=5')).length, 5);
    assert.equal((await search('q=karang')).length, 20);
    assert.equal((await search('q=karang&limit=100')).length, 100);
    assert.equal((await search('q=karang&limit=1')).length, 1);
    for (const bad of ['0', 'abc', '101', '-1', '5x']) {
      assertError(await c.get('/api/regions?q=karang&limit=' + bad), 400, 'invalid', 'limit');
    }
  });

  test('unknown code → 404 not_found', async () => {
    assertError(await c.get('/api/regions/99.99'), 404, 'not_found');
    assertError(await c.get('/api/regions/33.03.99.9999'), 404, 'not_found');
    assertError(await c.get('/api/regions/nonsense'), 404, 'not_found');
    assert.deepEqual(await search('q=zzzzqqq'), []);
  });

  test('GET /api/site names the regency', async () => {
    const r = await c.get('/api/site');
    assert.equal(r.status, 200, r.text);
    assert.equal(typeof r.json.name, 'string');
    assert.deepEqual(r.json.regency, { kode: '33.03', nama: 'Kabupaten Purbalingga' });
  });
});
