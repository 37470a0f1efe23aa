#!/usr/bin/env bash
# bench/villages.sh - Desa Digital (issue 14's benchmark).
#
#   village_page          wrk at BENCH_CONNECTIONS on GET /api/villages/{kode}
#                         (a demo village with its profile, news and budget:
#                         what /desa/{kode} asks first) against the bare
#                         libmicrohttpd hello in the same threading mode.
#                         Target: ratio >= 0.5.
#   villages_overview_p95 GET /api/villages/overview as the regent's office,
#                         BENCH_REQUESTS (default 200) sequential requests, p95
#                         in ms, over the regency's 239 villages each with a
#                         year of data: a complete profile, two news posts a
#                         month, a published 20-line APBDes and 50 letters
#                         issued over the year (11,950).  Target: <= 50 ms.
#
# Every figure ends in one line
#   BENCH name=<name> value=<number> unit=<unit> ratio=<ours/bare or -> target=<t>
# Environment: PENDOPO_BIN, BENCH_DURATION (default 5), BENCH_REPEAT (default
# 3), BENCH_CONNECTIONS (default 64), BENCH_REQUESTS, BENCH_TMPDIR.  Loopback
# only; every process started here is stopped on exit.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
REQS=${BENCH_REQUESTS:-200}
VILLAGE=33.03.01.2001

bench_check
command -v sqlite3 >/dev/null || die "sqlite3 is not installed (apt-get install sqlite3)"
bench_init villages
build_baselines
echo "# $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg); median of $REPEAT paired runs of" \
     "${DUR}s; wrk -t2 -c$CONNS; $REQS overview requests; scratch in $WORK" >&2

# ---- a regency with a year of village data ---------------------------------------------

DB=$WORK/pendopo.db
{
	"$BIN" migrate --db "$DB" && "$BIN" import regions "$CSV" --db "$DB" && "$BIN" demo load --db "$DB"
} >"$WORK/setup.log" 2>&1 || { tail -5 "$WORK/setup.log" >&2; die "setup failed"; }
YEAR=$(TZ=Asia/Jakarta date +%Y)
sqlite3 "$DB" <<SQL || die "cannot seed the villages' year"
WITH v(kode) AS (SELECT kode FROM regions WHERE level = 4 AND kode LIKE '33.03.%')
INSERT INTO village_profiles (village, head_name, address, phone, population, updated_at, demo)
  SELECT kode, 'Kepala ' || kode, 'Balai desa ' || kode, '0281-000000', 4000, '$YEAR-01-02T00:00:00Z', 1 FROM v
  WHERE true ON CONFLICT (village) DO NOTHING;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 24),
     v(kode) AS (SELECT kode FROM regions WHERE level = 4 AND kode LIKE '33.03.%')
INSERT INTO village_posts (village, kind, title, body, html, published_at, created_at, updated_at, demo)
  SELECT kode, 'news', 'Kabar ' || i, 'Isi kabar', '<p>Isi kabar</p>',
         strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || (i * 15) || ' days'),
         strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || (i * 15) || ' days'),
         strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || (i * 15) || ' days'), 1 FROM v, n;
WITH v(kode) AS (SELECT kode FROM regions WHERE level = 4 AND kode LIKE '33.03.%')
INSERT INTO village_budgets (village, year, published_at, updated_at, demo)
  SELECT kode, $YEAR, '$YEAR-02-01T00:00:00Z', '$YEAR-02-01T00:00:00Z', 1 FROM v WHERE true
  ON CONFLICT (village, year) DO NOTHING;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20),
     v(kode) AS (SELECT kode FROM regions WHERE level = 4 AND kode LIKE '33.03.%')
INSERT INTO village_budget_lines (village, year, account, name, budget, realised)
  SELECT kode, $YEAR, '5.' || (1 + i % 5) || '.' || i, 'Kegiatan ' || i, 10000000 * i, 8000000 * i FROM v, n
  WHERE true ON CONFLICT (village, year, account) DO NOTHING;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50),
     v(kode) AS (SELECT kode FROM regions WHERE level = 4 AND kode LIKE '33.03.%'),
     u(id) AS (SELECT min(id) FROM users),
     d(i, t) AS (SELECT i, strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || (i * 7) || ' days') FROM n)
INSERT INTO village_letters (village, kind, applicant_id, name, fields, created_at, updated_at, submitted_at, issued_at, demo)
  SELECT v.kode, 'domisili', u.id, 'Warga', '{}', d.t, d.t, d.t, d.t, 1 FROM v, d, u;
SQL

# ---- the village page against the bare hello ------------------------------------------

if [ "${PENDOPO_THREADS:-0}" -gt 0 ] 2>/dev/null; then MODE=pool; else MODE=perconn; fi
start_hello "$MODE"
start_server
code=$(curl -s -o "$WORK/page.json" -w '%{http_code}' "$SRV_URL/api/villages/$VILLAGE")
[ "$code" = 200 ] && grep -q '"news":\[{' "$WORK/page.json" || die "the village page answered $code: $(head -c 300 "$WORK/page.json")"
measure "wrk_once $CONNS ${HELLO_URL[$MODE]}" "wrk_once $CONNS $SRV_URL/api/villages/$VILLAGE"
report village_page req/s 0.5

# ---- the regency view, as the regent's office ---------------------------------------------

login=$(curl -sf -D "$WORK/login.headers" -H 'Content-Type: application/json' \
	-d '{"email":"pimpinan@demo.pendopo.id","password":"Demo-Pendopo-2026"}' "$SRV_URL/api/auth/login") ||
	die "the regent's office could not log in"
COOKIE=$(tr -d '\r' <"$WORK/login.headers" | sed -n 's/^[Ss]et-[Cc]ookie: *\(pendopo_session=[^;]*\).*/\1/p' | head -1)
code=$(curl -s -o "$WORK/overview.json" -w '%{http_code}' -H "Cookie: $COOKIE" "$SRV_URL/api/villages/overview")
[ "$code" = 200 ] && grep -q '"villages":239' "$WORK/overview.json" || die "the overview answered $code: $(head -c 300 "$WORK/overview.json")"
LETTERS=$(sqlite3 "$DB" "SELECT count(*) FROM village_letters")
: >"$WORK/times"
for _ in $(seq "$REQS"); do
	curl -s -o /dev/null -w '%{time_total}\n' -H "Cookie: $COOKIE" "$SRV_URL/api/villages/overview" >>"$WORK/times"
done
P95=$(sort -n "$WORK/times" | awk '{ a[NR] = $1 } END { i = int(NR * 0.95); if (i < 1) i = 1; printf "%.2f", a[i] * 1000 }')
P50=$(sort -n "$WORK/times" | awk '{ a[NR] = $1 } END { i = int(NR * 0.5); if (i < 1) i = 1; printf "%.2f", a[i] * 1000 }')
echo "LAT name=villages_overview_p95 p50_ms=$P50 p95_ms=$P95 requests=$REQS villages=239 letters=$LETTERS"
echo "BENCH name=villages_overview_p95 value=$P95 unit=ms ratio=- target=<=50"
