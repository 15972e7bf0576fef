#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module's tracepoints follow one call across both hosts (the ftrace
# buffer of a tracefs instance on each: lib/tracefs.sh).  The server runs
# on the peer (the other guest with two hosts, this one otherwise); the
# client here:
#  1. the rdmarpc events are in tracefs, on both hosts;
#  2. one echo call on a new session: this host traces session_up,
#     call_start and call_complete (err=0) of session A, whose peer_sess
#     is B, request N, in that order;
#  3. the serving host traces session_up, request_delivered and
#     request_replied of session B, whose peer_sess is A, request N (the
#     same method), in that order;
#  4. a 64 KiB call (more packets than the window): credit_stall events of
#     that call, between its start and its completion;
#  5. under loss injected here (fault_tx_drop): drops with reason
#     fault_tx, and timeouts and retransmits each naming a call (session
#     and request) that started before; every call completes intact.

# Functions run through the trap:
# shellcheck disable=SC2317

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"
# shellcheck source=selftests/lib/tracefs.sh
. "$(dirname "$0")/lib/tracefs.sh"

ktap_plan 5
ktap_require_rdma

cleanup() {
	"$CTL" set fault_tx_drop 0 > /dev/null 2>&1
	trace_end > /dev/null 2>&1
	trace_remove
	if [ "$MODE" = two ]; then
		peer_run -t 30 ". selftests/lib/tracefs.sh; trace_end > /dev/null 2>&1; trace_remove" \
			> /dev/null 2>&1
	fi
	stop_server
}
trap cleanup EXIT

# on_server CMD: the shell string CMD (a lib/tracefs.sh function) where the
# server runs.
on_server() {
	if [ "$MODE" = two ]; then
		peer_run -t 60 ". selftests/lib/tracefs.sh; $1"
	else
		bash -c ". '$TOP/selftests/lib/tracefs.sh'; $1"
	fi
}

# field LINE KEY: the value of KEY=... in an event line.
field() {
	sed -n "s/^[a-z_]*.* $2=\([^ ]*\).*/\1/p" <<< "$1"
}

# names_of EVENTS REGEX: the names of the events whose line matches the
# extended REGEX, in order, separated by spaces.
names_of() {
	grep -E -- "$2" <<< "$1" |
		awk '{ printf "%s%s", sep, $1; sep = " " }'
}

# -- 1. The events are there --------------------------------------------
kill_sessions
st=$?
# shellcheck disable=SC2119 # no options
start_echo_server
st=$((st | $?))
[ $st -eq 0 ] || ktap_note "set-up failed: sessions $("$CTL" -j session show 2> /dev/null | jq length)"
out=$(trace_begin 2>&1)
st=$?
if [ "$MODE" = two ]; then
	out="$out$(on_server trace_begin 2>&1)"
	st=$((st | $?))
fi
[ -n "$out" ] && ktap_note "$out"
ktap_check "tracefs has the rdmarpc events$([ "$MODE" = two ] && echo " on both hosts")" $st

# -- 2. One call, client side -------------------------------------------
echo_ok 30
call=$?
# Its last events may still be on their way to the buffer.
rr_sleep 1
CLIENT=$(trace_end)
if [ "$MODE" = two ]; then
	SERVER=$(on_server trace_end)
else
	SERVER=$CLIENT
fi
ktap_note "this host:"
ktap_note "$CLIENT"
[ "$MODE" = two ] && ktap_note "the serving host:" && ktap_note "$SERVER"

cs=$(grep -m 1 '^rdmarpc_call_start ' <<< "$CLIENT")
A=$(field "$cs" sess)
B=$(field "$cs" peer_sess)
N=$(field "$cs" req)
M=$(field "$cs" method)
cc=$(grep -E -m 1 "^rdmarpc_call_complete sess=$A peer_sess=$B req=$N " <<< "$CLIENT")
seq=$(names_of "$CLIENT" "^rdmarpc_session_up sess=$A peer_sess=$B |^rdmarpc_call_[a-z]+ sess=$A peer_sess=$B req=$N ")
ktap_note "call: session $A, peer session $B, request $N: $seq"
[ $call -eq 0 ] && [ -n "$A" ] && [ -n "$B" ] && [ -n "$N" ] &&
	[ "$seq" = "rdmarpc_session_up rdmarpc_call_start rdmarpc_call_complete" ] &&
	grep -Eq "^rdmarpc_session_up sess=$A peer_sess=$B role=client " <<< "$CLIENT" &&
	[ "$(field "$cc" err)" = 0 ] && [ "$(field "$cc" status)" = 0 ]
