#!/usr/bin/env bash
# Installs what building, running and testing Pendopo needs on Debian 12 and
# nothing that is already there: Debian packages with apt-get, npm packages
# with npm ci.  Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  gcc clang make pkg-config sqlite3 valgrind
  libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libpq-dev
  libcmocka-dev libcmark-dev libqrencode-dev libhpdf-dev zlib1g-dev libbrotli-dev libcurl4-openssl-dev fonts-dejavu-core
  libpwquality-dev cracklib-runtime libjpeg62-turbo-dev libpng-dev
  poppler-utils zbar-tools
  postgresql nginx-light chromium wrk
)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The maps' Leaflet and the charts' Chart.js are served from web/vendor/
# (same origin, so the pages' CSP default-src 'self' holds), copied from the
# npm packages; pages ask for them with ?v=VERSION (web/js/vendor.js).
if [ ! -f web/vendor/leaflet/leaflet.js ] || [ node_modules/leaflet/dist/leaflet.js -nt web/vendor/leaflet/leaflet.js ]; then
  mkdir -p web/vendor/leaflet
  cp -R node_modules/leaflet/dist/. web/vendor/leaflet/
fi
if [ ! -f web/vendor/chart.js/chart.umd.min.js ] || [ node_modules/chart.js/dist/chart.umd.min.js -nt web/vendor/chart.js/chart.umd.min.js ]; then
  mkdir -p web/vendor/chart.js
  cp node_modules/chart.js/dist/chart.umd.min.js web/vendor/chart.js/
fi
