// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl stats
 *
 * Counters only: the module-wide ones, then per (device, port) and per
 * peer.
 *   handshake: accepted 1  refused 0  connected 2  failed 0  dead 0
 *   faults: tx-drop 0  rx-drop 0  duplicate 0  reorder 0  corrupt 0 ...
 *   rpc: endpoints 1  calls 10  calls-failed 0  ...
 *   dev rxe0 port 1: tx 7 pkts ... (as `dev show')
 *   peer b: stats: tx ... (as `peer show')
 * JSON: {"handshake": {...}, "faults": {...}, "rpc": {...},
 *        "devs": [{"dev", "port", "stats"}], "peers": [{"name", "stats"}]}
 * with the counters under their names in struct rdmarpc_*_stats.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctl.h"

/* The counters of each nest, named as in the ABI's lists. */
static const struct ctl_counter hs_counters[] = {
#define RDMARPC_HS_COUNTER(NAME, name, ...) \
	CTL_COUNTER(RDMARPC_HSTAT_A_##NAME, struct rdmarpc_hs_stats, name),
#include <rdmarpc_counters.h>
};

static const struct ctl_counter fault_counters[] = {
#define RDMARPC_FAULT_COUNTER(NAME, name, ...) \
	CTL_COUNTER(RDMARPC_FSTAT_A_##NAME, struct rdmarpc_fault_stats, name),
#include <rdmarpc_counters.h>
};

static const struct ctl_counter rpc_counters[] = {
#define RDMARPC_RPC_COUNTER(NAME, name, ...) \
	CTL_COUNTER(RDMARPC_RSTAT_A_##NAME, struct rdmarpc_rpc_stats, name),
#include <rdmarpc_counters.h>
};

/* One nest of the module's counters, if the module sent it. */
static void module_group(struct json *j, const struct rdmarpc_module_stats *m,
			 int attr, const char *name,
			 const struct ctl_counter *c, size_t n,
			 const void *base, uint32_t present)
{
	if (!RDMARPC_HAS(m, attr))
		return;
	if (j) {
		json_key(j, name);
		ctl_counters_json(j, c, n, base, present);
	} else {
		printf("%s: ", name);
		ctl_counters_print(c, n, base, present);
	}
}

static void module_stats(struct json *j, const struct rdmarpc_module_stats *m)
{
	module_group(j, m, RDMARPC_A_HS_STATS, "handshake", hs_counters,
		     CTL_N(hs_counters), &m->hs, m->hs.present);
	module_group(j, m, RDMARPC_A_FAULT_STATS, "faults", fault_counters,
		     CTL_N(fault_counters), &m->fault, m->fault.present);
	module_group(j, m, RDMARPC_A_RPC_STATS, "rpc", rpc_counters,
		     CTL_N(rpc_counters), &m->rpc, m->rpc.present);
}

static void stats_json(const struct rdmarpc_module_stats *m,
		       const struct rdmarpc_dev *devs, size_t n_devs,
		       const struct rdmarpc_peer *peers, size_t n_peers)
{
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_obj_begin(&j);
	module_stats(&j, m);
	json_key(&j, "devs");
	json_arr_begin(&j);
	for (i = 0; i < n_devs; i++) {
		json_obj_begin(&j);
		json_key(&j, "dev");
		json_str(&j, devs[i].name);
		json_key(&j, "port");
		json_u64(&j, devs[i].port);
		json_key(&j, "stats");
		dev_stats_json(&j, &devs[i].stats);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "peers");
	json_arr_begin(&j);
	for (i = 0; i < n_peers; i++) {
		json_obj_begin(&j);
		json_key(&j, "name");
		json_str(&j, peers[i].name);
		json_key(&j, "stats");
		sess_stats_json(&j, &peers[i].stats);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	printf("\n");
}

static void stats_print(const struct rdmarpc_module_stats *m,
			const struct rdmarpc_dev *devs, size_t n_devs,
			const struct rdmarpc_peer *peers, size_t n_peers)
{
	size_t i;

	module_stats(NULL, m);
	for (i = 0; i < n_devs; i++) {
		const struct rdmarpc_dev_stats *s = &devs[i].stats;

		printf("dev %s port %" PRIu32 ": tx %" PRIu64 " pkts %"
		       PRIu64 " bytes %" PRIu64 " errors, rx %" PRIu64
		       " pkts %" PRIu64 " bytes %" PRIu64 " errors %"
		       PRIu64 " drops\n", devs[i].name, devs[i].port,
		       s->tx_packets, s->tx_bytes, s->tx_errors,
		       s->rx_packets, s->rx_bytes, s->rx_errors,
		       s->rx_drops);
	}
	for (i = 0; i < n_peers; i++) {
		printf("peer %s: ", peers[i].name);
		sess_stats_print(&peers[i].stats);
	}
}

int cmd_stats(struct ctl *ctl, int argc, char **argv)
{
	struct rdmarpc_module_stats m;
	struct rdmarpc_peer *peers = NULL;
	struct rdmarpc_dev *devs = NULL;
	size_t n_devs = 0, n_peers = 0;
	struct rdmarpc_nl *nl;
	int err, ret;

	if (ctl_wants_help(argc, argv))
		return ctl_help("stats");
	if (argc > 1)
		return ctl_usage("stats");
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	err = rdmarpc_stats_get(nl, &m);
	if (err == -EOPNOTSUPP) {
		/* A module older than this tool: no module-wide counters. */
		err = 0;
	}
	if (err) {
		ret = ctl_error(nl, "stats", err);
		goto out;
	}
	err = rdmarpc_dev_list(nl, NULL, &devs, &n_devs);
	if (err) {
		ret = ctl_error(nl, "stats: dev", err);
		goto out;
	}
	err = rdmarpc_peer_list(nl, &peers, &n_peers);
	if (err) {
		ret = ctl_error(nl, "stats: peer", err);
		goto out;
	}
	if (ctl->json)
		stats_json(&m, devs, n_devs, peers, n_peers);
	else
		stats_print(&m, devs, n_devs, peers, n_peers);
out:
	free(peers);
	rdmarpc_dev_list_free(devs, n_devs);
	rdmarpc_nl_close(nl);
	return ret;
}
