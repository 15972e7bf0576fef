#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rdmarpc's error paths under injected allocation failures (the kernel's
# failslab and fail_page_alloc, CONFIG_FAULT_INJECTION_DEBUG_FS), armed
# only for the task doing the operation (task-filter and
# /proc/self/make-it-fail, set by fault_probe around the one system call,
# or inherited by `rdma link`); where the kernel has
# CONFIG_FAULT_INJECTION_STACKTRACE_FILTER, only allocations with
# rdmarpc's code on the stack fail (require-start/-end: the module's
# range).  Over: module load (finit_module, many times, with the failure
# at a different point each time), `rdma link add/delete`, open, CONNECT,
# BIND, calls (CALL, SUBMIT), serving (RECV, REPLY) and the netlink
# commands.  Every failure must be a clean error (ENOMEM or an errno the
# operation documents), a failed load must leave nothing loaded, no splat
# may reach the kernel log, kmemleak must find nothing, and afterwards the
# module must serve echo calls, unload and load again.
#
# Only the debug kernel (selftests/debug-kernel.sh) has fault injection;
# on any other this test FAILS, saying so: the Makefile lists it only for
# the debug lane (DEBUG_ONLY_PROGS, with RDMARPC_DEBUG_LANE=1).
# RDMARPC_FAULT_ROUNDS (default 30) sets the number of attempts per step,
# RDMARPC_FAULT_SEED the seed of the failure points (printed).

set -uo pipefail
# shellcheck source=selftests/rpc_common.sh
. "$(dirname "$0")/rpc_common.sh"

ROUNDS=${RDMARPC_FAULT_ROUNDS:-30}
SEED=${RDMARPC_FAULT_SEED:-$(( $(date +%s) % 32768 ))}
PROBE=$TOP/selftests/fault_probe
MODKO=${RDMARPC_KO:-$KO}
DBG=/sys/kernel/debug
SVC=fault.echo
RANDOM=$SEED

ktap_plan 9
ktap_require_rdma

[ -d "$DBG/failslab" ] || mount -t debugfs none "$DBG" 2> /dev/null
if [ ! -d "$DBG/failslab" ] || [ ! -d "$DBG/fail_page_alloc" ]; then
	why="kernel $(uname -r) has no CONFIG_FAILSLAB/CONFIG_FAIL_PAGE_ALLOC with CONFIG_FAULT_INJECTION_DEBUG_FS"
	ktap_note "$why: run this test on the debug kernel (selftests/debug-kernel.sh; vm.sh --kernel debug)"
	while [ "$KTAP_NR" -lt "$KTAP_PLAN" ]; do
		ktap_fail "fault injection available" "$why"
	done
	ktap_finish
fi
ktap_ok "fault injection available (seed $SEED, $ROUNDS rounds; stacktrace filter: $([ -e "$DBG/failslab/require-start" ] && echo yes || echo no))"

# fi_set KIND KNOB VALUE
fi_set() {
	echo "$3" > "$DBG/$1/$2"
}

# fi_off: nothing fails any more.
fi_off() {
	local k
	for k in failslab fail_page_alloc; do
		fi_set $k probability 0 2> /dev/null
		fi_set $k times 0 2> /dev/null
	done
}

# fi_arm KIND [any]: failures for make-it-fail tasks only, with GFP_KERNEL
# allocations included; either exactly one failure after a random amount
# of allocated space, or a few at 20 %.  Where the stacktrace filter
# exists, only with rdmarpc on the stack (unless "any": for insmod, whose
# address is not known yet).
fi_arm() {
	local k=$1 start=0 end=18446744073709551615 base size
	fi_off
	fi_set "$k" task-filter Y
	fi_set "$k" ignore-gfp-wait N
	fi_set "$k" verbose 1
	if [ "$k" = fail_page_alloc ]; then
		fi_set "$k" ignore-gfp-highmem Y
		fi_set "$k" min-order 0
	fi
	if [ $((RANDOM % 2)) = 0 ]; then
		fi_set "$k" space $((RANDOM * 4))
		fi_set "$k" interval 1
		fi_set "$k" probability 100
		fi_set "$k" times 1
		ARMED="$k: once after $(cat "$DBG/$k/space") bytes"
	else
		fi_set "$k" space 0
		fi_set "$k" interval 1
		fi_set "$k" probability 20
		fi_set "$k" times 5
		ARMED="$k: 20% up to 5 times"
	fi
	if [ -e "$DBG/$k/require-start" ]; then
		if [ "${2:-}" != any ] &&
			read -r _ size _ _ _ base _ < <(grep '^rdmarpc ' /proc/modules); then
			# Kernel addresses: unsigned (bash's are signed).
			start=$(printf '%u' "$((base))")
			end=$(printf '%u' "$((base + size))")
		fi
		fi_set "$k" require-start "$start"
		fi_set "$k" require-end "$end"
		fi_set "$k" stacktrace-depth 32
	fi
}

