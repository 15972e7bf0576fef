#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs as PID 1 inside a test guest, after the initramfs has switched to the
# host's root (read-only over 9p).  Sets up networking and Soft-RoCE, loads
# rdmarpc.ko, runs the selftests or a command (guest "a") or the peer agent
# (guest "b"), unloads the module, saves the kernel log and powers off.
#
# Everything it learns from the host is in /run/rdmarpc-vm/config.sh;
# everything the host judges afterwards is written to /run/rdmarpc-vm/<role>/:
#   harness.log  this script's own trace
#   output.log   the tests' KTAP stream, or the command's output
#   steps        one line per harness step: "ok <what>" or "fail <what>"
#   rc           exit status of the tests or of the command
#   dmesg.log    the kernel log after unloading
#   done         written last: the guest got to the end
#
# No "set -e": as PID 1 this script must always reach poweroff.

set -uo pipefail
# shellcheck source=selftests/lib/kmemleak.sh
. "$(dirname "${BASH_SOURCE[0]}")/kmemleak.sh"

role=${1:-a}
VM=/run/rdmarpc-vm
R=$VM/$role

# Until these are mounted, /proc, /sys and /dev are the host's directories
# seen through 9p: mount the guest's own over them.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# What udev would add: bash's process substitution needs /dev/fd.
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr

mkdir -p "$R"
exec >> "$R/harness.log" 2>&1

# shellcheck source=/dev/null
. "$VM/config.sh"

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TMPDIR=/tmp LANG=C.UTF-8 TERM=dumb

status=0

say() {
	echo "rrvm[$role]: $*"
}

# A line in the kernel log, so the host sees harness events in order with
# the kernel's own messages.  "rrvm: FAIL:" lines fail the run.
kmsg() {
	echo "rrvm: $*" > /dev/kmsg 2>/dev/null || true
}

step_ok() {
	say "ok: $*"
	echo "ok $*" >> "$R/steps"
}

step_fail() {
	say "FAIL: $*"
	kmsg "FAIL: $*"
	echo "fail $*" >> "$R/steps"
	status=1
}

# Run a command, log it, and record a failed step if it fails.
must() {
	local what=$1
	shift
	say "+ $*"
	if ! "$@"; then
		step_fail "$what"
		return 1
	fi
}

power_off() {
	sync
	# Without ACPI (the debug kernel) the kernel cannot power off:
	# reboot, which ends QEMU under -no-reboot.
	if [ -d /sys/firmware/acpi ]; then
		/bin/busybox poweroff -f
		sleep 5
		echo o > /proc/sysrq-trigger
	else
		/bin/busybox reboot -f
		sleep 5
		echo b > /proc/sysrq-trigger
	fi
	sleep 30
}

# The detectors the booted kernel has, one line.
detectors() {
	local c opt on=()
	c=$( (zcat /proc/config.gz || cat "/boot/config-$(uname -r)") 2>/dev/null)
	for opt in KASAN KFENCE PROVE_LOCKING PROVE_RCU DEBUG_ATOMIC_SLEEP \
		DEBUG_LIST DEBUG_OBJECTS DEBUG_KMEMLEAK UBSAN FAULT_INJECTION \
		DETECT_HUNG_TASK; do
		grep -qx "CONFIG_$opt=y" <<< "$c" && on+=("$opt")
	done
	if grep -qw 'panic_on_warn=1' /proc/cmdline; then
		on+=(panic_on_warn)
	fi
	echo "${on[*]:-none}"
}

if [ "$role" = a ]; then
	ip=$RRVM_A_IP
	peer=$RRVM_B_IP
else
	ip=$RRVM_B_IP
	peer=$RRVM_A_IP
fi
rdv=$VM/rdv

