// Stored files are answered as the client reads them, a piece at a time
// (in the data folder on SQLite, 256 KiB chunks in the database on
// PostgreSQL): an 8 MiB document comes back byte for byte with its hash as
// ETag, and ten downloads held open at once do not hold ten copies of it in
// the server's memory.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { BIN, Client, startServer } from '../lib/server.mjs';
import { cliUser } from './util.mjs';

const SIZE = 8 * 1024 * 1024;
const DOWNLOADS = 10;

// A PDF by its signature, then bytes that compress to nothing useful.
function bigPdf() {
  const buf = Buffer.alloc(SIZE);
  let x = 2463534242;
  for (let i = 0; i < SIZE; i += 4) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    buf.writeUInt32LE(x, i);
  }
  buf.write('%PDF-1.4\n', 0, 'latin1');
  buf.write('\n%%EOF\n', SIZE - 7, 'latin1');
  return buf;
}

const rssKiB = (pid) => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

describe('stored files are streamed', () => {
  let srv, path, pdf, sha;
  before(async () => {
    srv = await startServer();
    const admin = await cliUser(srv, 'admin');
    assert.equal((await admin.post('/api/orgs', { code: 'DINKES', name: 'Dinas Kesehatan', kind: 'agency' })).status, 201);
    const ppid = await cliUser(srv, 'officer', ['--unit', 'DINKES']);
    const entry = await ppid.post('/api/inforeq/dip', { agency: 'DINKES', number: 'DIP-BESAR', summary: 'Profil kesehatan lengkap',
      holding_unit: 'Bidang Kesmas', responsible: 'PPID Pelaksana Dinkes', made_when: '2026', made_where: 'Purbalingga',
      format: 'PDF', retention: '5 tahun', category: 'berkala' });
    assert.equal(entry.status, 201, entry.text);
    pdf = bigPdf();
    sha = createHash('sha256').update(pdf).digest('hex');
    const put = await fetch(`${srv.url}/api/inforeq/dip/${entry.json.id}/document`, {
      method: 'PUT', body: pdf, headers: { 'content-type': 'application/pdf', cookie: ppid.cookie, 'x-csrf-token': ppid.csrf },
    });
    const stored = await put.text();
    assert.equal(put.status, 201, stored);
    path = JSON.parse(stored).document;
  });
  after(async () => { await srv?.stop(); });

  it('a file of several MiB comes back whole, its hash the ETag', async () => {
    const res = await fetch(srv.url + path);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    assert.equal(Number(res.headers.get('content-length')), SIZE);
    assert.equal(res.headers.get('etag'), `"${sha}"`);
    const got = Buffer.from(await res.arrayBuffer());
    assert.equal(got.length, SIZE);
    assert.ok(got.equals(pdf), 'byte for byte');
    const again = await fetch(srv.url + path, { headers: { 'if-none-match': `"${sha}"` } });
    assert.equal(again.status, 304);
    assert.equal((await again.arrayBuffer()).byteLength, 0);
    const head = await fetch(srv.url + path, { method: 'HEAD' });
    assert.equal(Number(head.headers.get('content-length')), SIZE);
  });

  it(`${DOWNLOADS} downloads held open at once hold pieces of the file, not copies of it`, async (t) => {
    const before_ = rssKiB(srv.pid);
    // Each client takes the first bytes and stops reading: the server
    // has sent what the sockets hold and waits with the rest.
    const held = await Promise.all(Array.from({ length: DOWNLOADS }, () => new Promise((resolve, reject) => {
      const req = get(srv.url + path, (res) => {
        const parts = [];
        res.once('data', (d) => { parts.push(d); res.pause(); resolve({ res, parts }); });
        res.on('error', reject);
      });
      req.on('error', reject);
    })));
    await new Promise((r) => setTimeout(r, 300));
    const grown = rssKiB(srv.pid) - before_;
    t.diagnostic(`server memory grew by ${grown} KiB for ${DOWNLOADS} held downloads of ${SIZE >> 20} MiB`);
    // Read whole, ten downloads would add ten files (80 MiB, more on
    // PostgreSQL as text).  Under AddressSanitizer freed chunks wait in its
    // quarantine, so the server's size says nothing there.
    if (!/asan/.test(BIN)) assert.ok(grown < 3 * SIZE / 1024, `server memory grew by ${grown} KiB for ${DOWNLOADS} held downloads`);
    const bodies = await Promise.all(held.map(({ res, parts }) => new Promise((resolve, reject) => {
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve(Buffer.concat(parts)));
      res.on('error', reject);
      res.resume();
    })));
    assert.ok(bodies.every((b) => b.equals(pdf)), 'each download whole');
  });

  it('an entry without a stored document is still 404', async () => {
    const res = await new Client(srv.url).get('/api/inforeq/dip/999999/document');
    assert.equal(res.status, 404);
  });
});
