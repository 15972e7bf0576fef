#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module-wide counters of `rdmarpcctl stats` (netlink STATS_GET):
#
#  - the text form has the handshake, faults and rpc lines, the JSON form
#    every counter of each, as numbers, and the two agree;
#  - junk sent to the handshake port here is refused: handshake.refused
#    grows by one per connection;
#  - calls count: rpc.calls here and rpc.requests / rpc.replies where the
#    echo_server runs, and handshake.connected is not 0 once a session
#    was set up;
#  - with fault_tx_drop set here, faults.tx_drop counts while echo_client
#    still gets every reply (retransmissions), and stops counting when the
#    knob is back at 0.  The knob is reset at the end, whatever happens.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ktap_plan 13
ktap_require_rdma

HS_KEYS="accepted refused connected failed dead addr_refused"
FAULT_KEYS="tx_drop rx_drop duplicate reorder corrupt unknown wrong_src"
RPC_KEYS="endpoints calls calls_failed cancels requests requests_unserved requests_dropped requests_aborted replies requests_expired requests_cancelled idem_entries idem_bytes idem_hits idem_joins idem_misses idem_evictions idem_expired idem_uncached"
N=100
JUNK=3
DROP=10%
PORT=$("$CTL" -j param show 2> /dev/null | jq -r '.tcp_port // 18515')
SELF=${LOCAL_IP:-$PEER}

cleanup() {
	"$CTL" set fault_tx_drop 0 > /dev/null 2>&1
	stop_server
}
trap cleanup EXIT

# mstat GROUP KEY: a module counter here; mstat_peer: on the peer.
mstat() {
	"$CTL" -j stats 2> /dev/null | jq -r ".$1.$2 // empty"
}

mstat_peer() {
	ctl_peer -j stats 2> /dev/null | jq -r ".$1.$2 // empty"
}

# refused_by N: handshake.refused here has reached N.
refused_by() {
	[ "$(mstat handshake refused)" -ge "$1" ] 2> /dev/null
}

# 1-2: the forms.
text=$("$CTL" stats 2>&1)
rc=$?
ktap_note "$(grep -E '^(handshake|faults|rpc):' <<< "$text")"
[ $rc -eq 0 ] && grep -q '^handshake: accepted [0-9]' <<< "$text" &&
	grep -q '^faults: tx-drop [0-9]' <<< "$text" &&
	grep -q '^rpc: endpoints [0-9]' <<< "$text"
ktap_check "rdmarpcctl stats: handshake, faults and rpc lines" $?

json=$("$CTL" -j stats 2>&1)
missing=
for g in "handshake:$HS_KEYS" "faults:$FAULT_KEYS" "rpc:$RPC_KEYS"; do
	for k in ${g#*:}; do
		jq -e --arg g "${g%%:*}" --arg k "$k" \
			'.[$g][$k] | type == "number"' <<< "$json" > /dev/null 2>&1 ||
			missing+=" ${g%%:*}.$k"
	done
done
[ -z "$missing" ]
ktap_check "rdmarpcctl -j stats: every module counter, a number${missing:+ (missing:$missing)}" $?

# 3: text and JSON say the same (nothing moves between the two reads).
txt=$(sed -n 's/^handshake: .*  refused \([0-9]*\).*/\1/p' <<< "$text")
jsn=$(jq -r ".handshake.refused" <<< "$json")
[ -n "$txt" ] && [ "$txt" = "$jsn" ]
ktap_check "text and JSON agree: refused $txt / $jsn" $?

# 4: junk at the handshake port.
r0=$(mstat handshake refused)
for ((i = 0; i < JUNK; i++)); do
	(printf 'NOT-A-HELLO-%04d' "$i" > "/dev/tcp/$SELF/$PORT") 2> /dev/null
done
wait_until 20 refused_by $((r0 + JUNK))
st=$?
ktap_check "$JUNK junk connections to $SELF:$PORT: refused $r0 -> $(mstat handshake refused)" $st

# 5-7: calls.
start_echo_server
ktap_check "echo_server serving on the peer" $?
calls0=$(mstat rpc calls)
reqs0=$(mstat_peer rpc requests)
reps0=$(mstat_peer rpc replies)
echo_ok 10
ktap_check "a clean call" $?
calls=$(mstat rpc calls)
reqs=$(mstat_peer rpc requests)
reps=$(mstat_peer rpc replies)
conn=$(mstat handshake connected)
ktap_note "calls $calls0 -> $calls here; requests $reqs0 -> $reqs, replies $reps0 -> $reps on the peer; connected $conn"
# Earlier tests leave requests that were never answered (servers killed
# mid-call), so replies only has to grow with the requests.
[ "$calls" -gt "$calls0" ] && [ "$reqs" -gt "$reqs0" ] &&
	[ "$reps" -gt "$reps0" ] && [ "$conn" -ge 1 ]
ktap_check "rpc.calls and the peer's rpc.requests and rpc.replies grew, handshake.connected >= 1" $?

# 8-10: tx drops.
"$CTL" set fault_tx_drop "$DROP" &&
	[ "$("$CTL" -j param show | jq -r .fault_tx_drop)" = 100000 ]
ktap_check "set fault_tx_drop $DROP here" $?
drop0=$(mstat faults tx_drop)
failed0=$(mstat rpc calls_failed)
calls0=$(mstat rpc calls)
run_echo "$N calls of 512 bytes under $DROP tx drop" 240 \
	--timeout 60000 --size 512 --count "$N" --concurrency 4 -q
drop=$(mstat faults tx_drop)
failed=$(mstat rpc calls_failed)
calls=$(mstat rpc calls)
ktap_note "tx_drop $drop0 -> $drop, calls $calls0 -> $calls, calls_failed $failed0 -> $failed"
[ "$drop" -gt "$drop0" ] && [ "$calls" -ge $((calls0 + N)) ] &&
	[ "$failed" -eq "$failed0" ]
st=$?
ktap_check "faults.tx_drop counted (+$((drop - drop0))), rpc.calls +$((calls - calls0)), none failed" $st

# 11-12: back to 0.
"$CTL" set fault_tx_drop 0 &&
	[ "$("$CTL" -j param show | jq -r .fault_tx_drop)" = 0 ]
ktap_check "fault_tx_drop back to 0" $?
drop0=$(mstat faults tx_drop)
run_echo "$N calls without faults" 120 --timeout 10000 --size 512 \
	--count "$N" --concurrency 4 -q
drop=$(mstat faults tx_drop)
[ "$drop" -eq "$drop0" ]
ktap_check "faults.tx_drop still $drop0 without the fault ($drop)" $?

stop_server
ktap_finish
