#!/usr/bin/env bash
# bench/queue.sh - Simantri's benchmarks against their bare baselines.
#
#   booking burst   wrk (bench/queue.lua) at 64 connections books distinct
#                   NIKs into one session with a quota of 5,000 until it is
#                   full: bookings per second while the quota lasted and the
#                   p99 latency, then the database is checked for oversell
#                   (live bookings beyond the quota) and duplicate numbers.
#                   Ratio: against the bare durable SQLite commit loop
#                   (bench/sqlite_commit.c, the better of 1 and 4 threads)
#                   measured in the same run.  Run with the server's default
#                   (group commit: queue_booking) and with one fsync per
#                   commit (PENDOPO_GROUP_COMMIT=0: queue_booking_full).
#   status / sisa   the Antrol reads at 64 connections against the bare
#                   libmicrohttpd hello (bench/hello.c) in the same
#                   threading mode: GET antrean/status/... of the line of
#                   5,000, and GET antrean/sisapeserta/... of a patient last
#                   in a line of 300 (and, as a LAT line only, last in the
#                   line of 5,000).
#
# Every figure ends in one line
#   BENCH name=<name> value=<number> unit=<unit> ratio=<ours/bare> target=<t> ...
# preceded by a LAT line with its latencies.
#
# Environment: PENDOPO_BIN, PENDOPO_REGIONS_CSV, BENCH_DURATION (seconds per
# read run, default 5), BENCH_REPEAT (runs per figure, median, default 3),
# BENCH_CONNECTIONS (default 64), BENCH_QUOTA (default 5000), BENCH_TMPDIR
# (scratch; a real disk, default build/).  Loopback only; every process
# started here is stopped on exit, and every wrk run is bounded by timeout.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${PENDOPO_BIN:-$ROOT/build/pendopo}
CSV=${PENDOPO_REGIONS_CSV:-$ROOT/../shared/data/wilayah.csv}
DUR=${BENCH_DURATION:-5}
REPEAT=${BENCH_REPEAT:-3}
CONNS=${BENCH_CONNECTIONS:-64}
QUOTA=${BENCH_QUOTA:-5000}
LUA=$ROOT/bench/queue.lua
OUT=$ROOT/build
# The service clock: Tuesday 2026-12-01 07:00 WIB; bookings go to the
# following days, inside their booking window.
CLOCK=2026-12-01T00:00:00Z
FC=BENCH-PKM

