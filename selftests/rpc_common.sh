# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the RPC selftests (rpc_echo.sh, rpc_faults.sh,
# rpc_failure.sh, rpc_badinput.sh).  The server side runs on the peer
# (lib/remote.sh: the other guest with --two-hosts, this one otherwise);
# clients run here and reach it by its address only: the module's
# handshake learns GID, QPN and QKey.  Assertions read rdmarpcctl's JSON.

# shellcheck source=selftests/lib/ktap.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/ktap.sh"
# shellcheck source=selftests/lib/remote.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/remote.sh"
# shellcheck source=selftests/kmod_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/kmod_common.sh"

ECHO_SERVER=$TOP/tools/examples/echo_server
ECHO_CLIENT=$TOP/tools/examples/echo_client
HELPER=$TOP/selftests/rpc_helper
UD_JUNK=$TOP/selftests/ud_junk
PEER=${RDMARPC_PEER_IP:-127.0.0.1}
MODE=${RDMARPC_MODE:-one}
T=${TMPDIR:-/tmp}

# BG: the test's background processes (add with BG+=($!)).  kill_bg
# [--wait]: kill them all (from a cleanup trap too); with --wait, reap them
# (a process stuck in the kernel then holds the test up).
BG=()
kill_bg() {
	local p
	for p in "${BG[@]}"; do
		kill -KILL "$p" 2> /dev/null
	done
	if [ "${1:-}" = --wait ]; then
		for p in "${BG[@]}"; do
			wait "$p" 2> /dev/null
		done
	fi
	BG=()
}

# rr_sleep SECS: sleep without an exec where possible (TCG makes each
# exec cost tens of milliseconds).
rr_sleep() {
	_rr_init
	_rr_sleep "$1"
}

# on_both CMD: run the shell string CMD here and, with two hosts, on the
# peer too; fails if it fails on either.
on_both() {
	local rc=0
	bash -c "$1" || rc=1
	if [ "$MODE" = two ]; then
		peer_run -t 30 "$1" || rc=1
	fi
	return $rc
}

# start_server PATTERN CMD: spawn the shell command CMD on the peer and
# wait (30 s at most; 150 s on the debug kernel, where a server on the
# second guest took longer than 30 s to start) for PATTERN in its output.
# Sets SERVER to its handle.
start_server() {
	local pat=$1 cmd=$2 end=$((SECONDS + 30))
	[ "${RDMARPC_DEBUG_LANE:-0}" = 1 ] && end=$((SECONDS + 150))
	SERVER=$(peer_spawn "$cmd") || return 1
	while [ "$SECONDS" -le "$end" ]; do
		peer_log "$SERVER" | grep -q -- "$pat" && return 0
		# It exited (its status is there): it will not start.
		[ -s "$_rr_d/out/$SERVER.rc" ] && break
		rr_sleep 0.2
	done
	echo "server did not start: $cmd: $(peer_log "$SERVER")" >&2
	return 1
}

# start_echo_server [ARGS...]: echo_server on the peer, ready to serve.
# Only its first line ("serving 'echo'") is kept: one line per request
# would cost the server more than the requests under TCG.  Its exit status
# is the server's (pipefail).
start_echo_server() {
	start_server "serving 'echo'" "set -o pipefail; $ECHO_SERVER $* |
		{ IFS= read -r l; echo \"\$l\"; exec cat > /dev/null; }"
}

stop_server() {
	[ -n "${SERVER:-}" ] || return 0
	peer_kill "$SERVER" > /dev/null 2>&1
	SERVER=
}

# ctl_peer ARGS: rdmarpcctl on the peer (its output).
ctl_peer() {
	peer_run -t 30 "$CTL $*"
}

# sess_sum JSON ROLE KEY: the sum of .stats.KEY over the sessions of ROLE
# ("client", "server" or "" for all) in `rdmarpcctl -j session show`.
sess_sum() {
	jq --arg r "$2" --arg k "$3" \
		'[.[] | select($r == "" or .role == $r) | .stats[$k] // 0] | add // 0' \
		<<< "$1" 2> /dev/null || echo 0
}

# stat_sum ROLE KEY: sess_sum over this host's sessions, plus, with two
# hosts, the peer's.
stat_sum() {
	local a b=0
	a=$(sess_sum "$("$CTL" -j session show 2> /dev/null)" "$1" "$2")
	if [ "$MODE" = two ]; then
		b=$(sess_sum "$(ctl_peer -j session show 2> /dev/null)" "$1" "$2")
	fi
	echo $((a + b))
}

# server_stat GROUP KEY: a module-wide counter (rdmarpcctl -j stats) of
# the server's host: the peer with two hosts, this one otherwise; "none"
# if it has no such counter.
server_stat() {
	if [ "$MODE" = two ]; then
		ctl_peer -j stats 2> /dev/null
	else
		"$CTL" -j stats 2> /dev/null
	fi | jq -r ".$1.$2 // \"none\""
}

# dev_stat KEY: a counter of this host's port ($DEV port 1).
dev_stat() {
	port_json "$DEV" 1 | jq -r ".stats.$1 // empty"
}

# wait_until SECS CMD...: run CMD every 0.2 s until it succeeds.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	while :; do
		"$@" && return 0
		[ "$SECONDS" -lt "$end" ] || return 1
		rr_sleep 0.2
	done
}

