// WhatsApp through the Cloud API, against a local stand-in: notices as a
// template outside the 24-hour window and as text inside it, failures
// retried, the webhook's handshake and signature check, and delivery
// statuses recorded against the outbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { startGraph, sign, inbound, statuses, WA_TOKEN, WA_PHONE_ID, WA_SECRET, WA_VERIFY, WA_VERSION } from '../lib/graph.mjs';
import { startSmtp, SMTP_USER, SMTP_PASSWORD } from '../lib/smtp.mjs';
import { apikey, bearerClient, register, assertError, email, sleep, until } from './util.mjs';
import { complaint, submit } from './complaints_fixtures.mjs';

let graph, smtp, srv, admin;
before(async () => {
  graph = await startGraph();
  smtp = await startSmtp();
  srv = await startServer({ demo: true, env: {
    PENDOPO_SMTP_HOST: '127.0.0.1', PENDOPO_SMTP_PORT: String(smtp.port), PENDOPO_SMTP_TLS: 'none',
    PENDOPO_SMTP_USER: SMTP_USER, PENDOPO_SMTP_PASSWORD: SMTP_PASSWORD,
    PENDOPO_WA_BASE_URL: graph.url, PENDOPO_WA_VERSION: WA_VERSION, PENDOPO_WA_PHONE_ID: WA_PHONE_ID,
    PENDOPO_WA_TOKEN: WA_TOKEN, PENDOPO_WA_APP_SECRET: WA_SECRET, PENDOPO_WA_VERIFY_TOKEN: WA_VERIFY,
    PENDOPO_WA_TEMPLATE: 'pemberitahuan_layanan', PENDOPO_OUTBOX_RETRY_SECONDS: '1', PENDOPO_OUTBOX_TIMEOUT: '2',
  } });
  admin = bearerClient(srv.url, apikey(srv, 'ops', 'admin'));
});
after(async () => {
  await srv.stop();
  await graph.close();
  await smtp.close();
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

// One citizen's chat: what they send, and the replies that come back.
function chat(waId, userId, name) {
  let seen = 0;
  return {
    async send(message, { expect = 1, repeat } = {}) {
      graph.userWrote(waId);
      const body = repeat || inbound(message, { waId, userId, name });
      const r = await post(body);
      assert.equal(r.status, 200, await r.text());
      const got = await until(`${expect} repl${expect === 1 ? 'y' : 'ies'} to ${JSON.stringify(message)}`,
        () => graph.to(waId).length >= seen + expect && graph.to(waId).slice(seen));
      seen += got.length;
      got.body = body;
      return got;
    },
    quiet: () => graph.to(waId).length === seen,
  };
}
const textOf = (m) => (m.type === 'interactive' ? m.interactive.body.text : m.text.body);
const rows = (m) => m.interactive.action.sections[0].rows;

test('a WhatsApp conversation files a complaint with a location and a photo; its notices come back on the chat', async () => {
  const { png } = await import('./complaints_fixtures.mjs');
  const wa = '6281399' + String(process.pid).padStart(6, '0').slice(-6);
  const c = chat(wa, 'ID.budi' + process.pid, 'Budi');

  let [m] = await c.send({ type: 'text', text: { body: 'Halo' } });
  assert.equal(m.type, 'interactive');
  assert.match(textOf(m), /^Halo Budi! Ini layanan pengaduan Matur Bupati/);
  const cats = rows(m);
  assert.ok(cats.length >= 1 && cats.length <= 10);
  assert.ok(cats.every((r) => r.title.length <= 24));
  const jalan = cats.find((r) => r.id === 'JALAN') || cats[0];

  // A free-text answer that is no choice asks again.
  [m] = await c.send({ type: 'text', text: { body: 'jalan' } });
  assert.match(textOf(m), /^Pilih salah satu kategori/);
  [m] = await c.send({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: jalan.id, title: jalan.title } } });
  assert.match(m.text.body, /Ceritakan masalahnya/);
  [m] = await c.send({ type: 'text', text: { body: 'Jalan desa berlubang dalam di dekat balai desa, sudah sebulan.' } });
  assert.match(m.text.body, /Di mana lokasinya\?/);

  // A village name: unknown, then one that two districts have.
  [m] = await c.send({ type: 'text', text: { body: 'Atlantis' } });
  assert.match(m.text.body, /tidak ditemukan/);
  [m] = await c.send({ type: 'text', text: { body: 'karangtengah' } });
  assert.equal(m.type, 'interactive');
  assert.deepEqual(rows(m).map((r) => r.id).sort(), ['33.03.01.2014', '33.03.18.2009']);
  assert.equal(rows(m).find((r) => r.id === '33.03.01.2014').description, 'Kec. Kemangkon');
  [m] = await c.send({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: '33.03.01.2014', title: 'Karangtengah' } } });
  assert.equal(m.type, 'interactive');
  assert.deepEqual(rows(m).map((r) => r.id), ['biasa', 'anonim', 'rahasia']);

  // The restart of the server between two messages loses nothing: the
  // conversation is a row (checked by the next answer following on).
  [m] = await c.send({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'biasa', title: 'Biasa' } } });
  assert.match(m.text.body, /Ada foto kejadiannya\?/);
  graph.addMedia('MEDIA-' + wa, png(), 'image/png');
  [m] = await c.send({ type: 'image', image: { id: 'MEDIA-' + wa, mime_type: 'image/png', sha256: 'x' } });
  assert.match(m.text.body, /\*Lokasi:\* Karangtengah, Kec\. Kemangkon/);
  assert.match(m.text.body, /\*Foto:\* ada/);

  // Two messages: the complaint's own notice (to the phone it was filed
  // with), and the intake's reply with the secret follow-up link.  The
  // photo's first download URL has lapsed: a fresh one is asked for.
  graph.lapseNextUrl('MEDIA-' + wa);
  const both = await c.send({ type: 'text', text: { body: 'ya' } }, { expect: 2 });
  const notice = both.find((x) => x.text.body.startsWith('Pengaduan Anda sudah kami terima'));
  const done = both.find((x) => x.text.body.startsWith('Terima kasih'));
  assert.ok(notice && done, JSON.stringify(both));
  const tracking = /nomor \*(MB-\d{4}-\d{6})\*/.exec(done.text.body)?.[1];
  assert.ok(tracking, done.text.body);
  assert.match(notice.text.body, new RegExp(`nomor ${tracking}\\.`));
  assert.match(done.text.body, new RegExp(`/complaints/case.html\\?no=${tracking}#key=`));
  // WhatsApp delivers the same message again: it is handled once.
  const again = await post(both.body);
  assert.equal(again.status, 200);
  await sleep(1500);
  assert.ok(c.quiet(), 'no second reply to a repeated delivery');

  // The desk sees it in the console, with the place and the photo.
  const { login } = await import('./util.mjs');
  const { DEMO_PASSWORD } = await import('./complaints_fixtures.mjs');
  const deskAdmin = await login(srv.url, 'admin@demo.pendopo.id', DEMO_PASSWORD);
  const got = await deskAdmin.get(`/api/complaints/${tracking}`);
  assert.equal(got.status, 200, got.text);
  const cp = got.json.complaint;
  assert.equal(cp.location.village.kode, '33.03.01.2014');
  assert.equal(cp.category.code, jalan.id);
  assert.deepEqual(cp.reporter, { name: 'Budi', email: null, phone: '+' + wa, account: false });
  assert.match(cp.description, /^Jalan desa berlubang/);
  assert.equal(cp.photos.length, 1);
  const list = await deskAdmin.get('/api/complaints/inbox?limit=100');
  assert.equal(list.status, 200, list.text);
  assert.ok(JSON.stringify(list.json).includes(tracking), 'in the officers\' inbox');

  // "cek" answers the state; the desk's disposition comes back on the chat.
  [m] = await c.send({ type: 'text', text: { body: `cek ${tracking.toLowerCase()}` } });
  assert.match(m.text.body, new RegExp(`^Pengaduan \\*${tracking}\\* sudah diterima dan sedang diverifikasi\\.`));
  const r = await deskAdmin.post(`/api/complaints/${tracking}/actions/disposition`, { text: 'Mohon ditindaklanjuti.' });
  assert.equal(r.status, 200, r.text);
  const told = await until('the notice on the chat', () => graph.to(wa).find((s) => s.type === 'text' && s.text.body.includes(`Pengaduan ${tracking} sudah diverifikasi`)));
  assert.match(told.text.body, /diteruskan ke perangkat daerah/);
});

