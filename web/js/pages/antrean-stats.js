// Statistics of a facility per day and service: bookings, walk-ins,
// cancellations, no-shows, patients served, average waiting and service
// times; two bar charts (Chart.js through chart.js, each with its data
// table), the table of every day and service, and the CSV export.
import '../i18n/queue.js';
import { h, replace, $ } from '../dom.js';
import { get, seg, withQuery } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { setupForm } from '../forms.js';
import { formatDate, formatNumber } from '../format.js';
import { field, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { loadFacility, staffFacility, staffNav, noFacility } from '../antrean.js';
import { seriesChart } from '../chart.js';

const main = $('#main');
const state = { facility: null, data: null, from: null, to: null };
const els = {};

const minutes = (s) => (s == null ? null : Math.round(s / 6) / 10);

// Visits per day: booked, walk-in and no-show bars side by side.
function dayChart(items) {
  const days = [...new Set(items.map((i) => i.date))].sort();
  const sum = (d, k) => items.filter((i) => i.date === d).reduce((a, i) => a + i[k], 0);
  return seriesChart({ title: t('antrean.chart_days'), labels: days.map((d) => formatDate(d, { short: true })),
    series: ['bookings', 'walkins', 'noshows'].map((k) => ({ name: t(`antrean.stat.${k}`), values: days.map((d) => sum(d, k)) })) });
}

// Average waiting and service minutes per service over the range,
// weighted by the patients called each day.
function timeChart(items) {
  const services = [...new Set(items.map((i) => i.service))];
  const avg = (svc, k) => {
    const rows = items.filter((i) => i.service === svc && i[k] != null && i.called);
    const n = rows.reduce((a, i) => a + i.called, 0);
    return n ? minutes(rows.reduce((a, i) => a + i[k] * i.called, 0) / n) : null;
  };
  return seriesChart({ title: t('antrean.chart_times'), unit: t('antrean.min'), horizontal: true,
    labels: services.map((s) => (items.find((x) => x.service === s) || {}).service_name || s),
    series: ['avg_wait_s', 'avg_service_s'].map((k) => ({ name: t(`antrean.stat.${k.replace(/_s$/, '')}`), values: services.map((s) => avg(s, k)) })) });
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
      h('section', { class: 'card', 'aria-labelledby': 'days-title' }, h('h2', { class: 'card-title', id: 'days-title' }, t('antrean.chart_days')),
        h('figure', { class: 'chart-figure' }, dayChart(d.items))),
      h('section', { class: 'card', 'aria-labelledby': 'times-title' }, h('h2', { class: 'card-title', id: 'times-title' }, t('antrean.chart_times')),
        h('figure', { class: 'chart-figure' }, timeChart(d.items))),
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
