// satudata.js — what the Satu Data pages share: the CKAN API client,
// labels for version and conflict states, the staff sub-navigation.
import { h, icon } from './dom.js';
import { t } from './i18n.js';
import { withQuery, ApiError } from './api.js';
import { formatNumber } from './format.js';

// CKAN's error types as our error codes, so that pages word them.
const CKAN_CODES = { 'Not Found Error': 'not_found', 'Authorization Error': 'forbidden',
  'Validation Error': 'invalid', 'Search Query Error': 'invalid' };

// GET a CKAN action; resolves the result or throws an ApiError whose code
// stands for CKAN's error type.
export async function ckan(action, params = {}) {
  const q = {};
  for (const [k, v] of Object.entries(params)) q[k] = typeof v === 'object' && v !== null ? JSON.stringify(v) : v;
  let res;
  try {
    res = await fetch(withQuery(`/api/3/action/${action}`, q), { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError({ status: 0, code: 'network', message: e.message });
  }
  const body = await res.json().catch(() => null);
  if (!body || !body.success) {
    const e = (body && body.error) || {};
    throw new ApiError({ status: res.status, code: CKAN_CODES[e.__type] || (res.status >= 500 ? 'internal' : 'invalid'),
      message: e.message || res.statusText });
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
