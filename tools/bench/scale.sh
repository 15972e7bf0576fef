#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How rdmarpc scales, in one guest run: 32-byte calls/s and p50/p99
# against client processes, and the kernel memory an endpoint and a
# session take.  (Calls/s against calls in flight is compare.sh's sweep.)
#
# usage (inside a guest; with two hosts the server runs on the peer):
#   selftests/vm.sh --timeout 1500 run tools/bench/scale.sh [--quick]
#       [--sessions N]
#
#  - processes: P = 1, 2, 4, 8, 16 rdmarpc-bench clients at once, each
#    with its own endpoint and 16 calls in flight, against one batch
#    server; their calls/s summed, and the worst p50 and p99 among them;
#  - endpoints: the growth of the kernel's slab memory (Slab in
#    /proc/meminfo) while 1000 files of /dev/rdmarpc are open, per file;
#  - sessions: N peers added under names of their own, all with the
#    server's address, and one call through each (each makes a session
#    here and one on the server); the slab growth per session, on this
#    host (client sessions) and on the server's (server sessions); with
#    one host, a client session and its server session together.  When
#    1, 10, 100, 1000 (up to N) sessions exist, one client's 32-byte
#    calls/s and p50/p99 at 16 in flight, beside them.  N: 200, --quick
#    40, or --sessions N.  A port admits sessions while its receive ring
#    has room for their credits (8 to 32 each), here four times over
#    (credit_overcommit 4): for 1000, load the module with recv_depth=8192
#    on both hosts (selftests/vm.sh --module-args).
#    Calls that fail are tallied by the message they failed with, and
#    the handshake counters that moved on each host are logged.
# Prints a markdown table and writes $RDMARPC_RESULTS/scale.json.
# Exit status: 0 when every measurement ran, 1 otherwise.
set -uo pipefail

quick=0 nsess_arg=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--sessions) nsess_arg=${2:?--sessions N}; shift ;;
	*) echo "usage: scale.sh [--quick] [--sessions N]" >&2; exit 2 ;;
	esac
	shift
done
TOP=${RDMARPC_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
LOCAL_IP=${RDMARPC_LOCAL_IP:?not in a test guest: RDMARPC_LOCAL_IP unset}
SERVER_IP=${RDMARPC_PEER_IP:-$LOCAL_IP}
BENCH=$TOP/tools/bench/rdmarpc-bench
ECHO_CLIENT=$TOP/tools/examples/echo_client
CTL=$TOP/tools/rdmarpcctl/rdmarpcctl
OUT=${RDMARPC_RESULTS:-/tmp}/scale.json
WORK=$(mktemp -d)
if [ "$quick" = 1 ]; then
	SECS=2 NEP=300 NSESS=40
else
	SECS=5 NEP=1000 NSESS=200
fi
NSESS=${nsess_arg:-$NSESS}
# Calls/s measured when this many sessions exist (and at NSESS).
SESS_STEPS=()
for n in 1 10 100 1000; do
	[ "$n" -lt "$NSESS" ] && SESS_STEPS+=("$n")
done
SESS_STEPS+=("$NSESS")
PROCS=(1 2 4 8 16)

# shellcheck source=/dev/null
. "$TOP/selftests/lib/remote.sh"

log() { echo "# [${SECONDS}s] $*" >&2; }
failed=0
srv=

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	[ -n "$srv" ] && peer_kill "$srv" > /dev/null 2>&1
	for ((i = 0; i < NSESS; i++)); do
		"$CTL" peer del "scale.p$i" > /dev/null 2>&1
	done
	rm -rf "$WORK"
}
trap cleanup EXIT

# slab_kb [peer]: Slab of /proc/meminfo here, or on the server's host.
slab_kb() {
	if [ "${1:-}" = peer ]; then
		peer_run -t 30 "awk '/^Slab:/ { print \$2 }' /proc/meminfo"
	else
		awk '/^Slab:/ { print $2 }' /proc/meminfo
	fi
}

# The handshake counters as "name value" lines, here or (peer) on the
# server's host.
hs_counters() {
	local cmd="$CTL -j stats"

	if [ "${1:-}" = peer ]; then
		peer_run -t 30 "$cmd"
	else
		$cmd
	fi 2> /dev/null | jq -r '.handshake // {} | to_entries[] | "\(.key) \(.value)"'
}

