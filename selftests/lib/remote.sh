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

_rr_dir() {
	if [ "${RDMARPC_MODE:-one}" = two ]; then
		echo "$RDMARPC_RDV"
	else
		echo "${TMPDIR:-/tmp}/rdmarpc-peer"
	fi
}

_rr_id() {
	echo "$(date +%s%N)-$$-$RANDOM"
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

# Wait up to $2 seconds for file $1; 0 if it appeared.
_rr_wait_file() {
	local f=$1 i n=$(($2 * 20))
	for ((i = 0; i < n; i++)); do
		[ -e "$f" ] && return 0
		sleep 0.05
	done
	[ -e "$f" ]
}

# _rr_exec DIR ID: execute request DIR/run/ID.req (the agent's side, or
# this host's in one-host mode).  Line 1 is "KIND TIMEOUT", the rest is the
# command.  Output goes to DIR/out/ID.out, the status to DIR/out/ID.rc and a
# spawned command's process group id to DIR/out/ID.pid.
_rr_exec() {
	local dir=$1 id=$2 kind tmo cmd out
	out=$dir/out/$id
	{
		read -r kind tmo
		cmd=$(cat)
	} < "$dir/run/$id.req"
	case "$kind" in
	run)
		(
			cd "${RDMARPC_TOP:-/}" &&
				timeout -k 5 "$tmo" bash -c "$cmd"
		) > "$out.out" 2>&1 < /dev/null
		echo $? > "$out.rc.tmp"
		mv "$out.rc.tmp" "$out.rc"
		;;
	spawn)
		# The wrapper leads a new session, so its pid is the process
		# group to kill.  Its TERM trap only defers: it still waits for
		# the command and records its status.
		cd "${RDMARPC_TOP:-/}" || return
		setsid bash -c '
			out=$1; cmd=$2
			echo $$ > "$out.pid.tmp"; mv "$out.pid.tmp" "$out.pid"
			trap true TERM INT HUP
			bash -c "$cmd"
			echo $? > "$out.rc.tmp"; mv "$out.rc.tmp" "$out.rc"
		' rr-spawn "$out" "$cmd" > "$out.out" 2>&1 < /dev/null &
		;;
	esac
}

# _rr_submit KIND TIMEOUT CMD...: queue a request, print its id.
_rr_submit() {
	local kind=$1 tmo=$2 dir id
	shift 2
	dir=$(_rr_dir)
	id=$(_rr_id)
	mkdir -p "$dir/req" "$dir/run" "$dir/out"
	{
		echo "$kind $tmo"
		_rr_cmd "$@"
	} > "$dir/req/.$id.tmp"
	if [ "${RDMARPC_MODE:-one}" = two ]; then
		mv "$dir/req/.$id.tmp" "$dir/req/$id.req"
	else
		mv "$dir/req/.$id.tmp" "$dir/run/$id.req"
		_rr_exec "$dir" "$id"
	fi
	echo "$id"
}

peer_run() {
	local tmo=$RDMARPC_PEER_TIMEOUT id dir rc
	if [ "${1:-}" = -t ]; then
		tmo=$2
		shift 2
	fi
	[ $# -gt 0 ] || { echo "peer_run: no command" >&2; return 2; }
	dir=$(_rr_dir)
	id=$(_rr_submit run "$tmo" "$@")
	# The agent enforces the timeout; allow it time to report.
	if ! _rr_wait_file "$dir/out/$id.rc" $((tmo + 15)); then
		echo "peer_run: no answer from the peer after $((tmo + 15))s: $*" >&2
		cat "$dir/out/$id.out" 2>/dev/null
		return 124
	fi
	cat "$dir/out/$id.out"
	rc=$(cat "$dir/out/$id.rc")
	return "$rc"
}

peer_spawn() {
	local id dir
	[ $# -gt 0 ] || { echo "peer_spawn: no command" >&2; return 2; }
	dir=$(_rr_dir)
	id=$(_rr_submit spawn 0 "$@")
	if ! _rr_wait_file "$dir/out/$id.pid" 30; then
		echo "peer_spawn: the peer did not start: $*" >&2
		return 1
	fi
	echo "$id"
}

peer_log() {
	cat "$(_rr_dir)/out/$1.out" 2>/dev/null
}

peer_wait() {
	local f
	f=$(_rr_dir)/out/$1.rc
	if ! _rr_wait_file "$f" "${2:-$RDMARPC_PEER_TIMEOUT}"; then
		echo "peer_wait: $1 still running" >&2
		return 124
	fi
	return "$(cat "$f")"
}

peer_kill() {
	local h=$1 sig=${2:-TERM} dir pid
	dir=$(_rr_dir)
	pid=$(cat "$dir/out/$h.pid" 2>/dev/null) || {
		echo "peer_kill: unknown handle $h" >&2
		return 1
	}
	[ -e "$dir/out/$h.rc" ] && return 0
	peer_run -t 30 "kill -s $sig -- -$pid 2>/dev/null
		for i in \$(seq 100); do
			kill -0 -- -$pid 2>/dev/null || exit 0
			sleep 0.1
		done
		kill -s KILL -- -$pid 2>/dev/null
		exit 0" > /dev/null
	_rr_wait_file "$dir/out/$h.rc" 10
}

peer_wait_port() {
	local port=$1 secs=${2:-30} i
	for ((i = 0; i < secs * 5; i++)); do
		peer_run -t 10 "ss -Hltn 'sport = :$port' | grep -q ." \
			> /dev/null && return 0
		sleep 0.2
	done
	echo "peer_wait_port: nothing listens on port $port" >&2
	return 1
}

# Kill every spawned command that is still running (the runner calls this
# after each test, so a test that forgot its server cannot block the next
# one or the module unload).
peer_cleanup() {
	local dir f h
	dir=$(_rr_dir)
	for f in "$dir"/out/*.pid; do
		[ -e "$f" ] || continue
		h=$(basename "$f" .pid)
		[ -e "$dir/out/$h.rc" ] && continue
		echo "# peer_cleanup: killing leftover peer command $h" >&2
		peer_kill "$h" || true
	done
}
