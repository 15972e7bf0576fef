#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/kver.sh [KERNEL]
#
# Prints the version of the kernel rdmarpc builds for (make) and boots in its
# test guests (selftests/vm.sh).  KERNEL is an exact version with headers in
# /lib/modules/VER/build, or one of these names:
#   default  (no argument) the running kernel if its headers are installed,
#            else "stock"
#   stock    Debian's stock kernel: the one linux-image-amd64 depends on
#            (6.1 on Debian 12), else the newest non-RT, non-cloud kernel
#            with headers
#   6.1, 6.12, ...   the newest generic kernel of that series with headers
#   6.12-rt  the newest PREEMPT_RT kernel of that series with headers
#   supported  every supported kernel (stock, 6.12, 6.12-rt) with headers,
#            one a line, none twice; nothing if there is none
# Exits 1, saying why, when no such kernel is installed; it never falls back
# to some other kernel silently.

set -euo pipefail

die() {
	echo "kver.sh: $*" >&2
	exit 1
}

# Kernels with headers, newest first, one version a line.
with_headers() {
	local d
	for d in /lib/modules/*/build; do
		[ -e "$d/Makefile" ] || continue
		d=${d%/build}
		echo "${d##*/}"
	done | sort -V -r
}

stock() {
	local v
	v=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
		sed -n 's/^linux-image-\([^ ,]*\).*/\1/p')
	if [ -n "$v" ] && [ -e "/lib/modules/$v/build/Makefile" ]; then
		echo "$v"
		return
	fi
	v=$(with_headers | grep -v -E -- '-(rt|cloud)-' | head -n 1 || true)
	[ -n "$v" ] || die "no kernel headers installed (linux-headers-amd64)"
	echo "$v"
}

k=${1:-default}
case "$k" in
supported)
	# Every supported kernel with headers here, once each.
	for s in stock 6.12 6.12-rt; do
		"$0" "$s" 2> /dev/null || true
	done | awk '!seen[$0]++'
	;;
default)
	if [ -e "/lib/modules/$(uname -r)/build/Makefile" ]; then
		uname -r
	else
		stock
	fi
	;;
stock)
	stock
	;;
[0-9]*.[0-9]*-rt)
	s=${k%-rt}
	v=$(with_headers | grep -E -m 1 "^${s//./\\.}[.+-].*-rt-" || true)
	[ -n "$v" ] || die "no $k kernel with headers in /lib/modules"
	echo "$v"
	;;
*)
	if [ -e "/lib/modules/$k/build/Makefile" ]; then
		echo "$k"
	elif [[ "$k" =~ ^[0-9]+\.[0-9]+$ ]]; then
		v=$(with_headers | grep -E "^${k//./\\.}[.+-]" |
			grep -v -E -- '-(rt|cloud)-' | head -n 1 || true)
		[ -n "$v" ] || die "no $k kernel with headers in /lib/modules"
		echo "$v"
	else
		die "no headers for kernel '$k' (/lib/modules/$k/build)"
	fi
	;;
esac
