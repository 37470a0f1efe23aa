// satudata.js — what the Satu Data pages share: the CKAN API client,
// labels for version and conflict states, the staff sub-navigation.
import { h, icon } from './dom.js';
import { t } from './i18n.js';
import { withQuery } from './api.js';
import { formatNumber } from './format.js';

// GET a CKAN action; resolves the result or throws an Error with CKAN's message.
export async function ckan(action, params = {}) {
  const q = {};
  for (const [k, v] of Object.entries(params)) q[k] = typeof v === 'object' && v !== null ? JSON.stringify(v) : v;
  const res = await fetch(withQuery(`/api/3/action/${action}`, q), { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  const body = await res.json().catch(() => null);
  if (!body || !body.success) {
    const e = new Error((body && body.error && body.error.message) || res.statusText);
    e.status = res.status;
    throw e;
  }
  return body.result;
}

export function statusLabel(s) { return t(`data.status.${s}`); }

export function statusBadge(s) {
  const cls = { published: 'badge-ok', submitted: 'badge-soon', verified: 'badge-kind', returned: 'badge-danger', superseded: 'badge-muted',
    open: 'badge-danger', resolved: 'badge-ok' }[s] || 'badge-muted';
  return h('span', { class: ['badge', cls] }, statusLabel(s));
}

export function num(v, unit) {
  if (v === null || v === undefined) return t('common.none');
  return unit ? `${formatNumber(v)} ${unit}` : formatNumber(v);
}

// The staff pages' sub-navigation; current is the page's key.
export function staffNav(current) {
  const item = (key, href, ic) => h('li', {}, h('a', { href, 'aria-current': key === current ? 'page' : null }, icon(ic), h('span', {}, t(`data.nav.${key}`))));
  return h('nav', { class: 'subnav', 'aria-label': t('data.nav.label') },
    h('ul', {}, item('portal', '/data/', 'search'), item('manage', '/data/kelola.html', 'edit'), item('upload', '/data/upload.html', 'plus'),
      item('review', '/data/review.html', 'check'), item('conflicts', '/data/conflicts.html', 'alert')));
}

export function isStaff(user) {
  return !!(user && (user.roles || []).some((r) => r.role !== 'citizen'));
}