die() { echo "bench: $*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
command -v curl >/dev/null || die "curl is not installed"
command -v sqlite3 >/dev/null || die "sqlite3 is not installed (apt-get install sqlite3)"
[ -x "$BIN" ] || die "$BIN not built (make)"
[ -r "$CSV" ] || die "region register $CSV not found"

mkdir -p "$OUT" "${BENCH_TMPDIR:-$OUT}"
WORK=$(mktemp -d "${BENCH_TMPDIR:-$OUT}/bench-queue.XXXXXX") || die "mktemp failed"
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

forget_pid() {
	local keep=()
	for q in "${PIDS[@]}"; do [ "$q" = "$1" ] || keep+=("$q"); done
	PIDS=("${keep[@]}")
}

stop_pid() {
	local p=$1
	kill -TERM "$p" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	forget_pid "$p"
}

start_server() { # [VAR=VALUE...] -> SRV_PID SRV_URL
	local port
	port=$(free_port)
	env PENDOPO_ACCESS_LOG=0 PENDOPO_DATA_DIR="$WORK/data" PENDOPO_CLOCK=$CLOCK "$@" \
	    "$BIN" serve --listen "127.0.0.1:$port" --db "$DB" 2>>"$WORK/serve.log" &
	SRV_PID=$!
	PIDS+=("$SRV_PID")
	SRV_URL=http://127.0.0.1:$port
	wait_http "$SRV_URL/healthz" "$SRV_PID" || { tail -5 "$WORK/serve.log" >&2; die "pendopo serve did not start"; }
}

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
median() { sort -n | sed -n "$(( (REPEAT + 1) / 2 ))p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
num() { awk -v a="$1" 'BEGIN { printf "%.1f", a }'; }

# run_get CONNS URL PATH: REPEAT wrk runs of DUR seconds with the Antrol
# headers; W_RPS (2xx only), W_P50, W_P99, W_MAX, W_ALL from the median run.
run_get() {
	local conns=$1 url=$2 path=$3 out line lines=()
	for _ in $(seq "$REPEAT"); do
		out=$(BENCH_MODE=get BENCH_PATH="$path" BENCH_TOKEN="${TOKEN:-}" BENCH_USER=mobilejkn \
		      timeout $((DUR + 30)) wrk -t2 -c"$conns" -d"${DUR}s" --timeout 10s -s "$LUA" "$url" 2>&1)
		line=$(grep '^WRK ' <<<"$out" | tail -1)
		[ -n "$line" ] || { echo "$out" >&2; die "wrk gave no result for $url$path"; }
		[ "$(field non2xx "$line")" = 0 ] || echo "WARN $path: $(field non2xx "$line") non-2xx answers; value counts 2xx only" >&2
		lines+=("$line")
	done
	W_ALL=$(for l in "${lines[@]}"; do field ok_rps "$l"; done | sort -n | tr '\n' ' ')
	line=$(for l in "${lines[@]}"; do echo "$(field ok_rps "$l") $l"; done | sort -n |
		sed -n "$(( (REPEAT + 1) / 2 ))p" | cut -d' ' -f2-)
	W_RPS=$(field ok_rps "$line")
	W_P50=$(field p50_ms "$line")
	W_P99=$(field p99_ms "$line")
	W_MAX=$(field max_ms "$line")
}

api() { # METHOD PATH JSON -> body; dies unless 2xx
	local out code
	out=$(curl -s -w '\n%{http_code}' -X "$1" -H 'Content-Type: application/json' -H "Cookie: $COOKIE" \
	      -H "X-CSRF-Token: $CSRF" -d "$3" "$SRV_URL$2")
	code=${out##*$'\n'}
	[ "${code:0:1}" = 2 ] || die "$1 $2 answered $code: ${out%$'\n'*}"
	echo "${out%$'\n'*}"
}

# ---- baselines -------------------------------------------------------------

echo "# building baselines" >&2
cc -O2 -Wall "$ROOT/bench/hello.c" $(pkg-config --cflags --libs libmicrohttpd) -o "$OUT/bench-hello" ||
	die "cannot build bench-hello"
cc -O2 -Wall "$ROOT/bench/sqlite_commit.c" $(pkg-config --cflags --libs sqlite3) -lpthread \
	-o "$OUT/bench-sqlite-commit" || die "cannot build bench-sqlite-commit"
echo "# machine: $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2 -c$CONNS; median of $REPEAT; scratch in $WORK" >&2

# The server runs a thread per connection by default: the hello baseline
# of that mode (or of the pool when PENDOPO_THREADS asks for one).
if [ "${PENDOPO_THREADS:-0}" -gt 0 ] 2>/dev/null; then MODE=pool; else MODE=perconn; fi
port=$(free_port)
"$OUT/bench-hello" "$port" "$MODE" 2>>"$WORK/hello.log" &
HELLO_PID=$!
PIDS+=("$HELLO_PID")
wait_http "http://127.0.0.1:$port/" "$HELLO_PID" || die "bench-hello did not start"
TOKEN="" run_get "$CONNS" "http://127.0.0.1:$port" /
HELLO_RPS=$W_RPS
echo "BASE name=hello_$MODE value=$(num "$W_RPS") unit=req/s p50_ms=$W_P50 p99_ms=$W_P99 max_ms=$W_MAX runs=[ $W_ALL]"
stop_pid "$HELLO_PID"

commit_run() { # THREADS: commits/s and p99 of the median of REPEAT runs
	for _ in $(seq "$REPEAT"); do
		rm -f "$WORK/commit.db"*
		"$OUT/bench-sqlite-commit" "$WORK/commit.db" "$1" "$DUR" || return 1
	done | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^commits_per_s=/) { split($i, a, "="); print a[2], $0 } }' |
		sort -n | sed -n "$(( (REPEAT + 1) / 2 ))p" | cut -d' ' -f2-
}
L1=$(commit_run 1) && L4=$(commit_run 4) || die "sqlite commit loop failed"
SQ1=$(field commits_per_s "$L1")
SQ4=$(field commits_per_s "$L4")
SQ_BEST=$(awk -v a="$SQ1" -v b="$SQ4" 'BEGIN { print (a > b ? a : b) }')
echo "BASE name=sqlite_commit value=$SQ1 unit=commits/s threads=1 p99_ms=$(field p99_ms "$L1")"
echo "BASE name=sqlite_commit_4t value=$SQ4 unit=commits/s threads=4 p99_ms=$(field p99_ms "$L4")"

# ---- a facility with one poli, and a Mobile JKN login --------------------

DB=$WORK/pendopo.db
"$BIN" migrate --db "$DB" >"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; die "migrate failed"; }
"$BIN" import regions "$CSV" --db "$DB" >>"$WORK/setup.log" 2>&1 || die "import regions failed"
"$BIN" user add --email bench-admin@x.id --password Bench-Rahasia-123 --role admin --db "$DB" >>"$WORK/setup.log" 2>&1 ||
	die "user add failed"
start_server
LOGIN=$(curl -sf -D "$WORK/login.headers" -H 'Content-Type: application/json' \
	-d '{"email":"bench-admin@x.id","password":"Bench-Rahasia-123"}' "$SRV_URL/api/auth/login") || die "login failed"
CSRF=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' <<<"$LOGIN")
COOKIE=$(sed -n 's/^[Ss]et-[Cc]ookie: *\(pendopo_session=[^;]*\).*/\1/p' "$WORK/login.headers" | tr -d '\r' | head -1)
[ -n "$CSRF" ] && [ -n "$COOKIE" ] || die "no session from login"
api POST /api/orgs "{\"code\":\"$FC\",\"name\":\"Puskesmas Bench\",\"kind\":\"health_facility\"}" >/dev/null
api PUT "/api/queue/facilities/$FC" '{"type":"fktp"}' >/dev/null
api POST "/api/queue/facilities/$FC/services" '{"code":"UMU","name":"Poli Umum","kind":"poli","prefix":"A","avg_service_min":1}' >/dev/null
api POST "/api/queue/facilities/$FC/schedules" \
	"{\"service\":\"UMU\",\"weekdays\":[1,2,3,4,5,6],\"start\":\"07:00\",\"end\":\"23:00\",\"quota_jkn_online\":100,\"quota_non_online\":$QUOTA}" >/dev/null
api POST "/api/queue/facilities/$FC/services" '{"code":"GIG","name":"Poli Gigi","kind":"poli","prefix":"B","avg_service_min":1}' >/dev/null
api POST "/api/queue/facilities/$FC/schedules" \
	'{"service":"GIG","weekdays":[1,2,3,4,5,6],"start":"07:00","end":"23:00","quota_jkn_online":10,"quota_non_online":300}' >/dev/null
"$BIN" antrol-user add --facility "$FC" --username mobilejkn --password Bench-Antrol-123 --db "$DB" >>"$WORK/setup.log" 2>&1 ||
	die "antrol-user add failed"
TOKEN=$(curl -sf -H 'x-username: mobilejkn' -H 'x-password: Bench-Antrol-123' "$SRV_URL/antrol/$FC/token" |
	sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || die "no Antrol token"

session_of() { # SERVICE DATE -> the schedule id of that date's session
	curl -sf "$SRV_URL/api/queue/facilities/$FC/services/$1/days?from=$2&days=1" |
		sed -n 's/.*"sessions":\[{"id":\([0-9]*\).*/\1/p'
}

# ---- booking burst -------------------------------------------------------------

# fill SERVICE DATE: book distinct NIKs into that date's session until its
# non-JKN online quota is gone; FILL_LINE gets wrk's QWRK line, FILL_SESSION
# the session.  wrk's threads stop at their first "quota full"; SIGINT then
# ends its fixed wait and it reports.  At most 120 seconds whatever happens.
fill() {
	local svc=$1 date=$2 left wpid
	FILL_SESSION=$(session_of "$svc" "$date")
	[ -n "$FILL_SESSION" ] || die "no $svc session on $date"
	BENCH_MODE=book BENCH_FACILITY=$FC BENCH_SERVICE="$svc" BENCH_DATE="$date" BENCH_SESSION="$FILL_SESSION" \
		timeout 120 wrk -t2 -c"$CONNS" -d110s --timeout 10s -s "$LUA" "$SRV_URL" >"$WORK/wrk.out" 2>&1 &
	wpid=$!
	PIDS+=("$wpid")
	for _ in $(seq 1150); do
		kill -0 "$wpid" 2>/dev/null || break
		left=$(sqlite3 "$DB" "SELECT left_non_online FROM q_sessions WHERE schedule_id = $FILL_SESSION AND day = '$date'" 2>/dev/null)
		if [ "$left" = 0 ]; then
			sleep 0.5
			kill -INT "$wpid" 2>/dev/null
			break
		fi
		sleep 0.1
	done
	wait "$wpid" 2>/dev/null
	forget_pid "$wpid"
	FILL_LINE=$(grep '^QWRK ' "$WORK/wrk.out" | tail -1)
	[ -n "$FILL_LINE" ] || { cat "$WORK/wrk.out" >&2; die "wrk gave no booking result"; }
}

# book_burst DATE NAME ENVDESC: fill the Poli Umum session of DATE, check
# the database, print the LAT and BENCH lines.
book_burst() {
	local date=$1 name=$2 note=$3 line
	fill UMU "$date"
	line=$FILL_LINE
	[ "$(field other "$line")" = 0 ] || echo "WARN $name: $(field other "$line") answers were neither 201 nor quota_full" >&2
	local q="SELECT count(*), count(DISTINCT v.number), count(DISTINCT v.nik), COALESCE(max(v.number), 0),
		 (SELECT left_non_online FROM q_sessions WHERE id = v.session_id)
		 FROM q_visits v JOIN q_sessions x ON x.id = v.session_id
		 WHERE x.schedule_id = $FILL_SESSION AND x.day = '$date' AND v.status <> 'cancelled'"
	local row live numbers people top left oversell duplicates
	row=$(sqlite3 -separator ' ' "$DB" "$q") || die "cannot read the bookings back"
	read -r live numbers people top left <<<"$row"
	oversell=$(( live > QUOTA ? live - QUOTA : 0 ))
	duplicates=$(( (live - numbers) + (live - people) ))
	[ "$top" = "$live" ] || echo "WARN $name: numbers are not dense: $live bookings, highest number $top" >&2
	echo "LAT name=$name p50_ms=$(field p50_ms "$line") p99_ms=$(field p99_ms "$line") max_ms=$(field max_ms "$line") booked=$live quota=$QUOTA left=$left seconds=$(field seconds "$line") bare_commits_s=$SQ1 bare_4t_commits_s=$SQ4$note"
	echo "BENCH name=$name value=$(num "$(field rate "$line")") unit=req/s ratio=$(ratio "$(field rate "$line")" "$SQ_BEST") target=0.7 oversell=$oversell duplicates=$duplicates p99_ms=$(field p99_ms "$line")"
}

book_burst 2026-12-02 queue_booking ""
stop_pid "$SRV_PID"
start_server PENDOPO_GROUP_COMMIT=0
book_burst 2026-12-03 queue_booking_full " env=PENDOPO_GROUP_COMMIT=0"
stop_pid "$SRV_PID"

# ---- Antrol reads ---------------------------------------------------------------

# The status of the 5,000-number line of the first burst (read from its
# session's counters, whatever its length), and the place of a Mobile JKN
# patient last in a busy day's line: the dental clinic's 300 numbers of
# 2026-12-04 (counted, so it grows with the line; the same read in the
# line of 5,000 follows as a LAT line).
start_server
fill GIG 2026-12-04
antrol_book() { # SERVICE DATE CARD NIK
	curl -sf -H "x-token: $TOKEN" -H 'x-username: mobilejkn' -H 'Content-Type: application/json' \
		-d "{\"nomorkartu\":\"$3\",\"nik\":\"$4\",\"nohp\":\"081234567890\",\"kodepoli\":\"$1\",\"norm\":\"1\",\"tanggalperiksa\":\"$2\",\"kodedokter\":0,\"jampraktek\":\"07:00-23:00\",\"keluhan\":\"\"}" \
		"$SRV_URL/antrol/$FC/antrean" | grep -q '"code":200' || die "Antrol booking at $1 failed"
}
antrol_book GIG 2026-12-04 0001234567890 3303010101900001
antrol_book UMU 2026-12-02 0001234567891 3303010101900002
for read in "queue_status /antrol/$FC/antrean/status/UMU/2026-12-02 BENCH" \
	    "queue_sisa /antrol/$FC/antrean/sisapeserta/0001234567890/GIG/2026-12-04 BENCH" \
	    "queue_sisa_5000 /antrol/$FC/antrean/sisapeserta/0001234567891/UMU/2026-12-02 LAT"; do
	set -- $read
	curl -sf -H "x-token: $TOKEN" -H 'x-username: mobilejkn' "$SRV_URL$2" | grep -q '"code":200' ||
		die "$1 does not answer code 200"
	run_get "$CONNS" "$SRV_URL" "$2"
	echo "LAT name=$1 mode=$MODE value=$(num "$W_RPS") ratio=$(ratio "$W_RPS" "$HELLO_RPS") p50_ms=$W_P50 p99_ms=$W_P99 max_ms=$W_MAX runs_req_s=[ $W_ALL]"
	[ "$3" = BENCH ] && echo "BENCH name=$1 value=$(num "$W_RPS") unit=req/s ratio=$(ratio "$W_RPS" "$HELLO_RPS") target=0.5"
done
stop_pid "$SRV_PID"
