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
#           the same run: target 0.50;
#   concurrent writes, against the concurrent bare loop (one connection
#           per thread, as many as the server's pool: BENCH_PG_POOL), each
#           bare run paired with ours: pg_patch_me_c64 (PATCH /api/me by
#           BENCH_PG_POOL users in turn at 64 connections), pg_complaints_submit
#           (anonymous complaints, bench/complaints.lua, 64 connections) and
#           pg_queue_booking (distinct NIKs into one session with a quota
#           larger than the run, bench/queue.lua, 64 connections): target 0.50.
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
#   BENCH_PG_POOL      the server's --db-pool and the concurrent bare loop's
#                      connections (default 16, serve's default)
#   BENCH_PG_ONLY      "concurrent": only the concurrent writes (one import,
#                      no reads, no single-user writes)
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
POOL=${BENCH_PG_POOL:-16}
ONLY=${BENCH_PG_ONLY:-}
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
IMPORT_RUNS=$REPEAT
[ "$ONLY" = concurrent ] && IMPORT_RUNS=1
for _ in $(seq "$IMPORT_RUNS"); do
	IMPORTS+=("$(import_once)") || die "migrate or import regions failed"
done
SORTED=$(printf '%s\n' "${IMPORTS[@]}" | sort -n)
ROWS=$(psql "$PGDB" -qAtX -c 'SELECT count(*) FROM regions' 2>/dev/null || echo "?")
echo "LAT name=pg_region_import rows=$ROWS runs_s=[ $(tr '\n' ' ' <<<"$SORTED")]"
echo "BENCH name=pg_region_import value=$(sed -n "$(( (IMPORT_RUNS + 1) / 2 ))p" <<<"$SORTED") unit=s ratio=- target=1.0"
# The complaint categories (and units) the submissions below file under.
"$BIN" seed complaints 1 --db "$PGDB" >"$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log" >&2; die "seed complaints failed"; }

# ---- the server on PostgreSQL --------------------------------------------------

if [ "${PENDOPO_THREADS:-0}" -gt 0 ] 2>/dev/null; then MODE=pool; else MODE=perconn; fi
start_hello "$MODE"

DB=$PGDB
# The service clock for the booking window (bench/queue.sh's Tuesday); a
# larger login budget, for the users of the concurrent writes.
CLOCK=2026-12-01T00:00:00Z
start_server PENDOPO_DB_POOL="$POOL" PENDOPO_CLOCK=$CLOCK PENDOPO_AUTH_PER_MINUTE=1000
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

if [ "$ONLY" != concurrent ]; then
	measure "wrk_once $CONNS ${HELLO_URL[$MODE]}" "wrk_once $CONNS $PG_URL/healthz"
	report pg_healthz req/s 0.60 "mode=$MODE"

	for q in purbalingga karang; do
		measure "wrk_once $CONNS ${HELLO_URL[$MODE]}" "wrk_once $CONNS '$PG_URL/api/regions?q=$q'"
		report "pg_regions_$q" req/s 0.50 "mode=$MODE"
	done

	# One user's writes: against one bare connection, because every PATCH
	# /api/me of this run updates the same user row, so the server's write
	# transactions run one after another whatever the number of connections.
	side=
	if [ "$SIDE_SQLITE" != 0 ]; then
		measure "commit_once 1" "wrk_once $WCONNS $SQ_URL/api/me $SQ_WRITE_ENV"
		side="sqlite_value=$(num "$O_RPS") sqlite_ratio=$RATIO sqlite_p99_ms=$O_P99 sqlite_bare=$(num "$B_RPS") sqlite_target=0.70"
	fi
	measure "pg_commit_once 1" "wrk_once $WCONNS $PG_URL/api/me $PG_WRITE_ENV"
	report pg_patch_me req/s 0.50 "mode=$MODE connections=$WCONNS bare=pg_commit_1t${side:+ $side}"
fi

# ---- concurrent writes against the concurrent bare loop -------------------------

SRV_URL=$PG_URL
SESSIONS=
for i in $(seq "$POOL"); do
	login_session "u$i"
	SESSIONS+="$COOKIE|$CSRF "
done
echo "# load before the concurrent writes: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
export BENCH_SESSIONS=$SESSIONS
measure "pg_commit_once $POOL" "wrk_once 64 $PG_URL/api/me BENCH_METHOD=PATCH BENCH_PATH=/api/me"
unset BENCH_SESSIONS
report pg_patch_me_c64 req/s 0.50 "mode=$MODE connections=64 users=$POOL bare=pg_commit_${POOL}t load=$(cut -d' ' -f1 /proc/loadavg)"

