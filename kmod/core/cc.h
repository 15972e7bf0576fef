/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Congestion control for a client session's window, in packets.
 *
 * RR_CC_AIMD: slow start up to ssthresh, then +1 packet per window of acks
 * (one per RTT); on loss (a retransmission timeout or a hole seen in the
 * selective acks) halve, at most once per RTT, never below 1.  The window is
 * always capped by the session's credits.
 * RR_CC_FIXED: the window is the credits (for measurements).
 * RR_CC_DELAY: delay-based, after Timely and Swift.  Slow start as AIMD;
 * then, once per round (the path's minimum RTT), the smallest round trip
 * of the round is set against a target: the path's minimum RTT plus half
 * of it, or plus RR_CC_SLACK_NS if that is more (a run of packets queues
 * behind itself).  At or below the target the window grows by one packet;
 * above it, it shrinks by a quarter of the excess's share of the sample
 * (under a quarter per round).  The smallest sample of a round is the one
 * delayed least, so one late packet among timely ones moves nothing.
 * Losses halve the window as in AIMD.
 */
#ifndef RR_CORE_CC_H
#define RR_CORE_CC_H

#include "compat.h"

enum rr_cc_algo {
	RR_CC_AIMD = 0,
	RR_CC_FIXED,
	RR_CC_DELAY,
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
	/* RR_CC_DELAY: the path's minimum RTT and the round in progress. */
	u64 min_rtt;
	u64 min_rtt_at;
	u64 round_end;
	u64 round_min;
};

/* How long a minimum RTT stands before a round's minimum replaces it. */
#define RR_CC_MIN_RTT_NS (10ULL * 1000 * 1000 * 1000)
/* The least queueing delay RR_CC_DELAY tolerates above the minimum. */
#define RR_CC_SLACK_NS (50ULL * 1000)

void rr_cc_init(struct rr_cc *cc, u32 algo, u32 init, u32 max);
bool rr_cc_on_loss(struct rr_cc *cc, u64 now, u64 rtt);
bool rr_cc_undo(struct rr_cc *cc);
bool rr_cc_on_rtt(struct rr_cc *cc, u64 now, u64 rtt);

/* @n packets were answered: grow (inline: once per packet received). */
static inline void rr_cc_on_ack(struct rr_cc *cc, u32 n)
{
	if (cc->cwnd >= cc->max)
		return;
	if (cc->cwnd < cc->ssthresh) {
		cc->cwnd = min_t(u32, cc->cwnd + n, cc->ssthresh);
		return;
	}
	/* Past slow start the delay controller grows once per round. */
	if (cc->algo == RR_CC_DELAY)
		return;
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
