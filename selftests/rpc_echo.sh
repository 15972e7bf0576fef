#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RPC over RDMA end to end: echo_server on the peer (the other guest with
# two hosts, this one otherwise), echo_client here, given nothing but the
# peer's IPv4 address: the module's TCP handshake learns GID, QPN and QKey.
#
#  - "hello rdma" comes back;
#  - the first call of a new session (to a peer added for it) fires no
#    retransmission timeout: before its first round trip a session's RTO
#    is 200 ms, not rto_min;
#  - a peer added with `cc delay` shows it in `rdmarpcctl -j peer show`,
#    and 64 KiB calls, 16 in flight, come back intact under that
#    congestion control;
#  - every size around the packet boundaries (per-packet payload = port
#    MTU - 32-byte header) and up to 16 MiB comes back intact, one call at
#    a time and 64 in flight (echo_server starts with no buffer and grows
#    it to each request it takes whole: none is truncated); on the debug
#    kernel, where a datagram costs about 2 ms, up to 4 MiB (still several
#    index chunks of a message), with fewer calls and more time;
#  - 4 processes with 2 endpoints each, all at once, each call's bytes
#    unique to its process, endpoint and call: all intact;
#  - `rdmarpcctl -j peer show` lists the peer, UP, with the neighbour's
#    real MAC in its address handle and the QPN, QKey and GID the peer's
#    own `rdmarpcctl -j dev show` reports;
#  - `rdmarpcctl -j session show` has client sessions here and server
#    sessions on the peer whose counters agree with the calls made;
#  - echo_client with no --peer calls 127.0.0.1, an echo_server on this
#    host (with two hosts, one started here): "hello rdma" comes back, and
#    `rdmarpcctl -j peer show` lists 127.0.0.1, UP, reached through this
#    host's own GID and MAC (the handshake addresses datagrams to the GID
#    in the hello, never to 127.0.0.1).

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ktap_plan 29
ktap_require_rdma

LSERVER=
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	[ -n "$LSERVER" ] && kill "$LSERVER" 2> /dev/null
	stop_server
}
trap cleanup EXIT

port_payload

calls0=$(sess_sum "$("$CTL" -j session show 2> /dev/null)" client calls_ok)
reqs0=$(sess_sum "$(ctl_peer -j session show 2> /dev/null)" server requests)

if start_echo_server; then
	ktap_ok "echo_server serving on the peer"
else
	ktap_fail "echo_server serving on the peer"
fi

out=$(timeout 60 "$ECHO_CLIENT" --peer "$PEER" --timeout 20000 "hello rdma" 2>&1)
rc=$?
[ $rc -eq 0 ] && [ "$out" = "hello rdma" ]
ktap_check "echo_client \"hello rdma\" -> \"$out\"" $?
ncalls=1

# A peer of its own: its session is new, this call its first.  Deleted
# after, its sessions (here and on the peer) take their counters with them.
"$CTL" peer del echo_first > /dev/null 2>&1
"$CTL" peer add echo_first "$PEER" > /dev/null
out=$(timeout 60 "$ECHO_CLIENT" --peer echo_first --timeout 20000 "first" 2>&1)
rc=$?
s=$("$CTL" -j session show 2> /dev/null |
	jq -c '[.[] | select(.role == "client" and .peer == "echo_first")]')
"$CTL" peer del echo_first > /dev/null 2>&1
ktap_note "the new session: $(jq -c 'map({id, srtt_ns, rto_ns,
	rto_fires: .stats.rto_fires, spurious_rtos: .stats.spurious_rtos,
	calls_ok: .stats.calls_ok})' <<< "$s" 2> /dev/null)"
[ $rc -eq 0 ] && [ "$out" = first ] &&
	[ "$(jq 'length' <<< "$s" 2> /dev/null)" = 1 ] &&
	[ "$(jq '.[0].stats.calls_ok' <<< "$s")" = 1 ] &&
	[ "$(jq '.[0].stats.rto_fires' <<< "$s")" = 0 ]
ktap_check "a new session's first call: no retransmission timeout" $?

# The largest message, the bulk calls' count divisor, the calls' timeout
# and each run's bound (see above).
if [ "${RDMARPC_DEBUG_LANE:-0}" = 1 ]; then
	BIG=4m DIV=8 CALL_MS=180000 RUN_S=400
else
	BIG=16m DIV=1 CALL_MS=60000 RUN_S=150
fi

