#!/usr/bin/env bash
# bench/crash.sh - crash safety: 16 clients file complaints, book queue
# numbers and update profiles while the server is killed with SIGKILL at a
# random moment and started again; every 2xx must be stored, SQLite's
# integrity check ok and `pendopo audit verify` ok (bench/crash.mjs does
# one backend).  SQLite with group commit on, then off, then PostgreSQL on
# a throwaway server (scripts/with-postgres.sh) when its binaries are
# installed.  One BENCH name=crash_rounds line each; exit 1 on any loss.
#
# usage: bench/crash.sh [SQLITE_ROUNDS (20)] [PG_ROUNDS (5)]
# About 4 s a round after 15 s of set-up each: 3-4 minutes in all.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SQ=${1:-20}
PGR=${2:-5}
cd "$ROOT" || exit 1
[ -x "${PENDOPO_BIN:-build/pendopo}" ] || { echo "crash: build/pendopo not built (make)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "crash: sqlite3 is not installed" >&2; exit 1; }

rc=0
node bench/crash.mjs rounds="$SQ" group_commit=1 || rc=1
node bench/crash.mjs rounds="$SQ" group_commit=0 || rc=1
if [ -n "${PENDOPO_TEST_PG:-}" ]; then
	node bench/crash.mjs rounds="$PGR" || rc=1
elif ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	scripts/with-postgres.sh node bench/crash.mjs rounds="$PGR" || rc=1
else
	echo "# PostgreSQL rounds skipped: no server binaries (apt-get install postgresql)"
fi
exit $rc
