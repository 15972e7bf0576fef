// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl dev [show [DEV]]
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "ctl.h"

static const struct rdmarpc_gid *find_gid(const struct rdmarpc_dev *d,
					  uint32_t index)
{
	uint32_t i;

	for (i = 0; i < d->n_gids; i++)
		if (d->gids[i].index == index)
			return &d->gids[i];
	return NULL;
}

/* "rxe0 port 1: ACTIVE  link ethernet  mtu 1024  netdev veth0" */
static void print_head(const struct rdmarpc_dev *d)
{
	printf("%s port %" PRIu32 ":", d->name, d->port);
	if (RDMARPC_HAS(d, RDMARPC_A_PORT_STATE))
		printf(" %s", rdmarpc_port_state_str(d->port_state));
	if (RDMARPC_HAS(d, RDMARPC_A_LINK_LAYER))
		printf("  link %s", rdmarpc_link_layer_str(d->link_layer));
	if (RDMARPC_HAS(d, RDMARPC_A_ACTIVE_MTU))
		printf("  mtu %" PRIu32, d->active_mtu);
	if (RDMARPC_HAS(d, RDMARPC_A_LID) &&
	    d->link_layer != RDMARPC_LINK_LAYER_ETHERNET)
		printf("  lid 0x%" PRIx16, d->lid);
	if (d->netdev[0])
		printf("  netdev %s", d->netdev);
}

void dev_print_summary(const struct rdmarpc_dev *d)
{
	print_head(d);
	if (RDMARPC_HAS(d, RDMARPC_A_QPN))
		printf("  qpn 0x%" PRIx32, d->qpn);
	printf("\n");
}

static void dev_print(const struct rdmarpc_dev *d)
{
	const struct rdmarpc_dev_stats *s = &d->stats;
	char gid[INET6_ADDRSTRLEN];
	const char *sep = "    ";
	uint32_t i;

	print_head(d);
	printf("\n");

	if (RDMARPC_HAS(d, RDMARPC_A_QPN)) {
		printf("%sqpn 0x%" PRIx32, sep, d->qpn);
		sep = "  ";
	}
	if (RDMARPC_HAS(d, RDMARPC_A_QKEY)) {
		printf("%sqkey 0x%08" PRIx32, sep, d->qkey);
		sep = "  ";
	}
	if (RDMARPC_HAS(d, RDMARPC_A_RECV_DEPTH)) {
		printf("%srecv-depth %" PRIu32, sep, d->recv_depth);
		sep = "  ";
	}
	if (RDMARPC_HAS(d, RDMARPC_A_SEND_DEPTH)) {
		printf("%ssend-depth %" PRIu32, sep, d->send_depth);
		sep = "  ";
	}
	if (RDMARPC_HAS(d, RDMARPC_A_GID_INDEX)) {
		const struct rdmarpc_gid *g = find_gid(d, d->gid_index);

		printf("%sgid-index %" PRIu32, sep, d->gid_index);
		if (g) {
			ctl_gid_str(g->gid, gid, sizeof(gid));
			printf(" (%s %s)", rdmarpc_gid_type_str(g->type), gid);
		}
		sep = "  ";
	}
	if (strcmp(sep, "    "))	/* something was printed */
		printf("\n");

	for (i = 0; i < d->n_gids; i++) {
		const struct rdmarpc_gid *g = &d->gids[i];

		ctl_gid_str(g->gid, gid, sizeof(gid));
		printf("    gid %" PRIu32 "  %s  %s", g->index,
		       rdmarpc_gid_type_str(g->type), gid);
		if (g->netdev[0])
			printf("  %s", g->netdev);
		printf("\n");
	}

	if (s->present)
		printf("    stats: tx %" PRIu64 " pkts %" PRIu64 " bytes %"
		       PRIu64 " errors, rx %" PRIu64 " pkts %" PRIu64
		       " bytes %" PRIu64 " errors %" PRIu64 " drops, "
		       "recv-posted %" PRIu64 ", ah-cached %" PRIu64 "\n",
		       s->tx_packets, s->tx_bytes, s->tx_errors,
		       s->rx_packets, s->rx_bytes, s->rx_errors, s->rx_drops,
		       s->recv_posted, s->ah_cached);
}

