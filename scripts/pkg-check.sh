#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages as a user gets them: built by scripts/deb-check.sh,
# installed on this machine with apt-get, then
#  - DKMS has built and installed rdmarpc.ko for every supported kernel
#    with headers here (scripts/kver.sh supported), and `modinfo -k KVER
#    rdmarpc` shows the packages' version and DKMS's file;
#  - each man page of doc/man is found by name under /usr/share/man, in a
#    file of the packages, and renders without a warning;
#  - echo_server, echo_client and the kv example, copied out of the tree
#    and built with nothing but pkg-config's flags for the installed
#    librdmarpc (librdmarpc-protobuf and protoc-c for kv), load the
#    installed shared libraries (ldd);
#  - one guest (selftests/vm.sh run) runs selftests/pkg_guest.sh: the
#    DKMS-built module loaded with modprobe, the installed udev rule and
#    tools, and the programs built here;
#  - the packages purged: nothing of them is left.
# The machine is left as it was, also on a failure or an interrupt.  Runs
# as root, on a machine without rdmarpc installed (no package, no DKMS
# tree, no `make install`).  KTAP output, then "N passed, N failed" (the
# guest's checks included).  The logs stay in build/pkg-check/.
#
# Usage: scripts/pkg-check.sh [--debs DIR] [--host-only] [--kernel SEL]
#   --debs DIR    install the packages in DIR (deb-check.sh's OUTDIR, as
#                 `make deb-check` leaves them in build/deb) instead of
#                 building them
#   --host-only   everything but the guest
#   --kernel SEL  the guest's kernel (selftests/vm.sh --kernel; stock)

set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
PKGS=(rdmarpc-dkms librdmarpc0 librdmarpc-dev librdmarpc-protobuf0
	librdmarpc-protobuf-dev rdmarpc-tools)
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
CC=${CC:-cc}
PROTOC_C=${PROTOC_C:-protoc-c}

debs_dir='' host_only=0 ksel=stock
while [ $# -gt 0 ]; do
	case "$1" in
	--debs) debs_dir=$2; shift ;;
	--host-only) host_only=1 ;;
	--kernel) ksel=$2; shift ;;
	*) echo "usage: $0 [--debs DIR] [--host-only] [--kernel SEL]" >&2; exit 2 ;;
	esac
	shift
done

die() {
	echo "pkg-check: $*" >&2
	exit 1
}

# shellcheck source=selftests/lib/ktap.sh
. "$TOP/selftests/lib/ktap.sh"
# shellcheck source=scripts/build-prog.sh
. "$TOP/scripts/build-prog.sh"

check() {
	if [ "$2" -eq 0 ]; then ktap_ok "$1"; else ktap_fail "$1" "${3:-}"; fi
}

# ---- before anything is installed: a machine without rdmarpc ----

[ "$(id -u)" -eq 0 ] || die "run as root (it installs and purges the packages)"
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TOP/dkms.conf")
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2> /dev/null) ||
	die "no dpkg-architecture (dpkg-dev; selftests/vm.sh deps)"
# pkg_here P: package P is on this machine (installed or its files left).
pkg_here() {
	dpkg-query -W -f='${db:Status-Status}' "$1" 2> /dev/null | grep -qv not-installed
}
here=
for p in "${PKGS[@]}"; do
	pkg_here "$p" && here+=" package $p"
done
for f in /usr/src/rdmarpc-* /var/lib/dkms/rdmarpc; do
	[ -e "$f" ] && here+=" $f"
done
$PKG_CONFIG --exists librdmarpc 2> /dev/null &&
	here+=" $($PKG_CONFIG --variable=pcfiledir librdmarpc)/librdmarpc.pc"
