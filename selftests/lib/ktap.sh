# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# KTAP output for shell selftests, with kselftest's exit codes.
#
#   . "$(dirname "$0")/lib/ktap.sh"
#   ktap_plan 3
#   ktap_ok "rxe0 present"                 # or: ktap_fail "name" [reason]
#   ktap_skip "two hosts" "one-host mode"  # only when truly inapplicable
#   ktap_run "pingpong" ibv_ud_pingpong ...  # ok if the command succeeds;
#                                            # its output becomes diagnostics
#   ktap_require_rdma                      # no RDMA device: FAIL, not skip
#   ktap_finish                            # (alias: finish) exits 0 pass,
#                                          # 1 fail, 4 all skipped
#
# A test that runs fewer tests than it planned fails.

KTAP_PASS=0
KTAP_FAIL=0
KTAP_SKIP=0
KTAP_NR=0
KTAP_PLAN=

ktap_note() {
	local line
	while IFS= read -r line; do
		echo "# $line"
	done <<< "$*"
}

ktap_plan() {
	KTAP_PLAN=$1
	echo "TAP version 13"
	echo "1..$KTAP_PLAN"
}

ktap_ok() {
	KTAP_NR=$((KTAP_NR + 1))
	KTAP_PASS=$((KTAP_PASS + 1))
	echo "ok $KTAP_NR $1"
}

ktap_fail() {
	KTAP_NR=$((KTAP_NR + 1))
	KTAP_FAIL=$((KTAP_FAIL + 1))
	[ -n "${2:-}" ] && ktap_note "$2"
	echo "not ok $KTAP_NR $1"
}

ktap_skip() {
	KTAP_NR=$((KTAP_NR + 1))
	KTAP_SKIP=$((KTAP_SKIP + 1))
	echo "ok $KTAP_NR $1 # SKIP ${2:-}"
}

# ktap_check NAME CONDITION_STATUS: ok if the status is 0.
ktap_check() {
	if [ "$2" -eq 0 ]; then
		ktap_ok "$1"
	else
		ktap_fail "$1"
	fi
}

# ktap_run NAME CMD...: run CMD; its output is printed as diagnostics.
ktap_run() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ -n "$out" ] && ktap_note "$out"
	if [ $rc -eq 0 ]; then
		ktap_ok "$name"
	else
		ktap_fail "$name" "exit status $rc: $*"
	fi
	return $rc
}

# Inside a test guest there must be an RDMA device; finding none is a
# failure of the test run, never a reason to skip.
ktap_require_rdma() {
	local dev=${RDMARPC_IBDEV:-rxe0}
	if [ -e "/sys/class/infiniband/$dev" ]; then
		return 0
	fi
	ktap_note "no RDMA device $dev: tests need Soft-RoCE (selftests/vm.sh)"
	[ -n "$KTAP_PLAN" ] || ktap_plan 1
	while [ "$KTAP_NR" -lt "$KTAP_PLAN" ]; do
		ktap_fail "RDMA device $dev present"
	done
	ktap_finish
}

# For tests that only mean something with two hosts: skip them all (this is
# the one legitimate skip) and exit.
ktap_require_two_hosts() {
	[ "${RDMARPC_MODE:-one}" = two ] && return 0
	[ -n "$KTAP_PLAN" ] || ktap_plan 1
	while [ "$KTAP_NR" -lt "$KTAP_PLAN" ]; do
		ktap_skip "two-host test" "one-host mode"
	done
	ktap_finish
}

ktap_finish() {
	local total=$((KTAP_PASS + KTAP_FAIL + KTAP_SKIP))
	if [ -n "$KTAP_PLAN" ] && [ "$total" -ne "$KTAP_PLAN" ]; then
		echo "# planned $KTAP_PLAN tests but ran $total"
		KTAP_FAIL=$((KTAP_FAIL + 1))
	fi
	echo "# Totals: pass:$KTAP_PASS fail:$KTAP_FAIL xfail:0 xpass:0" \
		"skip:$KTAP_SKIP error:0"
	if [ "$KTAP_FAIL" -gt 0 ]; then
		exit 1
	elif [ "$KTAP_PASS" -eq 0 ] && [ "$KTAP_SKIP" -gt 0 ]; then
		exit 4
	fi
	exit 0
}

finish() {
	ktap_finish
}
