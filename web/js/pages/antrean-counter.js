// The counter console: open (on a service), pause with a reason, close;
// call the next patient by the fair order or a given number, call again,
// skip a patient who does not come, transfer to another service, finish.
// The line of the counter's service is shown in call order and kept live.
import '../i18n/queue.js';
import { h, icon, replace, options, $ } from '../dom.js';
import { get, post, seg } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { flash, field, loading, confirmDialog } from '../ui.js';
import { initPage } from '../layout.js';
import { loadFacility, staffFacility, staffNav, noFacility, follow, throttle, timeWIB } from '../antrean.js';

const main = $('#main');
const state = { facility: null, counters: [], counter: null, line: null };
const els = {};
let storeKey = '';

function current() { return state.counters.find((k) => String(k.id) === String(state.counter)) || null; }

async function act(path, body = {}, done = null) {
  const k = current();
  if (!k) return;
  try {
    const d = await post(`/api/queue/counters/${k.id}/${path}`, body);
    Object.assign(k, d.counter);
    render();
    if (done) flash(done(d.counter));
    await loadLine();
  } catch (e) {
    flash(errorMessage(e), 'error');
  }
}

function serviceSelect(name, selected, exclude = null, placeholder = null) {
  const sel = h('select', { name });
  const list = state.facility.services.filter((s) => s.active && s.code !== exclude).map((s) => [s.code, s.name]);
  options(sel, placeholder ? [['', placeholder], ...list] : list, selected);
  return sel;
}

// Finishing ends the whole visit: asked, never a tap away.
async function finish() {
  const k = current();
  if (k && k.current && await confirmDialog({ title: t('antrean.finish_visit'), message: t('antrean.finish_confirm', { label: k.current.label }),
    confirmLabel: t('antrean.finish_yes') }))
    act('finish', {}, () => t('antrean.finished'));
}

function renderCounter() {
  const k = current();
  if (!k) { replace(els.counter, h('p', { class: 'hint' }, t('antrean.no_counters'))); return; }
  const cur = k.current;
  const open = k.status === 'open';
  const openSvc = serviceSelect('service', k.service.code);
  const reason = h('input', { name: 'reason', type: 'text', maxlength: '200', autocomplete: 'off' });
  const number = h('input', { name: 'label', type: 'text', maxlength: '12', autocomplete: 'off', autocapitalize: 'characters' });
  // At registration the natural next step is the poli the patient booked:
  // that is the primary action, and the transfer list starts there.
  const booked = cur && cur.booked && cur.booked.code !== k.service.code ? cur.booked : null;
  const atRegistration = k.service.kind === 'registration';
  const moveTo = serviceSelect('transfer', booked ? booked.code : '', k.service.code, t('antrean.transfer_choose'));
  replace(els.counter,
    h('div', { class: 'console-head' },
      h('h2', { class: 'card-title' }, k.name),
      h('p', { class: ['badge', `badge-counter-${k.status}`], id: 'counter-status' }, t(`antrean.counter.${k.status}`)),
      h('p', { class: 'hint' }, k.service.name, k.pause_reason ? ` — ${k.pause_reason}` : '')),
    h('div', { class: 'console-current', 'aria-live': 'polite' },
      h('p', { class: 'ticket-caption' }, t('antrean.serving')),
      h('p', { class: 'ticket-number', id: 'counter-current' }, cur ? cur.label : '—'),
      cur ? h('p', { class: 'hint' }, [
        cur.priority ? t(`antrean.priority.${cur.priority}`) : null,
        t('antrean.recalls', { n: cur.recalls }),
        cur.called_at ? t('antrean.called_at', { time: timeWIB(cur.called_at) }) : null,
      ].filter(Boolean).join(' · ')) : null),
    h('div', { class: 'console-actions' },
      h('button', { type: 'button', class: 'btn btn-primary', disabled: !open || !!cur, id: 'call-next',
        onclick: () => act('call', {}, (c) => t('antrean.called_flash', { label: c.current.label })) },
      icon('arrow-right'), h('span', {}, t('antrean.call_next'))),
      h('button', { type: 'button', class: 'btn btn-secondary', disabled: !cur, onclick: () => act('recall') }, t('antrean.recall')),
      h('button', { type: 'button', class: 'btn btn-danger-quiet', disabled: !cur, onclick: () => act('skip', {}, () => t('antrean.skipped')) },
        t('antrean.skip')),
      atRegistration && booked ? h('button', { type: 'button', class: 'btn btn-primary', id: 'send-booked',
        onclick: () => act('transfer', { service: booked.code }, () => t('antrean.transferred')) },
      icon('arrow-right'), h('span', {}, t('antrean.send_to', { service: booked.name }))) : null,
      h('button', { type: 'button', class: atRegistration ? 'btn btn-danger-quiet' : 'btn btn-primary', disabled: !cur, id: 'finish',
        onclick: finish }, icon('check'), h('span', {}, t(atRegistration ? 'antrean.finish_visit' : 'antrean.finish')))),
    h('div', { class: 'console-row' },
      field({ label: t('antrean.transfer_to'), control: moveTo }),
      h('button', { type: 'button', class: 'btn btn-secondary', disabled: !cur,
        onclick: () => (moveTo.value ? act('transfer', { service: moveTo.value }, () => t('antrean.transferred'))
          : flash(t('antrean.transfer_choose'), 'error')) }, t('antrean.transfer'))),
    h('div', { class: 'console-row' },
      field({ label: t('antrean.call_number'), control: number }),
      h('button', { type: 'button', class: 'btn btn-secondary', disabled: !open || !!cur,
        onclick: () => number.value.trim() && act('call', { label: number.value.trim() }) }, t('antrean.call'))),
    h('details', { class: 'console-settings', open: !open },
      h('summary', {}, t('antrean.counter_settings')),
      h('div', { class: 'console-row' },
        field({ label: t('antrean.counter_service'), control: openSvc }),
        h('button', { type: 'button', class: 'btn btn-primary', id: 'counter-open',
          onclick: () => act('open', { service: openSvc.value }, () => t('antrean.opened')) }, t('antrean.open'))),
      h('div', { class: 'console-row' },
        field({ label: t('antrean.pause_reason'), control: reason }),
        h('button', { type: 'button', class: 'btn btn-secondary', disabled: !open,
          onclick: () => act('pause', { reason: reason.value.trim() }, () => t('antrean.paused')) }, t('antrean.pause'))),
      h('button', { type: 'button', class: 'btn btn-danger-quiet', disabled: k.status === 'closed' || !!cur,
        onclick: () => act('close', {}, () => t('antrean.closed_flash')) }, t('antrean.close'))));
}

