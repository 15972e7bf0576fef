#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rdmarpc works in the initial network namespace only (its handshake
# sockets, routes and neighbours are init_net's): from any other namespace
# CONNECT, BIND (which makes the endpoint reachable through the module's
# listener) and PEER_ADD fail with EOPNOTSUPP, netlink with an extack
# saying why; and nothing is left behind.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ktap_plan 4
ktap_require_rdma

out=$(timeout 20 unshare -n "$CTL" peer add netns_peer 10.99.0.1 2>&1)
rc=$?
ktap_note "peer add: rc $rc: $out"
[ $rc -ne 0 ] && grep -q "Operation not supported" <<< "$out" &&
	grep -qi "namespace" <<< "$out"
ktap_check "PEER_ADD from a new netns: EOPNOTSUPP with a reason" $?

out=$(timeout 20 unshare -n "$HELPER" call --peer "$PEER" --timeout 2000 2>&1)
rc=$?
ktap_note "connect: rc $rc: $out"
[ $rc -ne 0 ] && grep -q "(EOPNOTSUPP)" <<< "$out"
ktap_check "CONNECT from a new netns: EOPNOTSUPP" $?

out=$(timeout 10 unshare -n "$HELPER" sink --service netns_svc 2>&1)
rc=$?
ktap_note "bind: rc $rc: $out"
[ $rc -eq 1 ] && grep -q "bind netns_svc: Operation not supported" <<< "$out"
ktap_check "BIND from a new netns: EOPNOTSUPP" $?

n=$("$CTL" -j peer show | jq '[.[] | select(.name == "netns_peer")] | length')
[ "$n" = 0 ]
ktap_check "nothing added from the other namespace" $?

ktap_finish
