// The village office's console: letter requests to check (operator) or
// sign (head), with their files and the actions the engine allows; news;
// the photo gallery; the APBDes import and publication; the public
// information list; the village's own letter kinds; the profile.
import '../i18n/villages.js';
import { h, replace, $ } from '../dom.js';
import { get, post, patch, del, request } from '../api.js';
import { t, errorMessage, onLangChange } from '../i18n.js';
import { setupForm } from '../forms.js';
import { confirmDialog, field, flash, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { formatDateTime, yearWIB } from '../format.js';
import { sendFile, staffVillage, stateBadge, timeline } from '../villages.js';

const root = $('#console');
let ctx = null, village = null, space = null, inbox = [], photos = [], photosMax = 0, information = [], dipEditing = null, kinds = [], templates = [];
const open = new Map();

async function act(id, action, text) {
  try {
    open.set(id, await post(`/api/village-letters/${id}/actions/${action}`, text ? { text } : {}));
    flash(t('desa.done'));
    await reload();
  } catch (err) {
    flash(errorMessage(err), 'error');
  }
}

function detail(d) {
  const r = d.request;
  const note = h('textarea', { id: `note-${r.id}`, class: 'input', rows: '2', maxlength: '4000' });
  const needsNote = (a) => a.needs && a.needs.includes('text');
  return h('div', { class: 'stack' },
    h('dl', { class: 'details' },
      h('dt', {}, t('desa.nik')), h('dd', {}, r.nik || '—'),
      h('dt', {}, t('desa.full_name')), h('dd', {}, r.name || '—'),
      h('dt', {}, t('desa.home_address')), h('dd', {}, r.address || '—'),
      h('dt', {}, t('desa.purpose')), h('dd', {}, r.purpose || '—'),
      Object.entries(r.fields).map(([k, val]) => [h('dt', {}, k), h('dd', {}, val)])),
    h('p', {}, Object.entries(d.attachments).map(([name, a]) => [h('a', { href: a.url, class: 'btn btn-small btn-secondary' }, name), ' '])),
    d.letter ? h('p', {}, d.letter.number, ' ', h('a', { href: d.letter.pdf }, 'PDF')) : null,
    d.actions.length ? field({ label: t('desa.note'), control: note, optional: true }) : null,
    h('p', { class: 'actions' }, d.actions.map((a) => [h('button', {
      type: 'button', class: ['btn', a.action === 'approve' || a.action === 'verify' ? 'btn-primary' : 'btn-secondary'],
      dataset: { action: a.action }, id: `act-${a.action}-${r.id}`,
      onclick: () => (needsNote(a) && !note.value.trim() ? note.focus() : act(r.id, a.action, note.value.trim())),
    }, t(`desa.action.${a.action}`)), ' '])),
    timeline(d.timeline));
}

function requestsCard() {
  return h('section', { class: 'card', id: 'requests' }, h('h2', { class: 'card-title' }, t('desa.requests')),
    inbox.length ? h('ul', { class: 'case-list' }, inbox.map((i) => h('li', { class: 'case-card', dataset: { id: i.id } },
      h('p', { class: 'case-meta' }, h('button', { type: 'button', class: 'link', onclick: async () => {
        if (open.has(i.id)) open.delete(i.id); else open.set(i.id, await get(`/api/village-letters/${i.id}`));
        render();
      } }, i.tracking), ' ', stateBadge(i.state), ' ', formatDateTime(i.submitted_at)),
      h('p', { class: 'case-text' }, `${i.kind} · ${i.name || ''}`),
      open.has(i.id) ? detail(open.get(i.id)) : null))) : h('p', {}, t('desa.none')));
}

function newsForm() {
  const form = h('form', { class: 'form card', id: 'news-form' }, h('h2', { class: 'card-title' }, t('desa.write')),
    field({ label: t('desa.kind'), control: h('select', { name: 'kind', class: 'input' },
      h('option', { value: 'news' }, t('desa.kind.news')), h('option', { value: 'announcement' }, t('desa.kind.announcement'))) }),
    field({ label: t('desa.title_field'), control: h('input', { name: 'title', class: 'input', required: true, maxlength: '200' }) }),
    field({ label: t('desa.body_field'), control: h('textarea', { name: 'body', class: 'input', rows: '6', required: true }) }),
    field({ label: t('desa.publish_now'), control: h('input', { type: 'checkbox', name: 'published', checked: true }) }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('desa.post'))));
  setupForm(form, {
    async submit(v) {
      await post(`/api/villages/${village.kode}/posts`, v);
      form.reset();
      flash(t('desa.done'));
    },
  });
  return form;
}

