#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rdmarpc next to its baselines, side by side in one guest run: raw
# userspace UD verbs (perftest), RDS over rds_rdma, TCP (sockperf) and
# rdmarpc itself (rdmarpc-bench).  Under emulation only ratios within one
# run mean anything; this script prints both, and the targets (stated in
# tools/bench/RESULTS.md) next to the ratios.
#
# usage (inside a guest):
#   selftests/vm.sh run tools/bench/compare.sh [--quick] [--json FILE]
#   selftests/vm.sh run --two-hosts tools/bench/compare.sh [--quick]
#
#   --quick      a short run (about 30 s of measurements; the demo uses it)
#   --only LIST  measure only these, comma-separated: lat,bw,rds,tcp,rdmarpc
#   --json FILE  where the JSON report goes (default:
#                $RDMARPC_RESULTS/compare.json, else /tmp/rdmarpc-compare.json)
#
# One host ($RDMARPC_MODE=one): every server runs on this guest, bound to
# $RDMARPC_LOCAL_IP on rxe0/veth0.  Two hosts: servers run on the peer guest
# (selftests/lib/remote.sh) and clients here, across the two rxe devices.
# Prints a markdown table (metric, baseline, rdmarpc, ratio, target, met?),
# the counters of rdmarpc's sessions after its runs (both guests), then
# every command line it ran.  rdmarpc's round trip is measured twice
# and each is set against its like: with sleeping waits (the default)
# against ib_send_lat -e (CQ events: the raw side sleeps too), and with
# --busy-poll on client and server against polling ib_send_lat.  Rates and
# bandwidth use the batch server (RECV_BATCH / REPLY_BATCH, the bench
# server's default) against ib_send_bw.  $RDMARPC_BUSY_POLL_US sets the
# busy-poll budget (default 1000 us).  Without /dev/rdmarpc the rdmarpc column
# reads "not available in this build" and the baselines are still measured.
# The io_uring tier (rdmarpc-bench --uring: each call an
# IORING_OP_URING_CMD, its end a CQE) is measured beside the ioctl tiers:
# its round trip (concurrency 1) and its rate at concurrency 16 and 64.
# With --busy-poll the client's calls go through shared rings (the
# library's choice where the module has them); the busy-polled round trip
# is measured through them, through them with a ring thread of the module
# (--ring-thread) and through ioctls (--no-rings), and the rings' rate at
# concurrency 64.
# rdmarpc's 32-byte call rate is swept over concurrency (1 to 256 in
# powers of two; --quick: 1, 4, 16, 64, 256), with each point's p50/p99.
#
# Besides the medians, the JSON report holds the round-trip
# distributions and the sweep, for tools/bench/plot.sh:
#   "cdf": {SERIES: [[us, fraction], ...] or null, ...}: round trips at
#     fractions 0 (the fastest), 0.01 to 0.99, 0.999 and 1 (the slowest);
#     with several rounds each point is the median of the rounds' values
#     at that fraction.  SERIES: rdmarpc_sleep, rdmarpc_busy,
#     rdmarpc_uring (rdmarpc's tiers: rdmarpc-bench --cdf, the last with
#     --uring), ud_event, ud_poll (2 x
#     ib_send_lat -H's one-way times), rds (rds_pingpong --cdf), tcp
#     (sockperf --full-log); null when not measured.
#   "cdf_labels": {SERIES: text}: what each series is, for a legend.
#   "sweep": [{"concurrency", "calls_per_sec", "p50_us", "p99_us"}, ...]:
#     medians over the rounds (null where a run failed); empty without
#     rdmarpc.
# Exit status: 0 when every baseline (and rdmarpc, when present) was
# measured, 1 when a measurement failed, 2 usage.  A missed target is a
# result, not a failure.
set -uo pipefail

quick=0
json_out=
ONLY_ALL=lat,bw,rds,tcp,rdmarpc
only=$ONLY_ALL
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1 ;;
	--json) json_out=${2:?--json needs a file}; shift ;;
	--only) only=${2:?--only needs a list}; shift ;;
	-h|--help) sed -n '4,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "compare.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done

