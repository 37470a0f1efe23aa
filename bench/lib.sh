# bench/lib.sh - the helpers bench/run.sh and bench/pg.sh share, so that the
# shellcheck shell=bash
# SQLite and PostgreSQL figures come from the same baselines, the same wrk
# runs and the same pairing.  Sourced (not run) after ROOT is set; reads the
# knobs documented in bench/run.sh and sets BIN, CSV, DUR, REPEAT, CONNS,
# WCONNS, LUA, OUT.  bench_init makes the scratch folder WORK and the trap
# that stops every process in PIDS.

BIN=${PENDOPO_BIN:-$ROOT/build/pendopo}
CSV=${PENDOPO_REGIONS_CSV:-$ROOT/../shared/data/wilayah.csv}
DUR=${BENCH_DURATION:-5}
REPEAT=${BENCH_REPEAT:-3}
CONNS=${BENCH_CONNECTIONS:-64}
WCONNS=${BENCH_WRITE_CONNECTIONS:-8}
LUA=$ROOT/bench/wrk.lua
OUT=$ROOT/build

die() { echo "bench: $*" >&2; exit 1; }

bench_check() {
	command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
	command -v curl >/dev/null || die "curl is not installed"
	[ -x "$BIN" ] || die "$BIN not built (make)"
	[ -r "$CSV" ] || die "region register $CSV not found"
}

PIDS=()
WORK=
bench_cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
	done
	[ -n "$WORK" ] && rm -rf "$WORK"
}

bench_init() { # PREFIX: scratch folder WORK (a real disk) and the trap
	mkdir -p "$OUT" "${BENCH_TMPDIR:-$OUT}"
	WORK=$(mktemp -d "${BENCH_TMPDIR:-$OUT}/$1.XXXXXX") || die "mktemp failed"
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

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

# The bare baselines: hello (libmicrohttpd) and the SQLite commit loop.
build_baselines() {
	echo "# building baselines" >&2
	cc -O2 -Wall "$ROOT/bench/hello.c" $(pkg-config --cflags --libs libmicrohttpd) -o "$OUT/bench-hello" ||
		die "cannot build bench-hello"
	cc -O2 -Wall "$ROOT/bench/sqlite_commit.c" $(pkg-config --cflags --libs sqlite3) -lpthread \
		-o "$OUT/bench-sqlite-commit" || die "cannot build bench-sqlite-commit"
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

start_server() { # [VAR=VALUE...] -> SRV_PID SRV_URL; serves $DB
	local port
	port=$(free_port)
	env PENDOPO_ACCESS_LOG=0 PENDOPO_SUBMIT_PER_HOUR=1000000 PENDOPO_SUBMIT_PER_HOUR_ADDRESS=1000000 PENDOPO_DATA_DIR="$WORK/data" "$@" \
	    "$BIN" serve --listen "127.0.0.1:$port" --db "$DB" 2>>"$WORK/serve.log" &
	SRV_PID=$!
	PIDS+=("$SRV_PID")
	SRV_URL=http://127.0.0.1:$port
	wait_http "$SRV_URL/healthz" "$SRV_PID" || { tail -5 "$WORK/serve.log" >&2; die "pendopo serve did not start"; }
}

# Register a user on the server at SRV_URL and log in -> COOKIE, CSRF and
# WRITE_ENV, the wrk.lua settings for the PATCH /api/me write.  The session
# lives in the database, so it serves every server later started on it.
# TAG tells several users of one run apart.
login_session() { # [TAG]
	local email=bench$$${1:+-$1}@x.id pass=Bench-Rahasia-123 login code
	curl -sf -o /dev/null -H 'Content-Type: application/json' \
		-d "{\"name\":\"Bench\",\"email\":\"$email\",\"password\":\"$pass\"}" "$SRV_URL/api/auth/register" ||
		die "register failed"
	login=$(curl -sf -D "$WORK/login.headers" -H 'Content-Type: application/json' \
		-d "{\"email\":\"$email\",\"password\":\"$pass\"}" "$SRV_URL/api/auth/login") || die "login failed"
	CSRF=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' <<<"$login")
	COOKIE=$(tr -d '\r' <"$WORK/login.headers" | sed -n 's/^[Ss]et-[Cc]ookie: *\(pendopo_session=[^;]*\).*/\1/p' | head -1)
	[ -n "$CSRF" ] && [ -n "$COOKIE" ] || die "no session from login: $login"
	code=$(curl -s -o /dev/null -w '%{http_code}' -X PATCH -H 'Content-Type: application/json' \
		-H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -d '{"name":"Bench 0"}' "$SRV_URL/api/me")
	[ "$code" = 200 ] || die "PATCH /api/me answered $code"
	WRITE_ENV="BENCH_METHOD=PATCH BENCH_PATH=/api/me BENCH_COOKIE=$COOKIE BENCH_CSRF=$CSRF"
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

# A commit loop's output line, shaped like a WRK line.
commit_line() {
	echo "WRK ok_rps=$(kv commits_per_s "$1") p50_ms=$(kv p50_ms "$1") p99_ms=$(kv p99_ms "$1") max_ms=$(kv max_ms "$1")"
}

# One run of the bare SQLite loop, shaped like a WRK line.
commit_once() { # THREADS
	rm -f "$WORK/commit.db"*
	local line
	line=$("$OUT/bench-sqlite-commit" "$WORK/commit.db" "$1" "$DUR") || die "sqlite commit loop failed"
	commit_line "$line"
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
