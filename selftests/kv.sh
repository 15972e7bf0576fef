#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The protobuf-c binding end to end: the kv example (tools/examples/kv),
# kv_server on the peer (the other guest with two hosts, this one
# otherwise), kv_client here, given nothing but the peer's address.
#
#  - every method from the command line: put, get, delete, scan; values
#    of kind text, number and a record with every kind of field;
#  - a handler's error reaches the client as its status and message: get
#    of a missing key is NOT_FOUND with 'no key "KEY"', an empty key
#    INVALID_ARGUMENT, put --create of an existing key ALREADY_EXISTS;
#  - a method the server does not have is UNIMPLEMENTED, its method id
#    (FNV-1a of "rdmarpc.examples.kv.Kv/Compact", computed here) in the
#    message;
#  - fill puts 3000 keys (1000 on the debug kernel) asynchronously; one
#    scan returns them all, in order; a scan with a limit stops there and
#    says where to go on;
#  - kv_client check: every method and every field kind round-trip,
#    thousands of entries in one scan response and in pages, a response
#    over the client's limit (ENOBUFS, its size) taken again, thousands of
#    asynchronous calls in flight (each closure once), a request that does
#    not unpack (INVALID_ARGUMENT); each of its checks is one here;
#  - kv_server stops on SIGTERM with status 0, no reply refused; a call
#    then is UNIMPLEMENTED (no service on the peer).

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

KV_SERVER=$TOP/tools/examples/kv/kv_server
KV_CLIENT=$TOP/tools/examples/kv/kv_client
# On the debug kernel, where a call costs about 20 times as much: a third
# of the entries (one scan response still spans many packets),
# three times the time for each call and each client run.
if [ "${RDMARPC_DEBUG_LANE:-0}" = 1 ]; then
	ENTRIES=${RDMARPC_KV_ENTRIES:-1000} RUN_S=900 CALL_MS=60000
else
	ENTRIES=${RDMARPC_KV_ENTRIES:-3000} RUN_S=300 CALL_MS=20000
fi

# The checks of `kv_client check` that this test reports one by one.
CHECKS=(
	"put and get: a value of kind text"
	"put and get: a value of kind raw bytes"
	"put and get: a value of kind number"
	"put and get: a value of kind real"
	"put and get: a value of kind flag"
	"put and get: a value of kind record with every kind of field"
	"put REPLACE of an existing key"
	"put CREATE of an existing key: ALREADY_EXISTS"
	"get of a missing key: NOT_FOUND"
	"delete returns the entry it removed"
	"puts, up to"
	"entries in one response"
	"scan into 4096 bytes: -ENOBUFS"
	"asked again with room for"
	"scan in pages of 1000"
	"scan limit 100001: OUT_OF_RANGE"
	"gets in flight"
	"a Put request that does not unpack: INVALID_ARGUMENT"
	"a method the server does not have"
	"deletes in flight"
)

