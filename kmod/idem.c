// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: idempotency keys on the server (RDMARPC_CALL_F_KEY in
 * uapi/rdmarpc.h), in the endpoint layer, which sees requests delivered
 * and answered.
 *
 * One cache for the module, keyed by (client host, method, key), the host
 * being the client's IPv4 address (struct rdmarpc_req_meta): an entry
 * belongs to no session, endpoint or process, so it outlives them all.
 * The table, its bounds, eviction and expiry are the core's
 * (core/idem.c); this file adds the lock, the clock, the memory, the
 * answers and the counters.  For a request with a key:
 *
 * - miss: a new RUNNING entry, owned by the request (serve.c's struct
 *   rdmarpc_req), which is delivered as any other;
 * - RUNNING: the request joins: it waits on the entry (a reference on its
 *   session, and its handle) for the owner's answer;
 * - DONE: it is answered with the stored status and bytes, never queued.
 *   An answer of up to RR_MSG_INLINE bytes is copied under the lock and
 *   sent at once; a longer one is copied and sent by a work item, in
 *   process context, not in the receive path;
 * - the owner is answered by its handler (REPLY, process context): the
 *   answer is copied into the entry chunk by chunk (order-0 pages, and
 *   the copy may sleep), the entry becomes DONE and the joiners get
 *   copies;
 * - the owner ends otherwise (cancelled or expired in the queue, refused,
 *   its endpoint closed): the entry goes, so that a retry runs the
 *   handler, and the joiners are answered as the owner was.
 *
 * Locking.  rdmarpc_idem_lock, a spinlock taken with irqsave (deliveries
 * come in softirq, REPLY and the sweep in process context, and a request
 * may end wherever a session dies), protects the table (its chains, age
 * lists, counts), each entry's table fields and joiner list,
 * rdmarpc_idem_n_joiners and rdmarpc_idem_stopped.  It is taken under no
 * other lock and no module lock is taken under it; nothing under it
 * sleeps or answers a request.  An entry's @status and @resp are written once, by
 * its owner under the lock as the entry becomes DONE, and never after:
 * whoever has seen it DONE reads them without the lock, holding a
 * reference.
 *
 * Lifetime.  rdmarpc_idem.ref counts the table's reference (while the
 * entry is in the table), its owner's (from the miss to done or fail) and
 * one per work item answering from it.  Only its owner takes a RUNNING
 * entry out of the table; the table lets DONE entries go (evicted,
 * expired), and they are put once the lock is dropped.  A joiner holds a
 * reference on its session until it is answered.
 *
 * Memory.  An entry charges its own size, and once DONE its answer's
 * length, to the table (idem_max_mb) and to the server's mem_budget_mb
 * (rdmarpc_sess_mem_charge()); both go back when it is freed.  An answer
 * that cannot be charged or copied is not kept: the entry goes, the
 * joiners still get the answer.  A sweep on rdmarpc_wq, every second
 * while answers are kept, lets go of the expired ones and of those over
 * limits lowered meanwhile, in bounded steps; a lookup also drops an
 * expired answer it finds.  Module exit stops the sweep and frees all.
 */
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/refcount.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/unaligned.h>
#include <linux/workqueue.h>

#include "rdmarpc.h"
#include "core/idem.h"
#include "idem.h"

#define RDMARPC_IDEM_BUCKETS		4096
/* Entries one step of the sweep lets go of under the lock. */
#define RDMARPC_IDEM_SWEEP_BATCH	64
#define RDMARPC_IDEM_SWEEP_PERIOD	HZ

static_assert(sizeof_field(struct rdmarpc_req_meta, key) == RR_IDEM_KEY_LEN);

/* A request waiting for a RUNNING entry's answer. */
struct rdmarpc_idem_joiner {
	struct list_head node;		/* on idem->joiners; the lock */
	struct rdmarpc_sess *sess;	/* referenced */
	u32 handle;
};

struct rdmarpc_idem {
	struct rr_idem_entry ent;	/* the lock */
	refcount_t ref;
	struct list_head joiners;	/* RUNNING: waiting; the lock */
	u64 charged;			/* to mem_budget_mb, returned at free */
	/* DONE: written once as it became DONE, read without the lock. */
	s32 status;
	struct rr_msg resp;
};