TOP=${RDMARPC_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
MODE=${RDMARPC_MODE:-one}
# Two hosts: how the guests are joined (selftests/vm.sh, RDMARPC_VM_NET).
WIRE=${RDMARPC_WIRE:-}
IBDEV=${RDMARPC_IBDEV:-rxe0}
LOCAL_IP=${RDMARPC_LOCAL_IP:?not in a test guest: RDMARPC_LOCAL_IP unset}
SERVER_IP=${RDMARPC_PEER_IP:-$LOCAL_IP}
GIDX=1
BENCH=$TOP/tools/bench/rdmarpc-bench
CTL=$TOP/tools/rdmarpcctl/rdmarpcctl
BUSY_US=${RDMARPC_BUSY_POLL_US:-1000}
RDSPP=$TOP/tools/bench/rds_pingpong
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rdmarpc-compare.XXXXXX")
[ -n "$json_out" ] ||
	json_out=${RDMARPC_RESULTS:+$RDMARPC_RESULTS/compare.json}
[ -n "$json_out" ] || json_out=/tmp/rdmarpc-compare.json

# shellcheck source=/dev/null
. "$TOP/selftests/lib/remote.sh"

if [ "$quick" = 1 ]; then
	ROUNDS=1
	LAT_N=300 LAT_EV_N=1000 BW_N=20000 RDS_N=500 TCP_S=3 RPC_S=2 NOP_N=100000
else
	ROUNDS=3
	LAT_N=1000 LAT_EV_N=2000 BW_N=30000 RDS_N=2000 TCP_S=5 RPC_S=5 NOP_N=1000000
fi
RUN_TMO=$((quick ? 60 : 240))	# bound on any one client run, seconds
# The rate sweep's concurrencies; 16 and 64 are also the table's rate row.
if [ "$quick" = 1 ]; then
	SWEEP=(1 4 16 64 256)
else
	SWEEP=(1 2 4 8 16 32 64 128 256)
fi

failed=0
declare -A R		# results, key -> number or text
declare -a CMDS		# every command line run, in order
port=20000

log() { echo "# [${SECONDS}s] $*" >&2; }

want() { [[ ,$only, == *,$1,* ]]; }

next_port() { port=$((port + 1)); }

# record WHERE CMD...: remember a command line as it was run.
record() {
	local where=$1
	shift
	CMDS+=("[$where] $*")
	log "$where: $*"
}

# srv_start CMD...: start a server on the server side ("peer": this guest
# in one-host mode), leave its handle in $srv.  A server's timeout runs
# with --foreground: otherwise it leaves the process group that peer_kill
# signals, and a stopped server lingers until its time runs out.
srv_start() {
	record server "$@"
	srv=$(peer_spawn "$@") || { srv=; return 1; }
}

srv_stop() {
	[ -n "${srv:-}" ] || return 0
	peer_kill "$srv" > /dev/null 2>&1
	log "server stopped"
	srv=
}

# cli OUT CMD...: run a client here, bounded in time, output to OUT.
cli() {
	local out=$1
	shift
	record client "timeout $RUN_TMO $*"
	timeout -k 5 "$RUN_TMO" "$@" > "$out" 2>&1
	local rc=$?
	log "client exit status $rc"
	return $rc
}

# ---------------------------------------------------------------- CDFs

# Round-trip distributions, one series per kind of round trip, in the
# order of a plot's legend.  Another rdmarpc tier adds its name and label
# here and leaves its file as the others do.  Each measurement leaves
# $WORK/cdf/SERIES@ROUND, "us fraction" lines at the fractions of
# rdmarpc-bench --cdf (tools/bench/hist.h: 0, 0.01 .. 0.99, 0.999, 1).
CDF_SERIES=(rdmarpc_sleep rdmarpc_busy rdmarpc_uring ud_event ud_poll rds tcp)
declare -A CDF_LABEL=(
	[rdmarpc_sleep]="rdmarpc, sleeping waits"
	[rdmarpc_busy]="rdmarpc, busy poll $BUSY_US us, shared rings"
	[rdmarpc_uring]="rdmarpc, io_uring (sleeping in io_uring_wait_cqe)"
	[ud_event]="raw UD verbs, CQ events (2 x ib_send_lat -e)"
	[ud_poll]="raw UD verbs, polling (2 x ib_send_lat)"
	[rds]="RDS ping-pong (rds_rdma)"
	[tcp]="TCP (sockperf ping-pong)"
)
CDF=$WORK/cdf
mkdir -p "$CDF"

# An awk function: cdf(v, n) prints the CDF of the n sorted values
# v[1..n], nearest rank (as rds_pingpong's percentiles).
CDF_AWK='
function cdf(v, n,    i, f, r) {
	for (i = 0; i <= 101; i++) {
		f = i < 100 ? i / 100 : (i == 100 ? 0.999 : 1)
		r = int(f * n + 0.999999)
		if (r < 1) r = 1
		if (r > n) r = n
		printf "%.3f %.3f\n", v[r], f
	}
}'

# perftest_cdf OUT: the round trips of an ib_send_lat -H run: it prints
# its one-way times sorted ("N, usec" lines after "#, usec"; the two
# largest left out, as in its own summary), each half a round trip.
perftest_cdf() {
	awk "$CDF_AWK"'
		/^#, usec/ { on = 1; next }
		on && /^[0-9]+, / { v[++n] = 2 * $2; next }
		on { on = 0 }
		END { if (n) cdf(v, n) }' "$1"
}

# sockperf_cdf LOG: the round trips of sockperf --full-rtt --full-log
# LOG ("packet, txTime, rxTime, rtt(usec)" rows: the observations its
# percentiles are taken from).
sockperf_cdf() {
	awk -F', *' 'NF == 4 && $1 ~ /^[0-9]+$/ { print $4 }' "$1" | sort -g |
		awk "$CDF_AWK"'{ v[++n] = $1 } END { if (n) cdf(v, n) }'
}

# json_cdf JSON: the "cdf" array of rdmarpc-bench or rds_pingpong --cdf
# --json, as "us fraction" lines.
json_cdf() {
	awk '{
		if (!match($0, /"cdf":\[\[[^]"]*\](,\[[^]"]*\])*\]/)) exit
		n = split(substr($0, RSTART + 8, RLENGTH - 10), p, /\],\[/)
		for (i = 1; i <= n; i++) {
			split(p[i], a, ",")
			print a[1], a[2]
		}
	}' <<< "$1"
}

# cdf_json SERIES: the medians over the rounds of SERIES's value at each
# fraction, as a JSON array of [us,fraction] pairs; "null" without data.
cdf_json() {
	local f=("$CDF/$1"@*)
	[ -e "${f[0]}" ] || { echo null; return; }
	awk '
		NF == 2 {
			if (!($2 in c)) order[++nf] = $2
			v[$2, ++c[$2]] = $1
		}
		END {
			if (!nf) { print "null"; exit }
			s = "["
			for (i = 1; i <= nf; i++) {
				k = order[i]
				n = c[k]
				for (j = 1; j <= n; j++) w[j] = v[k, j] + 0
				for (j = 2; j <= n; j++)
					for (l = j; l > 1 && w[l - 1] > w[l]; l--) {
						t = w[l]; w[l] = w[l - 1]; w[l - 1] = t
					}
				m = (n % 2) ? w[(n + 1) / 2] : (w[n / 2] + w[n / 2 + 1]) / 2
				s = s (i > 1 ? "," : "") sprintf("[%.3f,%s]", m, k)
			}
			print s "]"
		}' "${f[@]}"
}

# ---------------------------------------------------------------- perftest

