// The outbox's delivery worker and email over SMTP, against a local SMTP
// sink: multipart Indonesian/English messages, retries with back-off, the
// admin list and retry, and exactly-once delivery across a crash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { startSmtp, SMTP_USER, SMTP_PASSWORD } from '../lib/smtp.mjs';
import { apikey, bearerClient, register, assertError, sleep, until } from './util.mjs';
import { complaint, submit } from './complaints_fixtures.mjs';

function smtpEnv(smtp, extra = {}) {
  return {
    PENDOPO_SMTP_HOST: '127.0.0.1', PENDOPO_SMTP_PORT: String(smtp.port), PENDOPO_SMTP_TLS: 'none',
    PENDOPO_SMTP_USER: SMTP_USER, PENDOPO_SMTP_PASSWORD: SMTP_PASSWORD,
    PENDOPO_SMTP_FROM: 'layanan@purbalinggakab.go.id', PENDOPO_OUTBOX_RETRY_SECONDS: '1',
    PENDOPO_OUTBOX_TIMEOUT: '2', ...extra,
  };
}

// The messages the sink accepted for one address.
const to = (smtp, address) => smtp.messages.filter((m) => m.to.includes(address));

// The admin's view of the deliveries to one address.
async function deliveriesTo(admin, address) {
  const r = await admin.get('/api/outbox?limit=200');
  assert.equal(r.status, 200, r.text + '\n' + (admin.srv ? admin.srv.stderr().split('\n').slice(-15).join('\n') : ''));
  return r.json.items.filter((d) => d.address === address);
}

let smtp;
before(async () => { smtp = await startSmtp(); });
after(async () => { await smtp.close(); });

test('with no channel configured the worker is idle, says so, and notices wait', async () => {
  const srv = await startServer({ demo: true });
  try {
    await until('the idle line', () => /no delivery channel configured/.test(srv.stderr()));
    const citizen = await register(srv.url);
    await submit(citizen, complaint());
    const admin = bearerClient(srv.url, apikey(srv, 'ops', 'admin'));
    await sleep(1500);
    const r = await admin.get('/api/outbox');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.length, 0, 'nothing is handed to a channel');
    assert.deepEqual(r.json.counts, { pending: 0, sending: 0, sent: 0, failed: 0, unknown: 0 });
  } finally {
    await srv.stop();
  }
});

test('a notice goes out once by email: multipart, Indonesian, English for a reader who chose it', async () => {
  const srv = await startServer({ demo: true, env: smtpEnv(smtp) });
  try {
    const siti = await register(srv.url, { name: 'Siti' });
    const john = await register(srv.url, { name: 'John' });
    assert.equal((await john.patch('/api/me', { lang: 'en' })).status, 200);
    const a = (await submit(siti, complaint())).complaint.tracking;
    const b = (await submit(john, complaint())).complaint.tracking;
    const [ms, mj] = await until('both emails', () => {
      const s = to(smtp, siti.email), j = to(smtp, john.email);
      return s.length && j.length && [s[0], j[0]];
    });
    assert.equal(ms.from, 'layanan@purbalinggakab.go.id');
    assert.equal(ms.subject, `Pengaduan ${a} diterima`);
    assert.match(ms.text, new RegExp(`nomor ${a}`));
    assert.match(ms.text, new RegExp(`/complaints/case.html\\?no=${a}`));
    assert.match(ms.html, /^<!doctype html><html lang="id">/);
    assert.match(ms.headers['content-type'], /^multipart\/alternative/);
    assert.match(ms.headers['message-id'], /^<pendopo-\d+-email@pendopo>$/);
    assert.equal(mj.subject, `Complaint ${b} received`);
    assert.match(mj.text, /We have received your complaint/);
    assert.match(mj.html, /lang="en"/);

    const admin = bearerClient(srv.url, apikey(srv, 'ops', 'admin'));
    const [d] = await until('sent state', async () => {
      const ds = await deliveriesTo(admin, siti.email);
      return ds.length === 1 && ds[0].state === 'sent' && ds;
    });
    assert.equal(d.channel, 'email');
    assert.equal(d.topic, 'complaint.submitted');
    assert.equal(d.object, `complaint:${a}`);
    assert.equal(d.attempts, 1);
    const full = await admin.get(`/api/outbox/${d.id}`);
    assert.equal(full.status, 200, full.text);
    assert.equal(full.json.attempts.length, 1);
    assert.equal(full.json.attempts[0].outcome, 'sent');
    assert.ok(full.json.attempts[0].finished_at);
    assert.equal(full.json.provider_id, ms.headers['message-id']);
    // The reader's own list says it was delivered.
    const mine = await siti.get('/api/notifications');
    assert.equal(mine.status, 200);
    await sleep(1500);
    assert.equal(to(smtp, siti.email).length, 1, 'sent once');
    // Only administrators see the outbox; a sent message is not sent again.
    assertError(await siti.get('/api/outbox'), 403, 'forbidden');
    assertError(await admin.post(`/api/outbox/${d.id}/retry`), 409, 'conflict');
    assertError(await admin.post('/api/outbox/999999/retry'), 404, 'not_found');
    assertError(await admin.get('/api/outbox?state=lost'), 400, 'invalid', 'state');
  } finally {
    await srv.stop();
  }
});

