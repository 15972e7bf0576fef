#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Soft-RoCE test guests for rdmarpc.
#
# Usage: selftests/vm.sh [OPTIONS] COMMAND [ARGS]
#
#   deps           install the Debian packages the project needs (root)
#   build          build the module, library, tools and tests (make all)
#   check [TEST..] boot a guest with Soft-RoCE, load rdmarpc.ko, run the
#                  selftests (default: all in selftests/Makefile), unload,
#                  judge the kernel log; prints "N passed, N failed, N skipped"
#   run CMD...     the same set-up, then run CMD in the guest (in the tree's
#                  top directory) and print its output; exits with its status
#   selftest       test this harness: a planted WARN_ON and a planted BUG
#                  (on the debug kernel instead a use-after-free, a lock
#                  inversion, a leak and a sleep in atomic context) must fail
#                  their runs and be named, a clean run must pass
#   kernels        list the kernels --kernel can name and what they resolve to
#
# Options:
#   --kernel VER       the guest kernel: a version in /boot, or "stock" (the
#                      one Debian's linux-image-amd64 depends on; the
#                      default), "6.1", "6.12", "6.12-rt", "6.12-cloud" (the
#                      newest installed of that series and flavour), or
#                      "debug" (the project's debug kernel, built by
#                      selftests/debug-kernel.sh).  The module is built for
#                      it into build/mod/<version>/.
#   --two-hosts        two guests on one virtual network; tests and CMD run
#                      on guest "a", guest "b" runs the peer agent (see
#                      selftests/lib/remote.sh)
#   --timeout SECS     hard limit for each guest (default 2400 for check, 3600
#                      with --two-hosts, 900 for selftest, 600 for run; on
#                      the debug kernel 14400, 3600 and 3600)
#   --insmod 'KO [ARGS]'  also load this module after rdmarpc (repeatable)
#   --module-args ARGS parameters for rdmarpc.ko
#   -v, --verbose      stream the guests' harness trace to stderr
#
# A run fails when a test or a harness step fails (set-up, insmod, rmmod),
# when a guest crashes or times out, or when a guest's kernel log shows BUG,
# WARNING, Oops, a hung task, refcount_t, KASAN, KFENCE, UBSAN, ODEBUG,
# lockdep or RCU splats, or kmemleak finds an unreferenced object after an
# rmmod of rdmarpc; then the kernel log is printed.  The debug kernel boots
# with panic_on_warn.  Environment: RDMARPC_KVER (as --kernel, default
# stock), RDMARPC_VM_DIR (cache and results, default
# build/vm), RDMARPC_VM_SMP (2), RDMARPC_VM_MEM (2048), RDMARPC_VM_NET (the
# two guests' wire: "socket", the default, a TCP stream between the two
# QEMUs; "dgram", one UDP datagram per frame, no stream between them),
# RDMARPC_VM_APPEND (more of the guests' kernel command line).
# The tests' settings RDMARPC_STRESS_* and RDMARPC_FAULT_* (see stress.sh,
# fault_alloc.sh) are passed to the guests.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SELF=$TOP/selftests/vm.sh
LIB=$TOP/selftests/lib
CACHE=${RDMARPC_VM_DIR:-$TOP/build/vm}
SMP=${RDMARPC_VM_SMP:-2}
MEM=${RDMARPC_VM_MEM:-2048}
NET=${RDMARPC_VM_NET:-socket}

# Addresses of the project's own test hosts, inside the guests only.
ONE_IP=10.77.1.1
ONE_PEER_SIDE_IP=10.77.1.2
A_IP=10.77.0.1
B_IP=10.77.0.2

PKGS_REQUIRED=(
	qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static
	cpio rdma-core ibverbs-providers ibverbs-utils perftest libnl-3-dev
	libnl-genl-3-dev nftables linux-source-6.1 iproute2 kmod make gcc
	libc6-dev libibverbs-dev librdmacm-dev pkg-config procps xz-utils zstd
	iputils-ping jq util-linux sockperf
	linux-image-6.12.118+deb12-amd64 linux-headers-6.12.118+deb12-amd64
	linux-image-6.12.118+deb12-rt-amd64
	linux-headers-6.12.118+deb12-rt-amd64 linux-source-6.12 dkms
	bc bison flex libelf-dev libssl-dev
	protobuf-c-compiler libprotobuf-c-dev liburing-dev
	gnuplot-nox python3 file
	man-db debhelper dh-dkms lintian udev
)
PKGS_OPTIONAL=(
	clang valgrind libnl-route-3-dev rds-tools rdmacm-utils shellcheck
	sparse
)