function budgetForm() {
  const file = h('input', { type: 'file', name: 'file', id: 'budget-file', accept: '.csv,text/csv', required: true });
  const errors = h('ul', { id: 'budget-errors', class: 'alert-list' });
  const form = h('form', { class: 'form card', id: 'budget-form' }, h('h2', { class: 'card-title' }, t('desa.budget_import')),
    h('p', { class: 'hint' }, t('desa.budget_hint')),
    field({ label: t('desa.year'), control: h('input', { name: 'year', class: 'input', type: 'number', min: '2000', max: '2100', value: String(yearWIB()), required: true }) }),
    field({ label: t('desa.file'), control: file }),
    field({ label: t('desa.publish'), control: h('input', { type: 'checkbox', name: 'publish', checked: true }) }),
    errors,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('desa.import'))));
  setupForm(form, {
    async submit(v) {
      replace(errors);
      try {
        await sendFile('POST', `/api/villages/${village.kode}/budget/${v.year}/import`, file.files[0], 'text/csv');
      } catch (err) {
        if (err.rows) replace(errors, err.rows.map((e) => h('li', {}, t('desa.row_error', e))));
        throw err;
      }
      if (v.publish) await post(`/api/villages/${village.kode}/budget/${v.year}/publish`, { published: true });
      flash(t('desa.done'));
    },
  });
  return form;
}

function galleryCard() {
  const file = h('input', { type: 'file', name: 'file', id: 'photo-file', accept: 'image/jpeg,image/png', required: true });
  const form = h('form', { class: 'form', id: 'photo-form' },
    field({ label: t('desa.photo_file'), control: file }),
    field({ label: t('desa.caption'), control: h('input', { name: 'caption', class: 'input', maxlength: '300' }), optional: true }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('desa.photo_add'))));
  setupForm(form, {
    async submit(v) {
      const q = v.caption ? `?caption=${encodeURIComponent(v.caption)}` : '';
      await sendFile('POST', `/api/villages/${village.kode}/photos${q}`, file.files[0]);
      form.reset();
      flash(t('desa.done'));
      await reloadPhotos();
    },
  });
  const item = (ph) => {
    const caption = h('input', { class: 'input', id: `caption-${ph.id}`, value: ph.caption || '', maxlength: '300' });
    return h('li', { dataset: { id: ph.id } }, h('figure', {}, h('img', { src: ph.url, alt: ph.caption || t('desa.gallery'), loading: 'lazy' })),
      field({ label: t('desa.caption'), control: caption, optional: true }),
      h('p', { class: 'actions' },
        h('button', { type: 'button', class: 'btn btn-small btn-secondary', onclick: () => change(() =>
          patch(`/api/villages/${village.kode}/photos/${ph.id}`, { caption: caption.value.trim() || null }), reloadPhotos) }, t('desa.photo_save')), ' ',
        h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: async () => (await confirmDialog({ message: t('desa.photo_remove_confirm') })) &&
          change(() => del(`/api/villages/${village.kode}/photos/${ph.id}`), reloadPhotos) }, t('desa.photo_remove'))));
  };
  return h('section', { class: 'card', id: 'gallery' },
    h('h2', { class: 'card-title' }, t('desa.gallery_manage', { n: photos.length, max: photosMax })),
    form, photos.length ? h('ul', { class: 'gallery' }, photos.map(item)) : h('p', {}, t('desa.gallery_none')));
}

// A change from a list's button, then the list again.
async function change(call, reload) {
  try {
    await call();
    flash(t('desa.done'));
    await reload();
  } catch (err) {
    flash(errorMessage(err), 'error');
  }
}

async function reloadPhotos() {
  ({ items: photos, max: photosMax } = await get(`/api/villages/${village.kode}/photos`));
  render();
}

