#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The project's debug guest kernel: Debian's linux-source-6.12, configured
# from `make allnoconfig` plus selftests/debug.config (what the test guest
# needs, built in, and the detectors: KASAN, KFENCE, lockdep, DEBUG_OBJECTS,
# UBSAN, kmemleak, fault injection), built once per machine.
#
# Usage: selftests/debug-kernel.sh [COMMAND]
#
#   build   build the kernel unless it is cached (the default); prints the
#           cache directory
#   dir     print the cache directory if the kernel is built, else fail
#   key     print the cache key
#
# The cache directory, $RDMARPC_DEBUG_KERNEL_DIR/<key> (default
# /var/cache/rdmarpc/debug-kernel/<key>), holds:
#   src/        the build tree: build the module against it (make -C src M=...)
#   bzImage     the kernel image
#   kver        its release string (uname -r in the guest)
#   modules/    modules_install's output, lib/modules/<kver>/ with
#               modules.builtin, for modprobe in the guest
#   build.log   the build's output; build-seconds  how long it took
#   done        written last
# The key covers the source package's version, debug.config and this
# script: changing any of them builds a new kernel.  Environment:
# RDMARPC_DEBUG_KERNEL_SRC (the source tarball, default
# /usr/src/linux-source-6.12.tar.xz), RDMARPC_DEBUG_KERNEL_JOBS (make -j,
# default 3).

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF=$HERE/$(basename "${BASH_SOURCE[0]}")
FRAGMENT=$HERE/debug.config
TARBALL=${RDMARPC_DEBUG_KERNEL_SRC:-/usr/src/linux-source-6.12.tar.xz}
BASE=${RDMARPC_DEBUG_KERNEL_DIR:-/var/cache/rdmarpc/debug-kernel}
JOBS=${RDMARPC_DEBUG_KERNEL_JOBS:-3}

die() {
	echo "debug-kernel.sh: $*" >&2
	exit 1
}

note() {
	echo "debug-kernel.sh: $*" >&2
}

# The source's version: its Debian package's, else the tarball's size and
# modification time.
source_version() {
	local pkg
	[ -r "$TARBALL" ] ||
		die "no $TARBALL (apt-get install linux-source-6.12)"
	pkg=$(dpkg-query -S "$TARBALL" 2>/dev/null | cut -d: -f1 | head -n 1)
	if [ -n "$pkg" ]; then
		echo "$pkg $(dpkg-query -W -f='${Version}' "$pkg")"
	else
		stat -c '%n %s %Y' "$TARBALL"
	fi
}

key() {
	{ source_version; cat "$FRAGMENT" "$SELF"; } | sha256sum | cut -c1-16
}

# check_config CONFIG FRAGMENT: every option the fragment sets has that
# value in CONFIG; prints the ones that do not.
check_config() {
	local cfg=$1 frag=$2 line opt bad=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF -- "$line" "$cfg" && continue
			opt=${line%%=*}
			# An empty string is what an absent option means.
			[ "${line#*=}" = '""' ] &&
				! grep -qE "^$opt=" "$cfg" && continue
			echo "  want $line, got: $(grep -E "^(# )?${opt}[= ]" "$cfg" ||
				echo "absent (a dependency is missing)")"
			bad=1
			;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }
			opt=${opt%% *}
			grep -qE "^$opt=" "$cfg" || continue
			echo "  want $opt off, got: $(grep -E "^$opt=" "$cfg")"
			bad=1
			;;
		esac
	done < "$frag"
	return $bad
}

build() {
	local dir=$1 src=$1/src start kver
	start=$SECONDS
	note "building the debug kernel in $dir (log: $dir/build.log)"
	rm -rf "$src" "$dir/modules" "$dir/bzImage" "$dir/kver"
	mkdir -p "$src"
	tar -xJf "$TARBALL" -C "$src" --strip-components=1
	cp "$FRAGMENT" "$dir/debug.config"
	(
		cd "$src"
		make -s KCONFIG_ALLCONFIG="$dir/debug.config" allnoconfig
		make -s olddefconfig
	)
	if ! check_config "$src/.config" "$dir/debug.config" > "$dir/config.bad"; then
		cat "$dir/config.bad" >&2
		die "options of debug.config did not make it into .config"
	fi
	note "configured in $((SECONDS - start))s; make -j$JOBS"
	make -C "$src" -j"$JOBS" bzImage modules
	kver=$(cat "$src/include/config/kernel.release")
	[ -s "$src/Module.symvers" ] || die "the build wrote no Module.symvers"
	make -C "$src" -s INSTALL_MOD_PATH="$dir/modules" modules_install
	[ -e "$dir/modules/lib/modules/$kver/modules.builtin" ] ||
		die "modules_install wrote no modules.builtin"
	cp "$src/arch/x86/boot/bzImage" "$dir/bzImage"
	echo "$kver" > "$dir/kver"
	echo $((SECONDS - start)) > "$dir/build-seconds"
	note "built $kver in $((SECONDS - start))s"
}

cmd_build() {
	local k dir lock
	k=$(key)
	dir=$BASE/$k
	if [ -e "$dir/done" ]; then
		echo "$dir"
		return
	fi
	mkdir -p "$dir"
	# Runs may start side by side: one builds, the others wait for it.
	exec {lock}> "$dir.lock"
	flock "$lock"
	if [ ! -e "$dir/done" ]; then
		# A process of its own: errexit holds in it, and its output is
		# the log.
		if ! "$SELF" __build "$dir" > "$dir/build.log" 2>&1; then
			tail -n 30 "$dir/build.log" >&2
			die "debug kernel build failed; log: $dir/build.log"
		fi
		cat "$dir/build-seconds" > "$dir/done"
		note "debug kernel $(cat "$dir/kver") built in $(cat "$dir/done")s"
	fi
	exec {lock}>&-
	echo "$dir"
}

case "${1:-build}" in
build) cmd_build ;;
dir)
	d=$BASE/$(key)
	[ -e "$d/done" ] || die "the debug kernel is not built (run: $SELF build)"
	echo "$d"
	;;
key) key ;;
__build) build "$2" ;;
-h | --help) sed -n '4,/^$/s/^# \{0,1\}//p' "$SELF" >&2 ;;
*) die "unknown command $1 (see --help)" ;;
esac
