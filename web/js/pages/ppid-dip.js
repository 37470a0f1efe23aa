// PPID: each public body's list of public information (DIP), by category,
// searchable, with the document where it is published.
import '../i18n/ppid.js';
import { h, replace, options, $ } from '../dom.js';
import { get } from '../api.js';
import { t, errorMessage, onLangChange } from '../i18n.js';
import { loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { agencies } from '../ppid.js';

const out = $('#dip');

async function load() {
  try {
    const d = await get('/api/inforeq/dip', { agency: $('#agency').value, q: $('#q').value.trim() });
    const cats = ['berkala', 'serta_merta', 'setiap_saat'];
    replace(out, ...cats.map((c) => {
      const rows = d.items.filter((i) => i.category === c);
      return h('section', { class: 'card', dataset: { category: c } }, h('h2', { class: 'card-title' }, t(`ppid.cat.${c}`)),
        rows.length ? h('ul', { class: 'case-list' }, rows.map((i) => h('li', { class: 'case-card' },
          h('p', { class: 'case-meta' }, `${i.number} · ${i.agency.name || ''} · ${i.holding_unit}`),
          h('p', { class: 'case-text' }, i.summary),
          h('p', { class: 'hint' }, `${i.responsible} · ${i.made_when}, ${i.made_where} · ${i.format} · ${i.retention}`),
          i.document ? h('a', { href: i.document }, 'PDF') : null))) : h('p', {}, t('ppid.none')));
    }));
  } catch (e) {
    loadFailed(out, t('common.load_failed', { message: errorMessage(e) }));
  }
}

$('#dip-form').addEventListener('submit', (e) => { e.preventDefault(); load(); });
onLangChange(load);
await initPage({ active: 'ppid' });
try {
  options($('#agency'), [['', '—'], ...(await agencies()).map((u) => [u.code, u.name])], '');
} catch { /* the list works without the filter */ }
load();
