// Admin: holidays by year — national holidays and cuti bersama.
import '../i18n/admin.js';
import { h, icon, replace, options, $ } from '../dom.js';
import { get, post, patch, del, seg } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { setupForm } from '../forms.js';
import { formatDate, formatNumber, yearWIB } from '../format.js';
import { modal, confirmDialog, flash, field, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';

const KINDS = ['national', 'cuti_bersama'];
const listEl = $('#holiday-list');
const countEl = $('#result-count');
const yearSel = $('#year');
const thisYear = yearWIB();
const asked = parseInt(new URLSearchParams(location.search).get('year') || '', 10);
const state = { year: asked >= 1900 && asked <= 2200 ? asked : thisYear, items: [], loaded: false, error: null };

function fillYears() {
  const years = new Set();
  for (let y = thisYear - 2; y <= thisYear + 3; y++) years.add(y);
  years.add(state.year);
  options(yearSel, Array.from(years).sort().map((y) => [y, String(y)]), state.year);
}

function kindLabel(k) { return KINDS.includes(k) ? t(`holiday_kind.${k}`) : k; }

function openForm(holiday = null) {
  const editing = !!holiday;
  let m = null;
  const date = h('input', { name: 'date', type: 'date', required: true, value: holiday ? holiday.date : '', readonly: editing,
    min: '1900-01-01', max: '2200-12-31' });
  const name = h('input', { name: 'name', type: 'text', required: true, maxlength: '200', autocomplete: 'off', value: holiday ? holiday.name : '' });
  const kind = h('select', { name: 'kind', required: true });
  options(kind, KINDS.map((k) => [k, kindLabel(k)]), holiday ? holiday.kind : 'national');
  const form = h('form', { class: 'form', method: 'post', novalidate: true },
    h('div', { class: 'alert alert-error form-alert', role: 'alert', tabindex: '-1' }),
    field({ label: t('holidays.date'), control: date, hint: editing ? t('holidays.date_fixed') : null }),
    field({ label: t('holidays.name'), control: name }),
    field({ label: t('holidays.kind'), control: kind }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save')),
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => m.close() }, t('common.cancel'))));
  setupForm(form, {
    async submit(v) {
      let d;
      if (editing) {
        const body = {};
        if (v.name !== holiday.name) body.name = v.name;
        if (v.kind !== holiday.kind) body.kind = v.kind;
        if (!Object.keys(body).length) { m.close(); return; }
        d = await patch(`/api/holidays/${seg(holiday.date)}`, body);
      } else {
        d = await post('/api/holidays', { date: v.date, name: v.name, kind: v.kind });
      }
      m.close();
      const saved = (d && d.holiday) || { name: v.name, date: v.date };
      flash(t(editing ? 'holidays.saved' : 'holidays.created', { name: saved.name }));
      const y = parseInt(String(saved.date || v.date).slice(0, 4), 10);
      if (y && y !== state.year) await setYear(y);
      else await load();
    },
  });
  m = modal({ title: editing ? t('holidays.edit_title') : t('holidays.create_title'), content: form });
}

async function remove(holiday) {
  const ok = await confirmDialog({ message: t('holidays.delete_confirm', { name: holiday.name, date: formatDate(holiday.date) }) });
  if (!ok) return;
  try {
    await del(`/api/holidays/${seg(holiday.date)}`);
    flash(t('holidays.deleted', { name: holiday.name }));
    await load();
  } catch (e) {
    flash(errorMessage(e), 'error');
  }
}

function render() {
  fillYears();
  if (!state.loaded) return;
  if (state.error) { loadFailed(listEl, t('common.load_failed', { message: errorMessage(state.error) })); countEl.textContent = ''; return; }
  const items = state.items;
  countEl.textContent = items.length
    ? t('holidays.count', { n: formatNumber(items.length), year: state.year })
    : t('holidays.empty', { year: state.year });
  if (!items.length) { listEl.replaceChildren(); return; }
  const table = h('table', { class: 'table table-stack' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('holidays.date')),
      h('th', { scope: 'col' }, t('holidays.name')),
      h('th', { scope: 'col' }, t('holidays.kind')),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('common.actions'))))),
    h('tbody', {}, items.map((d) => h('tr', { dataset: { date: d.date } },
      h('td', { 'data-label': t('holidays.date') }, h('time', { datetime: d.date }, formatDate(d.date))),
      h('th', { scope: 'row', 'data-label': t('holidays.name') }, d.name),
      h('td', { 'data-label': t('holidays.kind') },
        h('span', { class: ['badge', d.kind === 'cuti_bersama' ? 'badge-cuti' : 'badge-national'] }, kindLabel(d.kind))),
      h('td', { class: 'cell-actions' },
        h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': t('holidays.edit_label', { name: d.name }), onclick: () => openForm(d) },
          icon('edit'), h('span', {}, t('common.edit'))),
        h('button', { type: 'button', class: 'btn btn-danger-quiet btn-small', 'aria-label': t('holidays.delete_label', { name: d.name }), onclick: () => remove(d) },
          icon('trash'), h('span', {}, t('common.delete'))))))));
  replace(listEl, h('div', { class: 'table-wrap' }, table));
}

async function load() {
  if (!state.loaded) loading(listEl);
  const year = state.year;
  try {
    const d = await get('/api/holidays', { year });
    if (year !== state.year) return;               // a newer year was chosen meanwhile
    state.items = ((d && d.items) || []).slice().sort((a, b) => a.date.localeCompare(b.date));
    state.error = null;
  } catch (e) {
    state.error = e;
  }
  state.loaded = true;
  render();
}

async function setYear(y) {
  state.year = y;
  history.replaceState(null, '', y === thisYear ? location.pathname : `${location.pathname}?year=${y}`);
  fillYears();
  await load();
}

fillYears();
yearSel.addEventListener('change', () => setYear(parseInt(yearSel.value, 10)));
$('#prev-year').addEventListener('click', () => setYear(state.year - 1));
$('#next-year').addEventListener('click', () => setYear(state.year + 1));
onLangChange(render);

const ctx = await initPage({ active: 'admin', role: 'admin' });
if (ctx) {
  $('#add-holiday').addEventListener('click', () => openForm());
  await load();
}
