// SPDX-License-Identifier: GPL-2.0
/*
 * The idempotency table (kmod/core/idem.c): lookups by host, method and
 * key, the RUNNING -> DONE life of an entry, expiry at the ttl, eviction
 * of the oldest DONE entries (never a RUNNING one) for entries and bytes,
 * limits changed under it, and a random run checked against a naive
 * model after every step.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../../kmod/core/idem.h"

#define NB	16

struct idem_fixture {
	struct rr_idem_table t;
	struct rr_idem_entry *buckets[NB];
	struct rr_idem_limits lim;
	struct rr_idem_gone gone;
};

static void fx_init(struct idem_fixture *f, u32 max_entries, u64 max_bytes,
		    u64 ttl)
{
	memset(f, 0, sizeof(*f));
	rr_idem_init(&f->t, f->buckets, NB);
	f->lim.max_entries = max_entries;
	f->lim.max_bytes = max_bytes;
	f->lim.ttl = ttl;
}

/* An entry for (host, method, key byte k); the hash is the test's. */
static void ent(struct rr_idem_entry *e, u32 host, u32 method, u8 k, u32 hash)
{
	memset(e, 0, sizeof(*e));
	e->host = host;
	e->method = method;
	memset(e->key, k, sizeof(e->key));
	e->hash = hash;
}

static u32 gone_count(struct rr_idem_gone *g)
{
	u32 n = 0;

	while (rr_idem_gone_pop(g))
		n++;
	return n;
}

TEST(idem_find_finish_expire)
{
	struct idem_fixture f;
	struct rr_idem_entry a, probe;

	fx_init(&f, 8, 1000, 100);
	ent(&a, 1, 7, 0xaa, 3);
	ent(&probe, 1, 7, 0xaa, 3);
	ASSERT_NULL(rr_idem_find(&f.t, &probe, 0, &f.lim, &f.gone));
	ASSERT_EQ(0, rr_idem_insert(&f.t, &a, 10, 0, &f.lim, &f.gone));
	EXPECT_EQ(RR_IDEM_RUNNING, a.state);
	EXPECT_EQ(1, f.t.n_entries);
	EXPECT_EQ(10, f.t.bytes);
	/* RUNNING never expires. */
	EXPECT_TRUE(rr_idem_find(&f.t, &probe, 5000, &f.lim, &f.gone) == &a);
	ASSERT_EQ(0, rr_idem_finish(&f.t, &a, 30, 50, &f.lim, &f.gone));
	EXPECT_EQ(RR_IDEM_DONE, a.state);
	EXPECT_EQ(40, a.bytes);
	EXPECT_EQ(40, f.t.bytes);
	EXPECT_TRUE(rr_idem_find(&f.t, &probe, 149, &f.lim, &f.gone) == &a);
	EXPECT_EQ(0, f.gone.expired);
	/* At done_at + ttl it is gone, handed back as expired. */
	EXPECT_NULL(rr_idem_find(&f.t, &probe, 150, &f.lim, &f.gone));
	EXPECT_EQ(1, f.gone.expired);
	EXPECT_EQ(0, f.gone.evicted);
	EXPECT_TRUE(rr_idem_gone_pop(&f.gone) == &a);
	EXPECT_NULL(rr_idem_gone_pop(&f.gone));
	EXPECT_EQ(0, f.t.n_entries);
	EXPECT_EQ(0, f.t.bytes);
	EXPECT_NULL(f.t.done.first);
	EXPECT_NULL(f.t.running.first);
}

/* Host, method and key all count; entries sharing a hash chain apart. */
TEST(idem_identity)
{
	struct rr_idem_entry e[4], probe;
	struct idem_fixture f;
	int i;

	fx_init(&f, 8, 1000, 100);
	ent(&e[0], 1, 7, 0xaa, 5);
	ent(&e[1], 2, 7, 0xaa, 5);	/* another host */
	ent(&e[2], 1, 8, 0xaa, 5);	/* another method */
	ent(&e[3], 1, 7, 0xab, 5);	/* another key */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, rr_idem_insert(&f.t, &e[i], 1, 0, &f.lim,
					    &f.gone));
	for (i = 0; i < 4; i++) {
		probe = e[i];
		EXPECT_TRUE(rr_idem_find(&f.t, &probe, 0, &f.lim, &f.gone) ==
			    &e[i]);
	}
	/* One out of the middle of the chain: the others stay reachable. */
	rr_idem_remove(&f.t, &e[1]);
	EXPECT_EQ(3, f.t.n_entries);
	probe = e[1];
	EXPECT_NULL(rr_idem_find(&f.t, &probe, 0, &f.lim, &f.gone));
	for (i = 0; i < 4; i += i == 0 ? 2 : 1) {
		probe = e[i];
		EXPECT_TRUE(rr_idem_find(&f.t, &probe, 0, &f.lim, &f.gone) ==
			    &e[i]);
	}
	/* The same identity under another hash is not found. */
	probe = e[0];
	probe.hash = 6;
	EXPECT_NULL(rr_idem_find(&f.t, &probe, 0, &f.lim, &f.gone));
}

