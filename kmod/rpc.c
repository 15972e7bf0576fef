// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: endpoints, calls and services, on top of the session layer
 * (rpc.h).
 *
 * An endpoint is one open /dev/rdmarpc.  As a client it holds connections
 * (handle -> referenced peer) and calls: each call is a struct
 * rdmarpc_ucall wrapping the struct rdmarpc_kcall handed to the session
 * layer.  A synchronous call (CALL) is waited for by its ioctl; an
 * asynchronous one (SUBMIT) moves, when ->done runs, to the endpoint's
 * completion list, from which REAP copies its response to the submitter's
 * buffer.  As a server it binds services: a global table maps method ids
 * to endpoints; rdmarpc_rpc_deliver() queues each request on its endpoint,
 * RECV hands it to the process (it is then held under an id) and REPLY
 * answers it through rdmarpc_sess_reply().  RECV_BATCH and REPLY_BATCH
 * do the same for many requests in one system call.
 *
 * Waits.  Every wait of an endpoint (CALL, REAP, RECV, RECV_BATCH) may
 * first busy-poll for what it waits for (RDMARPC_IOC_BUSY_POLL), trading
 * CPU time for the cost of a sleep and a wake-up.
 *
 * Lifetimes.  An endpoint is referenced (ep->ref) by its file and by every
 * call the session layer holds (from rdmarpc_peer_call() until ->done).
 * Closing the file unbinds the services, cancels the calls and waits
 * (bounded) for their ->done, answers the requests still queued or held
 * with -ECONNABORTED and drops the connections.  The last reference frees
 * what is left from a work item (it may be dropped by ->done in softirq)
 * and the memory itself after an RCU grace period, because
 * rdmarpc_rpc_deliver() finds endpoints under RCU.
 *
 * A call record (ucall->ref) is referenced by the endpoint's list it is on
 * (or by the CALL ioctl that waits for it) and briefly pinned by whoever
 * must use it outside ep->lock (the submitter around rdmarpc_peer_call(),
 * a canceller).  Records are only freed in process context.
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/hashtable.h>
#include <linux/jiffies.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "rdmarpc.h"
#include "rpc.h"
#include "rpc_internal.h"
#include "chardev.h"

/*
 * A CALL waits this much beyond its timeout: the session layer enforces
 * the timeout itself, this is only a backstop.
 */
#define RDMARPC_CALL_MARGIN_MS		2000
/* After rdmarpc_peer_cancel(), ->done comes "promptly": at most this. */
#define RDMARPC_CANCEL_WAIT_MS		10000

struct rdmarpc_ep {
	/*
	 * @lock guards the lists, counters and flags from here to @req_wq,
	 * and the state of every call on the lists.  ->done and
	 * rdmarpc_rpc_deliver() take it in any context: irqsave there,
	 * spin_lock_irq in the ioctls.  Never held across a call into the
	 * session layer (->done may run inside rdmarpc_peer_cancel()).
	 */
	spinlock_t lock;
	bool closing;			/* release began: no new requests */
	struct list_head calls;		/* started, ->done not yet run */
	struct list_head completions;	/* async calls whose ->done ran */
	struct list_head orphans;	/* sync calls their ioctl gave up */
	struct list_head pending;	/* requests not yet received */
	u32 n_calls;			/* reserved or on @calls */
	u32 n_reqs;			/* pending or held */
	u64 bytes;			/* message bytes held, see _EP_MAX_BYTES */

	wait_queue_head_t call_wq;	/* a call completed */
	wait_queue_head_t req_wq;	/* a request arrived */

	/*
	 * Busy-poll budget of each wait, microseconds (0: off).  No lock:
	 * written with WRITE_ONCE() by BUSY_POLL, read once per wait.
	 */
	u32 busy_poll_us;

	/*
	 * Requests received and not yet answered, by id.  Process context
	 * only; the xarray's own lock guards it.
	 */
	struct xarray held;
	u32 next_id;			/* for xa_alloc_cyclic(), under its lock */

	/*
	 * Connections: handle -> peer, each entry holding a peer reference.
	 * @conn_lock serialises CONNECT's find-or-add; lookups are lockless
	 * (entries go only when the endpoint dies).
	 */
	struct mutex conn_lock;
	struct xarray conns;

	/* This endpoint's services; under rdmarpc_svc_lock. */
	struct list_head services;

	struct kref ref;		/* the file + each call the session has */
	struct work_struct free_work;
	struct rcu_head rcu;
};

struct rdmarpc_ucall {
	struct rdmarpc_kcall kc;
	struct rdmarpc_ep *ep;
	struct rdmarpc_peer *peer;	/* the endpoint's connection's ref */
	refcount_t ref;			/* owner (list or CALL) + pins */
	struct list_head node;		/* under ep->lock */
	struct mm_struct *mm;		/* SUBMIT: the submitter's, mmgrab()ed */
	u64 resp_ptr;
	u64 resp_cap;
	u32 req_len;
	u32 resp_len;			/* the response's, even if not kept */
	int err;			/* ->done's, or the start's */
	s32 status;
	struct rr_msg resp;
	struct completion done;		/* CALL: ->done ran */
	/* Under ep->lock: */
	bool sync;
	bool started;			/* rdmarpc_peer_call() succeeded */
	bool cancel_req;		/* cancelled, or to cancel once started */
	bool finished;			/* ->done ran */
	bool orphan;			/* CALL gave up: ->done parks it */
};

/* A request delivered to an endpoint. */
struct rdmarpc_req {
	struct list_head node;		/* on ep->pending, under ep->lock */
	struct rdmarpc_sess *sess;	/* referenced */
	u32 handle;
	u32 method;
	u32 len;			/* charged to ep->bytes while queued */
	struct rr_msg msg;		/* freed once received */
};

/*
 * Services.  rdmarpc_svc_lock (process context) guards the tables and
 * every ep->services list; rdmarpc_rpc_deliver() reads the method table
 * under RCU.  Entries are freed after a grace period.
 */
struct rdmarpc_method {
	struct hlist_node hnode;	/* rdmarpc_methods */
	u32 id;
	struct rdmarpc_svc *svc;
};