/* A DONE answer too long to copy in softirq, sent from a work item. */
struct rdmarpc_idem_hit {
	struct work_struct work;
	struct rdmarpc_idem *e;		/* referenced */
	struct rdmarpc_sess *sess;	/* referenced */
	u32 handle;
};

/* What a lookup found, for the caller to act on once the lock is dropped. */
enum rdmarpc_idem_outcome {
	RDMARPC_IDEM_MISS,		/* inserted RUNNING: deliver it */
	RDMARPC_IDEM_UNCACHED,		/* not kept: deliver it */
	RDMARPC_IDEM_JOINED,		/* waits for a RUNNING entry */
	RDMARPC_IDEM_HIT_INLINE,	/* answer with the copy made */
	RDMARPC_IDEM_HIT_WORK,		/* answer from a work item */
	RDMARPC_IDEM_NOMEM,		/* no memory to join */
};

struct rdmarpc_idem_use {
	struct rdmarpc_idem *e;		/* HIT_WORK: referenced */
	s32 status;			/* HIT_* */
	struct rr_msg inl;		/* HIT_INLINE */
};

static DEFINE_SPINLOCK(rdmarpc_idem_lock);
static struct rr_idem_entry *rdmarpc_idem_buckets[RDMARPC_IDEM_BUCKETS];
static struct rr_idem_table rdmarpc_idem_table;
static u32 rdmarpc_idem_n_joiners;	/* on all entries */
static bool rdmarpc_idem_stopped;	/* module exit: no more sweeps */
static siphash_key_t rdmarpc_idem_seed __read_mostly;
static struct delayed_work rdmarpc_idem_sweep_work;

static struct {
	atomic64_t hits;
	atomic64_t joins;
	atomic64_t misses;
	atomic64_t evictions;
	atomic64_t expired;
	atomic64_t uncached;
} rdmarpc_idem_ctr;

/* The parameters, read once per operation: they may change at any time. */
static void rdmarpc_idem_limits(struct rr_idem_limits *lim)
{
	lim->max_entries = READ_ONCE(rdmarpc_idem_max_entries);
	lim->max_bytes = (u64)READ_ONCE(rdmarpc_idem_max_mb) << 20;
	lim->ttl = (u64)READ_ONCE(rdmarpc_idem_ttl_ms) * NSEC_PER_MSEC;
}

static void rdmarpc_idem_put(struct rdmarpc_idem *e)
{
	if (!refcount_dec_and_test(&e->ref))
		return;
	rr_msg_free(&e->resp);
	if (e->charged)
		rdmarpc_sess_mem_charge(-(s64)e->charged);
	kfree(e);
}

/* Count and put what the table let go; the lock not held. */
static void rdmarpc_idem_let_go(struct rr_idem_gone *gone)
{
	struct rr_idem_entry *ent;

	if (gone->evicted)
		atomic64_add(gone->evicted, &rdmarpc_idem_ctr.evictions);
	if (gone->expired)
		atomic64_add(gone->expired, &rdmarpc_idem_ctr.expired);
	while ((ent = rr_idem_gone_pop(gone)))
		rdmarpc_idem_put(container_of(ent, struct rdmarpc_idem, ent));
}

/* What a request's key is looked up by. */
static void rdmarpc_idem_probe(struct rr_idem_entry *p, u32 method,
			       const struct rdmarpc_req_meta *meta)
{
	u64 a = get_unaligned((const u64 *)meta->key);
	u64 b = get_unaligned((const u64 *)(meta->key + 8));

	p->host = (__force u32)meta->client_ipv4;
	p->method = method;
	memcpy(p->key, meta->key, sizeof(p->key));
	/* Keyed: clients choose keys, they must not choose collisions. */
	p->hash = (u32)siphash_3u64(a, b, (u64)p->host << 32 | method,
				    &rdmarpc_idem_seed);
}

/*
 * @dst: a copy of @src, chunk by chunk.  Process context, no lock held:
 * chunks are order-0 pages and the copy may sleep.
 */
static int rdmarpc_idem_copy(struct rr_msg *dst, const struct rr_msg *src)
{
	u32 off = 0, avail, room;
	const void *s;
	void *d;
	int ret;

	might_sleep();
	ret = rr_msg_init(dst, src->len);
	if (ret)
		return ret;
	if (rr_msg_is_inline(src)) {
		memcpy(dst->inl, src->inl, src->len);
		return 0;
	}
	while (off < src->len) {
		/* A chunk never written (none: answers are written whole). */
		s = rr_msg_span((struct rr_msg *)src, off, &avail, RR_MSG_FIND);
		d = rr_msg_span(dst, off, &room, RR_MSG_ALLOC_SLEEP);
		if (!d) {
			rr_msg_free(dst);
			return -ENOMEM;
		}
		avail = min(avail, room);
		if (s)
			memcpy(d, s, avail);
		else
			memset(d, 0, avail);
		off += avail;
		cond_resched();
	}
	return 0;
}

