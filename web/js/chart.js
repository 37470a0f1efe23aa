// chart.js — bar and line charts drawn by Chart.js (loaded by vendor.js
// only on pages that draw one), each beside a table of the same numbers.
//
// Chart.js, not uPlot: these are category charts (agencies, villages,
// months) whose long labels must wrap and stay readable on a 360 px phone;
// Chart.js draws horizontal bars, wraps multi-line labels and resizes by
// itself, where uPlot is made for dense time series on a time axis.
//
// The canvas is a picture named by its title; the numbers are in a table
// under a disclosure ("Tabel data"), which screen readers reach and which
// never makes the page scroll sideways.
import { h } from './dom.js';
import { t } from './i18n.js';
import { formatNumber, formatMonth } from './format.js';
import { loadChartJs } from './vendor.js';

const BAR_ROW_PX = 34;
const LINE_HEIGHT_PX = 240;
const LABEL_WRAP = 22;

// Long labels broken into lines of about LABEL_WRAP characters.
function wrap(label) {
  const lines = [];
  for (const word of String(label).split(/\s+/)) {
    const last = lines[lines.length - 1];
    if (last && last.length + word.length < LABEL_WRAP) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.length > 1 ? lines : String(label);
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

// rows {label, value}, or {label, values} with columns naming each value.
function dataTable(title, rows, unit, columns = null) {
  const cell = (v) => h('td', { class: 'num' }, v == null ? '—' : formatNumber(v));
  return h('details', { class: 'chart-data' },
    h('summary', {}, t('chart.table')),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': title },
      h('table', { class: 'table' },
        h('caption', { class: 'visually-hidden' }, title),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('chart.label')),
          (columns || [unit || t('chart.value')]).map((c) => h('th', { scope: 'col', class: 'num' }, c)))),
        h('tbody', {}, rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, r.label),
          columns ? r.values.map(cell) : cell(r.value)))))));
}

async function draw(canvas, config) {
  const Chart = await loadChartJs();
  if (!Chart || !canvas.isConnected) {
    if (!Chart) canvas.replaceWith(h('p', { class: 'muted' }, t('chart.unavailable')));
    return;
  }
  // A page that draws again (a filter, the language) leaves old canvases.
  for (const c of Object.values(Chart.instances)) if (!c.canvas.isConnected) c.destroy();
  Chart.defaults.font.size = 13;
  Chart.defaults.color = cssVar('--text');
  new Chart(canvas, config);
}

// Draws once the canvas is in the page (callers build the DOM first).
function chartBox({ title, rows, unit, table, height, config, columns = null }) {
  const canvas = h('canvas', { role: 'img', 'aria-label': title });
  const box = h('div', { class: 'chart-canvas' }, canvas);
  box.style.height = `${height}px`;   // CSSOM, which the CSP allows
  requestAnimationFrame(() => draw(canvas, config));
  return h('div', { class: 'chart-wrap' }, box, table ? dataTable(title, rows, unit, columns) : null);
}

const tooltipLabel = (unit) => (ctx) => ` ${formatNumber(ctx.parsed[ctx.chart.options.indexAxis === 'y' ? 'x' : 'y'])} ${unit}`.trimEnd();

// Horizontal bars, one per item {label, value, mark?}; mark highlights one.
// table: false when the page shows the same numbers in a table of its own.
export function barChart({ title, items, unit = '', table = true }) {
  const green = cssVar('--green-800');
  const gold = cssVar('--gold-400');
  return chartBox({
    title, unit, table, rows: items, height: Math.max(1, items.length) * BAR_ROW_PX + 40,
    config: {
      type: 'bar',
      data: {
        labels: items.map((i) => wrap(i.label)),
        datasets: [{ label: title, data: items.map((i) => i.value), backgroundColor: items.map((i) => (i.mark ? gold : green)), maxBarThickness: 24 }],
      },
      options: {
        indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: tooltipLabel(unit) } } },
        scales: { x: { beginAtZero: true, ticks: { maxTicksLimit: 5, callback: (v) => formatNumber(v) } }, y: { ticks: { autoSkip: false } } },
      },
    },
  });
}

// Columns over time, points {label, value}; "YYYY-MM" labels become month
// names ("Des 2026").
export function columnChart({ title, points, unit = '', table = true }) {
  const rows = points.map((p) => ({ label: formatMonth(p.label), value: p.value }));
  return chartBox({
    title, unit, table, rows, height: LINE_HEIGHT_PX,
    config: {
      type: 'bar',
      data: { labels: points.map((p) => formatMonth(p.label, { short: true })), datasets: [{ label: title, data: points.map((p) => p.value), backgroundColor: cssVar('--green-800'), maxBarThickness: 48 }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: tooltipLabel(unit) } } },
        scales: { y: { beginAtZero: true, ticks: { maxTicksLimit: 5, precision: 0, callback: (v) => formatNumber(v) } }, x: { ticks: { maxRotation: 0, autoSkipPadding: 8 } } },
      },
    },
  });
}

// A line over ordered points {label, value}.
export function lineChart({ title, points, unit = '', table = true }) {
  const rows = points.map((p) => ({ label: formatMonth(p.label), value: p.value }));
  const green = cssVar('--green-800');
  return chartBox({
    title, unit, table, rows, height: LINE_HEIGHT_PX,
    config: {
      type: 'line',
      data: { labels: points.map((p) => formatMonth(p.label, { short: true })), datasets: [{ label: title, data: points.map((p) => p.value), borderColor: green, backgroundColor: green, borderWidth: 2.5, pointRadius: 4 }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: tooltipLabel(unit) } } },
        scales: { y: { beginAtZero: true, ticks: { maxTicksLimit: 5, callback: (v) => formatNumber(v) } }, x: { ticks: { maxRotation: 0, autoSkipPadding: 8 } } },
      },
    },
  });
}

// Bars of several series side by side, named in a legend: labels as given
// (days, services), series [{name, values}] (null: no value, '—' in the
// table, whose columns are the series). horizontal for long labels.
export function seriesChart({ title, labels, series, unit = '', horizontal = false }) {
  const colours = ['--green-800', '--gold-400', '--danger', '--blue'].map(cssVar);
  const index = horizontal ? 'y' : 'x', value = horizontal ? 'x' : 'y';
  return chartBox({
    title, unit, table: true, columns: series.map((s) => (unit ? `${s.name} (${unit})` : s.name)),
    rows: labels.map((label, i) => ({ label, values: series.map((s) => s.values[i]) })),
    height: horizontal ? Math.max(1, labels.length) * BAR_ROW_PX * Math.min(series.length, 2) + 70 : LINE_HEIGHT_PX + 30,
    config: {
      type: 'bar',
      data: {
        labels: labels.map(wrap),
        datasets: series.map((s, i) => ({ label: s.name, data: s.values, backgroundColor: colours[i % colours.length], maxBarThickness: 24 })),
      },
      options: {
        indexAxis: index, responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: true, position: 'bottom' }, tooltip: { callbacks: { label: (ctx) => ` ${ctx.dataset.label}: ${formatNumber(ctx.parsed[value])} ${unit}`.trimEnd() } } },
        scales: {
          [value]: { beginAtZero: true, ticks: { maxTicksLimit: 5, callback: (v) => formatNumber(v) } },
          [index]: { ticks: { autoSkip: !horizontal, maxRotation: 0, autoSkipPadding: 8 } },
        },
      },
    },
  });
}
