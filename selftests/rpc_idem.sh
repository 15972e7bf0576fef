#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Idempotency keys: the server's module answers a call whose key it has
# answered with the stored answer.  rpc_helper runs, on the peer, counts
# the times its handler runs and answers "run N"; rpc_helper key calls it
# from here with a key:
#  1. the same key twice from one process: the second call gets the
#     first's answer, the handler ran once;
#  2. the same key from a new process (a client restart): the same;
#  3. the same key by SUBMIT (rdmarpc_call_prep_key()): the same;
#  4. after this host's sessions were killed: the same, over a new one;
#  4b. after `rdma link delete` and `add` on this host: the same;
#  5. a second call while the first is still handled (its handler sleeps
#     12 s): it waits for the first's answer and gets it, the handler ran
#     once (rpc.idem_joins);
#  6. idem_ttl_ms 1500 on the server: 2.5 s later the key is forgotten
#     and the handler runs again (rpc.idem_expired);
#  7. idem_max_entries 2 on the server: of three keys the first is let go
#     (rpc.idem_evictions) and runs again, the last is still answered;
#  8. the server's counters: idem_hits and idem_joins grew by exactly the
#     calls above, idem_misses by the runs, and the gauges idem_entries
#     and idem_bytes show what is kept;
#  9. with two hosts, a key is its client host's: the peer calling its own
#     server with a key used here runs the handler, and this host still
#     gets its own answer (skipped with one host).
# The server's parameters are put back at the end, whatever happens.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

SVC=idem.runs
# The handler's sleep in case 5: far longer than a process start, a
# connect on a live peer and a call take (seconds; on the debug kernel
# more than 12 s).
HOLD_MS=12000
[ "${RDMARPC_DEBUG_LANE:-0}" = 1 ] && HOLD_MS=40000
# A call's timeout: the hold and a minute more.
CALL_MS=$((HOLD_MS + 60000))
# How long answers are kept here: longer than the slowest run of this test
# takes (two hosts on the debug kernel), so that nothing expires but what
# case 6 makes expire.
KEEP_MS=1800000

ktap_plan 10
ktap_require_rdma

# sctl ARGS...: rdmarpcctl on the server's host.
sctl() {
	if [ "$MODE" = two ]; then
		ctl_peer "$*"
	else
		"$CTL" "$@"
	fi
}

# sstat KEY: an rpc counter of the server's host.
sstat() {
	sctl -j stats 2> /dev/null | jq -r ".rpc.$1 // 0"
}

# snap: the server's rpc counters, read at once (JSON); of SNAP KEY: one.
snap() {
	sctl -j stats 2> /dev/null | jq -c '.rpc // {}'
}
of() {
	jq -r ".$2 // 0" <<< "$1"
}

# sparam NAME: a module parameter of the server's host.
sparam() {
	sctl -j param show 2> /dev/null | jq -r ".$1 // empty"
}

TTL0=$(sparam idem_ttl_ms)
MAXE0=$(sparam idem_max_entries)

# Run by the trap; kill_bg's one argument is an option, not ours.
# shellcheck disable=SC2317,SC2119
cleanup() {
	[ -n "$TTL0" ] && sctl set idem_ttl_ms "$TTL0" > /dev/null 2>&1
	[ -n "$MAXE0" ] && sctl set idem_max_entries "$MAXE0" > /dev/null 2>&1
	kill_bg
	stop_server
}
trap cleanup EXIT

# ctrs: the server's cache counters, for the notes.
ctrs() {
	sctl -j stats 2> /dev/null |
		jq -r '.rpc | "hits \(.idem_hits) joins \(.idem_joins) misses \(.idem_misses) expired \(.idem_expired) evictions \(.idem_evictions) entries \(.idem_entries)"'
}

# newkey: a fresh key, 32 hex digits: entries outlive a run of this test.
newkey() {
	od -An -tx1 -N16 /dev/urandom | tr -d ' \n'
}

# runs: how many times the handler ran.
runs() {
	peer_log "$SERVER" | grep -c '^run '
}

# shellcheck disable=SC2317 # called through wait_until
# runs_at_least N: the handler ran N times or more.
runs_at_least() {
	[ "$(runs)" -ge "$1" ]
}

