// A facility's set-up, for its unit head and admins: booking rules, polis
// and other services, doctors, weekly practice sessions with their quotas,
// counters and ad-hoc closures.  Every change goes through the API, which
// checks and audits it; the page re-reads the facility afterwards so what
// it shows is what is stored.
import '../i18n/queue.js';
import { h, replace, options, $ } from '../dom.js';
import { get, post, patch, del, request, seg } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { flash, field, loading, confirmDialog, modal } from '../ui.js';
import { setupForm } from '../forms.js';
import { formatDate } from '../format.js';
import { initPage } from '../layout.js';
import { staffFacility, staffNav, noFacility, canManage, pageTitle } from '../antrean.js';

const main = $('#main');
const state = { fc: null, user: null, facility: null, counters: [] };
const KINDS = ['poli', 'registration', 'pharmacy', 'other'];
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 0];
const QUOTAS = ['quota_jkn_online', 'quota_non_online', 'quota_jkn_walkin', 'quota_non_walkin'];

const api = (path) => `/api/queue/facilities/${seg(state.fc)}${path}`;
const num = (v) => (v === '' || v === undefined ? undefined : Number(v));
const input = (name, props = {}) => h('input', { name, type: 'text', autocomplete: 'off', ...props });
const numberInput = (name, value, props = {}) => input(name, { type: 'number', inputmode: 'numeric', min: '0', value, ...props });
const submit = (label, id) => h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id }, label));

async function reload() {
  const [f, k] = await Promise.all([get(api('')), get(api('/counters'))]);
  state.facility = f.facility;
  state.counters = k.items;
  render();
}

// A form that sends its values with fn(values) and reloads on success.
function form(id, children, send, done) {
  const el = h('form', { class: 'form setup-form', id, novalidate: true }, children);
  setupForm(el, {
    submit: async (v, f) => {
      await send(v, f);
      flash(done);
      await reload();
    },
  });
  return el;
}

async function remove(path, message, done, confirmLabel) {
  if (!await confirmDialog({ message, confirmLabel })) return;
  try {
    await del(api(path));
    flash(done);
    await reload();
  } catch (e) {
    flash(errorMessage(e), 'error');
  }
}

function rulesSection() {
  const s = state.facility.settings;
  const type = h('select', { name: 'type' });
  options(type, [['fktp', t('antrean.setup.type_fktp')], ['fkrtl', t('antrean.setup.type_fkrtl')]], state.facility.type);
  const late = h('select', { name: 'late_policy' });
  options(late, [['requeue', t('antrean.setup.late_requeue')], ['refuse', t('antrean.setup.late_refuse')]], s.late_policy);
  const cuti = h('input', { name: 'cuti_bersama_closed', type: 'checkbox', checked: s.cuti_bersama_closed });
  return h('section', { class: 'card', 'aria-labelledby': 'setup-rules-title' },
    h('h2', { class: 'card-title', id: 'setup-rules-title' }, t('antrean.setup.rules')),
    form('rules-form', [
      field({ label: t('antrean.setup.type'), control: type }),
      h('fieldset', { class: 'fieldset' }, h('legend', {}, t('antrean.setup.window')),
        h('div', { class: 'setup-row' },
          field({ label: t('antrean.setup.opens_days'), control: numberInput('booking_opens_days', s.booking_opens_days, { max: '90' }) }),
          field({ label: t('antrean.setup.opens_at'), control: input('booking_opens_at', { type: 'time', value: s.booking_opens_at }) }),
          field({ label: t('antrean.setup.closes_days'), control: numberInput('booking_closes_days', s.booking_closes_days, { max: '90' }) }),
          field({ label: t('antrean.setup.closes_at'), control: input('booking_closes_at', { type: 'time', value: s.booking_closes_at }) }))),
      h('fieldset', { class: 'fieldset' }, h('legend', {}, t('antrean.setup.arrival')),
        h('div', { class: 'setup-row' },
          field({ label: t('antrean.setup.checkin_early'), control: numberInput('checkin_early_min', s.checkin_early_min, { max: '720' }) }),
          field({ label: t('antrean.setup.late_grace'), control: numberInput('late_grace_min', s.late_grace_min, { max: '720' }) }),
          field({ label: t('antrean.setup.late_policy'), control: late }))),
      h('fieldset', { class: 'fieldset' }, h('legend', {}, t('antrean.setup.priority')),
        h('div', { class: 'setup-row' },
          field({ label: t('antrean.setup.priority_every'), control: numberInput('priority_every', s.priority_every, { max: '20' }) }),
          field({ label: t('antrean.setup.priority_wait'), control: numberInput('priority_max_wait_min', s.priority_max_wait_min, { max: '720' }) }),
          field({ label: t('antrean.setup.max_recalls'), control: numberInput('max_recalls', s.max_recalls, { max: '10' }) }))),
      field({ label: t('antrean.setup.cuti_closed'), control: cuti }),
      submit(t('common.save'), 'rules-save'),
    ], (v) => request('PUT', api(''), {
      type: v.type, booking_opens_days: num(v.booking_opens_days), booking_opens_at: v.booking_opens_at,
      booking_closes_days: num(v.booking_closes_days), booking_closes_at: v.booking_closes_at,
      checkin_early_min: num(v.checkin_early_min), late_grace_min: num(v.late_grace_min), late_policy: v.late_policy,
      priority_every: num(v.priority_every), priority_max_wait_min: num(v.priority_max_wait_min),
      max_recalls: num(v.max_recalls), cuti_bersama_closed: v.cuti_bersama_closed,
    }), t('antrean.setup.saved')));
}

