#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What no peer module would send, aimed at the module from outside:
#  - UD datagrams from a userspace QP (ud_junk): random bytes, the right
#    magic with random fields, truncated headers, huge lengths and
#    indexes, valid-looking headers with a valid CRC for a real session
#    but a wrong tag, kinds and flags out of range, the no-CRC flag,
#    empty datagrams.  Each must be dropped and counted.
#  - TCP at the handshake port: 100 kB of random bytes, truncated hellos,
#    the right magic with a wrong version, a huge frame length, a hello
#    with a random body, an unknown frame type, idle connections, and
#    connections opened and dropped by the dozen.  The module must close
#    every one of them.
# Meanwhile an echo client runs: every one of its calls must succeed.
# The harness fails the run on any oops or WARN in the kernel log.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ktap_plan 8
ktap_require_rdma

# Writes to connections the module has closed must not kill this script.
trap '' PIPE
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	kill_bg
	stop_server
}
trap cleanup EXIT

PORT=$("$CTL" -j param show 2> /dev/null | jq -r '.tcp_port // 18515')

# drops: datagrams the module dropped here, at the port and in sessions.
drops() {
	local s
	s=$("$CTL" -j session show 2> /dev/null)
	echo $(( $(dev_stat rx_drops) + $(sess_sum "$s" "" rx_drops) +
		$(sess_sum "$s" "" crc_drops) ))
}

# established: TCP connections accepted at the handshake port, here and
# (two hosts) on the peer: "HERE PEER".
established() {
	local cmd="ss -Htn state established '( sport = :$PORT )' | wc -l"
	if [ "$MODE" = two ]; then
		echo "$(bash -c "$cmd") $(peer_run -t 20 "$cmd")"
	else
		echo "$(bash -c "$cmd") 0"
	fi
}

# established_back: no more connections than before the junk.
established_back() {
	local now
	read -r -a now <<< "$(established)"
	[ "${now[0]}" -le "${base[0]}" ] && [ "${now[1]}" -le "${base[1]}" ]
}

# tcp_junk IP: everything a broken or hostile handshake client does.
tcp_junk() {
	local ip=$1 i fd fds=() hdr='RDRH\x02\x00\x01\x00\x84\x00\x00\x00'
	for i in 1 2 3 4 5; do
		(cat "$T/rand" > "/dev/tcp/$ip/$PORT") 2> /dev/null
	done
	for ((i = 0; i < 6; i++)); do
		# A hello cut short.
		( printf '%b' "$hdr"
		  head -c $((i * 23)) "$T/rand" ) > "/dev/tcp/$ip/$PORT" 2> /dev/null
		( printf '%b' "${hdr:0:$((i * 2 * 4))}" ) \
			> "/dev/tcp/$ip/$PORT" 2> /dev/null
		# Version 1 (proofs over the nonces only) and 3.
		( printf '%b' 'RDRH\x01\x00\x01\x00\x84\x00\x00\x00'
		  head -c 120 "$T/rand" ) > "/dev/tcp/$ip/$PORT" 2> /dev/null
		( printf '%b' 'RDRH\x03\x00\x01\x00\x84\x00\x00\x00'
		  head -c 120 "$T/rand" ) > "/dev/tcp/$ip/$PORT" 2> /dev/null
		# A frame longer than any frame.
		( printf '%b' 'RDRH\x02\x00\x01\x00\xff\xff\xff\xff'
		  head -c 1000 "$T/rand" ) > "/dev/tcp/$ip/$PORT" 2> /dev/null
		# A whole hello with a random body.
		( printf '%b' "$hdr"
		  tail -c +$((i * 120 + 1)) "$T/rand" | head -c 120 ) \
			> "/dev/tcp/$ip/$PORT" 2> /dev/null
		# Unknown type; a heartbeat before any hello.
		( printf '%b' 'RDRH\x02\x00\x09\x00\x0c\x00\x00\x00' ) \
			> "/dev/tcp/$ip/$PORT" 2> /dev/null
		( printf '%b' 'RDRH\x02\x00\x05\x00\x0c\x00\x00\x00' ) \
			> "/dev/tcp/$ip/$PORT" 2> /dev/null
	done
	# Idle connections held a while.
	for ((i = 0; i < 5; i++)); do
		exec {fd}<> "/dev/tcp/$ip/$PORT" && fds+=("$fd")
	done
	rr_sleep 2
	for fd in "${fds[@]}"; do
		exec {fd}>&-
	done
	# Opened and dropped.
	for ((i = 0; i < 60; i++)); do
		(exec 3<> "/dev/tcp/$ip/$PORT") 2> /dev/null
	done
	return 0
}

head -c 100000 /dev/urandom > "$T/rand"

start_echo_server && echo_ok 10
ktap_check "echo_server on the peer, a session up" $?

