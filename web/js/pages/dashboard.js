// The Regent's dashboard: every service at a glance, each tile from the
// service's own figures (GET /api/dashboard) and linking to its details.
// Live: the desk's complaint events and every facility's queue events
// redraw it (a burst of events, one reload).
import '../i18n/dashboard.js';
import { h, replace, $ } from '../dom.js';
import { get, hasRole } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { formatDate, formatDateTime, formatNumber } from '../format.js';
import { loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { barChart } from '../chart.js';
import { createMap } from '../map.js';

const main = $('#main');
const state = { data: null, points: [], map: null };

const percent = (x) => (x == null ? '—' : `${formatNumber(Math.round(x * 1000) / 10)} %`);

function figure(label, value, note = null, cls = '') {
  return h('div', { class: `stat ${cls}`.trim() },
    h('p', { class: 'stat-value' }, value),
    h('p', { class: 'stat-label' }, label),
    note ? h('p', { class: 'stat-note' }, note) : null);
}

function tile(title, href, ...body) {
  return h('section', { class: 'card dash-tile' },
    h('div', { class: 'dash-tile-head' }, h('h2', {}, title), href ? h('a', { href }, t('dash.details')) : null),
    ...body);
}

function bars(title, items) {
  return items.length ? h('figure', { class: 'chart-figure' }, barChart({ title, items }),
    h('figcaption', {}, title)) : h('p', { class: 'muted' }, t('dash.none'));
}

function complaintsTile(c) {
  return tile(t('dash.complaints'), '/complaints/?tab=stats',
    h('div', { class: 'stat-row' },
      figure(t('dash.this_month'), formatNumber(c.this_month),
        `${t('dash.vs_last', { n: formatNumber(c.last_month_to_date) })} · ${t('dash.last_month', { n: formatNumber(c.last_month) })}`),
      figure(t('dash.open'), formatNumber(c.open)),
      figure(t('dash.overdue'), formatNumber(c.overdue), null, c.overdue ? 'stat-alert' : ''),
      figure(t('dash.on_time'), percent(c.answered_on_time_share), t('dash.on_time_note', { n: formatNumber(c.answered_this_month) }))),
    h('div', { class: 'dash-split' },
      h('div', {}, h('h3', {}, t('dash.overdue_by_unit')),
        bars(t('dash.overdue_by_unit'), c.overdue_by_unit.slice(0, 10).map((u) => ({ label: u.name, value: u.count })))),
      h('div', {}, h('h3', {}, t('dash.top_categories')),
        bars(t('dash.top_categories'), c.top_categories.map((k) => ({ label: k.name, value: k.count }))))),
    h('h3', {}, t('dash.open_map')),
    h('div', { class: 'dash-split' },
      h('div', { id: 'dash-map', class: 'map map-small' }),
      bars(t('dash.open_map'), c.open_by_district.slice(0, 12).map((d) => ({ label: d.name || d.kode, value: d.count })))));
}

function queueTile(q) {
  return tile(t('dash.queue'), '/antrean/',
    h('div', { class: 'stat-row' },
      figure(t('dash.bookings'), formatNumber(q.bookings)),
      figure(t('dash.walkins'), formatNumber(q.walkins)),
      figure(t('dash.served'), formatNumber(q.served)),
      figure(t('dash.waiting'), formatNumber(q.waiting))),
    h('h3', {}, t('dash.wait_by_facility')),
    bars(t('dash.wait_by_facility'), q.facilities.filter((f) => f.avg_wait_minutes != null)
      .map((f) => ({ label: f.name, value: Math.round(f.avg_wait_minutes) }))));
}

function permitsTile(pm) {
  const hours = (x) => (x == null ? '—' : t('dash.days', { n: formatNumber(Math.round((x / 24) * 10) / 10) }));
  return tile(t('dash.permits'), '/izin-penelitian/',
    h('div', { class: 'stat-row' },
      figure(t('dash.permits_submitted'), formatNumber(pm.submitted), t('dash.since', { date: formatDate(pm.from) })),
      figure(t('dash.permits_open'), formatNumber(pm.open)),
      figure(t('dash.overdue'), formatNumber(pm.overdue), null, pm.overdue ? 'stat-alert' : ''),
      figure(t('dash.permits_on_time'), percent(pm.on_time_share), t('dash.permits_decided', { n: formatNumber(pm.decided) })),
      figure(t('dash.permits_median'), hours(pm.median_hours))));
}

function ppidTile(pp) {
  return tile(t('dash.ppid'), '/ppid/',
    h('div', { class: 'stat-row' },
      figure(t('dash.ppid_received'), formatNumber(pp.received), t('dash.since', { date: formatDate(pp.from) })),
      figure(t('dash.permits_open'), formatNumber(pp.open)),
      figure(t('dash.overdue'), formatNumber(pp.overdue), null, pp.overdue ? 'stat-alert' : ''),
      figure(t('dash.ppid_on_time'), percent(pp.on_time_share), t('dash.ppid_answered', { n: formatNumber(pp.answered) })),
      figure(t('dash.ppid_refused'), formatNumber(pp.refused + pp.granted_in_part)),
      figure(t('dash.ppid_objections'), formatNumber(pp.objections.filed))));
}

function villagesTile(v) {
  return tile(t('dash.villages'), '/desa/kabupaten.html',
    h('div', { class: 'stat-row' },
      figure(t('dash.villages_active'), `${formatNumber(v.active)} / ${formatNumber(v.villages)}`,
        t('dash.villages_score', { n: formatNumber(Math.round(v.average_score)) })),
      figure(t('dash.villages_budget'), formatNumber(v.budget_published)),
      figure(t('dash.villages_news'), formatNumber(v.news_30d)),
      figure(t('dash.villages_letters'), formatNumber(v.letters_30d), t('dash.villages_letters_year', { n: formatNumber(v.letters_year) }))),
    h('h3', {}, t('dash.villages_by_district')),
    bars(t('dash.villages_by_district'), v.districts.slice().sort((a, b) => b.active - a.active)
      .map((d) => ({ label: d.nama, value: d.active }))));
}

function satisfactionTile(sv) {
  const ikm = (x) => formatNumber(x, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const href = `/survei/peringkat.html?period=${encodeURIComponent(sv.period)}`;
  if (!sv.units.length) return tile(t('dash.satisfaction', { period: sv.period }), href, h('p', { class: 'muted' }, t('dash.none')));
  const row = (u) => h('tr', {},
    h('td', { 'data-label': t('dash.unit') },
      h('a', { href: `/survei/unit.html?unit=${encodeURIComponent(u.code)}&period=${encodeURIComponent(sv.period)}` }, u.name)),
    h('td', { 'data-label': 'IKM' }, ikm(u.ikm)),
    h('td', { 'data-label': t('dash.grade') }, `${u.grade} · ${u.grade_name}`),
    h('td', { 'data-label': t('dash.respondents') }, formatNumber(u.respondents),
      u.representative ? null : h('span', { class: 'muted' }, ` (${t('dash.not_representative')})`)));
  const head = h('thead', {}, h('tr', {},
    h('th', { scope: 'col' }, t('dash.unit')), h('th', { scope: 'col' }, 'IKM'),
    h('th', { scope: 'col' }, t('dash.grade')), h('th', { scope: 'col' }, t('dash.respondents'))));
  return tile(t('dash.satisfaction', { period: sv.period }), href,
    h('div', { class: 'table-wrap' }, h('table', { class: 'table table-stack', id: 'dash-ikm' }, head,
      h('tbody', {}, sv.units.slice(0, 12).map(row)))));
}

function dataTile(d) {
  return tile(t('dash.data'), '/data/conflicts.html',
    h('div', { class: 'stat-row' },
      figure(t('dash.conflicts'), formatNumber(d.open_conflicts),
        t('dash.conflicts_levels', { a: formatNumber(d.between_agencies), b: formatNumber(d.between_levels) }),
        d.open_conflicts ? 'stat-alert' : '')),
    d.oldest_since ? h('p', { class: 'muted' }, t('dash.oldest', { date: formatDate(d.oldest_since) })) : null);
}

async function drawMap() {
  const el = $('#dash-map');
  if (!el) return;
  state.map = await createMap(el, { label: t('dash.open_map') });
  if (state.map) {
    state.map.points(state.points,
      (p) => location.assign(`/complaints/case.html?no=${encodeURIComponent(p.tracking)}`));
    state.map.fit();
  }
}

function render() {
  const d = state.data;
  replace(main,
    h('div', { class: 'page-head' }, h('div', {},
      h('h1', {}, t('dash.title')),
      h('p', { class: 'lead' }, t('dash.lead')),
      h('p', { class: 'muted', id: 'dash-updated', role: 'status' }, t('dash.updated', { time: formatDateTime(d.generated_at) })))),
    h('div', { class: 'dash-grid' }, complaintsTile(d.complaints), queueTile(d.queue), permitsTile(d.permits), ppidTile(d.ppid),
      villagesTile(d.villages), satisfactionTile(d.satisfaction), dataTile(d.data)));
  drawMap();
}

async function load() {
  const [d, points] = await Promise.all([get('/api/dashboard'), get('/api/complaints/map', { status: 'open', limit: 1000 }).catch(() => ({ items: [] }))]);
  state.data = d;
  state.points = points.items;
  render();
}

// At most one reload per two seconds however busy the streams are, and one
// more after the last event.
let timer = null;
let again = false;
function reloadSoon() {
  if (timer) { again = true; return; }
  timer = setTimeout(function tick() {
    load().catch(() => {});
    if (again) { again = false; timer = setTimeout(tick, 2000); } else timer = null;
  }, 1000);
}

// The stream names each event by its full topic, so a prefix subscription
// still needs one listener per topic.  The browser's EventSource
// reconnects by itself after a network drop.
function follow(prefix, topics) {
  if (typeof EventSource === 'undefined' || !topics.length) return;
  const es = new EventSource(`/api/events?topics=${encodeURIComponent(prefix)}`);
  for (const topic of topics) es.addEventListener(topic, reloadSoon);
}

const page = await initPage({ auth: true });
if (page && !hasRole(page.user, 'regent_office') && !hasRole(page.user, 'admin')) {
  replace(main, h('h1', {}, t('dash.title')), h('p', { class: 'alert alert-error' }, t('dash.forbidden')));
} else if (page) {
  loading(main);
  try {
    await load();
    onLangChange(render);
    const s = await get('/api/complaints/settings').catch(() => null);
    if (s && s.desk_unit && s.desk_unit.exists) {
      const topic = `unit/${s.desk_unit.code}/complaints`;
      follow(topic, [topic]);
    }
    // Every call, check-in and transfer at every facility.
    follow('public/queue/', state.data.queue.facilities.flatMap((f) => f.services.map((c) => `public/queue/${f.code}/${c}`)));
  } catch (e) {
    loadFailed(main, t('common.load_failed', { message: errorMessage(e) }));
  }
}
