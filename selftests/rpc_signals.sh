#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Synchronous calls under a 1 kHz interval timer (SIGALRM), each answered
# 5 ms late by a server on the peer that counts the sequence numbers it
# sees, so that several signals land in every call's wait:
#  1. handler installed with SA_RESTART: every call succeeds, none returns
#     EINTR, and the server ran each exactly once;
#  2. without SA_RESTART: calls return EINTR; made again with the same
#     arguments, each waits for the call already out: every call succeeds
#     and the server still ran each exactly once.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

N=200

ktap_plan 4
ktap_require_rdma

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	stop_server
}
trap cleanup EXIT

# run_case NAME SERVICE ARGS...: the counter on the peer, then the calls.
# Sets OUT (the caller's output), RC (its status) and COUNT (the server's
# last line).
run_case() {
	local name=$1 svc=$2
	shift 2
	OUT='' RC=1 COUNT=''
	if ! start_server "counter: serving" \
		"$HELPER counter --service $svc --count $N --delay 5"; then
		ktap_fail "$name: a counting server on the peer"
		return 1
	fi
	OUT=$(timeout -k 5 300 "$HELPER" signals --peer "$PEER" \
		--service "$svc" --count $N --timeout 30000 "$@" 2>&1)
	RC=$?
	COUNT=$(peer_log "$SERVER" | tail -n 1)
	stop_server
	ktap_note "$(tail -n 1 <<< "$OUT"); server: $COUNT"
	ktap_ok "$name: a counting server on the peer"
}

# signals_at_least OUT N: the caller counted N or more signals.
signals_at_least() {
	local s
	s=$(sed -n 's/.* signals \([0-9]*\)$/\1/p' <<< "$1" | tail -n 1)
	[ -n "$s" ] && [ "$s" -ge "$2" ]
}

run_case "SA_RESTART" sig.restart
[ "$RC" -eq 0 ] && grep -q "^calls $N: ok $N eintr 0 " <<< "$OUT" &&
	signals_at_least "$OUT" "$N" &&
	[ "$COUNT" = "answered $N distinct $N dup 0 bad 0" ]
st=$?
ktap_check "$N calls under a 1 kHz SA_RESTART timer: all succeed, no EINTR, each run once on the server" $st

run_case "no SA_RESTART" sig.norestart --no-restart
eintr=$(sed -n 's/.* eintr \([0-9]*\) .*/\1/p' <<< "$OUT" | tail -n 1)
[ "$RC" -eq 0 ] && grep -q "^calls $N: ok $N " <<< "$OUT" &&
	[ "${eintr:-0}" -gt 0 ] &&
	[ "$COUNT" = "answered $N distinct $N dup 0 bad 0" ]
st=$?
ktap_check "$N calls under a 1 kHz timer without SA_RESTART: EINTR ($eintr), made again, each run once on the server" $st

ktap_finish