/* Full: the oldest DONE goes first; RUNNING entries are never evicted. */
TEST(idem_evict_entries)
{
	struct rr_idem_entry e[4], probe;
	struct idem_fixture f;
	int i;

	fx_init(&f, 3, 1000, 100);
	for (i = 0; i < 3; i++) {
		ent(&e[i], 1, 1, (u8)i, (u32)i);
		ASSERT_EQ(0, rr_idem_insert(&f.t, &e[i], 1, 0, &f.lim,
					    &f.gone));
	}
	ent(&e[3], 1, 1, 3, 3);
	/* All RUNNING: no room. */
	EXPECT_EQ(-ENOSPC, rr_idem_insert(&f.t, &e[3], 1, 0, &f.lim,
					  &f.gone));
	EXPECT_EQ(3, f.t.n_entries);
	/* Answered in the order 2, 0: 2 is the oldest DONE. */
	ASSERT_EQ(0, rr_idem_finish(&f.t, &e[2], 0, 10, &f.lim, &f.gone));
	ASSERT_EQ(0, rr_idem_finish(&f.t, &e[0], 0, 20, &f.lim, &f.gone));
	ASSERT_EQ(0, rr_idem_insert(&f.t, &e[3], 1, 30, &f.lim, &f.gone));
	EXPECT_EQ(1, f.gone.evicted);
	EXPECT_EQ(0, f.gone.expired);
	EXPECT_TRUE(rr_idem_gone_pop(&f.gone) == &e[2]);
	probe = e[2];
	EXPECT_NULL(rr_idem_find(&f.t, &probe, 30, &f.lim, &f.gone));
	probe = e[0];
	EXPECT_TRUE(rr_idem_find(&f.t, &probe, 30, &f.lim, &f.gone) == &e[0]);
	EXPECT_EQ(3, f.t.n_entries);
	/* An expired entry let go to make room is counted as expired. */
	f.gone = (struct rr_idem_gone){ 0 };
	rr_idem_remove(&f.t, &e[3]);
	ent(&e[2], 1, 1, 9, 9);
	ASSERT_EQ(0, rr_idem_insert(&f.t, &e[2], 1, 0, &f.lim, &f.gone));
	ent(&e[3], 1, 1, 3, 3);
	ASSERT_EQ(0, rr_idem_insert(&f.t, &e[3], 1, 120, &f.lim, &f.gone));
	EXPECT_EQ(1, f.gone.expired);
	EXPECT_TRUE(rr_idem_gone_pop(&f.gone) == &e[0]);
}

/* Bytes: answers make room for themselves, or are not kept. */
TEST(idem_evict_bytes)
{
	struct rr_idem_entry e[3];
	struct idem_fixture f;
	int i;

	fx_init(&f, 100, 100, 1000);
	for (i = 0; i < 3; i++) {
		ent(&e[i], 1, 1, (u8)i, (u32)i);
		ASSERT_EQ(0, rr_idem_insert(&f.t, &e[i], 10, 0, &f.lim,
					    &f.gone));
	}
	ASSERT_EQ(0, rr_idem_finish(&f.t, &e[0], 40, 1, &f.lim, &f.gone));
	ASSERT_EQ(0, rr_idem_finish(&f.t, &e[1], 30, 2, &f.lim, &f.gone));
	EXPECT_EQ(100, f.t.bytes);
	/* 20 more: e[0] (50 bytes) goes. */
	ASSERT_EQ(0, rr_idem_finish(&f.t, &e[2], 20, 3, &f.lim, &f.gone));
	EXPECT_EQ(1, f.gone.evicted);
	EXPECT_TRUE(rr_idem_gone_pop(&f.gone) == &e[0]);
	EXPECT_EQ(70, f.t.bytes);
	EXPECT_EQ(2, f.t.n_entries);
	/* An answer larger than the whole budget is refused, nothing lost. */
	ent(&e[0], 1, 1, 7, 7);
	ASSERT_EQ(0, rr_idem_insert(&f.t, &e[0], 10, 4, &f.lim, &f.gone));
	EXPECT_EQ(-ENOSPC, rr_idem_finish(&f.t, &e[0], 91, 5, &f.lim,
					  &f.gone));
	EXPECT_EQ(RR_IDEM_RUNNING, e[0].state);
	EXPECT_EQ(10, e[0].bytes);
	EXPECT_EQ(80, f.t.bytes);
	EXPECT_EQ(0, gone_count(&f.gone));
	/* An insert larger than the budget too. */
	ent(&e[0], 1, 1, 8, 8);
	EXPECT_EQ(-ENOSPC, rr_idem_insert(&f.t, &e[0], 101, 5, &f.lim,
					  &f.gone));
}

