// Matur Bupati settings: the flow's deadlines (working days per state, the
// auto-close window, cuti bersama), categories with their default OPD and
// per-district routes, and response templates. Admins change everything;
// officers keep their own unit's templates and read the rest.
import '../i18n/complaints.js';
import { h, icon, replace, options, $ } from '../dom.js';
import { get, post, patch, del, seg, hasRole } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { setupForm } from '../forms.js';
import { modal, confirmDialog, flash, field, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { loadDistricts, loadOrgs } from '../admin.js';
import { catName } from '../complaints.js';

const DAY_STATES = ['submitted', 'in_progress', 'answered'];
const state = { user: null, admin: false, myUnits: [], units: [], districts: [], settings: null, cats: [], templates: [] };

const unitName = (u) => (u ? u.name : t('cadmin.no_unit'));
const unitChoices = (none) => [['', none], ...state.units.map((u) => [u.code, `${u.name} (${u.code})`])];
const orNull = (s) => (s === '' ? null : s);

// ---- settings -----------------------------------------------------------------------------

function renderSettings() {
  const s = state.settings;
  const ro = !state.admin;
  const desk = h('select', { name: 'desk_unit', disabled: ro });
  options(desk, state.units.map((u) => [u.code, u.name]), s.desk_unit.code);
  const days = DAY_STATES.map((st) => field({
    label: t(`cadmin.days_${st}`),
    control: h('input', { name: `days.${st}`, type: 'number', min: '1', max: '60', step: '1', required: true, value: String(s.days[st]), disabled: ro }),
    hint: t(`cadmin.days_${st}_hint`),
  }));
  const cuti = h('input', { type: 'checkbox', name: 'cuti_bersama_off', checked: s.cuti_bersama_off, disabled: ro });
  const form = h('form', { class: 'form', id: 'settings-form', novalidate: true },
    field({ label: t('cadmin.desk_unit'), control: desk, hint: t('cadmin.desk_unit_hint') }),
    h('div', { class: 'grid-2' }, days),
    field({ label: t('cadmin.cuti_bersama_off'), control: cuti, hint: t('cadmin.cuti_bersama_hint') }),
    ro ? h('p', { class: 'hint' }, t('cadmin.admin_only')) : h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save'))));
  if (!ro) {
    setupForm(form, {
      async submit(v) {
        const body = { days: {} };
        if (v.desk_unit !== s.desk_unit.code) body.desk_unit = v.desk_unit;
        for (const st of DAY_STATES) body.days[st] = Number(v[`days.${st}`]);
        if (v.cuti_bersama_off !== s.cuti_bersama_off) body.cuti_bersama_off = v.cuti_bersama_off;
        state.settings = await patch('/api/complaints/settings', body);
        flash(t('cadmin.settings_saved'));
        renderSettings();
      },
    });
  }
  replace($('#settings'), form);
}

// ---- categories ---------------------------------------------------------------------------

function routeRow(route = null) {
  const district = h('select', { 'aria-label': t('cadmin.route_district'), class: 'route-district' });
  options(district, [['', t('common.choose')], ...state.districts.map((d) => [d.kode, d.nama])], route && route.district ? route.district.kode : '');
  const unit = h('select', { 'aria-label': t('cadmin.route_unit'), class: 'route-unit' });
  options(unit, unitChoices(t('common.choose')), route ? route.unit.code : '');
  const row = h('li', { class: 'route-row' }, district, unit,
    h('button', { type: 'button', class: 'btn btn-danger-quiet btn-small', onclick: () => row.remove() }, icon('trash'), h('span', {}, t('common.delete'))));
  return row;
}

function openCategory(cat = null) {
  let m = null;
  const text = (name, value, extra = {}) => h('input', { name, type: 'text', value: value || '', autocomplete: 'off', ...extra });
  const unit = h('select', { name: 'unit' });
  options(unit, unitChoices(t('cadmin.no_unit')), cat && cat.unit ? cat.unit.code : '');
  const routes = h('ul', { class: 'route-list' }, ((cat && cat.routes) || []).map(routeRow));
  const form = h('form', { class: 'form', id: 'category-form', novalidate: true },
    field({ label: t('cadmin.code'), control: text('code', cat && cat.code, { required: true, maxlength: '32', pattern: '[A-Z0-9][A-Z0-9_\\-]{1,31}', readonly: !!cat }),
      hint: cat ? t('cadmin.code_fixed') : t('cadmin.code_hint') }),
    field({ label: t('cadmin.name'), control: text('name', cat && cat.name, { required: true, maxlength: '200' }) }),
    field({ label: t('cadmin.name_en'), control: text('name_en', cat && cat.name_en, { maxlength: '200' }), optional: true }),
    field({ label: t('cadmin.group'), control: text('group', cat && cat.group, { maxlength: '100' }), optional: true }),
    field({ label: t('cadmin.description'), control: h('textarea', { name: 'description', rows: '2', maxlength: '1000' }, (cat && cat.description) || ''), optional: true }),
    field({ label: t('cadmin.keywords'), control: text('keywords', cat && cat.keywords, { maxlength: '500' }), optional: true, hint: t('cadmin.keywords_hint') }),
    field({ label: t('cadmin.sensitive'), control: h('input', { type: 'checkbox', name: 'sensitive', checked: !!(cat && cat.sensitive) }), hint: t('cadmin.sensitive_hint') }),
    field({ label: t('cadmin.unit'), control: unit, hint: t('cadmin.unit_hint') }),
    h('fieldset', { class: 'fieldset' }, h('legend', {}, t('cadmin.routes')), h('p', { class: 'hint' }, t('cadmin.routes_hint')), routes,
      h('button', { type: 'button', class: 'btn btn-secondary btn-small', id: 'add-route', onclick: () => routes.append(routeRow()) }, icon('plus'), h('span', {}, t('cadmin.add_route')))),
    field({ label: t('cadmin.active'), control: h('input', { type: 'checkbox', name: 'active', checked: !cat || cat.active }) }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save')),
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => m.close() }, t('common.cancel'))));
  setupForm(form, {
    async submit(v) {
      const body = { name: v.name, name_en: orNull(v.name_en), group: orNull(v.group), description: orNull(v.description),
        keywords: orNull(v.keywords), sensitive: v.sensitive, unit: orNull(v.unit), active: v.active,
        routes: Array.from(routes.children).map((row) => ({ district: $('.route-district', row).value, unit: $('.route-unit', row).value }))
          .filter((r) => r.district && r.unit) };
      if (cat) await patch(`/api/complaints/categories/${seg(cat.code)}`, body);
      else await post('/api/complaints/categories', { code: v.code, ...body });
      m.close();
      flash(t('cadmin.category_saved', { name: v.name }));
      await loadCats();
    },
  });
  m = modal({ title: cat ? t('cadmin.edit_category', { name: catName(cat) }) : t('cadmin.add_category'), content: form, wide: true });
}