async function setActive(s, active) {
  try {
    await patch(api(`/services/${seg(s.code)}`), { active });
    flash(t('antrean.setup.saved'));
    await reload();
  } catch (e) {
    flash(errorMessage(e), 'error');
  }
}

// A service's name, number prefix and average service time, in a dialog.
function editService(s) {
  const el = h('form', { class: 'form', id: 'service-edit-form', novalidate: true },
    field({ label: t('antrean.setup.name'), control: input('name', { maxlength: '120', required: true, value: s.name }) }),
    field({ label: t('antrean.setup.prefix'), optional: s.kind !== 'poli',
      control: input('prefix', { maxlength: '3', autocapitalize: 'characters', value: s.prefix || '' }) }),
    field({ label: t('antrean.setup.avg'), control: numberInput('avg_service_min', s.avg_service_min, { min: '1', max: '240' }) }),
    submit(t('common.save'), 'service-save'));
  const m = modal({ title: `${s.name} (${s.code})`, content: el });
  setupForm(el, {
    submit: async (v) => {
      await patch(api(`/services/${seg(s.code)}`), { name: v.name, prefix: v.prefix ? v.prefix.toUpperCase() : null,
        avg_service_min: num(v.avg_service_min) });
      m.close();
      flash(t('antrean.setup.saved'));
      await reload();
    },
  });
}

function servicesSection() {
  const kind = h('select', { name: 'kind' });
  options(kind, KINDS.map((k) => [k, t(`antrean.setup.kind.${k}`)]), 'poli');
  return h('section', { class: 'card', 'aria-labelledby': 'setup-services-title' },
    h('h2', { class: 'card-title', id: 'setup-services-title' }, t('antrean.setup.services')),
    h('table', { class: 'table', id: 'services-table' },
      h('thead', {}, h('tr', {}, [t('antrean.setup.code'), t('antrean.setup.name'), t('antrean.setup.kind_label'),
        t('antrean.setup.prefix'), t('antrean.setup.avg'), ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, state.facility.services.map((s) => h('tr', { class: s.active ? null : 'is-muted' },
        h('td', {}, s.code), h('td', {}, s.name), h('td', {}, t(`antrean.setup.kind.${s.kind}`)),
        h('td', {}, s.prefix || '—'), h('td', {}, t('antrean.setup.minutes', { n: s.avg_service_min })),
        h('td', {}, h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => editService(s) }, t('antrean.setup.edit')),
          ' ',
          h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => setActive(s, !s.active) },
            s.active ? t('antrean.setup.deactivate') : t('antrean.setup.activate'))))))),
    h('h3', {}, t('antrean.setup.add_service')),
    form('service-form', [
      h('div', { class: 'setup-row' },
        field({ label: t('antrean.setup.code'), hint: t('antrean.setup.code_hint'),
          control: input('code', { maxlength: '10', autocapitalize: 'characters', required: true }) }),
        field({ label: t('antrean.setup.name'), control: input('name', { maxlength: '120', required: true }) }),
        field({ label: t('antrean.setup.kind_label'), control: kind }),
        field({ label: t('antrean.setup.prefix'), optional: true, control: input('prefix', { maxlength: '3', autocapitalize: 'characters' }) }),
        field({ label: t('antrean.setup.avg'), control: numberInput('avg_service_min', 10, { min: '1', max: '240' }) })),
      submit(t('antrean.setup.add_service'), 'service-add'),
    ], (v) => post(api('/services'), {
      code: v.code.toUpperCase(), name: v.name, kind: v.kind, prefix: v.prefix ? v.prefix.toUpperCase() : null,
      avg_service_min: num(v.avg_service_min),
    }), t('antrean.setup.service_added')));
}

