// Log in - by password, or by phone with a one-time code sent by WhatsApp
// or SMS (a number without an account registers with the name it is asked
// for) - then go to ?next= (a path on this site), or else to the first of
// the caller's staff tools (officers land on their work), or home.
import { $ } from '../dom.js';
import { login, phoneCode, phoneVerify, ApiError } from '../api.js';
import { t } from '../i18n.js';
import { setupForm, fieldError } from '../forms.js';
import { initPage, safeNext } from '../layout.js';

const params = new URLSearchParams(location.search);
const next = safeNext(params.get('next'));
const landing = (user) => (params.has('next') || !user || !user.tools || !user.tools.length ? next : user.tools[0].path);

setupForm($('#login-form'), {
  async submit({ email, password }) {
    location.assign(landing(await login(email, password)));
  },
});

// Step one asks for a code; step two (the code, and the name when the
// server says the number is new) logs in.
const phoneForm = $('#phone-form');
const codeInput = $('#phone-code'), nameInput = $('#phone-name');
function codeStep(sent) {
  $('#code-sent').textContent = t('login.code_sent', { phone: sent.phone, channel: sent.channel === 'sms' ? 'SMS' : 'WhatsApp' });
  $('#code-step').hidden = false;
  codeInput.disabled = false;
  $('#phone-resend').hidden = false;
  $('#phone-submit').textContent = t('login.submit');
  codeInput.focus();
}
async function sendCode(v) {
  codeStep(await phoneCode(v.phone, v.channel));
}
setupForm(phoneForm, {
  async submit(v) {
    if (codeInput.disabled) return sendCode(v);
    try {
      location.assign(landing(await phoneVerify(v.phone, v.code, v.name)));
    } catch (e) {
      if (!(e instanceof ApiError && e.field === 'name' && nameInput.disabled)) throw e;
      $('#phone-name-field').hidden = false;
      nameInput.disabled = false;
      fieldError(phoneForm, 'name', t('login.name_needed'));
      nameInput.focus();
    }
  },
});
// The register page's "by phone" link opens this part.
if (location.hash === '#nomor-hp') {
  $('#phone-login').open = true;
  $('#phone-number').focus();
}
$('#phone-resend').addEventListener('click', () => {
  codeInput.disabled = true;
  phoneForm.requestSubmit();
});

if (params.has('next')) $('#register-link').href = `/register.html?next=${encodeURIComponent(next)}`;

const ctx = await initPage({ active: 'login' });
if (ctx && ctx.user) location.replace(landing(ctx.user));