MARK=fault_alloc.$$
log_mark "$MARK"
# splat_free: nothing in the kernel log since the mark that the harness
# would fail the run for.
SPLAT_RE='(^|[^[:alnum:]_])(BUG:|kernel BUG at|WARNING:|Oops|general protection fault|INFO: task .* blocked|refcount_t:|KASAN:|KFENCE:|UBSAN:|ODEBUG:|list_(add|del) corruption|unreferenced object)'
splat_free() {
	! log_since "$MARK" | grep -Eq "$SPLAT_RE"
}

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	fi_off
	stop_server
	ensure_rxe
	ensure_module
}
trap cleanup EXIT

# probe_rounds NAME KIND N PROBE-ARGS...: fault_probe N times, armed;
# ok if none saw an errno outside its step's set (exit 3) and the kernel
# log stays clean.  The errnos seen are summed up.
probe_rounds() {
	local name=$1 k=$2 n=$3 i out rc bad=0 all=
	shift 3
	for ((i = 0; i < n; i++)); do
		fi_arm "$k"
		out=$(timeout 120 "$PROBE" "$@" 2>&1)
		rc=$?
		fi_off
		all+=$out$'\n'
		if [ $rc -ne 0 ]; then
			bad=$((bad + 1))
			ktap_note "round $i ($ARMED): exit $rc: $out"
		fi
	done
	ktap_note "$name: $(grep -o '^[A-Za-z_ ]*: [A-Z]*[a-z]*' <<< "$all" | sort | uniq -c | sort -rn | tr '\n' ',' | tr -s ' ')"
	[ $bad -eq 0 ] && splat_free
	ktap_check "$name under $k, $n rounds: clean errors, clean log" $?
}

# -- module load -------------------------------------------------------
load_rounds() {
	local k=$1 n=$2 i out rc ok=0 failed=0 bad=0 errs=
	stop_server
	rmmod rdmarpc 2> /dev/null
	for ((i = 0; i < n; i++)); do
		if module_loaded; then
			bad=$((bad + 1))
			ktap_note "round $i: rdmarpc still loaded"
			rmmod rdmarpc
		fi
		fi_arm "$k" any
		out=$(timeout 120 "$PROBE" insmod "$MODKO" 2>&1)
		rc=$?
		fi_off
		errs+="${out#insmod: } "
		if [ $rc -ne 0 ]; then
			bad=$((bad + 1))
			ktap_note "round $i ($ARMED): $out"
		elif [ "$out" = "insmod: ok" ]; then
			ok=$((ok + 1))
			# Loaded: it must unload (its ports may be half set up).
			if ! timeout 60 rmmod rdmarpc; then
				bad=$((bad + 1))
				ktap_note "round $i ($ARMED): loaded, rmmod failed"
			fi
		else
			failed=$((failed + 1))
			if module_loaded; then
				bad=$((bad + 1))
				ktap_note "round $i ($ARMED): $out, yet rdmarpc is loaded"
			fi
		fi
	done
	ktap_note "insmod under $k: $ok loaded, $failed failed: $(tr ' ' '\n' <<< "$errs" | grep . | sort | uniq -c | tr '\n' ',' | tr -s ' ')"
	[ $bad -eq 0 ] && splat_free
	ktap_check "insmod under $k, $n rounds: ENOMEM or loaded, nothing left behind, clean log" $?
}

load_rounds failslab "$ROUNDS"
load_rounds fail_page_alloc $((ROUNDS / 2))

insmod "$MODKO" && wait_port_up "$DEV" 1 30
ktap_check "insmod without faults: port $DEV/1 up" $?

