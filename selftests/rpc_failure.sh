#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RPC when things go away, each failure bounded in time and leaving nothing
# behind:
#  - a server killed while it holds requests: the callers' calls fail with
#    ECONNABORTED within seconds;
#  - clients killed (SIGKILL) in the middle of 16 MiB calls and of 64 calls
#    in flight (through ioctls, and through shared rings): no slot stays
#    busy on either host, the server goes on
#    serving, no endpoint reference is left;
#  - rmmod while /dev/rdmarpc files are open fails ("in use"); once they
#    are closed, rmmod works with sessions still established, the peer
#    drops its side of them, and after insmod calls work again;
#  - `rdma link delete` under load fails the calls with ENODEV, and after
#    `rdma link add` new calls succeed;
#  - two hosts only: a peer that vanishes from the network (nftables here
#    drops all RoCE and handshake traffic with it) is declared dead within
#    (3 + 1) x heartbeat_ms: calls it holds fail with ETIMEDOUT or
#    ECONNRESET after 1 to 4 periods (plus 1 s for TCG), calls under load
#    within 4 periods too; calls work again once it is back.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ktap_plan 17
ktap_require_rdma

HB0=
ESERVER=
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	kill_bg
	stop_server
	SERVER=$ESERVER
	stop_server
	nft delete table inet rdmarpc_test 2> /dev/null
	[ -n "$HB0" ] && "$CTL" set heartbeat_ms "$HB0" > /dev/null 2>&1
	ensure_rxe
	ensure_module
}
trap cleanup EXIT

# wait_log FILE PATTERN SECS: until FILE has a line matching PATTERN.
wait_log() {
	wait_until "$3" grep -Eq -- "$2" "$1"
}

# Calls in flight: busy slots of the client sessions.  (A server
# session's slots keep their last response for duplicates: not calls.)
Q_BUSY='[.[] | select(.role == "client") | .busy_slots // 0] | add // 0'

# busy_here: a call of this host is in flight.
busy_here() {
	[ "$("$CTL" -j session show 2> /dev/null | jq "$Q_BUSY")" -gt 0 ]
}

# idle_everywhere: no call in flight, here or on the peer; and no
# request is being served either (the server sessions' inflight packets).
idle_everywhere() {
	local q="($Q_BUSY)"' + ([.[] | .inflight // 0] | add // 0)'
	[ "$("$CTL" -j session show 2> /dev/null | jq "$q")" = 0 ] || return 1
	[ "$MODE" = two ] || return 0
	[ "$(ctl_peer -j session show 2> /dev/null | jq "$q")" = 0 ]
}

# mark TEXT: a line in the kernel log here and on the peer, to read the
# module's own messages against the test's steps.
mark() {
	echo "rdmarpc-selftest: $*" > /dev/kmsg
	if [ "$MODE" = two ]; then
		peer_run -t 10 "echo 'rdmarpc-selftest: (peer) $*' > /dev/kmsg"
	fi
}

refcnt() {
	cat /sys/module/rdmarpc/refcnt 2> /dev/null
}

refcnt_zero() {
	[ "$(refcnt)" = 0 ]
}

# peer_sessions_with_us: how many sessions the peer has with this host.
peer_sessions_with_us() {
	ctl_peer -j session show 2> /dev/null |
		jq --arg a "$RDMARPC_LOCAL_IP" \
			'[.[] | select(.peer // "" | startswith($a))] | length'
}

no_peer_sessions_with_us() {
	[ "$(peer_sessions_with_us)" = 0 ]
}

# -- 1. A server killed while holding requests -------------------------
start_server "sink: serving" "exec $HELPER sink --service sink"
ktap_check "a server that never replies, on the peer" $?

out=$T/rpc_failure_call.out
"$HELPER" call --peer "$PEER" --service sink --count 8 --size 3000 \
	--timeout 120000 > "$out" 2>&1 &
cli=$!
BG+=("$cli")
i=0
for ((s = 0; s < 300; s++)); do
	i=$(peer_log "$SERVER" | grep -c '^held ')
	[ "$i" -ge 8 ] && break
	rr_sleep 0.1
done
[ "$i" -ge 8 ]
ktap_check "8 calls of 3000 bytes reached it and are held ($i)" $?

killed=$EPOCHREALTIME
peer_kill "$SERVER" KILL
SERVER=
timeout 30 tail --pid="$cli" -f /dev/null
wait "$cli"
sum=$(grep '^calls ' "$out")
at=$(sed -n 's/.*, at \([0-9.]*\))$/\1/p' <<< "$sum")
took=$(awk -v a="$killed" -v b="${at:-0}" 'BEGIN { printf "%.2f", b - a }')
ktap_note "$(tail -n 12 "$out")"
# Within seconds: not at the calls' 120 s timeout.  The debug kernel, 20
# to 100 times slower, took 17 s on two hosts: 60 s there.
limit=5
[ "${RDMARPC_DEBUG_LANE:-0}" = 1 ] && limit=60
grep -q '^calls 8: ok 0 ECONNABORTED 8 ' <<< "$sum" &&
	[ "$(awk -v t="$took" -v l="$limit" 'BEGIN { print (t >= 0 && t < l) }')" = 1 ]
