#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The session handshake against the device's removal and a peer that
# closes early; this host connects to itself (its own listener), so the
# test runs the same in one-host and two-host mode:
#  - the device deleted while the server sleeps between activating a
#    session and accepting it (debug knob dbg_hs_accept_delay_ms): the
#    session's teardown must not free the connection the handshake still
#    uses (no oops, no WARN);
#  - the liveness connection reset (ss -K) while the client sleeps between
#    the accept and activating (dbg_hs_activate_delay_ms): a session that
#    died before activation must not stay listed (a WARN at its release,
#    or a stale entry in the session dump);
#  - a CONNECT waiting on a listener that never answers: `rdma link
#    delete` returns within 10 s and the CONNECT fails with ENODEV;
#  - a CONNECT timeout above RDMARPC_CONNECT_TIMEOUT_MAX (60000 ms) is
#    EINVAL;
#  - the module unloaded while a served handshake is still listed (debug
#    knob dbg_hs_unlist_delay_ms), its socket already handed to a session
#    that has died since: exit must not shut the freed socket down (KASAN
#    on the debug kernel);
#  - calls work afterwards.
# The debug knobs exist only in debug builds (make module-debug);
# without them those checks are skipped.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ktap_plan 7
ktap_require_rdma

FLOOD=$TOP/selftests/hs_flood
PARAMS=/sys/module/rdmarpc/parameters
SELF=${LOCAL_IP:-127.0.0.1}
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	kill_bg
	[ -e "$PARAMS/dbg_hs_accept_delay_ms" ] &&
		echo 0 > "$PARAMS/dbg_hs_accept_delay_ms"
	[ -e "$PARAMS/dbg_hs_activate_delay_ms" ] &&
		echo 0 > "$PARAMS/dbg_hs_activate_delay_ms"
	stop_server
	ensure_rxe
	ensure_module
}
trap cleanup EXIT

# kernel_trouble NAME: an oops, BUG or WARN in the log since mark NAME.
kernel_trouble() {
	log_since "$1" | grep -E 'WARNING:|BUG:|Oops|general protection|refcount_t'
}

nsessions() {
	"$CTL" -j session show 2> /dev/null | jq 'length'
}

has_server_session() {
	[ "$("$CTL" -j session show 2> /dev/null |
		jq '[.[] | select(.role == "server")] | length')" -gt 0 ]
}

no_sessions() {
	[ "$(nsessions)" = 0 ]
}

# link_delete SECS: `rdma link delete` in the background; sets DEL_RC and
# DEL_TOOK (seconds), DEL_RC empty if it did not return within SECS.
link_delete() {
	local pid end
	start=$SECONDS
	rdma link delete "$DEV" &
	pid=$!
	end=$((SECONDS + $1))
	DEL_RC=
	while [ "$SECONDS" -le "$end" ]; do
		if ! kill -0 "$pid" 2> /dev/null; then
			wait "$pid"
			DEL_RC=$?
			break
		fi
		rr_sleep 0.2
	done
	DEL_TOOK=$((SECONDS - start))
	DEL_PID=$pid
}

# -- 1. The device deleted while the server accepts ---------------------
if [ -e "$PARAMS/dbg_hs_accept_delay_ms" ]; then
	log_mark hs1
	echo 3000 > "$PARAMS/dbg_hs_accept_delay_ms"
	out=$T/rpc_handshake_1.out
	"$HELPER" hold --peer "$SELF" --timeout 20000 > "$out" 2>&1 &
	cli=$!
	BG+=("$cli")
	wait_until 10 has_server_session
	seen=$?
	link_delete 30
	# The server wakes up after its delay and goes on.
	rr_sleep 4
	echo 0 > "$PARAMS/dbg_hs_accept_delay_ms"
	timeout 20 tail --pid="$cli" -f /dev/null
	kill -KILL "$cli" 2> /dev/null
	wait "$cli" 2> /dev/null
	trouble=$(kernel_trouble hs1)
	ktap_note "client: $(tail -n 2 "$out"); delete: rc ${DEL_RC:-none} in ${DEL_TOOK}s"
	[ -n "$trouble" ] && ktap_note "$trouble"
	[ $seen -eq 0 ] && [ "$DEL_RC" = 0 ] && [ -z "$trouble" ] &&
		"$CTL" dev show > /dev/null
	ktap_check "device deleted while the server accepts a session: no oops or WARN (delete ${DEL_TOOK}s)" $?
	ensure_rxe
else
	ktap_skip "device deleted while the server accepts a session" "no debug knobs (make module-debug)"
fi

