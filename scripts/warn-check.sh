#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/warn-check.sh [KERNEL...]
#
# Builds the module with W=1 and sparse (C=2) for each KERNEL (default:
# every supported kernel with headers on this machine: stock, 6.12,
# 6.12-rt; see scripts/kver.sh), each in a scratch copy of the module's
# sources, and fails on any compiler or sparse diagnostic.
# Prints "N passed, N failed".

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v sparse > /dev/null || { echo "warn-check: sparse is not installed" >&2; exit 1; }

kernels=()
if [ $# -gt 0 ]; then
	for k in "$@"; do
		kernels+=("$("$TOP/scripts/kver.sh" "$k")")
	done
else
	mapfile -t kernels < <("$TOP/scripts/kver.sh" supported)
fi
[ ${#kernels[@]} -gt 0 ] || { echo "warn-check: no supported kernel installed" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass=0 fail=0
for k in "${kernels[@]}"; do
	src=$tmp/$k
	make -s -C "$TOP" DKMS_SRC="$src" dkms-src
	log=$tmp/$k.log
	rc=0
	make -C "/lib/modules/$k/build" M="$src" W=1 C=2 modules > "$log" 2>&1 || rc=$?
	# Kbuild's own lines start with two spaces or "make"; anything else
	# (a compiler or sparse diagnostic, an error) fails the build.
	diag=$(grep -v -E '^(  [A-Z]|make(\[[0-9]+\])?: |Skipping BTF generation )' "$log" || true)
	if [ $rc -eq 0 ] && [ -z "$diag" ] && [ -e "$src/kmod/rdmarpc.ko" ]; then
		pass=$((pass + 1))
		echo "ok W=1 C=2 build -k $k"
	else
		fail=$((fail + 1))
		echo "not ok W=1 C=2 build -k $k (status $rc)"
		echo "${diag:-$(tail -n 20 "$log")}" | sed 's/^/# /'
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