# Kernel log lines that fail a run.
SPLAT='(^|[^[:alnum:]_])(BUG:|kernel BUG at|WARNING:|Oops|general protection fault'
SPLAT+='|INFO: task .* blocked for more than|refcount_t:|KASAN:|KFENCE:|UBSAN:'
SPLAT+='|ODEBUG:|list_(add|del) corruption|unreferenced object'
SPLAT+='|kmemleak: .*(suspected memory leak|disabled|[Cc]annot|pool empty)'
SPLAT+='|possible circular locking|possible recursive locking'
SPLAT+='|inconsistent lock state|suspicious RCU usage|lock held when returning'
SPLAT+='|Kernel panic|invalid opcode:|soft lockup|hard LOCKUP|rcu: .*stall'
SPLAT+='|unregister_netdevice: waiting|page allocation failure|rrvm: FAIL:)'

die() {
	echo "vm.sh: $*" >&2
	exit 1
}

note() {
	echo "vm.sh: $*" >&2
}

usage() {
	sed -n '4,/^$/s/^# \{0,1\}//p' "$SELF" >&2
	exit 2
}

# ------------------------------------------------------------- kernels

# The newest kernel in /boot of series $1 (6.1, 6.12) and flavour $2
# ("" for the generic one, rt, cloud).
boot_kernel() {
	local series=$1 flavour=$2 k
	find /boot -maxdepth 1 -name "vmlinuz-${series}[.-]*" -printf '%f\n' \
		2>/dev/null | sed 's/^vmlinuz-//' | while read -r k; do
		# No failing status out of the loop: with errexit and
		# pipefail it would end vm.sh, silently.
		case "$k" in
		*-rt-amd64 | *-cloud-amd64)
			if [ -n "$flavour" ] && [[ $k == *-"$flavour"-amd64 ]]; then
				echo "$k"
			fi
			;;
		*-amd64) if [ -z "$flavour" ]; then echo "$k"; fi ;;
		esac
	done | sort -V | tail -n 1
}

# The kernel Debian's linux-image-amd64 metapackage depends on.
stock_kernel() {
	dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
		tr ',' '\n' | sed -n 's/^ *linux-image-\([^ ]*\).*/\1/p' | head -n 1
}

# select_kernel SEL: set KVER (the release), KIMAGE (the image to boot),
# KDIR (the tree to build modules against), KMODS (a modules directory the
# guest mounts at /lib/modules/$KVER, or empty) and KDEBUG (1 for the
# debug kernel).
select_kernel() {
	local sel=$1 d
	KVER='' KMODS='' KDEBUG=''
	case "$sel" in
	debug)
		d=$("$TOP/selftests/debug-kernel.sh" dir) ||
			die "--kernel debug: build it first (selftests/debug-kernel.sh, about 15 minutes; make check-debug does)"
		KVER=$(cat "$d/kver")
		KIMAGE=$d/bzImage
		KDIR=$d/src
		KMODS=$d/modules/lib/modules/$KVER
		KDEBUG=1
		return
		;;
	stock)
		KVER=$(stock_kernel)
		[ -n "$KVER" ] ||
			die "--kernel stock: linux-image-amd64 is not installed (run: selftests/vm.sh deps)"
		;;
	[0-9]*.[0-9]*)
		if [ -e "/boot/vmlinuz-$sel" ]; then
			KVER=$sel
		else
			case "$sel" in
			*-rt) KVER=$(boot_kernel "${sel%-rt}" rt) ;;
			*-cloud) KVER=$(boot_kernel "${sel%-cloud}" cloud) ;;
			*) KVER=$(boot_kernel "$sel" '') ;;
			esac
		fi
		;;
	esac
	[ -n "$KVER" ] ||
		die "no kernel '$sel' in /boot (see: selftests/vm.sh kernels)"
	KIMAGE=/boot/vmlinuz-$KVER
	[ -e "$KIMAGE" ] || die "no $KIMAGE"
	KDIR=/lib/modules/$KVER/build
	[ -e "$KDIR/Makefile" ] || KDIR=/usr/src/linux-headers-$KVER
	[ -e "$KDIR/Makefile" ] ||
		die "no headers for $KVER (apt-get install linux-headers-$KVER)"
}

