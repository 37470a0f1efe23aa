// Log in, then go to ?next= (a path on this site) or home.
import { $ } from '../dom.js';
import { login } from '../api.js';
import { setupForm } from '../forms.js';
import { initPage, safeNext } from '../layout.js';

const params = new URLSearchParams(location.search);
const next = safeNext(params.get('next'));

setupForm($('#login-form'), {
  async submit({ email, password }) {
    await login(email, password);
    location.assign(next);
  },
});

if (params.has('next')) $('#register-link').href = `/register.html?next=${encodeURIComponent(next)}`;

const ctx = await initPage({ active: 'login' });
if (ctx && ctx.user) location.replace(next);
