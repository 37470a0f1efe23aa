// SMS through an HTTP gateway stand-in, the channels a citizen chooses in
// the profile, phone numbers stored in E.164, and the outbox in /metrics.
// One server with email (SMTP sink) and SMS; WhatsApp is off, so a bare
// phone number falls back to SMS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/server.mjs';
import { startSmtp, SMTP_USER, SMTP_PASSWORD } from '../lib/smtp.mjs';
import { startSms, smsEnv } from '../lib/sms.mjs';
import { apikey, bearerClient, register, assertError, sleep, until } from './util.mjs';
import { complaint, submit } from './complaints_fixtures.mjs';

let smtp, sms, srv, admin;
let serial = 0;
// A fresh Indonesian number per test, written the local way, and its E.164.
function number() {
  const n = String(10000000 + (process.pid % 500) * 1000 + serial++).slice(-8);
  return { local: `0813-${n.slice(0, 4)}-${n.slice(4)}`, e164: `+62813${n}` };
}

before(async () => {
  smtp = await startSmtp();
  sms = await startSms();
  srv = await startServer({ demo: true, env: {
    ...smsEnv(sms), PENDOPO_SMTP_HOST: '127.0.0.1', PENDOPO_SMTP_PORT: String(smtp.port), PENDOPO_SMTP_TLS: 'none',
    PENDOPO_SMTP_USER: SMTP_USER, PENDOPO_SMTP_PASSWORD: SMTP_PASSWORD,
  } });
  admin = bearerClient(srv.url, apikey(srv, 'ops', 'admin'));
});
after(async () => {
  await srv.stop();
  await sms.close();
  await smtp.close();
});

const emails = (address) => smtp.messages.filter((m) => m.to.includes(address));

test('notices go by the channels the citizen chose: email by default, SMS when chosen', async () => {
  const c = await register(srv.url, { name: 'Sari' });
  const phone = number();
  const p = await c.patch('/api/me', { phone: phone.local });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.user.phone, phone.e164, 'stored in E.164');
  assert.deepEqual(p.json.user.channels, { in_app: true, email: true, whatsapp: true, sms: false });

  const a = (await submit(c, complaint())).complaint.tracking;
  await until('the email', () => emails(c.email).length === 1);
  await sleep(1200);
  assert.equal(sms.to(phone.e164).length, 0, 'no SMS without the choice');

  // Refusals change nothing.
  assertError(await c.patch('/api/me', { channels: { in_app: false } }), 400, 'invalid', 'channels');
  assertError(await c.patch('/api/me', { channels: { fax: true } }), 400, 'invalid', 'channels');
  assertError(await c.patch('/api/me', { channels: { sms: 'ya' } }), 400, 'invalid', 'channels');
  assertError(await c.patch('/api/me', { channels: true }), 400, 'invalid', 'channels');
  assert.deepEqual((await c.get('/api/me')).json.user.channels, { in_app: true, email: true, whatsapp: true, sms: false });

  const q = await c.patch('/api/me', { channels: { email: false, sms: true } });
  assert.equal(q.status, 200, q.text);
  assert.deepEqual(q.json.user.channels, { in_app: true, email: false, whatsapp: true, sms: true });
  const b = (await submit(c, complaint())).complaint.tracking;
  const [m] = await until('the SMS', () => sms.to(phone.e164).length && sms.to(phone.e164));
  assert.match(m.text, new RegExp(`Pengaduan Anda sudah kami terima dengan nomor ${b}\\.`));
  assert.match(m.text, new RegExp(`/complaints/case\\.html\\?no=${b}$`));
  assert.equal(m.method, 'POST');
  await sleep(1200);
  assert.equal(emails(c.email).length, 1, 'no email after it was turned off');
  assert.equal(sms.to(phone.e164).length, 1);
  // The app keeps both notices whatever the channels.
  const mine = (await c.get('/api/notifications')).json.items.map((n) => n.object);
  assert.ok(mine.includes(`complaint:${a}`) && mine.includes(`complaint:${b}`));

  const d = (await admin.get('/api/outbox?limit=200')).json.items.find((x) => x.address === phone.e164);
  assert.equal(d.channel, 'sms');
  assert.equal(d.state, 'sent');
  assert.equal(d.provider_id, m.id, 'the gateway\'s message id is kept');
});

test('a contact phone without an account is stored in E.164 and told by SMS when WhatsApp is off', async () => {
  const phone = number();
  const anon = new Client(srv.url);
  const r = await anon.post('/api/complaints', complaint({ name: 'Budi', phone: phone.local.replace(/-/g, ' ') }));
  assert.equal(r.status, 201, r.text);
  const [m] = await until('the SMS', () => sms.to(phone.e164).length && sms.to(phone.e164));
  assert.match(m.text, new RegExp(r.json.complaint.tracking));
  assertError(await anon.post('/api/complaints', complaint({ phone: '813 1234 5678' })), 400, 'invalid', 'phone');
});

test('a failing gateway is retried until it takes the message, which goes once', async () => {
  const c = await register(srv.url);
  const phone = number();
  assert.equal((await c.patch('/api/me', { phone: phone.e164, channels: { sms: true, email: false } })).status, 200);
  sms.failNext(phone.e164, 2);
  await submit(c, complaint());
  const d = await until('sent', async () => {
    const x = (await admin.get('/api/outbox?limit=200')).json.items.find((y) => y.address === phone.e164);
    return x?.state === 'sent' && x;
  });
  const full = (await admin.get(`/api/outbox/${d.id}`)).json;
  assert.deepEqual(full.attempts.map((a) => a.outcome), ['retry', 'retry', 'sent']);
  assert.match(full.attempts[0].detail, /sms gateway 503/);
  assert.equal(sms.to(phone.e164).length, 1);
});

test('/metrics shows the outbox by channel and state, and how old its oldest waiting item is', async () => {
  const r = await fetch(srv.url + '/metrics');
  assert.equal(r.status, 200);
  const text = await r.text();
  const value = (line) => Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1]);
  const sent = (await admin.get('/api/outbox?limit=200')).json.counts;
  assert.ok(value('pendopo_outbox_deliveries{channel="sms",state="sent"}') >= 3);
  assert.equal(value('pendopo_outbox_deliveries{channel="sms",state="failed"}'), 0);
  assert.equal(value('pendopo_outbox_deliveries{channel="whatsapp",state="sent"}'), 0);
  const total = ['email', 'whatsapp', 'sms'].reduce((s, ch) => s + value(`pendopo_outbox_deliveries{channel="${ch}",state="sent"}`), 0);
  assert.equal(total, sent.sent, 'the same count as the admin page');
  assert.equal(value('pendopo_outbox_oldest_pending_seconds{channel="email"}'), 0);
  assert.ok(value('pendopo_outbox_notices_waiting') >= 0);
  assert.match(text, /^# TYPE pendopo_outbox_deliveries gauge$/m);
});
