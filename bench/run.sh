#!/usr/bin/env bash
# bench/run.sh - pendopo's benchmarks against their bare baselines.
#
# Builds the baselines (bench/hello.c, a bare libmicrohttpd server, and
# bench/sqlite_commit.c, a bare SQLite commit loop), makes a scratch database
# with `pendopo migrate` + `import regions` (timed), starts `pendopo serve`
# on a free loopback port and drives it with wrk.  The helpers live in
# bench/lib.sh, shared with bench/pg.sh (the same workloads on PostgreSQL).
#
# Each figure is the median of BENCH_REPEAT runs, and each run of ours is
# paired with a run of its bare baseline just before it, so both see the same
# machine: on a shared 2-core box other work moves absolute numbers by 2x,
# the ratio much less.  Every benchmark ends with one line
#   BENCH name=<name> value=<number> unit=<unit> ratio=<ours/bare or -> target=<target>
# after a LAT line with its latencies and those of the baseline.
#
# Environment:
#   PENDOPO_BIN              server binary (default build/pendopo)
#   PENDOPO_REGIONS_CSV      region register (default ../shared/data/wilayah.csv)
#   PENDOPO_THREADS          threading of the main runs (server default: 0 =
#                            thread per connection); the pool/perconn
#                            comparison sets it itself
#   BENCH_DURATION           seconds per wrk run (default 5)
#   BENCH_REPEAT             paired runs per figure, median reported (default 3)
#   BENCH_CONNECTIONS        connections for the read runs (default 64)
#   BENCH_WRITE_CONNECTIONS  connections for the write runs (default 8)
#   BENCH_GROUP_COMMIT_ENV   NAME=VALUE that switches the server to group
#                            commit (default PENDOPO_GROUP_COMMIT=1 when
#                            `serve --help` lists it; "none" skips): PATCH
#                            /api/me then runs with and without it at 8 and
#                            64 connections
#   BENCH_TMPDIR             where scratch databases go (default build/; it
#                            must be a real disk, not tmpfs, or fsync is free)
# Loopback only; bounded (wrk runs under timeout); every process started here
# is stopped on exit.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
GROUP_ENV=${BENCH_GROUP_COMMIT_ENV:-}

bench_check
if [ -z "$GROUP_ENV" ] && "$BIN" serve --help 2>&1 | grep -q PENDOPO_GROUP_COMMIT; then
	GROUP_ENV=PENDOPO_GROUP_COMMIT=1
fi
[ "$GROUP_ENV" = none ] && GROUP_ENV=
bench_init bench

# ---- baselines -------------------------------------------------------------

build_baselines

echo "# $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2;" \
     "median of $REPEAT paired runs of ${DUR}s; scratch in $WORK" >&2

start_hello pool
start_hello perconn

# The bare loop with 4 writers, for reference: same rate as one, but look at
# max_ms - SQLite's sleeping busy handler can starve a writer for seconds.
L4=$(commit_once 4)
echo "BASE name=sqlite_commit_4t value=$(kv ok_rps "$L4") unit=commits/s p50_ms=$(kv p50_ms "$L4")" \
     "p99_ms=$(kv p99_ms "$L4") max_ms=$(kv max_ms "$L4")"

# ---- region import, timed ----------------------------------------------------

# Each import goes into a fresh, migrated database; the median is reported
# and the last database is the one served below.
DB=$WORK/pendopo.db
import_once() {
	rm -f "$DB" "$DB"-*
	"$BIN" migrate --db "$DB" >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log" >&2; return 1; }
	local t0 t1
	t0=$(date +%s.%N)
	"$BIN" import regions "$CSV" --db "$DB" >"$WORK/import.log" 2>&1 || { cat "$WORK/import.log" >&2; return 1; }
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
IMPORTS=()
for _ in $(seq "$REPEAT"); do
	IMPORTS+=("$(import_once)") || die "migrate or import regions failed"
done
SORTED=$(printf '%s\n' "${IMPORTS[@]}" | sort -n)
ROWS=$(sqlite3 "$DB" "SELECT count(*) FROM regions" 2>/dev/null || echo "?")
echo "LAT name=region_import rows=$ROWS runs_s=[ $(tr '\n' ' ' <<<"$SORTED")]"
echo "BENCH name=region_import value=$(sed -n "$(( (REPEAT + 1) / 2 ))p" <<<"$SORTED") unit=s ratio=- target=1.0"

# ---- the server, as configured by default ------------------------------------

start_server
login_session

# Against the bare hello of the same threading model.
if [ "${PENDOPO_THREADS:-0}" -gt 0 ] 2>/dev/null; then MODE=pool; else MODE=perconn; fi

measure "wrk_once $CONNS ${HELLO_URL[$MODE]}" "wrk_once $CONNS $SRV_URL/healthz"
report healthz req/s 0.60 "mode=$MODE"

for q in purbalingga karang; do
	measure "wrk_once $CONNS ${HELLO_URL[$MODE]}" "wrk_once $CONNS '$SRV_URL/api/regions?q=$q'"
	report "regions_$q" req/s 0.50 "mode=$MODE"
done

measure "commit_once 1" "wrk_once $WCONNS $SRV_URL/api/me $WRITE_ENV"
report patch_me req/s 0.70 "mode=$MODE connections=$WCONNS bare=sqlite_commit"
stop_pid "$SRV_PID"

# ---- thread pool against thread per connection -------------------------------

for mode in pool perconn; do
	if [ "$mode" = pool ]; then threads=4; else threads=0; fi
	start_server PENDOPO_THREADS=$threads
	measure "wrk_once $CONNS ${HELLO_URL[$mode]}" "wrk_once $CONNS $SRV_URL/healthz"
	report "healthz_$mode" req/s 0.60 "threads=$threads"
	measure "commit_once 1" "wrk_once $WCONNS $SRV_URL/api/me $WRITE_ENV"
	report "patch_me_$mode" req/s 0.70 "threads=$threads connections=$WCONNS bare=sqlite_commit"
	stop_pid "$SRV_PID"
done

# ---- durability: one fsync per commit against group commit -------------------

if [ -n "$GROUP_ENV" ]; then
	# patch_me above runs the server's default (group commit); here one
	# fsync per commit (synchronous=FULL) and group commit side by side.
	start_server PENDOPO_GROUP_COMMIT=0
	for conns in "$WCONNS" 64; do
		measure "commit_once 1" "wrk_once $conns $SRV_URL/api/me $WRITE_ENV"
		report "patch_me_full_c$conns" req/s 0.70 "connections=$conns bare=sqlite_commit env=PENDOPO_GROUP_COMMIT=0"
	done
	stop_pid "$SRV_PID"
	start_server "$GROUP_ENV"
	for conns in "$WCONNS" 64; do
		measure "commit_once 1" "wrk_once $conns $SRV_URL/api/me $WRITE_ENV"
		report "patch_me_group_c$conns" req/s 0.70 "connections=$conns bare=sqlite_commit env=$GROUP_ENV"
	done
	stop_pid "$SRV_PID"
else
	echo "# group commit: not offered by this server (or BENCH_GROUP_COMMIT_ENV=none); skipped" >&2
fi
