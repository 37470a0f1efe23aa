// chart.js — small SVG charts (bars by region, a line over time) drawn
// with DOM calls only: labels are text nodes, colours come from the
// stylesheet's classes, so nothing here needs inline styles or scripts.
import { formatNumber } from './format.js';

const NS = 'http://www.w3.org/2000/svg';

function el(tag, attrs = {}, text = null) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== null) e.textContent = text;
  return e;
}

function frame(title, width, height) {
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': title, preserveAspectRatio: 'xMidYMid meet' });
  svg.appendChild(el('title', {}, title));
  return svg;
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

// Horizontal bars, one per item {label, value, mark?}; mark highlights one.
export function barChart({ title, items, unit = '' }) {
  const row = 22, left = 150, right = 90, width = 640;
  const height = Math.max(1, items.length) * row + 8;
  const svg = frame(title, width, height);
  const max = niceMax(Math.max(0, ...items.map((i) => i.value)));
  items.forEach((it, n) => {
    const y = 4 + n * row;
    const w = Math.max(1, ((width - left - right) * Math.max(0, it.value)) / max);
    const label = it.label.length > 22 ? `${it.label.slice(0, 21)}…` : it.label;
    svg.appendChild(el('text', { x: left - 8, y: y + 15, class: 'chart-label', 'text-anchor': 'end' }, label));
    const bar = el('rect', { x: left, y: y + 3, width: w, height: row - 6, rx: 3, class: it.mark ? 'chart-bar chart-bar-mark' : 'chart-bar' });
    bar.appendChild(el('title', {}, `${it.label}: ${formatNumber(it.value)} ${unit}`.trim()));
    svg.appendChild(bar);
    svg.appendChild(el('text', { x: left + w + 6, y: y + 15, class: 'chart-value' }, formatNumber(it.value)));
  });
  return svg;
}

// A line over ordered points {label, value}.
export function lineChart({ title, points, unit = '' }) {
  const width = 640, height = 240, pad = { l: 70, r: 16, t: 12, b: 36 };
  const svg = frame(title, width, height);
  const max = niceMax(Math.max(0, ...points.map((p) => p.value)));
  const iw = width - pad.l - pad.r, ih = height - pad.t - pad.b;
  const x = (i) => pad.l + (points.length > 1 ? (iw * i) / (points.length - 1) : iw / 2);
  const y = (v) => pad.t + ih - (ih * Math.max(0, v)) / max;
  for (const f of [0, 0.5, 1]) {
    svg.appendChild(el('line', { x1: pad.l, x2: width - pad.r, y1: y(max * f), y2: y(max * f), class: 'chart-grid' }));
    svg.appendChild(el('text', { x: pad.l - 6, y: y(max * f) + 4, class: 'chart-label', 'text-anchor': 'end' }, formatNumber(max * f)));
  }
  if (points.length > 1) svg.appendChild(el('polyline', { points: points.map((p, i) => `${x(i)},${y(p.value)}`).join(' '), class: 'chart-line' }));
  const every = Math.max(1, Math.ceil(points.length / 8));
  points.forEach((p, i) => {
    const dot = el('circle', { cx: x(i), cy: y(p.value), r: 4, class: 'chart-dot' });
    dot.appendChild(el('title', {}, `${p.label}: ${formatNumber(p.value)} ${unit}`.trim()));
    svg.appendChild(dot);
    if (i % every === 0) svg.appendChild(el('text', { x: x(i), y: height - 12, class: 'chart-label', 'text-anchor': 'middle' }, p.label));
  });
  return svg;
}
