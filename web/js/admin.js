// admin.js — lookups shared by the admin pages (units, districts, villages).
import { get, loadSite, seg } from './api.js';

const PURBALINGGA = '33.03';

let orgsPromise = null;
export function loadOrgs(fresh = false) {
  if (!orgsPromise || fresh) {
    orgsPromise = get('/api/orgs').then((d) => (d && d.items) || []);
    orgsPromise.catch(() => { orgsPromise = null; });
  }
  return orgsPromise;
}

// The code of a unit's parent / the kode of its region, whether the API
// gives a string or an object.
export const parentCode = (u) => (u.parent && typeof u.parent === 'object' ? u.parent.code : u.parent) || null;
export const regionCode = (u) => (u.region && typeof u.region === 'object' ? u.region.kode : u.region) || null;

// Units in tree order with their depth: [{unit, depth}]. Units whose parent
// is unknown are treated as roots so that nothing is hidden.
export function unitTree(items) {
  const byCode = new Map(items.map((u) => [u.code, u]));
  const kids = new Map();
  const roots = [];
  for (const u of items) {
    const p = parentCode(u);
    if (p && byCode.has(p) && p !== u.code) {
      if (!kids.has(p)) kids.set(p, []);
      kids.get(p).push(u);
    } else roots.push(u);
  }
  const out = [];
  const seen = new Set();
  const walk = (u, depth) => {
    if (seen.has(u.code)) return;
    seen.add(u.code);
    out.push({ unit: u, depth, children: (kids.get(u.code) || []).length });
    for (const c of kids.get(u.code) || []) walk(c, depth + 1);
  };
  for (const r of roots) walk(r, 0);
  for (const u of items) walk(u, 0);    // cycles, if the data ever has one
  return out;
}

// Codes of a unit and everything under it (not valid as its new parent).
export function subtreeCodes(items, code) {
  const out = new Set([code]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const u of items) {
      const p = parentCode(u);
      if (p && out.has(p) && !out.has(u.code)) { out.add(u.code); grew = true; }
    }
  }
  return out;
}

export async function regencyCode() {
  const site = await loadSite();
  return (site && site.regency && site.regency.kode) || PURBALINGGA;
}

const children = new Map();
export function regionChildren(parent) {
  if (!children.has(parent)) {
    const p = get('/api/regions', { parent, limit: 100 }).then((d) => ((d && d.items) || []).slice().sort((a, b) => a.nama.localeCompare(b.nama, 'id')));
    p.catch(() => children.delete(parent));
    children.set(parent, p);
  }
  return children.get(parent);
}

export async function loadDistricts() { return regionChildren(await regencyCode()); }

export async function loadRegion(kode) {
  return get(`/api/regions/${seg(kode)}`);
}
