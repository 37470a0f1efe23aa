#!/usr/bin/env bash
# bench/soak.sh - the soak: mixed load (public lists, statistics, region
# search, a complaint, a page, /healthz, anonymous filings, profile
# updates) at a fixed rate against one server on SQLite for SECONDS (10
# minutes by default); prints RSS at start and end, p99 and 5xx per minute
# (BENCH name=soak_minute) and a BENCH name=soak summary.  Targets: RSS
# growth after the first two minutes at most 5 %, no 5xx; exit 1 when
# missed.
#
# usage: bench/soak.sh [SECONDS (600)] [RATE req/s (250)]
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
[ -x "${PENDOPO_BIN:-build/pendopo}" ] || { echo "soak: build/pendopo not built (make)" >&2; exit 1; }
exec node bench/soak.mjs seconds="${1:-600}" rate="${2:-250}"
