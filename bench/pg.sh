#!/usr/bin/env bash
# bench/pg.sh - pendopo on PostgreSQL against its bare baselines.
#
# Starts a throwaway PostgreSQL (scripts/with-postgres.sh: initdb into a
# temporary folder, loopback only, fsync=on, synchronous_commit=on), times
# `pendopo migrate` + `import regions` into a fresh database, serves it with
# `pendopo serve --db postgresql://...` and runs bench/run.sh's workloads
# with the same helpers (bench/lib.sh):
#   reads   /healthz and GET /api/regions?q=purbalingga|karang at
#           BENCH_CONNECTIONS, against the bare libmicrohttpd hello
#           (bench/hello.c) of the same threading model;
#   writes  PATCH /api/me (durable one-row write, cookie + CSRF) at
#           BENCH_WRITE_CONNECTIONS and at 64, against the bare libpq commit
#           loop (bench/pg_commit.c, one connection) on the same server in
#           the same run: target 0.50.
# Each write figure's LAT line also carries the same write on SQLite from
# this run (sqlite_*: pendopo on a scratch SQLite database against the bare
# SQLite loop, as bench/run.sh measures patch_me), so the two backends are
# compared on the same machine in the same minutes.
#
# Environment: as bench/run.sh (PENDOPO_BIN, PENDOPO_REGIONS_CSV,
# PENDOPO_THREADS, BENCH_DURATION, BENCH_REPEAT, BENCH_CONNECTIONS,
# BENCH_WRITE_CONNECTIONS, BENCH_TMPDIR), and
#   BENCH_PG_THREADS   writers of the concurrent bare loop printed as a BASE
#                      line (default 8)
#   BENCH_PG_SQLITE    0 skips the SQLite side-by-side writes (saves about
#                      4 x BENCH_REPEAT x BENCH_DURATION seconds)
# Loopback only; every wrk run is bounded by timeout; on exit or on a signal
# every process started here is stopped and the cluster is deleted.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" != --inner ]; then
	# The cluster's owner runs this script again inside it.  Its own
	# session (process group) lets a signal reach every process below at
	# once: with-postgres.sh then stops and deletes the cluster, the inner
	# run stops its servers, and wrk stops.
	setsid "$ROOT/scripts/with-postgres.sh" "$0" --inner &
	child=$!
	sig=
	trap 'sig=130; kill -TERM -- "-$child" 2>/dev/null' INT
	trap 'sig=143; kill -TERM -- "-$child" 2>/dev/null' TERM HUP
	wait "$child"
	rc=$?
	while kill -0 "$child" 2>/dev/null; do
		wait "$child"
		rc=$?
	done
	exit "${sig:-$rc}"
fi

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
PGT=${BENCH_PG_THREADS:-8}
SIDE_SQLITE=${BENCH_PG_SQLITE:-1}

