# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Run commands on the peer host from a test.
#
#   . "$RDMARPC_TOP/selftests/lib/remote.sh"
#
#   peer_run [-t SECS] CMD...   run CMD on the peer, wait, print its output
#                               (stdout and stderr), return its exit status
#                               (124 on timeout)
#   h=$(peer_spawn CMD...)      start CMD on the peer in the background, in
#                               its own process group; prints a handle
#   peer_log H                  print what H has written so far
#   peer_wait H [SECS]          wait for H to exit, return its status
#   peer_kill H [SIG]           signal H's process group (default TERM,
#                               then KILL after 10 s) and wait for it
#   peer_wait_port PORT [SECS]  wait until a TCP port listens on the peer
#
# CMD is one shell string ('a | b') or a command and its arguments, which are
# quoted as given.  It runs as root with the peer's own RDMARPC_* environment
# (so there RDMARPC_PEER_IP is this host), in $RDMARPC_TOP, with stdin from
# /dev/null.
#
# Two hosts: guest "b" runs selftests/lib/agent.sh, which picks requests up
# from the rendezvous directory $RDMARPC_RDV (a 9p share both guests mount)
# and writes output and status back there.  One host: the peer is this host,
# and the same functions run the command here, so a test can be written once
# for both modes.  Every wait is bounded (RDMARPC_PEER_TIMEOUT, default 120 s).

: "${RDMARPC_PEER_TIMEOUT:=120}"

# Under TCG every exec costs tens of milliseconds, so the polling loops here
# use only builtins: sleeping is a read timeout on a pipe nobody writes, and
# files are published by writing a short status file in one write() (a
# reader waits until it is non-empty) rather than by renaming.

_rr_init() {
	if [ "${RDMARPC_MODE:-one}" = two ]; then
		_rr_d=$RDMARPC_RDV
	else
		_rr_d=${TMPDIR:-/tmp}/rdmarpc-peer
	fi
	[ -d "$_rr_d/out" ] || mkdir -p "$_rr_d/req" "$_rr_d/out"
	[ -n "${_rr_sleep_fd:-}" ] || exec {_rr_sleep_fd}<> <(:) ||
		_rr_sleep_fd=none
}

_rr_sleep() {
	if [ "${_rr_sleep_fd:-none}" = none ]; then
		sleep "$1"
		return
	fi
	# Only a timeout (status > 128) means it slept.
	read -r -t "$1" -u "$_rr_sleep_fd" _
	[ $? -gt 128 ] || sleep "$1"
}

# _rr_cmd ARGS...: one argument is a shell string, several are quoted.
_rr_cmd() {
	if [ $# -eq 1 ]; then
		printf '%s\n' "$1"
	else
		printf '%q ' "$@"
		echo
	fi
}

# Wait up to $2 seconds for file $1 to be non-empty; 0 if it was.
_rr_wait_file() {
	local f=$1 end=$((SECONDS + $2 + 1)) t=0.01
	while [ ! -s "$f" ]; do
		[ "$SECONDS" -lt "$end" ] || return 1
		if [ "${RDMARPC_MODE:-one}" = two ] && [ -e "$_rr_d/b.exited" ]; then
			echo "remote: the peer guest has stopped" >&2
			return 1
		fi
		_rr_sleep $t
		# Poll quickly at first, then at most 10 times a second.
		case $t in
		0.01) t=0.02 ;;
		0.02) t=0.05 ;;
		*) t=0.1 ;;
		esac
	done
}

# _rr_exec ID: execute request $_rr_d/req/ID.cmd (the agent's side, or this
# host's in one-host mode).  Line 1 is "KIND TIMEOUT", the rest is the
# command.  Output goes to out/ID.out, the status to out/ID.rc and a spawned
# command's process group id to out/ID.pid.
_rr_exec() {
	local id=$1 kind tmo cmd out=$_rr_d/out/$1
	{
		read -r kind tmo
		cmd=$(cat)
	} < "$_rr_d/req/$id.cmd"
	case "$kind" in
	run)
		(
			cd "${RDMARPC_TOP:-/}" &&
				exec timeout -k 5 "$tmo" bash -c "$cmd"
		) > "$out.out" 2>&1 < /dev/null
		echo $? > "$out.rc"
		;;
	spawn)
		# The wrapper leads a new session, so its pid is the process
		# group to kill.  Its TERM trap only defers: it still waits for
		# the command and records its status.  Its own messages (bash's
		# "Terminated") stay out of the command's output.
		# shellcheck disable=SC2016 # expanded by the wrapper
		(
			cd "${RDMARPC_TOP:-/}" &&
				exec setsid bash -c '
				out=$1; cmd=$2
				echo $$ > "$out.pid"
				trap true TERM INT HUP
				bash -c "$cmd" > "$out.out" 2>&1
				echo $? > "$out.rc"
			' rr-spawn "$out" "$cmd"
		) > /dev/null 2>&1 < /dev/null &
		;;
	esac
}