# The delay-based congestion control, chosen for one peer: peer show
# says so, and window-bound calls come back intact under it.  Deleted
# after, as echo_first.
"$CTL" peer del echo_delay > /dev/null 2>&1
"$CTL" peer add echo_delay "$PEER" cc delay > /dev/null
cc=$("$CTL" -j peer show 2> /dev/null |
	jq -r '.[] | select(.name == "echo_delay") | .cc' 2> /dev/null)
n=$((128 / DIV))
out=$(timeout -k 5 $RUN_S "$ECHO_CLIENT" --peer echo_delay --timeout $CALL_MS \
	--size 65536 --count $n --concurrency 16 2>&1)
rc=$?
"$CTL" peer del echo_delay > /dev/null 2>&1
[ "$cc" = delay ] && [ $rc -eq 0 ] && grep -q ' 0 failed, 0 mismatched' <<< "$out"
ktap_check "peer with cc delay (peer show: '$cc'): 64 KiB x $n, 16 in flight: exit $rc, ${out#echo_client: }" $?

# One call at a time: "SIZE COUNT".
for spec in "0 20" "1 20" "$((pl - 1)) 20" "$pl 20" "$((pl + 1)) 20" \
	"$((mtu - 1)) 20" "$mtu 20" "$((mtu + 1)) 20" "1m 3" "$BIG 1"; do
	read -r size count <<< "$spec"
	run_echo "size $size x $count, concurrency 1" $RUN_S \
		--timeout $CALL_MS --size "$size" --count "$count" --concurrency 1
	ncalls=$((ncalls + count))
done

# Many in flight: "SIZE COUNT CONCURRENCY".
for spec in "64 $((2000 / DIV)) 64" "$((pl + 1)) $((640 / DIV)) 64" \
	"65536 $((256 / DIV)) 64" "1m $((64 / DIV)) $((64 / DIV))" \
	"$BIG 2 2"; do
	read -r size count conc <<< "$spec"
	run_echo "size $size x $count, concurrency $conc" $RUN_S \
		--timeout $CALL_MS --size "$size" --count "$count" \
		--concurrency "$conc"
	ncalls=$((ncalls + count))
done

# 4 processes x 2 endpoints, all at once.
t0=$SECONDS
pids=()
for i in 1 2 3 4; do
	timeout -k 5 150 "$HELPER" clients --peer "$PEER" --endpoints 2 \
		--count 150 --max-size $((3 * mtu)) --timeout 60000 \
		> "$T/rpc_echo_clients.$i" 2>&1 &
	pids+=($!)
done
bad=0
for i in 1 2 3 4; do
	wait "${pids[i - 1]}" || bad=1
done
out=$(cat "$T"/rpc_echo_clients.[1-4])
ktap_note "$(grep -v '^rpc_helper' <<< "$out")"
[ $bad -eq 0 ] && [ "$(grep -c ': 150 ok, 0 failed, 0 mismatched$' <<< "$out")" = 8 ]
st=$?
ktap_check "4 processes x 2 endpoints, 150 calls each of 0..$((3 * mtu)) bytes: all intact [$((SECONDS - t0))s]" $st
ncalls=$((ncalls + 8 * 150))

# The peer as the module knows it: found by address, never configured.
peers=$("$CTL" -j peer show 2>&1)
p=$(jq -c --arg a "$PEER" '[.[] | select(.addr == $a)] | first // empty' \
	<<< "$peers" 2> /dev/null)
ktap_note "peer: ${p:-$peers}"
[ -n "$p" ] && [ "$(jq -r '.state' <<< "$p")" = UP ]
ktap_check "peer show lists $PEER, state UP" $?

