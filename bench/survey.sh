#!/usr/bin/env bash
# bench/survey.sh - the satisfaction survey's benchmarks.
#
#   survey_ikm_1m   a unit with 1,000,000 responses over a year (`pendopo
#                   seed survey`): GET /api/survey/units/{unit}?period=YEAR
#                   (the IKM, grade, NRR per element, interval, sample, plus
#                   the trend of six years and each service), ms, median of
#                   21 sequential requests; target <= 200.  The figure is
#                   checked against the same IKM summed from the response
#                   rows by sqlite3, whose time is shown as a LAT line (what
#                   reading the rows instead of the daily sums would cost).
#   survey_submit   wrk at 64 connections answers open survey links, each
#                   once (POST /api/survey/links/{token}, bench/survey.lua):
#                   answers per second against the bare durable SQLite
#                   commit loop (bench/sqlite_commit.c, the better of 1 and
#                   4 threads) measured in the same run; target >= 0.7.
#                   Every answer is checked in the database afterwards.
#                   Each run is paired with a run of the simplest durable
#                   write through the same server (PATCH /api/me, as in
#                   bench/run.sh, same connections): the LAT line's
#                   ratio_patch_me, which a busy machine moves far less than
#                   the bare loop (whose fsyncs are not shared).
#
# Environment: PENDOPO_BIN, PENDOPO_REGIONS_CSV, BENCH_DURATION (seconds per
# run, default 5), BENCH_REPEAT (runs, median, default 3),
# BENCH_CONNECTIONS (default 64), BENCH_RESPONSES (default 1000000),
# BENCH_TMPDIR (scratch; a real disk, default build/).  Loopback only; every
# process started here is stopped on exit, every wrk run bounded by timeout.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
RESPONSES=${BENCH_RESPONSES:-1000000}
LINKS=${BENCH_LINKS:-150000}
SLUA=$ROOT/bench/survey.lua
UNIT=DINPERKIM
CLOCK=2026-12-07T02:00:00Z
YEAR=2026

bench_check
command -v sqlite3 >/dev/null || die "sqlite3 is not installed (apt-get install sqlite3)"
bench_init bench-survey
build_baselines
echo "# machine: $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg); wrk -t2 -c$CONNS; median of $REPEAT; scratch in $WORK" >&2

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

commit_run() { # THREADS: the median run's line
	for _ in $(seq "$REPEAT"); do
		rm -f "$WORK/commit.db"*
		"$OUT/bench-sqlite-commit" "$WORK/commit.db" "$1" "$DUR" || return 1
	done | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^commits_per_s=/) { split($i, a, "="); print a[2], $0 } }' |
		sort -n | sed -n "$(( (REPEAT + 1) / 2 ))p" | cut -d' ' -f2-
}

# ---- a unit with a year of responses, and open links --------------------------

DB=$WORK/pendopo.db
"$BIN" migrate --db "$DB" >"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; die "migrate failed"; }
"$BIN" import regions "$CSV" --db "$DB" >>"$WORK/setup.log" 2>&1 || die "import regions failed"
"$BIN" demo load --db "$DB" >>"$WORK/setup.log" 2>&1 || die "demo load failed"
t0=$(date +%s.%N)
"$BIN" seed survey "$RESPONSES" --unit "$UNIT" --links "$LINKS" --clock "$CLOCK" --db "$DB" \
	>"$WORK/tokens.txt" 2>>"$WORK/setup.log" || { tail -3 "$WORK/setup.log" >&2; die "seed survey failed"; }
SEED_S=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo "LAT name=survey_seed responses=$RESPONSES links=$LINKS seconds=$SEED_S"

start_server PENDOPO_CLOCK=$CLOCK

# ---- IKM of a unit over 1,000,000 responses ------------------------------------

