// Admin: users — search, create staff accounts, edit roles, disable.
import '../i18n/admin.js';
import { h, icon, replace, options, $ } from '../dom.js';
import { get, post, patch, seg, withQuery } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { setupForm, fieldError, clearErrors } from '../forms.js';
import { formatDate, formatNumber } from '../format.js';
import { modal, flash, field, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { loadOrgs, unitTree, loadDistricts, regionChildren } from '../admin.js';
import { ROLES, STAFF_ROLES, UNIT_ROLES, VILLAGE_ROLES, roleLabel, roleText, roleChips } from '../roles.js';

const LIMIT = 20;
const params = new URLSearchParams(location.search);
const state = {
  q: params.get('q') || '',
  role: ROLES.includes(params.get('role')) ? params.get('role') : '',
  offset: Math.max(0, parseInt(params.get('offset') || '0', 10) || 0),
  items: [],
  total: 0,
  loaded: false,
  error: null,
};

const listEl = $('#user-list');
const countEl = $('#result-count');
const searchForm = $('#search-form');

function fillRoleFilter() {
  options($('#role-filter'), [['', t('users.all_roles')], ...ROLES.map((r) => [r, roleLabel(r)])], state.role);
}

// ---- role + scope picker -------------------------------------------------

function scopePicker({ initial = '' } = {}) {
  const role = h('select', { name: 'role' });
  const unit = h('select', { name: 'unit' });
  const district = h('select', { name: 'district' });
  const village = h('select', { name: 'village' });
  const choose = () => ['', t('common.choose')];
  options(role, [choose(), ...STAFF_ROLES.map((r) => [r, roleLabel(r)])], initial);
  options(unit, [choose()]);
  options(district, [choose()]);
  options(village, [choose()]);

  const unitField = field({ label: t('users.unit'), control: unit });
  const districtField = field({ label: t('users.district'), control: district });
  const villageField = field({ label: t('users.village'), control: village });

  let unitsLoaded = false;
  let districtsLoaded = false;
  async function loadUnits() {
    if (unitsLoaded) return;
    unitsLoaded = true;
    try {
      const items = await loadOrgs();
      options(unit, [choose(), ...unitTree(items).map(({ unit: u, depth }) => [u.code, `${'– '.repeat(depth)}${u.name}`])]);
    } catch (e) { unitsLoaded = false; options(unit, [['', errorMessage(e)]]); }
  }
  async function loadDistrictList() {
    if (districtsLoaded) return;
    districtsLoaded = true;
    try {
      const items = await loadDistricts();
      options(district, [choose(), ...items.map((d) => [d.kode, d.nama])]);
    } catch (e) { districtsLoaded = false; options(district, [['', errorMessage(e)]]); }
  }
  district.addEventListener('change', async () => {
    options(village, [['', t('common.loading')]]);
    if (!district.value) { options(village, [choose()]); return; }
    try {
      const items = await regionChildren(district.value);
      options(village, [choose(), ...items.map((v) => [v.kode, v.nama])]);
    } catch (e) { options(village, [['', errorMessage(e)]]); }
  });

  function show(fieldEl, control, on) {
    fieldEl.hidden = !on;
    control.disabled = !on;
  }
  function sync() {
    const needUnit = UNIT_ROLES.has(role.value);
    const needVillage = VILLAGE_ROLES.has(role.value);
    show(unitField, unit, needUnit);
    show(districtField, district, needVillage);
    show(villageField, village, needVillage);
    if (needUnit) loadUnits();
    if (needVillage) loadDistrictList();
  }
  role.addEventListener('change', sync);
  sync();

  const selectedText = (sel) => (sel.selectedOptions[0] ? sel.selectedOptions[0].textContent.replace(/^(– )+/, '') : '');
  return {
    el: [field({ label: t('users.role'), control: role }), unitField, districtField, villageField],
    role,
    // [[name, message]] of what is missing
    check({ requireRole = true } = {}) {
      const errs = [];
      if (!role.value) { if (requireRole) errs.push(['role', t('validation.required')]); return errs; }
      if (UNIT_ROLES.has(role.value) && !unit.value) errs.push(['unit', t('users.scope_unit_required')]);
      if (VILLAGE_ROLES.has(role.value) && !village.value) errs.push([district.value ? 'village' : 'district', t('users.scope_village_required')]);
      return errs;
    },
    // the role as the user object shows it
    value() {
      const r = { role: role.value, unit: null, village: null };
      if (UNIT_ROLES.has(role.value)) r.unit = { code: unit.value, name: selectedText(unit) };
      if (VILLAGE_ROLES.has(role.value)) r.village = { kode: village.value, nama: selectedText(village) };
      return r;
    },
    reset() { role.value = ''; unit.value = ''; district.value = ''; options(village, [choose()]); sync(); },
  };
}

// {role, unit:{code}, village:{kode}} → {role, unit: code, village: kode}
function roleForApi(r) {
  const out = { role: r.role };
  if (r.unit && r.unit.code) out.unit = r.unit.code;
  if (r.village && r.village.kode) out.village = r.village.kode;
  return out;
}
const roleKey = (r) => JSON.stringify(roleForApi(r));

function textInput(name, { type = 'text', required = false, autocomplete = 'off', value = '', ...rest } = {}) {
  return h('input', { name, type, required, autocomplete, value, ...rest });
}

function actions(submitKey, close) {
  return h('div', { class: 'form-actions' },
    h('button', { type: 'submit', class: 'btn btn-primary' }, t(submitKey)),
    h('button', { type: 'button', class: 'btn btn-secondary', onclick: close }, t('common.cancel')));
}

function contactCheck(v) {
  return !v.email && !v.phone ? [['email', t('validation.email_or_phone')]] : [];
}

// ---- create ---------------------------------------------------------------

function openCreate() {
  const picker = scopePicker({ initial: 'officer' });
  let m = null;
  const form = h('form', { class: 'form', method: 'post', novalidate: true },
    h('div', { class: 'alert alert-error form-alert', role: 'alert', tabindex: '-1' }),
    field({ label: t('register.name'), control: textInput('name', { required: true, maxlength: '200', autocomplete: 'off' }) }),
    field({ label: t('register.email'), control: textInput('email', { type: 'email', maxlength: '254', autocapitalize: 'none', spellcheck: 'false' }), hint: t('register.contact_hint') }),
    field({ label: t('register.phone'), control: textInput('phone', { type: 'tel', maxlength: '20', inputmode: 'tel' }), optional: true }),
    field({ label: t('users.password_initial'), control: textInput('password', { type: 'password', required: true, minlength: '8', maxlength: '200', autocomplete: 'new-password' }), hint: t('users.password_initial_hint') }),
    ...picker.el,
    actions('common.save', () => m.close()));
  setupForm(form, {
    validate: (v) => [...contactCheck(v), ...picker.check()],
    async submit(v) {
      const body = { name: v.name, password: v.password, roles: [roleForApi(picker.value())] };
      if (v.email) body.email = v.email;
      if (v.phone) body.phone = v.phone;
      const d = await post('/api/users', body);
      m.close();
      flash(t('users.created', { name: d.user.name }));
      await load();
    },
  });
  m = modal({ title: t('users.create_title'), content: form });
}

// ---- edit -----------------------------------------------------------------

function openEdit(u) {
  const roles = (u.roles || []).map((r) => ({ role: r.role, unit: r.unit || null, village: r.village || null }));
  const initialRoles = roles.map(roleKey).sort().join('|');
  const picker = scopePicker();
  const roleList = h('ul', { class: 'role-list' });
  let m = null;

  function renderRoles() {
    replace(roleList, roles.length ? roles.map((r, i) => h('li', { class: 'role-item' },
      h('span', {}, roleText(r)),
      h('button', {
        type: 'button', class: 'icon-button icon-button-danger', 'aria-label': t('users.remove_role', { role: roleText(r) }),
        onclick: () => { roles.splice(i, 1); renderRoles(); picker.role.focus(); },
      }, icon('trash')))) : h('li', { class: 'muted' }, t('users.no_roles')));
  }
  renderRoles();

  const addBtn = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, icon('plus'), h('span', {}, t('users.add_role')));
  const disabled = h('input', { type: 'checkbox', name: 'disabled', checked: !!u.disabled });
  const form = h('form', { class: 'form', method: 'post', novalidate: true },
    h('div', { class: 'alert alert-error form-alert', role: 'alert', tabindex: '-1' }),
    field({ label: t('register.name'), control: textInput('name', { required: true, maxlength: '200', value: u.name || '' }) }),
    field({ label: t('register.email'), control: textInput('email', { type: 'email', maxlength: '254', value: u.email || '', autocapitalize: 'none', spellcheck: 'false' }) }),
    field({ label: t('register.phone'), control: textInput('phone', { type: 'tel', maxlength: '20', value: u.phone || '', inputmode: 'tel' }) }),
    h('fieldset', { class: 'fieldset' },
      h('legend', { class: 'label' }, t('users.roles')),
      roleList,
      h('div', { class: 'role-add' }, ...picker.el, addBtn)),
    field({ label: t('users.password_reset'), control: textInput('password', { type: 'password', minlength: '8', maxlength: '200', autocomplete: 'new-password' }), hint: t('users.password_reset_hint'), optional: true }),
    field({ label: t('users.disabled'), control: disabled, hint: t('users.disabled_hint') }),
    actions('common.save', () => m.close()));

  addBtn.addEventListener('click', () => {
    clearErrors(form);
    const errs = picker.check();
    if (errs.length) { for (const [n, msg] of errs) fieldError(form, n, msg); form.elements.namedItem(errs[0][0]).focus(); return; }
    const r = picker.value();
    if (!roles.some((x) => roleKey(x) === roleKey(r))) roles.push(r);
    renderRoles();
    picker.reset();
    picker.role.focus();
  });

  setupForm(form, {
    // A role chosen in the picker but not yet added counts too.
    validate: (v) => [...contactCheck(v), ...(picker.role.value ? picker.check() : [])],
    async submit(v) {
      if (picker.role.value) {
        const r = picker.value();
        if (!roles.some((x) => roleKey(x) === roleKey(r))) roles.push(r);
        renderRoles();
        picker.reset();
      }
      const body = {};
      for (const k of ['name', 'email', 'phone']) if (v[k] !== (u[k] || '')) body[k] = v[k] === '' ? null : v[k];
      if (v.password) body.password = v.password;
      if (v.disabled !== !!u.disabled) body.disabled = v.disabled;
      if (roles.map(roleKey).sort().join('|') !== initialRoles) body.roles = roles.map(roleForApi);
      if (!Object.keys(body).length) { m.close(); return; }
      const d = await patch(`/api/users/${seg(u.id)}`, body);
      m.close();
      flash(t('users.saved', { name: d.user.name }));
      await load();
    },
  });
  m = modal({ title: `${t('users.edit_title')}: ${u.name}`, content: form, wide: true });
}