# hs_delta BEFORE AFTER: the counters that moved, "name +n ...".
hs_delta() {
	awk 'NR == FNR { b[$1] = $2; next }
	     $2 != b[$1] { printf "%s +%d ", $1, $2 - b[$1] }
	     END { print "" }' <(echo "$1") <(echo "$2")
}

# settle: let freed objects reach the slab counts (RCU, workqueues).
settle() {
	sync
	sleep 2
}

log "server: rdmarpc-bench server on $SERVER_IP"
srv=$(peer_spawn "$BENCH server --service echo") || srv=
for ((i = 0; i < 300 && ${#srv} > 0; i++)); do
	peer_log "$srv" | grep -q serving && break
	sleep 0.1
done

# ---- processes
declare -A P_RATE P_P50 P_P99
for p in "${PROCS[@]}"; do
	log "processes: $p clients, 16 in flight each, ${SECS}s"
	pids=()
	for ((i = 0; i < p; i++)); do
		timeout -k 5 $((SECS + 60)) "$BENCH" client --peer "$SERVER_IP" \
			--service echo --size 32 --concurrency 16 \
			--duration "$SECS" --warmup 0.5 --json \
			> "$WORK/p$p.$i" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	read -r rate p50 p99 n < <(cat "$WORK/p$p".* | grep '^{' |
		python3 -c '
import json, sys
js = [json.loads(l) for l in sys.stdin]
print(round(sum(j["calls_per_sec"] for j in js), 1),
      max(j["p50_us"] for j in js), max(j["p99_us"] for j in js), len(js))')
	if [ "${n:-0}" != "$p" ]; then
		log "processes: $p: only ${n:-0} clients reported"
		failed=1
	fi
	P_RATE[$p]=${rate:-} P_P50[$p]=${p50:-} P_P99[$p]=${p99:-}
done

# ---- endpoints
ulimit -n $((NEP + 64)) 2> /dev/null
settle
s0=$(slab_kb)
python3 - "$NEP" "$WORK/ep.done" <<'PY' &
import os, sys, time
fds = [os.open("/dev/rdmarpc", os.O_RDWR) for _ in range(int(sys.argv[1]))]
open(sys.argv[2], "w").close()
time.sleep(30)
PY
holder=$!
for ((i = 0; i < 200; i++)); do
	[ -e "$WORK/ep.done" ] && break
	sleep 0.1
done
sleep 1
s1=$(slab_kb)
kill "$holder" 2> /dev/null
wait "$holder" 2> /dev/null
if [ -e "$WORK/ep.done" ]; then
	EP_BYTES=$(( (s1 - s0) * 1024 / NEP ))
else
	EP_BYTES=
	failed=1
fi
log "endpoints: $NEP open: Slab $s0 -> $s1 kB"

# ---- sessions
# One session per peer; the server admits this many from one address,
# and lets their credits add up to four times its receive ring.
peer_run -t 30 "$CTL set sessions_per_host $((NSESS + 64)) credit_overcommit 4" \
	> /dev/null || failed=1
settle
c0=$(slab_kb)
v0=$(slab_kb peer)
made=0 step=0
hs0=$(hs_counters) hsp0=$(hs_counters peer)
declare -A S_RATE S_P50 S_P99 S_MADE S_WHY
for ((i = 0; i < NSESS; i++)); do
	if "$CTL" peer add "scale.p$i" "$SERVER_IP" > "$WORK/why" 2>&1 &&
		"$ECHO_CLIENT" --peer "scale.p$i" --timeout 20000 s \
			> "$WORK/why" 2>&1; then
		made=$((made + 1))
	else
		# Why this one failed: the last line the tool printed.
		why=$(tail -n 1 "$WORK/why")
		S_WHY[${why:-no message}]=$((${S_WHY[${why:-no message}]:-0} + 1))
	fi
	[ $((i + 1)) -eq "${SESS_STEPS[$step]}" ] || continue
	n=${SESS_STEPS[$step]}
	step=$((step + 1))
	log "sessions: $made made of $n tried; one client, 16 in flight, ${SECS}s"
	S_MADE[$n]=$made
	if timeout -k 5 $((SECS + 60)) "$BENCH" client --peer "$SERVER_IP" \
		--service echo --size 32 --concurrency 16 --duration "$SECS" \
		--warmup 0.5 --json > "$WORK/s$n" 2>&1; then
		j=$(grep '^{' "$WORK/s$n" | tail -n 1)
		S_RATE[$n]=$(jq -r .calls_per_sec <<< "$j")
		S_P50[$n]=$(jq -r .p50_us <<< "$j")
		S_P99[$n]=$(jq -r .p99_us <<< "$j")
	else
		failed=1
	fi
done
settle
c1=$(slab_kb)
v1=$(slab_kb peer)
nsess=$("$CTL" -j session show 2> /dev/null |
	jq '[.[] | select(.role == "client" and (.peer | startswith("scale.p")))] | length')
log "sessions: $made calls through $NSESS peers, $nsess client sessions: Slab here $c0 -> $c1 kB, on the server's host $v0 -> $v1 kB"
# What the handshakes met, on each end, over the sessions' part.
log "sessions: handshake counters here: $(hs_delta "$hs0" "$(hs_counters)")"
log "sessions: handshake counters on the server's host: $(hs_delta "$hsp0" "$(hs_counters peer)")"
for why in "${!S_WHY[@]}"; do
	log "sessions: ${S_WHY[$why]} failed with: $why"
done
CS_BYTES="" SS_BYTES=""
if [ "${nsess:-0}" -gt 0 ] && [ -n "$v1" ] && [ -n "$v0" ]; then
	if [ "$SERVER_IP" = "$LOCAL_IP" ]; then
		# One host: both ends' sessions grow the same slab.
		CS_BYTES=$(( (c1 - c0) * 1024 / nsess ))
	else
		CS_BYTES=$(( (c1 - c0) * 1024 / nsess ))
		SS_BYTES=$(( (v1 - v0) * 1024 / nsess ))
	fi
else
	failed=1
fi
peer_run -t 30 "$CTL set sessions_per_host 16 credit_overcommit 1" > /dev/null

# ---- report
echo "| measurement | value |"
echo "|---|---|"
for p in "${PROCS[@]}"; do
	echo "| $p client processes x 16 in flight | ${P_RATE[$p]:-failed} calls/s, p50 ${P_P50[$p]:-?} us, p99 ${P_P99[$p]:-?} us (worst client) |"
done
for n in "${SESS_STEPS[@]}"; do
	echo "| ${S_MADE[$n]:-?} sessions (of $n tried), 1 client x 16 in flight | ${S_RATE[$n]:-failed} calls/s, p50 ${S_P50[$n]:-?} us, p99 ${S_P99[$n]:-?} us |"
done
echo "| kernel slab per open endpoint ($NEP open) | ${EP_BYTES:-failed} bytes |"
if [ "$SERVER_IP" = "$LOCAL_IP" ]; then
	echo "| kernel slab per client session and its server session, one host (${nsess:-0} pairs, one call each) | ${CS_BYTES:-failed} bytes |"
else
	echo "| kernel slab per client session (${nsess:-0} sessions, one call each) | ${CS_BYTES:-failed} bytes |"
	echo "| kernel slab per server session (the same sessions, on the server's host) | ${SS_BYTES:-failed} bytes |"
fi
{
	printf '{"quick":%s,"secs":%s,"processes":[' \
		"$([ "$quick" = 1 ] && echo true || echo false)" "$SECS"
	sep=
	for p in "${PROCS[@]}"; do
		printf '%s{"processes":%s,"calls_per_sec":%s,"p50_us":%s,"p99_us":%s}' \
			"$sep" "$p" "${P_RATE[$p]:-null}" "${P_P50[$p]:-null}" \
			"${P_P99[$p]:-null}"
		sep=,
	done
	printf '],"session_steps":['
	sep=
	for n in "${SESS_STEPS[@]}"; do
		printf '%s{"tried":%s,"sessions":%s,"calls_per_sec":%s,"p50_us":%s,"p99_us":%s}' \
			"$sep" "$n" "${S_MADE[$n]:-null}" "${S_RATE[$n]:-null}" \
			"${S_P50[$n]:-null}" "${S_P99[$n]:-null}"
		sep=,
	done
	printf '],"endpoints":%s,"endpoint_slab_bytes":%s,' "$NEP" "${EP_BYTES:-null}"
	printf '"sessions":%s,"client_session_slab_bytes":%s,' "${nsess:-0}" "${CS_BYTES:-null}"
	printf '"server_session_slab_bytes":%s}\n' "${SS_BYTES:-null}"
} > "$OUT"
log "JSON report: $OUT"
exit $failed
