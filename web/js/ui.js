// ui.js — modal dialogs, confirmations and the page's status messages.

import { h, icon, uid } from './dom.js';
import { t } from './i18n.js';

// A modal <dialog>: focus stays inside, Escape closes, focus goes back to
// whatever opened it. Returns { dialog, body, close }.
export function modal({ title, content, onClose, wide = false }) {
  const opener = document.activeElement;
  const titleId = uid('dlg');
  const body = h('div', { class: 'modal-body' }, content);
  const closeBtn = h('button', { type: 'button', class: 'icon-button modal-close', 'aria-label': t('common.close') }, icon('close'));
  const dialog = h('dialog', { class: ['modal', wide && 'modal-wide'], 'aria-labelledby': titleId },
    h('div', { class: 'modal-head' }, h('h2', { id: titleId, class: 'modal-title' }, title), closeBtn),
    body);
  const close = () => { if (dialog.open) dialog.close(); };
  closeBtn.addEventListener('click', close);
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (onClose) onClose();
    if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  const first = body.querySelector('input:not([type=hidden]):not([disabled]):not([readonly]), select:not([disabled]), textarea, button');
  if (first) first.focus();
  return { dialog, body, close };
}

export function confirmDialog({ title = t('common.confirm'), message, detail = null, confirmLabel = t('common.yes_delete'), danger = true }) {
  return new Promise((resolve) => {
    let answer = false;
    const yes = h('button', { type: 'button', class: ['btn', danger ? 'btn-danger' : 'btn-primary'] }, confirmLabel);
    const no = h('button', { type: 'button', class: 'btn btn-secondary' }, t('common.cancel'));
    const m = modal({
      title,
      content: [h('p', { class: 'confirm-message' }, message), detail && h('p', { class: 'hint' }, detail),
        h('div', { class: 'form-actions' }, yes, no)],
      onClose: () => resolve(answer),
    });
    yes.addEventListener('click', () => { answer = true; m.close(); });
    no.addEventListener('click', () => m.close());
    no.focus();
  });
}

// The page's messages after an action, just above the page's content:
// successes in a polite role="status" region, failures in role="alert".
let flashTimer = null;
export function flashRegion(id, role) {
  let region = document.getElementById(id);
  if (!region) {
    region = h('div', { id, class: 'flash', role });
    const main = document.getElementById('main');
    const anchor = main && main.querySelector('.page-head');
    if (anchor) anchor.after(region);
    else if (main) main.prepend(region);
    else document.body.prepend(region);
  }
  return region;
}
// Make both regions early: live regions speak when their content changes.
export function initFlash() {
  flashRegion('flash', 'status');
  flashRegion('flash-alert', 'alert');
}

export function flash(message, kind = 'success') {
  const error = kind === 'error';
  const region = flashRegion(error ? 'flash-alert' : 'flash', error ? 'alert' : 'status');
  const other = document.getElementById(error ? 'flash' : 'flash-alert');
  if (other) other.replaceChildren();
  region.replaceChildren();
  region.className = `flash flash-${error ? 'error' : 'success'}`;
  // Fill on the next frame so the same message twice is announced twice.
  requestAnimationFrame(() => {
    region.replaceChildren(icon(error ? 'alert' : 'check'), h('span', {}, message));
  });
  clearTimeout(flashTimer);
  if (!error) flashTimer = setTimeout(() => region.replaceChildren(), 15000);
}

// A form field: label, optional hint, control. Returns the wrapper; the
// control gets an id and aria-describedby for the hint.
export function field({ label, control, hint = null, optional = false, cls = '' }) {
  if (!control.id) control.id = uid('f');
  const parts = [h('label', { for: control.id, class: 'label' }, label,
    optional ? h('span', { class: 'optional' }, ` ${t('form.optional')}`) : null)];
  if (hint) {
    const hid = `${control.id}-hint`;
    parts.push(h('p', { class: 'hint', id: hid }, hint));
    control.setAttribute('aria-describedby', hid);
  }
  if (control.type === 'checkbox') {
    return h('div', { class: ['field', 'field-check', cls] }, control, ...parts);
  }
  parts.push(control);
  return h('div', { class: ['field', cls] }, ...parts);
}

export function loading(el) {
  el.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('common.loading')));
}

export function loadFailed(el, message) {
  el.replaceChildren(h('div', { class: 'alert alert-error', role: 'alert' }, message));
}
