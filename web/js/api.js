// api.js — the JSON API client.
//
// JSON in and out, cookies same-origin. The CSRF token that login, register
// and GET /api/me return is remembered and sent as X-CSRF-Token on every
// write. An error envelope {"error":{"code","message","field"}} becomes a
// thrown ApiError. Accept-Language carries the page's language so the
// server may word its messages to match.

import { getLang } from './i18n.js';

export class ApiError extends Error {
  constructor({ status = 0, code = 'internal', message = '', field = null, retryAfter = null } = {}) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;   // seconds, from Retry-After, or null
  }
}

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Writes that do not need (and cannot yet have) a token.
const NO_CSRF = new Set(['/api/auth/login', '/api/auth/register', '/api/auth/phone/code', '/api/auth/phone/verify']);

let csrfToken = null;
let mePromise = null;

export function csrf() { return csrfToken; }

function remember(data) {
  if (data && typeof data === 'object' && typeof data.csrf_token === 'string') csrfToken = data.csrf_token;
}

function codeForStatus(status) {
  return ({ 400: 'invalid', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
    409: 'conflict', 413: 'too_large', 429: 'rate_limited', 503: 'busy' })[status] || 'internal';
}

function retryAfterSeconds(res) {
  const v = res.headers.get('Retry-After');
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const when = Date.parse(v);
  return Number.isNaN(when) ? null : Math.max(0, Math.round((when - Date.now()) / 1000));
}

// path may carry a query; query is an object whose empty members are left out.
export function withQuery(path, query) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

async function send(method, path, body) {
  const headers = { Accept: 'application/json', 'Accept-Language': getLang() };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (WRITE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError({ status: 0, code: 'network', message: e && e.message ? e.message : 'network error' });
  }
  const text = await res.text();
  let data = null;
  if (text) { try { data = JSON.parse(text); } catch { data = null; } }
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError({
      status: res.status,
      code: e.code || codeForStatus(res.status),
      message: e.message || res.statusText,
      field: e.field ?? null,
      retryAfter: retryAfterSeconds(res),
    });
  }
  remember(data);
  return data;
}

export async function request(method, path, body) {
  method = method.toUpperCase();
  const write = WRITE.has(method) && !NO_CSRF.has(path.split('?')[0]);
  if (write && !csrfToken) await loadMe();          // a fresh page: fetch the token first
  try {
    return await send(method, path, body);
  } catch (e) {
    // The token may be stale (a login in another tab); fetch it again once.
    if (write && e instanceof ApiError && e.code === 'csrf') {
      csrfToken = null;
      await loadMe(true);
      if (csrfToken) return send(method, path, body);
    }
    throw e;
  }
}

export const get = (path, query) => request('GET', withQuery(path, query));
export const post = (path, body) => request('POST', path, body);   // no body when undefined
export const patch = (path, body) => request('PATCH', path, body);
export const del = (path) => request('DELETE', path);

// The logged-in user, or null. Memoised per page; fresh=true asks again.
export function loadMe(fresh = false) {
  if (!mePromise || fresh) {
    // The user, with the staff tools the server says they may use.
    mePromise = send('GET', '/api/me').then((d) => (d && d.user ? { ...d.user, tools: d.tools || [] } : null), (e) => {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return null;
      mePromise = null;
      throw e;
    });
  }
  return mePromise;
}

function setMe(user) { mePromise = Promise.resolve(user); return user; }

// Logged in, the user as GET /api/me gives them (with their tools).
export async function login(identifier, password) {
  await post('/api/auth/login', { email: identifier, password });
  return loadMe(true);
}

// A one-time code by WhatsApp or SMS: {phone (E.164), channel, expires_in}.
export function phoneCode(phone, channel) {
  return post('/api/auth/phone/code', { phone, channel });
}

// Logged in (or registered, with name) by the code: the user with tools.
export async function phoneVerify(phone, code, name) {
  await post('/api/auth/phone/verify', name ? { phone, code, name } : { phone, code });
  return loadMe(true);
}

export async function register(fields) {
  const d = await post('/api/auth/register', fields);
  return setMe(d.user);
}

export async function logout() {
  await post('/api/auth/logout');
  csrfToken = null;
  setMe(null);
}

let sitePromise = null;
export function loadSite() {
  if (!sitePromise) sitePromise = get('/api/site').catch(() => null);
  return sitePromise;
}

export function hasRole(user, role) {
  return !!(user && Array.isArray(user.roles) && user.roles.some((r) => r.role === role));
}

// encodeURIComponent for path parts
export const seg = (s) => encodeURIComponent(String(s));

// A request that may carry the secret follow-up key (X-Case-Key) instead
// of, or besides, the session.
export async function caseRequest(method, path, body, key) {
  const headers = { Accept: 'application/json', 'Accept-Language': getLang() };
  if (key) headers['X-Case-Key'] = key;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') {
    if (!csrf()) await loadMe().catch(() => null);
    if (csrf()) headers['X-CSRF-Token'] = csrf();
  }
  let res;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError({ status: 0, code: 'network', message: e.message });
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError({ status: res.status, code: e.code || 'internal', message: e.message || res.statusText, field: e.field ?? null });
  }
  return data;
}
