// forms.js — client checks, inline errors, busy submit buttons.
//
// Each form gets an always-present role="alert" region (so screen readers
// announce what is put in it). Errors go next to the field they concern,
// marked aria-invalid and tied to it with aria-describedby; the API's
// error.field names the field.

import { h, uid } from './dom.js';
import { t, errorMessage, errorDetail } from './i18n.js';

// The named controls of a form as an object. Text is trimmed, passwords are
// not; checkboxes give booleans; disabled controls are left out.
export function values(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled || el.type === 'submit' || el.type === 'button') continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.type === 'radio') { if (el.checked) out[el.name] = el.value; }
    else if (el.type === 'password') out[el.name] = el.value;
    else out[el.name] = el.value.trim();
  }
  return out;
}

export function alertRegion(form) {
  let el = form.querySelector(':scope > .form-alert');
  if (!el) {
    el = h('div', { class: 'alert alert-error form-alert', role: 'alert', tabindex: '-1' });
    form.prepend(el);
  }
  return el;
}

export function fieldFor(form, name) {
  if (!name) return null;
  // "roles[0].unit" → try it whole, then "roles", then "unit"
  const base = String(name).replace(/[[.].*$/, '');
  const last = String(name).replace(/^.*[.\]]/, '');
  let el = form.elements.namedItem(name) || form.elements.namedItem(base) || (last && form.elements.namedItem(last));
  if (el && typeof el.length === 'number' && !el.tagName) el = el[0];   // RadioNodeList
  return el || null;
}

function describedBy(el, add, remove) {
  const ids = new Set((el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean));
  if (remove) ids.delete(remove);
  const list = Array.from(ids);
  if (add) list.unshift(add);
  if (list.length) el.setAttribute('aria-describedby', list.join(' '));
  else el.removeAttribute('aria-describedby');
}

export function clearErrors(form) {
  for (const p of form.querySelectorAll('.field-error')) {
    const input = document.getElementById(p.dataset.for);
    if (input) { input.removeAttribute('aria-invalid'); describedBy(input, null, p.id); }
    p.remove();
  }
  for (const f of form.querySelectorAll('.field.has-error')) f.classList.remove('has-error');
  alertRegion(form).replaceChildren();
}

// Put message next to the field; false when the form has no such field.
export function fieldError(form, name, message) {
  const input = fieldFor(form, name);
  if (!input || input.type === 'hidden') return false;
  if (!input.id) input.id = uid('f');
  const eid = `${input.id}-error`;
  let p = document.getElementById(eid);
  if (!p) {
    p = h('p', { class: 'field-error', id: eid, dataset: { for: input.id } });
    const wrap = input.closest('.input-wrap') || input;
    if (input.type === 'checkbox') wrap.parentNode.appendChild(p);
    else wrap.before(p);
  }
  p.replaceChildren(h('span', { class: 'visually-hidden' }, `${t('validation.summary')} `), message);
  input.setAttribute('aria-invalid', 'true');
  describedBy(input, eid);
  const field = input.closest('.field');
  if (field) field.classList.add('has-error');
  return true;
}

export function showAlert(form, message, { title = null, focus = false } = {}) {
  const region = alertRegion(form);
  region.replaceChildren(...(title ? [h('strong', { class: 'alert-title' }, title), h('span', {}, message)] : [message]));
  if (focus) region.focus();
}

// Show an API (or other) error: inline at error.field when the form has it,
// and always in the alert region. Login errors and lockouts show the
// server's own words (attempts left, when the lock ends) under our heading.
export function showError(form, err) {
  const msg = errorMessage(err);
  const placed = err && err.field ? fieldError(form, err.field, msg) : false;
  const detail = errorDetail(err);
  showAlert(form, detail || msg, { title: detail ? msg : null, focus: !placed });
  if (placed) fieldFor(form, err.field).focus();
}

function validityMessage(el) {
  const v = el.validity;
  if (v.valueMissing) return t('validation.required');
  if (v.badInput) return el.type === 'date' ? t('validation.date') : t('validation.pattern');
  if (v.typeMismatch) return el.type === 'email' ? t('validation.email') : t('validation.pattern');
  if (v.tooShort) return t('validation.min_length', { n: el.minLength });
  if (v.tooLong) return t('validation.max_length', { n: el.maxLength });
  if (v.patternMismatch) return el.dataset.patternMessage ? t(el.dataset.patternMessage) : t('validation.pattern');
  // Never the browser's own message: it comes in the browser's language.
  if (v.rangeUnderflow) return t('validation.min', { n: el.min });
  if (v.rangeOverflow) return t('validation.max', { n: el.max });
  return t('validation.pattern');
}

function clientErrors(form) {
  const errs = [];
  for (const el of form.elements) {
    if (!el.name || el.disabled || !el.willValidate) continue;
    // minlength is only checked by the browser after typing; check it always.
    if (el.minLength > 0 && el.value && el.value.length < el.minLength) {
      errs.push([el.name, t('validation.min_length', { n: el.minLength })]);
    } else if (!el.checkValidity()) {
      errs.push([el.name, validityMessage(el)]);
    }
  }
  return errs;
}

export function setBusy(form, busy) {
  if (busy) form.setAttribute('aria-busy', 'true');
  else form.removeAttribute('aria-busy');
  for (const b of form.querySelectorAll('button[type="submit"], button:not([type])')) {
    b.disabled = busy;
    b.classList.toggle('is-busy', busy);
  }
}

// setupForm(form, { validate(values) → [[name, message]…], submit(values) })
export function setupForm(form, { validate, submit }) {
  form.noValidate = true;
  alertRegion(form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    clearErrors(form);
    const data = values(form);
    const errs = clientErrors(form);
    if (validate) {
      for (const [name, msg] of validate(data, form) || []) if (!errs.some(([n]) => n === name)) errs.push([name, msg]);
    }
    if (errs.length) {
      let first = null;
      for (const [name, msg] of errs) if (fieldError(form, name, msg) && !first) first = fieldFor(form, name);
      showAlert(form, t('validation.summary'));
      if (first) first.focus();
      return;
    }
    setBusy(form, true);
    try {
      await submit(data, form);
    } catch (err) {
      if (!(err && err.code)) console.error(err);
      showError(form, err);
    } finally {
      setBusy(form, false);
    }
  });
}
