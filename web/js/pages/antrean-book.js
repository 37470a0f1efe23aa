// Simantri booking: facility → poli → date → session, then who the patient
// is (NIK, optional BPJS card and phone).  The dates and sessions come from
// the facility's calendar with what is left of each quota; closed days say
// why; the poli's weekly hours and doctors show once it is chosen.  A
// booked ticket opens on its own page; signed in, the account's tickets
// from every device are listed.
import '../i18n/queue.js';
import { h, replace, options, $ } from '../dom.js';
import { get, post, seg } from '../api.js';
import { t, tr, onLangChange, errorMessage } from '../i18n.js';
import { setupForm } from '../forms.js';
import { formatDate, formatNumber } from '../format.js';
import { loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { loadFacilities, loadFacility, savedTickets, saveTicket, codeFrom, timeWIB } from '../antrean.js';

const form = $('#book-form');
const facilitySel = $('#b-facility');
const serviceSel = $('#b-service');
const dateList = $('#b-date-list');
const sessionList = $('#b-session-list');
const state = { facilities: [], days: [], date: null, session: null, error: null };
const asked = new URLSearchParams(location.search);

function facility() { return state.facilities.find((f) => f.code === facilitySel.value) || null; }

function fillFacilities() {
  const list = state.facilities;
  options(facilitySel, [['', t('common.choose')], ...list.map((f) => [f.code, f.name])], facilitySel.value || asked.get('fc') || '');
}

function fillServices() {
  const f = facility();
  const polis = f ? f.polis : [];
  const keep = serviceSel.value || asked.get('poli') || (polis.length === 1 ? polis[0].code : '');
  options(serviceSel, [['', t('common.choose')], ...polis.map((p) => [p.code, p.name])], keep);
  serviceSel.disabled = !f;
}

// The poli's weekly practice hours and doctors (as Mobile JKN shows them
// before a date is chosen), from the facility's set-up.
const setups = new Map();
async function renderSchedule() {
  const box = $('#b-schedule');
  const fc = facilitySel.value, svc = serviceSel.value;
  if (!fc || !svc) { box.hidden = true; return; }
  if (!setups.has(fc)) setups.set(fc, loadFacility(fc).catch(() => null));
  const f = await setups.get(fc);
  if (!f || facilitySel.value !== fc || serviceSel.value !== svc) return;
  const doctor = (code) => (f.doctors.find((d) => d.code === code) || {}).name;
  // One line per hours and doctor, naming its days.
  const lines = [];
  for (const x of f.schedules.filter((y) => y.service === svc)) {
    const key = `${x.start}|${x.end}|${x.doctor || ''}`;
    const line = lines.find((l) => l.key === key);
    if (line) line.days.push(x.weekday);
    else lines.push({ key, days: [x.weekday], hours: `${x.start}–${x.end} WIB`, doctor: x.doctor ? doctor(x.doctor) : null });
  }
  box.hidden = false;
  replace(box, h('h3', { class: 'schedule-title' }, t('antrean.schedule_title')),
    lines.length ? h('ul', { class: 'schedule-list' }, lines.map((l) => h('li', {},
      h('strong', {}, l.days.map((d) => t(`antrean.setup.day.${d}`)).join(', ')), ` · ${l.hours}`,
      ` · ${l.doctor || t('antrean.schedule_no_doctor')}`)))
      : h('p', { class: 'hint' }, t('antrean.schedule_none')));
}

// Why a date cannot be booked, in a few words.
function dayNote(d) {
  if (!d.open) return d.reason ? t('antrean.day_closed', { reason: d.reason }) : t('antrean.day_no_session');
  if (!d.bookable) {
    return Date.parse(d.booking_opens_at) > Date.now()
      ? t('antrean.day_opens', { date: formatDate(d.booking_opens_at, { short: true }), time: timeWIB(d.booking_opens_at) })
      : t('antrean.day_past');
  }
  return null;
}

function leftOf(s) {
  const jkn = form.elements.card.value.trim() !== '';
  return jkn ? s.left.jkn_online : s.left.non_jkn_online;
}

function renderDays() {
  if (state.error) { loadFailed(dateList, t('common.load_failed', { message: errorMessage(state.error) })); return; }
  if (!serviceSel.value) { replace(dateList, h('p', { class: 'hint' }, t('antrean.choose_poli_first'))); return; }
  if (!state.days.length) { replace(dateList, h('p', { class: 'hint' }, t('antrean.no_days'))); return; }
  replace(dateList, state.days.map((d) => {
    const note = dayNote(d);
    const id = `day-${d.date}`;
    const input = h('input', { type: 'radio', name: 'date', id, value: d.date, disabled: !!note, checked: state.date === d.date,
      onchange: () => { state.date = d.date; state.session = null; renderSessions(); } });
    return h('div', { class: ['choice', note && 'is-disabled'] }, input,
      h('label', { for: id }, h('span', { class: 'choice-main' }, formatDate(d.date)),
        note ? h('span', { class: 'choice-note' }, note) : null));
  }));
}

function renderSessions() {
  const d = state.days.find((x) => x.date === state.date);
  if (!d) { replace(sessionList, h('p', { class: 'hint' }, t('antrean.choose_date_first'))); return; }
  if (d.sessions.length === 1 && !state.session) state.session = d.sessions[0].id;
  replace(sessionList, d.sessions.map((s) => {
    const id = `session-${s.id}`;
    const left = leftOf(s);
    const input = h('input', { type: 'radio', name: 'session', id, value: String(s.id), disabled: left <= 0,
      checked: state.session === s.id, onchange: () => { state.session = s.id; } });
    return h('div', { class: ['choice', left <= 0 && 'is-disabled'] }, input,
      h('label', { for: id }, h('span', { class: 'choice-main' }, `${s.hours} WIB`),
        s.doctor ? h('span', { class: 'choice-note' }, s.doctor.name) : null,
        h('span', { class: 'choice-note' }, left > 0 ? t('antrean.left', { n: formatNumber(left) }) : t('antrean.full'))));
  }));
}

async function loadDays() {
  state.days = [];
  state.error = null;
  if (!facilitySel.value || !serviceSel.value) { state.date = null; renderDays(); renderSessions(); return; }
  loading(dateList);
  try {
    const d = await get(`/api/queue/facilities/${seg(facilitySel.value)}/services/${seg(serviceSel.value)}/days`);
    state.days = d.items;
    if (!state.days.some((x) => x.date === state.date && !dayNote(x))) state.date = null;
  } catch (e) {
    state.error = e;
  }
  renderDays();
  renderSessions();
}

// The tickets this device booked and, signed in, the account's from every
// device (as Mobile JKN keeps them), newest day first.
let accountTickets = null;
function renderMine() {
  const seen = new Set();
  const list = [...(accountTickets || []), ...savedTickets()].filter((x) => !seen.has(x.code) && seen.add(x.code))
    .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  tr($('#mine-title'), accountTickets ? 'antrean.mine_title_account' : 'antrean.mine_title');
  if (!list.length) { replace($('#mine'), h('p', { class: 'hint' }, t(accountTickets ? 'antrean.mine_empty_account' : 'antrean.mine_empty'))); return; }
  replace($('#mine'), h('ul', { class: 'ticket-list' }, list.map((x) => h('li', {},
    h('a', { href: `/antrean/tiket.html?kode=${encodeURIComponent(x.code)}` }, h('strong', {}, x.label), ` · ${x.service}`),
    h('span', { class: 'hint' }, ` ${x.facility}, ${formatDate(x.date, { short: true })}`)))));
}

setupForm(form, {
  validate(v) {
    const errs = [];
    if (!v.date) errs.push(['date', t('antrean.choose_date')]);
    else if (!state.session) errs.push(['session', t('antrean.choose_session')]);
    return errs;
  },
  async submit(v) {
    const d = await post('/api/queue/bookings', {
      facility: v.facility, service: v.service, date: v.date, session: state.session, nik: v.nik,
      card: v.card || null, phone: v.phone || null, complaint: v.complaint || null,
    });
    saveTicket(d.booking);
    location.assign(`/antrean/tiket.html?kode=${encodeURIComponent(d.booking.code)}`);
  },
});

setupForm($('#find-form'), {
  submit(v) { location.assign(`/antrean/tiket.html?kode=${encodeURIComponent(codeFrom(v.kode))}`); },
});

facilitySel.addEventListener('change', () => { serviceSel.value = ''; fillServices(); renderSchedule(); loadDays(); });
serviceSel.addEventListener('change', () => { renderSchedule(); loadDays(); });
form.elements.card.addEventListener('input', renderSessions);
onLangChange(() => { fillFacilities(); fillServices(); renderSchedule(); renderDays(); renderSessions(); renderMine(); });

renderMine();
const ctx = await initPage({ active: 'antrean' });
if (ctx && ctx.user) {
  get('/api/queue/bookings/mine').then((d) => {
    accountTickets = d.items.map((b) => ({ code: b.code, label: b.label, date: b.date, facility: b.facility.name, service: b.service.name }));
    renderMine();
  }, () => { /* the device's own list stays */ });
}
try {
  state.facilities = await loadFacilities();
} catch (e) {
  state.error = e;
}
fillFacilities();
fillServices();
renderSchedule();
await loadDays();
