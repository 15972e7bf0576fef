// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl session [show]
 * rdmarpcctl stats
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static const struct {
	int attr;
	const char *key;
	size_t off;
} sstat_map[] = {
#define S(a, f) { a, #f, offsetof(struct rdmarpc_sess_stats, f) }
	S(RDMARPC_SSTAT_A_TX_PACKETS, tx_packets),
	S(RDMARPC_SSTAT_A_TX_BYTES, tx_bytes),
	S(RDMARPC_SSTAT_A_RX_PACKETS, rx_packets),
	S(RDMARPC_SSTAT_A_RX_BYTES, rx_bytes),
	S(RDMARPC_SSTAT_A_RETRANSMITS, retransmits),
	S(RDMARPC_SSTAT_A_RTO_FIRES, rto_fires),
	S(RDMARPC_SSTAT_A_CRC_DROPS, crc_drops),
	S(RDMARPC_SSTAT_A_RX_DROPS, rx_drops),
	S(RDMARPC_SSTAT_A_DUP_PACKETS, dup_packets),
	S(RDMARPC_SSTAT_A_DUP_REQUESTS, dup_requests),
	S(RDMARPC_SSTAT_A_CREDIT_STALLS, credit_stalls),
	S(RDMARPC_SSTAT_A_CALLS_OK, calls_ok),
	S(RDMARPC_SSTAT_A_CALLS_FAILED, calls_failed),
	S(RDMARPC_SSTAT_A_REQUESTS, requests),
#undef S
};

#define N_SSTATS (sizeof(sstat_map) / sizeof(sstat_map[0]))

void sess_stats_json(struct json *j, const struct rdmarpc_sess_stats *s)
{
	size_t i;

	json_obj_begin(j);
	for (i = 0; i < N_SSTATS; i++) {
		uint64_t v;

		if (!(s->present & (1U << sstat_map[i].attr)))
			continue;
		memcpy(&v, (const unsigned char *)s + sstat_map[i].off,
		       sizeof(v));
		json_key(j, sstat_map[i].key);
		json_u64(j, v);
	}
	json_obj_end(j);
}

/* "stats: tx 10 pkts 1000 bytes, rx ..., retransmits 0, ..." (one line) */
void sess_stats_print(const struct rdmarpc_sess_stats *s)
{
	printf("stats: tx %" PRIu64 " pkts %" PRIu64 " bytes, rx %" PRIu64
	       " pkts %" PRIu64 " bytes, retransmits %" PRIu64 ", rto-fires %"
	       PRIu64 ", crc-drops %" PRIu64 ", rx-drops %" PRIu64
	       ", duplicates %" PRIu64 " pkts %" PRIu64 " reqs, credit-stalls %"
	       PRIu64 ", calls %" PRIu64 " ok %" PRIu64 " failed, requests %"
	       PRIu64 "\n", s->tx_packets, s->tx_bytes, s->rx_packets,
	       s->rx_bytes, s->retransmits, s->rto_fires, s->crc_drops,
	       s->rx_drops, s->dup_packets, s->dup_requests, s->credit_stalls,
	       s->calls_ok, s->calls_failed, s->requests);
}

/*
 * session 0x1f: client  peer b  dev rxe0 port 1
 *     busy-slots 2  inflight 5  cwnd 32  srtt 15.0 us  rto 200.0 us
 *     stats: ...
 */
static void session_print(const struct rdmarpc_session *s)
{
	const struct rdmarpc_sess_info *i = &s->info;

	printf("session 0x%" PRIx64 ": %s", s->id,
	       rdmarpc_session_role_str(s->role));
	if (s->peer[0])
		printf("  peer %s", s->peer);
	if (s->dev_name[0])
		printf("  dev %s port %" PRIu32, s->dev_name, s->port);
	printf("\n");
	if (i->present)
		printf("    busy-slots %" PRIu32 "  inflight %" PRIu32
		       "  cwnd %" PRIu32 "  srtt %.1f us  rto %.1f us\n",
		       i->busy_slots, i->inflight, i->cwnd,
		       (double)i->srtt_ns / 1000.0,
		       (double)i->rto_ns / 1000.0);
	if (s->stats.present) {
		printf("    ");
		sess_stats_print(&s->stats);
	}
}

