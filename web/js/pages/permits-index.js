// Si-Intan's front page: apply, follow one's applications, and search the
// public library of finished research.
import '../i18n/permits.js';
import { h, replace, $ } from '../dom.js';
import { get } from '../api.js';
import { t, tr, errorMessage, onLangChange } from '../i18n.js';
import { loadFailed } from '../ui.js';
import { initPage } from '../layout.js';

const list = $('#library');
let serviceDays = null;

async function search(q) {
  try {
    const d = await get('/api/permits/library', { q });
    replace(list, d.items.length ? d.items.map((i) => h('li', { class: 'case-card' },
      h('h3', { class: 'case-title' }, i.title),
      h('p', { class: 'case-meta' }, `${i.institution} · ${i.year} · ${i.locations}`),
      h('p', { class: 'case-text' }, i.abstract),
      i.report ? h('a', { href: i.report }, t('permits.download_report')) : null)) : h('li', {}, t('permits.none')));
  } catch (e) {
    loadFailed(list, t('common.load_failed', { message: errorMessage(e) }));
  }
}

function renderServiceTime() {
  if (serviceDays !== null) tr($('#service-time'), 'permits.service_time', { days: serviceDays });
}

$('#library-form').addEventListener('submit', (e) => {
  e.preventDefault();
  search($('#q').value.trim());
});
onLangChange(renderServiceTime);
await initPage({ active: 'permits' });
get('/api/permits/stats').then((s) => { serviceDays = s.service_days; renderServiceTime(); }).catch(() => null);
search('');
