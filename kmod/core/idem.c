// SPDX-License-Identifier: GPL-2.0
/*
 * Idempotency keys: the table (see idem.h).
 */
#include "idem.h"

void rr_idem_init(struct rr_idem_table *t, struct rr_idem_entry **buckets,
		  u32 n_buckets)
{
	u32 i;

	memset(t, 0, sizeof(*t));
	t->buckets = buckets;
	t->n_buckets = n_buckets;
	for (i = 0; i < n_buckets; i++)
		buckets[i] = NULL;
}

static void rr_idem_list_add(struct rr_idem_list *l, struct rr_idem_entry *e)
{
	e->next = NULL;
	e->prev = l->last;
	if (l->last)
		l->last->next = e;
	else
		l->first = e;
	l->last = e;
}

static void rr_idem_list_del(struct rr_idem_list *l, struct rr_idem_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		l->first = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		l->last = e->prev;
	e->prev = NULL;
	e->next = NULL;
}

static struct rr_idem_entry **rr_idem_bucket(struct rr_idem_table *t,
					     u32 hash)
{
	return &t->buckets[hash & (t->n_buckets - 1)];
}

static bool rr_idem_same(const struct rr_idem_entry *a,
			 const struct rr_idem_entry *b)
{
	return a->hash == b->hash && a->host == b->host &&
	       a->method == b->method &&
	       !memcmp(a->key, b->key, RR_IDEM_KEY_LEN);
}

static bool rr_idem_expired(const struct rr_idem_entry *e, u64 now,
			    const struct rr_idem_limits *lim)
{
	return !lim->ttl || now - e->done_at >= lim->ttl;
}

void rr_idem_remove(struct rr_idem_table *t, struct rr_idem_entry *e)
{
	struct rr_idem_entry **pp = rr_idem_bucket(t, e->hash);

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	e->hnext = NULL;
	rr_idem_list_del(e->state == RR_IDEM_DONE ? &t->done : &t->running,
			 e);
	t->n_entries--;
	t->bytes -= e->bytes;
}

/* Out of the table and onto @gone, counted as @expired or evicted. */
static void rr_idem_let_go(struct rr_idem_table *t, struct rr_idem_entry *e,
			   bool expired, struct rr_idem_gone *gone)
{
	rr_idem_remove(t, e);
	e->hnext = gone->list;
	gone->list = e;
	if (expired)
		gone->expired++;
	else
		gone->evicted++;
}

struct rr_idem_entry *rr_idem_find(struct rr_idem_table *t,
				   const struct rr_idem_entry *probe, u64 now,
				   const struct rr_idem_limits *lim,
				   struct rr_idem_gone *gone)
{
	struct rr_idem_entry *e;

	for (e = *rr_idem_bucket(t, probe->hash); e; e = e->hnext) {
		if (!rr_idem_same(e, probe))
			continue;
		if (e->state == RR_IDEM_DONE && rr_idem_expired(e, now, lim)) {
			rr_idem_let_go(t, e, true, gone);
			return NULL;
		}
		return e;
	}
	return NULL;
}

/*
 * Let the oldest DONE entries go until one more entry (@add_entries 1)
 * or 0) and @add_bytes more fit the limits, at most RR_IDEM_EVICT_MAX of
 * them.  True if they fit then.
 */
static bool rr_idem_make_room(struct rr_idem_table *t, u32 add_entries,
			      u64 add_bytes, u64 now,
			      const struct rr_idem_limits *lim,
			      struct rr_idem_gone *gone)
{
	struct rr_idem_entry *old;
	u32 n = 0;

	if (add_bytes > lim->max_bytes)
		return false;
	while (t->n_entries + add_entries > lim->max_entries ||
	       t->bytes + add_bytes > lim->max_bytes) {
		old = t->done.first;
		if (!old || n++ == RR_IDEM_EVICT_MAX)
			return false;
		rr_idem_let_go(t, old, rr_idem_expired(old, now, lim), gone);
	}
	return true;
}

int rr_idem_insert(struct rr_idem_table *t, struct rr_idem_entry *e,
		   u64 bytes, u64 now, const struct rr_idem_limits *lim,
		   struct rr_idem_gone *gone)
{
	struct rr_idem_entry **head;

	if (!lim->ttl || !rr_idem_make_room(t, 1, bytes, now, lim, gone))
		return -ENOSPC;
	head = rr_idem_bucket(t, e->hash);
	e->hnext = *head;
	*head = e;
	e->state = RR_IDEM_RUNNING;
	e->done_at = 0;
	e->bytes = bytes;
	rr_idem_list_add(&t->running, e);
	t->n_entries++;
	t->bytes += bytes;
	return 0;
}

int rr_idem_finish(struct rr_idem_table *t, struct rr_idem_entry *e,
		   u64 bytes, u64 now, const struct rr_idem_limits *lim,
		   struct rr_idem_gone *gone)
{
	if (!lim->ttl || e->bytes + bytes > lim->max_bytes ||
	    !rr_idem_make_room(t, 0, bytes, now, lim, gone))
		return -ENOSPC;
	rr_idem_list_del(&t->running, e);
	e->state = RR_IDEM_DONE;
	e->done_at = now;
	e->bytes += bytes;
	t->bytes += bytes;
	rr_idem_list_add(&t->done, e);
	return 0;
}

bool rr_idem_trim(struct rr_idem_table *t, u64 now,
		  const struct rr_idem_limits *lim, u32 max,
		  struct rr_idem_gone *gone)
{
	struct rr_idem_entry *old;
	bool expired, over;

	while ((old = t->done.first)) {
		expired = rr_idem_expired(old, now, lim);
		over = t->n_entries > lim->max_entries ||
		       t->bytes > lim->max_bytes;
		if (!expired && !over)
			return false;
		if (!max--)
			return true;
		rr_idem_let_go(t, old, expired, gone);
	}
	return false;
}
