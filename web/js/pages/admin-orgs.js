// Admin: the OPD tree — add, edit and delete units.
import '../i18n/admin.js';
import { h, icon, replace, options, $ } from '../dom.js';
import { post, patch, del, seg, loadSite } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { setupForm } from '../forms.js';
import { formatNumber } from '../format.js';
import { modal, confirmDialog, flash, field, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { loadOrgs, unitTree, subtreeCodes, parentCode, regionCode, loadDistricts, regencyCode } from '../admin.js';

const KINDS = ['secretariat', 'agency', 'office', 'hospital', 'health_facility', 'district', 'other'];
const treeEl = $('#org-tree');
const countEl = $('#result-count');
const state = { items: [], loaded: false, error: null, regions: new Map(), regency: null };

function regionName(kode) {
  if (!kode) return null;
  return state.regions.get(kode) || kode;
}

// ---- form -----------------------------------------------------------------

function openForm(unit = null) {
  const editing = !!unit;
  let m = null;
  const code = h('input', { name: 'code', type: 'text', required: true, maxlength: '32', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', value: unit ? unit.code : '', readonly: editing });
  const name = h('input', { name: 'name', type: 'text', required: true, maxlength: '200', autocomplete: 'off', value: unit ? unit.name : '' });
  const kind = h('select', { name: 'kind', required: true });
  options(kind, [['', t('common.choose')], ...KINDS.map((k) => [k, t(`kind.${k}`)])], unit ? unit.kind : '');
  const parent = h('select', { name: 'parent' });
  const excluded = editing ? subtreeCodes(state.items, unit.code) : new Set();
  options(parent, [['', t('orgs.no_parent')],
    ...unitTree(state.items).filter(({ unit: u }) => !excluded.has(u.code)).map(({ unit: u, depth }) => [u.code, `${'– '.repeat(depth)}${u.name}`])],
  unit ? parentCode(unit) || '' : '');
  const region = h('select', { name: 'region' });
  const regionItems = [['', t('orgs.no_region')]];
  if (state.regency) regionItems.push([state.regency.kode, state.regency.nama]);
  for (const [kode, nama] of state.regions) if (!state.regency || kode !== state.regency.kode) regionItems.push([kode, nama]);
  const current = unit ? regionCode(unit) : null;
  if (current && !state.regions.has(current) && !(state.regency && state.regency.kode === current)) regionItems.push([current, current]);
  options(region, regionItems, current || '');

  const form = h('form', { class: 'form', method: 'post', novalidate: true },
    h('div', { class: 'alert alert-error form-alert', role: 'alert', tabindex: '-1' }),
    field({ label: t('orgs.code'), control: code, hint: t('orgs.code_hint') }),
    field({ label: t('orgs.name'), control: name }),
    field({ label: t('orgs.kind'), control: kind }),
    field({ label: t('orgs.parent'), control: parent }),
    field({ label: t('orgs.region'), control: region, hint: t('orgs.region_hint') }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save')),
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => m.close() }, t('common.cancel'))));

  setupForm(form, {
    async submit(v) {
      let d;
      if (editing) {
        const body = {};
        if (v.name !== unit.name) body.name = v.name;
        if (v.kind !== unit.kind) body.kind = v.kind;
        if (v.parent !== (parentCode(unit) || '')) body.parent = v.parent || null;
        if (v.region !== (regionCode(unit) || '')) body.region = v.region || null;
        if (!Object.keys(body).length) { m.close(); return; }
        d = await patch(`/api/orgs/${seg(unit.code)}`, body);
      } else {
        const body = { code: v.code, name: v.name, kind: v.kind };
        if (v.parent) body.parent = v.parent;
        if (v.region) body.region = v.region;
        d = await post('/api/orgs', body);
      }
      m.close();
      const saved = (d && d.unit) || { name: v.name };
      flash(t(editing ? 'orgs.saved' : 'orgs.created', { name: saved.name }));
      await load();
    },
  });
  m = modal({ title: editing ? `${t('orgs.edit_title')}: ${unit.name}` : t('orgs.create_title'), content: form });
}

async function remove(unit) {
  const ok = await confirmDialog({ message: t('orgs.delete_confirm', { name: unit.name }), detail: t('orgs.delete_hint') });
  if (!ok) return;
  try {
    await del(`/api/orgs/${seg(unit.code)}`);
    flash(t('orgs.deleted', { name: unit.name }));
    await load();
  } catch (e) {
    flash(e.code === 'conflict' ? t('orgs.in_use') : errorMessage(e), 'error');
  }
}

// ---- tree -----------------------------------------------------------------

function unitRow(u) {
  const region = regionName(regionCode(u));
  return h('div', { class: 'tree-row' },
    h('div', { class: 'tree-main' },
      h('span', { class: 'tree-name' }, u.name),
      h('span', { class: 'tree-meta' },
        h('code', { class: 'code' }, u.code),
        h('span', { class: 'badge badge-kind' }, t(`kind.${u.kind}`) === `kind.${u.kind}` ? u.kind : t(`kind.${u.kind}`)),
        region ? h('span', { class: 'tree-region' }, region) : null,
        u.demo ? h('span', { class: 'badge badge-muted' }, t('orgs.demo')) : null)),
    h('div', { class: 'tree-actions' },
      h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': t('orgs.edit_label', { name: u.name }), onclick: () => openForm(u) },
        icon('edit'), h('span', {}, t('common.edit'))),
      h('button', { type: 'button', class: 'btn btn-danger-quiet btn-small', 'aria-label': t('orgs.delete_label', { name: u.name }), onclick: () => remove(u) },
        icon('trash'), h('span', {}, t('common.delete')))));
}

function render() {
  if (!state.loaded) return;
  if (state.error) { loadFailed(treeEl, t('common.load_failed', { message: errorMessage(state.error) })); return; }
  countEl.textContent = state.items.length ? t('orgs.count', { n: formatNumber(state.items.length) }) : t('orgs.empty');
  // nested lists following the tree order
  const root = h('ul', { class: 'tree' });
  const stack = [root];
  for (const { unit, depth } of unitTree(state.items)) {
    while (stack.length > depth + 1) stack.pop();
    const li = h('li', { class: 'tree-item', dataset: { code: unit.code } }, unitRow(unit));
    stack[stack.length - 1].appendChild(li);
    const sub = h('ul', { class: 'tree' });
    li.appendChild(sub);
    stack.push(sub);
  }
  for (const ul of root.querySelectorAll('ul.tree')) if (!ul.children.length) ul.remove();
  replace(treeEl, state.items.length ? root : null);
}

async function load() {
  if (!state.loaded) loading(treeEl);
  try {
    state.items = await loadOrgs(true);
    state.error = null;
  } catch (e) {
    state.error = e;
  }
  state.loaded = true;
  render();
}

async function loadRegions() {
  try {
    const [kode, districts, site] = await Promise.all([regencyCode(), loadDistricts(), loadSite()]);
    state.regency = { kode, nama: (site && site.regency && site.regency.nama) || kode };
    for (const d of districts) state.regions.set(d.kode, d.nama);
  } catch { /* names fall back to codes */ }
}

onLangChange(render);
const ctx = await initPage({ active: 'admin', role: 'admin' });
if (ctx) {
  $('#add-unit').addEventListener('click', () => openForm());
  await Promise.all([loadRegions(), load()]);
  render();
}
