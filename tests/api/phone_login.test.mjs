// Logging in and registering by phone with a one-time code, sent by SMS
// (a gateway stand-in taking JSON) or WhatsApp (the Graph stand-in): the
// same answer for every number, codes hashed, used once, limited in sends
// and tries, and expired after five minutes (a second server on the same
// database with its clock ten minutes on).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client } from '../lib/server.mjs';
import { startSms, smsEnv } from '../lib/sms.mjs';
import { startGraph, WA_TOKEN, WA_PHONE_ID, WA_SECRET, WA_VERSION } from '../lib/graph.mjs';
import { apikey, bearerClient, register, assertError, sleep, until } from './util.mjs';

let sms, graph, srv, env;
let serial = 0;
function number() {
  const n = String(10000000 + (process.pid % 500) * 1000 + serial++).slice(-8);
  return { local: `0857 ${n.slice(0, 4)} ${n.slice(4)}`, e164: `+62857${n}`, wa: `62857${n}` };
}

before(async () => {
  sms = await startSms();
  graph = await startGraph();
  env = {
    ...smsEnv(sms, { PENDOPO_SMS_BODY: '{"to":"{to}","text":"{text}"}' }),
    PENDOPO_WA_BASE_URL: graph.url, PENDOPO_WA_VERSION: WA_VERSION, PENDOPO_WA_PHONE_ID: WA_PHONE_ID,
    PENDOPO_WA_TOKEN: WA_TOKEN, PENDOPO_WA_APP_SECRET: WA_SECRET, PENDOPO_WA_AUTH_TEMPLATE: 'kode_masuk',
  };
  srv = await startServer({ demo: true, keep: true, env });
});
after(async () => {
  await srv.stop();
  await graph.close();
  await sms.close();
});

// The code of the latest SMS to a number.
async function smsCode(e164, count = 1) {
  const ms = await until('the SMS', () => sms.to(e164).length >= count && sms.to(e164));
  const m = /^(\d{6}) adalah kode masuk Pendopo Anda\./.exec(ms[count - 1].text);
  assert.ok(m, ms[count - 1].text);
  return m[1];
}

test('a new number registers by SMS code: the name is asked for, the code works once', async () => {
  const phone = number();
  const c = new Client(srv.url);
  const r = await c.post('/api/auth/phone/code', { phone: phone.local, channel: 'sms' });
  assert.equal(r.status, 202, r.text);
  assert.deepEqual(r.json, { phone: phone.e164, channel: 'sms', expires_in: 300 });
  const code = await smsCode(phone.e164);
  // The code is stored hashed, never as itself.
  const sql = `SELECT salt || ' ' || code_hash FROM phone_codes WHERE phone = '${phone.e164}'`;
  const rows = execFileSync(srv.db.startsWith('postgres') ? 'psql' : 'sqlite3',
    srv.db.startsWith('postgres') ? [srv.db, '-Atc', sql] : [srv.db, sql]).toString();
  assert.match(rows, /^[0-9a-f]{32} [0-9a-f]{64}\n$/);
  assert.ok(!rows.includes(code));

  assertError(await c.post('/api/auth/phone/verify', { phone: phone.e164, code }), 400, 'invalid', 'name');
  assert.equal(c.cookie, null, 'no session before the account exists');
  const v = await c.post('/api/auth/phone/verify', { phone: phone.local, code, name: 'Wulan' });
  assert.equal(v.status, 201, v.text);
  assert.ok(c.cookie, 'a session');
  assert.equal(v.json.user.phone, phone.e164);
  assert.equal(v.json.user.email, null);
  assert.deepEqual(v.json.user.roles.map((g) => g.role), ['citizen']);
  const me = await c.get('/api/me');
  assert.equal(me.json.user.name, 'Wulan');
  // Used once.
  assertError(await new Client(srv.url).post('/api/auth/phone/verify', { phone: phone.e164, code }), 401, 'invalid_code');
  // Its words are gone from the outbox once sent.
  const admin = bearerClient(srv.url, apikey(srv, 'ops', 'admin'));
  const d = (await admin.get('/api/outbox?limit=200')).json.items.find((x) => x.address === phone.e164);
  assert.equal(d.channel, 'sms');
  const full = (await admin.get(`/api/outbox/${d.id}`)).json;
  assert.equal(full.body, '-');
});

