// Staff: conflicting figures side by side, with their sources and versions;
// the walidata makes the designated producer's figure official or returns
// a figure to its producer with a note.
import '../i18n/data.js';
import { h, replace, $ } from '../dom.js';
import { get, post } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { formatDateTime } from '../format.js';
import { initPage } from '../layout.js';
import { flash, confirmDialog } from '../ui.js';
import { staffNav, num, statusBadge } from '../satudata.js';

const state = { items: null, error: null, status: 'open', user: null };

// The list is drawn anew after each decision, and the message after it, so
// that the redraw does not take the message away.
// Making a figure official is what every publication then shows, and a
// return sends work back to a producer: both are asked first, naming what
// will happen; cancel changes nothing.
async function resolve(c, body) {
  const where = `${c.indicator.name} · ${c.region.nama || c.region.kode} · ${c.period}`;
  const org = body.side ? c[body.side].org.name : (c.a.designated ? c.a : c.b.designated ? c.b : null)?.org.name;
  const message0 = body.decision === 'return' ? t('data.return_confirm', { where })
    : org ? t('data.official_confirm', { org, where }) : t('data.official_confirm_any', { where });
  if (!await confirmDialog({ title: body.decision === 'return' ? t('data.return') : t('data.make_official_title'),
    message: message0, confirmLabel: body.decision === 'return' ? t('data.return') : t('data.make_official_yes'), danger: false })) return;
  let message, kind = 'success';
  try {
    await post(`/api/data/conflicts/${c.id}/resolve`, body);
    message = t('data.resolved', { region: c.region.nama || c.region.kode });
  } catch (e) {
    message = errorMessage(e);
    kind = 'error';
  }
  await load();
  flash(message, kind);
}

function side(s, c, key) {
  return h('div', { class: ['side', s.designated && 'side-designated'] },
    h('p', { class: 'side-label' }, t(`data.side.${c.kind}.${key}`)),
    h('p', { class: 'side-value' }, num(s.value, c.indicator.unit)),
    h('p', {}, s.org.name, s.designated ? h('span', { class: 'badge badge-ok' }, t('data.designated')) : null),
    h('p', { class: 'muted' }, s.dataset ? h('a', { href: `/data/dataset.html?name=${encodeURIComponent(s.dataset)}` }, s.dataset_title) : null, ` · v${s.version}`));
}

function card(c) {
  const note = h('input', { type: 'text', maxlength: '2000', 'aria-label': t('data.resolve_note'), placeholder: t('data.resolve_note') });
  const designated = c.a.designated ? 'a' : c.b.designated ? 'b' : null;
  const actions = c.open ? h('div', { class: 'form-actions' },
    designated || c.kind === 'hierarchy'
      ? h('button', { type: 'button', class: 'btn btn-primary', onclick: () => resolve(c, { decision: 'official', note: note.value.trim() || null }) }, t('data.make_official'))
      : ['a', 'b'].map((s) => h('button', { type: 'button', class: 'btn btn-primary', onclick: () => resolve(c, { decision: 'official', side: s, note: note.value.trim() || null }) },
        t('data.make_official_side', { org: c[s].org.name }))),
    note,
    h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => {
      if (!note.value.trim()) { note.focus(); flash(t('data.return_note_needed'), 'error'); return; }
      resolve(c, { decision: 'return', note: note.value.trim() });
    } }, t('data.return'))) : h('p', {}, c.note || '', c.resolved_by ? ` — ${c.resolved_by}` : '');
  return h('li', { class: 'card conflict', dataset: { conflict: c.id } },
    h('h2', { class: 'card-title' }, `${c.indicator.name} · ${c.region.nama || c.region.kode} · ${c.period}`),
    h('p', {}, statusBadge(c.status), c.escalated ? h('span', { class: 'badge badge-danger' }, t('data.escalated')) : null,
      h('span', { class: 'muted' }, ` ${t(`data.kind.${c.kind}`)} · ${formatDateTime(c.opened_at)}`)),
    h('div', { class: 'sides' }, side(c.a, c, 'a'), side(c.b, c, 'b')),
    actions);
}

function render() {
  const main = $('#main');
  const tabs = h('div', { class: 'toolbar' }, ['open', 'resolved', 'all'].map((s) =>
    h('button', { type: 'button', class: ['btn', 'btn-small', state.status === s ? 'btn-primary' : 'btn-secondary'], 'aria-pressed': state.status === s ? 'true' : 'false',
      onclick: () => { state.status = s; load(); } }, t(`data.filter.${s}`))));
  replace(main, staffNav('conflicts'),
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, t('data.conflicts_title')), h('p', { class: 'lead' }, t('data.conflicts_lead')))),
    tabs,
    state.error ? h('div', { class: 'alert alert-error', role: 'alert' }, errorMessage(state.error))
      : !state.items ? h('p', { class: 'loading' }, t('common.loading'))
        : state.items.length ? h('ul', { class: 'stack' }, state.items.map(card)) : h('p', { class: 'muted' }, t('data.conflicts_empty')));
}

async function load() {
  try {
    state.items = (await get('/api/data/conflicts', { status: state.status })).items;
    state.error = null;
  } catch (e) {
    state.error = e;
  }
  render();
}

onLangChange(render);
const ctx = await initPage({ active: 'data', auth: true });
if (ctx) await load();
