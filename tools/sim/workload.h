/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The RPC workload the simulator runs and verifies: N calls between a client
 * session (node 0) and a server session (node 1).  Every request names its
 * call id; the handler counts executions per id and answers with a keyed
 * transform of the request bytes and the id, so a lost, duplicated,
 * reordered or mixed-up response is caught.
 */
#ifndef RR_SIM_WORKLOAD_H
#define RR_SIM_WORKLOAD_H

#include "sim.h"

/*
 * What the calls carry besides their bytes: a deadline and a key on odd
 * calls only (the default: both kinds side by side), on none, or a
 * deadline on every call (what the module's calls carry).
 */
enum wl_meta {
	WL_META_ODD,
	WL_META_NONE,
	WL_META_DEADLINE,
};

struct wl_cfg {
	struct sim_net_cfg net;
	struct rr_params params;
	u64 rpcs;
	u32 size;
	s64 resp_size;		/* < 0: same as size */
	u64 handler_ns;		/* > 0: the handler answers later */
	/*
	 * Calls started together, and answers due together, go out corked
	 * (rr_session_cork()): they share datagrams.
	 */
	bool pack;
	u32 meta;		/* enum wl_meta: what calls carry */
	unsigned long alloc_fail_every;
	u64 max_time_ns;	/* virtual time limit; a hang is a failure */
	bool verbose;
};

struct wl_result {
	u64 completed;
	u64 failed;
	u64 timeouts;
	u64 other_errors;
	u64 duplicate_executions;
	u64 wrong_payloads;
	u64 double_completions;
	u64 retransmissions;
	u64 virtual_time_ns;
	u64 lat_p50_ns;		/* call latency, start to completion */
	u64 lat_p99_ns;
	u64 rpcs_issued;
	bool hung;
	long leaked;
	struct rr_stats client;
	struct rr_stats server;
	struct rr_session_info client_info;
	struct sim_net_stats net;
};

void wl_default(struct wl_cfg *cfg);
int wl_run(const struct wl_cfg *cfg, struct wl_result *res);
bool wl_ok(const struct wl_cfg *cfg, const struct wl_result *res);

#endif /* RR_SIM_WORKLOAD_H */
