// Matur Bupati: filing a complaint or aspiration — category, description,
// a map pin and/or address and village, photos, anonymous and confidential,
// open complaints nearby to support instead, and the tracking number (plus
// the secret follow-up link for visitors) at the end.
import '../i18n/complaints.js';
import { h, replace, options, $ } from '../dom.js';
import { post, loadMe, loadSite } from '../api.js';
import { t, onLangChange, errorMessage } from '../i18n.js';
import { setupForm, fieldError, showAlert } from '../forms.js';
import { formatDate, formatNumber } from '../format.js';
import { initPage } from '../layout.js';
import { loadDistricts, regionChildren } from '../admin.js';
import { createMap, inBounds } from '../map.js';
import { loadCategories, catName, stateBadge, uploadPhoto, caseRequest } from '../complaints.js';

const form = $('#complaint-form');
const MAX_PHOTOS = 5;
const MAX_BYTES = 5 * 1024 * 1024;
let cats = [];
let map = null;
let bounds = null;

// A pin outside the regency is refused by the API unless the category is
// for places outside it: say so as soon as the pin is set.
function checkPin() {
  const lat = parseFloat($('#lat').value), lng = parseFloat($('#long').value);
  const c = cats.find((x) => x.code === $('#category').value);
  $('#pin-outside').hidden = !Number.isFinite(lat) || !Number.isFinite(lng) || inBounds(bounds, lat, lng) ||
    !!(c && c.outside_regency);
}

function fillCategories() {
  const sel = $('#category');
  const cur = sel.value;
  options(sel, [['', t('common.choose')], ...cats.map((c) => [c.code, catName(c)])], cur);
}

function onCategory() {
  const c = cats.find((x) => x.code === $('#category').value);
  $('#category-hint').hidden = !(c && c.sensitive);
  if (c && c.sensitive) $('#confidential').checked = true;
  checkPin();
  suggestNearby();
}

function count() {
  $('#desc-count').textContent = t('complaints.chars', { n: formatNumber($('#description').value.length), max: '4.000' });
}

async function fillVillages() {
  const d = $('#district').value;
  const vs = d ? await regionChildren(d).catch(() => []) : [];
  options($('#village'), [['', t('common.choose')], ...vs.map((v) => [v.kode, v.nama])]);
}

// Open public complaints of the category within 250 m: support one instead.
async function suggestNearby() {
  const box = $('#nearby');
  const lat = parseFloat($('#lat').value), lng = parseFloat($('#long').value), category = $('#category').value;
  if (!category || !Number.isFinite(lat) || !Number.isFinite(lng)) { box.hidden = true; return; }
  try {
    const d = await caseRequest('GET', `/api/complaints/nearby?category=${encodeURIComponent(category)}&lat=${lat}&long=${lng}`);
    if (!d.items.length) { box.hidden = true; return; }
    box.hidden = false;
    replace(box, h('h2', { class: 'card-title' }, t('complaints.nearby_title')),
      h('p', { class: 'hint' }, t('complaints.nearby_hint')),
      h('ul', { class: 'case-list' }, d.items.map((c) => {
        const btn = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, t('complaints.me_too'));
        btn.addEventListener('click', async () => {
          btn.disabled = true;
          try {
            const r = await post(`/api/complaints/${encodeURIComponent(c.tracking)}/support`);
            btn.textContent = t('complaints.supported', { n: formatNumber(r.supporters) });
          } catch (e) {
            btn.disabled = false;
            btn.textContent = errorMessage(e);
          }
        });
        return h('li', { class: 'case-card' },
          h('p', { class: 'case-meta' }, h('a', { href: `/complaints/case.html?no=${encodeURIComponent(c.tracking)}` }, c.tracking), ' ',
            stateBadge(c.state), ' ', t('complaints.metres', { n: c.distance_m })),
          h('p', { class: 'case-text' }, c.description), btn);
      })));
  } catch {
    box.hidden = true;
  }
}

function pin(lat, lng) {
  $('#lat').value = lat.toFixed(6);
  $('#long').value = lng.toFixed(6);
  checkPin();
  suggestNearby();
}

