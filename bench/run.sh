#!/usr/bin/env bash
# bench/run.sh - pendopo's benchmarks against their bare baselines.
#
# Builds the baselines (bench/hello.c, a bare libmicrohttpd server, and
# bench/sqlite_commit.c, a bare SQLite commit loop), makes a scratch database
# with `pendopo migrate` + `import regions` (timed), starts `pendopo serve`
# on a free loopback port and drives it with wrk.
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
if [ -z "$GROUP_ENV" ] && "$BIN" serve --help 2>&1 | grep -q PENDOPO_GROUP_COMMIT; then
	GROUP_ENV=PENDOPO_GROUP_COMMIT=1
fi
[ "$GROUP_ENV" = none ] && GROUP_ENV=

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
	local p=$1 q keep=()
	kill -TERM "$p" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	for q in "${PIDS[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
	PIDS=("${keep[@]}")
}

declare -A HELLO_URL
start_hello() { # MODE
	local port pid
	port=$(free_port)
	"$OUT/bench-hello" "$port" "$1" 2>>"$WORK/hello.log" &
	pid=$!
	PIDS+=("$pid")
	HELLO_URL[$1]=http://127.0.0.1:$port/
	wait_http "${HELLO_URL[$1]}" "$pid" || die "bench-hello $1 did not start"
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

kv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }

# One wrk run; prints its WRK line (see wrk.lua) and warns about non-2xx.
wrk_once() { # CONNS URL [VAR=VALUE...]
	local conns=$1 url=$2 out line
	shift 2
	out=$(env "$@" timeout $((DUR + 30)) wrk -t2 -c"$conns" -d"${DUR}s" --timeout 10s -s "$LUA" "$url" 2>&1)
	line=$(grep '^WRK ' <<<"$out" | tail -1)
	[ -n "$line" ] || { echo "$out" >&2; die "wrk gave no result for $url"; }
	if [ "$(kv non2xx "$line")" != 0 ] || [ "$(kv errors "$line")" != 0 ]; then
		echo "WARN $url: $(kv non2xx "$line") non-2xx answers and $(kv errors "$line") socket errors" \
		     "of $(kv requests "$line") requests; the figure counts 2xx only" >&2
	fi
	echo "$line"
}

# One run of the bare SQLite loop, shaped like a WRK line.
commit_once() { # THREADS
	rm -f "$WORK/commit.db"*
	local line
	line=$("$OUT/bench-sqlite-commit" "$WORK/commit.db" "$1" "$DUR") || die "sqlite commit loop failed"
	echo "WRK ok_rps=$(kv commits_per_s "$line") p50_ms=$(kv p50_ms "$line") p99_ms=$(kv p99_ms "$line") max_ms=$(kv max_ms "$line")"
}

# Of several WRK lines (one per line on stdin), the median by ok_rps.
median() {
	local lines
	lines=$(while read -r l; do echo "$(kv ok_rps "$l") $l"; done | sort -n)
	sed -n "$(( ($(wc -l <<<"$lines") + 1) / 2 ))p" <<<"$lines" | cut -d' ' -f2-
}
rates() { while read -r l; do kv ok_rps "$l"; done | sort -n | tr '\n' ' '; }