// A few routes listed; many (a puskesmas per district) folded away.
function routeSummary(routes) {
  if (!routes || !routes.length) return '—';
  const list = h('ul', { class: 'plain-list' }, routes.map((r) => h('li', {}, `${r.district ? r.district.nama : '?'} → ${r.unit.name}`)));
  return routes.length <= 3 ? list : h('details', {}, h('summary', {}, t('cadmin.routes_n', { n: routes.length })), list);
}

function renderCats() {
  const box = $('#categories');
  if (!state.cats.length) { replace(box, h('p', { class: 'muted' }, t('cadmin.no_categories'))); return; }
  replace(box, h('div', { class: 'table-wrap' }, h('table', { class: 'table table-stack', id: 'category-table' },
    h('thead', {}, h('tr', {}, ['cadmin.category', 'cadmin.group', 'cadmin.unit', 'cadmin.routes', 'cadmin.status'].map((k) => h('th', { scope: 'col' }, t(k))),
      state.admin ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('common.actions'))) : null)),
    h('tbody', {}, state.cats.map((c) => h('tr', { dataset: { code: c.code } },
      h('th', { scope: 'row', 'data-label': t('cadmin.category') }, catName(c), h('br'), h('span', { class: 'muted' }, c.code),
        c.sensitive ? [' ', h('span', { class: 'badge badge-internal' }, t('cadmin.sensitive_badge'))] : null),
      h('td', { 'data-label': t('cadmin.group') }, c.group || '—'),
      h('td', { 'data-label': t('cadmin.unit') }, unitName(c.unit)),
      h('td', { 'data-label': t('cadmin.routes') }, routeSummary(c.routes)),
      h('td', { 'data-label': t('cadmin.status') }, c.active ? t('cadmin.active') : t('cadmin.inactive')),
      state.admin ? h('td', { class: 'cell-actions' }, h('button', { type: 'button', class: 'btn btn-secondary btn-small',
        'aria-label': t('cadmin.edit_category', { name: catName(c) }), onclick: () => openCategory(c) }, icon('edit'), h('span', {}, t('common.edit')))) : null))))));
}

async function loadCats() {
  loading($('#categories'));
  try {
    state.cats = (await get('/api/complaints/categories', state.admin ? { all: 'true' } : {})).items;
    renderCats();
  } catch (e) {
    loadFailed($('#categories'), t('common.load_failed', { message: errorMessage(e) }));
  }
}

// ---- templates ----------------------------------------------------------------------------

const mayEdit = (tpl) => state.admin || (tpl.unit && state.myUnits.includes(tpl.unit.code));