const DIP_FIELDS = ['number', 'title', 'summary', 'holding_unit', 'responsible', 'made_when', 'made_where', 'format', 'retention'];
const DIP_OPTIONAL = new Set(['holding_unit', 'made_where']);

function informationCard() {
  const editing = information.find((e) => e.id === dipEditing) || null;
  const input = (name) => name === 'summary'
    ? h('textarea', { name, class: 'input', rows: '2', maxlength: '1000', required: true }, editing ? editing[name] : '')
    : h('input', { name, class: 'input', value: editing ? editing[name] ?? '' : '', required: !DIP_OPTIONAL.has(name) });
  const form = h('form', { class: 'form', id: 'dip-form' },
    DIP_FIELDS.map((name) => field({ label: t(`desa.dip.${name}`), control: input(name), optional: DIP_OPTIONAL.has(name) })),
    field({ label: t('desa.dip.category'), control: h('select', { name: 'category', class: 'input' },
      ['berkala', 'serta_merta', 'setiap_saat'].map((c) => h('option', { value: c, selected: editing && editing.category === c }, t(`desa.dip.cat.${c}`)))) }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t(editing ? 'desa.dip.save' : 'desa.dip.add'))));
  setupForm(form, {
    async submit(v) {
      const body = { ...v };
      for (const k of DIP_OPTIONAL) if (!body[k]) body[k] = null;
      if (editing) await request('PUT', `/api/villages/${village.kode}/information/${editing.id}`, body);
      else await post(`/api/villages/${village.kode}/information`, body);
      dipEditing = null;
      flash(t('desa.done'));
      await reloadInformation();
    },
  });
  return h('section', { class: 'card', id: 'information' }, h('h2', { class: 'card-title' }, t('desa.dip')),
    information.length ? h('ul', { class: 'case-list' }, information.map((e) => h('li', { class: 'case-card', dataset: { id: e.id } },
      h('p', {}, h('strong', {}, `${e.number}. ${e.title}`), ' · ', t(`desa.dip.cat.${e.category}`)),
      h('p', { class: 'case-text' }, e.summary),
      h('p', { class: 'actions' },
        h('button', { type: 'button', class: 'btn btn-small btn-secondary', onclick: () => { dipEditing = e.id; render(); } }, t('desa.dip.edit')), ' ',
        h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: async () => (await confirmDialog({ message: t('desa.dip.remove_confirm') })) &&
          change(() => del(`/api/villages/${village.kode}/information/${e.id}`), reloadInformation) }, t('desa.dip.remove'))))))
      : h('p', {}, t('desa.dip_none')),
    form);
}

async function reloadInformation() {
  information = (await get(`/api/villages/${village.kode}/information`)).items;
  render();
}

