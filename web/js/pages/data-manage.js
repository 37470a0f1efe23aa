// Producers and the walidata: a dataset's metadata (create or edit), a new
// table with its Frictionless Table Schema and indicator mappings, and -
// for the walidata - the indicator registry.  Everything goes through the
// JSON API, which checks it again; the form only shapes the request.
import '../i18n/data.js';
import { h, replace, options, $ } from '../dom.js';
import { get, post, patch, seg, hasRole } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { initPage } from '../layout.js';
import { field, flash } from '../ui.js';
import { staffNav } from '../satudata.js';

const LICENSES = ['cc-by-4.0', 'cc-by-sa-4.0', 'cc-zero', 'odc-odbl', 'other-closed'];
const FREQUENCIES = ['', 'daily', 'monthly', 'quarterly', 'semester', 'yearly', 'irregular'];
const LEVELS = ['', 'province', 'regency', 'district', 'village'];
const TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'year', 'yearmonth'];

const state = { user: null, orgs: [], datasets: [], groups: [], indicators: [], ds: '', ind: '', error: null };

const steward = () => hasRole(state.user, 'walidata') || hasRole(state.user, 'admin');
const myUnits = () => (state.user.roles || []).filter((r) => r.unit).map((r) => r.unit.code);
const editable = (d) => steward() || myUnits().includes(d.org.code);
const blank = (s) => { const v = s.trim(); return v === '' ? null : v; };

function input(name, attrs = {}) { return h('input', { name, type: 'text', ...attrs }); }
// A value stored by another client (the CKAN API, the demo) stays a choice,
// so that saving the form does not silently replace it.
function select(name, items, selected) {
  const known = selected === '' || selected === null || selected === undefined || items.some(([v]) => v === selected);
  return options(h('select', { name }), known ? items : [...items, [selected, selected]], selected);
}

// ---- the dataset -------------------------------------------------------------

