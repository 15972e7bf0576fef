#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test guest is what the other selftests assume: rdmarpc.ko loaded, the
# Soft-RoCE device rxe0 registered with its port ACTIVE, GID index 1 the
# RoCE v2 IPv4-mapped address of this host, and UD datagrams crossing rxe0
# to the peer (this host itself in one-host mode) with ibv_ud_pingpong.

set -uo pipefail
# shellcheck source=selftests/lib/ktap.sh
. "$(dirname "$0")/lib/ktap.sh"
# shellcheck source=selftests/lib/remote.sh
. "$(dirname "$0")/lib/remote.sh"

dev=${RDMARPC_IBDEV:-rxe0}
ip=${RDMARPC_LOCAL_IP:-}
port=18517	# 18515 is the module's handshake port

ktap_plan 6
ktap_require_rdma

[ -d /sys/module/rdmarpc ]
ktap_check "rdmarpc module loaded" $?

rdma link show "$dev/1" > /dev/null 2>&1
ktap_check "$dev registered (rdma link)" $?

info=$(ibv_devinfo -d "$dev" 2>&1)
grep -q 'state:[[:space:]]*PORT_ACTIVE' <<< "$info"
rc=$?
[ $rc -eq 0 ] || ktap_note "$info"
ktap_check "$dev port 1 PORT_ACTIVE (ibv_devinfo)" $rc

# GID index 1: ::ffff:a.b.c.d, type RoCE v2.
gids=/sys/class/infiniband/$dev/ports/1
IFS=. read -r o1 o2 o3 o4 <<< "$ip"
want=$(printf '0000:0000:0000:0000:0000:ffff:%02x%02x:%02x%02x' \
	"$o1" "$o2" "$o3" "$o4")
gid=$(cat "$gids/gids/1" 2>/dev/null)
type=$(cat "$gids/gid_attrs/types/1" 2>/dev/null)
if [ "$gid" = "$want" ] && [ "$type" = "RoCE v2" ]; then
	ktap_ok "GID index 1 is RoCE v2 $ip"
else
	ktap_fail "GID index 1 is RoCE v2 $ip" "gid[1] $gid type '$type', want $want"
fi

# MTU 1024 (rxe over a 1500-byte link): a UD payload of 512 fits.
pp=(ibv_ud_pingpong -d "$dev" -g 1 -s 512 -n 50 -p "$port")
if srv=$(peer_spawn "${pp[@]}"); then
	peer_wait_port "$port" 30
	out=$(timeout 60 "${pp[@]}" "$RDMARPC_PEER_IP" 2>&1)
	rc=$?
	ktap_note "$out"
	peer_wait "$srv" 30
	src=$?
	[ $src -eq 0 ] || ktap_note "server (status $src): $(peer_log "$srv")"
	[ $rc -eq 0 ] && [ $src -eq 0 ]
	ktap_check "UD pingpong over $dev to $RDMARPC_PEER_IP" $?
else
	ktap_fail "UD pingpong over $dev to $RDMARPC_PEER_IP" "cannot start the server"
fi

# The peer host sees its own rxe0 ACTIVE.
out=$(peer_run ibv_devinfo -d "$dev" 2>&1)
grep -q PORT_ACTIVE <<< "$out"
ktap_check "peer $dev PORT_ACTIVE (peer_run ibv_devinfo)" $?

ktap_finish