ktap_check "server killed: all 8 calls failed with ECONNABORTED ${took}s after the kill" $?

# -- 2. Clients killed mid-call ----------------------------------------
start_echo_server
ktap_check "echo_server on the peer" $?

seen=0
for args in "--size 16m --count 50 --concurrency 2" \
	"--size 4096 --count 1000000 --concurrency 64" \
	"--size 4096 --count 1000000 --concurrency 64 --busy-poll 50"; do
	# shellcheck disable=SC2086 # options
	"$ECHO_CLIENT" --peer "$PEER" --timeout 60000 -q $args \
		> "$T/rpc_failure_kill.out" 2>&1 &
	cli=$!
	BG+=("$cli")
	wait_until 20 busy_here && seen=$((seen + 1))
	rr_sleep 1
	kill -KILL "$cli"
	wait "$cli" 2> /dev/null
done
[ $seen -eq 3 ]
ktap_check "3 clients killed with calls in flight (16 MiB x 2, 4 KiB x 64 through ioctls and through shared rings)" $?

wait_until 20 idle_everywhere
rc=$?
ktap_note "$("$CTL" -j session show 2>&1 | jq -c '.[] | {id, role, peer, busy_slots, inflight}' 2>&1)"
[ $rc -eq 0 ]
ktap_check "no busy slot left on either host" $?

echo_ok 10
ktap_check "echo_server still serves" $?

stop_server
wait_until 10 refcnt_zero
st=$?
ktap_check "no endpoint left behind here: module refcnt $(refcnt)" $st

# -- 3. rmmod with open files, then with sessions only -----------------
"$HELPER" hold --peer "$PEER" --service held > "$T/rpc_failure_hold.out" 2>&1 &
hold=$!
BG+=("$hold")
wait_log "$T/rpc_failure_hold.out" '^ready' 30
ready=$?
out=$(rmmod_rdmarpc 2>&1)
rc=$?
[ $ready -eq 0 ] && [ $rc -ne 0 ] && grep -qi 'in use' <<< "$out" && module_loaded
ktap_check "rmmod with an endpoint open is refused: ${out:-it succeeded}" $?

kill -KILL "$hold"
wait "$hold" 2> /dev/null
wait_until 10 refcnt_zero
nsess=$("$CTL" -j session show 2> /dev/null | jq 'length')
out=$(rmmod_rdmarpc 60 2>&1)
rc=$?
[ "${nsess:-0}" -ge 1 ] && [ $rc -eq 0 ] && ! module_loaded
ktap_check "files closed: rmmod with ${nsess:-0} session(s) established: ${out:-done}" $?

insmod "$KO" && wait_port_up "$DEV" 1 20
rc=$?
nsess=$("$CTL" -j session show 2> /dev/null | jq 'length')
left=0
if [ "$MODE" = two ]; then
	wait_until 20 no_peer_sessions_with_us
	left=$(peer_sessions_with_us)
fi
[ $rc -eq 0 ] && [ "$nsess" = 0 ] && [ "$left" = 0 ]
ktap_check "insmod again: port up, $nsess sessions here, ${left:-?} left on the peer with us" $?

start_echo_server && echo_ok 20
ktap_check "calls work after the reload" $?

# -- 4. The RDMA device deleted under load ------------------------------
out=$T/rpc_failure_hotplug.out
"$ECHO_CLIENT" --peer "$PEER" --timeout 60000 --size 65536 --count 1000000 \
	--concurrency 16 > "$out" 2>&1 &
cli=$!
BG+=("$cli")
wait_until 20 busy_here
rr_sleep 1
mark "rdma link delete $DEV"
start=$SECONDS
timeout 60 rdma link delete "$DEV"
rc=$?
del=$((SECONDS - start))
wait_log "$out" 'went away' 30
took=$((SECONDS - start))
rr_sleep 2	# the other calls in flight fail too
kill -KILL "$cli" 2> /dev/null
wait "$cli" 2> /dev/null
errs=$(sed -n 's/^echo_client: call [0-9]*: //p' "$out" | sort | uniq -c | sort -rn)
ktap_note "errors: ${errs:-none}; $(grep -v '^echo_client: call ' "$out" | tail -n 3)"
[ $rc -eq 0 ] && grep -q 'RDMA device went away' <<< "$errs" &&
	! grep -v 'RDMA device went away' <<< "$errs" | grep -q . &&
	! grep -Eq 'mismatched|differs' "$out" && [ "$took" -le 30 ]
ktap_check "rdma link delete under load (done in ${del}s): calls failed with ENODEV within ${took}s, no other error" $?

timeout 30 rdma link add "$DEV" type rxe netdev "$NETDEV" && wait_port_up "$DEV" 1 20 &&
	echo_ok 30
ktap_check "rdma link add $DEV: new calls succeed" $?

# -- 5. The peer vanishes (two hosts) ----------------------------------
if [ "$MODE" != two ]; then
	ktap_skip "peer gone: held calls fail with ETIMEDOUT/ECONNRESET" "one-host mode: the peer is this host"
	ktap_skip "peer gone: calls under load fail with ETIMEDOUT/ECONNRESET" "one-host mode"
	ktap_skip "peer back: calls succeed again" "one-host mode"
