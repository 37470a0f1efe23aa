// Every fuzz target has a seed corpus (the targets that walk every route
// take the program's own module list, src/modules.h).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

it('every fuzz target has a seed corpus', () => {
  for (const f of readdirSync(join(ROOT, 'fuzz')).filter((n) => n.endsWith('.c'))) {
    const corpus = join(ROOT, 'fuzz', 'corpus', f.slice(0, -2));
    assert.ok(readdirSync(corpus).length > 0, `${corpus} is empty`);
  }
});
