#!/usr/bin/env bash
# bench/data.sh - Satu Data's benchmarks (issue 6 targets):
#   data_import           `pendopo data import` of 1,000,000 observations, rows/s, median of
#                         three runs from the same database (target >= 200000)
#   data_conflict_scan    `pendopo data scan` over them, with a second agency
#                         holding the same keys, seconds (target <= 1)
#   datastore_search_p95  CKAN datastore_search with region + period filters, ms (target <= 20)
#   package_search_p95    CKAN package_search with q, fq and facets, ms
# Each ends with one line:
#   BENCH name=<name> value=<number> unit=<unit> ratio=- target=<target>
#
# Environment: PENDOPO_BIN (default build/pendopo), PENDOPO_REGIONS_CSV,
# BENCH_ROWS (default 1000000), BENCH_REQUESTS (default 300),
# BENCH_TMPDIR (default build/; a real disk).  Loopback only; the server
# started here is stopped and the scratch folder removed on exit.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${PENDOPO_BIN:-$ROOT/build/pendopo}
CSV=${PENDOPO_REGIONS_CSV:-$ROOT/../shared/data/wilayah.csv}
ROWS=${BENCH_ROWS:-1000000}
REQS=${BENCH_REQUESTS:-300}

die() { echo "bench/data: $*" >&2; exit 1; }
command -v curl >/dev/null || die "curl is not installed"
command -v python3 >/dev/null || die "python3 is not installed"
[ -x "$BIN" ] || die "$BIN not built (make)"
[ -r "$CSV" ] || die "region register $CSV not found"

