#!/usr/bin/env bash
# bench/run.sh - pendopo's benchmarks against their bare baselines.
#
# Builds the baselines (a bare libmicrohttpd hello, a bare SQLite commit
# loop), makes a scratch database with `pendopo migrate` + `import regions`
# (timed), starts `pendopo serve` on a free loopback port and drives it with
# wrk.  Every benchmark ends with one line:
#   BENCH name=<name> value=<number> unit=<unit> ratio=<ours/bare or -> target=<target>
# preceded by a LAT line with its latencies (and the baseline's).
#
# Environment:
#   PENDOPO_BIN              server binary (default build/pendopo)
#   PENDOPO_REGIONS_CSV      region register (default ../shared/data/wilayah.csv)
#   BENCH_DURATION           seconds per wrk run (default 5)
#   BENCH_REPEAT             runs per figure; the median is reported (default 3)
#   BENCH_CONNECTIONS        connections for the read runs (default 64)
#   BENCH_WRITE_CONNECTIONS  connections for the write runs (default 8)
#   BENCH_GROUP_COMMIT_ENV   NAME=VALUE that switches the server to group
#                            commit; when set, PATCH /api/me is run with it
#                            too (8 and 64 connections), else that is skipped
#   BENCH_TMPDIR             where scratch databases go (default build/; must
#                            be a real disk, not tmpfs, or fsync is free)
# Loopback only; every process started here is stopped on exit.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${PENDOPO_BIN:-$ROOT/build/pendopo}
CSV=${PENDOPO_REGIONS_CSV:-$ROOT/../shared/data/wilayah.csv}
DUR=${BENCH_DURATION:-5}
REPEAT=${BENCH_REPEAT:-3}
CONNS=${BENCH_CONNECTIONS:-64}
WCONNS=${BENCH_WRITE_CONNECTIONS:-8}
GROUP_ENV=${BENCH_GROUP_COMMIT_ENV:-}
LUA=$ROOT/bench/wrk.lua
OUT=$ROOT/build

