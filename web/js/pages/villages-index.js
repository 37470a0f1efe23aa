// Desa Digital: every village of the regency, district by district, with
// a search box; each links to its page /desa/{kode}.
import '../i18n/villages.js';
import { h, replace, $ } from '../dom.js';
import { get } from '../api.js';
import { t, errorMessage, onLangChange } from '../i18n.js';
import { loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { staffVillage } from '../villages.js';

const root = $('#villages');
let items = [];
let ctx = null;

function render() {
  const q = ($('#village-q') && $('#village-q').value.trim().toLowerCase()) || '';
  const shown = items.filter((v) => !q || v.nama.toLowerCase().includes(q) || v.district.nama.toLowerCase().includes(q));
  const groups = new Map();
  for (const v of shown) {
    if (!groups.has(v.district.kode)) groups.set(v.district.kode, { nama: v.district.nama, items: [] });
    groups.get(v.district.kode).items.push(v);
  }
  const list = h('div', { id: 'village-list' }, [...groups.values()].map((g) => h('section', { class: 'card' },
    h('h2', { class: 'card-title' }, t('desa.district', { name: g.nama })),
    h('ul', { class: 'chips' }, g.items.map((v) => h('li', { class: 'chip' }, h('a', { href: `/desa/${v.kode}` }, v.nama)))))));
  const old = $('#village-list');
  if (old) old.replaceWith(list);
  else {
    const user = ctx && ctx.user;
    const mine = staffVillage(user);
    const regency = user && user.roles && user.roles.some((r) => r.role === 'admin' || r.role === 'regent_office');
    replace(root,
      h('p', { class: 'actions' },
        mine ? h('a', { class: 'btn btn-primary', href: '/desa/operator.html' }, `${t('desa.console')} · ${mine.nama || mine.kode}`) : null, ' ',
        regency ? h('a', { class: 'btn btn-secondary', href: '/desa/kabupaten.html' }, t('desa.regency')) : null),
      h('label', { class: 'label', for: 'village-q' }, t('desa.search')),
      h('input', { id: 'village-q', type: 'search', class: 'input', oninput: render }),
      h('p', { class: 'hint' }, t('desa.villages', { n: items.length })),
      list);
  }
}

onLangChange(() => { const l = $('#village-list'); if (l) l.remove(); replace(root); render(); });
ctx = await initPage({ active: 'desa' });
loading(root);
try {
  items = (await get('/api/villages')).items;
  replace(root);
  render();
} catch (err) {
  loadFailed(root, errorMessage(err));
}
