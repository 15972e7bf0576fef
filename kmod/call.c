// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: the client side of an endpoint (see rpc.c for the whole
 * picture): connections (handle -> referenced peer) and calls.
 *
 * Each call is a struct rdmarpc_ucall wrapping the struct rdmarpc_kcall
 * handed to the session layer.  A synchronous call (CALL) is waited for by
 * its ioctl; an asynchronous one (SUBMIT) moves, when ->done runs, to the
 * endpoint's completion list, from which REAP copies its response to the
 * submitter's buffer.  One submitted with a notifier (io_uring's, from
 * chardev.c) goes to no list: ->done tells the notifier, which finishes
 * it (response and completion out, as REAP) in the submitter's context.
 *
 * A call record (ucall->ref) is referenced by the endpoint's list it is on
 * (or by the CALL ioctl that waits for it) and briefly pinned by whoever
 * must use it outside ep->lock (the submitter around rdmarpc_peer_call(),
 * a canceller).  Records are only freed in process context.
 */
#include <linux/completion.h>
#include <linux/moduleparam.h>
#include <linux/refcount.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "rdmarpc.h"
#include "endpoint_internal.h"

/*
 * A CALL waits this much beyond its timeout: the session layer enforces
 * the timeout itself, this is only a backstop.
 */
#define RDMARPC_CALL_MARGIN_MS		2000

/*
 * A call's ->done waits this long once the call is listed for REAP, before
 * it wakes the reapers; it spins where it cannot sleep (a session killed
 * from softirq), hence the small bound.
 */
RDMARPC_DBG_DELAY(call_done_delay_ms, 200,
		  "a completed call waits this long before waking its reapers");

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
	/* Or, instead of the completion list: told that ->done ran. */
	void (*notify)(void *ctx, struct rdmarpc_ucall *uc);
	void *notify_ctx;
	/* Under ep->lock: */
	bool sync;
	bool started;			/* rdmarpc_peer_call() succeeded */
	bool cancel_req;		/* cancelled, or to cancel once started */
	bool finished;			/* ->done ran */
	bool orphan;			/* CALL gave up: ->done parks it */
	/*
	 * A CALL a signal interrupted waits on ep->parked (@park_node, under
	 * ep->lock) for its thread (@parked_by) to ask again with the same
	 * @args (a restart), until @deadline (jiffies).  The list owns it
	 * then, instead of the ioctl.
	 */
	struct list_head park_node;
	pid_t parked_by;
	unsigned long deadline;
	struct rdmarpc_call args;
};

void rdmarpc_ep_drop_conns(struct rdmarpc_ep *ep)
{
	struct rdmarpc_peer *peer;
	unsigned long handle;

	xa_for_each(&ep->conns, handle, peer) {
		xa_erase(&ep->conns, handle);
		rdmarpc_peer_put(peer);
	}
}

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

/* Free the records of calls that completed and nobody will reap. */
void rdmarpc_ep_free_calls(struct rdmarpc_ep *ep)
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
	void (*notify)(void *ctx, struct rdmarpc_ucall *uc) = uc->notify;
	struct rdmarpc_ep *ep = uc->ep;
	unsigned long flags;
	bool wake_sync, failed;

	uc->err = err;
	uc->status = err ? 0 : status;
	if (!err && resp)
		rr_msg_move(&uc->resp, resp);
	uc->resp_len = uc->resp.len;

	spin_lock_irqsave(&ep->lock, flags);
	list_del_init(&uc->node);
	ep->n_calls--;
	ep->bytes -= uc->req_len;
	if (ep->bytes + uc->resp.len > RDMARPC_EP_MAX_BYTES) {
		/* Over the endpoint's budget: fail it, keep the length. */
		uc->err = -ENOBUFS;
		rr_msg_free(&uc->resp);
	}
	ep->bytes += uc->resp.len;
	uc->finished = true;
	failed = uc->err;
	wake_sync = uc->sync && !uc->orphan;
	if (!uc->sync && !notify)
		list_add_tail(&uc->node, &ep->completions);
	else if (uc->orphan)
		list_add_tail(&uc->node, &ep->orphans);
	spin_unlock_irqrestore(&ep->lock, flags);
	rdmarpc_dbg_delay(&rdmarpc_dbg_call_done_delay_ms);

	/*
	 * Listed: a REAP may free a SUBMIT's @uc from here on.  A CALL's
	 * waits for complete() (rdmarpc_call_abandon()), an orphan's for the
	 * endpoint's release, which our reference on @ep holds off.
	 */
	if (failed)
		rdmarpc_count(calls_failed);
	/*
	 * The CALL ioctl, or the notified side, may free @uc from here on.  A
	 * notified call is on no list: nobody else frees it before @notify.
	 */
	if (notify)
		notify(uc->notify_ctx, uc);
	else if (wake_sync)
		complete(&uc->done);
	else
		wake_up(&ep->call_wq);
	rdmarpc_ep_put(ep);
}

