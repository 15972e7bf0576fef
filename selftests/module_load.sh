#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load and unload cycles of rdmarpc.ko with the Soft-RoCE device present:
# each load sets rxe0 port 1 up (the dump shows a QP and the lifecycle log
# says "created"), each unload tears it down ("destroyed"), the QKey is new
# per module instance with its high bit clear, and an unload while a
# loopback test is running ends the test with ENODEV instead of hanging.
# Leaves the module loaded, as the harness expects.

set -uo pipefail
# shellcheck source=selftests/lib/ktap.sh
. "$(dirname "$0")/lib/ktap.sh"
# shellcheck source=selftests/kmod_common.sh
. "$(dirname "$0")/kmod_common.sh"

CYCLES=5

ktap_plan $((CYCLES * 2 + 4))
ktap_require_rdma

enable_lifecycle_log
log_mark module_load
qkeys=()
for ((c = 1; c <= CYCLES; c++)); do
	if reload_module && wait_port_up "$DEV" 1 10; then
		ktap_ok "cycle $c: reload, $DEV port 1 set up"
	else
		ktap_fail "cycle $c: reload, $DEV port 1 set up" \
			"$(dmesg | tail -n 20)"
		continue
	fi
	p=$(port_json "$DEV" 1)
	qkey=$(jq -r '.qkey' <<< "$p")
	qkeys+=("$qkey")
	state=$(jq -r '.state' <<< "$p")
	if [ "$state" = ACTIVE ] && [ "$qkey" -gt 0 ] &&
	   [ "$qkey" -lt $((1 << 31)) ] && [ "$(jq -r '.qpn' <<< "$p")" -gt 1 ]; then
		ktap_ok "cycle $c: ACTIVE, qpn and qkey 0x$(printf %08x "$qkey")"
	else
		ktap_fail "cycle $c: ACTIVE, qpn and qkey" "$p"
	fi
done

log=$(log_since module_load)
created=$(count_lines "device $DEV port 1 created" "$log")
destroyed=$(count_lines "device $DEV port 1 destroyed" "$log")
# The first rmmod destroyed the port the harness's load had created.
if [ "$created" -eq "$CYCLES" ] && [ "$destroyed" -eq "$CYCLES" ]; then
	ktap_ok "lifecycle log: $created created, $destroyed destroyed"
else
	ktap_fail "lifecycle log: created $created destroyed $destroyed" "$log"
fi

distinct=$(printf '%s\n' "${qkeys[@]}" | sort -u | wc -l)
[ "$distinct" -eq "${#qkeys[@]}" ] && [ "$distinct" -gt 1 ]
ktap_check "QKey random per module instance (${qkeys[*]})" $?

# Unload while a loopback test runs: the test fails with ENODEV, promptly.
# Back to back, and rmmod only once datagrams are flowing. A run lasts about
# two seconds on the stock kernel, so rmmod can still land in the gap
# between two runs (the next one then finds no module): that attempt shows
# nothing and is made again. A module whose unload does not stop a running
# test never shows ENODEV, on any attempt.
tx_packets() {
	port_json "$DEV" 1 | jq -r '.stats.tx_packets // 0'
}

rmmod_during_loopback() {
	local lb i tx0 rc

	rm -f /tmp/lb_rmmod.out
	(while "$CTL" loopback "$DEV" 1 65536 1024 >> /tmp/lb_rmmod.out 2>&1; do
		:
	done) &
	lb=$!
	tx0=$(tx_packets)
	for ((i = 0; i < 100; i++)); do
		[ "$(tx_packets)" -gt "$tx0" ] && break
		sleep 0.1
	done
	rmmod_rdmarpc 60
	rc=$?
	timeout 30 tail --pid=$lb -f /dev/null
	wait $lb
	[ $rc -eq 0 ] || return 2
	grep -Eqi 'device went away|no such device' /tmp/lb_rmmod.out
}

start=$SECONDS
rc=1
for ((attempt = 1; attempt <= 4; attempt++)); do
	rmmod_during_loopback
	rc=$?
	[ $rc -eq 1 ] || break
	ktap_note "attempt $attempt: rmmod came between two runs:" \
		"$(tr '\n' ' ' < /tmp/lb_rmmod.out)"
	if ! insmod "$KO" dyndbg=+p || ! wait_port_up "$DEV" 1 10; then
		break
	fi
done
took=$((SECONDS - start))
if [ $rc -eq 0 ]; then
	ktap_ok "rmmod during a loopback test: test got ENODEV (attempt $attempt, ${took}s)"
else
	ktap_fail "rmmod during a loopback test" \
		"status $rc after $attempt attempts: $(cat /tmp/lb_rmmod.out)"
fi

if insmod "$KO" dyndbg=+p && wait_port_up "$DEV" 1 10; then
	ktap_ok "loaded again after that, $DEV port 1 set up"
else
	ktap_fail "loaded again after that" "$(dmesg | tail -n 20)"
fi
ktap_finish
