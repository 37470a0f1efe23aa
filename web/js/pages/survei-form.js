// The survey of one finished service, opened from its one-time link
// (/survei/?t=TOKEN, sent as an in-app notice): nine questions, the
// optional profile and comment, sent once.  Without a link, a logged-in
// citizen sees the surveys offered to them.
import '../i18n/survey.js';
import { h, replace, $ } from '../dom.js';
import { get, post, seg } from '../api.js';
import { t, errorMessage } from '../i18n.js';
import { setupForm } from '../forms.js';
import { loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { questionFields, profileFields, answersBody } from '../survei.js';

const main = $('#main');
const token = new URLSearchParams(location.search).get('t');

function heading(form) {
  return [
    h('h1', {}, t('survey.title')),
    h('p', { class: 'lead' }, t('survey.for', { service: form.service.name, unit: form.unit.name })),
    form.ref ? h('p', { class: 'hint' }, t('survey.ref', { ref: form.ref })) : null,
  ];
}

function thanks(form) {
  replace(main, ...heading(form),
    h('section', { class: 'card', tabindex: '-1', id: 'survey-done' },
      h('h2', {}, t('survey.thanks_title')),
      h('p', {}, t('survey.thanks', { unit: form.unit.name })),
      h('p', {}, h('a', { href: `/survei/unit.html?unit=${seg(form.unit.code)}` }, t('survey.see_ranking')))));
  $('#survey-done').focus();
}

function showForm(form) {
  if (form.answered) {
    replace(main, ...heading(form), h('p', { class: 'alert alert-success' }, t('survey.answered')));
    return;
  }
  const el = h('form', { class: 'form survey-form', id: 'survey-form', novalidate: true },
    h('div', { class: 'alert alert-error form-alert', role: 'alert', tabindex: '-1' }),
    h('p', {}, t('survey.lead')),
    ...questionFields(form.questions),
    ...profileFields(),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('survey.submit'))));
  setupForm(el, {
    async submit(v) {
      await post(`/api/survey/links/${seg(token)}`, answersBody(v));
      thanks(form);
    },
  });
  replace(main, ...heading(form), el);
}

// The surveys offered to the logged-in citizen, from their notices.
async function pending(user) {
  if (!user) {
    replace(main, h('h1', {}, t('survey.title')), h('p', {}, t('survey.no_link')),
      h('p', {}, h('a', { href: '/survei/peringkat.html' }, t('survey.see_ranking'))));
    return;
  }
  const n = await get('/api/notifications', { limit: 100 });
  const offers = n.items.filter((i) => i.topic === 'survey.offered' && i.link);
  replace(main, h('h1', {}, t('survey.pending_title')),
    offers.length
      ? h('ul', { class: 'plain-list', id: 'survey-pending' }, offers.map((o) =>
        h('li', {}, h('a', { href: o.link }, t('survey.pending_item', { service: o.data.service, ref: o.data.ref })))))
      : h('p', {}, t('survey.pending_none')),
    h('p', {}, h('a', { href: '/survei/peringkat.html' }, t('survey.see_ranking'))));
}

async function start() {
  const ctx = await initPage();
  loading(main);
  try {
    if (token) showForm(await get(`/api/survey/links/${seg(token)}`));
    else await pending(ctx && ctx.user);
  } catch (err) {
    loadFailed(main, errorMessage(err));
  }
}

start();
