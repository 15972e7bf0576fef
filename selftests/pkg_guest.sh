#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages in a guest: run by scripts/pkg-check.sh through
# `selftests/vm.sh run`, with the packages installed on the host (the
# guest's root is the host's).  Not in TEST_PROGS: it needs them installed.
#
# Usage: selftests/pkg_guest.sh BINDIR VERSION
#   BINDIR   echo_server, echo_client, kv_server and kv_client, built on
#            the host against the installed libraries (pkg-config)
#   VERSION  the packages' version
#
#  - the tree's module, which the harness loaded, unloaded; `modprobe
#    rdmarpc` loads DKMS's: modinfo names a file under
#    /lib/modules/$(uname -r)/updates/, the loaded module's srcversion is
#    that file's, modinfo and /sys/module/rdmarpc/version say VERSION; it
#    sets up rxe0's port;
#  - /dev/rdmarpc is 0660; its group comes from the installed udev rule,
#    and udev does not run in these guests (guest.sh is PID 1, /dev a bare
#    devtmpfs): the rule is applied once with `udevadm test`, which sets
#    the node's owner and mode as udevd would; with udevd running, its own
#    work is checked instead;
#  - the installed rdmarpcctl: -V says VERSION, `dev` lists rxe0;
#  - BINDIR's programs load the installed librdmarpc (ldd, without the
#    harness's LD_LIBRARY_PATH into the tree): echo_client's message comes
#    back from echo_server (it exits 0 only then); kv_client puts, gets,
#    deletes, fills and scans against kv_server, and a missing key is
#    NOT_FOUND; kv_server stops on SIGTERM with status 0;
#  - the installed rdmarpc-bench, server and client (--verify), for a second.
# DKMS's module stays loaded: the harness unloads it.

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

BIN=${1:?usage: pkg_guest.sh BINDIR VERSION}
VER=${2:?usage: pkg_guest.sh BINDIR VERSION}
# The installed programs, not the tree's.
CTL=/usr/sbin/rdmarpcctl
BENCH=/usr/bin/rdmarpc-bench
# The harness points LD_LIBRARY_PATH into the tree: not here.
unset LD_LIBRARY_PATH
NOLD="env -u LD_LIBRARY_PATH"
MA=$(gcc -print-multiarch 2> /dev/null || echo x86_64-linux-gnu)

ktap_plan 20
ktap_require_rdma
ktap_note "kernel $(uname -r); packages $VER; programs in $BIN"

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	stop_server
}
trap cleanup EXIT

# step TEXT: what comes next, in the log.
step() {
	ktap_note "== $*"
}

# ---- the module ----

step "the tree's module, loaded by the harness, away"
out=$(rmmod_rdmarpc 60 2>&1)
rc=$?
[ $rc -eq 0 ] && [ ! -e /sys/module/rdmarpc ]
st=$?
ktap_check "rmmod rdmarpc (the tree's $KO) $out" $st

step "modprobe rdmarpc: DKMS's module"
out=$(modprobe rdmarpc 2>&1)
rc=$?
[ $rc -eq 0 ] && [ -e /sys/module/rdmarpc ]
st=$?
ktap_check "modprobe rdmarpc (status $rc) $out" $st

