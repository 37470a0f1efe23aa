// The web dictionaries: each holds the same keys in Indonesian and English
// with the same {placeholders}; no key is in two of them; every page finds
// every key it uses in the dictionaries it loads, and loads no other
// service's (the TV display board especially).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const SERVICES = ['admin', 'complaints', 'dashboard', 'data', 'queue', 'letters', 'survey', 'permits', 'ppid', 'villages'];

const { core } = await import(pathToFileURL(path.join(WEB, 'js/i18n.js')));
const dicts = { 'js/i18n.js': core };
for (const s of SERVICES) dicts[`js/i18n/${s}.js`] = await import(pathToFileURL(path.join(WEB, `js/i18n/${s}.js`)));

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

test('every dictionary has the same keys and placeholders in id and en', () => {
  for (const [file, d] of Object.entries(dicts)) {
    const ids = Object.keys(d.id), ens = Object.keys(d.en);
    assert.ok(ids.length > 20, `${file} holds texts`);
    assert.deepEqual(ids.filter((k) => !(k in d.en)), [], `${file}: keys in id but not en`);
    assert.deepEqual(ens.filter((k) => !(k in d.id)), [], `${file}: keys in en but not id`);
    for (const k of ids) {
      assert.equal(typeof d.id[k], 'string', `${file} id ${k}`);
      assert.ok(d.id[k].trim() && d.en[k].trim(), `${file} ${k} is not blank`);
      assert.equal(placeholders(d.en[k]), placeholders(d.id[k]), `${file} ${k}: placeholders`);
    }
  }
});

test('no key is in two dictionaries', () => {
  const owner = new Map();
  for (const [file, d] of Object.entries(dicts)) {
    for (const k of Object.keys(d.id)) {
      assert.ok(!owner.has(k), `${k} is in ${owner.get(k)} and ${file}`);
      owner.set(k, file);
    }
  }
});

// The modules a page's script loads, web-relative ('js/pages/login.js', ...).
function closure(entry) {
  const seen = new Set();
  const walk = (rel) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const src = fs.readFileSync(path.join(WEB, rel), 'utf8');
    for (const m of src.matchAll(/^\s*import\s+(?:[^'"]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm))
      walk(path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1])));
  };
  walk(entry);
  return seen;
}

function pages() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'vendor') walk(p);
      else if (e.name.endsWith('.html')) out.push(path.relative(WEB, p));
    }
  };
  walk(WEB);
  return out.sort();
}

// Keys: data-i18n attributes in HTML, t('…') / tr(el, '…') in code; a
// key built as t(`data.status.${s}`) counts as its prefix ("data.status.*").
const htmlKeys = (html) => [...html.matchAll(/data-i18n(?:-placeholder|-aria-label)?="([^"]+)"/g)].map((m) => m[1]);
const codeKeys = (js) => [
  ...js.matchAll(/\bt\(\s*'([a-z0-9_.]+)'/g), ...js.matchAll(/\btr\([^,()]+,\s*'([a-z0-9_.]+)'/g),
  ...[...js.matchAll(/\bt\(\s*`([a-z0-9_.]+\.)\$\{/g)].map((m) => [m[0], `${m[1]}*`]),
].map((m) => m[1]);

test('every page finds the keys it uses in the dictionaries it loads', () => {
  const list = pages();
  assert.ok(list.length > 20);
  const lacking = [];
  for (const page of list) {
    const html = fs.readFileSync(path.join(WEB, page), 'utf8');
    const scripts = [...html.matchAll(/<script type="module" src="\/([^"]+)"/g)].map((m) => m[1]);
    assert.equal(scripts.length, 1, `${page} has one page module`);
    const mods = closure(scripts[0]);
    const loaded = Object.keys(dicts).filter((f) => mods.has(f));
    assert.ok(loaded.includes('js/i18n.js'), `${page} loads the core dictionary`);
    const has = (k) => loaded.some((f) => (k.endsWith('*') ? Object.keys(dicts[f].id).some((x) => x.startsWith(k.slice(0, -1))) : k in dicts[f].id));
    const missing = new Set();
    for (const k of htmlKeys(html)) if (!has(k)) missing.add(k);
    for (const m of mods) for (const k of codeKeys(fs.readFileSync(path.join(WEB, m), 'utf8'))) if (!has(k)) missing.add(`${k} (${m})`);
    if (missing.size) lacking.push(`${page} [${loaded.join(', ')}]: ${[...missing].join(', ')}`);
  }
  assert.deepEqual(lacking, [], 'pages use keys that the dictionaries they load lack');
});

test('each service page loads its own dictionary and no other service\'s', () => {
  const prefix = { 'admin/': 'admin', 'antrean/': 'queue', 'complaints/': 'complaints', 'officer/': 'complaints', 'data/': 'data',
    'pimpinan/': 'dashboard', 'v/': 'letters', 'survei/': 'survey', 'izin-penelitian/': 'permits', 'ppid/': 'ppid',
    'desa/': 'villages' };
  for (const page of pages()) {
    const svc = Object.entries(prefix).find(([p]) => page.startsWith(p))?.[1];
    const html = fs.readFileSync(path.join(WEB, page), 'utf8');
    const mods = closure(html.match(/<script type="module" src="\/([^"]+)"/)[1]);
    // The letters' texts are core's too: any service shows its issued letters with them.
    const services = SERVICES.filter((s) => mods.has(`js/i18n/${s}.js`) && (s !== 'letters' || svc === 'letters'));
    assert.deepEqual(services, svc ? [svc] : [], `${page} loads the dictionaries of ${services.join(', ') || 'no service'}`);
  }
  // The TV display board: core and Simantri's texts only, nothing else to parse on a TV.
  const board = closure('js/pages/antrean-board.js');
  assert.deepEqual([...board].filter((m) => m.includes('i18n')).sort(), ['js/i18n.js', 'js/i18n/queue.js']);
});