cmd_kernels() {
	local sel k
	for sel in stock 6.1 6.12 6.12-rt 6.12-cloud debug; do
		k=$(select_kernel "$sel" 2>/dev/null && echo "$KVER $KIMAGE") ||
			k="(not installed)"
		printf '%-10s %s\n' "$sel" "$k"
	done
}

# Build rdmarpc.ko (as make module-debug) for the selected kernel in a
# directory of its own, build/mod/$KVER, from a copy of Kbuild, dkms.conf
# (the module's version) and kmod/'s sources (their modification times kept, so a rebuild is incremental);
# sets KO.
build_module() {
	local d=$TOP/build/mod/$KVER lock f
	mkdir -p "$d"
	exec {lock}> "$d.lock"
	flock "$lock"
	# Sources gone from kmod/ go from the copy too.
	if [ -d "$d/kmod" ]; then
		(cd "$d" && find kmod -type f \( -name '*.[ch]' -o -name Kbuild \) \
			! -name '*.mod.c') | while read -r f; do
			[ -e "$TOP/$f" ] || rm -f "${d:?}/$f"
		done
	fi
	(cd "$TOP" && find Kbuild dkms.conf kmod -type f \( -name '*.[ch]' \
		-o -name Kbuild -o -name Makefile -o -name dkms.conf \) \
		! -name '*.mod.c' -print0) |
		(cd "$TOP" && cpio -p0dmu --quiet "$d")
	# The debug build: the tests' delay knobs (dbg_*) and lifecycle
	# lines are in it.
	if ! make -C "$KDIR" M="$d" CONFIG_RDMARPC_DEBUG=y modules \
		> "$d/build.log" 2>&1; then
		cat "$d/build.log" >&2
		die "cannot build rdmarpc.ko for $KVER (log: $d/build.log)"
	fi
	exec {lock}>&-
	KO=$d/kmod/rdmarpc.ko
}

# ---------------------------------------------------------------- deps

pkg_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

pkg_available() {
	[ -n "$(apt-cache show --no-all-versions "$1" 2>/dev/null | head -n 1)" ]
}

missing_pkgs() {
	local p
	for p in "${PKGS_REQUIRED[@]}"; do
		pkg_installed "$p" || echo "$p"
	done
	for p in "${PKGS_OPTIONAL[@]}"; do
		pkg_installed "$p" || ! pkg_available "$p" || echo "$p"
	done
}

cmd_deps() {
	local missing
	missing=$(missing_pkgs)
	if [ -z "$missing" ]; then
		note "deps: everything is installed"
		return 0
	fi
	[ "$(id -u)" -eq 0 ] || die "deps: run as root"
	note "deps: apt-get update"
	export DEBIAN_FRONTEND=noninteractive
	# A test machine that never boots the kernels it installs (CI) can
	# skip their initramfs (minutes each): the guests boot vm.sh's own.
	# Never on a host that may boot them.
	if [ "${RDMARPC_DEPS_NO_INITRD:-0}" = 1 ]; then
		export INITRD=No
	fi
	apt-get update -qq
	missing=$(missing_pkgs)
	note "deps: installing $(tr '\n' ' ' <<< "$missing")"
	# shellcheck disable=SC2086 # a list of package names
	apt-get install -y -qq --no-install-recommends $missing > /dev/null
	missing=$(missing_pkgs)
	[ -z "$missing" ] ||
		die "deps: still missing: $(tr '\n' ' ' <<< "$missing")"
	note "deps: done"
}

# --------------------------------------------------------------- build

cmd_build() {
	make -C "$TOP" KVER="$KVER" KDIR="$KDIR" all
}

# ----------------------------------------------------------- initramfs

# The modules the initramfs loads, in dependency order, one path a line;
# none for a kernel that has them all built in (KMODS: its modules
# directory, when not under /lib/modules).
initramfs_modules() {
	local k=$1 m out base=()
	[ -z "$KMODS" ] || base=(-d "${KMODS%/lib/modules/*}")
	for m in virtio_pci 9pnet_virtio 9p; do
		out=$(modprobe "${base[@]}" -S "$k" --show-depends "$m") ||
			die "no module $m for $k (is linux-image installed?)"
		awk '$1 == "insmod" { print $2 }' <<< "$out"
	done | awk '!seen[$0]++'
}

