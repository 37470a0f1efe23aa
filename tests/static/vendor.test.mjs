// The versions the pages ask the vendored libraries for (?v=, cached for a
// year) are the versions npm installed: a library updated without its
// version here would stay old in every browser that had it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('web/js/vendor.js names the versions in package-lock.json', async () => {
  const { VERSIONS } = await import(path.join(ROOT, 'web', 'js', 'vendor.js'));
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
  assert.deepEqual(Object.keys(VERSIONS).sort(), ['chart.js', 'leaflet']);
  for (const [name, version] of Object.entries(VERSIONS))
    assert.equal(version, lock.packages[`node_modules/${name}`].version, name);
});
