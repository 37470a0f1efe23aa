// aggregate.js — one value per chart label.  A table may hold several rows
// per region or per period (by sex, by age group, by month within a year):
// rows sharing a label are summed when the measure is additive and
// averaged when it is not, since a rate or an index does not add up.
// Pure code, no DOM, so node:test can check it.

// rows: objects keyed by field name.  key: the field grouped by; value: the
// measure; label: the field shown (default key).  Groups keep the order in
// which their key first appears.  Returns [{key, label, value, rows}].
export function aggregate(rows, { key, value, additive, label = key }) {
  const groups = new Map();
  for (const r of rows) {
    const v = r[value];
    if (typeof v !== 'number' || r[key] === null || r[key] === undefined) continue;
    const k = String(r[key]);
    let g = groups.get(k);
    if (!g) {
      g = { key: k, label: String(r[label] ?? k), sum: 0, rows: 0 };
      groups.set(k, g);
    }
    g.sum += v;
    g.rows += 1;
  }
  return [...groups.values()].map((g) => ({ key: g.key, label: g.label, value: additive ? g.sum : g.sum / g.rows, rows: g.rows }));
}

// Region codes: "33" province, "33.03" regency, "33.03.01" district, ...
export function regionLevel(code) { return String(code).split('.').length; }

// The rows of the highest region level present (fewest dots), so that a
// total over time does not count the regency and its districts twice.
export function topLevelRows(rows, regionField) {
  let top = Infinity;
  for (const r of rows) if (r[regionField]) top = Math.min(top, regionLevel(r[regionField]));
  return rows.filter((r) => r[regionField] && regionLevel(r[regionField]) === top);
}

// The latest period among the rows (periods of one format sort as text).
export function latestPeriod(rows, periodField) {
  let last = null;
  for (const r of rows) {
    const p = r[periodField];
    if (p !== null && p !== undefined && (last === null || String(p) > last)) last = String(p);
  }
  return last;
}
