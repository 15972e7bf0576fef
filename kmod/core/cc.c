// SPDX-License-Identifier: GPL-2.0
/*
 * AIMD congestion window (see cc.h).
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
