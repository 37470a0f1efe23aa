// The survey kiosk: a tablet at a counter (or a printed QR) of one unit,
// /survei/kiosk.html?unit=CODE.  Anonymous; each response needs a one-time
// code (a card printed by the unit, or the booking code on a queue
// ticket).  After a response the form clears itself for the next person.
import '../i18n/survey.js';
import { h, replace, options, $ } from '../dom.js';
import { get, post, seg } from '../api.js';
import { t, errorMessage } from '../i18n.js';
import { setupForm } from '../forms.js';
import { field, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { questionFields, profileFields, answersBody } from '../survei.js';

const main = $('#main');
const unit = new URLSearchParams(location.search).get('unit');
const RESET_MS = 6000;

async function pickUnit() {
  const orgs = await get('/api/orgs');
  const sel = h('select', { name: 'unit', id: 'kiosk-unit' });
  options(sel, orgs.items.map((o) => [o.code, o.name]), '');
  const form = h('form', { class: 'form', method: 'get', action: '/survei/kiosk.html' },
    field({ label: t('survey.kiosk_pick'), control: sel }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('survey.show'))));
  replace(main, h('h1', {}, t('survey.title')), form);
}

function build(k) {
  const code = h('input', { name: 'code', type: 'text', required: true, autocomplete: 'off', autocapitalize: 'characters',
    spellcheck: 'false', maxlength: '24', inputmode: 'text' });
  const service = h('select', { name: 'service' });
  options(service, [['', t('survey.kiosk_service_any')], ...k.services.map((s) => [s.code, s.name])], '');
  const form = h('form', { class: 'form survey-form', id: 'kiosk-form', novalidate: true },
    h('div', { class: 'alert alert-error form-alert', role: 'alert', tabindex: '-1' }),
    field({ label: t('survey.kiosk_code'), control: code, hint: t('survey.kiosk_code_hint') }),
    k.services.length ? field({ label: t('survey.kiosk_service'), control: service, optional: true }) : null,
    ...questionFields(k.questions),
    ...profileFields(),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('survey.submit'))));
  const done = h('section', { class: 'card', id: 'kiosk-done', tabindex: '-1', 'aria-live': 'polite', hidden: true });
  setupForm(form, {
    async submit(v) {
      await post(`/api/survey/kiosk/${seg(k.unit.code)}`, { code: v.code, service: v.service || null, ...answersBody(v) });
      form.reset();
      form.hidden = true;
      replace(done, h('h2', {}, t('survey.thanks_title')), h('p', {}, t('survey.thanks', { unit: k.unit.name })));
      done.hidden = false;
      done.focus();
      setTimeout(() => {
        done.hidden = true;
        form.hidden = false;
        window.scrollTo(0, 0);
        code.focus();
      }, RESET_MS);
    },
  });
  replace(main, h('h1', {}, t('survey.kiosk_title', { unit: k.unit.name })), h('p', {}, t('survey.lead')), done, form);
}

async function start() {
  await initPage();
  loading(main);
  try {
    if (!unit) await pickUnit();
    else build(await get(`/api/survey/kiosk/${seg(unit)}`));
  } catch (err) {
    loadFailed(main, errorMessage(err));
  }
}

start();
