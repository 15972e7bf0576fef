// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: the server side of an endpoint (see rpc.c for the whole
 * picture): services and requests.
 *
 * An endpoint binds services: a global table maps method ids to
 * endpoints; rdmarpc_ep_deliver() queues each request on its endpoint,
 * RECV hands it to the process (it is then held under an id) and REPLY
 * answers it through rdmarpc_sess_reply().  RECV_BATCH and REPLY_BATCH do
 * the same for many requests in one system call.
 */
#include <linux/hashtable.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>

#include "rdmarpc.h"
#include "endpoint_internal.h"
#include "idem.h"

/* A request delivered to an endpoint. */
struct rdmarpc_req {
	/* On ep->pending, then ep->held_reqs; under ep->lock. */
	struct list_head node;
	struct rdmarpc_sess *sess;	/* referenced */
	u32 handle;
	u32 method;
	u32 len;			/* charged to ep->bytes while queued */
	bool cancelled;			/* held, its caller gone; ep->lock */
	u64 deadline_ns;		/* the caller's, ktime; U64_MAX: none */
	/*
	 * Its key's RUNNING entry, referenced (idem.h), or NULL: ended by
	 * rdmarpc_idem_done() at REPLY, else by rdmarpc_req_release().
	 */
	struct rdmarpc_idem *idem;
	struct rr_msg msg;		/* freed once received */
};

/*
 * Services.  rdmarpc_svc_lock (process context) guards the tables and
 * every ep->services list; rdmarpc_ep_deliver() reads the method table
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

/* Under rcu_read_lock() or rdmarpc_svc_lock. */
static struct rdmarpc_method *rdmarpc_method_find(u32 id)
{
	struct rdmarpc_method *m;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held() &&
			 !lockdep_is_held(&rdmarpc_svc_lock),
			 "method table read without RCU or rdmarpc_svc_lock");
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

void rdmarpc_ep_unbind_all(struct rdmarpc_ep *ep)
{
	struct rdmarpc_svc *svc, *tmp;
	u32 i;

	mutex_lock(&rdmarpc_svc_lock);
	list_for_each_entry_safe(svc, tmp, &ep->services, ep_node) {
		for (i = 0; i < svc->n; i++)
			hash_del_rcu(&svc->m[i].hnode);
		hash_del(&svc->name_node);
		list_del(&svc->ep_node);
		/* rdmarpc_ep_deliver() may be walking its methods. */
		kfree_rcu(svc, rcu);
	}
	mutex_unlock(&rdmarpc_svc_lock);
}

/*
 * Answer request @handle of @sess with a status other than OK and a
 * message (printf-style), in any context: the message is an inline body,
 * nothing to allocate.
 */
static __printf(4, 5)
void rdmarpc_ep_answer_status(struct rdmarpc_sess *sess, u32 handle,
			      s32 status, const char *fmt, ...)
{
	struct rr_msg msg;
	va_list args;
	int len;

	va_start(args, fmt);
	len = vsnprintf((char *)msg.inl, sizeof(msg.inl), fmt, args);
	va_end(args);
	rr_msg_init(&msg, min_t(u32, len, sizeof(msg.inl) - 1));
	rdmarpc_sess_reply(sess, handle, 0, status, &msg, NULL);
}

/* The caller stopped waiting at @deadline_ns: answer, do not deliver. */
static bool rdmarpc_ep_expired(struct rdmarpc_sess *sess, u32 handle,
			       u64 deadline_ns)
{
	u64 now = ktime_get_ns();

	if (likely(now < deadline_ns))
		return false;
	rdmarpc_count(requests_expired);
	rdmarpc_ep_answer_status(sess, handle, RDMARPC_STATUS_DEADLINE_EXCEEDED,
				 "the deadline passed before a handler took the request (%llu us late)",
				 div_u64(now - deadline_ns, NSEC_PER_USEC));
	return true;
}

/*
 * Queue @req for the endpoint serving @method: 0, -ENOENT (none serves
 * it) or -ENOMEM (over the endpoint's limits, or no memory).
 */
