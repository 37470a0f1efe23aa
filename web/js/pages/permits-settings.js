// Si-Intan's settings, for an administrator: which units check, assess and
// sign, the working days of each step, the letter's number format, Dasar
// lines, conditions and copies, and the final-report rule
// (GET/PATCH /api/permits/settings).
import '../i18n/permits.js';
import { h, replace, $ } from '../dom.js';
import { get, patch } from '../api.js';
import { t, errorMessage, onLangChange } from '../i18n.js';
import { setupForm } from '../forms.js';
import { field, flash, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';

const root = $('#settings');
let units = [];
let current = null;

const lines = (text) => text.split('\n').map((l) => l.trim()).filter(Boolean);

function unitSelect(name, value) {
  return h('select', { name, required: true },
    units.map((u) => h('option', { value: u.code, selected: u.code === value }, `${u.name} (${u.code})`)));
}

function render() {
  const s = current;
  const days = Object.entries(s.days).map(([state, n]) => field({
    label: t('permits.settings.days_of', { state: t(`permits.state.${state}`) }),
    control: h('input', { name: `days.${state}`, type: 'number', min: '1', max: '60', step: '1', required: true, value: String(n) }),
  }));
  const form = h('form', { class: 'form card', id: 'settings-form', novalidate: true },
    h('h2', { class: 'card-title' }, t('permits.settings.offices')),
    field({ label: t('permits.settings.desk_unit'), control: unitSelect('desk_unit', s.desk_unit) }),
    field({ label: t('permits.settings.assess_unit'), control: unitSelect('assess_unit', s.assess_unit) }),
    field({ label: t('permits.settings.sign_unit'), control: unitSelect('sign_unit', s.sign_unit) }),
    h('h2', { class: 'card-title' }, t('permits.settings.days')),
    h('p', { class: 'hint', id: 'service-days' }, t('permits.settings.service_days', { n: s.service_days })),
    days,
    h('h2', { class: 'card-title' }, t('permits.settings.letter')),
    field({ label: t('permits.settings.number_format'), hint: t('permits.settings.number_format_hint'),
      control: h('input', { name: 'number_format', type: 'text', maxlength: '100', required: true, value: s.number_format }) }),
    field({ label: t('permits.settings.dasar'), hint: t('permits.settings.one_per_line'),
      control: h('textarea', { name: 'dasar', rows: '5' }, s.dasar.join('\n')) }),
    field({ label: t('permits.settings.conditions'), hint: t('permits.settings.one_per_line'),
      control: h('textarea', { name: 'conditions', rows: '6' }, s.conditions.join('\n')) }),
    field({ label: t('permits.settings.copies'), hint: t('permits.settings.one_per_line'),
      control: h('textarea', { name: 'copies', rows: '4' }, s.copies.join('\n')) }),
    h('h2', { class: 'card-title' }, t('permits.settings.report')),
    field({ label: t('permits.settings.report_days'), hint: t('permits.settings.report_days_hint'),
      control: h('input', { name: 'report_days', type: 'number', min: '0', max: '365', step: '1', required: true, value: String(s.report_days) }) }),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'block_overdue_report', checked: s.block_overdue_report }),
      ' ', t('permits.settings.block_overdue_report')),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save'))));
  setupForm(form, {
    async submit(v) {
      const body = {
        desk_unit: v.desk_unit, assess_unit: v.assess_unit, sign_unit: v.sign_unit, number_format: v.number_format.trim(),
        dasar: lines(v.dasar), conditions: lines(v.conditions), copies: lines(v.copies),
        report_days: Number(v.report_days), block_overdue_report: form.elements.block_overdue_report.checked,
        days: Object.fromEntries(Object.keys(s.days).map((state) => [state, Number(v[`days.${state}`])])),
      };
      current = await patch('/api/permits/settings', body);
      render();
      flash(t('permits.settings.saved'));
    },
  });
  replace(root, form);
}

onLangChange(() => current && render());
await initPage({ active: 'permits', auth: true });
loading(root);
try {
  [current, units] = await Promise.all([get('/api/permits/settings'), get('/api/orgs').then((d) => d.items)]);
  render();
} catch (e) {
  loadFailed(root, t('common.load_failed', { message: errorMessage(e) }));
}
