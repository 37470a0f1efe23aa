// complaints-charts.js — the Matur Bupati statistics as SVG bar charts
// (columns by month, bars by category, district and agency), built with DOM
// calls and text nodes only, each with a table of the same numbers for
// screen readers and print.

import { h } from './dom.js';
import { formatNumber } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, text = null) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== null) el.textContent = text;
  return el;
}

// statChart({ title, items: [{label, value}], horizontal }) → <figure>
export function statChart({ title, items, horizontal = false }) {
  const max = Math.max(1, ...items.map((i) => i.value));
  let chart;
  if (horizontal) {
    const row = 26, labelW = 180, width = 560;
    chart = svg('svg', { viewBox: `0 0 ${width} ${Math.max(row, items.length * row)}`, class: 'stat-chart', 'aria-hidden': 'true' });
    items.forEach((it, i) => {
      const w = Math.max(2, ((width - labelW - 60) * it.value) / max);
      chart.append(
        svg('text', { x: labelW - 8, y: i * row + 17, 'text-anchor': 'end', class: 'stat-axis' }, it.label.length > 26 ? `${it.label.slice(0, 25)}…` : it.label),
        svg('rect', { x: labelW, y: i * row + 5, width: w, height: row - 10, rx: 3, class: 'stat-bar' }),
        svg('text', { x: labelW + w + 6, y: i * row + 17, class: 'stat-num' }, formatNumber(it.value)));
    });
  } else {
    const colW = 40, height = 180, width = Math.max(200, items.length * colW + 20);
    chart = svg('svg', { viewBox: `0 0 ${width} ${height + 40}`, class: 'stat-chart', 'aria-hidden': 'true' });
    items.forEach((it, i) => {
      const hgt = Math.max(2, (height * it.value) / max);
      const x = 10 + i * colW;
      chart.append(
        svg('rect', { x: x + 4, y: height - hgt + 14, width: colW - 8, height: hgt, rx: 3, class: 'stat-bar' }),
        svg('text', { x: x + colW / 2, y: height - hgt + 10, 'text-anchor': 'middle', class: 'stat-num' }, formatNumber(it.value)),
        svg('text', { x: x + colW / 2, y: height + 32, 'text-anchor': 'middle', class: 'stat-axis' }, it.label));
    });
  }
  const table = h('table', { class: 'table visually-hidden' },
    h('caption', {}, title),
    h('tbody', {}, items.map((it) => h('tr', {}, h('th', { scope: 'row' }, it.label), h('td', {}, formatNumber(it.value))))));
  return h('figure', { class: 'stat-figure' }, h('figcaption', { class: 'stat-title' }, title), chart, table);
}