/* ttl 0: nothing is added or kept, and DONE entries read as expired. */
TEST(idem_ttl_zero)
{
	struct rr_idem_entry a, b, probe;
	struct idem_fixture f;

	fx_init(&f, 8, 1000, 100);
	ent(&a, 1, 1, 1, 1);
	ent(&b, 1, 1, 2, 2);
	ASSERT_EQ(0, rr_idem_insert(&f.t, &a, 1, 0, &f.lim, &f.gone));
	ASSERT_EQ(0, rr_idem_insert(&f.t, &b, 1, 0, &f.lim, &f.gone));
	ASSERT_EQ(0, rr_idem_finish(&f.t, &a, 1, 1, &f.lim, &f.gone));
	f.lim.ttl = 0;
	probe = a;
	EXPECT_NULL(rr_idem_find(&f.t, &probe, 2, &f.lim, &f.gone));
	EXPECT_EQ(1, f.gone.expired);
	EXPECT_EQ(-ENOSPC, rr_idem_finish(&f.t, &b, 1, 2, &f.lim, &f.gone));
	probe = a;
	EXPECT_EQ(-ENOSPC, rr_idem_insert(&f.t, &probe, 1, 2, &f.lim,
					  &f.gone));
	EXPECT_EQ(1, f.t.n_entries);
}

/* Trim: expired entries, then what is over lowered limits, in bounded steps. */
TEST(idem_trim)
{
	struct rr_idem_entry *e = calloc(300, sizeof(*e));
	struct idem_fixture f;
	u32 i;

	ASSERT_TRUE(e != NULL);
	fx_init(&f, 1000, 100000, 100);
	for (i = 0; i < 300; i++) {
		ent(&e[i], 1, 1, (u8)i, i);
		e[i].key[0] = (u8)(i >> 8);
		ASSERT_EQ(0, rr_idem_insert(&f.t, &e[i], 1, i, &f.lim,
					    &f.gone));
		ASSERT_EQ(0, rr_idem_finish(&f.t, &e[i], 1, i, &f.lim,
					    &f.gone));
	}
	/* At 349: those done at 249 or before have expired. */
	EXPECT_FALSE(rr_idem_trim(&f.t, 349, &f.lim, 1000, &f.gone));
	EXPECT_EQ(250, f.gone.expired);
	EXPECT_EQ(50, f.t.n_entries);
	EXPECT_EQ(250, gone_count(&f.gone));
	/* Down to 10 entries, 16 at a time. */
	f.lim.max_entries = 10;
	f.gone = (struct rr_idem_gone){ 0 };
	EXPECT_TRUE(rr_idem_trim(&f.t, 349, &f.lim, 16, &f.gone));
	EXPECT_EQ(34, f.t.n_entries);
	while (rr_idem_trim(&f.t, 349, &f.lim, 16, &f.gone))
		;
	EXPECT_EQ(10, f.t.n_entries);
	EXPECT_EQ(40, f.gone.evicted);
	EXPECT_EQ(0, f.gone.expired);
	EXPECT_EQ(20, f.t.bytes);
	/* The newest stay. */
	EXPECT_TRUE(f.t.done.first == &e[290]);
	EXPECT_TRUE(f.t.done.last == &e[299]);
	free(e);
}

/* Making room evicts at most RR_IDEM_EVICT_MAX; a trim does the rest. */
TEST(idem_evict_bound)
{
	u32 n = RR_IDEM_EVICT_MAX + 10, i;
	struct rr_idem_entry *e = calloc(n + 1, sizeof(*e));
	struct idem_fixture f;

	ASSERT_TRUE(e != NULL);
	fx_init(&f, n, 100000, 1000);
	for (i = 0; i < n; i++) {
		ent(&e[i], 1, 1, (u8)i, i);
		e[i].key[0] = (u8)(i >> 8);
		ASSERT_EQ(0, rr_idem_insert(&f.t, &e[i], 1, 0, &f.lim,
					    &f.gone));
		ASSERT_EQ(0, rr_idem_finish(&f.t, &e[i], 0, 1, &f.lim,
					    &f.gone));
	}
	f.lim.max_entries = 1;
	ent(&e[n], 2, 1, 0, 0);
	EXPECT_EQ(-ENOSPC, rr_idem_insert(&f.t, &e[n], 1, 2, &f.lim,
					  &f.gone));
	EXPECT_EQ(RR_IDEM_EVICT_MAX, f.gone.evicted);
	EXPECT_FALSE(rr_idem_trim(&f.t, 2, &f.lim, 1000, &f.gone));
	EXPECT_EQ(1, f.t.n_entries);
	EXPECT_EQ(0, rr_idem_insert(&f.t, &e[n], 1, 2, &f.lim, &f.gone));
	EXPECT_EQ(n, f.gone.evicted);
	free(e);
}

