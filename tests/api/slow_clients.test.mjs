// Clients that trickle: libmicrohttpd's idle timeout restarts on every
// byte, so headers sent a byte at a time, or a body at a few bytes a second,
// held a connection (and its thread) for ever.  The server is started with
// a 2-second header limit so that the test takes seconds, not minutes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startServer } from '../lib/server.mjs';
import { until } from './util.mjs';

// Writes the chunks one per `every` ms until the server closes the socket;
// resolves with the seconds that took, or null when still open at `giveUp`.
function trickle(port, chunks, every, giveUp) {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    const start = Date.now();
    let i = 0;
    let done = false;
    const finish = (v) => { if (!done) { done = true; clearInterval(timer); clearTimeout(limit); sock.destroy(); resolve(v); } };
    const timer = setInterval(() => { if (i < chunks.length) sock.write(chunks[i++]); }, every);
    const limit = setTimeout(() => finish(null), giveUp);
    sock.on('data', () => {});
    sock.on('error', () => finish((Date.now() - start) / 1000));
    sock.on('close', () => finish((Date.now() - start) / 1000));
  });
}

describe('slow clients', () => {
  let srv;
  before(async () => {
    srv = await startServer({ regions: false, env: { PENDOPO_HEADER_TIMEOUT: '2', PENDOPO_BODY_MIN_RATE: '1024' } });
  });
  after(async () => { await srv?.stop(); });

  it('cuts off a client trickling its headers after the header limit, while others are served', async () => {
    const head = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(100);
    const slow = trickle(srv.port, [...head], 200, 8000);
    // Meanwhile the server answers everyone else at once.
    for (let i = 0; i < 5; i++) {
      const t = Date.now();
      assert.equal((await fetch(srv.url + '/healthz')).status, 200);
      assert.ok(Date.now() - t < 1000);
    }
    const took = await slow;
    assert.ok(took !== null, 'the trickling connection was never closed');
    assert.ok(took >= 2 && took < 5, `closed after ${took} s`);
    // The log line reaches us through the server's stderr pipe, which may
    // lag the socket's close on a busy machine.
    await until('the cut-off logged', () => /slow client cut off.*waiting_for=headers/.test(srv.stderr()), 3000);
  });

  it('cuts off a body slower than the rate floor, not one that keeps up', async () => {
    const head = 'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n';
    const slow = trickle(srv.port, [head, ...Array(80).fill('x'.repeat(10))], 100, 8000);
    const took = await slow;
    assert.ok(took !== null, 'the slow body was never cut off');
    assert.ok(took >= 2 && took < 6, `closed after ${took} s`);
    await until('the cut-off logged', () => /slow client cut off.*waiting_for=body/.test(srv.stderr()), 3000);
    // A request whose headers come in pieces within the limit is answered.
    const sock = connect(srv.port, '127.0.0.1');
    let answer = '';
    sock.on('data', (d) => { answer += d; });
    const closed = new Promise((r) => sock.on('close', r));
    for (const part of ['GET /healthz HTTP/1.1\r\n', 'Host: x\r\n', 'Connection: close\r\n\r\n']) {
      sock.write(part);
      await new Promise((r) => setTimeout(r, 300));
    }
    await closed;
    assert.match(answer, /^HTTP\/1\.1 200/);
  });
});
