#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages from a copy of this tree (what git tracks, and new
# files it does not ignore): dpkg-buildpackage -us -uc -b, then lintian
# on the .changes.  Fails if the build fails, if a package is missing,
# if lintian reports an error, or if the compile lines miss the hardening
# flags.  Prints lintian's warnings and notes.  Needs dpkg-dev, debhelper,
# dh-dkms, lintian and the build dependencies (selftests/vm.sh deps).
#
# Usage: deb-check.sh [OUTDIR]   (the packages stay in OUTDIR if given)

set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
PKGS="rdmarpc-dkms librdmarpc0 librdmarpc-dev librdmarpc-protobuf0
librdmarpc-protobuf-dev rdmarpc-tools"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=${1:-$tmp/out}
mkdir -p "$out"
src=$tmp/rdmarpc
mkdir -p "$src"
# Tracked files deleted in the work tree are left out.
(cd "$TOP" && git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
	tar --null -T - -cf -) | tar -xf - -C "$src" || exit 1

fail() {
	echo "deb-check: $*" >&2
	exit 1
}

start=$(date +%s)
(cd "$src" && dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log"; fail "dpkg-buildpackage failed (log: $out/build.log)"; }
mv "$tmp"/*.deb "$tmp"/*.changes "$tmp"/*.buildinfo "$out"/ 2> /dev/null
for p in $PKGS; do
	ls "$out/${p}_"*.deb > /dev/null 2>&1 || fail "no package $p"
done
# Every compile line of the libraries and tools has dpkg-buildflags'.
cc_lines=$(grep -cE '^(cc|gcc)( .*)? -c ' "$out/build.log")
fortified=$(grep -E '^(cc|gcc)( .*)? -c ' "$out/build.log" | grep -c -- '-D_FORTIFY_SOURCE=2')
if [ "$cc_lines" -eq 0 ] || [ "$cc_lines" -ne "$fortified" ]; then
	fail "$fortified of $cc_lines compile lines have -D_FORTIFY_SOURCE=2"
fi
grep -q -- '-D_FORTIFY_SOURCE=2.*-o rdmarpc-sim' "$out/build.log" ||
	fail "rdmarpc-sim is built without the hardening flags"

lintian --fail-on error "$out"/*.changes > "$out/lintian.log" 2>&1
rc=$?
cat "$out/lintian.log"
errors=$(grep -c '^E: ' "$out/lintian.log")
warnings=$(grep -c '^W: ' "$out/lintian.log")
echo "deb-check: $(find "$out" -name '*.deb' | wc -l) packages in $(($(date +%s) - start)) s;" \
	"lintian: $errors errors, $warnings warnings"
[ $rc -eq 0 ] && [ "$errors" -eq 0 ]
