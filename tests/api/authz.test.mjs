// The authorization matrix, against an expectation declared here and
// nowhere else: for every route, which roles may use it on an object in
// their own scope, and for the scoped ones, that the same role granted in
// another unit is refused.  The route tables are read only to find routes
// this table does not know (a new route must be given an expectation) and
// entries for routes that no longer exist; what each caller may do is
// never taken from them.
//
// Callers: anonymous, and one user per role.  Staff of the home units
// (a puskesmas, the complaints desk, a data producer) hold their role in
// all three; "away" staff hold the same role in three other units.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, Client, BIN } from '../lib/server.mjs';
import { register, login, PASSWORD, email } from './util.mjs';
import { DEMO_PASSWORD, complaint } from './complaints_fixtures.mjs';

const ROLES = ['citizen', 'officer', 'unit_head', 'walidata', 'village_operator', 'village_head', 'admin', 'regent_office'];
const ANY = ROLES;
const P = { public: true };
// Public to the router, behind the protocol's own key: refused without it.
const KEYED = { public: true, keyed: true };
const only = (...roles) => ({ roles });
const A = only('admin');
const AR = only('admin', 'regent_office');
// Scoped: `roles` may act in their scope; of them, those in `unit` only
// on objects of a unit they hold the role in.  `away` is a call an away
// caller of each `unit` role must be refused (403) - with a valid body,
// since the body is checked before the object.
const scoped = (roles, unit, away) => ({ roles, unit, away });
// Likewise for roles held in one village: `village` of them only in their own.
const villageScoped = (roles, village, away) => ({ roles, village, away });

const HOME = { fc: 'PKM-KEMANGKON', desk: 'DINKOMINFO', data: 'DISDUKCAPIL' };
const AWAY = { fc: 'PKM-BUKATEJA', desk: 'PUPR', data: 'DINKES' };
const VILLAGE = '33.03.01.2001';
const AWAY_VILLAGE = '33.03.10.2001';

