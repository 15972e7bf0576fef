#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# plot.sh on reports made up for the test: the synthetic fixture
# (testdata/compare-plot.json: rdmarpc's tiers and one more, the
# baselines, a series not measured, a sweep with a failed point), a report
# from before the distributions, one with only some of the data, broken
# entries, and files that are no report at all.  Checks the exit status,
# the notes and that each picture expected is a non-empty PNG (file(1)).
#
# usage: tools/bench/plot-test.sh
#
# Needs gnuplot (Debian: gnuplot-nox), python3 and file: without one of
# them the test fails, saying which to install.  Prints "ok N ..." or
# "not ok N ..." per check, then "plot: N passed, N failed".
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PLOT=$HERE/plot.sh
FIXTURE=$HERE/testdata/compare-plot.json

passed=0
failed=0
n=0

check() {	# DESCRIPTION STATUS
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then
		echo "ok $n $1"
		passed=$((passed + 1))
	else
		echo "not ok $n $1"
		failed=$((failed + 1))
	fi
}

finish() {
	echo "plot: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

missing=
for t in gnuplot:gnuplot-nox python3:python3 file:file; do
	command -v "${t%%:*}" > /dev/null 2>&1 || missing+=" ${t#*:}"
done
if [ -n "$missing" ]; then
	echo "plot-test: missing:$missing: install it (apt-get install$missing; selftests/vm.sh deps installs them)" >&2
	check "the tools plot.sh needs are installed" 1
	finish
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/rdmarpc-plot-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

# run OUTDIR JSON: plot.sh's status in $rc, its stderr in $T/err.
run() {
	"$PLOT" "$2" "$1" > "$T/out" 2> "$T/err"
	rc=$?
	sed 's/^/#   /' "$T/err"
}

# is_png FILE: a non-empty PNG.
is_png() {
	[ -s "$1" ] && file -b "$1" | grep -q '^PNG image data'
}

noted() { grep -q -- "$1" "$T/err"; }

# The synthetic report: both pictures.
run "$T/full" "$FIXTURE"
check "the fixture plots (exit 0)" $rc
is_png "$T/full/latency-cdf.png"
check "latency-cdf.png is a PNG" $?
is_png "$T/full/rate-vs-concurrency.png"
check "rate-vs-concurrency.png is a PNG" $?
noted 'cdf series tcp was not measured'
check "a series not measured is noted" $?
noted 'sweep point 32: no calls/s'
check "a failed sweep point is noted" $?

# A report from before the distributions and the sweep: nothing to draw,
# and the pictures of an earlier run do not stay behind.
mkdir -p "$T/old"
echo stale > "$T/old/latency-cdf.png"
echo stale > "$T/old/rate-vs-concurrency.png"
cat > "$T/old.json" <<'EOF'
{"date":"2026-01-01T00:00:00Z","mode":"one","quick":true,
 "baseline":{"ud_bw64":{"poll_msg_per_sec":28998,"event_msg_per_sec":null}},
 "rdmarpc":{"c1_p50_us":335.4,"c16_calls_per_sec":29966.3},"complete":true}
EOF
run "$T/old" "$T/old.json"
check "an older report is not an error (exit 0)" $rc
[ ! -e "$T/old/latency-cdf.png" ] && [ ! -e "$T/old/rate-vs-concurrency.png" ]
check "an older report leaves no pictures" $?
noted 'no "cdf" in the report' && noted 'no "sweep" in the report'
check "an older report's missing data is noted" $?

# Some of the data: one series, a sweep without latencies, no baseline.
cat > "$T/some.json" <<'EOF'
{"cdf":{"tcp":[[200.5,0],[207.1,0.5],[465.9,0.99],[900,1]]},
 "sweep":[{"concurrency":1,"calls_per_sec":3000,"p50_us":null,"p99_us":null},
          {"concurrency":16,"calls_per_sec":20000}]}
EOF
run "$T/some" "$T/some.json"
check "a partial report plots (exit 0)" $rc
is_png "$T/some/latency-cdf.png" && is_png "$T/some/rate-vs-concurrency.png"
check "a partial report gives both PNGs" $?
noted 'cdf series rdmarpc_sleep is not in the report' &&
	noted 'no ib_send_bw -s 64 message rate' && noted 'no p50/p99'
check "a partial report's gaps are noted" $?

# Broken entries are left out, not fatal.
cat > "$T/broken.json" <<'EOF'
{"cdf":{"rdmarpc_sleep":"fast","rdmarpc_busy":[[0,0],[-3,0.5],["x",1],[90,2]],
        "ud_poll":[[34,0],[35,0.5],[60,1]]},
 "cdf_labels":{"ud_poll":42},
 "sweep":[{"concurrency":"many","calls_per_sec":1},7,{"concurrency":4}]}
EOF
run "$T/broken" "$T/broken.json"
check "broken entries are not fatal (exit 0)" $rc
is_png "$T/broken/latency-cdf.png" && [ ! -e "$T/broken/rate-vs-concurrency.png" ]
check "broken entries: the usable series plotted, no sweep picture" $?
noted 'rdmarpc_busy has no usable points' && noted 'no sweep points to draw'
check "broken entries are noted" $?

# No report at all.
run "$T/none" "$T/does-not-exist.json"
[ "$rc" -eq 1 ] && noted 'cannot read'
check "a missing file: exit 1, cannot read" $?
printf '{"cdf": {' > "$T/trunc.json"
run "$T/none" "$T/trunc.json"
[ "$rc" -eq 1 ] && noted 'is not JSON'
check "a truncated file: exit 1, not JSON" $?
echo '[1, 2]' > "$T/list.json"
run "$T/none" "$T/list.json"
[ "$rc" -eq 1 ] && noted 'not a compare.sh report'
check "a JSON list: exit 1, not a report" $?
"$PLOT" "$FIXTURE" > /dev/null 2>&1
[ $? -eq 2 ]
check "one argument: usage, exit 2" $?

finish
