// SPDX-License-Identifier: GPL-2.0
/*
 * RTT estimation and RTO (RFC 6298).  Samples are taken only from packets
 * sent once (Karn's rule is the caller's job: see protocol.c).
 */
#include "rtt.h"

static u64 rr_clamp64(u64 v, u64 lo, u64 hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void rr_rtt_init(struct rr_rtt *r, u64 init, u64 min, u64 max)
{
	r->srtt = 0;
	r->rttvar = 0;
	r->min = min;
	r->max = max;
	r->rto = rr_clamp64(init, min, max);
	r->samples = 0;
}