# -- device add/remove -------------------------------------------------
bad=0
for ((i = 0; i < ROUNDS / 3; i++)); do
	k=failslab
	[ $((i % 3)) = 2 ] && k=fail_page_alloc
	[ -e "/sys/class/infiniband/$DEV" ] &&
		timeout 60 rdma link delete "$DEV"
	fi_arm "$k"
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 60 bash -c 'echo 1 > /proc/self/make-it-fail &&
		exec rdma link add "$1" type rxe netdev "$2"' _ "$DEV" "$NETDEV" > /dev/null 2>&1
	add=$?
	if [ -e "/sys/class/infiniband/$DEV" ]; then
		# shellcheck disable=SC2016 # expanded by the inner bash
		timeout 60 bash -c 'echo 1 > /proc/self/make-it-fail &&
			exec rdma link delete "$1"' _ "$DEV" > /dev/null 2>&1
	fi
	del=$?
	fi_off
	# Whatever happened, a clean delete and add bring the port back.
	[ -e "/sys/class/infiniband/$DEV" ] && timeout 60 rdma link delete "$DEV"
	if ! { timeout 60 rdma link add "$DEV" type rxe netdev "$NETDEV" &&
		wait_port_up "$DEV" 1 30; }; then
		bad=$((bad + 1))
		ktap_note "round $i ($ARMED, add $add, delete $del): the port did not come back"
	fi
done
[ $bad -eq 0 ] && splat_free
st=$?
ktap_check "rdma link add/delete under faults, $((ROUNDS / 3)) rounds: the port comes back, clean log" $st

# -- endpoints ---------------------------------------------------------
start_server "serving '$SVC'" "set -o pipefail; $ECHO_SERVER --service $SVC |
	{ IFS= read -r l; echo \"\$l\"; exec cat > /dev/null; }" ||
	ktap_note "echo_server did not start"
SELF=${RDMARPC_LOCAL_IP:-$PEER}

bad=0
for k in failslab fail_page_alloc; do
	for op in open "connect $PEER" "connect $PEER:1" bind; do
		for ((i = 0; i < ROUNDS / 4; i++)); do
			fi_arm "$k"
			# shellcheck disable=SC2086 # op and its arguments
			out=$(timeout 120 "$PROBE" $op 2>&1) || {
				bad=$((bad + 1))
				ktap_note "$op ($ARMED): $out"
			}
			fi_off
		done
	done
done
[ $bad -eq 0 ] && splat_free
ktap_check "open, CONNECT (live, closed port), BIND under faults: clean errors" $?

bad=0
for ((i = 0; i < ROUNDS; i++)); do
	k=failslab
	[ $((i % 3)) = 2 ] && k=fail_page_alloc
	size=$(( (RANDOM % 4) * 3000 + RANDOM % 100 ))
	fi_arm "$k"
	out=$(timeout 180 "$PROBE" call "$PEER" "$SVC" "$size" 2>&1) || {
		bad=$((bad + 1))
		ktap_note "call $size ($ARMED): $out"
	}
	fi_off
	fi_arm "$k"
	out=$(timeout 180 "$PROBE" serve "$SELF" 2>&1) || {
		bad=$((bad + 1))
		ktap_note "serve ($ARMED): $out"
	}
	fi_off
done
[ $bad -eq 0 ] && splat_free
ktap_check "CALL, SUBMIT, RECV, REPLY under faults: clean errors, every call completes, replies intact" $?

probe_rounds "netlink commands" failslab "$ROUNDS" netlink "$PEER"

# -- afterwards --------------------------------------------------------
fi_off
leak=0
kmemleak_check "the fault-injection rounds" | sed 's/^/# /' || leak=1
stop_server
start_server "serving '$SVC'" "set -o pipefail; $ECHO_SERVER --service $SVC |
	{ IFS= read -r l; echo \"\$l\"; exec cat > /dev/null; }" &&
	out=$(timeout 60 "$PROBE" call "$PEER" "$SVC" 5000 2>&1) &&
	! grep -qv ': ok$\|8 of 8' <<< "$out"
works=$?
stop_server
timeout 60 rmmod rdmarpc && insmod "$MODKO" && wait_port_up "$DEV" 1 30
reload=$?
[ $leak -eq 0 ] && [ $works -eq 0 ] && [ $reload -eq 0 ] && splat_free
ktap_check "afterwards: echo calls work ($works), no leak ($leak), rmmod and insmod ($reload), clean log" $?
ktap_finish
