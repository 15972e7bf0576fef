#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rdmarpc as `make install` leaves it: the top-level install into a
# scratch DESTDIR with PREFIX=/usr, then
#  - every file where it belongs: libraries (SONAMEs), headers under
#    include/rdmarpc/ only, pkg-config files, tools, man pages, the udev
#    rule, the group (sysusers.d), the modprobe.d file (every parameter);
#  - a program built from the installed headers and pkg-config files alone
#    (PKG_CONFIG_SYSROOT_DIR), for librdmarpc and for librdmarpc-protobuf,
#    linked against the shared libraries and against the static ones, run
#    with LD_LIBRARY_PATH into the tree;
#  - the installed tools run;
#  - `make uninstall` removes every file.
# KTAP output; nothing is written in the tree but what `make` builds there
# anyway.

set -uo pipefail
shopt -s extglob

TOP=$(cd "$(dirname "$0")/.." && pwd)
PB=$TOP/ulib/protobuf
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
CC=${CC:-cc}
PROTOC_C=${PROTOC_C:-protoc-c}
PREFIX=/usr

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root
libdir=$dest$PREFIX/lib
incdir=$dest$PREFIX/include
have_pb=0
command -v "$PROTOC_C" > /dev/null && $PKG_CONFIG --exists libprotobuf-c && have_pb=1

# shellcheck source=selftests/lib/ktap.sh
. "$TOP/selftests/lib/ktap.sh"
# shellcheck source=scripts/build-prog.sh
. "$TOP/scripts/build-prog.sh"

check() {
	if [ "$2" -eq 0 ]; then ktap_ok "$1"; else ktap_fail "$1" "${3:-}"; fi
}

# build_run NAME PROGRAM OUTPUT NEEDED CC_ARGS...: compile PROGRAM with
# CC_ARGS (build_prog), run it (LD_LIBRARY_PATH into the tree): it must
# print OUTPUT last, and its NEEDED entries match the pattern NEEDED.
build_run() {
	local name=$1 prog=$2 want=$3 pattern=$4 out rc
	shift 4
	build_prog "$name" "$prog" "$@" || return
	out=$(LD_LIBRARY_PATH=$libdir "$prog" 2>&1)
	rc=$?
	# shellcheck disable=SC2053 # a pattern
	[ $rc -eq 0 ] && [ "$(tail -n 1 <<< "$out")" = "$want" ] && [[ $NEEDED == $pattern ]]
	check "$name" $? "$out (exit $rc; needs: $NEEDED)"
}

ktap_plan 12

out=$(make -s -C "$TOP" install DESTDIR="$dest" PREFIX="$PREFIX" 2>&1)
check "make install DESTDIR=... PREFIX=$PREFIX" $? "$out"

man_pages=$(cd "$TOP/doc/man" && ls -- *.[1-8])
missing=
for f in $PREFIX/lib/librdmarpc.so.0 $PREFIX/lib/librdmarpc.so \
	$PREFIX/lib/librdmarpc.a $PREFIX/lib/pkgconfig/librdmarpc.pc \
	$PREFIX/include/rdmarpc/librdmarpc.h $PREFIX/include/rdmarpc/rdmarpc.h \
	$PREFIX/include/rdmarpc/rdmarpc_counters.h \
	$PREFIX/include/rdmarpc/rdmarpc_params.h \
	$PREFIX/sbin/rdmarpcctl $PREFIX/bin/rdmarpc-bench $PREFIX/bin/rdmarpc-sim \
	/etc/modprobe.d/rdmarpc.conf; do
	[ -e "$dest$f" ] || missing+=" $f"
done
for m in $man_pages; do
	[ -e "$dest$PREFIX/share/man/man${m##*.}/$m" ] || missing+=" $m"
done
[ -n "$(find "$dest" -path '*/udev/rules.d/60-rdmarpc.rules')" ] || missing+=" 60-rdmarpc.rules"
[ -n "$(find "$dest" -path '*/sysusers.d/rdmarpc.conf')" ] || missing+=" sysusers.d/rdmarpc.conf"
if [ $have_pb -eq 1 ]; then
	for f in $PREFIX/lib/librdmarpc-protobuf.so.0 $PREFIX/lib/librdmarpc-protobuf.a \
		$PREFIX/lib/pkgconfig/librdmarpc-protobuf.pc \
		$PREFIX/include/rdmarpc/rdmarpc-protobuf.h; do
		[ -e "$dest$f" ] || missing+=" $f"
	done