# perftest TOOL OUT ARGS...: TOOL's server on the server side, its client
# here; client output in OUT.  A failed run is retried (twice) on a new
# port: a server may be slow to listen under emulation, and perftest gives
# up on its clock calibration ("r^2 < 0.9") when the host is busy.
perftest() {
	local tool=$1 out=$2 try
	shift 2
	for try in 1 2 3; do
		next_port
		srv_start timeout --foreground "$RUN_TMO" "$tool" -d "$IBDEV" -x "$GIDX" \
			-p "$port" "$@" || continue
		if peer_wait_port "$port" 30 > /dev/null 2>&1 &&
		   cli "$out" "$tool" -d "$IBDEV" -x "$GIDX" -p "$port" "$@" \
			"$SERVER_IP"; then
			srv_stop
			return 0
		fi
		log "$tool $* failed (try $try):"
		sed 's/^/#   /' "$out" >&2
		srv_stop
		sleep 1
	done
	return 1
}

# The result line of a perftest table: the line after the "#bytes" header.
# lat: bytes iters t_min t_max t_typical t_avg t_stdev p99 p99.9 (usec,
# one way); bw: bytes iters bw_peak bw_avg msg_rate (MiB/s, Mpps).
perftest_row() {
	awk -v want="$2" '
		/^ *#bytes/ { hdr = 1; ok = index($0, want) > 0; next }
		hdr && ok && $1 ~ /^[0-9]+$/ { print; exit }
	' "$1"
}

# measure_lat KEY SERIES EXTRA-ARGS...: one-way figures as KEY.*, the
# round trips' CDF as SERIES (-H: every sample printed).
measure_lat() {
	local key=$1 series=$2 row f
	shift 2
	if perftest ib_send_lat "$WORK/$key" -c UD -s 32 -H "$@"; then
		row=$(perftest_row "$WORK/$key" t_typical)
		if [ -n "$row" ]; then
			read -ra f <<< "$row"
			R[$key.typical_us]=${f[4]} R[$key.avg_us]=${f[5]}
			R[$key.p99_us]=${f[7]}
			perftest_cdf "$WORK/$key" > "$CDF/$series@$round"
			return 0
		fi
		log "ib_send_lat: no result row in its output"
	fi
	return 1
}

measure_bw() {		# KEY SIZE EXTRA-ARGS...
	local key=$1 size=$2 row f
	shift 2
	if perftest ib_send_bw "$WORK/$key" -c UD -s "$size" "$@"; then
		row=$(perftest_row "$WORK/$key" MsgRate)
		if [ -n "$row" ]; then
			read -ra f <<< "$row"
			# Messages/s, and 10^6 bytes/s from the message rate
			# (perftest's MB are MiB; rdmarpc-bench's are 10^6).
			R[$key.msg_per_sec]=$(awk -v m="${f[4]}" 'BEGIN { printf "%.0f", m * 1e6 }')
			R[$key.mb_per_sec]=$(awk -v m="${f[4]}" -v s="$size" 'BEGIN { printf "%.3f", m * s }')
			return 0
		fi
		log "ib_send_bw: no result row in its output"
	fi
	return 1
}

# ---------------------------------------------------------------- RDS

measure_rds() {
	local out=$WORK/rds rds_bind try
	if [ "$MODE" = two ]; then
		record server "modprobe -a rds rds_rdma"
		peer_run -t 60 "modprobe -a rds rds_rdma" > /dev/null 2>&1
	fi
	if ! modprobe -a rds rds_rdma 2> "$WORK/rds.modprobe"; then
		log "modprobe rds rds_rdma: $(cat "$WORK/rds.modprobe")"
		return 1
	fi
	record client "modprobe -a rds rds_rdma"
	# RDS/IB binds only an address of an RDMA device: veth1's address
	# fails with ENOPROTOOPT (measured), so one host binds both ends to
	# veth0's address; the transport reported below says what carried it.
	rds_bind=$LOCAL_IP
	for try in 1 2; do
		next_port
		srv_start timeout --foreground "$RUN_TMO" "$RDSPP" server --bind "$SERVER_IP" \
			--port "$port"
		# The client re-sends its first message until the server is up.
		if cli "$out" "$RDSPP" client --bind "$rds_bind" \
			--port $((port + 500)) --peer "$SERVER_IP" \
			--peer-port "$port" --size 32 --count "$RDS_N" \
			--warmup 50 --timeout 20000 --cdf --json; then
			srv_stop
			R[rds.json]=$(tail -n 1 "$out")
			json_cdf "${R[rds.json]}" > "$CDF/rds@$round"
			R[rds.p50_us]=$(json_get "${R[rds.json]}" p50_us)
			R[rds.p99_us]=$(json_get "${R[rds.json]}" p99_us)
			R[rds.mean_us]=$(json_get "${R[rds.json]}" mean_us)
			R[rds.transport]=$(json_get "${R[rds.json]}" transport)
			return 0
		fi
		log "rds_pingpong failed (try $try):"
		sed 's/^/#   /' "$out" >&2
		peer_log "$srv" | sed 's/^/#   server: /' >&2
		srv_stop
	done
	return 1
}

# json_get JSON KEY: a number or string value from one flat JSON object.
json_get() {
	sed -n 's/.*"'"$2"'":"\{0,1\}\([^",}]*\).*/\1/p' <<< "$1"
}

# ---------------------------------------------------------------- TCP

measure_tcp() {
	local out=$WORK/tcp try
	for try in 1 2; do
		next_port
		srv_start timeout --foreground $((RUN_TMO + TCP_S)) sockperf server --tcp \
			-i "$SERVER_IP" -p "$port"
		if peer_wait_port "$port" 30 > /dev/null 2>&1 &&
		   cli "$out" sockperf ping-pong --tcp -i "$SERVER_IP" \
			-p "$port" -m 32 -t "$TCP_S" --full-rtt --no-rdtsc \
			--full-log "$out.log" &&
		   grep -q 'percentile 50.000' "$out"; then
			srv_stop
			sockperf_cdf "$out.log" > "$CDF/tcp@$round"
			# Strip the colour escapes sockperf prints.
			sed -i 's/\x1b\[[0-9;]*m//g' "$out"
			R[tcp.p50_us]=$(awk '/percentile 50.000 =/ { print $NF }' "$out")
			R[tcp.p99_us]=$(awk '/percentile 99.000 =/ { print $NF }' "$out")
			R[tcp.avg_us]=$(sed -n 's/.*avg-rtt=\([0-9.]*\).*/\1/p;s/.*avg-latency=\([0-9.]*\).*/\1/p' "$out" | head -n 1)
			return 0
		fi
		log "sockperf failed (try $try):"
		sed 's/^/#   /' "$out" >&2
		srv_stop
		sleep 1
	done
	return 1
}

