#!/usr/bin/env bash
# bench/complaints.sh - Matur Bupati at scale: N seeded complaints (default
# 1,000,000), then full-text search p95, public list page p95, the officer
# inbox p95, the Regent's dashboard p95, statistics query time, and
# complaint submission throughput (JSON API, no photo) as a
# ratio of the bare durable commit rate measured in the same run
# (bench/sqlite_commit.c).  Prints:
#   BENCH name=<name> value=<number> unit=<unit> ratio=<ours/bare or -> target=<target>
#
#   bench/complaints.sh [N]
# Environment:
#   PENDOPO_BIN          server binary (default build/pendopo)
#   PENDOPO_REGIONS_CSV  region register (default ../shared/data/wilayah.csv)
#   BENCH_DURATION       seconds per wrk run (default 5)
#   BENCH_CONNECTIONS    connections for the read runs (default 8)
#   BENCH_WRITE_CONNECTIONS  connections for the submissions (default 8)
#   BENCH_TMPDIR         scratch folder, a real disk (default build/)
# Loopback only, bounded in time; every process started here is stopped.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${PENDOPO_BIN:-$ROOT/build/pendopo}
CSV=${PENDOPO_REGIONS_CSV:-$ROOT/../shared/data/wilayah.csv}
N=${1:-${BENCH_COMPLAINTS:-1000000}}
DUR=${BENCH_DURATION:-5}
CONNS=${BENCH_CONNECTIONS:-8}
WCONNS=${BENCH_WRITE_CONNECTIONS:-8}
LUA=$ROOT/bench/complaints.lua
OUT=${BENCH_TMPDIR:-$ROOT/build}

die() { echo "bench: $*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
command -v curl >/dev/null || die "curl is not installed"
[ -x "$BIN" ] || die "$BIN not built (make)"
[ -r "$CSV" ] || die "region register $CSV not found"
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] || die "N must be a positive number"

mkdir -p "$OUT"
WORK=$(mktemp -d "$OUT/bench-complaints.XXXXXX") || die "mktemp failed"
SRV_PID=
cleanup() {
	if [ -n "$SRV_PID" ]; then
		kill -TERM "$SRV_PID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$SRV_PID" 2>/dev/null
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	local p
	for _ in $(seq 100); do
		p=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
	done
	die "no free port"
}

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
bench() { echo "BENCH name=$1 value=$2 unit=$3 ratio=$4 target=$5"; }