test('a status change of a complaint reaches its citizen by WhatsApp and by email', async () => {
  const c = await citizenWithPhone();
  const tracking = (await submit(c, complaint())).complaint.tracking;
  const { login } = await import('./util.mjs');
  const { DEMO_PASSWORD } = await import('./complaints_fixtures.mjs');
  const desk = await login(srv.url, 'admin@demo.pendopo.id', DEMO_PASSWORD);
  const r = await desk.post(`/api/complaints/${tracking}/actions/disposition`, { text: 'Mohon ditindaklanjuti.' });
  assert.equal(r.status, 200, r.text);
  const subject = `Pengaduan ${tracking} diteruskan ke perangkat daerah`;
  const wa = await until('the WhatsApp template', () => graph.to(c.wa).find((s) => s.template?.components[0].parameters[0].text === subject));
  assert.equal(wa.type, 'template', 'outside the 24 hours');
  const mail = await until('the email', () => smtp.messages.find((m) => m.to.includes(c.email) && m.subject === subject));
  assert.match(mail.text, new RegExp(`Pengaduan ${tracking} sudah diverifikasi dan diteruskan`));
  await sleep(1000);
  assert.equal(graph.to(c.wa).filter((s) => s.template?.components[0].parameters[0].text === subject).length, 1, 'once');
  assert.equal(smtp.messages.filter((m) => m.to.includes(c.email) && m.subject === subject).length, 1, 'once');
});
