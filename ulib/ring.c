// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Shared rings: rdmarpc_submit() and rdmarpc_reap() through a submission
 * and a completion ring mapped from the module (RDMARPC_IOC_RING_SETUP in
 * <rdmarpc.h> has the contract): the module moves calls and completions
 * when this process enters (RING_ENTER), or, with RDMARPC_RINGS_THREAD,
 * also in a ring thread of its own, so that a process that polls makes no
 * system call per call while that thread is awake.  Set up when busy
 * polling is turned on (rdmarpc_busy_poll_set()), unless
 * rdmarpc_rings_set() said no; a module without rings leaves the ioctls.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "internal.h"

/* Entries of the submission ring; the completion ring has twice as many. */
#define RL_RING_SQ	256

struct rl_ring {
	void *map;
	size_t map_len;
	struct rdmarpc_ring_hdr *hdr;
	struct rdmarpc_call *sqes;
	struct rdmarpc_completion *cqes;
	uint32_t sq_mask;
	uint32_t cq_mask;
	pthread_mutex_t sq_lock;	/* one submitter at a time */
	pthread_mutex_t cq_lock;	/* one reaper at a time */
};

static uint32_t rl_load_acquire(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void rl_store_release(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

int rl_ring_init(void *map, size_t map_len, struct rl_ring **out)
{
	struct rdmarpc_ring_hdr *h = map;
	struct rl_ring *r;

	*out = NULL;
	if (map_len < sizeof(*h) || !h->sq_entries || !h->cq_entries ||
	    (h->sq_entries & (h->sq_entries - 1)) ||
	    (h->cq_entries & (h->cq_entries - 1)) ||
	    h->sq_off + (uint64_t)h->sq_entries * sizeof(*r->sqes) > map_len ||
	    h->cq_off + (uint64_t)h->cq_entries * sizeof(*r->cqes) > map_len)
		return -EPROTO;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->map = map;
	r->map_len = map_len;
	r->hdr = h;
	r->sqes = (struct rdmarpc_call *)((char *)map + h->sq_off);
	r->cqes = (struct rdmarpc_completion *)((char *)map + h->cq_off);
	r->sq_mask = h->sq_entries - 1;
	r->cq_mask = h->cq_entries - 1;
	pthread_mutex_init(&r->sq_lock, NULL);
	pthread_mutex_init(&r->cq_lock, NULL);
	*out = r;
	return 0;
}

int rl_ring_setup(int fd, bool thread, struct rl_ring **out)
{
	struct rdmarpc_ring_setup s;
	void *map;
	int err;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.flags = thread ? RDMARPC_RING_SETUP_THREAD : 0;
	s.sq_entries = RL_RING_SQ;
	err = ioctl(fd, RDMARPC_IOC_RING_SETUP, &s) < 0 ? -errno : 0;
	/* Modules before the flag always served the rings with a thread. */
	if (err == -EINVAL && thread) {
		s.flags = 0;
		err = ioctl(fd, RDMARPC_IOC_RING_SETUP, &s) < 0 ? -errno : 0;
	}
	if (err)
		return err;
	map = mmap(NULL, s.map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	err = rl_ring_init(map, s.map_len, out);
	if (err)
		munmap(map, s.map_len);
	return err;
}

void rl_ring_free(struct rl_ring *r)
{
	if (!r)
		return;
	munmap(r->map, r->map_len);
	pthread_mutex_destroy(&r->sq_lock);
	pthread_mutex_destroy(&r->cq_lock);
	free(r);
}

/*
 * Have the module take what was placed and move what completed, in this
 * thread; then wait for @min completions (0: none).
 */
static int rl_ring_enter(int fd, uint32_t min, uint32_t timeout_ms)
{
	struct rdmarpc_ring_enter e = {
		.size = sizeof(e),
		.min_complete = min,
		.timeout_ms = timeout_ms,
	};

	return ioctl(fd, RDMARPC_IOC_RING_ENTER, &e) < 0 ? -errno : 0;
}

/*
 * Only RING_ENTER serves the rings now (RDMARPC_RING_NEED_WAKEUP): the
 * ring thread sleeps, or there is none.
 */
static bool rl_ring_asleep(const struct rl_ring *r)
{
	return __atomic_load_n(&r->hdr->flags, __ATOMIC_RELAXED) &
	       RDMARPC_RING_NEED_WAKEUP;
}

/* Enter if the thread sleeps; after a store the module must see. */
static int rl_ring_kick(int fd, struct rl_ring *r)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return rl_ring_asleep(r) ? rl_ring_enter(fd, 0, 0) : 0;
}

int rl_ring_submit(int fd, struct rl_ring *r, const struct rdmarpc_call *calls,
		   unsigned int n)
{
	uint32_t head, tail, room, i;
	int err;

	pthread_mutex_lock(&r->sq_lock);
	head = rl_load_acquire(&r->hdr->sq_head);
	tail = r->hdr->sq_tail;
	room = r->sq_mask + 1 - (tail - head);
	if (n > room)
		n = room;
	for (i = 0; i < n; i++)
		r->sqes[(tail + i) & r->sq_mask] = calls[i];
	if (n)
		rl_store_release(&r->hdr->sq_tail, tail + n);
	err = rl_ring_kick(fd, r);
	pthread_mutex_unlock(&r->sq_lock);
	if (!n)
		return -EAGAIN;
	return err ? err : (int)n;
}

/* Take up to @n completions there are; kicks the module if it was full. */
static unsigned int rl_ring_take(int fd, struct rl_ring *r,
				 struct rdmarpc_completion *c, unsigned int n)
{
	uint32_t head = r->hdr->cq_head;
	uint32_t ready = rl_load_acquire(&r->hdr->cq_tail) - head;
	bool was_full = ready > r->cq_mask;
	unsigned int i, take = ready < n ? ready : n;

	for (i = 0; i < take; i++)
		c[i] = r->cqes[(head + i) & r->cq_mask];
	if (!take)
		return 0;
	rl_store_release(&r->hdr->cq_head, head + take);
	/*
	 * A full ring held completions back: there is room now (the thread
	 * goes on by itself if it is awake; else this enters).
	 */
	if (was_full)
		rl_ring_kick(fd, r);
	return take;
}

static void rl_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

static uint64_t rl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Spin up to @us for a completion; true if one came. */
static bool rl_ring_spin(struct rl_ring *r, unsigned int us)
{
	uint64_t end = rl_now_ns() + (uint64_t)us * 1000;
	unsigned int i = 0;

	for (;;) {
		if (rl_load_acquire(&r->hdr->cq_tail) != r->hdr->cq_head)
			return true;
		/* The clock only every so often: it costs more than a look. */
		if (!(++i & 63) && rl_now_ns() >= end)
			return false;
		rl_cpu_relax();
	}
}

int rl_ring_reap(int fd, struct rl_ring *r, unsigned int busy_us,
		 struct rdmarpc_completion *c, unsigned int n,
		 unsigned int min, int timeout_ms)
{
	uint32_t wait_ms, want;
	uint64_t end = 0, now;
	unsigned int got = 0;
	bool entered = false;
	int err = 0;

	if (timeout_ms > 0)
		end = rl_now_ns() + (uint64_t)timeout_ms * 1000000;
	pthread_mutex_lock(&r->cq_lock);
	for (;;) {
		got += rl_ring_take(fd, r, c + got, n - got);
		if (got == n)
			break;
		if (got >= min) {
			/*
			 * Enough, unless nothing came and only RING_ENTER
			 * moves completions in now: have it look once, as
			 * REAP would.
			 */
			if (got || entered || !rl_ring_asleep(r))
				break;
			want = 0;
			wait_ms = 0;
		} else {
			/*
			 * A reap that must not wait does not spin either.
			 * Nor does one while only RING_ENTER moves
			 * completions in: its own busy poll takes them at
			 * once.
			 */
			if (busy_us && timeout_ms && !rl_ring_asleep(r) &&
			    rl_ring_spin(r, busy_us))
				continue;
			if (timeout_ms < 0) {
				wait_ms = ~0U;
			} else if (timeout_ms == 0) {
				if (entered || !rl_ring_asleep(r))
					break;
				wait_ms = 0;
			} else {
				now = rl_now_ns();
				if (now >= end)
					break;
				wait_ms = (uint32_t)((end - now + 999999) /
						     1000000);
			}
			/* At most a full ring: the rest comes later. */
			want = min - got < r->cq_mask + 1 ?
			       min - got : r->cq_mask + 1;
		}
		entered = true;
		err = rl_ring_enter(fd, want, wait_ms);
		if (err == -ETIMEDOUT) {
			err = 0;
			got += rl_ring_take(fd, r, c + got, n - got);
			break;
		}
		if (err) {
			/* What was taken is handed over, whatever the wait said. */
			if (got)
				err = 0;
			break;
		}
	}
	pthread_mutex_unlock(&r->cq_lock);
	return err ? err : (int)got;
}