# Build (or reuse) the initramfs for kernel $1; prints its path.
initramfs() {
	local k=$1 out key mods st m name lock
	out=$CACHE/initramfs-$k.cpio.gz
	mods=$(initramfs_modules "$k")
	key=$( { echo "$k"; echo "$mods"; cat "$LIB/initramfs-init"; } |
		sha256sum | cut -d' ' -f1)
	if [ -s "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
		echo "$out"
		return
	fi
	mkdir -p "$CACHE"
	# Runs may start side by side: one builds, the others wait for it.
	exec {lock}> "$CACHE/initramfs.lock"
	flock "$lock"
	if [ -s "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
		exec {lock}>&-
		echo "$out"
		return
	fi
	note "building initramfs for $k"
	st=$(mktemp -d "$CACHE/initramfs.XXXXXX")
	mkdir -p "$st"/{bin,dev,proc,sys,newroot,modules}
	cp /bin/busybox "$st/bin/busybox"
	ldd "$st/bin/busybox" > /dev/null 2>&1 &&
		die "/bin/busybox is not static (install busybox-static)"
	cp "$LIB/initramfs-init" "$st/init"
	chmod 755 "$st/init"
	mknod -m 600 "$st/dev/console" c 5 1
	mknod -m 666 "$st/dev/null" c 1 3
	# busybox insmod reads plain .ko only: decompress.
	while read -r m; do
		name=$(basename "$m")
		case "$m" in
		*.ko.xz) xz -dc "$m" > "$st/modules/${name%.xz}" ;;
		*.ko.zst) zstd -qdc "$m" > "$st/modules/${name%.zst}" ;;
		*.ko.gz) gzip -dc "$m" > "$st/modules/${name%.gz}" ;;
		*) cp "$m" "$st/modules/$name" ;;
		esac
		name=${name%.xz}
		name=${name%.zst}
		echo "${name%.gz}" >> "$st/modules/order"
	done < <(printf '%s' "${mods:+$mods$'\n'}")
	touch "$st/modules/order"
	(cd "$st" && find . | cpio -o -H newc --quiet | gzip -1) > "$st.cpio.gz"
	mv "$st.cpio.gz" "$out"
	rm -rf "$st"
	echo "$key" > "$out.key"
	exec {lock}>&-
	echo "$out"
}

# ---------------------------------------------------------------- guests

# free_port [-u]: a local TCP (UDP with -u) port nobody is bound to.
free_port() {
	local p i proto=t
	[ "${1:-}" = -u ] && proto=u
	for ((i = 0; i < 50; i++)); do
		p=$((20000 + RANDOM % 20000))
		if ! ss -Hl${proto}n "sport = :$p" 2>/dev/null | grep -q .; then
			echo "$p"
			return
		fi
	done
	die "no free port"
}

# new_run: make a fresh results directory in $RUN.
new_run() {
	mkdir -p "$CACHE/runs"
	RUN=$(mktemp -d "$CACHE/runs/$(date +%Y%m%d-%H%M%S)-XXXX")
	mkdir -p "$RUN/a" "$RUN/b" "$RUN/rdv"
	ln -sfn "$RUN" "$CACHE/last"
	# Keep the last 10 runs, and any of the last hour (one may be running).
	find "$CACHE/runs" -mindepth 1 -maxdepth 1 -type d | sort | head -n -10 |
		while read -r d; do
			[ -z "$(find "$d" -maxdepth 0 -mmin -60)" ] || continue
			rm -rf "$d"
		done
}

write_config() {
	local action=$1 tests=$2
	{
		echo "RRVM_TOP=$(printf '%q' "$TOP")"
		echo "RRVM_MODE=$MODE"
		echo "RRVM_NET=$NET"
		echo "RRVM_ACTION=$action"
		echo "RRVM_TESTS=$(printf '%q' "$tests")"
		echo "RRVM_INSMOD_ARGS=$(printf '%q' "$MODULE_ARGS")"
		echo "RRVM_EXTRA_MODULES=$(printf '%q' "$EXTRA_MODULES")"
		echo "RRVM_KO=$(printf '%q' "$KO")"
		echo "RRVM_KDEBUG=$KDEBUG"
		if [ "$MODE" = one ]; then
			echo "RRVM_A_IP=$ONE_IP"
		else
			echo "RRVM_A_IP=$A_IP"
		fi
		echo "RRVM_B_IP=$B_IP"
		echo "RRVM_SMP=$SMP"
		echo "RRVM_ONE_PEER_SIDE_IP=$ONE_PEER_SIDE_IP"
		echo "RRVM_CMD_TIMEOUT=$((TIMEOUT - 60 > 30 ? TIMEOUT - 60 : 30))"
		# The debug kernel is 20-100x slower.
		if [ -n "$KDEBUG" ]; then
			echo "RRVM_PEER_WAIT_SECS=1800"
			echo "RRVM_HUNG_TASK_SECS=240"
		else
			echo "RRVM_PEER_WAIT_SECS=180"
			echo "RRVM_HUNG_TASK_SECS=30"
		fi
		# The tests' own settings go through to the guests.
		local v
		for v in $(compgen -e | grep -E '^RDMARPC_(STRESS|FAULT)_'); do
			echo "export $v=$(printf '%q' "${!v}")"
		done
	} > "$RUN/config.sh"
	printf '%s\n' "$CMD_TEXT" > "$RUN/cmd.sh"
}

