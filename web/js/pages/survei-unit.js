// A unit's satisfaction index, public: /survei/unit.html?unit=CODE&period=P.
// The IKM and its grade, whether the sample is representative (said
// plainly when it is not), the nine elements as bars with the weakest
// marked, the trend over the periods before, each service, the follow-up
// plan, and the CSV and PDF.  The unit's own staff also read the comments
// (never who wrote them), write the plan and print kiosk codes.
import '../i18n/survey.js';
import { h, replace, options, $ } from '../dom.js';
import { get, post, request, seg, hasRole } from '../api.js';
import { t, getLang, errorMessage } from '../i18n.js';
import { setupForm } from '../forms.js';
import { formatNumber, formatDate } from '../format.js';
import { field, flash, loading, loadFailed } from '../ui.js';
import { barChart, lineChart } from '../chart.js';
import { initPage } from '../layout.js';
import { KINDS, kindOf, periodOf, recentPeriods, ikmText, nrrText, gradeBadge } from '../survei.js';

const main = $('#main');
const params = new URLSearchParams(location.search);
const unit = params.get('unit');
let period = params.get('period') || periodOf('semester');
let user = null;

const mayWrite = (u) => !!u && (hasRole(u, 'admin')
  || (u.roles || []).some((r) => (r.role === 'officer' || r.role === 'unit_head') && r.unit && r.unit.code === unit));
const isStaff = (u) => mayWrite(u) || hasRole(u, 'regent_office');

function periodForm() {
  const kind = h('select', { name: 'kind', id: 'survey-kind' });
  options(kind, KINDS.map((k) => [k, t(`survey.period_kind.${k}`)]), kindOf(period) || 'semester');
  const which = h('select', { name: 'period', id: 'survey-period' });
  const fill = () => {
    const list = recentPeriods(kind.value);
    if (!list.includes(period)) list.unshift(period);
    options(which, list.filter((p) => kindOf(p) === kind.value).map((p) => [p, p]), list.includes(period) ? period : list[0]);
  };
  kind.addEventListener('change', fill);
  fill();
  return h('form', { class: 'filter-bar', method: 'get', action: '/survei/unit.html' },
    h('input', { type: 'hidden', name: 'unit', value: unit }),
    field({ label: t('survey.period_kind'), control: kind }),
    field({ label: t('survey.period'), control: which }),
    h('button', { type: 'submit', class: 'btn btn-secondary' }, t('survey.show')));
}

function summary(r) {
  if (!r.respondents) return h('section', { class: 'card' }, h('p', {}, t('survey.no_data')));
  return h('section', { class: 'card survey-summary', 'aria-labelledby': 'survey-ikm-label' },
    h('p', { class: 'stat-label', id: 'survey-ikm-label' }, t('survey.ikm')),
    h('p', { class: 'survey-ikm', id: 'survey-ikm' }, ikmText(r.ikm)),
    h('p', { id: 'survey-grade' }, gradeBadge(r.grade)),
    r.ci95 ? h('p', { class: 'hint' }, t('survey.ci', { low: ikmText(r.ci95.low), high: ikmText(r.ci95.high) })) : null,
    h('dl', { class: 'meta-list' },
      h('dt', {}, t('survey.respondents')), h('dd', {}, formatNumber(r.respondents)),
      h('dt', {}, t('survey.transactions')), h('dd', {}, formatNumber(r.transactions)),
      h('dt', {}, t('survey.sample_needed')), h('dd', {}, formatNumber(r.sample_needed))),
    r.representative
      ? h('p', { class: 'alert alert-success' }, t('survey.representative'))
      : h('p', { class: 'alert alert-warn', id: 'survey-short' },
        t('survey.not_representative', { n: formatNumber(r.respondents), need: formatNumber(r.sample_needed) })));
}

function elements(r) {
  if (!r.respondents) return null;
  const weak = new Set(r.weakest);
  const name = (e) => (getLang() === 'en' ? e.name_en : e.name);
  return h('section', { class: 'section' },
    h('h2', {}, t('survey.elements')),
    h('figure', { class: 'chart-figure' }, barChart({ title: t('survey.elements'), table: false,
      items: r.elements.map((e) => ({ label: name(e), value: e.nrr ?? 0, mark: weak.has(e.key) })) })),
    h('table', { class: 'table' }, h('tbody', {}, r.elements.map((e) =>
      h('tr', {}, h('th', { scope: 'row' }, name(e)), h('td', {}, nrrText(e.nrr)))))),
    r.weakest.length ? h('p', {}, h('strong', {}, `${t('survey.weakest')}: `),
      r.weakest.map((k) => name(r.elements.find((e) => e.key === k))).join(', ')) : null);
}