mac=$(jq -r '.mac // empty' <<< "$p" 2> /dev/null)
if [ "$MODE" = two ]; then
	want=$(peer_run -t 30 "cat /sys/class/net/\$RDMARPC_NETDEV/address")
	neigh=$(ip neigh show "$PEER" dev "$NETDEV" | awk '{
		for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
	ktap_note "peer's $NETDEV: $want; ip neigh: ${neigh:-none}"
	[ -z "$neigh" ] || [ "$neigh" = "$want" ] || want="$want/$neigh"
else
	want=$(mac_of "$NETDEV")
	ktap_note "one host: our own $NETDEV: $want"
fi
[ -n "$mac" ] && [ "$mac" != 00:00:00:00:00:00 ] && [ "${mac,,}" = "${want,,}" ]
ktap_check "peer MAC in the address handle: ${mac:-none} (want $want)" $?

pdev=$(ctl_peer -j dev show 2> /dev/null |
	jq -c --arg d "$DEV" '[.[] | select(.dev == $d and .port == 1)] | first // empty')
pgid=$(jq -r '.gid_index as $g | .gids[] | select(.index == $g) | .gid' \
	<<< "$pdev" 2> /dev/null)
ktap_note "the peer's port: qpn $(jq -r .qpn <<< "$pdev") qkey $(jq -r .qkey <<< "$pdev") gid $pgid"
[ -n "$pdev" ] && [ -n "$p" ] &&
	[ "$(jq -r .qpn <<< "$p")" = "$(jq -r .qpn <<< "$pdev")" ] &&
	[ "$(jq -r .qkey <<< "$p")" = "$(jq -r .qkey <<< "$pdev")" ] &&
	[ -n "$pgid" ] && [ "$(jq -r .gid <<< "$p")" = "$pgid" ] &&
	[ "$(jq -r .mtu <<< "$p")" -ge 256 ]
ktap_check "handshake learned the peer's QPN, QKey and GID (as its dev show has them)" $?

sess=$("$CTL" -j session show 2>&1)
n=$(jq --arg a "$PEER" '[.[] | select(.role == "client" and
	(.peer // "" | startswith($a)))] | length' <<< "$sess" 2> /dev/null)
ktap_note "$(jq -c '.[] | {id, role, peer, busy_slots, stats: {calls_ok: .stats.calls_ok, requests: .stats.requests, retransmits: .stats.retransmits}}' <<< "$sess" 2> /dev/null)"
[ "${n:-0}" -ge 1 ]
ktap_check "session show: ${n:-0} client session(s) to $PEER" $?

calls=$(( $(sess_sum "$sess" client calls_ok) - calls0 ))
reqs=$(( $(sess_sum "$(ctl_peer -j session show 2> /dev/null)" server requests) - reqs0 ))
[ "$calls" -eq "$ncalls" ] && [ "$reqs" -eq "$ncalls" ]
ktap_check "counters: $calls calls ok here, $reqs requests served on the peer (made $ncalls)" $?

busy=$(jq '[.[] | select(.role == "client") | .busy_slots // 0] | add // 0' \
	<<< "$sess" 2> /dev/null)
[ "${busy:-1}" -eq 0 ]
ktap_check "no call left in a client slot once the clients are done (busy_slots $busy)" $?

# 127.0.0.1, echo_client's default peer: an echo_server on this host (one
# host: the peer's is).
lout=$T/rpc_echo_local.out
if [ "$MODE" = two ]; then
	"$ECHO_SERVER" > "$lout" 2>&1 &
	LSERVER=$!
	wait_until 30 grep -q "serving 'echo'" "$lout" ||
		ktap_note "local echo_server: $(cat "$lout")"
fi
out=$(env -u RDMARPC_PEER timeout 60 "$ECHO_CLIENT" --timeout 20000 \
	"hello rdma" 2>&1)
rc=$?
[ $rc -eq 0 ] && [ "$out" = "hello rdma" ]
ktap_check "echo_client \"hello rdma\" with the default peer (127.0.0.1) -> \"$out\"" $?

p=$("$CTL" -j peer show 2> /dev/null |
	jq -c '[.[] | select(.addr == "127.0.0.1")] | first // empty')
ldev=$(port_json "$DEV" 1)
lgid=$(jq -r '.gid_index as $g | .gids[] | select(.index == $g) | .gid' \
	<<< "$ldev" 2> /dev/null)
lmac=$(mac_of "$NETDEV")
ktap_note "peer 127.0.0.1: ${p:-none}; our gid $lgid, $NETDEV $lmac"
[ -n "$p" ] && [ "$(jq -r .state <<< "$p")" = UP ] &&
	[ -n "$lgid" ] && [ "$(jq -r .gid <<< "$p")" = "$lgid" ] &&
	[ "$(jq -r .qpn <<< "$p")" = "$(jq -r .qpn <<< "$ldev")" ] &&
	[ "$(jq -r '.mac // "" | ascii_downcase' <<< "$p")" = "${lmac,,}" ]
ktap_check "peer show lists 127.0.0.1, UP, at this host's own GID, QPN and MAC" $?
if [ -n "$LSERVER" ]; then
	kill "$LSERVER" 2> /dev/null
	wait "$LSERVER" 2> /dev/null
	LSERVER=
fi

peer_kill "$SERVER"
peer_wait "$SERVER" 10
rc=$?
SERVER=
[ $rc -eq 143 ]
ktap_check "echo_server ran until stopped (status $rc)" $?
ktap_finish
