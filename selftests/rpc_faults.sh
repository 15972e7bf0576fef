#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The session layer under injected faults, on every host involved:
# 5% of datagrams dropped on send, 5% reordered, 1% duplicated, 0.1%
# corrupted (`rdmarpcctl set fault_*`).  10,000 RPCs must all complete,
# every reply intact (echo_client checks each byte), and no request may
# run twice: echo_server --count 10000 exits after exactly 10,000 handled
# requests, so one handled twice would leave a call unanswered, and the
# peer's server-side `requests` counter must have grown by 10,000 too.
# The retransmit and CRC-drop counters must have moved (the faults were
# real).  A fifth of the 256-byte calls each go through the shared rings
# and through io_uring, the rest through ioctls.  The fault knobs are back at 0 at the end, whatever happens.
# On the debug kernel (a datagram costs about 2 ms there) a tenth of the
# RPCs, with twice the time for each run.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ktap_plan 14
ktap_require_rdma

FAULTS=(fault_tx_drop 5% fault_reorder 5% fault_duplicate 1% fault_corrupt 0.1%)
NOFAULTS="fault_tx_drop 0 fault_rx_drop 0 fault_duplicate 0 fault_reorder 0 fault_corrupt 0"

reset_faults() {
	on_both "$CTL set $NOFAULTS" > /dev/null 2>&1
}

cleanup() {
	reset_faults
	stop_server
}
trap cleanup EXIT

# faults_are TX REORDER DUP CORRUPT: the module's parameters (ppm), here
# and on the peer.
faults_are() {
	local want="$1 $2 $3 $4" q got
	q='"\(.fault_tx_drop) \(.fault_reorder) \(.fault_duplicate) \(.fault_corrupt)"'
	got=$("$CTL" -j param show | jq -r "$q")
	[ "$got" = "$want" ] || return 1
	[ "$MODE" = two ] || return 0
	got=$(ctl_peer -j param show | jq -r "$q")
	[ "$got" = "$want" ]
}

if [ "${RDMARPC_DEBUG_LANE:-0}" = 1 ]; then
	N1=950 N2=50 RUN_S=480
else
	N1=9500 N2=500 RUN_S=240
fi
N=$((N1 + N2))
mtu=$(port_json "$DEV" 1 | jq -r '.mtu // empty')
[[ $mtu =~ ^[0-9]+$ ]] || mtu=1024
big=$((3 * (mtu - 32) + 17))	# four packets, the last one short

# N calls under faults and one clean call before them.
start_echo_server --count $((N + 1))
st=$?
ktap_check "echo_server --count $((N + 1)) serving on the peer" $st

# A session exists before the counters are read.
echo_ok 10
ktap_check "a clean call first" $?

calls0=$(sess_sum "$("$CTL" -j session show 2> /dev/null)" client calls_ok)
reqs0=$(sess_sum "$(ctl_peer -j session show 2> /dev/null)" server requests)
retx0=$(stat_sum "" retransmits)
crc0=$(stat_sum "" crc_drops)
dupp0=$(stat_sum "" dup_packets)
dupr0=$(stat_sum "" dup_requests)

on_both "$CTL set ${FAULTS[*]}" && faults_are 50000 50000 10000 1000
ktap_check "set ${FAULTS[*]} ($MODE host mode: on every host)" $?

# The 256-byte calls through each tier: ioctls, shared rings (busy
# polling), io_uring.
T=$((N1 / 5))
run_echo "$((N1 - 1 - 2 * T)) calls of 256 bytes, concurrency 16, under faults" $RUN_S \
	--timeout 60000 --size 256 --count $((N1 - 1 - 2 * T)) --concurrency 16 -q
CHECKED_ALSO="shared rings" run_echo \
	"$T calls of 256 bytes through shared rings, concurrency 16, under faults" \
	$RUN_S --timeout 60000 --busy-poll 50 --size 256 --count "$T" \
	--concurrency 16 -q
run_checked "$T calls of 256 bytes through io_uring, 16 in flight, under faults" \
	$RUN_S "$TOP/tools/examples/uring_echo" --timeout 60000 --size 256 \
	--count "$T" --depth 16
run_echo "$N2 calls of $big bytes (4 packets), concurrency 8, under faults" $RUN_S \
	--timeout 60000 --size "$big" --count "$N2" --concurrency 8 -q
echo_ok
ktap_check "the ${N}th call, \"hello rdma\", under faults" $?

peer_wait "$SERVER" 30
rc=$?
ktap_note "echo_server: $(peer_log "$SERVER" | tail -n 5)"
[ $rc -eq 0 ]
st=$?
ktap_check "echo_server handled exactly $((N + 1)) requests and exited (status $rc): none ran twice" $st
SERVER=

calls=$(( $(sess_sum "$("$CTL" -j session show 2> /dev/null)" client calls_ok) - calls0 ))
reqs=$(( $(sess_sum "$(ctl_peer -j session show 2> /dev/null)" server requests) - reqs0 ))
[ "$calls" -eq "$N" ] && [ "$reqs" -eq "$N" ]
ktap_check "counters: $calls calls ok here, $reqs requests run on the peer (want $N each)" $?

retx=$(( $(stat_sum "" retransmits) - retx0 ))
crc=$(( $(stat_sum "" crc_drops) - crc0 ))
dupp=$(( $(stat_sum "" dup_packets) - dupp0 ))
dupr=$(( $(stat_sum "" dup_requests) - dupr0 ))
ktap_note "retransmits +$retx, crc_drops +$crc, dup_packets +$dupp, dup_requests +$dupr"
[ "$retx" -gt 0 ]
ktap_check "retransmissions happened (+$retx)" $?
[ "$crc" -gt 0 ]
ktap_check "corrupted datagrams were dropped by CRC (+$crc)" $?

reset_faults && faults_are 0 0 0 0
ktap_check "faults back to 0" $?

start_echo_server && echo_ok 10
ktap_check "a clean call afterwards" $?
stop_server
ktap_finish