test('a failing server is retried with growing delays until it takes the message', async () => {
  const srv = await startServer({ demo: true, env: smtpEnv(smtp, { PENDOPO_OUTBOX_RETRY_SECONDS: '3' }) });
  try {
    const citizen = await register(srv.url);
    smtp.failNext(citizen.email, 2);
    await submit(citizen, complaint());
    await until('the third attempt', () => to(smtp, citizen.email).length === 1, 30000);
    const admin = bearerClient(srv.url, apikey(srv, 'ops', 'admin'));
    admin.srv = srv;
    const [d] = await until('sent', async () => {
      const ds = await deliveriesTo(admin, citizen.email);
      return ds[0]?.state === 'sent' && ds;
    });
    const full = (await admin.get(`/api/outbox/${d.id}`)).json;
    assert.deepEqual(full.attempts.map((a) => a.outcome), ['retry', 'retry', 'sent']);
    assert.match(full.attempts[0].detail, /smtp 451/);
    // The wait after each failure: 3 s, then 6 s, each -20 %..+20 % (and
    // seconds are whole in the record, so at least 2 and then 4).  A busy
    // machine only makes them longer.
    const sec = (t) => Date.parse(t) / 1000;
    const wait = [1, 2].map((i) => sec(full.attempts[i].started_at) - sec(full.attempts[i - 1].finished_at));
    assert.ok(wait[0] >= 2, `first retry after ${wait[0]} s`);
    assert.ok(wait[1] >= 4, `second retry after ${wait[1]} s: the delay doubles`);
  } finally {
    await srv.stop();
  }
});

test('after the last attempt a message is failed; an administrator sends it again', async () => {
  const srv = await startServer({ demo: true, env: smtpEnv(smtp, { PENDOPO_OUTBOX_MAX_ATTEMPTS: '2' }) });
  try {
    const citizen = await register(srv.url);
    const admin = bearerClient(srv.url, apikey(srv, 'ops', 'admin'));
    smtp.failNext(citizen.email, 2);
    await submit(citizen, complaint());
    const [d] = await until('failed', async () => {
      const ds = await deliveriesTo(admin, citizen.email);
      return ds[0]?.state === 'failed' && ds;
    });
    assert.equal(d.attempts, 2);
    assert.match(d.last_error, /451/);
    assert.equal(to(smtp, citizen.email).length, 0);
    const listed = srv.cli(['outbox', 'list', '--state', 'failed']);
    assert.match(listed, new RegExp(`^${d.id}\\tfailed\\temail\\t${citizen.email.replace(/[.]/g, '\\.')}\\tcomplaint\\.submitted`, 'm'));
    const r = await admin.post(`/api/outbox/${d.id}/retry`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'pending');
    await until('sent after the retry', () => to(smtp, citizen.email).length === 1);
    const full = (await until('sent', async () => {
      const x = (await admin.get(`/api/outbox/${d.id}`)).json;
      return x.state === 'sent' && x;
    }));
    assert.deepEqual(full.attempts.map((a) => [a.attempt, a.outcome]), [[1, 'retry'], [2, 'failed'], [3, 'sent']]);
    const audit = await admin.get('/api/audit?action=outbox.retry');
    assert.equal(audit.status, 200);
  } finally {
    await srv.stop();
  }
});

test('a notice committed while no worker ran is delivered exactly once after the restart', async () => {
  const first = await startServer({ demo: true, keep: true });
  let second;
  try {
    const citizen = await register(first.url);
    await submit(citizen, complaint());
    await first.kill();
    second = await startServer({ db: first.db, env: smtpEnv(smtp) });
    await until('delivered', () => to(smtp, citizen.email).length === 1);
    await sleep(2500);
    assert.equal(to(smtp, citizen.email).length, 1, 'exactly once');
  } finally {
    if (second) await second.stop();
    await first.stop();
  }
});

test('killed in the middle of a send, the server does not send it again after the restart', async () => {
  const first = await startServer({ demo: true, keep: true, env: smtpEnv(smtp) });
  let second;
  try {
    const citizen = await register(first.url);
    const held = smtp.hold(citizen.email);
    await submit(citizen, complaint());
    const msg = await held;
    assert.ok(msg.to.includes(citizen.email));
    // The sink has the message; the server dies before it hears "250".
    await first.kill();
    smtp.release();
    second = await startServer({ db: first.db, env: smtpEnv(smtp) });
    const admin = bearerClient(second.url, apikey(second, 'ops', 'admin'));
    // The lease (2 × 2 s + 2 s) runs out: the send is marked unknown, not repeated.
    const [d] = await until('unknown', async () => {
      const ds = await deliveriesTo(admin, citizen.email);
      return ds[0]?.state === 'unknown' && ds;
    }, 20000);
    assert.match(d.last_error, /interrupted/);
    const full = (await admin.get(`/api/outbox/${d.id}`)).json;
    assert.deepEqual(full.attempts.map((a) => a.outcome), ['interrupted']);
    await sleep(2000);
    assert.equal(to(smtp, citizen.email).length, 1, 'the message was not sent twice');
  } finally {
    smtp.release();
    if (second) await second.stop();
    await first.stop();
  }
});