# boot ROLE TIMEOUT [QEMU ARGS...]: run one guest in the background; its
# exit status lands in $RUN/ROLE/qemu.rc and $RUN/rdv/ROLE.exited appears.
boot() {
	local role=$1 tmo=$2
	shift 2
	local append="console=ttyS0,115200 rdinit=/init oops=panic panic=-1"
	local cpu=max extra=()
	# One CPU per socket: the debug kernel has no ACPI and reads the
	# BIOS's MP table, which lists the first CPU of each socket only.
	append+=" printk.devkmsg=on net.ifnames=0 mitigations=off"
	append+=" rrvm.top=$TOP rrvm.role=$role"
	[ -z "${RDMARPC_VM_APPEND:-}" ] || append+=" $RDMARPC_VM_APPEND"
	if [ -n "$KDEBUG" ]; then
		# KASAN saw a wild access in early IRQ handling with 5-level
		# paging (-cpu max offers it), not in our code.
		cpu=max,la57=off
		append+=" panic_on_warn=1"
	fi
	if [ -n "$KMODS" ]; then
		# modules.builtin for modprobe: the initramfs mounts this
		# share at /lib/modules/$KVER.
		append+=" rrvm.kmods=1"
		extra+=(-virtfs "local,path=$KMODS,mount_tag=kmods,security_model=none,readonly=on,multidevs=remap")
	fi
	(
		set +e
		timeout -k 10 "$tmo" qemu-system-x86_64 \
			-accel tcg -cpu "$cpu" -m "$MEM" \
			-smp "$SMP,sockets=$SMP,cores=1,threads=1" \
			-nodefaults -no-reboot -display none -monitor none \
			-kernel "$KIMAGE" -initrd "$INITRD" \
			-append "$append" "${extra[@]}" \
			-serial "file:$RUN/$role/console.log" \
			-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
			-virtfs "local,path=$TOP,mount_tag=tree,security_model=none,readonly=on,multidevs=remap" \
			-virtfs "local,path=$RUN,mount_tag=results,security_model=none,multidevs=remap" \
			"$@" > "$RUN/$role/qemu.log" 2>&1 < /dev/null
		echo $? > "$RUN/$role/qemu.rc"
		touch "$RUN/rdv/$role.exited"
	) &
}

wait_exited() {
	while [ ! -e "$RUN/rdv/$1.exited" ]; do
		sleep 0.2
	done
}

# Stream a guest file while the guest runs.
follow() {
	local file=$1 role=$2
	(
		while [ ! -e "$file" ] && [ ! -e "$RUN/rdv/$role.exited" ]; do
			sleep 0.2
		done
		[ -e "$file" ] || exit 0
		tail -n +1 -s 0.2 -f "$file" &
		local tpid=$!
		wait_exited "$role"
		sleep 0.5
		kill "$tpid" 2>/dev/null
		wait "$tpid" 2>/dev/null
	) || true
}