URL="$SRV_URL/api/survey/units/$UNIT?period=$YEAR"
BODY=$(curl -sf "$URL") || die "GET $URL failed"
n=$(sed -n 's/.*"result":{"respondents":\([0-9]*\).*/\1/p' <<<"$BODY")
ikm=$(sed -n 's/.*"result":{[^}]*"ikm":\([0-9.]*\).*/\1/p' <<<"$BODY")
[ "$n" = "$RESPONSES" ] || die "the unit has $n respondents, not $RESPONSES"
times=$(for _ in $(seq 21); do curl -sf -o /dev/null -w '%{time_total}\n' "$URL"; done | sort -n)
IKM_MS=$(sed -n 11p <<<"$times" | awk '{ printf "%.1f", $1 * 1000 }')
MAX_MS=$(tail -1 <<<"$times" | awk '{ printf "%.1f", $1 * 1000 }')
# The same index from the rows themselves: sum every answer, one division.
uid=$(sqlite3 "$DB" "SELECT id FROM org_units WHERE code = '$UNIT'")
t0=$(date +%s.%N)
rows=$(sqlite3 "$DB" "SELECT count(*), sum(q1 + q2 + q3 + q4 + q5 + q6 + q7 + q8 + q9) FROM survey_responses
	WHERE unit_id = $uid AND day BETWEEN '$YEAR-01-01' AND '$YEAR-12-31'")
ROWS_MS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
rows_ikm=$(awk -F'|' '{ x = int((2 * $2 * 2500 + 9 * $1) / (18 * $1)); printf "%d.%02d", x / 100, x % 100 }' <<<"$rows")
[ "$(awk -v a="$ikm" 'BEGIN { printf "%.2f", a }')" = "$rows_ikm" ] || die "IKM $ikm from the daily sums, $rows_ikm from the rows"
echo "LAT name=survey_ikm_1m median_ms=$IKM_MS max_ms=$MAX_MS ikm=$ikm rows_ikm=$rows_ikm rows_sql_ms=$ROWS_MS respondents=$n"
echo "BENCH name=survey_ikm_1m value=$IKM_MS unit=ms ratio=- target=200 ikm=$ikm"

# ---- submissions against the bare commit loop ------------------------------------

L1=$(commit_run 1) && L4=$(commit_run 4) || die "sqlite commit loop failed"
SQ1=$(field commits_per_s "$L1")
SQ4=$(field commits_per_s "$L4")
SQ_BEST=$(awk -v a="$SQ1" -v b="$SQ4" 'BEGIN { print (a > b ? a : b) }')
echo "BASE name=sqlite_commit value=$SQ1 unit=commits/s threads=1 p99_ms=$(field p99_ms "$L1")"
echo "BASE name=sqlite_commit_4t value=$SQ4 unit=commits/s threads=4 p99_ms=$(field p99_ms "$L4")"

login_session
before=$(sqlite3 "$DB" "SELECT count(*) FROM survey_responses")
slice=$((LINKS / REPEAT))
lines=()
pairs=()
for r in $(seq 0 $((REPEAT - 1))); do
	out=$(BENCH_TOKENS="$WORK/tokens.txt" BENCH_FROM=$((r * slice)) BENCH_COUNT=$slice BENCH_THREADS=2 \
	      timeout $((DUR + 60)) wrk -t2 -c"$CONNS" -d"${DUR}s" --timeout 10s -s "$SLUA" "$SRV_URL" 2>&1)
	line=$(grep '^WRK ' <<<"$out" | tail -1)
	[ -n "$line" ] || { echo "$out" >&2; die "wrk gave no result"; }
	[ "$(field non2xx "$line")" = 0 ] || echo "WARN survey_submit: $(field non2xx "$line") non-2xx answers (links ran out?); value counts 2xx only" >&2
	lines+=("$line")
	pm=$(env $WRITE_ENV timeout $((DUR + 60)) wrk -t2 -c"$CONNS" -d"${DUR}s" --timeout 10s -s "$LUA" "$SRV_URL" 2>&1 |
		grep '^WRK ' | tail -1)
	[ -n "$pm" ] || die "wrk gave no PATCH /api/me result"
	pairs+=("$(field ok_rps "$pm") $(ratio "$(field ok_rps "$line")" "$(field ok_rps "$pm")")")
done
PM_ALL=$(for p in "${pairs[@]}"; do echo "${p% *}"; done | sort -n | tr '\n' ' ')
PM_RATIO=$(for p in "${pairs[@]}"; do echo "${p#* }"; done | sort -n | sed -n "$(( (REPEAT + 1) / 2 ))p")
ALL=$(for l in "${lines[@]}"; do field ok_rps "$l"; done | sort -n | tr '\n' ' ')
line=$(for l in "${lines[@]}"; do echo "$(field ok_rps "$l") $l"; done | sort -n | sed -n "$(( (REPEAT + 1) / 2 ))p" | cut -d' ' -f2-)
RPS=$(field ok_rps "$line")
stop_pid "$SRV_PID"
# Every acknowledged answer is stored, once, and counted in the daily sums.
read -r stored answered daily <<<"$(sqlite3 -separator ' ' "$DB" "SELECT (SELECT count(*) FROM survey_responses),
	(SELECT count(*) FROM survey_offers WHERE answered_at IS NOT NULL), (SELECT sum(n) FROM survey_daily)")"
[ "$stored" = "$answered" ] && [ "$stored" = "$daily" ] || die "responses $stored, answered offers $answered, daily sums $daily"
echo "LAT name=survey_submit p50_ms=$(field p50_ms "$line") p99_ms=$(field p99_ms "$line") max_ms=$(field max_ms "$line") runs_req_s=[ $ALL] patch_me_req_s=[ $PM_ALL] ratio_patch_me=$PM_RATIO stored=$((stored - before)) bare_commits_s=$SQ1 bare_4t_commits_s=$SQ4"
echo "BENCH name=survey_submit value=$RPS unit=req/s ratio=$(ratio "$RPS" "$SQ_BEST") target=0.7 p99_ms=$(field p99_ms "$line")"
