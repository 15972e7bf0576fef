/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Idempotency keys on the server: the table of the requests seen with a
 * key, as pure logic.  It takes no lock, reads no clock and allocates
 * nothing: its user does those (kmod/idem.c: under one spinlock, with
 * entries embedded in its own records).
 *
 * An entry stands for one (client host, method, key).  RUNNING: a request
 * with it is being handled; DONE: it was answered at @done_at and its
 * answer is kept (by the user, beside the entry) for the retries.  The
 * table bounds the number of entries and the bytes charged to them: to
 * make room it lets the oldest DONE entries go, never a RUNNING one.  A
 * DONE entry expires @ttl after it was answered; with a ttl of 0 nothing
 * is kept.  Limits are passed to every operation, so that they may change
 * at any time: what is over them goes on the next insert or trim.
 *
 * Entries the table lets go (evicted, expired) are chained on a struct
 * rr_idem_gone for the user to free once it has dropped its lock.
 */
#ifndef RR_CORE_IDEM_H
#define RR_CORE_IDEM_H

#include "compat.h"
#include "wire.h"

#define RR_IDEM_KEY_LEN		RR_META_KEY_LEN
/* The most entries one insert or finish lets go to make room. */
#define RR_IDEM_EVICT_MAX	256

enum rr_idem_state {
	RR_IDEM_RUNNING,
	RR_IDEM_DONE,
};

struct rr_idem_entry {
	/* The bucket's chain while in the table, then the gone list. */
	struct rr_idem_entry *hnext;
	/* The age list of its state, oldest first. */
	struct rr_idem_entry *prev, *next;
	/* Who and what: set by the user before rr_idem_insert(). */
	u32 hash;		/* of host, method and key; the user's */
	u32 host;
	u32 method;
	u8 key[RR_IDEM_KEY_LEN];
	/* The table's: */
	u8 state;		/* enum rr_idem_state */
	u64 done_at;		/* DONE: when, in the user's time */
	u64 bytes;		/* charged to the table */
};

struct rr_idem_list {
	struct rr_idem_entry *first, *last;
};

struct rr_idem_limits {
	u32 max_entries;
	u64 max_bytes;
	u64 ttl;		/* in the user's time; 0: keep nothing */
};

struct rr_idem_table {
	struct rr_idem_entry **buckets;
	u32 n_buckets;		/* a power of two */
	struct rr_idem_list running;
	struct rr_idem_list done;
	u32 n_entries;
	u64 bytes;
};

/* What the table let go, chained by hnext, and why. */
struct rr_idem_gone {
	struct rr_idem_entry *list;
	u32 evicted;		/* to make room */
	u32 expired;		/* past the ttl */
};

/* An empty table over @n_buckets (a power of two) bucket heads. */
void rr_idem_init(struct rr_idem_table *t, struct rr_idem_entry **buckets,
		  u32 n_buckets);

/*
 * The entry for @probe's hash, host, method and key: RUNNING, or DONE and
 * not expired at @now.  A DONE one that has expired goes to @gone and
 * NULL is returned.
 */
struct rr_idem_entry *rr_idem_find(struct rr_idem_table *t,
				   const struct rr_idem_entry *probe, u64 now,
				   const struct rr_idem_limits *lim,
				   struct rr_idem_gone *gone);

/*
 * Add @e (hash, host, method and key set; not in the table) as RUNNING,
 * charged @bytes, letting old DONE entries go to make room.  0, or
 * -ENOSPC: no room (a ttl of 0, or too many RUNNING entries or bytes), @e
 * not added.
 */
int rr_idem_insert(struct rr_idem_table *t, struct rr_idem_entry *e,
		   u64 bytes, u64 now, const struct rr_idem_limits *lim,
		   struct rr_idem_gone *gone);

/*
 * RUNNING @e was answered at @now: DONE, with @bytes more charged to it
 * (its answer), letting old DONE entries go to make room.  0, or -ENOSPC:
 * it cannot be kept (a ttl of 0, or no room), @e left as it was.
 */
int rr_idem_finish(struct rr_idem_table *t, struct rr_idem_entry *e,
		   u64 bytes, u64 now, const struct rr_idem_limits *lim,
		   struct rr_idem_gone *gone);

/* Take @e, RUNNING or DONE, out of the table, and its charge off. */
void rr_idem_remove(struct rr_idem_table *t, struct rr_idem_entry *e);

/*
 * Let go of the DONE entries that expired at @now or, oldest first, are
 * over the limits; at most @max of them.  True if that bound stopped it.
 */
bool rr_idem_trim(struct rr_idem_table *t, u64 now,
		  const struct rr_idem_limits *lim, u32 max,
		  struct rr_idem_gone *gone);

/* Take the first entry off @gone's list, or NULL. */
static inline struct rr_idem_entry *rr_idem_gone_pop(struct rr_idem_gone *g)
{
	struct rr_idem_entry *e = g->list;

	if (e)
		g->list = e->hnext;
	return e;
}

#endif /* RR_CORE_IDEM_H */
