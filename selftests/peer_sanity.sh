#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The remote helpers (lib/remote.sh) behave as tests rely on: peer_run
# returns the peer's output and exit status, the peer's environment names
# this host as its peer, peer_spawn / peer_kill manage a background command,
# and (two hosts) UD datagrams cross from the peer to this host.

set -uo pipefail
# shellcheck source=selftests/lib/ktap.sh
. "$(dirname "$0")/lib/ktap.sh"
# shellcheck source=selftests/lib/remote.sh
. "$(dirname "$0")/lib/remote.sh"

dev=${RDMARPC_IBDEV:-rxe0}
port=18516

ktap_plan 5
ktap_require_rdma

out=$(peer_run 'echo out; echo err >&2; exit 3')
rc=$?
[ $rc -eq 3 ] && [ "$out" = $'out\nerr' ]
ktap_check "peer_run returns output and exit status" $?

out=$(peer_run -t 2 'sleep 30')
rc=$?
[ $rc -eq 124 ]
ktap_check "peer_run -t bounds a hung command (status $rc)" $?

# shellcheck disable=SC2016 # expanded on the peer
out=$(peer_run 'echo "$RDMARPC_PEER_IP"')
[ "$out" = "$RDMARPC_LOCAL_IP" ]
ktap_check "the peer's peer is this host ($out)" $?

h=$(peer_spawn 'echo started; exec sleep 600')
peer_kill "$h"
peer_wait "$h" 5
rc=$?
[ $rc -eq 143 ] && [ "$(peer_log "$h")" = started ]
ktap_check "peer_spawn / peer_kill (status $rc)" $?

if [ "${RDMARPC_MODE:-one}" != two ]; then
	ktap_skip "UD pingpong from the peer" "one host: rxe_sanity.sh covers it"
else
	pp=(ibv_ud_pingpong -d "$dev" -g 1 -s 512 -n 50 -p "$port")
	timeout 60 "${pp[@]}" > "${TMPDIR:-/tmp}/pp.out" 2>&1 &
	srv=$!
	ok=1
	for _ in $(seq 50); do
		ss -Hltn "sport = :$port" | grep -q . && ok=0 && break
		sleep 0.2
	done
	[ $ok -eq 0 ] && out=$(peer_run -t 60 "${pp[@]}" "$RDMARPC_LOCAL_IP")
	rc=$?
	wait $srv
	src=$?
	ktap_note "$out"
	if [ $rc -ne 0 ] || [ $src -ne 0 ]; then
		ktap_note "client $rc, server $src: $(cat "${TMPDIR:-/tmp}/pp.out")"
	fi
	[ $rc -eq 0 ] && [ $src -eq 0 ]
	ktap_check "UD pingpong from the peer to $RDMARPC_LOCAL_IP" $?
fi

ktap_finish
