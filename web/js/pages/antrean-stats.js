// Statistics of a facility per day and service: bookings, walk-ins,
// cancellations, no-shows, patients served, average waiting and service
// times; two bar charts (drawn as SVG, with the table as their text
// alternative) and the CSV export.
import '../i18n/queue.js';
import { h, replace, $ } from '../dom.js';
import { get, seg, withQuery } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { setupForm } from '../forms.js';
import { formatDate, formatNumber } from '../format.js';
import { field, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { loadFacility, staffFacility, staffNav, noFacility } from '../antrean.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const main = $('#main');
const state = { facility: null, data: null, from: null, to: null };
const els = {};

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

const minutes = (s) => (s == null ? null : Math.round(s / 6) / 10);

// Visits per day: booked, walk-in and no-show bars side by side.
function dayChart(items) {
  const days = [...new Set(items.map((i) => i.date))].sort();
  const sum = (d, k) => items.filter((i) => i.date === d).reduce((a, i) => a + i[k], 0);
  const series = [['bookings', 'bar-booked'], ['walkins', 'bar-walkin'], ['noshows', 'bar-noshow']];
  const max = Math.max(1, ...days.flatMap((d) => series.map(([k]) => sum(d, k))));
  const W = 640, H = 240, pad = 32, group = (W - pad) / Math.max(days.length, 1), bar = Math.min(18, (group - 8) / 3);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H + 40}`, class: 'chart', role: 'img', 'aria-labelledby': 'chart-days-title' },
    svg('title', { id: 'chart-days-title' }, t('antrean.chart_days')),
    svg('line', { x1: pad, y1: H, x2: W, y2: H, class: 'chart-axis' }),
    svg('text', { x: 4, y: 14, class: 'chart-tick' }, formatNumber(max)));
  days.forEach((d, gi) => {
    series.forEach(([k, cls], si) => {
      const v = sum(d, k);
      const hgt = (v / max) * (H - 20);
      chart.appendChild(svg('rect', { x: pad + gi * group + 4 + si * bar, y: H - hgt, width: bar - 2, height: hgt, class: cls },
        svg('title', {}, `${formatDate(d, { short: true })}: ${t(`antrean.stat.${k}`)} ${v}`)));
    });
    chart.appendChild(svg('text', { x: pad + gi * group + 4, y: H + 16, class: 'chart-tick' }, d.slice(5)));
  });
  const legend = h('ul', { class: 'chart-legend' }, series.map(([k, cls]) =>
    h('li', {}, svg('svg', { width: 12, height: 12, 'aria-hidden': 'true' }, svg('rect', { width: 12, height: 12, class: cls })),
      ` ${t(`antrean.stat.${k}`)}`)));
  return h('figure', { class: 'chart-figure' }, chart, legend);
}

// Average waiting and service minutes per service over the range.
function timeChart(items) {
  const services = [...new Set(items.map((i) => i.service))];
  const avg = (svc, k) => {
    const rows = items.filter((i) => i.service === svc && i[k] != null && i.called);
    const n = rows.reduce((a, i) => a + i.called, 0);
    return n ? minutes(rows.reduce((a, i) => a + i[k] * i.called, 0) / n) : null;
  };
  const vals = services.map((s) => [s, avg(s, 'avg_wait_s'), avg(s, 'avg_service_s')]);
  const max = Math.max(1, ...vals.flatMap(([, a, b]) => [a || 0, b || 0]));
  const W = 640, row = 44, label = 150, H = Math.max(1, vals.length) * row + 10;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-labelledby': 'chart-times-title' },
    svg('title', { id: 'chart-times-title' }, t('antrean.chart_times')));
  vals.forEach(([s, wait, serve], i) => {
    const y = i * row + 6;
    const name = (items.find((x) => x.service === s) || {}).service_name || s;
    chart.appendChild(svg('text', { x: 0, y: y + 18, class: 'chart-tick' }, name));
    [[wait, 'bar-wait', 0], [serve, 'bar-serve', 18]].forEach(([v, cls, dy]) => {
      const w = v == null ? 0 : ((W - label - 60) * v) / max;
      chart.appendChild(svg('rect', { x: label, y: y + dy, width: w, height: 14, class: cls }));
      chart.appendChild(svg('text', { x: label + w + 6, y: y + dy + 12, class: 'chart-tick' }, v == null ? '—' : `${v} ${t('antrean.min')}`));
    });
  });
  const legend = h('ul', { class: 'chart-legend' }, [['avg_wait', 'bar-wait'], ['avg_service', 'bar-serve']].map(([k, cls]) =>
    h('li', {}, svg('svg', { width: 12, height: 12, 'aria-hidden': 'true' }, svg('rect', { width: 12, height: 12, class: cls })),
      ` ${t(`antrean.stat.${k}`)}`)));
  return h('figure', { class: 'chart-figure' }, chart, legend);
}

function render() {
  const d = state.data;
  els.csv.setAttribute('href', withQuery(`/api/queue/facilities/${seg(state.facility.code)}/stats.csv`, { from: state.from, to: state.to }));
  if (!d) return;
  const totals = ['bookings', 'walkins', 'cancelled', 'noshows', 'served'];
  const cols = ['bookings', 'walkins', 'cancelled', 'noshows', 'served', 'mobile_jkn'];
  replace(els.result,
    h('ul', { class: 'stat-totals' }, totals.map((k) => h('li', { class: 'card' },
      h('span', { class: 'stat-value' }, formatNumber(d.totals[k])), h('span', { class: 'stat-name' }, t(`antrean.stat.${k}`))))),
    d.items.length ? [
      h('section', { class: 'card', 'aria-labelledby': 'days-title' }, h('h2', { class: 'card-title', id: 'days-title' }, t('antrean.chart_days')), dayChart(d.items)),
      h('section', { class: 'card', 'aria-labelledby': 'times-title' }, h('h2', { class: 'card-title', id: 'times-title' }, t('antrean.chart_times')), timeChart(d.items)),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'stats-table' },
        h('caption', { class: 'visually-hidden' }, t('antrean.stats_table')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('antrean.date')), h('th', { scope: 'col' }, t('antrean.service')),
          cols.map((k) => h('th', { scope: 'col' }, t(`antrean.stat.${k}`))),
          h('th', { scope: 'col' }, t('antrean.stat.avg_wait')), h('th', { scope: 'col' }, t('antrean.stat.avg_service')))),
        h('tbody', {}, d.items.map((i) => h('tr', {},
          h('td', {}, formatDate(i.date, { short: true })), h('th', { scope: 'row' }, i.service_name),
          cols.map((k) => h('td', {}, formatNumber(i[k]))),
          h('td', {}, i.avg_wait_s == null ? '—' : `${minutes(i.avg_wait_s)} ${t('antrean.min')}`),
          h('td', {}, i.avg_service_s == null ? '—' : `${minutes(i.avg_service_s)} ${t('antrean.min')}`))))))]
      : h('p', {}, t('antrean.stats_empty')));
}

async function load() {
  loading(els.result);
  try {
    state.data = await get(`/api/queue/facilities/${seg(state.facility.code)}/stats`, { from: state.from, to: state.to });
    // The first time, the server picks the week by its own clock.
    state.from = state.data.from;
    state.to = state.data.to;
    els.from.value = state.from;
    els.to.value = state.to;
    render();
  } catch (e) {
    loadFailed(els.result, t('common.load_failed', { message: errorMessage(e) }));
  }
}

async function build(fc) {
  state.facility = await loadFacility(fc);
  const from = els.from = h('input', { name: 'from', type: 'date', required: true });
  const to = els.to = h('input', { name: 'to', type: 'date', required: true });
  const form = h('form', { class: 'form toolbar stats-form', novalidate: true },
    h('div', { class: 'alert alert-error form-alert', role: 'alert', tabindex: '-1' }),
    field({ label: t('antrean.from'), control: from }), field({ label: t('antrean.to'), control: to }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('antrean.show'))));
  els.csv = h('a', { class: 'btn btn-secondary', href: '#', download: '' }, t('antrean.csv'));
  els.result = h('div', { class: 'stack' });
  setupForm(form, { async submit(v) { state.from = v.from; state.to = v.to; await load(); } });
  replace(main, staffNav(fc, 'statistik'),
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, t('antrean.stats_title')), h('p', { class: 'lead' }, state.facility.name)), els.csv),
    form, els.result);
  onLangChange(render);
  await load();
}

const ctx = await initPage({ active: 'antrean', auth: true });
const fc = ctx && await staffFacility(ctx.user);
if (!fc) noFacility(main);
else await build(fc);