/*
 * Answer @handle of @sess with the error @err, or @status and a message
 * (an inline body: nothing to allocate, in any context).
 */
static void rdmarpc_idem_answer_status(struct rdmarpc_sess *sess, u32 handle,
				       int err, s32 status, const char *why)
{
	struct rr_msg msg;
	u32 len;

	if (err) {
		rdmarpc_sess_reply(sess, handle, err, 0, NULL, NULL);
		return;
	}
	len = min_t(size_t, strlen(why), RR_MSG_INLINE);
	rr_msg_init(&msg, len);
	memcpy(msg.inl, why, len);
	rdmarpc_sess_reply(sess, handle, 0, status, &msg, NULL);
}

static void rdmarpc_idem_take_joiners(struct rdmarpc_idem *e,
				      struct list_head *out)
{
	struct rdmarpc_idem_joiner *j;

	lockdep_assert_held(&rdmarpc_idem_lock);
	list_for_each_entry(j, &e->joiners, node)
		rdmarpc_idem_n_joiners--;
	list_splice_init(&e->joiners, out);
}

/* @e is RUNNING or DONE: join it, or copy or reference its answer. */
static enum rdmarpc_idem_outcome
rdmarpc_idem_use(struct rdmarpc_idem *e, struct rdmarpc_sess *sess,
		 u32 handle, struct rdmarpc_idem_use *out)
{
	struct rdmarpc_idem_joiner *j;

	lockdep_assert_held(&rdmarpc_idem_lock);
	if (e->ent.state == RR_IDEM_RUNNING) {
		/* Atomic, under the lock: the answer must not slip by. */
		j = kmalloc(sizeof(*j), GFP_ATOMIC | __GFP_NOWARN);
		if (!j)
			return RDMARPC_IDEM_NOMEM;
		rdmarpc_sess_get(sess);
		j->sess = sess;
		j->handle = handle;
		list_add_tail(&j->node, &e->joiners);
		rdmarpc_idem_n_joiners++;
		return RDMARPC_IDEM_JOINED;
	}
	out->status = e->status;
	if (rr_msg_is_inline(&e->resp)) {
		rr_msg_init(&out->inl, e->resp.len);
		memcpy(out->inl.inl, e->resp.inl, e->resp.len);
		return RDMARPC_IDEM_HIT_INLINE;
	}
	refcount_inc(&e->ref);
	out->e = e;
	return RDMARPC_IDEM_HIT_WORK;
}

/* Nothing for the key: @fresh (may be NULL) becomes its RUNNING entry. */
static enum rdmarpc_idem_outcome
rdmarpc_idem_insert(struct rdmarpc_idem *fresh, u64 now,
		    const struct rr_idem_limits *lim, struct rr_idem_gone *gone)
{
	lockdep_assert_held(&rdmarpc_idem_lock);
	if (!fresh || !rdmarpc_sess_mem_charge(sizeof(*fresh)))
		return RDMARPC_IDEM_UNCACHED;
	fresh->charged = sizeof(*fresh);
	if (rr_idem_insert(&rdmarpc_idem_table, &fresh->ent, sizeof(*fresh),
			   now, lim, gone))
		return RDMARPC_IDEM_UNCACHED;
	/* The table's; the request's is the first. */
	refcount_inc(&fresh->ref);
	return RDMARPC_IDEM_MISS;
}

static void rdmarpc_idem_hit_work(struct work_struct *work)
{
	struct rdmarpc_idem_hit *h = container_of(work, struct rdmarpc_idem_hit,
						  work);
	struct rr_msg msg;

	if (rdmarpc_idem_copy(&msg, &h->e->resp))
		rdmarpc_sess_reply(h->sess, h->handle, -ENOMEM, 0, NULL,
				   NULL);
	else
		rdmarpc_sess_reply(h->sess, h->handle, 0, h->e->status, &msg,
				   NULL);
	rdmarpc_sess_put(h->sess);
	rdmarpc_idem_put(h->e);
	kfree(h);
}

