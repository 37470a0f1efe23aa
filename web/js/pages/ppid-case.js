// PPID: one request (?no=, the secret key after #key= for a requester
// without an account) as its requester and the PPID see it - state, every
// deadline, the answer with its notice and documents, the objection, the
// history, the dispute at the Information Commission - and what the viewer
// may do next.  Without ?no=: the caller's own requests.
//
// Files open through short-lived download links asked for with the key
// header, so the key never goes into a URL (a plain link cannot carry it).
import '../i18n/ppid.js';
import { h, replace, options, $ } from '../dom.js';
import { caseRequest, get } from '../api.js';
import { t, errorMessage, onLangChange } from '../i18n.js';
import { setupForm } from '../forms.js';
import { field, flash, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { formatDate } from '../format.js';
import { stateBadge, clocks, timeline, uploadDocument, agencies } from '../ppid.js';
import { letterCard } from '../letters.js';

const root = $('#case');
const no = new URLSearchParams(location.search).get('no');
const key = new URLSearchParams(location.hash.slice(1)).get('key');
const EXEMPTIONS = 'abcdefghij'.split('');
const GROUNDS = 'abcdefg'.split('');
let data = null;
let units = [];

const path = (rest = '') => `/api/inforeq/${encodeURIComponent(no)}${rest}`;
const OUTCOMES = ['mediation_failed', 'mediation_agreed', 'adjudication_granted', 'adjudication_granted_in_part',
  'adjudication_rejected', 'dismissed', 'withdrawn'];

// A button that fetches a one-file link and follows it (the file comes as
// an attachment, so the page stays).
function fileButton(label, body, attrs = {}) {
  return h('button', { type: 'button', class: 'btn btn-secondary', ...attrs, onclick: async () => {
    try {
      const link = await caseRequest('POST', path('/links'), body, key);
      location.assign(link.url);
    } catch (e) {
      flash(errorMessage(e), 'error');
    }
  } }, label);
}

async function reload() {
  data = await caseRequest('GET', path(), undefined, key);
  render();
}

// A letter of the request in the shared card, its PDF through a link.
function requestLetter(id, title, letter, what, label) {
  return letterCard(letter, { id, title, onChange: reload, download: (attrs) => fileButton(label, { what }, attrs) });
}

function disputeCard(dsp) {
  return h('section', { class: 'card', id: 'dispute' }, h('h2', { class: 'card-title' }, t('ppid.dispute')),
    h('p', {}, t('ppid.dispute_filed', { day: formatDate(dsp.filed_day), number: dsp.registration_number }),
      dsp.filed_late ? h('span', { class: 'badge badge-overdue' }, ` ${t('ppid.dispute_late')}`) : null),
    dsp.outcome ? h('p', { id: 'dispute-outcome' }, h('strong', {}, t(`ppid.outcome.${dsp.outcome}`)), ' · ',
      formatDate(dsp.outcome_day), dsp.outcome_text ? ` — ${dsp.outcome_text}` : '') : null);
}

function simpleForm(id, title, lead, controls, submit) {
  const form = h('form', { class: 'form card', id }, h('h2', { class: 'card-title' }, title),
    lead ? h('p', { class: 'hint' }, lead) : null, ...controls,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('ppid.act.send'))));
  setupForm(form, { async submit(v) {
    const body = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== ''));
    data = await caseRequest('POST', path(submit), body, key);
    flash(t('ppid.done'));
    render();
  } });
  return form;
}

// The requester records taking it to the Commission, once the law lets them.
function disputeForm(d) {
  return simpleForm('act-dispute', t('ppid.dispute_record'), t('ppid.dispute_lead', { by: formatDate(d.commission_by) }), [
    field({ label: t('ppid.dispute_day'), control: h('input', { type: 'date', name: 'filed_day', required: true, min: d.commission_from, max: d.today }) }),
    field({ label: t('ppid.dispute_number'), control: h('input', { type: 'text', name: 'registration_number', required: true, maxlength: '100' }) }),
  ], '/dispute');
}

