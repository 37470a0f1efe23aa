// The fuzz targets that walk every route take the module list from
// fuzz/modules.h, a copy of src/main.c's: a module added to one and not
// the other would go unfuzzed.  Every target also has a seed corpus.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const modulesIn = (file) => [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^\t&(\w+_module),$/gm)].map((m) => m[1]);

it('fuzz/modules.h lists the modules of src/main.c, in order', () => {
  const main = modulesIn('src/main.c');
  assert.ok(main.length > 20);
  assert.deepEqual(modulesIn('fuzz/modules.h'), main);
});

it('every fuzz target has a seed corpus', () => {
  for (const f of readdirSync(join(ROOT, 'fuzz')).filter((n) => n.endsWith('.c'))) {
    const corpus = join(ROOT, 'fuzz', 'corpus', f.slice(0, -2));
    assert.ok(readdirSync(corpus).length > 0, `${corpus} is empty`);
  }
});
