// Register, then go home (or ?next=) logged in.
import { $ } from '../dom.js';
import { register, patch } from '../api.js';
import { t, getLang } from '../i18n.js';
import { setupForm } from '../forms.js';
import { initPage, safeNext } from '../layout.js';

const params = new URLSearchParams(location.search);
const next = safeNext(params.get('next'));

setupForm($('#register-form'), {
  validate(v) {
    const errs = [];
    if (!v.email && !v.phone) errs.push(['email', t('validation.email_or_phone')]);
    if (v.password && v.password2 && v.password !== v.password2) errs.push(['password2', t('validation.password_mismatch')]);
    return errs;
  },
  async submit(v) {
    const body = { name: v.name, password: v.password };
    if (v.email) body.email = v.email;
    if (v.phone) body.phone = v.phone;
    const user = await register(body);
    // Keep the language the visitor chose for the pages (best effort).
    if (user && user.lang && user.lang !== getLang()) {
      try { await patch('/api/me', { lang: getLang() }); } catch { /* not important */ }
    }
    location.assign(next);
  },
});

if (params.has('next')) $('#login-link').href = `/login.html?next=${encodeURIComponent(next)}`;

const ctx = await initPage({ active: 'register' });
if (ctx && ctx.user) location.replace(next);
