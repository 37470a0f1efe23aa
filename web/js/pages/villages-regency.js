// The regency's view of its villages: a sortable table with each village's
// digitalisation score and what makes it, a district filter, CSV export.
import '../i18n/villages.js';
import { h, replace, $ } from '../dom.js';
import { get } from '../api.js';
import { t, errorMessage, onLangChange } from '../i18n.js';
import { loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { formatNumber } from '../format.js';

const root = $('#regency');
let data = null, district = '', sort = { key: 'score', dir: -1 };

const COLS = [
  ['nama', 'desa.village'], ['district', 'desa.district'], ['score', 'desa.score'], ['profile_complete', 'desa.profile_complete'],
  ['news_30d', 'desa.news_30d'], ['budget_published', 'desa.budget_published'], ['letters_30d', 'desa.letters_30d'],
];
const val = (i, k) => (k === 'district' ? i.district.nama : typeof i[k] === 'boolean' ? Number(i[k]) : i[k]);
const yn = (b) => (b ? t('desa.yes') : t('desa.no'));

function render() {
  const s = data.summary;
  const rows = data.items.filter((i) => !district || i.district.kode === district)
    .sort((a, b) => (val(a, sort.key) > val(b, sort.key) ? 1 : val(a, sort.key) < val(b, sort.key) ? -1 : 0) * sort.dir);
  replace(root,
    h('h1', {}, t('desa.regency')),
    h('p', { class: 'lead' }, `${t('desa.active')}: ${formatNumber(s.active)} / ${formatNumber(s.villages)} · ${t('desa.score')} ${formatNumber(Math.round(s.average_score))}`),
    h('p', { class: 'actions' },
      h('select', { id: 'district', class: 'input', onchange: (e) => { district = e.target.value; render(); } },
        h('option', { value: '' }, t('desa.all_districts')),
        s.districts.map((d) => h('option', { value: d.kode, selected: d.kode === district }, `${d.nama} (${d.active}/${d.villages})`))), ' ',
      h('a', { class: 'btn btn-secondary', href: `/api/villages/overview?format=csv${district ? `&district=${district}` : ''}` }, t('desa.csv'))),
    h('table', { class: 'table', id: 'villages-table' },
      h('thead', {}, h('tr', {}, COLS.map(([k, label]) => h('th', { 'aria-sort': sort.key === k ? (sort.dir > 0 ? 'ascending' : 'descending') : null },
        h('button', { type: 'button', class: 'link', onclick: () => { sort = { key: k, dir: sort.key === k ? -sort.dir : -1 }; render(); } },
          k === 'district' ? t('desa.district', { name: '' }).trim() : t(label)))))),
      h('tbody', {}, rows.map((i) => h('tr', {},
        h('td', {}, h('a', { href: `/desa/${i.kode}` }, i.nama)), h('td', {}, i.district.nama), h('td', { class: 'num' }, String(i.score)),
        h('td', {}, yn(i.profile_complete)), h('td', { class: 'num' }, String(i.news_30d)), h('td', {}, yn(i.budget_published)),
        h('td', { class: 'num' }, String(i.letters_30d)))))));
}

onLangChange(() => data && render());
await initPage({ active: 'desa', auth: true });
loading(root);
try {
  data = await get('/api/villages/overview');
  render();
} catch (err) {
  loadFailed(root, errorMessage(err));
}
