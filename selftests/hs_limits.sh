#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Admission limits of inbound sessions.  This host connects to itself (its
# own listener and an echo_server of its own), so the test runs the same in
# one-host and two-host mode:
#  1. a flood of silent TCP connections from 127.0.0.1 beyond
#     hs_pending_per_host is closed at once (handshake pending_full);
#  2. meanwhile a session from the other address (LOCAL_IP) still comes up
#     and echoes promptly: handshakes do not queue behind the flood;
#  3. meanwhile a live session's heartbeats keep it up (heartbeat_ms 500:
#     dead after 3 silent periods; heartbeats queued behind the flood's
#     handshakes, 5 s each, would miss many; 200 ms proved too tight for
#     an emulated guest accepting 300 connections at once);
#  4. sessions_per_host: the session past it from one address is refused,
#     the client sees EUSERS (handshake host_limit);
#  5. idle_timeout_ms 1500: an inbound session with no call is closed
#     (handshake idle_closed), and its client session goes too;
#  6. mem_budget_mb 1: a 2 MiB request fails with ENOSPC (rpc mem_refused),
#     mem_used comes back to 0, small calls still work;
#  7. receive capacity: on a port set up with recv_depth 64, two sessions
#     of 32 credits take it all; the third is refused (handshake
#     capacity) and its client sees EUSERS;
#  8. with credit_overcommit 2 the same port takes the third: its client
#     connects.  The port is set up again with the depth it had.
# 1-3 need RDMARPC_LOCAL_IP (a source address other than 127.0.0.1).

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ktap_plan 8
ktap_require_rdma

FLOOD=$TOP/selftests/hs_flood
SELF=${LOCAL_IP:-127.0.0.1}
SAVED=
ECHO_PID=
DEPTH0=
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	local p
	kill_bg
	[ -n "$ECHO_PID" ] && kill -KILL "$ECHO_PID" 2> /dev/null
	for p in lim1 lim2 lim3; do
		"$CTL" peer del "$p" > /dev/null 2>&1
	done
	# shellcheck disable=SC2086 # "name value" pairs
	[ -n "$SAVED" ] && "$CTL" set $SAVED > /dev/null
	if [ -n "$DEPTH0" ]; then
		"$CTL" set recv_depth "$DEPTH0" > /dev/null
		port_again
	fi
	ensure_rxe
	ensure_module
}
trap cleanup EXIT

# The parameters this test changes, as `rdmarpcctl set` arguments.
SAVED=$("$CTL" -j param show | jq -r '[to_entries[] |
	select(.key | IN("heartbeat_ms", "sessions_per_host",
		"idle_timeout_ms", "mem_budget_mb", "credit_overcommit")) |
	"\(.key) \(.value)"] | join(" ")')

# stat GROUP KEY: a module-wide counter (rdmarpcctl -j stats), 0 if none.
stat() {
	"$CTL" -j stats 2> /dev/null | jq -r ".$1.$2 // 0"
}

# stat_ge GROUP KEY N: the counter has reached N.
stat_ge() {
	[ "$(stat "$1" "$2")" -ge "$3" ]
}

nserver() {
	"$CTL" -j session show 2> /dev/null |
		jq '[.[] | select(.role == "server")] | length'
}

no_server_session() {
	[ "$(nserver)" = 0 ]
}

has_server_session() {
	[ "$(nserver)" -gt 0 ]
}

mem_drained() {
	[ "$(stat rpc mem_used)" = 0 ]
}

# bg_ready OUT: the background helper writing OUT said "ready".
bg_ready() {
	grep -q '^ready' "$1"
}

# stop_bg: kill the background helpers and wait for their sessions to go.
stop_bg() {
	kill_bg --wait
	"$CTL" session show > /dev/null 2>&1
}

# third_session NAME: peers lim1..lim3 to this host; lim1 and lim2 each
# hold a session, then lim3 tries one.  OUT is that try's output, OK 0 if
# the first two came up (their output in $T/NAME_limN.out otherwise
# noted).  The helpers and peers go again before it returns.
third_session() {
	local p
	OK=0
	for p in lim1 lim2 lim3; do
		"$CTL" peer add "$p" "$SELF" > /dev/null || OK=1
	done
	for p in lim1 lim2; do
		"$HELPER" hold --peer "$p" --service "held_$p" --timeout 20000 > "$T/$1_$p.out" 2>&1 &
		BG+=($!)
		wait_until 20 bg_ready "$T/$1_$p.out" || OK=1
	done
	OUT=$(timeout 20 "$HELPER" hold --peer lim3 --service held_lim3 --timeout 10000 2>&1)
	[ $OK -eq 0 ] || ktap_note "first two: $(cat "$T/$1_lim1.out" \
		"$T/$1_lim2.out"); server sessions: $(nserver)"
	stop_bg
	for p in lim1 lim2 lim3; do
		"$CTL" peer del "$p" > /dev/null 2>&1
	done
}

