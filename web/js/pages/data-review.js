// Walidata (and, for priority data, the pembina): versions waiting for a
// decision; approve publishes (or passes on to the pembina), return sends
// the version back to its producer with a note.
import '../i18n/data.js';
import { h, replace, $ } from '../dom.js';
import { get, post, seg } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { formatDateTime, formatNumber } from '../format.js';
import { initPage } from '../layout.js';
import { flash } from '../ui.js';
import { staffNav, statusBadge } from '../satudata.js';

const state = { items: null, error: null };

// The list is drawn anew after each decision, and the message after it, so
// that the redraw does not take the message away.
async function decide(item, decision, note) {
  let message, kind = 'success';
  try {
    const r = await post(`/api/data/resources/${seg(item.resource)}/versions/${item.number}/review`, note ? { decision, note } : { decision });
    message = t(`data.decided.${r.version.status}`, { name: item.dataset_title });
  } catch (e) {
    message = errorMessage(e);
    kind = 'error';
  }
  await load();
  flash(message, kind);
}

function card(x) {
  const note = h('input', { type: 'text', maxlength: '2000', 'aria-label': t('data.return_note') , placeholder: t('data.return_note') });
  return h('li', { class: 'card review-item' },
    h('h2', { class: 'card-title' }, h('a', { href: `/data/dataset.html?name=${encodeURIComponent(x.dataset)}` }, x.dataset_title), ' — ', x.resource_name),
    h('p', {}, `v${x.number} `, statusBadge(x.status), x.priority ? h('span', { class: 'badge badge-kind' }, t('data.priority')) : null, ' · ', x.org.name),
    h('p', {}, x.note, ' · ', h('span', { class: 'muted' }, `${x.created_by}, ${formatDateTime(x.created_at)}`)),
    h('p', {}, t('data.rows_n', { n: formatNumber(x.rows) }), ' · ', t('data.changes', { added: x.added, changed: x.changed, removed: x.removed })),
    x.open_conflicts ? h('p', { class: 'alert alert-error' }, t('data.blocked', { n: x.open_conflicts }), ' ', h('a', { href: '/data/conflicts.html' }, t('data.see_conflicts'))) : null,
    h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: 'btn btn-primary', disabled: x.open_conflicts > 0, onclick: () => decide(x, 'approve') }, t('data.approve')),
      note,
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => { if (!note.value.trim()) { note.focus(); flash(t('data.return_note_needed'), 'error'); return; } decide(x, 'return', note.value.trim()); } }, t('data.return'))));
}

function render() {
  const main = $('#main');
  replace(main, staffNav('review'),
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, t('data.review_title')), h('p', { class: 'lead' }, t('data.review_lead')))),
    state.error ? h('div', { class: 'alert alert-error', role: 'alert' }, errorMessage(state.error))
      : !state.items ? h('p', { class: 'loading' }, t('common.loading'))
        : state.items.length ? h('ul', { class: 'stack' }, state.items.map(card)) : h('p', { class: 'muted' }, t('data.review_empty')));
}

async function load() {
  try {
    state.items = (await get('/api/data/review')).items;
    state.error = null;
  } catch (e) {
    state.error = e;
  }
  render();
}

onLangChange(render);
const ctx = await initPage({ active: 'data', auth: true });
if (ctx) await load();
