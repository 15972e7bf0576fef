#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Session and peer events on the netlink group "events", as `rdmarpcctl
# monitor` shows them (one JSON object per line with -j, one line of text
# without).  The server runs on the peer (the other guest with two hosts,
# where its events are read from a monitor of its own; this one
# otherwise):
#  1. a call with no session up: SESSION_UP (client) and PEER_UP here,
#     SESSION_UP (server) on the serving host, each session naming the
#     other's id as its peer-session;
#  2. the liveness connections killed (ss -K): SESSION_DOWN with reason
#     ECONNRESET on both hosts, and PEER_DOWN (IDLE, ECONNRESET) here;
#  3. the next call: a new session, SESSION_UP and PEER_UP again, after
#     the down events;
#  4. a configured peer where nothing listens, called twice: one
#     PEER_DOWN (FAILED, ECONNREFUSED), no session event, and nothing new
#     the second time (the peer fails in the same state);
#  5. the text form of the same events.

# Functions run through wait_until, evs and the trap:
# shellcheck disable=SC2317

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ktap_plan 7
ktap_require_rdma

MON_JSON=$T/events_monitor.json
MON_TXT=$T/events_monitor.txt
MON_PEER=
NOPORT=19998
cleanup() {
	kill_bg --wait
	[ -n "$MON_PEER" ] && peer_kill "$MON_PEER" > /dev/null 2>&1
	"$CTL" peer del evtest > /dev/null 2>&1
	stop_server
}
trap cleanup EXIT

nsessions() {
	"$CTL" -j session show 2> /dev/null | jq 'length'
}

# local_events / server_events: what the monitors printed so far, here
# and on the host that serves (the same with one host).
local_events() {
	cat "$MON_JSON" 2> /dev/null
}

server_events() {
	if [ "$MODE" = two ]; then
		peer_log "$MON_PEER"
	else
		local_events
	fi
}

# evs SOURCE FILTER: the events (compact JSON, one a line, in order) of
# SOURCE (local_events or server_events) that the jq FILTER selects.
evs() {
	"$1" | jq -c -R "fromjson? | select($2)" 2> /dev/null
}

# has_ev SOURCE FILTER: at least one such event.
has_ev() {
	[ -n "$(evs "$1" "$2")" ]
}

# peer_up_twice: PEER_UP came a second time here.
peer_up_twice() {
	[ "$(evs local_events '.event == "peer_up"' | wc -l)" -ge 2 ]
}

# line_of SOURCE FILTER: the line number of the first such event, or 0.
line_of() {
	"$1" | jq -R "fromjson? | select($2) | input_line_number" \
		2> /dev/null | head -n 1 | grep . || echo 0
}

# A clean start: no session anywhere, nobody calling.
kill_sessions
st=$?
# shellcheck disable=SC2119 # no options
start_echo_server
st=$((st | $?))
[ $st -eq 0 ] || ktap_note "set-up: sessions left $(nsessions), server: $(peer_log "${SERVER:-none}")"

"$CTL" -j monitor --timeout 900 > "$MON_JSON" 2>&1 &
BG+=($!)
"$CTL" monitor --timeout 900 > "$MON_TXT" 2>&1 &
BG+=($!)
[ "$MODE" = two ] && MON_PEER=$(peer_spawn "$CTL -j monitor --timeout 900")
# Until each monitor has joined the group (well under a second with TCG).
rr_sleep 3

# -- 1. The first call: the sessions and the peer come up --------------
echo_ok 30
st=$?
wait_until 20 has_ev local_events '.event == "session_up" and .role == "client"'
wait_until 20 has_ev local_events '.event == "peer_up"'
cu=$(evs local_events '.event == "session_up" and .role == "client"' | head -n 1)
pu=$(evs local_events '.event == "peer_up"' | head -n 1)
ktap_note "client: $cu"
ktap_note "peer: $pu"
A1=$(jq -r '.id // empty' <<< "$cu" 2> /dev/null)
B1=$(jq -r '.peer_session // empty' <<< "$cu" 2> /dev/null)
[ $st -eq 0 ] && [ -n "$A1" ] && [ -n "$B1" ] &&
	[ "$(jq -r '.addr' <<< "$cu")" = "$PEER" ] &&
	[ "$(jq -r '.addr' <<< "$pu")" = "$PEER" ] &&
	[ "$(jq -r '.peer' <<< "$cu")" = "$(jq -r '.name' <<< "$pu")" ]
st=$?
ktap_check "first call: SESSION_UP (client, session ${A1:-?}, peer-session ${B1:-?}) and PEER_UP for $PEER" $st

wait_until 20 has_ev server_events \
	".event == \"session_up\" and .role == \"server\" and .id == ${B1:-0}"
su=$(evs server_events \
	".event == \"session_up\" and .role == \"server\" and .id == ${B1:-0}" |
	head -n 1)
ktap_note "server: $su"
[ -n "$su" ] && [ "$(jq -r '.peer_session' <<< "$su")" = "${A1:-none}" ]
st=$?
ktap_check "serving host: SESSION_UP (server, session ${B1:-?}) naming the client's session ${A1:-?}" $st

