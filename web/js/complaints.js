// complaints.js — what the Matur Bupati pages share: labels, the request
// that carries a secret follow-up key, photos, the timeline and the clock
// history of a complaint.

import { h } from './dom.js';
import { t, getLang } from './i18n.js';
import { ApiError, csrf, loadMe, get } from './api.js';
import { formatDate, formatDateTime } from './format.js';

export const STATES = ['submitted', 'in_progress', 'answered', 'closed', 'rejected'];

export const stateLabel = (s) => t(`cstate.${s}`);
export const kindLabel = (k) => t(`ckind.${k}`);
export const catName = (c) => (c ? (getLang() === 'en' && c.name_en) || c.name : '');

export function stateBadge(state, overdue = false) {
  return h('span', { class: ['badge', `badge-state-${state}`, overdue && 'badge-overdue'] },
    overdue ? `${stateLabel(state)} · ${t('complaints.overdue')}` : stateLabel(state));
}

let catPromise = null;
export function loadCategories() {
  if (!catPromise) catPromise = get('/api/complaints/categories').then((d) => d.items);
  return catPromise;
}

// The request that may carry a secret follow-up key lives in api.js (PPID uses it too).
export { caseRequest } from './api.js';

// Upload one photo (raw body); resolves {id, mime, size}.
export async function uploadPhoto(file) {
  if (!csrf()) await loadMe().catch(() => null);
  const headers = { 'Content-Type': file.type || 'application/octet-stream', Accept: 'application/json', 'Accept-Language': getLang() };
  if (csrf()) headers['X-CSRF-Token'] = csrf();
  const res = await fetch('/api/complaints/photos', { method: 'POST', headers, body: file, credentials: 'same-origin' });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError({ status: res.status, code: e.code || 'internal', message: e.message || res.statusText, field: 'photos' });
  }
  return data.photo;
}

// Photos as <img> from blob URLs, so a key-protected photo shows too.
export function photoGallery(photos, key) {
  const list = h('ul', { class: 'photos' });
  photos.forEach((p, i) => {
    const img = h('img', { alt: t('complaints.photo_n', { n: i + 1 }), loading: 'lazy', width: '160', height: '120' });
    list.append(h('li', {}, img));
    fetch(p.url, { headers: key ? { 'X-Case-Key': key } : {}, credentials: 'same-origin' })
      .then((r) => (r.ok ? r.blob() : null))
      .then((b) => { if (b) img.src = URL.createObjectURL(b); });
  });
  return list;
}

function eventText(e) {
  const d = e.data || {};
  const unit = (u) => (u ? u.name : '');
  switch (e.kind) {
    case 'submitted': return t('timeline.submitted');
    case 'disposition': return t('timeline.disposition', { unit: unit(d.to_unit) });
    case 'forward': return t('timeline.forward', { from: unit(d.from_unit), to: unit(d.to_unit) });
    case 'answer': return t('timeline.answer');
    case 'reopen': return t('timeline.reopen');
    case 'close': return t('timeline.close');
    case 'auto_close': return t('timeline.auto_close');
    case 'reject': return t('timeline.reject', { reason: t(`reason.${d.reason}`) });
    case 'rated': return t('timeline.rated', { score: d.score });
    case 'assigned': return d.name ? t('timeline.assigned', { name: d.name }) : t('timeline.unassigned');
    case 'escalated': return t('timeline.escalated', { due: formatDate(d.due) });
    case 'corrected': return t('timeline.corrected');
    default: return e.visibility === 'staff' ? t('timeline.note') : t('timeline.message');
  }
}

function actorText(e) {
  if (e.actor === 'system') return t('timeline.system');
  if (e.actor === 'reporter') return t('timeline.reporter');
  const who = e.unit ? e.unit.name : t('timeline.staff');
  return e.actor_name ? `${e.actor_name} · ${who}` : who;
}

export function timeline(events) {
  return h('ol', { class: 'timeline' }, events.map((e) => h('li', {
    class: ['timeline-item', `timeline-${e.visibility}`], dataset: { kind: e.kind },
  },
  h('p', { class: 'timeline-head' },
    h('strong', {}, eventText(e)),
    e.visibility === 'staff' ? h('span', { class: 'badge badge-internal' }, t('timeline.internal')) : null),
  h('p', { class: 'timeline-meta' }, h('time', { datetime: e.at }, formatDateTime(e.at)), ` · ${actorText(e)}`),
  e.text ? h('p', { class: 'timeline-text' }, e.text) : null,
  e.data && e.data.duplicate_of ? h('p', {}, t('timeline.duplicate_of'), ' ',
    h('a', { href: `/complaints/case.html?no=${encodeURIComponent(e.data.duplicate_of)}` }, e.data.duplicate_of)) : null)));
}

export function clockTable(clocks) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table table-stack clocks' },
    h('caption', { class: 'visually-hidden' }, t('complaints.clocks')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('clock.stage')), h('th', { scope: 'col' }, t('clock.unit')),
      h('th', { scope: 'col' }, t('clock.start')), h('th', { scope: 'col' }, t('clock.due')),
      h('th', { scope: 'col' }, t('clock.end')))),
    h('tbody', {}, clocks.map((c) => h('tr', { class: c.late ? 'is-late' : null },
      h('td', { 'data-label': t('clock.stage') }, stateLabel(c.state)),
      h('td', { 'data-label': t('clock.unit') }, c.unit ? c.unit.name : '—'),
      h('td', { 'data-label': t('clock.start') }, formatDate(c.start_day)),
      h('td', { 'data-label': t('clock.due') }, `${formatDate(c.due)} (${t('clock.days', { n: c.days })})`,
        c.late ? h('span', { class: 'badge badge-overdue' }, t('complaints.overdue')) : null),
      h('td', { 'data-label': t('clock.end') }, c.stopped ? `${formatDateTime(c.stopped)} · ${t(`outcome.${c.outcome}`)}` : t('clock.running')))))));
}

// Live changes: onChange({ref, state, action}) for every complaint event on
// the topics (unit/CODE/complaints, user/ID), as the server commits them.
// The browser's EventSource reconnects by itself after a network drop.
export function followComplaints(topics, onChange) {
  if (!topics.length || typeof EventSource === 'undefined') return null;
  const src = new EventSource(`/api/events?topics=${encodeURIComponent(topics.join(','))}`);
  for (const topic of topics) {
    src.addEventListener(topic, (e) => {
      let ev = null;
      try { ev = JSON.parse(e.data); } catch { return; }
      if (ev && ev.ref) onChange(ev);
    });
  }
  return src;
}

// Is someone writing in a form under root? A refresh would throw it away.
export function typingIn(root) {
  const active = document.activeElement;
  if (active && root.contains(active) && active.closest('form') && active.matches('textarea, input, select')) return true;
  return Array.from(root.querySelectorAll('form textarea, form input[type=text]')).some((el) => el.value.trim() !== '');
}