function outcomeForm(dsp) {
  return simpleForm('act-outcome', t('ppid.outcome_record'), null, [
    field({ label: t('ppid.outcome'), control: options(h('select', { name: 'outcome', required: true }),
      OUTCOMES.filter((o) => o !== dsp.outcome).map((o) => [o, t(`ppid.outcome.${o}`)]), '') }),
    field({ label: t('ppid.outcome_day'), control: h('input', { type: 'date', name: 'day', required: true }) }),
    field({ label: t('ppid.outcome_text'), control: h('textarea', { name: 'text', rows: '2' }), optional: true }),
  ], '/dispute/outcome');
}

function actionForm(a) {
  const controls = [];
  if (a.action === 'extend') controls.push(field({ label: t('ppid.reason'), control: h('textarea', { name: 'text', rows: '2', required: true }) }));
  if (['grant', 'grant_part', 'refuse'].includes(a.action))
    controls.push(field({ label: t('ppid.answer_text'), control: h('textarea', { name: 'text', rows: '3' }), optional: a.action !== 'grant' }));
  if (a.action === 'grant_part' || a.action === 'refuse') {
    controls.push(field({ label: t('ppid.exemption'), control: options(h('select', { name: 'ground', required: true }),
      [['', '—'], ...EXEMPTIONS.map((l) => [l, `Pasal 17 huruf ${l}`])], '') }));
    controls.push(field({ label: t('ppid.consequence_test'), control: h('textarea', { name: 'consequence_test', rows: '3', required: true }) }));
  }
  if (a.action === 'reroute')
    controls.push(field({ label: t('ppid.unit'), control: options(h('select', { name: 'unit', required: true }), units.map((u) => [u.code, u.name]), '') }));
  if (a.action === 'object') {
    controls.push(h('fieldset', { class: 'field' }, h('legend', { class: 'label' }, t('ppid.grounds')),
      ...GROUNDS.map((g) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: `ground_${g}`, value: g }), ' ', t(`ppid.ground.${g}`)))));
    controls.push(field({ label: t('ppid.statement'), control: h('textarea', { name: 'text', rows: '3' }), optional: true }));
  }
  if (a.action === 'decide_objection') {
    controls.push(field({ label: t('ppid.decision'), control: options(h('select', { name: 'decision', required: true }),
      [['upheld', t('ppid.decision.upheld')], ['rejected', t('ppid.decision.rejected')]], 'upheld') }));
    controls.push(field({ label: t('ppid.answer_text'), control: h('textarea', { name: 'text', rows: '3', required: true }) }));
  }
  const form = h('form', { class: 'form card', id: `act-${a.action}` },
    h('h2', { class: 'card-title' }, t(`ppid.act.${a.action}`)),
    a.action === 'object' ? h('p', { class: 'hint' }, t('ppid.object_lead')) : null,
    ...controls,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('ppid.act.send'))));
  setupForm(form, {
    async submit(v) {
      const body = {};
      for (const [k, x] of Object.entries(v)) {
        if (k.startsWith('ground_')) continue;
        if (x !== '') body[k] = x;
      }
      if (a.action === 'object') body.grounds = GROUNDS.filter((g) => v[`ground_${g}`]);
      data = await caseRequest('POST', path(`/actions/${a.action}`), body, key);
      flash(t('ppid.done'));
      render();
    },
  });
  return form;
}

