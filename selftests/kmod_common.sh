# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the kernel-module selftests (module_load.sh, dev_list.sh,
# dev_hotplug.sh, loopback.sh).  They assert through rdmarpcctl's JSON
# output (read with jq) and through the module's lifecycle log lines, which
# a debug build prints and any build prints when loaded with dyndbg=+p.

TOP=${RDMARPC_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
CTL=$TOP/tools/rdmarpcctl/rdmarpcctl
# The module built for the booted kernel (selftests/vm.sh passes it).
KO=${RDMARPC_KO:-$TOP/kmod/rdmarpc.ko}
DEV=${RDMARPC_IBDEV:-rxe0}
NETDEV=${RDMARPC_NETDEV:-veth0}
LOCAL_IP=${RDMARPC_LOCAL_IP:-}

# shellcheck source=selftests/lib/kmemleak.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/kmemleak.sh"

# port_json DEV PORT: the port's object from `rdmarpcctl -j dev show`.
port_json() {
	"$CTL" -j dev show 2>/dev/null |
		jq -c --arg d "$1" --argjson p "$2" \
			'.[] | select(.dev == $d and .port == $p)'
}

# wait_port_up DEV PORT SECS: until the module has set the port up.
wait_port_up() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		[ -n "$(port_json "$1" "$2" | jq -r '.qpn // empty')" ] &&
			return 0
		sleep 0.1
	done
	return 1
}

# wait_port_gone DEV PORT SECS: until the dump no longer lists the port.
wait_port_gone() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		[ -z "$(port_json "$1" "$2")" ] && return 0
		sleep 0.1
	done
	return 1
}

# log_mark NAME: a line in the kernel log; log_since NAME prints what
# came after the last such line.
log_mark() {
	echo "rdmarpc-selftest: mark $1" > /dev/kmsg
}

log_since() {
	dmesg | awk -v m="rdmarpc-selftest: mark $1" \
		'index($0, m) { buf = ""; next } { buf = buf $0 "\n" }
		 END { printf "%s", buf }'
}

# count_lines PATTERN TEXT: how many lines of TEXT match PATTERN.
count_lines() {
	grep -c -- "$1" <<< "$2"
}

# gid_expand GID: an IPv6 text address in sysfs's form
# (eight groups of four hex digits).
gid_expand() {
	local a=$1 head tail groups=() h t n i
	if [[ $a == *.*.*.* ]]; then
		# ::ffff:a.b.c.d
		local v4=${a##*:}
		a=${a%:*}:$(printf '%02x%02x:%02x%02x' ${v4//./ })
	fi
	if [[ $a == *::* ]]; then
		head=${a%%::*}
		tail=${a#*::}
	else
		head=$a
		tail=
	fi
	IFS=: read -r -a h <<< "$head"
	IFS=: read -r -a t <<< "$tail"
	n=$((8 - ${#h[@]} - ${#t[@]}))
	groups=("${h[@]}")
	for ((i = 0; i < n; i++)); do
		groups+=(0)
	done
	groups+=("${t[@]}")
	for ((i = 0; i < 8; i++)); do
		printf '%04x' "0x${groups[i]:-0}"
		[ $i -lt 7 ] && printf ':'
	done
	echo
}

# rmmod_rdmarpc [SECS]: unload rdmarpc (given SECS, default 60), then let
# kmemleak look for what it left behind: a finding fails the run (see
# lib/kmemleak.sh) and is printed on stderr.  Returns rmmod's status.
rmmod_rdmarpc() {
	local rc
	timeout "${1:-60}" rmmod rdmarpc
	rc=$?
	[ $rc -ne 0 ] || kmemleak_check "rmmod rdmarpc" >&2
	return $rc
}

# reload_module: rmmod and insmod again with the lifecycle lines enabled.
reload_module() {
	rmmod_rdmarpc 60 || return 1
	insmod "$KO" dyndbg=+p "$@"
}

# enable_lifecycle_log: turn the module's pr_debug lines on (a no-op on a
# debug build, where they always print).
enable_lifecycle_log() {
	local f
	for f in /proc/dynamic_debug/control \
		 /sys/kernel/debug/dynamic_debug/control; do
		[ -w "$f" ] && echo 'module rdmarpc +p' > "$f" 2>/dev/null &&
			return 0
	done
	return 0
}
