#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stress: for $RDMARPC_STRESS_SECS (default 300) seconds, selftests/stress
# runs seeded random sequences of every /dev/rdmarpc ioctl and every
# netlink command, SIGKILLs its workers mid-call, deletes and re-adds the
# RDMA device, turns the fault_* knobs on and off, while an echo client
# checks every reply of an echo_server on the peer (the other guest with
# --two-hosts).  It fails on a wrong payload, an errno outside an
# operation's documented set, or echo traffic stalled for longer than
# $RDMARPC_STRESS_STALL (default 60) seconds while the device was there.
# Replay a run with RDMARPC_STRESS_SEED=<the seed it printed>.  Whether the
# module still unloads and the kernel log stays clean is judged by the
# harness afterwards.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

SECS=${RDMARPC_STRESS_SECS:-300}
STALL=${RDMARPC_STRESS_STALL:-60}
SEED=${RDMARPC_STRESS_SEED:-}
STRESS=$TOP/selftests/stress
SVC=stress.echo

ktap_plan 4
ktap_require_rdma

NOFAULTS=(fault_tx_drop 0 fault_rx_drop 0 fault_duplicate 0 fault_reorder 0 fault_corrupt 0)
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	stop_server
	"$CTL" set "${NOFAULTS[@]}" > /dev/null 2>&1
	ensure_rxe
}
trap cleanup EXIT

# The echo server on the peer; only its first line is kept (see
# start_echo_server in rpc_common.sh).
start_server "serving '$SVC'" "set -o pipefail; $ECHO_SERVER --service $SVC |
	{ IFS= read -r l; echo \"\$l\"; exec cat > /dev/null; }"
ktap_check "echo_server --service $SVC on the peer" $?

args=(--peer "$PEER" --self "${RDMARPC_LOCAL_IP:-$PEER}" --service "$SVC"
	--seconds "$SECS" --stall-secs "$STALL" --ibdev "$DEV" --netdev "$NETDEV")
[ -n "$SEED" ] && args+=(--seed "$SEED")
out=$T/stress.out
ktap_note "$STRESS ${args[*]}"
"$STRESS" "${args[@]}" > "$out" 2>&1
rc=$?
# The seed first, then the summary (and what went wrong).
ktap_note "$(grep -m1 'seed' "$out")"
ktap_note "$(sed -n '/summary after/,$p' "$out")"
if [ $rc -ne 0 ]; then
	ktap_note "$(grep -v -e '^stress:   ' "$out" | tail -n 40)"
fi
cp "$out" "${RDMARPC_RESULTS:-$T}/stress.out" 2> /dev/null
[ $rc -eq 0 ]
st=$?
ktap_check "stress for ${SECS}s: $(grep -o 'verified echoes [0-9]* (echo worker) + [0-9]* (chaos workers)' "$out" | tail -n 1), $(grep -o 'violations [0-9]*' "$out" | tail -n 1)" $st

# Afterwards: the device is there, faults off, echo works, the server
# survived the whole run.
"$CTL" set "${NOFAULTS[@]}" > /dev/null && ensure_rxe && wait_port_up "$DEV" 1 30
ktap_check "$DEV back, faults off" $?

peer_log "$SERVER" | grep -q "serving '$SVC'" && [ ! -s "$_rr_d/out/$SERVER.rc" ]
ktap_check "echo_server still running on the peer" $?
stop_server
ktap_finish
