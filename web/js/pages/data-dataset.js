// A dataset: its metadata, and for each table the published rows (a
// preview), a chart, downloads in CSV and JSON, a copyable API example and
// the version history.
import '../i18n/data.js';
import { h, icon, replace, options, $ } from '../dom.js';
import { get, seg } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { formatDate, formatDateTime, formatNumber } from '../format.js';
import { initPage } from '../layout.js';
import { flash, field } from '../ui.js';
import { barChart, lineChart } from '../chart.js';
import { aggregate, topLevelRows, latestPeriod } from '../aggregate.js';
import { statusBadge, num, staffNav, isStaff } from '../satudata.js';

const CHART_ROWS = 5000;
const name = new URLSearchParams(location.search).get('name') || '';
const state = { ds: null, tables: new Map(), axis: new Map(), error: null, user: null };

function meta(label, value) {
  return value ? [h('dt', {}, label), h('dd', {}, value)] : [];
}

// The chart: the first mapped figure (else the first numeric column), by
// region for the latest period or over time at the highest region level
// present, one value per label (see aggregate.js).
function chartFor(res, rows, total) {
  const fields = res.schema.fields;
  const m = (res.mappings || [])[0];
  const fd = m ? fields.find((f) => f.name === m.field) : fields.find((f) => f.type === 'integer' || f.type === 'number');
  if (!fd) return null;
  const measure = fd.name;
  const fks = (res.schema.foreignKeys || []).map((k) => [].concat(k.fields)[0]);
  const region = (m && m.region_field) || fks[0] || (fields.find((f) => f.name === 'kode_wilayah') || fields[0]).name;
  const label = (fields.find((f) => /^nama/.test(f.name)) || { name: region }).name;
  const period = (m && m.period_field) || res.period_field;
  // Without an indicator, counts add up and other numbers are averaged.
  const additive = m ? !!m.indicator.additive : fd.type === 'integer';
  const how = t(additive ? 'data.chart_how.sum' : 'data.chart_how.mean');
  const unit = m && m.indicator ? m.indicator.unit : '';
  const axis = period ? (state.axis.get(res.id) || 'region') : 'region';
  let chart, caption, n;
  if (axis === 'period') {
    const points = aggregate(topLevelRows(rows, region), { key: period, value: measure, additive })
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    n = points.length;
    if (!n) return null;
    chart = lineChart({ title: t('data.chart_title_period', { field: measure }), points, unit });
    caption = t('data.chart_caption_period', { field: measure, how, n, rows: rows.length });
  } else {
    const at = period ? latestPeriod(rows, period) : null;
    const items = aggregate(at ? rows.filter((r) => String(r[period]) === at) : rows, { key: region, label, value: measure, additive })
      .slice(0, 40).map((g) => ({ label: g.label, value: g.value, mark: g.key === '33.03' }));
    n = items.length;
    if (!n) return null;
    chart = barChart({ title: t('data.chart_title', { field: measure }), items, unit });
    caption = at ? t('data.chart_caption_at', { field: measure, how, n, period: at, rows: rows.length })
      : t('data.chart_caption', { field: measure, how, n, rows: rows.length });
  }
  const pick = period ? options(h('select', { name: 'axis', onchange: (e) => { state.axis.set(res.id, e.target.value); render(); } }),
    [['region', t('data.axis.region')], ['period', t('data.axis.period')]], axis) : null;
  return h('figure', { class: 'chart-box' },
    pick ? field({ label: t('data.chart_axis'), control: pick }) : null,
    chart,
    h('figcaption', { class: 'hint' }, caption, total > rows.length ? ` ${t('data.chart_sample', { n: formatNumber(rows.length), total: formatNumber(total) })}` : ''));
}

function apiExample(res) {
  const url = `${location.origin}/api/3/action/datastore_search?resource_id=${res.id}&limit=5`;
  const code = h('code', {}, `curl '${url}'`);
  return h('div', { class: 'api-example' },
    h('h4', {}, t('data.api_example')),
    h('pre', {}, code),
    h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: async () => {
      try { await navigator.clipboard.writeText(code.textContent); flash(t('data.copied')); } catch { flash(t('data.copy_failed'), 'error'); }
    } }, t('data.copy')));
}

function cell(v) {
  return typeof v === 'number' ? h('td', { class: 'num' }, num(v)) : h('td', {}, v ?? '');
}

