#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two or more builds of rdmarpc side by side in one guest: each round
# loads each tree's rdmarpc.ko in turn (the order rotating from round to
# round) and runs that tree's rdmarpc-bench against a server on this
# host, so that every build meets the same emulator and the same guest.
# Prints each figure as it comes ("ROUND TREE KEY VALUE"), then the median
# of each key per tree.  Leaves the harness's own module loaded.
#
# usage (inside a one-host guest; TREE is a built checkout, its kmod/
# built for the guest's kernel):
#   selftests/vm.sh --timeout 2400 run tools/bench/alternate.sh \
#       ROUNDS lat,rate,busy TREE...
#
#   lat   round trip p50, 32 bytes, one call at a time, sleeping waits
#   rate  calls/s, 32 bytes, 64 in flight
#   busy  round trip p50, 32 bytes, busy polling (1000 us) on both ends
set -u

[ $# -ge 3 ] || { sed -n '11,18s/^# \{0,1\}//p' "$0" >&2; exit 2; }
ROUNDS=$1 WHAT=$2
shift 2
TREES=("$@")
IP=${RDMARPC_LOCAL_IP:?not in a test guest: RDMARPC_LOCAL_IP unset}
OUT=${RDMARPC_RESULTS:-/tmp}/alternate.txt
SRV_LOG=$(mktemp)
: > "$OUT"
srv=

load() {
	rmmod rdmarpc 2> /dev/null
	insmod "$1/kmod/rdmarpc.ko" || { echo "insmod $1 failed" >&2; exit 1; }
	sleep 2
}

# server TREE ARGS...: that tree's rdmarpc-bench server, once it serves.
server() {
	local tree=$1 i
	shift
	"$tree/tools/bench/rdmarpc-bench" server "$@" > "$SRV_LOG" 2>&1 &
	srv=$!
	for ((i = 0; i < 100; i++)); do
		grep -q serving "$SRV_LOG" && return 0
		sleep 0.1
	done
	echo "server did not start: $(cat "$SRV_LOG")" >&2
	return 1
}

stop() {
	[ -n "$srv" ] && kill "$srv" 2> /dev/null && wait "$srv" 2> /dev/null
	srv=
}

# client TREE ARGS...: the last JSON line of that tree's client.
client() {
	local tree=$1
	shift
	timeout 60 "$tree/tools/bench/rdmarpc-bench" client --peer "$IP" \
		--json --timeout 10000 "$@" 2>&1 | grep '^{' | tail -n 1
}

put() {
	echo "$1 $2 $3 $(jq -r ".$4" <<< "$5" 2> /dev/null)" | tee -a "$OUT"
}

n=${#TREES[@]}
for ((r = 1; r <= ROUNDS; r++)); do
	for ((k = 0; k < n; k++)); do
		tree=${TREES[(k + r) % n]}
		tag=$(basename "$tree")
		load "$tree"
		if [[ $WHAT == *lat* || $WHAT == *rate* ]] && server "$tree"; then
			[[ $WHAT == *lat* ]] && put "$r" "$tag" lat_p50_us p50_us \
				"$(client "$tree" --size 32 --concurrency 1 --duration 3)"
			[[ $WHAT == *rate* ]] && put "$r" "$tag" rate_c64 calls_per_sec \
				"$(client "$tree" --size 32 --concurrency 64 --duration 3)"
			stop
		fi
		if [[ $WHAT == *busy* ]] && server "$tree" --busy-poll 1000; then
			put "$r" "$tag" busy_p50_us p50_us \
				"$(client "$tree" --size 32 --concurrency 1 --duration 3 \
					--busy-poll 1000)"
			stop
		fi
	done
done
echo "== medians"
for key in lat_p50_us rate_c64 busy_p50_us; do
	for tree in "${TREES[@]}"; do
		tag=$(basename "$tree")
		v=$(awk -v k="$key" -v t="$tag" '$2 == t && $3 == k { print $4 }' "$OUT" |
			sort -g | awk '{ a[NR] = $1 } END {
				if (NR) print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }')
		[ -n "$v" ] && printf '%-12s %-12s %s\n' "$key" "$tag" "$v"
	done
done
rm -f "$SRV_LOG"
rmmod rdmarpc 2> /dev/null
insmod "${RDMARPC_KO:-${TREES[0]}/kmod/rdmarpc.ko}"