static int rdmarpc_ep_queue(struct rdmarpc_sess *sess, u32 handle, u32 method,
			    struct rr_msg *req, u64 deadline_ns,
			    struct rdmarpc_idem *idem)
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
		r->cancelled = false;
		r->deadline_ns = deadline_ns;
		r->idem = idem;
		rr_msg_move(&r->msg, req);
		list_add_tail(&r->node, &ep->pending);
		ep->n_reqs++;
		ep->bytes += r->len;
	}
	spin_unlock_irqrestore(&ep->lock, flags);
	if (!ret)
		wake_up(&ep->req_wq);
	else
		kfree(r);

out_unlock_rcu:
	rcu_read_unlock();
	return ret;
}

int rdmarpc_ep_deliver(struct rdmarpc_sess *sess, u32 handle, u32 method,
		       struct rr_msg *req, const struct rdmarpc_req_meta *meta)
{
	struct rdmarpc_idem *idem;
	int ret;

	if (rdmarpc_ep_expired(sess, handle, meta->deadline_ns))
		return 0;
	/* A key already answered, or being handled: no handler for it. */
	ret = rdmarpc_idem_deliver(sess, handle, method, meta, &idem);
	if (ret == RDMARPC_IDEM_TAKEN)
		return 0;
	if (!ret)
		ret = rdmarpc_ep_queue(sess, handle, method, req,
				       meta->deadline_ns, idem);
	if (ret == -ENOENT) {
		rdmarpc_count(requests_unserved);
		rdmarpc_ep_answer_status(sess, handle,
					 RDMARPC_STATUS_UNIMPLEMENTED,
					 "no service for method 0x%08x", method);
		if (idem)
			rdmarpc_idem_fail(idem, 0, RDMARPC_STATUS_UNIMPLEMENTED);
		return 0;
	}
	if (ret) {
		rdmarpc_count(requests_dropped);
		if (idem)
			rdmarpc_idem_fail(idem, ret, 0);
		return ret;
	}
	rdmarpc_count(requests);
	return 0;
}

