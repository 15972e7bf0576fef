#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# UD datagrams from the module's own QP to itself (RDMARPC_CMD_LOOPBACK):
# through an AH built like a peer's (GRH, source GID attribute, resolved
# MAC), every datagram must arrive intact, for sizes from the smallest to
# the port MTU; the port's counters must move by as much; sizes out of
# range and unprivileged callers are refused.

set -uo pipefail
# shellcheck source=selftests/lib/ktap.sh
. "$(dirname "$0")/lib/ktap.sh"
# shellcheck source=selftests/kmod_common.sh
. "$(dirname "$0")/kmod_common.sh"

ktap_plan 10
ktap_require_rdma

mtu=$(port_json "$DEV" 1 | jq -r '.mtu')
stat() {
	port_json "$DEV" 1 | jq -r ".stats.$1"
}

tx0=$(stat tx_packets)
rx0=$(stat rx_packets)
total=0
for spec in "1 16" "1000 16" "1000 512" "1000 $mtu" "20000 $mtu"; do
	read -r n size <<< "$spec"
	out=$("$CTL" -j loopback "$DEV" 1 "$n" "$size" 2>&1)
	sent=$(jq -r '.sent' <<< "$out" 2>/dev/null)
	recv=$(jq -r '.received' <<< "$out" 2>/dev/null)
	us=$(jq -r '.us_per_datagram' <<< "$out" 2>/dev/null)
	total=$((total + n))
	if [ "$sent" = "$n" ] && [ "$recv" = "$n" ]; then
		ktap_ok "loopback $n x $size bytes: all intact ($us us each)"
	else
		ktap_fail "loopback $n x $size bytes" "$out"
	fi
done

tx=$(($(stat tx_packets) - tx0))
rx=$(($(stat rx_packets) - rx0))
errs=$(port_json "$DEV" 1 | jq '.stats.tx_errors + .stats.rx_errors')
[ "$tx" = "$total" ] && [ "$rx" = "$total" ] && [ "$errs" = 0 ]
ktap_check "counters: tx +$tx rx +$rx (want $total), errors $errs" $?

out=$("$CTL" loopback "$DEV" 1 10 $((mtu + 1)) 2>&1)
rc=$?
[ $rc -ne 0 ] && grep -qi 'invalid\|MTU' <<< "$out"
ktap_check "size MTU+1 refused: $out" $?

out=$("$CTL" loopback "$DEV" 1 10 15 2>&1)
rc=$?
[ $rc -ne 0 ]
ktap_check "size 15 (below the 16-byte header) refused: $out" $?

out=$("$CTL" loopback nosuchdev 1 10 64 2>&1)
rc=$?
[ $rc -ne 0 ] && grep -qi 'no such device' <<< "$out"
ktap_check "unknown device: $out" $?

if command -v setpriv > /dev/null; then
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$CTL" loopback "$DEV" 1 10 64 2>&1)
	rc=$?
	[ $rc -eq 4 ]
	ktap_check "unprivileged loopback refused (exit $rc): $out" $?
else
	ktap_fail "unprivileged loopback refused" "setpriv not found"
fi
ktap_finish
