// Staff: upload a CSV as a table's next version, with the upload's progress,
// then every error (nothing imported) or the new version and its conflicts.
import '../i18n/data.js';
import { h, replace, options, $ } from '../dom.js';
import { get, csrf, loadMe, ApiError } from '../api.js';
import { t, getLang, onLangChange, errorMessage } from '../i18n.js';
import { formatNumber } from '../format.js';
import { initPage } from '../layout.js';
import { field } from '../ui.js';
import { staffNav, statusBadge } from '../satudata.js';

const state = { tables: [], result: null, error: null, progress: null };

// XMLHttpRequest, for its upload progress events.
function upload(rid, note, file, onProgress) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', `/api/data/resources/${encodeURIComponent(rid)}/import?note=${encodeURIComponent(note)}`);
    x.setRequestHeader('Content-Type', 'text/csv');
    x.setRequestHeader('X-CSRF-Token', csrf() || '');
    x.setRequestHeader('Accept-Language', getLang());
    x.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    x.upload.onload = () => onProgress(1);
    x.onload = () => { let body = null; try { body = JSON.parse(x.responseText); } catch { /* not JSON */ } resolve({ status: x.status, body }); };
    x.onerror = () => reject(new ApiError({ status: 0, code: 'network' }));
    x.send(file);
  });
}

function resultView() {
  const r = state.result;
  if (!r) return null;
  if (r.status === 201) {
    const v = r.body.version;
    const c = r.body.conflicts;
    return h('div', { class: 'alert alert-success', role: 'status', id: 'upload-result' },
      h('p', {}, h('strong', {}, t('data.upload_ok', { v: v.number, rows: formatNumber(v.rows) })), ' ', statusBadge(v.status)),
      h('p', {}, t('data.changes', { added: v.added, changed: v.changed, removed: v.removed })),
      c.agency || c.hierarchy
        ? h('p', { class: 'conflict-note' }, t('data.upload_conflicts', { n: c.agency + c.hierarchy }), ' ', h('a', { href: '/data/conflicts.html' }, t('data.see_conflicts')))
        : h('p', {}, t('data.upload_no_conflicts')));
  }
  const b = r.body || {};
  const errs = b.errors || [];
  return h('div', { class: 'alert alert-error', role: 'alert', id: 'upload-result' },
    h('p', {}, h('strong', {}, errorMessage(new ApiError({ status: r.status, ...b.error })))),
    errs.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('data.row')), h('th', { scope: 'col' }, t('data.column')), h('th', { scope: 'col' }, t('data.message')))),
      h('tbody', {}, errs.slice(0, 500).map((e) => h('tr', {}, h('td', { class: 'num' }, String(e.row)), h('td', {}, e.column || t('common.none')), h('td', {}, e.message)))))) : null);
}

function render() {
  const main = $('#main');
  const sel = h('select', { name: 'resource', required: true });
  options(sel, [['', t('common.choose')], ...state.tables.map((x) => [x.id, `${x.dataset_title} — ${x.name} (${x.org.code})`])], '');
  const note = h('input', { name: 'note', type: 'text', required: true, maxlength: '2000' });
  const file = h('input', { name: 'file', type: 'file', accept: '.csv,text/csv', required: true });
  const bar = h('progress', { id: 'upload-progress', max: '100', value: '0', hidden: state.progress === null });
  const status = h('p', { class: 'hint', role: 'status', id: 'upload-status' });
  const form = h('form', { class: 'form card', onsubmit: async (e) => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    bar.hidden = false;
    status.textContent = t('data.uploading');
    try {
      await loadMe();
      state.result = await upload(sel.value, note.value.trim(), file.files[0], (f) => {
        bar.value = Math.round(f * 100);
        status.textContent = f >= 1 ? t('data.checking') : t('data.uploading_pct', { pct: Math.round(f * 100) });
      });
      state.error = null;
    } catch (err) {
      state.error = err;
    }
    btn.disabled = false;
    status.textContent = '';
    replace(out, state.error ? h('div', { class: 'alert alert-error', role: 'alert' }, errorMessage(state.error)) : resultView());
  } },
  field({ label: t('data.table'), control: sel }),
  field({ label: t('data.note'), control: note, hint: t('data.note_hint') }),
  field({ label: t('data.file'), control: file, hint: t('data.file_hint') }),
  h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('data.upload_submit'))),
  bar, status);
  const out = h('div', { id: 'upload-out' }, resultView());
  replace(main, staffNav('upload'),
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, t('data.upload_title')), h('p', { class: 'lead' }, t('data.upload_lead')))),
    state.tables.length ? form : h('p', { class: 'muted' }, t('data.no_tables')), out);
}

onLangChange(render);
const ctx = await initPage({ active: 'data', auth: true });
if (ctx) {
  try {
    state.tables = (await get('/api/data/mine')).items.filter((x) => x.kind === 'table');
  } catch (e) {
    state.error = e;
  }
  render();
}