# run_wrk CONNS PATH [VAR=VALUE...]: one run of DUR seconds -> W_LINE
# (-H "header" pairs among the VAR=VALUE arguments go to wrk)
run_wrk() {
	local conns=$1 path=$2 envs=() hdrs=()
	shift 2
	while [ $# -gt 0 ]; do
		if [ "$1" = -H ]; then hdrs+=(-H "$2"); shift 2; else envs+=("$1"); shift; fi
	done
	W_LINE=$(env "${envs[@]}" timeout $((DUR + 30)) wrk -t2 -c"$conns" -d"${DUR}s" --timeout 10s -s "$LUA" "${hdrs[@]}" "$URL$path" 2>&1 | grep '^WRK ' | tail -1)
	[ -n "$W_LINE" ] || die "wrk gave no result for $path"
	local bad=$(( $(field non2xx "$W_LINE") + $(field errors "$W_LINE") ))
	[ "$bad" -eq 0 ] || echo "WARN $path: $bad non-2xx answers or socket errors: $W_LINE" >&2
}

# ---- the bare commit rate, as bench/run.sh measures it ------------------------

cc -O2 -Wall "$ROOT/bench/sqlite_commit.c" $(pkg-config --cflags --libs sqlite3) -lpthread -o "$WORK/bench-sqlite-commit" ||
	die "cannot build the commit baseline"
BARE=0
for threads in 1 4; do
	rm -f "$WORK/commit.db"*
	rate=$("$WORK/bench-sqlite-commit" "$WORK/commit.db" "$threads" "$DUR" | sed -n 's/.*commits_per_s=\([^ ]*\).*/\1/p')
	echo "BASE name=sqlite_commit value=$rate unit=commits/s threads=$threads"
	BARE=$(awk -v a="$BARE" -v b="$rate" 'BEGIN { print (b > a ? b : a) }')
done

# ---- a database with N complaints --------------------------------------------

DB=$WORK/pendopo.db
"$BIN" migrate --db "$DB" >"$WORK/setup.log" 2>&1 && "$BIN" import regions "$CSV" --db "$DB" >>"$WORK/setup.log" 2>&1 ||
	{ cat "$WORK/setup.log" >&2; die "migrate or import failed"; }
t0=$(date +%s.%N)
"$BIN" seed complaints "$N" --db "$DB" >>"$WORK/setup.log" 2>&1 || { tail -5 "$WORK/setup.log" >&2; die "seed failed"; }
t1=$(date +%s.%N)
for who in admin:admin regent:regent_office; do
	"$BIN" user add --db "$DB" --email "bench-${who%%:*}@pendopo.invalid" --password bench-password-1 --role "${who#*:}" \
		>>"$WORK/setup.log" 2>&1 || die "user add failed"
done
bench complaints_seed "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" s - "-"
echo "LAT name=complaints_seed rows=$N db_mb=$(du -m "$DB" | cut -f1)"

PORT=$(free_port)
URL=http://127.0.0.1:$PORT
PENDOPO_ACCESS_LOG=0 PENDOPO_SUBMIT_PER_HOUR=1000000 PENDOPO_SUBMIT_PER_HOUR_ADDRESS=1000000 PENDOPO_DATA_DIR="$WORK/data" "$BIN" serve --listen "127.0.0.1:$PORT" --db "$DB" 2>>"$WORK/serve.log" &
SRV_PID=$!
for _ in $(seq 150); do curl -sf -o /dev/null --max-time 1 "$URL/healthz" && break; sleep 0.1; done
curl -sf -o /dev/null "$URL/healthz" || { tail -5 "$WORK/serve.log" >&2; die "pendopo serve did not start"; }

# ---- reads: search, list page, statistics ----------------------------------------

run_wrk "$CONNS" "/api/complaints?q=jalan+berlubang"
echo "LAT name=complaints_search conns=$CONNS p50_ms=$(field p50_ms "$W_LINE") p99_ms=$(field p99_ms "$W_LINE") req_s=$(field ok_rps "$W_LINE")"
bench complaints_search_p95 "$(field p95_ms "$W_LINE")" ms - 20
run_wrk "$CONNS" "/api/complaints?page=1&page_size=20"
echo "LAT name=complaints_list conns=$CONNS p50_ms=$(field p50_ms "$W_LINE") p99_ms=$(field p99_ms "$W_LINE") req_s=$(field ok_rps "$W_LINE")"
bench complaints_list_p95 "$(field p95_ms "$W_LINE")" ms - 20

# The officer inbox, most urgent first (the desk sees every unit's), and
# the Regent's dashboard, each as the staff who read them.
login() {
	curl -s -c - -H 'content-type: application/json' -d "{\"email\":\"$1\",\"password\":\"bench-password-1\"}" \
		"$URL/api/auth/login" | awk '/pendopo_session/ { print $7 }'
}
ADMIN=$(login bench-admin@pendopo.invalid)
REGENT=$(login bench-regent@pendopo.invalid)
[ -n "$ADMIN" ] && [ -n "$REGENT" ] || die "bench logins failed"
run_wrk "$CONNS" "/api/complaints/inbox?page_size=20" -H "Cookie: pendopo_session=$ADMIN"
echo "LAT name=complaints_inbox conns=$CONNS p50_ms=$(field p50_ms "$W_LINE") p99_ms=$(field p99_ms "$W_LINE") req_s=$(field ok_rps "$W_LINE")"
bench complaints_inbox_p95 "$(field p95_ms "$W_LINE")" ms - 20
run_wrk 2 "/api/dashboard" -H "Cookie: pendopo_session=$REGENT"
echo "LAT name=dashboard conns=2 p50_ms=$(field p50_ms "$W_LINE") p99_ms=$(field p99_ms "$W_LINE") req_s=$(field ok_rps "$W_LINE")"
bench dashboard_p95 "$(field p95_ms "$W_LINE")" ms - 200

# The statistics: the first request builds them, the next five are
# answered from the copy kept until something changes (stats_cache.c).
YEAR=$(date -u +%Y)
BUILT=$(curl -s -o /dev/null -w '%{time_total}' --max-time 60 "$URL/api/complaints/stats?year=$YEAR")
STATS=$(for _ in 1 2 3 4 5; do curl -s -o /dev/null -w '%{time_total}\n' --max-time 60 "$URL/api/complaints/stats?year=$YEAR"; done |
	sort -n | sed -n 3p)
echo "LAT name=complaints_stats built_ms=$(awk -v s="$BUILT" 'BEGIN { printf "%.1f", s * 1000 }')"
bench complaints_stats "$(awk -v s="$STATS" 'BEGIN { printf "%.1f", s * 1000 }')" ms - "-"

# ---- writes: submissions against the bare commit rate -----------------------------

run_wrk "$WCONNS" "/api/complaints" BENCH_SUBMIT=1
echo "LAT name=complaints_submit conns=$WCONNS p50_ms=$(field p50_ms "$W_LINE") p99_ms=$(field p99_ms "$W_LINE") bare_commits_s=$BARE"
bench complaints_submit "$(field ok_rps "$W_LINE")" req/s "$(ratio "$(field ok_rps "$W_LINE")" "$BARE")" 0.70