fi
# Nothing of ours lies loose in include/.
loose=$(find "$incdir" -mindepth 1 -maxdepth 1 ! -name rdmarpc)
sonames=
for l in librdmarpc librdmarpc-protobuf; do
	[ -e "$libdir/$l.so" ] || continue
	sonames+=$(readelf -d "$libdir/$l.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')" "
done
[ -z "$missing" ] && [ -z "$loose" ] && [[ $sonames == "librdmarpc.so.0 "* ]] &&
	{ [ $have_pb -eq 0 ] || [[ $sonames == *" librdmarpc-protobuf.so.0 " ]]; }
check "installed: libraries (SONAME $sonames), include/rdmarpc/, pkg-config, tools, ${man_pages//$'\n'/ }, udev, sysusers.d, modprobe.d" $? \
	"missing:${missing:- none}; loose in include/:${loose:- none}"

params=$("$TOP/scripts/abi-table.sh" params | wc -l)
lines=$(grep -c '^#options rdmarpc [a-z_]*=' "$dest/etc/modprobe.d/rdmarpc.conf")
[ "$params" -gt 0 ] && [ "$lines" -eq "$params" ]
check "modprobe.d/rdmarpc.conf: $lines of $params parameters" $?

# The installed .pc files first, then the system's (libnl, libprotobuf-c).
pc_path=$($PKG_CONFIG --variable pc_path pkg-config)
export PKG_CONFIG_LIBDIR=$libdir/pkgconfig:$pc_path
export PKG_CONFIG_SYSROOT_DIR=$dest
unset PKG_CONFIG_PATH
cflags=$($PKG_CONFIG --cflags librdmarpc 2>&1)
rc=$?
libs=$($PKG_CONFIG --libs librdmarpc 2>&1)
rc=$((rc | $?))
[ $rc -eq 0 ] && [[ $libs == *-lrdmarpc* ]] && [[ $cflags == *"-I$incdir/rdmarpc"* ]]
check "pkg-config --cflags --libs librdmarpc: $cflags $libs" $? "$cflags $libs"

# shellcheck disable=SC2086 # pkg-config's word lists
build_run "a librdmarpc program built with pkg-config's flags runs" "$tmp/prog" \
	"install: ok" "*librdmarpc.so.0*" -Wextra $cflags \
	"$TOP/ulib/tests/install_prog.c" $libs

# The headers include each other by their own directory: no -I needed.
build_run "#include <rdmarpc/librdmarpc.h> with no more than -I\$includedir" \
	"$tmp/prog-prefixed" "install: ok" "*librdmarpc.so.0*" -Wextra \
	-DINSTALL_PREFIXED -I"$incdir" "$TOP/ulib/tests/install_prog.c" \
	-L"$libdir" -lrdmarpc

if [ $have_pb -eq 1 ]; then
	pbcflags=$($PKG_CONFIG --cflags librdmarpc-protobuf 2>&1)
	rc=$?
	pblibs=$($PKG_CONFIG --libs librdmarpc-protobuf 2>&1)
	rc=$((rc | $?))
	slibs=$($PKG_CONFIG --static --libs librdmarpc-protobuf 2>&1)
	rc=$((rc | $?))
	[ $rc -eq 0 ] && [[ $pblibs == *-lrdmarpc-protobuf* ]] &&
		[[ $pblibs == *-lrdmarpc\ * ]] && [[ $pblibs == *-lprotobuf-c* ]] &&
		[[ $pbcflags == *"-I$incdir/rdmarpc"* ]]
	check "pkg-config --cflags --libs librdmarpc-protobuf: $pbcflags $pblibs" $? \
		"$pbcflags $pblibs $slibs"

	# A program of the binding's test service, from the installed files,
	# linked against the shared libraries, then their archives.
	out=$($PROTOC_C --proto_path="$PB/tests" --c_out="$tmp" "$PB/tests/test.proto" 2>&1) ||
		ktap_note "$out"
	static=$(sed -e 's/-lrdmarpc-protobuf /-l:librdmarpc-protobuf.a /' \
		-e 's/-lrdmarpc /-l:librdmarpc.a /' <<< "$slibs ")
	# shellcheck disable=SC2086 # pkg-config's word lists
	build_run "a librdmarpc-protobuf program, shared libraries" "$tmp/pbprog" \
		"install: ok" "*librdmarpc-protobuf.so.0*librdmarpc.so.0*" -I"$tmp" \
		$pbcflags "$PB/tests/install_prog.c" "$tmp/test.pb-c.c" $pblibs
	# shellcheck disable=SC2086
	build_run "a librdmarpc-protobuf program, static libraries" \
		"$tmp/pbprog-static" "install: ok" "!(*librdmarpc*)" -I"$tmp" \
		$pbcflags "$PB/tests/install_prog.c" "$tmp/test.pb-c.c" $static
else
	for t in "pkg-config librdmarpc-protobuf" "a librdmarpc-protobuf program, shared" \
		"a librdmarpc-protobuf program, static"; do
		ktap_skip "$t" "no protoc-c or libprotobuf-c"
	done
fi

out=$("$dest$PREFIX/bin/rdmarpc-sim" --rpcs 50 --loss 0.05 2>&1)
check "the installed rdmarpc-sim runs 50 calls over a lossy network" $? "$out"
out=$("$dest$PREFIX/sbin/rdmarpcctl" --help 2>&1 && "$dest$PREFIX/bin/rdmarpc-bench" --help 2>&1)
check "the installed rdmarpcctl and rdmarpc-bench print their help" $? "$out"

# As make install saw pkg-config (udev's and systemd's directories).
out=$(env -u PKG_CONFIG_LIBDIR -u PKG_CONFIG_SYSROOT_DIR \
	make -s -C "$TOP" uninstall DESTDIR="$dest" PREFIX="$PREFIX" 2>&1)
rc=$?
left=$(find "$dest" -type f -o -type l)
[ $rc -eq 0 ] && [ -z "$left" ]
check "make uninstall removes every installed file" $? "$out${left:+ left: $left}"

ktap_finish