die() { echo "bench: $*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
command -v curl >/dev/null || die "curl is not installed"
[ -x "$BIN" ] || die "$BIN not built (make)"
[ -r "$CSV" ] || die "region register $CSV not found"

mkdir -p "$OUT" "${BENCH_TMPDIR:-$OUT}"
WORK=$(mktemp -d "${BENCH_TMPDIR:-$OUT}/bench.XXXXXX") || die "mktemp failed"
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- helpers -------------------------------------------------------------

# A loopback port nobody listens on (bash's /dev/tcp: no extra tools).
free_port() {
	local p
	for _ in $(seq 100); do
		p=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	die "no free port"
}

wait_http() { # URL PID
	for _ in $(seq 150); do
		kill -0 "$2" 2>/dev/null || return 1
		curl -sf -o /dev/null --max-time 1 "$1" && return 0
		sleep 0.1
	done
	return 1
}

stop_pid() {
	local p=$1
	kill -TERM "$p" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	local keep=()
	for q in "${PIDS[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
	PIDS=("${keep[@]}")
}

start_hello() { # MODE -> HELLO_PID HELLO_URL
	local port
	port=$(free_port)
	"$OUT/bench-hello" "$port" "$1" 2>>"$WORK/hello.log" &
	HELLO_PID=$!
	PIDS+=("$HELLO_PID")
	HELLO_URL=http://127.0.0.1:$port
	wait_http "$HELLO_URL/" "$HELLO_PID" || die "bench-hello $1 did not start"
}

start_server() { # [VAR=VALUE...] -> SRV_PID SRV_URL
	local port
	port=$(free_port)
	env PENDOPO_ACCESS_LOG=0 PENDOPO_DATA_DIR="$WORK/data" "$@" \
	    "$BIN" serve --listen "127.0.0.1:$port" --db "$DB" 2>>"$WORK/serve.log" &
	SRV_PID=$!
	PIDS+=("$SRV_PID")
	SRV_URL=http://127.0.0.1:$port
	wait_http "$SRV_URL/healthz" "$SRV_PID" || { tail -5 "$WORK/serve.log" >&2; die "pendopo serve did not start"; }
}

# run_wrk CONNS URL [VAR=VALUE...]: REPEAT runs of DUR seconds; sets, from
# the median run by 2xx rate, W_RPS (2xx only), W_P50, W_P99, W_MAX, W_BAD, and
# W_ALL (every run's rate, for the log).
run_wrk() {
	local conns=$1 url=$2
	shift 2
	local out line lines=()
	for _ in $(seq "$REPEAT"); do
		out=$(env "$@" timeout $((DUR + 30)) wrk -t2 -c"$conns" -d"${DUR}s" --timeout 10s -s "$LUA" "$url" 2>&1)
		line=$(grep '^WRK ' <<<"$out" | tail -1)
		[ -n "$line" ] || { echo "$out" >&2; die "wrk gave no result for $url"; }
		lines+=("$line")
	done
	field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
	W_ALL=$(for l in "${lines[@]}"; do field ok_rps "$l"; done | sort -n | tr '\n' ' ')
	line=$(for l in "${lines[@]}"; do echo "$(field ok_rps "$l") $l"; done | sort -n |
		sed -n "$(( (REPEAT + 1) / 2 ))p" | cut -d' ' -f2-)
	W_RPS=$(field ok_rps "$line")
	W_P50=$(field p50_ms "$line")
	W_P99=$(field p99_ms "$line")
	W_MAX=$(field max_ms "$line")
	W_BAD=0
	for l in "${lines[@]}"; do
		local bad=$(( $(field non2xx "$l") + $(field errors "$l") ))
		W_BAD=$((W_BAD + bad))
		if [ "$bad" -gt 0 ]; then
			echo "WARN $url: $(field non2xx "$l") non-2xx answers and $(field errors "$l") socket errors of $(field requests "$l") requests; value counts 2xx only" >&2
		fi
	done
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
num() { awk -v a="$1" 'BEGIN { printf "%.1f", a }'; }

bench() { # NAME VALUE UNIT RATIO TARGET
	echo "BENCH name=$1 value=$2 unit=$3 ratio=$4 target=$5"
}

# ---- baselines -------------------------------------------------------------

echo "# building baselines" >&2
cc -O2 -Wall "$ROOT/bench/hello.c" $(pkg-config --cflags --libs libmicrohttpd) -o "$OUT/bench-hello" ||
	die "cannot build bench-hello"
cc -O2 -Wall "$ROOT/bench/sqlite_commit.c" $(pkg-config --cflags --libs sqlite3) -lpthread \
	-o "$OUT/bench-sqlite-commit" || die "cannot build bench-sqlite-commit"

echo "# machine: $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2, median of $REPEAT runs of ${DUR}s; scratch in $WORK" >&2

declare -A BARE_RPS BARE_P99
for mode in pool perconn; do
	start_hello "$mode"
	run_wrk "$CONNS" "$HELLO_URL/"
	BARE_RPS[$mode]=$W_RPS
	BARE_P99[$mode]=$W_P99
	echo "BASE name=hello_$mode value=$(num "$W_RPS") unit=req/s p50_ms=$W_P50 p99_ms=$W_P99 max_ms=$W_MAX runs=[ $W_ALL]"
	stop_pid "$HELLO_PID"
done

commit_run() { # THREADS: the median run's output line, of REPEAT
	for _ in $(seq "$REPEAT"); do
		rm -f "$WORK/commit.db"*
		"$OUT/bench-sqlite-commit" "$WORK/commit.db" "$1" "$DUR" || return 1
	done | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^commits_per_s=/) { split($i, a, "="); print a[2], $0 } }' |
		sort -n | sed -n "$(( (REPEAT + 1) / 2 ))p" | cut -d' ' -f2-
}
kv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
L1=$(commit_run 1) && L4=$(commit_run 4) || die "sqlite commit loop failed"
SQ1=$(kv commits_per_s "$L1")
SQ4=$(kv commits_per_s "$L4")
[ -n "$SQ1" ] && [ -n "$SQ4" ] || die "sqlite commit loop gave no figure"
echo "BASE name=sqlite_commit value=$SQ1 unit=commits/s threads=1 p50_ms=$(kv p50_ms "$L1") p99_ms=$(kv p99_ms "$L1") max_ms=$(kv max_ms "$L1")"
echo "BASE name=sqlite_commit_4t value=$SQ4 unit=commits/s threads=4 p50_ms=$(kv p50_ms "$L4") p99_ms=$(kv p99_ms "$L4") max_ms=$(kv max_ms "$L4")"
# The write benchmarks are judged against the better of the two loops.
SQ_BEST=$(awk -v a="$SQ1" -v b="$SQ4" 'BEGIN { print (a > b ? a : b) }')

