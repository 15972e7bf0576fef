// SPDX-License-Identifier: GPL-2.0
/*
 * Whole-protocol runs in the simulator: each fault alone, all together,
 * randomized fault schedules and parameters over many seeds, the
 * acceptance workloads over several seeds, and congestion control.
 */
#include <stdlib.h>

#include "harness.h"
#include "../sim/workload.h"

static bool run(struct wl_cfg *cfg, struct wl_result *r)
{
	if (wl_run(cfg, r))
		return false;
	if (!wl_ok(cfg, r))
		printf("# seed %llu size %u rpcs %llu: completed %llu failed %llu dup %llu wrong %llu double %llu hung %d leaked %ld\n",
		       (unsigned long long)cfg->net.seed, cfg->size,
		       (unsigned long long)cfg->rpcs,
		       (unsigned long long)r->completed,
		       (unsigned long long)r->failed,
		       (unsigned long long)r->duplicate_executions,
		       (unsigned long long)r->wrong_payloads,
		       (unsigned long long)r->double_completions, r->hung,
		       r->leaked);
	return wl_ok(cfg, r);
}

/* Under ASan everything is ~5x slower: fewer seeds, same coverage. */
static int seeds(int n)
{
	return th_sanitized() ? (n + 3) / 4 : n;
}

static const u32 sizes[] = { 32, 3000, 100000 };


