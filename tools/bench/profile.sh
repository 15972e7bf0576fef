#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where a 32-byte round trip spends its CPU time, one host: perf samples
# every CPU (cpu-clock, call graphs) while rdmarpc-bench runs one call at a
# time, and, beside it in the same guest, while ib_send_lat -c UD does the
# same with raw verbs.  Prints, per run, the round trip the tool measured
# and the symbols that took the most samples (kernel and user), so that a
# reader sees which of our functions, and which of the kernel's, make the
# difference.  Run it in a test guest with the module loaded:
#
#   selftests/vm.sh run 'tools/bench/profile.sh [--busy-poll US] [--no-rings] [--secs N]'
#
# --busy-poll US (default 1000) polls on both ends, as compare.sh's
# busy-polled rows do (0: sleeping waits, against ib_send_lat with CQ
# events); --no-rings keeps the client on ioctls.  Needs perf (Debian's
# linux-perf, from the host's root).  Reports stay in $PROFILE_OUT
# (default a new directory under /tmp) for perf report.
set -euo pipefail

busy=1000
rings=
secs=5
while [ $# -gt 0 ]; do
	case "$1" in
	--busy-poll) busy=${2:?--busy-poll needs microseconds}; shift ;;
	--no-rings) rings=--no-rings ;;
	--secs) secs=${2:?--secs needs a number}; shift ;;
	-h|--help) sed -n '4,/^set/s/^# \{0,1\}//p' "$0" | sed '$d'; exit 0 ;;
	*) echo "profile.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=$TOP/tools/bench/rdmarpc-bench
IP=${RDMARPC_LOCAL_IP:?not in a test guest: RDMARPC_LOCAL_IP unset}
IBDEV=${RDMARPC_IBDEV:-rxe0}
OUT=${PROFILE_OUT:-$(mktemp -d /tmp/rdmarpc-profile.XXXXXX)}
command -v perf > /dev/null || { echo "profile.sh: no perf (apt-get install linux-perf)" >&2; exit 1; }
[ -e /dev/rdmarpc ] || { echo "profile.sh: no /dev/rdmarpc (module not loaded)" >&2; exit 1; }

srv=
cleanup() {
	[ -z "$srv" ] || kill "$srv" 2> /dev/null || true
	wait 2> /dev/null || true
}
trap cleanup EXIT

# report NAME: the top symbols of $OUT/NAME.data, self time, and the split
# between user and kernel.
report() {
	local data=$OUT/$1.data
	echo "---- $1: samples by symbol (self), top 40"
	perf report -i "$data" --stdio --no-children --sort sym \
		--percent-limit 0.5 -g none 2> /dev/null |
		grep -v '^#' | grep -v '^$' | head -n 40
	echo "---- $1: samples by privilege level and command"
	perf report -i "$data" --stdio --no-children --sort comm,dso \
		--percent-limit 1 -g none 2> /dev/null |
		grep -v '^#' | grep -v '^$' | head -n 20
}

# rdmarpc-bench, one call at a time, server and client on this host.
wait_flag=()
[ "$busy" -gt 0 ] && wait_flag=(--busy-poll "$busy")
"$BENCH" server "${wait_flag[@]}" > "$OUT/server.log" 2>&1 &
srv=$!
for _ in $(seq 300); do
	grep -q serving "$OUT/server.log" && break
	sleep 0.1
done
grep -q serving "$OUT/server.log" || { cat "$OUT/server.log" >&2; exit 1; }
perf record -a -g -o "$OUT/rdmarpc.data" -- \
	"$BENCH" client --peer "$IP" --size 32 --concurrency 1 \
	--duration "$secs" "${wait_flag[@]}" $rings > "$OUT/client.log" 2>&1
echo "==== rdmarpc-bench, 32 B, concurrency 1, busy poll ${busy} us ${rings:-(rings where offered)}"
grep -E 'p50|calls' "$OUT/client.log" | head -n 5
report rdmarpc
kill "$srv"
wait "$srv" 2> /dev/null || true
srv=

# Raw UD verbs the same way: polling, or CQ events when not busy polling.
ev=()
[ "$busy" -gt 0 ] || ev=(-e)
iters=$((secs * 2000))
ib_send_lat -d "$IBDEV" -x 1 -c UD -s 32 -n "$iters" "${ev[@]}" -p 18515 \
	> "$OUT/ud_server.log" 2>&1 &
srv=$!
sleep 2
perf record -a -g -o "$OUT/ud.data" -- \
	ib_send_lat -d "$IBDEV" -x 1 -c UD -s 32 -n "$iters" "${ev[@]}" \
	-p 18515 "$IP" > "$OUT/ud_client.log" 2>&1
echo "==== ib_send_lat -c UD -s 32 ${ev[*]:-(polling)}, one way"
grep -A1 '#bytes' "$OUT/ud_client.log" | head -n 2
report ud
echo "perf data: $OUT"