function datasetForm() {
  const d = state.datasets.find((x) => x.name === state.ds) || null;
  const v = (k) => (d && d[k] != null ? d[k] : '');
  const pick = select('dataset', [['', t('data.manage.new_dataset')], ...state.datasets.filter(editable).map((x) => [x.name, `${x.title} (${x.org.code})`])], state.ds);
  pick.addEventListener('change', () => { state.ds = pick.value; render(); });
  const orgs = steward() ? state.orgs.map((o) => o.code) : myUnits();
  const c = {
    name: input('name', { required: !d, disabled: !!d, value: v('name'), pattern: '[a-z0-9_\\-]{2,100}', maxlength: '100' }),
    title: input('title', { required: true, maxlength: '200', value: v('title') }),
    notes: h('textarea', { name: 'notes', rows: '3', maxlength: '10000', value: v('notes') }),
    org: select('org', orgs.map((code) => [code, (state.orgs.find((o) => o.code === code) || { name: code }).name]), d ? d.org.code : orgs[0]),
    tags: input('tags', { value: d ? d.tags.join(', ') : '' }),
    license_id: select('license_id', LICENSES.map((l) => [l, t(`data.license.${l}`)]), v('license_id') || 'cc-by-4.0'),
    frequency: select('frequency', FREQUENCIES.map((f) => [f, f ? t(`data.freq.${f}`) : t('common.none')]), v('frequency')),
    release_schedule: input('release_schedule', { maxlength: '200', value: v('release_schedule') }),
    contact_name: input('contact_name', { maxlength: '200', value: v('contact_name') }),
    contact_email: input('contact_email', { type: 'email', maxlength: '254', value: v('contact_email') }),
    concept: h('textarea', { name: 'concept', rows: '2', maxlength: '4000', value: v('concept') }),
    definition: h('textarea', { name: 'definition', rows: '2', maxlength: '4000', value: v('definition') }),
    unit: input('unit', { maxlength: '100', value: v('unit') }),
    region_level: select('region_level', LEVELS.map((l) => [l, l ? t(`data.level.${l}`) : t('common.none')]), v('region_level')),
    period_start: input('period_start', { maxlength: '10', placeholder: '2020', value: v('period_start') }),
    period_end: input('period_end', { maxlength: '10', placeholder: '2025', value: v('period_end') }),
    priority: h('input', { name: 'priority', type: 'checkbox', checked: !!(d && d.priority) }),
    private: h('input', { name: 'private', type: 'checkbox', checked: !!(d && d.private) }),
  };
  c.org.disabled = !!d;
  const groups = state.groups.map((g) => h('input', { type: 'checkbox', name: 'groups', value: g.name, checked: !!(d && d.groups.some((x) => x.name === g.name)) }));
  const form = h('form', { class: 'form card', id: 'dataset-form', onsubmit: async (e) => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    const body = { title: c.title.value.trim(), notes: c.notes.value.trim(), license_id: c.license_id.value };
    // An update keeps what a request leaves out (null), so a cleared field is sent as ''.
    for (const k of ['frequency', 'release_schedule', 'contact_name', 'contact_email', 'concept', 'definition', 'unit', 'region_level', 'period_start', 'period_end']) body[k] = d ? c[k].value.trim() : blank(c[k].value);
    body.tags = c.tags.value.split(',').map((s) => s.trim()).filter(Boolean);
    body.groups = groups.filter((g) => g.checked).map((g) => g.value);
    body.priority = c.priority.checked;
    body.private = c.private.checked;
    try {
      let r;
      if (d) r = await patch(`/api/data/datasets/${seg(d.name)}`, body);
      else r = await post('/api/data/datasets', { ...body, name: c.name.value.trim(), org: c.org.value });
      state.ds = r.dataset.name;
      await load();
      flash(t(d ? 'data.manage.dataset_saved' : 'data.manage.dataset_created', { title: r.dataset.title }));
    } catch (err) {
      flash(errorMessage(err), 'error');
    }
  } },
  field({ label: t('data.manage.dataset'), control: pick }),
  field({ label: t('data.manage.name'), control: c.name, hint: t('data.manage.name_hint') }),
  field({ label: t('data.manage.title_field'), control: c.title }),
  field({ label: t('data.manage.notes'), control: c.notes, optional: true }),
  field({ label: t('data.meta.org'), control: c.org }),
  h('div', { class: 'grid-2' },
    field({ label: t('data.meta.license'), control: c.license_id }),
    field({ label: t('data.meta.frequency'), control: c.frequency }),
    field({ label: t('data.meta.schedule'), control: c.release_schedule, optional: true, hint: t('data.manage.schedule_hint') }),
    field({ label: t('data.meta.unit'), control: c.unit, optional: true }),
    field({ label: t('data.manage.contact_name'), control: c.contact_name, optional: true }),
    field({ label: t('data.manage.contact_email'), control: c.contact_email, optional: true }),
    field({ label: t('data.manage.concept'), control: c.concept, optional: true }),
    field({ label: t('data.manage.definition'), control: c.definition, optional: true }),
    field({ label: t('data.meta.level'), control: c.region_level }),
    field({ label: t('data.meta.tags'), control: c.tags, optional: true, hint: t('data.manage.tags_hint') }),
    field({ label: t('data.manage.period_start'), control: c.period_start, optional: true, hint: t('data.manage.period_hint') }),
    field({ label: t('data.manage.period_end'), control: c.period_end, optional: true })),
  groups.length ? h('fieldset', { class: 'fieldset' }, h('legend', {}, t('data.facet.groups')),
    groups.map((g, i) => field({ label: state.groups[i].title, control: g }))) : null,
  field({ label: t('data.priority'), control: c.priority, hint: t('data.manage.priority_hint') }),
  field({ label: t('data.manage.private'), control: c.private }),
  h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t(d ? 'data.manage.save_dataset' : 'data.manage.create_dataset'))));
  return h('section', { 'aria-labelledby': 'ds-head' }, h('h2', { id: 'ds-head' }, t('data.manage.dataset_head')), form);
}

// ---- a table ----------------------------------------------------------------

function fieldRow(list, n) {
  const name = input('fname', { required: true, maxlength: '63', pattern: '[A-Za-z_][A-Za-z0-9_]*', 'aria-label': t('data.manage.col_name', { n }) });
  const type = select('ftype', TYPES.map((x) => [x, x]), 'string');
  type.setAttribute('aria-label', t('data.manage.col_type', { n }));
  const box = (key) => h('label', { class: 'check-inline' }, h('input', { type: 'checkbox', name: key }), ` ${t(`data.manage.col_${key}`)}`);
  const min = input('fmin', { type: 'number', step: 'any', 'aria-label': t('data.manage.col_min', { n }), placeholder: t('data.manage.min') });
  const max = input('fmax', { type: 'number', step: 'any', 'aria-label': t('data.manage.col_max', { n }), placeholder: t('data.manage.max') });
  const enums = input('fenum', { 'aria-label': t('data.manage.col_enum', { n }), placeholder: t('data.manage.enum') });
  const indicator = select('findicator', [['', t('data.manage.no_indicator')], ...state.indicators.map((x) => [x.code, `${x.code} — ${x.name}`])], '');
  indicator.setAttribute('aria-label', t('data.manage.col_indicator', { n }));
  const remove = h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => row.remove() }, t('data.manage.remove_col'));
  const row = h('li', { class: 'card schema-field' }, name, type, box('required'), box('pk'), box('region'), box('unique'), min, max, enums, indicator, remove);
  list.appendChild(row);
  return row;
}

