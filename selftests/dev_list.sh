#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module's device dump (rdmarpcctl -j dev show) against what the RDMA
# stack itself says: ibv_devinfo -v, `rdma link` and sysfs
# (/sys/class/infiniband/DEV/ports/1/gids/*, gid_attrs/{types,ndevs}/*).
# Also: the chosen source GID is index 1, the RoCE v2 IPv4-mapped address
# of this host, and the gid_index parameter overrides it at run time.

set -uo pipefail
# shellcheck source=selftests/lib/ktap.sh
. "$(dirname "$0")/lib/ktap.sh"
# shellcheck source=selftests/kmod_common.sh
. "$(dirname "$0")/kmod_common.sh"

ktap_plan 13
ktap_require_rdma

sys=/sys/class/infiniband/$DEV/ports/1
p=$(port_json "$DEV" 1)
if [ -n "$p" ]; then
	ktap_ok "$DEV port 1 listed by the module"
else
	ktap_fail "$DEV port 1 listed by the module" "$("$CTL" dev show 2>&1)"
fi
ktap_note "$p"
info=$(ibv_devinfo -v -d "$DEV" 2>&1)

field() {
	sed -n "s/^[[:space:]]*$1:[[:space:]]*\([^[:space:]]*\).*/\1/p" \
		<<< "$info" | head -n 1
}

want=$(field state)
got=$(jq -r '.state' <<< "$p")
[ "$want" = "PORT_$got" ]
ktap_check "state $got (ibv_devinfo: $want)" $?

want=$(field active_mtu)
got=$(jq -r '.mtu' <<< "$p")
[ "$want" = "$got" ]
ktap_check "active MTU $got (ibv_devinfo: $want)" $?

want=$(field port_lid)
got=$(jq -r '.lid' <<< "$p")
[ "$want" = "$got" ]
ktap_check "LID $got (ibv_devinfo: $want)" $?

want=$(field link_layer | tr '[:upper:]' '[:lower:]')
got=$(jq -r '.link_layer' <<< "$p")
[ "$want" = "$got" ]
ktap_check "link layer $got (ibv_devinfo: $want)" $?

# The GID table: every valid sysfs entry, and nothing else.
zero=0000:0000:0000:0000:0000:0000:0000:0000
want=
# Builtins only: the table has a thousand entries and forks are slow here.
for f in "$sys"/gids/*; do
	i=${f##*/}
	read -r g < "$f"
	[ "$g" = "$zero" ] && continue
	{ read -r t < "$sys/gid_attrs/types/$i"; } 2>/dev/null || continue
	n=
	{ read -r n < "$sys/gid_attrs/ndevs/$i"; } 2>/dev/null
	want+="$i $g $t $n"$'\n'
done
want=$(sort -n <<< "$want" | sed '/^$/d')
got=
while read -r i g t n; do
	got+="$i $(gid_expand "$g") $t $n"$'\n'
done < <(jq -r '.gids[] | "\(.index) \(.gid) \(.type | sub(" "; "_")) \(.netdev // "")"' <<< "$p")
got=$(sort -n <<< "$got" | sed '/^$/d; s/RoCE_v2/RoCE v2/; s/RoCE_v1/RoCE v1/')
if [ -n "$want" ] && [ "$want" = "$got" ]; then
	ktap_ok "GID table matches sysfs ($(wc -l <<< "$got") entries)"
else
	ktap_fail "GID table matches sysfs" "sysfs:"$'\n'"$want"$'\n'"module:"$'\n'"$got"
fi

# ibv_devinfo -v lists as many GIDs.
want=$(grep -c 'GID\[' <<< "$info")
got=$(jq '.gids | length' <<< "$p")
[ "$want" = "$got" ]
ktap_check "GID count $got (ibv_devinfo: $want)" $?

want=$(rdma link show "$DEV/1" | sed -n 's/.* netdev \([^ ]*\).*/\1/p')
got=$(jq -r '.netdev' <<< "$p")
[ -n "$want" ] && [ "$want" = "$got" ]
ktap_check "net device $got (rdma link: $want)" $?

# The automatic choice: the first RoCE v2 IPv4-mapped GID, index 1 here.
idx=$(jq -r '.gid_index' <<< "$p")
g=$(jq -r --argjson i "$idx" '.gids[] | select(.index == $i) | .gid' <<< "$p")
t=$(jq -r --argjson i "$idx" '.gids[] | select(.index == $i) | .type' <<< "$p")
if [ "$idx" = 1 ] && [ "$g" = "::ffff:$LOCAL_IP" ] && [ "$t" = "RoCE v2" ]; then
	ktap_ok "chosen GID index 1, RoCE v2 ::ffff:$LOCAL_IP"
else
	ktap_fail "chosen GID index 1, RoCE v2 ::ffff:$LOCAL_IP" \
		"index $idx gid $g type $t"
fi

qpn=$(jq -r '.qpn' <<< "$p")
qkey=$(jq -r '.qkey' <<< "$p")
[ "$qpn" -gt 1 ] && [ "$qkey" -gt 0 ] && [ "$qkey" -lt $((1 << 31)) ]
st=$?
ktap_check "UD QP $(printf 0x%x "$qpn"), QKey $(printf 0x%08x "$qkey") (high bit clear)" $st

# Full, less at most one repost batch (16) of buffers received since.
posted=$(jq -r '.stats.recv_posted' <<< "$p")
depth=$("$CTL" -j param show | jq -r '.recv_depth')
[ "$posted" -le "$depth" ] && [ "$posted" -gt $((depth - 16)) ]
ktap_check "receive ring full: $posted posted (recv_depth $depth)" $?

# gid_index overrides the choice at once, "auto" restores it; an index
# with no GID falls back to the automatic choice.
"$CTL" set gid_index 0 && sleep 0.2
a=$(port_json "$DEV" 1 | jq -r '.gid_index')
"$CTL" set gid_index 200 && sleep 0.2
b=$(port_json "$DEV" 1 | jq -r '.gid_index')
"$CTL" set gid_index auto && sleep 0.2
c=$(port_json "$DEV" 1 | jq -r '.gid_index')
[ "$a" = 0 ] && [ "$b" = 1 ] && [ "$c" = 1 ]
ktap_check "gid_index 0 -> $a, 200 (no such GID) -> $b, auto -> $c" $?

# Only the module's own QP: a loopback still works after the changes.
out=$("$CTL" -j loopback "$DEV" 1 100 256 2>&1)
[ "$(jq -r '.received' <<< "$out" 2>/dev/null)" = 100 ]
ktap_check "loopback after the GID changes" $?
ktap_finish
