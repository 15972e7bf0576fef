// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl session [show [ID]]
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

void sess_stats_json(struct json *j, const struct rdmarpc_sess_stats *s)
{
	ctl_counters_json(j, ctl_sess_counters, ctl_n_sess_counters, s,
			  s->present);
}

/* "stats: tx 10 pkts 1000 bytes 2 packed, rx ..., retransmits 0, ..." */
void sess_stats_print(const struct rdmarpc_sess_stats *s)
{
	printf("stats: tx %" PRIu64 " pkts %" PRIu64 " bytes %" PRIu64
	       " packed, rx %" PRIu64
	       " pkts %" PRIu64 " bytes, retransmits %" PRIu64 ", rto-fires %"
	       PRIu64 " spurious %" PRIu64 ", crc-drops %" PRIu64
	       ", rx-drops %" PRIu64
	       ", duplicates %" PRIu64 " pkts %" PRIu64 " reqs, credit-stalls %"
	       PRIu64 ", calls %" PRIu64 " ok %" PRIu64 " failed, requests %"
	       PRIu64 " cancelled %" PRIu64 "\n", s->tx_packets, s->tx_bytes,
	       s->tx_packed, s->rx_packets, s->rx_bytes, s->retransmits, s->rto_fires,
	       s->spurious_rtos, s->crc_drops, s->rx_drops, s->dup_packets,
	       s->dup_requests, s->credit_stalls, s->calls_ok, s->calls_failed,
	       s->requests, s->cancels);
}

/*
 * session 0x1f: client  peer b  dev rxe0 port 1
 *     busy-slots 2  inflight 5  cwnd 32  srtt 15.0 us  rto 200.0 us
 *     stats: ...
 */
static void session_print(const void *item)
{
	const struct rdmarpc_session *s = item;
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

static void session_json(struct json *j, const void *item)
{
	const struct rdmarpc_session *s = item;
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

static int session_list(struct rdmarpc_nl *nl, void **items, size_t *n)
{
	struct rdmarpc_session *sessions;
	int err = rdmarpc_session_list(nl, &sessions, n);

	*items = sessions;
	return err;
}

/* A session id as `session show' prints it (0x1f) or in decimal. */
static int session_id_parse(const char *s, uint64_t *id)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*id = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

static int session_match(const void *item, const char *name)
{
	const struct rdmarpc_session *s = item;
	uint64_t id;

	return !session_id_parse(name, &id) && s->id == id;
}

int cmd_session(struct ctl *ctl, int argc, char **argv)
{
	static const struct ctl_list l = {
		.op = "session show",
		.size = sizeof(struct rdmarpc_session),
		.list = session_list,
		.print = session_print,
		.json = session_json,
	};
	uint64_t id;

	if (ctl_wants_help(argc, argv))
		return ctl_help("session");
	if (argc > 3 || (argc >= 2 && strcmp(argv[1], "show")))
		return ctl_usage("session");
	if (argc == 3 && session_id_parse(argv[2], &id)) {
		fprintf(stderr, PROG ": session show: invalid session id '%s' "
			"(0x1f as `session show' prints it, or decimal)\n",
			argv[2]);
		return EXIT_USAGE;
	}
	return ctl_list_show_one(ctl, &l, "session", argc == 3 ? argv[2] :
				 NULL, session_match);
}
