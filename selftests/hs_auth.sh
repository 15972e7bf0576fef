#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Who a session's datagrams go to and come from.  The server (the peer's
# module; this host's in one-host mode) is met by clients of our own:
#  - hs_flood forge: a hello naming a GID that is not the TCP connection's
#    address (a third host's, 192.0.2.77; with two hosts also the server's
#    own).  It must be refused with code RR_HELLO_R_ADDR (6) and counted
#    in handshake.addr_refused; a server that trusted it would aim its
#    responses at that address;
#  - ud_junk --hs: a session opened over TCP naming one userspace QP, then
#    datagrams of two well-formed PINGs for it (right id, tag and CRC,
#    packed) from a second QP: the server must drop them (no answer) and
#    count them in faults.wrong_src, and answer the same datagrams from
#    the QP the hello named, both PINGs, both pongs packed in one datagram;
#  - a pre-shared key on both ends: calls work (both proofs, now over the
#    whole hello transcript, agree); a different key on the client: the
#    session is not set up.  The keys go in as rdmarpcctl takes them:
#    from a file of mode 0600 (psk-file PATH) or a pipe (psk-file -);
#  - echo works afterwards.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ktap_plan 7
ktap_require_rdma

FLOOD=$TOP/selftests/hs_flood
PORT=$("$CTL" -j param show 2> /dev/null | jq -r '.tcp_port // 18515')
SELF=${LOCAL_IP:-127.0.0.1}
KEY=$(printf '5a%.0s' {1..32})
BADKEY=$(printf 'a5%.0s' {1..32})
KEYFILE=$(mktemp)	# mode 0600, as psk-file wants
printf '%s\n' "$KEY" > "$KEYFILE"
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	rm -f "$KEYFILE"
	"$CTL" peer del hs_auth > /dev/null 2>&1
	[ "$MODE" = two ] && ctl_peer peer del hs_auth_c > /dev/null 2>&1
	stop_server
}
trap cleanup EXIT

start_echo_server && echo_ok 30
ktap_check "echo_server on the peer, a session up" $?

# -- A hello naming another host's GID ----------------------------------
forge_refused() {
	local gid=$1 a0 a1 out
	a0=$(server_stat handshake addr_refused)
	out=$(timeout 30 "$FLOOD" forge "$PEER" "$PORT" "$gid" 2>&1)
	a1=$(server_stat handshake addr_refused)
	ktap_note "forge $gid: $out; addr_refused $a0 -> $a1"
	grep -q '^refused code 6: ' <<< "$out" &&
		[ "$a1" != none ] && [ "$a1" -gt "$a0" ]
}

forge_refused ::ffff:192.0.2.77
ktap_check "a hello naming a third host's GID: refused (code 6), counted" $?

if [ "$MODE" = two ]; then
	forge_refused "::ffff:$PEER"
	ktap_check "a hello naming the server's own GID: refused (code 6), counted" $?
else
	ktap_skip "a hello naming the server's own GID" "one host: a connection from this host may name any GID of it"
fi

# -- PINGs for a real session from another QP ---------------------------
p=$(port_json "$DEV" 1)
gidx=$(jq -r '.gid_index' <<< "$p")
mtu=$(jq -r '.mtu' <<< "$p")
N=20
w0=$(server_stat faults wrong_src)
out=$(timeout 120 "$UD_JUNK" --dev "$DEV" --gid-index "$gidx" --mtu "$mtu" \
	--hs "$PEER:$PORT" --count $N 2>&1)
rc=$?
w1=$(server_stat faults wrong_src)
ktap_note "$out; wrong_src $w0 -> $w1"
bad=$(sed -n 's/.*wrong QP [^:]*: sent [0-9]*, pongs \([0-9]*\);.*/\1/p' <<< "$out")
good=$(sed -n "s/.*hello's QP [^:]*: sent [0-9]*, pongs \([0-9]*\) in [0-9]* datagrams$/\1/p" <<< "$out")
gdg=$(sed -n "s/.*pongs [0-9]* in \([0-9]*\) datagrams$/\1/p" <<< "$out")
[ $rc -eq 0 ] && [ "$bad" = 0 ] && [ "${good:-0}" -ge $N ] &&
	[ "${gdg:-0}" -ge 1 ] && [ "$good" -eq $((2 * gdg)) ] &&
	[ "$w1" != none ] && [ "$w1" -ge $((w0 + N)) ]
st=$?
ktap_check "datagrams from another QP than the hello's: dropped ($bad answered) and counted (+$((${w1/none/0} - ${w0/none/0}))); from the hello's QP, two PINGs packed in each: $good of $((2 * N)) answered, two to a datagram ($gdg)" $st

# -- A pre-shared key: both proofs over the transcript ------------------
if [ "$MODE" = two ]; then
	peer_run -t 30 "printf '%s\\n' $KEY | $CTL peer add hs_auth_c $SELF psk-file -" > /dev/null
fi
"$CTL" peer add hs_auth "$PEER" psk-file "$KEYFILE" > /dev/null
out=$(timeout 60 "$ECHO_CLIENT" --peer hs_auth --timeout 10000 "hello psk" 2>&1)
ktap_note "$out"
[ "$out" = "hello psk" ]
ktap_check "a pre-shared key on both ends: a call works" $?

"$CTL" peer del hs_auth > /dev/null 2>&1
if [ "$MODE" = two ]; then
	printf '%s\n' "$BADKEY" |
		"$CTL" peer add hs_auth "$PEER" psk-file - > /dev/null
	out=$(timeout 60 "$ECHO_CLIENT" --peer hs_auth --timeout 10000 \
		"hello psk" 2>&1)
	rc=$?
	ktap_note "$(tail -n 1 <<< "$out")"
	[ $rc -ne 0 ] && [ "$out" != "hello psk" ]
	ktap_check "a different key on the client: no session" $?
else
	ktap_skip "a different key on the client" "one host: both ends read the same peer table"
fi
"$CTL" peer del hs_auth > /dev/null 2>&1
[ "$MODE" = two ] && ctl_peer peer del hs_auth_c > /dev/null 2>&1

echo_ok 10
ktap_check "calls work afterwards" $?

stop_server
ktap_finish
