// Si-Intan: the application, in four steps — identity, the research,
// locations and period, documents — each saved as a draft on the server,
// so it can be finished later (?id=) or corrected after a return.
import '../i18n/permits.js';
import { h, replace, $ } from '../dom.js';
import { get, post, patch } from '../api.js';
import { t, errorMessage, onLangChange } from '../i18n.js';
import { setupForm } from '../forms.js';
import { field, flash, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { DOCS, uploadDocument } from '../permits.js';

const STEPS = ['identity', 'research', 'where', 'documents'];
const STATUSES = ['s1', 's2', 's3', 'lecturer', 'agency_researcher', 'company', 'ngo'];
const root = $('#wizard');
let id = Number(new URLSearchParams(location.search).get('id')) || null;
let data = null;          // the stored application (GET /api/permits/{id})
let step = 0;
let units = [];
let locations = [];       // [{unit} | {region}] as they will be sent

const p = () => (data ? data.permit : {});
const input = (name, value, attrs = {}) => h('input', { name, value: value ?? '', ...attrs });
const area = (name, value) => h('textarea', { name, rows: '4', maxlength: '4000' }, value ?? '');
const select = (name, items, selected) => h('select', { name },
  items.map(([v, label]) => h('option', { value: v, selected: v === selected }, label)));

function fieldsOf(s) {
  const c = p();
  if (s === 'identity') return [
    field({ label: t('permits.identity_kind'), control: select('identity_kind',
      [['nik', t('permits.kind.nik')], ['passport', t('permits.kind.passport')]], c.identity?.kind || 'nik') }),
    field({ label: t('permits.identity_number'), control: input('identity_number', c.identity?.number, { required: true, maxlength: '32', inputmode: 'numeric' }) }),
    field({ label: t('permits.full_name'), control: input('name', c.name, { required: true, maxlength: '200', autocomplete: 'name' }) }),
    field({ label: t('permits.address'), control: input('address', c.address?.text, { required: true, maxlength: '500' }) }),
    field({ label: t('permits.village_code'), control: input('village', c.address?.village, { required: true, maxlength: '13', placeholder: '33.03.01.2001' }) }),
    field({ label: t('permits.institution'), control: input('institution', c.institution, { required: true, maxlength: '300' }) }),
    field({ label: t('permits.applicant_status'), control: select('status', STATUSES.map((v) => [v, t(`permits.status.${v}`)]), c.status_of_applicant || 's1') }),
    field({ label: t('permits.supervisor'), control: input('supervisor', c.supervisor, { maxlength: '200' }), optional: true }),
  ];
  if (s === 'research') return [
    field({ label: t('permits.title_field'), control: input('title', c.title, { required: true, maxlength: '500' }) }),
    field({ label: t('permits.purpose'), control: area('purpose', c.purpose) }),
    field({ label: t('permits.scope'), control: area('scope', c.scope) }),
    field({ label: t('permits.method'), control: area('method', c.method) }),
    field({ label: t('permits.topic'), control: input('topic', c.topic, { maxlength: '100' }), optional: true }),
    field({ label: t('permits.members'), control: h('textarea', { name: 'members', rows: '3' }, (c.members || []).join('\n')), optional: true }),
    field({ label: t('permits.intro_number'), control: input('intro_number', c.intro_letter?.number, { required: true, maxlength: '100' }) }),
    field({ label: t('permits.intro_date'), control: input('intro_date', c.intro_letter?.date, { type: 'date', required: true }) }),
    field({ label: t('permits.intro_subject'), control: input('intro_subject', c.intro_letter?.subject, { required: true, maxlength: '300' }) }),
  ];
  if (s === 'where') return [
    field({ label: t('permits.period_from'), control: input('period_from', c.period?.from, { type: 'date', required: true }) }),
    field({ label: t('permits.period_until'), control: input('period_until', c.period?.until, { type: 'date', required: true }) }),
    locationPicker(),
  ];
  return [];
}

function locationPicker() {
  const chips = h('ul', { class: 'chips', id: 'location-list' });
  const draw = () => replace(chips, locations.map((l, i) => h('li', { class: 'chip' }, l.unit || l.region, ' ',
    h('button', { type: 'button', class: 'btn btn-small btn-link', onclick: () => { locations.splice(i, 1); draw(); } }, t('permits.remove')))));
  draw();
  const unit = h('select', { id: 'location-unit' }, h('option', { value: '' }, '—'),
    units.map((u) => h('option', { value: u.code }, u.name)));
  const region = h('input', { id: 'location-region', maxlength: '13', placeholder: '33.03.01.2001' });
  const add = () => {
    if (unit.value) locations.push({ unit: unit.value });
    if (region.value.trim()) locations.push({ region: region.value.trim() });
    unit.value = '';
    region.value = '';
    draw();
  };
  return h('fieldset', { class: 'fieldset', id: 'locations' },
    h('legend', { class: 'label' }, t('permits.locations')),
    field({ label: t('permits.location_unit'), control: unit }),
    field({ label: t('permits.location_region'), control: region }),
    h('button', { type: 'button', class: 'btn btn-secondary btn-small', id: 'location-add', onclick: add }, t('permits.add')),
    chips);
}

function bodyOf(s, v) {
  if (s === 'research') return { ...v, members: v.members ? v.members.split('\n').map((m) => m.trim()).filter(Boolean) : [], topic: v.topic || null };
  if (s === 'identity') return { ...v, supervisor: v.supervisor || null };
  if (s === 'where') return { ...v, locations };
  return v;
}

async function save(s, v) {
  const body = bodyOf(s, v);
  data = id ? await patch(`/api/permits/${id}`, body) : await post('/api/permits', body);
  if (!id) {
    id = data.permit.id;
    history.replaceState(null, '', `?id=${id}`);
  }
}

function documentsStep() {
  const docs = data ? data.documents : {};
  const rows = DOCS.map((kind) => {
    const status = h('span', { class: 'hint', id: `doc-${kind}-status` }, docs[kind] ? t('permits.doc_uploaded') : t('permits.doc_missing'));
    const file = h('input', { type: 'file', name: kind, id: `doc-${kind}`, accept: kind === 'id_card' ? 'application/pdf,image/jpeg,image/png' : 'application/pdf' });
    file.addEventListener('change', async () => {
      if (!file.files[0]) return;
      try {
        await uploadDocument(id, kind, file.files[0]);
        status.textContent = t('permits.doc_uploaded');
      } catch (e) {
        status.textContent = errorMessage(e);
        flash(errorMessage(e), 'error');
      }
    });
    const row = field({ label: t(`permits.doc.${kind}`), control: file });
    row.append(status);
    return row;
  });
  const form = h('form', { class: 'form card', id: 'step-documents', novalidate: true }, ...rows,
    h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => go(step - 1) }, t('permits.back_step')),
      h('button', { type: 'submit', class: 'btn btn-primary' },
        data && data.permit.state === 'returned' ? t('permits.resubmit') : t('permits.submit'))));
  setupForm(form, {
    async submit() {
      await post(`/api/permits/${id}/submit`);
      flash(t('permits.submitted'));
      location.assign(`/izin-penelitian/saya.html?id=${id}`);
    },
  });
  return form;
}

function go(n) {
  step = Math.max(0, Math.min(STEPS.length - 1, n));
  render();
}

function render() {
  const s = STEPS[step];
  replace($('#step-label'), `${t('permits.step', { n: step + 1, total: STEPS.length })} · ${t(`permits.step.${s}`)}`);
  if (s === 'documents') {
    replace(root, documentsStep());
    return;
  }
  const form = h('form', { class: 'form card', id: `step-${s}`, novalidate: true }, ...fieldsOf(s),
    h('div', { class: 'form-actions' },
      step > 0 ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => go(step - 1) }, t('permits.back_step')) : null,
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('permits.save_next'))));
  setupForm(form, {
    async submit(v) {
      await save(s, v);
      flash(t('permits.saved'));
      go(step + 1);
    },
  });
  replace(root, form);
}

onLangChange(render);
await initPage({ active: 'permits', auth: true });
try {
  units = (await get('/api/orgs')).items;
  if (id) {
    data = await get(`/api/permits/${id}`);
    locations = data.permit.locations.map((l) => (l.kind === 'unit' ? { unit: l.code } : { region: l.code }));
  }
  render();
} catch (e) {
  loadFailed(root, t('common.load_failed', { message: errorMessage(e) }));
}
