// Dates and months as a person reads them, in WIB, whatever the machine's
// own time zone: the one formatter every page uses (web/js/format.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDate, formatMonth } from '../../web/js/format.js';

test('a date reads "Selasa, 8 Desember 2026"', () => {
  assert.equal(formatDate('2026-12-08'), 'Selasa, 8 Desember 2026');
  // 18:00 UTC on the 7th is 01:00 WIB on the 8th.
  assert.equal(formatDate('2026-12-07T18:00:00Z'), 'Selasa, 8 Desember 2026');
  assert.equal(formatDate('2026-12-08', { short: true }), '8 Des 2026');
  assert.equal(formatDate('not a date'), 'not a date');
});

test('a month reads "Desember 2026"; other periods as they are', () => {
  assert.equal(formatMonth('2026-12'), 'Desember 2026');
  assert.equal(formatMonth('2026-08', { short: true }), 'Agu 2026');
  assert.equal(formatMonth('2026-S2'), '2026-S2');
});