bench_check
command -v psql >/dev/null || die "psql is not installed (apt-get install postgresql-client)"
[ -n "${PENDOPO_TEST_PG:-}" ] || die "PENDOPO_TEST_PG is not set (run bench/pg.sh without --inner)"
bench_init bench-pg
ADMIN=$PENDOPO_TEST_PG
PGDB=${ADMIN%/*}/pendopo_bench
psql_admin() { PGOPTIONS='-c client_min_messages=warning' psql "$ADMIN" -v ON_ERROR_STOP=1 -qAtX "$@"; }

# On tmpfs an fsync is free and the write figures would mean nothing.
DATA_DIR=$(psql_admin -c 'SHOW data_directory') || die "cannot reach PostgreSQL"
FS=$(stat -f -c %T "$DATA_DIR" 2>/dev/null || echo "?")
[ "$FS" = tmpfs ] && echo "WARN the cluster is on tmpfs ($DATA_DIR): fsync is free, the write figures say nothing" >&2

build_baselines
cc -O2 -Wall "$ROOT/bench/pg_commit.c" $(pkg-config --cflags --libs libpq) -lpthread \
	-o "$OUT/bench-pg-commit" || die "cannot build bench-pg-commit"

echo "# $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2;" \
     "median of $REPEAT paired runs of ${DUR}s; PostgreSQL $(psql_admin -c 'SHOW server_version')" \
     "in $DATA_DIR ($FS); scratch in $WORK" >&2

# One run of the bare libpq loop, shaped like a WRK line.  It works in the
# admin database, so its table never mixes with pendopo's.
pg_commit_once() { # THREADS
	local line
	line=$("$OUT/bench-pg-commit" "$ADMIN" "$1" "$DUR") || die "libpq commit loop failed"
	commit_line "$line"
}

LP=$(pg_commit_once "$PGT")
echo "BASE name=pg_commit_${PGT}t value=$(kv ok_rps "$LP") unit=commits/s p50_ms=$(kv p50_ms "$LP")" \
     "p99_ms=$(kv p99_ms "$LP") max_ms=$(kv max_ms "$LP")"

# ---- region import, timed ----------------------------------------------------

# Each import goes into a freshly created and migrated database; the median
# is reported and the last database is the one served below.
import_once() {
	psql_admin -c 'DROP DATABASE IF EXISTS pendopo_bench' -c 'CREATE DATABASE pendopo_bench' >/dev/null ||
		return 1
	"$BIN" migrate --db "$PGDB" >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log" >&2; return 1; }
	local t0 t1
	t0=$(date +%s.%N)
	"$BIN" import regions "$CSV" --db "$PGDB" >"$WORK/import.log" 2>&1 || { cat "$WORK/import.log" >&2; return 1; }
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
IMPORTS=()
for _ in $(seq "$REPEAT"); do
	IMPORTS+=("$(import_once)") || die "migrate or import regions failed"
done
SORTED=$(printf '%s\n' "${IMPORTS[@]}" | sort -n)
ROWS=$(psql "$PGDB" -qAtX -c 'SELECT count(*) FROM regions' 2>/dev/null || echo "?")
echo "LAT name=pg_region_import rows=$ROWS runs_s=[ $(tr '\n' ' ' <<<"$SORTED")]"
echo "BENCH name=pg_region_import value=$(sed -n "$(( (REPEAT + 1) / 2 ))p" <<<"$SORTED") unit=s ratio=- target=1.0"

# ---- the server on PostgreSQL --------------------------------------------------

if [ "${PENDOPO_THREADS:-0}" -gt 0 ] 2>/dev/null; then MODE=pool; else MODE=perconn; fi
start_hello "$MODE"

DB=$PGDB
start_server
PG_URL=$SRV_URL
login_session
PG_WRITE_ENV=$WRITE_ENV

# The same write on SQLite, served beside it (an idle server costs nothing).
if [ "$SIDE_SQLITE" != 0 ]; then
	DB=$WORK/pendopo.db
	"$BIN" migrate --db "$DB" >"$WORK/migrate-sqlite.log" 2>&1 || { cat "$WORK/migrate-sqlite.log" >&2; die "sqlite migrate failed"; }
	start_server
	SQ_URL=$SRV_URL
	login_session
	SQ_WRITE_ENV=$WRITE_ENV
fi

measure "wrk_once $CONNS ${HELLO_URL[$MODE]}" "wrk_once $CONNS $PG_URL/healthz"
report pg_healthz req/s 0.60 "mode=$MODE"

for q in purbalingga karang; do
	measure "wrk_once $CONNS ${HELLO_URL[$MODE]}" "wrk_once $CONNS '$PG_URL/api/regions?q=$q'"
	report "pg_regions_$q" req/s 0.50 "mode=$MODE"
done

# Writes: against one bare connection, because every PATCH /api/me of the
# run updates the same user row and appends to the one audit chain, so the
# server's write transactions run one after another whatever the number of
# connections (the concurrent bare loop above shows what independent
# writers would reach).
for conns in "$WCONNS" 64; do
	name=pg_patch_me
	[ "$conns" = "$WCONNS" ] || name=pg_patch_me_c$conns
	side=
	if [ "$SIDE_SQLITE" != 0 ]; then
		measure "commit_once 1" "wrk_once $conns $SQ_URL/api/me $SQ_WRITE_ENV"
		side="sqlite_value=$(num "$O_RPS") sqlite_ratio=$RATIO sqlite_p99_ms=$O_P99 sqlite_bare=$(num "$B_RPS") sqlite_target=0.70"
	fi
	measure "pg_commit_once 1" "wrk_once $conns $PG_URL/api/me $PG_WRITE_ENV"
	report "$name" req/s 0.50 "mode=$MODE connections=$conns bare=pg_commit_1t${side:+ $side}"
done