const EXPECT = {
  'GET /healthz': P, 'GET /metrics': P, 'GET /api/events': P,
  'GET /api/audit': AR,
  'GET /api/regions': P, 'GET /api/regions/{kode}': P, 'GET /api/site': P,
  'GET /api/orgs': P, 'GET /api/orgs/{code}': P, 'POST /api/orgs': A, 'PATCH /api/orgs/{code}': A, 'DELETE /api/orgs/{code}': A,
  'GET /api/holidays': P, 'POST /api/holidays': A, 'PATCH /api/holidays/{date}': A, 'DELETE /api/holidays/{date}': A,
  'GET /api/calendar/due': P,
  'POST /api/auth/register': P, 'POST /api/auth/login': P, 'POST /api/auth/logout': only(...ANY),
  'POST /api/auth/phone/code': P, 'POST /api/auth/phone/verify': P,
  'GET /api/me': only(...ANY), 'PATCH /api/me': only(...ANY), 'POST /api/me/password': only(...ANY),
  'GET /api/users': AR, 'POST /api/users': A, 'GET /api/users/{id}': AR, 'PATCH /api/users/{id}': A,
  'GET /api/apikeys': A, 'POST /api/apikeys': A, 'DELETE /api/apikeys/{id}': A,
  'GET /api/notifications': only(...ANY), 'POST /api/notifications/read': only(...ANY),
  // Channels: the outbox is the administrators'; WhatsApp's webhook answers
  // only its verify token and signed calls (none configured here: 403).
  'GET /api/outbox': A, 'GET /api/outbox/{id}': A, 'POST /api/outbox/{id}/retry': A,
  'GET /api/whatsapp/webhook': KEYED, 'POST /api/whatsapp/webhook': KEYED,

  // Satu Data: a unit's staff produce its tables, walidata steward all.
  'GET /api/data/datasets': P, 'GET /api/data/datasets/{name}': P,
  'POST /api/data/datasets': only('officer', 'unit_head', 'walidata', 'admin'),
  'PATCH /api/data/datasets/{name}': scoped(['officer', 'unit_head', 'walidata', 'admin'], ['officer', 'unit_head'],
    { body: { title: 'Judul lain' } }),
  'POST /api/data/datasets/{name}/resources': scoped(['officer', 'unit_head', 'walidata', 'admin'], ['officer', 'unit_head'],
    { body: { name: 'tabel-lain', description: 'Tabel lain' } }),
  'GET /api/data/resources/{id}': P,
  'PATCH /api/data/resources/{id}': scoped(['officer', 'unit_head', 'walidata', 'admin'], ['officer', 'unit_head'],
    { body: { description: 'Tabel berganti keterangan' } }),
  'POST /api/data/resources/{id}/import': only('officer', 'unit_head', 'walidata', 'admin'),
  'GET /api/data/resources/{id}/versions': P,
  'POST /api/data/resources/{id}/versions/{n}/review': only('officer', 'unit_head', 'walidata', 'admin'),
  'GET /api/data/resources/{id}/diff': P, 'GET /api/data/resources/{id}/rows': P,
  'GET /api/data/resources/{id}/data.csv': P, 'GET /api/data/resources/{id}/data.json': P,
  'GET /api/data/review': only('officer', 'unit_head', 'walidata', 'village_operator', 'village_head', 'admin', 'regent_office'),
  'GET /api/data/mine': only('officer', 'unit_head', 'walidata', 'village_operator', 'village_head', 'admin', 'regent_office'),
  'GET /api/data/groups': P, 'POST /api/data/groups': only('walidata', 'admin'),
  'GET /api/data/indicators': P, 'POST /api/data/indicators': only('walidata', 'admin'),
  'GET /api/data/indicators/{code}': P, 'PATCH /api/data/indicators/{code}': only('walidata', 'admin'),
  'GET /api/data/indicators/{code}/values': P,
  'GET /api/data/conflicts': only('officer', 'unit_head', 'walidata', 'village_operator', 'village_head', 'admin', 'regent_office'),
  'GET /api/data/conflicts/{id}': only('officer', 'unit_head', 'walidata', 'village_operator', 'village_head', 'admin', 'regent_office'),
  'POST /api/data/conflicts/{id}/resolve': only('officer', 'unit_head', 'walidata', 'admin'),
  'POST /api/data/scan': only('walidata', 'admin'),
  'GET /api/data/settings': only('walidata', 'admin', 'regent_office'), 'PATCH /api/data/settings': only('walidata', 'admin'),

  // Simantri: a facility's head sets it up, its staff work its counters.
  'GET /api/queue/facilities': P, 'GET /api/queue/facilities/{fc}': P,
  'PUT /api/queue/facilities/{fc}': scoped(['unit_head', 'admin'], ['unit_head'],
    { body: { type: 'fktp', booking_closes_days: 0, booking_closes_at: '10:00' } }),
  'POST /api/queue/facilities/{fc}/services': scoped(['unit_head', 'admin'], ['unit_head'],
    { body: { code: 'ZZZ', name: 'Poli Uji', kind: 'poli', prefix: 'Z' } }),
  'PATCH /api/queue/facilities/{fc}/services/{svc}': scoped(['unit_head', 'admin'], ['unit_head'], { body: { name: 'Poli Umum' } }),
  'GET /api/queue/facilities/{fc}/services/{svc}/days': P,
  'POST /api/queue/facilities/{fc}/doctors': scoped(['unit_head', 'admin'], ['unit_head'], { body: { code: 'D99', name: 'dr. Uji' } }),
  'PATCH /api/queue/facilities/{fc}/doctors/{code}': only('unit_head', 'admin'),
  'POST /api/queue/facilities/{fc}/schedules': only('unit_head', 'admin'),
  'DELETE /api/queue/facilities/{fc}/schedules/{id}': scoped(['unit_head', 'admin'], ['unit_head'], {}),
  'POST /api/queue/facilities/{fc}/closures': only('unit_head', 'admin'),
  'DELETE /api/queue/facilities/{fc}/closures/{id}': scoped(['unit_head', 'admin'], ['unit_head'], {}),
  'GET /api/queue/facilities/{fc}/counters': P,
  'POST /api/queue/facilities/{fc}/counters': scoped(['unit_head', 'admin'], ['unit_head'],
    { body: { name: 'Loket Tamu', service: 'UMU' } }),
  'GET /api/queue/facilities/{fc}/board': P,
  'GET /api/queue/facilities/{fc}/lines': scoped(['officer', 'unit_head', 'admin', 'regent_office'], ['officer', 'unit_head'], {}),
  'POST /api/queue/facilities/{fc}/walkins': only('officer', 'unit_head', 'admin'),
  'POST /api/queue/facilities/{fc}/checkin': only('officer', 'unit_head', 'admin'),
  'GET /api/queue/facilities/{fc}/stats': scoped(['officer', 'unit_head', 'admin', 'regent_office'], ['officer', 'unit_head'], {}),
  'GET /api/queue/facilities/{fc}/stats.csv': scoped(['officer', 'unit_head', 'admin', 'regent_office'], ['officer', 'unit_head'], {}),
  'POST /api/queue/bookings': P, 'GET /api/queue/bookings/mine': only(...ANY), 'GET /api/queue/bookings/{code}': P, 'POST /api/queue/bookings/{code}/cancel': P,
  'GET /api/queue/bookings/{code}/ticket.pdf': P, 'GET /api/queue/bookings/{code}/qr.svg': P,
  ...Object.fromEntries(['open', 'pause', 'close', 'call', 'recall', 'skip', 'transfer', 'finish'].map((a) =>
    [`POST /api/queue/counters/{id}/${a}`, a === 'transfer' ? only('officer', 'unit_head', 'admin')
      : scoped(['officer', 'unit_head', 'admin'], ['officer', 'unit_head'], { body: a === 'pause' ? { reason: 'istirahat' } : {} })])),
  // BPJS Antrol: public routes behind BPJS's own token (antrol.test.mjs).
  'GET /antrol/{fc}/token': P, 'GET /antrol/{fc}/antrean/status/{kodepoli}/{tanggalperiksa}': P,
  'POST /antrol/{fc}/antrean': P, 'GET /antrol/{fc}/antrean/sisapeserta/{nomorkartu}/{kodepoli}/{tanggalperiksa}': P,
  'PUT /antrol/{fc}/antrean/batal': P, 'POST /antrol/{fc}/statusantrean': P, 'POST /antrol/{fc}/ambilantrean': P,
  'POST /antrol/{fc}/sisaantrean': P, 'POST /antrol/{fc}/batalantrean': P, 'POST /antrol/{fc}/checkinantrean': P,

  // The Regent's dashboard: the Regent's office and admins only.
  'GET /api/dashboard': AR,

  // Matur Bupati: the desk and the unit holding a case work it.
  'GET /api/complaints': P, 'POST /api/complaints': P, 'POST /api/complaints/photos': P,
  'GET /api/complaints/map': P, 'GET /api/complaints/stats': P, 'GET /api/complaints/nearby': P,
  'GET /api/complaints/mine': only(...ANY),
  'GET /api/complaints/inbox': only('officer', 'unit_head', 'admin', 'regent_office'),
  'GET /api/complaints/staff': only('officer', 'unit_head', 'admin', 'regent_office'),
  'GET /api/complaints/categories': P, 'POST /api/complaints/categories': A, 'PATCH /api/complaints/categories/{code}': A,
  'GET /api/complaints/settings': only('officer', 'unit_head', 'admin', 'regent_office'), 'PATCH /api/complaints/settings': A,
  'GET /api/complaints/templates': only('officer', 'unit_head', 'admin', 'regent_office'),
  'POST /api/complaints/templates': scoped(['officer', 'unit_head', 'admin'], ['officer', 'unit_head'],
    { body: { title: 'Salam', body: 'Terima kasih.', unit: HOME.desk } }),
  'PATCH /api/complaints/templates/{id}': scoped(['officer', 'unit_head', 'admin'], ['officer', 'unit_head'], { body: { title: 'Salam lagi' } }),
  'DELETE /api/complaints/templates/{id}': scoped(['officer', 'unit_head', 'admin'], ['officer', 'unit_head'], {}),
  'GET /api/complaints/{no}': P,
  'PATCH /api/complaints/{no}': scoped(['officer', 'unit_head', 'admin'], ['officer', 'unit_head'], { body: { kind: 'complaint' } }),
  'GET /api/complaints/{no}/photos/{n}': P,
  'POST /api/complaints/{no}/actions/{action}': P,
  'POST /api/complaints/{no}/messages': P,
  'POST /api/complaints/{no}/assign': scoped(['officer', 'unit_head', 'admin'], ['officer', 'unit_head'], { body: { user_id: null } }),
  'POST /api/complaints/{no}/rating': P, 'POST /api/complaints/{no}/support': P,
  'POST /api/complaints/{no}/follow': only(...ANY), 'DELETE /api/complaints/{no}/follow': only(...ANY),
  // Si-Intan: any account applies and sees only its own applications (404
  // otherwise, as for a number that does not exist); the offices' lists
  // are staff's, the overdue reports those of the licensing offices
  // (DPMPTSP, KESBANGPOL: none of the home units here) and overseers.
  'POST /api/permits': only(...ANY), 'GET /api/permits/mine': only(...ANY),
  'GET /api/permits/inbox': only('officer', 'unit_head', 'admin', 'regent_office'),
  'GET /api/permits/expected': only('officer', 'unit_head', 'village_operator', 'admin', 'regent_office'),
  'GET /api/permits/reports/overdue': AR,
  'GET /api/permits/library': P, 'GET /api/permits/library/{id}/report.pdf': P, 'GET /api/permits/stats': P,
  'GET /api/permits/settings': only('officer', 'unit_head', 'admin', 'regent_office'), 'PATCH /api/permits/settings': A,
  'GET /api/permits/{id}': only(...ANY), 'PATCH /api/permits/{id}': only(...ANY),
  'PUT /api/permits/{id}/documents/{kind}': only(...ANY), 'GET /api/permits/{id}/documents/{kind}': only(...ANY),
  'POST /api/permits/{id}/submit': only(...ANY), 'POST /api/permits/{id}/actions/{action}': only(...ANY),
  'GET /api/permits/{id}/letter.pdf': only(...ANY), 'POST /api/permits/{id}/report': only(...ANY),
  // PPID: anyone asks (with or without an account; the request itself
  // answers 404 to whoever is neither its requester nor its staff); an
  // agency's PPID keeps its own public information list.
  'POST /api/inforeq': P, 'GET /api/inforeq/mine': only(...ANY),
  'GET /api/inforeq/inbox': only('officer', 'unit_head', 'admin', 'regent_office'),
  'GET /api/inforeq/register': P, 'GET /api/inforeq/register/{no}': P, 'GET /api/inforeq/report': P,
  'GET /api/inforeq/dip': P,
  'POST /api/inforeq/dip': scoped(['officer', 'unit_head', 'admin'], ['officer', 'unit_head'],
    { body: { agency: HOME.desk, number: 'DIP-AUTHZ', summary: 'Uji', holding_unit: 'Sekretariat', responsible: 'PPID',
      made_when: '2026', made_where: 'Purbalingga', format: 'PDF', retention: '5 tahun', category: 'berkala' } }),
  'PUT /api/inforeq/dip/{id}/document': only('officer', 'unit_head', 'admin'), 'GET /api/inforeq/dip/{id}/document': P,
  'GET /api/inforeq/{no}': P, 'POST /api/inforeq/{no}/actions/{action}': P,
  'PUT /api/inforeq/{no}/documents': only('officer', 'unit_head', 'admin'), 'GET /api/inforeq/{no}/documents/{n}': P,
  'GET /api/inforeq/{no}/notice.pdf': P,
  'GET /api/inforeq/settings': only('officer', 'unit_head', 'admin', 'regent_office'), 'PATCH /api/inforeq/settings': A,
  'GET /api/inforeq/files/{token}': P, 'GET /api/inforeq/{no}/objection.pdf': P, 'POST /api/inforeq/{no}/links': P,
  'POST /api/inforeq/{no}/dispute': P, 'POST /api/inforeq/{no}/dispute/outcome': only('officer', 'unit_head', 'admin'),
  // Open311 GeoReport v2: public, writes behind an api_key (open311.test.mjs).
  'GET /open311/v2/discovery.{fmt}': P, 'GET /open311/v2/services.{fmt}': P, 'GET /open311/v2/services/{file}': P,
  'GET /open311/v2/requests.{fmt}': P, 'POST /open311/v2/requests.{fmt}': KEYED, 'GET /open311/v2/requests/{file}': P,
  'GET /open311/v2/tokens/{file}': P,
  // Satisfaction survey: answered by link or kiosk code, figures public; a
  // unit's staff read its comments, print its codes, write its plan.
  'GET /api/survey/links/{token}': P, 'POST /api/survey/links/{token}': P,
  'GET /api/survey/kiosk/{unit}': P, 'POST /api/survey/kiosk/{unit}': P,
  'GET /api/survey/ranking': P, 'GET /api/survey/units/{unit}': P,
  'GET /api/survey/units/{unit}/report.csv': P, 'GET /api/survey/units/{unit}/report.pdf': P,
  'GET /api/survey/units/{unit}/comments': scoped(['officer', 'unit_head', 'admin', 'regent_office'], ['officer', 'unit_head'], {}),
  'POST /api/survey/units/{unit}/codes': scoped(['officer', 'unit_head', 'admin'], ['officer', 'unit_head'], { body: { count: 1 } }),
  'PUT /api/survey/units/{unit}/followup': scoped(['officer', 'unit_head', 'admin'], ['officer', 'unit_head'],
    { body: { period: '2026-S2', plan: 'Rencana tindak lanjut' } }),
  'PUT /api/survey/units/{unit}/wording': scoped(['officer', 'unit_head', 'admin'], ['officer', 'unit_head'],
    { body: { element: 1, question: 'Pertanyaan unit' } }),
  // CKAN Action API: the dispatchers answer names no action has; each
  // action is a route of its own (below).
  'GET /api/3/action/{fn}': P, 'POST /api/3/action/{fn}': P, 'GET /api/action/{fn}': P, 'POST /api/action/{fn}': P,
  'GET /api/openapi.json': P,

  // Letters: anyone verifies; the issuing unit's staff revoke, certify and
  // fetch (the holder too, when the letter names one).
  // Desa Digital: a village's operators edit it, its head approves its
  // letters; the regency oversees.
  'GET /api/villages': P, 'GET /api/villages/overview': AR, 'GET /api/villages/letter-kinds': P,
  'GET /api/villages/{kode}': P, 'GET /api/villages/{kode}/posts': P, 'GET /api/villages/{kode}/posts/{id}': P,
  'GET /api/villages/{kode}/budget/{year}': P, 'GET /api/villages/{kode}/budget/{year}/csv': P,
  'PATCH /api/villages/{kode}/profile': villageScoped(['village_operator', 'admin'], ['village_operator'], { body: { head_name: 'Uji' } }),
  'POST /api/villages/{kode}/posts': villageScoped(['village_operator', 'admin'], ['village_operator'],
    { body: { kind: 'news', title: 'Uji', body: 'Isi' } }),
  'PATCH /api/villages/{kode}/posts/{id}': villageScoped(['village_operator', 'admin'], ['village_operator'], { body: { title: 'Uji' } }),
  'DELETE /api/villages/{kode}/posts/{id}': villageScoped(['village_operator', 'admin'], ['village_operator'], {}),
  'PUT /api/villages/{kode}/budget/{year}': villageScoped(['village_operator', 'admin'], ['village_operator'], { body: { lines: [] } }),
  'POST /api/villages/{kode}/budget/{year}/import': villageScoped(['village_operator', 'admin'], ['village_operator'], {}),
  'POST /api/villages/{kode}/budget/{year}/publish': villageScoped(['village_operator', 'admin'], ['village_operator'],
    { body: { published: true } }),
  'GET /api/villages/letter-templates': P, 'GET /api/villages/{kode}/letter-kinds': P,
  'POST /api/villages/{kode}/letter-kinds': villageScoped(['village_operator', 'admin'], ['village_operator'], { body: { template: 'umum', code: 'uji' } }),
  'PATCH /api/villages/{kode}/letter-kinds/{code}': villageScoped(['village_operator', 'admin'], ['village_operator'], { body: { title: 'Uji' } }),
  'DELETE /api/villages/{kode}/letter-kinds/{code}': villageScoped(['village_operator', 'admin'], ['village_operator'], {}),
  'GET /api/villages/{kode}/information': P,
  'POST /api/villages/{kode}/information': villageScoped(['village_operator', 'admin'], ['village_operator'],
    { body: { number: 'U1', title: 'Uji', summary: 'Uji', responsible: 'Uji', made_when: '2026', format: 'Cetak', retention: '5 tahun', category: 'berkala' } }),
  'PUT /api/villages/{kode}/information/{id}': villageScoped(['village_operator', 'admin'], ['village_operator'],
    { body: { number: 'U2', title: 'Uji', summary: 'Uji', responsible: 'Uji', made_when: '2026', format: 'Cetak', retention: '5 tahun', category: 'berkala' } }),
  'DELETE /api/villages/{kode}/information/{id}': villageScoped(['village_operator', 'admin'], ['village_operator'], {}),
  'GET /api/villages/{kode}/photos': P, 'GET /api/villages/{kode}/photos/{id}': P,
  'POST /api/villages/{kode}/photos': villageScoped(['village_operator', 'admin'], ['village_operator'], {}),
  'PATCH /api/villages/{kode}/photos/{id}': villageScoped(['village_operator', 'admin'], ['village_operator'], { body: { caption: 'Uji' } }),
  'DELETE /api/villages/{kode}/photos/{id}': villageScoped(['village_operator', 'admin'], ['village_operator'], {}),
  'POST /api/villages/{kode}/letters': only(...ANY),
  'GET /api/villages/{kode}/letters': villageScoped(['village_operator', 'village_head', 'admin', 'regent_office'],
    ['village_operator', 'village_head'], {}),
  'GET /api/village-letters/mine': only(...ANY), 'GET /api/village-letters/{id}': only(...ANY),
  'PATCH /api/village-letters/{id}': only(...ANY),
  'PUT /api/village-letters/{id}/attachments/{name}': only(...ANY), 'GET /api/village-letters/{id}/attachments/{name}': only(...ANY),
  'POST /api/village-letters/{id}/submit': only(...ANY), 'POST /api/village-letters/{id}/actions/{action}': only(...ANY),
  'GET /api/village-letters/{id}/letter.pdf': only(...ANY),

  'GET /api/letters/public-key': P, 'GET /api/letters/verify/{token}': P, 'POST /api/letters/verify': P,
  'POST /api/letters/{token}/revoke': scoped(['officer', 'unit_head', 'admin'], ['officer', 'unit_head'], { body: { reason: 'Uji' } }),
  'GET /api/letters/{token}/pdf': scoped(['officer', 'unit_head', 'admin'], ['officer', 'unit_head'], {}),
  'POST /api/letters/{token}/bsre': scoped(['officer', 'unit_head', 'admin'], ['officer', 'unit_head'],
    { body: { nik: '3303010101800001', passphrase: 'rahasia' } }),
};

