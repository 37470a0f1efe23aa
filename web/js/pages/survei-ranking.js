// The ranking of service units by IKM for a period, public: each unit
// links to its own page; a sample short of Krejcie-Morgan is marked.
import '../i18n/survey.js';
import { h, replace, options, $ } from '../dom.js';
import { get, seg } from '../api.js';
import { t, errorMessage } from '../i18n.js';
import { formatNumber } from '../format.js';
import { field, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { KINDS, kindOf, periodOf, recentPeriods, ikmText, gradeBadge } from '../survei.js';

const main = $('#main');
let period = new URLSearchParams(location.search).get('period');

function periodForm() {
  const which = h('select', { name: 'period', id: 'ranking-period' });
  const list = KINDS.flatMap((k) => recentPeriods(k, k === 'month' ? 12 : 4));
  if (!list.includes(period)) list.unshift(period);
  options(which, list.map((p) => [p, `${t(`survey.period_kind.${kindOf(p)}`)} ${p}`]), period);
  return h('form', { class: 'filter-bar', method: 'get', action: '/survei/peringkat.html' },
    field({ label: t('survey.period'), control: which }),
    h('button', { type: 'submit', class: 'btn btn-secondary' }, t('survey.show')));
}

function table(items) {
  if (!items.length) return h('p', {}, t('survey.ranking_none'));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'ranking' },
    h('thead', {}, h('tr', {}, ['survey.rank', 'survey.unit', 'survey.ikm', 'survey.grade', 'survey.respondents']
      .map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, items.map((i) => h('tr', {},
      h('td', {}, String(i.rank)),
      h('td', {}, h('a', { href: `/survei/unit.html?unit=${seg(i.unit.code)}&period=${seg(period)}` }, i.unit.name)),
      h('td', {}, ikmText(i.ikm)),
      h('td', {}, gradeBadge(i.grade)),
      h('td', {}, formatNumber(i.respondents), i.representative ? null
        : h('span', { class: 'badge badge-soon', title: t('survey.not_representative', { n: i.respondents, need: i.sample_needed }) },
          `< ${formatNumber(i.sample_needed)}`)))))));
}

async function start() {
  await initPage();
  if (!kindOf(period || '')) period = periodOf('semester');
  loading(main);
  try {
    const d = await get('/api/survey/ranking', { period });
    replace(main, h('h1', {}, t('survey.ranking_title')), h('p', { class: 'lead' }, t('survey.ranking_lead')),
      periodForm(), table(d.items));
  } catch (err) {
    loadFailed(main, errorMessage(err));
  }
}

start();
