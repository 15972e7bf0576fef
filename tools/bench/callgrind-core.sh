#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Instructions per RPC spent in the session core, client + server, counted
# by callgrind on the simulator: the inclusive cost of the core's entry
# points (rr_client_call_opts, rr_session_rx, rr_session_poll, rr_wire_peek,
# rr_server_reply) minus the inclusive cost of the environment callbacks
# they call (sim_tx_get_buf, sim_tx_send, wl_deliver, wl_complete), plus
# rr_server_reply again (it runs inside wl_deliver), divided by the calls.
#
# usage: [META=none|deadline|odd] tools/bench/callgrind-core.sh [RPCS] [SIZE]
# (from the top level; META is rdmarpc-sim's --meta)
set -eu
rpcs=${1:-100000}
size=${2:-32}
sim=${SIM:-tools/rdmarpc-sim}
out=${OUT:-/tmp/rdmarpc-core.callgrind}
# What each call carries: by default a deadline, as the module's calls do.
meta=${META:-deadline}

valgrind --tool=callgrind --callgrind-out-file="$out" \
	"$sim" --rpcs "$rpcs" --size "$size" --seed 1 --meta "$meta" \
	>/dev/null 2>&1
callgrind_annotate --inclusive=yes --auto=no --threshold=100 "$out" 2>/dev/null |
awk -v rpcs="$rpcs" '
	# Inlined code is listed per source file; the largest entry for a
	# function name is its total.
	{
		c = $1; gsub(",", "", c); name = ""
		for (i = 2; i <= NF; i++)
			if ($i ~ /:/) { name = $i; break }
		sub(/.*:/, "", name)
		if (name != "" && c + 0 > best[name]) best[name] = c + 0
	}
	END {
		n = split("rr_client_call_opts rr_session_rx rr_session_poll rr_wire_peek rr_server_reply", C, " ")
		for (i = 1; i <= n; i++) { core += best[C[i]]; printf "  core %-16s %12d\n", C[i], best[C[i]] }
		n = split("sim_tx_get_buf sim_tx_send wl_deliver wl_complete", E, " ")
		for (i = 1; i <= n; i++) { env += best[E[i]]; printf "  env  %-16s %12d\n", E[i], best[E[i]] }
		printf "core entry points %d - environment callbacks %d over %d RPCs\n", core, env, rpcs
		printf "instructions per RPC (client + server): %.0f\n", (core - env) / rpcs
	}'