// A doctor's name (the BPJS code stays), in a dialog.
function renameDoctor(d) {
  const el = h('form', { class: 'form', id: 'doctor-edit-form', novalidate: true },
    field({ label: t('antrean.setup.name'), control: input('name', { maxlength: '120', required: true, value: d.name }) }),
    submit(t('common.save'), 'doctor-save'));
  const m = modal({ title: d.code, content: el });
  setupForm(el, {
    submit: async (v) => {
      await patch(api(`/doctors/${seg(d.code)}`), { name: v.name });
      m.close();
      flash(t('antrean.setup.saved'));
      await reload();
    },
  });
}

function doctorsSection() {
  return h('section', { class: 'card', 'aria-labelledby': 'setup-doctors-title' },
    h('h2', { class: 'card-title', id: 'setup-doctors-title' }, t('antrean.setup.doctors')),
    state.facility.doctors.length
      ? h('ul', { class: 'setup-list', id: 'doctors-list' }, state.facility.doctors.map((d) => h('li', {},
        h('strong', {}, d.code), ` ${d.name} `,
        h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => renameDoctor(d) }, t('antrean.setup.edit')))))
      : h('p', { class: 'hint' }, t('antrean.setup.no_doctors')),
    form('doctor-form', [
      h('div', { class: 'setup-row' },
        field({ label: t('antrean.setup.doctor_code'), control: input('code', { maxlength: '16', autocapitalize: 'characters', required: true }) }),
        field({ label: t('antrean.setup.name'), control: input('name', { maxlength: '120', required: true }) })),
      submit(t('antrean.setup.add_doctor'), 'doctor-add'),
    ], (v) => post(api('/doctors'), { code: v.code.toUpperCase(), name: v.name }), t('antrean.setup.doctor_added')));
}

function weekdayName(d) { return t(`antrean.setup.day.${d}`); }

