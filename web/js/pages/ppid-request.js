// PPID: the request form with the fields UU 14/2008 asks for, with or
// without an account; on receipt, the registration number and (without an
// account) the secret link to follow it.
import '../i18n/ppid.js';
import { h, replace, options, $ } from '../dom.js';
import { caseRequest } from '../api.js';
import { t, errorMessage } from '../i18n.js';
import { setupForm } from '../forms.js';
import { field, loadFailed } from '../ui.js';
import { initPage, currentUser } from '../layout.js';
import { agencies } from '../ppid.js';

const root = $('#request');

function radios(name, values, checked) {
  return h('div', { class: 'radio-group', role: 'radiogroup' }, values.map((v) => h('label', { class: 'radio' },
    h('input', { type: 'radio', name, value: v, checked: v === checked }), ' ', t(`ppid.${name === 'requester_kind' ? 'kind' : name}.${v}`))));
}

function form(units) {
  const user = currentUser();
  const agency = options(h('select', { name: 'agency', required: true }), units.map((u) => [u.code, u.name]), 'DINKES');
  const nik = h('input', { name: 'nik', inputmode: 'numeric', maxlength: '16' });
  const deed = h('input', { name: 'deed_number', maxlength: '100' });
  const deedField = field({ label: t('ppid.f.deed_number'), control: deed });
  deedField.hidden = true;
  const f = h('form', { class: 'form card', id: 'request-form' },
    field({ label: t('ppid.agency'), control: agency }),
    field({ label: t('ppid.requester_kind'), control: radios('requester_kind', ['person', 'entity'], 'person') }),
    field({ label: t('ppid.f.name'), control: h('input', { name: 'name', required: true, maxlength: '200', value: user?.name || '' }) }),
    field({ label: t('ppid.f.nik'), control: nik }),
    deedField,
    field({ label: t('ppid.f.address'), control: h('textarea', { name: 'address', rows: '2', required: true, maxlength: '500' }) }),
    field({ label: t('ppid.f.phone'), control: h('input', { name: 'phone', type: 'tel', maxlength: '20' }), hint: t('ppid.contact_hint'), optional: true }),
    field({ label: t('ppid.f.email'), control: h('input', { name: 'email', type: 'email', maxlength: '200', value: user?.email || '' }), optional: true }),
    field({ label: t('ppid.f.information'), control: h('textarea', { name: 'information', rows: '4', required: true, maxlength: '4000' }) }),
    field({ label: t('ppid.f.purpose'), control: h('textarea', { name: 'purpose', rows: '2', required: true, maxlength: '4000' }) }),
    field({ label: t('ppid.f.obtain'), control: radios('obtain', ['see', 'copy'], 'copy') }),
    field({ label: t('ppid.f.delivery'), control: radios('delivery', ['collect', 'post', 'email'], 'email') }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('ppid.submit'))));
  f.addEventListener('change', (e) => {
    if (e.target.name !== 'requester_kind') return;
    const entity = e.target.value === 'entity';
    deedField.hidden = !entity;
    nik.closest('.field').hidden = entity;
  });
  setupForm(f, {
    async submit(v) {
      const entity = v.requester_kind === 'entity';
      const body = { ...v, nik: entity ? null : v.nik || null, deed_number: entity ? v.deed_number || null : null,
        phone: v.phone || null, email: v.email || null };
      const d = await caseRequest('POST', '/api/inforeq', body);
      const no = d.request.tracking;
      const link = d.follow_up ? d.follow_up.url : `/ppid/permohonan.html?no=${encodeURIComponent(no)}`;
      replace(root, h('section', { class: 'card', id: 'receipt' },
        h('p', { class: 'lead' }, t('ppid.received', { no })),
        d.follow_up ? h('p', {}, t('ppid.keep_link'), ' ', h('code', {}, link)) : null,
        h('p', {}, h('a', { class: 'btn btn-primary', id: 'open-request', href: link }, t('ppid.open')))));
    },
  });
  return f;
}

await initPage({ active: 'ppid' });
try {
  replace(root, form(await agencies()));
} catch (e) {
  loadFailed(root, t('common.load_failed', { message: errorMessage(e) }));
}