test('an account logs in by a WhatsApp code, sent as the authentication template even inside the 24 hours', async () => {
  const phone = number();
  const c = await register(srv.url, { name: 'Agus' });
  assert.equal((await c.patch('/api/me', { phone: phone.e164 })).status, 200);
  graph.userWrote(phone.wa);
  const fresh = new Client(srv.url);
  const r = await fresh.post('/api/auth/phone/code', { phone: phone.local });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.channel, 'whatsapp', 'WhatsApp first when both are on');
  const [m] = await until('the WhatsApp message', () => graph.to(phone.wa).length && graph.to(phone.wa));
  // WhatsApp's authentication template: the code in the body and again
  // as the copy-code button's parameter, nothing else.
  assert.equal(m.type, 'template');
  assert.deepEqual([m.template.name, m.template.language.code], ['kode_masuk', 'id']);
  const [body, button] = m.template.components;
  const code = body.parameters[0].text;
  assert.match(code, /^\d{6}$/);
  assert.deepEqual(button, { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: code }] });
  // The code is forgotten by the outbox once sent.
  const sql = "SELECT count(*) FROM deliveries WHERE code IS NOT NULL AND state <> 'pending'";
  const pg = srv.db.startsWith('postgres');
  await until('the code forgotten', () => execFileSync(pg ? 'psql' : 'sqlite3', pg ? [srv.db, '-Atc', sql] : [srv.db, sql]).toString().trim() === '0');
  await sleep(1000);
  assert.equal(sms.to(phone.e164).length, 0, 'by the one channel asked for');
  const v = await fresh.post('/api/auth/phone/verify', { phone: phone.e164, code, name: 'Ignored' });
  assert.equal(v.status, 200, v.text);
  assert.equal(v.json.user.id, c.user.id);
  assert.equal(v.json.user.name, 'Agus');
  assert.equal((await fresh.get('/api/me')).json.user.email, c.email);
});

test('wrong codes: one answer for every number, and five spend the code', async () => {
  const phone = number(), stranger = number();
  const c = new Client(srv.url);
  assert.equal((await c.post('/api/auth/phone/code', { phone: phone.e164, channel: 'sms' })).status, 202);
  const code = await smsCode(phone.e164);
  const wrong = code === '000000' ? '000001' : '000000';
  const unknown = await c.post('/api/auth/phone/verify', { phone: stranger.e164, code: wrong });
  assertError(unknown, 401, 'invalid_code');
  const known = await c.post('/api/auth/phone/verify', { phone: phone.e164, code: wrong });
  assertError(known, 401, 'invalid_code');
  assert.equal(known.text, unknown.text, 'the same words for a number with a code and one without');
  for (let i = 0; i < 4; i++) assertError(await c.post('/api/auth/phone/verify', { phone: phone.e164, code: wrong }), 401, 'invalid_code');
  const locked = await c.post('/api/auth/phone/verify', { phone: phone.e164, code, name: 'Tebak' });
  assertError(locked, 429, 'rate_limited');
  assert.ok(Number(locked.headers.get('retry-after')) > 0);
  assert.equal(c.cookie, null);
});

test('codes to one number are limited, so nobody can flood a stranger\'s phone', async () => {
  const phone = number();
  const c = new Client(srv.url);
  for (let i = 0; i < 3; i++) assert.equal((await c.post('/api/auth/phone/code', { phone: phone.e164, channel: 'sms' })).status, 202);
  const r = await c.post('/api/auth/phone/code', { phone: phone.e164, channel: 'sms' });
  assertError(r, 429, 'rate_limited');
  await smsCode(phone.e164, 3);
  await sleep(1000);
  assert.equal(sms.to(phone.e164).length, 3, 'the refused request sent nothing');
});

test('bad requests are refused and send nothing', async () => {
  const c = new Client(srv.url);
  const before = sms.messages.length + graph.sent.length;
  assertError(await c.post('/api/auth/phone/code', { phone: 'nol delapan' }), 400, 'invalid', 'phone');
  assertError(await c.post('/api/auth/phone/code', { phone: '0857 1111 2222', channel: 'fax' }), 400, 'invalid', 'channel');
  assertError(await c.post('/api/auth/phone/code', {}), 400, 'invalid', 'phone');
  assertError(await c.post('/api/auth/phone/verify', { phone: '12', code: '123456' }), 400, 'invalid', 'phone');
  await sleep(1000);
  assert.equal(sms.messages.length + graph.sent.length, before);
});

test('a code is good for five minutes only', async () => {
  const phone = number();
  const c = new Client(srv.url);
  assert.equal((await c.post('/api/auth/phone/code', { phone: phone.e164, channel: 'sms' })).status, 202);
  const code = await smsCode(phone.e164);
  const later = await startServer({ db: srv.db, env: { ...env, PENDOPO_CLOCK: new Date(Date.now() + 600e3).toISOString().slice(0, 19) + 'Z' } });
  try {
    assertError(await new Client(later.url).post('/api/auth/phone/verify', { phone: phone.e164, code, name: 'Telat' }), 401, 'invalid_code');
  } finally {
    await later.stop();
  }
  // Still good on the clock of now.
  assert.equal((await c.post('/api/auth/phone/verify', { phone: phone.e164, code, name: 'Tepat' })).status, 201);
});

test('without WhatsApp or SMS there is no code to send', async () => {
  const bare = await startServer({ db: srv.db });
  try {
    assertError(await new Client(bare.url).post('/api/auth/phone/code', { phone: '0857 1111 3333' }), 503, 'channel_unavailable');
  } finally {
    await bare.stop();
  }
});
