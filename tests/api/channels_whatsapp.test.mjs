// WhatsApp through the Cloud API, against a local stand-in: notices as a
// template outside the 24-hour window and as text inside it, failures
// retried, the webhook's handshake and signature check, and delivery
// statuses recorded against the outbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { startGraph, sign, inbound, statuses, WA_TOKEN, WA_PHONE_ID, WA_SECRET, WA_VERIFY, WA_VERSION } from '../lib/graph.mjs';
import { apikey, bearerClient, register, assertError, email } from './util.mjs';
import { complaint, submit } from './complaints_fixtures.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, fn, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await sleep(100);
  }
}

let graph, srv, admin;
before(async () => {
  graph = await startGraph();
  srv = await startServer({ demo: true, env: {
    PENDOPO_WA_BASE_URL: graph.url, PENDOPO_WA_VERSION: WA_VERSION, PENDOPO_WA_PHONE_ID: WA_PHONE_ID,
    PENDOPO_WA_TOKEN: WA_TOKEN, PENDOPO_WA_APP_SECRET: WA_SECRET, PENDOPO_WA_VERIFY_TOKEN: WA_VERIFY,
    PENDOPO_WA_TEMPLATE: 'pemberitahuan_layanan', PENDOPO_OUTBOX_RETRY_SECONDS: '1', PENDOPO_OUTBOX_TIMEOUT: '2',
  } });
  admin = bearerClient(srv.url, apikey(srv, 'ops', 'admin'));
});
after(async () => {
  await srv.stop();
  await graph.close();
});

function post(body, signature) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-hub-signature-256'] = signature ?? sign(text);
  return fetch(srv.url + '/api/whatsapp/webhook', { method: 'POST', headers, body: text });
}

let phoneSerial = 0;
async function citizenWithPhone() {
  const n = String(10000000 + process.pid % 1000 * 10000 + phoneSerial++).slice(-8);
  const c = await register(srv.url, { name: 'Warga WA', email: email('wa') });
  const r = await c.patch('/api/me', { phone: '0812' + n });
  assert.equal(r.status, 200, r.text);
  c.wa = '62812' + n;
  return c;
}

async function deliveryTo(to) {
  const r = await admin.get('/api/outbox?limit=200');
  return r.json.items.find((d) => d.address === to);
}

test('the verification handshake answers the challenge only for the right token', async () => {
  const ok = await fetch(`${srv.url}/api/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${WA_VERIFY}&hub.challenge=1158201444`);
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), '1158201444');
  const bad = await fetch(`${srv.url}/api/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=salah&hub.challenge=1`);
  assert.equal(bad.status, 403);
  const none = await fetch(`${srv.url}/api/whatsapp/webhook?hub.challenge=1`);
  assert.equal(none.status, 403);
});

test('outside the 24-hour window a notice goes as the template; after the citizen writes, as text', async () => {
  const c = await citizenWithPhone();
  const a = (await submit(c, complaint())).complaint.tracking;
  const [t] = await until('the template', () => graph.to(c.wa).length && graph.to(c.wa));
  assert.equal(t.type, 'template');
  assert.equal(t.template.name, 'pemberitahuan_layanan');
  assert.equal(t.template.language.code, 'id');
  assert.equal(t.template.components[0].parameters[0].text, `Pengaduan ${a} diterima`);
  assert.match(t.biz_opaque_callback_data, /^pendopo-\d+-whatsapp$/);

  // A badly signed message opens no window and is not stored.
  const hello = inbound({ type: 'text', text: { body: 'halo' } }, { waId: c.wa, userId: 'ID.' + c.wa });
  assertError(await toRes(post(hello, 'sha256=' + '0'.repeat(64))), 401, 'bad_signature');
  assertError(await toRes(post(hello, null)), 401, 'bad_signature');
  assertError(await toRes(post(JSON.stringify(hello) + ' ', sign(JSON.stringify(hello)))), 401, 'bad_signature');
  const b = (await submit(c, complaint())).complaint.tracking;
  await until('the second template', () => graph.to(c.wa).length === 2);
  assert.equal(graph.to(c.wa)[1].type, 'template', 'no window after a refused webhook');
  assert.equal(graph.to(c.wa)[1].template.components[0].parameters[0].text, `Pengaduan ${b} diterima`);

  // The citizen writes: the window opens on both sides.
  graph.userWrote(c.wa);
  const res = await post(hello);
  assert.equal(res.status, 200, await res.text());
  const x = (await submit(c, complaint())).complaint.tracking;
  const m = await until('the text', () => graph.to(c.wa).find((s) => s.type === 'text' && s.text.body.includes(x)));
  assert.match(m.text.body, new RegExp(`^Pengaduan Anda sudah kami terima dengan nomor ${x}\\.`));
  assert.match(m.text.body, new RegExp(`/complaints/case.html\\?no=${x}$`));
});