# -- 2. The liveness connections killed ---------------------------------
kill_sessions
gone=$?
sel_cd=".event == \"session_down\" and .role == \"client\" and .id == ${A1:-0}"
sel_pd=".event == \"peer_down\" and .addr == \"$PEER\""
wait_until 20 has_ev local_events "$sel_cd"
wait_until 20 has_ev local_events "$sel_pd"
cd=$(evs local_events "$sel_cd" | head -n 1)
pd=$(evs local_events "$sel_pd" | head -n 1)
ktap_note "client: $cd"
ktap_note "peer: $pd"
[ $gone -eq 0 ] && [ "$(jq -r '.reason' <<< "$cd")" = ECONNRESET ] &&
	[ "$(jq -r '.errno' <<< "$cd")" = -104 ] &&
	[ "$(jq -r '.state' <<< "$pd")" = IDLE ] &&
	[ "$(jq -r '.reason' <<< "$pd")" = ECONNRESET ]
st=$?
ktap_check "ss -K: SESSION_DOWN (client) and PEER_DOWN (IDLE), reason ECONNRESET" $st

sel_sd=".event == \"session_down\" and .role == \"server\" and .id == ${B1:-0}"
wait_until 20 has_ev server_events "$sel_sd"
sd=$(evs server_events "$sel_sd" | head -n 1)
ktap_note "server: $sd"
[ "$(jq -r '.reason' <<< "$sd")" = ECONNRESET ] &&
	[ "$(jq -r '.peer_session' <<< "$sd")" = "${A1:-none}" ]
st=$?
ktap_check "serving host: SESSION_DOWN (server, session ${B1:-?}), reason ECONNRESET" $st

# -- 3. The next call: up again -----------------------------------------
echo_ok 30
st=$?
sel_cu2=".event == \"session_up\" and .role == \"client\" and .id != ${A1:-0}"
wait_until 20 has_ev local_events "$sel_cu2"
wait_until 20 peer_up_twice
cu2=$(evs local_events "$sel_cu2" | head -n 1)
ktap_note "client: $cu2"
l_down=$(line_of local_events "$sel_cd")
l_up1=$(line_of local_events ".event == \"session_up\" and .id == ${A1:-0}")
l_up2=$(line_of local_events "$sel_cu2")
l_pu2=$(evs local_events '.event == "peer_up"' | wc -l)
ktap_note "lines: up $l_up1, down $l_down, up again $l_up2; PEER_UP $l_pu2 times"
[ $st -eq 0 ] && [ -n "$cu2" ] && [ "$l_up1" -gt 0 ] &&
	[ "$l_up1" -lt "$l_down" ] && [ "$l_down" -lt "$l_up2" ] &&
	[ "$l_pu2" -ge 2 ]
st=$?
ktap_check "next call: a new SESSION_UP ($(jq -r '.id // "none"' <<< "$cu2" 2> /dev/null)) and PEER_UP, after the down" $st

# -- 4. A peer nobody answers -------------------------------------------
"$CTL" peer add evtest "$PEER:$NOPORT" > /dev/null
st=$?
for i in 1 2; do
	if out=$(timeout 60 "$ECHO_CLIENT" --peer evtest --timeout 5000 hi 2>&1); then
		st=1
	fi
	ktap_note "call $i to evtest: $out"
done
sel_f='.event == "peer_down" and .name == "evtest"'
wait_until 10 has_ev local_events "$sel_f"
# Anything more would come now.
rr_sleep 1
f=$(evs local_events "$sel_f")
ktap_note "$f"
[ $st -eq 0 ] && [ "$(wc -l <<< "$f")" = 1 ] &&
	[ "$(jq -r '.state' <<< "$f")" = FAILED ] &&
	[ "$(jq -r '.reason' <<< "$f")" = ECONNREFUSED ] &&
	[ "$(jq -r '.tcp_port' <<< "$f")" = "$NOPORT" ] &&
	! has_ev local_events '.event == "peer_up" and .name == "evtest"' &&
	! has_ev local_events '(.event | startswith("session")) and .peer == "evtest"'
st=$?
ktap_check "no listener: one PEER_DOWN (FAILED, ECONNREFUSED) for two failed calls, no session event" $st
"$CTL" peer del evtest > /dev/null 2>&1

# -- 5. The text form ---------------------------------------------------
txt=$(cat "$MON_TXT")
ktap_note "$txt"
grep -Eq "^session up ${A1:-x} client [^ ]+ $PEER:[0-9]+ peer-session ${B1:-x} " <<< "$txt" &&
	grep -Eq "^session down ${A1:-x} client .* reason ECONNRESET$" <<< "$txt" &&
	grep -Eq "^peer down [^ ]+ $PEER:[0-9]+ IDLE reason ECONNRESET$" <<< "$txt" &&
	grep -Eq "^peer down evtest $PEER:$NOPORT FAILED reason ECONNREFUSED$" <<< "$txt"
st=$?
ktap_check "rdmarpcctl monitor (text): one line per event, with the reasons" $st

stop_server
ktap_finish
