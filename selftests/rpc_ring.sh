#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Calls through shared rings (RDMARPC_IOC_RING_SETUP, set up by librdmarpc
# when busy polling is on): tools/examples/echo_client --busy-poll against
# echo_server on the peer (the other guest with two hosts, this one
# otherwise).  chardev_badinput has the rings' refusals, owners and a
# completion ring that overflows; here, both ways of serving them:
#
#  - rings served by RING_ENTER alone (the library's default): 32-byte
#    calls, 16 in flight; sizes around the packet boundary, 64 KiB and
#    1 MiB: every response carries exactly its own request's bytes, and
#    the summary says the rings carried the calls; no ring thread while
#    they run;
#  - with a ring thread (--ring-thread, RDMARPC_RING_SETUP_THREAD): kept
#    awake (a long busy-poll time) and asleep between calls (1 us: every
#    submission wakes it through RING_ENTER, every completion through the
#    endpoint's wait queue); 64 KiB;
#  - a process killed with 64 calls in flight, each way: its ring thread
#    (if any) ends, its endpoint closes (the module's endpoint count comes
#    back), and the next run works.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

tier_begin 16

# run_ring NAME BUSY_US ARGS...: echo_client through the rings; ok when
# every call came back intact and the rings carried them.
run_ring() {
	local name=$1 busy=$2
	shift 2
	CHECKED_ALSO="shared rings" run_checked "$name" "$SECS" \
		"$ECHO_CLIENT" --timeout "$CALL_MS" --busy-poll "$busy" "$@"
}

ring_threads() {
	pgrep -c '^rdmarpc-ring' || true
}
count_ring_threads() {
	t1=$(ring_threads)
}

# ring_killed ARGS...: echo_client with ARGS killed with 64 calls in
# flight (killed_in_flight checks that its endpoint closes); $t1 and $t2
# are the module's ring threads while it ran and after.
ring_killed() {
	t1=
	WHILE_RUNNING=count_ring_threads killed_in_flight "$ECHO_CLIENT" \
		--peer "$PEER" --timeout "$CALL_MS" --busy-poll 200 \
		--size 65536 --count 1000000 --concurrency 64 -q "$@"
	t2=$(ring_threads)
}

# Served by RING_ENTER alone.
run_ring "32 B x $((2000 / DIV)), 16 in flight, no ring thread" 200 \
	--size 32 --count $((2000 / DIV)) --concurrency 16
for size in $((pl - 1)) $pl $((pl + 1)); do
	run_ring "$size B x $((400 / DIV)), 32 in flight" 200 \
		--size "$size" --count $((400 / DIV)) --concurrency 32
done
run_ring "64 KiB x $((128 / DIV)), 8 in flight" 200 \
	--size 65536 --count $((128 / DIV)) --concurrency 8
run_ring "1 MiB x $((16 / DIV + 1)), 4 in flight" 200 \
	--size 1048576 --count $((16 / DIV + 1)) --concurrency 4
ring_killed
[ "${t1:-1}" -eq 0 ] && [ "$t2" -eq 0 ]
ktap_check "no ring thread: ${t1:-?} while running, $t2 after" $?

# With a ring thread.
run_ring "32 B x $((2000 / DIV)), 16 in flight, ring thread awake" 2000 \
	--size 32 --count $((2000 / DIV)) --concurrency 16 --ring-thread
run_ring "32 B x $((1000 / DIV)), 2 in flight, ring thread asleep between calls" 1 \
	--size 32 --count $((1000 / DIV)) --concurrency 2 --ring-thread
run_ring "64 KiB x $((128 / DIV)), 8 in flight, ring thread" 200 \
	--size 65536 --count $((128 / DIV)) --concurrency 8 --ring-thread
ring_killed --ring-thread
[ "${t1:-0}" -ge 1 ] && [ "$t2" -eq 0 ]
ktap_check "its ring thread: ${t1:-?} while running, $t2 after" $?
run_ring "after that, 32 B x $((500 / DIV))" 200 --size 32 \
	--count $((500 / DIV)) --concurrency 16
run_ring "and with a ring thread, 32 B x $((500 / DIV))" 200 --size 32 \
	--count $((500 / DIV)) --concurrency 16 --ring-thread

ktap_finish