struct rdmarpc_svc {
	struct hlist_node name_node;	/* rdmarpc_svc_names */
	struct list_head ep_node;	/* ep->services */
	struct rdmarpc_ep *ep;
	u32 name_hash;
	char name[RDMARPC_NAME_MAX];
	struct rcu_head rcu;
	u32 n;
	struct rdmarpc_method m[];
};

static DEFINE_MUTEX(rdmarpc_svc_lock);
static DEFINE_HASHTABLE(rdmarpc_methods, 10);
static DEFINE_HASHTABLE(rdmarpc_svc_names, 6);

/* Counters (see struct rdmarpc_rpc_stats). */
static struct {
	atomic64_t endpoints;
	atomic64_t calls;
	atomic64_t calls_failed;
	atomic64_t cancels;
	atomic64_t requests;
	atomic64_t requests_unserved;
	atomic64_t requests_dropped;
	atomic64_t requests_aborted;
	atomic64_t replies;
} rdmarpc_stats;

#define rdmarpc_count(name)	atomic64_inc(&rdmarpc_stats.name)

void rdmarpc_rpc_stats_read(struct rdmarpc_rpc_stats *st)
{
	st->endpoints = atomic64_read(&rdmarpc_stats.endpoints);
	st->calls = atomic64_read(&rdmarpc_stats.calls);
	st->calls_failed = atomic64_read(&rdmarpc_stats.calls_failed);
	st->cancels = atomic64_read(&rdmarpc_stats.cancels);
	st->requests = atomic64_read(&rdmarpc_stats.requests);
	st->requests_unserved = atomic64_read(&rdmarpc_stats.requests_unserved);
	st->requests_dropped = atomic64_read(&rdmarpc_stats.requests_dropped);
	st->requests_aborted = atomic64_read(&rdmarpc_stats.requests_aborted);
	st->replies = atomic64_read(&rdmarpc_stats.replies);
}

/* FNV-1a, 32 bit: the same function as librdmarpc's rdmarpc_method_id(). */
u32 rdmarpc_method_id(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	u32 h = 2166136261u;

	while (*p) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

static long rdmarpc_ms_to_jiffies(u64 ms)
{
	if (ms >= RDMARPC_WAIT_FOREVER)
		return MAX_SCHEDULE_TIMEOUT;
	return msecs_to_jiffies((unsigned int)ms);
}

/* ---- busy polling ---- */

/*
 * Before a wait sleeps: spin until @cond(@arg) holds, for at most the
 * endpoint's busy-poll budget and *@left jiffies (the wait's own bound,
 * which loses the time spent here), like SO_BUSY_POLL.  Process context
 * with interrupts and bottom halves enabled, so the CQ's softirq that
 * completes calls and delivers requests runs meanwhile, here (each turn
 * runs what is pending) or on another CPU.  A pending signal ends the spin (the interruptible wait
 * that follows then returns at once).  True if @cond came true.
 */
static bool rdmarpc_ep_busy_poll(struct rdmarpc_ep *ep,
				 bool (*cond)(void *arg), void *arg,
				 long *left)
{
	u32 us = READ_ONCE(ep->busy_poll_us);
	unsigned long start;
	bool met = false;
	u64 end;

	if (!us)
		return false;
	start = jiffies;
	end = local_clock() + (u64)us * NSEC_PER_USEC;
	if (*left != MAX_SCHEDULE_TIMEOUT)
		end = min(end, local_clock() + jiffies_to_nsecs(*left));
	for (;;) {
		if (cond(arg)) {
			met = true;
			break;
		}
		if (signal_pending(current) || local_clock() >= end)
			break;
		/*
		 * Run the softirqs pending on this CPU (the CQ's, the session
		 * timers') now: left to ksoftirqd, they would wait for this
		 * spin to end.
		 */
		local_bh_disable();
		local_bh_enable();
		if (need_resched())
			cond_resched();
		else
			cpu_relax();
	}
	if (*left != MAX_SCHEDULE_TIMEOUT)
		*left -= min_t(unsigned long, *left, jiffies - start);
	return met;
}

void rdmarpc_ep_set_busy_poll(struct rdmarpc_ep *ep, u32 usec)
{
	WRITE_ONCE(ep->busy_poll_us, usec);
}

/* ---- message bodies to and from user memory ---- */

/* Fill @m (len bytes, chunk by chunk) from user memory. */
static int rdmarpc_msg_from_user(struct rr_msg *m, u64 uptr, u32 len)
{
	const u8 __user *src = u64_to_user_ptr(uptr);
	u32 off = 0, avail;
	void *p;
	int ret;

	ret = rr_msg_init(m, len);
	if (ret)
		return ret;
	while (off < len) {
		p = rr_msg_span(m, off, &avail, RR_MSG_ALLOC_SLEEP);
		if (!p) {
			ret = -ENOMEM;
			goto out_free;
		}
		if (copy_from_user(p, src + off, avail)) {
			ret = -EFAULT;
			goto out_free;
		}
		off += avail;
		if (avail == RR_CHUNK_SIZE)
			cond_resched();
	}
	return 0;

out_free:
	rr_msg_free(m);
	return ret;
}

/* Copy the first @cap bytes of @m to user memory. */
static int rdmarpc_msg_to_user(struct rr_msg *m, u64 uptr, u64 cap)
{
	u8 __user *dst = u64_to_user_ptr(uptr);
	u32 n = min_t(u64, m->len, cap), off = 0, avail;
	void *p;

	while (off < n) {
		/* alloc == false: a missing chunk (never written) is zeros. */
		p = rr_msg_span(m, off, &avail, RR_MSG_FIND);
		avail = min(avail, n - off);
		if (p ? copy_to_user(dst + off, p, avail) :
			clear_user(dst + off, avail))
			return -EFAULT;
		off += avail;
		if (avail == RR_CHUNK_SIZE)
			cond_resched();
	}
	return 0;
}

/* ---- endpoints ---- */

static void rdmarpc_call_put(struct rdmarpc_ucall *uc);

static void rdmarpc_ep_drop_conns(struct rdmarpc_ep *ep)
{
	struct rdmarpc_peer *peer;
	unsigned long handle;

	xa_for_each(&ep->conns, handle, peer) {
		xa_erase(&ep->conns, handle);
		rdmarpc_peer_put(peer);
	}
}

/* Free the records of calls that completed and nobody will reap. */
static void rdmarpc_ep_free_calls(struct rdmarpc_ep *ep)
{
	struct rdmarpc_ucall *uc;

	for (;;) {
		spin_lock_irq(&ep->lock);
		uc = list_first_entry_or_null(&ep->completions,
					      struct rdmarpc_ucall, node);
		if (!uc)
			uc = list_first_entry_or_null(&ep->orphans,
						      struct rdmarpc_ucall,
						      node);
		if (uc) {
			list_del_init(&uc->node);
			ep->bytes -= uc->resp.len;
		}
		spin_unlock_irq(&ep->lock);
		if (!uc)
			break;
		rdmarpc_call_put(uc);
	}
}

static void rdmarpc_ep_free_work(struct work_struct *work)
{
	struct rdmarpc_ep *ep = container_of(work, struct rdmarpc_ep,
					     free_work);

	/* Calls whose ->done came after close stopped waiting, if any. */
	rdmarpc_ep_free_calls(ep);
	rdmarpc_ep_drop_conns(ep);
	xa_destroy(&ep->conns);
	xa_destroy(&ep->held);
	mutex_destroy(&ep->conn_lock);
	atomic64_dec(&rdmarpc_stats.endpoints);
	pr_debug("endpoint %p destroyed\n", ep);
	/* rdmarpc_rpc_deliver() may still be looking at it. */
	kfree_rcu(ep, rcu);
}

/* The last reference may go in ->done (softirq): free from a worker. */
static void rdmarpc_ep_release(struct kref *ref)
{
	struct rdmarpc_ep *ep = container_of(ref, struct rdmarpc_ep, ref);

	queue_work(rdmarpc_wq, &ep->free_work);
}

static void rdmarpc_ep_put(struct rdmarpc_ep *ep)
{
	kref_put(&ep->ref, rdmarpc_ep_release);
}

struct rdmarpc_ep *rdmarpc_ep_create(void)
{
	struct rdmarpc_ep *ep;

	ep = kzalloc(sizeof(*ep), GFP_KERNEL);
	if (!ep)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&ep->lock);
	INIT_LIST_HEAD(&ep->calls);
	INIT_LIST_HEAD(&ep->completions);
	INIT_LIST_HEAD(&ep->orphans);
	INIT_LIST_HEAD(&ep->pending);
	init_waitqueue_head(&ep->call_wq);
	init_waitqueue_head(&ep->req_wq);
	xa_init_flags(&ep->held, XA_FLAGS_ALLOC1);
	mutex_init(&ep->conn_lock);
	xa_init_flags(&ep->conns, XA_FLAGS_ALLOC);
	INIT_LIST_HEAD(&ep->services);
	kref_init(&ep->ref);
	INIT_WORK(&ep->free_work, rdmarpc_ep_free_work);
	atomic64_inc(&rdmarpc_stats.endpoints);
	pr_debug("endpoint %p created\n", ep);
	return ep;
}