setup_common() {
	hostname "rdmarpc-$role"
	# printk.devkmsg=on is on the kernel command line (it also locks
	# the sysctl): the tests' /dev/kmsg lines are never rate-limited.
	# Report hung tasks within a test run, not after it.
	echo "$RRVM_HUNG_TASK_SECS" > /proc/sys/kernel/hung_task_timeout_secs
	echo 1 > /proc/sys/kernel/panic_on_oops
	ip link set lo up
	detectors > "$R/detectors"
	kmsg "guest $role up, kernel $(uname -r), $(nproc) CPUs," \
		"detectors: $(cat "$R/detectors")"
	# Races need CPUs running at once: a guest that came up with
	# fewer than it was given must not pass quietly.
	if [ "$(nproc)" -ne "$RRVM_SMP" ]; then
		step_fail "guest has $(nproc) CPUs, $RRVM_SMP were given"
		return 1
	fi
}

# shellcheck disable=SC2317 # called through must
wait_port_active() {
	local i state
	for ((i = 0; i < 100; i++)); do
		state=$(cat /sys/class/infiniband/rxe0/ports/1/state 2>/dev/null)
		case "$state" in
		*ACTIVE*) return 0 ;;
		esac
		sleep 0.2
	done
	say "rxe0 port 1 state: ${state:-none}"
	return 1
}

setup_network() {
	local dev
	if [ "$RRVM_MODE" = one ]; then
		must "modprobe veth" modprobe veth || return 1
		must "veth pair" ip link add veth0 type veth peer name veth1 ||
			return 1
		ip addr add "$ip/24" dev veth0
		ip addr add "$RRVM_ONE_PEER_SIDE_IP/24" dev veth1
		ip link set veth1 up
		ip link set veth0 up
		dev=veth0
	else
		must "modprobe virtio_net" modprobe virtio_net || return 1
		dev=eth0
		must "eth0 present" ip link show dev eth0 || return 1
		ip addr add "$ip/24" dev eth0
		ip link set eth0 up
	fi
	must "modprobe ib_core ib_uverbs rdma_ucm rdma_rxe" \
		modprobe -a ib_core ib_uverbs rdma_ucm rdma_rxe || return 1
	must "rdma link add rxe0 netdev $dev" \
		rdma link add rxe0 type rxe netdev "$dev" || return 1
	must "rxe0 port ACTIVE" wait_port_active || return 1
	step_ok "network $dev $ip, rxe0 ACTIVE"
}

load_modules() {
	local ko=${RRVM_KO:-$RRVM_TOP/kmod/rdmarpc.ko} m margs deps
	must "modprobe ib_core ib_uverbs" modprobe -a ib_core ib_uverbs ||
		return 1
	if [ ! -e "$ko" ]; then
		step_fail "insmod rdmarpc: $ko not built"
		return 1
	fi
	# What the module links against (ib_core, libcrc32c, ...).
	deps=$(modinfo -F depends "$ko" | tr ',' ' ')
	if [ -n "$deps" ]; then
		# shellcheck disable=SC2086 # a list of module names
		must "modprobe $deps" modprobe -a $deps || return 1
	fi
	# shellcheck disable=SC2086 # module parameters are words
	must "insmod rdmarpc" insmod "$ko" $RRVM_INSMOD_ARGS || return 1
	loaded_main=1
	# One module a line, with its parameters.
	while read -r m margs; do
		[ -n "$m" ] || continue
		# shellcheck disable=SC2086 # module parameters are words
		must "insmod $m" insmod "$m" $margs || return 1
		loaded_extra="$(basename "$m" .ko) $loaded_extra"
	done <<< "$RRVM_EXTRA_MODULES"
	step_ok "insmod rdmarpc"
}

unload_modules() {
	local m i
	for m in $loaded_extra; do
		must "rmmod $m" rmmod "$m"
	done
	[ -n "$loaded_main" ] || return 0
	# A process that just exited may still hold a reference for a moment.
	for ((i = 0; i < 20; i++)); do
		rmmod rdmarpc 2>/dev/null && break
		sleep 0.25
	done
	if [ -e /sys/module/rdmarpc ]; then
		say "refcnt: $(cat /sys/module/rdmarpc/refcnt 2>/dev/null)"
		say "holders: $(ls /sys/module/rdmarpc/holders 2>/dev/null)"
		ps -eo pid,stat,comm,wchan:30 | sed "s/^/rrvm[$role]: ps: /"
		step_fail "rmmod rdmarpc"
	else
		step_ok "rmmod rdmarpc"
		if [ -e "$KMEMLEAK" ]; then
			if kmemleak_check "the final rmmod rdmarpc"; then
				step_ok "kmemleak: nothing left behind"
			else
				step_fail "kmemleak: nothing left behind"
			fi
		fi
	fi
}

