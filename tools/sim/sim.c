// SPDX-License-Identifier: GPL-2.0
/*
 * Deterministic network simulator (see sim.h).  Events are datagram
 * arrivals in a binary heap ordered by (time, sequence); session timers are
 * read from rr_session_deadline() instead of being queued, exactly as the
 * kernel arms one hrtimer per session.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim.h"

struct sim_pkt {
	u64 time;
	u64 seq;
	int dst;
	u32 len;
	u8 *data;
};

struct sim {
	struct sim_net_cfg cfg;
	u64 now;
	u64 rng;
	u64 seq;
	u64 busy_until[2];	/* link towards node i free again */
	struct sim_pkt *heap;
	size_t nheap;
	size_t capheap;
	u8 **pool;		/* free packet buffers */
	size_t npool;
	size_t cappool;
	struct sim_node node[2];
	struct sim_net_stats st;
};

static u64 sim_rand(struct sim *sim)
{
	/* splitmix64: tiny, fast, and the same on every host */
	u64 z = (sim->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double sim_rand01(struct sim *sim)
{
	return (double)(sim_rand(sim) >> 11) * (1.0 / 9007199254740992.0);
}

static bool sim_chance(struct sim *sim, double p)
{
	if (p <= 0)
		return false;
	if (p >= 1)
		return true;
	return sim_rand01(sim) < p;
}

static void *sim_xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p) {
		fprintf(stderr, "sim: out of memory\n");
		exit(3);
	}
	return p;
}

struct sim *sim_create(const struct sim_net_cfg *cfg)
{
	struct sim *sim = calloc(1, sizeof(*sim));

	if (!sim)
		return NULL;
	sim->cfg = *cfg;
	sim->rng = cfg->seed * 0x2545f4914f6cdd1dull + 1;
	sim->now = 0;
	for (int i = 0; i < 2; i++) {
		sim->node[i].sim = sim;
		sim->node[i].id = i;
		sim->node[i].stall_poll = RR_NO_DEADLINE;
	}
	return sim;
}

static u8 *sim_buf_get(struct sim *sim)
{
	if (sim->npool)
		return sim->pool[--sim->npool];
	return sim_xmalloc(sim->cfg.mtu);
}

static void sim_buf_put(struct sim *sim, u8 *buf)
{
	if (sim->npool == sim->cappool) {
		sim->cappool = sim->cappool ? sim->cappool * 2 : 64;
		sim->pool = realloc(sim->pool, sim->cappool * sizeof(*sim->pool));
		if (!sim->pool) {
			fprintf(stderr, "sim: out of memory\n");
			exit(3);
		}
	}
	sim->pool[sim->npool++] = buf;
}

void sim_destroy(struct sim *sim)
{
	if (!sim)
		return;
	for (size_t i = 0; i < sim->nheap; i++)
		free(sim->heap[i].data);
	for (size_t i = 0; i < sim->npool; i++)
		free(sim->pool[i]);
	free(sim->heap);
	free(sim->pool);
	free(sim);
}

struct sim_node *sim_node(struct sim *sim, int id)
{
	return &sim->node[id];
}

void sim_attach(struct sim *sim, int id, struct rr_session *s, u32 sess_id,
		u32 tag)
{
	sim->node[id].sess = s;
	sim->node[id].sess_id = sess_id;
	sim->node[id].tag = tag;
}

u64 sim_now(const struct sim *sim)
{
	return sim->now;
}

const struct sim_net_stats *sim_stats(const struct sim *sim)
{
	return &sim->st;
}

static bool sim_before(const struct sim_pkt *a, const struct sim_pkt *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void sim_push(struct sim *sim, struct sim_pkt p)
{
	size_t i;

	if (sim->nheap == sim->capheap) {
		sim->capheap = sim->capheap ? sim->capheap * 2 : 256;
		sim->heap = realloc(sim->heap, sim->capheap * sizeof(*sim->heap));
		if (!sim->heap) {
			fprintf(stderr, "sim: out of memory\n");
			exit(3);
		}
	}
	p.seq = sim->seq++;
	i = sim->nheap++;
	while (i) {
		size_t up = (i - 1) / 2;

		if (!sim_before(&p, &sim->heap[up]))
			break;
		sim->heap[i] = sim->heap[up];
		i = up;
	}
	sim->heap[i] = p;
}

static struct sim_pkt sim_pop(struct sim *sim)
{
	struct sim_pkt top = sim->heap[0];
	struct sim_pkt last = sim->heap[--sim->nheap];
	size_t i = 0, n = sim->nheap;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && sim_before(&sim->heap[c + 1], &sim->heap[c]))
			c++;
		if (!sim_before(&sim->heap[c], &last))
			break;
		sim->heap[i] = sim->heap[c];
		i = c;
	}
	if (n)
		sim->heap[i] = last;
	return top;
}