// ---- list -----------------------------------------------------------------

function cell(labelKey, ...content) {
  return h('td', { 'data-label': t(labelKey) }, ...content);
}

function render() {
  fillRoleFilter();
  if (!state.loaded) return;
  if (state.error) { loadFailed(listEl, t('common.load_failed', { message: errorMessage(state.error) })); countEl.textContent = ''; return; }
  const { items, total, offset } = state;
  countEl.textContent = items.length
    ? t('users.count', { from: formatNumber(offset + 1), to: formatNumber(offset + items.length), total: formatNumber(total) })
    : t('users.none');
  if (!items.length) { listEl.replaceChildren(); return; }

  const table = h('table', { class: 'table table-stack' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('users.col_name')),
      h('th', { scope: 'col' }, t('users.col_contact')),
      h('th', { scope: 'col' }, t('users.col_roles')),
      h('th', { scope: 'col' }, t('users.col_created')),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('common.actions'))))),
    h('tbody', {}, items.map((u) => h('tr', { dataset: { userId: u.id } },
      h('th', { scope: 'row', 'data-label': t('users.col_name') },
        h('span', { class: 'user-name' }, u.name),
        u.disabled ? h('span', { class: 'badge badge-muted' }, t('users.disabled_badge')) : null),
      cell('users.col_contact', h('span', { class: 'contact' }, u.email || ''), u.email && u.phone ? h('br') : null, h('span', { class: 'contact' }, u.phone || '')),
      cell('users.col_roles', roleChips(u.roles)),
      cell('users.col_created', u.created_at ? formatDate(u.created_at, { short: true }) : t('common.none')),
      h('td', { class: 'cell-actions' },
        h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': t('users.edit_label', { name: u.name }), onclick: () => openEdit(u) },
          icon('edit'), h('span', {}, t('common.edit'))))))));

  const pages = [];
  if (total > LIMIT) {
    const prev = h('button', { type: 'button', class: 'btn btn-secondary btn-small', disabled: offset === 0, onclick: () => go(Math.max(0, offset - LIMIT)) },
      icon('chevron-left'), h('span', {}, t('common.prev')));
    const next = h('button', { type: 'button', class: 'btn btn-secondary btn-small', disabled: offset + LIMIT >= total, onclick: () => go(offset + LIMIT) },
      h('span', {}, t('common.next')), icon('chevron-right'));
    pages.push(h('nav', { class: 'pager', 'aria-label': t('users.pages') }, prev, next));
  }
  replace(listEl, h('div', { class: 'table-wrap' }, table), pages);
}

function syncUrl() {
  const url = withQuery(location.pathname, { q: state.q, role: state.role, offset: state.offset || '' });
  history.replaceState(null, '', url);
}

async function load() {
  if (!state.loaded) loading(listEl);
  try {
    const d = await get('/api/users', { q: state.q, role: state.role, limit: LIMIT, offset: state.offset });
    state.items = (d && d.items) || [];
    state.total = (d && typeof d.total === 'number') ? d.total : state.items.length;
    state.error = null;
  } catch (e) {
    state.error = e;
  }
  state.loaded = true;
  render();
}

function go(offset) {
  state.offset = offset;
  syncUrl();
  load().then(() => countEl.scrollIntoView({ block: 'nearest' }));
}

searchForm.elements.q.value = state.q;
fillRoleFilter();
searchForm.addEventListener('submit', (e) => {
  e.preventDefault();
  state.q = searchForm.elements.q.value.trim();
  state.role = searchForm.elements.role.value;
  state.offset = 0;
  syncUrl();
  load();
});
onLangChange(render);

const ctx = await initPage({ active: 'admin', role: 'admin' });
if (ctx) {
  $('#add-user').addEventListener('click', openCreate);
  await load();
}
