// Log in, then go to ?next= (a path on this site), or else to the first of
// the caller's staff tools (officers land on their work), or home.
import { $ } from '../dom.js';
import { login } from '../api.js';
import { setupForm } from '../forms.js';
import { initPage, safeNext } from '../layout.js';

const params = new URLSearchParams(location.search);
const next = safeNext(params.get('next'));
const landing = (user) => (params.has('next') || !user || !user.tools || !user.tools.length ? next : user.tools[0].path);

setupForm($('#login-form'), {
  async submit({ email, password }) {
    location.assign(landing(await login(email, password)));
  },
});

if (params.has('next')) $('#register-link').href = `/register.html?next=${encodeURIComponent(next)}`;

const ctx = await initPage({ active: 'login' });
if (ctx && ctx.user) location.replace(landing(ctx.user));
