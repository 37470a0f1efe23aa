// Matur Bupati, public page: the list with search and filters, the map and
// the statistics of non-confidential complaints (never a reporter).
import '../i18n/complaints.js';
import { h, replace, options, $, $$ } from '../dom.js';
import { get, hasRole } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { formatDate, formatNumber, yearWIB } from '../format.js';
import { loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { loadDistricts } from '../admin.js';
import { createMap } from '../map.js';
import { barChart, columnChart } from '../chart.js';
import { STATES, stateBadge, kindLabel, catName, loadCategories } from '../complaints.js';

const PAGE = 20;
const state = { page: 1, filters: {}, cats: [], districts: [], mapMade: null, tab: 'list', year: yearWIB() };
const caseUrl = (no) => `/complaints/case.html?no=${encodeURIComponent(no)}`;

function fillFilters() {
  const f = state.filters;
  options($('#f-category'), [['', t('complaints.all_categories')], ...state.cats.map((c) => [c.code, catName(c)])], f.category);
  options($('#f-district'), [['', t('complaints.all_districts')], ...state.districts.map((d) => [d.kode, d.nama])], f.district);
  options($('#f-status'), [['', t('complaints.all_states')], ['open', t('complaints.open')], ['closed', t('complaints.closed')],
    ...STATES.map((s) => [s, t(`cstate.${s}`)])], f.status);
  $('#q').value = f.q || '';
}

function item(c) {
  return h('li', { class: 'case-card' },
    h('p', { class: 'case-meta' }, h('a', { href: caseUrl(c.tracking), class: 'case-no' }, c.tracking), ' ',
      stateBadge(c.state), ' ', h('span', { class: 'chip' }, kindLabel(c.kind)), ' ', h('span', { class: 'chip' }, catName(c.category))),
    h('p', { class: 'case-text' }, c.excerpt),
    h('p', { class: 'case-foot' }, formatDate(c.created_at),
      c.district ? ` · ${t('complaints.in_district', { name: c.district.nama })}` : '',
      c.unit ? ` · ${c.unit.name}` : '',
      c.supporters ? ` · ${t('complaints.supporters', { n: formatNumber(c.supporters) })}` : ''));
}

async function loadList() {
  const list = $('#case-list');
  loading(list);
  try {
    const d = await get('/api/complaints', { ...state.filters, page: state.page, page_size: PAGE });
    replace(list, d.items.map(item));
    const filtered = Object.values(state.filters).some((v) => v);
    $('#list-count').textContent = d.items.length ? t('complaints.page_n', { n: state.page })
      : t(filtered ? 'complaints.none' : 'complaints.none_yet');
    replace($('#pager'),
      state.page > 1 ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => { state.page--; loadList(); } }, t('common.prev')) : h('span'),
      d.has_more ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => { state.page++; loadList(); } }, t('common.next')) : null);
  } catch (e) {
    loadFailed(list, t('common.load_failed', { message: errorMessage(e) }));
  }
}

async function loadMap() {
  if (!state.mapMade) state.mapMade = createMap($('#map'), { label: t('complaints.tab_map') });
  const map = await state.mapMade;
  try {
    const d = await get('/api/complaints/map', { category: state.filters.category, status: state.filters.status, limit: 1000 });
    $('#map-count').textContent = t('complaints.map_count', { n: formatNumber(d.items.length) });
    if (map) {
      map.points(d.items.map((p) => ({ ...p, title: `${p.tracking} · ${t(`cstate.${p.state}`)}` })), (p) => location.assign(caseUrl(p.tracking)));
      map.fit();
    }
  } catch (e) {
    $('#map-count').textContent = t('common.load_failed', { message: errorMessage(e) });
  }
}

function statFigure(title, chart) {
  return h('figure', { class: 'stat-figure' }, h('figcaption', { class: 'stat-title' }, title), chart);
}