file=$(modinfo -n rdmarpc 2>&1)
fsrc=$(modinfo -F srcversion "$file" 2> /dev/null)
lsrc=$(cat /sys/module/rdmarpc/srcversion 2> /dev/null)
ktap_note "modinfo -n rdmarpc: $file; $(dkms status rdmarpc 2>&1 | tr '\n' ' ')"
[[ $file == /lib/modules/$(uname -r)/updates/* ]] && [ -n "$lsrc" ] &&
	[ "$fsrc" = "$lsrc" ]
st=$?
ktap_check "the loaded module is DKMS's $file: srcversion $lsrc, the file's $fsrc" $st

mver=$(modinfo -F version rdmarpc 2>&1)
sver=$(cat /sys/module/rdmarpc/version 2>&1)
[ "$mver" = "$VER" ] && [ "$sver" = "$VER" ]
st=$?
ktap_check "version $VER: modinfo says $mver, /sys/module/rdmarpc/version $sver" $st

wait_port_up "$DEV" 1 20
st=$?
ktap_check "DKMS's module set up $DEV port 1" $st

# ---- /dev/rdmarpc and the udev rule ----

step "/dev/rdmarpc: the module's mode, the udev rule's group"
node=$(stat -c '%U:%G %a' /dev/rdmarpc 2>&1)
[[ $node == *" 660" ]]
st=$?
ktap_check "/dev/rdmarpc: $node (mode 0660 is the module's own)" $st

rule=
for f in /lib/udev/rules.d/60-rdmarpc.rules /usr/lib/udev/rules.d/60-rdmarpc.rules; do
	[ -e "$f" ] && rule=$f && break
done
if udevadm control --ping > /dev/null 2>&1; then
	udevadm trigger --action=add --subsystem-match=misc --sysname-match=rdmarpc
	udevadm settle -t 30
	how="udevd"
else
	ktap_note "udev does not run in this guest (PID 1 is selftests/lib/guest.sh," \
		"/dev a devtmpfs): the installed rule ${rule:-(none)} is applied once" \
		"with 'udevadm test', which sets the node's owner and mode as udevd would"
	out=$(udevadm test --action=add /sys/class/misc/rdmarpc 2>&1)
	ktap_note "$(grep -E 'rdmarpc.rules|GROUP|permissions' <<< "$out")"
	how="udevadm test"
fi
node=$(stat -c '%U:%G %a' /dev/rdmarpc 2>&1)
[ -n "$rule" ] && [ "$node" = "root:rdmarpc 660" ]
st=$?
ktap_check "the installed udev rule ($how): /dev/rdmarpc $node, group from ${rule:-no rule}" $st

# ---- the installed rdmarpcctl ----

step "the installed rdmarpcctl"
out=$("$CTL" -V 2>&1)
[ "$out" = "rdmarpcctl $VER" ]
st=$?
ktap_check "$CTL -V: $out" $st

out=$("$CTL" dev 2>&1)
rc=$?
[ $rc -eq 0 ] && grep -q "^$DEV port 1:" <<< "$out"
st=$?
ktap_check "$CTL dev (status $rc): $(head -n 1 <<< "$out")" $st

# ---- the programs built against the packages ----

step "$BIN: built against the installed libraries"
bad=
for p in echo_server echo_client kv_server kv_client; do
	l=$(ldd "$BIN/$p" 2>&1)
	ktap_note "$p: $(awk '$1 ~ /^librdmarpc/ { printf "%s => %s; ", $1, $3 }' <<< "$l")"
	for so in librdmarpc.so.0 $([[ $p == kv_* ]] && echo librdmarpc-protobuf.so.0); do
		# /lib is /usr/lib on a merged /usr.
		f=$(awk -v l="$so" '$1 == l { print $3 }' <<< "$l")
		[ -n "$f" ] && [ "$(readlink -f "$f")" = "$(readlink -f "/usr/lib/$MA/$so")" ] ||
			bad+=" $p: $so"
	done
done
[ -z "$bad" ]
st=$?
ktap_check "echo and kv programs load /usr/lib/$MA/librdmarpc*.so.0${bad:+; not:$bad}" $st

step "echo_server and echo_client"
start_server "serving 'echo'" "$NOLD $BIN/echo_server"
ktap_check "echo_server ($BIN) serving" $?
msg="hello from the packages $$"
out=$(timeout -k 5 120 "$BIN/echo_client" --peer "$PEER" --timeout 20000 "$msg" 2>&1)
rc=$?
[ $rc -eq 0 ] && [ "$out" = "$msg" ]
st=$?
ktap_check "echo_client \"$msg\" -> \"$out\" (status $rc)" $st
stop_server

step "kv_server and kv_client"
# kv (rpc_common.sh): BIN's kv_client.
KV_CLIENT=$BIN/kv_client RUN_S=300 CALL_MS=20000
start_server "kv_server: serving" "$NOLD $BIN/kv_server"
ktap_check "kv_server ($BIN) serving" $?

key=pkg-$$
kv put "$key" "hello rdma"
put="$OUT" put_rc=$RC
kv get "$key"
[ $put_rc -eq 0 ] && [ "$put" = "version 1 (created)" ] && [ $RC -eq 0 ] &&
	[ "$OUT" = "hello rdma" ]
st=$?
ktap_check "kv put $key -> \"$put\" (status $put_rc); get -> \"$OUT\" (status $RC) $ERR" $st

kv get "$key/missing"
[ $RC -eq 3 ] && [[ $ERR == *"NOT_FOUND (5)"* ]]
st=$?
ktap_check "kv get of a missing key: status $RC, \"$ERR\"" $st

kv delete "$key"
[ $RC -eq 0 ] && [ "$OUT" = "hello rdma" ]
st=$?
ktap_check "kv delete $key -> \"$OUT\" (status $RC) $ERR" $st

kv fill "$key/f/" 200
out1=$OUT
kv scan --limit 1000 --keys-only "$key/f/" "$key/f0"
n=$(grep -c . <<< "$OUT")
[ "$out1" = "fill: 200 of 200 put" ] && [ $RC -eq 0 ] && [ "$n" -eq 200 ]
st=$?
ktap_check "kv fill: \"$out1\"; scan: $n keys (status $RC) $ERR" $st

peer_kill "$SERVER"
peer_wait "$SERVER" 10
rc=$?
ktap_note "$(peer_log "$SERVER" | grep '^kv_server: [0-9]* requests')"
SERVER=
[ $rc -eq 0 ]
st=$?
ktap_check "kv_server stopped by SIGTERM: status $rc" $st

step "the installed rdmarpc-bench"
start_server "serving 'echo'" "$NOLD $BENCH server --service echo"
ktap_check "$BENCH server serving" $?
out=$(timeout -k 5 120 "$BENCH" client --peer "$PEER" --service echo --verify \
	--json --duration 1 --warmup 0.2 --timeout 30000 2>&1)
rc=$?
j=$(grep '^{' <<< "$out" | tail -n 1)
calls=$(jq -r '.calls // 0' <<< "$j" 2> /dev/null)
errs=$(jq -r '.errors // 1' <<< "$j" 2> /dev/null)
mism=$(jq -r '.mismatched // 1' <<< "$j" 2> /dev/null)
[ $rc -eq 0 ] && [ "${calls:-0}" -gt 0 ] && [ "$errs" = 0 ] && [ "$mism" = 0 ]
st=$?
ktap_check "$BENCH client --verify --duration 1: ${calls:-0} calls, $errs errors, $mism mismatched (status $rc)" $st
[ $st -eq 0 ] || ktap_note "$out"
stop_server

ktap_finish
