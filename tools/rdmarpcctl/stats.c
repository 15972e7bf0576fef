// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl stats [show] [-P | --prometheus]
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
 * Prometheus: rdmarpc_handshake_*, rdmarpc_fault_*, rdmarpc_rpc_*,
 * rdmarpc_port_*{dev,port} and rdmarpc_peer_*{peer}, with "_total" for
 * the counters (not the gauges), as counters.c writes them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

/* The module's nests: name in text and JSON, and in Prometheus. */
#define MODULE_GROUPS(m) {						\
	{ RDMARPC_A_HS_STATS, "handshake", "handshake", ctl_hs_counters, \
	  ctl_n_hs_counters, &(m)->hs, (m)->hs.present },		\
	{ RDMARPC_A_FAULT_STATS, "faults", "fault", ctl_fault_counters,	\
	  ctl_n_fault_counters, &(m)->fault, (m)->fault.present },	\
	{ RDMARPC_A_RPC_STATS, "rpc", "rpc", ctl_rpc_counters,		\
	  ctl_n_rpc_counters, &(m)->rpc, (m)->rpc.present },		\
}

struct module_group {
	int attr;
	const char *name, *prom;
	const struct ctl_counter *c;
	size_t n;
	const void *base;
	uint32_t present;
};

/* The module's nests it sent, as text or JSON. */
static void module_stats(struct json *j, const struct rdmarpc_module_stats *m)
{
	const struct module_group groups[] = MODULE_GROUPS(m);
	size_t i;

	for (i = 0; i < CTL_N(groups); i++) {
		const struct module_group *g = &groups[i];

		if (!RDMARPC_HAS(m, g->attr))
			continue;
		if (j) {
			json_key(j, g->name);
			ctl_counters_json(j, g->c, g->n, g->base, g->present);
		} else {
			printf("%s: ", g->name);
			ctl_counters_print(g->c, g->n, g->base, g->present);
		}
	}
}

static void stats_prometheus(const struct rdmarpc_module_stats *m,
			     const struct rdmarpc_dev *devs, size_t n_devs,
			     const struct rdmarpc_peer *peers, size_t n_peers)
{
	const struct module_group groups[] = MODULE_GROUPS(m);
	struct ctl_prom_series *s;
	char (*labels)[256];
	size_t i, n = n_devs > n_peers ? n_devs : n_peers;
	char port[16];

	for (i = 0; i < CTL_N(groups); i++) {
		const struct module_group *g = &groups[i];
		const struct ctl_prom_series one = { "", g->base, g->present };

		if (RDMARPC_HAS(m, g->attr))
			ctl_prom_family(stdout, g->prom, g->c, g->n, &one, 1);
	}
	s = calloc(n ? n : 1, sizeof(*s));
	labels = calloc(n ? n : 1, sizeof(*labels));
	if (!s || !labels) {
		fprintf(stderr, PROG ": stats: %s\n", strerror(ENOMEM));
		goto out;
	}
	for (i = 0; i < n_devs; i++) {
		snprintf(port, sizeof(port), "%" PRIu32, devs[i].port);
		if (ctl_prom_label(labels[i], sizeof(labels[i]), "dev",
				   devs[i].name) ||
		    ctl_prom_label(labels[i], sizeof(labels[i]), "port", port))
			continue;	/* no room: cannot happen, names are short */
		s[i] = (struct ctl_prom_series){ labels[i], &devs[i].stats,
						 devs[i].stats.present };
	}
	ctl_prom_family(stdout, "port", ctl_port_counters, ctl_n_port_counters,
			s, n_devs);
	memset(labels, 0, n * sizeof(*labels));
	memset(s, 0, n * sizeof(*s));
	for (i = 0; i < n_peers; i++) {
		if (ctl_prom_label(labels[i], sizeof(labels[i]), "peer",
				   peers[i].name))
			continue;
		s[i] = (struct ctl_prom_series){ labels[i], &peers[i].stats,
						 peers[i].stats.present };
	}
	ctl_prom_family(stdout, "peer", ctl_sess_counters, ctl_n_sess_counters,
			s, n_peers);
out:
	free(labels);
	free(s);
}

static void stats_json(const struct ctl *ctl,
		       const struct rdmarpc_module_stats *m,
		       const struct rdmarpc_dev *devs, size_t n_devs,
		       const struct rdmarpc_peer *peers, size_t n_peers)
{
	struct json j;
	size_t i;

	ctl_json_init(ctl, &j);
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
	int i, err, ret, prometheus = 0;
	struct rdmarpc_nl *nl;

	if (ctl_wants_help(argc, argv))
		return ctl_help("stats");
	for (i = 1; i < argc; i++) {
		if (i == 1 && !strcmp(argv[i], "show"))
			continue;
		if (strcmp(argv[i], "-P") && strcmp(argv[i], "--prometheus"))
			return ctl_usage("stats");
		prometheus = 1;
	}
	if (prometheus && ctl->json) {
		fprintf(stderr, PROG ": stats: -P and -j are two forms: "
			"pick one\n");
		return EXIT_USAGE;
	}
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
	if (prometheus)
		stats_prometheus(&m, devs, n_devs, peers, n_peers);
	else if (ctl->json)
		stats_json(ctl, &m, devs, n_devs, peers, n_peers);
	else
		stats_print(&m, devs, n_devs, peers, n_peers);
out:
	free(peers);
	rdmarpc_dev_list_free(devs, n_devs);
	rdmarpc_nl_close(nl);
	return ret;
}
