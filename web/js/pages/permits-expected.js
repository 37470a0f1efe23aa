// Researchers expected in the caller's units or village: issued permits
// naming them as a location, still valid.
import '../i18n/permits.js';
import { h, replace, $ } from '../dom.js';
import { get } from '../api.js';
import { t, errorMessage } from '../i18n.js';
import { loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { periodText } from '../permits.js';

const list = $('#expected');
await initPage({ active: 'permits', auth: true });
loading(list);
try {
  const d = await get('/api/permits/expected');
  replace(list, d.items.length ? d.items.map((i) => h('li', { class: 'case-card' },
    h('h3', { class: 'case-title' }, i.title),
    h('p', { class: 'case-meta' }, `${i.name} · ${i.institution}`),
    h('p', { class: 'case-text' }, `${t('permits.period')}: ${periodText(i)}`))) : h('li', {}, t('permits.none')));
} catch (e) {
  loadFailed(list, t('common.load_failed', { message: errorMessage(e) }));
}
