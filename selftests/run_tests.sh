#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kselftest-compatible runner: runs each test program from this directory
# under a timeout and prints one KTAP stream:
#
#   TAP version 13
#   1..N
#   # selftests: rdmarpc: NAME
#   # <the test's own output, each line prefixed with "# ">
#   ok 1 selftests: rdmarpc: NAME            (or "not ok 1 ... # exit=1",
#                                             "ok 1 ... # SKIP")
#   # Totals: pass:P fail:F xfail:0 xpass:0 skip:S error:0
#
# The totals count leaf results: a test's own "ok"/"not ok" lines when it
# prints KTAP, else the test itself.  A test that exits non-zero without
# reporting a failed subtest, or that runs fewer subtests than it planned,
# adds one failure.  Exit status: 0 when nothing failed and something passed,
# 4 when everything was skipped, 1 otherwise.
#
# Usage: run_tests.sh [TEST...]   (default: the Makefile's test list)
# The timeout per test is $RDMARPC_TEST_TIMEOUT, else "timeout=" in the
# settings file beside this script, else 300 s, three times that on the
# debug kernel (RDMARPC_DEBUG_LANE=1); stress.sh gets at least
# $RDMARPC_STRESS_SECS plus 300 s.  Writes nothing here: the tree is
# read-only in the test guests.

set -uo pipefail

cd "$(dirname "$0")" || exit 1
here=$PWD

if [ $# -eq 0 ]; then
	read -r -a tests <<< "$(make -s --no-print-directory print_tests)"
	set -- "${tests[@]}"
fi

timeout_secs=300
if [ -r settings ]; then
	t=$(sed -n 's/^timeout=\([0-9]*\)$/\1/p' settings)
	[ -n "$t" ] && timeout_secs=$t
fi
[ "${RDMARPC_DEBUG_LANE:-0}" = 1 ] && timeout_secs=$((timeout_secs * 3))
timeout_secs=${RDMARPC_TEST_TIMEOUT:-$timeout_secs}

# shellcheck source=selftests/lib/remote.sh
. "$here/lib/remote.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0 skip=0 nr=0

echo "TAP version 13"
echo "1..$#"
for t in "$@"; do
	nr=$((nr + 1))
	name="selftests: rdmarpc: $t"
	echo "# $name"
	if [ ! -x "$here/$t" ]; then
		echo "# $t: not found or not executable (not built?)"
		echo "not ok $nr $name # exit=127"
		fail=$((fail + 1))
		continue
	fi
	t_secs=$timeout_secs
	if [ "$t" = stress.sh ] &&
		[ $((${RDMARPC_STRESS_SECS:-300} + 300)) -gt "$t_secs" ]; then
		t_secs=$((${RDMARPC_STRESS_SECS:-300} + 300))
	fi
	start=$SECONDS
	timeout -k 10 "$t_secs" "$here/$t" < /dev/null 2>&1 |
		tee "$tmp/out" | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	peer_cleanup 2>&1 | sed 's/^/# /'

	sp=$(grep -Ec '^ok [0-9]+' "$tmp/out")
	ss=$(grep -Eic '^ok [0-9]+.*#[[:space:]]*skip' "$tmp/out")
	sf=$(grep -Ec '^not ok [0-9]+' "$tmp/out")
	sp=$((sp - ss))
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$tmp/out" | head -1)
	ran=$((sp + ss + sf))

	why=
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		why="TIMEOUT $t_secs seconds"
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then
		why="exit=$rc"
	elif [ "$sf" -gt 0 ]; then
		why="exit=$rc, $sf subtests failed"
	fi
	if [ -n "$plan" ] && [ "$ran" -ne "$plan" ]; then
		echo "# $t: planned $plan subtests, ran $ran"
		why=${why:-"planned $plan, ran $ran"}
		[ "$sf" -eq 0 ] && sf=1
	fi

	if [ "$ran" -eq 0 ]; then
		# No KTAP from the test: the test is the result.
		case "$rc" in
		0) sp=1 ;;
		4) ss=1 ;;
		*) sf=1 ;;
		esac
	elif [ -n "$why" ] && [ "$sf" -eq 0 ]; then
		sf=1
	fi
	pass=$((pass + sp))
	fail=$((fail + sf))
	skip=$((skip + ss))

	echo "# $t: ${sp} passed, ${sf} failed, ${ss} skipped in $((SECONDS - start))s"
	if [ -n "$why" ]; then
		echo "not ok $nr $name # $why"
	elif [ "$rc" -eq 4 ]; then
		echo "ok $nr $name # SKIP"
	else
		echo "ok $nr $name"
	fi
done

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
if [ "$fail" -gt 0 ]; then
	exit 1
elif [ "$pass" -eq 0 ]; then
	exit 4
fi
exit 0
