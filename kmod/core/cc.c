// SPDX-License-Identifier: GPL-2.0
/*
 * Congestion windows: AIMD and delay-based (see cc.h).
 */
#include "cc.h"

void rr_cc_init(struct rr_cc *cc, u32 algo, u32 init, u32 max)
{
	cc->algo = algo;
	cc->max = max ? max : 1;
	cc->cwnd = algo == RR_CC_FIXED ? cc->max :
		   init ? min_t(u32, init, cc->max) : 1;
	cc->ssthresh = cc->max;
	cc->acked = 0;
	cc->recover_until = 0;
	cc->decreases = 0;
	cc->undo_ok = false;
	cc->min_rtt = 0;
	cc->min_rtt_at = 0;
	cc->round_end = 0;
	cc->round_min = 0;
}

/*
 * A loss was detected at @now.  Losses within one RTT of the last decrease
 * are the same congestion event and do not shrink the window again.
 * Returns true if the window was reduced.
 */
bool rr_cc_on_loss(struct rr_cc *cc, u64 now, u64 rtt)
{
	if (cc->algo == RR_CC_FIXED || now < cc->recover_until)
		return false;
	cc->recover_until = now + rtt;
	if (cc->cwnd == 1) {
		cc->ssthresh = 1;
		return false;
	}
	cc->prior_cwnd = cc->cwnd;
	cc->prior_ssthresh = cc->ssthresh;
	cc->undo_ok = true;
	cc->ssthresh = max_t(u32, cc->cwnd / 2, 1);
	cc->cwnd = cc->ssthresh;
	cc->acked = 0;
	cc->decreases++;
	return true;
}

/*
 * The loss behind the last decrease was no loss (a spurious timeout): the
 * window and threshold go back to what they were, or stay if they have
 * grown past that since.  Once per decrease; true if it was undone.
 */
bool rr_cc_undo(struct rr_cc *cc)
{
	if (!cc->undo_ok)
		return false;
	cc->undo_ok = false;
	cc->cwnd = max_t(u32, cc->cwnd, cc->prior_cwnd);
	cc->ssthresh = max_t(u32, cc->ssthresh, cc->prior_ssthresh);
	cc->acked = 0;
	cc->recover_until = 0;
	return true;
}

/*
 * RR_CC_DELAY: a round trip of @rtt ns was measured at @now.  Rounds last
 * the path's minimum RTT; at a round's end its smallest sample decides.
 * Returns true if the window was reduced.
 */
bool rr_cc_on_rtt(struct rr_cc *cc, u64 now, u64 rtt)
{
	u64 d, target;
	u32 cut;

	if (cc->algo != RR_CC_DELAY || !rtt)
		return false;
	if (!cc->min_rtt || rtt < cc->min_rtt) {
		cc->min_rtt = rtt;
		cc->min_rtt_at = now;
	}
	if (!cc->round_min || rtt < cc->round_min)
		cc->round_min = rtt;
	if (now < cc->round_end)
		return false;
	d = cc->round_min;
	cc->round_min = 0;
	/* A path that got longer: its old minimum stops being the base. */
	if (now - cc->min_rtt_at > RR_CC_MIN_RTT_NS) {
		cc->min_rtt = d;
		cc->min_rtt_at = now;
	}
	cc->round_end = now + cc->min_rtt;
	target = cc->min_rtt + max_t(u64, cc->min_rtt / 2, RR_CC_SLACK_NS);
	if (d <= target) {
		if (cc->cwnd >= cc->ssthresh && cc->cwnd < cc->max)
			cc->cwnd++;
		return false;
	}
	if (cc->cwnd == 1) {
		cc->ssthresh = 1;
		return false;
	}
	/* Shrink by (d - target) / (4 d): under a quarter, one at least. */
	cut = (u32)div64_u64((u64)cc->cwnd * (d - target), 4 * d);
	cc->cwnd -= max_t(u32, cut, 1);
	cc->ssthresh = cc->cwnd;
	cc->acked = 0;
	cc->undo_ok = false;
	cc->decreases++;
	return true;
}