# sessions_gone: no session here nor, with two hosts, on the peer.
sessions_gone() {
	[ "$("$CTL" -j session show 2> /dev/null | jq 'length')" = 0 ] ||
		return 1
	[ "$MODE" = two ] || return 0
	[ "$(ctl_peer -j session show 2> /dev/null | jq 'length')" = 0 ]
}

# del_peers: delete every peer of this host (their sessions die with
# ECONNRESET).
del_peers() {
	local n
	"$CTL" -j peer show 2> /dev/null | jq -r '.[].name' |
		while read -r n; do
			"$CTL" peer del "$n" > /dev/null 2>&1
		done
}

# kill_sessions: reset every liveness connection of this host (both ends of
# each with one host; with two, the peer's ends get the reset) and wait
# until no session is left on either host: the next call opens a new one.
# A kernel without CONFIG_INET_DIAG_DESTROY (the debug kernel) resets
# nothing: then the peers are deleted on both hosts, which ends their
# sessions too (also with ECONNRESET).
kill_sessions() {
	ss -K -t state established '( sport = :18515 or dport = :18515 )' \
		> /dev/null 2>&1
	wait_until 10 sessions_gone && return 0
	echo "kill_sessions: sessions left after ss -K: deleting the peers" >&2
	del_peers
	[ "$MODE" = two ] &&
		peer_run -t 60 "$CTL -j peer show | jq -r '.[].name' |
			while read -r n; do $CTL peer del \"\$n\"; done" \
			> /dev/null 2>&1
	wait_until 30 sessions_gone
}

# port_again: delete the RDMA device and add it again, so that its port
# is set up anew (with the current parameters); its sessions end.
port_again() {
	timeout 60 rdma link delete "$DEV" && wait_port_gone "$DEV" 1 10 &&
		timeout 30 rdma link add "$DEV" type rxe netdev "$NETDEV" &&
		wait_port_up "$DEV" 1 20
}

# module_loaded: rdmarpc is in the kernel.
module_loaded() {
	[ -e /sys/module/rdmarpc ]
}

# ensure_module: load rdmarpc again if a test left it unloaded, and wait
# for its port.
ensure_module() {
	module_loaded && return 0
	insmod "$KO" || return 1
	wait_port_up "$DEV" 1 20
}

# ensure_rxe: add the RDMA device again if a test left it deleted.
ensure_rxe() {
	[ -e "/sys/class/infiniband/$DEV" ] && return 0
	rdma link add "$DEV" type rxe netdev "$NETDEV" || return 1
	wait_port_up "$DEV" 1 20
}

# echo_ok: one "hello rdma" call to the peer's echo_server succeeds;
# retried for up to SECS (default 1 try) while sessions come up again.
echo_ok() {
	local secs=${1:-0} end out
	end=$((SECONDS + secs))
	while :; do
		out=$(timeout 60 "$ECHO_CLIENT" --peer "$PEER" --timeout 10000 \
			"hello rdma" 2>&1)
		[ "$out" = "hello rdma" ] && return 0
		[ "$SECONDS" -lt "$end" ] || break
		rr_sleep 0.5
	done
	echo "$out" >&2
	return 1
}

