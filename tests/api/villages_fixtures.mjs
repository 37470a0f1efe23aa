// Shared by the village API and browser tests (not a test file itself):
// a village's staff, a complete letter request, raw uploads.
import assert from 'node:assert/strict';
import { cliUser, register } from './util.mjs';

export const VILLAGE = '33.03.01.2001';	// Kedungbenda, Kemangkon
export const OTHER = '33.03.10.2001';	// Serang, Karangreja
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

// An operator and a head of each of two villages, and two citizens.
export async function villagePeople(srv) {
  const [operator, head, otherOperator, otherHead, citizen, stranger] = await Promise.all([
    cliUser(srv, 'village_operator', ['--village', VILLAGE, '--name', 'Operator Kedungbenda']),
    cliUser(srv, 'village_head', ['--village', VILLAGE, '--name', 'Sutrisno Kepala Desa']),
    cliUser(srv, 'village_operator', ['--village', OTHER, '--name', 'Operator Serang']),
    cliUser(srv, 'village_head', ['--village', OTHER, '--name', 'Sugito Kepala Desa']),
    register(srv.url, { name: 'Siti Warga' }),
    register(srv.url, { name: 'Budi Lain' }),
  ]);
  return { operator, head, otherOperator, otherHead, citizen, stranger };
}

export const request = (extra = {}) => ({
  kind: 'domisili', nik: '3303014101900001', name: 'Siti Warga', address: 'RT 01 RW 02 Kedungbenda',
  purpose: 'Persyaratan melamar pekerjaan', ...extra,
});

// PUT raw bytes through client's session.
export async function upload(client, path, body, type = 'application/pdf') {
  const h = { 'content-type': type };
  if (client.cookie) h.cookie = client.cookie;
  if (client.csrf) h['x-csrf-token'] = client.csrf;
  const res = await fetch(client.base + path, { method: 'PUT', headers: h, body });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, json, text };
}

// POST raw text (a CSV file).
export async function postRaw(client, path, body, type = 'text/csv') {
  const h = { 'content-type': type };
  if (client.cookie) h.cookie = client.cookie;
  if (client.csrf) h['x-csrf-token'] = client.csrf;
  const res = await fetch(client.base + path, { method: 'POST', headers: h, body });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, json, text };
}

export async function bytes(client, path) {
  const h = {};
  if (client.cookie) h.cookie = client.cookie;
  const res = await fetch(client.base + path, { headers: h });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

// A complete request of village, submitted: its id.
export async function submitted(client, village = VILLAGE, extra = {}) {
  let r = await client.post(`/api/villages/${village}/letters`, request(extra));
  assert.equal(r.status, 201, r.text);
  const id = r.json.request.id;
  for (const name of ['ktp', 'kk']) {
    const u = await upload(client, `/api/village-letters/${id}/attachments/${name}`, PDF);
    assert.equal(u.status, 201, u.text);
  }
  r = await client.post(`/api/village-letters/${id}/submit`);
  assert.equal(r.status, 200, r.text);
  return id;
}

export const act = (client, id, action, body = {}) => client.post(`/api/village-letters/${id}/actions/${action}`, body);
