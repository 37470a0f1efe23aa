// The CKAN Action API as standard clients use it (issue 20): package_search
// over a small catalogue whose answers are written out by hand as CKAN 2.10
// (Solr) gives them, list sorts, form-encoded bodies, datastore_search's
// q/full_text/plain/records_format/_links/_id, package_update against
// package_patch, moving a dataset to another agency, validation errors,
// help_show, group_show with datasets and current_package_list_with_resources.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { apikey } from './util.mjs';

describe('ckan clients', () => {
  let srv, base, dukcapil, dinkes, walidata;

  const action = async (fn, { method = 'GET', query = '', body, auth, form } = {}) => {
    const headers = { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' };
    if (auth) headers.authorization = auth;
    const payload = form ? new URLSearchParams(form).toString() : body === undefined ? undefined : JSON.stringify(body);
    const res = await fetch(`${base}/api/3/action/${fn}${query}`, { method, headers, body: payload });
    return { status: res.status, json: await res.json() };
  };
  const qs = (params) => '?' + Object.entries(params).map(([k, v]) =>
    `${k}=${encodeURIComponent(typeof v === 'object' ? JSON.stringify(v) : v)}`).join('&');
  const validation = (r, field) => {
    assert.equal(r.status, 409, JSON.stringify(r.json));
    assert.equal(r.json.success, false);
    assert.deepEqual(Object.keys(r.json.error).sort(), ['__type', field].sort(), JSON.stringify(r.json.error));
    assert.equal(r.json.error.__type, 'Validation Error');
    assert.ok(r.json.error[field].every((m) => typeof m === 'string' && m.length > 0));
  };

  // The small catalogue: five datasets of two agencies, all tagged "katalog".
  const catalogue = [
    { name: 'kat-penduduk', title: 'Jumlah Penduduk Desa', owner_org: 'disdukcapil', notes: 'Data per desa', tags: ['penduduk'] },
    { name: 'kat-kelahiran', title: 'Angka Kelahiran', owner_org: 'disdukcapil', notes: 'Kelahiran per kecamatan', tags: ['penduduk', 'kesehatan'] },
    { name: 'kat-puskesmas', title: 'Daftar Puskesmas', owner_org: 'dinkes', notes: 'Fasilitas kesehatan', tags: ['kesehatan'] },
    { name: 'kat-gizi', title: 'Status Gizi Balita', owner_org: 'dinkes', notes: 'Balita ditimbang', tags: ['kesehatan', 'gizi'], license_id: 'odc-by' },
    { name: 'kat-jalan', title: 'Panjang Jalan Desa', owner_org: 'disdukcapil', notes: 'Jalan desa', tags: ['infrastruktur'] },
  ];

  before(async () => {
    srv = await startServer({ demo: true });
    base = srv.url;
    dukcapil = apikey(srv, 'kc-dukcapil', 'officer', ['--unit', 'DISDUKCAPIL']);
    dinkes = apikey(srv, 'kc-dinkes', 'officer', ['--unit', 'DINKES']);
    walidata = apikey(srv, 'kc-walidata', 'walidata');
    for (const d of catalogue) {
      const r = await action('package_create', { method: 'POST', auth: d.owner_org === 'dinkes' ? dinkes : dukcapil,
        body: { ...d, tags: [...d.tags, 'katalog'].map((name) => ({ name })) } });
      assert.equal(r.status, 200, JSON.stringify(r.json));
    }
  });
  after(async () => { await srv?.stop(); });

  test('package_search: q and fq as Solr evaluates them, on a catalogue written out by hand', async () => {
    const names = async (params) => {
      const r = await action('package_search', { query: qs({ rows: 1000, ...params }) });
      assert.equal(r.status, 200, `${JSON.stringify(params)}: ${JSON.stringify(r.json)}`);
      assert.equal(r.json.result.count, r.json.result.results.length);
      return r.json.result.results.map((p) => p.name.replace('kat-', '')).sort();
    };
    // q under test, fq keeping to the catalogue
    const inQ = (q) => names({ q, fq: 'tags:katalog' });
    assert.deepEqual(await inQ('kesehatan'), ['gizi', 'kelahiran', 'puskesmas']);
    assert.deepEqual(await inQ('desa OR gizi'), ['gizi', 'jalan', 'penduduk']);
    assert.deepEqual(await inQ('desa AND jalan'), ['jalan']);
    assert.deepEqual(await inQ('kesehatan -tags:gizi'), ['kelahiran', 'puskesmas']);
    assert.deepEqual(await inQ('title:"Status Gizi"'), ['gizi']);
    assert.deepEqual(await inQ('name:kat-p*'), ['penduduk', 'puskesmas']);
    // fq under test, q keeping to the catalogue
    const inFq = (fq) => names({ q: 'tags:katalog', fq });
    assert.deepEqual(await inFq('organization:dinkes'), ['gizi', 'puskesmas']);
    assert.deepEqual(await inFq('organization:(dinkes OR disdukcapil)'), ['gizi', 'jalan', 'kelahiran', 'penduduk', 'puskesmas']);
    assert.deepEqual(await inFq('tags:kesehatan AND NOT organization:dinkes'), ['kelahiran']);
    assert.deepEqual(await inFq('-tags:kesehatan'), ['jalan', 'penduduk']);
    assert.deepEqual(await inFq('NOT tags:kesehatan'), ['jalan', 'penduduk']);
    assert.deepEqual(await inFq('+tags:penduduk +tags:kesehatan'), ['kelahiran']);
    assert.deepEqual(await inFq('tags:(gizi OR infrastruktur)'), ['gizi', 'jalan']);
    assert.deepEqual(await inFq('license_id:odc-by'), ['gizi']);
    assert.deepEqual(await inFq('(tags:gizi OR tags:penduduk) AND organization:disdukcapil'), ['kelahiran', 'penduduk']);

    const sorted = await action('package_search', { query: qs({ fq: 'tags:katalog', sort: 'title_string desc' }) });
    assert.deepEqual(sorted.json.result.results.map((p) => p.name),
      ['kat-gizi', 'kat-jalan', 'kat-penduduk', 'kat-puskesmas', 'kat-kelahiran']);
    const facets = await action('package_search', { query: qs({ fq: 'tags:katalog', rows: 0, 'facet.field': ['tags', 'organization'], 'facet.mincount': 2 }) });
    assert.deepEqual(facets.json.result.search_facets.tags.items.map((x) => [x.name, x.count]),
      [['katalog', 5], ['kesehatan', 3], ['penduduk', 2]]);
    assert.deepEqual(facets.json.result.facets.organization, { disdukcapil: 3, dinkes: 2 });
    // CKAN 2.10's statuses: a bad sort is a Search Query Error, an unknown field a Search Error.
    const badSort = await action('package_search', { query: qs({ sort: 'nama asc' }) });
    assert.equal(badSort.status, 400);
    assert.equal(badSort.json.error.__type, 'Search Query Error');
    const unknown = await action('package_search', { query: qs({ fq: 'warna:merah' }) });
    assert.equal(unknown.status, 409);
    assert.equal(unknown.json.error.__type, 'Search Error');
    assert.match(unknown.json.error.message, /warna/);
    const capped = await action('package_search', { query: qs({ rows: 1001 }) });
    assert.equal(capped.status, 200);
  });

  test('form-encoded bodies are read as CKAN reads them', async () => {
    const s = await action('package_search', { method: 'POST', form: { fq: 'tags:katalog', rows: '0', 'facet.field': '["organization"]' } });
    assert.equal(s.status, 200, JSON.stringify(s.json));
    assert.equal(s.json.result.count, 5);
    assert.deepEqual(s.json.result.facets.organization, { disdukcapil: 3, dinkes: 2 });
    const created = await action('package_create', { method: 'POST', auth: dukcapil,
      form: { name: 'kat-formulir', title: 'Dibuat lewat formulir', owner_org: 'disdukcapil', notes: 'a+b & c' } });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.equal(created.json.result.notes, 'a+b & c');
    const bad = await fetch(`${base}/api/3/action/package_search`, { method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'q=%zz' });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.__type, 'Bad Request');
  });

  test('organization_list and group_list sort by name, title or package_count', async () => {
    const list = async (fn, sort) => (await action(fn, { query: qs({ all_fields: 'true', ...(sort ? { sort } : {}) }) })).json.result;
    const byTitle = await list('organization_list');
    assert.deepEqual(byTitle.map((o) => o.title), byTitle.map((o) => o.title).sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })),
      'CKAN\'s default: title asc');
    const byName = await list('organization_list', 'name desc');
    assert.deepEqual(byName.map((o) => o.name), byName.map((o) => o.name).sort().reverse());
    const byCount = await list('organization_list', 'package_count desc');
    for (let i = 1; i < byCount.length; i++) assert.ok(byCount[i - 1].package_count >= byCount[i].package_count);
    assert.notDeepEqual(byCount.map((o) => o.name), byName.map((o) => o.name));
    const groups = await list('group_list', 'name desc');
    assert.ok(groups.length >= 2);
    assert.deepEqual(groups.map((g) => g.name), groups.map((g) => g.name).sort().reverse());
    const names = (await action('group_list', { query: qs({ sort: 'name asc' }) })).json.result;
    assert.deepEqual(names, groups.map((g) => g.name).reverse());
    validation(await action('organization_list', { query: qs({ sort: 'warna asc' }) }), 'sort');
  });

  test('datastore_search: _id per resource, q as a dict, full_text, plain, records_format, _links', async () => {
    const p = (await action('package_show', { query: '?id=jumlah-penduduk-2025' })).json.result;
    const rid = p.resources.find((r) => r.datastore_active).id;
    const ds = async (params, method = 'GET') => {
      const r = method === 'GET' ? await action('datastore_search', { query: qs({ resource_id: rid, ...params }) })
        : await action('datastore_search', { method, body: { resource_id: rid, ...params } });
      return r;
    };
    // _id: numbered from 1 in each resource, and filterable.
    const first = (await ds({ limit: 3 })).json.result;
    assert.deepEqual(first.records.map((x) => x._id), [1, 2, 3]);
    const second = (await ds({ filters: { _id: 2 } })).json.result;
    assert.equal(second.total, 1);
    assert.deepEqual(second.records[0], first.records[1]);
    assert.equal((await ds({ filters: { _id: [1, 3] } })).json.result.total, 2);
    const others = [];
    const all = (await action('current_package_list_with_resources')).json.result;
    for (const d of all) for (const r of d.resources) if (r.datastore_active && r.id !== rid) others.push(r.id);
    assert.ok(others.length >= 1, 'another table resource in the demo catalogue');
    const other = (await action('datastore_search', { query: qs({ resource_id: others[0], limit: 1 }) })).json.result;
    assert.equal(other.records[0]._id, 1, 'each resource numbers its rows from 1');

    // q as a dict: text in that field only; full_text anywhere; plain=false refused.
    const inName = (await ds({ q: { nama_wilayah: 'purbalingga' } })).json.result;
    assert.ok(inName.total >= 1);
    assert.ok(inName.records.every((x) => /purbalingga/i.test(x.nama_wilayah)));
    assert.equal((await ds({ q: { kode_wilayah: 'Purbalingga' } })).json.result.total, 0);
    assert.equal((await ds({ full_text: 'Purbalingga' })).json.result.total, inName.total);
    assert.equal((await ds({ q: 'Purbalingga', full_text: 'Kabupaten' })).json.result.total, 1);
    validation(await ds({ q: { warna: 'merah' } }), 'q');
    validation(await ds({ q: 'Purbalingga', plain: 'false' }), 'plain');

    // records_format: objects, lists (in the order of fields), csv, tsv; anything else refused.
    const filters = { kode_wilayah: '33.03' };
    const objects = (await ds({ filters })).json.result;
    assert.equal(objects.records_format, 'objects');
    const want = objects.fields.map((f) => objects.records[0][f.id]);
    const lists = (await ds({ filters, records_format: 'lists' })).json.result;
    assert.equal(lists.records_format, 'lists');
    assert.deepEqual(lists.records, [want]);
    const csv = (await ds({ filters, records_format: 'csv' })).json.result;
    assert.equal(csv.records, `${want.join(',')}\n`);
    const tsv = (await ds({ filters, records_format: 'tsv' }, 'POST')).json.result;
    assert.equal(tsv.records, `${want.join('\t')}\n`);
    validation(await ds({ records_format: 'xml' }), 'records_format');

    // _links keep every argument: following next gives the next page of the same search.
    const page1 = (await ds({ q: 'Jawa', fields: '_id,nama_wilayah', limit: 2 })).json;
    assert.ok(page1.result.total > 2, `total ${page1.result.total}`);
    assert.equal(page1.result._links.prev, undefined);
    const page2 = await (await fetch(base + page1.result._links.next)).json();
    assert.equal(page2.result.total, page1.result.total);
    assert.equal(page2.result.offset, 2);
    assert.deepEqual(Object.keys(page2.result.records[0]).sort(), ['_id', 'nama_wilayah']);
    assert.ok(page2.result.records.every((x) => /jawa/i.test(x.nama_wilayah)));
    assert.ok(page2.result.records[0]._id > page1.result.records[1]._id);
    const back = await (await fetch(base + page2.result._links.prev)).json();
    assert.deepEqual(back.result.records, page1.result.records);
    const posted = (await ds({ filters, limit: 1 }, 'POST')).json.result;
    const next = await (await fetch(base + posted._links.next)).json();
    assert.equal(next.result.total, 1, 'a POSTed search\'s links carry its filters too');
  });

  test('package_update replaces, package_patch merges, owner_org moves only for those entitled to both', async () => {
    const body = { name: 'kat-ganti', title: 'Akan Diganti', owner_org: 'disdukcapil', notes: 'Catatan', url: 'https://contoh.go.id/x',
      tags: [{ name: 'satu' }], extras: [{ key: 'frequency', value: 'tahunan' }] };
    assert.equal((await action('package_create', { method: 'POST', auth: dukcapil, body })).status, 200);
    const patched = await action('package_patch', { method: 'POST', auth: dukcapil, body: { id: 'kat-ganti', title: 'Ditambal' } });
    assert.equal(patched.status, 200, JSON.stringify(patched.json));
    const pr = patched.json.result;
    assert.equal(pr.title, 'Ditambal');
    assert.equal(pr.notes, 'Catatan');
    assert.equal(pr.url, 'https://contoh.go.id/x');
    assert.deepEqual(pr.tags.map((t) => t.name), ['satu']);
    assert.deepEqual(pr.extras.filter((x) => x.key === 'frequency'), [{ key: 'frequency', value: 'tahunan' }]);

    const updated = await action('package_update', { method: 'POST', auth: dukcapil, body: { id: 'kat-ganti', title: 'Diganti' } });
    assert.equal(updated.status, 200, JSON.stringify(updated.json));
    const ur = updated.json.result;
    assert.equal(ur.title, 'Diganti');
    assert.equal(ur.notes, '');
    assert.equal(ur.url, '');
    assert.deepEqual(ur.tags, []);
    assert.deepEqual(ur.extras.filter((x) => x.key === 'frequency'), []);
    assert.equal(ur.private, false);

    validation(await action('package_patch', { method: 'POST', auth: dukcapil, body: { id: 'kat-ganti', name: 'kat-nama-lain' } }), 'name');
    // Moving to another agency: refused to staff of one side, unknown agencies refused, done for the walidata.
    const refused = await action('package_patch', { method: 'POST', auth: dukcapil, body: { id: 'kat-ganti', owner_org: 'dinkes' } });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.__type, 'Authorization Error');
    const refused2 = await action('package_patch', { method: 'POST', auth: dinkes, body: { id: 'kat-ganti', owner_org: 'dinkes' } });
    assert.equal(refused2.status, 403);
    validation(await action('package_patch', { method: 'POST', auth: dukcapil, body: { id: 'kat-ganti', owner_org: 'tidak-ada' } }), 'owner_org');
    assert.equal((await action('package_show', { query: '?id=kat-ganti' })).json.result.owner_org, 'disdukcapil', 'nothing changed');
    const moved = await action('package_patch', { method: 'POST', auth: walidata, body: { id: 'kat-ganti', owner_org: 'dinkes' } });
    assert.equal(moved.status, 200, JSON.stringify(moved.json));
    assert.equal(moved.json.result.owner_org, 'dinkes');
    assert.equal(moved.json.result.title, 'Diganti');
    assert.equal((await action('package_show', { query: '?id=kat-ganti' })).json.result.organization.name, 'dinkes');
    // Now Dinkes' own, no longer Disdukcapil's.
    assert.equal((await action('package_patch', { method: 'POST', auth: dinkes, body: { id: 'kat-ganti', notes: 'Milik Dinkes' } })).status, 200);
    assert.equal((await action('package_patch', { method: 'POST', auth: dukcapil, body: { id: 'kat-ganti', notes: 'x' } })).status, 403);
  });

  test('help_show, group_show with datasets, current_package_list_with_resources', async () => {
    const shown = await action('package_show', { query: '?id=kat-gizi' });
    const link = new URL(shown.json.help);
    assert.equal(link.pathname, '/api/3/action/help_show');
    const help = await (await fetch(base + link.pathname + link.search)).json();
    assert.equal(help.success, true, 'the help link of every reply answers');
    assert.match(help.result, /dataset/);
    for (const fn of ['package_search', 'datastore_search', 'package_update', 'package_patch', 'organization_list', 'help_show',
      'current_package_list_with_resources']) {
      const h = await action('help_show', { query: qs({ name: fn }) });
      assert.equal(typeof h.json.result, 'string', fn);
    }
    const none = await action('help_show', { query: '?name=tidak_ada' });
    assert.equal(none.status, 404);
    assert.equal(none.json.error.__type, 'Not Found Error');
    validation(await action('help_show'), 'name');

    assert.equal((await action('package_patch', { method: 'POST', auth: dinkes, body: { id: 'kat-gizi', groups: [{ name: 'kesehatan' }] } })).status, 200);
    const g = (await action('group_show', { query: '?id=kesehatan&include_datasets=true' })).json.result;
    assert.ok(g.packages.some((x) => x.name === 'kat-gizi' && x.organization.name === 'dinkes'), JSON.stringify(g.packages.map((x) => x.name)));
    assert.equal(g.packages.length, g.package_count);
    assert.equal((await action('group_show', { query: '?id=kesehatan' })).json.result.packages, undefined);

    const cur = await action('current_package_list_with_resources', { query: '?limit=3' });
    assert.equal(cur.status, 200);
    assert.equal(cur.json.result.length, 3);
    assert.ok(cur.json.result.every((x) => Array.isArray(x.resources)));
    const everything = (await action('current_package_list_with_resources')).json.result;
    const modified = everything.map((x) => x.metadata_modified);
    assert.deepEqual(modified, [...modified].sort().reverse(), 'most recently modified first');
    // kat-gizi was changed after kat-penduduk (services' publications may
    // refresh in between); within one second the two may tie, in either order.
    const of = (name) => everything.find((x) => x.name === name);
    assert.ok(of('kat-gizi') && of('kat-penduduk'));
    assert.ok(of('kat-gizi').metadata_modified >= of('kat-penduduk').metadata_modified);
    assert.equal(everything.length, (await action('package_list')).json.result.length);
  });
});
