// Kiosk and front desk: check a booked patient in (the QR read by a
// scanner types the ticket address into the code field, or the officer
// types the code), and issue walk-in numbers from today's walk-in share.
import '../i18n/queue.js';
import { h, icon, replace, options, $ } from '../dom.js';
import { post, seg } from '../api.js';
import { t } from '../i18n.js';
import { setupForm } from '../forms.js';
import { field } from '../ui.js';
import { initPage } from '../layout.js';
import { loadFacility, staffFacility, staffNav, noFacility, codeFrom, timeWIB } from '../antrean.js';

const main = $('#main');
const PRIORITIES = ['', 'elderly', 'disabled', 'pregnant'];

function prioritySelect() {
  const sel = h('select', { name: 'priority' });
  options(sel, PRIORITIES.map((p) => [p, p ? t(`antrean.priority.${p}`) : t('antrean.priority_none')]), '');
  return sel;
}

// The number just issued or checked in, large, with what to do next.
function showResult(box, b, message) {
  const where = b.now ? b.now.service_name : b.service.name;
  replace(box,
    h('p', { class: 'ticket-caption' }, b.service.name),
    h('p', { class: 'ticket-number kiosk-number' }, b.label),
    h('p', { class: 'ticket-progress' }, message),
    h('p', {}, t('antrean.kiosk_wait', { service: where })),
    typeof b.ahead === 'number' ? h('p', { class: 'hint' }, t('antrean.ahead', { n: b.ahead, time: timeWIB(b.estimated_at) })) : null,
    h('p', {}, h('a', { class: 'btn btn-secondary', href: `/api/queue/bookings/${seg(b.code)}/ticket.pdf`, target: '_blank', rel: 'noopener' },
      icon('ticket'), h('span', {}, t('antrean.print')))));
  box.hidden = false;
  box.focus();
}

function build(facility) {
  const polis = facility.services.filter((s) => s.kind === 'poli' && s.active);
  const result = h('section', { class: 'card kiosk-result', id: 'kiosk-result', tabindex: '-1', 'aria-live': 'polite', hidden: true });

  const code = h('input', { name: 'code', type: 'text', required: true, autocomplete: 'off', autocapitalize: 'characters',
    spellcheck: 'false', maxlength: '300' });
  const checkinForm = h('form', { class: 'form', id: 'checkin-form', novalidate: true },
    h('div', { class: 'alert alert-error form-alert', role: 'alert', tabindex: '-1' }),
    field({ label: t('antrean.code'), control: code, hint: t('antrean.scan_hint') }),
    field({ label: t('antrean.priority_label'), control: prioritySelect(), optional: true }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('antrean.checkin_submit'))));
  setupForm(checkinForm, {
    async submit(v) {
      const d = await post(`/api/queue/facilities/${seg(facility.code)}/checkin`,
        { code: codeFrom(v.code), priority: v.priority || null });
      checkinForm.reset();
      showResult(result, d.booking, d.late ? t('antrean.checked_in_late') : t('antrean.checked_in'));
      code.focus();
    },
  });

  const poli = h('select', { name: 'service', required: true });
  options(poli, polis.map((s) => [s.code, s.name]), polis.length ? polis[0].code : '');
  const walkinForm = h('form', { class: 'form', id: 'walkin-form', novalidate: true },
    h('div', { class: 'alert alert-error form-alert', role: 'alert', tabindex: '-1' }),
    field({ label: t('antrean.poli'), control: poli }),
    field({ label: t('antrean.nik'), optional: true,
      control: h('input', { name: 'nik', type: 'text', inputmode: 'numeric', autocomplete: 'off', maxlength: '16', pattern: '[0-9]{16}',
        'data-pattern-message': 'antrean.nik_pattern' }) }),
    field({ label: t('antrean.card'), optional: true,
      control: h('input', { name: 'card', type: 'text', inputmode: 'numeric', autocomplete: 'off', maxlength: '13', pattern: '[0-9]{13}',
        'data-pattern-message': 'antrean.card_pattern' }) }),
    field({ label: t('antrean.priority_label'), control: prioritySelect(), optional: true }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('antrean.walkin_submit'))));
  setupForm(walkinForm, {
    async submit(v) {
      const d = await post(`/api/queue/facilities/${seg(facility.code)}/walkins`, {
        service: v.service, nik: v.nik || null, card: v.card || null, priority: v.priority || null });
      walkinForm.reset();
      poli.value = v.service;
      showResult(result, d.booking, t('antrean.walkin_issued'));
    },
  });

  replace(main,
    staffNav(facility.code, 'kiosk'),
    h('div', { class: 'page-head' }, h('div', {},
      h('h1', {}, t('antrean.kiosk_title')),
      h('p', { class: 'lead' }, facility.name))),
    h('div', { class: 'antrean-grid' },
      h('section', { class: 'card', 'aria-labelledby': 'checkin-title' },
        h('h2', { class: 'card-title', id: 'checkin-title' }, t('antrean.checkin_title')), checkinForm),
      h('div', { class: 'stack' },
        result,
        h('section', { class: 'card', 'aria-labelledby': 'walkin-title' },
          h('h2', { class: 'card-title', id: 'walkin-title' }, t('antrean.walkin_title')), walkinForm))));
  code.focus();
}

const ctx = await initPage({ active: 'antrean', auth: true });
const fc = ctx && await staffFacility(ctx.user);
if (!fc) noFacility(main);
else build(await loadFacility(fc));
