#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Records that userspace can free while the module still works on them.
# Each case widens the window with a debug knob of the module (the test
# guests load its debug build), so that the other side frees the record
# inside it every time; on the debug kernel KASAN reports any access to it
# afterwards (the harness fails the run), elsewhere the calls must simply
# all succeed:
#
#  - a SUBMITted call's completion, reaped (REAP without waiting, called
#    again at once) while its ->done still runs: the calls wait on a sink
#    until their peer is deleted, and dbg_call_done_delay_ms holds each
#    ->done once its call is listed for REAP;
#  - a request answered by REPLY from a second thread, which guesses its
#    id, while the RECV that handed it over still runs:
#    dbg_req_held_delay_ms holds RECV once the request is held.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

N=8
KNOBS=/sys/module/rdmarpc/parameters

ktap_plan 4
ktap_require_rdma

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	kill_bg
	stop_server
	"$CTL" peer del races > /dev/null 2>&1
	echo 0 > "$KNOBS/dbg_call_done_delay_ms" 2> /dev/null
	on_both "echo 0 > $KNOBS/dbg_req_held_delay_ms" > /dev/null 2>&1
}
trap cleanup EXIT

# -- a completion reaped while ->done runs --------------------------------
# Calls held by a sink on the peer fail when their peer is deleted; the
# session dies in the netlink command's process context, where ->done
# sleeps with the knob set, while the client polls REAP.
"$CTL" peer add races "$PEER" > /dev/null
if start_server "sink: serving" "$HELPER sink --service races.sink"; then
	ktap_ok "a sink on the peer"
else
	ktap_fail "a sink on the peer"
fi
echo 100 > "$KNOBS/dbg_call_done_delay_ms"
"$HELPER" call --peer races --service races.sink --count $N --size 64 \
	--timeout 60000 --poll > "$T/rpc_races.call" 2>&1 &
BG+=($!)
wait_until 60 grep -q '^submitted' "$T/rpc_races.call"
"$CTL" peer del races > /dev/null
wait_until 60 grep -q '^calls ' "$T/rpc_races.call"
kill_bg --wait
echo 0 > "$KNOBS/dbg_call_done_delay_ms"
out=$(cat "$T/rpc_races.call")
ktap_note "$(tail -n 1 <<< "$out")"
grep -q "^calls $N: ok 0 [A-Z]* $N (" <<< "$out"
ktap_check "$N calls failed by their peer's deletion and reaped without waiting, each while its ->done is held 100 ms after listing it: all reported" $?
stop_server

# -- a request answered while RECV runs -----------------------------------
on_both "echo 200 > $KNOBS/dbg_req_held_delay_ms" > /dev/null
if start_server "serving 'early'" "$HELPER early --count $N"; then
	ktap_ok "a server answering from a second thread, on the peer"
else
	ktap_fail "a server answering from a second thread, on the peer"
fi
out=$(timeout -k 5 120 "$HELPER" call --peer "$PEER" --service early \
	--count $N --size 0 --timeout 30000 2>&1)
rc=$?
peer_wait "$SERVER" 30
src=$?
ktap_note "$(tail -n 1 <<< "$out"); server: $(peer_log "$SERVER" | tail -n 1)"
SERVER=
on_both "echo 0 > $KNOBS/dbg_req_held_delay_ms" > /dev/null
[ $rc -eq 0 ] && [ $src -eq 0 ] && grep -q "^calls $N: ok $N (" <<< "$out"
ktap_check "$N requests answered by another thread while RECV, held 200 ms after the request became answerable, still ran: all answered, server exited 0" $?
ktap_finish