#define FAULT_TEST(name, setup)						\
TEST(sim_fault_##name)							\
{									\
	struct wl_cfg cfg;						\
	struct wl_result r;						\
									\
	for (size_t z = 0; z < ARRAY_SIZE(sizes); z++) {		\
		for (int s = 1; s <= seeds(4); s++) {			\
			wl_default(&cfg);				\
			cfg.size = sizes[z];				\
			cfg.rpcs = sizes[z] > 10000 ? 40 : 1000;	\
			cfg.net.seed = (u64)s;				\
			setup;						\
			ASSERT_TRUE(run(&cfg, &r));			\
		}							\
	}								\
}

FAULT_TEST(loss, cfg.net.loss = 0.1)
FAULT_TEST(reorder, cfg.net.reorder = 0.3)
FAULT_TEST(duplicate, cfg.net.duplicate = 0.3)
FAULT_TEST(corrupt, cfg.net.corrupt = 0.05)
FAULT_TEST(tx_fail, cfg.net.tx_fail = 0.2)
FAULT_TEST(alloc_fail, cfg.alloc_fail_every = 13)
FAULT_TEST(async_handler, cfg.handler_ns = 30000)
FAULT_TEST(all_together,
	   cfg.net.loss = 0.05; cfg.net.reorder = 0.05;
	   cfg.net.duplicate = 0.02; cfg.net.corrupt = 0.01;
	   cfg.net.tx_fail = 0.02; cfg.alloc_fail_every = 101;
	   cfg.handler_ns = (u64)s * 10000)

/*
 * A lossy path that still delivers: 20% loss, 20% reorder, 5% duplicates
 * and 1% corruption at once, 64 KiB calls over small packets and few
 * credits, where runs of max_retries timeouts in a row happen.  No call
 * may give up: some packets still come back while they do.
 */
TEST(sim_heavy_loss_no_give_up)
{
	struct wl_cfg cfg;
	struct wl_result r;

	for (int s = 1; s <= seeds(12); s++) {
		wl_default(&cfg);
		cfg.size = 65536;
		cfg.rpcs = 100;
		cfg.params.mtu = 256;
		cfg.params.credits = 4;
		cfg.params.cc_init_cwnd = 4;
		cfg.net.seed = (u64)s;
		cfg.net.loss = 0.2;
		cfg.net.reorder = 0.2;
		cfg.net.duplicate = 0.05;
		cfg.net.corrupt = 0.01;
		ASSERT_TRUE(run(&cfg, &r));
		ASSERT_EQ(r.failed, 0);
	}
}

TEST(sim_fault_duplicates_counted)
{
	struct wl_cfg cfg;
	struct wl_result r;

	wl_default(&cfg);
	cfg.net.duplicate = 0.5;
	cfg.rpcs = 2000;
	ASSERT_TRUE(run(&cfg, &r));
	/* duplicates really reached the server and were absorbed */
	ASSERT_TRUE(r.server.dup_requests > 100);
	ASSERT_EQ(r.duplicate_executions, 0);
}

TEST(sim_randomized_schedules)
{
	struct wl_cfg cfg;
	struct wl_result r;
	u64 x = 12345;

	for (int s = 1; s <= seeds(120); s++) {
		/* all choices from one seeded stream */
#define RND() (x = x * 6364136223846793005ull + 1442695040888963407ull, x >> 33)
		wl_default(&cfg);
		cfg.net.seed = (u64)s;
		cfg.net.loss = (double)(RND() % 16) / 100;
		cfg.net.reorder = (double)(RND() % 21) / 100;
		cfg.net.duplicate = (double)(RND() % 11) / 100;
		cfg.net.corrupt = (double)(RND() % 6) / 100;
		cfg.net.tx_fail = RND() % 4 ? 0 : (double)(RND() % 10) / 100;
		cfg.net.latency_ns = 1000 + RND() % 50000;
		cfg.net.gbps = 1 + (double)(RND() % 100);
		cfg.alloc_fail_every = RND() % 4 ? 0 : 7 + RND() % 100;
		cfg.handler_ns = RND() % 3 ? 0 : RND() % 200000;
		cfg.params.mtu = (u32[]){ 256, 1024, 1500, 4096 }[RND() % 4];
		cfg.params.slots = 1u << (RND() % 6);
		cfg.params.credits = 1 + RND() % 64;
		cfg.params.cc_init_cwnd = 1 + RND() % cfg.params.credits;
		cfg.params.cc_algo = RND() % 5 ? RR_CC_AIMD : RR_CC_FIXED;
		cfg.params.rto_min_ns = 20000 + RND() % 2000000;
		cfg.params.rto_init_ns = cfg.params.rto_min_ns * 2;
		cfg.params.max_retries = 30;
		cfg.params.crc = true;
		switch (RND() % 4) {
		case 0:
			cfg.size = RND() % 64;
			cfg.rpcs = 300;
			break;
		case 1:
			cfg.size = RND() % 20000;
			cfg.rpcs = 60;
			break;
		case 2:
			cfg.size = RND() % 300000;
			cfg.rpcs = 6;
			break;
		default:
			cfg.size = RND() % 2000;
			cfg.resp_size = (s64)(RND() % 50000);
			cfg.rpcs = 40;
		}
		ASSERT_TRUE(run(&cfg, &r));
	}
}

TEST_TIMEOUT(sim_acceptance_workloads_many_seeds, 300)
{
	static const struct {
		u64 rpcs;
		u32 size;
		int seeds;
	} w[] = {
		{ 2000, 3000, 24 },
		{ 12, 1000000, 8 },
		{ 20000, 32, 24 },
		{ 20000, 3000, 2 },
		{ 200, 1000000, 1 },
		{ 200000, 32, 2 },
	};
	struct wl_cfg cfg;
	struct wl_result r;

	for (size_t i = 0; i < ARRAY_SIZE(w); i++) {
		for (int s = 1; s <= seeds(w[i].seeds); s++) {
			wl_default(&cfg);
			cfg.rpcs = w[i].rpcs;
			cfg.size = w[i].size;
			cfg.net.loss = 0.05;
			cfg.net.reorder = 0.05;
			cfg.net.duplicate = 0.01;
			cfg.net.corrupt = 0.001;
			cfg.net.seed = (u64)s * 1000 + 7;
			ASSERT_TRUE(run(&cfg, &r));
		}
	}
}

TEST(sim_total_loss_fails_every_call_in_bounded_time)
{
	struct wl_cfg cfg;
	struct wl_result r;

	wl_default(&cfg);
	cfg.rpcs = 100;
	cfg.size = 5000;
	cfg.net.loss = 1.0;
	ASSERT_EQ(wl_run(&cfg, &r), 0);
	ASSERT_TRUE(!r.hung);
	ASSERT_EQ(r.completed, 0);
	ASSERT_EQ(r.failed, 100);
	ASSERT_EQ(r.timeouts, 100);
	ASSERT_EQ(r.leaked, 0);
	/*
	 * 100 calls, 8 at a time, each under ~2.6 s of backed-off RTOs plus
	 * waits for credits held by other calls' lost packets (a slot's timer
	 * runs from its first packet out)
	 */
	ASSERT_TRUE(r.virtual_time_ns < 13 * 3500000000ull);
}

TEST(sim_deterministic)
{
	struct wl_cfg cfg;
	struct wl_result a, b;

	wl_default(&cfg);
	cfg.size = 5000;
	cfg.net.loss = 0.05;
	cfg.net.reorder = 0.1;
	cfg.net.seed = 99;
	ASSERT_TRUE(run(&cfg, &a));
	ASSERT_TRUE(run(&cfg, &b));
	ASSERT_EQ(a.virtual_time_ns, b.virtual_time_ns);
	ASSERT_EQ(a.retransmissions, b.retransmissions);
	ASSERT_EQ(a.net.sent, b.net.sent);
}

TEST(sim_congestion_control_backs_off_and_recovers)
{
	struct wl_cfg cfg;
	struct wl_result r;

	/* clean network: the window opens to the credits */
	wl_default(&cfg);
	cfg.size = 200000;
	cfg.rpcs = 20;
	cfg.params.cc_init_cwnd = 2;
	ASSERT_TRUE(run(&cfg, &r));
	ASSERT_EQ(r.client_info.cwnd, cfg.params.credits);
	ASSERT_EQ(r.client.cwnd_decreases, 0);
	/* lossy: it backs off */
	cfg.net.loss = 0.1;
	ASSERT_TRUE(run(&cfg, &r));
	ASSERT_TRUE(r.client.cwnd_decreases > 10);
	ASSERT_TRUE(r.client_info.cwnd < cfg.params.credits);
	/* a fixed window never moves */
	cfg.params.cc_algo = RR_CC_FIXED;
	ASSERT_TRUE(run(&cfg, &r));
	ASSERT_EQ(r.client.cwnd_decreases, 0);
}

/*
 * A long round-trip tail and no loss: every timeout is spurious.  Those
 * the peer can still tell (it had the resent packet, or we had the
 * response packet asked again) are found and counted, never more than
 * fired; with no tail, none fires at all.
 */
TEST(sim_rtt_tail_timeouts_found_spurious)
{
	static const u32 lens[] = { 32, 65536 };
	struct wl_cfg cfg;
	struct wl_result r;

	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		wl_default(&cfg);
		cfg.size = lens[i];
		cfg.rpcs = lens[i] > 1000 ? 300 : 5000;
		ASSERT_TRUE(run(&cfg, &r));
		ASSERT_EQ(r.client.rto_fires, 0);
		ASSERT_EQ(r.client.spurious_rtos, 0);
		cfg.net.tail = 0.01;
		cfg.net.tail_ns = 2 * cfg.params.rto_min_ns;
		ASSERT_TRUE(run(&cfg, &r));
		ASSERT_TRUE(r.net.delayed > 0);
		ASSERT_TRUE(r.client.rto_fires > 0);
		ASSERT_TRUE(r.client.spurious_rtos > 0);
		ASSERT_TRUE(r.client.spurious_rtos <= r.client.rto_fires);
	}
}

