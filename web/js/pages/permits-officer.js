// Si-Intan's officer console: the applications with the caller's units,
// most urgent first, and one of them (?id=) with its documents and the
// steps this officer may take — the desk's check, Kesbangpol's
// recommendation, the head's signature.
import '../i18n/permits.js';
import { h, replace, $ } from '../dom.js';
import { get, post } from '../api.js';
import { t, errorMessage, onLangChange } from '../i18n.js';
import { setupForm } from '../forms.js';
import { field, flash, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { DOCS, stateBadge, dueLine, timeline, periodText } from '../permits.js';
import { letterCard } from '../letters.js';

const root = $('#console');
const id = Number(new URLSearchParams(location.search).get('id')) || null;
let data = null;

// One form per action offered; those that need words ask for them.
function actionForm(a) {
  const name = a.action;
  const note = h('textarea', { name: 'text', rows: '3', maxlength: '4000', required: a.needs.includes('text') });
  const rec = name === 'recommend' ? h('select', { name: 'recommendation' },
    h('option', { value: 'issue' }, t('permits.rec.issue')), h('option', { value: 'refuse' }, t('permits.rec.refuse'))) : null;
  const form = h('form', { class: 'form card', id: `action-${name}`, novalidate: true },
    rec ? field({ label: t('permits.recommendation'), control: rec }) : null,
    name === 'accept' || name === 'issue' ? null : field({ label: t('permits.note'), control: note, optional: !a.needs.includes('text') && name !== 'refuse' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: ['btn', name === 'refuse' || name === 'return' ? 'btn-secondary' : 'btn-primary'] },
      t(`permits.action.${name}`))));
  setupForm(form, {
    async submit(v) {
      const body = {};
      if (v.text) body.text = v.text;
      if (v.recommendation) body.recommendation = v.recommendation;
      data = await post(`/api/permits/${id}/actions/${name}`, body);
      flash(t('permits.done'));
      render();
    },
  });
  return form;
}

function render() {
  if (!data) return;
  const p = data.permit;
  replace(root,
    h('div', { class: 'page-head' },
      h('p', { class: 'case-meta' }, stateBadge(p.state, p.overdue)),
      h('h2', { class: 'tracking-title' }, p.tracking),
      h('p', { class: 'lead' }, p.title),
      h('p', { class: 'hint' }, dueLine(p))),
    h('div', { class: 'case-grid' },
      h('div', { class: 'stack' },
        data.actions.map(actionForm),
        data.letter ? letterCard(data.letter, { title: t('permits.letter'), onChange: reload }) : null,
        h('section', { class: 'card', id: 'timeline' }, h('h3', { class: 'card-title' }, t('permits.timeline')), timeline(data.timeline))),
      h('div', { class: 'stack' },
        h('section', { class: 'card' }, h('dl', { class: 'details' },
          h('dt', {}, t('permits.applicant')), h('dd', {}, `${p.name} (${p.identity.kind.toUpperCase()} ${p.identity.number})`),
          h('dt', {}, t('permits.institution')), h('dd', {}, `${p.institution} · ${t(`permits.status.${p.status_of_applicant}`)}`),
          h('dt', {}, t('permits.purpose')), h('dd', {}, p.purpose),
          h('dt', {}, t('permits.method')), h('dd', {}, p.method),
          h('dt', {}, t('permits.period')), h('dd', {}, periodText(p)),
          h('dt', {}, t('permits.locations')), h('dd', {}, p.locations.map((l) => l.name).join('; ')),
          h('dt', {}, t('permits.intro_number')), h('dd', {}, `${p.intro_letter.number} · ${p.intro_letter.date} · ${p.intro_letter.subject}`),
          p.recommendation ? [h('dt', {}, t('permits.recommendation')), h('dd', {}, `${t(`permits.rec.${p.recommendation.decision}`)}${p.recommendation.note ? ` — ${p.recommendation.note}` : ''}`)] : null)),
        h('section', { class: 'card', id: 'documents' }, h('h3', { class: 'card-title' }, t('permits.documents')),
          h('ul', {}, DOCS.map((k) => h('li', {}, data.documents[k]
            ? h('a', { href: data.documents[k].url, target: '_blank', rel: 'noopener' }, t(`permits.doc.${k}`))
            : `${t(`permits.doc.${k}`)}: ${t('permits.doc_missing')}`)))))));
}

async function reload() {
  data = await get(`/api/permits/${id}`);
  render();
}

let page = 1;

async function list() {
  const inbox = await get('/api/permits/inbox', { page });
  const turn = (by) => () => { page += by; list().catch((e) => loadFailed(root, t('common.load_failed', { message: errorMessage(e) }))); };
  const overdue = await get('/api/permits/reports/overdue').catch(() => null);
  const row = (i) => h('li', { class: 'case-card' },
    h('p', { class: 'case-meta' }, h('a', { href: `/izin-penelitian/petugas.html?id=${i.id}` }, i.tracking), ' ', stateBadge(i.state, i.overdue)),
    h('p', { class: 'case-text' }, `${i.title} · ${i.name} · ${i.institution}`),
    h('p', { class: 'hint' }, dueLine(i)));
  replace(root,
    h('h2', {}, t('permits.inbox')),
    h('ul', { class: 'case-list', id: 'inbox' }, inbox.items.length ? inbox.items.map(row) : h('li', {}, t('permits.none'))),
    page > 1 || inbox.more ? h('div', { class: 'pager', id: 'inbox-pager' },
      page > 1 ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: turn(-1) }, t('common.prev')) : h('span'),
      inbox.more ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: turn(1) }, t('common.next')) : null) : null,
    h('p', {}, h('a', { href: '/izin-penelitian/peneliti.html' }, t('permits.expected'))),
    overdue ? [h('h2', {}, t('permits.overdue_reports')),
      h('ul', { class: 'case-list', id: 'overdue' }, overdue.items.length ? overdue.items.map((i) => h('li', { class: 'case-card' },
        h('p', {}, `${i.tracking} · ${i.title} · ${i.name} · ${periodText(i)}`))) : h('li', {}, t('permits.none')))] : null);
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
