// The home page: who we are and the services, built or coming.
import { h, icon, replace, $ } from '../dom.js';
import { t, tr, onLangChange } from '../i18n.js';
import { initPage, regencyName } from '../layout.js';

// href: null until the service is built; then the card becomes a link.
export const SERVICES = [
  { id: 'matur', icon: 'megaphone', href: '/complaints/' },
  { id: 'siintan', icon: 'research', href: '/izin-penelitian/' },
  { id: 'simantri', icon: 'ticket', href: '/antrean/' },
  { id: 'satudata', icon: 'chart', href: '/data/' },
  { id: 'ppid', icon: 'info', href: '/ppid/' },
  { id: 'ikm', icon: 'star', href: null },
  { id: 'desa', icon: 'village', href: '/desa/' },
];

let ctx = null;

function serviceCard(s) {
  const name = t(`svc.${s.id}.name`);
  const title = s.href
    ? h('a', { href: s.href, class: 'service-link' }, name)
    : name;
  return h('li', { class: ['service-card', !s.href && 'is-soon'], dataset: { service: s.id } },
    h('div', { class: 'service-icon' }, icon(s.icon)),
    h('div', { class: 'service-body' },
      h('h3', { class: 'service-name' }, title),
      h('p', { class: 'service-tag' }, t(`svc.${s.id}.tag`)),
      h('p', { class: 'service-desc' }, t(`svc.${s.id}.desc`)),
      s.href ? null : h('p', { class: 'badge badge-soon' }, t('badge.soon'))));
}

function render() {
  replace($('#services'), SERVICES.map(serviceCard));
  if (!ctx) return;
  tr($('#hero-title'), 'home.title', { regency: regencyName(ctx.site) });
  const welcome = $('#hero-welcome');
  const actions = $('#hero-actions');
  if (ctx.user) {
    welcome.hidden = false;
    tr(welcome, 'home.welcome', { name: ctx.user.name });
    replace(actions, h('a', { class: 'btn btn-light', href: '/profile.html' }, icon('user'), h('span', {}, t('home.cta_profile'))));
  } else {
    welcome.hidden = true;
    replace(actions,
      h('a', { class: 'btn btn-light', href: '/register.html' }, t('home.cta_register')),
      h('a', { class: 'btn btn-outline-light', href: '/login.html' }, t('home.cta_login')));
  }
}

render();
onLangChange(render);
ctx = await initPage({ active: 'home' });
render();
