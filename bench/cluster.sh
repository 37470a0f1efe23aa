#!/usr/bin/env bash
# bench/cluster.sh - the same writes through nginx to two instances against
# one instance, on one PostgreSQL.
#
# Starts a throwaway PostgreSQL (scripts/with-postgres.sh), migrates and
# imports the region register into a fresh database, serves it with two
# `pendopo serve` with --db-pool BENCH_PG_POOL and two with half of it each,
# and puts Debian's nginx in front twice, with the upstream block of
# docs/deploy.md (tests/lib/nginx.mjs writes the configuration): once over the
# one instance, once over the two.
# Each pair of runs files anonymous complaints (bench/complaints.lua) at 64
# connections, first through the one-instance nginx, then through the
# two-instance one; the BENCH line is the two-instance rate, its ratio the
# median of the pairs' two/one ratios.  A BASE line gives the concurrent
# bare libpq commit loop (bench/pg_commit.c, BENCH_PG_POOL connections) on the
# same server in the same run.
#
# On one machine the instances, nginx, PostgreSQL and wrk share its cores,
# so the ratio cannot exceed what the cores allow: about 1.0 says that a
# second instance neither adds nor loses anything, i.e. no lock serialises
# the instances' writes (a cluster-wide hot row would pull it below 1).  On
# separate hosts, each instance on its own cores, it approaches 2 for as
# long as PostgreSQL's own commit rate (the BASE line) is not reached.
#
# Environment: as bench/pg.sh (PENDOPO_BIN, PENDOPO_REGIONS_CSV,
# BENCH_DURATION, BENCH_REPEAT, BENCH_TMPDIR, BENCH_PG_POOL).  Loopback only;
# every process started here is stopped and the cluster deleted on exit.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" != --inner ]; then
	# As bench/pg.sh: its own session, so that a signal reaches everything.
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
POOL=${BENCH_PG_POOL:-16}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

bench_check
[ -x "$NGINX" ] || die "nginx is not installed (apt-get install nginx-light)"
[ -n "${PENDOPO_TEST_PG:-}" ] || die "PENDOPO_TEST_PG is not set (run bench/cluster.sh without --inner)"
bench_init bench-cluster
chmod 755 "$WORK"	# nginx's workers (another user under root) use its temp folders
ADMIN=$PENDOPO_TEST_PG
PGDB=${ADMIN%/*}/pendopo_cluster
psql_admin() { PGOPTIONS='-c client_min_messages=warning' psql "$ADMIN" -v ON_ERROR_STOP=1 -qAtX "$@"; }

cc -O2 -Wall "$ROOT/bench/pg_commit.c" $(pkg-config --cflags --libs libpq) -lpthread \
	-o "$OUT/bench-pg-commit" || die "cannot build bench-pg-commit"
psql_admin -c 'CREATE DATABASE pendopo_cluster' >/dev/null || die "cannot create the database"
"$BIN" migrate --db "$PGDB" >"$WORK/setup.log" 2>&1 &&
	"$BIN" import regions "$CSV" --db "$PGDB" >>"$WORK/setup.log" 2>&1 &&
	"$BIN" seed complaints 1 --db "$PGDB" >>"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; die "setup failed"; }

echo "# $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2 -c64;" \
     "median of $REPEAT paired runs of ${DUR}s; PostgreSQL $(psql_admin -c 'SHOW server_version');" \
     "$("$NGINX" -v 2>&1)" >&2

pg_commit_once() { # THREADS
	local line
	line=$("$OUT/bench-pg-commit" "$ADMIN" "$1" "$DUR") || die "libpq commit loop failed"
	commit_line "$line"
}
LP=$(pg_commit_once "$POOL")
echo "BASE name=pg_commit_${POOL}t value=$(kv ok_rps "$LP") unit=commits/s p50_ms=$(kv p50_ms "$LP")" \
     "p99_ms=$(kv p99_ms "$LP") load=$(cut -d' ' -f1 /proc/loadavg)"

# The one instance with the whole pool; the two with half each, so that
# PostgreSQL serves as many connections in both arms and the ratio measures
# the instances, not more backends competing for the same two cores.
DB=$PGDB
start_server PENDOPO_DB_POOL="$POOL" PENDOPO_TRUSTED_PROXIES=127.0.0.1
ONE=$SRV_URL
start_server PENDOPO_DB_POOL=$((POOL / 2)) PENDOPO_TRUSTED_PROXIES=127.0.0.1
A_URL=$SRV_URL
start_server PENDOPO_DB_POOL=$((POOL / 2)) PENDOPO_TRUSTED_PROXIES=127.0.0.1
B_URL=$SRV_URL

start_nginx() { # NAME URL... -> LB_URL
	local name=$1 dir port pid
	shift
	dir=$WORK/nginx-$name
	mkdir -p "$dir" && chmod 755 "$dir"
	port=$(free_port)
	node "$ROOT/tests/lib/nginx.mjs" "$dir" "$port" "$@" >"$dir/nginx.conf" || die "no nginx configuration"
	"$NGINX" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" 2>>"$dir/error.log" &
	pid=$!
	PIDS+=("$pid")
	LB_URL=http://127.0.0.1:$port
	wait_http "$LB_URL/healthz" "$pid" || { cat "$dir/error.log" >&2; die "nginx $name did not start"; }
}
start_nginx one "$ONE"
ONE_URL=$LB_URL
start_nginx two "$A_URL" "$B_URL"
TWO_URL=$LB_URL

submit_once() { # URL
	local out line
	out=$(BENCH_SUBMIT=1 timeout $((DUR + 30)) wrk -t2 -c64 -d"${DUR}s" --timeout 10s \
		-s "$ROOT/bench/complaints.lua" "$1/api/complaints" 2>&1)
	line=$(grep '^WRK ' <<<"$out" | tail -1)
	[ -n "$line" ] || { echo "$out" >&2; die "wrk gave no result through $1"; }
	[ "$(kv non2xx "$line")" = 0 ] || echo "WARN $1: $(kv non2xx "$line") non-2xx answers" >&2
	echo "WRK ok_rps=$(kv ok_rps "$line") p50_ms=$(kv p50_ms "$line") p99_ms=$(kv p99_ms "$line") max_ms=$(kv p99_ms "$line")"
}

measure "submit_once $ONE_URL" "submit_once $TWO_URL"
echo "LAT name=cluster_complaints_one value=$(num "$B_RPS") unit=req/s runs=[ $B_ALL] bare=pg_commit_${POOL}t"
report cluster_complaints_two req/s 1.0 "instances=2 pool_each=$((POOL / 2)) one_instance=$(num "$B_RPS") bare=pg_commit_${POOL}t load=$(cut -d' ' -f1 /proc/loadavg)"