st=$?
ktap_check "client: session_up, call_start, call_complete (err=0) of sess=${A:-?} peer_sess=${B:-?} req=${N:-?}, in order" $st

# -- 3. The same call, server side --------------------------------------
rd=$(grep -E -m 1 "^rdmarpc_request_delivered sess=$B peer_sess=$A req=$N " <<< "$SERVER")
rr=$(grep -E -m 1 "^rdmarpc_request_replied sess=$B peer_sess=$A req=$N " <<< "$SERVER")
seq=$(names_of "$SERVER" "^rdmarpc_session_up sess=$B peer_sess=$A |^rdmarpc_request_[a-z]+ sess=$B peer_sess=$A req=$N ")
ktap_note "request: $seq"
[ -n "$A" ] && [ -n "$B" ] && [ -n "$N" ] &&
	[ "$seq" = "rdmarpc_session_up rdmarpc_request_delivered rdmarpc_request_replied" ] &&
	grep -Eq "^rdmarpc_session_up sess=$B peer_sess=$A role=server " <<< "$SERVER" &&
	[ "$(field "$rd" method)" = "$M" ] &&
	[ "$(field "$rr" err)" = 0 ] && [ "$(field "$rr" ret)" = 0 ]
st=$?
ktap_check "serving host: session_up, request_delivered, request_replied of sess=${B:-?} peer_sess=${A:-?} req=${N:-?}, in order" $st

# -- 4. A call larger than the window -----------------------------------
trace_begin > /dev/null
out=$(timeout 120 "$ECHO_CLIENT" --peer "$PEER" --timeout 60000 \
	--size 65536 --count 1 2>&1)
big=$?
rr_sleep 1
EV=$(trace_end)
cs=$(grep -m 1 '^rdmarpc_call_start .* len=65536 ' <<< "$EV")
A=$(field "$cs" sess)
N=$(field "$cs" req)
# The names in order, a run of the same one as one.
seq=$(names_of "$EV" "^rdmarpc_(call_[a-z]+|credit_stall) sess=$A peer_sess=[0-9]+ req=$N " |
	awk 'BEGIN { RS = " " } $1 != last { printf "%s%s", sep, $1; sep = " "; last = $1 }')
ktap_note "$out"
ktap_note "64 KiB call (sess=$A req=$N): $seq"
[ $big -eq 0 ] && [ -n "$A" ] &&
	[ "$seq" = "rdmarpc_call_start rdmarpc_credit_stall rdmarpc_call_complete" ]
st=$?
ktap_check "64 KiB call: credit_stall events between its call_start and call_complete" $st

# -- 5. Loss ------------------------------------------------------------
trace_begin > /dev/null
"$CTL" set fault_tx_drop 0.2 > /dev/null
st=$?
out=$(timeout 300 "$ECHO_CLIENT" --peer "$PEER" --timeout 60000 \
	--size 2000 --count 30 2>&1)
rc=$?
"$CTL" set fault_tx_drop 0 > /dev/null
rr_sleep 1
EV=$(trace_end)
ktap_note "$out"
# Every timeout and retransmit names a call that started before it.
bad=$(awk '
	$1 == "rdmarpc_call_start" { started[$2 " " $4] = 1 }
	$1 == "rdmarpc_timeout" || $1 == "rdmarpc_retransmit" {
		if (!(($2 " " $4) in started))
			print
	}' <<< "$EV")
drops=$(grep -c '^rdmarpc_drop .* reason=fault_tx ' <<< "$EV")
tos=$(grep -c '^rdmarpc_timeout ' <<< "$EV")
rtx=$(grep -c '^rdmarpc_retransmit ' <<< "$EV")
starts=$(grep -c '^rdmarpc_call_start ' <<< "$EV")
oks=$(grep -c '^rdmarpc_call_complete .* err=0 ' <<< "$EV")
ktap_note "drops (fault_tx) $drops, timeouts $tos, retransmits $rtx, calls started $starts, completed ok $oks"
[ -n "$bad" ] && ktap_note "naming no call: $bad"
[ $st -eq 0 ] && [ $rc -eq 0 ] &&
	grep -q ' 0 failed, 0 mismatched' <<< "$out" &&
	[ "$drops" -gt 0 ] && [ "$tos" -gt 0 ] && [ "$rtx" -gt 0 ] &&
	[ "$starts" -ge 30 ] && [ "$oks" -ge 30 ] && [ -z "$bad" ]
st=$?
ktap_check "fault_tx_drop 20%: drops (fault_tx), timeouts and retransmits of started calls; all 30 calls intact" $st

stop_server
ktap_finish
