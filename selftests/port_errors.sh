#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A port's QP failing outside teardown, and AHs outliving teardown's wait.
# Needs the debug build's knobs (make module-debug); without them every
# test fails saying so.
#
#  - rdmarpc.dbg_qp_err: writing 1 moves every port's QP to ERR.  The
#    flushed receives must not be reposted forever (the count of flushed
#    receive completions, rdmarpc.dbg_rx_flushed, stays bounded), the
#    module says so in the log, and echo calls work again: the port
#    recovers (QP RESET -> INIT -> RTR -> RTS, receives reposted).  After
#    that `rdma link delete/add` still works and echo works after it.
#  - rdmarpc.dbg_ah_free_delay_ms: every AH's free waits this long, beyond
#    teardown's wait for the last AH.  `rdma link delete` must still end
#    cleanly: no AH destroyed after its PD (no WARNING, no usecnt splat),
#    and the device can be added again and used.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ktap_plan 11
ktap_require_rdma

PARAMS=/sys/module/rdmarpc/parameters
SPLAT='WARNING:|BUG:|Oops|usecnt|ref leak|refcount_t:|KASAN|general protection'

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	[ -w "$PARAMS/dbg_ah_free_delay_ms" ] &&
		echo 0 > "$PARAMS/dbg_ah_free_delay_ms" 2> /dev/null
	stop_server
	ensure_rxe > /dev/null 2>&1
}
trap cleanup EXIT

missing=
for k in dbg_qp_err dbg_rx_flushed dbg_ah_free_delay_ms; do
	[ -e "$PARAMS/$k" ] || missing+=" $k"
done
if [ -n "$missing" ]; then
	ktap_note "rdmarpc has no parameter$missing: the module is not a debug build (make module-debug)"
	while [ "$KTAP_NR" -lt "$KTAP_PLAN" ]; do
		ktap_fail "debug knobs present: the module is not a debug build"
	done
	ktap_finish
fi

flushed() {
	cat "$PARAMS/dbg_rx_flushed"
}

# splats MARK: kernel log lines since MARK that a clean run must not have.
splats() {
	log_since "$1" | grep -E -- "$SPLAT"
}

# 1: the knobs check their range.
r1=0
echo 30001 > "$PARAMS/dbg_ah_free_delay_ms" 2> /dev/null && r1=1
echo 2 > "$PARAMS/dbg_qp_err" 2> /dev/null && r1=1
echo 0 > "$PARAMS/dbg_ah_free_delay_ms" || r1=1
[ $r1 -eq 0 ]
ktap_check "debug knobs reject out-of-range values" $?

# ---- (b) a QP error outside teardown ----
recv_depth=$(cat "$PARAMS/recv_depth")
start_echo_server && echo_ok 20
ktap_check "echo_server serving, \"hello rdma\" comes back" $?

log_mark qp_err
c0=$(flushed)
rc=0
echo 1 > "$PARAMS/dbg_qp_err" || rc=1
rr_sleep 3
c1=$(flushed)
rr_sleep 3
c2=$(flushed)
ktap_note "flushed receives: $c0 before, $c1 after 3 s, $c2 after 6 s (recv_depth $recv_depth)"
[ $rc -eq 0 ] && [ $((c1 - c0)) -le $((4 * recv_depth)) ] &&
	[ $((c2 - c1)) -le "$recv_depth" ]
st=$?
ktap_check "QP forced to ERR: flushed receives not reposted forever ($((c1 - c0)), then $((c2 - c1)) more)" $st

log=$(log_since qp_err)
ktap_note "$(grep -E 'rdmarpc' <<< "$log" | grep -v 'mark ' | tail -n 8)"
grep -Eq 'QP in error' <<< "$log"
ktap_check "the QP error is logged" $?

echo_ok 30
ktap_check "echo works again after the QP error (the port recovered)" $?

c3=$(flushed)
echo_ok 10
c4=$(flushed)
[ "$c3" = "$c4" ]
ktap_check "no flushed receive during a call after recovery ($c3 -> $c4)" $?

stop_server
nd=$(rdma link show "$DEV/1" | sed -n 's/.* netdev \([^ ]*\).*/\1/p')
[ -n "$nd" ] || nd=$NETDEV
timeout 60 rdma link delete "$DEV" && wait_port_gone "$DEV" 1 10 &&
	timeout 30 rdma link add "$DEV" type rxe netdev "$nd" &&
	wait_port_up "$DEV" 1 20 && start_echo_server && echo_ok 30
ktap_check "rdma link delete/add after the QP error, echo works after" $?
stop_server

[ -z "$(splats qp_err)" ]
ktap_check "no kernel splat after the QP error" $?

# ---- (a) an AH freed after teardown's wait ----
out=$("$CTL" -j loopback "$DEV" 1 10 256 2>&1)
[ "$(jq -r '.received' <<< "$out" 2> /dev/null)" = 10 ] || ktap_note "loopback: $out"
echo 13000 > "$PARAMS/dbg_ah_free_delay_ms"
log_mark ah_delay
start=$SECONDS
timeout 60 rdma link delete "$DEV"
rc=$?
took=$((SECONDS - start))
wait_port_gone "$DEV" 1 10
gone=$?
# The delayed free runs 13 s after teardown dropped the AH.
rr_sleep $((took < 15 ? 15 - took : 1))
echo 0 > "$PARAMS/dbg_ah_free_delay_ms"
log=$(log_since ah_delay)
ktap_note "$(grep -E 'rdmarpc' <<< "$log" | grep -v 'mark ' | tail -n 8)"
bad=$(splats ah_delay)
[ -n "$bad" ] && ktap_note "$bad"
[ $rc -eq 0 ] && [ $gone -eq 0 ] && [ -z "$bad" ]
ktap_check "rdma link delete with an AH free delayed past teardown's wait (${took}s): no splat" $?

timeout 30 rdma link add "$DEV" type rxe netdev "$nd" && wait_port_up "$DEV" 1 20
rc=$?
out=$("$CTL" -j loopback "$DEV" 1 100 256 2>&1)
[ $rc -eq 0 ] && [ "$(jq -r '.received' <<< "$out" 2> /dev/null)" = 100 ]
ktap_check "device added again, loopback works" $?

rr_sleep 1
[ -z "$(splats ah_delay)" ]
ktap_check "no kernel splat after the AH test" $?
ktap_finish