/* ---- client side: connections and calls ---- */

int rdmarpc_ep_connect(struct rdmarpc_ep *ep, const char *name,
		       u32 timeout_ms, u32 *handle)
{
	struct rdmarpc_peer *peer, *p;
	unsigned long h;
	int ret;

	peer = rdmarpc_peer_lookup(name, timeout_ms);
	if (IS_ERR(peer))
		return PTR_ERR(peer);

	mutex_lock(&ep->conn_lock);
	/* One handle per peer and endpoint, however often it connects. */
	xa_for_each(&ep->conns, h, p) {
		if (p == peer) {
			*handle = h;
			ret = 0;
			goto out_put;
		}
	}
	ret = xa_alloc(&ep->conns, handle, peer,
		       XA_LIMIT(0, RDMARPC_EP_MAX_CONNS - 1), GFP_KERNEL);
	if (ret == -EBUSY)
		ret = -ENOSPC;
	if (ret)
		goto out_put;
	/* The entry keeps the lookup's reference. */
	mutex_unlock(&ep->conn_lock);
	return 0;

out_put:
	mutex_unlock(&ep->conn_lock);
	rdmarpc_peer_put(peer);
	return ret;
}

static void rdmarpc_call_free(struct rdmarpc_ucall *uc)
{
	/* kc.req belongs to the session layer once started, else is freed. */
	rr_msg_free(&uc->resp);
	if (uc->mm)
		mmdrop(uc->mm);
	kfree(uc);
}

static void rdmarpc_call_put(struct rdmarpc_ucall *uc)
{
	if (refcount_dec_and_test(&uc->ref))
		rdmarpc_call_free(uc);
}

/* Give back what rdmarpc_call_new() reserved. */
static void rdmarpc_ep_unreserve(struct rdmarpc_ep *ep, u32 req_len)
{
	spin_lock_irq(&ep->lock);
	ep->n_calls--;
	ep->bytes -= req_len;
	spin_unlock_irq(&ep->lock);
}

static void rdmarpc_call_done(struct rdmarpc_kcall *kc, int err, s32 status,
			      struct rr_msg *resp)
{
	struct rdmarpc_ucall *uc = container_of(kc, struct rdmarpc_ucall, kc);
	struct rdmarpc_ep *ep = uc->ep;
	unsigned long flags;
	bool wake_sync;

	uc->err = err;
	uc->status = err ? 0 : status;
	if (!err && resp)
		rr_msg_move(&uc->resp, resp);
	uc->resp_len = uc->resp.len;

	spin_lock_irqsave(&ep->lock, flags);
	list_del(&uc->node);
	ep->n_calls--;
	ep->bytes -= uc->req_len;
	if (ep->bytes + uc->resp.len > RDMARPC_EP_MAX_BYTES) {
		/* Over the endpoint's budget: fail it, keep the length. */
		uc->err = -ENOBUFS;
		rr_msg_free(&uc->resp);
	}
	ep->bytes += uc->resp.len;
	uc->finished = true;
	wake_sync = uc->sync && !uc->orphan;
	if (!uc->sync)
		list_add_tail(&uc->node, &ep->completions);
	else if (uc->orphan)
		list_add_tail(&uc->node, &ep->orphans);
	spin_unlock_irqrestore(&ep->lock, flags);