function schedulesSection() {
  const f = state.facility;
  const polis = f.services.filter((s) => s.kind === 'poli' && s.active);
  const service = h('select', { name: 'service' });
  options(service, polis.map((s) => [s.code, `${s.name} (${s.code})`]));
  const doctor = h('select', { name: 'doctor' });
  options(doctor, [['', t('antrean.setup.no_doctor')], ...f.doctors.map((d) => [d.code, d.name])], '');
  const days = h('fieldset', { class: 'fieldset weekday-set' }, h('legend', {}, t('antrean.setup.weekdays')),
    WEEKDAYS.map((d) => h('label', { class: 'check-inline' },
      h('input', { type: 'checkbox', class: 'weekday', value: String(d), 'data-day': String(d) }), ` ${weekdayName(d)}`)));
  const name = (code) => (f.services.find((s) => s.code === code) || { name: code }).name;
  return h('section', { class: 'card', 'aria-labelledby': 'setup-schedules-title' },
    h('h2', { class: 'card-title', id: 'setup-schedules-title' }, t('antrean.setup.schedules')),
    h('p', { class: 'hint' }, t('antrean.setup.schedules_hint')),
    f.schedules.length
      ? h('table', { class: 'table', id: 'schedules-table' },
        h('thead', {}, h('tr', {}, [t('antrean.poli'), t('antrean.setup.weekday'), t('antrean.session'), t('antrean.doctor'),
          t('antrean.setup.quota_head'), ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, f.schedules.map((x) => h('tr', {},
          h('td', {}, name(x.service)), h('td', {}, weekdayName(x.weekday)), h('td', {}, `${x.start}–${x.end}`),
          h('td', {}, x.doctor || '—'),
          h('td', {}, t('antrean.setup.quota_cell', { jo: x.quota.jkn_online, no: x.quota.non_jkn_online,
            jw: x.quota.jkn_walkin, nw: x.quota.non_jkn_walkin })),
          h('td', {}, h('button', { type: 'button', class: 'btn btn-danger-quiet btn-small',
            onclick: () => remove(`/schedules/${x.id}`, t('antrean.setup.retire_confirm', { day: weekdayName(x.weekday), hours: `${x.start}–${x.end}` }),
              t('antrean.setup.retired'), t('antrean.setup.retire')) }, t('antrean.setup.retire')))))))
      : h('p', { class: 'hint' }, t('antrean.setup.no_schedules')),
    h('h3', {}, t('antrean.setup.add_schedule')),
    polis.length ? form('schedule-form', [
      h('div', { class: 'setup-row' },
        field({ label: t('antrean.poli'), control: service }),
        field({ label: t('antrean.doctor'), optional: true, control: doctor }),
        field({ label: t('antrean.setup.start'), control: input('start', { type: 'time', required: true }) }),
        field({ label: t('antrean.setup.end'), control: input('end', { type: 'time', required: true }) })),
      days,
      h('div', { class: 'setup-row' }, QUOTAS.map((q) => field({ label: t(`antrean.setup.${q}`), control: numberInput(q, 0, { max: '10000' }) }))),
      submit(t('antrean.setup.add_schedule'), 'schedule-add'),
    ], (v, el) => {
      const weekdays = Array.from(el.querySelectorAll('input.weekday:checked')).map((c) => Number(c.value));
      const body = { service: v.service, doctor: v.doctor || null, weekdays, start: v.start, end: v.end };
      for (const q of QUOTAS) body[q] = num(v[q]) ?? 0;
      return post(api('/schedules'), body);
    }, t('antrean.setup.schedule_added')) : h('p', { class: 'hint' }, t('antrean.setup.need_poli')));
}

function countersSection() {
  const service = h('select', { name: 'service' });
  options(service, state.facility.services.filter((s) => s.active).map((s) => [s.code, s.name]));
  return h('section', { class: 'card', 'aria-labelledby': 'setup-counters-title' },
    h('h2', { class: 'card-title', id: 'setup-counters-title' }, t('antrean.setup.counters')),
    state.counters.length
      ? h('ul', { class: 'setup-list', id: 'counters-list' }, state.counters.map((k) => h('li', {},
        h('strong', {}, k.name), ` — ${k.service.name} · ${t(`antrean.counter.${k.status}`)}`)))
      : h('p', { class: 'hint' }, t('antrean.no_counters')),
    form('counter-form', [
      h('div', { class: 'setup-row' },
        field({ label: t('antrean.setup.counter_name'), control: input('name', { maxlength: '60', required: true }) }),
        field({ label: t('antrean.counter_service'), control: service })),
      submit(t('antrean.setup.add_counter'), 'counter-add'),
    ], (v) => post(api('/counters'), { name: v.name, service: v.service }), t('antrean.setup.counter_added')));
}

function closuresSection() {
  const f = state.facility;
  const service = h('select', { name: 'service' });
  options(service, [['', t('antrean.setup.whole_facility')], ...f.services.filter((s) => s.kind === 'poli').map((s) => [s.code, s.name])], '');
  const name = (code) => (code ? (f.services.find((s) => s.code === code) || { name: code }).name : t('antrean.setup.whole_facility'));
  return h('section', { class: 'card', 'aria-labelledby': 'setup-closures-title' },
    h('h2', { class: 'card-title', id: 'setup-closures-title' }, t('antrean.setup.closures')),
    h('p', { class: 'hint' }, t('antrean.setup.closures_hint')),
    f.closures.length
      ? h('ul', { class: 'setup-list', id: 'closures-list' }, f.closures.map((c) => h('li', {},
        h('strong', {}, formatDate(c.date)), ` ${name(c.service)}: ${c.reason} `,
        h('button', { type: 'button', class: 'btn btn-danger-quiet btn-small',
          onclick: () => remove(`/closures/${c.id}`, t('antrean.setup.reopen_confirm', { date: formatDate(c.date) }), t('antrean.setup.reopened'),
            t('antrean.setup.reopen')) },
        t('antrean.setup.reopen')))))
      : h('p', { class: 'hint' }, t('antrean.setup.no_closures')),
    form('closure-form', [
      h('div', { class: 'setup-row' },
        field({ label: t('antrean.date'), control: input('date', { type: 'date', required: true }) }),
        field({ label: t('antrean.service'), control: service }),
        field({ label: t('antrean.setup.reason'), hint: t('antrean.setup.reason_hint'),
          control: input('reason', { maxlength: '200', required: true }) })),
      submit(t('antrean.setup.add_closure'), 'closure-add'),
    ], async (v) => {
      const d = await post(api('/closures'), { date: v.date, service: v.service || null, reason: v.reason });
      if (d.cancelled) flash(t('antrean.setup.cancelled_n', { n: d.cancelled }));
    }, t('antrean.setup.closure_added')));
}

function render() {
  pageTitle('title.setup');
  replace(main,
    staffNav(state.fc, 'atur', state.user),
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, t('antrean.setup.title')), h('p', { class: 'lead' }, state.facility.name))),
    h('div', { class: 'setup-grid' }, rulesSection(), servicesSection(), doctorsSection(), schedulesSection(),
      countersSection(), closuresSection()));
}

const ctx = await initPage({ active: 'antrean', auth: true });
state.fc = ctx && await staffFacility(ctx.user);
if (!state.fc) noFacility(main);
else if (!canManage(ctx.user, state.fc)) {
  replace(main, h('h1', {}, t('antrean.setup.title')),
    h('p', { class: 'alert alert-error', role: 'alert' }, t('antrean.setup.forbidden')));
} else {
  state.user = ctx.user;
  loading(main);
  try {
    await reload();
  } catch (e) {
    flash(errorMessage(e), 'error');
  }
  onLangChange(render);
}
