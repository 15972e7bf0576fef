#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: scripts/layer-check.sh [MODFILE]
#
# Calls go down: fails when an object of the module uses a symbol (function
# or variable) defined in an object of a higher layer, naming the object,
# the symbol and both layers.  A lower layer reaches a higher one only
# through ops, callbacks or notifiers the higher one registers, which leave
# no symbol behind.  It reads the objects' symbol tables (nm) after a build:
# MODFILE is the module's .mod file, which kbuild writes with the list of
# its objects (default kmod/rdmarpc.mod, from `make module`).  Objects are
# named by their path relative to MODFILE's directory.
#
# The layers, bottom first.  Each line: a layer, then the objects in it
# (shell patterns).  An object in the module but in no layer is an error;
# objects listed but not built are ignored.
LAYERS='
core		core/*.o
trace		trace.o
params		params.o
ports		ib.o ah.o
sessions	session.o peer.o handshake.o liveness.o loopback.o
endpoints	rpc.o call.o serve.o idem.o ring.o
interfaces	chardev.o netlink.o
main		main.o
'

set -euo pipefail

NM=${NM:-nm}
MODFILE=${1:-kmod/rdmarpc.mod}

die() {
	echo "layer-check: $*" >&2
	exit 2
}

[ -f "$MODFILE" ] || die "$MODFILE: no such file (build the module first: make module)"
moddir=$(cd "$(dirname "$MODFILE")" && pwd)

# One line per symbol: OBJECT TYPE NAME, OBJECT relative to $moddir.
symbols() {
	local obj rel
	while read -r obj; do
		[ -n "$obj" ] || continue
		case $obj in
		/*) ;;
		*) obj=$moddir/$obj ;;
		esac
		[ -f "$obj" ] || die "$obj (listed in $MODFILE): no such object"
		rel=${obj#"$moddir"/}
		"$NM" -P "$obj" | awk -v o="$rel" '{ print o, $2, $1 }' ||
			die "$NM $obj failed"
	done <"$MODFILE"
}

# The layer of each object; "-" if it has none.
layer_of() {
	local obj=$1 name pats pat
	while read -r name pats; do
		[ -n "$name" ] || continue
		for pat in $pats; do
			# shellcheck disable=SC2254 # a pattern, on purpose
			case $obj in
			$pat) echo "$name"; return ;;
			esac
		done
	done <<<"$LAYERS"
	echo -
}

syms=$(symbols)
objs=$(cut -d' ' -f1 <<<"$syms" | sort -u)
table=$(awk 'NF { print $1 }' <<<"$LAYERS")
map=$(for o in $objs; do
	echo "$o $(layer_of "$o")"
done)

awk -v table="$table" -v map="$map" -v nobj="$(wc -w <<<"$objs")" '
BEGIN {
	n = split(table, t, "\n")
	for (i = 1; i <= n; i++)
		rank[t[i]] = i
	split(map, m, "\n")
	for (i in m) {
		split(m[i], f, " ")
		layer[f[1]] = f[2]
		if (f[2] == "-") {
			printf "layer-check: %s is in no layer: add it to LAYERS in scripts/layer-check.sh\n", f[1]
			bad++
		}
	}
}
# Globally defined symbols: where.
$2 ~ /^[A-TV-Z]$/ {
	def[$3] = $1
	next
}
$2 == "U" {
	use[++nuse] = $1 " " $3
}
END {
	for (i = 1; i <= nuse; i++) {
		split(use[i], u, " ")
		obj = u[1]
		sym = u[2]
		if (!(sym in def) || layer[obj] == "-")
			continue
		d = def[sym]
		dl = layer[d]
		if (dl == "-" || rank[dl] <= rank[layer[obj]])
			continue
		printf "layer-check: %s (%s) uses %s, defined in %s (%s)\n", obj, layer[obj], sym, d, dl
		bad++
	}
	if (bad) {
		printf "layer-check: %d error(s); a lower layer may reach a higher one only through ops, callbacks or notifiers it registers\n", bad
		exit 1
	}
	printf "layer-check: %d objects, no call goes up\n", nobj
}' <<<"$syms"