function uploadForm() {
  const file = h('input', { type: 'file', name: 'document', accept: 'application/pdf,image/jpeg,image/png', required: true });
  const form = h('form', { class: 'form card', id: 'attach' }, field({ label: t('ppid.attach'), control: file }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-secondary' }, t('ppid.attach_send'))));
  setupForm(form, {
    async submit() {
      data.documents = await uploadDocument(no, file.files[0]);
      flash(t('ppid.attached'));
      render();
    },
  });
  return form;
}

function render() {
  if (!data) return;
  const q = data.request, d = data.deadlines, ans = q.answer, obj = data.objection, dsp = data.dispute;
  const open = q.state === 'received' || q.state === 'extended';
  const staffAnswers = data.viewer === 'staff' && data.actions.some((a) => a.action === 'grant');
  replace(root,
    h('div', { class: 'page-head' },
      h('p', { class: 'case-meta' }, stateBadge(q.state, q.overdue), ' · ', q.agency.name || ''),
      h('h1', { class: 'tracking-title', id: 'tracking' }, q.tracking),
      h('p', { class: 'lead' }, q.information)),
    h('div', { class: 'stack' },
      h('section', { class: 'card' }, h('h2', { class: 'card-title' }, t('ppid.clocks')), clocks(obj ? { ...d, objection_by: null } : d),
        q.extension_reason ? h('p', { class: 'hint', id: 'extension' }, t('ppid.extended_note', { reason: q.extension_reason })) : null),
      ans ? h('section', { class: 'card', id: 'answer' }, h('h2', { class: 'card-title' }, t('ppid.answer'), ': ', t(`ppid.state.${ans.kind}`)),
        ans.text ? h('p', {}, ans.text) : null,
        ans.ground ? h('p', {}, h('strong', {}, t('ppid.ground', { letter: ans.ground })), ' — ', ans.ground_name) : null,
        ans.consequence_test ? h('p', {}, h('strong', {}, t('ppid.consequence_test')), ': ', ans.consequence_test) : null) : null,
      data.notice ? requestLetter('notice', t('ppid.notice'), data.notice, 'notice', t('ppid.download_notice')) : null,
      data.documents.length ? h('section', { class: 'card', id: 'documents' }, h('h2', { class: 'card-title' }, t('ppid.documents')),
        h('ul', { class: 'actions' }, data.documents.map((x) => h('li', {},
          fileButton(t('ppid.document_n', { n: x.n }), { what: 'document', n: x.n }, { 'data-document': String(x.n) }))))) : null,
      obj ? h('section', { class: 'card', id: 'objection' }, h('h2', { class: 'card-title' }, t('ppid.objection'), ' · ', formatDate(obj.filed_day)),
        h('ul', {}, obj.grounds.map((g) => h('li', {}, t(`ppid.ground.${g.ground}`)))),
        obj.statement ? h('p', {}, obj.statement) : null,
        obj.decision ? h('p', { id: 'objection-decision' }, h('strong', {}, t(`ppid.decision.${obj.decision}`)), ': ', obj.decision_text) : null) : null,
      obj && obj.letter ? requestLetter('objection-letter', t('ppid.objection_letter'), obj.letter, 'objection_letter', t('ppid.download_objection_letter')) : null,
      dsp ? disputeCard(dsp) : null,
      data.viewer === 'staff' ? h('section', { class: 'card' }, h('h2', { class: 'card-title' }, t('ppid.requester')),
        h('p', {}, `${q.requester.name} · ${q.requester.nik || q.requester.deed_number || ''}`),
        h('p', {}, [q.requester.address, q.requester.phone, q.requester.email].filter(Boolean).join(' · ')),
        h('p', { class: 'hint' }, q.purpose)) : null,
      staffAnswers && open ? uploadForm() : null,
      data.viewer === 'requester' && d.commission_from && !dsp ? disputeForm(d) : null,
      data.viewer === 'staff' && dsp && (!dsp.outcome || dsp.outcome === 'mediation_failed') ? outcomeForm(dsp) : null,
      ...data.actions.map(actionForm),
      h('section', { class: 'card', id: 'timeline' }, h('h2', { class: 'card-title' }, t('ppid.timeline')), timeline(data.timeline))));
}

async function mine() {
  const d = await get('/api/inforeq/mine');
  replace(root, h('h1', {}, t('ppid.mine')), h('ul', { class: 'case-list', id: 'mine' },
    d.items.length ? d.items.map((i) => h('li', { class: 'case-card' },
      h('p', { class: 'case-meta' }, h('a', { href: `/ppid/permohonan.html?no=${encodeURIComponent(i.tracking)}` }, i.tracking), ' ',
        stateBadge(i.state, i.overdue)),
      h('p', { class: 'case-text' }, i.information))) : h('li', {}, t('ppid.none'))));
}

onLangChange(() => (no ? render() : mine().catch(() => null)));
await initPage({ active: 'ppid', auth: !no });
loading(root);
try {
  if (no) {
    data = await caseRequest('GET', path(), undefined, key);
    if (data.actions.some((a) => a.action === 'reroute')) units = await agencies();
    render();
  } else {
    await mine();
  }
} catch (e) {
  loadFailed(root, t('common.load_failed', { message: errorMessage(e) }));
}
