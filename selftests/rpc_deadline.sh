#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Deadlines and cancellation reach the server (rpc_helper reqstate on the
# peer, callers here):
#  1. a request whose caller's deadline (6 s; 30 s on the debug kernel)
#     passes while it waits in the server's queue (the caller's CANCEL
#     lost: fault_tx_drop here) is never handed to the handler: the module
#     answers DEADLINE_EXCEEDED and counts it (rpc.requests_expired);
#  2. a call cancelled while its request waits in the queue: the request
#     never reaches the handler (rpc.requests_cancelled);
#  3. the handler reads the time its caller has left (a 5 s call: between
#     0 and 5000 ms) and no cancellation;
#  4. a call cancelled while the handler holds its request: the handler
#     sees POLLPRI and the flag (rdmarpc_request_state()) within seconds;
#  5. a call that times out while the handler holds it: the same;
#  6. the server's sessions counted each CANCEL (cancels), the module each
#     cancelled request.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ktap_plan 6
ktap_require_rdma

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	"$CTL" set fault_tx_drop 0 > /dev/null 2>&1
	kill_bg
	stop_server
}
trap cleanup EXIT

# sstat KEY: a module-wide rpc counter of the server's host.
sstat() {
	server_stat rpc "$1"
}

# shellcheck disable=SC2317 # called through wait_until
# took N: the server has taken N requests.
took() {
	[ "$(peer_log "$SERVER" | grep -c '^took ')" -ge "$1" ]
}

# shellcheck disable=SC2317 # called through wait_until
# requests_at_least N: the server's module has queued N requests.
requests_at_least() {
	[ "$(sstat requests)" -ge "$1" ] 2> /dev/null
}

# shellcheck disable=SC2317 # called through wait_until
# held N: the handler has reported on N held requests.
held() {
	[ "$(peer_log "$SERVER" | grep -c '^held: ')" -ge "$1" ]
}

exp0=$(sstat requests_expired)
can0=$(sstat requests_cancelled)
scan0=$(stat_sum server cancels)

# -- 1, 2: in the queue (the handler takes one request every QUEUE_MS) --
# The server sleeps QUEUE_MS before each request it takes, so that the
# first call (CALL_MS) expires in its queue, its CANCEL lost.  On the debug
# kernel, two hosts, starting the caller took longer than 14 s, and seeing
# the request queued and dropping this host's sends longer than 6 s (the
# CANCEL got out): 30 s and 90 s there.
CALL_MS=6000
QUEUE_MS=20000
if [ "${RDMARPC_DEBUG_LANE:-0}" = 1 ]; then
	CALL_MS=30000
	QUEUE_MS=90000
fi
start_server "reqstate: serving" \
	"$HELPER reqstate --service dl.queue --delay $QUEUE_MS"
st=$?
if [ $st -eq 0 ]; then
	req0=$(sstat requests)
	"$HELPER" call --peer "$PEER" --service dl.queue --size 64 \
		--timeout "$CALL_MS" > "$T/dl_expire.out" 2>&1 &
	BG+=($!)
	# Queued on the server: from now on nothing of this host gets out,
	# so the caller's CANCEL at its deadline is lost.
	wait_until 20 requests_at_least $((req0 + 1)) || st=1
	"$CTL" set fault_tx_drop 1000000 > /dev/null || st=1
	wait "${BG[0]}"
	BG=()
	"$CTL" set fault_tx_drop 0 > /dev/null || st=1
	grep -q 'ETIMEDOUT' "$T/dl_expire.out" || st=1
	ktap_note "expiring call: $(tail -n 1 "$T/dl_expire.out")"
fi
ktap_check "a $((CALL_MS / 1000)) s call waits in a busy server's queue, its CANCEL lost: ETIMEDOUT" $st

out=$("$HELPER" cancel --peer "$PEER" --service dl.queue --after 500 \
	--timeout 20000 2>&1)
st=$?
ktap_note "cancelled in the queue: $out"
# The one request the handler takes is the next one: neither of the two
# before it reached it.
out2=$("$HELPER" call --peer "$PEER" --service dl.queue --size 64 \
	--timeout $((3 * QUEUE_MS)) 2>&1) || st=1
took 1 && [ "$(peer_log "$SERVER" | grep -c '^took ')" = 1 ] || st=1
exp1=$(sstat requests_expired)
can1=$(sstat requests_cancelled)
ktap_note "then a call: $(tail -n 1 <<< "$out2"); server: $(peer_log "$SERVER" | tr '\n' ';'); requests_expired $exp0 -> $exp1, requests_cancelled $can0 -> $can1"
[ $st -eq 0 ] && [ "$exp1" -ge $((exp0 + 1)) ] &&
	[ "$can1" -ge $((can0 + 1)) ]
ktap_check "expired and cancelled requests never reach the handler (DEADLINE_EXCEEDED, CANCELLED, counted)" $?
stop_server

# -- 3, 4, 5: held by the handler -------------------------------------------
start_server "reqstate: serving" "$HELPER reqstate --service dl.held --delay 0"
out=$("$HELPER" call --peer "$PEER" --service dl.held --size 64 \
	--timeout 5000 2>&1)
st=$?
left=$(peer_log "$SERVER" | sed -n 's/^took len 64 left \([0-9-]*\) cancelled 0$/\1/p' |
	tail -n 1)
ktap_note "call: $(tail -n 1 <<< "$out"); the handler saw ${left:-nothing} ms left"
[ $st -eq 0 ] && [ -n "$left" ] && [ "$left" -gt 0 ] && [ "$left" -le 5000 ]
ktap_check "the handler reads the time its caller has left (0 < $left <= 5000 ms)" $?

# held_case N WHAT ARGS...: a hold request (rpc_helper cancel --hold ARGS),
# the handler's Nth; its caller must end as ARGS say and the handler must
# see POLLPRI and the flag.
held_case() {
	local n=$1 what=$2 out st line
	shift 2
	out=$("$HELPER" cancel --peer "$PEER" --service dl.held --hold "$@" 2>&1)
	st=$?
	wait_until 30 held "$n"
	line=$(peer_log "$SERVER" | grep '^held: ' | sed -n "${n}p")
	ktap_note "caller: $out; handler: $line"
	[ $st -eq 0 ] &&
		grep -Eq '^held: cancelled 1 after [0-9]+ ms, pollpri 1$' <<< "$line"
	ktap_check "a call $what while its handler runs: the handler sees POLLPRI and the flag" $?
}

held_case 1 cancelled --after 1000 --timeout 60000
held_case 2 "timing out" --timeout 1500
stop_server

can2=$(sstat requests_cancelled)
scan1=$(stat_sum server cancels)
ktap_note "requests_cancelled $can0 -> $can2, server sessions' cancels $scan0 -> $scan1"
[ "$can2" -ge $((can0 + 3)) ] && [ "$scan1" -ge $((scan0 + 3)) ]
ktap_check "the server counted the cancelled requests and the CANCELs" $?

ktap_finish
