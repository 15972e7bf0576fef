// SPDX-License-Identifier: GPL-2.0
/*
 * RTO estimation and the congestion windows.
 */
#include "harness.h"
#include "../../kmod/core/protocol.h"

TEST(rtt_rfc6298)
{
	struct rr_rtt r;

	rr_rtt_init(&r, 5000000, 100000, 1000000000);
	ASSERT_EQ(rr_rtt_rto(&r, 0), 5000000);
	rr_rtt_sample(&r, 1000000);
	ASSERT_EQ(r.srtt, 1000000);
	ASSERT_EQ(r.rttvar, 500000);
	ASSERT_EQ(r.rto, 3000000);
	/* converges to a steady RTT; variance decays */
	for (int i = 0; i < 200; i++)
		rr_rtt_sample(&r, 400000);
	ASSERT_TRUE(r.srtt > 399000 && r.srtt < 401000);
	ASSERT_TRUE(r.rto < 450000);
	/* floor */
	for (int i = 0; i < 200; i++)
		rr_rtt_sample(&r, 10);
	ASSERT_EQ(r.rto, 100000);
	/* backoff doubles and stops at the ceiling */
	ASSERT_EQ(rr_rtt_rto(&r, 1), 200000);
	ASSERT_EQ(rr_rtt_rto(&r, 3), 800000);
	ASSERT_EQ(rr_rtt_rto(&r, 40), 1000000000);
	/* ceiling on samples too */
	rr_rtt_sample(&r, 10000000000ull);
	ASSERT_EQ(r.rto, 1000000000);
}

TEST(cc_aimd_backs_off_and_recovers)
{
	struct rr_cc cc;
	u64 now = 0, rtt = 1000;
	u32 w;

	rr_cc_init(&cc, RR_CC_AIMD, 4, 32);
	ASSERT_EQ(rr_cc_window(&cc), 4);
	/* slow start to the cap */
	for (int i = 0; i < 100; i++)
		rr_cc_on_ack(&cc, 1);
	ASSERT_EQ(rr_cc_window(&cc), 32);
	/* a loss halves it */
	ASSERT_TRUE(rr_cc_on_loss(&cc, now, rtt));
	ASSERT_EQ(rr_cc_window(&cc), 16);
	/* further losses in the same RTT are the same event */
	ASSERT_TRUE(!rr_cc_on_loss(&cc, now + rtt / 2, rtt));
	ASSERT_EQ(rr_cc_window(&cc), 16);
	/* one per RTT: down to the floor of 1, never 0 */
	for (int i = 1; i < 10; i++)
		rr_cc_on_loss(&cc, now + (u64)i * rtt, rtt);
	ASSERT_EQ(rr_cc_window(&cc), 1);
	ASSERT_EQ(cc.decreases, 5);
	/* additive increase: +1 per window of acks */
	for (w = 1; w < 32; w++) {
		for (u32 a = 0; a < w - 1; a++)
			rr_cc_on_ack(&cc, 1);
		ASSERT_EQ(rr_cc_window(&cc), w);
		rr_cc_on_ack(&cc, 1);
		ASSERT_EQ(rr_cc_window(&cc), w + 1);
	}
	/* and not beyond the credits */
	for (int i = 0; i < 1000; i++)
		rr_cc_on_ack(&cc, 1);
	ASSERT_EQ(rr_cc_window(&cc), 32);
}

TEST(cc_fixed_ignores_loss)
{
	struct rr_cc cc;

	rr_cc_init(&cc, RR_CC_FIXED, 1, 8);
	ASSERT_EQ(rr_cc_window(&cc), 8);
	ASSERT_TRUE(!rr_cc_on_loss(&cc, 0, 1));
	ASSERT_EQ(rr_cc_window(&cc), 8);
}

/*
 * The delay controller: rounds last the minimum RTT; a round whose
 * smallest sample is within the target grows the window by one, one above
 * it shrinks the window in proportion, by under a quarter.
 */
