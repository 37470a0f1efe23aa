// Profile: see and edit name, email, phone, language and the channels
// notices go by; change the password.
import { h, $, replace } from '../dom.js';
import { patch, post } from '../api.js';
import { t, setLang, onLangChange } from '../i18n.js';
import { setupForm, showAlert } from '../forms.js';
import { formatDateTime } from '../format.js';
import { flash } from '../ui.js';
import { initPage, setCurrentUser } from '../layout.js';
import { roleChips } from '../roles.js';

let user = null;
const form = $('#profile-form');
const pwForm = $('#password-form');
const channelsForm = $('#channels-form');
const CHANNELS = ['email', 'whatsapp', 'sms'];

function renderDetails() {
  if (!user) return;
  const row = (key, value) => [h('dt', {}, t(key)), h('dd', {}, value || t('common.none'))];
  replace($('#account-details'),
    row('profile.name', user.name),
    row('profile.email', user.email),
    row('profile.phone', user.phone),
    row('profile.lang', t(`lang.${user.lang || 'id'}`)),
    h('dt', {}, t('profile.roles')), h('dd', {}, roleChips(user.roles)),
    row('profile.since', user.created_at ? formatDateTime(user.created_at) : null));
}

function fill() {
  form.elements.name.value = user.name || '';
  form.elements.email.value = user.email || '';
  form.elements.phone.value = user.phone || '';
  form.elements.lang.value = user.lang === 'en' ? 'en' : 'id';
  $('#p-username').value = user.email || user.phone || '';
  for (const c of CHANNELS) channelsForm.elements[c].checked = !!(user.channels && user.channels[c]);
}

setupForm(channelsForm, {
  async submit(v) {
    const channels = {};
    for (const c of CHANNELS) channels[c] = v[c];
    user = (await patch('/api/me', { channels })).user;
    setCurrentUser(user);
    fill();
    flash(t('profile.channels_saved'));
  },
});

setupForm(form, {
  validate(v) {
    if (!v.email && !v.phone) return [['email', t('validation.email_or_phone')]];
    return [];
  },
  async submit(v) {
    const body = {};
    for (const k of ['name', 'email', 'phone', 'lang']) {
      const before = user[k] || '';
      if (v[k] !== before) body[k] = v[k] === '' ? null : v[k];
    }
    if (!Object.keys(body).length) { showAlert(form, t('profile.unchanged')); return; }
    const d = await patch('/api/me', body);
    user = d.user;
    setCurrentUser(user);
    if (body.lang) setLang(user.lang || body.lang);
    fill();
    renderDetails();
    flash(t('profile.saved'));
  },
});

setupForm(pwForm, {
  validate(v) {
    if (v.new_password && v.new_password2 && v.new_password !== v.new_password2) {
      return [['new_password2', t('validation.password_mismatch')]];
    }
    return [];
  },
  async submit(v) {
    await post('/api/me/password', { current_password: v.current_password, new_password: v.new_password });
    pwForm.reset();
    flash(t('profile.password_saved'));
  },
});

onLangChange(renderDetails);

const ctx = await initPage({ active: 'profile', auth: true });
user = ctx.user;
fill();
renderDetails();
