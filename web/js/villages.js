// villages.js — what the Desa Digital pages share: state labels, uploads
// (the file itself as the body), the timeline, rupiah, and the news HTML.

import { h, safeUrl } from './dom.js';
import { t, getLang } from './i18n.js';
import { ApiError, csrf, loadMe } from './api.js';
import { formatDateTime, formatNumber } from './format.js';

export function stateBadge(state, overdue = false) {
  const label = t(`desa.state.${state}`);
  return h('span', { class: ['badge', `badge-state-${state}`, overdue && 'badge-overdue'] }, label);
}

export const rupiah = (n) => `Rp${formatNumber(n)}`;

// The village a staff member works for: {kode, nama} of their first village grant.
export function staffVillage(user) {
  const g = user && Array.isArray(user.roles) && user.roles.find((r) => r.village && (r.role === 'village_operator' || r.role === 'village_head'));
  return g ? g.village : null;
}

// PUT or POST a file as it is: the server recognises PDF, JPEG, PNG and CSV by their bytes.
export async function sendFile(method, path, file, type) {
  if (!csrf()) await loadMe().catch(() => null);
  const res = await fetch(path, {
    method, credentials: 'same-origin', body: file,
    headers: { 'Content-Type': type || file.type || 'application/octet-stream', 'X-CSRF-Token': csrf() || '', 'Accept-Language': getLang() },
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data && data.error) || {};
    const err = new ApiError({ status: res.status, code: e.code || 'internal', message: e.message || res.statusText, field: e.field ?? null });
    err.rows = data && data.errors;
    throw err;
  }
  return data;
}

export function timeline(events) {
  return h('ol', { class: 'timeline' }, events.map((e) => h('li', { class: 'timeline-item' },
    h('p', { class: 'timeline-meta' }, formatDateTime(e.at), ' · ', e.to ? t(`desa.state.${e.to}`) : e.kind,
      e.actor_name ? ` · ${e.actor_name}` : ''),
    e.text ? h('p', { class: 'timeline-text' }, e.text) : null)));
}

// News arrives as HTML the server rendered from Markdown with cmark in its
// safe mode (no raw HTML, no scripted links).  It is parsed inertly and
// copied element by element through a short allow-list, so even a faulty
// server could not put a script, an event attribute or a javascript: link
// on the page.
const ALLOWED = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'UL', 'OL', 'LI', 'STRONG', 'EM', 'A', 'CODE', 'PRE',
  'BLOCKQUOTE', 'HR', 'BR', 'IMG']);
function copySafe(node) {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.textContent);
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const kids = [...node.childNodes].map(copySafe).filter(Boolean);
  if (!ALLOWED.has(node.tagName)) return kids.length ? h('span', {}, kids) : null;
  const props = {};
  if (node.tagName === 'A' && node.getAttribute('href')) { props.href = safeUrl(node.getAttribute('href')); props.rel = 'noopener nofollow'; }
  if (node.tagName === 'IMG') {
    if (!/^(https?:\/\/|\/(?!\/))/i.test(node.getAttribute('src') || '')) return null;
    props.src = node.getAttribute('src');
    props.alt = node.getAttribute('alt') || '';
    props.loading = 'lazy';
  }
  return h(node.tagName.toLowerCase(), props, kids);
}
export function articleBody(html) {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  return h('div', { class: 'prose' }, [...doc.body.childNodes].map(copySafe).filter(Boolean));
}
