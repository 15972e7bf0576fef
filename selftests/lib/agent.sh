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

_rr_init
dir=$_rr_d
declare -A seen
: > "$dir/b.ready"
echo "agent: ready on $RDMARPC_LOCAL_IP"

while [ ! -e "$dir/quit" ] && [ ! -e "$dir/a.exited" ]; do
	for f in "$dir"/req/*.go; do
		[ -e "$f" ] || continue
		id=${f##*/}
		id=${id%.go}
		[ -z "${seen[$id]:-}" ] || continue
		seen[$id]=1
		echo "agent: $(date +%T.%N | cut -c1-12) $id"
		_rr_exec "$id" &
	done
	_rr_sleep 0.02
done

echo "agent: quit"
# Kill what the tests left running.
for f in "$dir"/out/*.pid; do
	[ -e "$f" ] || continue
	h=${f##*/}
	h=${h%.pid}
	[ -s "$dir/out/$h.rc" ] && continue
	pid=$(< "$f")
	echo "agent: killing leftover $h (pgid $pid)"
	kill -TERM -- "-$pid" 2>/dev/null
	for _ in $(seq 30); do
		kill -0 -- "-$pid" 2>/dev/null || break
		_rr_sleep 0.1
	done
	kill -KILL -- "-$pid" 2>/dev/null
done
# Requests still running end by their own timeouts; do not wait for long.
for _ in $(seq 100); do
	[ -z "$(jobs -rp)" ] && break
	_rr_sleep 0.1
done
exit 0
