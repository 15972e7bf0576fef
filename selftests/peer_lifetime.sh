#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Peers and the calls waiting on them:
#  - 64 connects to closed ports leave no on-demand peer behind (each
#    goes with its last user, also after a failed connect), while a
#    configured peer (PEER_ADD) stays until PEER_DEL;
#  - calls with a short timeout, queued behind slots held by slow calls
#    (a server that never answers), each fail with ETIMEDOUT at their own
#    deadline, not when a slot frees;
#  - the port's address handle cache is bounded: connects to addresses
#    of this host (each a GID of the port) add one entry each, and with
#    the debug build's bound (dbg_ah_cache_max) at 2 the cache holds 2.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ktap_plan 4
ktap_require_rdma

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	kill_bg
	stop_server
	"$CTL" peer del lifetime_cfg > /dev/null 2>&1
	[ -w "$AH_MAX" ] && echo 0 > "$AH_MAX" 2> /dev/null
	for a in "${ADDED[@]}"; do
		ip addr del "$a/24" dev "$ND" 2> /dev/null
	done
}
AH_MAX=/sys/module/rdmarpc/parameters/dbg_ah_cache_max
ADDED=()
ND=
trap cleanup EXIT

# ondemand_left: on-demand peers for closed ports 20000..20199 (the test
# connects to 20000..20063).
ondemand_left() {
	"$CTL" -j peer show 2> /dev/null |
		jq '[.[] | select(.name | test(":20[01][0-9][0-9]$"))] | length'
}

no_ondemand_left() {
	[ "$(ondemand_left)" = 0 ]
}

"$CTL" peer add lifetime_cfg "$PEER:20999" > /dev/null 2>&1
fails=0
for ((p = 20000; p < 20064; p++)); do
	timeout 30 "$HELPER" call --peer "$PEER:$p" --timeout 2000 \
		> /dev/null 2>&1 && fails=$((fails + 1))
done
[ "$fails" = 0 ] || ktap_note "$fails connects to closed ports succeeded"
wait_until 5 no_ondemand_left
rc=$?
ktap_note "on-demand peers left: $(ondemand_left)," \
	"peers listed: $("$CTL" -j peer show | jq length)"
[ $rc -eq 0 ] && [ "$fails" = 0 ]
ktap_check "64 failed connects leave no on-demand peer" $?

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
	kill_bg
	stop_server
fi
[ $ok = 1 ]
ktap_check "queued calls fail with ETIMEDOUT at their own deadline" $?

gids_added() {
	[ "$(port_json "$DEV" 1 | jq '[.gids[] |
		select(.gid | test("10\\.77\\.1\\.20[1-4]$"))] | length')" = 4 ]
}

ah_cached() {
	port_json "$DEV" 1 | jq -r '.stats.ah_cached'
}

# connect_to ADDR: a connect to a closed port of ADDR, an address of this
# host: the client's address handle to its GID is made (and cached)
# before TCP finds nobody there.
connect_to() {
	timeout 30 "$HELPER" call --peer "$1:20998" --timeout 2000 \
		> /dev/null 2>&1
}

ok=0
ND=$(port_json "$DEV" 1 | jq -r '.netdev')
if [ ! -w "$AH_MAX" ]; then
	ktap_note "no $AH_MAX: the module is not a debug build"
else
	for a in 10.77.1.201 10.77.1.202 10.77.1.203 10.77.1.204; do
		ip addr add "$a/24" dev "$ND" && ADDED+=("$a")
	done
	# Each address becomes a GID of the port.
	wait_until 10 gids_added
	c0=$(ah_cached)
	for a in 10.77.1.201 10.77.1.202 10.77.1.203; do
		connect_to "$a"
	done
	c1=$(ah_cached)
	echo 2 > "$AH_MAX"
	connect_to 10.77.1.204
	c2=$(ah_cached)
	echo 0 > "$AH_MAX"
	ktap_note "AH cache entries: $c0 before, $c1 after 3 connects," \
		"$c2 after a 4th with the bound at 2"
	[ "${#ADDED[@]}" = 4 ] && [ "$c1" -ge $((c0 + 3)) ] && [ "$c2" = 2 ] &&
		ok=1
fi
[ $ok = 1 ]
ktap_check "the address handle cache keeps at most its bound" $?

ktap_finish
