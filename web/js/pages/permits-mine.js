// Si-Intan: the applicant's applications (list), and one of them (?id=):
// its status and deadline, the offices' notes, the issued letter, and the
// final report once the research is done.
import '../i18n/permits.js';
import { h, replace, $ } from '../dom.js';
import { get, post } from '../api.js';
import { t, errorMessage, onLangChange } from '../i18n.js';
import { setupForm } from '../forms.js';
import { field, flash, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { stateBadge, dueLine, timeline, periodText, uploadDocument } from '../permits.js';
import { letterCard } from '../letters.js';

const root = $('#permit');
const id = Number(new URLSearchParams(location.search).get('id')) || null;
let data = null;

function reportForm() {
  const file = h('input', { type: 'file', name: 'report', id: 'report-file', accept: 'application/pdf', required: true });
  const form = h('form', { class: 'form card', id: 'report-form', novalidate: true },
    h('h2', { class: 'card-title' }, t('permits.report')),
    field({ label: t('permits.doc.report'), control: file }),
    field({ label: t('permits.abstract'), control: h('textarea', { name: 'abstract', rows: '5', maxlength: '4000', required: true }) }),
    field({ label: t('permits.report_public'), control: h('input', { type: 'checkbox', name: 'public', checked: true }) }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('permits.report_send'))));
  setupForm(form, {
    async submit(v) {
      await uploadDocument(id, 'report', file.files[0]);
      data = await post(`/api/permits/${id}/report`, { abstract: v.abstract, public: v.public });
      flash(t('permits.report_sent'));
      render();
    },
  });
  return form;
}

function render() {
  if (!data) return;
  const p = data.permit;
  const editable = p.state === 'draft' || p.state === 'returned';
  replace(root,
    h('div', { class: 'page-head' },
      h('p', { class: 'case-meta' }, stateBadge(p.state, p.overdue)),
      h('h1', { class: 'tracking-title' }, p.tracking || t('permits.state.draft')),
      h('p', { class: 'lead' }, p.title || ''),
      h('p', { class: 'hint', id: 'due' }, dueLine(p))),
    h('div', { class: 'stack' },
      editable ? h('p', {}, h('a', { class: 'btn btn-primary', id: 'edit', href: `/izin-penelitian/ajukan.html?id=${p.id}` }, t('permits.edit'))) : null,
      p.refusal_reason ? h('section', { class: 'card', id: 'refusal' }, h('h2', { class: 'card-title' }, t('permits.refusal')), h('p', {}, p.refusal_reason)) : null,
      data.letter ? letterCard(data.letter, { title: t('permits.letter'), onChange: reload }) : null,
      p.state === 'issued' && !p.report ? reportForm() : null,
      h('section', { class: 'card' }, h('dl', { class: 'details' },
        h('dt', {}, t('permits.institution')), h('dd', {}, p.institution || '—'),
        h('dt', {}, t('permits.period')), h('dd', {}, periodText(p)),
        h('dt', {}, t('permits.locations')), h('dd', {}, p.locations.map((l) => l.name).join('; ') || '—'))),
      h('section', { class: 'card', id: 'timeline' }, h('h2', { class: 'card-title' }, t('permits.timeline')), timeline(data.timeline))));
}

async function reload() {
  data = await get(`/api/permits/${id}`);
  render();
}

async function list() {
  const d = await get('/api/permits/mine');
  replace(root, h('h1', {}, t('permits.mine')), h('ul', { class: 'case-list', id: 'mine' },
    d.items.length ? d.items.map((i) => h('li', { class: 'case-card' },
      h('p', { class: 'case-meta' }, h('a', { href: `/izin-penelitian/saya.html?id=${i.id}` }, i.tracking || t('permits.state.draft')), ' ',
        stateBadge(i.state, i.overdue)),
      h('p', { class: 'case-text' }, i.title || ''),
      h('p', { class: 'hint' }, dueLine(i)))) : h('li', {}, t('permits.none'))));
}

onLangChange(() => (id ? render() : list().catch(() => null)));
await initPage({ active: 'permits', auth: true });
loading(root);
try {
  if (id) {
    await reload();
  } else {
    await list();
  }
} catch (e) {
  loadFailed(root, t('common.load_failed', { message: errorMessage(e) }));
}