static_assert(RDMARPC_CALL_KEY_LEN == RR_META_KEY_LEN);

/*
 * The request of @c into @uc: with RDMARPC_CALL_F_KEY, its first bytes
 * are the key and the rest the request.
 */
static int rdmarpc_call_copy_req(struct rdmarpc_ucall *uc,
				 const struct rdmarpc_call *c)
{
	u64 req = c->req, len = c->req_len;

	if (c->flags & RDMARPC_CALL_F_KEY) {
		if (copy_from_user(uc->kc.key, u64_to_user_ptr(req),
				   RDMARPC_CALL_KEY_LEN))
			return -EFAULT;
		uc->kc.has_key = true;
		req += RDMARPC_CALL_KEY_LEN;
		len -= RDMARPC_CALL_KEY_LEN;
	}
	return rdmarpc_msg_from_user(&uc->kc.req, req, len);
}

/*
 * A call record for @c with the request copied in, counted against the
 * endpoint's limits.  Owned by the caller (ref 1).
 */
static struct rdmarpc_ucall *rdmarpc_call_new(struct rdmarpc_ep *ep,
					      const struct rdmarpc_call *c,
					      bool sync)
{
	u64 body_len = c->req_len;
	struct rdmarpc_ucall *uc;
	struct rdmarpc_peer *peer;
	int ret;

	if (c->flags & ~RDMARPC_CALL_F_ALL)
		return ERR_PTR(-EINVAL);
	if (c->flags & RDMARPC_CALL_F_KEY) {
		if (c->req_len < RDMARPC_CALL_KEY_LEN)
			return ERR_PTR(-EINVAL);
		body_len -= RDMARPC_CALL_KEY_LEN;
	}
	peer = xa_load(&ep->conns, c->handle);
	if (!peer)
		return ERR_PTR(-EBADF);
	if (body_len > RDMARPC_MSG_MAX)
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
	INIT_LIST_HEAD(&uc->park_node);
	init_completion(&uc->done);
	uc->kc.method = c->method;
	uc->kc.timeout_ms = c->timeout_ms;
	uc->kc.cookie = c->cookie;
	uc->kc.done = rdmarpc_call_done;
	ret = rdmarpc_call_copy_req(uc, c);
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

/* Ask the session layer to cancel @uc, and count it among the cancels. */
static void rdmarpc_call_cancel(struct rdmarpc_ucall *uc)
{
	rdmarpc_count(cancels);
	rdmarpc_peer_cancel(uc->peer, &uc->kc);
}

/*
 * Hand @uc to the session layer.  On failure ->done will not run: the
 * reservation is given back, the request freed, and the error returned.
 */
static int rdmarpc_call_start(struct rdmarpc_ep *ep, struct rdmarpc_ucall *uc,
			      struct rdmarpc_sess_batch *b)
{
	bool cancel;
	int ret;

	/* Pinned: ->done and a REAP may be through before we look again. */
	refcount_inc(&uc->ref);
	kref_get(&ep->ref);
	spin_lock_irq(&ep->lock);
	list_add_tail(&uc->node, &ep->calls);
	spin_unlock_irq(&ep->lock);

	ret = rdmarpc_peer_call(uc->peer, &uc->kc, b);
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
	if (cancel)
		rdmarpc_call_cancel(uc);
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
	rdmarpc_call_cancel(uc);
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

/*
 * A response copied out as far as it fits: an OK one that did not fit
 * fails the call with -ENOBUFS (resp_len says how large it was); the
 * message of another status is cut to the buffer.
 */
static void rdmarpc_call_fit(const struct rdmarpc_ucall *uc,
			     struct rdmarpc_completion *comp)
{
	if (uc->resp.len <= uc->resp_cap)
		return;
	if (uc->status == RDMARPC_STATUS_OK)
		comp->error = -ENOBUFS;
	else
		comp->resp_len = uc->resp_cap;
}

/*
 * Give up @uc, unlisted from ep->parked: free it if ->done ran, else leave
 * it to ->done as an orphan, cancelled.
 */
static void rdmarpc_call_unpark_drop(struct rdmarpc_ep *ep,
				     struct rdmarpc_ucall *uc)
{
	bool finished;

	spin_lock_irq(&ep->lock);
	finished = uc->finished;
	if (finished) {
		ep->bytes -= uc->resp.len;
	} else {
		uc->orphan = true;
		uc->cancel_req = true;
	}
	spin_unlock_irq(&ep->lock);
	if (finished) {
		/* ->done may be between its unlock and complete(). */
		wait_for_completion(&uc->done);
		rdmarpc_call_put(uc);
	} else {
		/* An orphan is freed with the endpoint: no pin needed. */
		rdmarpc_call_cancel(uc);
	}
}

/*
 * The CALL of the current thread that a signal interrupted, if @c asks for
 * it again (the same arguments: the restart of the ioctl); it is the
 * caller's again.  Any other interrupted CALL of the thread is given up.
 */
static struct rdmarpc_ucall *rdmarpc_call_unpark(struct rdmarpc_ep *ep,
						 const struct rdmarpc_call *c)
{
	struct rdmarpc_ucall *uc, *found = NULL;
	pid_t me = task_pid_nr(current);

	/*
	 * Only this thread parks its calls, so an empty list seen without
	 * the lock has none of them: the common CALL takes no lock here.
	 */
	if (list_empty(&ep->parked))
		return NULL;
	spin_lock_irq(&ep->lock);
	list_for_each_entry(uc, &ep->parked, park_node) {
		if (uc->parked_by == me) {
			list_del_init(&uc->park_node);
			found = uc;
			break;
		}
	}
	spin_unlock_irq(&ep->lock);
	if (found && memcmp(&found->args, c, sizeof(*c))) {
		rdmarpc_call_unpark_drop(ep, found);
		found = NULL;
	}
	return found;
}

/* Give up the interrupted CALLs of a closing endpoint. */
static void rdmarpc_call_unpark_all(struct rdmarpc_ep *ep)
{
	struct rdmarpc_ucall *uc;

	for (;;) {
		spin_lock_irq(&ep->lock);
		uc = list_first_entry_or_null(&ep->parked, struct rdmarpc_ucall,
					      park_node);
		if (uc)
			list_del_init(&uc->park_node);
		spin_unlock_irq(&ep->lock);
		if (!uc)
			break;
		rdmarpc_call_unpark_drop(ep, uc);
	}
}

/*
 * A CALL waits for its ->done until @uc->deadline.  A signal other than a
 * fatal one leaves the call running, parked for the thread's restart of
 * the ioctl (SA_RESTART) or its next CALL with the same arguments, and
 * returns -ERESTARTSYS: the request is sent once, whatever the signals.
 */
int rdmarpc_ep_call(struct rdmarpc_ep *ep, const struct rdmarpc_call *c,
		    struct rdmarpc_completion *comp)
{
	struct rdmarpc_ucall *uc;
	long left;
	int ret = 0;

	comp->cookie = c->cookie;
	uc = rdmarpc_call_unpark(ep, c);
	if (!uc) {
		uc = rdmarpc_call_new(ep, c, true);
		if (IS_ERR(uc))
			return PTR_ERR(uc);
		ret = rdmarpc_call_start(ep, uc, NULL);
		if (ret) {
			/* The peer is down or refuses the size: a call error. */
			comp->error = ret;
			ret = 0;
			goto out_free;
		}
		uc->deadline = jiffies + rdmarpc_call_wait(c->timeout_ms);
	}

	left = time_before(jiffies, uc->deadline) ? uc->deadline - jiffies : 0;
	rdmarpc_ep_busy_poll(ep, rdmarpc_call_is_done, &uc->done, &left);
	left = wait_for_completion_interruptible_timeout(&uc->done, left);
	if (left < 0 && !fatal_signal_pending(current)) {
		uc->args = *c;
		uc->parked_by = task_pid_nr(current);
		spin_lock_irq(&ep->lock);
		list_add_tail(&uc->park_node, &ep->parked);
		spin_unlock_irq(&ep->lock);
		return -ERESTARTSYS;
	}
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
		else
			rdmarpc_call_fit(uc, comp);
	}
out_uncharge:
	spin_lock_irq(&ep->lock);
	ep->bytes -= uc->resp.len;
	spin_unlock_irq(&ep->lock);
out_free:
	rdmarpc_call_put(uc);
	return ret;
}

int rdmarpc_ep_submit(struct rdmarpc_ep *ep, const struct rdmarpc_call *c,
		      struct rdmarpc_sess_batch *b,
		      void (*notify)(void *ctx, struct rdmarpc_ucall *uc),
		      void *ctx)
{
	struct rdmarpc_ucall *uc;
	int ret;

	uc = rdmarpc_call_new(ep, c, false);
	if (IS_ERR(uc))
		return PTR_ERR(uc);
	uc->notify = notify;
	uc->notify_ctx = ctx;
	ret = rdmarpc_call_start(ep, uc, b);
	if (!ret)
		return 0;

	/* Taken, and completed at once with the session's error. */
	uc->err = ret;
	if (notify) {
		uc->finished = true;
		notify(ctx, uc);
		return 0;
	}
	spin_lock_irq(&ep->lock);
	uc->finished = true;
	list_add_tail(&uc->node, &ep->completions);
	spin_unlock_irq(&ep->lock);
	wake_up(&ep->call_wq);
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

/* @uc's completion, its response copied to the submitter's buffer. */
static void rdmarpc_call_outcome(struct rdmarpc_ucall *uc,
				 struct rdmarpc_completion *comp)
{
	comp->cookie = uc->kc.cookie;
	comp->error = uc->err;
	comp->status = uc->status;
	comp->resp_len = uc->resp_len;
	if (comp->error)
		return;
	/* Only into the address space that submitted the call. */
	if (current->mm != uc->mm)
		comp->error = -EFAULT;
	else if (rdmarpc_msg_to_user(&uc->resp, uc->resp_ptr, uc->resp_cap))
		comp->error = -EFAULT;
	else
		rdmarpc_call_fit(uc, comp);
}

/* Copy one completion out; on -EFAULT the caller puts it back. */
static int rdmarpc_reap_one(struct rdmarpc_ucall *uc,
			    struct rdmarpc_completion __user *out)
{
	struct rdmarpc_completion comp;

	rdmarpc_call_outcome(uc, &comp);
	if (copy_to_user(out, &comp, sizeof(comp)))
		return -EFAULT;
	return 0;
}

bool rdmarpc_ep_reap_one(struct rdmarpc_ep *ep,
			 struct rdmarpc_completion *comp)
{
	struct rdmarpc_ucall *uc = rdmarpc_ep_take_completion(ep);

	if (!uc)
		return false;
	rdmarpc_call_outcome(uc, comp);
	rdmarpc_call_put(uc);
	return true;
}

int rdmarpc_ep_finish_call(struct rdmarpc_ep *ep, struct rdmarpc_ucall *uc,
			   struct rdmarpc_completion __user *out)
{
	int ret = -EFAULT;

	spin_lock_irq(&ep->lock);
	ep->bytes -= uc->resp.len;
	spin_unlock_irq(&ep->lock);
	/* Not in the submitter's address space (it is exiting): drop it. */
	if (current->mm == uc->mm)
		ret = rdmarpc_reap_one(uc, out);
	rdmarpc_call_put(uc);
	return ret;
}

int rdmarpc_ep_reap(struct rdmarpc_ep *ep,
		    struct rdmarpc_completion __user *out, u32 count,
		    u32 min_complete, u32 timeout_ms, u32 *done)
{
	long left = rdmarpc_ms_to_jiffies(timeout_ms);
	struct rdmarpc_ucall *uc;
	u32 n = 0;
	int ret;

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
		ret = rdmarpc_ep_batch_wait(ep, &ep->call_wq,
					    rdmarpc_ep_peek_completions, n,
					    min_complete, timeout_ms, &left);
		if (ret <= 0)
			break;
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
		rdmarpc_call_cancel(uc);
		rdmarpc_call_put(uc);
	}
	return found ? 0 : -ENOENT;
}

/*
 * At close: give up the parked CALLs, and cancel every call still with the
 * session layer.
 */
void rdmarpc_ep_cancel_all(struct rdmarpc_ep *ep)
{
	struct rdmarpc_ucall *uc, *it;

	rdmarpc_call_unpark_all(ep);
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
		rdmarpc_call_cancel(uc);
		rdmarpc_call_put(uc);
	}
}

bool rdmarpc_ep_idle(struct rdmarpc_ep *ep)
{
	bool ret;

	spin_lock_irq(&ep->lock);
	ret = !ep->n_calls;
	spin_unlock_irq(&ep->lock);
	return ret;
}