async function toRes(p) {
  const r = await p;
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, headers: r.headers, text, json };
}

test('when WhatsApp closed the window itself (131047), the template follows in the same attempt', async () => {
  const c = await citizenWithPhone();
  // Pendopo believes the window open (the citizen wrote), the API does not.
  assert.equal((await post(inbound({ type: 'text', text: { body: 'halo' } }, { waId: c.wa }))).status, 200);
  await submit(c, complaint());
  const [t] = await until('the template', () => graph.to(c.wa).length && graph.to(c.wa));
  assert.equal(t.type, 'template');
  assert.ok(graph.sent.some((s) => s.to === c.wa && s.refused === 131047), 'free text was tried first');
  const d = await until('sent', async () => { const x = await deliveryTo(c.wa); return x?.state === 'sent' && x; });
  assert.equal(d.attempts, 1);
});

test('a failing API is retried; statuses are recorded against the message and never step back', async () => {
  const c = await citizenWithPhone();
  graph.failNext(c.wa, 1);
  await submit(c, complaint());
  const [t] = await until('sent after a retry', () => graph.to(c.wa).length && graph.to(c.wa));
  const d = await until('sent', async () => { const x = await deliveryTo(c.wa); return x?.state === 'sent' && x; });
  assert.equal(d.provider_id, t.id);
  let full = (await admin.get(`/api/outbox/${d.id}`)).json;
  assert.deepEqual(full.attempts.map((a) => a.outcome), ['retry', 'sent']);
  assert.match(full.attempts[0].detail, /whatsapp 500/);

  const ts = String(Math.floor(Date.now() / 1000));
  const st = (status, extra = {}) => ({ id: t.id, status, timestamp: ts, recipient_id: c.wa, ...extra });
  assert.equal((await post(statuses([st('sent'), st('delivered')]))).status, 200);
  assert.equal((await post(statuses([st('read')]))).status, 200);
  assert.equal((await post(statuses([st('sent'), st('delivered')]))).status, 200, 'repeats are taken');
  // A badly signed status changes nothing.
  const forged = JSON.stringify(statuses([st('failed', { errors: [{ code: 131026, title: 'Message undeliverable' }] })]));
  assert.equal((await post(forged, sign(forged, 'wrong-secret'))).status, 401);
  full = (await admin.get(`/api/outbox/${d.id}`)).json;
  assert.equal(full.provider_status, 'read');
  assert.equal(full.state, 'sent');
  assert.deepEqual(full.statuses.map((s) => s.status), ['sent', 'delivered', 'read']);

  // A real failure report fails the delivery, with WhatsApp's reason.
  assert.equal((await post(forged)).status, 200);
  full = (await admin.get(`/api/outbox/${d.id}`)).json;
  assert.equal(full.state, 'failed');
  assert.equal(full.provider_status, 'failed');
  assert.match(full.last_error, /131026 Message undeliverable/);
});

test('the webhook refuses what is not JSON and takes other fields quietly', async () => {
  assertError(await toRes(post('{"object":')), 400, 'invalid_json');
  const other = { object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'account_update', value: {} }] }] };
  assert.equal((await post(other)).status, 200);
});