# A local echo_server.
"$ECHO_SERVER" > "$T/hs_limits_echo.out" 2>&1 &
ECHO_PID=$!
wait_until 20 grep -q "serving 'echo'" "$T/hs_limits_echo.out"

# -- 1-3. A flood of silent connections ---------------------------------
if [ -n "$LOCAL_IP" ] && [ "$LOCAL_IP" != 127.0.0.1 ]; then
	"$CTL" set heartbeat_ms 500 > /dev/null
	# A live session before the flood.
	"$HELPER" hold --peer "$SELF" --timeout 20000 > "$T/hs_limits_hold.out" 2>&1 &
	BG+=($!)
	wait_until 20 bg_ready "$T/hs_limits_hold.out"
	held=$?
	dead0=$(stat handshake dead)
	full0=$(stat handshake pending_full)
	per_host=$("$CTL" -j param show | jq '.hs_pending_per_host')
	n=300
	"$FLOOD" silent 127.0.0.1 18515 $n > "$T/hs_limits_flood.out" 2>&1 &
	BG+=($!)
	wait_until 30 grep -q '^open' "$T/hs_limits_flood.out"
	open=$(sed -n 's/^open //p' "$T/hs_limits_flood.out")
	# Past the bound, closed at once, not after 5 s each (a slow flood
	# sees some pending handshakes time out and free their place: half).
	want=$((full0 + ${open:-0} / 2))
	t0=$SECONDS
	wait_until 10 stat_ge handshake pending_full "$want"
	closed=$?
	ktap_note "flood: open ${open:-?}, pending_full $full0 -> $(stat handshake pending_full) (want >= $want) in $((SECONDS - t0))s"
	[ $held -eq 0 ] && [ $closed -eq 0 ] && [ "${open:-0}" -gt "$per_host" ]
	ktap_check "a flood of $n silent connections: all but hs_pending_per_host ($per_host) closed at once" $?

	# The flood is still held: a session from LOCAL_IP and a call.
	# Before a silent handshake's 5 s timeout: it did not wait for one.
	t0=${EPOCHREALTIME/./}
	out=$(timeout 30 "$ECHO_CLIENT" --peer "$SELF" --timeout 10000 \
		"hello rdma" 2>&1)
	took=$(((${EPOCHREALTIME/./} - t0) / 1000))
	ktap_note "echo during the flood: '$out' in ${took} ms"
	[ "$out" = "hello rdma" ] && [ "$took" -lt 4000 ]
	ktap_check "while the flood is held, a new session echoes promptly (${took} ms)" $?

	# Heartbeats went on: the held session is alive after 5 s more.
	rr_sleep 5
	dead1=$(stat handshake dead)
	ktap_note "dead $dead0 -> $dead1; hold: $(tail -n 1 "$T/hs_limits_hold.out")"
	[ "$dead1" = "$dead0" ] && kill -0 "${BG[0]}" 2> /dev/null &&
		has_server_session
	ktap_check "while the flood is held, a live session's heartbeats keep it up" $?
	stop_bg
	wait_until 30 no_server_session
else
	for t in "flood closed at once" "echo during the flood" \
		"heartbeats during the flood"; do
		ktap_skip "$t" "no RDMARPC_LOCAL_IP other than 127.0.0.1"
	done
fi

# -- 4. sessions_per_host -------------------------------------------------
# Sessions of earlier cases may still be up (a host's pool outlives the
# process that opened it): the limit is theirs plus 2.
wait_until 10 no_server_session
n0=$(nserver)
"$CTL" set sessions_per_host $((n0 + 2)) > /dev/null
lim0=$(stat handshake host_limit)
third_session hs_limits
lim1=$(stat handshake host_limit)
ktap_note "sessions_per_host $((n0 + 2)) ($n0 up before); third session:" \
	"$(tail -n 1 <<< "$OUT"); host_limit $lim0 -> $lim1"
