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

// One child parses them all as modules (vm.SourceTextModule compiles without
// linking): a `node --check` per file cost a second each on a loaded machine.
const PARSE = `
const fs = require('node:fs');
const { SourceTextModule } = require('node:vm');
const broken = [];
for (const file of JSON.parse(process.argv[1])) {
  try { new SourceTextModule(fs.readFileSync(file, 'utf8'), { identifier: file }); }
  catch (e) { broken.push(file + ': ' + e.name + ': ' + e.message); }
}
process.stdout.write(JSON.stringify(broken));
`;

test('every front-end module parses', () => {
  const files = scripts(path.join(WEB, 'js'));
  assert.ok(files.length > 50, `found ${files.length} modules`);
  const out = execFileSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', '-e', PARSE, JSON.stringify(files)],
    { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out).map((b) => path.relative(WEB, b)), []);
});