ldconfig -p | grep -q 'librdmarpc' && here+=" librdmarpc in ld.so's cache"
[ -z "$here" ] || die "rdmarpc is installed here already:$here; remove it first (apt-get purge, make uninstall, dkms remove)"
mapfile -t kernels < <("$TOP/scripts/kver.sh" supported)
[ ${#kernels[@]} -gt 0 ] || die "no supported kernel with headers (selftests/vm.sh deps)"
mapfile -t pages < <(cd "$TOP/doc/man" && ls -- *.[1-8])
group_before=0
getent group rdmarpc > /dev/null && group_before=1

work=$TOP/build/pkg-check
rm -rf "$work"
mkdir -p "$work/src" "$work/bin"
installed=0

# files: what of rdmarpc lies where the packages and DKMS put files, one a
# line, sorted.
files() {
	{
		find /usr/src /var/lib/dkms /lib/udev/rules.d /etc/modprobe.d \
			/usr/share/man /usr/share/doc /usr/share/bash-completion \
			/usr/lib/sysusers.d /usr/include "/usr/lib/$ma" /usr/sbin \
			/usr/bin -maxdepth 3 \( -name '*rdmarpc*' -o -name 60-rdmarpc.rules \)
		find /lib/modules -name 'rdmarpc.ko*'
	} 2> /dev/null | sort
}
files > "$work/files.before"

# purge: the packages away, the group too if it was not here before;
# prints what is left of them.  The trap runs it when the check stops
# early.
purge() {
	local left='' p here=()
	for p in "${PKGS[@]}"; do
		pkg_here "$p" && here+=("$p")
	done
	if [ ${#here[@]} -gt 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get purge -y "${here[@]}" \
			>> "$work/purge.log" 2>&1 ||
			left+=" (apt-get purge failed: $work/purge.log)"
	fi
	if [ $group_before -eq 0 ] && getent group rdmarpc > /dev/null; then
		echo "groupdel rdmarpc" >> "$work/purge.log"
		groupdel rdmarpc >> "$work/purge.log" 2>&1 || left+=" group rdmarpc"
	fi
	for p in "${PKGS[@]}"; do
		pkg_here "$p" && left+=" package $p"
	done
	left+=$(files | comm -13 "$work/files.before" - | tr '\n' ' ')
	ldconfig -p | grep -q librdmarpc && left+=" librdmarpc in ld.so's cache"
	echo "$left"
}

# shellcheck disable=SC2317 # run by the trap
on_exit() {
	rm -rf "${work:?}/src" "${work:?}/bin"
	[ "$installed" -eq 1 ] || return 0
	echo "pkg-check: stopped early: purging the packages" >&2
	left=$(purge)
	installed=0
	[ -z "$left" ] || echo "pkg-check: left on this machine:$left" >&2
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# packages, install, one per kernel, the pages, pkg-config, 4 programs,
# protoc-c, the guest, the purge.
ktap_plan $((2 + ${#kernels[@]} + ${#pages[@]} + 8))
ktap_note "rdmarpc $ver; kernels: ${kernels[*]}; man pages: ${pages[*]}; logs in $work"

# ---- the packages ----

t0=$SECONDS
if [ -z "$debs_dir" ]; then
	debs_dir=$TOP/build/deb
	"$TOP/scripts/deb-check.sh" "$debs_dir" > "$work/deb-check.log" 2>&1 ||
		ktap_note "deb-check.sh failed: $(tail -n 20 "$work/deb-check.log")"
fi
# apt-get installs files by their paths: absolute ones.
[ -d "$debs_dir" ] && debs_dir=$(cd "$debs_dir" && pwd)
debs=() missing=
for p in "${PKGS[@]}"; do
	f=$(find "$debs_dir" -maxdepth 1 -name "${p}_${ver}_*.deb" | head -n 1)
	if [ -n "$f" ]; then debs+=("$f"); else missing+=" $p"; fi
done
[ -z "$missing" ]
st=$?
check "the packages of $ver in $debs_dir [$((SECONDS - t0))s]" $st "missing:$missing"

t0=$SECONDS
if [ -z "$missing" ]; then
	installed=1
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		"${debs[@]}" > "$work/install.log" 2>&1
	rc=$?
	ktap_note "$(grep -E '^(Building for|Building initial module|Done|Skipped|Module build)' "$work/install.log")"
else
	rc=1
fi
check "apt-get install of the ${#debs[@]} packages [$((SECONDS - t0))s]" $rc \
	"$(tail -n 30 "$work/install.log" 2> /dev/null)"
if [ $rc -ne 0 ]; then
	# Nothing else can pass: straight to the purge.
	while [ "$KTAP_NR" -lt $((KTAP_PLAN - 1)) ]; do
		ktap_fail "not run: the packages are not installed"
	done
fi

host_checks() {

# ---- DKMS: every supported kernel ----

for k in "${kernels[@]}"; do
	t0=$SECONDS
	how="at the packages' install"
	st=$(dkms status -m rdmarpc -v "$ver" -k "$k" 2>&1)
	if [ $rc -eq 0 ] && [[ $st != *": installed"* ]]; then
		# DKMS's postinst builds for the running and the newest kernel
		# only; the others get the module from the kernel's own hook when
		# they are installed or upgraded, as here.
		how="by the kernel's hook (/etc/kernel/postinst.d/dkms $k), not at install"
		/etc/kernel/postinst.d/dkms "$k" > "$work/dkms-$k.log" 2>&1
		st=$(dkms status -m rdmarpc -v "$ver" -k "$k" 2>&1)
	fi
	mver=$(modinfo -k "$k" -F version rdmarpc 2>&1)
	file=$(modinfo -k "$k" -n rdmarpc 2>&1)
	vm=$(modinfo -k "$k" -F vermagic rdmarpc 2> /dev/null | cut -d' ' -f1)
	[[ $st == *": installed"* ]] && [ "$mver" = "$ver" ] &&
		[[ $file == /lib/modules/$k/updates/* ]] && [ "$vm" = "$k" ]
	st=$?
	check "dkms: rdmarpc $mver for $k, built $how: $file [$((SECONDS - t0))s]" $st \
		"dkms status: ${st:-nothing}; modinfo: $mver, $file, vermagic $vm
$(tail -n 20 "/var/lib/dkms/rdmarpc/$ver/build/make.log" 2> /dev/null)"
done

# ---- the man pages, by name ----

for page in "${pages[@]}"; do
	name=${page%.*} sect=${page##*.}
	path=$(man -w "$sect" "$name" 2>&1)
	owner=$(dpkg -S "$path" 2> /dev/null | cut -d: -f1)
	# What man --warnings says, as lintian asks it (scripts/man-check.sh).
	w=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings -E UTF-8 -Tutf8 -Z "$sect" "$name" 2>&1 > /dev/null)
	[[ $path == /usr/share/man/man$sect/$page* ]] && [ -n "$owner" ] && [ -z "$w" ]
	st=$?
	check "man $sect $name: $path (${owner:-no package}), no warning" $st "$w"
done

# ---- programs built against the installed libraries only ----

# The sources, out of the tree; pkg-config sees the system's .pc files only.
cp "$TOP/tools/examples/echo_server.c" "$TOP/tools/examples/echo_client.c" "$work/src/"
cp "$TOP/tools/examples/kv/kv.proto" "$TOP/tools/examples/kv/kv.h" \
	"$TOP/tools/examples/kv/kv_server.c" "$TOP/tools/examples/kv/kv_client.c" "$work/src/"
unset PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR LD_LIBRARY_PATH
libdir=/usr/lib/$ma
cflags=$($PKG_CONFIG --cflags librdmarpc 2>&1)
libs=$($PKG_CONFIG --libs librdmarpc 2>&1)
pbcflags=$($PKG_CONFIG --cflags librdmarpc-protobuf 2>&1)
pblibs=$($PKG_CONFIG --libs librdmarpc-protobuf 2>&1)
pcs=$($PKG_CONFIG --variable=pcfiledir librdmarpc)/librdmarpc.pc
owner=$(dpkg -S "$pcs" 2> /dev/null | cut -d: -f1)
[ "$owner" = librdmarpc-dev ] && [[ "$cflags $libs $pbcflags $pblibs" != *"$TOP"* ]] &&
	[[ $libs == *-lrdmarpc* ]] && [[ $pblibs == *-lrdmarpc-protobuf* ]]
st=$?
check "pkg-config: $pcs (${owner:-no package}): $cflags $libs; protobuf: $pbcflags $pblibs" $st

# built NAME PROG SONAMES...: PROG (built by build_prog) needs each SONAME
# and loads it from the packages' file, $libdir/SONAME (ld.so may name it
# by /lib, which is /usr/lib on a merged /usr).
built() {
	local name=$1 prog=$2 so p loads='' bad='' st
	shift 2
	for so in "$@"; do
		p=$(lib_path "$prog" "$so")
		loads+=" $so => ${p:-not found};"
		[[ $NEEDED == *"$so"* ]] && [ -n "$p" ] &&
			[ "$(readlink -f "$p")" = "$(readlink -f "$libdir/$so")" ] &&
			dpkg -S "$libdir/$so" > /dev/null 2>&1 || bad+=" $so"
	done
	[ -z "$bad" ]
	st=$?
	check "$name:$loads" $st "not the packages':$bad; needs: $NEEDED
$(ldd "$prog" 2>&1)"
}

cd "$work/src" || exit 1
for p in echo_server echo_client; do
	# shellcheck disable=SC2086 # pkg-config's word lists
	build_prog "$p: cc -Wextra \$(pkg-config --cflags --libs librdmarpc)" \
		"$work/bin/$p" -Wextra $cflags "$p.c" $libs &&
		built "$p built with pkg-config's flags" "$work/bin/$p" librdmarpc.so.0
done

# The generated code is not ours: -Wall -Werror, no -Wextra (as
# tools/examples/kv/Makefile builds it).
name="protoc-c kv.proto; kv.pb-c.c compiled"
if out=$($PROTOC_C --proto_path=. --c_out=. kv.proto 2>&1); then
	# shellcheck disable=SC2086
	build_prog "$name" kv.pb-c.o -c $pbcflags kv.pb-c.c && ktap_ok "$name"
else
	ktap_fail "$name" "$out"
fi
for p in kv_server kv_client; do
	# shellcheck disable=SC2086
	build_prog "$p: cc -Wextra \$(pkg-config --cflags --libs librdmarpc-protobuf) -lpthread" \
		"$work/bin/$p" -Wextra -I. $pbcflags "$p.c" kv.pb-c.o $pblibs -lpthread &&
		built "$p built with pkg-config's flags" "$work/bin/$p" \
			librdmarpc-protobuf.so.0 librdmarpc.so.0
done
cd "$TOP" || exit 1
}

# ---- the guest ----

# guest_check: one guest runs selftests/pkg_guest.sh; sets gpass and
# gfail to its counts.
guest_check() {
	local t0=$SECONDS rc totals
	if [ $host_only -eq 1 ]; then
		ktap_skip "guest: selftests/pkg_guest.sh" "--host-only"
		return
	fi
	ktap_note "guest: selftests/vm.sh --kernel $ksel run selftests/pkg_guest.sh (log: $work/guest.log)"
	"$TOP/selftests/vm.sh" --kernel "$ksel" run \
		"selftests/pkg_guest.sh $(printf '%q' "$work/bin") $(printf '%q' "$ver")" \
		> "$work/guest.log" 2>&1
	rc=$?
	sed 's/^/#   /' "$work/guest.log"
	totals=$(grep -a '^# Totals:' "$work/guest.log" | tail -n 1)
	if [ -n "$totals" ]; then
		read -r gpass gfail < <(sed -E 's/.* pass:([0-9]+) fail:([0-9]+) .*/\1 \2/' <<< "$totals")
	fi
	[ $rc -eq 0 ] && [ -n "$totals" ] && [ "$gfail" -eq 0 ]
	st=$?
	check "guest: selftests/pkg_guest.sh: $gpass passed, $gfail failed (vm.sh status $rc) [$((SECONDS - t0))s]" $st
}

gpass=0 gfail=0
if [ $rc -eq 0 ]; then
	host_checks
	guest_check
fi

# ---- purge ----

t0=$SECONDS
left=$(purge)
installed=0
[ -z "$left" ]
st=$?
made=
grep -q '^groupdel' "$work/purge.log" 2> /dev/null && made=", the group it made removed"
check "apt-get purge: nothing of rdmarpc left$made [$((SECONDS - t0))s]" $st "left:$left"

echo "$((KTAP_PASS + gpass)) passed, $((KTAP_FAIL + gfail)) failed"
ktap_finish
