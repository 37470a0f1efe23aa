// layout.js — the shared header, navigation and footer of every page.
//
// initPage() draws the header at once, then asks the API who is logged in
// and the site's name, and fills them in. Pages call it first:
//   const { user, site } = await initPage({ active: 'home' });
// auth: true sends a visitor to the login page (coming back afterwards);
// role: 'admin' shows "access denied" to anyone else and resolves to null.

import { h, icon, replace } from './dom.js';
import { t, getLang, setLang, applyI18n, onLangChange, hasChosenLang, errorMessage } from './i18n.js';
import { loadMe, loadSite, logout, hasRole } from './api.js';
import { yearWIB } from './format.js';
import { initFlash, flash } from './ui.js';

const state = { user: null, site: null, active: null, ready: false };
const els = {};

export function regencyName(site = state.site) {
  return (site && site.regency && site.regency.nama) || t('site.regency');
}
export function siteName(site = state.site) { return (site && site.name) || t('site.name'); }

export function loginUrl(next = location.pathname + location.search) {
  return `/login.html?next=${encodeURIComponent(next)}`;
}

// A ?next= target we are willing to go to: a path on this site only.
export function safeNext(raw, fallback = '/') {
  if (!raw || typeof raw !== 'string') return fallback;
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return fallback;
  try {
    const u = new URL(raw, location.origin);
    if (u.origin !== location.origin) return fallback;
    if (/^\/(login|register)\.html$/.test(u.pathname)) return fallback;
    return u.pathname + u.search + u.hash;
  } catch {
    return fallback;
  }
}

function buildChrome() {
  els.skip = h('a', { class: 'skip-link', href: '#main' });
  els.brandName = h('span', { class: 'brand-name' });
  els.brandSub = h('span', { class: 'brand-sub' });
  els.brandHome = h('span', { class: 'visually-hidden' });
  els.brand = h('a', { class: 'brand', href: '/' },
    h('img', { class: 'brand-logo', src: '/img/logo.svg', alt: '', width: '40', height: '40' }),
    h('span', { class: 'brand-text' }, els.brandName, els.brandSub, els.brandHome));
  els.langBtn = h('button', { type: 'button', class: 'lang-switch', onclick: () => setLang(getLang() === 'id' ? 'en' : 'id') });
  els.navList = h('ul', { class: 'nav-list' });
  els.auth = h('div', { class: 'nav-auth' });
  els.nav = h('nav', { class: 'site-nav' }, h('div', { class: 'container nav-inner' }, els.navList, els.auth));
  els.header = h('header', { class: 'site-header' },
    h('div', { class: 'container header-bar' }, els.brand, h('div', { class: 'header-tools' }, els.langBtn)),
    els.nav);
  els.footer = h('footer', { class: 'site-footer' });

  const main = document.getElementById('main');
  document.body.prepend(els.skip, els.header);
  if (main) main.after(els.footer); else document.body.append(els.footer);
}

function navLink(href, key, name) {
  const current = state.active === name;
  return h('li', {}, h('a', { href, 'aria-current': current ? 'page' : null }, t(key)));
}

function renderChrome() {
  const lang = getLang();
  els.skip.textContent = t('skip');
  els.brandName.textContent = siteName();
  els.brandSub.textContent = regencyName();
  // Named by what it shows and then where it leads (WCAG 2.5.3, label in name).
  els.brandHome.textContent = `, ${t('nav.home')}`;

  // The switch names the other language, in that language.
  const other = lang === 'id' ? 'en' : 'id';
  // The name starts with the visible "EN"/"ID" (WCAG 2.5.3, label in name).
  els.langBtn.replaceChildren(icon('globe'), h('span', { class: 'lang-code' }, other.toUpperCase()),
    h('span', { class: 'visually-hidden' }, other === 'en' ? ': switch to English' : ': ganti ke Bahasa Indonesia'));
  els.langBtn.setAttribute('lang', other);
  els.langBtn.setAttribute('title', other === 'en' ? 'English' : 'Bahasa Indonesia');

  els.nav.setAttribute('aria-label', t('nav.label'));
  const u = state.user;
  // The staff tools are the server's list for this caller (GET /api/me):
  // what the API would refuse is never offered.
  const here = location.pathname;
  replace(els.navList,
    navLink('/', 'nav.home', 'home'),
    u && navLink('/profile.html', 'nav.profile', 'profile'),
    ...((u && u.tools) || []).map((tool) => h('li', {}, h('a', { href: tool.path, 'aria-current': here === tool.path ? 'page' : null },
      lang === 'en' ? tool.label.en : tool.label.id))));

  if (!state.ready) {
    els.auth.replaceChildren();
  } else if (u) {
    const out = h('button', { type: 'button', class: 'btn btn-small btn-on-dark', onclick: onLogout },
      icon('logout'), h('span', {}, t('auth.logout')));
    replace(els.auth,
      h('a', { class: 'nav-user', href: '/profile.html', title: t('auth.logged_in_as', { name: u.name }) },
        icon('user'), h('span', { class: 'nav-user-name' }, u.name || u.email || u.phone || t('auth.account'))),
      out);
  } else {
    replace(els.auth,
      h('a', { class: 'nav-login', href: state.active === 'login' ? '/login.html' : loginUrl() }, t('auth.login')),
      h('a', { class: 'btn btn-small btn-on-dark', href: '/register.html' }, t('auth.register')));
  }

  replace(els.footer, h('div', { class: 'container footer-inner' },
    h('div', { class: 'footer-brand' },
      h('img', { src: '/img/logo.svg', alt: '', width: '32', height: '32' }),
      h('p', {}, t('footer.about', { regency: regencyName() }))),
    h('p', { class: 'footer-meta' }, t('footer.copy', { year: yearWIB(), regency: regencyName() }),
      h('br'), t('footer.time'))));
}

async function onLogout(e) {
  const btn = e.currentTarget;
  btn.disabled = true;
  try {
    await logout();
  } catch (err) {
    // Already logged out (session expired) is fine; anything else is said.
    if (!(err && err.status === 401)) {
      btn.disabled = false;
      flash(errorMessage(err), 'error');
      return;
    }
  }
  location.assign('/');
}

function forbidden() {
  const main = document.getElementById('main');
  replace(main,
    h('h1', { 'data-i18n': 'admin.forbidden_title' }, t('admin.forbidden_title')),
    h('p', { class: 'alert alert-error', 'data-i18n': 'admin.forbidden' }, t('admin.forbidden')),
    h('p', {}, h('a', { href: '/', 'data-i18n': 'notfound.home' }, t('notfound.home'))));
}

export async function initPage({ active = null, auth = false, role = null } = {}) {
  state.active = active;
  applyI18n();
  buildChrome();
  renderChrome();
  onLangChange(renderChrome);

  let user = null;
  const [site, me] = await Promise.allSettled([loadSite(), loadMe()]);
  state.site = site.status === 'fulfilled' ? site.value : null;
  user = me.status === 'fulfilled' ? me.value : null;
  state.user = user;
  state.ready = true;
  if (user && user.lang && !hasChosenLang()) setLang(user.lang, { persist: false });
  renderChrome();

  if ((auth || role) && !user) {
    location.replace(loginUrl());
    return new Promise(() => {});        // the page stops here
  }
  if (role && !hasRole(user, role)) {
    forbidden();
    return null;
  }
  initFlash();
  document.body.classList.add('is-ready');
  return { user, site: state.site };
}

export function currentUser() { return state.user; }
export function setCurrentUser(user) { state.user = user; renderChrome(); }
