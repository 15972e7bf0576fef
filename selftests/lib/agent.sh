#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The peer agent: runs on guest "b" in two-host mode and executes the
# requests that tests on guest "a" queue with peer_run / peer_spawn (see
# remote.sh) until guest "a" says quit or its VM exits.  Each request runs in
# the background, so slow commands do not hold up others.

set -uo pipefail
# shellcheck source=selftests/lib/remote.sh
. "$(dirname "$0")/remote.sh"

dir=$RDMARPC_RDV
mkdir -p "$dir/req" "$dir/run" "$dir/out"
touch "$dir/b.ready"
echo "agent: ready on $RDMARPC_LOCAL_IP"

while [ ! -e "$dir/quit" ] && [ ! -e "$dir/a.exited" ]; do
	for f in "$dir"/req/*.req; do
		[ -e "$f" ] || continue
		id=$(basename "$f" .req)
		mv "$f" "$dir/run/$id.req" || continue
		echo "agent: $id: $(sed -n 2p "$dir/run/$id.req")"
		_rr_exec "$dir" "$id" &
	done
	sleep 0.05
done

echo "agent: quit"
RDMARPC_MODE=one
# Kill what the tests left running, locally: the directory is still the
# rendezvous one.
for f in "$dir"/out/*.pid; do
	[ -e "$f" ] || continue
	h=$(basename "$f" .pid)
	[ -e "$dir/out/$h.rc" ] && continue
	pid=$(cat "$f")
	echo "agent: killing leftover $h (pgid $pid)"
	kill -TERM -- "-$pid" 2>/dev/null
	for _ in $(seq 30); do
		kill -0 -- "-$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$pid" 2>/dev/null
done
# Requests still running are bounded by their own timeouts.
wait
exit 0
