#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Batched serving and busy polling, end to end: `rdmarpc-bench server`
# on the peer (the other guest with two hosts, this one otherwise) takes
# requests with RDMARPC_IOC_RECV_BATCH and answers them with
# RDMARPC_IOC_REPLY_BATCH (up to 64 per system call), serving "echo", so
# that every checking client of the other tests can call it:
#
#  - many concurrent calls (echo_client, 64 in flight, sizes around the
#    packet boundary and up to 1 MiB; 4 processes x 2 endpoints of
#    synchronous calls; rdmarpc-bench --verify at concurrency 64): every
#    response carries exactly its own request's bytes;
#  - the same with busy polling: on the client only, then on the server
#    too (--busy-poll on both ends);
#  - the calls of one SUBMIT and the answers of one REPLY_BATCH to the
#    same session leave packed, several to a datagram (tx_packed);
#  - a server told to serve exactly N requests takes no more than N from
#    its batches and exits 0 after answering them;
#  - the servers ran until stopped.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

BENCH=$TOP/tools/bench/rdmarpc-bench
BUSY_US=1000
# The debug kernel runs the same path about 20 times slower: an eighth
# of the calls, twice the time for each step, three times for each call
# (as rpc_echo.sh); the checks are the same.
if [ "${RDMARPC_DEBUG_LANE:-0}" = 1 ]; then
	DIV=8 SECS=300 CALL_MS=180000
else
	DIV=1 SECS=150 CALL_MS=60000
fi

ktap_plan 18
ktap_require_rdma

trap 'stop_server' EXIT

port_payload

# start_bench_server ARGS...: the batch server as "echo" on the peer.
start_bench_server() {
	start_server "serving 'echo'" "$BENCH server --service echo $*"
}

# bench_verify NAME ARGS...: rdmarpc-bench client --verify against the
# peer; ok if calls were made, none failed and none came back wrong.
bench_verify() {
	local name=$1 out rc j calls errs mism t0=$SECONDS
	shift
	out=$(timeout -k 5 120 "$BENCH" client --peer "$PEER" --service echo \
		--verify --json --timeout 30000 --warmup 0.2 "$@" 2>&1)
	rc=$?
	j=$(grep '^{' <<< "$out" | tail -n 1)
	calls=$(jq -r '.calls // 0' <<< "$j" 2> /dev/null)
	errs=$(jq -r '.errors // 1' <<< "$j" 2> /dev/null)
	mism=$(jq -r '.mismatched // 1' <<< "$j" 2> /dev/null)
	if [ $rc -eq 0 ] && [ "${calls:-0}" -gt 0 ] && [ "$errs" = 0 ] &&
		[ "$mism" = 0 ]; then
		ktap_ok "$name: $calls calls verified, $(jq -r '.calls_per_sec' <<< "$j") calls/s, p50 $(jq -r '.p50_us' <<< "$j") us [$((SECONDS - t0))s]"
	else
		ktap_fail "$name [$((SECONDS - t0))s]" "exit $rc: $out"
	fi
}

# helper_clients NAME: 4 processes x 2 endpoints of synchronous calls.
helper_clients() {
	local name=$1 i bad=0 out t0=$SECONDS pids=()
	for i in 1 2 3 4; do
		timeout -k 5 "$SECS" "$HELPER" clients --peer "$PEER" \
			--endpoints 2 --count $((100 / DIV)) \
			--max-size $((3 * mtu)) \
			--timeout "$CALL_MS" > "$T/rpc_batch_clients.$i" 2>&1 &
		pids+=($!)
	done
	for i in 1 2 3 4; do
		wait "${pids[i - 1]}" || bad=1
	done
	out=$(cat "$T"/rpc_batch_clients.[1-4])
	if [ $bad -eq 0 ] &&
		[ "$(grep -c ": $((100 / DIV)) ok, 0 failed, 0 mismatched\$" <<< "$out")" = 8 ]; then
		ktap_ok "$name [$((SECONDS - t0))s]"
	else
		ktap_fail "$name [$((SECONDS - t0))s]" "$out"
	fi
}

