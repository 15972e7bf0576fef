/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Retransmission timeout from measured round trips (RFC 6298): SRTT and
 * RTTVAR, RTO = SRTT + 4 * RTTVAR clamped to [min, max], exponential backoff.
 * All times in nanoseconds.
 */
#ifndef RR_CORE_RTT_H
#define RR_CORE_RTT_H

#include "compat.h"

struct rr_rtt {
	u64 srtt;
	u64 rttvar;
	u64 rto;
	u64 min;
	u64 max;
	u64 samples;
};

void rr_rtt_init(struct rr_rtt *r, u64 init, u64 min, u64 max);

/* The timeout after @backoff consecutive expiries: doubled each time. */
static inline u64 rr_rtt_rto(const struct rr_rtt *r, unsigned int backoff)
{
	u64 t = r->rto;

	while (backoff-- && t < r->max)
		t <<= 1;
	return t < r->max ? t : r->max;
}

/* A round trip of @m ns was measured (inline: once per small call). */
static inline void rr_rtt_sample(struct rr_rtt *r, u64 m)
{
	u64 delta, rto;

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
	rto = r->srtt + 4 * r->rttvar;
	r->rto = rto < r->min ? r->min : rto > r->max ? r->max : rto;
}

#endif /* RR_CORE_RTT_H */