static void sim_inject(struct sim *sim, int dst, const void *buf, u32 len,
		       u64 when)
{
	struct sim_pkt p = { .time = when, .dst = dst, .len = len };

	p.data = sim_buf_get(sim);
	memcpy(p.data, buf, len);
	sim_push(sim, p);
}

void *sim_tx_get_buf(void *ctx)
{
	struct sim_node *n = ctx;
	struct sim *sim = n->sim;

	if (sim_chance(sim, sim->cfg.tx_fail)) {
		sim->st.tx_fail++;
		/* A send slot frees up a little later: poll then. */
		if (n->stall_poll == RR_NO_DEADLINE)
			n->stall_poll = sim->now + 1000;
		return NULL;
	}
	return sim_buf_get(sim);
}

void sim_tx_send(void *ctx, void *buf, u32 len)
{
	struct sim_node *n = ctx;
	struct sim *sim = n->sim;
	int dst = !n->id;
	struct sim_pkt p = { .dst = dst, .len = len, .data = buf };
	u64 ser, dep;

	sim->st.sent++;
	if (len > sim->cfg.mtu) {
		fprintf(stderr, "sim: %u-byte datagram over MTU %u\n", len,
			sim->cfg.mtu);
		abort();
	}
	/* Serialization on the link, then propagation. */
	ser = sim->cfg.gbps > 0 ? (u64)(len * 8 / sim->cfg.gbps) : 0;
	dep = sim->busy_until[dst] > sim->now ? sim->busy_until[dst] : sim->now;
	dep += ser;
	sim->busy_until[dst] = dep;
	if (sim_chance(sim, sim->cfg.loss)) {
		sim->st.lost++;
		sim_buf_put(sim, buf);
		return;
	}
	p.time = dep + sim->cfg.latency_ns;
	if (sim_chance(sim, sim->cfg.reorder)) {
		sim->st.reordered++;
		p.time += 1000 + sim_rand(sim) % (4 * sim->cfg.latency_ns + 10000);
	}
	if (sim->cfg.tail_ns && sim_chance(sim, sim->cfg.tail)) {
		sim->st.delayed++;
		p.time += sim->cfg.tail_ns / 2 + sim_rand(sim) % (sim->cfg.tail_ns + 1);
	}
	if (sim_chance(sim, sim->cfg.duplicate)) {
		sim->st.duplicated++;
		sim_inject(sim, dst, buf, len, p.time + sim_rand(sim) %
			   (2 * sim->cfg.latency_ns + 2000));
	}
	sim_push(sim, p);
}

/* The next moment something happens, or RR_NO_DEADLINE. */
u64 sim_next_time(struct sim *sim)
{
	u64 t = sim->nheap ? sim->heap[0].time : RR_NO_DEADLINE;

	for (int i = 0; i < 2; i++) {
		struct sim_node *n = &sim->node[i];

		if (!n->sess)
			continue;
		if (rr_session_deadline(n->sess) < t)
			t = rr_session_deadline(n->sess);
		if (n->stall_poll < t)
			t = n->stall_poll;
	}
	return t < sim->now ? sim->now : t;
}

void sim_advance(struct sim *sim, u64 t)
{
	if (t > sim->now)
		sim->now = t;
}

static void sim_deliver(struct sim *sim, struct sim_pkt *p)
{
	struct sim_node *n = &sim->node[p->dst];
	u32 sess, tag;

	if (sim_chance(sim, sim->cfg.corrupt)) {
		u32 bit = (u32)(sim_rand(sim) % ((u64)p->len * 8));

		p->data[bit / 8] ^= (u8)(1u << (bit % 8));
		sim->st.corrupted++;
	}
	/* The environment's demultiplexing: session id and tag. */
	if (!n->sess || rr_wire_peek(p->data, p->len, &sess, &tag) ||
	    sess != n->sess_id || tag != n->tag) {
		sim->st.unknown++;
		return;
	}
	sim->st.delivered++;
	rr_session_rx(n->sess, p->data, p->len, sim->now);
}

/*
 * Run everything due at the next event time.  Returns 0, or -1 if nothing
 * is left to happen.
 */
int sim_step(struct sim *sim)
{
	u64 t = sim_next_time(sim);

	if (t == RR_NO_DEADLINE)
		return -1;
	sim_advance(sim, t);
	while (sim->nheap && sim->heap[0].time <= sim->now) {
		struct sim_pkt p = sim_pop(sim);

		sim_deliver(sim, &p);
		sim_buf_put(sim, p.data);
	}
	for (int i = 0; i < 2; i++) {
		struct sim_node *n = &sim->node[i];

		if (!n->sess)
			continue;
		if (n->stall_poll <= sim->now ||
		    rr_session_deadline(n->sess) <= sim->now) {
			n->stall_poll = RR_NO_DEADLINE;
			rr_session_poll(n->sess, sim->now);
		}
	}
	return 0;
}
