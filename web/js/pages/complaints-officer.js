// Matur Bupati officer console: the inbox of the officer's units (the desk
// sees every unit's) with filters, and one complaint at a time — the flow's
// actions (disposition, reject, forward, answer), public replies and
// internal notes with response templates, assignment, and the verifier's
// corrections. The inbox and the open complaint follow live changes.
import '../i18n/complaints.js';
import { h, replace, options, $ } from '../dom.js';
import { get, post, patch, hasRole } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { setupForm } from '../forms.js';
import { formatDate, formatDateTime } from '../format.js';
import { loading, loadFailed, flash, field, confirmDialog } from '../ui.js';
import { initPage } from '../layout.js';
import { loadDistricts, loadOrgs } from '../admin.js';
import { STATES, stateBadge, kindLabel, catName, loadCategories, photoGallery, timeline, clockTable, followComplaints, typingIn } from '../complaints.js';

const PAGE = 25;
const state = { filters: {}, page: 1, cats: [], districts: [], units: [], templates: [], open: null, user: null };
const detail = $('#detail');

function fillFilters() {
  const f = state.filters;
  options($('#c-state'), [['', t('complaints.all_states')], ['open', t('complaints.open')], ['closed', t('complaints.closed')],
    ...STATES.map((s) => [s, t(`cstate.${s}`)])], f.state ?? 'open');
  options($('#c-category'), [['', t('complaints.all_categories')], ...state.cats.map((c) => [c.code, catName(c)])], f.category);
  options($('#c-district'), [['', t('complaints.all_districts')], ...state.districts.map((d) => [d.kode, d.nama])], f.district);
  options($('#c-assigned'), [['', t('console.anyone')], ['me', t('console.me')], ['none', t('console.nobody')]], f.assigned);
}

// quiet: a live refresh, without the loading placeholder's flicker.
async function loadInbox(quiet = false) {
  const box = $('#inbox');
  if (!quiet) loading(box);
  try {
    const q = { state: 'open', ...state.filters, page: state.page, page_size: PAGE };
    const d = await get('/api/complaints/inbox', q);
    $('#console-scope').textContent = d.all_units ? t('console.scope_all') : t('console.scope_units');
    $('#inbox-count').textContent = d.items.length ? t('complaints.page_n', { n: state.page }) : '';
    // Empty says why in words: nothing matches the filters chosen, or
    // there is simply nothing open (not "no matches" when nothing was filtered).
    const filtered = Object.entries(state.filters).some(([k, v]) => v && !(k === 'state' && v === 'open'));
    replace(box, d.items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table table-stack inbox' },
      h('thead', {}, h('tr', {}, ['console.col_case', 'console.col_what', 'console.col_unit', 'console.col_due'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, d.items.map((c) => h('tr', { class: [c.overdue && 'is-late', state.open === c.tracking && 'is-selected'], dataset: { no: c.tracking } },
        h('th', { scope: 'row', 'data-label': t('console.col_case') },
          h('button', { type: 'button', class: 'link-button', onclick: () => openCase(c.tracking) }, c.tracking), h('br'), stateBadge(c.state, c.overdue),
          c.confidential ? [' ', h('span', { class: 'badge badge-internal' }, t('complaints.confidential'))] : null),
        h('td', { 'data-label': t('console.col_what') }, h('strong', {}, catName(c.category)), ` · ${kindLabel(c.kind)}`, h('br'), c.excerpt),
        h('td', { 'data-label': t('console.col_unit') }, c.unit ? c.unit.name : '—', c.district ? [h('br'), c.district.nama] : null),
        h('td', { 'data-label': t('console.col_due') }, c.due ? formatDate(c.due) : '—'))))))
      : h('p', { class: 'empty-state', id: 'inbox-empty' }, t(filtered ? 'console.empty_filtered' : state.page > 1 ? 'console.empty_page' : 'console.empty')));
    replace($('#inbox-pager'),
      state.page > 1 ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => { state.page--; loadInbox(); } }, t('common.prev')) : h('span'),
      d.has_more ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => { state.page++; loadInbox(); } }, t('common.next')) : null);
  } catch (e) {
    loadFailed(box, t('common.load_failed', { message: errorMessage(e) }));
  }
}