/* Busy-poll condition: a lockless peek, rechecked by what follows. */
static bool rdmarpc_ep_peek_pending(void *arg)
{
	struct rdmarpc_ep *ep = arg;

	return !list_empty(&ep->pending);
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

static void rdmarpc_req_release(struct rdmarpc_ep *ep, struct rdmarpc_req *r,
				int err, s32 status);

/*
 * The first queued request whose caller still waits; those whose
 * deadline passed in the queue are answered DEADLINE_EXCEEDED on the way.
 */
static struct rdmarpc_req *rdmarpc_ep_take_live_req(struct rdmarpc_ep *ep)
{
	struct rdmarpc_req *r;

	while ((r = rdmarpc_ep_take_req(ep))) {
		if (!rdmarpc_ep_expired(r->sess, r->handle, r->deadline_ns))
			return r;
		rdmarpc_req_release(ep, r, 0,
				    RDMARPC_STATUS_DEADLINE_EXCEEDED);
	}
	return NULL;
}

static void rdmarpc_ep_untake_req(struct rdmarpc_ep *ep,
				  struct rdmarpc_req *r)
{
	spin_lock_irq(&ep->lock);
	list_add(&r->node, &ep->pending);
	spin_unlock_irq(&ep->lock);
	wake_up(&ep->req_wq);
}

/* RECV waits this long once the request it hands over is reachable by REPLY. */
RDMARPC_DBG_DELAY(req_held_delay_ms, RDMARPC_DBG_DELAY_MAX,
		  "RECV sleeps this long after the request is held, before it returns");

/*
 * @r was answered @err (if nonzero) or @status, by other than its handler
 * (whose answer, at REPLY, already ended its key's entry): off the
 * endpoint's books, its key forgotten, and free.
 */
static void rdmarpc_req_release(struct rdmarpc_ep *ep, struct rdmarpc_req *r,
				int err, s32 status)
{
	unsigned long flags;

	if (r->idem)
		rdmarpc_idem_fail(r->idem, err, status);
	rdmarpc_sess_put(r->sess);
	spin_lock_irqsave(&ep->lock, flags);
	list_del(&r->node);
	if (r->cancelled)
		ep->n_cancelled--;
	ep->n_reqs--;
	ep->bytes -= r->len;
	spin_unlock_irqrestore(&ep->lock, flags);
	rr_msg_free(&r->msg);
	kfree(r);
}

/*
 * Answer @r with @err (if nonzero) or @status and @resp, within batch @b
 * if not NULL, and free it.
 */
static void rdmarpc_req_answer(struct rdmarpc_ep *ep, struct rdmarpc_req *r,
			       int err, s32 status, struct rr_msg *resp,
			       struct rdmarpc_sess_batch *b)
{
	/* -ENODEV/-ECONNRESET: the caller's side fails on its own. */
	rdmarpc_sess_reply(r->sess, r->handle, err, status, resp, b);
	rdmarpc_req_release(ep, r, err, status);
}

/*
 * Hand the request @r, just taken from the queue, to the process as @in
 * asks: its bytes into in->buf (room for in->buf_cap), its id, length and
 * method into @out.  On failure it goes back to the head of the queue.
 */
static int rdmarpc_ep_hand_req(struct rdmarpc_ep *ep, struct rdmarpc_req *r,
			       const struct rdmarpc_request *in,
			       struct rdmarpc_request __user *out)
{
	u64 buf = in->buf, cap = in->buf_cap;
	u32 id;
	int ret;

	if ((in->flags & RDMARPC_RECV_F_WHOLE) && r->len > cap) {
		/* Say how much room it needs, and leave it queued. */
		ret = -EMSGSIZE;
		if (put_user(0ULL, &out->id) ||
		    put_user((u64)r->len, &out->len) ||
		    put_user(r->method, &out->method))
			ret = -EFAULT;
		goto out_untake;
	}

	/*
	 * Reserve the id; the request becomes reachable by REPLY only when it
	 * is stored under it, last: from then on a REPLY (another thread
	 * reading the id we wrote, or guessing it) may answer and free it.
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
	/* Held until REPLY; the bytes are the process's now. */
	rr_msg_free(&r->msg);
	spin_lock_irq(&ep->lock);
	ep->bytes -= r->len;
	r->len = 0;
	/* Where a cancellation finds it (rdmarpc_ep_cancel_request()). */
	list_add_tail(&r->node, &ep->held_reqs);
	spin_unlock_irq(&ep->lock);
	/* Into the reserved slot: nothing to allocate, it cannot fail. */
	xa_store(&ep->held, id, r, GFP_KERNEL);
	rdmarpc_dbg_delay(&rdmarpc_dbg_req_held_delay_ms);
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

	r = rdmarpc_ep_take_live_req(ep);
	if (!r && !in->timeout_ms)
		return -EAGAIN;
	if (!r)
		rdmarpc_ep_busy_poll(ep, rdmarpc_ep_peek_pending, ep, &left);
	/*
	 * The wait only looks: taking may answer expired requests, which is
	 * no work for a task that is not running.
	 */
	while (!r) {
		left = wait_event_interruptible_timeout(ep->req_wq,
							rdmarpc_ep_peek_pending(ep),
							left);
		if (left < 0)
			return rdmarpc_wait_eintr(in->timeout_ms);
		r = rdmarpc_ep_take_live_req(ep);
		if (!r && !left)
			return -ETIMEDOUT;
	}
	return rdmarpc_ep_hand_req(ep, r, in, out);
}

/* Read and check an entry of RECV_BATCH (see the uapi header). */
static int rdmarpc_recv_entry(const struct rdmarpc_request __user *u,
			      struct rdmarpc_request *in)
{
	if (copy_from_user(in, u, sizeof(*in)))
		return -EFAULT;
	if (in->size != sizeof(*in) || in->timeout_ms ||
	    (in->flags & ~RDMARPC_RECV_F_ALL))
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
			r = rdmarpc_ep_take_live_req(ep);
			if (!r)
				break;
			ret = rdmarpc_ep_hand_req(ep, r, &in, &entries[n]);
			if (ret)
				goto out;
			n++;
			cond_resched();
		}
		ret = rdmarpc_ep_batch_wait(ep, &ep->req_wq,
					    rdmarpc_ep_peek_pending, n,
					    min_complete, timeout_ms, &left);
		if (ret <= 0)
			break;
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
		     u64 len, struct rdmarpc_sess_batch *b)
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
	/* Kept for its key's retries, and sent to those waiting for it. */
	if (r->idem) {
		rdmarpc_idem_done(r->idem, status, &msg);
		r->idem = NULL;
	}
	rdmarpc_req_answer(ep, r, 0, status, &msg, b);
	/* In case the session layer did not take it. */
	rr_msg_free(&msg);
	return 0;
}

