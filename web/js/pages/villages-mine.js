// A citizen's village letters (list), and one of them (?id=): its state,
// the office's notes, and the signed PDF once it is ready.
import '../i18n/villages.js';
import { h, replace, $ } from '../dom.js';
import { get, post } from '../api.js';
import { t, errorMessage, onLangChange } from '../i18n.js';
import { flash, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { formatDateTime } from '../format.js';
import { stateBadge, timeline } from '../villages.js';
import { letterCard } from '../letters.js';

const root = $('#mine');
const qs = new URLSearchParams(location.search);
const id = Number(qs.get('id')) || null;
let data = null;

function render() {
  const r = data.request;
  replace(root,
    h('div', { class: 'page-head' },
      h('p', { class: 'case-meta' }, stateBadge(r.state)),
      h('h1', { class: 'tracking-title', id: 'tracking' }, r.tracking || t('desa.state.draft')),
      h('p', { class: 'lead' }, `${r.kind} · Desa ${r.village.nama}`)),
    h('div', { class: 'stack' },
      data.letter ? letterCard(data.letter, { title: t('desa.letter'), onChange: reload }) : null,
      r.state === 'incomplete' ? h('p', {}, h('button', { type: 'button', class: 'btn btn-primary', id: 'resend', onclick: async () => {
        try { data = await post(`/api/village-letters/${id}/actions/resubmit`, {}); render(); } catch (err) { flash(errorMessage(err), 'error'); }
      } }, t('desa.resend'))) : null,
      h('section', { class: 'card', id: 'timeline' }, h('h2', { class: 'card-title' }, t('desa.timeline')), timeline(data.timeline))));
}

async function reload() {
  data = await get(`/api/village-letters/${id}`);
  render();
}

async function list() {
  const d = await get('/api/village-letters/mine');
  replace(root, h('h1', {}, t('desa.mine')), h('ul', { class: 'case-list', id: 'mine-list' },
    d.items.length ? d.items.map((i) => h('li', { class: 'case-card' },
      h('p', { class: 'case-meta' }, h('a', { href: `/desa/surat-saya.html?id=${i.id}` }, i.tracking || t('desa.state.draft')), ' ',
        stateBadge(i.state)),
      h('p', { class: 'case-text' }, `${i.kind} · Desa ${i.village.nama} · ${formatDateTime(i.created_at)}`))) : h('li', {}, t('desa.none'))));
}

onLangChange(() => (id ? data && render() : list().catch(() => null)));
await initPage({ active: 'desa', auth: true });
loading(root);
try {
  if (id) {
    await reload();
    if (qs.get('sent')) flash(t('desa.sent'));
  } else {
    await list();
  }
} catch (err) {
  loadFailed(root, errorMessage(err));
}
