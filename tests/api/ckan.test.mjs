// The CKAN Action API: envelope, error types and status codes, the
// @portaljs/ckan-api-client-js client against our server, writes with an
// API token, datastore_search, and package_search paged as a harvester
// pages it.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import ckanClient from '@portaljs/ckan-api-client-js';
import { startServer, Client } from '../lib/server.mjs';
import { apikey, cliUser } from './util.mjs';

// A CommonJS package: CkanRequest is its default export.
const { default: CkanRequest, CkanRequestError } = ckanClient;

describe('ckan', () => {
  let srv, base, token, otherToken, anon;
  const quiet = console.error;

  const action = async (fn, { method = 'GET', query = '', body, auth } = {}) => {
    const headers = { 'content-type': 'application/json' };
    if (auth) headers.authorization = auth;
    const res = await fetch(`${base}/api/3/action/${fn}${query}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json();
    return { status: res.status, json };
  };
  const assertCkanError = (r, status, type) => {
    assert.equal(r.status, status, JSON.stringify(r.json));
    assert.equal(r.json.success, false);
    assert.equal(typeof r.json.help, 'string');
    assert.equal(r.json.error.__type, type);
    if (type === 'Validation Error') {
      // As CKAN: only __type and the field lists, which clients join into the text they show.
      const keys = Object.keys(r.json.error).filter((k) => k !== '__type');
      assert.ok(keys.length >= 1 && keys.every((k) => Array.isArray(r.json.error[k]) && r.json.error[k].every((m) => typeof m === 'string')),
        JSON.stringify(r.json.error));
    } else {
      assert.equal(typeof r.json.error.message, 'string');
    }
  };

  before(async () => {
    srv = await startServer({ demo: true });
    base = srv.url;
    anon = new Client(base);
    token = apikey(srv, 'ckan-dukcapil', 'officer', ['--unit', 'DISDUKCAPIL']);
    otherToken = apikey(srv, 'ckan-dinkes', 'officer', ['--unit', 'DINKES']);
    // The client logs every failure; the refusals below are on purpose.
    console.error = () => {};
  });
  after(async () => {
    console.error = quiet;
    await srv?.stop();
  });

  test('the npm client: status, package_show not found, unknown action, unauthorised create', async () => {
    const st = await CkanRequest.get('status_show', { ckanUrl: base });
    assert.equal(st.success, true);
    assert.match(st.help, /help_show\?name=status_show$/);
    assert.equal(typeof st.result.ckan_version, 'string');

    await assert.rejects(CkanRequest.get('package_show?id=tidak-ada', { ckanUrl: base }), (e) => {
      assert.ok(e instanceof CkanRequestError);
      assert.equal(e.error.__type, 'Not Found Error');
      assert.match(e.message, /not found/);
      return true;
    });
    await assert.rejects(CkanRequest.get('no_such_action', { ckanUrl: base }), (e) => {
      assert.equal(e.error.__type, 'Bad Request');
      assert.match(e.error.message, /Action name not known/);
      return true;
    });
    await assert.rejects(CkanRequest.post('package_create', { ckanUrl: base, json: { name: 'tanpa-token', owner_org: 'disdukcapil' } }), (e) => {
      assert.equal(e.error.__type, 'Authorization Error');
      return true;
    });
    await assert.rejects(CkanRequest.post('package_create', { ckanUrl: base, apiKey: 'not-a-real-token', json: { name: 'token-palsu', owner_org: 'disdukcapil' } }), (e) => {
      assert.equal(e.error.__type, 'Authorization Error');
      return true;
    });

    // With a token, as CKAN's clients send it (no "Bearer").
    const created = await CkanRequest.post('package_create', {
      ckanUrl: base, apiKey: token,
      json: {
        name: 'dibuat-lewat-ckan', title: 'Dibuat lewat CKAN', owner_org: 'disdukcapil', notes: 'Uji',
        tags: [{ name: 'ckan' }], groups: [{ name: 'kependudukan' }], extras: [{ key: 'frequency', value: 'bulanan' }],
        resources: [{ name: 'Tautan', url: 'https://contoh.go.id/data.csv', format: 'CSV' }],
      },
    });
    assert.equal(created.success, true);
    assert.equal(created.result.name, 'dibuat-lewat-ckan');
    assert.equal(created.result.owner_org, 'disdukcapil');
    assert.equal(created.result.num_resources, 1);
    assert.deepEqual(created.result.tags.map((t) => t.name), ['ckan']);
    assert.ok(created.result.extras.some((x) => x.key === 'frequency' && x.value === 'bulanan'));

    // Validation Error lists the field.
    await assert.rejects(CkanRequest.post('package_create', { ckanUrl: base, apiKey: token, json: { name: 'dibuat-lewat-ckan', owner_org: 'disdukcapil', title: 'x' } }), (e) => {
      assert.equal(e.error.__type, 'Validation Error');
      assert.deepEqual(e.error.name, ['That URL is already in use.']);
      return true;
    });
    // Another agency's token may not update it.
    await assert.rejects(CkanRequest.post('package_update', { ckanUrl: base, apiKey: otherToken, json: { id: 'dibuat-lewat-ckan', title: 'Diambil alih' } }), (e) => {
      assert.equal(e.error.__type, 'Authorization Error');
      return true;
    });
    const upd = await CkanRequest.post('package_update', { ckanUrl: base, apiKey: token, json: { id: 'dibuat-lewat-ckan', title: 'Judul baru' } });
    assert.equal(upd.result.title, 'Judul baru');
    const res = await CkanRequest.post('resource_create', { ckanUrl: base, apiKey: token, json: { package_id: 'dibuat-lewat-ckan', name: 'Kedua', url: 'https://contoh.go.id/b.json', format: 'JSON' } });
    assert.equal(res.result.format, 'JSON');
    const shown = await CkanRequest.get(`resource_show?id=${res.result.id}`, { ckanUrl: base });
    assert.equal(shown.result.package_id, created.result.id);
  });

  test('envelope, status codes and read actions', async () => {
    assertCkanError(await action('package_show'), 409, 'Validation Error');
    assertCkanError(await action('package_show', { query: '?id=tidak-ada' }), 404, 'Not Found Error');
    assertCkanError(await action('frobnicate'), 400, 'Bad Request');
    assertCkanError(await action('package_create', { method: 'POST', body: { name: 'x' } }), 403, 'Authorization Error');
    const bad = await fetch(`${base}/api/3/action/package_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"q": ' });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.__type, 'Bad Request');
    // A write asked by GET is a Bad Request, as in CKAN.
    const get = await action('package_create', { query: '?name=x' });
    assertCkanError(get, 400, 'Bad Request');
    assert.match(get.json.error.message, /POST/);
    // Write actions CKAN has and Pendopo does not offer: refused to everyone,
    // as CKAN refuses a caller without rights - even a producer's token.
    for (const fn of ['organization_create', 'group_create', 'user_create', 'member_create', 'package_delete', 'resource_delete']) {
      const a = await action(fn, { method: 'POST', body: { name: 'x', id: 'x' } });
      assertCkanError(a, 403, 'Authorization Error');
      assert.match(a.json.error.message, /requires an authenticated user/);
      const t = await action(fn, { method: 'POST', auth: token, body: { name: 'x', id: 'x' } });
      assertCkanError(t, 403, 'Authorization Error');
      assert.match(t.json.error.message, new RegExp(`not authorized to ${fn}`));
    }
    // The same actions under /api/action/.
    const alt = await (await fetch(`${base}/api/action/package_list`)).json();
    assert.equal(alt.success, true);
    assert.ok(alt.result.includes('jumlah-penduduk-2025'));

    const show = await action('package_show', { query: '?id=jumlah-penduduk-2025' });
    assert.equal(show.status, 200);
    const p = show.json.result;
    for (const k of ['id', 'name', 'title', 'notes', 'url', 'version', 'author', 'author_email', 'maintainer', 'maintainer_email',
      'license_id', 'license_title', 'state', 'type', 'private', 'owner_org', 'organization', 'metadata_created',
      'metadata_modified', 'num_resources', 'num_tags', 'resources', 'tags', 'groups', 'extras']) assert.ok(k in p, `dataset field ${k}`);
    const r0 = p.resources[0];
    for (const k of ['id', 'package_id', 'url', 'name', 'description', 'format', 'mimetype', 'size', 'created', 'last_modified',
      'position', 'state', 'datastore_active']) assert.ok(k in r0, `resource field ${k}`);
    assert.equal(r0.datastore_active, true);
    assert.match(r0.url, /\/api\/data\/resources\/.+\/data\.csv$/);

    const orgs = await action('organization_list', { query: '?all_fields=true' });
    const dk = orgs.json.result.find((o) => o.name === 'disdukcapil');
    assert.ok(dk && dk.package_count >= 1);
    assert.equal((await action('organization_show', { query: '?id=disdukcapil' })).json.result.title, dk.title);
    assertCkanError(await action('organization_show', { query: '?id=tidak-ada' }), 404, 'Not Found Error');
    assert.ok((await action('group_list')).json.result.includes('kependudukan'));
    assert.equal((await action('group_show', { query: '?id=kependudukan' })).json.result.name, 'kependudukan');
    assert.ok((await action('tag_list')).json.result.includes('kependudukan'));

    // datastore_search: filters, q, fields, sort, paging, total.
    const ds = async (q) => (await action('datastore_search', { query: `?resource_id=${r0.id}${q}` })).json;
    const one = await ds(`&filters=${encodeURIComponent('{"kode_wilayah":"33.03"}')}`);
    assert.equal(one.success, true);
    assert.equal(one.result.total, 1);
    assert.equal(one.result.records[0].nama_wilayah, 'Kabupaten Purbalingga');
    assert.ok(Number.isInteger(one.result.records[0]._id));
    assert.deepEqual(one.result.fields.map((f) => f.id), ['_id', 'kode_wilayah', 'nama_wilayah', 'laki_laki', 'perempuan', 'jumlah']);
    const page = await ds('&limit=5&offset=5');
    assert.equal(page.result.records.length, 5);
    assert.ok(page.result.total > 500);
    const q = await ds('&q=Purbalingga&fields=kode_wilayah,jumlah');
    assert.deepEqual(q.result.records, [{ kode_wilayah: '33.03', jumlah: q.result.records[0].jumlah }]);
    const top = await ds('&sort=jumlah%20desc&limit=1');
    assert.equal(top.result.records[0].kode_wilayah, '32');
    const jt = await ds(`&filters=${encodeURIComponent('{"nama_wilayah":["Jawa Tengah","Jawa Timur"]}')}`);
    assert.equal(jt.result.total, 2);
    const bad2 = await action('datastore_search', { query: `?resource_id=${r0.id}&filters=${encodeURIComponent('{"nope":1}')}` });
    assertCkanError(bad2, 409, 'Validation Error');
    assertCkanError(await action('datastore_search', { query: '?resource_id=tidak-ada' }), 404, 'Not Found Error');
    // POST with a JSON body works the same.
    const post = await action('datastore_search', { method: 'POST', body: { resource_id: r0.id, filters: { kode_wilayah: '33.03' } } });
    assert.equal(post.json.result.total, 1);
  });

  test('package_search: q, fq, facets, and a harvester paging by id', async () => {
    // More datasets so that paging has pages.
    for (let i = 0; i < 25; i++) {
      const r = await action('package_create', { method: 'POST', auth: token, body: { name: `panen-${String(i).padStart(2, '0')}`, title: `Panen ${i}`, owner_org: 'disdukcapil', tags: [{ name: 'panen' }] } });
      assert.equal(r.status, 200, JSON.stringify(r.json));
    }
    const s = await action('package_search', { query: `?q=penduduk&facet.field=${encodeURIComponent('["organization","tags","groups"]')}&rows=2` });
    assert.equal(s.status, 200);
    assert.ok(s.json.result.count >= 2);
    assert.equal(s.json.result.results.length, 2);
    assert.ok(s.json.result.search_facets.organization.items.some((x) => x.name === 'disdukcapil'));
    assert.equal(typeof s.json.result.facets.tags, 'object');
    const fq = await action('package_search', { query: `?fq=${encodeURIComponent('tags:panen organization:disdukcapil')}&rows=0` });
    assert.equal(fq.json.result.count, 25);
    const none = await action('package_search', { query: `?fq=${encodeURIComponent('organization:dinkes tags:panen')}` });
    assert.equal(none.json.result.count, 0);
    assertCkanError(await action('package_search', { query: '?fq=nosuchfield:x' }), 409, 'Search Error');
    const capped = await action('package_search', { query: '?rows=5000' });
    assert.equal(capped.status, 200, 'rows above 1000 are capped, as CKAN does');
    assert.ok(capped.json.result.results.length <= 1000 && capped.json.result.results.length === Math.min(1000, capped.json.result.count));

    // The Lucene syntax CKAN front ends build, evaluated as Solr would.
    const count = async (params) => {
      const qs = Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
      const r = await action('package_search', { query: `?${qs}&rows=0` });
      assert.equal(r.status, 200, `${qs}: ${JSON.stringify(r.json)}`);
      return r.json.result.count;
    };
    const everything = await count({});
    const dukcapil = await count({ fq: 'organization:disdukcapil' });
    const dinkes = await count({ fq: 'organization:dinkes' });
    assert.ok(dukcapil >= 25);
    assert.equal(await count({ fq: 'organization:(disdukcapil OR dinkes)' }), dukcapil + dinkes);
    assert.equal(await count({ fq: 'organization:disdukcapil OR organization:dinkes' }), dukcapil + dinkes);
    const panen = await count({ fq: 'tags:panen' });
    assert.equal(panen, 25);
    assert.equal(await count({ fq: 'NOT tags:panen' }), everything - panen);
    assert.equal(await count({ fq: '-tags:panen' }), everything - panen);
    assert.equal(await count({ fq: '*:* -tags:panen' }), everything - panen);
    assert.equal(await count({ fq: 'tags:pan*' }), panen);
    assert.equal(await count({ fq: '+tags:panen +organization:dinkes' }), 0);
    assert.equal(await count({ q: 'panen OR penduduk' }), await count({ q: 'panen' }) + await count({ q: 'penduduk' }) -
      await count({ q: 'panen AND penduduk' }));
    assert.equal(await count({ q: '(panen OR penduduk) AND NOT tags:panen' }), await count({ q: 'penduduk', fq: '-tags:panen' }));
    assert.equal(await count({ q: 'title:"Panen 1"' }), 11, '"Panen 1" is in Panen 1 and Panen 10..19');
    assert.equal(await count({ fq: 'organization:(disdukcapil OR dinkes)', q: 'panen' }), 25);
    for (const [param, bad, why] of [['fq', 'organization:(dinkes', 'parenthesis'], ['q', 'kesehatan^2', 'boost'],
      ['q', 'a OR', 'OR has nothing'], ['fq', 'tags:k?s', 'wildcard'], ['fq', 'tags:[a TO b]', 'takes no range']]) {
      const r = await action('package_search', { query: `?${param}=${encodeURIComponent(bad)}` });
      assertCkanError(r, 400, 'Search Query Error');
      assert.match(r.json.error.message, new RegExp(why), `${bad}: ${r.json.error.message}`);
    }
    assertCkanError(await action('package_search', { query: '?sort=popularity+desc' }), 400, 'Search Query Error');

    // Facets: facet.mincount applies; facet.field may come as the text of a JSON list in a POST body.
    const facets = await action('package_search', { method: 'POST', body: { 'facet.field': '["organization","tags"]', 'facet.mincount': 25, rows: 0 } });
    assert.equal(facets.status, 200, JSON.stringify(facets.json));
    const orgFacet = facets.json.result.search_facets.organization.items;
    assert.ok(orgFacet.length >= 1 && orgFacet.every((x) => x.count >= 25), JSON.stringify(orgFacet));
    assert.deepEqual(facets.json.result.search_facets.tags.items.map((x) => [x.name, x.count]), [['panen', 25]]);
    const tags = await action('tag_list', { query: '?all_fields=true' });
    assert.deepEqual(tags.json.result.find((t) => t.name === 'panen'), { id: 'panen', name: 'panen', display_name: 'panen', vocabulary_id: null });
    assert.ok((await action('tag_list')).json.result.includes('panen'));

    // A harvester: everything modified since a date, 10 at a time, by id.
    const since = '2000-01-01T00:00:00Z';
    const all = await action('package_search', { query: `?fq=${encodeURIComponent(`metadata_modified:[${since} TO *]`)}&rows=0` });
    const total = all.json.result.count;
    assert.ok(total >= 28, `total ${total}`);
    const seen = [];
    for (let start = 0; start < total; start += 10) {
      const r = await action('package_search', { query: `?fq=${encodeURIComponent(`metadata_modified:[${since} TO *]`)}&rows=10&start=${start}&sort=${encodeURIComponent('id asc')}` });
      assert.equal(r.status, 200);
      assert.equal(r.json.result.count, total);
      seen.push(...r.json.result.results.map((x) => x.id));
    }
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total, 'no dataset twice');
    assert.deepEqual(seen, [...seen].sort(), 'in id order');
    const future = await action('package_search', { query: `?fq=${encodeURIComponent('metadata_modified:[2999-01-01T00:00:00Z TO *]')}` });
    assert.equal(future.json.result.count, 0);
    // Private datasets stay out of the public listing.
    const priv = await action('package_create', { method: 'POST', auth: token, body: { name: 'rahasia', title: 'Rahasia', owner_org: 'disdukcapil', private: true } });
    assert.equal(priv.status, 200);
    assert.equal((await action('package_search', { query: '?fq=name:rahasia' })).json.result.count, 0);
    assertCkanError(await action('package_show', { query: '?id=rahasia' }), 404, 'Not Found Error');
    assert.equal((await action('package_show', { query: '?id=rahasia', auth: token })).status, 200);
    assert.ok(!(await anon.get('/api/3/action/package_list')).json.result.includes('rahasia'));
  });

  test('resource_create with a Table Schema makes a datastore table', async () => {
    const w = await cliUser(srv, 'walidata');
    assert.equal((await w.post('/api/data/indicators', { code: 'CKAN-UJI', name: 'Uji CKAN', producer: 'DISDUKCAPIL' })).status, 201);
    const schema = { fields: [{ name: 'kode_wilayah', type: 'string' }, { name: 'tahun', type: 'year' }, { name: 'nilai', type: 'number' }],
      primaryKey: ['kode_wilayah', 'tahun'], foreignKeys: [{ fields: 'kode_wilayah', reference: { resource: 'wilayah', fields: 'kode' } }] };
    const r = await action('resource_create', { method: 'POST', auth: token, body: { package_id: 'dibuat-lewat-ckan', name: 'Tabel', schema: JSON.stringify(schema), period_field: 'tahun', mappings: [{ field: 'nilai', indicator: 'CKAN-UJI' }] } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.result.format, 'CSV');
    assert.equal(r.json.result.datastore_active, false, 'no published rows yet');
    const badSchema = await action('resource_create', { method: 'POST', auth: token, body: { package_id: 'dibuat-lewat-ckan', name: 'Salah', schema: { fields: [] } } });
    assertCkanError(badSchema, 409, 'Validation Error');
    assert.ok(Array.isArray(badSchema.json.error.schema));
  });
});
