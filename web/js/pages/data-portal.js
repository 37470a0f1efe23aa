// Satu Data portal: search the catalogue (CKAN package_search) with facets
// by agency, topic and tag; the indicators of the registry below.
import '../i18n/data.js';
import { h, icon, replace, $ } from '../dom.js';
import { get } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { formatDate, formatNumber } from '../format.js';
import { initPage } from '../layout.js';
import { ckan, staffNav, isStaff } from '../satudata.js';

const ROWS = 10;
const FACETS = ['organization', 'groups', 'tags'];
const params = new URLSearchParams(location.search);
const state = { q: params.get('q') || '', fq: {}, start: 0, result: null, indicators: [], error: null, user: null };
for (const f of FACETS) if (params.get(f)) state.fq[f] = params.get(f);

function fqText() {
  return Object.entries(state.fq).map(([k, v]) => `${k}:"${v.replace(/"/g, '')}"`).join(' ');
}

function syncUrl() {
  const p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  for (const [k, v] of Object.entries(state.fq)) p.set(k, v);
  history.replaceState(null, '', p.toString() ? `?${p}` : location.pathname);
}

async function search() {
  syncUrl();
  try {
    state.result = await ckan('package_search', { q: state.q, fq: fqText(), rows: ROWS, start: state.start,
      sort: 'metadata_modified desc', 'facet.field': FACETS, 'facet.limit': 8 });
    state.error = null;
  } catch (e) {
    state.error = e;
  }
  render();
}

function facetBox(field) {
  const f = state.result && state.result.search_facets[field];
  const items = (f && f.items) || [];
  const chosen = state.fq[field];
  return h('section', { class: 'facet', 'aria-labelledby': `facet-${field}` },
    h('h2', { id: `facet-${field}`, class: 'facet-title' }, t(`data.facet.${field}`)),
    items.length ? h('ul', { class: 'facet-list' }, items.map((it) => h('li', {},
      h('button', { type: 'button', class: ['facet-item', chosen === it.name && 'is-on'], 'aria-pressed': chosen === it.name ? 'true' : 'false',
        onclick: () => { if (chosen === it.name) delete state.fq[field]; else state.fq[field] = it.name; state.start = 0; search(); } },
        h('span', {}, it.display_name), h('span', { class: 'facet-count' }, formatNumber(it.count))))))
      : h('p', { class: 'muted' }, t('common.none')));
}

function resultItem(p) {
  const formats = [...new Set(p.resources.map((r) => r.format).filter(Boolean))];
  return h('li', { class: 'dataset-item' },
    h('h3', { class: 'dataset-title' }, h('a', { href: `/data/dataset.html?name=${encodeURIComponent(p.name)}` }, p.title)),
    h('p', { class: 'dataset-meta' }, p.organization ? p.organization.title : '', ' · ',
      t('data.updated', { date: formatDate(p.metadata_modified.slice(0, 10)) })),
    p.notes ? h('p', { class: 'dataset-notes' }, p.notes.length > 220 ? `${p.notes.slice(0, 219)}…` : p.notes) : null,
    h('p', { class: 'chips' }, formats.map((f) => h('span', { class: 'chip' }, f)), p.tags.map((tg) => h('span', { class: 'chip chip-tag' }, tg.name))));
}

function render() {
  const main = $('#main');
  const r = state.result;
  const form = h('form', { class: 'search-bar', role: 'search', onsubmit: (e) => { e.preventDefault(); state.q = e.target.elements.q.value.trim(); state.start = 0; search(); } },
    h('label', { for: 'data-q', class: 'visually-hidden' }, t('data.search_label')),
    h('input', { id: 'data-q', name: 'q', type: 'search', value: state.q, placeholder: t('data.search_placeholder') }),
    h('button', { type: 'submit', class: 'btn btn-primary' }, icon('search'), h('span', {}, t('data.search'))));
  const pages = r ? Math.ceil(r.count / ROWS) : 0;
  const page = Math.floor(state.start / ROWS) + 1;
  const results = state.error
    ? h('div', { class: 'alert alert-error', role: 'alert' }, t('common.load_failed', { message: errorMessage(state.error) }))
    : !r ? h('p', { class: 'loading', role: 'status' }, t('common.loading'))
      : h('div', {},
        h('p', { class: 'result-count', role: 'status' }, t('data.count', { n: formatNumber(r.count) })),
        h('ul', { class: 'dataset-list' }, r.results.map(resultItem)),
        pages > 1 ? h('nav', { class: 'pager', 'aria-label': t('data.pages') },
          h('button', { type: 'button', class: 'btn btn-secondary btn-small', disabled: page <= 1, onclick: () => { state.start -= ROWS; search(); } }, t('common.prev')),
          h('span', {}, `${page} / ${pages}`),
          h('button', { type: 'button', class: 'btn btn-secondary btn-small', disabled: page >= pages, onclick: () => { state.start += ROWS; search(); } }, t('common.next'))) : null);
  replace(main,
    isStaff(state.user) ? staffNav('portal') : null,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, t('data.title')), h('p', { class: 'lead' }, t('data.lead')))),
    form,
    h('div', { class: 'portal' }, h('aside', { class: 'facets', 'aria-label': t('data.facets') }, FACETS.map(facetBox)), results),
    h('section', { class: 'section', 'aria-labelledby': 'ind-title' },
      h('h2', { id: 'ind-title', class: 'section-title' }, t('data.indicators')),
      h('ul', { class: 'indicator-list' }, state.indicators.map((i) => h('li', {},
        h('a', { href: `/data/indicator.html?code=${encodeURIComponent(i.code)}` }, i.name),
        h('span', { class: 'muted' }, ` · ${i.unit} · ${i.producer.name}`))))));
}

onLangChange(render);
const ctx = await initPage({ active: 'data' });
state.user = ctx && ctx.user;
get('/api/data/indicators').then((d) => { state.indicators = d.items; render(); }, () => {});
await search();
