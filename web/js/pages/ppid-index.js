// PPID's front page: ask, follow, the public register of requests (no
// requester shown), and this year's figures.
import '../i18n/ppid.js';
import { h, replace, $ } from '../dom.js';
import { get } from '../api.js';
import { t, tr, errorMessage, onLangChange } from '../i18n.js';
import { loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { formatDate } from '../format.js';
import { stateBadge } from '../ppid.js';

const list = $('#register');
let report = null;

async function search(q) {
  try {
    const d = await get('/api/inforeq/register', { q });
    replace(list, d.items.length ? d.items.map((i) => h('li', { class: 'case-card', dataset: { tracking: i.tracking } },
      h('p', { class: 'case-meta' }, h('a', { href: `/ppid/lacak.html?no=${encodeURIComponent(i.tracking)}` }, i.tracking), ' ',
        stateBadge(i.state, i.overdue), ' · ', i.agency.name || ''),
      h('p', { class: 'case-text' }, i.information),
      h('p', { class: 'hint' }, formatDate(i.received_day),
        i.working_days_taken !== null ? ` · ${t('ppid.days_taken', { days: i.working_days_taken })}` : '',
        i.ground ? ` · ${t('ppid.ground', { letter: i.ground.letter })}` : ''),
      i.dispute ? h('p', { class: 'hint', dataset: { dispute: i.dispute.registration_number } }, t('ppid.dispute'), ': ',
        i.dispute.registration_number, ' · ', i.dispute.outcome ? t(`ppid.outcome.${i.dispute.outcome}`) : t('ppid.dispute_open')) : null))
      : h('li', {}, t('ppid.none')));
  } catch (e) {
    loadFailed(list, t('common.load_failed', { message: errorMessage(e) }));
  }
}

function renderReport() {
  if (!report) return;
  const x = report.total;
  replace($('#report'), t('ppid.report', { year: report.year }), ': ',
    t('ppid.report_line', { received: x.received, granted: x.granted, part: x.granted_in_part, refused: x.refused,
      objections: x.objections.filed }), ' · ',
    h('a', { href: `/api/inforeq/report?year=${report.year}&format=csv` }, t('ppid.report_csv')), ' · ',
    h('a', { href: `/api/inforeq/report?year=${report.year}&format=pdf`, id: 'report-pdf' }, t('ppid.report_pdf')));
}

$('#register-form').addEventListener('submit', (e) => {
  e.preventDefault();
  search($('#q').value.trim());
});
onLangChange(() => { renderReport(); search($('#q').value.trim()); });
await initPage({ active: 'ppid' });
get('/api/inforeq/report').then((r) => { report = r; renderReport(); }).catch(() => tr($('#report'), 'ppid.none'));
search('');