function trend(points) {
  const known = points.filter((p) => p.ikm != null);
  if (known.length < 2) return null;
  return h('section', { class: 'section' }, h('h2', {}, t('survey.trend')),
    h('figure', { class: 'chart-figure' }, lineChart({ title: t('survey.trend'), points: known.map((p) => ({ label: p.period, value: p.ikm })) })));
}

function services(list) {
  if (!list.length) return null;
  return h('section', { class: 'section' }, h('h2', {}, t('survey.services')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', {}, t('survey.service')), h('th', {}, t('survey.ikm')), h('th', {}, t('survey.grade')),
        h('th', {}, t('survey.respondents')))),
      h('tbody', {}, list.map((s) => h('tr', {}, h('td', {}, s.name), h('td', {}, ikmText(s.result.ikm)),
        h('td', {}, gradeBadge(s.result.grade)), h('td', {}, formatNumber(s.result.respondents))))))));
}

function followup(d) {
  const box = h('section', { class: 'section', id: 'survey-followup' }, h('h2', {}, t('survey.followup')),
    d.followup ? h('p', { class: 'survey-plan' }, d.followup.plan) : h('p', { class: 'muted' }, t('survey.followup_none')));
  if (!mayWrite(user)) return box;
  const plan = h('textarea', { name: 'plan', rows: '5', maxlength: '4000', required: true }, d.followup ? d.followup.plan : '');
  const form = h('form', { class: 'form', id: 'followup-form', novalidate: true },
    field({ label: t('survey.followup'), control: plan }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save'))));
  setupForm(form, {
    async submit(v) {
      await request('PUT', `/api/survey/units/${seg(unit)}/followup`, { period, plan: v.plan });
      flash(t('survey.followup_saved'));
      load();
    },
  });
  box.appendChild(form);
  return box;
}

async function staffPanel() {
  if (!isStaff(user)) return null;
  const panel = h('section', { class: 'section card', id: 'survey-staff' }, h('h2', {}, t('survey.staff')));
  const c = await get(`/api/survey/units/${seg(unit)}/comments`, { period });
  panel.append(h('h3', {}, t('survey.comments')), c.items.length
    ? h('ul', { class: 'plain-list', id: 'survey-comments' }, c.items.map((i) =>
      h('li', {}, h('p', {}, i.comment), h('p', { class: 'hint' }, `${formatDate(i.day)} · ${i.service_name || t('survey.kiosk_service_any')}`))))
    : h('p', { class: 'muted' }, t('survey.comments_none')));
  if (mayWrite(user)) {
    const count = h('input', { name: 'count', type: 'number', min: '1', max: '500', value: '20', required: true });
    const out = h('div', { id: 'survey-codes' });
    const form = h('form', { class: 'form', id: 'codes-form', novalidate: true },
      field({ label: t('survey.codes_count'), control: count }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-secondary' }, t('survey.codes_make'))));
    setupForm(form, {
      async submit(v) {
        const d = await post(`/api/survey/units/${seg(unit)}/codes`, { count: Number(v.count) });
        replace(out, h('p', { class: 'alert alert-warn' }, t('survey.codes_made', { n: d.codes.length })),
          h('ol', { class: 'survey-code-list' }, d.codes.map((code) => h('li', {}, code))));
      },
    });
    panel.append(h('h3', {}, t('survey.codes')), form, out);
  }
  return panel;
}

async function load() {
  loading(main);
  try {
    const d = await get(`/api/survey/units/${seg(unit)}`, { period });
    const base = `/api/survey/units/${seg(unit)}`;
    replace(main,
      h('h1', {}, d.unit.name),
      h('p', { class: 'lead' }, `${t('survey.title')} · ${d.period}`),
      periodForm(),
      summary(d.result),
      elements(d.result),
      trend(d.trend),
      services(d.services),
      followup(d),
      h('section', { class: 'section' }, h('h2', {}, t('survey.downloads')),
        h('ul', { class: 'plain-list downloads' },
          h('li', {}, h('a', { href: `${base}/report.pdf?period=${seg(d.period)}` }, t('survey.pdf'))),
          h('li', {}, h('a', { href: `${base}/report.csv?period=${seg(d.period)}` }, t('survey.csv'))),
          h('li', {}, h('a', { href: `/survei/layar.html?unit=${seg(unit)}` }, t('survey.board_link'))),
          h('li', {}, h('a', { href: `/survei/kiosk.html?unit=${seg(unit)}` }, t('survey.kiosk_link'))))));
    const panel = await staffPanel();
    if (panel) main.appendChild(panel);
  } catch (err) {
    loadFailed(main, errorMessage(err));
  }
}

async function start() {
  const ctx = await initPage();
  user = ctx && ctx.user;
  if (!unit) {
    location.replace('/survei/peringkat.html');
    return;
  }
  if (!kindOf(period)) period = periodOf('semester');
  load();
}

start();
