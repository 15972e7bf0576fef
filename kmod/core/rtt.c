// SPDX-License-Identifier: GPL-2.0
/*
 * RTT estimation and RTO (RFC 6298).  Samples are taken only from packets
 * sent once (Karn's rule is the caller's job: see session.c).
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

void rr_rtt_sample(struct rr_rtt *r, u64 m)
{
	u64 delta;

	if (!r->samples) {
		r->srtt = m;
		r->rttvar = m / 2;
	} else {
		delta = r->srtt > m ? r->srtt - m : m - r->srtt;
		/* beta = 1/4, alpha = 1/8 */
		r->rttvar = r->rttvar - r->rttvar / 4 + delta / 4;
		r->srtt = r->srtt - r->srtt / 8 + m / 8;
	}
	r->samples++;
	r->rto = rr_clamp64(r->srtt + 4 * r->rttvar, r->min, r->max);
}

/* The timeout after @backoff consecutive expiries: doubled each time. */
u64 rr_rtt_rto(const struct rr_rtt *r, unsigned int backoff)
{
	u64 t = r->rto;

	while (backoff-- && t < r->max)
		t <<= 1;
	return t < r->max ? t : r->max;
}