	if (uc->err)
		rdmarpc_count(calls_failed);
	/* The CALL ioctl may free @uc as soon as it is woken. */
	if (wake_sync)
		complete(&uc->done);
	else
		wake_up(&ep->call_wq);
	rdmarpc_ep_put(ep);
}

/*
 * A call record for @c with the request copied in, counted against the
 * endpoint's limits.  Owned by the caller (ref 1).
 */
static struct rdmarpc_ucall *rdmarpc_call_new(struct rdmarpc_ep *ep,
					      const struct rdmarpc_call *c,
					      bool sync)
{
	struct rdmarpc_ucall *uc;
	struct rdmarpc_peer *peer;
	int ret;

	if (c->flags)
		return ERR_PTR(-EINVAL);
	peer = xa_load(&ep->conns, c->handle);
	if (!peer)
		return ERR_PTR(-EBADF);
	if (c->req_len > RDMARPC_MSG_MAX)
		return ERR_PTR(-EMSGSIZE);

	spin_lock_irq(&ep->lock);
	if (ep->n_calls >= RDMARPC_EP_MAX_CALLS) {
		ret = -EAGAIN;
	} else if (ep->bytes + c->req_len > RDMARPC_EP_MAX_BYTES) {
		ret = -ENOBUFS;
	} else {
		ep->n_calls++;
		ep->bytes += c->req_len;
		ret = 0;
	}
	spin_unlock_irq(&ep->lock);
	if (ret)
		return ERR_PTR(ret);

	uc = kzalloc(sizeof(*uc), GFP_KERNEL);
	if (!uc) {
		ret = -ENOMEM;
		goto out_unreserve;
	}
	uc->ep = ep;
	uc->peer = peer;
	refcount_set(&uc->ref, 1);
	INIT_LIST_HEAD(&uc->node);
	uc->resp_ptr = c->resp;
	uc->resp_cap = c->resp_cap;
	uc->req_len = c->req_len;
	uc->sync = sync;
	init_completion(&uc->done);
	uc->kc.method = c->method;
	uc->kc.timeout_ms = c->timeout_ms;
	uc->kc.cookie = c->cookie;
	uc->kc.done = rdmarpc_call_done;
	ret = rdmarpc_msg_from_user(&uc->kc.req, c->req, c->req_len);
	if (ret)
		goto out_free;
	if (!sync && current->mm) {
		uc->mm = current->mm;
		mmgrab(uc->mm);
	}
	return uc;

out_free:
	kfree(uc);
out_unreserve:
	rdmarpc_ep_unreserve(ep, c->req_len);
	return ERR_PTR(ret);
}

/*
 * Hand @uc to the session layer.  On failure ->done will not run: the
 * reservation is given back, the request freed, and the error returned.
 */
static int rdmarpc_call_start(struct rdmarpc_ep *ep, struct rdmarpc_ucall *uc)
{
	bool cancel;
	int ret;

	/* Pinned: ->done and a REAP may be through before we look again. */
	refcount_inc(&uc->ref);
	kref_get(&ep->ref);
	spin_lock_irq(&ep->lock);
	list_add_tail(&uc->node, &ep->calls);
	spin_unlock_irq(&ep->lock);

	ret = rdmarpc_peer_call(uc->peer, &uc->kc);
	if (ret) {
		spin_lock_irq(&ep->lock);
		list_del_init(&uc->node);
		ep->n_calls--;
		ep->bytes -= uc->req_len;
		spin_unlock_irq(&ep->lock);
		rr_msg_free(&uc->kc.req);
		/* Not the last reference: the file holds one. */
		rdmarpc_ep_put(ep);
		refcount_dec(&uc->ref);
		rdmarpc_count(calls_failed);
		return ret;
	}
	rdmarpc_count(calls);

	spin_lock_irq(&ep->lock);
	uc->started = true;
	cancel = uc->cancel_req && !uc->finished;
	spin_unlock_irq(&ep->lock);
	/* A CANCEL came while the call was being started. */
	if (cancel) {
		rdmarpc_count(cancels);
		rdmarpc_peer_cancel(uc->peer, &uc->kc);
	}
	rdmarpc_call_put(uc);
	return 0;
}

/* Busy-poll conditions: lockless peeks, rechecked by what follows. */
static bool rdmarpc_call_is_done(void *done)
{
	return completion_done(done);
}

static bool rdmarpc_ep_peek_completions(void *arg)
{
	struct rdmarpc_ep *ep = arg;

	return !list_empty(&ep->completions);
}

static bool rdmarpc_ep_peek_pending(void *arg)
{
	struct rdmarpc_ep *ep = arg;

	return !list_empty(&ep->pending);
}

static long rdmarpc_call_wait(u32 timeout_ms)
{
	u64 ms = timeout_ms ? timeout_ms : READ_ONCE(rdmarpc_call_timeout_ms);

	return rdmarpc_ms_to_jiffies(ms + RDMARPC_CALL_MARGIN_MS);
}

/*
 * Cancel a CALL whose wait ended early and wait for its ->done.  Returns
 * true if ->done ran (the record is the caller's again), false if it was
 * left to ->done as an orphan.
 */
static bool rdmarpc_call_abandon(struct rdmarpc_ep *ep,
				 struct rdmarpc_ucall *uc)
{
	bool orphaned = false;

	spin_lock_irq(&ep->lock);
	uc->cancel_req = true;
	spin_unlock_irq(&ep->lock);
	rdmarpc_count(cancels);
	rdmarpc_peer_cancel(uc->peer, &uc->kc);
	if (wait_for_completion_timeout(&uc->done,
					msecs_to_jiffies(RDMARPC_CANCEL_WAIT_MS)))
		return true;