# measure BARE OURS: REPEAT pairs of "bare run; our run", each given as a
# command (a function call in a string).  Sets O_* (ours, median run),
# B_* (bare, median run) and RATIO, the median of the pairs' ratios (a pair
# shares the machine's mood, so its ratio is steadier than either figure).
measure() {
	local bare=$1 ours=$2 bl="" ol="" rl="" b o i
	for i in $(seq "$REPEAT"); do
		b=$(eval "$bare")
		o=$(eval "$ours")
		[ -n "$(kv ok_rps "$b")" ] && [ -n "$(kv ok_rps "$o")" ] || die "a run gave no figure ($bare / $ours)"
		bl+=$b$'\n'
		ol+=$o$'\n'
		rl+=$(awk -v a="$(kv ok_rps "$o")" -v b="$(kv ok_rps "$b")" 'BEGIN { if (b > 0) printf "%.4f", a / b; else print 0 }')$'\n'
	done
	bl=${bl%$'\n'}
	ol=${ol%$'\n'}
	local bm om
	bm=$(median <<<"$bl")
	om=$(median <<<"$ol")
	B_RPS=$(kv ok_rps "$bm"); B_P99=$(kv p99_ms "$bm"); B_ALL=$(rates <<<"$bl")
	O_RPS=$(kv ok_rps "$om"); O_P50=$(kv p50_ms "$om"); O_P99=$(kv p99_ms "$om"); O_MAX=$(kv max_ms "$om")
	O_ALL=$(rates <<<"$ol")
	R_ALL=$(sort -n <<<"${rl%$'\n'}" | tr '\n' ' ')
	RATIO=$(sort -n <<<"${rl%$'\n'}" | sed -n "$(( (REPEAT + 1) / 2 ))p" | awk '{ printf "%.2f", $1 }')
	# How much the baseline moved between its runs: above 1.5 the machine
	# was busy with something else and the figure is suspect.
	SPREAD=$(awk '{ for (i = 1; i <= NF; i++) { if (min == "" || $i < min) min = $i; if ($i > max) max = $i } }
		END { if (min > 0) printf "%.2f", max / min; else print "inf" }' <<<"$B_ALL")
	if awk -v s="$SPREAD" 'BEGIN { exit !(s == "inf" || s > 1.5) }'; then
		echo "WARN $ours: the baseline moved ${SPREAD}x between runs; the machine is busy, take this figure with care" >&2
	fi
}

num() { awk -v a="$1" 'BEGIN { printf "%.1f", a }'; }

report() { # NAME UNIT TARGET [extra LAT fields]
	echo "LAT name=$1 p50_ms=$O_P50 p99_ms=$O_P99 max_ms=$O_MAX bare_p99_ms=$B_P99 runs=[ $O_ALL] bare_runs=[ $B_ALL] pair_ratios=[ $R_ALL] bare_spread=$SPREAD${4:+ $4}"
	echo "BENCH name=$1 value=$(num "$O_RPS") unit=$2 ratio=$RATIO target=$3"
}

# ---- baselines -------------------------------------------------------------

echo "# building baselines" >&2
cc -O2 -Wall "$ROOT/bench/hello.c" $(pkg-config --cflags --libs libmicrohttpd) -o "$OUT/bench-hello" ||
	die "cannot build bench-hello"
cc -O2 -Wall "$ROOT/bench/sqlite_commit.c" $(pkg-config --cflags --libs sqlite3) -lpthread \
	-o "$OUT/bench-sqlite-commit" || die "cannot build bench-sqlite-commit"

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
EMAIL=bench$$@x.id
PASS=Bench-Rahasia-123
curl -sf -o /dev/null -H 'Content-Type: application/json' \
	-d "{\"name\":\"Bench\",\"email\":\"$EMAIL\",\"password\":\"$PASS\"}" "$SRV_URL/api/auth/register" ||
	die "register failed"
LOGIN=$(curl -sf -D "$WORK/login.headers" -H 'Content-Type: application/json' \
	-d "{\"email\":\"$EMAIL\",\"password\":\"$PASS\"}" "$SRV_URL/api/auth/login") || die "login failed"
CSRF=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' <<<"$LOGIN")
COOKIE=$(tr -d '\r' <"$WORK/login.headers" | sed -n 's/^[Ss]et-[Cc]ookie: *\(pendopo_session=[^;]*\).*/\1/p' | head -1)
[ -n "$CSRF" ] && [ -n "$COOKIE" ] || die "no session from login: $LOGIN"
code=$(curl -s -o /dev/null -w '%{http_code}' -X PATCH -H 'Content-Type: application/json' \
	-H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -d '{"name":"Bench 0"}' "$SRV_URL/api/me")
[ "$code" = 200 ] || die "PATCH /api/me answered $code"
# The session lives in the database, so it serves every server started below.
WRITE_ENV="BENCH_METHOD=PATCH BENCH_PATH=/api/me BENCH_COOKIE=$COOKIE BENCH_CSRF=$CSRF"

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
	# patch_me above is the default (one fsync per commit) at WCONNS
	# connections; add it at 64, then group commit at both.
	start_server
	measure "commit_once 1" "wrk_once 64 $SRV_URL/api/me $WRITE_ENV"
	report patch_me_c64 req/s 0.70 "connections=64 bare=sqlite_commit"
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