TEST(cc_delay_follows_the_round_minimum)
{
	const u64 base = 100000;	/* 100 us: the target is 150 us */
	struct rr_cc cc;
	u64 now = 0;
	u32 w;

	rr_cc_init(&cc, RR_CC_DELAY, 4, 32);
	/* slow start on acks, as AIMD, up to the cap */
	for (int i = 0; i < 100; i++)
		rr_cc_on_ack(&cc, 1);
	ASSERT_EQ(rr_cc_window(&cc), 32);
	/* the first sample sets the base and closes a round: no cut */
	ASSERT_TRUE(!rr_cc_on_rtt(&cc, now, base));
	ASSERT_EQ(cc.min_rtt, base);
	/* within a round only the smallest sample counts: one late packet
	 * among timely ones moves nothing */
	ASSERT_TRUE(!rr_cc_on_rtt(&cc, now + base / 4, 20 * base));
	ASSERT_TRUE(!rr_cc_on_rtt(&cc, now + base / 2, base));
	now += base;
	ASSERT_TRUE(!rr_cc_on_rtt(&cc, now, base + base / 4));
	ASSERT_EQ(rr_cc_window(&cc), 32);
	ASSERT_EQ(cc.decreases, 0);
	/* a round all 4x the base: the excess over the target cuts */
	now += 2 * base;
	ASSERT_TRUE(rr_cc_on_rtt(&cc, now, 4 * base));
	/* 32 * (400 - 150) / (4 * 400) = 5 */
	ASSERT_EQ(rr_cc_window(&cc), 27);
	ASSERT_EQ(cc.ssthresh, 27);
	/* once per round: a second bad sample in it changes nothing */
	ASSERT_TRUE(!rr_cc_on_rtt(&cc, now + base / 2, 4 * base));
	ASSERT_EQ(rr_cc_window(&cc), 27);
	/* acks no longer grow it past slow start ... */
	for (int i = 0; i < 100; i++)
		rr_cc_on_ack(&cc, 1);
	ASSERT_EQ(rr_cc_window(&cc), 27);
	/* ... good rounds do, one packet each */
	for (w = 27; w < 32; w++) {
		now += base;
		ASSERT_TRUE(!rr_cc_on_rtt(&cc, now, base));
		ASSERT_EQ(rr_cc_window(&cc), w + 1);
	}
	now += base;
	rr_cc_on_rtt(&cc, now, base);
	ASSERT_EQ(rr_cc_window(&cc), 32);
	/* a huge excess cuts by under a quarter, and never below 1 */
	now += base;
	rr_cc_on_rtt(&cc, now, 1000 * base);
	ASSERT_EQ(rr_cc_window(&cc), 25);
	for (int i = 0; i < 20; i++) {
		now += base;
		rr_cc_on_rtt(&cc, now, 1000 * base);
	}
	ASSERT_EQ(rr_cc_window(&cc), 1);
	/* losses halve it as in AIMD; the undo restores */
	rr_cc_init(&cc, RR_CC_DELAY, 8, 32);
	ASSERT_TRUE(rr_cc_on_loss(&cc, now, base));
	ASSERT_EQ(rr_cc_window(&cc), 4);
	ASSERT_TRUE(rr_cc_undo(&cc));
	ASSERT_EQ(rr_cc_window(&cc), 8);
	/* the other controllers ignore RTT samples */
	rr_cc_init(&cc, RR_CC_AIMD, 8, 32);
	ASSERT_TRUE(!rr_cc_on_rtt(&cc, now, 1000 * base));
	ASSERT_EQ(rr_cc_window(&cc), 8);
}

/* A path whose minimum has grown for longer than RR_CC_MIN_RTT_NS. */
TEST(cc_delay_min_rtt_expires)
{
	const u64 base = 100000;
	struct rr_cc cc;
	u64 now = 0;

	rr_cc_init(&cc, RR_CC_DELAY, 8, 32);
	rr_cc_on_rtt(&cc, now, base);
	while (now < RR_CC_MIN_RTT_NS + 4 * base) {
		now += 3 * base;
		rr_cc_on_rtt(&cc, now, 3 * base);
	}
	ASSERT_EQ(cc.min_rtt, 3 * base);
	ASSERT_TRUE(rr_cc_window(&cc) >= 1);
	/* and with it the rounds are 3x longer: samples within one
	 * do not close it */
	now += 3 * base;
	rr_cc_on_rtt(&cc, now, 3 * base);
	ASSERT_EQ(cc.round_end, now + 3 * base);
}