const unitOptions = () => [['', t('common.choose')], ...state.units.map((u) => [u.code, u.name])];

// One form per action the server says this officer may take now.
function actionForm(no, a, c) {
  const controls = [];
  if (a.needs.includes('unit')) {
    const sel = h('select', { name: 'unit', required: a.action !== 'disposition' });
    options(sel, unitOptions(), a.action === 'disposition' && c.route_unit ? c.route_unit.code : '');
    controls.push(field({ label: t('console.unit'), control: sel, hint: a.action === 'disposition' && c.route_unit ? t('console.route_hint', { unit: c.route_unit.name }) : null }));
  }
  if (a.reasons.length) {
    const sel = h('select', { name: 'reason', required: true });
    options(sel, [['', t('common.choose')], ...a.reasons.map((r) => [r, t(`reason.${r}`)])]);
    controls.push(field({ label: t('console.reason'), control: sel }));
    controls.push(field({ label: t('console.duplicate_of'), control: h('input', { name: 'duplicate_of', type: 'text', placeholder: 'MB-2026-000123' }), optional: true }));
  }
  const text = h('textarea', { name: 'text', rows: '4', maxlength: '4000', required: a.needs.includes('text') });
  controls.push(field({ label: t(`console.text_${a.action}`), control: text, optional: !a.needs.includes('text') }));
  if (a.action === 'answer' && state.templates.length) {
    const tpl = h('select', { 'aria-label': t('console.template') });
    options(tpl, [['', t('console.template')], ...state.templates.map((x) => [String(x.id), x.title])]);
    tpl.addEventListener('change', () => { const x = state.templates.find((y) => String(y.id) === tpl.value); if (x) text.value = x.body; });
    controls.unshift(field({ label: t('console.template'), control: tpl }));
  }
  const form = h('form', { class: 'form action-form', dataset: { action: a.action }, novalidate: true },
    h('h3', {}, t(`action.${a.action}`)), ...controls,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t(`action.${a.action}`))));
  setupForm(form, {
    async submit(v) {
      // Not processing a complaint ends it for the reporter: asked first,
      // naming the complaint and the reason; cancel sends nothing.
      if (a.action === 'reject' && !await confirmDialog({ title: t('action.reject'), confirmLabel: t('console.reject_yes'),
        message: t('console.reject_confirm', { no, reason: t(`reason.${v.reason}`) }) })) return;
      const body = {};
      for (const k of ['unit', 'text', 'reason', 'duplicate_of']) if (v[k]) body[k] = v[k];
      await post(`/api/complaints/${encodeURIComponent(no)}/actions/${a.action}`, body);
      flash(t('console.done', { action: t(`action.${a.action}`) }));
      await openCase(no);
      loadInbox();
    },
  });
  return form;
}

