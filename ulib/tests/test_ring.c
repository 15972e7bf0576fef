// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library's side of the shared rings, against rings in anonymous
 * memory with the test playing the module: indices that wrap, a full
 * submission ring, entering when the module's thread sleeps or there is
 * none, reaping what is there.  The descriptor is /dev/null's, so every RING_ENTER the
 * library makes shows as -ENOTTY.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "internal.h"
#include "harness.h"

#define SQ 4
#define CQ 8

struct fake {
	int fd;
	void *map;
	size_t len;
	struct rdmarpc_ring_hdr *h;
	struct rdmarpc_call *sq;
	struct rdmarpc_completion *cq;
	struct rl_ring *r;
};

static int fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->len = 4096;
	f->map = mmap(NULL, f->len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f->map == MAP_FAILED)
		return -errno;
	f->h = f->map;
	f->h->sq_entries = SQ;
	f->h->cq_entries = CQ;
	f->h->sq_off = 64;
	f->h->cq_off = 64 + SQ * sizeof(struct rdmarpc_call);
	f->sq = (void *)((char *)f->map + f->h->sq_off);
	f->cq = (void *)((char *)f->map + f->h->cq_off);
	f->fd = open("/dev/null", O_RDWR);
	if (f->fd < 0)
		return -errno;
	return rl_ring_init(f->map, f->len, &f->r);
}

static void fake_fini(struct fake *f)
{
	rl_ring_free(f->r);	/* unmaps */
	close(f->fd);
}

/* The module takes every placed call; returns how many. */
static uint32_t module_take(struct fake *f)
{
	uint32_t n = f->h->sq_tail - f->h->sq_head;

	f->h->sq_head = f->h->sq_tail;
	return n;
}

static void module_complete(struct fake *f, uint64_t cookie, int err)
{
	struct rdmarpc_completion *c = &f->cq[f->h->cq_tail & (CQ - 1)];

	c->cookie = cookie;
	c->error = err;
	c->status = 0;
	c->resp_len = cookie * 10;
	f->h->cq_tail++;
}

static void calls_prep(struct rdmarpc_call *c, unsigned int n, uint64_t from)
{
	for (unsigned int i = 0; i < n; i++)
		rdmarpc_call_prep(&c[i], 1, 7, from + i, NULL, 0, NULL, 0, 0);
}

TEST(ring_init_checks_the_header)
{
	static char mem[4096];
	struct rdmarpc_ring_hdr *h = (void *)mem;
	struct rl_ring *r;

	h->sq_entries = 3;
	h->cq_entries = 8;
	EXPECT_EQ(-EPROTO, rl_ring_init(mem, sizeof(mem), &r));
	h->sq_entries = 4;
	h->sq_off = 4096;
	EXPECT_EQ(-EPROTO, rl_ring_init(mem, sizeof(mem), &r));
	h->sq_off = 64;
	h->cq_off = 4000;
	EXPECT_EQ(-EPROTO, rl_ring_init(mem, sizeof(mem), &r));
	EXPECT_NULL(r);
}

TEST(ring_submit_wraps_and_fills)
{
	struct rdmarpc_call calls[6];
	struct fake f;

	ASSERT_EQ(0, fake_init(&f));
	calls_prep(calls, 6, 100);
	EXPECT_EQ(3, rl_ring_submit(f.fd, f.r, calls, 3));
	EXPECT_EQ(3u, module_take(&f));
	/* Three more: slots 3, 0, 1. */
	EXPECT_EQ(3, rl_ring_submit(f.fd, f.r, calls + 3, 3));
	EXPECT_EQ(103u, f.sq[3].cookie);
	EXPECT_EQ(104u, f.sq[0].cookie);
	EXPECT_EQ(105u, f.sq[1].cookie);
	EXPECT_EQ(6u, f.h->sq_tail);
	/* One slot left, then none. */
	EXPECT_EQ(1, rl_ring_submit(f.fd, f.r, calls, 3));
	EXPECT_EQ(-EAGAIN, rl_ring_submit(f.fd, f.r, calls, 1));
	EXPECT_EQ(4u, module_take(&f));
	EXPECT_EQ(1, rl_ring_submit(f.fd, f.r, calls, 1));
	fake_fini(&f);
}

TEST(ring_submit_wakes_a_sleeping_thread)
{
	struct rdmarpc_call c;
	struct fake f;

	ASSERT_EQ(0, fake_init(&f));
	calls_prep(&c, 1, 1);
	/* Awake: no RING_ENTER. */
	EXPECT_EQ(1, rl_ring_submit(f.fd, f.r, &c, 1));
	/* Asleep: RING_ENTER, on /dev/null here, so its -ENOTTY. */
	f.h->flags = RDMARPC_RING_NEED_WAKEUP;
	EXPECT_EQ(-ENOTTY, rl_ring_submit(f.fd, f.r, &c, 1));
	/* The entry was placed all the same. */
	EXPECT_EQ(2u, f.h->sq_tail);
	fake_fini(&f);
}

