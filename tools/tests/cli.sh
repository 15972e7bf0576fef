#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# rdmarpc-sim as a user runs it: the acceptance runs over several seeds,
# total loss, and argument handling.  One "ok"/"not ok" line per check.
set -u
sim=${1:-./rdmarpc-sim}
seeds=${CLI_SEEDS:-7 11 23}
faults="--loss 0.05 --reorder 0.05 --duplicate 0.01 --corrupt 0.001"
n=0

jget() { # key json
	printf '%s\n' "$2" | sed -n "s/.*\"$1\":\(-\{0,1\}[0-9][0-9]*\).*/\1/p"
}

report() { # ok? description
	n=$((n + 1))
	if [ "$1" = 1 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

# every RPC completes exactly once with the right bytes
accept() { # rpcs size seed
	out=$("$sim" --rpcs "$1" --size "$2" $faults --seed "$3" --json)
	rc=$?
	good=1
	for k in completed failed duplicate_executions wrong_payloads \
		 retransmissions virtual_time_us; do
		[ -n "$(jget $k "$out")" ] || good=0
	done
	[ "$rc" = 0 ] || good=0
	[ "$(jget completed "$out")" = "$1" ] || good=0
	[ "$(jget failed "$out")" = 0 ] || good=0
	[ "$(jget duplicate_executions "$out")" = 0 ] || good=0
	[ "$(jget wrong_payloads "$out")" = 0 ] || good=0
	[ "$good" = 1 ] || echo "# $out (exit $rc)"
	report $good "--rpcs $1 --size $2 faulty network --seed $3"
}

for s in $seeds; do
	accept 20000 3000 "$s"
	accept 200 1000000 "$s"
	accept 200000 32 "$s"
done

# total loss: every call times out, in bounded virtual time, exit non-zero
out=$("$sim" --rpcs 500 --size 100 --loss 1.0 --seed 3 --json)
rc=$?
good=1
[ "$rc" = 1 ] || good=0
[ "$(jget completed "$out")" = 0 ] || good=0
[ "$(jget failed "$out")" = 500 ] || good=0
[ "$(jget timeouts "$out")" = 500 ] || good=0
printf '%s\n' "$out" | grep -q '"hung":false' || good=0
vt=$(jget virtual_time_us "$out")
[ -n "$vt" ] && [ "$vt" -lt 1000000000 ] || good=0
[ "$good" = 1 ] || echo "# $out (exit $rc)"
report $good "--loss 1.0: all calls fail with ETIMEDOUT, exit 1"

# human summary by default
out=$("$sim" --rpcs 100 --seed 5)
rc=$?
good=1
[ "$rc" = 0 ] || good=0
printf '%s\n' "$out" | grep -q '^rdmarpc-sim: 100 RPCs of 32 bytes, seed 5: OK$' || good=0
report $good "human summary"

# argument errors
"$sim" --bogus >/dev/null 2>&1
[ $? = 2 ] && good=1 || good=0
report $good "unknown option exits 2"
"$sim" --loss 1.5 >/dev/null 2>&1
[ $? = 2 ] && good=1 || good=0
report $good "out-of-range value exits 2"
"$sim" --help >/dev/null 2>&1
[ $? = 0 ] && good=1 || good=0
report $good "--help exits 0"