else
	stop_server
	HB0=$("$CTL" -j param show | jq -r '.heartbeat_ms')
	"$CTL" set heartbeat_ms 1000
	params=$("$CTL" -j param show | jq -c '{call_timeout_ms, rto_min_us, rto_max_us, max_retries, heartbeat_ms}')
	# Nothing heard for 3 heartbeat periods kills the sessions, and the
	# peer's last heartbeat came at most one period before it went
	# silent: dead 2 to 4 periods after the rules are in, plus 1 s for
	# TCG.  That fails the held calls and the calls under load alike
	# (whose retransmissions may give up sooner: no lower bound there).
	hb_min=$(jq '.heartbeat_ms / 1000' <<< "$params")
	hb_bound=$(jq '4 * .heartbeat_ms / 1000 + 1' <<< "$params")
	ktap_note "here: $params: held calls must fail ${hb_min}s to ${hb_bound}s after the peer vanishes"

	# Calls the peer holds (no traffic but heartbeats) and calls
	# under load (retransmissions too), both with 120 s timeouts.
	start_echo_server
	ESERVER=$SERVER
	start_server "sink: serving" "exec $HELPER sink --service sink"
	hout=$T/rpc_failure_held.out
	"$HELPER" call --peer "$PEER" --service sink --count 8 --size 64 \
		--timeout 120000 > "$hout" 2>&1 &
	held=$!
	BG+=("$held")
	out=$T/rpc_failure_gone.out
	"$ECHO_CLIENT" --peer "$PEER" --timeout 120000 --size 64 --count 1000000 \
		--concurrency 8 > "$out" 2>&1 &
	cli=$!
	BG+=("$cli")
	wait_until 30 grep -q '^held 8 ' "$_rr_d/out/$SERVER.out"
	wait_until 20 busy_here
	mark "peer disappears"
	# Dropped here, both ways, so that this host's clock knows when the
	# rules are in: nft takes seconds under TCG and returns once they
	# are committed.
	nft -f - <<EOF
table inet rdmarpc_test {
	chain in {
		type filter hook input priority -10; policy accept;
		ip saddr $PEER udp dport 4791 drop
		ip saddr $PEER tcp sport 18515 drop
	}
	chain out {
		type filter hook output priority -10; policy accept;
		ip daddr $PEER udp dport 4791 drop
		ip daddr $PEER tcp dport 18515 drop
	}
}
EOF
	nrc=$?
	gone=$EPOCHREALTIME
	wait_log "$out" 'echo_client: call [0-9]+: ' 30
	failed=$EPOCHREALTIME
	kill -KILL "$cli" 2> /dev/null
	wait "$cli" 2> /dev/null
	timeout 30 tail --pid="$held" -f /dev/null
	kill -KILL "$held" 2> /dev/null
	wait "$held" 2> /dev/null
	mark "peer gone: done"

	# in_bounds T: T seconds is within [hb_min, hb_bound].
	in_bounds() {
		[ "$(awk -v t="$1" -v a="$hb_min" -v b="$hb_bound" \
			'BEGIN { print (t >= a && t <= b) }')" = 1 ]
	}
	sum=$(grep '^calls ' "$hout")
	at=$(sed -n 's/.*, at \([0-9.]*\))$/\1/p' <<< "$sum")
	htook=$(awk -v a="$gone" -v b="${at:-0}" 'BEGIN { printf "%.1f", b - a }')
	ktap_note "held calls: ${sum:-none}"
	errs=$(sed -n 's/^calls 8: ok 0 \(.*\) (last.*/\1/p' <<< "$sum")
	[ $nrc -eq 0 ] && [ -n "$errs" ] &&
		[ -z "$(sed -E 's/(ETIMEDOUT|ECONNRESET) [0-9]+//g; s/ //g' <<< "$errs")" ] &&
		in_bounds "$htook"
	ktap_check "peer gone: 8 held calls failed (${errs:-not at all}) ${htook}s after (${hb_min}s to ${hb_bound}s)" $?

	first=$(grep -m1 'echo_client: call [0-9]*: ' "$out")
	took=$(awk -v a="$gone" -v b="$failed" 'BEGIN { printf "%.1f", b - a }')
	ktap_note "under load, first failure: ${first:-none}"
	[ $nrc -eq 0 ] && grep -Eq 'timed out|session reset' <<< "$first" &&
		[ "$(awk -v t="$took" -v b="$hb_bound" 'BEGIN { print (t <= b) }')" = 1 ]
	ktap_check "peer gone: calls under load failed with ETIMEDOUT/ECONNRESET ${took}s after (bound ${hb_bound}s)" $?

	nft delete table inet rdmarpc_test
	stop_server
	SERVER=$ESERVER
	ESERVER=
	echo_ok 30
	ktap_check "peer back: calls succeed again" $?
	"$CTL" set heartbeat_ms "$HB0" && HB0=
fi

stop_server
ktap_finish