# Boot the guest(s) for ACTION and wait for them.
run_guests() {
	local action=$1 tests=${2:-} port mac_a=52:54:00:12:34:0a
	local mac_b=52:54:00:12:34:0b pid_follow='' vpid=''
	case "$TOP" in
	*[[:space:]]*) die "the tree's path must not contain spaces: $TOP" ;;
	esac
	build_module
	check_module
	INITRD=$(initramfs "$KVER")
	new_run
	write_config "$action" "$tests"
	note "guest kernel $KVER${KDEBUG:+ (debug)}, $MODE host(s), results in $RUN"
	START=$SECONDS
	if [ "$MODE" = one ]; then
		boot a "$TIMEOUT" -nic none
	elif [ "$NET" = dgram ]; then
		# Each QEMU sends its frames as UDP datagrams to the other's port.
		local pa pb lo=local.type=inet,local.host=127.0.0.1
		local re=remote.type=inet,remote.host=127.0.0.1
		pa=$(free_port -u)
		pb=$(free_port -u)
		boot a "$TIMEOUT" \
			-netdev "dgram,id=n0,$lo,local.port=$pa,$re,remote.port=$pb" \
			-device "virtio-net-pci,netdev=n0,mac=$mac_a,romfile="
		boot b "$((TIMEOUT + 60))" \
			-netdev "dgram,id=n0,$lo,local.port=$pb,$re,remote.port=$pa" \
			-device "virtio-net-pci,netdev=n0,mac=$mac_b,romfile="
	else
		port=$(free_port)
		boot a "$TIMEOUT" -netdev "socket,id=n0,listen=127.0.0.1:$port" \
			-device "virtio-net-pci,netdev=n0,mac=$mac_a,romfile="
		local i
		for ((i = 0; i < 100; i++)); do
			ss -Hltn "sport = :$port" | grep -q . && break
			[ -e "$RUN/rdv/a.exited" ] && break
			sleep 0.1
		done
		boot b "$((TIMEOUT + 60))" \
			-netdev "socket,id=n0,connect=127.0.0.1:$port" \
			-device "virtio-net-pci,netdev=n0,mac=$mac_b,romfile="
	fi
	if [ -n "$VERBOSE" ]; then
		follow "$RUN/a/harness.log" a >&2 &
		vpid=$!
	fi
	follow "$RUN/a/output.log" a &
	pid_follow=$!
	wait_exited a
	[ "$MODE" = two ] && wait_exited b
	wait $pid_follow $vpid 2>/dev/null || true
	wait
	note "guests ran for $((SECONDS - START))s"
	if [ -s "$RUN/a/detectors" ]; then
		note "detectors in $KVER: $(cat "$RUN/a/detectors")"
	fi
}

check_module() {
	local vm
	[ -e "$KO" ] || die "$KO is not built"
	vm=$(modinfo -F vermagic "$KO" | cut -d' ' -f1)
	[ "$vm" = "$KVER" ] || die "$KO is built for '$vm', not $KVER"
}

# ------------------------------------------------------------- judging

HARNESS_PASS=0
HARNESS_FAIL=0

harness_result() {
	if [ "$1" = ok ]; then
		HARNESS_PASS=$((HARNESS_PASS + 1))
		echo "# harness: ok $2"
	else
		HARNESS_FAIL=$((HARNESS_FAIL + 1))
		echo "# harness: not ok $2"
	fi
}

# The splat lines of a guest's kernel log, timestamps stripped, once each.
splats() {
	local d=$RUN/$1
	cat "$d/console.log" "$d/dmesg.log" 2>/dev/null | tr -d '\r' |
		grep -aE "$SPLAT" | sed 's/^\[ *[0-9.]*\] //' | awk '!seen[$0]++'
}

print_log() {
	local d=$RUN/$1
	echo "======== guest $1: harness trace ($d/harness.log)"
	cat "$d/harness.log" 2>/dev/null
	if [ -s "$d/dmesg.log" ]; then
		echo "======== guest $1: kernel log ($d/dmesg.log)"
		cat "$d/dmesg.log"
	else
		echo "======== guest $1: serial console ($d/console.log)"
		tr -d '\r' < "$d/console.log" 2>/dev/null
	fi
	if [ -s "$d/qemu.log" ]; then
		echo "======== guest $1: qemu"
		cat "$d/qemu.log"
	fi
	echo "======== end of guest $1"
}

