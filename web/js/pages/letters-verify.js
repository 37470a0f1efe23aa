// The public verification page of a letter, /v/{token}: what the register
// says of the letter whose QR was scanned (valid, changed, revoked with its
// reason and date, expired, or signed with a key we do not know), which
// kind of signature it carries, and what the letter itself shows - nothing
// more.  The QR's #fragment carries the key id and signature printed on the
// paper; a register entry with another signature is reported as changed.
// A pasted verification payload is checked the same way.
import '../i18n/letters.js';
import { h, replace, $ } from '../dom.js';
import { get, post, seg } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { formatDate, formatDateTime } from '../format.js';
import { loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';

const box = $('#verdict');
const token = decodeURIComponent(location.pathname.replace(/^\/v\//, '').replace(/\/+$/, ''));
// "#<key id>.<signature, base64url>" as printed in the QR.
const printed = (() => {
  const m = /^#([0-9a-f]{16})\.([A-Za-z0-9_-]+)$/.exec(location.hash);
  return m ? { keyId: m[1], signature: m[2] } : null;
})();
let verdict = null;
let pasted = null;

const STATUS_CLASS = { valid: 'alert-success', expired: 'alert-warn', revoked: 'alert-error', changed: 'alert-error', unknown_key: 'alert-error' };

const b64url = (s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

// The register's verdict, made "changed" when the paper's QR carries
// another signature than the register holds.
function effective(v) {
  if (!printed || !v.payload) return v.status;
  const same = printed.keyId === v.payload.key_id && printed.signature === b64url(v.payload.signature);
  return same ? v.status : 'changed';
}

function value(v) {
  if (Array.isArray(v)) return v.map(value).join('; ');
  if (v && typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}: ${value(x)}`).join('; ');
  return String(v);
}

function pairs(obj) {
  return Object.entries(obj || {}).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, value(v))]);
}

function row(key, text) {
  return text ? [h('dt', {}, t(key)), h('dd', {}, text)] : [];
}

function payloadLink(v) {
  const blob = new Blob([JSON.stringify(v.payload, null, 2)], { type: 'application/json' });
  return h('a', { class: 'btn btn-secondary', href: URL.createObjectURL(blob), download: `surat-${v.payload.content.number.replace(/[^A-Za-z0-9.-]+/g, '_')}.json` },
    t('letters.download_payload'));
}

function render(v, where) {
  if (!v) return;
  const status = where === box ? effective(v) : v.status;
  const l = (v.payload && v.payload.content) || {};
  const validity = l.valid_until
    ? t('letters.valid_range', { from: l.valid_from ? formatDate(l.valid_from) : '—', until: formatDate(l.valid_until) })
    : t('letters.valid_open');
  replace(where,
    h('div', { class: ['alert', STATUS_CLASS[status] || 'alert-error'], role: 'status', id: where === box ? 'status' : null, 'data-status': status },
      h('strong', { class: 'alert-title' }, t(`letters.status.${status}`)),
      h('p', {}, t(`letters.status_hint.${status}`)),
      status === 'revoked' && v.revoked
        ? h('p', {}, t('letters.revoked_detail', { date: formatDateTime(v.revoked.at), reason: v.revoked.reason || '—' }))
        : null,
      where === box && status === 'changed' && v.status !== 'changed' ? h('p', {}, t('letters.qr_mismatch')) : null,
      v.registered === false ? h('p', {}, t('letters.unregistered')) : null),
    h('p', {}, h('span', { class: 'badge badge-kind' }, t(`letters.signature.${v.signature_kind}`))),
    h('dl', { class: 'details' },
      row('letters.number', l.number),
      row('letters.subject', l.subject),
      row('letters.issuer', l.issuer && l.issuer.name),
      row('letters.issued_at', l.issued_at && formatDateTime(l.issued_at)),
      row('letters.validity', validity)),
    l.holder ? h('h2', {}, t('letters.holder')) : null,
    l.holder ? h('dl', { class: 'details' }, ...pairs(l.holder)) : null,
    l.fields && Object.keys(l.fields).length ? h('h2', {}, t('letters.fields')) : null,
    l.fields && Object.keys(l.fields).length ? h('dl', { class: 'details' }, ...pairs(l.fields)) : null,
    v.payload ? h('div', { class: 'form-actions' }, payloadLink(v)) : null,
    v.payload ? h('p', { class: 'hint' }, t('letters.offline_hint')) : null);
}

async function load() {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) {
    loadFailed(box, t('letters.not_found'));
    return;
  }
  try {
    verdict = await get(`/api/letters/verify/${seg(token)}`);
    render(verdict, box);
  } catch (e) {
    loadFailed(box, e.status === 404 ? t('letters.not_found') : t('common.load_failed', { message: errorMessage(e) }));
  }
}

$('#paste-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const out = $('#paste-result');
  let body;
  try {
    body = JSON.parse($('#payload').value);
  } catch {
    loadFailed(out, t('letters.payload_invalid'));
    return;
  }
  try {
    pasted = await post('/api/letters/verify', { content: body.content, signature: body.signature, key_id: body.key_id });
    render(pasted, out);
  } catch (e) {
    loadFailed(out, errorMessage(e));
  }
});

onLangChange(() => { render(verdict, box); render(pasted, $('#paste-result')); });
loading(box);
await initPage({});
await load();
