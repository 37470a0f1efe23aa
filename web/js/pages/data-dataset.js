// A dataset: its metadata, and for each table the published rows (a
// preview), a chart, downloads in CSV and JSON, a copyable API example and
// the version history.
import { h, icon, replace, $ } from '../dom.js';
import { get, seg } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { formatDate, formatDateTime } from '../format.js';
import { initPage } from '../layout.js';
import { flash } from '../ui.js';
import { barChart } from '../chart.js';
import { statusBadge, num, staffNav, isStaff } from '../satudata.js';

const name = new URLSearchParams(location.search).get('name') || '';
const state = { ds: null, tables: new Map(), error: null, user: null };

function meta(label, value) {
  return value ? [h('dt', {}, label), h('dd', {}, value)] : [];
}

// The chart: the first mapped figure by region, the table's own rows.
function chartFor(res, rows) {
  const m = (res.mappings || [])[0];
  const field = m ? m.field : (res.schema.fields.find((f) => f.type === 'integer' || f.type === 'number') || {}).name;
  const region = (res.schema.fields.find((f) => f.name === 'kode_wilayah') || res.schema.fields[0]).name;
  const label = (res.schema.fields.find((f) => /^nama/.test(f.name)) || { name: region }).name;
  if (!field) return null;
  const items = rows.filter((r) => typeof r[field] === 'number').slice(0, 40)
    .map((r) => ({ label: String(r[label]), value: r[field], mark: r[region] === '33.03' }));
  if (!items.length) return null;
  const unit = m && m.indicator ? m.indicator.unit : '';
  return h('figure', { class: 'chart-box' }, barChart({ title: t('data.chart_title', { field }), items, unit }),
    h('figcaption', { class: 'hint' }, t('data.chart_caption', { field, n: items.length })));
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
    rows.length ? chartFor(res, rows) : null,
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
    const [rows, versions] = await Promise.all([get(`/api/data/resources/${seg(res.id)}/rows`, { limit: 60 }),
      get(`/api/data/resources/${seg(res.id)}/versions`).then((x) => x.items, () => [])]);
    state.tables.set(res.id, { rows, versions });
    render();
  }
}

onLangChange(render);
const ctx = await initPage({ active: 'data' });
state.user = ctx && ctx.user;
await load();
