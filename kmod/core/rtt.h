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
void rr_rtt_sample(struct rr_rtt *r, u64 m);
u64 rr_rtt_rto(const struct rr_rtt *r, unsigned int backoff);

#endif /* RR_CORE_RTT_H */
