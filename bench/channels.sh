#!/usr/bin/env bash
# bench/channels.sh - the WhatsApp channel under load, against the Graph API
# stand-in (tests/lib/graph.mjs) on loopback:
#   channels_webhook_intake  signed webhook calls (a text message each, new
#       wamids from 1,000 citizens: each one a step of the intake
#       conversation and a reply queued in the outbox, one transaction) per
#       second, as a ratio of the bare durable SQLite commit loop
#       (bench/sqlite_commit.c, the better of 1 and 4 threads) - target 0.5;
#   channels_outbox_delivery  the replies so queued delivered to the
#       stand-in by the worker, per second, from a restart with WhatsApp on
#       until the last is sent or 60 s have passed (each a committed
#       claim, an HTTP call and a committed outcome).
# Each prints  BENCH name=<name> value=<number> unit=<unit> ratio=<ours/bare or -> target=<target>
#
#   bench/channels.sh
# Environment: PENDOPO_BIN, PENDOPO_REGIONS_CSV, BENCH_DURATION (seconds of
# the webhook run, default 5), BENCH_WRITE_CONNECTIONS (default 8),
# BENCH_TMPDIR (a real disk, default build/).  Needs wrk, curl, node, sqlite3.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
bench_check
command -v node >/dev/null || die "node is not installed"
command -v sqlite3 >/dev/null || die "sqlite3 is not installed"
bench_init bench-channels

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
bench() { echo "BENCH name=$1 value=$2 unit=$3 ratio=$4 target=$5"; }
now() { date +%s.%N; }

SECRET=app-secret-uji	# the stand-in signs with it (WA_SECRET in tests/lib/graph.mjs)
# ---- the bare commit rate ------------------------------------------------------------------
cc -O2 -Wall "$ROOT/bench/sqlite_commit.c" $(pkg-config --cflags --libs sqlite3) -lpthread \
	-o "$WORK/bench-sqlite-commit" || die "cannot build the commit baseline"
BARE=0
for threads in 1 4; do
	rm -f "$WORK/commit.db"*
	rate=$("$WORK/bench-sqlite-commit" "$WORK/commit.db" "$threads" "$DUR" | sed -n 's/.*commits_per_s=\([^ ]*\).*/\1/p')
	echo "BASE name=sqlite_commit value=$rate unit=commits/s threads=$threads"
	BARE=$(awk -v a="$BARE" -v b="$rate" 'BEGIN { print (b > a ? b : a) }')
done

# ---- webhook intake: the server takes calls, no channel is on to deliver ------------------
DB=$WORK/pendopo.db
"$BIN" migrate --db "$DB" >"$WORK/setup.log" 2>&1 && "$BIN" import regions "$CSV" --db "$DB" >>"$WORK/setup.log" 2>&1 &&
	"$BIN" demo load --db "$DB" >>"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; die "setup failed"; }
# Enough calls that no thread runs out in the run (each is sent once).
node "$ROOT/bench/channels_feed.mjs" bodies $((DUR * 12000)) "$WORK/bodies.txt" || die "cannot write the webhook bodies"
start_server PENDOPO_WA_APP_SECRET="$SECRET"
W_LINE=$(BENCH_BODIES="$WORK/bodies.txt" timeout $((DUR + 30)) wrk -t2 -c"$WCONNS" -d"${DUR}s" --timeout 10s \
	-s "$ROOT/bench/channels.lua" "$SRV_URL/api/whatsapp/webhook" 2>&1 | grep '^WRK ' | tail -1)
[ -n "$W_LINE" ] || die "wrk gave no result"
bad=$(( $(field non2xx "$W_LINE") + $(field errors "$W_LINE") ))
[ "$bad" -eq 0 ] || echo "WARN webhook: $bad non-2xx answers or socket errors: $W_LINE" >&2
stop_pid "$SRV_PID"
QUEUED=$(sqlite3 "$DB" "SELECT count(*) FROM notifications WHERE topic = 'whatsapp.reply' AND dispatched_at IS NULL")
echo "LAT name=channels_webhook_intake conns=$WCONNS p50_ms=$(field p50_ms "$W_LINE") p99_ms=$(field p99_ms "$W_LINE") replies_queued=$QUEUED bare_commits_s=$BARE"
bench channels_webhook_intake "$(field ok_rps "$W_LINE")" req/s "$(ratio "$(field ok_rps "$W_LINE")" "$BARE")" 0.5

# ---- outbox delivery: WhatsApp on, the worker drains the replies --------------------------
[ "$QUEUED" -gt 0 ] || die "no replies were queued"
node "$ROOT/bench/channels_feed.mjs" graph >"$WORK/graph.out" 2>&1 &
PIDS+=("$!")
for _ in $(seq 100); do GRAPH=$(head -1 "$WORK/graph.out"); [ -n "$GRAPH" ] && break; sleep 0.1; done
[ -n "$GRAPH" ] || die "the Graph stand-in did not start"
t0=$(now)
start_server PENDOPO_WA_APP_SECRET="$SECRET" PENDOPO_WA_BASE_URL="$GRAPH" PENDOPO_WA_PHONE_ID=109876543210 \
	PENDOPO_WA_TOKEN=EAAG-test-token PENDOPO_OUTBOX_TIMEOUT=10
# Until every reply is sent, or for at most 60 s: the rate is what is
# measured, not how long a backlog of any size takes.
sent=0
end=$(( $(date +%s) + 60 ))
while [ "$(date +%s)" -lt "$end" ]; do
	sent=$(sqlite3 "$DB" "SELECT count(*) FROM deliveries WHERE state = 'sent'" 2>/dev/null || echo "$sent")
	[ "$sent" -ge "$QUEUED" ] && break
	sleep 0.1
done
t1=$(now)
failed=$(sqlite3 "$DB" "SELECT count(*) FROM deliveries WHERE state IN ('failed', 'unknown')")
[ "$failed" -eq 0 ] || echo "WARN delivery: $failed deliveries failed or were interrupted" >&2
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
echo "LAT name=channels_outbox_delivery messages=$sent of=$QUEUED seconds=$secs (from the restart, start-up included)"
bench channels_outbox_delivery "$(awk -v n="$sent" -v s="$secs" 'BEGIN { printf "%.1f", n / s }')" msgs/s - "-"