/*
 * The delay controller beside AIMD under a long RTT tail and no loss: it
 * cuts on rounds late as a whole, not on every spurious timeout, and so
 * finishes the same large calls sooner; with no tail both keep the window
 * at the credits and take the same time.
 */
TEST(sim_delay_cc_under_rtt_tail)
{
	struct wl_cfg cfg;
	struct wl_result aimd, delay;

	wl_default(&cfg);
	cfg.size = 65536;
	cfg.rpcs = 300;
	ASSERT_TRUE(run(&cfg, &aimd));
	cfg.params.cc_algo = RR_CC_DELAY;
	ASSERT_TRUE(run(&cfg, &delay));
	ASSERT_EQ(delay.client.cwnd_decreases, 0);
	ASSERT_EQ(delay.client_info.cwnd, cfg.params.credits);
	ASSERT_EQ(delay.virtual_time_ns, aimd.virtual_time_ns);
	cfg.net.tail = 0.01;
	cfg.net.tail_ns = 2 * cfg.params.rto_min_ns;
	cfg.params.cc_algo = RR_CC_AIMD;
	ASSERT_TRUE(run(&cfg, &aimd));
	cfg.params.cc_algo = RR_CC_DELAY;
	ASSERT_TRUE(run(&cfg, &delay));
	ASSERT_TRUE(delay.client.rto_fires < aimd.client.rto_fires);
	ASSERT_TRUE(delay.virtual_time_ns < aimd.virtual_time_ns);
}