# stop_and_check NAME: the server must still run, and end by our signal.
stop_and_check() {
	local rc
	peer_kill "$SERVER"
	peer_wait "$SERVER" 10
	rc=$?
	if [ $rc -eq 143 ]; then
		ktap_ok "$1 ran until stopped (status $rc)"
	else
		ktap_fail "$1 ran until stopped (status $rc)" \
			"$(peer_log "$SERVER")"
	fi
	SERVER=
}

# ---- a batch server that sleeps while it waits

if start_bench_server --batch 64; then
	ktap_ok "batch server (64 per batch, sleeping) serving on the peer"
else
	ktap_fail "batch server (64 per batch, sleeping) serving on the peer"
fi
for spec in "64 2000 64" "$((pl + 1)) 640 64" "65536 256 32" "1m 32 16"; do
	read -r size count conc <<< "$spec"
	count=$((count / DIV))
	run_echo "batch server: size $size x $count, concurrency $conc" "$SECS" \
		--timeout "$CALL_MS" --size "$size" --count "$count" \
		--concurrency "$conc"
done
helper_clients "batch server: 4 processes x 2 endpoints, $((100 / DIV)) synchronous calls each of 0..$((3 * mtu)) bytes: all intact"
c0=$(stat_sum client tx_packed)
s0=$(stat_sum server tx_packed)
bench_verify "batch server: rdmarpc-bench --verify, 32 B, concurrency 64" \
	--size 32 --concurrency 64 --duration 2
c1=$(stat_sum client tx_packed)
s1=$(stat_sum server tx_packed)
[ "$c1" -gt "$c0" ] && [ "$s1" -gt "$s0" ]
st=$?
ktap_check "calls of one SUBMIT and answers of one REPLY_BATCH share datagrams: $((c1 - c0)) request and $((s1 - s0)) response packets sent behind another (session tx_packed)" $st
bench_verify "batch server: rdmarpc-bench --verify --busy-poll $BUSY_US (client only), concurrency 1" \
	--size 32 --concurrency 1 --duration 2 --busy-poll "$BUSY_US"
stop_and_check "sleeping batch server"

# ---- busy polling on both ends

if start_bench_server --batch 64 --busy-poll "$BUSY_US"; then
	ktap_ok "batch server with --busy-poll $BUSY_US serving on the peer"
else
	ktap_fail "batch server with --busy-poll $BUSY_US serving on the peer"
fi
run_echo "busy-polling batch server: size 64 x $((2000 / DIV)), concurrency 64" \
	"$SECS" --timeout "$CALL_MS" --size 64 --count $((2000 / DIV)) --concurrency 64
for conc in 1 64; do
	bench_verify "busy poll both ends: rdmarpc-bench --verify, 32 B, concurrency $conc" \
		--size 32 --concurrency "$conc" --duration 2 \
		--busy-poll "$BUSY_US"
done
bench_verify "busy poll both ends: rdmarpc-bench --verify, $((3 * mtu)) B, concurrency 16" \
	--size $((3 * mtu)) --concurrency 16 --duration 2 --busy-poll "$BUSY_US"
stop_and_check "busy-polling batch server"

# ---- a server that serves exactly N requests

N=$((300 / DIV))
if start_bench_server --batch 64 --count $N; then
	run_echo "server with --count $N: $N calls, concurrency 64" "$SECS" \
		--timeout "$CALL_MS" --size 100 --count $N --concurrency 64
	peer_wait "$SERVER" 30
	rc=$?
	if [ $rc -eq 0 ]; then
		ktap_ok "server with --count $N exited by itself, status $rc"
	else
		ktap_fail "server with --count $N exited by itself, status $rc" \
			"$(peer_log "$SERVER")"
	fi
	SERVER=
else
	ktap_fail "server with --count $N: $N calls, concurrency 64" \
		"did not start"
	ktap_fail "server with --count $N exited by itself"
fi
ktap_finish
