#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load and unload cycles of rdmarpc.ko with the Soft-RoCE device present:
# each load sets rxe0 port 1 up (the dump shows a QP and the lifecycle log
# says "created"), each unload tears it down ("destroyed"), the QKey is new
# per module instance with its high bit clear, and an unload while a
# loopback test is running ends the test with ENODEV instead of hanging.
# The parameters are range-checked however they are set: an argument out
# of range fails the load, rto_min_us above rto_max_us too (in whatever
# order the two come), and a write out of range to
# /sys/module/rdmarpc/parameters fails and leaves the value as it was.
# Leaves the module loaded, as the harness expects.

set -uo pipefail
# shellcheck source=selftests/lib/ktap.sh
. "$(dirname "$0")/lib/ktap.sh"
# shellcheck source=selftests/kmod_common.sh
. "$(dirname "$0")/kmod_common.sh"

CYCLES=3

ktap_plan $((CYCLES * 2 + 7))
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

# Parameters out of range, at load and in sysfs.
PARAMS=/sys/module/rdmarpc/parameters

# load_refused ARG...: insmod with these arguments fails (a module that
# loads is unloaded again).
load_refused() {
	insmod "$KO" "$@" 2> /dev/null || return 0
	wait_port_up "$DEV" 1 10
	rmmod_rdmarpc 60
	return 1
}

# write_refused NAME VALUE: writing VALUE to NAME fails, NAME keeps its value.
write_refused() {
	local before
	before=$(cat "$PARAMS/$1")
	! echo "$2" 2> /dev/null > "$PARAMS/$1" &&
		[ "$(cat "$PARAMS/$1")" = "$before" ]
}

[ -e /sys/module/rdmarpc ] && rmmod_rdmarpc 60
bad=
for a in recv_depth=8 send_depth=8193 gid_index=-2 tcp_port=0 \
	 call_timeout_ms=0 heartbeat_ms=5 idle_timeout_ms=99 \
	 fault_tx_drop=1000001 rto_min_us=600000 "rto_max_us=4000 rto_min_us=5000" \
	 idem_max_entries=65537 idem_ttl_ms=9; do
	# shellcheck disable=SC2086 # one or two arguments
	load_refused $a || bad+=" [$a]"
done
[ -z "$bad" ]
ktap_check "loads with a parameter out of range fail${bad:+ (loaded:$bad)}" $?

got=
for args in "rto_min_us=600000 rto_max_us=700000" \
	    "rto_max_us=700000 rto_min_us=600000"; do
	# shellcheck disable=SC2086 # two arguments
	if insmod "$KO" $args; then
		got+=" [$(cat "$PARAMS/rto_min_us") $(cat "$PARAMS/rto_max_us")]"
		wait_port_up "$DEV" 1 10
		rmmod_rdmarpc 60
	else
		got+=" [$args refused]"
	fi
done
[ "$got" = " [600000 700000] [600000 700000]" ]
ktap_check "rto_min_us and rto_max_us raised together at load, either order:$got" $?

if ! insmod "$KO" dyndbg=+p || ! wait_port_up "$DEV" 1 10; then
	ktap_fail "sysfs writes out of range refused: module not loaded" \
		"$(dmesg | tail -n 20)"
	ktap_finish
fi
bad=
for w in "heartbeat_ms 5" "call_timeout_ms 0" "max_retries 1001" \
	 "idle_timeout_ms 86400001" "mem_budget_mb 0" "crc 2" "cc 2" \
	 "fault_tx_drop 1000001" "idem_max_entries 0" "idem_max_mb 0" \
	 "idem_ttl_ms 5" "credit_overcommit 0" "credit_overcommit 65" \
	 "rto_min_us $(($(cat "$PARAMS/rto_max_us") + 1))" \
	 "rto_max_us $(($(cat "$PARAMS/rto_min_us") - 1))"; do
	# shellcheck disable=SC2086 # NAME VALUE
	write_refused $w || bad+=" [$w]"
done
hb=$(cat "$PARAMS/heartbeat_ms")
{ echo 0 > "$PARAMS/heartbeat_ms" && [ "$(cat "$PARAMS/heartbeat_ms")" = 0 ] &&
	echo "$hb" > "$PARAMS/heartbeat_ms"; } 2> /dev/null || bad+=" [heartbeat_ms 0 refused]"
[ -z "$bad" ]
ktap_check "sysfs writes out of range fail and keep the value, 0 (off) is taken${bad:+ (taken:$bad)}" $?
ktap_finish
