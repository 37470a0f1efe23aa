// PPID console: the open requests at the officer's units (every one for
// the PPID Utama), most urgent first as the server orders them.
import '../i18n/ppid.js';
import { h, replace, $ } from '../dom.js';
import { get } from '../api.js';
import { t, errorMessage, onLangChange } from '../i18n.js';
import { loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { formatDate } from '../format.js';
import { stateBadge } from '../ppid.js';

const list = $('#inbox');

async function load() {
  try {
    const d = await get('/api/inforeq/inbox');
    replace(list, d.items.length ? d.items.map((i) => h('li', { class: 'case-card' },
      h('p', { class: 'case-meta' }, h('a', { href: `/ppid/permohonan.html?no=${encodeURIComponent(i.tracking)}` }, i.tracking), ' ',
        stateBadge(i.state, i.overdue), ' · ', i.agency.name || ''),
      h('p', { class: 'case-text' }, i.information),
      i.due ? h('p', { class: 'hint' }, t('ppid.clock.answer_due'), ': ', formatDate(i.due)) : null))
      : h('li', {}, t('ppid.none')));
  } catch (e) {
    loadFailed(list, t('common.load_failed', { message: errorMessage(e) }));
  }
}

onLangChange(load);
await initPage({ active: 'ppid', auth: true });
load();