	spin_lock_irq(&ep->lock);
	if (!uc->finished) {
		uc->orphan = true;
		orphaned = true;
	}
	spin_unlock_irq(&ep->lock);
	if (orphaned) {
		pr_warn_ratelimited("a cancelled call did not complete\n");
		return false;
	}
	/* ->done is between its unlock and complete(). */
	wait_for_completion(&uc->done);
	return true;
}

int rdmarpc_ep_call(struct rdmarpc_ep *ep, const struct rdmarpc_call *c,
		    struct rdmarpc_completion *comp)
{
	struct rdmarpc_ucall *uc;
	long left;
	int ret = 0;

	uc = rdmarpc_call_new(ep, c, true);
	if (IS_ERR(uc))
		return PTR_ERR(uc);
	comp->cookie = c->cookie;

	ret = rdmarpc_call_start(ep, uc);
	if (ret) {
		/* The peer is down or refuses the size: a call error. */
		comp->error = ret;
		ret = 0;
		goto out_free;
	}

	left = rdmarpc_call_wait(c->timeout_ms);
	rdmarpc_ep_busy_poll(ep, rdmarpc_call_is_done, &uc->done, &left);
	left = wait_for_completion_interruptible_timeout(&uc->done, left);
	if (left <= 0) {
		if (!rdmarpc_call_abandon(ep, uc))
			return left ? -EINTR : -ETIMEDOUT;
		if (uc->err == -ECANCELED) {
			/* Cancelled by us: report why. */
			if (left) {
				ret = -EINTR;
				goto out_uncharge;
			}
			uc->err = -ETIMEDOUT;
		}
	}

	comp->error = uc->err;
	comp->status = uc->status;
	comp->resp_len = uc->resp_len;
	if (!uc->err) {
		if (rdmarpc_msg_to_user(&uc->resp, uc->resp_ptr, uc->resp_cap))
			ret = -EFAULT;
		else if (uc->resp.len > uc->resp_cap)
			comp->error = -ENOBUFS;
	}
out_uncharge:
	spin_lock_irq(&ep->lock);
	ep->bytes -= uc->resp.len;
	spin_unlock_irq(&ep->lock);
out_free:
	rdmarpc_call_put(uc);
	return ret;
}

int rdmarpc_ep_submit(struct rdmarpc_ep *ep, const struct rdmarpc_call *c)
{
	struct rdmarpc_ucall *uc;
	int ret;

	uc = rdmarpc_call_new(ep, c, false);
	if (IS_ERR(uc))
		return PTR_ERR(uc);
	ret = rdmarpc_call_start(ep, uc);
	if (ret) {
		/* Taken, and completed at once with the session's error. */
		uc->err = ret;
		spin_lock_irq(&ep->lock);
		uc->finished = true;
		list_add_tail(&uc->node, &ep->completions);
		spin_unlock_irq(&ep->lock);
		wake_up(&ep->call_wq);
	}
	return 0;
}

static struct rdmarpc_ucall *rdmarpc_ep_take_completion(struct rdmarpc_ep *ep)
{
	struct rdmarpc_ucall *uc;

	spin_lock_irq(&ep->lock);
	uc = list_first_entry_or_null(&ep->completions, struct rdmarpc_ucall,
				      node);
	if (uc) {
		list_del_init(&uc->node);
		ep->bytes -= uc->resp.len;
	}
	spin_unlock_irq(&ep->lock);
	return uc;
}

static bool rdmarpc_ep_has_completions(struct rdmarpc_ep *ep)
{
	bool ret;

	spin_lock_irq(&ep->lock);
	ret = !list_empty(&ep->completions);
	spin_unlock_irq(&ep->lock);
	return ret;
}

/* Copy one completion out; on -EFAULT the caller puts it back. */
static int rdmarpc_reap_one(struct rdmarpc_ucall *uc,
			    struct rdmarpc_completion __user *out)
{
	struct rdmarpc_completion comp = {
		.cookie = uc->kc.cookie,
		.error = uc->err,
		.status = uc->status,
		.resp_len = uc->resp_len,
	};

	if (!comp.error) {
		/* Only into the address space that submitted the call. */
		if (current->mm != uc->mm)
			comp.error = -EFAULT;
		else if (rdmarpc_msg_to_user(&uc->resp, uc->resp_ptr,
					     uc->resp_cap))
			comp.error = -EFAULT;
		else if (uc->resp.len > uc->resp_cap)
			comp.error = -ENOBUFS;
	}
	if (copy_to_user(out, &comp, sizeof(comp)))
		return -EFAULT;
	return 0;
}

int rdmarpc_ep_reap(struct rdmarpc_ep *ep,
		    struct rdmarpc_completion __user *out, u32 count,
		    u32 min_complete, u32 timeout_ms, u32 *done)
{
	long left = rdmarpc_ms_to_jiffies(timeout_ms);
	struct rdmarpc_ucall *uc;
	u32 n = 0;
	int ret = 0;

	for (;;) {
		while (n < count && (uc = rdmarpc_ep_take_completion(ep))) {
			if (rdmarpc_reap_one(uc, &out[n])) {
				spin_lock_irq(&ep->lock);
				list_add(&uc->node, &ep->completions);
				ep->bytes += uc->resp.len;
				spin_unlock_irq(&ep->lock);
				ret = -EFAULT;
				goto out;
			}
			rdmarpc_call_put(uc);
			n++;
		}
		if (n >= min_complete || !timeout_ms)
			break;
		if (!left) {
			ret = -ETIMEDOUT;
			break;
		}
		if (rdmarpc_ep_busy_poll(ep, rdmarpc_ep_peek_completions, ep,
					 &left))
			continue;
		left = wait_event_interruptible_timeout(ep->call_wq,
							rdmarpc_ep_has_completions(ep),
							left);
		if (left < 0) {
			/* What was reaped is handed over; the signal waits. */
			ret = n ? 0 : -EINTR;
			break;
		}
	}
out:
	*done = n;
	return ret;
}