# ---- scratch database, region import timed ---------------------------------

# Each import goes into a fresh, migrated database; the median of REPEAT is
# reported and the last database is the one served below.
import_once() {
	rm -f "$DB" "$DB"-*
	"$BIN" migrate --db "$DB" >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log" >&2; return 1; }
	local t0 t1
	t0=$(date +%s.%N)
	"$BIN" import regions "$CSV" --db "$DB" >"$WORK/import.log" 2>&1 || { cat "$WORK/import.log" >&2; return 1; }
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
DB=$WORK/pendopo.db
IMPORTS=()
for _ in $(seq "$REPEAT"); do
	IMPORTS+=("$(import_once)") || die "migrate or import regions failed"
done
IMPORT_S=$(printf '%s\n' "${IMPORTS[@]}" | sort -n | sed -n "$(( (REPEAT + 1) / 2 ))p")
ROWS=$(sqlite3 "$DB" "SELECT count(*) FROM regions" 2>/dev/null || echo "?")
echo "LAT name=region_import rows=$ROWS runs_s=[ $(printf '%s\n' "${IMPORTS[@]}" | sort -n | tr '\n' ' ')]"
bench region_import "$IMPORT_S" s - 1.0

# ---- the server ------------------------------------------------------------

start_server
EMAIL=bench$$@x.id
PASS=Bench-Rahasia-123
curl -sf -o /dev/null -H 'Content-Type: application/json' \
	-d "{\"name\":\"Bench\",\"email\":\"$EMAIL\",\"password\":\"$PASS\"}" "$SRV_URL/api/auth/register" ||
	die "register failed"
LOGIN=$(curl -sf -D "$WORK/login.headers" -H 'Content-Type: application/json' \
	-d "{\"email\":\"$EMAIL\",\"password\":\"$PASS\"}" "$SRV_URL/api/auth/login") || die "login failed"
CSRF=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' <<<"$LOGIN")
COOKIE=$(sed -n 's/^[Ss]et-[Cc]ookie: *\(pendopo_session=[^;]*\).*/\1/p' "$WORK/login.headers" | tr -d '\r' | head -1)
[ -n "$CSRF" ] && [ -n "$COOKIE" ] || die "no session from login: $LOGIN"
code=$(curl -s -o /dev/null -w '%{http_code}' -X PATCH -H 'Content-Type: application/json' \
	-H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -d '{"name":"Bench 0"}' "$SRV_URL/api/me")
[ "$code" = 200 ] || die "PATCH /api/me answered $code"
WRITE_ENV=(BENCH_METHOD=PATCH BENCH_PATH=/api/me "BENCH_COOKIE=$COOKIE" "BENCH_CSRF=$CSRF")

# The server as configured by default (or by PENDOPO_THREADS in the caller's
# environment), against the bare hello of the same threading model.
if [ "${PENDOPO_THREADS:-0}" -gt 0 ] 2>/dev/null; then MODE=pool; else MODE=perconn; fi

run_wrk "$CONNS" "$SRV_URL/healthz"
echo "LAT name=healthz mode=$MODE p50_ms=$W_P50 p99_ms=$W_P99 max_ms=$W_MAX bare_p99_ms=${BARE_P99[$MODE]} runs_req_s=[ $W_ALL]"
bench healthz "$(num "$W_RPS")" req/s "$(ratio "$W_RPS" "${BARE_RPS[$MODE]}")" 0.60

for q in purbalingga karang; do
	run_wrk "$CONNS" "$SRV_URL/api/regions?q=$q"
	echo "LAT name=regions_$q mode=$MODE p50_ms=$W_P50 p99_ms=$W_P99 max_ms=$W_MAX bare_p99_ms=${BARE_P99[$MODE]} runs_req_s=[ $W_ALL]"
	bench "regions_$q" "$(num "$W_RPS")" req/s "$(ratio "$W_RPS" "${BARE_RPS[$MODE]}")" 0.50
done

run_wrk "$WCONNS" "$SRV_URL/api/me" "${WRITE_ENV[@]}"
echo "LAT name=patch_me mode=$MODE p50_ms=$W_P50 p99_ms=$W_P99 max_ms=$W_MAX bare_commits_s=$SQ1 bare_4t_commits_s=$SQ4 runs_req_s=[ $W_ALL]"
bench patch_me "$(num "$W_RPS")" req/s "$(ratio "$W_RPS" "$SQ_BEST")" 0.70
stop_pid "$SRV_PID"

# ---- thread pool against thread per connection -----------------------------

for mode in pool perconn; do
	if [ "$mode" = pool ]; then threads=4; else threads=0; fi
	start_server PENDOPO_THREADS=$threads
	run_wrk "$CONNS" "$SRV_URL/healthz"
	echo "LAT name=healthz_$mode threads=$threads p50_ms=$W_P50 p99_ms=$W_P99 max_ms=$W_MAX bare_p99_ms=${BARE_P99[$mode]} runs_req_s=[ $W_ALL]"
	bench "healthz_$mode" "$(num "$W_RPS")" req/s "$(ratio "$W_RPS" "${BARE_RPS[$mode]}")" 0.60
	run_wrk "$WCONNS" "$SRV_URL/api/me" "${WRITE_ENV[@]}"
	echo "LAT name=patch_me_$mode threads=$threads p50_ms=$W_P50 p99_ms=$W_P99 max_ms=$W_MAX runs_req_s=[ $W_ALL]"
	bench "patch_me_$mode" "$(num "$W_RPS")" req/s "$(ratio "$W_RPS" "$SQ_BEST")" 0.70
	stop_pid "$SRV_PID"
done

# ---- durability: synchronous=FULL per commit against group commit -----------

if [ -n "$GROUP_ENV" ]; then
	# The same writes at 8 and 64 connections, one fsync per commit
	# (synchronous=FULL, the default) against the group-commit mode.
	for variant in full group; do
		extra=""
		if [ "$variant" = full ]; then start_server; else start_server "$GROUP_ENV"; extra=" env=$GROUP_ENV"; fi
		for conns in "$WCONNS" 64; do
			run_wrk "$conns" "$SRV_URL/api/me" "${WRITE_ENV[@]}"
			echo "LAT name=patch_me_${variant}_c$conns p50_ms=$W_P50 p99_ms=$W_P99 max_ms=$W_MAX runs_req_s=[ $W_ALL]$extra"
			bench "patch_me_${variant}_c$conns" "$(num "$W_RPS")" req/s "$(ratio "$W_RPS" "$SQ_BEST")" 0.70
		done
		stop_pid "$SRV_PID"
	done
else
	echo "# group commit: BENCH_GROUP_COMMIT_ENV not set; durability comparison skipped" >&2
fi