TEST(sim_edge_parameters)
{
	struct wl_cfg cfg;
	struct wl_result r;

	/* one slot, one credit, smallest MTU, lossy */
	wl_default(&cfg);
	cfg.params.slots = 1;
	cfg.params.credits = 1;
	cfg.params.cc_init_cwnd = 1;
	cfg.params.mtu = RR_MIN_MTU;
	cfg.size = 20000;
	cfg.rpcs = 30;
	cfg.net.loss = 0.05;
	cfg.net.reorder = 0.1;
	ASSERT_TRUE(run(&cfg, &r));
	/* 32 slots, CRC off (no corruption), empty messages */
	wl_default(&cfg);
	cfg.params.slots = 32;
	cfg.params.crc = false;
	cfg.size = 0;
	cfg.rpcs = 3000;
	cfg.net.loss = 0.05;
	cfg.net.duplicate = 0.05;
	ASSERT_TRUE(run(&cfg, &r));
	/* the largest messages the defaults allow */
	wl_default(&cfg);
	cfg.params.mtu = 4096;
	cfg.size = 16u << 20;
	cfg.rpcs = 2;
	cfg.net.loss = 0.01;
	ASSERT_TRUE(run(&cfg, &r));
}

/*
 * Calls started together and answers due together share datagrams: on a
 * clean path eight calls go in one datagram each way, and under every
 * fault at once packed runs are as correct as unpacked ones.
 */
TEST(sim_packed_datagrams)
{
	struct wl_cfg cfg;
	struct wl_result r, u;

	wl_default(&cfg);
	cfg.rpcs = 800;
	ASSERT_TRUE(run(&cfg, &r));
	cfg.pack = false;
	ASSERT_TRUE(run(&cfg, &u));
	ASSERT_EQ(u.client.tx_packed + u.server.tx_packed, 0);
	ASSERT_EQ(u.net.sent, 2 * cfg.rpcs);
	/* slots (8) calls per datagram, and as many answers */
	ASSERT_EQ(r.net.sent, 2 * cfg.rpcs / cfg.params.slots);
	ASSERT_EQ(r.client.tx_packed, cfg.rpcs - cfg.rpcs / cfg.params.slots);
	for (int s = 1; s <= seeds(12); s++) {
		for (size_t z = 0; z < ARRAY_SIZE(sizes); z++) {
			wl_default(&cfg);
			cfg.net.seed = (u64)s;
			cfg.size = sizes[z];
			cfg.rpcs = sizes[z] > 10000 ? 20 : 400;
			cfg.params.slots = 16;
			cfg.params.credits = 64;
			cfg.handler_ns = s & 1 ? 0 : 30000;
			cfg.net.loss = 0.05;
			cfg.net.reorder = 0.1;
			cfg.net.duplicate = 0.05;
			cfg.net.corrupt = 0.02;
			ASSERT_TRUE(run(&cfg, &r));
			if (sizes[z] < 100)
				ASSERT_TRUE(r.client.tx_packed > 0);
		}
	}
}