TEST(ring_reap_takes_what_is_there)
{
	struct rdmarpc_completion out[CQ];
	struct fake f;

	ASSERT_EQ(0, fake_init(&f));
	/* Nothing there, no wait. */
	EXPECT_EQ(0, rl_ring_reap(f.fd, f.r, 0, out, 4, 0, 0));
	EXPECT_EQ(0, rl_ring_reap(f.fd, f.r, 100, out, 4, 1, 0));
	for (uint64_t i = 1; i <= 3; i++)
		module_complete(&f, i, i == 2 ? -ETIMEDOUT : 0);
	EXPECT_EQ(2, rl_ring_reap(f.fd, f.r, 0, out, 2, 1, 0));
	EXPECT_EQ(1u, out[0].cookie);
	EXPECT_EQ(-ETIMEDOUT, out[1].error);
	EXPECT_EQ(2u, f.h->cq_head);
	EXPECT_EQ(1, rl_ring_reap(f.fd, f.r, 0, out, 4, 0, 0));
	EXPECT_EQ(3u, out[0].cookie);
	EXPECT_EQ(30u, out[0].resp_len);
	/* Around the end of the ring. */
	for (uint64_t i = 4; i <= 10; i++)
		module_complete(&f, i, 0);
	EXPECT_EQ(7, rl_ring_reap(f.fd, f.r, 0, out, CQ, 7, 0));
	for (int i = 0; i < 7; i++)
		EXPECT_EQ(4u + i, out[i].cookie);
	fake_fini(&f);
}

/*
 * Waiting for more than is there enters the kernel (-ENOTTY here): the
 * error comes back only if nothing was taken; what was taken is returned.
 */
TEST(ring_reap_waits_in_the_kernel)
{
	struct rdmarpc_completion out[2];
	struct fake f;

	ASSERT_EQ(0, fake_init(&f));
	EXPECT_EQ(-ENOTTY, rl_ring_reap(f.fd, f.r, 0, out, 2, 1, -1));
	EXPECT_EQ(-ENOTTY, rl_ring_reap(f.fd, f.r, 0, out, 2, 1, 50));
	module_complete(&f, 1, 0);
	EXPECT_EQ(1, rl_ring_reap(f.fd, f.r, 0, out, 2, 2, -1));
	EXPECT_EQ(1u, out[0].cookie);
	EXPECT_EQ(1u, f.h->cq_head);
	fake_fini(&f);
}

/*
 * Rings without a ring thread (the flag always set): only RING_ENTER moves
 * completions in, so a reap that must not wait, finding none, enters
 * once (-ENOTTY here) instead of reporting an empty ring forever.
 */
TEST(ring_reap_enters_when_nothing_else_moves_completions)
{
	struct rdmarpc_completion out[2];
	struct fake f;

	ASSERT_EQ(0, fake_init(&f));
	f.h->flags = RDMARPC_RING_NEED_WAKEUP;
	EXPECT_EQ(-ENOTTY, rl_ring_reap(f.fd, f.r, 0, out, 2, 0, 0));
	EXPECT_EQ(-ENOTTY, rl_ring_reap(f.fd, f.r, 100, out, 2, 1, 0));
	/* What is there is taken, and returned whatever entering said. */
	module_complete(&f, 1, 0);
	EXPECT_EQ(1, rl_ring_reap(f.fd, f.r, 0, out, 2, 0, 0));
	module_complete(&f, 2, 0);
	EXPECT_EQ(1, rl_ring_reap(f.fd, f.r, 100, out, 2, 2, 0));
	EXPECT_EQ(2u, out[0].cookie);
	/* With the thread awake, an empty ring is just empty. */
	f.h->flags = 0;
	EXPECT_EQ(0, rl_ring_reap(f.fd, f.r, 0, out, 2, 0, 0));
	fake_fini(&f);
}

/* rdmarpc_rings_set(): the three choices, nothing else. */
TEST(rings_set_takes_the_three_choices)
{
	struct rdmarpc *ep;
	int fd;

	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(0, rl_ep_wrap(fd, &ep));
	EXPECT_EQ(0, rdmarpc_rings_set(ep, RDMARPC_RINGS_OFF));
	EXPECT_EQ(0, rdmarpc_rings_set(ep, RDMARPC_RINGS_THREAD));
	EXPECT_EQ(0, rdmarpc_rings_set(ep, RDMARPC_RINGS_ON));
	EXPECT_EQ(-EINVAL, rdmarpc_rings_set(ep, -1));
	EXPECT_EQ(-EINVAL, rdmarpc_rings_set(ep, RDMARPC_RINGS_THREAD + 1));
	EXPECT_EQ(-EINVAL, rdmarpc_rings_set(NULL, RDMARPC_RINGS_ON));
	/* /dev/null has no BUSY_POLL: no rings, and the choice stays open. */
	EXPECT_EQ(-ENOTTY, rdmarpc_busy_poll_set(ep, 10));
	EXPECT_EQ(0, rdmarpc_rings_active(ep));
	rdmarpc_close(ep);
}
