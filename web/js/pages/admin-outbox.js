// Admin: the outbox — messages by email and WhatsApp per state, each with
// its attempts, and sending a failed or unknown one again.
import '../i18n/admin.js';
import { h, replace, options, $ } from '../dom.js';
import { get, post } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { formatDateTime, formatNumber } from '../format.js';
import { modal, flash, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';

const STATES = ['pending', 'sending', 'sent', 'failed', 'unknown'];
const listEl = $('#outbox-list');
const countEl = $('#result-count');
const stateSel = $('#state');
const asked = new URLSearchParams(location.search).get('state');
const state = { filter: STATES.includes(asked) ? asked : '', items: [], counts: {}, loaded: false, error: null };

function fillStates() {
  options(stateSel, [['', t('outbox.all')], ...STATES.map((s) => [s, `${t(`outbox.state_${s}`)} (${formatNumber(state.counts[s] || 0)})`])], state.filter);
}

const badge = (s) => h('span', { class: ['badge', s === 'sent' ? 'badge-ok' : s === 'failed' || s === 'unknown' ? 'badge-danger' : 'badge-muted'] },
  t(`outbox.state_${s}`));

async function retry(d) {
  try {
    await post(`/api/outbox/${d.id}/retry`);
    flash(t('outbox.retried', { id: d.id }));
    await load();
  } catch (e) {
    flash(errorMessage(e), 'error');
  }
}

async function details(d) {
  let full;
  try {
    full = await get(`/api/outbox/${d.id}`);
  } catch (e) {
    flash(errorMessage(e), 'error');
    return;
  }
  modal({ title: t('outbox.details_title', { id: d.id }), wide: true, content: h('div', {},
    h('p', {}, full.subject || full.topic),
    h('pre', { class: 'message-body' }, full.body),
    h('h2', {}, t('outbox.attempts')),
    full.attempts.length ? h('ol', {}, full.attempts.map((a) => h('li', {},
      `${formatDateTime(a.started_at)} — ${a.outcome ? t(`outbox.outcome_${a.outcome}`) : t('outbox.outcome_running')}`,
      a.detail ? ` (${a.detail})` : ''))) : h('p', {}, t('outbox.no_attempts')),
    full.statuses.length ? h('div', {}, h('h2', {}, t('outbox.statuses')),
      h('ol', {}, full.statuses.map((s) => h('li', {}, `${formatDateTime(s.at)} — ${s.status}${s.detail ? ` (${s.detail})` : ''}`)))) : null) });
}

function render() {
  fillStates();
  if (!state.loaded) return;
  if (state.error) { loadFailed(listEl, t('common.load_failed', { message: errorMessage(state.error) })); countEl.textContent = ''; return; }
  const items = state.items;
  countEl.textContent = items.length ? t('outbox.count', { n: formatNumber(items.length) }) : t('outbox.empty');
  if (!items.length) { listEl.replaceChildren(); return; }
  const table = h('table', { class: 'table table-stack' },
    h('thead', {}, h('tr', {},
      ['outbox.col_message', 'outbox.col_to', 'outbox.state', 'outbox.col_attempts', 'outbox.col_updated'].map((k) => h('th', { scope: 'col' }, t(k))),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('common.actions'))))),
    h('tbody', {}, items.map((d) => h('tr', { dataset: { id: String(d.id) } },
      h('th', { scope: 'row', 'data-label': t('outbox.col_message') },
        h('button', { type: 'button', class: 'link-button', onclick: () => details(d) }, d.subject || d.topic),
        h('div', { class: 'muted' }, `${d.object} · ${t(`outbox.channel_${d.channel}`)}`)),
      h('td', { 'data-label': t('outbox.col_to') }, d.address),
      h('td', { 'data-label': t('outbox.state') }, badge(d.state), d.provider_status ? h('div', { class: 'muted' }, d.provider_status) : null,
        d.last_error ? h('div', { class: 'muted' }, d.last_error) : null),
      h('td', { 'data-label': t('outbox.col_attempts') }, formatNumber(d.attempts)),
      h('td', { 'data-label': t('outbox.col_updated') }, formatDateTime(d.updated_at)),
      h('td', { class: 'cell-actions' }, d.state === 'failed' || d.state === 'unknown'
        ? h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-label': t('outbox.retry_label', { id: d.id }), onclick: () => retry(d) },
          t('outbox.retry'))
        : null)))));
  replace(listEl, h('div', { class: 'table-wrap' }, table));
}

async function load() {
  if (!state.loaded) loading(listEl);
  try {
    const d = await get('/api/outbox', state.filter ? { state: state.filter, limit: 200 } : { limit: 200 });
    state.items = d.items;
    state.counts = d.counts;
    state.error = null;
  } catch (e) {
    state.error = e;
  }
  state.loaded = true;
  render();
}

stateSel.addEventListener('change', () => {
  state.filter = stateSel.value;
  history.replaceState(null, '', state.filter ? `${location.pathname}?state=${state.filter}` : location.pathname);
  load();
});
onLangChange(render);

const ctx = await initPage({ active: 'admin', role: 'admin' });
if (ctx) await load();
