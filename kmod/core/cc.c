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
	cc->ssthresh = max_t(u32, cc->cwnd / 2, 1);
	cc->cwnd = cc->ssthresh;
	cc->acked = 0;
	cc->decreases++;
	return true;
}
