# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Programs built against installed rdmarpc libraries, for
# scripts/install-check.sh (make install's tree) and scripts/pkg-check.sh
# (the Debian packages).  Sourced after selftests/lib/ktap.sh.
#
#   build_prog NAME PROG CC_ARGS...   $CC -std=gnu11 -Wall -Werror -o PROG
#                                     CC_ARGS; on failure a failed check
#                                     NAME with the compiler's output, and
#                                     status 1.  Sets NEEDED to PROG's
#                                     NEEDED entries, one line.
#   lib_path PROG SONAME              the file ld.so loads SONAME from for
#                                     PROG (ldd), empty if none

build_prog() {
	local name=$1 prog=$2 out
	shift 2
	NEEDED=
	out=$(${CC:-cc} -std=gnu11 -Wall -Werror -o "$prog" "$@" 2>&1) || {
		ktap_fail "$name" "$out"
		return 1
	}
	# shellcheck disable=SC2034 # read by the caller
	NEEDED=$(readelf -d "$prog" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' ')
}

lib_path() {
	ldd "$1" 2> /dev/null | awk -v l="$2" '$1 == l && $2 == "=>" { print $3 }'
}
