#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Peers and the calls waiting on them:
#  - 200 connects to closed ports leave no on-demand peer behind (each
#    goes with its last user, also after a failed connect), while a
#    configured peer (PEER_ADD) stays until PEER_DEL.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ktap_plan 2
ktap_require_rdma

# shellcheck disable=SC2317 # run by the trap
cleanup() {
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

ktap_finish
