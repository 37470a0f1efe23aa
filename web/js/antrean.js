// antrean.js — what the Simantri pages share: facilities, live events of a
// facility's lines, times in WIB, the tickets this browser booked, and the
// facility a staff page works on.

import { h, icon, $ } from './dom.js';
import { get, seg, hasRole } from './api.js';
import { t } from './i18n.js';
import { TZ } from './format.js';

let facilitiesPromise = null;
export function loadFacilities() {
  if (!facilitiesPromise) {
    facilitiesPromise = get('/api/queue/facilities').then((d) => (d && d.items) || []);
    facilitiesPromise.catch(() => { facilitiesPromise = null; });
  }
  return facilitiesPromise;
}

export async function loadFacility(code) {
  const d = await get(`/api/queue/facilities/${seg(code)}`);
  return d.facility;
}

// "09:40" in WIB for an ISO timestamp.
export function timeWIB(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
}

// Follow a facility's lines: fn(event payload) for every change of the
// services given.  The browser's EventSource reconnects by itself; after a
// reconnect the page re-reads its state (fn(null)), since events missed
// meanwhile are not replayed.  Returns a function that stops following.
export function follow(facility, services, fn) {
  // One subscription to the facility's prefix; the stream names each
  // event by its full topic, so there is one listener per service.
  const topics = services.map((s) => `public/queue/${facility}/${s}`);
  const url = `/api/events?topics=${encodeURIComponent(`public/queue/${facility}/`)}`;
  const es = new EventSource(url);
  let opened = false;
  es.addEventListener('open', () => { if (opened) fn(null); opened = true; });
  for (const topic of topics) {
    es.addEventListener(topic, (e) => {
      let data = null;
      try { data = JSON.parse(e.data); } catch { return; }
      fn(data);
    });
  }
  return () => es.close();
}

// Run fn at most once per wait ms, and once more after the last call.
export function throttle(fn, wait = 300) {
  let timer = null;
  let again = false;
  return () => {
    if (timer) { again = true; return; }
    fn();
    timer = setTimeout(function tick() {
      if (again) { again = false; fn(); timer = setTimeout(tick, wait); } else timer = null;
    }, wait);
  };
}

// Booking codes this browser made, newest first, so a patient finds the
// ticket again without an account.
const TICKETS_KEY = 'pendopo.antrean.tickets';
export function savedTickets() {
  try {
    const v = JSON.parse(localStorage.getItem(TICKETS_KEY) || '[]');
    return Array.isArray(v) ? v.filter((x) => x && typeof x.code === 'string') : [];
  } catch {
    return [];
  }
}
export function saveTicket(b) {
  const list = savedTickets().filter((x) => x.code !== b.code);
  list.unshift({ code: b.code, label: b.label, date: b.date, facility: b.facility.name, service: b.service.name });
  try { localStorage.setItem(TICKETS_KEY, JSON.stringify(list.slice(0, 10))); } catch { /* private mode */ }
}

// A booking code from what was typed or scanned: the code itself, or the
// ticket page address the QR holds.
export function codeFrom(text) {
  const s = String(text || '').trim();
  const m = /[?&]kode=([A-Za-z0-9]+)/.exec(s);
  return (m ? m[1] : s).toUpperCase();
}

// The facility a staff page works on: ?fc= when the caller works there,
// else the first facility of their roles.  null when they work at none.
export async function staffFacility(user) {
  const list = await loadFacilities();
  const codes = new Set(list.map((f) => f.code));
  const mine = (user.roles || []).filter((r) => r.unit && codes.has(r.unit.code)).map((r) => r.unit.code);
  const all = hasRole(user, 'admin') || hasRole(user, 'regent_office');
  const asked = new URLSearchParams(location.search).get('fc');
  if (asked && codes.has(asked) && (all || mine.includes(asked))) return asked;
  if (mine.length) return mine[0];
  return all && list.length ? list[0].code : null;
}

// Whether user may change fc's set-up: its unit head, or an admin (the
// API decides; this only hides a link that would end in a refusal).
export function canManage(user, fc) {
  return hasRole(user, 'admin') || (user.roles || []).some((r) => r.role === 'unit_head' && r.unit && r.unit.code === fc);
}

// The staff pages' sub-navigation for a facility; with user, the set-up
// page too when they may change it.
export function staffNav(fc, current, user = null) {
  const items = [
    ['kiosk', '/antrean/kiosk.html', 'ticket'],
    ['loket', '/antrean/loket.html', 'users'],
    ['layar', '/antrean/layar.html', 'info'],
    ['statistik', '/antrean/statistik.html', 'chart'],
  ];
  if (user && canManage(user, fc)) items.push(['atur', '/antrean/atur.html', 'edit']);
  return h('nav', { class: 'subnav', 'aria-label': t('antrean.staff_nav') },
    h('ul', {}, items.map(([key, href, ic]) => h('li', {},
      h('a', { href: `${href}?fc=${encodeURIComponent(fc)}`, 'aria-current': key === current ? 'page' : null },
        icon(ic), h('span', {}, t(`antrean.nav.${key}`)))))));
}

export function noFacility(main) {
  main.replaceChildren(h('h1', {}, t('antrean.staff_title')),
    h('p', { class: 'alert alert-error', role: 'alert' }, t('antrean.no_facility')));
}

// The status of a booking in words.
export function statusText(status) { return t(`antrean.status.${status}`); }

export function facilityName(list, code) {
  const f = list.find((x) => x.code === code);
  return f ? f.name : code;
}

export function pageTitle(key, vars) {
  document.title = `${t(key, vars)} · Pendopo`;
  const el = $('title');
  if (el) el.removeAttribute('data-i18n');
}