[ "$OK" -eq 0 ] && grep -q '(EUSERS)' <<< "$OUT" && [ "$lim1" -gt "$lim0" ]
st=$?
ktap_check "sessions_per_host: the session past it from $SELF fails with EUSERS" $st
"$CTL" set sessions_per_host 16 > /dev/null
wait_until 30 no_server_session

# -- 5. idle_timeout_ms ---------------------------------------------------
"$CTL" set heartbeat_ms 200 idle_timeout_ms 1500 > /dev/null
idle0=$(stat handshake idle_closed)
"$HELPER" hold --peer "$SELF" --timeout 20000 > "$T/hs_limits_idle.out" 2>&1 &
BG+=($!)
wait_until 20 bg_ready "$T/hs_limits_idle.out"
up=$?
t0=$SECONDS
# 1.5 s of idleness plus a heartbeat period: 10 s is generous under TCG.
wait_until 10 stat_ge handshake idle_closed $((idle0 + 1))
closed=$?
wait_until 10 no_server_session
gone=$?
ktap_note "idle_closed $idle0 -> $(stat handshake idle_closed) after $((SECONDS - t0))s; server sessions left: $(nserver)"
[ $up -eq 0 ] && [ $closed -eq 0 ] && [ $gone -eq 0 ]
ktap_check "idle_timeout_ms 1500: an inbound session with no call is closed" $?
stop_bg
"$CTL" set idle_timeout_ms 600000 > /dev/null

# -- 6. mem_budget_mb -----------------------------------------------------
"$CTL" set mem_budget_mb 1 > /dev/null
ref0=$(stat rpc mem_refused)
out=$(timeout 60 "$HELPER" call --peer "$SELF" --service echo \
	--size 2097152 --count 1 --timeout 20000 2>&1)
ref1=$(stat rpc mem_refused)
wait_until 10 mem_drained
drained=$?
"$CTL" set mem_budget_mb 256 > /dev/null
small=$(timeout 30 "$ECHO_CLIENT" --peer "$SELF" --timeout 10000 "hello rdma" 2>&1)
ktap_note "2 MiB call: $(tail -n 1 <<< "$out"); mem_refused $ref0 -> $ref1; mem_used $(stat rpc mem_used); small echo: $small"
grep -q 'ENOSPC' <<< "$out" && [ "$ref1" -gt "$ref0" ] && [ $drained -eq 0 ] &&
	[ "$small" = "hello rdma" ]
ktap_check "mem_budget_mb 1: a 2 MiB request fails with ENOSPC, counted, memory given back" $?

# -- 7. receive capacity ----------------------------------------------------
DEPTH0=$("$CTL" -j param show | jq -r .recv_depth)
"$CTL" set recv_depth 64 > /dev/null
ok=0
port_again || ok=1
depth=$(port_json "$DEV" 1 | jq -r '.recv_depth // empty')
[ "$depth" = 64 ] || ok=1
cap0=$(stat handshake capacity)
third_session hs_limits_cap
cap1=$(stat handshake capacity)
ktap_note "port recv_depth ${depth:-?}; third session:" \
	"$(tail -n 1 <<< "$OUT"); capacity $cap0 -> $cap1"
[ $ok -eq 0 ] && [ "$OK" -eq 0 ] && grep -q '(EUSERS)' <<< "$OUT" &&
	[ "$cap1" -gt "$cap0" ]
st=$?
ktap_check "receive capacity: on a port of recv_depth 64, the session past two of 32 credits fails with EUSERS" $st

# -- 8. credit_overcommit -----------------------------------------------------
# The sessions of 7 hold credits until they are gone.
wait_until 30 no_server_session
"$CTL" set credit_overcommit 2 > /dev/null
cap0=$(stat handshake capacity)
third_session hs_limits_over
cap1=$(stat handshake capacity)
"$CTL" set credit_overcommit 1 > /dev/null
ktap_note "credit_overcommit 2; third session: $(tail -n 1 <<< "$OUT");" \
	"capacity $cap0 -> $cap1"
[ "$OK" -eq 0 ] && grep -qx ready <<< "$OUT" && [ "$cap1" -eq "$cap0" ]
st=$?
ktap_check "credit_overcommit 2: the same port admits the third session" $st
"$CTL" set recv_depth "$DEPTH0" > /dev/null
port_again
DEPTH0=

ktap_finish