/* ---- a random run against a naive model ---- */

#define M_ENTS	64

struct model {
	bool in;			/* in the table */
	bool done;
	u64 done_at;
	u64 bytes;
};

/* The table agrees with itself: lists, chains, counts, ages. */
static void check_table(struct __test_metadata *_metadata,
			const struct rr_idem_table *t)
{
	const struct rr_idem_entry *e, *prev;
	u64 bytes = 0;
	u32 n = 0, chained = 0, b;

	for (int s = 0; s < 2; s++) {
		const struct rr_idem_list *l = s ? &t->done : &t->running;

		prev = NULL;
		for (e = l->first; e; prev = e, e = e->next) {
			ASSERT_TRUE(e->prev == prev);
			ASSERT_EQ(s ? RR_IDEM_DONE : RR_IDEM_RUNNING, e->state);
			if (s && prev)
				ASSERT_LE(prev->done_at, e->done_at);
			bytes += e->bytes;
			n++;
		}
		ASSERT_TRUE(l->last == prev);
	}
	for (b = 0; b < t->n_buckets; b++)
		for (e = t->buckets[b]; e; e = e->hnext) {
			ASSERT_EQ(b, e->hash & (t->n_buckets - 1));
			chained++;
		}
	ASSERT_EQ(n, t->n_entries);
	ASSERT_EQ(n, chained);
	ASSERT_EQ(bytes, t->bytes);
}

TEST(idem_random_vs_model)
{
	struct rr_idem_entry ents[M_ENTS], probe, *got;
	struct model m[M_ENTS];
	struct idem_fixture f;
	u64 now = 1000;
	unsigned int seed = 7;
	int step, i;

	fx_init(&f, 20, 400, 50);
	memset(m, 0, sizeof(m));
	for (i = 0; i < M_ENTS; i++)
		ent(&ents[i], (u32)i % 3, (u32)i % 5, (u8)i, (u32)i * 7);
	for (step = 0; step < 20000; step++) {
		int k = rand_r(&seed) % M_ENTS, op = rand_r(&seed) % 8;
		u64 bytes = (u64)(rand_r(&seed) % 40);
		struct rr_idem_entry *e;
		bool expired;

		now += (u64)(rand_r(&seed) % 4);
		if (op == 7) {
			f.lim.max_entries = 5 + (u32)(rand_r(&seed) % 30);
			f.lim.max_bytes = 100 + (u64)(rand_r(&seed) % 800);
			f.lim.ttl = (u64)(rand_r(&seed) % 80);
		}
		probe = ents[k];
		got = rr_idem_find(&f.t, &probe, now, &f.lim, &f.gone);
		/* The model: found iff in, and not an expired DONE. */
		expired = m[k].in && m[k].done &&
			  (!f.lim.ttl || now - m[k].done_at >= f.lim.ttl);
		ASSERT_EQ(m[k].in && !expired, got != NULL)
			TH_LOG("step %d entry %d", step, k);
		/* An expired one is handed back at once. */
		if (expired) {
			ASSERT_TRUE(rr_idem_gone_pop(&f.gone) == &ents[k]);
			m[k].in = false;
		}
		if (got)
			ASSERT_TRUE(got == &ents[k]);
		if (!got && op < 4) {
			if (!rr_idem_insert(&f.t, &ents[k], bytes, now, &f.lim,
					    &f.gone))
				m[k] = (struct model){ .in = true,
						       .bytes = bytes };
		} else if (got && !m[k].done && op < 6) {
			if (!rr_idem_finish(&f.t, got, bytes, now, &f.lim,
					    &f.gone)) {
				m[k].done = true;
				m[k].done_at = now;
				m[k].bytes += bytes;
			}
		} else if (got && op == 6) {
			rr_idem_remove(&f.t, got);
			m[k].in = false;
		} else {
			rr_idem_trim(&f.t, now, &f.lim, 8, &f.gone);
		}
		/* Whatever went: no longer in; never a RUNNING one but by remove. */
		while ((e = rr_idem_gone_pop(&f.gone))) {
			int g = (int)(e - ents);

			ASSERT_TRUE(m[g].in && m[g].done)
				TH_LOG("step %d: %d gone, in %d done %d", step, g,
				       m[g].in, m[g].done);
			m[g].in = false;
		}
		check_table(_metadata, &f.t);
		ASSERT_LE(f.t.n_entries, M_ENTS);
		for (i = 0; i < M_ENTS; i++)
			if (m[i].in)
				ASSERT_EQ(m[i].bytes, ents[i].bytes);
	}
	/* The run went through every case. */
	EXPECT_LT(100, f.gone.evicted);
	EXPECT_LT(100, f.gone.expired);
}
