// What the route tables declare and the server holds to: each route's body
// limit (1 MiB for JSON and protocol routes, more only for routes that take
// a file; a larger body refused before it is read), and the OpenAPI 3.1
// description generated from the tables - valid by a maintained validator,
// and naming every route `pendopo routes` lists.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startServer, Client, BIN } from '../lib/server.mjs';
import { cliUser, sizedRequest, rawRequest } from './util.mjs';

const MiB = 1024 * 1024;
const routes = execFileSync(BIN, ['routes'], { encoding: 'utf8' })
  .trim().split('\n').map((l) => JSON.parse(l));

// A body sent chunked (no Content-Length), as a client streaming it would.
function chunked(url, path, size) {
  return new Promise((resolve, reject) => {
    const u = new URL(path, url);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    const piece = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const more = () => {
      while (sent < size) {
        sent += piece.length;
        if (!req.write(piece)) return req.once('drain', more);
      }
      req.end();
    };
    more();
  });
}

describe('route declarations', () => {
  let srv;
  before(async () => { srv = await startServer({ demo: true }); });
  after(async () => { await srv?.stop(); });

  it('protocol routes refuse a 2 MiB body with 413 without keeping it', async () => {
    const body = ' '.repeat(2 * MiB);
    for (const path of ['/api/3/action/package_search', '/api/action/package_create',
      '/open311/v2/requests.json', '/antrol/PKM-KEMANGKON/antrean', '/antrol/PKM-KEMANGKON/ambilantrean']) {
      const res = await sizedRequest(srv.url, 'POST', path, body);
      assert.equal(res.status, 413, `${path}: ${res.text.slice(0, 200)}`);
      // Each protocol answers in its own envelope.
      if (path.includes('/action/')) assert.equal(res.json.success, false, path);
      else if (path.startsWith('/open311/')) assert.equal(res.json[0].code, 413, path);
      else assert.equal(res.json.metadata.code, 201, path);
    }
    // Refused on its Content-Length alone: a client that waits for
    // "100 Continue" is answered before it sends any of the 2 MiB.
    for (const path of ['/api/3/action/package_search', '/open311/v2/requests.json', '/antrol/PKM-KEMANGKON/antrean']) {
      const early = await rawRequest(srv.port, `POST ${path} HTTP/1.1\r\nHost: localhost\r\n`
        + `Content-Type: application/json\r\nContent-Length: ${2 * MiB}\r\nExpect: 100-continue\r\n\r\n`);
      assert.equal(early.status, 413, `${path}: ${early.body.slice(0, 200)}`);
    }
    // A JSON route of Pendopo's own says so in its envelope.
    const own = await sizedRequest(srv.url, 'POST', '/api/auth/login', body);
    assert.equal(own.status, 413);
    assert.equal(own.json.error.code, 'too_large');
  });

  it('/metrics counts each CKAN action as its own route', async () => {
    const anon = new Client(srv.url);
    assert.equal((await anon.get('/api/3/action/package_list')).status, 200);
    assert.equal((await anon.post('/api/3/action/organization_create', { name: 'x' })).status, 403);
    const m = (await anon.get('/metrics')).text;
    assert.match(m, /pendopo_http_requests_total\{method="GET",route="\/api\/3\/action\/package_list",code="2xx"\} [1-9]/);
    assert.match(m, /pendopo_http_requests_total\{method="POST",route="\/api\/3\/action\/organization_create",code="4xx"\} 1/);
  });

  it('a chunked body is refused as soon as it passes the limit', async () => {
    const res = await chunked(srv.url, '/api/3/action/package_search', 3 * MiB);
    assert.equal(res.status, 413, res.text.slice(0, 200));
  });

  it('a route that takes a file still takes 5 MiB', async () => {
    const officer = await cliUser(srv, 'officer', ['--unit', 'DISDUKCAPIL']);
    let r = await officer.post('/api/data/datasets', { name: 'besar', title: 'Berkas besar', org: 'DISDUKCAPIL' });
    assert.equal(r.status, 201, r.text);
    r = await officer.post('/api/data/datasets/besar/resources', {
      name: 'Tabel', schema: { fields: [{ name: 'kode', type: 'string' }, { name: 'catatan', type: 'string' }], primaryKey: ['kode'] },
    });
    assert.equal(r.status, 201, r.text);
    const pad = 'x'.repeat(200);
    const lines = ['kode,catatan'];
    let size = 0;
    for (let i = 0; size < 5 * MiB; i++) {
      const line = `K${i},${pad}`;
      lines.push(line);
      size += line.length + 1;
    }
    const csv = lines.join('\n') + '\n';
    assert.ok(csv.length > 5 * MiB);
    const imp = await officer.req('POST', `/api/data/resources/${r.json.resource.id}/import?note=besar`, csv, { 'content-type': 'text/csv' });
    assert.equal(imp.status, 201, imp.text.slice(0, 300));
    assert.equal(imp.json.version.rows, lines.length - 1);
  });

  it('GET /api/openapi.json is a valid OpenAPI 3.1 description of every route', async () => {
    const res = await new Client(srv.url).get('/api/openapi.json');
    assert.equal(res.status, 200);
    const spec = res.json;
    assert.equal(spec.openapi, '3.1.0');
    const validator = new Validator();
    const result = await validator.validate(spec);
    assert.ok(result.valid, JSON.stringify(result.errors, null, 1)?.slice(0, 2000));
    assert.equal(validator.version, '3.1');

    for (const r of routes) {
      const op = spec.paths[r.path]?.[r.method.toLowerCase()];
      assert.ok(op, `${r.method} ${r.path} is missing from the OpenAPI description`);
      assert.deepEqual(op['x-roles'], r.roles, `${r.method} ${r.path}`);
      if (r.public) assert.deepEqual(op.security, [], `${r.method} ${r.path} is public`);
      else assert.ok(op.security.length >= 2, `${r.method} ${r.path} needs a login`);
    }
    const count = Object.values(spec.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    assert.equal(count, routes.length, 'no operation that is not a route');

    // The body schema is the route's declared fields.
    const create = spec.paths['/api/users'].post.requestBody.content['application/json'].schema;
    assert.equal(create.additionalProperties, false);
    assert.deepEqual(create.required, ['name', 'password', 'roles']);
    assert.deepEqual(create.properties.email.type, ['string', 'null']);
    assert.equal(create.properties.name.maxLength, 100);
    // Path parameters and protocol envelopes.
    assert.deepEqual(spec.paths['/api/orgs/{code}'].get.parameters.map((p) => [p.name, p.in]), [['code', 'path']]);
    assert.equal(spec.paths['/api/3/action/package_create'].post.responses.default.content['application/json'].schema.$ref,
      '#/components/schemas/ckan');
    assert.ok(spec.components.schemas.ckan.properties.error);
  });
});