function done(d) {
  const c = d.complaint;
  form.hidden = true;
  const box = $('#done');
  const link = d.follow_up ? new URL(d.follow_up.url).pathname + new URL(d.follow_up.url).search + new URL(d.follow_up.url).hash : null;
  replace(box,
    h('h2', {}, t('complaints.done_title')),
    h('p', {}, t('complaints.done_number')),
    h('p', { class: 'tracking-big', id: 'tracking-number' }, c.tracking),
    h('p', {}, t('complaints.done_due', { date: formatDate(c.due) })),
    link ? [h('p', { class: 'alert alert-warn' }, t('complaints.done_secret')),
      h('p', {}, h('a', { href: link, id: 'secret-link', class: 'secret-link' }, `${location.origin}${link}`))] : null,
    h('p', {}, h('a', { class: 'btn btn-primary', href: link || `/complaints/case.html?no=${encodeURIComponent(c.tracking)}` }, t('complaints.follow'))));
  box.hidden = false;
  box.focus();
}

setupForm(form, {
  validate(v) {
    const errs = [];
    const files = Array.from($('#photos').files || []);
    if (files.length > MAX_PHOTOS) errs.push(['photos', t('complaints.too_many_photos', { n: MAX_PHOTOS })]);
    for (const f of files) {
      if (f.size > MAX_BYTES) errs.push(['photos', t('complaints.photo_too_big', { name: f.name })]);
      else if (!['image/jpeg', 'image/png'].includes(f.type)) errs.push(['photos', t('complaints.photo_type', { name: f.name })]);
    }
    if ((v.lat === '') !== (v.long === '')) errs.push([v.lat === '' ? 'lat' : 'long', t('complaints.need_both')]);
    if (v.lat === '' && !v.address && !v.village) errs.push(['lat', t('complaints.need_location')]);
    return errs;
  },
  async submit(v) {
    const photos = [];
    for (const f of Array.from($('#photos').files || [])) photos.push((await uploadPhoto(f)).id);
    const body = {
      kind: v.kind, category: v.category, description: v.description, anonymous: v.anonymous, confidential: v.confidential,
      lat: v.lat === '' ? null : Number(v.lat), long: v.long === '' ? null : Number(v.long),
      address: v.address || null, village: v.village || null, photos,
    };
    if (!$('#contact').hidden) Object.assign(body, { name: v.name || null, email: v.email || null, phone: v.phone || null });
    try {
      done(await post('/api/complaints', body));
    } catch (e) {
      if (e.field && !fieldError(form, e.field, errorMessage(e))) showAlert(form, errorMessage(e));
      throw e;
    }
  },
});

$('#category').addEventListener('change', onCategory);
$('#description').addEventListener('input', count);
$('#district').addEventListener('change', fillVillages);
for (const id of ['#lat', '#long']) $(id).addEventListener('change', () => {
  const lat = parseFloat($('#lat').value), lng = parseFloat($('#long').value);
  if (map && Number.isFinite(lat) && Number.isFinite(lng)) map.setPin(lat, lng);
  checkPin();
  suggestNearby();
});
// Without a position (refused, or none to be had) the person is told why
// and taken to the village picker, the other way to say where.
function locateFailed(key) {
  $('#locate-status').textContent = t(key);
  $('#district').focus();
}
$('#locate').addEventListener('click', () => {
  $('#locate-status').textContent = '';
  if (!navigator.geolocation) return locateFailed('complaints.locate_failed');
  navigator.geolocation.getCurrentPosition((p) => { pin(p.coords.latitude, p.coords.longitude); if (map) map.setPin(p.coords.latitude, p.coords.longitude); },
    (e) => locateFailed(e.code === e.PERMISSION_DENIED ? 'complaints.locate_denied' : 'complaints.locate_failed'));
});
onLangChange(() => { fillCategories(); count(); });

// Everything the form needs is asked for at once: on a slow link each
// request waited for in turn costs a round trip before the form is usable.
const categories = loadCategories().catch(() => []);
const districtList = loadDistricts().catch(() => []);
const site = loadSite();
const ctx = await initPage({ active: 'complaints' });
$('#contact').hidden = !!(ctx && ctx.user) || !!(await loadMe().catch(() => null));
cats = await categories;
bounds = ((await site) || {}).bounds || null;
fillCategories();
checkPin();
count();
const districts = await districtList;
options($('#district'), [['', t('common.choose')], ...districts.map((d) => [d.kode, d.nama])]);
options($('#village'), [['', t('common.choose')]]);
map = await createMap($('#pick-map'), { onPick: pin, zoom: 12, label: t('complaints.location'), picker: $('#district') });