# ---------------------------------------------------------------- rdmarpc

rdmarpc_available() {
	[ -c /dev/rdmarpc ] && [ -x "$BENCH" ] || return 1
	[ "$MODE" = two ] || return 0
	peer_run -t 30 "[ -c /dev/rdmarpc ]" > /dev/null 2>&1
}

# measure_rpc KEY ARGS...: one rdmarpc-bench client run (JSON on its last
# line) against the server started by measure_rdmarpc.
measure_rpc() {
	local key=$1 out=$WORK/rpc-$1 try
	shift
	for try in 1 2; do
		measure_rpc_once "$key" "$out" "$@" && return 0
		log "rdmarpc-bench client $* failed (try $try):"
		sed 's/^/#   /' "$out" >&2
	done
	return 1
}

measure_rpc_once() {
	local key=$1 out=$2
	shift 2
	if cli "$out" "$BENCH" client --peer "$SERVER_IP" --json \
		--timeout 10000 "$@"; then
		R[$key.json]=$(grep '^{' "$out" | tail -n 1)
		R[$key.p50_us]=$(json_get "${R[$key.json]}" p50_us)
		R[$key.p99_us]=$(json_get "${R[$key.json]}" p99_us)
		R[$key.calls_per_sec]=$(json_get "${R[$key.json]}" calls_per_sec)
		R[$key.mb_per_sec]=$(json_get "${R[$key.json]}" mb_per_sec)
		R[$key.total_mb_per_sec]=$(json_get "${R[$key.json]}" total_mb_per_sec)
		R[$key.rings]=$(json_get "${R[$key.json]}" rings)
		[ -n "${R[$key.p50_us]}" ] && return 0
	fi
	return 1
}

# bench_server ARGS...: rdmarpc-bench server (batches of up to 64
# requests per system call each way: its default) on the server side.
bench_server() {
	local i
	srv_start "$BENCH" server "$@" || return 1
	# Clients connect through the module's handshake; wait until the
	# server has bound its service (it says so).
	for ((i = 0; i < 300; i++)); do
		peer_log "$srv" | grep -q serving && return 0
		sleep 0.1
	done
	return 1
}

measure_rdmarpc() {
	local bad=0 out=$WORK/nop n k
	# Sleeping waits (the default): latency, rate, bandwidth.
	if bench_server; then
		if measure_rpc rpc_lat --size 32 --concurrency 1 \
			--duration "$RPC_S" --cdf; then
			json_cdf "${R[rpc_lat.json]}" > "$CDF/rdmarpc_sleep@$round"
		else
			bad=1
		fi
		# The rate sweep; its first point is the run above.
		for n in "${SWEEP[@]}"; do
			if [ "$n" = 1 ]; then
				for k in json p50_us p99_us calls_per_sec; do
					R[rpc_c1.$k]=${R[rpc_lat.$k]:-}
				done
				continue
			fi
			measure_rpc "rpc_c$n" --size 32 --concurrency "$n" \
				--duration "$RPC_S" || bad=1
		done
		# 1 MiB one way (a write: empty answers), then echoed both ways.
		measure_rpc rpc_1m --size 1048576 --concurrency 4 --sink \
			--duration "$RPC_S" || bad=1
		measure_rpc rpc_1m_echo --size 1048576 --concurrency 4 \
			--duration "$RPC_S" || bad=1
		# The io_uring tier: each call an IORING_OP_URING_CMD.
		if measure_rpc rpc_lat_uring --size 32 --concurrency 1 \
			--duration "$RPC_S" --uring --cdf; then
			json_cdf "${R[rpc_lat_uring.json]}" > "$CDF/rdmarpc_uring@$round"
		else
			bad=1
		fi
		measure_rpc rpc_c16_uring --size 32 --concurrency 16 \
			--duration "$RPC_S" --uring || bad=1
		measure_rpc rpc_c64_uring --size 32 --concurrency 64 \
			--duration "$RPC_S" --uring || bad=1
	else
		bad=1
	fi
	srv_stop
	# Busy polling on both ends: latency.
	# The client's calls go through shared rings (the library sets them
	# up with busy polling); --ring-thread has a ring thread serve them
	# too, --no-rings keeps them on ioctls, beside.
	if bench_server --busy-poll "$BUSY_US"; then
		if measure_rpc rpc_lat_busy --size 32 --concurrency 1 \
			--duration "$RPC_S" --busy-poll "$BUSY_US" --cdf; then
			json_cdf "${R[rpc_lat_busy.json]}" > "$CDF/rdmarpc_busy@$round"
		else
			bad=1
		fi
		measure_rpc rpc_lat_busy_thread --size 32 --concurrency 1 \
			--duration "$RPC_S" --busy-poll "$BUSY_US" --ring-thread ||
			bad=1
		measure_rpc rpc_lat_busy_ioctl --size 32 --concurrency 1 \
			--duration "$RPC_S" --busy-poll "$BUSY_US" --no-rings || bad=1
		measure_rpc rpc_c64_rings --size 32 --concurrency 64 \
			--duration "$RPC_S" --busy-poll "$BUSY_US" || bad=1
	else
		bad=1
	fi
	srv_stop
	if cli "$out" "$BENCH" nop --count "$NOP_N" --json; then
		R[nop.json]=$(grep '^{' "$out" | tail -n 1)
		R[nop.ns_per_call]=$(json_get "${R[nop.json]}" ns_per_call)
	else
		bad=1
	fi
	return $bad
}

# ---------------------------------------------------------------- run

# Which module build this is: the tree is shared, and the .ko may be
# rebuilt while the guest runs; its digest at the start of the run.
kodigest=$(md5sum "$TOP/kmod/rdmarpc.ko" 2>/dev/null | cut -c1-12)

