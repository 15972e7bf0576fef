#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Peers and the calls waiting on them:
#  - 200 connects to closed ports leave no on-demand peer behind (each
#    goes with its last user, also after a failed connect), while a
#    configured peer (PEER_ADD) stays until PEER_DEL;
#  - calls with a short timeout, queued behind slots held by slow calls
#    (a server that never answers), each fail with ETIMEDOUT at their own
#    deadline, not when a slot frees.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ktap_plan 3
ktap_require_rdma

BG=()
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	local p
	for p in "${BG[@]}"; do
		kill -KILL "$p" 2> /dev/null
	done
	stop_server
	"$CTL" peer del lifetime_cfg > /dev/null 2>&1
}
trap cleanup EXIT

# ondemand_left: on-demand peers for the closed ports 20000..20199.
ondemand_left() {
	"$CTL" -j peer show 2> /dev/null |
		jq '[.[] | select(.name | test(":20[01][0-9][0-9]$"))] | length'
}

"$CTL" peer add lifetime_cfg "$PEER:20999" > /dev/null 2>&1
fails=0
for ((p = 20000; p < 20200; p++)); do
	timeout 30 "$HELPER" call --peer "$PEER:$p" --timeout 2000 \
		> /dev/null 2>&1 && fails=$((fails + 1))
done
[ "$fails" = 0 ] || ktap_note "$fails connects to closed ports succeeded"
wait_until 5 test "$(ondemand_left)" = 0
rc=$?
ktap_note "on-demand peers left: $(ondemand_left)," \
	"peers listed: $("$CTL" -j peer show | jq length)"
[ $rc -eq 0 ] && [ "$fails" = 0 ]
ktap_check "200 failed connects leave no on-demand peer" $?

n=$("$CTL" -j peer show | jq '[.[] | select(.name == "lifetime_cfg")] | length')
"$CTL" peer del lifetime_cfg > /dev/null 2>&1
m=$("$CTL" -j peer show | jq '[.[] | select(.name == "lifetime_cfg")] | length')
[ "$n" = 1 ] && [ "$m" = 0 ]
ktap_check "a configured peer stays until PEER_DEL ($n, then $m)" $?

# Slow calls hold every slot of every session (at most 4 x 8) and more
# wait in the peer's queue; then 8 calls with a 1 s timeout queue behind.
ok=0
if start_server "serving 'slow'" "$HELPER sink --service slow"; then
	timeout 120 "$HELPER" call --peer "$PEER" --service slow --count 64 \
		--timeout 40000 > "$T/lifetime_hog.out" 2>&1 &
	BG+=($!)
	wait_until 30 grep -q submitted "$T/lifetime_hog.out" && rr_sleep 3
	t0=$SECONDS
	out=$(timeout 90 "$HELPER" call --peer "$PEER" --service slow \
		--count 8 --timeout 1000 2>&1)
	ktap_note "$(tail -n 1 <<< "$out") (waited $((SECONDS - t0)) s)"
	# Every call: ETIMEDOUT after 0.95..3 s (1 s, plus TCG's slack).
	n=$(awk '/^call [0-9]+: ETIMEDOUT after/ {
		if ($5 >= 0.95 && $5 <= 3.0) n++ } END { print n + 0 }' \
		<<< "$out")
	[ "$n" = 8 ] && ok=1
	[ $ok = 1 ] || ktap_note "$out"
	kill -KILL "${BG[@]}" 2> /dev/null
	stop_server
fi
[ $ok = 1 ]
ktap_check "queued calls fail with ETIMEDOUT at their own deadline" $?

ktap_finish