function tableSection(res) {
  const data = state.tables.get(res.id);
  const head = h('h3', { class: 'card-title' }, res.name);
  if (res.kind !== 'table') {
    return h('section', { class: 'card' }, head, h('p', {}, h('a', { href: res.url, rel: 'noopener' }, res.url)), h('p', { class: 'chips' }, h('span', { class: 'chip' }, res.format)));
  }
  if (!data) return h('section', { class: 'card' }, head, h('p', { class: 'loading' }, t('common.loading')));
  const fields = res.schema.fields.map((f) => f.name);
  const rows = data.rows.records;
  const preview = rows.length
    ? h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden' }, res.name),
      h('thead', {}, h('tr', {}, fields.map((f) => h('th', { scope: 'col' }, f)))),
      h('tbody', {}, rows.slice(0, 20).map((r) => h('tr', {}, fields.map((f) => cell(r[f])))))))
    : h('p', { class: 'muted' }, t('data.no_published'));
  const v = data.rows.version;
  return h('section', { class: 'card', dataset: { resource: res.id } }, head,
    res.description ? h('p', {}, res.description) : null,
    h('p', { class: 'hint' }, v ? t('data.version_shown', { v, total: num(data.rows.total) }) : t('data.no_published')),
    data.chart.records.length ? chartFor(res, data.chart.records, data.chart.total) : null,
    preview,
    v ? h('p', { class: 'downloads' },
      h('a', { class: 'btn btn-secondary btn-small', href: `/api/data/resources/${seg(res.id)}/data.csv`, download: '' }, icon('arrow-right'), h('span', {}, t('data.download_csv'))),
      h('a', { class: 'btn btn-secondary btn-small', href: `/api/data/resources/${seg(res.id)}/data.json`, download: '' }, icon('arrow-right'), h('span', {}, t('data.download_json')))) : null,
    v ? apiExample(res) : null,
    (res.mappings || []).length ? h('p', {}, t('data.indicators_in_table'), ' ',
      res.mappings.map((m, i) => [i ? ', ' : '', h('a', { href: `/data/indicator.html?code=${encodeURIComponent(m.indicator.code)}` }, m.indicator.name)])) : null,
    data.versions.length ? h('details', { class: 'details' }, h('summary', {}, t('data.history')),
      h('ul', { class: 'version-list' }, data.versions.map((x) => h('li', {},
        h('strong', {}, `v${x.number}`), ' ', statusBadge(x.status), ' ', x.note, ' · ',
        h('span', { class: 'muted' }, formatDateTime(x.published_at || x.created_at)),
        ' · ', t('data.changes', { added: x.added, changed: x.changed, removed: x.removed }))))) : null);
}

function render() {
  const main = $('#main');
  if (state.error) { replace(main, h('div', { class: 'alert alert-error', role: 'alert' }, errorMessage(state.error))); return; }
  const d = state.ds;
  if (!d) return;
  document.title = `${d.title} · Satu Data · Pendopo`;
  replace(main,
    isStaff(state.user) ? staffNav('portal') : null,
    h('p', {}, h('a', { href: '/data/' }, t('data.back'))),
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, d.title), h('p', { class: 'lead' }, d.notes))),
    h('dl', { class: 'meta-list' },
      meta(t('data.meta.org'), d.org.name), meta(t('data.meta.license'), d.license_id), meta(t('data.meta.frequency'), d.frequency),
      meta(t('data.meta.schedule'), d.release_schedule), meta(t('data.meta.unit'), d.unit), meta(t('data.meta.concept'), d.concept),
      meta(t('data.meta.level'), d.region_level), meta(t('data.meta.period'), d.period_start && `${d.period_start}–${d.period_end || ''}`),
      meta(t('data.meta.contact'), d.contact_name && `${d.contact_name} ${d.contact_email ? `<${d.contact_email}>` : ''}`),
      meta(t('data.meta.updated'), formatDate(d.modified_at.slice(0, 10))),
      meta(t('data.meta.tags'), d.tags.join(', '))),
    d.resources.map(tableSection));
}

async function load() {
  try {
    state.ds = (await get(`/api/data/datasets/${seg(name)}`)).dataset;
  } catch (e) {
    state.error = e;
    render();
    return;
  }
  render();
  for (const res of state.ds.resources.filter((r) => r.kind === 'table')) {
    // The preview shows a few rows; the chart sums over many more.
    const [rows, chart, versions] = await Promise.all([get(`/api/data/resources/${seg(res.id)}/rows`, { limit: 60 }),
      get(`/api/data/resources/${seg(res.id)}/rows`, { limit: CHART_ROWS }),
      get(`/api/data/resources/${seg(res.id)}/versions`).then((x) => x.items, () => [])]);
    state.tables.set(res.id, { rows, chart, versions });
    render();
  }
}

onLangChange(render);
const ctx = await initPage({ active: 'data' });
state.user = ctx && ctx.user;
await load();