static void session_json(struct json *j, const struct rdmarpc_session *s)
{
	const struct rdmarpc_sess_info *i = &s->info;

	json_obj_begin(j);
	json_key(j, "id");
	json_u64(j, s->id);
	json_key(j, "role");
	json_str(j, rdmarpc_session_role_str(s->role));
	if (s->peer[0]) {
		json_key(j, "peer");
		json_str(j, s->peer);
	}
	if (s->dev_name[0]) {
		json_key(j, "dev");
		json_str(j, s->dev_name);
		json_key(j, "port");
		json_u64(j, s->port);
	}
#define G(attr, key, val) do {						\
		if (i->present & (1U << (attr))) {			\
			json_key(j, key);				\
			json_u64(j, val);				\
		}							\
	} while (0)
	G(RDMARPC_SINFO_A_BUSY_SLOTS, "busy_slots", i->busy_slots);
	G(RDMARPC_SINFO_A_INFLIGHT, "inflight", i->inflight);
	G(RDMARPC_SINFO_A_CWND, "cwnd", i->cwnd);
	G(RDMARPC_SINFO_A_SRTT_NS, "srtt_ns", i->srtt_ns);
	G(RDMARPC_SINFO_A_RTO_NS, "rto_ns", i->rto_ns);
#undef G
	if (RDMARPC_HAS(s, RDMARPC_A_STATS)) {
		json_key(j, "stats");
		sess_stats_json(j, &s->stats);
	}
	json_obj_end(j);
}

int cmd_session(struct ctl *ctl, int argc, char **argv)
{
	struct rdmarpc_session *sessions;
	struct rdmarpc_nl *nl;
	size_t n, i;
	int err, ret;

	if (ctl_wants_help(argc, argv))
		return ctl_help("session");
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "show")))
		return ctl_usage("session");
	ret = ctl_open(&nl);
	if (ret)
		return ret;
	err = rdmarpc_session_list(nl, &sessions, &n);
	if (err) {
		ret = ctl_error(nl, "session show", err);
		goto out;
	}
	if (ctl->json) {
		struct json j;

		json_init(&j, stdout);
		json_arr_begin(&j);
		for (i = 0; i < n; i++)
			session_json(&j, &sessions[i]);
		json_arr_end(&j);
		printf("\n");
	} else {
		for (i = 0; i < n; i++)
			session_print(&sessions[i]);
	}
	free(sessions);
out:
	rdmarpc_nl_close(nl);
	return ret;
}

/*
 * Counters only: per (device, port) and per peer.
 *   dev rxe0 port 1: tx 7 pkts ... (as `dev show')
 *   peer b: stats: tx ... (as `peer show')
 * JSON: {"devs": [{"dev", "port", "stats"}], "peers": [{"name", "stats"}]}
 */
int cmd_stats(struct ctl *ctl, int argc, char **argv)
{
	struct rdmarpc_peer *peers = NULL;
	struct rdmarpc_dev *devs = NULL;
	size_t n_devs = 0, n_peers = 0, i;
	struct rdmarpc_nl *nl;
	int err, ret;

	if (ctl_wants_help(argc, argv))
		return ctl_help("stats");
	if (argc > 1)
		return ctl_usage("stats");
	ret = ctl_open(&nl);
	if (ret)
		return ret;
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
	if (ctl->json) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j);
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
	} else {
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
out:
	free(peers);
	rdmarpc_dev_list_free(devs, n_devs);
	rdmarpc_nl_close(nl);
	return ret;
}