# Complaints need no login: every request files a new one (the village is
# from the register imported above).
submit_once() {
	local out line
	out=$(BENCH_SUBMIT=1 timeout $((DUR + 30)) wrk -t2 -c64 -d"${DUR}s" --timeout 10s \
		-s "$ROOT/bench/complaints.lua" "$PG_URL/api/complaints" 2>&1)
	line=$(grep '^WRK ' <<<"$out" | tail -1)
	[ -n "$line" ] || { echo "$out" >&2; die "wrk gave no result for the complaint submissions"; }
	[ "$(kv non2xx "$line")" = 0 ] || echo "WARN complaints: $(kv non2xx "$line") non-2xx answers" >&2
	echo "WRK ok_rps=$(kv ok_rps "$line") p50_ms=$(kv p50_ms "$line") p99_ms=$(kv p99_ms "$line") max_ms=$(kv p99_ms "$line")"
}
measure "pg_commit_once $POOL" submit_once
report pg_complaints_submit req/s 0.50 "connections=64 bare=pg_commit_${POOL}t load=$(cut -d' ' -f1 /proc/loadavg)"

# A facility with one poli whose Wednesday session holds more than any run
# books (as bench/queue.sh sets it up, on this database).
"$BIN" user add --email bench-admin@x.id --password Bench-Rahasia-123 --role admin --db "$PGDB" >"$WORK/setup.log" 2>&1 ||
	{ cat "$WORK/setup.log" >&2; die "user add failed"; }
curl -sf -c "$WORK/admin.jar" -o "$WORK/admin.json" -H 'Content-Type: application/json' \
	-d '{"email":"bench-admin@x.id","password":"Bench-Rahasia-123"}' "$PG_URL/api/auth/login" || die "admin login failed"
ADMIN_CSRF=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' "$WORK/admin.json")
api() { # METHOD PATH JSON
	curl -sf -b "$WORK/admin.jar" -H "X-CSRF-Token: $ADMIN_CSRF" -H 'Content-Type: application/json' \
		-X "$1" -d "$3" "$PG_URL$2" >/dev/null || die "$1 $2 failed"
}
FC=BENCH-PKM
api POST /api/orgs "{\"code\":\"$FC\",\"name\":\"Puskesmas Bench\",\"kind\":\"health_facility\"}"
api PUT "/api/queue/facilities/$FC" '{"type":"fktp"}'
api POST "/api/queue/facilities/$FC/services" '{"code":"UMU","name":"Poli Umum","kind":"poli","prefix":"A","avg_service_min":1}'
api POST "/api/queue/facilities/$FC/schedules" \
	'{"service":"UMU","weekdays":[1,2,3,4,5,6],"start":"07:00","end":"23:00","quota_jkn_online":100,"quota_non_online":9999}'
BOOK_DATE=2026-12-02
BOOK_SESSION=$(curl -sf "$PG_URL/api/queue/facilities/$FC/services/UMU/days?from=$BOOK_DATE&days=1" |
	sed -n 's/.*"sessions":\[{"id":\([0-9]*\).*/\1/p')
[ -n "$BOOK_SESSION" ] || die "no booking session on $BOOK_DATE"
# Each run books under its own NIK birth years (queue.lua's thread ids), so
# no run repeats an earlier run's patient; measure runs it in a subshell,
# so the count of runs is kept in a file.
echo 0 >"$WORK/book.runs"
book_once() {
	local out line run
	run=$(( $(cat "$WORK/book.runs") + 1 ))
	echo "$run" >"$WORK/book.runs"
	out=$(BENCH_MODE=book BENCH_FACILITY=$FC BENCH_SERVICE=UMU BENCH_DATE=$BOOK_DATE BENCH_SESSION=$BOOK_SESSION \
		BENCH_TID_BASE=$((run * 2)) timeout $((DUR + 30)) wrk -t2 -c64 -d"${DUR}s" --timeout 10s \
		-s "$ROOT/bench/queue.lua" "$PG_URL" 2>&1)
	line=$(grep '^QWRK ' <<<"$out" | tail -1)
	[ -n "$line" ] || { echo "$out" >&2; die "wrk gave no booking result"; }
	[ "$(kv other "$line")" = 0 ] && [ "$(kv full "$line")" = 0 ] ||
		echo "WARN bookings: $(kv full "$line") quota full, $(kv other "$line") other answers" >&2
	echo "WRK ok_rps=$(kv rate "$line") p50_ms=$(kv p50_ms "$line") p99_ms=$(kv p99_ms "$line") max_ms=$(kv max_ms "$line")"
}
measure "pg_commit_once $POOL" book_once
report pg_queue_booking req/s 0.50 "connections=64 bare=pg_commit_${POOL}t load=$(cut -d' ' -f1 /proc/loadavg)"