async function loadStats() {
  const years = [];
  for (let y = yearWIB(); y >= yearWIB() - 4; y--) years.push([y, String(y)]);
  options($('#stats-year'), years, state.year);
  const charts = $('#charts');
  loading(charts);
  try {
    const s = await get('/api/complaints/stats', { year: state.year });
    const share = (v) => (v === null ? '—' : `${formatNumber(Math.round(v * 1000) / 10)}%`);
    const pct = share(s.answered_on_time_share);
    const med = s.median_first_answer_hours === null ? '—'
      : s.median_first_answer_hours < 48 ? t('complaints.hours', { n: formatNumber(Math.round(s.median_first_answer_hours)) })
        : t('complaints.days_n', { n: formatNumber(Math.round(s.median_first_answer_hours / 24 * 10) / 10) });
    replace($('#stat-cards'),
      h('div', { class: 'stat-card' }, h('p', { class: 'stat-value' }, formatNumber(s.total)), h('p', { class: 'stat-label' }, t('complaints.stat_total'))),
      h('div', { class: 'stat-card' }, h('p', { class: 'stat-value' }, med), h('p', { class: 'stat-label' }, t('complaints.stat_median'))),
      h('div', { class: 'stat-card' }, h('p', { class: 'stat-value' }, pct), h('p', { class: 'stat-label' }, t('complaints.stat_on_time'))),
      h('div', { class: 'stat-card' }, h('p', { class: 'stat-value' }, share(s.settled_in_time_share)), h('p', { class: 'stat-label' }, t('complaints.stat_settled'))));
    replace(charts,
      statFigure(t('complaints.by_month'), columnChart({ title: t('complaints.by_month'), points: s.by_month.map((m) => ({ label: m.month, value: m.count })) })),
      statFigure(t('complaints.by_category'), barChart({ title: t('complaints.by_category'), items: s.by_category.map((c) => ({ label: c.name, value: c.count })) })),
      statFigure(t('complaints.by_district'), barChart({ title: t('complaints.by_district'), items: s.by_district.map((d) => ({ label: d.name || d.kode, value: d.count })) })),
      statFigure(t('complaints.by_unit'), barChart({ title: t('complaints.by_unit'), items: s.by_unit.slice(0, 15).map((u) => ({ label: u.name, value: u.count })) })));
  } catch (e) {
    loadFailed(charts, t('common.load_failed', { message: errorMessage(e) }));
  }
}

function show(tab) {
  state.tab = tab;
  for (const b of $$('[role=tab]')) {
    const on = b.id === `tab-${tab}`;
    b.setAttribute('aria-selected', String(on));
    $(`#${b.getAttribute('aria-controls')}`).hidden = !on;
  }
  if (tab === 'map') loadMap();
  if (tab === 'stats') loadStats();
}

function render() {
  fillFilters();
  if (state.tab === 'list') loadList();
  else if (state.tab === 'stats') loadStats();
}

$('#filters').addEventListener('submit', (e) => {
  e.preventDefault();
  const fd = new FormData(e.currentTarget);
  state.filters = Object.fromEntries(Array.from(fd.entries()).filter(([, v]) => v !== ''));
  state.page = 1;
  loadList();
  if (state.mapMade) loadMap();
});
$('#track-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const no = $('#track-no').value.trim().toUpperCase();
  if (/^[A-Z]{2}-\d{4}-\d{6,}$/.test(no)) location.assign(caseUrl(no));
  else $('#track-no').setAttribute('aria-invalid', 'true');
});
for (const b of $$('[role=tab]')) b.addEventListener('click', () => show(b.id.slice(4)));
$('#stats-year').addEventListener('change', (e) => { state.year = Number(e.target.value); loadStats(); });
onLangChange(render);

const ctx = await initPage({ active: 'complaints' });
[state.cats, state.districts] = await Promise.all([loadCategories().catch(() => []), loadDistricts().catch(() => [])]);
const u = ctx && ctx.user;
replace($('#my-links'),
  u ? h('a', { href: '/complaints/case.html?mine=1' }, t('complaints.mine')) : null,
  u && ['officer', 'unit_head', 'admin', 'regent_office'].some((r) => hasRole(u, r))
    ? [' · ', h('a', { href: '/officer/complaints.html' }, t('complaints.console'))] : null);
render();
