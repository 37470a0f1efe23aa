// ppid.js — what the PPID pages share: state labels, the list of public
// bodies, a request's deadlines and timeline, the document upload.

import { h } from './dom.js';
import { t, getLang } from './i18n.js';
import { ApiError, csrf, loadMe, get } from './api.js';
import { formatDate, formatDateTime } from './format.js';

export function stateBadge(state, overdue = false) {
  const label = t(`ppid.state.${state}`);
  return h('span', { class: ['badge', `badge-state-${state}`, overdue && 'badge-overdue'] },
    overdue ? `${label} · ${t('ppid.overdue')}` : label);
}

// Public bodies a request may go to: the regency's units but its health
// facilities and districts.
export async function agencies() {
  const d = await get('/api/orgs');
  return d.items.filter((u) => u.kind !== 'health_facility' && u.kind !== 'district');
}

// Every clock of a request, the same for the requester and the PPID.
export function clocks(d) {
  const rows = ['answer_due', 'objection_by', 'objection_answer_due', 'commission_by']
    .filter((k) => d[k])
    .map((k) => [h('dt', {}, t(`ppid.clock.${k}`)), h('dd', { dataset: { clock: k } }, formatDate(d[k]))]);
  return h('dl', { class: 'details', id: 'clocks' }, ...rows.flat());
}

// The service's own events (dispute.c), named rather than shown as codes.
const EVENTS = new Set(['commission_filed', 'commission_outcome']);

export function timeline(events) {
  return h('ol', { class: 'timeline' }, events.map((e) => h('li', { class: 'timeline-item' },
    h('p', { class: 'timeline-meta' }, formatDateTime(e.at), ' · ',
      e.to && e.to !== e.from ? t(`ppid.state.${e.to}`) : EVENTS.has(e.kind) ? t(`ppid.event.${e.kind}`) : e.kind,
      e.actor_name ? ` · ${e.actor_name}` : ''),
    e.text ? h('p', { class: 'timeline-text' }, e.text) : null)));
}

// PUT the file as it is; the server recognises a PDF or an image by its bytes.
export async function uploadDocument(no, file) {
  if (!csrf()) await loadMe().catch(() => null);
  const res = await fetch(`/api/inforeq/${encodeURIComponent(no)}/documents`, {
    method: 'PUT', credentials: 'same-origin', body: file,
    headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-CSRF-Token': csrf() || '', 'Accept-Language': getLang() },
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError({ status: res.status, code: e.code || 'internal', message: e.message || res.statusText, field: e.field ?? null });
  }
  return data.documents;
}
