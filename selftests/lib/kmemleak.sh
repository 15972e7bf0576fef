# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# kmemleak in the test guests (the debug kernel has it; Debian's kernels do
# not, and there this is a no-op).  Sourced by lib/guest.sh and
# kmod_common.sh: after every rmmod of rdmarpc they call kmemleak_check.

KMEMLEAK=/sys/kernel/debug/kmemleak

# kmemleak_check WHAT: scan for unreferenced objects.  Twice: an object is
# only reported once it has stayed unreferenced over a whole scan, and a
# stale pointer on a stack can hide it from one.  A finding goes to stdout
# and into the kernel log, line by line, with an "rrvm: FAIL:" line that
# fails the run; it is then cleared, so that each leak is reported once.
# Returns 1 on a finding, else 0.
kmemleak_check() {
	local what=$1 report n line
	[ -w "$KMEMLEAK" ] || return 0
	echo scan > "$KMEMLEAK" 2>/dev/null || return 0
	sleep 1
	echo scan > "$KMEMLEAK"
	report=$(cat "$KMEMLEAK")
	[ -n "$report" ] || return 0
	n=$(grep -c 'unreferenced object' <<< "$report")
	echo "kmemleak: $n unreferenced object(s) after $what:"
	echo "$report"
	while IFS= read -r line; do
		echo "kmemleak: $line" > /dev/kmsg
	done < <(head -n 400 <<< "$report")
	echo "rrvm: FAIL: kmemleak: $n unreferenced object(s) after $what" \
		> /dev/kmsg
	echo clear > "$KMEMLEAK"
	return 1
}
