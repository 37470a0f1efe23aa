// A village's page, /desa/{kode}: its profile, news, photo gallery, the
// published budget with a chart, its public information list, and the
// letters one may request online.
import '../i18n/villages.js';
import { h, replace, $ } from '../dom.js';
import { get } from '../api.js';
import { t, errorMessage, onLangChange } from '../i18n.js';
import { loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { barChart } from '../chart.js';
import { formatDate, formatNumber } from '../format.js';
import { articleBody, rupiah } from '../villages.js';

const root = $('#village');
const kode = decodeURIComponent(location.pathname.replace(/^\/desa\//, '').replace(/\/$/, ''));
let v = null, budget = null, kinds = [];
const opened = new Map();

// Population and area: Satu Data's official figure when it has one (with
// its period and dataset), else what the village entered.
function figure(f, unit) {
  if (!f) return null;
  const value = `${formatNumber(f.value)}${unit}`;
  return f.source === 'satu_data' ? [value, ' ', h('small', { class: 'hint' }, t('desa.from_data', { period: f.period, dataset: f.dataset_title }))] : value;
}

function profile(p, figures) {
  const row = (k, val) => (val == null || val === '' ? null : [h('dt', {}, t(k)), h('dd', {}, typeof val === 'object' ? val : String(val))]);
  return h('section', { class: 'card', id: 'profile' }, h('h2', { class: 'card-title' }, t('desa.profile')),
    p.description ? h('p', {}, p.description) : null,
    h('dl', { class: 'details' }, row('desa.head', p.head_name), row('desa.address', p.address), row('desa.phone', p.phone),
      row('desa.email', p.email), row('desa.population', figure(figures.population, '')),
      row('desa.area', figure(figures.area_km2, ''))));
}

function newsItem(n) {
  const body = opened.get(n.id);
  return h('li', { class: 'case-card' },
    h('p', { class: 'case-meta' }, h('span', { class: 'badge' }, t(`desa.kind.${n.kind}`)), ' ', formatDate(n.published_at)),
    h('h3', {}, n.title),
    body ? articleBody(body.html) : h('p', { class: 'case-text' }, n.excerpt),
    body ? null : h('button', { type: 'button', class: 'btn btn-small btn-secondary', onclick: async () => {
      opened.set(n.id, (await get(`/api/villages/${kode}/posts/${n.id}`)).post);
      render();
    } }, t('desa.read_more')));
}

function galleryCard(photos) {
  return h('section', { class: 'card', id: 'gallery' }, h('h2', { class: 'card-title' }, t('desa.gallery')),
    photos.length ? h('ul', { class: 'gallery' }, photos.map((ph) => h('li', {}, h('figure', {},
      h('img', { src: ph.url, alt: ph.caption || t('desa.gallery'), loading: 'lazy', decoding: 'async' }),
      ph.caption ? h('figcaption', {}, ph.caption) : null)))) : h('p', {}, t('desa.gallery_none')));
}

function informationCard(items) {
  const cols = ['number', 'title', 'summary', 'holding_unit', 'responsible', 'made_when', 'format', 'retention', 'category'];
  return h('section', { class: 'card', id: 'information' }, h('h2', { class: 'card-title' }, t('desa.dip')),
    h('p', { class: 'hint' }, t('desa.dip_lead')),
    items.length ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('desa.dip') }, h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(`desa.dip.${c}`))))),
      h('tbody', {}, items.map((e) => h('tr', {}, cols.map((c) => h('td', {},
        c === 'category' ? t(`desa.dip.cat.${e.category}`) : e[c] ?? '—'))))))) : h('p', {}, t('desa.dip_none')));
}

function budgetCard() {
  if (!budget) return h('section', { class: 'card', id: 'budget' }, h('h2', { class: 'card-title' }, t('desa.budget', { year: '' })), h('p', {}, t('desa.budget_none')));
  const b = budget.budget;
  const groups = b.groups.filter((g) => g.level === 2 && (g.budget || g.realised));
  return h('section', { class: 'card', id: 'budget' },
    h('h2', { class: 'card-title' }, t('desa.budget', { year: b.year })),
    h('div', { class: 'stat-row' },
      h('p', {}, h('strong', {}, t('desa.income')), h('br'), rupiah(b.summary.income_budget), ' / ', rupiah(b.summary.income_realised)),
      h('p', {}, h('strong', {}, t('desa.expenditure')), h('br'), rupiah(b.summary.expenditure_budget), ' / ', rupiah(b.summary.expenditure_realised))),
    h('h3', {}, t('desa.budget_chart')),
    barChart({ title: `${t('desa.amount_budget')} (Rp)`, items: groups.map((g) => ({ label: g.name, value: g.budget })) }),
    barChart({ title: `${t('desa.amount_realised')} (Rp)`, items: groups.map((g) => ({ label: g.name, value: g.realised, mark: true })) }),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('desa.budget', { year: b.year }) }, h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', {}, t('desa.account')), h('th', {}, ''), h('th', {}, t('desa.amount_budget')), h('th', {}, t('desa.amount_realised')))),
      h('tbody', {}, b.lines.map((l) => h('tr', {}, h('td', {}, l.account), h('td', {}, l.name), h('td', { class: 'num' }, rupiah(l.budget)),
        h('td', { class: 'num' }, rupiah(l.realised))))))),
    h('p', {}, h('a', { class: 'btn btn-secondary', href: `/api/villages/${kode}/budget/${b.year}/csv` }, t('desa.budget_csv'))));
}

function render() {
  replace(root,
    h('div', { class: 'page-head' }, h('div', {},
      h('h1', {}, `Desa ${v.nama}`),
      h('p', { class: 'lead' }, t('desa.district', { name: v.district.nama })),
      v.viewer.operator || v.viewer.head ? h('p', {}, h('a', { class: 'btn btn-primary', href: '/desa/operator.html' }, t('desa.console'))) : null)),
    h('div', { class: 'stack' },
      profile(v.profile, v.figures),
      h('section', { class: 'card', id: 'letters' }, h('h2', { class: 'card-title' }, t('desa.letters')),
        h('p', {}, t('desa.letters_lead')),
        h('ul', { class: 'case-list' }, kinds.map((k) => h('li', { class: 'case-card' },
          h('p', {}, h('strong', {}, k.title), ' ',
            h('a', { class: 'btn btn-small btn-primary', href: `/desa/ajukan.html?kode=${kode}&kind=${k.code}` }, t('desa.apply'))))))),
      h('section', { class: 'card', id: 'news' }, h('h2', { class: 'card-title' }, t('desa.news')),
        v.news.length ? h('ul', { class: 'case-list' }, v.news.map(newsItem)) : h('p', {}, t('desa.news_none'))),
      galleryCard(v.photos),
      budgetCard(),
      informationCard(v.information)));
}

onLangChange(() => v && render());
await initPage({ active: 'desa' });
loading(root);
try {
  [v, { items: kinds }] = await Promise.all([get(`/api/villages/${encodeURIComponent(kode)}`), get(`/api/villages/${encodeURIComponent(kode)}/letter-kinds`)]);
  document.title = `Desa ${v.nama} · Pendopo`;
  const pub = v.budgets.find((b) => b.published);
  if (pub) budget = await get(`/api/villages/${kode}/budget/${pub.year}`);
  render();
} catch (err) {
  loadFailed(root, errorMessage(err));
}
