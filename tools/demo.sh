#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rdmarpc demo (`make demo`): sets up what is missing (packages, build),
# runs the host simulator of the session protocol over a lossy, reordering
# network, then boots a Soft-RoCE guest, loads rdmarpc.ko, shows the module
# seeing rxe0, and runs the echo example and a short benchmark through it.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$TOP"

section() {
	echo
	echo "================================================================"
	echo "== $*"
	echo "================================================================"
}

section "1. Set-up: packages and build"
if ! command -v qemu-system-x86_64 > /dev/null ||
	! compgen -G '/boot/vmlinuz-*' > /dev/null ||
	! command -v ibv_devinfo > /dev/null; then
	[ "$(id -u)" -eq 0 ] || {
		echo "packages are missing: run as root, or: sudo selftests/vm.sh deps"
		exit 1
	}
	selftests/vm.sh deps
else
	echo "packages: installed (selftests/vm.sh deps installs them)"
fi
echo "building module, library, tools and tests (make all) ..."
mkdir -p build
if ! make -s all > build/demo-build.log 2>&1; then
	cat build/demo-build.log
	exit 1
fi
echo -n "built:"
for f in kmod/rdmarpc.ko ulib/librdmarpc.so tools/rdmarpc-sim \
	tools/rdmarpcctl/rdmarpcctl; do
	[ -e "$f" ] && echo -n " $f"
done
echo

section "2. Host simulator: 2000 RPCs of 3000 bytes, 5% loss, 5% reorder"
if [ -x tools/rdmarpc-sim ]; then
	echo "$ tools/rdmarpc-sim --rpcs 2000 --size 3000 --loss 0.05 --reorder 0.05 --seed 1"
	timeout 120 tools/rdmarpc-sim --rpcs 2000 --size 3000 --loss 0.05 \
		--reorder 0.05 --seed 1
else
	echo "(tools/rdmarpc-sim is not built yet: skipping)"
fi

section "3. Soft-RoCE guest: rdmarpc.ko, rxe0, echo and a short benchmark"
echo "Booting Debian's kernel under QEMU with rxe0 over a veth pair;"
echo "the guest loads rdmarpc.ko, built for its kernel in build/mod/, and runs:"
# shellcheck disable=SC2016 # runs in the guest
show='
set -u
ctl=tools/rdmarpcctl/rdmarpcctl
step() { echo; echo "--- guest\$ $*"; "$@"; }
step rdma link show
step "$ctl" dev
echo; echo "--- kernel log of the module"
dmesg | grep -E "rdmarpc" | tail -n 8

echo; echo "--- guest\$ tools/examples/echo_server -q &"
tools/examples/echo_server -q & srv=$!
sleep 1
step tools/examples/echo_client --peer "$RDMARPC_LOCAL_IP" "hello rdma"
rc=$?
step "$ctl" peer show
step "$ctl" session show

echo; echo "--- guest\$ tools/bench/rdmarpc-bench server &"
tools/bench/rdmarpc-bench server & bsrv=$!
sleep 1
step tools/bench/rdmarpc-bench client --peer "$RDMARPC_LOCAL_IP" \
	--size 32 --concurrency 8 --duration 5
step tools/bench/rdmarpc-bench nop --count 100000
kill $srv $bsrv 2>/dev/null
wait 2>/dev/null
exit $rc
'
selftests/vm.sh run "$show"

section "Done"
echo "More: make check (host tests + guest selftests), selftests/vm.sh run CMD"
