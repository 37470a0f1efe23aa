// map.js — maps with Leaflet (loaded by vendor.js only when a page draws a
// map), tiles from OpenStreetMap.
//
// A page stays usable without a map: when Leaflet cannot load, or tiles do
// not arrive (no network), markers still draw on a plain background, a
// note says the base map is unavailable, and every map feature has a form
// control or a list beside it. Markers are
// vector circles, so no marker images are fetched.

import { h } from './dom.js';
import { t } from './i18n.js';
import { loadLeaflet } from './vendor.js';

export const PURBALINGGA = [-7.388, 109.364];

// True when the point lies in the regency's extent (GET /api/site's
// bounds, the box the API checks a pin against), or there is none.
export function inBounds(b, lat, lng) {
  return !b || (lat >= b.south && lat <= b.north && lng >= b.west && lng <= b.east);
}
const TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
// When the base map's tiles do not come (no network, the tile server
// down) the map is a grey square: a note under it says so, and on a map
// for picking a place it offers the other way to say where (picker, a
// form control that is focused).
function tilesFailed(el, picker) {
  if (el.nextElementSibling && el.nextElementSibling.classList.contains('map-note')) return;
  const note = h('p', { class: 'map-note', role: 'status' }, t(picker ? 'map.tiles_failed_pick' : 'map.tiles_failed'));
  if (picker) {
    const go = h('button', { type: 'button', class: 'btn btn-secondary btn-small' }, t('map.use_picker'));
    go.addEventListener('click', () => { picker.scrollIntoView({ block: 'center' }); picker.focus(); });
    note.append(' ', go);
  }
  el.after(note);
}

// createMap(el, { center, zoom, onPick(lat, lng), picker }) → an object
// with setPin(lat, lng), points(items, onOpen), fit(), or null without
// Leaflet (el then says so).
export async function createMap(el, { center = PURBALINGGA, zoom = 11, onPick = null, label, picker = null } = {}) {
  const L = await loadLeaflet();
  if (!L) {
    el.replaceChildren(h('p', { class: 'map-fallback' }, t('map.unavailable')));
    return null;
  }
  el.classList.add('map');
  el.setAttribute('role', 'region');
  if (label) el.setAttribute('aria-label', label);
  const map = L.map(el, { center, zoom, scrollWheelZoom: false });
  // Leaflet's own credit is a link set inside running text; OpenStreetMap's stays.
  map.attributionControl.setPrefix(false);
  const tiles = L.tileLayer(TILES, { maxZoom: 19, attribution: '© OpenStreetMap' });
  let loaded = false;
  tiles.on('tileload', () => { loaded = true; });
  tiles.on('tileerror', () => { if (!loaded) tilesFailed(el, picker); });
  tiles.addTo(map);
  let pin = null;
  const layer = L.layerGroup().addTo(map);
  const api = {
    map,
    setPin(lat, lng, pan = true) {
      if (pin) pin.setLatLng([lat, lng]);
      else pin = L.circleMarker([lat, lng], { radius: 10, color: '#b42318', weight: 3, fillOpacity: 0.6 }).addTo(map);
      if (pan) map.panTo([lat, lng]);
    },
    points(items, onOpen) {
      layer.clearLayers();
      for (const it of items) {
        const m = L.circleMarker([it.lat, it.long], { radius: 7, color: it.open ? '#c25e00' : '#0b5d4b', weight: 2, fillOpacity: 0.7 });
        m.on('click', () => onOpen(it));
        m.bindTooltip(it.title || it.tracking);
        layer.addLayer(m);
      }
    },
    fit() {
      const b = layer.getLayers().map((m) => m.getLatLng());
      if (b.length) map.fitBounds(L.latLngBounds(b), { maxZoom: 15, padding: [20, 20] });
    },
  };
  if (onPick) {
    map.on('click', (e) => {
      api.setPin(e.latlng.lat, e.latlng.lng, false);
      onPick(e.latlng.lat, e.latlng.lng);
    });
  }
  return api;
}
