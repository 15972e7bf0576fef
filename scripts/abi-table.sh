#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tables of kmod/uapi, read through the C preprocessor as the module
# reads them, for the files made from them outside C.
#
#   abi-table.sh params     one line per module parameter:
#                           name|type|mode|default|min|max|zero_off|"desc"
#   abi-table.sh counters   one line per counter: list name
#                           (list: port, sess, hs, fault, rpc)
#   abi-table.sh modprobe   a modprobe.d file: every parameter commented
#                           out at its default, with its range

set -euo pipefail

UAPI=$(cd "$(dirname "$0")/../kmod/uapi" && pwd)
CPP=${CPP:-cpp}

# The rows of one table, one line each: the macro's expansion starts with
# @@, and a row written over several lines comes out on one.
rows() {
	local all

	all=$("$CPP" -P -I"$UAPI" -) || return
	printf '%s\n' "$all" | tr '\n' ' ' | sed 's/@@ */\n/g; s/ *$//' |
		tail -n +2
	echo
}

params() {
	rows <<-'EOF'
	#include "rdmarpc.h"
	#define RDMARPC_PARAM(A, n, t, m, d, lo, hi, z, desc) @@ n|t|m|d|lo|hi|z|desc
	#include "rdmarpc_params.h"
	EOF
}

counters() {
	rows <<-'EOF'
	#define RDMARPC_PORT_COUNTER(N, n, ...) @@ port n
	#define RDMARPC_SESS_COUNTER(N, n, ...) @@ sess n
	#define RDMARPC_HS_COUNTER(N, n, ...) @@ hs n
	#define RDMARPC_FAULT_COUNTER(N, n, ...) @@ fault n
	#define RDMARPC_RPC_COUNTER(N, n, ...) @@ rpc n
	#include "rdmarpc_counters.h"
	EOF
}

modprobe() {
	cat <<-'EOF'
	# rdmarpc's module parameters, each at its default: uncomment and
	# change a line to set it at load (modprobe -r rdmarpc; modprobe
	# rdmarpc).  `modinfo rdmarpc` describes them, rdmarpc(4) at length.
	# All but tcp_port can also be changed while the module is loaded,
	# with `rdmarpcctl set`.
	EOF
	params | while IFS='|' read -r name _ _ def min max zero desc; do
		desc=${desc#\"}
		desc=${desc%\"}
		range="$min..$max"
		[ "$zero" = true ] && range="0 or $range"
		echo
		printf '%s (%s; default %s)\n' "$desc" "$range" "$def" |
			fold -s -w 74 | sed 's/ *$//; s/^/# /'
		printf '#options rdmarpc %s=%s\n' "$name" "$def"
	done
}

case "${1:-}" in
params | counters | modprobe) "$1" ;;
*)
	echo "usage: $0 params|counters|modprobe" >&2
	exit 2
	;;
esac
