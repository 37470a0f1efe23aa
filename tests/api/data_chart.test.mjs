// The portal chart's aggregation (web/js/aggregate.js): several rows per
// region or period become one value per label - summed for additive
// measures, averaged otherwise - without counting a region twice over time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, topLevelRows, latestPeriod } from '../../web/js/aggregate.js';

const rows = [
  { kode: '33.03', nama: 'Purbalingga', periode: '2024', jk: 'L', n: 500, rate: 2 },
  { kode: '33.03', nama: 'Purbalingga', periode: '2024', jk: 'P', n: 520, rate: 4 },
  { kode: '33.03.01', nama: 'Kemangkon', periode: '2024', jk: 'L', n: 40, rate: 1 },
  { kode: '33.03.01', nama: 'Kemangkon', periode: '2024', jk: 'P', n: 42, rate: 3 },
  { kode: '33.03', nama: 'Purbalingga', periode: '2025', jk: 'L', n: 510, rate: 5 },
  { kode: '33.03', nama: 'Purbalingga', periode: '2025', jk: 'P', n: null, rate: 7 },
];

test('rows sharing a region are summed when additive, averaged when not', () => {
  assert.deepEqual(aggregate(rows.slice(0, 4), { key: 'kode', label: 'nama', value: 'n', additive: true }), [
    { key: '33.03', label: 'Purbalingga', value: 1020, rows: 2 },
    { key: '33.03.01', label: 'Kemangkon', value: 82, rows: 2 },
  ]);
  assert.deepEqual(aggregate(rows.slice(0, 4), { key: 'kode', value: 'rate', additive: false }).map((g) => g.value), [3, 2]);
});

test('cells without a number are left out rather than counted as zero', () => {
  assert.deepEqual(aggregate(rows.slice(4), { key: 'periode', value: 'n', additive: false }), [{ key: '2025', label: '2025', value: 510, rows: 1 }]);
});

test('over time only the highest region level counts, for the latest period by region', () => {
  const top = topLevelRows(rows, 'kode');
  assert.equal(top.length, 4);
  assert.deepEqual(aggregate(top, { key: 'periode', value: 'n', additive: true }).map((g) => [g.key, g.value]), [['2024', 1020], ['2025', 510]]);
  assert.equal(latestPeriod(rows, 'periode'), '2025');
  assert.equal(latestPeriod([], 'periode'), null);
});
