// A citizen requests a village letter: the kind's fields and files, sent
// as a draft, the files uploaded, then submitted; on to "my letters".
import '../i18n/villages.js';
import { h, replace, $ } from '../dom.js';
import { get, post } from '../api.js';
import { t, errorMessage, onLangChange } from '../i18n.js';
import { setupForm } from '../forms.js';
import { field, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { sendFile } from '../villages.js';

const root = $('#apply');
const qs = new URLSearchParams(location.search);
const kode = qs.get('kode');
let v = null, kind = null;

// A village's own kind may ask for a file the dictionary has no name for.
function fileLabel(a) {
  const key = `desa.attachment.${a}`;
  const label = t(key);
  return label === key ? a : label;
}

function render() {
  const files = {};
  const input = (name, attrs = {}) => h('input', { name, class: 'input', required: true, ...attrs });
  const form = h('form', { class: 'form card', id: 'apply-form' },
    h('h2', { class: 'card-title' }, kind.title),
    field({ label: t('desa.nik'), control: input('nik', { inputmode: 'numeric', maxlength: '16', pattern: '[0-9]{16}', autocomplete: 'off' }) }),
    field({ label: t('desa.full_name'), control: input('name', { maxlength: '200', autocomplete: 'name' }) }),
    field({ label: t('desa.home_address'), control: input('address', { maxlength: '500' }) }),
    kind.fields.map((f) => field({ label: f.label, control: input(`f_${f.name}`, { maxlength: '300', type: /tanggal/.test(f.name) ? 'date' : 'text' }) })),
    field({ label: t('desa.purpose'), control: input('purpose', { maxlength: '500' }) }),
    kind.attachments.map((a) => {
      files[a] = h('input', { type: 'file', name: `file_${a}`, id: `file-${a}`, accept: 'application/pdf,image/jpeg,image/png', required: true });
      return field({ label: fileLabel(a), control: files[a] });
    }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('desa.send'))));
  setupForm(form, {
    async submit(val) {
      const fields = {};
      for (const f of kind.fields) fields[f.name] = val[`f_${f.name}`];
      const d = await post(`/api/villages/${kode}/letters`, { kind: kind.code, nik: val.nik, name: val.name, address: val.address,
        purpose: val.purpose, fields });
      const id = d.request.id;
      for (const a of kind.attachments) await sendFile('PUT', `/api/village-letters/${id}/attachments/${a}`, files[a].files[0]);
      await post(`/api/village-letters/${id}/submit`);
      location.assign(`/desa/surat-saya.html?id=${id}&sent=1`);
    },
  });
  replace(root, h('h1', {}, `${t('desa.letters')} · Desa ${v.nama}`), form);
}

onLangChange(() => v && render());
await initPage({ active: 'desa', auth: true });
loading(root);
try {
  const [space, kinds] = await Promise.all([get(`/api/villages/${encodeURIComponent(kode || '')}`), get(`/api/villages/${encodeURIComponent(kode || '')}/letter-kinds`)]);
  v = space;
  kind = kinds.items.find((k) => k.code === qs.get('kind')) || kinds.items[0];
  render();
} catch (err) {
  loadFailed(root, errorMessage(err));
}