/* Answer from DONE @e (referenced, given over) in a work item. */
static int rdmarpc_idem_queue_hit(struct rdmarpc_idem *e,
				  struct rdmarpc_sess *sess, u32 handle)
{
	struct rdmarpc_idem_hit *h;

	h = kmalloc(sizeof(*h), GFP_ATOMIC | __GFP_NOWARN);
	if (!h) {
		rdmarpc_idem_put(e);
		return -ENOMEM;
	}
	INIT_WORK(&h->work, rdmarpc_idem_hit_work);
	h->e = e;
	rdmarpc_sess_get(sess);
	h->sess = sess;
	h->handle = handle;
	queue_work(rdmarpc_wq, &h->work);
	return 0;
}

/* A new entry for the request, if it has to be added. */
static struct rdmarpc_idem *rdmarpc_idem_alloc(const struct rr_idem_entry *p)
{
	struct rdmarpc_idem *e;

	e = kzalloc(sizeof(*e), GFP_ATOMIC | __GFP_NOWARN);
	if (!e)
		return NULL;
	e->ent.hash = p->hash;
	e->ent.host = p->host;
	e->ent.method = p->method;
	memcpy(e->ent.key, p->key, sizeof(e->ent.key));
	refcount_set(&e->ref, 1);
	INIT_LIST_HEAD(&e->joiners);
	return e;
}

int rdmarpc_idem_deliver(struct rdmarpc_sess *sess, u32 handle, u32 method,
			 const struct rdmarpc_req_meta *meta,
			 struct rdmarpc_idem **owner)
{
	struct rdmarpc_idem_use found = {};
	enum rdmarpc_idem_outcome what;
	struct rr_idem_gone gone = {};
	struct rdmarpc_idem *fresh;
	struct rr_idem_limits lim;
	struct rr_idem_entry probe;
	struct rr_idem_entry *ent;
	unsigned long flags;
	u64 now;

	*owner = NULL;
	if (!meta->has_key)
		return 0;
	rdmarpc_idem_limits(&lim);
	if (!lim.ttl) {
		atomic64_inc(&rdmarpc_idem_ctr.uncached);
		return 0;
	}
	rdmarpc_idem_probe(&probe, method, meta);
	/* Allocated before the lock, for the likely miss. */
	fresh = rdmarpc_idem_alloc(&probe);

	spin_lock_irqsave(&rdmarpc_idem_lock, flags);
	now = ktime_get_ns();
	ent = rr_idem_find(&rdmarpc_idem_table, &probe, now, &lim, &gone);
	if (ent)
		what = rdmarpc_idem_use(container_of(ent, struct rdmarpc_idem,
						     ent), sess, handle, &found);
	else
		what = rdmarpc_idem_insert(fresh, now, &lim, &gone);
	spin_unlock_irqrestore(&rdmarpc_idem_lock, flags);

	rdmarpc_idem_let_go(&gone);
	if (what == RDMARPC_IDEM_MISS) {
		atomic64_inc(&rdmarpc_idem_ctr.misses);
		*owner = fresh;
		return 0;
	}
	if (fresh)
		rdmarpc_idem_put(fresh);
	switch (what) {
	case RDMARPC_IDEM_JOINED:
		atomic64_inc(&rdmarpc_idem_ctr.joins);
		return RDMARPC_IDEM_TAKEN;
	case RDMARPC_IDEM_HIT_INLINE:
		atomic64_inc(&rdmarpc_idem_ctr.hits);
		rdmarpc_sess_reply(sess, handle, 0, found.status, &found.inl,
				   NULL);
		return RDMARPC_IDEM_TAKEN;
	case RDMARPC_IDEM_HIT_WORK:
		if (rdmarpc_idem_queue_hit(found.e, sess, handle))
			return -ENOMEM;
		atomic64_inc(&rdmarpc_idem_ctr.hits);
		return RDMARPC_IDEM_TAKEN;
	case RDMARPC_IDEM_NOMEM:
		return -ENOMEM;
	default:
		atomic64_inc(&rdmarpc_idem_ctr.uncached);
		return 0;
	}
}

