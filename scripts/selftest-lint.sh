#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Mistakes in the selftests' shell that make a check unable to fail.
#
#   ktap_check "... $(cmd) ..." $?
# passes the status of cmd, the last command substitution of the line,
# not that of the command before it: take the status into a variable
# first.  Backslash-continued lines are read as one.
#
# Usage: selftest-lint.sh [FILE...]   (default: selftests/*.sh)
#        selftest-lint.sh --self-test  (the lint finds a planted mistake)

set -uo pipefail

lint() {
	awk '
	/\\$/ { buf = buf substr($0, 1, length($0) - 1); next }
	{
		line = buf $0
		buf = ""
		if (line ~ /ktap_check .*\$\(.*[ \t]\$\?[ \t]*$/) {
			printf "%s:%d: ktap_check takes $? after a command substitution: its status, not the check'"'"'s\n", FILENAME, FNR
			bad = 1
		}
	}
	END { exit bad }' "$@"
}

if [ "${1:-}" = --self-test ]; then
	t=$(mktemp)
	trap 'rm -f "$t"' EXIT
	printf '%s\n' '[ 1 = 2 ]' 'ktap_check "x $(true)" $?' > "$t"
	if lint "$t" > /dev/null; then
		echo "selftest-lint: a planted mistake was not found" >&2
		exit 1
	fi
	printf '%s\n' '[ 1 = 2 ]' 'st=$?' 'ktap_check "x $(true)" $st' > "$t"
	lint "$t" || exit 1
	echo "selftest-lint: self-test ok"
	exit 0
fi

[ $# -gt 0 ] || set -- "$(dirname "$0")"/../selftests/*.sh
lint "$@" && echo "selftest-lint: $# files clean"
