#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# librdmarpc and librdmarpc-protobuf as a user gets them: `make install
# DESTDIR=<scratch>` of ulib/ (which installs both), then a program built
# from the installed headers and pkg-config files alone (pkg-config with
# PKG_CONFIG_SYSROOT_DIR), linked against the shared libraries and against
# the static ones, run.  KTAP output; nothing is written in the tree but
# what `make` builds there anyway.

set -uo pipefail

PB=$(cd "$(dirname "$0")/.." && pwd)
ULIB=$(dirname "$PB")
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
CC=${CC:-cc}
PROTOC_C=${PROTOC_C:-protoc-c}
PREFIX=/usr/local

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root
libdir=$dest$PREFIX/lib
incdir=$dest$PREFIX/include

pass=0
fail=0
nr=0
ok() {
	nr=$((nr + 1))
	pass=$((pass + 1))
	echo "ok $nr $1"
}
not_ok() {
	nr=$((nr + 1))
	fail=$((fail + 1))
	[ -n "${2:-}" ] && printf '# %s\n' "${2//$'\n'/$'\n'# }"
	echo "not ok $nr $1"
}
check() {
	if [ "$2" -eq 0 ]; then ok "$1"; else not_ok "$1" "${3:-}"; fi
}

echo "TAP version 13"
echo "1..6"

out=$(make -s -C "$ULIB" install DESTDIR="$dest" PREFIX="$PREFIX" 2>&1)
check "make install DESTDIR=... PREFIX=$PREFIX" $? "$out"

missing=
for f in "$libdir/librdmarpc-protobuf.so.0" "$libdir/librdmarpc-protobuf.so" \
	"$libdir/librdmarpc-protobuf.a" "$libdir/pkgconfig/librdmarpc-protobuf.pc" \
	"$incdir/rdmarpc-protobuf.h" "$libdir/librdmarpc.so.0" \
	"$libdir/librdmarpc.a" "$libdir/pkgconfig/librdmarpc.pc" \
	"$incdir/librdmarpc.h" "$incdir/rdmarpc.h"; do
	[ -e "$f" ] || missing+=" ${f#"$dest"}"
done
soname=$(readelf -d "$libdir/librdmarpc-protobuf.so" 2> /dev/null |
	sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ -z "$missing" ] && [ "$soname" = librdmarpc-protobuf.so.0 ]
check "installed: libraries, SONAME ${soname:-none}, headers, pkg-config files" $? \
	"missing:${missing:- none}"

# The installed .pc files first, then the system's (libprotobuf-c, libnl).
pc_path=$($PKG_CONFIG --variable pc_path pkg-config)
export PKG_CONFIG_LIBDIR=$libdir/pkgconfig:$pc_path
export PKG_CONFIG_SYSROOT_DIR=$dest
unset PKG_CONFIG_PATH
cflags=$($PKG_CONFIG --cflags librdmarpc-protobuf 2>&1)
rc=$?
libs=$($PKG_CONFIG --libs librdmarpc-protobuf 2>&1)
rc=$((rc | $?))
slibs=$($PKG_CONFIG --static --libs librdmarpc-protobuf 2>&1)
rc=$((rc | $?))
[ $rc -eq 0 ] && [[ $libs == *-lrdmarpc-protobuf* ]] && [[ $libs == *-lrdmarpc\ * ]] &&
	[[ $libs == *-lprotobuf-c* ]] && [[ $cflags == *"-I$incdir"* ]]
check "pkg-config --cflags --libs librdmarpc-protobuf: $cflags $libs" $? "$cflags $libs $slibs"

# A program of the test service, from the installed files only.
out=$($PROTOC_C --proto_path="$PB/tests" --c_out="$tmp" "$PB/tests/test.proto" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
	# shellcheck disable=SC2086 # pkg-config's word lists
	out=$($CC -std=gnu11 -Wall -Werror -I"$tmp" $cflags -o "$tmp/prog" \
		"$PB/tests/install_prog.c" "$tmp/test.pb-c.c" $libs 2>&1)
	rc=$?
fi
if [ $rc -eq 0 ]; then
	needed=$(readelf -d "$tmp/prog" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' ')
	out=$(LD_LIBRARY_PATH=$libdir "$tmp/prog" 2>&1)
	rc=$?
	[ $rc -eq 0 ] && [ "$out" = "install: ok" ] &&
		[[ $needed == *librdmarpc-protobuf.so.0* ]] && [[ $needed == *librdmarpc.so.0* ]]
	rc=$?
	out="$out (needs: $needed)"
fi
check "a program built and linked against the shared libraries runs" $rc "$out"

# The same, the two libraries taken from their installed archives.
static=$(sed -e 's/-lrdmarpc-protobuf /-l:librdmarpc-protobuf.a /' \
	-e 's/-lrdmarpc /-l:librdmarpc.a /' <<< "$slibs ")
# shellcheck disable=SC2086 # pkg-config's word lists
out=$($CC -std=gnu11 -Wall -Werror -I"$tmp" $cflags -o "$tmp/prog-static" \
	"$PB/tests/install_prog.c" "$tmp/test.pb-c.c" $static 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
	needed=$(readelf -d "$tmp/prog-static" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' ')
	out=$("$tmp/prog-static" 2>&1)
	rc=$?
	[ $rc -eq 0 ] && [ "$out" = "install: ok" ] && [[ $needed != *librdmarpc* ]]
	rc=$?
	out="$out (needs: $needed)"
fi
check "a program linked against the static libraries runs" $rc "$out"

out=$(make -s -C "$ULIB" uninstall DESTDIR="$dest" PREFIX="$PREFIX" 2>&1)
rc=$?
left=$(find "$dest" -type f -o -type l)
[ $rc -eq 0 ] && [ -z "$left" ]
check "make uninstall removes every installed file" $? "$out${left:+ left: $left}"

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" -eq 0 ]