/* Process context: answer @joiners with copies of @status and @resp. */
static void rdmarpc_idem_answer_joiners(struct list_head *joiners,
					s32 status, const struct rr_msg *resp)
{
	struct rdmarpc_idem_joiner *j, *tmp;
	struct rr_msg msg;

	list_for_each_entry_safe(j, tmp, joiners, node) {
		if (rdmarpc_idem_copy(&msg, resp))
			rdmarpc_sess_reply(j->sess, j->handle, -ENOMEM, 0,
					   NULL, NULL);
		else
			rdmarpc_sess_reply(j->sess, j->handle, 0, status, &msg,
					   NULL);
		rdmarpc_sess_put(j->sess);
		kfree(j);
	}
}

/* Queue the sweep, unless module exit stopped it; the lock held. */
static void rdmarpc_idem_arm_sweep(void)
{
	lockdep_assert_held(&rdmarpc_idem_lock);
	if (!rdmarpc_idem_stopped)
		queue_delayed_work(rdmarpc_wq, &rdmarpc_idem_sweep_work,
				   RDMARPC_IDEM_SWEEP_PERIOD);
}

/*
 * Answers that say the call did not take place (the handler gave up, or
 * could not serve it now) are not kept: a retry must run it.
 */
static bool rdmarpc_idem_keeps(s32 status)
{
	return status != RDMARPC_STATUS_CANCELLED &&
	       status != RDMARPC_STATUS_DEADLINE_EXCEEDED &&
	       status != RDMARPC_STATUS_UNAVAILABLE;
}

void rdmarpc_idem_done(struct rdmarpc_idem *e, s32 status,
		       const struct rr_msg *resp)
{
	struct rr_idem_gone gone = {};
	struct rr_idem_limits lim;
	struct rr_msg copy = { .len = 0 };
	LIST_HEAD(joiners);
	bool charged = false, kept = false;
	unsigned long flags;

	rdmarpc_idem_limits(&lim);
	/* The copy, before the lock; worth it only if it can be kept. */
	if (lim.ttl && rdmarpc_idem_keeps(status) &&
	    resp->len <= lim.max_bytes && !rdmarpc_idem_copy(&copy, resp))
		charged = rdmarpc_sess_mem_charge(resp->len);

	spin_lock_irqsave(&rdmarpc_idem_lock, flags);
	if (charged && !rr_idem_finish(&rdmarpc_idem_table, &e->ent,
				       resp->len, ktime_get_ns(), &lim,
				       &gone)) {
		e->status = status;
		rr_msg_move(&e->resp, &copy);
		e->charged += resp->len;
		kept = true;
		rdmarpc_idem_arm_sweep();
	} else {
		rr_idem_remove(&rdmarpc_idem_table, &e->ent);
	}
	rdmarpc_idem_take_joiners(e, &joiners);
	spin_unlock_irqrestore(&rdmarpc_idem_lock, flags);

	if (!kept) {
		if (charged)
			rdmarpc_sess_mem_charge(-(s64)resp->len);
		rr_msg_free(&copy);
		/* The table's; the owner's is still ours. */
		rdmarpc_idem_put(e);
	}
	rdmarpc_idem_let_go(&gone);
	/* Kept or not, @e's answer or @resp: the same bytes. */
	rdmarpc_idem_answer_joiners(&joiners, status, kept ? &e->resp : resp);
	rdmarpc_idem_put(e);
}

void rdmarpc_idem_fail(struct rdmarpc_idem *e, int err, s32 status)
{
	struct rdmarpc_idem_joiner *j, *tmp;
	unsigned long flags;
	LIST_HEAD(joiners);

	spin_lock_irqsave(&rdmarpc_idem_lock, flags);
	rr_idem_remove(&rdmarpc_idem_table, &e->ent);
	rdmarpc_idem_take_joiners(e, &joiners);
	spin_unlock_irqrestore(&rdmarpc_idem_lock, flags);
	/* The table's; the owner's is still ours. */
	rdmarpc_idem_put(e);

	list_for_each_entry_safe(j, tmp, &joiners, node) {
		rdmarpc_idem_answer_status(j->sess, j->handle, err, status,
					   "the call with the same idempotency key it waited for ended without an answer");
		rdmarpc_sess_put(j->sess);
		kfree(j);
	}
	rdmarpc_idem_put(e);
}