void dev_stats_json(struct json *j, const struct rdmarpc_dev_stats *s)
{
	ctl_counters_json(j, ctl_port_counters, ctl_n_port_counters, s,
			  s->present);
}

void dev_json(struct json *j, const struct rdmarpc_dev *d, const char *event)
{
	char gid[INET6_ADDRSTRLEN];
	uint32_t i;

	json_obj_begin(j);
	if (event) {
		json_key(j, "event");
		json_str(j, event);
	}
	json_key(j, "dev");
	json_str(j, d->name);
#define U(attr, key, val) do {					\
		if (RDMARPC_HAS(d, attr)) {			\
			json_key(j, key);			\
			json_u64(j, val);			\
		}						\
	} while (0)
	U(RDMARPC_A_DEV_INDEX, "index", d->index);
	U(RDMARPC_A_PORT, "port", d->port);
	if (RDMARPC_HAS(d, RDMARPC_A_PORT_STATE)) {
		json_key(j, "state");
		json_str(j, rdmarpc_port_state_str(d->port_state));
	}
	if (RDMARPC_HAS(d, RDMARPC_A_LINK_LAYER)) {
		json_key(j, "link_layer");
		json_str(j, rdmarpc_link_layer_str(d->link_layer));
	}
	U(RDMARPC_A_ACTIVE_MTU, "mtu", d->active_mtu);
	U(RDMARPC_A_LID, "lid", d->lid);
	if (RDMARPC_HAS(d, RDMARPC_A_NETDEV)) {
		json_key(j, "netdev");
		json_str(j, d->netdev);
	}
	U(RDMARPC_A_QPN, "qpn", d->qpn);
	U(RDMARPC_A_QKEY, "qkey", d->qkey);
	U(RDMARPC_A_RECV_DEPTH, "recv_depth", d->recv_depth);
	U(RDMARPC_A_SEND_DEPTH, "send_depth", d->send_depth);
	U(RDMARPC_A_GID_INDEX, "gid_index", d->gid_index);
#undef U
	if (RDMARPC_HAS(d, RDMARPC_A_GIDS)) {
		json_key(j, "gids");
		json_arr_begin(j);
		for (i = 0; i < d->n_gids; i++) {
			const struct rdmarpc_gid *g = &d->gids[i];

			ctl_gid_str(g->gid, gid, sizeof(gid));
			json_obj_begin(j);
			json_key(j, "index");
			json_u64(j, g->index);
			json_key(j, "gid");
			json_str(j, gid);
			json_key(j, "type");
			json_str(j, rdmarpc_gid_type_str(g->type));
			if (g->netdev[0]) {
				json_key(j, "netdev");
				json_str(j, g->netdev);
			}
			json_obj_end(j);
		}
		json_arr_end(j);
	}
	if (RDMARPC_HAS(d, RDMARPC_A_STATS)) {
		json_key(j, "stats");
		dev_stats_json(j, &d->stats);
	}
	json_obj_end(j);
}

int cmd_dev(struct ctl *ctl, int argc, char **argv)
{
	struct rdmarpc_nl *nl;
	struct rdmarpc_dev *devs;
	const char *name = NULL;
	size_t n, i;
	int err, ret;

	if (ctl_wants_help(argc, argv))
		return ctl_help("dev");
	if (argc > 1 && strcmp(argv[1], "show"))
		return ctl_usage("dev");
	if (argc > 3)
		return ctl_usage("dev");
	if (argc == 3)
		name = argv[2];

	ret = ctl_open(&nl);
	if (ret)
		return ret;
	err = rdmarpc_dev_list(nl, name, &devs, &n);
	if (err) {
		ret = ctl_error(nl, "dev show", err);
		goto out_close;
	}
	if (ctl->json) {
		struct json j;

		ctl_json_init(ctl, &j);
		json_arr_begin(&j);
		for (i = 0; i < n; i++)
			dev_json(&j, &devs[i], NULL);
		json_arr_end(&j);
		printf("\n");
	} else {
		for (i = 0; i < n; i++) {
			if (i)
				printf("\n");
			dev_print(&devs[i]);
		}
	}
	if (name && !n) {
		fprintf(stderr, PROG ": dev show: no device '%s' in use by "
			"rdmarpc\n", name);
		ret = EXIT_FAIL;
	}
	rdmarpc_dev_list_free(devs, n);
out_close:
	rdmarpc_nl_close(nl);
	return ret;
}