int rdmarpc_ep_cancel(struct rdmarpc_ep *ep, u64 cookie)
{
	struct rdmarpc_ucall *uc, *it;
	bool found = false;

	for (;;) {
		uc = NULL;
		spin_lock_irq(&ep->lock);
		list_for_each_entry(it, &ep->calls, node) {
			if (it->sync || it->kc.cookie != cookie)
				continue;
			found = true;
			if (it->cancel_req)
				continue;
			/* Not started yet: its submitter cancels it. */
			it->cancel_req = true;
			if (it->started) {
				uc = it;
				refcount_inc(&uc->ref);
				break;
			}
		}
		if (!found) {
			list_for_each_entry(it, &ep->completions, node) {
				if (it->kc.cookie == cookie) {
					found = true;
					break;
				}
			}
		}
		spin_unlock_irq(&ep->lock);
		if (!uc)
			break;
		rdmarpc_count(cancels);
		rdmarpc_peer_cancel(uc->peer, &uc->kc);
		rdmarpc_call_put(uc);
	}
	return found ? 0 : -ENOENT;
}

/* At close: cancel every call still with the session layer. */
static void rdmarpc_ep_cancel_all(struct rdmarpc_ep *ep)
{
	struct rdmarpc_ucall *uc, *it;

	for (;;) {
		uc = NULL;
		spin_lock_irq(&ep->lock);
		list_for_each_entry(it, &ep->calls, node) {
			if (!it->cancel_req && it->started) {
				it->cancel_req = true;
				uc = it;
				refcount_inc(&uc->ref);
				break;
			}
		}
		spin_unlock_irq(&ep->lock);
		if (!uc)
			break;
		rdmarpc_count(cancels);
		rdmarpc_peer_cancel(uc->peer, &uc->kc);
		rdmarpc_call_put(uc);
	}
}

static bool rdmarpc_ep_idle(struct rdmarpc_ep *ep)
{
	bool ret;

	spin_lock_irq(&ep->lock);
	ret = !ep->n_calls;
	spin_unlock_irq(&ep->lock);
	return ret;
}

/* ---- server side: services and requests ---- */

/* Under rcu_read_lock() or rdmarpc_svc_lock. */
static struct rdmarpc_method *rdmarpc_method_find(u32 id)
{
	struct rdmarpc_method *m;

	hash_for_each_possible_rcu(rdmarpc_methods, m, hnode, id,
				   lockdep_is_held(&rdmarpc_svc_lock)) {
		if (m->id == id)
			return m;
	}
	return NULL;
}

static struct rdmarpc_svc *rdmarpc_svc_find(const char *name, u32 hash)
{
	struct rdmarpc_svc *svc;

	lockdep_assert_held(&rdmarpc_svc_lock);
	hash_for_each_possible(rdmarpc_svc_names, svc, name_node, hash) {
		if (svc->name_hash == hash && !strcmp(svc->name, name))
			return svc;
	}
	return NULL;
}

