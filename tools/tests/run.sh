#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the core's host tests: for each (test binary, simulator binary) pair,
# the unit tests (KTAP, tests/harness.h) and then the simulator CLI checks.
# Prints one final line "N passed, N failed, N skipped" and fails if
# anything failed.
set -u
here=$(dirname "$0")
passed=0
failed=0
skipped=0
while [ $# -ge 2 ]; do
	t=$1 sim=$2
	shift 2
	echo "== $t"
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -Ev '^(ok [0-9]+ [^#]*$|# RUN )' || true
	totals='^# Totals: pass:\([0-9]*\) fail:\([0-9]*\) xfail:0 xpass:0 skip:\([0-9]*\) error:0$'
	p=$(printf '%s\n' "$out" | sed -n "s/$totals/\1/p")
	f=$(printf '%s\n' "$out" | sed -n "s/$totals/\2/p")
	s=$(printf '%s\n' "$out" | sed -n "s/$totals/\3/p")
	if [ -z "$p" ]; then
		echo "not ok: $t crashed (exit $rc)"
		p=0 f=1 s=0
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok: $t exited $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	echo "== $sim"
	out=$(sh "$here/cli.sh" "$sim" 2>&1)
	printf '%s\n' "$out" | grep -v '^ok ' || true
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
