// format.js — dates and times in WIB (Asia/Jakarta), numbers in Indonesian style.
//
// Timestamps from the API are UTC ISO-8601; service dates are local
// YYYY-MM-DD and are shown as the same calendar day whatever the browser's
// own time zone.

import { getLang } from './i18n.js';

export const TZ = 'Asia/Jakarta';
const cache = new Map();

function locale() { return getLang() === 'en' ? 'en-GB' : 'id-ID'; }

function fmt(kind, options) {
  const key = `${kind}|${locale()}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = kind === 'number' ? new Intl.NumberFormat('id-ID', options) : new Intl.DateTimeFormat(locale(), { timeZone: TZ, ...options });
    cache.set(key, f);
  }
  return f;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

// A Date for a timestamp, or for noon WIB of a local date.
export function toDate(value) {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  const s = String(value || '');
  const m = DATE_ONLY.exec(s);
  if (m) return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], 5, 0, 0));   // 12:00 WIB
  return new Date(s);
}

function valid(d) { return d instanceof Date && !Number.isNaN(d.getTime()); }

// Every date a person reads: "Selasa, 8 Desember 2026" (in WIB, so a
// timestamp late in the UTC day is the next day); opts.short is "8 Des 2026"
// for a column of dates in a dense table.
export function formatDate(value, opts = {}) {
  const d = toDate(value);
  if (!valid(d)) return String(value ?? '');
  return fmt('date', opts.short ? { day: 'numeric', month: 'short', year: 'numeric' }
    : { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(d);
}

// A month "YYYY-MM" as "Desember 2026" (opts.short: "Des 2026"); any other
// period ("2026", "2026-S1") as it is.
export function formatMonth(period, opts = {}) {
  const m = /^(\d{4})-(\d{2})$/.exec(String(period ?? ''));
  if (!m) return String(period ?? '');
  return fmt('date', { month: opts.short ? 'short' : 'long', year: 'numeric' })
    .format(new Date(Date.UTC(+m[1], +m[2] - 1, 15, 5)));
}

// "28 Nov 2026 01.30 WIB"
export function formatDateTime(value) {
  const d = toDate(value);
  if (!valid(d)) return String(value ?? '');
  const date = fmt('date', { day: 'numeric', month: 'short', year: 'numeric' }).format(d);
  const time = fmt('date', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  return `${date} ${time} WIB`;
}

export function formatNumber(n, options = {}) {
  const v = Number(n);
  if (!Number.isFinite(v)) return String(n ?? '');
  return fmt('number', options).format(v);
}

// Today's local date in WIB as YYYY-MM-DD.
export function todayWIB(now = new Date()) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function yearWIB(now = new Date()) { return Number(todayWIB(now).slice(0, 4)); }