# judge ROLE: harness results for one guest; 0 if clean.
judge() {
	local role=$1 d=$RUN/$1 qrc bad=0 s line
	qrc=$(cat "$d/qemu.rc" 2>/dev/null || echo "?")
	if [ -e "$d/done" ]; then
		harness_result ok "guest $role ran to the end"
	elif [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		harness_result fail "guest $role ran to the end: timed out"
		bad=1
	else
		harness_result fail "guest $role ran to the end: crashed or stopped (qemu status $qrc)"
		bad=1
	fi
	if [ -e "$d/steps" ]; then
		while read -r s line; do
			harness_result "$s" "guest $role: $line"
			[ "$s" = ok ] || bad=1
		done < "$d/steps"
	fi
	s=$(splats "$role")
	if [ -z "$s" ]; then
		harness_result ok "guest $role: kernel log clean"
	else
		harness_result fail "guest $role: kernel log clean"
		while IFS= read -r line; do
			echo "# guest $role kernel: $line"
		done <<< "$s"
		bad=1
	fi
	return $bad
}

judge_all() {
	local bad=0
	judge a || bad=1
	if [ "$MODE" = two ]; then
		judge b || bad=1
	fi
	if [ $bad -ne 0 ]; then
		print_log a
		[ "$MODE" = two ] && print_log b
	fi
	return $bad
}

# ------------------------------------------------------------ commands

cmd_check() {
	local tests rc totals pass=0 fail=0 skip=0 bad=0
	if [ $# -gt 0 ]; then
		tests="$*"
	else
		# The debug lane adds the tests only its kernel can run.
		tests=$(make -s --no-print-directory -C "$TOP/selftests" \
			RDMARPC_DEBUG_LANE="${KDEBUG:-0}" print_tests)
	fi
	[ -n "$tests" ] || die "no selftests listed in selftests/Makefile"
	run_guests check "$tests"
	echo "# ==== harness checks"
	judge_all || bad=1
	rc=$(cat "$RUN/a/rc" 2>/dev/null || echo "?")
	# No Totals line (the run timed out or stopped): not a silent exit.
	totals=$(grep -a '^# Totals:' "$RUN/a/output.log" 2>/dev/null |
		tail -n 1 || true)
	if [ -n "$totals" ]; then
		read -r pass fail skip < <(sed -E \
			's/.* pass:([0-9]+) fail:([0-9]+) .* skip:([0-9]+).*/\1 \2 \3/' \
			<<< "$totals")
	else
		harness_result fail "selftests ran to completion (status $rc: 124 is the time limit, --timeout)"
		bad=1
	fi
	if [ "$rc" != 0 ]; then
		bad=1
	fi
	[ "$pass" -gt 0 ] || bad=1
	echo "# selftests: $pass passed, $fail failed, $skip skipped (status $rc);" \
		"harness: $HARNESS_PASS passed, $HARNESS_FAIL failed"
	echo "$((pass + HARNESS_PASS)) passed, $((fail + HARNESS_FAIL)) failed, $skip skipped"
	if [ $bad -ne 0 ]; then
		note "check FAILED ($MODE host mode); results in $RUN"
		return 1
	fi
	note "check passed ($MODE host mode)"
}

cmd_run() {
	local rc
	[ $# -gt 0 ] || die "run: no command"
	# One argument is a shell string; several are a quoted command line.
	if [ $# -eq 1 ]; then
		CMD_TEXT=$1
	else
		CMD_TEXT=$(printf '%q ' "$@")
	fi
	run_guests run
	rc=$(cat "$RUN/a/rc" 2>/dev/null || echo 1)
	if ! judge_all > "$RUN/judgement" 2>&1; then
		cat "$RUN/judgement" >&2
		note "run FAILED: see the harness checks above; results in $RUN"
		[ "$rc" = 0 ] && rc=1
		return "$rc"
	fi
	[ -z "$VERBOSE" ] || cat "$RUN/judgement" >&2
	return "$rc"
}

# Build the planted-misbehaviour module for the selected kernel into the
# cache; prints the .ko path.
plant_module() {
	local d=$CACHE/plant_warn/$KVER
	rm -rf "$d"
	mkdir -p "$d"
	cp "$LIB/plant_warn/plant_warn.c" "$LIB/plant_warn/Kbuild" "$d/"
	make -s -C "$KDIR" M="$d" modules > "$d/build.log" 2>&1 ||
		{ cat "$d/build.log" >&2; die "cannot build plant_warn.ko"; }
	echo "$d/plant_warn.ko"
}

# The harness's own test: its judgement must catch what it is there for.
cmd_selftest() {
	local ko out rc n=0 pass=0 fail=0 args=(--kernel "$KSEL") tmo=300
	ko=$(plant_module)
	[ "$MODE" = two ] && args+=(--two-hosts)
	[ -n "$KDEBUG" ] && tmo=1800
	t_result() {
		n=$((n + 1))
		if [ "$1" -eq 0 ]; then
			pass=$((pass + 1))
			echo "ok $n $2"
		else
			fail=$((fail + 1))
			echo "not ok $n $2"
		fi
	}
	# planted WHAT ARGS SPLAT NAME: a run with plant_warn.ko ARGS loaded
	# must fail, not time out, show the kernel log line SPLAT among its
	# harness checks, and name NAME (plant_warn, its locks or its
	# leaked bytes) in the kernel log it prints.
	planted() {
		local what=$1 pargs=$2 splat=$3 name=$4 out rc
		echo "# $what fails the run and is named"
		set +e
		out=$("$SELF" "${args[@]}" --timeout "$tmo" \
			--insmod "$ko${pargs:+ $pargs}" run true 2>&1)
		rc=$?
		set -e
		grep -E "kernel: |harness: not ok" <<< "$out" | sed 's/^/#   /'
		[ "$rc" -ne 0 ] && grep -Eq "kernel: .*$splat" <<< "$out" &&
			grep -q -- "$name" <<< "$out" &&
			! grep -q 'timed out' <<< "$out"
		t_result $? "$what fails the run (status $rc)"
	}
	echo "TAP version 13"
	if [ -n "$KDEBUG" ]; then
		echo "1..5"
	else
		echo "1..3"
	fi

	echo "# a clean run passes"
	set +e
	out=$("$SELF" "${args[@]}" --timeout "$tmo" run 'ibv_devinfo -d rxe0 | grep -q PORT_ACTIVE' 2>&1)
	rc=$?
	set -e
	tail -n 5 <<< "$out" | sed 's/^/#   /'
	t_result "$rc" "clean run passes"

	if [ -z "$KDEBUG" ]; then
		planted "a planted WARN_ON(1)" "" 'WARNING: .*plant_warn' plant_warn
		# BUG() halts the guest (oops=panic): the run must not time
		# out.
		planted "a planted BUG()" bug=1 'kernel BUG at .*plant_warn' \
			plant_warn
		echo "$pass passed, $fail failed"
		[ "$fail" -eq 0 ]
		return
	fi
	# The debug kernel's detectors (WARN_ON and BUG are judged the same
	# on every kernel: the stock kernel's run proves them).
	planted "KASAN: a planted use-after-free" uaf=1 \
		'BUG: KASAN: [a-z-]*use-after-free in plant_' plant_uaf
	planted "lockdep: a planted ABBA lock inversion" abba=1 \
		'WARNING: possible circular locking dependency' plant_lock_b
	planted "kmemleak: a planted leak" leak=1 \
		'unreferenced object' 'plant_warn leak'
	planted "DEBUG_ATOMIC_SLEEP: a planted sleep in atomic context" \
		atomic_sleep=1 'BUG: sleeping function called from invalid context' \
		plant_atomic_sleep

	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# ---------------------------------------------------------------- main

MODE=one
TIMEOUT=
MODULE_ARGS=
EXTRA_MODULES=
VERBOSE=
CMD_TEXT=
KSEL=${RDMARPC_KVER:-stock}
cmd=
while [ $# -gt 0 ]; do
	case "$1" in
	--two-hosts) MODE=two ;;
	--one-host) MODE=one ;;
	--kernel) KSEL=$2; shift ;;
	--timeout) TIMEOUT=$2; shift ;;
	--insmod) EXTRA_MODULES+="$2"$'\n'; shift ;;
	--module-args) MODULE_ARGS=$2; shift ;;
	-v | --verbose) VERBOSE=1 ;;
	-h | --help) usage ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*)
		[ -z "$cmd" ] || break
		cmd=$1
		;;
	esac
	shift
done

case "$NET" in
socket | dgram) ;;
*) die "RDMARPC_VM_NET must be socket or dgram, not '$NET'" ;;
esac

case "$cmd" in
build | check | run | selftest) select_kernel "$KSEL" ;;
esac
# Default limits per guest: the debug kernel runs 20-100x slower.  The
# whole suite on two hosts took 2,340 s for 25 of its 30 tests on a busy
# host (6.12): 3,600 s there.
if [ -n "${KDEBUG:-}" ]; then
	tmo_check=14400 tmo_run=3600 tmo_selftest=3600
elif [ "$MODE" = two ]; then
	tmo_check=3600 tmo_run=600 tmo_selftest=900
else
	tmo_check=2400 tmo_run=600 tmo_selftest=900
fi

case "$cmd" in
deps) cmd_deps ;;
kernels) cmd_kernels ;;
build) cmd_build ;;
check) TIMEOUT=${TIMEOUT:-$tmo_check}; cmd_check "$@" ;;
run) TIMEOUT=${TIMEOUT:-$tmo_run}; cmd_run "$@" ;;
selftest) TIMEOUT=${TIMEOUT:-$tmo_selftest}; cmd_selftest ;;
*) usage ;;
esac
