// Shared by the complaints and Open311 API tests (not a test file itself):
// the people of a Matur Bupati deployment, small images, and a submit helper.
import assert from 'node:assert/strict';
import { deflateSync, crc32 } from 'node:zlib';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { cliUser, login, register } from './util.mjs';

export const DEMO_PASSWORD = 'Demo-Pendopo-2026';
// Villages of Kabupaten Purbalingga (33.03): Kemangkon and Bukateja districts.
export const VILLAGE = '33.03.01.2001';
export const VILLAGE_B = '33.03.02.2001';
export const DISTRICT = '33.03.01';

// The desk (verifiers, DINKOMINFO by default), three OPDs and an admin.
export async function people(srv) {
  const [desk, deskHead, pupr, puprHead, dinhub, dinhubHead, citizen, other] = await Promise.all([
    cliUser(srv, 'officer', ['--unit', 'DINKOMINFO', '--name', 'Verifikator Kominfo']),
    cliUser(srv, 'unit_head', ['--unit', 'DINKOMINFO', '--name', 'Kabid Kominfo']),
    cliUser(srv, 'officer', ['--unit', 'PUPR', '--name', 'Petugas PUPR']),
    cliUser(srv, 'unit_head', ['--unit', 'PUPR', '--name', 'Kabid PUPR']),
    cliUser(srv, 'officer', ['--unit', 'DINHUB', '--name', 'Petugas Dinhub']),
    cliUser(srv, 'unit_head', ['--unit', 'DINHUB', '--name', 'Kabid Dinhub']),
    register(srv.url, { name: 'Siti Pelapor Rahasia' }),
    register(srv.url, { name: 'Warga Lain' }),
  ]);
  const admin = await login(srv.url, 'admin@demo.pendopo.id', DEMO_PASSWORD);
  return { desk, deskHead, pupr, puprHead, dinhub, dinhubHead, citizen, other, admin };
}

export function tick(srv, clock) {
  return srv.cli(['tick', '--clock', clock, '--data-dir', join(srv.dir, 'data')]);
}

export const complaint = (extra = {}) => ({
  kind: 'complaint', category: 'JALAN', description: 'Jalan berlubang besar di depan pasar, sudah dua minggu.',
  lat: -7.3901, long: 109.3602, village: VILLAGE, ...extra,
});

// Tracking numbers drawn so far, from the counters themselves: one row per
// year on SQLite, numbers interleaved over 16 rows (with gaps between
// connections) on PostgreSQL, so consecutive numbers prove nothing there.
// A row is born holding next = 2 after drawing one number, so each row
// counts next - 1 (a connection's first draw in a new slot adds one row).
export function numbersDrawn(srv) {
  const pg = srv.db.startsWith('postgres');
  const sql = `SELECT sum(next - 1) FROM ${pg ? 'case_tracking_slots' : 'case_sequences'}`;
  return Number((pg ? execFileSync('psql', [srv.db, '-Atc', sql]) : execFileSync('sqlite3', [srv.db, sql])).toString().trim());
}

export async function submit(client, body) {
  const r = await client.post('/api/complaints', body);
  assert.equal(r.status, 201, `submit: ${r.text}`);
  assert.match(r.json.complaint.tracking, /^MB-\d{4}-\d{6}$/);
  return r.json;
}

// A 2×2 PNG with a tEXt chunk that must not survive the upload; opts.size
// claims other dimensions in the header (a decompression bomb's, or
// impossible ones), opts.badCrc spoils the image data's checksum, opts.red
// sets the first pixel's red (pictures that differ once made again).
export function png(text = 'Author\0Siti di rumah jalan Melati 3', opts = {}) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  const [w, h] = opts.size || [2, 2];
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2;          // 8-bit RGB
  const raw = Buffer.from([0, opts.red ?? 200, 30, 30, 30, 200, 30, 0, 30, 30, 200, 240, 240, 240]);
  const idat = chunk('IDAT', deflateSync(raw));
  if (opts.badCrc) idat[idat.length - 1] ^= 0xff;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from(text, 'latin1')), idat, chunk('IEND', Buffer.alloc(0))]);
}

// A 2×2 JPEG as cjpeg writes it.
export const JPEG_2X2 = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQ' +
  'ERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU' +
  'FBQUFBQUFBQUFBQUFBT/wAARCAACAAIDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAA' +
  'AgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6' +
  'Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXG' +
  'x8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREA' +
  'AgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5' +
  'OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPE' +
  'xcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwD7M+A/w/8AC+o/A74d3d34b0i6up/DmnSy' +
  'zzWETvI7W0ZZmYrkkkkknrRRRX59iv49T1f5n5ZjP95q/wCJ/mf/2Q==', 'base64');

// A JPEG whose Exif holds an orientation (6) and a camera owner's name
// standing in for GPS and the like: only the orientation may survive.
export function jpegWithExif(secret = 'OWNER-Siti-GPS-7.39') {
  const tiff = Buffer.alloc(8 + 2 + 12 * 2 + 4 + secret.length + 1);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(2, 8);                       // two entries
  tiff.writeUInt16BE(0x0112, 10); tiff.writeUInt16BE(3, 12); tiff.writeUInt32BE(1, 14); tiff.writeUInt16BE(6, 18);
  tiff.writeUInt16BE(0x013b, 22); tiff.writeUInt16BE(2, 24); tiff.writeUInt32BE(secret.length + 1, 26);
  tiff.writeUInt32BE(38, 30);                     // Artist string after the IFD
  tiff.writeUInt32BE(0, 34);
  tiff.write(secret, 38, 'latin1');
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const head = Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  return Buffer.concat([JPEG_2X2.subarray(0, 2), head, payload, JPEG_2X2.subarray(2)]);
}

// A raw upload with the client's session (Client.req would JSON-encode it).
export async function upload(client, bytes, contentType = 'image/png') {
  const h = { 'content-type': contentType };
  if (client.cookie) h.cookie = client.cookie;
  if (client.csrf) h['x-csrf-token'] = client.csrf;
  if (client.bearer) h.authorization = 'Bearer ' + client.bearer;
  const res = await fetch(client.base + '/api/complaints/photos', { method: 'POST', headers: h, body: bytes });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, json, text };
}
