#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module exit against configuration: PEER_ADD runs in a loop while the
# module unloads, again and again.  The interfaces (netlink, /dev/rdmarpc)
# must go first, so that nothing is added after the peers are torn down:
# no oops, every rmmod works, and no peer is left at exit ("peers leaked"
# in the log).  A debug build's dbg_exit_delay_ms widens the window
# between tearing the peers down and the rest of the exit.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ROUNDS=8
ktap_plan 2
ktap_require_rdma

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	kill_bg
	ensure_module
}
trap cleanup EXIT

knob=/sys/module/rdmarpc/parameters/dbg_exit_delay_ms
[ -e $knob ] || ktap_note "no $knob (not a debug build): a narrower window"

log_mark exit_race
bad=0
for ((r = 0; r < ROUNDS; r++)); do
	[ -e $knob ] && echo 400 > $knob
	for l in 1 2; do
		( n=0; while :; do
			"$CTL" peer add "race_${r}_${l}_$n" 10.98.$l.1 > /dev/null 2>&1
			n=$((n + 1))
		done ) &
		BG+=($!)
	done
	rr_sleep 0.5
	if ! rmmod rdmarpc; then
		ktap_note "round $r: rmmod failed"
		bad=1
	fi
	kill_bg --wait
	if ! insmod "$KO" || ! wait_port_up "$DEV" 1 20; then
		ktap_note "round $r: insmod failed"
		bad=1
		break
	fi
done
[ $bad = 0 ]
ktap_check "$ROUNDS unloads under a PEER_ADD loop" $?

log=$(log_since exit_race)
leaks=$(count_lines "peers leaked" "$log")
[ "$leaks" = 0 ] || ktap_note "$(grep "peers leaked" <<< "$log")"
[ "$leaks" = 0 ]
ktap_check "no peer left at exit ($leaks exits leaked)" $?

ktap_finish
