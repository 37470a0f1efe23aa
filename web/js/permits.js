// permits.js — what the Si-Intan pages share: state labels, the document
// upload (the file itself as the body), the timeline of an application.

import { h } from './dom.js';
import { t, getLang } from './i18n.js';
import { ApiError, csrf, loadMe } from './api.js';
import { formatDate, formatDateTime } from './format.js';

export const DOCS = ['proposal', 'intro_letter', 'id_card', 'statement'];

export function stateBadge(state, overdue = false) {
  const label = t(`permits.state.${state}`);
  return h('span', { class: ['badge', `badge-state-${state}`, overdue && 'badge-overdue'] },
    overdue ? `${label} · ${t('permits.overdue')}` : label);
}

export function dueLine(p) {
  return p.due ? `${t('permits.due')}: ${formatDate(p.due)}` : '';
}

// PUT the file as it is; the server recognises a PDF by its bytes.
export async function uploadDocument(id, kind, file) {
  if (!csrf()) await loadMe().catch(() => null);
  const res = await fetch(`/api/permits/${encodeURIComponent(id)}/documents/${kind}`, {
    method: 'PUT', credentials: 'same-origin', body: file,
    headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-CSRF-Token': csrf() || '', 'Accept-Language': getLang() },
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError({ status: res.status, code: e.code || 'internal', message: e.message || res.statusText, field: e.field ?? null });
  }
  return data.document;
}

export function timeline(events) {
  return h('ol', { class: 'timeline' }, events.map((e) => h('li', { class: 'timeline-item' },
    h('p', { class: 'timeline-meta' }, formatDateTime(e.at), ' · ', e.to ? t(`permits.state.${e.to}`) : e.kind,
      e.actor_name ? ` · ${e.actor_name}` : ''),
    e.text ? h('p', { class: 'timeline-text' }, e.text) : null)));
}

export function periodText(p) {
  return p.period && p.period.from ? `${formatDate(p.period.from)} – ${formatDate(p.period.until)}` : '—';
}