# The environment every test and command sees.
export_test_env() {
	export RDMARPC_TOP=$RRVM_TOP
	export RDMARPC_MODE=$RRVM_MODE
	export RDMARPC_ROLE=$role
	export RDMARPC_LOCAL_IP=$ip
	if [ "$RRVM_MODE" = one ]; then
		export RDMARPC_PEER_IP=$ip
		export RDMARPC_NETDEV=veth0
	else
		export RDMARPC_PEER_IP=$peer
		export RDMARPC_NETDEV=eth0
		# How the two guests' eth0 are joined (vm.sh's RDMARPC_VM_NET).
		export RDMARPC_WIRE=${RRVM_NET:-socket}
	fi
	export RDMARPC_IBDEV=rxe0
	export RDMARPC_KO=${RRVM_KO:-$RRVM_TOP/kmod/rdmarpc.ko}
	# Tests that need the debug kernel's fault injection look for this.
	export RDMARPC_DEBUG_LANE=${RRVM_KDEBUG:-0}
	export RDMARPC_RESULTS=$R
	export RDMARPC_RDV=$rdv
	export RDMARPC_KVER
	RDMARPC_KVER=$(uname -r)
	export LD_LIBRARY_PATH=$RRVM_TOP/ulib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
}

# Guest "a" in two-host mode: wait for guest "b" to be set up.
wait_for_peer() {
	local i
	for ((i = 0; i < RRVM_PEER_WAIT_SECS * 10; i++)); do
		[ -e "$rdv/b.ready" ] && return 0
		if [ -e "$rdv/b.failed" ] || [ -e "$rdv/b.exited" ]; then
			say "guest b failed to set up"
			return 1
		fi
		sleep 0.1
	done
	say "guest b not ready after ${RRVM_PEER_WAIT_SECS}s"
	return 1
}

run_action() {
	local rc
	cd "$RRVM_TOP" || return 1
	case "$RRVM_ACTION" in
	check)
		kmsg "selftests start"
		# shellcheck disable=SC2086 # a list of test names
		timeout -k 10 "$RRVM_CMD_TIMEOUT" \
			"$RRVM_TOP/selftests/run_tests.sh" $RRVM_TESTS \
			> "$R/output.log" 2>&1 < /dev/null
		rc=$?
		kmsg "selftests end, status $rc"
		;;
	run)
		kmsg "command start"
		timeout -k 10 "$RRVM_CMD_TIMEOUT" bash "$VM/cmd.sh" \
			> "$R/output.log" 2>&1 < /dev/null
		rc=$?
		kmsg "command end, status $rc"
		;;
	esac
	return "$rc"
}

# The whole run, parsed before it starts: the tree (this file included)
# may change on the host while a guest runs.
main() {
	loaded_main='' loaded_extra=''
	setup_common
	if setup_network && load_modules; then
		export_test_env
		if [ "$role" = b ]; then
			echo "$ip" > "$rdv/b.ip"
			"$RRVM_TOP/selftests/lib/agent.sh"
			rc=$?
		elif [ "$RRVM_MODE" = two ] && ! wait_for_peer; then
			step_fail "peer guest b ready"
			rc=1
		else
			run_action
			rc=$?
		fi
	else
		[ "$role" = b ] && touch "$rdv/b.failed"
		rc=1
	fi
	[ "$RRVM_MODE" = two ] && [ "$role" = a ] && touch "$rdv/quit"

	unload_modules
	kmsg "guest $role done, status $rc, harness status $status"
	dmesg > "$R/dmesg.log"
	echo "$rc" > "$R/rc"
	echo "$status" > "$R/done"
	power_off
}

main; exit
