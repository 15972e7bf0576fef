#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Calls through io_uring (IORING_OP_URING_CMD, RDMARPC_URING_CALL):
# tools/examples/uring_echo against echo_server on the peer (the other
# guest with two hosts, this one otherwise).
#
#  - the commands the module must refuse come back as such CQEs: an
#    unknown cmd_op (-ENOTTY), an unreadable call (-EFAULT), a handle never
#    connected (-EBADF);
#  - 32-byte calls, 16 in flight beside a NOP per batch, and calls of
#    sizes around the packet boundary and of 64 KiB and 1 MiB: every
#    response carries exactly its own request's bytes, every CQE comes
#    after its call's completion was written;
#  - a process killed with calls in flight through its ring: its calls end
#    (within their timeouts), its endpoint closes (the module's endpoint
#    count comes back), and the next run works.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

URING_ECHO=$TOP/tools/examples/uring_echo
tier_begin 10

# run_uring NAME ARGS...: uring_echo against the peer; ok when every call
# came back intact.
run_uring() {
	local name=$1
	shift
	run_checked "$name" "$SECS" "$URING_ECHO" --timeout "$CALL_MS" "$@"
}

run_uring "refusals as CQEs, then 32 B x $((2000 / DIV)), 16 in flight" \
	--bad --size 32 --count $((2000 / DIV)) --depth 16
run_uring "one call at a time" --size 32 --count $((200 / DIV)) --depth 1
for size in $((pl - 1)) $pl $((pl + 1)); do
	run_uring "$size B x $((400 / DIV)), 32 in flight" \
		--size "$size" --count $((400 / DIV)) --depth 32
done
run_uring "64 KiB x $((128 / DIV)), 8 in flight" \
	--size 65536 --count $((128 / DIV)) --depth 8
run_uring "1 MiB x $((16 / DIV + 1)), 4 in flight" \
	--size 1048576 --count $((16 / DIV + 1)) --depth 4

# Killed with calls in flight: the ring goes, its calls end, the endpoint
# closes.
killed_in_flight "$URING_ECHO" --peer "$PEER" --timeout "$CALL_MS" \
	--size 65536 --count 1000000 --depth 64
run_uring "after that, 32 B x $((500 / DIV))" --size 32 \
	--count $((500 / DIV)) --depth 16

ktap_finish
