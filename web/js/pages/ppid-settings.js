// PPID settings (admins): which unit is the PPID Utama and which the
// Atasan PPID.  The server refuses a code that is not a unit.
import '../i18n/ppid.js';
import { h, replace, options, $ } from '../dom.js';
import { get, patch } from '../api.js';
import { t, errorMessage, onLangChange } from '../i18n.js';
import { setupForm } from '../forms.js';
import { field, flash, loading, loadFailed } from '../ui.js';
import { initPage } from '../layout.js';
import { agencies } from '../ppid.js';

const root = $('#settings');
let settings = null;
let units = [];

function render() {
  if (!settings) return;
  const pick = (name, current) => options(h('select', { name, required: true }),
    units.map((u) => [u.code, `${u.name} (${u.code})`]), current);
  const form = h('form', { class: 'form card', id: 'ppid-settings' },
    field({ label: t('ppid.utama_unit'), control: pick('utama_unit', settings.utama_unit.code) }),
    field({ label: t('ppid.atasan_unit'), control: pick('atasan_unit', settings.atasan_unit.code) }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('ppid.save'))));
  setupForm(form, {
    async submit(v) {
      settings = await patch('/api/inforeq/settings', { utama_unit: v.utama_unit, atasan_unit: v.atasan_unit });
      flash(t('ppid.done'));
      render();
    },
  });
  replace(root, form);
}

onLangChange(render);
await initPage({ active: 'ppid', auth: true });
loading(root);
try {
  [settings, units] = await Promise.all([get('/api/inforeq/settings'), agencies()]);
  render();
} catch (e) {
  loadFailed(root, t('common.load_failed', { message: errorMessage(e) }));
}
