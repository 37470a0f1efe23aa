// An indicator: its definition and designated producer, the official
// value by district for a period (with the other agencies' figures as
// alternatives) and the regency's value over time.
import '../i18n/data.js';
import { h, replace, options, $ } from '../dom.js';
import { get, seg, loadSite } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { initPage } from '../layout.js';
import { barChart, lineChart } from '../chart.js';
import { num } from '../satudata.js';

const code = new URLSearchParams(location.search).get('code') || '';
const state = { ind: null, byRegion: null, series: null, period: null, regency: '33.03', error: null };

function valuesTable(items, unit, first) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, first), h('th', { scope: 'col', class: 'num' }, t('data.official')),
      h('th', { scope: 'col' }, t('data.source')), h('th', { scope: 'col' }, t('data.alternatives')))),
    h('tbody', {}, items.map((x) => h('tr', {},
      h('th', { scope: 'row' }, first === t('data.period') ? x.period : (x.region.nama || x.region.kode)),
      h('td', { class: 'num' }, num(x.value, unit)),
      h('td', {}, x.source.org.name, x.basis === 'unresolved' ? h('span', { class: 'badge badge-danger' }, t('data.unresolved')) : null),
      h('td', {}, x.alternatives.length ? x.alternatives.map((a) => h('div', {}, `${num(a.value, unit)} — ${a.org.name}`)) : t('common.none')))))));
}

function render() {
  const main = $('#main');
  if (state.error) { replace(main, h('div', { class: 'alert alert-error', role: 'alert' }, errorMessage(state.error))); return; }
  const ind = state.ind;
  if (!ind) return;
  document.title = `${ind.name} · Satu Data · Pendopo`;
  const unit = ind.unit;
  const periodSel = h('select', { id: 'period', onchange: (e) => { state.period = e.target.value; loadByRegion(); } });
  options(periodSel, ind.periods.map((p) => [p, p]), state.period);
  const by = state.byRegion;
  const series = state.series;
  replace(main,
    h('p', {}, h('a', { href: '/data/' }, t('data.back'))),
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, ind.name), h('p', { class: 'lead' }, ind.definition))),
    h('dl', { class: 'meta-list' },
      h('dt', {}, t('data.meta.code')), h('dd', {}, ind.code),
      h('dt', {}, t('data.meta.unit')), h('dd', {}, unit),
      h('dt', {}, t('data.meta.producer')), h('dd', {}, ind.producer.name),
      ind.method ? [h('dt', {}, t('data.meta.method')), h('dd', {}, ind.method)] : null),
    h('section', { class: 'section', 'aria-labelledby': 'by-region' },
      h('h2', { id: 'by-region', class: 'section-title' }, t('data.by_region')),
      ind.periods.length ? h('div', { class: 'field field-inline' }, h('label', { for: 'period', class: 'label' }, t('data.period')), periodSel) : null,
      !by ? h('p', { class: 'loading' }, t('common.loading'))
        : by.items.length ? [
          by.total ? h('p', { class: 'big-figure' }, t('data.total_of', { name: by.total.region.nama || by.total.region.kode }), ' ', h('strong', {}, num(by.total.value, unit))) : null,
          h('figure', { class: 'chart-box' }, barChart({ title: t('data.by_region'), unit, table: false, items: by.items.map((x) => ({ label: x.region.nama || x.region.kode, value: x.value })) })),
          valuesTable(by.items, unit, t('data.region'))]
          : h('p', { class: 'muted' }, t('data.no_values'))),
    h('section', { class: 'section', 'aria-labelledby': 'over-time' },
      h('h2', { id: 'over-time', class: 'section-title' }, t('data.over_time')),
      !series ? h('p', { class: 'loading' }, t('common.loading'))
        : series.items.length ? [
          h('figure', { class: 'chart-box' }, lineChart({ title: t('data.over_time'), unit, table: false, points: series.items.map((x) => ({ label: x.period, value: x.value })) })),
          valuesTable(series.items, unit, t('data.period'))]
          : h('p', { class: 'muted' }, t('data.no_values'))));
}

async function loadByRegion() {
  state.byRegion = null;
  render();
  state.byRegion = await get(`/api/data/indicators/${seg(code)}/values`, { parent: state.regency, period: state.period });
  if (!state.period) state.period = state.byRegion.period;
  render();
}

onLangChange(render);
await initPage({ active: 'data' });
try {
  const site = await loadSite();
  if (site && site.regency && site.regency.kode) state.regency = site.regency.kode;
  state.ind = (await get(`/api/data/indicators/${seg(code)}`)).indicator;
  state.period = state.ind.periods[state.ind.periods.length - 1] || null;
  render();
  await loadByRegion();
  state.series = await get(`/api/data/indicators/${seg(code)}/values`, { region: state.regency });
} catch (e) {
  state.error = e;
}
render();