mtu=$(ibv_devinfo -d "$IBDEV" 2>/dev/null |
	awk '/active_mtu:/ { print $2; exit }')
[ -n "$mtu" ] || mtu=1024
R[mtu]=$mtu

log "mode $MODE, client $LOCAL_IP, server $SERVER_IP, $IBDEV active MTU $mtu"

# Every figure a round produces; the report uses each one's median over
# the rounds.  Rounds interleave the measurements, so a slow spell of the
# emulator (or of other guests on the machine) hits them all alike.
KEYS=(lat_poll.typical_us lat_poll.avg_us lat_poll.p99_us
	lat_event.typical_us lat_event.avg_us lat_event.p99_us
	bw64_poll.msg_per_sec bw64_event.msg_per_sec
	bwmtu_poll.mb_per_sec bwmtu_event.mb_per_sec
	rds.p50_us rds.p99_us rds.mean_us tcp.p50_us tcp.p99_us tcp.avg_us
	rpc_lat.p50_us rpc_lat.p99_us rpc_lat_busy.p50_us rpc_lat_busy.p99_us
	rpc_lat_busy_ioctl.p50_us rpc_lat_busy_thread.p50_us
	rpc_c64_rings.calls_per_sec rpc_lat_busy.rings
	rpc_lat_uring.p50_us rpc_lat_uring.p99_us rpc_c16_uring.calls_per_sec
	rpc_c64_uring.calls_per_sec
	rpc_1m.mb_per_sec rpc_1m_echo.total_mb_per_sec nop.ns_per_call)
for n in "${SWEEP[@]}"; do
	KEYS+=("rpc_c$n.calls_per_sec" "rpc_c$n.p50_us" "rpc_c$n.p99_us")
done

if rdmarpc_available; then
	R[rdmarpc]=yes
else
	R[rdmarpc]=no
	log "rdmarpc: not available in this build (no /dev/rdmarpc)"
fi

for ((round = 1; round <= ROUNDS; round++)); do
	log "round $round of $ROUNDS"
	if want lat; then
		log "raw verbs: ib_send_lat -c UD -s 32 (polling, then CQ events)"
		measure_lat lat_poll ud_poll -n "$LAT_N" || failed=1
		measure_lat lat_event ud_event -n "$LAT_EV_N" -e || failed=1
	fi
	if want bw; then
		log "raw verbs: ib_send_bw -c UD -s 64 and -s $mtu"
		measure_bw bw64_poll 64 -n "$BW_N" || failed=1
		measure_bw bwmtu_poll "$mtu" -n "$BW_N" || failed=1
		if [ "$quick" = 0 ]; then
			measure_bw bw64_event 64 -n "$BW_N" -e || failed=1
			measure_bw bwmtu_event "$mtu" -n "$BW_N" -e || failed=1
		fi
	fi
	if want rds; then
		log "RDS: rds_pingpong over rds_rdma"
		measure_rds || failed=1
	fi
	if want tcp; then
		log "TCP: sockperf ping-pong"
		measure_tcp || failed=1
	fi
	if [ "${R[rdmarpc]}" = yes ] && want rdmarpc; then
		log "rdmarpc: rdmarpc-bench"
		measure_rdmarpc || failed=1
	fi
	for k in "${KEYS[@]}"; do
		R[$k@$round]=${R[$k]:-}
		unset "R[$k]"
	done
done
log "measurements done"

# What the sessions saw over every rdmarpc run (retransmissions, timeouts,
# window stalls, congestion window, smoothed RTT): the first place to look
# when a rate falls short.  Sessions live until the module is unloaded.
sess_client=''
sess_server=''
if [ "${R[rdmarpc]}" = yes ] && want rdmarpc; then
	sess_client=$("$CTL" session show 2>&1)
	[ "$MODE" = one ] ||
		sess_server=$(peer_run -t 30 "$CTL session show" 2>&1)
fi

# Each key's median over the rounds, in one awk (forks are dear under
# emulation); every round's values stay in R[KEY.rounds].
for k in "${KEYS[@]}"; do
	vals=
	for ((round = 1; round <= ROUNDS; round++)); do
		vals+="${R[$k@$round]:-} "
	done
	R[$k.rounds]=$vals
	echo "$k $vals"
done > "$WORK/rounds"
while read -r k v; do
	R[$k]=$v
done < <(awk '{
	n = 0
	for (i = 2; i <= NF; i++) v[n++] = $i
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] + 0 > v[j] + 0; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	if (n) print $1, (n % 2) ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
}' "$WORK/rounds")

# ---------------------------------------------------------------- report

# best KIND A B: the better of two figures (min for latency, max for
# rates), or whichever exists.
best() {
	awk -v k="$1" -v a="${2:-}" -v b="${3:-}" 'BEGIN {
		if (a == "") { print b; exit }
		if (b == "") { print a; exit }
		if (k == "min") print (a + 0 < b + 0 ? a : b)
		else print (a + 0 > b + 0 ? a : b)
	}'
}

calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

# The raw UD round trip: twice the one-way typical latency of the better
# of ib_send_lat's polling and event modes.
raw_ow=$(best min "${R[lat_poll.typical_us]:-}" "${R[lat_event.typical_us]:-}")
[ -n "$raw_ow" ] && R[raw_rtt_us]=$(calc "2 * $raw_ow" 2)
# Each mode's own round trip, for the like-for-like rows.
[ -n "${R[lat_event.typical_us]:-}" ] &&
	R[raw_rtt_event_us]=$(calc "2 * ${R[lat_event.typical_us]}" 2)
[ -n "${R[lat_poll.typical_us]:-}" ] &&
	R[raw_rtt_poll_us]=$(calc "2 * ${R[lat_poll.typical_us]}" 2)
R[raw_msg_per_sec]=$(best max "${R[bw64_poll.msg_per_sec]:-}" "${R[bw64_event.msg_per_sec]:-}")
R[raw_mtu_mb_per_sec]=$(best max "${R[bwmtu_poll.mb_per_sec]:-}" "${R[bwmtu_event.mb_per_sec]:-}")

