// dom.js — build elements safely.
//
// Every piece of text goes in through textContent (or a Text node); nothing
// here ever assigns innerHTML, so data from the server cannot become markup.
// URLs given to href/src/action must be relative or http(s).

const SVG_NS = 'http://www.w3.org/2000/svg';
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction']);
const BOOL_PROPS = new Set(['checked', 'selected', 'disabled', 'hidden', 'required', 'readOnly', 'multiple', 'open']);

export function safeUrl(value) {
  const s = String(value).trim();
  if (/^(\/(?!\/)|\.{0,2}\/|#|\?)/.test(s)) return s;          // same-origin path, fragment, query
  if (/^https?:\/\//i.test(s)) return s;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(s)) return s;               // bare relative ("login.html")
  return '#';                                                   // javascript:, data:, …
}

function appendChildren(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false || c === true) continue;
    if (Array.isArray(c)) appendChildren(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

function setProps(el, props) {
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'innerHTML' || k === 'outerHTML' || k === 'style' || /^on[a-z]+$/.test(k) && typeof v !== 'function') {
      throw new Error(`dom.h: refusing property ${k}`);
    }
    if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'for') el.setAttribute('for', v);
    else if (k === 'dataset') { for (const [dk, dv] of Object.entries(v)) if (dv != null) el.dataset[dk] = String(dv); }
    else if (typeof v === 'function' && k.startsWith('on')) el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'value') el.value = String(v);
    else if (BOOL_PROPS.has(k)) el[k] = !!v;
    else if (URL_ATTRS.has(k)) el.setAttribute(k, safeUrl(v));
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
}

// h('a', {href: '/x', class: 'btn'}, 'text', child, [more])
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  setProps(el, props);
  appendChildren(el, children);
  return el;
}

// An icon from the sprite /img/icons.svg, hidden from assistive technology.
export function icon(name, cls = 'icon') {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', cls);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const use = document.createElementNS(SVG_NS, 'use');
  use.setAttribute('href', `/img/icons.svg#${name}`);
  svg.appendChild(use);
  return svg;
}

export function clear(el) { el.replaceChildren(); return el; }

export function replace(el, ...children) {
  el.replaceChildren();
  appendChildren(el, children);
  return el;
}

export function $(sel, root = document) { return root.querySelector(sel); }
export function $$(sel, root = document) { return Array.from(root.querySelectorAll(sel)); }

let idSerial = 0;
export function uid(prefix = 'id') { idSerial += 1; return `${prefix}-${idSerial}`; }

// <option>s for a <select>: items are [value, label] pairs.
export function options(select, items, selected) {
  select.replaceChildren(...items.map(([value, label]) =>
    h('option', { value, selected: String(value) === String(selected ?? '') }, label)));
  return select;
}