# -- 2. The liveness connection reset before the client activates ------
if [ -e "$PARAMS/dbg_hs_activate_delay_ms" ]; then
	log_mark hs2
	# Long enough for the reset to come first on a slow (debug) kernel.
	echo 10000 > "$PARAMS/dbg_hs_activate_delay_ms"
	out=$T/rpc_handshake_2.out
	"$HELPER" hold --peer "$SELF" --timeout 20000 > "$out" 2>&1 &
	cli=$!
	BG+=("$cli")
	wait_until 10 has_server_session
	seen=$?
	ss -K -t state established '( sport = :18515 or dport = :18515 )' > /dev/null
	rr_sleep 11
	echo 0 > "$PARAMS/dbg_hs_activate_delay_ms"
	timeout 20 tail --pid="$cli" -f /dev/null
	kill -KILL "$cli" 2> /dev/null
	wait "$cli" 2> /dev/null
	wait_until 30 no_sessions
	gone=$?
	trouble=$(kernel_trouble hs2)
	ktap_note "client: $(tail -n 2 "$out"); sessions left: $(nsessions)"
	[ -n "$trouble" ] && ktap_note "$trouble"
	[ $seen -eq 0 ] && [ $gone -eq 0 ] && [ -z "$trouble" ]
	ktap_check "liveness reset before activation: no session left listed, no WARN" $?
else
	ktap_skip "liveness reset before activation" "no debug knobs (make module-debug)"
fi

# -- 3. A CONNECT to a listener that never answers ----------------------
"$FLOOD" listen 19999 > "$T/rpc_handshake_listen.out" 2>&1 &
lst=$!
BG+=("$lst")
wait_until 10 grep -q listening "$T/rpc_handshake_listen.out"
out=$T/rpc_handshake_3.out
"$HELPER" hold --peer "$SELF:19999" --timeout 60000 > "$out" 2>&1 &
cli=$!
BG+=("$cli")
rr_sleep 2
link_delete 10
if [ -z "$DEL_RC" ]; then
	kill -KILL "$cli" 2> /dev/null
	wait "$DEL_PID"
	DEL_RC=$?
	ktap_note "rdma link delete returned only after the client was killed ($((SECONDS - start))s)"
fi
timeout 20 tail --pid="$cli" -f /dev/null
kill -KILL "$cli" 2> /dev/null
wait "$cli" 2> /dev/null
kill -KILL "$lst" 2> /dev/null
wait "$lst" 2> /dev/null
ktap_note "client: $(tail -n 1 "$out")"
[ "$DEL_TOOK" -le 10 ] && [ "$DEL_RC" = 0 ] && grep -q '(ENODEV)' "$out"
ktap_check "rdma link delete during a silent handshake: done in ${DEL_TOOK}s, the CONNECT failed with ENODEV" $?
ensure_rxe
ktap_check "rdma link add $DEV again" $?

# -- 4. The CONNECT timeout's bound -------------------------------------
out=$(timeout 30 "$HELPER" hold --peer "$SELF:1" --connect-timeout 60001 2>&1)
ktap_check "CONNECT timeout_ms 60001 is EINVAL: $(tail -n 1 <<< "$out")" \
	"$(grep -q '(EINVAL)' <<< "$out"; echo $?)"

# -- 5. Module exit while a finished handshake is still listed ----------
if [ -e "$PARAMS/dbg_hs_unlist_delay_ms" ]; then
	log_mark hs5
	echo 30000 > "$PARAMS/dbg_hs_unlist_delay_ms"
	out=$T/rpc_handshake_5.out
	"$HELPER" hold --peer "$SELF" --timeout 20000 > "$out" 2>&1 &
	cli=$!
	BG+=("$cli")
	wait_until 30 has_server_session
	seen=$?
	t0=$SECONDS
	# Both liveness sockets reset: the sessions die and release them.
	ss -K -t state established '( sport = :18515 or dport = :18515 )' > /dev/null
	wait_until 20 no_sessions
	gone=$?
	kill -KILL "$cli" 2> /dev/null
	wait "$cli" 2> /dev/null
	# The serving work still sleeps, listed: exit runs meanwhile, and
	# waits for it.
	before=$((SECONDS - t0))
	rmmod_rdmarpc 90
	rc=$?
	trouble=$(kernel_trouble hs5)
	ktap_note "client: $(tail -n 1 "$out"); server session seen: $seen, sessions gone: $gone, rmmod $rc after ${before}s (the work sleeps 30 s)"
	[ -n "$trouble" ] && ktap_note "$trouble"
	[ $seen -eq 0 ] && [ $gone -eq 0 ] && [ $before -lt 25 ] &&
		[ $rc -eq 0 ] && [ -z "$trouble" ]
	ktap_check "module exit while a handshake whose session died is still listed: no oops or WARN" $?
	ensure_module
else
	ktap_skip "module exit while a finished handshake is still listed" "no debug knobs (make module-debug)"
fi

# -- 6. Afterwards ------------------------------------------------------
start_echo_server && echo_ok 30
ktap_check "calls work afterwards" $?

stop_server
ktap_finish