function kindsCard() {
  const own = kinds.filter((k) => k.village);
  const form = h('form', { class: 'form', id: 'kind-form' },
    field({ label: t('desa.kind_template'), control: h('select', { name: 'template', class: 'input' },
      templates.map((tp) => h('option', { value: tp.code }, tp.title))) }),
    field({ label: t('desa.kind_code'), control: h('input', { name: 'code', class: 'input', required: true, maxlength: '32', pattern: '[a-z][a-z0-9_]{1,31}' }) }),
    field({ label: t('desa.kind_title'), control: h('input', { name: 'title', class: 'input', maxlength: '200' }), optional: true }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('desa.kind_add'))));
  setupForm(form, {
    async submit(v) {
      await post(`/api/villages/${village.kode}/letter-kinds`, { template: v.template, code: v.code, ...(v.title ? { title: v.title } : {}) });
      flash(t('desa.done'));
      await reloadKinds();
    },
  });
  const path = (k) => `/api/villages/${village.kode}/letter-kinds/${k.code}`;
  const item = (k) => {
    const lines = h('textarea', { class: 'input', id: `kind-fields-${k.code}`, rows: '3' }, k.fields.map((f) => `${f.name} | ${f.label}`).join('\n'));
    const fields = () => lines.value.split('\n').map((l) => l.trim()).filter(Boolean)
      .map((l) => { const [name, ...label] = l.split('|'); return { name: name.trim(), label: label.join('|').trim() }; });
    return h('li', { class: 'case-card', dataset: { code: k.code } },
      h('p', {}, h('strong', {}, k.title), ` · ${k.code} · `, t('desa.kind_requests', { n: k.requests }),
        k.retired ? [' ', h('span', { class: 'badge' }, t('desa.kind_retired'))] : null),
      field({ label: t('desa.kind_fields'), control: lines }),
      h('p', { class: 'actions' },
        h('button', { type: 'button', class: 'btn btn-small btn-secondary', onclick: () => change(() => patch(path(k), { fields: fields() }), reloadKinds) }, t('desa.kind_save')), ' ',
        h('button', { type: 'button', class: 'btn btn-small btn-secondary', onclick: () => change(() => patch(path(k), { retired: !k.retired }), reloadKinds) },
          t(k.retired ? 'desa.kind_offer' : 'desa.kind_retire')), ' ',
        k.requests ? null : h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: async () => (await confirmDialog({ message: t('desa.kind_delete_confirm') })) &&
          change(() => del(path(k)), reloadKinds) }, t('desa.kind_delete'))));
  };
  return h('section', { class: 'card', id: 'kinds' }, h('h2', { class: 'card-title' }, t('desa.kinds')),
    h('p', { class: 'hint' }, t('desa.kinds_lead')),
    own.length ? h('ul', { class: 'case-list' }, own.map(item)) : h('p', {}, t('desa.kinds_none')), form);
}

async function reloadKinds() {
  kinds = (await get(`/api/villages/${village.kode}/letter-kinds`)).items;
  render();
}

function profileForm() {
  const p = space.profile;
  const input = (name, val, attrs = {}) => h('input', { name, class: 'input', value: val ?? '', ...attrs });
  const form = h('form', { class: 'form card', id: 'profile-form' }, h('h2', { class: 'card-title' }, t('desa.profile')),
    field({ label: t('desa.head'), control: input('head_name', p.head_name) }),
    field({ label: t('desa.address'), control: input('address', p.address) }),
    field({ label: t('desa.phone'), control: input('phone', p.phone) }),
    field({ label: t('desa.email'), control: input('email', p.email, { type: 'email' }) }),
    field({ label: t('desa.population'), control: input('population', p.population, { type: 'number', min: '0' }) }),
    field({ label: t('desa.description'), control: h('textarea', { name: 'description', class: 'input', rows: '3' }, p.description || '') }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('desa.save_profile'))));
  setupForm(form, {
    async submit(v) {
      const body = {};
      for (const [k, val] of Object.entries(v)) body[k] = val === '' ? null : k === 'population' ? Number(val) : val;
      await patch(`/api/villages/${village.kode}/profile`, body);
      flash(t('desa.done'));
    },
  });
  return form;
}

function render() {
  replace(root,
    h('div', { class: 'page-head' }, h('h1', {}, `${t('desa.console')} · Desa ${space.nama}`),
      h('p', {}, h('a', { href: `/desa/${village.kode}` }, `/desa/${village.kode}`))),
    h('div', { class: 'stack' }, requestsCard(),
      space.viewer.operator ? [newsForm(), galleryCard(), budgetForm(), informationCard(), kindsCard(), profileForm()] : null));
}

async function reload() {
  inbox = (await get(`/api/villages/${village.kode}/letters`)).items;
  render();
}

onLangChange(() => space && render());
ctx = await initPage({ active: 'desa', auth: true });
loading(root);
try {
  village = staffVillage(ctx && ctx.user);
  if (!village) throw Object.assign(new Error('forbidden'), { code: 'forbidden' });
  space = await get(`/api/villages/${village.kode}`);
  if (space.viewer.operator) ({ items: photos, max: photosMax } = await get(`/api/villages/${village.kode}/photos`));
  information = space.information;
  if (space.viewer.operator) {
    [{ items: kinds }, { items: templates }] = await Promise.all([get(`/api/villages/${village.kode}/letter-kinds`),
      get('/api/villages/letter-templates')]);
  }
  await reload();
} catch (err) {
  loadFailed(root, errorMessage(err));
}