// CKAN's actions under both prefixes.  Reads answer GET and POST to anyone;
// CKAN has no 401, so writes refuse an anonymous caller with 403 like a
// key-guarded route; the write actions CKAN has and Pendopo does not offer
// are refused to everyone.
const CKAN_READS = ['status_show', 'package_list', 'package_show', 'package_search', 'organization_list',
  'organization_show', 'group_list', 'group_show', 'tag_list', 'resource_show', 'datastore_search',
  'current_package_list_with_resources', 'help_show'];
const CKAN_WRITES = ['package_create', 'package_update', 'package_patch', 'resource_create'];
const CKAN_NOT_OFFERED = ['package_delete', 'dataset_purge', 'package_owner_org_update', 'package_collaborator_create',
  'package_collaborator_delete', 'resource_update', 'resource_patch', 'resource_delete', 'resource_view_create',
  'organization_create', 'organization_update', 'organization_patch', 'organization_delete', 'organization_purge',
  'organization_member_create', 'organization_member_delete', 'group_create', 'group_update', 'group_patch',
  'group_delete', 'group_purge', 'group_member_create', 'group_member_delete', 'member_create', 'member_delete',
  'user_create', 'user_update', 'user_delete', 'user_invite', 'api_token_create', 'api_token_revoke',
  'vocabulary_create', 'tag_create', 'datastore_create', 'datastore_upsert', 'datastore_delete',
  'bulk_update_private', 'bulk_update_public', 'bulk_update_delete', 'config_option_update'];