/*
 * The caller of request @handle of @sess gave up on it.  Still queued: it
 * never reaches a handler, and is answered CANCELLED to free the slot.
 * Held by a handler: flagged, for RDMARPC_IOC_REQ_STATE and EPOLLPRI.
 * Waiting for its key's running request (idem.c): answered CANCELLED.
 */
void rdmarpc_ep_cancel_request(struct rdmarpc_sess *sess, u32 handle,
			       u32 method)
{
	struct rdmarpc_req *r, *queued = NULL, *held = NULL;
	struct rdmarpc_method *m;
	struct rdmarpc_ep *ep;
	unsigned long flags;

	rcu_read_lock();
	m = rdmarpc_method_find(method);
	if (!m)
		goto out_unlock_rcu;
	ep = m->svc->ep;
	spin_lock_irqsave(&ep->lock, flags);
	list_for_each_entry(r, &ep->pending, node) {
		if (r->sess == sess && r->handle == handle) {
			list_del_init(&r->node);
			queued = r;
			break;
		}
	}
	if (!queued) {
		list_for_each_entry(r, &ep->held_reqs, node) {
			if (r->sess == sess && r->handle == handle &&
			    !r->cancelled) {
				WRITE_ONCE(r->cancelled, true);
				ep->n_cancelled++;
				held = r;
				break;
			}
		}
	}
	spin_unlock_irqrestore(&ep->lock, flags);
	if (queued) {
		rdmarpc_count(requests_cancelled);
		rdmarpc_ep_answer_status(sess, handle, RDMARPC_STATUS_CANCELLED,
					 "cancelled by the caller");
		rdmarpc_req_release(ep, queued, 0, RDMARPC_STATUS_CANCELLED);
	} else if (held) {
		rdmarpc_count(requests_cancelled);
		wake_up(&ep->req_wq);
	}
out_unlock_rcu:
	rcu_read_unlock();
	if (!queued && !held && rdmarpc_idem_cancel(sess, handle))
		rdmarpc_count(requests_cancelled);
}

int rdmarpc_ep_req_state(struct rdmarpc_ep *ep, u64 id, u32 *flags,
			 u64 *deadline_ns)
{
	struct rdmarpc_req *r;
	int ret = -ENOENT;

	if (!id || id > U32_MAX)
		return -ENOENT;
	/* REPLY takes it out under this lock before it frees it. */
	xa_lock(&ep->held);
	r = xa_load(&ep->held, id);
	if (r) {
		*flags = READ_ONCE(r->cancelled) ? RDMARPC_REQ_CANCELLED : 0;
		*deadline_ns = r->deadline_ns == U64_MAX ? 0 : r->deadline_ns;
		ret = 0;
	}
	xa_unlock(&ep->held);
	return ret;
}

/* At close: answer what was delivered and not answered. */
void rdmarpc_ep_abort_requests(struct rdmarpc_ep *ep)
{
	struct rdmarpc_req *r;
	unsigned long id;

	xa_for_each(&ep->held, id, r) {
		xa_erase(&ep->held, id);
		rdmarpc_req_answer(ep, r, -ECONNABORTED, 0, NULL, NULL);
		rdmarpc_count(requests_aborted);
	}
	while ((r = rdmarpc_ep_take_req(ep))) {
		rdmarpc_req_answer(ep, r, -ECONNABORTED, 0, NULL, NULL);
		rdmarpc_count(requests_aborted);
	}
}