NA="not available in this build"
rows=()
# row METRIC BASELINE RDMARPC RATIO TARGET MET
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }

if [ "${R[rdmarpc]}" = yes ]; then
	rpc_rtt=${R[rpc_lat.p50_us]:-}
	rpc_p99=${R[rpc_lat.p99_us]:-}
	rpc_rtt_busy=${R[rpc_lat_busy.p50_us]:-}
	rpc_rtt_busy_ioctl=${R[rpc_lat_busy_ioctl.p50_us]:-}
	rpc_rtt_busy_thread=${R[rpc_lat_busy_thread.p50_us]:-}
	rpc_rate_rings=${R[rpc_c64_rings.calls_per_sec]:-}
	rpc_rate=$(best max "${R[rpc_c16.calls_per_sec]:-}" "${R[rpc_c64.calls_per_sec]:-}")
	rpc_rtt_uring=${R[rpc_lat_uring.p50_us]:-}
	rpc_rate_uring=$(best max "${R[rpc_c16_uring.calls_per_sec]:-}" "${R[rpc_c64_uring.calls_per_sec]:-}")
	rpc_mb=${R[rpc_1m.mb_per_sec]:-}
	rpc_nop=${R[nop.ns_per_call]:-}
else
	rpc_rtt='' rpc_p99='' rpc_rate='' rpc_mb='' rpc_nop='' rpc_rtt_busy=''
	rpc_rtt_uring='' rpc_rate_uring='' rpc_rtt_busy_ioctl='' rpc_rate_rings=''
	rpc_rtt_busy_thread=''
fi

# cell VALUE UNIT: a measured value, or why there is none.
cell() {
	if [ -n "$1" ]; then echo "$1 $2"
	elif [ "${R[rdmarpc]}" = yes ]; then echo "failed"
	else echo "$NA"; fi
}
base() {
	if [ -n "$1" ]; then echo "$1 $2"
	elif [ "$only" = "$ONLY_ALL" ]; then echo "failed"
	else echo "not measured"; fi
}

# ratio_row METRIC BASE UNIT RPC OP LIMIT TARGET-TEXT
ratio_row() {
	local m=$1 b=$2 u=$3 v=$4 op=$5 lim=$6 t=$7 r='—' met='—'
	if [ -n "$b" ] && [ -n "$v" ]; then
		# The ratio, and whether it meets the target (if there is one).
		read -r r met < <(awk -v v="$v" -v b="$b" -v op="$op" \
			-v l="$lim" 'BEGIN {
			r = sprintf("%.2f", v / b)
			m = "—"
			if (l != "")
				m = (op == "<=" && r + 0 <= l + 0) ||
				    (op == ">=" && r + 0 >= l + 0) ||
				    (op == "<" && r + 0 < l + 0) ? "yes" : "no"
			print r, m
		}')
	fi
	row "$m" "$(base "$b" "$u")" "$(cell "$v" "$u")" "$r" "$t" "$met"
}

ratio_row "32 B round trip p50, sleeping waits, vs raw UD with CQ events (2 x ib_send_lat -e typical)" \
	"${R[raw_rtt_event_us]:-}" us "$rpc_rtt" "<=" 1.0 "<= 1.0x"
ratio_row "32 B round trip p50, io_uring tier, vs raw UD with CQ events" \
	"${R[raw_rtt_event_us]:-}" us "$rpc_rtt_uring" "<=" 1.0 "<= 1.0x"
ratio_row "32 B round trip p50, --busy-poll $BUSY_US us both ends, client through shared rings, vs raw UD polling (2 x ib_send_lat typical)" \
	"${R[raw_rtt_poll_us]:-}" us "$rpc_rtt_busy" "<=" 1.3 "<= 1.3x"
ratio_row "32 B round trip p50, --busy-poll $BUSY_US us both ends, client through shared rings with a ring thread (--ring-thread), vs raw UD polling" \
	"${R[raw_rtt_poll_us]:-}" us "$rpc_rtt_busy_thread" "" "" "none"
ratio_row "32 B round trip p50, --busy-poll $BUSY_US us both ends, client through ioctls (--no-rings), vs raw UD polling" \
	"${R[raw_rtt_poll_us]:-}" us "$rpc_rtt_busy_ioctl" "" "" "none"
ratio_row "32 B round trip p50, sleeping waits, vs RDS ping-pong p50 (${R[rds.transport]:-?})" \
	"${R[rds.p50_us]:-}" us "$rpc_rtt" "<" 1.0 "< 1.0x"
ratio_row "32 B round trip p99, sleeping waits, vs RDS ping-pong p99" \
	"${R[rds.p99_us]:-}" us "$rpc_p99" "" "" "none"
ratio_row "32 B round trip p50, sleeping waits, vs TCP sockperf p50" \
	"${R[tcp.p50_us]:-}" us "$rpc_rtt" "" "" "none"
ratio_row "small-RPC rate, batch server (concurrency 16/64), vs ib_send_bw -s 64" \
	"${R[raw_msg_per_sec]:-}" "msg/s" "$rpc_rate" ">=" 1.0 ">= 1.0x"
ratio_row "small-RPC rate, io_uring tier (concurrency 16/64), vs ib_send_bw -s 64" \
	"${R[raw_msg_per_sec]:-}" "msg/s" "$rpc_rate_uring" ">=" 1.0 ">= 1.0x"
ratio_row "small-RPC rate, shared rings, busy poll both ends (concurrency 64), vs ib_send_bw -s 64" \
	"${R[raw_msg_per_sec]:-}" "msg/s" "$rpc_rate_rings" ">=" 1.0 ">= 1.0x"
ratio_row "1 MiB RPC MB/s (1 MiB request, empty answer), batch server, vs ib_send_bw -s $mtu" \
	"${R[raw_mtu_mb_per_sec]:-}" "MB/s" "$rpc_mb" ">=" 0.9 ">= 0.9x"
row "bare ioctl (rdmarpc-bench nop)" "—" "$(cell "$rpc_nop" "ns")" "—" "none" "—"