for (const prefix of ['/api/3/action/', '/api/action/']) {
  for (const fn of CKAN_READS) EXPECT[`GET ${prefix}${fn}`] = EXPECT[`POST ${prefix}${fn}`] = P;
  for (const fn of CKAN_WRITES) EXPECT[`POST ${prefix}${fn}`] = { roles: ['officer', 'unit_head', 'walidata', 'admin'], keyed: true };
  for (const fn of CKAN_NOT_OFFERED) EXPECT[`POST ${prefix}${fn}`] = { roles: [], keyed: true };
}

const routes = execFileSync(BIN, ['routes'], { encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l));
const key = (r) => `${r.method} ${r.path}`;

describe('authorization matrix', () => {
  let srv, admin, mixed;
  const home = {}, away = {}, awayVillage = {};
  const fx = {};

  // A staff user holding role in each of the units given.
  async function staff(role, units) {
    const em = email(role);
    const r = await admin.post('/api/users', { name: `Uji ${role}`, email: em, password: PASSWORD,
      roles: units.map((unit) => ({ role, unit })) });
    assert.equal(r.status, 201, r.text);
    return login(srv.url, em);
  }

  const keys = mkdtempSync(join(tmpdir(), 'pendopo-authz-keys-'));
  const letterKey = join(keys, 'letters.key');

  before(async () => {
    execFileSync(BIN, ['letters', 'keygen', '--letters-key', letterKey]);
    srv = await startServer({ demo: true, env: { PENDOPO_LETTERS_KEY: letterKey, PENDOPO_AUTH_PER_MINUTE: '100' } });
    admin = await login(srv.url, 'admin@demo.pendopo.id', DEMO_PASSWORD);
    for (const role of ['officer', 'unit_head']) {
      home[role] = await staff(role, Object.values(HOME));
      away[role] = await staff(role, Object.values(AWAY));
    }
    for (const role of ['walidata', 'admin', 'regent_office']) home[role] = await staff(role, [null]);
    const vo = email('vo');
    assert.equal((await admin.post('/api/users', { name: 'Operator Desa', email: vo, password: PASSWORD,
      roles: [{ role: 'village_operator', village: VILLAGE }] })).status, 201);
    home.village_operator = await login(srv.url, vo);
    // Each village role at home, and again in another village.
    const villager = async (role, village) => {
      const em = email(role);
      assert.equal((await admin.post('/api/users', { name: `Uji ${role}`, email: em, password: PASSWORD,
        roles: [{ role, village }] })).status, 201);
      return login(srv.url, em);
    };
    home.village_head = await villager('village_head', VILLAGE);
    for (const role of ['village_operator', 'village_head']) awayVillage[role] = await villager(role, AWAY_VILLAGE);
    home.citizen = await register(srv.url);
    const mx = email('mixed');
    assert.equal((await admin.post('/api/users', { name: 'Petugas di sini, kepala di sana', email: mx, password: PASSWORD,
      roles: [...Object.values(HOME).map((unit) => ({ role: 'officer', unit })),
        ...Object.values(AWAY).map((unit) => ({ role: 'unit_head', unit }))] })).status, 201);
    mixed = await login(srv.url, mx);

    // Objects of the home units, named by the path parameters.
    const filed = await home.citizen.post('/api/complaints', complaint());
    assert.equal(filed.status, 201, filed.text);
    const counters = await admin.get(`/api/queue/facilities/${HOME.fc}/counters`);
    const mine = await home.officer.get('/api/data/mine');
    const table = mine.json.items.find((t) => t.org === HOME.data || t.org?.code === HOME.data) || mine.json.items[0];
    const tpl = await admin.post('/api/complaints/templates', { title: 'Uji', body: 'Isi', unit: HOME.desk });
    assert.equal(tpl.status, 201, tpl.text);
    // A letter of a home unit, issued as an administrator issues one by hand.
    const fixture = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'letter.json'), 'utf8'));
    writeFileSync(join(keys, 'letter.json'), JSON.stringify({ ...fixture, unit: HOME.desk }));
    const letter = JSON.parse(execFileSync(BIN, ['letters', 'issue', join(keys, 'letter.json'), '--db', srv.db,
      '--data-dir', join(srv.dir, 'data'), '--letters-key', letterKey], { encoding: 'utf8' }));
    Object.assign(fx, {
      fc: HOME.fc, svc: 'UMU', no: filed.json.complaint.tracking, action: 'verify', n: '1',
      name: table?.dataset, resource: table?.id, counter: counters.json.items[0]?.id, template: tpl.json.template.id,
      fmt: 'json', file: 'x.json', fn: 'package_list', kode: VILLAGE, code: 'X99', date: '2026-12-31', unit: HOME.desk,
      token: letter.token, year: '2026',
    });
    assert.ok(fx.name && fx.resource && fx.counter, `fixtures: ${JSON.stringify(fx)}`);
  });
  after(async () => { await srv?.stop(); rmSync(keys, { recursive: true, force: true }); });

  function concrete(route) {
    const byRoute = { '/api/data/resources/{id}': 'resource', '/api/queue/counters/{id}': 'counter',
      '/api/complaints/templates/{id}': 'template' };
    return route.path.replace(/\{([^}]+)\}/g, (_, p) => {
      if (p === 'id') {
        const base = Object.keys(byRoute).find((b) => route.path.startsWith(b));
        return String(base ? fx[byRoute[base]] : 999999);
      }
      return encodeURIComponent(String(fx[p] ?? 'X99'));
    });
  }

  function call(client, route, body) {
    const write = route.method !== 'GET' && route.method !== 'HEAD';
    const headers = route.raw_body ? { 'content-type': 'application/octet-stream' } : {};
    return client.req(route.method, concrete(route), write ? (body ?? (route.raw_body ? 'x' : {})) : undefined, headers);
  }

  it('every route has an expectation here, and every expectation a route', () => {
    const known = new Set(routes.map(key));
    assert.deepEqual(routes.map(key).filter((k) => !(k in EXPECT)), [], 'routes without an expectation');
    assert.deepEqual(Object.keys(EXPECT).filter((k) => !known.has(k)), [], 'expectations of routes that are gone');
  });

  // First, while every fixture is there: the role test deletes some.
  it('a scoped role granted in another unit is refused', async () => {
    const wrong = [];
    for (const route of routes) {
      const e = EXPECT[key(route)];
      for (const role of e?.village || []) {
        const res = await call(awayVillage[role], route, e.away.body);
        if (res.status !== 403) wrong.push(`${key(route)} ${role} of another village: ${res.status} ${res.text.slice(0, 120)}`);
      }
      if (!e?.unit) continue;
      for (const role of e.unit) {
        const res = await call(away[role], route, e.away.body);
        if (res.status !== 403) wrong.push(`${key(route)} ${role} of another unit: ${res.status} ${res.text.slice(0, 120)}`);
      }
      // a grant counts for its own unit only: an officer here who heads
      // other units is no head here
      if (e.unit.includes('unit_head') && !e.unit.includes('officer')) {
        const res = await call(mixed, route, e.away.body);
        if (res.status !== 403) wrong.push(`${key(route)} officer here, head elsewhere: ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('each role is let in where expected and refused elsewhere', async () => {
    const wrong = [];
    for (const route of routes) {
      const e = EXPECT[key(route)];
      if (!e) continue;
      const anon = await call(new Client(srv.url), route);
      if (e.keyed ? anon.status !== 403 : e.public ? anon.status === 401 || anon.status === 403 : anon.status !== 401)
        wrong.push(`${key(route)} anonymous: ${anon.status}`);
      if (e.public) continue;
      for (const role of ROLES) {
        // logging out ends the session: do it on a session of its own
        const who = key(route) === 'POST /api/auth/logout' ? await login(srv.url, home[role].email) : home[role];
        const res = await call(who, route, e.away?.body);
        const allowed = e.roles.includes(role);
        if (allowed ? res.status === 401 || res.status === 403 : res.status !== 403)
          wrong.push(`${key(route)} ${role}: ${res.status} ${allowed ? '(allowed)' : '(not allowed)'} ${res.text.slice(0, 120)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('an event stream of a unit is for that unit', async () => {
    const ask = (c, unit) => c.get(`/api/events?topics=unit/${unit}`, { accept: 'text/event-stream' });
    const out = await ask(away.officer, HOME.desk);
    assert.equal(out.status, 403, out.text);
  });
});