// The rows of the editor as a Table Schema, its mappings and period field.
function schemaOf(list, periodName, fixedPeriod) {
  const fields = [], pk = [], fks = [], maps = [];
  for (const row of list.children) {
    const q = (sel) => row.querySelector(sel);
    const name = q('[name=fname]').value.trim();
    const f = { name, type: q('[name=ftype]').value };
    const cons = {};
    if (q('[name=required]').checked) cons.required = true;
    if (q('[name=unique]').checked) cons.unique = true;
    if (q('[name=fmin]').value !== '') cons.minimum = Number(q('[name=fmin]').value);
    if (q('[name=fmax]').value !== '') cons.maximum = Number(q('[name=fmax]').value);
    const en = q('[name=fenum]').value.split(',').map((s) => s.trim()).filter(Boolean);
    if (en.length) cons.enum = en;
    if (Object.keys(cons).length) f.constraints = cons;
    fields.push(f);
    if (q('[name=pk]').checked) pk.push(name);
    if (q('[name=region]').checked) fks.push({ fields: name, reference: { resource: 'wilayah', fields: 'kode' } });
    const ind = q('[name=findicator]').value;
    if (ind) maps.push(periodName ? { field: name, indicator: ind } : { field: name, indicator: ind, period: fixedPeriod });
  }
  const schema = { fields };
  if (pk.length) schema.primaryKey = pk;
  if (fks.length) schema.foreignKeys = fks;
  return { schema, maps };
}

function tableForm() {
  const d = state.datasets.find((x) => x.name === state.ds && editable(x));
  if (!d) return h('section', {}, h('h2', {}, t('data.manage.table_head')), h('p', { class: 'muted' }, t('data.manage.pick_dataset')));
  const name = input('tname', { required: true, maxlength: '200' });
  const desc = input('tdesc', { maxlength: '4000' });
  const list = h('ol', { class: 'schema-fields', id: 'schema-fields' });
  let n = 0;
  const add = () => { n += 1; return fieldRow(list, n); };
  add();
  const period = input('period_field', { maxlength: '63' });
  const fixed = input('fixed_period', { maxlength: '10', placeholder: '2025' });
  const out = h('div', { id: 'table-out' });
  const form = h('form', { class: 'form card', id: 'table-form', onsubmit: async (e) => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    const pf = period.value.trim();
    const { schema, maps } = schemaOf(list, pf, fixed.value.trim());
    const body = { name: name.value.trim(), description: desc.value.trim(), schema, mappings: maps };
    if (pf) body.period_field = pf;
    try {
      const r = await post(`/api/data/datasets/${seg(d.name)}/resources`, body);
      replace(out, h('p', { class: 'alert alert-success', role: 'status' }, t('data.manage.table_created', { name: r.resource.name }), ' ',
        h('a', { href: '/data/upload.html' }, t('data.manage.go_upload'))));
      state.datasets = (await get('/api/data/datasets', { limit: 500 })).items;
    } catch (err) {
      replace(out, h('p', { class: 'alert alert-error', role: 'alert' }, errorMessage(err)));
    }
  } },
  h('p', {}, t('data.manage.table_for', { title: d.title })),
  field({ label: t('data.manage.table_name'), control: name }),
  field({ label: t('data.manage.table_desc'), control: desc, optional: true }),
  h('fieldset', { class: 'fieldset' }, h('legend', {}, t('data.manage.columns')),
    h('p', { class: 'hint' }, t('data.manage.columns_hint')), list,
    h('div', {}, h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => { add().querySelector('input').focus(); } }, t('data.manage.add_col')))),
  h('div', { class: 'grid-2' },
    field({ label: t('data.manage.period_field'), control: period, optional: true, hint: t('data.manage.period_field_hint') }),
    field({ label: t('data.manage.fixed_period'), control: fixed, optional: true, hint: t('data.manage.fixed_period_hint') })),
  h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('data.manage.create_table'))),
  out);
  return h('section', { 'aria-labelledby': 'tb-head' }, h('h2', { id: 'tb-head' }, t('data.manage.table_head')), form);
}