function renderLine() {
  const line = state.line;
  if (!line) { replace(els.line, h('p', { class: 'hint' }, t('antrean.line_empty'))); return; }
  replace(els.line,
    h('h2', { class: 'card-title' }, t('antrean.line_title', { service: line.name })),
    h('p', { class: 'hint', id: 'line-count' }, t('antrean.line_count', { n: line.waiting.length, called: line.called || '—' })),
    line.waiting.length
      ? h('ol', { class: 'line-list', id: 'line-list' }, line.waiting.map((w) => h('li', {},
        h('strong', {}, w.label),
        w.priority ? h('span', { class: 'badge badge-priority' }, t(`antrean.priority.${w.priority}`)) : null,
        h('span', { class: 'hint' }, ` ${t('antrean.slot', { time: timeWIB(w.slot) })}`))))
      : h('p', {}, t('antrean.line_empty')));
}

function render() {
  options(els.select, state.counters.map((k) => [k.id, `${k.name} (${k.service.name})`]), state.counter);
  renderCounter();
  renderLine();
}

async function loadCounters() {
  const d = await get(`/api/queue/facilities/${seg(state.facility.code)}/counters`);
  state.counters = d.items;
  if (!current()) state.counter = state.counters.length ? state.counters[0].id : null;
}

async function loadLine() {
  const k = current();
  if (!k) { state.line = null; renderLine(); return; }
  try {
    const d = await get(`/api/queue/facilities/${seg(state.facility.code)}/lines`, { service: k.service.code });
    state.line = d.lines[0] || null;
  } catch (e) {
    state.line = null;
    flash(errorMessage(e), 'error');
  }
  renderLine();
}

const refresh = throttle(async () => {
  try { await loadCounters(); } catch { /* keep what is shown */ }
  render();
  await loadLine();
}, 500);

async function build(fc, user) {
  loading(main);
  state.facility = await loadFacility(fc);
  storeKey = `pendopo.antrean.counter.${fc}`;
  try { state.counter = localStorage.getItem(storeKey); } catch { state.counter = null; }
  await loadCounters();
  els.select = h('select', { id: 'counter-select', onchange: () => {
    state.counter = els.select.value;
    try { localStorage.setItem(storeKey, state.counter); } catch { /* private mode */ }
    render();
    loadLine();
  } });
  els.counter = h('section', { class: 'card console', 'aria-label': t('antrean.console') });
  els.line = h('section', { class: 'card', 'aria-live': 'polite' });
  replace(main,
    staffNav(fc, 'loket', user),
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, t('antrean.counter_title')), h('p', { class: 'lead' }, state.facility.name)),
      field({ label: t('antrean.counter'), control: els.select })),
    h('div', { class: 'antrean-grid' }, els.counter, els.line));
  render();
  await loadLine();
  follow(fc, state.facility.services.map((s) => s.code), refresh);
  onLangChange(render);
}

const ctx = await initPage({ active: 'antrean', auth: true });
const fc = ctx && await staffFacility(ctx.user);
if (!fc) noFacility(main);
else await build(fc, ctx.user);
