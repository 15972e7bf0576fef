/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A deterministic two-node datagram network for the session core: virtual
 * time, latency, bandwidth, MTU, and seeded loss, reordering, duplication,
 * corruption and send-buffer exhaustion.  Each node hosts one session; the
 * simulator plays the environment's transmit side and its per-session timer.
 */
#ifndef RR_SIM_H
#define RR_SIM_H

#include "../../kmod/core/protocol.h"

struct sim_net_cfg {
	u64 seed;
	u32 mtu;
	u64 latency_ns;		/* one way */
	double gbps;		/* link rate, each direction */
	double loss;
	double reorder;		/* extra random delay for this fraction */
	double duplicate;
	double corrupt;		/* one bit flipped somewhere in the packet */
	double tx_fail;		/* tx_get_buf() returns NULL */
	/*
	 * A long round-trip tail: this fraction of packets comes 0.5 to 1.5 x
	 * tail_ns late (a host's scheduling hiccup, not the network's queue).
	 */
	double tail;
	u64 tail_ns;
};

struct sim_net_stats {
	u64 sent;
	u64 delivered;
	u64 lost;
	u64 duplicated;
	u64 corrupted;
	u64 reordered;
	u64 delayed;		/* by the tail */
	u64 tx_fail;
	u64 unknown;		/* for no session here / bad peek */
};

struct sim;

/* What a node's session callbacks get as ctx. */
struct sim_node {
	struct sim *sim;
	int id;
	struct rr_session *sess;
	u32 sess_id;
	u32 tag;
	u64 stall_poll;		/* when to retry after a tx stall */
	void *app;		/* the workload's own state */
};

struct sim *sim_create(const struct sim_net_cfg *cfg);
void sim_destroy(struct sim *sim);
struct sim_node *sim_node(struct sim *sim, int id);
void sim_attach(struct sim *sim, int id, struct rr_session *s, u32 sess_id,
		u32 tag);
u64 sim_now(const struct sim *sim);
u64 sim_next_time(struct sim *sim);
void sim_advance(struct sim *sim, u64 t);
int sim_step(struct sim *sim);
const struct sim_net_stats *sim_stats(const struct sim *sim);

/* rr_ops transmit callbacks; ctx is the sending struct sim_node. */
void *sim_tx_get_buf(void *ctx);
void sim_tx_send(void *ctx, void *buf, u32 len);

#endif /* RR_SIM_H */
