// letters.js — an issued letter as a service page shows it beside its case
// (the `letter` object of letter_json() in src/core/letters_api.c): number,
// state, download and verification, and for the issuer's staff revocation
// with a reason and, where the deployment has BSrE, the certified signature.
import './i18n/letters.js';
import { h } from './dom.js';
import { post } from './api.js';
import { t } from './i18n.js';
import { setupForm } from './forms.js';
import { field, flash, modal, confirmDialog } from './ui.js';
import { formatDateTime } from './format.js';

function revokeDialog(letter, onChange) {
  const reason = h('textarea', { name: 'reason', rows: '3', maxlength: '500', required: true });
  const form = h('form', { class: 'form', id: 'revoke-form', novalidate: true },
    field({ label: t('letters.revoke_reason'), control: reason, hint: t('letters.revoke_hint') }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-danger' }, t('letters.revoke'))));
  const m = modal({ title: t('letters.revoke_title', { number: letter.number }), content: form });
  setupForm(form, {
    validate: (v) => (v.reason.trim() ? [] : [['reason', t('letters.revoke_reason_missing')]]),
    async submit(v) {
      const sure = await confirmDialog({ message: t('letters.revoke_confirm', { number: letter.number }),
        confirmLabel: t('letters.revoke') });
      if (!sure) return;
      await post(`/api/letters/${encodeURIComponent(letter.token)}/revoke`, { reason: v.reason.trim() });
      m.close();
      flash(t('letters.revoked_done'));
      await onChange();
    },
  });
}

function bsreDialog(letter, onChange) {
  const form = h('form', { class: 'form', id: 'bsre-form', novalidate: true },
    h('p', { class: 'hint' }, t('letters.bsre_hint')),
    field({ label: t('letters.bsre_nik'), control: h('input', { name: 'nik', inputmode: 'numeric', maxlength: '16', required: true, autocomplete: 'off' }) }),
    field({ label: t('letters.bsre_passphrase'), control: h('input', { name: 'passphrase', type: 'password', required: true, autocomplete: 'off' }) }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('letters.bsre_sign'))));
  const m = modal({ title: t('letters.bsre_title'), content: form });
  setupForm(form, {
    validate: (v) => (/^\d{16}$/.test(v.nik) ? [] : [['nik', t('letters.bsre_nik_invalid')]]),
    async submit(v) {
      await post(`/api/letters/${encodeURIComponent(letter.token)}/bsre`, { nik: v.nik, passphrase: v.passphrase });
      m.close();
      flash(t('letters.bsre_done'));
      await onChange();
    },
  });
}

// The card; title names the letter's kind, onChange reloads the page's data
// after a revocation or a certification.  id names the card and begins its
// controls' ids (a page may show two letters); download(attrs) makes the
// PDF's control where a plain link cannot fetch it (PPID's requester without
// an account asks for a one-time link with the case key).
export function letterCard(letter, { title, onChange, id = 'letter', download }) {
  const revoked = letter.status === 'revoked';
  const pdfAttrs = { class: 'btn btn-primary', id: `${id}-pdf` };
  return h('section', { class: 'card', id },
    h('h2', { class: 'card-title' }, title),
    h('p', { id: `${id}-number` }, letter.number),
    revoked
      ? h('div', { class: 'alert alert-error', id: `${id}-revoked`, role: 'status' },
        h('p', {}, t('letters.status.revoked')),
        h('p', {}, t('letters.revoked_detail', { date: formatDateTime(letter.revoked.at), reason: letter.revoked.reason || '—' })))
      : null,
    h('p', { class: 'hint' }, t(`letters.signature.${letter.signature_kind}`)),
    h('p', { class: 'actions' },
      download ? download(pdfAttrs) : h('a', { ...pdfAttrs, href: letter.pdf, download: '' }, t('letters.download')), ' ',
      h('a', { class: 'btn btn-secondary', id: `${id}-verify`, href: letter.url }, t('letters.verify_page'))),
    letter.manage || letter.bsre
      ? h('p', { class: 'actions' },
        letter.bsre ? h('button', { type: 'button', class: 'btn btn-secondary', id: `${id}-bsre`, onclick: () => bsreDialog(letter, onChange) }, t('letters.bsre_sign')) : null, ' ',
        letter.manage ? h('button', { type: 'button', class: 'btn btn-danger', id: `${id}-revoke`, onclick: () => revokeDialog(letter, onChange) }, t('letters.revoke')) : null)
      : null);
}
