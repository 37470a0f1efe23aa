// The authorization matrix, read from the route tables themselves
// (`pendopo routes`): every route that is not public refuses an anonymous
// caller with 401, and every route a citizen's role is not listed for
// refuses a citizen with 403 - before looking at the body or the object.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client, BIN } from '../lib/server.mjs';
import { register, assertError } from './util.mjs';

const routes = execFileSync(BIN, ['routes'], { encoding: 'utf8' })
  .trim().split('\n').map((l) => JSON.parse(l));

// Path parameters get a harmless value of the right shape.
const concrete = (path) => path.replace(/\{[^}]+\}/g, '1');

async function call(client, route) {
  const write = route.method !== 'GET';
  const headers = route.raw_body ? { 'content-type': 'application/octet-stream' } : {};
  return client.req(route.method, concrete(route.path), write ? (route.raw_body ? 'x' : {}) : undefined, headers);
}

describe('authorization matrix', () => {
  let srv, citizen;
  before(async () => {
    srv = await startServer({ regions: false });
    citizen = await register(srv.url);
  });
  after(async () => { await srv.stop(); });

  it('the route tables are not empty and name known roles', () => {
    assert.ok(routes.length > 20, `${routes.length} routes`);
    const known = new Set(['citizen', 'officer', 'unit_head', 'walidata', 'village_operator', 'admin', 'regent_office']);
    for (const r of routes) for (const role of r.roles) assert.ok(known.has(role), `${r.method} ${r.path}: ${role}`);
  });

  it('anonymous callers get 401 on every non-public route', async () => {
    const anon = new Client(srv.url);
    const guarded = routes.filter((r) => !r.public);
    assert.ok(guarded.length > 10);
    for (const r of guarded) assertError(await call(anon, r), 401, 'unauthenticated');
  });

  it('a citizen gets 403 on every route not open to citizens', async () => {
    const staffOnly = routes.filter((r) => !r.public && !r.roles.includes('citizen'));
    assert.ok(staffOnly.length > 10);
    for (const r of staffOnly) assertError(await call(citizen, r), 403, 'forbidden');
  });
});