# call KEY ARGS...: rpc_helper key against the server; its output.
call() {
	local key=$1
	shift
	timeout -k 5 $((CALL_MS / 1000 + 60)) "$HELPER" key --peer "$PEER" \
		--service "$SVC" --key "$key" --timeout "$CALL_MS" "$@" 2>&1
}

# answer OUT [N]: the answer ("run N") of call N (default 1) in OUT.
answer() {
	sed -n "s/^call ${2:-1}: //p" <<< "$1"
}

# The defaults, whatever an earlier run left behind.
sctl set idem_ttl_ms "$KEEP_MS" idem_max_entries 4096 > /dev/null ||
	ktap_note "the server's module takes no idem_ttl_ms or idem_max_entries"
S0=$(snap)
exp0=$(of "$S0" idem_expired)

start_server "runs: serving" "$HELPER runs --service $SVC" || true
K1=$(newkey)

# -- 1-4: the stored answer, however the same key comes back -------------
r0=$(runs)
out=$(call "$K1" --count 2)
a1=$(answer "$out" 1)
ktap_note "$(tr '\n' ';' <<< "$out") handler runs $r0 -> $(runs)"
[[ $a1 == run* ]] && [ "$(answer "$out" 2)" = "$a1" ] &&
	[ "$(runs)" -eq $((r0 + 1)) ]
ktap_check "the same key twice: the second call gets the first's answer ($a1), the handler ran once" $?

out=$(call "$K1")
ktap_note "new process: $out"
[ "$(answer "$out")" = "$a1" ] && [ "$(runs)" -eq $((r0 + 1)) ]
ktap_check "the same key from a new process: the stored answer, no run" $?

out=$(call "$K1" --submit)
ktap_note "SUBMIT: $out; $(ctrs)"
[ "$(answer "$out")" = "$a1" ] && [ "$(runs)" -eq $((r0 + 1)) ]
ktap_check "the same key by SUBMIT: the stored answer, no run" $?

kill_sessions
st=$?
out=$(call "$K1")
ktap_note "after kill_sessions (status $st): $out; $(ctrs)"
[ $st -eq 0 ] && [ "$(answer "$out")" = "$a1" ] &&
	[ "$(runs)" -eq $((r0 + 1)) ]
ktap_check "the same key over a new session: the stored answer, no run" $?

# The port this host calls from is torn down and set up again (on one
# host, the server's too): new QPs, new sessions, the same answer.
port_again
st=$?
out=$(call "$K1")
ktap_note "after rdma link delete/add (status $st): $out; $(ctrs)"
[ $st -eq 0 ] && [ "$(answer "$out")" = "$a1" ] &&
	[ "$(runs)" -eq $((r0 + 1)) ]
ktap_check "the same key after rdma link delete/add: the stored answer, no run" $?

# -- 5: a retry joins the call still being handled -----------------------
K2=$(newkey)
r0=$(runs)
j0=$(sstat idem_joins)
call "$K2" --sleep "$HOLD_MS" > "$T/idem_first.out" &
BG+=($!)
st=0
# The first one is with the handler (asleep) before the second goes.
wait_until 60 runs_at_least $((r0 + 1)) || st=1
t0=$SECONDS
out=$(call "$K2" --sleep "$HOLD_MS")
t1=$SECONDS
wait "${BG[0]}" || st=1
BG=()
first=$(cat "$T/idem_first.out")
j1=$(sstat idem_joins)
ktap_note "first: $first; second: $out (after $((t1 - t0)) s); joins $j0 -> $j1; handler runs $r0 -> $(runs); $(ctrs)"
[ $st -eq 0 ] && [[ $(answer "$first") == run* ]] &&
	[ "$(answer "$out")" = "$(answer "$first")" ] &&
	[ "$(runs)" -eq $((r0 + 1)) ] && [ "$j1" -eq $((j0 + 1)) ]
ktap_check "a call with the key of one being handled waits for its answer and gets it; the handler ran once" $?

