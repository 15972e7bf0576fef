# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The module's tracepoints (system "rdmarpc") through a tracefs instance of
# the test's own, so that the global ftrace buffer is left as it is.
# Sourced by trace.sh and, through peer_run, on the peer host:
#
#   trace_begin    a fresh instance with every rdmarpc event on; 1 (and why
#                  on stdout) if tracefs or the events are missing
#   trace_end      the events off; prints those recorded, in the order they
#                  happened, one a line: "NAME key=value ..." (NAME as
#                  rdmarpc_call_start)
#   trace_remove   removes the instance

RR_TRACE_INST=rdmarpc_selftest

# The tracefs mount point, mounted if it is not yet.
tracefs_dir() {
	local d
	for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		if [ -d "$d/instances" ]; then
			echo "$d"
			return 0
		fi
	done
	mount -t tracefs nodev /sys/kernel/tracing 2> /dev/null
	[ -d /sys/kernel/tracing/instances ] || return 1
	echo /sys/kernel/tracing
}

trace_begin() {
	local t i
	if ! t=$(tracefs_dir); then
		echo "no tracefs (CONFIG_TRACING)"
		return 1
	fi
	i=$t/instances/$RR_TRACE_INST
	[ -d "$i" ] && rmdir "$i"
	mkdir "$i" || return 1
	if [ ! -d "$i/events/rdmarpc" ]; then
		echo "no rdmarpc events in $i/events (module not loaded?)"
		return 1
	fi
	echo 8192 > "$i/buffer_size_kb"
	echo 1 > "$i/events/rdmarpc/enable"
}

trace_end() {
	local t i
	t=$(tracefs_dir) || return 1
	i=$t/instances/$RR_TRACE_INST
	echo 0 > "$i/events/rdmarpc/enable" || return 1
	sed -n 's/^.* \(rdmarpc_[a-z_]*\): /\1 /p' "$i/trace"
}

trace_remove() {
	local t
	t=$(tracefs_dir) || return 0
	[ -d "$t/instances/$RR_TRACE_INST" ] &&
		rmdir "$t/instances/$RR_TRACE_INST"
	return 0
}
