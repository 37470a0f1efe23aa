// The satisfaction board for a service hall's TV, full screen:
// /survei/layar.html?unit=CODE shows the unit's IKM, grade and the nine
// elements of the current semester; without a unit, the ranking.  Read
// again every minute; nothing here needs a login.
import '../i18n/survey.js';
import { h, replace, $ } from '../dom.js';
import { get, seg } from '../api.js';
import { t, applyI18n, getLang, onLangChange } from '../i18n.js';
import { formatNumber } from '../format.js';
import { periodOf, ikmText, nrrText } from '../survei.js';

const unit = new URLSearchParams(location.search).get('unit');
const REFRESH_MS = 60000;
const els = { title: $('#board-title'), sub: $('#board-sub'), ikm: $('#board-ikm'), grade: $('#board-grade'),
  sample: $('#board-sample'), list: $('#board-list'), full: $('#board-fullscreen') };
let data = null;

function render() {
  if (!data) return;
  const period = data.period;
  els.sub.textContent = t('survey.board_sub', { period });
  if (unit) {
    const r = data.result;
    els.title.textContent = data.unit.name;
    els.ikm.textContent = ikmText(r.ikm);
    els.grade.textContent = r.grade ? t(`survey.grade.${r.grade}`) : t('survey.no_data');
    els.sample.textContent = r.respondents
      ? (r.representative ? `${t('survey.respondents')}: ${formatNumber(r.respondents)}`
        : t('survey.not_representative', { n: formatNumber(r.respondents), need: formatNumber(r.sample_needed) }))
      : '';
    const name = (e) => (getLang() === 'en' ? e.name_en : e.name);
    replace(els.list, h('h2', {}, t('survey.elements')), h('ul', { class: 'line-list' },
      r.elements.map((e) => h('li', { class: 'board-line' }, h('span', {}, name(e)), ' ', h('strong', {}, nrrText(e.nrr))))));
  } else {
    const top = data.items[0];
    els.ikm.textContent = top ? ikmText(top.ikm) : '—';
    els.grade.textContent = top ? top.unit.name : t('survey.ranking_none');
    els.sample.textContent = '';
    replace(els.list, h('h2', {}, t('survey.ranking_title')), h('ol', { class: 'line-list' },
      data.items.slice(0, 10).map((i) => h('li', { class: 'board-line' }, h('span', {}, i.unit.name), ' ',
        h('strong', {}, `${ikmText(i.ikm)} ${i.grade}`)))));
  }
}

async function refresh() {
  try {
    const period = periodOf('semester');
    data = unit ? await get(`/api/survey/units/${seg(unit)}`, { period }) : await get('/api/survey/ranking', { period });
    render();
  } catch {
    // the last figures stay on screen until the next read succeeds
  }
}

applyI18n();
onLangChange(render);
els.full.addEventListener('click', () => document.documentElement.requestFullscreen?.());
refresh();
setInterval(refresh, REFRESH_MS);