ktap_plan $((16 + ${#CHECKS[@]}))
ktap_require_rdma

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	stop_server
}
trap cleanup EXIT

if [ ! -x "$KV_SERVER" ] || [ ! -x "$KV_CLIENT" ]; then
	ktap_note "$KV_SERVER or $KV_CLIENT not built: install protoc-c and" \
		"libprotobuf-c-dev (selftests/vm.sh deps), then make"
	while [ "$KTAP_NR" -lt "$KTAP_PLAN" ]; do
		ktap_fail "kv example built"
	done
	ktap_finish
fi

# rdmarpc_method_id(): FNV-1a, 32 bits, of an ASCII name.
fnv1a() {
	local s=$1 hash=2166136261 i c
	for ((i = 0; i < ${#s}; i++)); do
		printf -v c '%d' "'${s:i:1}"
		hash=$(((hash ^ c) * 16777619 & 0xffffffff))
	done
	printf '0x%08x' "$hash"
}

# mentions_id TEXT ID: TEXT names method id ID (0x%08x): in hex, any case,
# with "0x" or not, or in decimal (the binding writes "method id 0x%08x";
# a module answering for a method nobody serves may word it its own way).
mentions_id() {
	local text=${1,,} id=$2
	[[ $text == *"${id#0x}"* ]] || [[ $text == *"$((id))"* ]]
}

ktap_note "peer $PEER ($MODE host mode)"
if start_server "kv_server: serving" "$KV_SERVER"; then
	ktap_ok "kv_server serving on the peer"
else
	ktap_fail "kv_server serving on the peer"
fi

key=kv-sh-$$
kv put "$key" "hello rdma"
[ $RC -eq 0 ] && [ "$OUT" = "version 1 (created)" ]
st=$?
ktap_check "put $key \"hello rdma\" -> \"$OUT\" (exit $RC) $ERR" $st

kv get "$key"
[ $RC -eq 0 ] && [ "$OUT" = "hello rdma" ]
st=$?
ktap_check "get $key -> \"$OUT\" (exit $RC) $ERR" $st

kv put --as number "$key/n" -42
kv get "$key/n"
[ $RC -eq 0 ] && [ "$OUT" = "number:-42" ]
st=$?
ktap_check "put --as number, get -> \"$OUT\"" $st

want="record:demo color 3, 500 samples, 4 tags, 3 attrs, 3 colors, 2 counters, 64 blob bytes"
kv put --as record "$key/r" demo
kv get "$key/r"
[ $RC -eq 0 ] && [ "$OUT" = "$want" ]
st=$?
ktap_check "put --as record (every kind of field), get -> \"$OUT\"" $st

kv delete "$key"
[ $RC -eq 0 ] && [ "$OUT" = "hello rdma" ]
st=$?
ktap_check "delete $key -> the value it removed, \"$OUT\" (exit $RC) $ERR" $st

# A handler's error: the status and the message the server wrote.
kv get "$key"
[ $RC -eq 3 ] && [ "$ERR" = "kv_client: get: NOT_FOUND (5): no key \"$key\"" ]
st=$?
ktap_check "get of the deleted key: exit $RC, \"$ERR\"" $st

kv get ""
[ $RC -eq 3 ] &&
	[ "$ERR" = "kv_client: get: INVALID_ARGUMENT (3): empty key" ]
st=$?
ktap_check "get of an empty key: exit $RC, \"$ERR\"" $st

kv put --create "$key/n" 7
[ $RC -eq 3 ] && [[ $ERR == *"ALREADY_EXISTS (6): key \"$key/n\" exists"* ]]
st=$?
ktap_check "put --create of an existing key: exit $RC, \"$ERR\"" $st

id=$(fnv1a rdmarpc.examples.kv.Kv/Compact)
kv unknown
[ $RC -eq 3 ] && [[ $ERR == *"UNIMPLEMENTED (12)"* ]] && mentions_id "$ERR" "$id"
st=$?
ktap_check "a method the server does not have ($id): exit $RC, \"$ERR\"" $st

t0=$SECONDS
kv fill "$key/f/" "$ENTRIES"
[ $RC -eq 0 ] && [ "$OUT" = "fill: $ENTRIES of $ENTRIES put" ]
st=$?
ktap_check "fill: $ENTRIES puts in flight -> \"$OUT\" $ERR [$((SECONDS - t0))s]" $st

t0=$SECONDS
kv scan --limit $((ENTRIES + 1000)) "$key/f/" "$key/f0"
n=$(grep -c . <<< "$OUT")
first=$(head -n 1 <<< "$OUT")
last=$(tail -n 1 <<< "$OUT")
[ $RC -eq 0 ] && [ "$n" -eq "$ENTRIES" ] &&
	[ "$first" = "$key/f/00000000	value 0" ] &&
	[ "$last" = "$(printf '%s/f/%08u\tvalue %u' "$key" $((ENTRIES - 1)) \
		$((ENTRIES - 1)))" ] && [ -z "$ERR" ]
st=$?
ktap_check "scan of $ENTRIES entries in one response: $n lines, last \"$last\" [$((SECONDS - t0))s]" $st

kv scan --limit 100 --keys-only "$key/f/"
n=$(grep -c . <<< "$OUT")
[ $RC -eq 0 ] && [ "$n" -eq 100 ] && [ "$ERR" = "more: $key/f/00000100" ]
st=$?
ktap_check "scan --limit 100: $n keys, then \"$ERR\"" $st

# Everything every method can do, checked by the client itself.
t0=$SECONDS
kv check --entries "$ENTRIES"
ktap_note "$OUT"
[ -n "$ERR" ] && ktap_note "$ERR"
[ $RC -eq 0 ] && grep -q "^kv_client: check: [0-9]* passed, 0 failed$" <<< "$OUT"
st=$?
ktap_check "kv_client check --entries $ENTRIES: $(tail -n 1 <<< "$OUT") [$((SECONDS - t0))s]" $st
for c in "${CHECKS[@]}"; do
	line=$(grep -m 1 -F -- "$c" <<< "$OUT")
	name=${line#* - }
	[ -n "$line" ] || name="$c: not reported"
	[[ $line == "ok "* ]]
	st=$?
	ktap_check "check: $name" $st
done

peer_kill "$SERVER"
peer_wait "$SERVER" 10
rc=$?
log=$(peer_log "$SERVER")
SERVER=
stats=$(grep '^kv_server: [0-9]* requests' <<< "$log")
ktap_note "$stats"
[ $rc -eq 0 ] && [[ $stats == *" 0 replies failed,"* ]]
st=$?
ktap_check "kv_server stopped by SIGTERM: status $rc, no reply refused" $st

# No endpoint serves the service any more: UNIMPLEMENTED, naming the
# method id (the peer's module answers so itself).
id=$(fnv1a rdmarpc.examples.kv.Kv/Get)
kv get "$key/n"
[ $RC -eq 3 ] && [[ $ERR == *"UNIMPLEMENTED (12)"* ]] && mentions_id "$ERR" "$id"
st=$?
ktap_check "with the server gone, get ($id): exit $RC, \"$ERR\"" $st
ktap_finish
