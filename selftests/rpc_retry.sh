#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Retries of idempotent calls (rdmarpc_call_opts()) across a server
# restart.  A counting server on the peer takes the call and holds it 5 s;
# it is killed meanwhile (the call fails with ECONNABORTED), and a new
# one starts 1 s later (until then no one serves the method: the module
# answers UNIMPLEMENTED):
#  1. an idempotent call, whose policy retries transport errors and
#     UNIMPLEMENTED, is made again until the new server answers it: it
#     succeeds after more than one try, and the new server ran it once;
#  2. a call not marked idempotent, under the same policy, is not made
#     again: it fails with ECONNABORTED after one try, and the new server
#     sees nothing.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ktap_plan 2
ktap_require_rdma

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	kill_bg
	stop_server
}
trap cleanup EXIT

# restart_case SERVICE ARGS...: the call (rpc_helper retry ARGS) while its
# server restarts.  Sets OUT (the caller's last line) and LOG (what the
# second server printed).
# The first server holds the call this long: it is stopped before it
# answers.  On the debug kernel, two hosts, seeing its "took" and stopping
# it took longer than 5 s.
HOLD_MS=5000
[ "${RDMARPC_DEBUG_LANE:-0}" = 1 ] && HOLD_MS=40000

restart_case() {
	local svc=$1 out=$T/rpc_retry_$1.out pid
	shift
	OUT='' LOG=''
	start_server "counter: serving" \
		"exec $HELPER counter --service $svc --count 1 --delay $HOLD_MS" ||
		return 1
	"$HELPER" retry --peer "$PEER" --service "$svc" --timeout 60000 "$@" \
		> "$out" 2>&1 &
	pid=$!
	BG+=("$pid")
	wait_until 30 peer_log_has "took"
	stop_server
	rr_sleep 1
	start_server "counter: serving" \
		"exec $HELPER counter --service $svc --count 1 --delay 0" ||
		return 1
	wait_until 90 grep -q '^attempts' "$out"
	OUT=$(grep '^attempts' "$out")
	# Anything late would show now.
	rr_sleep 1
	LOG=$(peer_log "$SERVER")
	stop_server
	ktap_note "caller: ${OUT:-$(tail -n 3 "$out")}; second server: ${LOG//$'\n'/ | }"
}

# peer_log_has TEXT: the current server printed TEXT.
peer_log_has() {
	peer_log "$SERVER" | grep -q -- "$1"
}

restart_case retry.idem --idempotent
tries=$(sed -n 's/^attempts \([0-9]*\): ok$/\1/p' <<< "$OUT")
[ -n "$tries" ] && [ "$tries" -gt 1 ] &&
	grep -q '^answered 1 distinct 1 dup 0 bad 0$' <<< "$LOG"
st=$?
ktap_check "an idempotent call across its server's restart: made again, succeeds after ${tries:-?} tries, run once by the new server" $st

restart_case retry.once
[ "$OUT" = "attempts 1: ECONNABORTED" ] && ! grep -q '^took' <<< "$LOG"
st=$?
ktap_check "a call not marked idempotent is not made again: ECONNABORTED after one try, the new server sees nothing" $st

ktap_finish
