// Every error code the server can emit has a text in core's registry
// (src/core/errors.c) and in the web pages' core dictionary, in Indonesian
// and English. The codes are collected from the source: each call of an
// emitter names its code as a string literal, or is one of the few
// forwarders listed here that pass on a code chosen elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Functions whose third argument is an error code: (ctx, status, code, ...).
const EMITTERS = ['reply_error', 'reply_error_lang', 'queue_fail_set', 'refuse'];
// Calls that forward a code already collected at its origin.
const FORWARDERS = [
  'src/core/server.c: code',			// reply_error → reply_error_lang
  'src/queue/queue.c: fail->code',		// queue_fail_set
  'src/complaints/cases.c: e->code',		// the case engine's refuse()
  'src/permits/permits.c: e->code',		// the same, for permits
  'src/inforeq/inforeq.c: e->code',		// the same, for information requests
  'src/villages/villages.c: e->code',		// the same, for village letters
  'src/core/server.c: be.code',			// body_validate's err->code
  'src/data/catalog.c: code',			// forbidden / not_found / conflict / invalid below
];
// Codes that are not an emitter's argument: the body validator's, and
// catalog_refuse's choice by status.
const ASSIGNED = [/->code\s*=\s*"([a-z_]+)"/g, /const char \*code = status == [^;]*;/g];

function sources(dir) {
  const out = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sources(rel));
    else if (e.name.endsWith('.c')) out.push(rel);
  }
  return out;
}

function emittedCodes() {
  const codes = new Map();
  const note = (code, where) => codes.set(code, [...(codes.get(code) || []), where]);
  const strange = [];
  for (const file of sources('src')) {
    const src = fs.readFileSync(path.join(ROOT, file), 'utf8');
    // (ctx, status, code, …): the status is a number or a variable named so.
    const call = new RegExp(`\\b(${EMITTERS.join('|')})\\(\\s*([^,()]+),\\s*(\\d{3}|[\\w>.-]*status),\\s*([^,]+),`, 'g');
    for (const m of src.matchAll(call)) {
      if (/^(const |struct |int |\w+ \*)/.test(m[2])) continue;		// a declaration, not a call
      const code = m[4].trim();
      // A literal, or a choice of literals (c1 ? "a" : c2 ? "b" : "c").
      const parts = code.split(/\s*[?:]\s*/);
      const results = parts.filter((_, i) => i % 2 === 1 || i === parts.length - 1);
      if (results.every((x) => /^"[a-z_]+"$/.test(x))) for (const x of results) note(x.slice(1, -1), `${file} ${m[1]}`);
      else if (!FORWARDERS.includes(`${file}: ${code}`)) strange.push(`${file}: ${m[1]}(…, ${code}, …)`);
    }
    for (const re of ASSIGNED)
      for (const m of src.matchAll(re))
        for (const lit of m[0].matchAll(/"([a-z_]+)"/g)) note(lit[1], `${file} assigned`);
  }
  return { codes, strange };
}

function registry() {
  const src = fs.readFileSync(path.join(ROOT, 'src/core/errors.c'), 'utf8');
  return new Set([...src.matchAll(/^\t\{ "([a-z_]+)", "/gm)].map((m) => m[1]));
}

const { codes, strange } = emittedCodes();

test('the collector sees the server\'s codes', () => {
  for (const c of ['invalid', 'not_found', 'storage_full', 'storage_error', 'database_unavailable', 'busy',
    'quota_full', 'unknown_field', 'account_locked'])
    assert.ok(codes.has(c), `${c} collected`);
  assert.deepEqual(strange, [], 'an emitter is called with a code that is not a literal: add the code where it is chosen');
});

test('every emitted code is in the registry, and the registry holds no other', () => {
  const reg = registry();
  assert.deepEqual([...codes.keys()].filter((c) => !reg.has(c)).sort(), [], 'codes missing from src/core/errors.c');
  assert.deepEqual([...reg].filter((c) => !codes.has(c)).sort(), [], 'registry codes nothing emits');
});

test('every emitted code has an Indonesian and an English text on the front end', async () => {
  const { core } = await import(pathToFileURL(path.join(ROOT, 'web/js/i18n.js')));
  // The API client's own codes (no answer, or no envelope) are worded too.
  const all = [...codes.keys(), 'network'];
  for (const lang of ['id', 'en'])
    assert.deepEqual(all.filter((c) => !core[lang][`error.${c}`]).sort(), [], `error.<code> missing in ${lang}`);
});
