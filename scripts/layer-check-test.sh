#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/layer-check-test.sh [MODFILE]
#
# The test of scripts/layer-check.sh: it must fail on a planted upward
# reference, name the object, the symbol and both layers, and pass when
# every reference goes down.  The objects are compiled here with the
# host's compiler (CC, default cc) and named like the module's, so that
# they take their layers.  With MODFILE (the built module's .mod file) a
# scratch copy of the module's objects must pass, and fail once an object
# calling up is planted among them.  TAP output; exits 1 if a case failed.

set -euo pipefail

CC=${CC:-cc}
check=$(cd "$(dirname "$0")" && pwd)/layer-check.sh
modfile=${1:-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

n=0
failed=0

# obj NAME SOURCE: compile SOURCE into $dir/set/NAME.o.
obj() {
	mkdir -p "$(dirname "$dir/set/$1")"
	printf '%s\n' "$2" >"$dir/set/$1.c"
	"$CC" -c -fno-common -o "$dir/set/$1.o" "$dir/set/$1.c"
}

# run NAME...: the check on a .mod listing these objects of $dir/set.
run() {
	local o
	for o in "$@"; do
		echo "$dir/set/$o.o"
	done >"$dir/set/test.mod"
	out=$("$check" "$dir/set/test.mod" 2>&1) && rc=0 || rc=$?
}

result() {
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		while IFS= read -r line; do
			echo "# $line"
		done <<<"$out"
		failed=1
	fi
}

# expect_pass NAME
expect_pass() {
	if [ "$rc" = 0 ]; then
		result ok "$1"
	else
		result fail "$1"
	fi
}

# expect_fail NAME LINE: exit 1 and LINE in the output.
expect_fail() {
	if [ "$rc" = 1 ] && grep -qxF "$2" <<<"$out"; then
		result ok "$1"
	else
		result fail "$1 (wanted exit 1 and: $2)"
	fi
}

echo "TAP version 13"
echo "1..$([ -n "$modfile" ] && echo 10 || echo 8)"

new_set() {
	rm -rf "$dir/set"
	mkdir -p "$dir/set"
}

new_set
obj netlink 'void rdmarpc_nl_notify(void) {}'
obj ib 'void rdmarpc_nl_notify(void); void rdmarpc_port_up(void) { rdmarpc_nl_notify(); }'
run ib netlink
expect_fail "an upward call fails" \
	"layer-check: ib.o (ports) uses rdmarpc_nl_notify, defined in netlink.o (interfaces)"

new_set
obj ib 'int rdmarpc_port_find(void) { return 0; }'
obj netlink 'int rdmarpc_port_find(void); int rdmarpc_nl_dump(void) { return rdmarpc_port_find(); }'
run ib netlink
expect_pass "a downward call passes"

new_set
obj handshake 'long rdmarpc_hs_stats;'
obj ib 'extern long rdmarpc_hs_stats; long rdmarpc_port_x(void) { return rdmarpc_hs_stats; }'
run ib handshake
expect_fail "an upward use of a variable fails" \
	"layer-check: ib.o (ports) uses rdmarpc_hs_stats, defined in handshake.o (sessions)"

new_set
obj params 'unsigned int rdmarpc_recv_depth = 256;'
obj ib 'extern unsigned int rdmarpc_recv_depth; unsigned int rdmarpc_port_x(void) { return rdmarpc_recv_depth; }'
run ib params
expect_pass "a parameter defined in params.o is below the ports"

new_set
obj main 'void rdmarpc_main_helper(void) {}'
obj ib 'void rdmarpc_main_helper(void); void rdmarpc_port_x(void) { rdmarpc_main_helper(); }'
run ib main
expect_fail "a function of main.o is not" \
	"layer-check: ib.o (ports) uses rdmarpc_main_helper, defined in main.o (main)"

new_set
obj core/wire 'void rdmarpc_port_send(void); void rr_wire_x(void) { rdmarpc_port_send(); }'
obj ib 'void rdmarpc_port_send(void) {}'
run core/wire ib
expect_fail "the portable core uses nothing above it" \
	"layer-check: core/wire.o (core) uses rdmarpc_port_send, defined in ib.o (ports)"

new_set
obj stray 'void rdmarpc_stray(void) {}'
run stray
expect_fail "an object in no layer fails" \
	"layer-check: stray.o is in no layer: add it to LAYERS in scripts/layer-check.sh"

rc=0
"$check" "$dir/missing.mod" >/dev/null 2>&1 || rc=$?
out="exit $rc"
if [ "$rc" = 2 ]; then
	result ok "a missing .mod file is an error"
else
	result fail "a missing .mod file is an error"
fi

if [ -n "$modfile" ]; then
	# A scratch copy of the module's objects, named relative to the .mod.
	moddir=$(cd "$(dirname "$modfile")" && pwd)
	new_set
	while read -r o; do
		[ -n "$o" ] || continue
		rel=${o#"$moddir"/}
		mkdir -p "$(dirname "$dir/set/$rel")"
		cp "$o" "$dir/set/$rel"
		echo "$rel"
	done <"$modfile" >"$dir/set/scratch.mod"
	out=$("$check" "$dir/set/scratch.mod" 2>&1) && rc=0 || rc=$?
	expect_pass "the module's objects pass"

	obj core/planted 'int rdmarpc_port_send(void); int rr_planted(void) { return rdmarpc_port_send(); }'
	echo core/planted.o >>"$dir/set/scratch.mod"
	out=$("$check" "$dir/set/scratch.mod" 2>&1) && rc=0 || rc=$?
	expect_fail "a call planted among the module's objects fails" \
		"layer-check: core/planted.o (core) uses rdmarpc_port_send, defined in ib.o (ports)"
fi

exit "$failed"
