#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Device removal and re-addition while the module is loaded:
# `rdma link delete` tears the port down (DEV_DEL event, "destroyed" in the
# log, gone from the dump), `rdma link add` sets it up again (DEV_NEW,
# "created", a new QP that carries datagrams); and a removal while a
# loopback test is busy ends that test with ENODEV within its bound
# instead of blocking the removal.  Also: a port that goes DOWN and
# ACTIVE again keeps its QP and shows its state, and a GID table change
# (the IPv4 address removed, then restored) makes the port choose its
# source GID again.

set -uo pipefail
# shellcheck source=selftests/lib/ktap.sh
. "$(dirname "$0")/lib/ktap.sh"
# shellcheck source=selftests/kmod_common.sh
. "$(dirname "$0")/kmod_common.sh"

ktap_plan 12
ktap_require_rdma

nd=$(rdma link show "$DEV/1" | sed -n 's/.* netdev \([^ ]*\).*/\1/p')
[ -n "$nd" ] || nd=$NETDEV
qpn0=$(port_json "$DEV" 1 | jq -r '.qpn')

enable_lifecycle_log
log_mark hotplug
# Killed below; the bound is for a run that never gets there.
"$CTL" monitor --timeout 900 > /tmp/hotplug_monitor.out 2>&1 &
mon=$!
sleep 0.5

timeout 30 rdma link delete "$DEV"
rc=$?
wait_port_gone "$DEV" 1 10
gone=$?
[ $rc -eq 0 ] && [ $gone -eq 0 ] && [ "$("$CTL" -j dev show)" = "[]" ]
ktap_check "rdma link delete $DEV: port gone from the dump" $?

timeout 30 rdma link add "$DEV" type rxe netdev "$nd"
rc=$?
wait_port_up "$DEV" 1 20
up=$?
[ $rc -eq 0 ] && [ $up -eq 0 ]
ktap_check "rdma link add $DEV netdev $nd: port set up again" $?

p=$(port_json "$DEV" 1)
ktap_note "$p"
[ "$(jq -r '.gid_index' <<< "$p")" = 1 ] && [ "$(jq -r '.state' <<< "$p")" = ACTIVE ]
st=$?
ktap_check "new port: ACTIVE, GID index 1 (qpn was $qpn0, now $(jq -r '.qpn' <<< "$p"))" $st

out=$("$CTL" -j loopback "$DEV" 1 500 512 2>&1)
[ "$(jq -r '.received' <<< "$out" 2>/dev/null)" = 500 ]
ktap_check "loopback on the new device" $?

# Removal while loopback tests run back to back.
rm -f /tmp/hotplug_lb.out
(while "$CTL" loopback "$DEV" 1 65536 1024 >> /tmp/hotplug_lb.out 2>&1; do
	:
done) &
lb=$!
sleep 1
start=$SECONDS
timeout 60 rdma link delete "$DEV"
rc=$?
took=$((SECONDS - start))
timeout 30 tail --pid=$lb -f /dev/null
wait $lb
if [ $rc -eq 0 ] && grep -Eqi 'device went away|no such device' /tmp/hotplug_lb.out; then
	ktap_ok "delete during loopback: done in ${took}s, the test got ENODEV"
else
	ktap_fail "delete during loopback" \
		"delete status $rc after ${took}s: $(cat /tmp/hotplug_lb.out)"
fi

timeout 30 rdma link add "$DEV" type rxe netdev "$nd"
rc=$?
wait_port_up "$DEV" 1 20
up=$?
out=$("$CTL" -j loopback "$DEV" 1 100 256 2>&1)
[ $rc -eq 0 ] && [ $up -eq 0 ] && [ "$(jq -r '.received' <<< "$out" 2>/dev/null)" = 100 ]
ktap_check "re-added after that, loopback works" $?

sleep 0.5
kill $mon 2> /dev/null
wait $mon 2> /dev/null
events=$(cat /tmp/hotplug_monitor.out)
ktap_note "$events"
dels=$(grep -c "^del $DEV port 1" <<< "$events")
news=$(grep -c "^new $DEV port 1" <<< "$events")
[ "$dels" = 2 ] && [ "$news" = 2 ]
ktap_check "events: $dels DEV_DEL, $news DEV_NEW (want 2 and 2)" $?

log=$(log_since hotplug)
c=$(count_lines "device $DEV port 1 created" "$log")
d=$(count_lines "device $DEV port 1 destroyed" "$log")
if [ "$c" = 2 ] && [ "$d" = 2 ]; then
	ktap_ok "lifecycle log: $c created, $d destroyed"
elif [ "$c" = 0 ] && [ "$d" = 0 ]; then
	ktap_fail "lifecycle log" "no lifecycle lines: load with dyndbg=+p or a debug build"
else
	ktap_fail "lifecycle log: $c created, $d destroyed (want 2 and 2)" "$log"
fi

grep -q "drain timed out" <<< "$log"
[ $? -ne 0 ]
ktap_check "teardown drained without a timeout" $?
# Port DOWN and ACTIVE again (carrier of the net device).
qpn=$(port_json "$DEV" 1 | jq -r '.qpn')
ip link set "$nd" down
for ((i = 0; i < 100; i++)); do
	s=$(port_json "$DEV" 1 | jq -r '.state')
	[ "$s" != ACTIVE ] && break
	sleep 0.1
done
ip link set "$nd" up
for ((i = 0; i < 100; i++)); do
	s2=$(port_json "$DEV" 1 | jq -r '.state')
	[ "$s2" = ACTIVE ] && break
	sleep 0.1
done
sleep 1	# the peer side of a veth pair comes up too
out=$("$CTL" -j loopback "$DEV" 1 100 256 2>&1)
[ "$s" = DOWN ] && [ "$s2" = ACTIVE ] &&
	[ "$(port_json "$DEV" 1 | jq -r '.qpn')" = "$qpn" ] &&
	[ "$(jq -r '.received' <<< "$out" 2>/dev/null)" = 100 ]
ktap_check "link down: state $s; up: $s2, same QP, loopback works" $?

# GID table change: without its IPv4 address the port falls back to the
# link-local RoCE v2 GID, and goes back to index 1 when it returns.
cidr=$(ip -4 -o addr show dev "$nd" | awk '{ print $4; exit }')
ip -4 addr flush dev "$nd"
for ((i = 0; i < 100; i++)); do
	g1=$(port_json "$DEV" 1 | jq -r '.gid_index')
	[ "$g1" != 1 ] && break
	sleep 0.1
done
ip addr add "$cidr" dev "$nd"
for ((i = 0; i < 100; i++)); do
	g2=$(port_json "$DEV" 1 | jq -r '.gid_index')
	[ "$g2" = 1 ] && break
	sleep 0.1
done
[ "$g1" = 0 ] && [ "$g2" = 1 ]
ktap_check "IPv4 address removed: GID index $g1; restored ($cidr): $g2" $?

sleep 1
out=$("$CTL" -j loopback "$DEV" 1 100 256 2>&1)
[ "$(jq -r '.received' <<< "$out" 2>/dev/null)" = 100 ]
ktap_check "loopback after the GID changes" $?
ktap_finish
