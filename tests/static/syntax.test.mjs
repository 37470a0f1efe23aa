// Every script the pages load parses: a syntax error in one module leaves
// its page stuck on "Memuat…" with nothing in the server's logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');

function scripts(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'vendor' ? [] : scripts(p);
    return e.name.endsWith('.js') ? [p] : [];
  });
}

test('every front-end module parses', () => {
  const broken = [];
  for (const file of scripts(path.join(WEB, 'js'))) {
    try {
      execFileSync(process.execPath, ['--check', file], { stdio: 'pipe' });
    } catch (e) {
      broken.push(`${path.relative(WEB, file)}: ${String(e.stderr).split('\n').find((l) => /Error/.test(l))}`);
    }
  }
  assert.deepEqual(broken, []);
});
