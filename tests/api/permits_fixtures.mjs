// Shared by the permit API and browser tests (not a test file itself): a
// signing key, the offices' people, a complete application.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../lib/server.mjs';
import { cliUser, register } from './util.mjs';

// A fresh signing key pair; its path goes to the server as PENDOPO_LETTERS_KEY.
export function letterKey() {
  const path = join(mkdtempSync(join(tmpdir(), 'pendopo-key-')), 'letters.key');
  execFileSync(BIN, ['letters', 'keygen', '--letters-key', path], { stdio: 'ignore' });
  return path;
}

// The licensing desk (DPMPTSP), Kesbangpol's analyst and head, an officer
// of a location unit, and two applicants.
export async function officePeople(srv) {
  const [desk, analyst, head, pupr, applicant, other] = await Promise.all([
    cliUser(srv, 'officer', ['--unit', 'DPMPTSP', '--name', 'Petugas Perizinan']),
    cliUser(srv, 'officer', ['--unit', 'KESBANGPOL', '--name', 'Analis Kesbangpol']),
    cliUser(srv, 'unit_head', ['--unit', 'KESBANGPOL', '--name', 'Drs. Kepala Kesbangpol']),
    cliUser(srv, 'officer', ['--unit', 'PUPR', '--name', 'Petugas PUPR']),
    register(srv.url, { name: 'Rina Peneliti' }),
    register(srv.url, { name: 'Budi Lain' }),
  ]);
  return { desk, analyst, head, pupr, applicant, other };
}

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

const day = (offset) => new Date(Date.now() + offset * 86400000 + 7 * 3600000).toISOString().slice(0, 10);

export const application = (extra = {}) => ({
  identity_kind: 'nik', identity_number: '3303014101900001', name: 'Rina Peneliti',
  address: 'Jl. Mawar 3, Kemangkon', village: '33.03.01.2001',
  institution: 'Universitas Jenderal Soedirman', status: 's2', supervisor: 'Dr. Sri Pembimbing',
  title: 'Pola konsumsi air bersih rumah tangga di Kemangkon', purpose: 'Tesis magister',
  scope: 'Rumah tangga di dua desa', method: 'Survei dan wawancara', topic: 'air bersih',
  period_from: day(7), period_until: day(60), members: ['Andi Asisten'],
  locations: [{ unit: 'PUPR' }, { region: '33.03.01.2001' }],
  intro_number: '123/UN23/PT/2026', intro_date: day(-3), intro_subject: 'Permohonan izin penelitian',
  ...extra,
});

// PUT a document as raw bytes through the applicant's session.
export async function upload(client, id, kind, bytes, type = 'application/pdf') {
  const h = { 'content-type': type };
  if (client.cookie) h.cookie = client.cookie;
  if (client.csrf) h['x-csrf-token'] = client.csrf;
  const res = await fetch(`${client.base}/api/permits/${id}/documents/${kind}`, { method: 'PUT', headers: h, body: bytes });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, json, text };
}

// GET as bytes (a PDF, a document).
export async function bytes(client, path) {
  const h = {};
  if (client.cookie) h.cookie = client.cookie;
  const res = await fetch(client.base + path, { headers: h });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

// A draft with every field and document, not yet submitted.
export async function draft(client, extra = {}, docs = ['proposal', 'intro_letter', 'id_card', 'statement']) {
  const r = await client.post('/api/permits', application(extra));
  assert.equal(r.status, 201, r.text);
  const id = r.json.permit.id;
  for (const kind of docs) {
    const u = await upload(client, id, kind, PDF);
    assert.equal(u.status, 201, `${kind}: ${u.text}`);
  }
  return id;
}

export async function act(client, id, action, body = {}) {
  return client.post(`/api/permits/${id}/actions/${action}`, body);
}
