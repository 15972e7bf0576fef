/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Congestion control for a client session's window, in packets.
 *
 * RR_CC_AIMD: slow start up to ssthresh, then +1 packet per window of acks
 * (one per RTT); on loss (a retransmission timeout or a hole seen in the
 * selective acks) halve, at most once per RTT, never below 1.  The window is
 * always capped by the session's credits.
 * RR_CC_FIXED: the window is the credits (for measurements).
 */
#ifndef RR_CORE_CC_H
#define RR_CORE_CC_H

#include "compat.h"

enum rr_cc_algo {
	RR_CC_AIMD = 0,
	RR_CC_FIXED,
	RR_CC_ALGO_END,
};

struct rr_cc {
	u32 algo;
	u32 cwnd;
	u32 ssthresh;
	u32 acked;
	u32 max;
	u64 recover_until;
	u64 decreases;
	/* Before the last decrease, for rr_cc_undo(); @undo_ok: not undone. */
	u32 prior_cwnd;
	u32 prior_ssthresh;
	bool undo_ok;
};

void rr_cc_init(struct rr_cc *cc, u32 algo, u32 init, u32 max);
bool rr_cc_on_loss(struct rr_cc *cc, u64 now, u64 rtt);
bool rr_cc_undo(struct rr_cc *cc);

/* @n packets were answered: grow (inline: once per packet received). */
static inline void rr_cc_on_ack(struct rr_cc *cc, u32 n)
{
	if (cc->cwnd >= cc->max)
		return;
	if (cc->cwnd < cc->ssthresh) {
		cc->cwnd = min_t(u32, cc->cwnd + n, cc->ssthresh);
		return;
	}
	cc->acked += n;
	if (cc->acked >= cc->cwnd) {
		cc->acked -= cc->cwnd;
		cc->cwnd++;
	}
}

static inline u32 rr_cc_window(const struct rr_cc *cc)
{
	return cc->cwnd;
}

#endif /* RR_CORE_CC_H */
