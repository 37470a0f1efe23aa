// Input an outside probe sent: bytes that are not UTF-8 text, a NUL that
// used to cut a path short, numbers that are not finite.  Each is refused
// with 400 in the envelope of the path's protocol, and every answer is
// valid JSON (a message quoting invalid UTF-8 used to fail as a 500).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

describe('hostile input', () => {
  let srv;
  before(async () => { srv = await startServer({ regions: false }); });
  after(async () => { await srv?.stop(); });

  const get = async (path) => {
    const res = await fetch(srv.url + path);
    const text = await res.text();
    let json;
    assert.doesNotThrow(() => { json = JSON.parse(text); }, `${path} answers JSON: ${text.slice(0, 200)}`);
    return { status: res.status, json };
  };

  it('refuses an address that is not UTF-8 text, in every protocol, naming the field', async () => {
    const cases = [
      ['/%ff', 'path'], ['/api/orgs/%ff', 'path'], ['/api/3/action/%ff', 'path'],
      ['/api/3/action/package_search?sort=%ff', 'sort'], ['/api/3/action/package_search?fq=%C0%AF', 'fq'],
      ['/api/events?topics=%ff', 'topics'], ['/api/regions?q%ff=1', 'query'], ['/api/regions?q=%ED%A0%80', 'q'],
    ];
    for (const [path, field] of cases) {
      const r = await get(path);
      assert.equal(r.status, 400, path);
      assert.equal(r.json.error.code, 'invalid', path);
      assert.equal(r.json.error.field, field, path);
    }
    const o311 = await get('/open311/v2/requests/%ff.json');
    assert.equal(o311.status, 400);
    assert.equal(o311.json[0].code, 400);
    const antrol = await get('/antrol/%ff/token');
    assert.equal(antrol.json.metadata.code, 201);
    // Text that is UTF-8 still reads.
    assert.equal((await get('/api/regions?q=%C3%A9')).status, 200);
  });

  it('answers a JSON body broken near bytes that are not UTF-8 with a 400 that is JSON', async () => {
    // Found by fuzz/json_body.c: jansson's message quotes the bytes near
    // the fault, and quoted into the error they made it a 500.
    const body = Buffer.concat([Buffer.from('{"email]i\\'), Buffer.from([0xda, 0x98, 0xd2, 0x8c]), Buffer.from('"}')]);
    const res = await fetch(srv.url + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await res.text();
    assert.equal(res.status, 400, text);
    assert.equal(JSON.parse(text).error.code, 'invalid_json');
  });

  it('refuses a NUL in a path or query rather than reading up to it', async () => {
    for (const path of ['/index.html%00.png', '/api/orgs%00/x', '/api/regions?q=a%00b']) {
      const r = await get(path);
      assert.equal(r.status, 400, path);
      assert.equal(r.json.error.code, 'invalid');
    }
    assert.equal((await fetch(`${srv.url}/index.html`)).status, 200);
  });

  it('refuses numbers that are not finite or out of range in a map box', async () => {
    for (const bbox of ['1e400,-1e400,nan,inf', 'nan,nan,nan,nan', '-7.5,109,-7.4,inf', '-95,109,-7,110']) {
      const r = await get(`/api/complaints/map?bbox=${bbox}`);
      assert.equal(r.status, 400, bbox);
      assert.equal(r.json.error.field, 'bbox');
    }
    assert.equal((await get('/api/complaints/map?bbox=-7.5,109.2,-7.3,109.5')).status, 200);
  });
});

// A booking code cancels the booking, a letter's token shows the letter,
// a card number is a patient's: the access log keeps none of them.
describe('the access log', () => {
  let srv;
  before(async () => { srv = await startServer({ regions: false, env: { PENDOPO_ACCESS_LOG: '1' } }); });
  after(async () => { await srv?.stop(); });

  it('shows the pattern of a path that holds a secret, and other paths as they are', async () => {
    const secrets = ['/api/queue/bookings/K7Q2M9X4TB', '/api/queue/bookings/K7Q2M9X4TB/ticket.pdf',
      '/api/letters/verify/Zt3kP9sQ2vW8yL1mN4bX', '/api/survey/links/Hq8sV2nL5wR9tY3k',
      '/antrol/PKM-X/antrean/sisapeserta/0001234567890/UMU/2026-12-01'];
    for (const path of secrets) await fetch(srv.url + path);
    await fetch(`${srv.url}/api/orgs/DINKES`);
    // The line is written when the request completes.
    await new Promise((r) => setTimeout(r, 200));
    const log = srv.stderr();
    for (const secret of ['K7Q2M9X4TB', 'Zt3kP9sQ2vW8yL1mN4bX', 'Hq8sV2nL5wR9tY3k', '0001234567890'])
      assert.ok(!log.includes(secret), `the log holds ${secret}`);
    assert.match(log, /path=\/api\/queue\/bookings\/\{code\}\/ticket\.pdf/);
    assert.match(log, /path=\/api\/orgs\/DINKES/);
  });
});