p=$(port_json "$DEV" 1)
qpn=$(jq -r '.qpn' <<< "$p")
qkey=$(jq -r '.qkey' <<< "$p")
mtu=$(jq -r '.mtu' <<< "$p")
gid=$(jq -r '.gid_index as $g | .gids[] | select(.index == $g) | .gid' <<< "$p")
gidx=$(jq -r '.gid_index' <<< "$p")
sid=$("$CTL" -j session show 2> /dev/null | jq -r '[.[].id] | first // 0')
sid=$((sid & 0xffffffff))
ktap_note "target: $DEV qpn $qpn qkey $qkey gid $gid (index $gidx) mtu $mtu; session $sid"
junk=("$UD_JUNK" --dev "$DEV" --gid-index "$gidx" --dgid "$gid" --qpn "$qpn"
	--qkey "$qkey" --mtu "$mtu" --sess "$sid")

# -- Junk alone --------------------------------------------------------
N=8000
d0=$(drops)
r0=$(dev_stat rx_packets)
out=$(timeout 120 "${junk[@]}" --count $N --seed 1 2>&1)
rc=$?
ktap_note "$out"
[ $rc -eq 0 ]
ktap_check "ud_junk: $N datagrams sent from a userspace QP" $?

rr_sleep 2	# the last datagrams are processed
d=$(( $(drops) - d0 ))
r=$(( $(dev_stat rx_packets) - r0 ))
[ "$d" -ge $((N * 9 / 10)) ]
ktap_check "dropped and counted: +$d drops for +$r datagrams received ($N sent)" $?

# -- Junk while an echo client runs -------------------------------------
# Each client run: CALLS calls within CLIENT_S seconds (on the debug
# kernel, where a datagram costs about 2 ms, fewer calls and more time).
# The junk beside them: N2 datagrams and the handshake junk, within
# JUNK_S seconds (on the debug kernel 8000 datagrams beside the clients
# took longer than 120 s).
if [ "${RDMARPC_DEBUG_LANE:-0}" = 1 ]; then
	CALLS=100 CLIENT_S=180 N2=2000 JUNK_S=300
else
	CALLS=300 CLIENT_S=60 N2=$N JUNK_S=120
fi
read -r -a base <<< "$(established)"
d0=$(drops)
# Echo clients back to back until the junk is over (at most JUNK_S + 30 s).
cout=$T/rpc_badinput_client.out
: > "$cout"
rm -f "$T/rpc_badinput.done"
(
	end=$((SECONDS + JUNK_S + 30))
	while [ ! -e "$T/rpc_badinput.done" ] && [ "$SECONDS" -lt "$end" ]; do
		timeout -k 5 "$CLIENT_S" "$ECHO_CLIENT" --peer "$PEER" \
			--timeout 60000 --size 2000 --count "$CALLS" \
			--concurrency 8 >> "$cout" 2>&1 ||
			echo "FAILED: exit $?" >> "$cout"
	done
) &
cli=$!
BG+=("$cli")
if [ "$MODE" = two ]; then
	# From the other host, across the wire.
	peer_run -t "$JUNK_S" "$(printf '%q ' "${junk[@]}") --count $N2 --seed 2" \
		> "$T/rpc_badinput_junk.out" 2>&1 &
else
	timeout "$JUNK_S" "${junk[@]}" --count $N2 --seed 2 \
		> "$T/rpc_badinput_junk.out" 2>&1 &
fi
uj=$!
BG+=("$uj")
(
	tcp_junk "$RDMARPC_LOCAL_IP"
	if [ "$MODE" = two ]; then
		tcp_junk "$PEER"
	fi
) &
tj=$!
BG+=("$tj")
timeout "$JUNK_S" tail --pid="$tj" -f /dev/null
kill -KILL "$tj" 2> /dev/null
wait "$tj"
trc=$?
wait "$uj"
urc=$?
touch "$T/rpc_badinput.done"
ktap_note "$(cat "$T/rpc_badinput_junk.out")"
[ $urc -eq 0 ]
st=$?
ktap_check "ud_junk again ($([ "$MODE" = two ] && echo 'from the peer' || echo 'locally')), during calls" $st

wait_until 15 established_back
st=$?
ktap_check "handshake junk: the module closed every connection (open now: $(established); before: ${base[*]}; junk status $trc)" $st

wait "$cli"
runs=$(grep -c "^echo_client: $CALLS calls" "$cout")
good=$(grep -c ": $CALLS ok, 0 failed, 0 mismatched" "$cout")
ktap_note "$(sort "$cout" | sed 's/ in [0-9.]* s (.*)//' | uniq -c | head -n 10)"
[ "$runs" -ge 1 ] && [ "$runs" = "$good" ] && ! grep -q '^FAILED' "$cout"
ktap_check "echo clients alongside: $good of $runs runs of $CALLS calls all intact" $?

d=$(( $(drops) - d0 ))
[ "$d" -gt 0 ]
ktap_check "drops counted during the run: +$d" $?

state=$("$CTL" -j peer show 2> /dev/null |
	jq -r --arg a "$PEER" '[.[] | select(.addr == $a) | .state] | first // "none"')
echo_ok 10 && [ "$state" = UP ]
ktap_check "afterwards: peer $state, a new call succeeds" $?

stop_server
ktap_finish
