#!/usr/bin/env bash
# run.sh SECONDS TARGET... - each libFuzzer target for SECONDS on its seed
# corpus (fuzz/corpus/NAME, read only: new inputs go to a scratch folder),
# one line per target: FUZZ target=NAME execs=N crashes=0|1 seconds=S.
# Exit 1 when any target crashed; its input is kept in build-fuzz/crashes/.
# With FUZZ_RUNS set, each target makes that many runs from seed 1 instead
# (bounded by SECONDS as well): the same inputs every time, for make test.
set -u
seconds=$1
shift
cd "$(dirname "$0")/.."
mkdir -p build-fuzz/crashes
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0
for bin in "$@"; do
	name=${bin##*/fuzz_}
	mkdir -p "$scratch/$name"
	start=$(date +%s)
	"$bin" "$scratch/$name" "fuzz/corpus/$name" -max_total_time="$seconds" -print_final_stats=1 \
		${FUZZ_RUNS:+-runs="$FUZZ_RUNS" -seed=1} \
		-artifact_prefix="build-fuzz/crashes/$name-" -max_len=65536 -rss_limit_mb=2048 \
		>"$scratch/$name.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$name.log")
	crashes=0
	if [ $rc -ne 0 ]; then
		crashes=1
		failed=1
		grep -E 'ERROR|SUMMARY|Test unit written' "$scratch/$name.log" | head -5
	fi
	echo "FUZZ target=$name execs=${execs:-0} crashes=$crashes seconds=$(($(date +%s) - start))"
done
exit $failed