# run_checked NAME SECS CLIENT ARGS...: CLIENT (echo_client, or another
# client printing its summary line in the same words) with --peer and ARGS
# under a timeout; ok if every call came back intact (and, with
# $CHECKED_ALSO set, the summary has that text too).  On failure the
# errors are summarised (how many calls failed with which error).
run_checked() {
	local name=$1 secs=$2 client=$3 out rc t0=$SECONDS
	shift 3
	out=$(timeout -k 5 "$secs" "$client" --peer "$PEER" "$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && grep -q ' 0 failed, 0 mismatched' <<< "$out" &&
		grep -qF -- "${CHECKED_ALSO:-}" <<< "$out"; then
		ktap_ok "$name: ${out#"${client##*/}": } [$((SECONDS - t0))s]"
	else
		[ $rc -eq 124 ] && out="timed out after ${secs}s; $out"
		ktap_fail "$name [$((SECONDS - t0))s]" "exit $rc: $(
			sed 's/call [0-9]*: /call N: /' <<< "$out" | sort |
				uniq -c | sort -rn | head -n 10)"
	fi
}

# run_echo NAME SECS ARGS...: run_checked with echo_client.
run_echo() {
	local name=$1 secs=$2
	shift 2
	run_checked "$name" "$secs" "$ECHO_CLIENT" "$@"
}

# port_payload: sets $mtu (the port's MTU, 1024 if unknown) and $pl, the
# payload bytes per packet, and notes them with the peer.
port_payload() {
	mtu=$(port_json "$DEV" 1 | jq -r '.mtu // empty')
	[[ $mtu =~ ^[0-9]+$ ]] || mtu=1024
	pl=$((mtu - 32))
	ktap_note "port MTU $mtu: $pl payload bytes per packet; peer $PEER ($MODE host mode)"
}

# tier_begin PLAN: the start of a test of one way of making calls (a
# tier): DIV, SECS and CALL_MS for this lane (the debug kernel's runs
# make an eighth of the calls, with longer bounds), the plan, the echo
# server on the peer (one check) and the port's payload ($pl).
tier_begin() {
	if [ "${RDMARPC_DEBUG_LANE:-0}" = 1 ]; then
		DIV=8 SECS=400 CALL_MS=180000
	else
		DIV=1 SECS=150 CALL_MS=60000
	fi
	ktap_plan "$1"
	ktap_require_rdma
	trap 'stop_server' EXIT
	port_payload
	start_echo_server
	ktap_check "echo_server serving on the peer" $?
}

# kv ARGS...: $KV_CLIENT (the kv example's client) against the peer, each
# call given $CALL_MS, the whole run $RUN_S; sets OUT, ERR and RC.
kv() {
	local e=$T/kv_client.err
	OUT=$(timeout -k 5 "$RUN_S" "$KV_CLIENT" --peer "$PEER" --timeout "$CALL_MS" \
		"$@" 2> "$e")
	RC=$?
	ERR=$(cat "$e")
}

# rpc_endpoints: the module's count of open endpoints.
rpc_endpoints() {
	"$CTL" -j stats 2> /dev/null | jq -r '.rpc.endpoints // empty'
}

# killed_in_flight CLIENT ARGS...: CLIENT started with ARGS (calls in
# flight for a while), killed after 2 s; one check that its endpoint was
# open while it ran and is closed again after (its calls end within
# their timeouts, up to $CALL_MS).  Runs $WHILE_RUNNING (if set) just
# before the kill.
killed_in_flight() {
	local e0 e1 e2 pid
	e0=$(rpc_endpoints)
	"$@" > /dev/null 2>&1 &
	pid=$!
	sleep 2
	e1=$(rpc_endpoints)
	[ -z "${WHILE_RUNNING:-}" ] || $WHILE_RUNNING
	kill -9 "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	e2=
	for _ in $(seq 1 $((CALL_MS / 1000 + 30))); do
		e2=$(rpc_endpoints)
		[ -n "$e2" ] && [ -n "$e0" ] && [ "$e2" -le "$e0" ] && break
		sleep 1
	done
	[ -n "$e0" ] && [ -n "$e1" ] && [ "$e1" -gt "$e0" ] && [ "$e2" -le "$e0" ]
	ktap_check "killed with calls in flight: endpoints $e0 -> $e1 while running -> $e2 after" $?
}

# mac_of IFACE: its MAC address (on this host).
mac_of() {
	cat "/sys/class/net/$1/address" 2> /dev/null
}

# The peer helpers' state (rendezvous directory, sleep descriptor) in this
# shell: commands substitutions would set it only in their subshells.
_rr_init
