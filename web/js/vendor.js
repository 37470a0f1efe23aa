// vendor.js — the third-party libraries that only some pages use (Leaflet
// for maps, Chart.js for charts), loaded by those pages when they draw.
// Each is asked for at its version (?v=), which the server answers as
// never changing, so a phone fetches it once a version; scripts/deps.sh
// copies the files from npm and tests/static/vendor.test.mjs keeps these
// versions equal to package-lock.json's.

export const VERSIONS = { leaflet: '1.9.4', 'chart.js': '4.6.2' };

const loading = new Map();

function stylesheet(href) {
  return new Promise((resolve) => {
    const link = Object.assign(document.createElement('link'), { rel: 'stylesheet', href });
    link.addEventListener('load', resolve);
    link.addEventListener('error', resolve);
    document.head.append(link);
  });
}

// The libraries ship as UMD files, which set a global when run as a module.
function load(name, script, global, css = null) {
  if (!loading.has(name)) {
    const v = `?v=${VERSIONS[name]}`;
    loading.set(name, Promise.all([import(`/vendor/${name}/${script}${v}`), css && stylesheet(`/vendor/${name}/${css}${v}`)])
      .then(() => globalThis[global] || null, () => null));
  }
  return loading.get(name);
}

// Leaflet (its stylesheet loaded too), or null when it cannot be had.
export const loadLeaflet = () => load('leaflet', 'leaflet.js', 'L', 'leaflet.css');

// Chart.js, or null when it cannot be had.
export const loadChartJs = () => load('chart.js', 'chart.umd.min.js', 'Chart');
