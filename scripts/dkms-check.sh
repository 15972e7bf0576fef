#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/dkms-check.sh [KERNEL...]
#
# Builds rdmarpc.ko with DKMS, as a package install would, for each KERNEL
# (default: every supported kernel with headers on this machine: stock, 6.12,
# 6.12-rt; see scripts/kver.sh), in a scratch DKMS tree so that the host's
# /var/lib/dkms and /usr/src stay untouched.  Checks each module's vermagic.
# Prints "N passed, N failed".

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v dkms > /dev/null || { echo "dkms-check: dkms is not installed" >&2; exit 1; }

kernels=()
if [ $# -gt 0 ]; then
	for k in "$@"; do
		kernels+=("$("$TOP/scripts/kver.sh" "$k")")
	done
else
	mapfile -t kernels < <("$TOP/scripts/kver.sh" supported)
fi
[ ${#kernels[@]} -gt 0 ] || { echo "dkms-check: no supported kernel installed" >&2; exit 1; }

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TOP/dkms.conf")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s -C "$TOP" DKMS_SRC="$tmp/src/rdmarpc-$ver" dkms-src
mkdir -p "$tmp/dkms"
opts=(-m rdmarpc -v "$ver" --sourcetree "$tmp/src" --dkmstree "$tmp/dkms")
dkms add "${opts[@]}" > "$tmp/add.log" 2>&1 ||
	{ cat "$tmp/add.log"; echo "dkms-check: dkms add failed" >&2; exit 1; }

pass=0 fail=0
for k in "${kernels[@]}"; do
	ko=$tmp/dkms/rdmarpc/$ver/$k/x86_64/module/rdmarpc.ko
	if dkms build "${opts[@]}" -k "$k" > "$tmp/build-$k.log" 2>&1; then
		[ -e "$ko" ] || ko=$(find "$tmp/dkms/rdmarpc/$ver/$k" -name 'rdmarpc.ko*' | head -n 1)
	else
		ko=
	fi
	vm=
	if [ -n "$ko" ] && [ -e "$ko" ]; then
		vm=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	fi
	if [ "$vm" = "$k" ]; then
		pass=$((pass + 1))
		echo "ok dkms build -k $k"
	else
		fail=$((fail + 1))
		echo "not ok dkms build -k $k (vermagic '${vm:-none}')"
		cat "$tmp/build-$k.log"
		cat "$tmp/dkms/rdmarpc/$ver/build/make.log" 2>/dev/null || true
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