# _rr_submit KIND TIMEOUT CMD...: queue a request; its id is left in _rr_id.
_rr_submit() {
	local kind=$1 tmo=$2
	shift 2
	_rr_init
	_rr_id=${EPOCHREALTIME/./}-$BASHPID-$RANDOM
	{
		echo "$kind $tmo"
		_rr_cmd "$@"
	} > "$_rr_d/req/$_rr_id.cmd"
	if [ "${RDMARPC_MODE:-one}" = two ]; then
		: > "$_rr_d/req/$_rr_id.go"
	else
		_rr_exec "$_rr_id"
	fi
}

peer_run() {
	local tmo=$RDMARPC_PEER_TIMEOUT out
	if [ "${1:-}" = -t ]; then
		tmo=$2
		shift 2
	fi
	[ $# -gt 0 ] || { echo "peer_run: no command" >&2; return 2; }
	_rr_submit run "$tmo" "$@"
	out=$_rr_d/out/$_rr_id
	# The agent enforces the timeout; allow it time to report.
	if ! _rr_wait_file "$out.rc" $((tmo + 15)); then
		echo "peer_run: no answer from the peer after $((tmo + 15))s: $*" >&2
		cat "$out.out" 2>/dev/null
		return 124
	fi
	cat "$out.out"
	return "$(< "$out.rc")"
}

peer_spawn() {
	[ $# -gt 0 ] || { echo "peer_spawn: no command" >&2; return 2; }
	_rr_submit spawn 0 "$@"
	if ! _rr_wait_file "$_rr_d/out/$_rr_id.pid" 30; then
		echo "peer_spawn: the peer did not start: $*" >&2
		return 1
	fi
	echo "$_rr_id"
}

peer_log() {
	_rr_init
	cat "$_rr_d/out/$1.out" 2>/dev/null
}

peer_wait() {
	_rr_init
	if ! _rr_wait_file "$_rr_d/out/$1.rc" "${2:-$RDMARPC_PEER_TIMEOUT}"; then
		echo "peer_wait: $1 still running" >&2
		return 124
	fi
	return "$(< "$_rr_d/out/$1.rc")"
}

peer_kill() {
	local h=$1 sig=${2:-TERM} pid
	_rr_init
	pid=$(< "$_rr_d/out/$h.pid") || {
		echo "peer_kill: unknown handle $h" >&2
		return 1
	}
	[ -s "$_rr_d/out/$h.rc" ] && return 0
	peer_run -t 30 "kill -s $sig -- -$pid 2>/dev/null
		for i in \$(seq 100); do
			kill -0 -- -$pid 2>/dev/null || exit 0
			sleep 0.1
		done
		kill -s KILL -- -$pid 2>/dev/null
		exit 0" > /dev/null
	_rr_wait_file "$_rr_d/out/$h.rc" 10
}

peer_wait_port() {
	local port=$1 secs=${2:-30}
	local end=$((SECONDS + secs))
	_rr_init
	while [ "$SECONDS" -le "$end" ]; do
		peer_run -t 10 "ss -Hltn 'sport = :$port' | grep -q ." \
			> /dev/null && return 0
		_rr_sleep 0.1
	done
	echo "peer_wait_port: nothing listens on port $port" >&2
	return 1
}

# Kill every spawned command that is still running (the runner calls this
# after each test, so a test that forgot its server cannot block the next
# one or the module unload).
peer_cleanup() {
	local f h
	_rr_init
	for f in "$_rr_d"/out/*.pid; do
		[ -e "$f" ] || continue
		h=${f##*/}
		h=${h%.pid}
		[ -s "$_rr_d/out/$h.rc" ] && continue
		echo "# peer_cleanup: killing leftover peer command $h" >&2
		peer_kill "$h" || true
	done
}
