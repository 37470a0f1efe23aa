#!/usr/bin/env bash
# bench/permits.sh - the letters machinery under the permit service against
# its bare baselines (the permit service itself is not built yet).
#
#   letter_issuance  bench/letters_issue.c, linked with pendopo's library:
#                    BENCH_THREADS (default 4) threads issue letters for
#                    BENCH_DURATION seconds on a SQLite database set up as
#                    `serve` does (WAL, group commit).  Each letter is a
#                    number from the counter row, the Ed25519 signature of
#                    its canonical content, the row committed, then its A4
#                    PDF drawn with the QR (what the holder downloads).
#                    Ratio: against the bare durable SQLite commit loop
#                    (bench/sqlite_commit.c, 1 thread), each run paired with
#                    one of the loop just before it.  A LAT line also gives
#                    the rate without the PDF (number + sign + commit).
#   letter_verify    wrk at BENCH_CONNECTIONS on GET
#                    /api/letters/verify/{token} (what the page /v/{token}
#                    asks) against the bare libmicrohttpd hello in the same
#                    threading mode.
#
# Every figure ends in one line
#   BENCH name=<name> value=<number> unit=<unit> ratio=<ours/bare> target=<t>
# preceded by a LAT line.  Environment: PENDOPO_BIN, BENCH_DURATION (default
# 5), BENCH_REPEAT (default 3), BENCH_CONNECTIONS (default 64),
# BENCH_THREADS (default 4), BENCH_TMPDIR (a real disk; default build/).
# Loopback only; every process started here is stopped on exit.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
THREADS=${BENCH_THREADS:-4}
FIXTURE=$ROOT/tests/api/fixtures/letter.json

bench_check
command -v sqlite3 >/dev/null || die "sqlite3 is not installed (apt-get install sqlite3)"
[ -f "$ROOT/build/libpendopo.a" ] || die "build/libpendopo.a not built (make build/libpendopo.a)"
bench_init permits
build_baselines
# The library's own packages, from the Makefile (a list kept here went stale).
PKGS=$(sed -n 's/^PKGS *:= *//p' "$ROOT/Makefile")
# shellcheck disable=SC2046
cc -O2 -std=c17 -D_GNU_SOURCE -I"$ROOT/src" -I"$ROOT/src/core" $(pkg-config --cflags $PKGS) \
	"$ROOT/bench/letters_issue.c" "$ROOT/build/libpendopo.a" $(pkg-config --libs $PKGS) -lhpdf -lm -lpthread \
	-o "$OUT/bench-letters" || die "cannot build bench-letters"
echo "# $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg); median of $REPEAT paired runs of" \
     "${DUR}s; $THREADS issuing threads; wrk -t2 -c$CONNS; scratch in $WORK" >&2

# ---- a database with the issuing unit, and a key -------------------------------

DB=$WORK/pendopo.db
KEY=$WORK/keys/letters.key
"$BIN" migrate --db "$DB" >"$WORK/setup.log" 2>&1 || { cat "$WORK/setup.log" >&2; die "migrate failed"; }
sqlite3 "$DB" "INSERT INTO org_units (code, name, kind, created_at, updated_at) VALUES
	('KESBANGPOL', 'Badan Kesatuan Bangsa dan Politik', 'agency', '2026-01-01', '2026-01-01')" ||
	die "cannot add the issuing unit"
"$BIN" letters keygen --letters-key "$KEY" >>"$WORK/setup.log" 2>&1 || die "letters keygen failed"

# ---- issuance ----------------------------------------------------------------------

issue_once() { # PDF (1 or 0): a bench-letters run shaped like a WRK line
	local line
	line=$("$OUT/bench-letters" "$DB" "$KEY" "$WORK/data" "$FIXTURE" "$THREADS" "$DUR" "$1") ||
		die "bench-letters failed: $line"
	echo "WRK ok_rps=$(kv letters_per_s "$line") p50_ms=$(kv p50_ms "$line") p99_ms=$(kv p99_ms "$line")" \
	     "max_ms=$(kv max_ms "$line")"
}

measure "commit_once 1" "issue_once 0"
NOPDF="nopdf_per_s=$(num "$O_RPS") nopdf_ratio=$RATIO nopdf_p99_ms=$O_P99"
measure "commit_once 1" "issue_once 1"
report letter_issuance letters/s 0.3 "threads=$THREADS $NOPDF"

# ---- verification ------------------------------------------------------------------

if [ "${PENDOPO_THREADS:-0}" -gt 0 ] 2>/dev/null; then MODE=pool; else MODE=perconn; fi
start_hello "$MODE"
TOKEN=$("$BIN" letters issue "$FIXTURE" --db "$DB" --data-dir "$WORK/data" --letters-key "$KEY" |
	sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || die "letters issue gave no token"
start_server PENDOPO_LETTERS_KEY="$KEY"
code=$(curl -s -o "$WORK/verify.json" -w '%{http_code}' "$SRV_URL/api/letters/verify/$TOKEN")
[ "$code" = 200 ] && grep -q '"status":"valid"' "$WORK/verify.json" || die "verification answered $code: $(cat "$WORK/verify.json")"
measure "wrk_once $CONNS ${HELLO_URL[$MODE]}" "wrk_once $CONNS $SRV_URL/api/letters/verify/$TOKEN"
report letter_verify req/s 0.5