# -- 6: forgotten after idem_ttl_ms ---------------------------------------
K3=$(newkey)
st=0
sctl set idem_ttl_ms 1500 > /dev/null || st=1
r0=$(runs)
out=$(call "$K3")
rr_sleep 2.5
out2=$(call "$K3")
sctl set idem_ttl_ms "$KEEP_MS" > /dev/null || st=1
exp1=$(sstat idem_expired)
ktap_note "ttl 1500 ms: $out, 2.5 s later: $out2; handler runs $r0 -> $(runs); idem_expired $exp0 -> $exp1; $(ctrs)"
[ $st -eq 0 ] && [[ $(answer "$out") == run* ]] &&
	[[ $(answer "$out2") == run* ]] &&
	[ "$(answer "$out2")" != "$(answer "$out")" ] &&
	[ "$(runs)" -eq $((r0 + 2)) ] && [ "$exp1" -gt "$exp0" ]
ktap_check "after idem_ttl_ms the key is forgotten: the handler runs again" $?

# -- 7: evicted when full -------------------------------------------------
E1=$(newkey)
E2=$(newkey)
E3=$(newkey)
st=0
sctl set idem_max_entries 2 > /dev/null || st=1
r0=$(runs)
ev0=$(sstat idem_evictions)
o1=$(call "$E1")
o2=$(call "$E2")
o3=$(call "$E3")
o1b=$(call "$E1")
o3b=$(call "$E3")
sctl set idem_max_entries 4096 > /dev/null || st=1
ev1=$(sstat idem_evictions)
ktap_note "max 2 entries: E1 $o1, E2 $o2, E3 $o3, E1 again $o1b, E3 again $o3b; handler runs $r0 -> $(runs); idem_evictions $ev0 -> $ev1; $(ctrs)"
[ $st -eq 0 ] && [[ $(answer "$o1b") == run* ]] &&
	[ "$(answer "$o1b")" != "$(answer "$o1")" ] &&
	[[ $(answer "$o3") == run* ]] && [ "$(answer "$o3b")" = "$(answer "$o3")" ] &&
	[ "$(runs)" -eq $((r0 + 4)) ] && [ "$ev1" -ge $((ev0 + 2)) ]
ktap_check "idem_max_entries 2: the oldest answer is let go and runs again, the newest is kept" $?

# -- 8: the counters -------------------------------------------------------
# Hits: cases 1, 2, 3, 4, 4b and E3 again; joins: case 5; misses: every run.
S=$(snap)
# grown NAME: how much idem_NAME grew since S0.
grown() {
	echo $(($(of "$S" "idem_$1") - $(of "$S0" "idem_$1")))
}
hits=$(grown hits)
joins=$(grown joins)
misses=$(grown misses)
evictions=$(grown evictions)
uncached=$(grown uncached)
entries=$(of "$S" idem_entries)
bytes=$(of "$S" idem_bytes)
ktap_note "hits +$hits joins +$joins misses +$misses evictions +$evictions uncached +$uncached; entries $entries, bytes $bytes"
[ "$hits" -eq 6 ] && [ "$joins" -eq 1 ] && [ "$misses" -eq 8 ] &&
	[ "$evictions" -ge 2 ] && [ "$uncached" -eq 0 ] && [ "$entries" -ge 2 ] &&
	[ "$bytes" -gt 0 ]
st=$?
[ $st -eq 0 ] || ktap_note "the server's log: $(peer_log "$SERVER" | tr '\n' ';')"
ktap_check "the server counted 6 hits, 1 join, 8 misses, the evictions, and keeps what it says" $st

# -- 9: keys are per client host -------------------------------------------
if [ "$MODE" = two ]; then
	K4=$(newkey)
	r0=$(runs)
	ours=$(call "$K4")
	# The peer calls its own server: its calls come from its address.
	theirs=$(peer_run -t 120 "$HELPER key --peer $PEER --service $SVC --key $K4 --timeout 60000" 2>&1)
	again=$(call "$K4")
	ktap_note "K4 from here: $ours; from the peer: $theirs; from here again: $again; handler runs $r0 -> $(runs)"
	[[ $(answer "$ours") == run* ]] && [[ $(answer "$theirs") == run* ]] &&
		[ "$(answer "$theirs")" != "$(answer "$ours")" ] &&
		[ "$(answer "$again")" = "$(answer "$ours")" ] &&
		[ "$(runs)" -eq $((r0 + 2)) ]
	ktap_check "another client host with the same key runs the handler; this one keeps its answer" $?
else
	ktap_skip "keys are per client host" "one-host mode"
fi

stop_server
ktap_finish
