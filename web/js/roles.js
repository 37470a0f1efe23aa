// roles.js — showing a user's roles and their scope.
import { h } from './dom.js';
import { t } from './i18n.js';

export const ROLES = ['citizen', 'officer', 'unit_head', 'walidata', 'village_operator', 'village_head', 'admin', 'regent_office'];
export const STAFF_ROLES = ROLES.filter((r) => r !== 'citizen');
export const UNIT_ROLES = new Set(['officer', 'unit_head']);
export const VILLAGE_ROLES = new Set(['village_operator', 'village_head']);

export function roleLabel(role) { return t(`role.${role}`); }

// "Petugas · Dinas Kesehatan"
export function roleText(r) {
  const scope = (r.unit && (r.unit.name || r.unit.code)) || (r.village && (r.village.nama || r.village.kode)) || null;
  return scope ? `${roleLabel(r.role)} · ${scope}` : roleLabel(r.role);
}

export function roleChips(roles) {
  if (!roles || !roles.length) return h('span', { class: 'muted' }, t('common.none'));
  return h('ul', { class: 'chips' }, roles.map((r) => h('li', { class: ['chip', r.role === 'admin' && 'chip-strong'] }, roleText(r))));
}