kver=$(uname -r)
rev=$(GIT_OPTIONAL_LOCKS=0 git -C "$TOP" rev-parse --short HEAD 2>/dev/null)
GIT_OPTIONAL_LOCKS=0 git -C "$TOP" diff --quiet HEAD -- kmod ulib tools/bench \
	2>/dev/null || rev+=" with uncommitted changes in kmod/ulib/tools/bench"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
{
	echo "## rdmarpc vs baselines ($MODE host$([ "$MODE" = two ] && echo s), $([ "$quick" = 1 ] && echo quick || echo full) run)"
	echo
	echo "$now, kernel $kver, $IBDEV active MTU $mtu, client $LOCAL_IP, server $SERVER_IP."
	case "$MODE/$WIRE" in
	two/socket) echo "The two guests are joined by a TCP stream between their emulators (RDMARPC_VM_NET=socket)." ;;
	two/dgram) echo "The two guests are joined by UDP datagrams between their emulators (RDMARPC_VM_NET=dgram)." ;;
	esac
	echo "Tree ${rev:-?}; kmod/rdmarpc.ko md5 ${kodigest:-?} at the start of the run."
	echo "Emulated guest: compare ratios, not absolute times."
	echo "Each figure is the median of $ROUNDS interleaved round(s); every round's values are in the JSON report."
	echo
	echo "| metric | baseline | rdmarpc | ratio | target | met? |"
	echo "|---|---|---|---|---|---|"
	printf '%s\n' "${rows[@]}"
	echo
	echo "Baseline detail:"
	echo "- ib_send_lat -c UD -s 32, one way: polling typical ${R[lat_poll.typical_us]:-failed} us (avg ${R[lat_poll.avg_us]:-?}, p99 ${R[lat_poll.p99_us]:-?}); events (-e) typical ${R[lat_event.typical_us]:-failed} us (avg ${R[lat_event.avg_us]:-?}, p99 ${R[lat_event.p99_us]:-?}); raw round trip = 2 x the better = ${R[raw_rtt_us]:-?} us"
	ev=failed
	[ "$quick" = 0 ] || ev="not run (quick)"
	echo "- ib_send_bw -c UD -s 64: polling ${R[bw64_poll.msg_per_sec]:-failed} msg/s, events ${R[bw64_event.msg_per_sec]:-$ev} msg/s"
	echo "- ib_send_bw -c UD -s $mtu: polling ${R[bwmtu_poll.mb_per_sec]:-failed} MB/s, events ${R[bwmtu_event.mb_per_sec]:-$ev} MB/s (10^6 B/s, from the message rate)"
	echo "- RDS rds_pingpong 32 B, transport ${R[rds.transport]:-?}: p50 ${R[rds.p50_us]:-failed} us, p99 ${R[rds.p99_us]:-?} us, mean ${R[rds.mean_us]:-?} us (round trip)"
	echo "- TCP sockperf ping-pong 32 B --full-rtt: p50 ${R[tcp.p50_us]:-failed} us, p99 ${R[tcp.p99_us]:-?} us, avg ${R[tcp.avg_us]:-?} us (round trip)"
	if [ "${R[rdmarpc]}" = yes ]; then
		echo "- rdmarpc-bench 32 B concurrency 1, sleeping waits: p50 ${R[rpc_lat.p50_us]:-failed} us, p99 ${R[rpc_lat.p99_us]:-?} us (round trip)"
		echo "- rdmarpc-bench 32 B concurrency 1, --busy-poll $BUSY_US on client and server: through shared rings (rings ${R[rpc_lat_busy.rings]:-?}) p50 ${R[rpc_lat_busy.p50_us]:-failed} us, p99 ${R[rpc_lat_busy.p99_us]:-?} us; with a ring thread (--ring-thread) p50 ${R[rpc_lat_busy_thread.p50_us]:-failed} us; through ioctls (--no-rings) p50 ${R[rpc_lat_busy_ioctl.p50_us]:-failed} us (round trip); shared rings at concurrency 64: ${R[rpc_c64_rings.calls_per_sec]:-failed} calls/s"
		echo "- the bench server takes and answers up to 64 requests per system call (RECV_BATCH / REPLY_BATCH) in every rdmarpc measurement"
		echo "- rdmarpc-bench 32 B: concurrency 16 ${R[rpc_c16.calls_per_sec]:-failed} calls/s, concurrency 64 ${R[rpc_c64.calls_per_sec]:-failed} calls/s"
		echo "- rdmarpc-bench --uring (io_uring tier) 32 B: concurrency 1 p50 ${R[rpc_lat_uring.p50_us]:-failed} us, p99 ${R[rpc_lat_uring.p99_us]:-?} us; concurrency 16 ${R[rpc_c16_uring.calls_per_sec]:-failed} calls/s, concurrency 64 ${R[rpc_c64_uring.calls_per_sec]:-failed} calls/s"
		sw=
		for n in "${SWEEP[@]}"; do
			sw+="; $n: ${R[rpc_c$n.calls_per_sec]:-failed} (${R[rpc_c$n.p50_us]:-?}/${R[rpc_c$n.p99_us]:-?})"
		done
		echo "- rdmarpc-bench 32 B by concurrency, calls/s (p50/p99 us)${sw/;/:}"
		echo "- rdmarpc-bench 1 MiB concurrency 4: ${R[rpc_1m.mb_per_sec]:-failed} MB/s one way (--sink: empty answers); echoed, ${R[rpc_1m_echo.total_mb_per_sec]:-failed} MB/s request and response bytes together"
		echo "- rdmarpc-bench nop: ${R[nop.ns_per_call]:-failed} ns per ioctl"
	else
		echo "- rdmarpc: $NA (no /dev/rdmarpc)"
	fi
	if [ -n "$sess_client" ]; then
		echo
		echo "Sessions after the rdmarpc runs (\`rdmarpcctl session show\`; one host: clients and servers both here):"
		echo
		echo '```'
		echo "$sess_client"
		[ -z "$sess_server" ] || printf '# the server guest\n%s\n' "$sess_server"
		echo '```'
	fi
	echo
	echo "Commands ([server] runs on the server side: this guest in one-host mode, the peer guest in two-host mode):"
	# shellcheck disable=SC2016 # literal backquotes: markdown code
	[ ${#CMDS[@]} -eq 0 ] || printf -- '- `%s`\n' "${CMDS[@]}"
}

# ---------------------------------------------------------------- JSON

# Built with builtins only: under emulation every fork costs tens of ms.
J=
jadd() { J+=$1; }
jstr() {	# KEY VALUE: "KEY":"VALUE",
	local v=${2//\\/\\\\}
	v=${v//\"/\\\"}
	J+="\"$1\":\"$v\","
}
jnum() {	# KEY VALUE: "KEY":VALUE, (null when empty)
	J+="\"$1\":${2:-null},"
}
jkeys() {	# PREFIX NAME=KEY...: the medians of R[PREFIX.KEY] as NAME
	local p=$1 nk
	shift
	for nk in "$@"; do
		jnum "${nk%%=*}" "${R[$p.${nk#*=}]:-}"
	done
}
jend() { J=${J%,}$1; }	# close an object or array after its last ","

jadd '{'
jstr date "$now"; jstr kernel "$kver"; jstr mode "$MODE"; jstr wire "$WIRE"
jnum quick "$([ "$quick" = 1 ] && echo true || echo false)"
jnum rounds "$ROUNDS"
jstr tree "${rev:-}"; jstr rdmarpc_ko_md5 "${kodigest:-}"
jstr ibdev "$IBDEV"; jnum mtu "$mtu"
jstr client_ip "$LOCAL_IP"; jstr server_ip "$SERVER_IP"
jadd '"baseline":{"ud_lat_poll":{'
jkeys lat_poll typical_us=typical_us avg_us=avg_us p99_us=p99_us
jend '},'
jadd '"ud_lat_event":{'
jkeys lat_event typical_us=typical_us avg_us=avg_us p99_us=p99_us
jend '},'
jnum ud_rtt_us "${R[raw_rtt_us]:-}"
jnum ud_rtt_event_us "${R[raw_rtt_event_us]:-}"
jnum ud_rtt_poll_us "${R[raw_rtt_poll_us]:-}"
jadd '"ud_bw64":{'
jkeys bw64_poll poll_msg_per_sec=msg_per_sec
jkeys bw64_event event_msg_per_sec=msg_per_sec
jend '},'
jadd '"ud_bwmtu":{'
jnum size "$mtu"
jkeys bwmtu_poll poll_mb_per_sec=mb_per_sec
jkeys bwmtu_event event_mb_per_sec=mb_per_sec
jend '},'
jadd '"rds":{'
jstr transport "${R[rds.transport]:-}"
jkeys rds p50_us=p50_us p99_us=p99_us mean_us=mean_us
jend '},'
jadd '"tcp":{'
jkeys tcp p50_us=p50_us p99_us=p99_us avg_us=avg_us
jend '}},'
if [ "${R[rdmarpc]}" = yes ]; then
	jadd '"rdmarpc":{'
	jkeys rpc_lat c1_p50_us=p50_us c1_p99_us=p99_us
	jkeys rpc_lat_busy c1_busy_p50_us=p50_us c1_busy_p99_us=p99_us
	jkeys rpc_lat_busy_ioctl c1_busy_ioctl_p50_us=p50_us c1_busy_ioctl_p99_us=p99_us
	jkeys rpc_lat_busy_thread c1_busy_thread_p50_us=p50_us c1_busy_thread_p99_us=p99_us
	jkeys rpc_c64_rings rings_c64_calls_per_sec=calls_per_sec
	jnum busy_poll_us "$BUSY_US"
	jkeys rpc_c16 c16_calls_per_sec=calls_per_sec
	jkeys rpc_c64 c64_calls_per_sec=calls_per_sec
	jkeys rpc_lat_uring uring_c1_p50_us=p50_us uring_c1_p99_us=p99_us
	jkeys rpc_c16_uring uring_c16_calls_per_sec=calls_per_sec
	jkeys rpc_c64_uring uring_c64_calls_per_sec=calls_per_sec
	jkeys rpc_1m size_1m_mb_per_sec=mb_per_sec
	jkeys rpc_1m_echo size_1m_echo_total_mb_per_sec=total_mb_per_sec
	jkeys nop nop_ns_per_call=ns_per_call
	jend '},'
else
	jnum rdmarpc null
	jstr rdmarpc_note "$NA"
fi
jadd '"cdf":{'
for s in "${CDF_SERIES[@]}"; do
	jadd "\"$s\":$(cdf_json "$s"),"
done
jend '},'
jadd '"cdf_labels":{'
for s in "${CDF_SERIES[@]}"; do
	jstr "$s" "${CDF_LABEL[$s]}"
done
jend '},'
jadd '"sweep":['
if [ "${R[rdmarpc]}" = yes ] && want rdmarpc; then
	for n in "${SWEEP[@]}"; do
		jadd '{'
		jnum concurrency "$n"
		jkeys "rpc_c$n" calls_per_sec=calls_per_sec p50_us=p50_us p99_us=p99_us
		jend '},'
	done
fi
jend '],'
jadd '"per_round":{'
for k in "${KEYS[@]}"; do
	jadd "\"$k\":["
	for v in ${R[$k.rounds]}; do
		jadd "$v,"
	done
	jend '],'
done
jend '},'
jadd '"table":['
for r in "${rows[@]}"; do
	r=${r//\\/\\\\}
	jadd "\"${r//\"/\\\"}\","
done
jend '],'
jadd '"commands":['
for c in "${CMDS[@]}"; do
	c=${c//\\/\\\\}
	jadd "\"${c//\"/\\\"}\","
done
jend '],'
jnum complete "$([ "$failed" = 0 ] && echo true || echo false)"
jend '}'
printf '%s\n' "$J" > "$WORK/compare.json"
mkdir -p "$(dirname "$json_out")" && cp "$WORK/compare.json" "$json_out" &&
	log "JSON report: $json_out"
rm -rf "$WORK"
exit $failed