function openTemplate(tpl = null) {
  let m = null;
  const unit = h('select', { name: 'unit', required: !state.admin, disabled: !!tpl });
  const units = state.admin ? state.units : state.units.filter((u) => state.myUnits.includes(u.code));
  options(unit, [...(state.admin ? [['', t('cadmin.whole_regency')]] : []), ...units.map((u) => [u.code, u.name])],
    tpl ? (tpl.unit ? tpl.unit.code : '') : (state.admin ? '' : state.myUnits[0]));
  const form = h('form', { class: 'form', id: 'template-form', novalidate: true },
    field({ label: t('cadmin.template_title'), control: h('input', { name: 'title', type: 'text', required: true, maxlength: '200', value: tpl ? tpl.title : '' }) }),
    field({ label: t('cadmin.template_body'), control: h('textarea', { name: 'body', rows: '6', required: true, maxlength: '4000' }, tpl ? tpl.body : '') }),
    field({ label: t('cadmin.template_unit'), control: unit, hint: tpl ? t('cadmin.template_unit_fixed') : null }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save')),
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => m.close() }, t('common.cancel'))));
  setupForm(form, {
    async submit(v) {
      if (tpl) await patch(`/api/complaints/templates/${seg(tpl.id)}`, { title: v.title, body: v.body });
      else await post('/api/complaints/templates', { title: v.title, body: v.body, unit: orNull(v.unit) });
      m.close();
      flash(t('cadmin.template_saved', { title: v.title }));
      await loadTemplates();
    },
  });
  m = modal({ title: tpl ? t('cadmin.edit_template') : t('cadmin.add_template'), content: form, wide: true });
}

async function removeTemplate(tpl) {
  if (!await confirmDialog({ message: t('cadmin.delete_template', { title: tpl.title }) })) return;
  try {
    await del(`/api/complaints/templates/${seg(tpl.id)}`);
    flash(t('cadmin.template_deleted', { title: tpl.title }));
    await loadTemplates();
  } catch (e) {
    flash(errorMessage(e), 'error');
  }
}

function renderTemplates() {
  const box = $('#templates');
  if (!state.templates.length) { replace(box, h('p', { class: 'muted' }, t('cadmin.no_templates'))); return; }
  replace(box, h('div', { class: 'table-wrap' }, h('table', { class: 'table table-stack', id: 'template-table' },
    h('thead', {}, h('tr', {}, ['cadmin.template_title', 'cadmin.template_unit', 'cadmin.template_body'].map((k) => h('th', { scope: 'col' }, t(k))),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('common.actions'))))),
    h('tbody', {}, state.templates.map((x) => h('tr', { dataset: { id: x.id } },
      h('th', { scope: 'row', 'data-label': t('cadmin.template_title') }, x.title),
      h('td', { 'data-label': t('cadmin.template_unit') }, x.unit ? x.unit.name : t('cadmin.whole_regency')),
      h('td', { 'data-label': t('cadmin.template_body') }, x.body),
      h('td', { class: 'cell-actions' }, mayEdit(x) ? [
        h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': t('cadmin.edit_label', { title: x.title }), onclick: () => openTemplate(x) },
          icon('edit'), h('span', {}, t('common.edit'))),
        h('button', { type: 'button', class: 'btn btn-danger-quiet btn-small', 'aria-label': t('cadmin.delete_label', { title: x.title }), onclick: () => removeTemplate(x) },
          icon('trash'), h('span', {}, t('common.delete')))] : null)))))));
}

async function loadTemplates() {
  loading($('#templates'));
  try {
    state.templates = (await get('/api/complaints/templates')).items;
    renderTemplates();
  } catch (e) {
    loadFailed($('#templates'), t('common.load_failed', { message: errorMessage(e) }));
  }
}

// ---- the page -----------------------------------------------------------------------------

async function loadSettings() {
  loading($('#settings'));
  try {
    state.settings = await get('/api/complaints/settings');
    renderSettings();
  } catch (e) {
    loadFailed($('#settings'), t('common.load_failed', { message: errorMessage(e) }));
  }
}

const ctx = await initPage({ active: 'complaints', auth: true });
state.user = ctx && ctx.user;
if (!['officer', 'unit_head', 'admin', 'regent_office'].some((role) => hasRole(state.user, role))) {
  replace($('#main'), h('h1', {}, t('admin.forbidden_title')), h('p', { class: 'alert alert-error' }, t('console.forbidden')));
} else {
  state.admin = hasRole(state.user, 'admin');
  state.myUnits = state.user.roles.filter((r) => (r.role === 'officer' || r.role === 'unit_head') && r.unit).map((r) => r.unit.code);
  $('#cadmin-scope').textContent = state.admin ? t('cadmin.scope_admin') : t('cadmin.scope_staff');
  $('#add-category').hidden = !state.admin;
  $('#add-template').hidden = !(state.admin || state.myUnits.length);
  $('#add-category').addEventListener('click', () => openCategory());
  $('#add-template').addEventListener('click', () => openTemplate());
  [state.units, state.districts] = await Promise.all([loadOrgs().catch(() => []), loadDistricts().catch(() => [])]);
  await Promise.all([loadSettings(), loadCats(), loadTemplates()]);
  onLangChange(() => {
    $('#cadmin-scope').textContent = state.admin ? t('cadmin.scope_admin') : t('cadmin.scope_staff');
    if (state.settings) renderSettings();
    renderCats();
    renderTemplates();
  });
}