// ---- the indicator registry (walidata) --------------------------------------------

function indicatorForm() {
  const x = state.indicators.find((i) => i.code === state.ind) || null;
  const v = (k) => (x && x[k] != null ? x[k] : '');
  const pick = select('indicator', [['', t('data.manage.new_indicator')], ...state.indicators.map((i) => [i.code, `${i.code} — ${i.name}`])], state.ind);
  pick.addEventListener('change', () => { state.ind = pick.value; render(); });
  const c = {
    code: input('code', { required: !x, disabled: !!x, maxlength: '32', pattern: '[A-Z0-9_.\\-]{2,32}', value: v('code') }),
    name: input('iname', { required: true, maxlength: '200', value: v('name') }),
    definition: h('textarea', { name: 'idefinition', rows: '2', maxlength: '4000', value: v('definition') }),
    unit: input('iunit', { maxlength: '100', value: v('unit') }),
    method: h('textarea', { name: 'method', rows: '2', maxlength: '4000', value: v('method') }),
    producer: select('producer', state.orgs.map((o) => [o.code, o.name]), x ? x.producer.code : ''),
    tolerance: input('tolerance', { type: 'number', min: '0', max: '100', step: 'any', value: x ? String(x.tolerance * 100) : '0' }),
    additive: h('input', { name: 'additive', type: 'checkbox', checked: !!(x && x.additive) }),
  };
  const form = h('form', { class: 'form card', id: 'indicator-form', onsubmit: async (e) => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    const body = { name: c.name.value.trim(), definition: c.definition.value.trim(), unit: c.unit.value.trim(), method: c.method.value.trim(),
      producer: c.producer.value, tolerance: Number(c.tolerance.value || 0) / 100, additive: c.additive.checked };
    try {
      const r = x ? await patch(`/api/data/indicators/${seg(x.code)}`, body) : await post('/api/data/indicators', { ...body, code: c.code.value.trim() });
      state.ind = r.indicator.code;
      await load();
      flash(t('data.manage.indicator_saved', { code: r.indicator.code }));
    } catch (err) {
      flash(errorMessage(err), 'error');
    }
  } },
  field({ label: t('data.manage.indicator'), control: pick }),
  h('div', { class: 'grid-2' },
    field({ label: t('data.meta.code'), control: c.code, hint: t('data.manage.code_hint') }),
    field({ label: t('data.manage.indicator_name'), control: c.name }),
    field({ label: t('data.manage.indicator_definition'), control: c.definition, optional: true }),
    field({ label: t('data.meta.method'), control: c.method, optional: true }),
    field({ label: t('data.manage.indicator_unit'), control: c.unit, optional: true }),
    field({ label: t('data.meta.producer'), control: c.producer }),
    field({ label: t('data.manage.tolerance'), control: c.tolerance, hint: t('data.manage.tolerance_hint') })),
  field({ label: t('data.manage.additive'), control: c.additive, hint: t('data.manage.additive_hint') }),
  h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t(x ? 'data.manage.save_indicator' : 'data.manage.create_indicator'))));
  return h('section', { 'aria-labelledby': 'ind-head' }, h('h2', { id: 'ind-head' }, t('data.manage.indicators_head')), form);
}

function render() {
  const main = $('#main');
  if (state.error) {
    replace(main, staffNav('manage'), h('div', { class: 'alert alert-error', role: 'alert' }, errorMessage(state.error)));
    return;
  }
  replace(main, staffNav('manage'),
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, t('data.manage.title')), h('p', { class: 'lead' }, t('data.manage.lead')))),
    datasetForm(), tableForm(), steward() ? indicatorForm() : null);
}

async function load() {
  try {
    const [orgs, ds, groups, inds] = await Promise.all([get('/api/orgs'), get('/api/data/datasets', { limit: 500 }),
      get('/api/data/groups'), get('/api/data/indicators')]);
    state.orgs = orgs.items;
    state.datasets = ds.items;
    state.groups = groups.items;
    state.indicators = inds.items;
    state.error = null;
  } catch (e) {
    state.error = e;
  }
  render();
}

onLangChange(render);
const ctx = await initPage({ active: 'data', auth: true });
if (ctx) {
  state.user = ctx.user;
  await load();
}