bool rdmarpc_idem_cancel(struct rdmarpc_sess *sess, u32 handle)
{
	struct rdmarpc_idem_joiner *j, *found = NULL;
	struct rr_idem_entry *ent;
	struct rdmarpc_idem *e;
	unsigned long flags;

	spin_lock_irqsave(&rdmarpc_idem_lock, flags);
	/* Joiners are few: most of the time there is nothing to walk. */
	for (ent = rdmarpc_idem_n_joiners ? rdmarpc_idem_table.running.first :
	     NULL; ent && !found; ent = ent->next) {
		e = container_of(ent, struct rdmarpc_idem, ent);
		list_for_each_entry(j, &e->joiners, node) {
			if (j->sess == sess && j->handle == handle) {
				list_del(&j->node);
				rdmarpc_idem_n_joiners--;
				found = j;
				break;
			}
		}
	}
	spin_unlock_irqrestore(&rdmarpc_idem_lock, flags);
	if (!found)
		return false;
	rdmarpc_idem_answer_status(sess, handle, 0, RDMARPC_STATUS_CANCELLED,
				   "cancelled by the caller");
	rdmarpc_sess_put(sess);
	kfree(found);
	return true;
}

/*
 * Let go of what expired or is over the limits, @lim's, in steps of
 * RDMARPC_IDEM_SWEEP_BATCH; true if answers are left.
 */
static bool rdmarpc_idem_trim(const struct rr_idem_limits *lim)
{
	struct rr_idem_gone gone;
	unsigned long flags;
	bool more, left;

	do {
		memset(&gone, 0, sizeof(gone));
		spin_lock_irqsave(&rdmarpc_idem_lock, flags);
		more = rr_idem_trim(&rdmarpc_idem_table, ktime_get_ns(), lim,
				    RDMARPC_IDEM_SWEEP_BATCH, &gone);
		left = rdmarpc_idem_table.done.first;
		spin_unlock_irqrestore(&rdmarpc_idem_lock, flags);
		rdmarpc_idem_let_go(&gone);
		cond_resched();
	} while (more);
	return left;
}

static void rdmarpc_idem_sweep(struct work_struct *work)
{
	struct rr_idem_limits lim;
	unsigned long flags;

	rdmarpc_idem_limits(&lim);
	if (!rdmarpc_idem_trim(&lim))
		return;
	spin_lock_irqsave(&rdmarpc_idem_lock, flags);
	rdmarpc_idem_arm_sweep();
	spin_unlock_irqrestore(&rdmarpc_idem_lock, flags);
}

void rdmarpc_idem_stats_read(struct rdmarpc_rpc_stats *st)
{
	unsigned long flags;

	spin_lock_irqsave(&rdmarpc_idem_lock, flags);
	st->idem_entries = rdmarpc_idem_table.n_entries;
	st->idem_bytes = rdmarpc_idem_table.bytes;
	spin_unlock_irqrestore(&rdmarpc_idem_lock, flags);
	st->idem_hits = atomic64_read(&rdmarpc_idem_ctr.hits);
	st->idem_joins = atomic64_read(&rdmarpc_idem_ctr.joins);
	st->idem_misses = atomic64_read(&rdmarpc_idem_ctr.misses);
	st->idem_evictions = atomic64_read(&rdmarpc_idem_ctr.evictions);
	st->idem_expired = atomic64_read(&rdmarpc_idem_ctr.expired);
	st->idem_uncached = atomic64_read(&rdmarpc_idem_ctr.uncached);
}

void rdmarpc_idem_init(void)
{
	get_random_bytes(&rdmarpc_idem_seed, sizeof(rdmarpc_idem_seed));
	rr_idem_init(&rdmarpc_idem_table, rdmarpc_idem_buckets,
		     RDMARPC_IDEM_BUCKETS);
	INIT_DELAYED_WORK(&rdmarpc_idem_sweep_work, rdmarpc_idem_sweep);
}

/*
 * After the server ops are gone and rdmarpc_wq is flushed: no request
 * reaches the cache, none of its work items runs, and with every endpoint
 * closed no entry is RUNNING.
 */
void rdmarpc_idem_exit(void)
{
	/* ttl 0: every answer has expired. */
	const struct rr_idem_limits none = {};
	unsigned long flags;

	spin_lock_irqsave(&rdmarpc_idem_lock, flags);
	rdmarpc_idem_stopped = true;
	spin_unlock_irqrestore(&rdmarpc_idem_lock, flags);
	cancel_delayed_work_sync(&rdmarpc_idem_sweep_work);
	rdmarpc_idem_trim(&none);
	WARN_ON_ONCE(rdmarpc_idem_table.n_entries);
}