static int rdmarpc_u32_cmp(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

int rdmarpc_ep_bind(struct rdmarpc_ep *ep, const char *name, const u32 *ids,
		    u32 n)
{
	u32 hash = rdmarpc_method_id(name), nsvc = 0, i;
	struct rdmarpc_svc *svc, *other;
	struct rdmarpc_method *m;
	int ret;

	if (n > RDMARPC_BIND_MAX_METHODS || strlen(name) >= RDMARPC_NAME_MAX)
		return -EINVAL;
	svc = kzalloc(struct_size(svc, m, n ? n : 1), GFP_KERNEL);
	if (!svc)
		return -ENOMEM;
	strscpy(svc->name, name, sizeof(svc->name));
	svc->name_hash = hash;
	svc->ep = ep;
	svc->n = n ? n : 1;
	for (i = 0; i < svc->n; i++) {
		svc->m[i].id = n ? ids[i] : hash;
		svc->m[i].svc = svc;
	}
	/* A list naming an id twice is a mistake. */
	if (n > 1) {
		u32 *sorted = kmemdup(ids, array_size(n, sizeof(*ids)),
				      GFP_KERNEL);

		if (!sorted) {
			ret = -ENOMEM;
			goto out_free;
		}
		sort(sorted, n, sizeof(*sorted), rdmarpc_u32_cmp, NULL);
		for (i = 1; i < n && sorted[i] != sorted[i - 1]; i++)
			;
		kfree(sorted);
		if (i < n) {
			ret = -EINVAL;
			goto out_free;
		}
	}

	mutex_lock(&rdmarpc_svc_lock);
	list_for_each_entry(other, &ep->services, ep_node)
		nsvc++;
	if (nsvc >= RDMARPC_EP_MAX_SERVICES) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	other = rdmarpc_svc_find(name, hash);
	if (other) {
		ret = other->ep == ep ? -EEXIST : -EADDRINUSE;
		goto out_unlock;
	}
	for (i = 0; i < svc->n; i++) {
		m = rdmarpc_method_find(svc->m[i].id);
		if (m) {
			ret = m->svc->ep == ep ? -EEXIST : -EADDRINUSE;
			goto out_unlock;
		}
	}
	hash_add(rdmarpc_svc_names, &svc->name_node, hash);
	list_add_tail(&svc->ep_node, &ep->services);
	for (i = 0; i < svc->n; i++)
		hash_add_rcu(rdmarpc_methods, &svc->m[i].hnode, svc->m[i].id);
	mutex_unlock(&rdmarpc_svc_lock);
	pr_debug("endpoint %p serves '%s' (%u methods)\n", ep, name, svc->n);
	return 0;

out_unlock:
	mutex_unlock(&rdmarpc_svc_lock);
out_free:
	kfree(svc);
	return ret;
}

static void rdmarpc_ep_unbind_all(struct rdmarpc_ep *ep)
{
	struct rdmarpc_svc *svc, *tmp;
	u32 i;

	mutex_lock(&rdmarpc_svc_lock);
	list_for_each_entry_safe(svc, tmp, &ep->services, ep_node) {
		for (i = 0; i < svc->n; i++)
			hash_del_rcu(&svc->m[i].hnode);
		hash_del(&svc->name_node);
		list_del(&svc->ep_node);
		/* rdmarpc_rpc_deliver() may be walking its methods. */
		kfree_rcu(svc, rcu);
	}
	mutex_unlock(&rdmarpc_svc_lock);
}

int rdmarpc_rpc_deliver(struct rdmarpc_sess *sess, u32 handle, u32 method,
			struct rr_msg *req)
{
	struct rdmarpc_req *r = NULL;
	struct rdmarpc_method *m;
	struct rdmarpc_ep *ep;
	unsigned long flags;
	int ret = 0;

	rcu_read_lock();
	m = rdmarpc_method_find(method);
	if (!m) {
		ret = -ENOENT;
		goto out_unlock_rcu;
	}
	r = kmalloc(sizeof(*r), GFP_ATOMIC | __GFP_NOWARN);
	if (!r) {
		ret = -ENOMEM;
		goto out_unlock_rcu;
	}
	ep = m->svc->ep;
	spin_lock_irqsave(&ep->lock, flags);
	if (ep->closing) {
		/* Unbound a moment ago. */
		ret = -ENOENT;
	} else if (ep->n_reqs >= RDMARPC_EP_MAX_REQS ||
		   ep->bytes + req->len > RDMARPC_EP_MAX_BYTES) {
		ret = -ENOMEM;
	} else {
		rdmarpc_sess_get(sess);
		r->sess = sess;
		r->handle = handle;
		r->method = method;
		r->len = req->len;
		rr_msg_move(&r->msg, req);
		list_add_tail(&r->node, &ep->pending);
		ep->n_reqs++;
		ep->bytes += r->len;
	}
	spin_unlock_irqrestore(&ep->lock, flags);
	if (!ret)
		wake_up(&ep->req_wq);

out_unlock_rcu:
	rcu_read_unlock();
	if (ret) {
		kfree(r);
		if (ret == -ENOENT)
			rdmarpc_count(requests_unserved);
		else
			rdmarpc_count(requests_dropped);
		return ret;
	}
	rdmarpc_count(requests);
	return 0;
}

static struct rdmarpc_req *rdmarpc_ep_take_req(struct rdmarpc_ep *ep)
{
	struct rdmarpc_req *r;

	spin_lock_irq(&ep->lock);
	r = list_first_entry_or_null(&ep->pending, struct rdmarpc_req, node);
	if (r)
		list_del_init(&r->node);
	spin_unlock_irq(&ep->lock);
	return r;
}

static void rdmarpc_ep_untake_req(struct rdmarpc_ep *ep,
				  struct rdmarpc_req *r)
{
	spin_lock_irq(&ep->lock);
	list_add(&r->node, &ep->pending);
	spin_unlock_irq(&ep->lock);
	wake_up(&ep->req_wq);
}

/* Answer @r with @err (if nonzero) or @status and @resp, and free it. */
static void rdmarpc_req_answer(struct rdmarpc_ep *ep, struct rdmarpc_req *r,
			       int err, s32 status, struct rr_msg *resp)
{
	/* -ENODEV/-ECONNRESET: the caller's side fails on its own. */
	rdmarpc_sess_reply(r->sess, r->handle, err, status, resp);
	rdmarpc_sess_put(r->sess);
	spin_lock_irq(&ep->lock);
	ep->n_reqs--;
	ep->bytes -= r->len;
	spin_unlock_irq(&ep->lock);
	rr_msg_free(&r->msg);
	kfree(r);
}

/*
 * Hand the request @r, just taken from the queue, to the process: its
 * bytes into @buf (room for @cap), its id, length and method into @out.
 * On failure it goes back to the head of the queue.
 */
static int rdmarpc_ep_hand_req(struct rdmarpc_ep *ep, struct rdmarpc_req *r,
			       u64 buf, u64 cap,
			       struct rdmarpc_request __user *out)
{
	u32 id;
	int ret;

	/*
	 * Reserve the id; the request becomes reachable by REPLY only once
	 * the process has it, so a REPLY guessing ids cannot race this.
	 */
	ret = xa_alloc_cyclic(&ep->held, &id, NULL, XA_LIMIT(1, U32_MAX),
			      &ep->next_id, GFP_KERNEL);
	if (ret < 0)
		goto out_untake;
	if (rdmarpc_msg_to_user(&r->msg, buf, cap) ||
	    put_user((u64)id, &out->id) ||
	    put_user((u64)r->len, &out->len) ||
	    put_user(r->method, &out->method)) {
		ret = -EFAULT;
		goto out_release;
	}
	/* Into the reserved slot: nothing to allocate. */
	ret = xa_err(xa_store(&ep->held, id, r, GFP_KERNEL));
	if (ret)
		goto out_release;
	/* Held until REPLY; the bytes are the process's now. */
	rr_msg_free(&r->msg);
	spin_lock_irq(&ep->lock);
	ep->bytes -= r->len;
	r->len = 0;
	spin_unlock_irq(&ep->lock);
	return 0;

out_release:
	xa_release(&ep->held, id);
out_untake:
	rdmarpc_ep_untake_req(ep, r);
	return ret;
}

int rdmarpc_ep_recv(struct rdmarpc_ep *ep, const struct rdmarpc_request *in,
		    struct rdmarpc_request __user *out)
{
	long left = rdmarpc_ms_to_jiffies(in->timeout_ms);
	struct rdmarpc_req *r;

	r = rdmarpc_ep_take_req(ep);
	if (!r) {
		if (!in->timeout_ms)
			return -EAGAIN;
		rdmarpc_ep_busy_poll(ep, rdmarpc_ep_peek_pending, ep, &left);
		left = wait_event_interruptible_timeout(ep->req_wq,
							(r = rdmarpc_ep_take_req(ep)),
							left);
		if (left < 0)
			return -EINTR;
		if (!r)
			return -ETIMEDOUT;
	}
	return rdmarpc_ep_hand_req(ep, r, in->buf, in->buf_cap, out);
}

/* Read and check an entry of RECV_BATCH (see the uapi header). */
static int rdmarpc_recv_entry(const struct rdmarpc_request __user *u,
			      struct rdmarpc_request *in)
{
	if (copy_from_user(in, u, sizeof(*in)))
		return -EFAULT;
	if (in->size != sizeof(*in) || in->timeout_ms || in->reserved)
		return -EINVAL;
	return 0;
}

/*
 * REAP's loop for requests.  Entry n is read only when a request is there
 * for it (entry 0 before anything else), so a bad entry loses nothing: the
 * request stays queued.
 */
int rdmarpc_ep_recv_batch(struct rdmarpc_ep *ep,
			  struct rdmarpc_request __user *entries, u32 count,
			  u32 min_complete, u32 timeout_ms, u32 *done)
{
	long left = rdmarpc_ms_to_jiffies(timeout_ms);
	struct rdmarpc_request in;
	struct rdmarpc_req *r;
	u32 n = 0, loaded = 0;
	int ret;

	ret = rdmarpc_recv_entry(&entries[0], &in);
	if (ret)
		goto out;
	for (;;) {
		while (n < count && rdmarpc_ep_peek_pending(ep)) {
			if (loaded != n) {
				ret = rdmarpc_recv_entry(&entries[n], &in);
				if (ret)
					goto out;
				loaded = n;
			}
			/* Another thread may have been quicker. */
			r = rdmarpc_ep_take_req(ep);
			if (!r)
				break;
			ret = rdmarpc_ep_hand_req(ep, r, in.buf, in.buf_cap,
						  &entries[n]);
			if (ret)
				goto out;
			n++;
			cond_resched();
		}
		if (n >= min_complete || !timeout_ms)
			break;
		if (!left) {
			ret = -ETIMEDOUT;
			break;
		}
		if (rdmarpc_ep_busy_poll(ep, rdmarpc_ep_peek_pending, ep,
					 &left))
			continue;
		left = wait_event_interruptible_timeout(ep->req_wq,
							rdmarpc_ep_peek_pending(ep),
							left);
		if (left < 0) {
			/* What was taken is handed over; the signal waits. */
			ret = n ? 0 : -EINTR;
			break;
		}
	}
out:
	*done = n;
	return ret;
}

/* Take held request @id out of the table, or NULL (reservations stay). */
static struct rdmarpc_req *rdmarpc_ep_unhold(struct rdmarpc_ep *ep, u64 id)
{
	struct rdmarpc_req *r;

	if (!id || id > U32_MAX)
		return NULL;
	xa_lock(&ep->held);
	r = xa_load(&ep->held, id);
	if (r)
		__xa_erase(&ep->held, id);
	xa_unlock(&ep->held);
	return r;
}

int rdmarpc_ep_reply(struct rdmarpc_ep *ep, u64 id, s32 status, u64 buf,
		     u64 len)
{
	struct rdmarpc_req *r;
	struct rr_msg msg;
	int ret;

	if (!id || id > U32_MAX || !xa_load(&ep->held, id))
		return -ENOENT;
	if (len > RDMARPC_MSG_MAX)
		return -EMSGSIZE;
	ret = rdmarpc_msg_from_user(&msg, buf, len);
	if (ret)
		return ret;
	/* Whoever takes it answers it: a second REPLY finds nothing. */
	r = rdmarpc_ep_unhold(ep, id);
	if (!r) {
		rr_msg_free(&msg);
		return -ENOENT;
	}
	/* Counted before the caller can see the answer. */
	rdmarpc_count(replies);
	rdmarpc_req_answer(ep, r, 0, status, &msg);
	/* In case the session layer did not take it. */
	rr_msg_free(&msg);
	return 0;
}

/* At close: answer what was delivered and not answered. */
static void rdmarpc_ep_abort_requests(struct rdmarpc_ep *ep)
{
	struct rdmarpc_req *r;
	unsigned long id;

	xa_for_each(&ep->held, id, r) {
		xa_erase(&ep->held, id);
		rdmarpc_req_answer(ep, r, -ECONNABORTED, 0, NULL);
		rdmarpc_count(requests_aborted);
	}
	while ((r = rdmarpc_ep_take_req(ep))) {
		rdmarpc_req_answer(ep, r, -ECONNABORTED, 0, NULL);
		rdmarpc_count(requests_aborted);
	}
}

__poll_t rdmarpc_ep_poll(struct rdmarpc_ep *ep, struct file *file,
			 poll_table *wait)
{
	__poll_t mask = 0;

	poll_wait(file, &ep->call_wq, wait);
	poll_wait(file, &ep->req_wq, wait);
	spin_lock_irq(&ep->lock);
	if (!list_empty(&ep->completions) || !list_empty(&ep->pending))
		mask |= EPOLLIN | EPOLLRDNORM;
	spin_unlock_irq(&ep->lock);
	return mask;
}

/*
 * The file is closed (also when its process died): nothing else uses the
 * endpoint from userspace any more.
 */
void rdmarpc_ep_close(struct rdmarpc_ep *ep)
{
	/* No new requests: unbind, then refuse the ones racing in. */
	rdmarpc_ep_unbind_all(ep);
	spin_lock_irq(&ep->lock);
	ep->closing = true;
	spin_unlock_irq(&ep->lock);

	rdmarpc_ep_cancel_all(ep);
	if (!wait_event_timeout(ep->call_wq, rdmarpc_ep_idle(ep),
				msecs_to_jiffies(RDMARPC_CANCEL_WAIT_MS)))
		pr_warn_ratelimited("endpoint closed with calls that did not complete\n");

	rdmarpc_ep_abort_requests(ep);
	rdmarpc_ep_free_calls(ep);
	/* Calls still out keep their peers: the last reference drops them. */
	if (rdmarpc_ep_idle(ep))
		rdmarpc_ep_drop_conns(ep);
	rdmarpc_ep_put(ep);
}

int rdmarpc_rpc_init(void)
{
	int ret;

	ret = rdmarpc_chardev_init();
	if (ret)
		return ret;
	pr_debug("/dev/%s registered\n", RDMARPC_DEV_NAME);
	return 0;
}

void rdmarpc_rpc_exit(void)
{
	/* No file is open (they pin the module); endpoints may be dying. */
	rdmarpc_chardev_exit();
	flush_workqueue(rdmarpc_wq);
	rcu_barrier();
}
