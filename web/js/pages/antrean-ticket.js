// The mobile ticket: the queue number, where the patient stands ("3 ahead
// of you, estimated 09:40"), the QR to scan at the kiosk, the PDF, and
// cancelling.  It follows the facility's lines live and re-reads the ticket
// whenever they move; when the number is called it says so.  Once opened
// it works offline too (manifest and service worker, /antrean/sw.js).
import '../i18n/queue.js';
import { h, icon, replace, $ } from '../dom.js';
import { get, post, seg } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { formatDate } from '../format.js';
import { confirmDialog, flash, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { loadFacility, follow, throttle, timeWIB, statusText, saveTicket, codeFrom } from '../antrean.js';

const box = $('#ticket');
const live = $('#ticket-live');
const callAlert = $('#call-alert');
const code = codeFrom(new URLSearchParams(location.search).get('kode'));
let booking = null;
let lastProgress = '';
let stop = null;

const OPEN = new Set(['booked', 'checked_in']);

function progressText(b) {
  if (b.status === 'cancelled') return b.note ? t('antrean.cancelled_note', { note: b.note }) : t('antrean.status.cancelled');
  if (!OPEN.has(b.status)) return statusText(b.status);
  if (b.now && b.now.status === 'called') return t('antrean.called_to', { counter: b.now.counter || b.now.service_name });
  if (typeof b.ahead !== 'number') return statusText(b.status);
  const when = timeWIB(b.estimated_at);
  return b.ahead === 0 ? t('antrean.ahead_none', { time: when }) : t('antrean.ahead', { n: b.ahead, time: when });
}

function row(key, value) {
  return value ? [h('dt', {}, t(key)), h('dd', {}, value)] : [];
}

function render() {
  if (!booking) return;
  const b = booking;
  const progress = progressText(b);
  const where = b.now ? t(b.now.status === 'called' ? 'antrean.where_called' : 'antrean.where_waiting',
    { service: b.now.service_name, counter: b.now.counter || '' }) : null;
  replace(box, h('article', { class: ['ticket', `ticket-${b.status}`], 'aria-labelledby': 'ticket-label' },
    h('p', { class: 'ticket-facility' }, b.facility.name),
    h('p', { class: 'ticket-service' }, b.service.name),
    h('p', { class: 'ticket-caption' }, t('antrean.your_number')),
    h('p', { class: 'ticket-number', id: 'ticket-label' }, b.label),
    h('p', { class: ['badge', `badge-${b.status}`] }, statusText(b.status)),
    h('p', { class: 'ticket-progress', id: 'ticket-progress' }, progress),
    b.line && b.line.called ? h('p', { class: 'ticket-now' }, t('antrean.now_serving', { label: b.line.called })) : null,
    h('dl', { class: 'details ticket-details' },
      row('antrean.date', formatDate(b.date)),
      row('antrean.session', `${b.session.hours} WIB`),
      row('antrean.doctor', b.session.doctor && b.session.doctor.name),
      row('antrean.booked_time', `${b.booked_time} WIB`),
      row('antrean.where', where),
      row('antrean.code', b.code),
      row('antrean.nik', b.nik),
      row('antrean.patient_kind', t(b.jkn ? 'antrean.jkn' : 'antrean.non_jkn')),
      row('antrean.priority', b.priority && t(`antrean.priority.${b.priority}`))),
    OPEN.has(b.status) && !b.now ? h('figure', { class: 'ticket-qr' },
      h('img', { src: `/api/queue/bookings/${seg(b.code)}/qr.svg`, alt: t('antrean.qr_alt', { code: b.code }), width: '200', height: '200' }),
      h('figcaption', { class: 'hint' }, t('antrean.qr_hint'))) : null,
    h('div', { class: 'form-actions ticket-actions' },
      h('a', { class: 'btn btn-secondary', href: `/api/queue/bookings/${seg(b.code)}/ticket.pdf` }, icon('ticket'), h('span', {}, t('antrean.pdf'))),
      OPEN.has(b.status) && !(b.now && b.now.status === 'called')
        ? h('button', { type: 'button', class: 'btn btn-danger-quiet', onclick: cancel }, icon('close'), h('span', {}, t('antrean.cancel')))
        : null,
      h('a', { class: 'btn btn-secondary', href: '/antrean/' }, t('antrean.book_another')))));
  if (progress !== lastProgress) {
    if (lastProgress) live.textContent = progress;
    lastProgress = progress;
  }
}

async function load() {
  try {
    const d = await get(`/api/queue/bookings/${seg(code)}`);
    booking = d.booking;
    saveTicket(booking);
    render();
  } catch (e) {
    if (!booking) loadFailed(box, e.status === 404 ? t('antrean.ticket_not_found') : t('common.load_failed', { message: errorMessage(e) }));
  }
}

async function cancel() {
  const ok = await confirmDialog({ message: t('antrean.cancel_confirm', { label: booking.label }),
    confirmLabel: t('antrean.cancel_yes') });
  if (!ok) return;
  try {
    const d = await post(`/api/queue/bookings/${seg(code)}/cancel`, {});
    booking = d.booking;
    render();
    flash(t('antrean.cancelled'));
  } catch (e) {
    flash(errorMessage(e), 'error');
  }
}

// The patient's own number called: say it where it cannot be missed.
function onEvent(ev) {
  if (ev && ev.type === 'call' && booking && ev.label === booking.label) {
    callAlert.hidden = false;
    callAlert.textContent = t('antrean.you_are_called', { label: ev.label, counter: ev.counter });
    if (navigator.vibrate) navigator.vibrate([300, 150, 300]);
  }
  refresh();
}
const refresh = throttle(load, 500);

// The ticket and its QR kept for a weak signal at the door (sw.js): the
// worker is told what this page loaded, the ticket and the QR included.
function keepOffline() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/antrean/sw.js', { scope: '/antrean/' })
    .then(() => navigator.serviceWorker.ready)
    .then((reg) => reg.active.postMessage({ keep: [location.href, `/api/queue/bookings/${seg(code)}`,
      `/api/queue/bookings/${seg(code)}/qr.svg`, ...performance.getEntriesByType('resource').map((r) => r.name)] }))
    .catch(() => { /* without a worker the page works online as before */ });
}

onLangChange(render);
loading(box);
await initPage({ active: 'antrean' });
if (!/^[A-Z0-9]{10}$/.test(code)) {
  loadFailed(box, t('antrean.ticket_not_found'));
} else {
  await load();
  if (booking) keepOffline();
  if (booking) {
    const f = await loadFacility(booking.facility.code).catch(() => null);
    const services = f ? f.services.map((s) => s.code) : [booking.service.code];
    stop = follow(booking.facility.code, services, onEvent);
    window.addEventListener('pagehide', () => stop && stop());
  }
}