function messageForm(no, can) {
  const text = h('textarea', { name: 'text', rows: '4', maxlength: '4000', required: true });
  const vis = h('select', { name: 'visibility' });
  options(vis, [['internal', t('console.internal')], ...(can.reply ? [['public', t('console.public')]] : [])], 'internal');
  const form = h('form', { class: 'form action-form', id: 'message-form', novalidate: true },
    h('h3', {}, t('console.message')), field({ label: t('console.visibility'), control: vis }), field({ label: t('case.message'), control: text }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-secondary' }, t('case.send'))));
  setupForm(form, {
    async submit(v) {
      await post(`/api/complaints/${encodeURIComponent(no)}/messages`, { text: v.text, visibility: v.visibility });
      flash(t('case.sent'));
      await openCase(no);
    },
  });
  return form;
}

async function assignForm(no, c) {
  const staff = await get('/api/complaints/staff', { unit: c.unit.code }).then((d) => d.items).catch(() => []);
  const sel = h('select', { name: 'user_id' });
  options(sel, [['', t('console.nobody')], ...staff.map((s) => [String(s.id), `${s.name} (${t(`role.${s.role}`)})`])], c.assignee ? String(c.assignee.id) : '');
  const form = h('form', { class: 'form action-form', id: 'assign-form', novalidate: true },
    h('h3', {}, t('console.assign')), field({ label: t('console.assignee'), control: sel }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-secondary' }, t('common.save'))));
  setupForm(form, {
    async submit(v) {
      await post(`/api/complaints/${encodeURIComponent(no)}/assign`, { user_id: v.user_id ? Number(v.user_id) : null });
      flash(t('console.assigned_ok'));
      await openCase(no);
      loadInbox();
    },
  });
  return form;
}

function editForm(no, c) {
  const cat = h('select', { name: 'category' });
  options(cat, state.cats.map((x) => [x.code, catName(x)]), c.category.code);
  const conf = h('input', { type: 'checkbox', name: 'confidential', checked: c.confidential, disabled: c.confidential });
  const form = h('form', { class: 'form action-form', id: 'edit-form', novalidate: true },
    h('h3', {}, t('console.edit')), field({ label: t('complaints.category'), control: cat }),
    field({ label: t('complaints.confidential'), control: conf, hint: t('console.confidential_hint') }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-secondary' }, t('common.save'))));
  setupForm(form, {
    async submit(v) {
      const body = {};
      if (v.category !== c.category.code) body.category = v.category;
      if (!c.confidential && v.confidential) body.confidential = true;
      if (!Object.keys(body).length) return;
      await patch(`/api/complaints/${encodeURIComponent(no)}`, body);
      flash(t('console.saved'));
      await openCase(no);
    },
  });
  return form;
}

async function openCase(no, quiet = false) {
  state.open = no;
  history.replaceState(null, '', `?no=${encodeURIComponent(no)}`);
  if (!quiet) loading(detail);
  let d;
  try {
    d = await get(`/api/complaints/${encodeURIComponent(no)}`);
  } catch (e) {
    loadFailed(detail, t('common.load_failed', { message: errorMessage(e) }));
    return;
  }
  const c = d.complaint;
  const r = c.reporter;
  const loc = c.location;
  replace(detail,
    h('div', { class: 'card' },
      h('p', { class: 'case-meta' }, stateBadge(c.state, c.overdue), ' ', h('span', { class: 'chip' }, kindLabel(c.kind)), ' ', h('span', { class: 'chip' }, catName(c.category)),
        c.confidential ? [' ', h('span', { class: 'badge badge-internal' }, t('complaints.confidential'))] : null),
      h('h2', { class: 'tracking-title', id: 'detail-title' }, c.tracking),
      h('p', { class: 'case-description' }, c.description),
      c.photos.length ? photoGallery(c.photos) : null,
      h('dl', { class: 'details' },
        h('dt', {}, t('case.unit')), h('dd', {}, c.unit ? c.unit.name : '—'),
        h('dt', {}, t('case.due')), h('dd', {}, c.due ? formatDate(c.due) : '—'),
        c.settle_due ? [h('dt', {}, t('case.settle_due')), h('dd', { id: 'settle-due' }, formatDate(c.settle_due),
          c.settle_overdue ? [' ', h('span', { class: 'badge badge-overdue' }, t('case.settle_late'))] : null)] : null,
        h('dt', {}, t('console.assignee')), h('dd', {}, c.assignee ? c.assignee.name : t('console.nobody')),
        h('dt', {}, t('complaints.location')), h('dd', {}, [loc.address, loc.village && loc.village.nama, loc.district && loc.district.nama,
          loc.lat !== null ? `${loc.lat.toFixed(5)}, ${loc.long.toFixed(5)}` : null].filter(Boolean).join(' · ') || '—'),
        h('dt', {}, t('case.reporter')), h('dd', {}, r ? [r.name, r.email, r.phone].filter(Boolean).join(' · ') || t('console.no_contact')
          : t('console.anonymous')),
        h('dt', {}, t('console.channel')), h('dd', {}, c.channel),
        h('dt', {}, t('case.filed')), h('dd', {}, formatDateTime(c.created_at)))),
    d.actions.length ? h('div', { class: 'card stack' }, d.actions.map((a) => actionForm(c.tracking, a, c))) : null,
    d.can.note ? h('div', { class: 'card' }, messageForm(c.tracking, d.can)) : null,
    d.can.assign ? h('div', { class: 'card', id: 'assign-box' }) : null,
    d.can.edit ? h('div', { class: 'card' }, editForm(c.tracking, c)) : null,
    h('section', { class: 'card', id: 'detail-timeline' }, h('h3', {}, t('case.timeline')), timeline(d.timeline)),
    h('section', { class: 'card' }, h('h3', {}, t('complaints.clocks')), clockTable(d.clocks)));
  if (d.can.assign) $('#assign-box').append(await assignForm(c.tracking, c));
  if (!quiet) detail.focus();
}

// A complaint of one of the followed units changed: redraw the inbox (a
// burst of events, one redraw) and the open complaint - only its timeline
// while an officer is writing in one of its forms.
let liveTimer = null;
async function onLive(ev) {
  clearTimeout(liveTimer);
  liveTimer = setTimeout(() => loadInbox(true), 250);
  if (ev.ref !== state.open) return;
  if (!typingIn(detail)) { await openCase(ev.ref, true); return; }
  const d = await get(`/api/complaints/${encodeURIComponent(ev.ref)}`).catch(() => null);
  const box = $('#detail-timeline');
  if (d && box && state.open === ev.ref) replace(box, h('h3', {}, t('case.timeline')), timeline(d.timeline));
}

// The units whose complaints this officer handles; admins and the regent's
// office follow the desk, whose inbox holds every new complaint.
async function liveTopics() {
  const units = new Set(state.user.roles.filter((r) => (r.role === 'officer' || r.role === 'unit_head') && r.unit).map((r) => r.unit.code));
  if (hasRole(state.user, 'admin') || hasRole(state.user, 'regent_office')) {
    const s = await get('/api/complaints/settings').catch(() => null);
    if (s && s.desk_unit.exists) units.add(s.desk_unit.code);
  }
  return Array.from(units, (code) => `unit/${code}/complaints`);
}

$('#inbox-filters').addEventListener('submit', (e) => {
  e.preventDefault();
  const fd = new FormData(e.currentTarget);
  state.filters = Object.fromEntries(Array.from(fd.entries()).filter(([, v]) => v !== '').map(([k, v]) => [k, k === 'overdue' ? 'true' : v]));
  state.page = 1;
  loadInbox();
});
onLangChange(() => { fillFilters(); loadInbox(); if (state.open) openCase(state.open); });

const ctx = await initPage({ active: 'complaints', auth: true });
state.user = ctx && ctx.user;
if (!['officer', 'unit_head', 'admin', 'regent_office'].some((role) => hasRole(state.user, role))) {
  replace($('#main'), h('h1', {}, t('admin.forbidden_title')), h('p', { class: 'alert alert-error' }, t('console.forbidden')));
} else {
  // While the lists load, the filters and the inbox say so rather than
  // showing empty choices.
  for (const id of ['#c-state', '#c-category', '#c-district', '#c-assigned']) options($(id), [['', t('common.loading')]]);
  loading($('#inbox'));
  [state.cats, state.districts, state.units, state.templates] = await Promise.all([
    loadCategories().catch(() => []), loadDistricts().catch(() => []), loadOrgs().catch(() => []),
    get('/api/complaints/templates').then((d) => d.items).catch(() => [])]);
  fillFilters();
  await loadInbox();
  const no = new URLSearchParams(location.search).get('no');
  if (no) await openCase(no);
  followComplaints(await liveTopics(), onLive);
}