mkdir -p "${BENCH_TMPDIR:-$ROOT/build}"
WORK=$(mktemp -d "${BENCH_TMPDIR:-$ROOT/build}/bench-data.XXXXXX") || die "mktemp failed"
PID=
cleanup() {
	if [ -n "$PID" ]; then
		kill -TERM "$PID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$PID" 2>/dev/null
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DB=$WORK/bench.db
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT

"$BIN" migrate --db "$DB" >/dev/null || die "migrate failed"
"$BIN" import regions "$CSV" --db "$DB" >/dev/null || die "import regions failed"
PENDOPO_SHARED_DATA=$WORK/none "$BIN" demo load --db "$DB" >/dev/null 2>&1 || die "demo load failed"
TOKEN=$("$BIN" apikey create bench --role admin --db "$DB" | tail -n 1)

PENDOPO_ACCESS_LOG=0 "$BIN" serve --listen "127.0.0.1:$PORT" --db "$DB" 2>"$WORK/serve.log" &
PID=$!
for _ in $(seq 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done
curl -sf "$URL/healthz" >/dev/null || die "server did not start: $(cat "$WORK/serve.log")"

api() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' "$@"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

api -X POST "$URL/api/data/indicators" -d '{"code":"BENCH","name":"Bench","producer":"DISDUKCAPIL"}' >/dev/null || die "indicator"
SCHEMA='{"fields":[{"name":"kode_wilayah","type":"string"},{"name":"periode","type":"date"},{"name":"nilai","type":"integer"}],"primaryKey":["kode_wilayah","periode"],"foreignKeys":[{"fields":"kode_wilayah","reference":{"resource":"wilayah","fields":"kode"}}]}'
table() { # org dataset-name -> resource id
	api -X POST "$URL/api/data/datasets" -d "{\"name\":\"$2\",\"title\":\"Bench $2\",\"org\":\"$1\"}" >/dev/null || die "dataset $2"
	api -X POST "$URL/api/data/datasets/$2/resources" \
		-d "{\"name\":\"t\",\"schema\":$SCHEMA,\"period_field\":\"periode\",\"mappings\":[{\"field\":\"nilai\",\"indicator\":\"BENCH\"}]}" |
		json 'd["resource"]["id"]'
}
RA=$(table DISDUKCAPIL bench-a) || die "table a"
RB=$(table DINKES bench-b) || die "table b"

# The regency, its districts and villages, one row a day each.
api "$URL/api/regions?parent=33.03&limit=100" | json '"\n".join(["33.03"]+[x["kode"] for x in d["items"]])' >"$WORK/codes"
for k in $(tail -n +2 "$WORK/codes"); do
	api "$URL/api/regions?parent=$k&limit=100" | json '"\n".join(x["kode"] for x in d["items"])' >>"$WORK/codes"
done
python3 - "$WORK/codes" "$ROWS" "$WORK/a.csv" "$WORK/b.csv" <<'EOF'
import sys, datetime
codes = open(sys.argv[1]).read().split()
n = int(sys.argv[2])
day = datetime.date(1990, 1, 1)
with open(sys.argv[3], 'w') as a, open(sys.argv[4], 'w') as b:
    a.write('kode_wilayah,periode,nilai\n'); b.write('kode_wilayah,periode,nilai\n')
    i = 0
    while i < n:
        p = day.isoformat()
        for k in codes:
            if i == n: break
            v = (i * 7919) % 100000
            a.write(f'{k},{p},{v}\n')
            b.write(f'{k},{p},{v + (1 if i % 1000 == 0 else 0)}\n')   # one key in 1000 differs
            i += 1
        day += datetime.timedelta(days=1)
EOF

kill -TERM "$PID"; wait "$PID" 2>/dev/null; PID=
sync	# the files just written are not the import's to flush

# Median of three imports, each into a copy of the database as it is now.
cp "$DB" "$WORK/before.db"
RATES=
for run in 1 2 3; do
	cp "$WORK/before.db" "$DB"
	OUT=$("$BIN" data import "$RA" "$WORK/a.csv" --note bench --db "$DB" 2>/dev/null) || die "import failed"
	echo "LAT data_import run $run: $OUT"
	RATES="$RATES $(echo "$OUT" | sed -n 's/.* \([0-9]*\) rows\/s.*/\1/p')"
done
rm -f "$WORK/before.db"
RATE=$(echo $RATES | tr ' ' '\n' | sort -n | sed -n 2p)
echo "BENCH name=data_import value=$RATE unit=rows/s ratio=- target=>=200000"

"$BIN" data import "$RB" "$WORK/b.csv" --note bench --db "$DB" >/dev/null 2>&1 || die "second import failed"
OUT=$("$BIN" data scan --db "$DB") || die "scan failed"
echo "LAT data_conflict_scan: $OUT"
SECS=$(echo "$OUT" | sed -n 's/.* in \([0-9.]*\) s.*/\1/p')
echo "BENCH name=data_conflict_scan value=$SECS unit=s ratio=- target=<=1"

PENDOPO_ACCESS_LOG=0 "$BIN" serve --listen "127.0.0.1:$PORT" --db "$DB" 2>"$WORK/serve.log" &
PID=$!
for _ in $(seq 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done
# Publish table a so that datastore_search reads it.
api -X POST "$URL/api/data/resources/$RA/versions/1/review" -d '{"decision":"approve"}' >/dev/null || true
"$BIN" data scan --db "$DB" >/dev/null

# p95 of N sequential requests, in ms.
p95() {
	local file=$1
	sort -n "$file" | awk '{ a[NR] = $1 } END { i = int(NR * 0.95); if (i < 1) i = 1; printf "%.2f", a[i] * 1000 }'
}
: >"$WORK/ds"
mapfile -t CODES <"$WORK/codes"
for i in $(seq "$REQS"); do
	k=${CODES[$((RANDOM % ${#CODES[@]}))]}
	d=$(date -u -d "1990-01-01 + $((RANDOM % 3000)) days" +%F)
	f=$(python3 -c "import json,urllib.parse,sys; print(urllib.parse.quote(json.dumps({'kode_wilayah':sys.argv[1],'periode':sys.argv[2]})))" "$k" "$d")
	curl -s -o /dev/null -w '%{time_total}\n' "$URL/api/3/action/datastore_search?resource_id=$RA&filters=$f" >>"$WORK/ds"
done
echo "BENCH name=datastore_search_p95 value=$(p95 "$WORK/ds") unit=ms ratio=- target=<=20"

: >"$WORK/ps"
FQ=$(python3 -c "import urllib.parse; print(urllib.parse.quote('organization:disdukcapil'))")
FF=$(python3 -c "import urllib.parse; print(urllib.parse.quote('[\"organization\",\"tags\",\"groups\"]'))")
for i in $(seq "$REQS"); do
	curl -s -o /dev/null -w '%{time_total}\n' "$URL/api/3/action/package_search?q=bench&fq=$FQ&facet.field=$FF&rows=10" >>"$WORK/ps"
done
echo "BENCH name=package_search_p95 value=$(p95 "$WORK/ps") unit=ms ratio=- target=-"
