// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: kernel sessions (see session_internal.h).
 *
 * Every entry into the core (receive, timer, a new call, a reply, a
 * cancel) happens under the session's spinlock.  The core's callbacks run
 * inside; those that must not (a call's ->done, the server ops' ->deliver)
 * are queued on the session and run by the same context once it has
 * dropped the lock.  Then the timer is armed at the core's next deadline
 * (or the earliest call deadline, whichever is first).
 *
 * Receive: rr_wire_peek() gives (id, tag); the id table is an xarray
 * looked up under RCU; a wrong tag or an unknown id is dropped and counted.
 */
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "rdmarpc.h"
#include "ib.h"
#include "ah.h"
#include "session.h"
#include "peer.h"
#include "liveness.h"
#include "session_internal.h"
#include "trace.h"

static_assert(RDMARPC_TRACE_NAME_MAX == RDMARPC_NAME_MAX);

/* Protects rdmarpc_sessions and each session's node and listed. */
DEFINE_MUTEX(rdmarpc_sess_mutex);
LIST_HEAD(rdmarpc_sessions);
unsigned int rdmarpc_sess_generation;
struct workqueue_struct *rdmarpc_sess_wq;
struct rdmarpc_fault_stats rdmarpc_fault_stats;
/*
 * Message memory of the server sessions (requests being reassembled or
 * handled, stored responses), bytes; bounded by mem_budget_mb.  Charged
 * and given back by every session's core, each under its own session's
 * lock or at its teardown, so atomically.
 */
static atomic64_t rdmarpc_sess_mem_used = ATOMIC64_INIT(0);
static atomic64_t rdmarpc_sess_mem_refused = ATOMIC64_INIT(0);

/* Session ids: allocated cyclically so that an old id is reused late. */
static DEFINE_XARRAY_FLAGS(rdmarpc_sess_ids, XA_FLAGS_ALLOC1 |
			   XA_FLAGS_LOCK_BH);
static u32 rdmarpc_sess_next_id;
/*
 * Who hears of sessions and peers coming and going (session.h).  The
 * chain's own rwsem orders calls and (un)registration.
 */
static BLOCKING_NOTIFIER_HEAD(rdmarpc_sess_chain);

/* Sessions not yet freed; module exit waits for zero. */
static atomic_t rdmarpc_sess_count = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(rdmarpc_sess_gone_wq);

/*
 * The endpoint layer's entry for requests: set and cleared by module init
 * and exit only (the module loader serializes them), read under RCU.
 */
static const struct rdmarpc_server_ops __rcu *rdmarpc_server_ops;

/*
 * A complete request on its way to the server ops' ->deliver, or with
 * @cancel its caller's cancellation on its way to ->cancel.
 */
struct rdmarpc_delivery {
	struct list_head node;
	u32 handle;
	u32 method;
	bool cancel;
	struct rdmarpc_req_meta meta;
	struct rr_msg req;
};

static void rdmarpc_sess_free_rcu(struct rcu_head *rcu)
{
	struct rdmarpc_sess *s = container_of(rcu, struct rdmarpc_sess, rcu);

	/* Last: a drain that raced the teardown may still have used it. */
	if (s->peer)
		rdmarpc_peer_put(s->peer);
	kfree(s->held);
	kfree(s);
	if (atomic_dec_and_test(&rdmarpc_sess_count))
		wake_up_all(&rdmarpc_sess_gone_wq);
}

static void rdmarpc_sess_release(struct kref *ref)
{
	struct rdmarpc_sess *s = container_of(ref, struct rdmarpc_sess, ref);

	/* Unlinked by its teardown, which comes before the last put. */
	WARN_ON_ONCE(s->listed || s->port_waiting);
	pr_debug("session %u destroyed\n", s->id);
	call_rcu(&s->rcu, rdmarpc_sess_free_rcu);
}

void rdmarpc_sess_get(struct rdmarpc_sess *s)
{
	kref_get(&s->ref);
}

void rdmarpc_sess_put(struct rdmarpc_sess *s)
{
	kref_put(&s->ref, rdmarpc_sess_release);
}

static bool rdmarpc_fault(unsigned int *knob)
{
	u32 ppm = READ_ONCE(*knob);

	return ppm && get_random_u32_below(RDMARPC_PPM) < ppm;
}

/* Why the core dropped a datagram, from what rr_session_rx() returned. */
static u8 rdmarpc_drop_reason(int err)
{
	switch (err) {
	case -EBADMSG:
		return RDMARPC_DROP_CRC;
	case -ESTALE:
		return RDMARPC_DROP_STALE;
	case -ENOMEM:
		return RDMARPC_DROP_NOMEM;
	case -EMSGSIZE:
		return RDMARPC_DROP_TOO_BIG;
	default:
		return RDMARPC_DROP_MALFORMED;
	}
}

/*
 * The drop tracepoint for the datagram @buf of @len bytes, with its
 * header's fields; @reason 0: the core's, from @err.
 */
static void rdmarpc_sess_trace_drop(u32 sess, u32 peer_sess, const void *buf,
				    u32 len, u8 reason, int err)
{
	struct rr_pkt pkt = {};

	if (!trace_rdmarpc_drop_enabled())
		return;
	rr_wire_peek_pkt(buf, len, &pkt);
	trace_rdmarpc_drop(sess, peer_sess, pkt.kind, pkt.req_num, pkt.idx,
			   reason ?: rdmarpc_drop_reason(err), err);
}

/* ---- Send path (session lock held) ---- */

static void rdmarpc_sess_xmit(struct rdmarpc_sess *s, void *buf, u32 len)
{
	int ret;

	lockdep_assert_held(&s->lock);
	ret = rdmarpc_port_send(s->port, s->ah, s->peer_qpn, s->peer_qkey,
				buf, len, NULL, 0);
	/* A lost datagram: the core retransmits.  Resume on a completion. */
	if (unlikely(ret == -ENOBUFS))
		WRITE_ONCE(s->tx_wait, true);
}

/* The core builds each datagram straight into a port send buffer. */
static void *rdmarpc_sess_tx_get_buf(void *ctx)
{
	struct rdmarpc_sess *s = ctx;
	void *data;

	lockdep_assert_held(&s->lock);
	/* The core sends (tx_send) each buffer before it asks for another. */
	if (WARN_ON_ONCE(s->tx_cur)) {
		rdmarpc_port_tx_put(s->port, s->tx_cur);
		s->tx_cur = NULL;
	}
	data = rdmarpc_port_tx_get(s->port, &s->tx_cur);
	if (unlikely(!data))
		WRITE_ONCE(s->tx_wait, true);
	return data;
}

static void rdmarpc_sess_tx_send(void *ctx, void *buf, u32 len)
{
	struct rdmarpc_sess *s = ctx;
	struct rdmarpc_buf *tb = s->tx_cur;
	u8 *p = buf;

	lockdep_assert_held(&s->lock);
	s->tx_cur = NULL;
	if (unlikely(rdmarpc_fault(&rdmarpc_fault_tx_drop))) {
		atomic64_inc(&rdmarpc_fault_stats.tx_drop);
		rdmarpc_sess_trace_drop(s->id, s->peer_sess, buf, len,
					RDMARPC_DROP_FAULT_TX, 0);
		rdmarpc_port_tx_put(s->port, tb);
		return;
	}
	if (unlikely(rdmarpc_fault(&rdmarpc_fault_corrupt)) && len) {
		/* After the CRC: the receiver must catch it. */
		p[get_random_u32_below(len)] ^= 1 << get_random_u32_below(8);
		atomic64_inc(&rdmarpc_fault_stats.corrupt);
	}
	if (unlikely(rdmarpc_fault(&rdmarpc_fault_reorder)) && !s->held_len &&
	    s->held) {
		/* Hold it back; it goes after the next one (or the timer). */
		memcpy(s->held, buf, len);
		s->held_len = len;
		atomic64_inc(&rdmarpc_fault_stats.reorder);
		rdmarpc_port_tx_put(s->port, tb);
		return;
	}
	if (unlikely(rdmarpc_fault(&rdmarpc_fault_duplicate))) {
		rdmarpc_sess_xmit(s, buf, len);
		atomic64_inc(&rdmarpc_fault_stats.duplicate);
	}
	/* A failed send is a lost datagram: the core retransmits. */
	rdmarpc_port_tx_post(s->port, tb, s->ah, s->peer_qpn, s->peer_qkey,
			     len);
	if (unlikely(s->held_len)) {
		rdmarpc_sess_xmit(s, s->held, s->held_len);
		s->held_len = 0;
	}
}

/* ---- Callbacks from the core (session lock held) ---- */

static void rdmarpc_sess_deliver_request(void *ctx, struct rr_session *core,
					 u32 handle, u32 method,
					 struct rr_msg *req,
					 const struct rr_req_info *info)
{
	struct rdmarpc_sess *s = ctx;
	struct rdmarpc_delivery *d;

	lockdep_assert_held(&s->lock);
	d = kmalloc(sizeof(*d), GFP_ATOMIC | __GFP_NOWARN);
	if (!d) {
		rr_server_reply_err(core, handle, -ENOMEM);
		return;
	}
	d->handle = handle;
	d->method = method;
	d->cancel = false;
	d->meta.deadline_ns = info->deadline;
	d->meta.client_ipv4 = s->client_ipv4;
	d->meta.has_key = info->has_key;
	if (info->has_key)
		memcpy(d->meta.key, info->key, sizeof(d->meta.key));
	rr_msg_move(&d->req, req);
	list_add_tail(&d->node, &s->deliver);
}

/* Passed on in order with the deliveries; lost if there is no memory. */
static void rdmarpc_sess_cancel_request(void *ctx, struct rr_session *core,
					u32 handle, u32 method)
{
	struct rdmarpc_sess *s = ctx;
	struct rdmarpc_delivery *d;

	lockdep_assert_held(&s->lock);
	d = kmalloc(sizeof(*d), GFP_ATOMIC | __GFP_NOWARN);
	if (!d)
		return;
	d->handle = handle;
	d->method = method;
	d->cancel = true;
	d->req.len = 0;
	list_add_tail(&d->node, &s->deliver);
}

static void rdmarpc_sess_complete_call(void *ctx, struct rr_session *core,
				       u64 cookie, int err, s32 status,
				       struct rr_msg *resp)
{
	struct rdmarpc_sess *s = ctx;
	struct rdmarpc_kcall *kc = (struct rdmarpc_kcall *)(uintptr_t)cookie;

	lockdep_assert_held(&s->lock);
	kc->err = err;
	kc->status = status;
	rr_msg_move(&kc->req, resp);
	list_move_tail(&kc->node, &s->done);
}

/* Within mem_budget_mb, module-wide; a refusal is counted.  Atomic. */
bool rdmarpc_sess_mem_charge(s64 bytes)
{
	s64 max = (s64)READ_ONCE(rdmarpc_mem_budget_mb) << 20;

	if (bytes <= 0) {
		atomic64_add(bytes, &rdmarpc_sess_mem_used);
		return true;
	}
	if (atomic64_add_return(bytes, &rdmarpc_sess_mem_used) > max) {
		atomic64_sub(bytes, &rdmarpc_sess_mem_used);
		atomic64_inc(&rdmarpc_sess_mem_refused);
		return false;
	}
	return true;
}

/*
 * The core's charges.  Also called without the session's lock, by
 * rr_session_destroy() at teardown: it needs none.
 */
static bool rdmarpc_sess_core_mem_charge(void *ctx, s64 bytes)
{
	if (rdmarpc_sess_mem_charge(bytes))
		return true;
	pr_debug("session %u: %lld bytes over mem_budget_mb, refused\n",
		 ((struct rdmarpc_sess *)ctx)->id, bytes);
	return false;
}

/* What follows a timeout in the core, as the tracepoint names it. */
static u8 rdmarpc_timeout_what(u8 what)
{
	switch (what) {
	case RR_TRACE_TO_RESEND:
		return RDMARPC_TO_RESEND;
	case RR_TRACE_TO_PROBE:
		return RDMARPC_TO_PROBE;
	case RR_TRACE_TO_GIVE_UP:
		return RDMARPC_TO_GIVE_UP;
	default:
		return RDMARPC_TO_DEADLINE;
	}
}

/* A call's events in the core: tracepoints (and the call's ids). */
static void rdmarpc_sess_trace(void *ctx, const struct rr_trace *ev)
{
	struct rdmarpc_sess *s = ctx;
	struct rdmarpc_kcall *kc;

	lockdep_assert_held(&s->lock);
	switch (ev->kind) {
	case RR_TRACE_CALL_START:
		/* Kept for its completion, which may come from elsewhere. */
		kc = (struct rdmarpc_kcall *)(uintptr_t)ev->cookie;
		kc->sess_id = s->id;
		kc->peer_sess_id = s->peer_sess;
		kc->req_num = ev->req_num;
		kc->slot = ev->slot;
		trace_rdmarpc_call_start(s->id, s->peer_sess, ev->req_num,
					 ev->slot, kc->method, ev->len,
					 kc->cookie);
		break;
	case RR_TRACE_RETRANSMIT:
		trace_rdmarpc_retransmit(s->id, s->peer_sess, ev->req_num,
					 ev->slot, ev->pkt_kind, ev->idx,
					 ev->what == RR_TRACE_RTX_PROBE);
		break;
	case RR_TRACE_TIMEOUT:
		trace_rdmarpc_timeout(s->id, s->peer_sess, ev->req_num,
				      ev->slot, rdmarpc_timeout_what(ev->what),
				      ev->retries, ev->rto_ns);
		break;
	case RR_TRACE_CREDIT_STALL:
		trace_rdmarpc_credit_stall(s->id, s->peer_sess, ev->req_num,
					   ev->slot, ev->idx, ev->inflight,
					   ev->window);
		break;
	}
}

static const struct rr_ops rdmarpc_sess_ops = {
	.tx_get_buf = rdmarpc_sess_tx_get_buf,
	.tx_send = rdmarpc_sess_tx_send,
	.deliver_request = rdmarpc_sess_deliver_request,
	.cancel_request = rdmarpc_sess_cancel_request,
	.complete_call = rdmarpc_sess_complete_call,
	.mem_charge = rdmarpc_sess_core_mem_charge,
	.trace = rdmarpc_sess_trace,
};

void rdmarpc_sess_mem_read(u64 *used, u64 *refused)
{
	*used = max_t(s64, atomic64_read(&rdmarpc_sess_mem_used), 0);
	*refused = atomic64_read(&rdmarpc_sess_mem_refused);
}

/* ---- Leaving the lock ---- */

/* Arm the timer for the next thing due; session lock held. */
static void rdmarpc_sess_arm(struct rdmarpc_sess *s, u64 now)
{
	struct rdmarpc_kcall *kc;
	u64 d;

	lockdep_assert_held(&s->lock);
	if (s->dead || !s->core)
		return;
	d = rr_session_deadline(s->core);
	list_for_each_entry(kc, &s->calls, node)
		d = min(d, kc->deadline_ns);
	if (s->held_len)
		d = min(d, now + 100 * NSEC_PER_USEC);
	if (rr_session_tx_stalled(s->core))
		WRITE_ONCE(s->tx_wait, true);
	if (d == RR_NO_DEADLINE)
		return;
	/* An early timer is harmless (the poll re-arms); a late one is not. */
	if (hrtimer_is_queued(&s->timer) && d >= s->armed)
		return;
	s->armed = d;
	hrtimer_start(&s->timer, ns_to_ktime(d), HRTIMER_MODE_ABS_SOFT);
}

/* Take what must run without the lock; session lock held. */
static void rdmarpc_sess_collect(struct rdmarpc_sess *s, u64 now,
				 struct list_head *done,
				 struct list_head *deliver)
{
	lockdep_assert_held(&s->lock);
	rdmarpc_sess_arm(s, now);
	list_splice_tail_init(&s->done, done);
	list_splice_tail_init(&s->deliver, deliver);
}

void rdmarpc_sess_set_server_ops(const struct rdmarpc_server_ops *ops)
{
	rcu_assign_pointer(rdmarpc_server_ops, ops);
	if (!ops)
		synchronize_rcu();
}

static int rdmarpc_sess_deliver(struct rdmarpc_sess *s,
				struct rdmarpc_delivery *d)
{
	const struct rdmarpc_server_ops *ops;
	int ret = -ENOENT;

	rcu_read_lock();
	ops = rcu_dereference(rdmarpc_server_ops);
	if (ops && d->cancel)
		ops->cancel(s, d->handle, d->method);
	else if (ops)
		ret = ops->deliver(s, d->handle, d->method, &d->req, &d->meta);
	rcu_read_unlock();
	return d->cancel ? 0 : ret;
}

void rdmarpc_kcall_done(struct rdmarpc_kcall *kc, int err, s32 status,
			struct rr_msg *resp)
{
	/* The clock is read only for a tracer: not on every call's path. */
	if (trace_rdmarpc_call_complete_enabled())
		trace_rdmarpc_call_complete(kc->sess_id, kc->peer_sess_id,
					    kc->req_num, kc->method, err,
					    status, resp->len, kc->cookie,
					    ktime_get_ns() - kc->start_ns);
	kc->done(kc, err, status, resp);
}

/* Run completions and deliveries; no lock held, a reference on @s. */
static void rdmarpc_sess_drain(struct rdmarpc_sess *s, struct list_head *done,
			       struct list_head *deliver)
{
	struct rdmarpc_delivery *d, *dtmp;
	struct rdmarpc_kcall *kc, *tmp;
	bool completed = false;
	struct rr_msg resp;
	int ret;

	lockdep_assert_not_held(&s->lock);
	list_for_each_entry_safe(kc, tmp, done, node) {
		list_del_init(&kc->node);
		/* @kc may be gone once ->done returns: the body is ours. */
		rr_msg_move(&resp, &kc->req);
		rdmarpc_kcall_done(kc, kc->err, kc->err ? 0 : kc->status,
				   &resp);
		rr_msg_free(&resp);
		completed = true;
	}
	list_for_each_entry_safe(d, dtmp, deliver, node) {
		list_del(&d->node);
		if (READ_ONCE(s->dead)) {
			ret = -ECONNRESET;
		} else if (d->cancel) {
			ret = rdmarpc_sess_deliver(s, d);
		} else {
			/* Before: an endpoint may answer it at once. */
			trace_rdmarpc_request_delivered(s->id, s->peer_sess,
							d->handle, d->method,
							d->req.len);
			ret = rdmarpc_sess_deliver(s, d);
		}
		if (ret && ret != -ECONNRESET)
			rdmarpc_sess_reply(s, d->handle, ret, 0, NULL, NULL);
		rr_msg_free(&d->req);
		kfree(d);
	}
	/* Slots freed: calls waiting on the peer may go. */
	if (completed && s->peer)
		rdmarpc_peer_kick(s->peer);
}

/* ---- Timer ---- */

static enum hrtimer_restart rdmarpc_sess_timer(struct hrtimer *t)
{
	struct rdmarpc_sess *s = container_of(t, struct rdmarpc_sess, timer);
	struct rdmarpc_kcall *kc, *tmp;
	LIST_HEAD(deliver);
	LIST_HEAD(done);
	u64 now;

	spin_lock(&s->lock);
	if (s->dead || !s->core) {
		spin_unlock(&s->lock);
		return HRTIMER_NORESTART;
	}
	now = ktime_get_ns();
	s->armed = U64_MAX;
	if (s->held_len) {
		rdmarpc_sess_xmit(s, s->held, s->held_len);
		s->held_len = 0;
	}
	/* Calls past their own deadline. */
	list_for_each_entry_safe(kc, tmp, &s->calls, node) {
		if (kc->deadline_ns > now)
			continue;
		if (rr_client_cancel(s->core, (u64)(uintptr_t)kc))
			continue;
		trace_rdmarpc_timeout(s->id, s->peer_sess, kc->req_num,
				      kc->slot, RDMARPC_TO_DEADLINE, 0, 0);
		kc->err = -ETIMEDOUT;
		list_move_tail(&kc->node, &s->done);
	}
	rr_session_poll(s->core, now);
	rdmarpc_sess_collect(s, now, &done, &deliver);
	spin_unlock(&s->lock);
	if (!list_empty(&done) || !list_empty(&deliver)) {
		/* The timer cannot outlive the session: no reference needed. */
		rdmarpc_sess_drain(s, &done, &deliver);
	}
	return HRTIMER_NORESTART;
}

/* ---- Port watcher: device removal, send buffers freed ---- */

static void rdmarpc_sess_queue_kill(struct rdmarpc_sess *s)
{
	if (!test_and_set_bit(RDMARPC_SESS_KILL_QUEUED, &s->flags))
		queue_work(rdmarpc_sess_wq, &s->kill_work);
}

/* Called under the port's wait queue lock (interrupts may be off). */
static int rdmarpc_sess_port_wake(struct wait_queue_entry *wq,
				  unsigned int mode, int flags, void *key)
{
	struct rdmarpc_sess *s = container_of(wq, struct rdmarpc_sess,
					      port_wait);

	lockdep_assert_held(&s->port->wq.lock);
	if (unlikely(rdmarpc_port_dead(s->port))) {
		rdmarpc_sess_queue_kill(s);
		return 0;
	}
	if (READ_ONCE(s->tx_wait) && rdmarpc_port_can_send(s->port)) {
		WRITE_ONCE(s->tx_wait, false);
		hrtimer_start(&s->timer, 0, HRTIMER_MODE_REL_SOFT);
	}
	return 0;
}

/* ---- Life and death ---- */

int rdmarpc_sess_notifier_register(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&rdmarpc_sess_chain, nb);
}

void rdmarpc_sess_notifier_unregister(struct notifier_block *nb)
{
	blocking_notifier_chain_unregister(&rdmarpc_sess_chain, nb);
}

void rdmarpc_sess_notify(enum rdmarpc_sess_event ev,
			 struct rdmarpc_sess_note *note)
{
	might_sleep();
	blocking_notifier_call_chain(&rdmarpc_sess_chain, ev, note);
}

void rdmarpc_sess_kill(struct rdmarpc_sess *s, int err)
{
	LIST_HEAD(deliver);
	LIST_HEAD(done);

	spin_lock_bh(&s->lock);
	if (s->dead) {
		spin_unlock_bh(&s->lock);
		return;
	}
	s->dead = true;
	s->dead_err = err;
	if (s->core) {
		/* Active: before its calls complete with @err. */
		trace_rdmarpc_session_down(s->id, s->peer_sess, s->role,
					   s->name, err);
		rr_session_fail_all(s->core, err);
	}
	list_splice_tail_init(&s->done, &done);
	list_splice_tail_init(&s->deliver, &deliver);
	s->held_len = 0;
	spin_unlock_bh(&s->lock);
	pr_debug("session %u (%s) dead: %d\n", s->id, s->name, err);
	rdmarpc_sess_get(s);
	rdmarpc_sess_drain(s, &done, &deliver);
	rdmarpc_sess_queue_kill(s);
	rdmarpc_sess_put(s);
}

/* Phase two, process context: unlink and release everything. */
static void rdmarpc_sess_kill_work(struct work_struct *work)
{
	struct rdmarpc_sess *s = container_of(work, struct rdmarpc_sess,
					      kill_work);
	struct rdmarpc_sess_note note = { .sess = s };
	struct rdmarpc_live_conn *conn;
	struct rr_session *core;
	bool was_up = false;

	/* Queued by the port watcher: the device is going away. */
	rdmarpc_sess_kill(s, -ENODEV);

	xa_erase_bh(&rdmarpc_sess_ids, s->id);
	/* Under the mutex: see rdmarpc_sess_activate(). */
	mutex_lock(&rdmarpc_sess_mutex);
	if (s->listed) {
		list_del(&s->node);
		s->listed = false;
		rdmarpc_sess_generation++;
		was_up = true;
	}
	if (s->port_waiting) {
		remove_wait_queue(&s->port->wq, &s->port_wait);
		s->port_waiting = false;
	}
	mutex_unlock(&rdmarpc_sess_mutex);
	/*
	 * Its death may have come in any context; its teardown runs here,
	 * in process context: the notifiers may sleep.  After its UP, which
	 * went out while it was being listed.  Then its peer's, if it was
	 * the peer's last.
	 */
	if (was_up) {
		note.reason = s->dead_err;
		rdmarpc_sess_notify(RDMARPC_SESS_EV_DOWN, &note);
	}
	if (s->peer)
		rdmarpc_peer_detach(s->peer, s);
	/* Nothing re-arms a dead session's timer once the watcher is off. */
	hrtimer_cancel(&s->timer);

	/* Dead: nothing attaches a connection any more. */
	spin_lock_bh(&s->lock);
	core = s->core;
	s->core = NULL;
	conn = s->conn;
	s->conn = NULL;
	spin_unlock_bh(&s->lock);
	if (conn)
		rdmarpc_live_close(conn);
	rr_session_destroy(core);
	if (s->ah)
		rdmarpc_ah_put(s->ah);
	s->ah = NULL;
	rdmarpc_port_put(s->port);
	rdmarpc_sess_put(s);	/* the creation reference */
}

struct rdmarpc_sess *rdmarpc_sess_new(enum rr_role role,
				      struct rdmarpc_port *port,
				      struct rdmarpc_peer *peer,
				      const char *name)
{
	struct rdmarpc_sess *s;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s) {
		rdmarpc_port_put(port);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&s->ref);
	atomic_inc(&rdmarpc_sess_count);
	s->role = role;
	s->port = port;
	s->mtu = port->mtu;
	strscpy(s->name, name, sizeof(s->name));
	INIT_LIST_HEAD(&s->node);
	INIT_LIST_HEAD(&s->peer_node);
	INIT_LIST_HEAD(&s->calls);
	INIT_LIST_HEAD(&s->done);
	INIT_LIST_HEAD(&s->deliver);
	INIT_WORK(&s->kill_work, rdmarpc_sess_kill_work);
	init_waitqueue_func_entry(&s->port_wait, rdmarpc_sess_port_wake);
	spin_lock_init(&s->lock);
	hrtimer_setup(&s->timer, rdmarpc_sess_timer, CLOCK_MONOTONIC,
		      HRTIMER_MODE_ABS_SOFT);
	s->armed = U64_MAX;
	s->tag = get_random_u32();
	if (peer) {
		rdmarpc_peer_get(peer);
		s->peer = peer;
	}

	s->held = kmalloc(s->mtu, GFP_KERNEL);
	if (!s->held) {
		ret = -ENOMEM;
		goto out_kill;
	}
	ret = xa_alloc_cyclic_bh(&rdmarpc_sess_ids, &s->id, s,
				 XA_LIMIT(1, INT_MAX), &rdmarpc_sess_next_id,
				 GFP_KERNEL);
	if (ret < 0)
		goto out_kill;
	pr_debug("session %u created (%s, %s)\n", s->id,
		 role == RR_ROLE_CLIENT ? "client" : "server", s->name);
	return s;

out_kill:
	s->id = 0;
	/* Not published: the teardown work only releases. */
	rdmarpc_sess_kill(s, ret);
	return ERR_PTR(ret);
}

int rdmarpc_sess_activate(struct rdmarpc_sess *s, const struct rr_params *p,
			  u32 peer_sess, u32 peer_tag, struct rdmarpc_ah *ah,
			  struct rdmarpc_live_conn *conn)
{
	struct rr_ids ids = {
		.local_sess = s->id,
		.local_tag = s->tag,
		.peer_sess = peer_sess,
		.peer_tag = peer_tag,
	};
	struct rdmarpc_sess_note note = {};
	struct rr_session *core;
	int ret;

	if (p->mtu > s->mtu)
		return -EINVAL;
	core = rr_session_create(p, s->role, &ids, &rdmarpc_sess_ops, s);
	if (IS_ERR(core))
		return PTR_ERR(core);
	s->credits = p->credits;
	s->mtu = p->mtu;
	s->peer_sess = peer_sess;

	/*
	 * Published in one section under rdmarpc_sess_mutex, and only if
	 * the session is not dead yet: the teardown work unlinks under the
	 * same mutex, and it runs only after the death, so either it sees
	 * what this lists or this sees the death and lists nothing.  A
	 * session killed before activation (its liveness connection lost
	 * right after the handshake) never stays linked once freed.
	 */
	mutex_lock(&rdmarpc_sess_mutex);
	spin_lock_bh(&s->lock);
	if (s->dead) {
		ret = s->dead_err ?: -ECONNRESET;
		spin_unlock_bh(&s->lock);
		mutex_unlock(&rdmarpc_sess_mutex);
		rr_session_destroy(core);
		return ret;
	}
	s->ah = ah;
	s->conn = conn;
	s->core = core;
	/* Under @lock: a death, which traces down, comes after. */
	trace_rdmarpc_session_up(s->id, s->peer_sess, s->role, s->name, s->mtu,
				 s->credits);
	spin_unlock_bh(&s->lock);
	list_add_tail(&s->node, &rdmarpc_sessions);
	s->listed = true;
	rdmarpc_sess_generation++;
	add_wait_queue(&s->port->wq, &s->port_wait);
	s->port_waiting = true;
	/* Under the mutex: its teardown's DOWN comes after. */
	note.sess = s;
	rdmarpc_sess_notify(RDMARPC_SESS_EV_UP, &note);
	mutex_unlock(&rdmarpc_sess_mutex);

	/* The device may have gone before the watcher was in place. */
	if (rdmarpc_port_dead(s->port))
		rdmarpc_sess_queue_kill(s);
	return 0;
}

int rdmarpc_sess_attach_conn(struct rdmarpc_sess *s,
			     struct rdmarpc_live_conn *conn)
{
	int ret = 0;

	/* The teardown takes @conn under @lock, after the death. */
	spin_lock_bh(&s->lock);
	if (s->dead)
		ret = s->dead_err ?: -ECONNRESET;
	else
		s->conn = conn;
	spin_unlock_bh(&s->lock);
	return ret;
}

bool rdmarpc_sess_alive(struct rdmarpc_sess *s)
{
	return !READ_ONCE(s->dead);
}

/* ---- Batches ---- */

/* Hold @s's sends back until @b ends (if @b has room). */
static void rdmarpc_sess_batch_join(struct rdmarpc_sess *s,
				    struct rdmarpc_sess_batch *b)
{
	u32 i;

	lockdep_assert_held(&s->lock);
	if (!b)
		return;
	for (i = 0; i < b->n; i++)
		if (b->sess[i] == s)
			return;
	if (b->n == RDMARPC_BATCH_SESS)
		return;
	kref_get(&s->ref);
	rr_session_cork(s->core);
	b->sess[b->n++] = s;
}

void rdmarpc_sess_batch_end(struct rdmarpc_sess_batch *b)
{
	struct rdmarpc_sess *s;

	while (b->n) {
		s = b->sess[--b->n];
		spin_lock_bh(&s->lock);
		/* A dead session's core is going: nothing to send. */
		if (!s->dead && s->core) {
			rr_session_uncork(s->core);
			rdmarpc_sess_arm(s, ktime_get_ns());
		}
		spin_unlock_bh(&s->lock);
		rdmarpc_sess_put(s);
	}
}

/* ---- Client calls ---- */

int rdmarpc_sess_start_call(struct rdmarpc_sess *s, struct rdmarpc_kcall *kc,
			    struct rdmarpc_sess_batch *b)
{
	struct rr_call_opts opts;
	u64 now = ktime_get_ns();
	int ret;

	lockdep_assert_held(&s->peer->lock);
	spin_lock_bh(&s->lock);
	if (s->dead || !s->core) {
		ret = s->dead ? s->dead_err : -EBUSY;
		goto out_unlock;
	}
	rdmarpc_sess_batch_join(s, b);
	/* The server learns how long the caller waits, and the key. */
	opts.deadline = kc->deadline_ns;
	opts.flags = 0;
	if (kc->has_key) {
		opts.flags |= RR_CALL_F_KEY;
		memcpy(opts.key, kc->key, sizeof(opts.key));
	}
	ret = rr_client_call_opts(s->core, kc->method, &kc->req,
				  (u64)(uintptr_t)kc, now, &opts);
	if (!ret) {
		kc->sess = s;
		list_add_tail(&kc->node, &s->calls);
		rdmarpc_sess_arm(s, now);
	}
out_unlock:
	spin_unlock_bh(&s->lock);
	return ret;
}

int rdmarpc_sess_cancel_call(struct rdmarpc_sess *s, struct rdmarpc_kcall *kc)
{
	struct rdmarpc_kcall *pos;
	int ret = -ENOENT;

	lockdep_assert_held(&s->peer->lock);
	spin_lock_bh(&s->lock);
	list_for_each_entry(pos, &s->calls, node) {
		if (pos != kc)
			continue;
		if (s->core && !rr_client_cancel(s->core, (u64)(uintptr_t)kc)) {
			list_del_init(&kc->node);
			ret = 0;
		}
		break;
	}
	spin_unlock_bh(&s->lock);
	return ret;
}

/* ---- Server replies ---- */

int rdmarpc_sess_reply(struct rdmarpc_sess *s, u32 handle, int err,
		       s32 status, struct rr_msg *resp,
		       struct rdmarpc_sess_batch *b)
{
	struct rr_msg empty = { .len = 0 };
	u32 len;
	int ret;

	if (!resp)
		resp = &empty;
	len = resp->len;
	spin_lock_bh(&s->lock);
	if (s->dead || !s->core) {
		ret = s->dead ? -ECONNRESET : -ENODEV;
		spin_unlock_bh(&s->lock);
		trace_rdmarpc_request_replied(s->id, s->peer_sess, handle, err,
					      status, len, ret);
		rr_msg_free(resp);
		return ret;
	}
	rdmarpc_sess_batch_join(s, b);
	if (err)
		ret = rr_server_reply_err(s->core, handle,
					  err < -RR_MAX_ERRNO || err > 0 ?
					  -EIO : err);
	else
		ret = rr_server_reply(s->core, handle, status, resp);
	trace_rdmarpc_request_replied(s->id, s->peer_sess, handle, err, status,
				      len, ret);
	/* Too big for the client, or over mem_budget_mb: say which. */
	if (ret == -EMSGSIZE || ret == -ENOSPC)
		ret = rr_server_reply_err(s->core, handle, ret);
	/* A server completes nothing and is handed nothing here. */
	rdmarpc_sess_arm(s, ktime_get_ns());
	spin_unlock_bh(&s->lock);
	/* Dropped (the client moved on) or sent: either way not the caller's. */
	rr_msg_free(resp);
	return 0;
}

/* ---- Receive ---- */

/*
 * The datagram comes from the session's peer: its QP, and its GID from the
 * GRH (RoCE: the IPv4 or IPv6 source address), or on InfiniBand without a
 * GRH its LID.  A datagram that names a session must come from the QP and
 * address the handshake authenticated, or anyone who learns an id and tag
 * could inject into it.  Compares only: the receive path's cost.
 */
static bool rdmarpc_sess_from_peer(const struct rdmarpc_sess *s,
				   const struct rdmarpc_rx *rx)
{
	const struct ib_wc *wc = rx->wc;
	enum rdma_network_type net;
	union ib_gid sgid, dgid;

	if (wc->src_qp != s->peer_qpn)
		return false;
	if (!(wc->wc_flags & IB_WC_GRH))
		return s->port->link_ib && wc->slid == s->peer_lid;
	if (wc->wc_flags & IB_WC_WITH_NETWORK_HDR_TYPE)
		net = wc->network_hdr_type;
	else if (s->port->link_ib)
		net = RDMA_NETWORK_IB;
	else
		net = ib_get_rdma_header_version((const void *)rx->grh) == 4 ?
		      RDMA_NETWORK_IPV4 : RDMA_NETWORK_IPV6;
	if (ib_get_gids_from_rdma_hdr((const void *)rx->grh, net, &sgid,
				      &dgid))
		return false;
	return !memcmp(sgid.raw, s->peer_gid, sizeof(sgid.raw));
}

static bool rdmarpc_sess_rx(struct rdmarpc_port *port,
			    const struct rdmarpc_rx *rx)
{
	struct rdmarpc_sess *s;
	LIST_HEAD(deliver);
	LIST_HEAD(done);
	u32 id, tag;
	u64 now;
	int ret;

	if (rr_wire_peek(rx->data, rx->len, &id, &tag))
		return false;
	if (unlikely(rdmarpc_fault(&rdmarpc_fault_rx_drop))) {
		atomic64_inc(&rdmarpc_fault_stats.rx_drop);
		rdmarpc_sess_trace_drop(id, 0, rx->data, rx->len,
					RDMARPC_DROP_FAULT_RX, 0);
		return true;
	}
	rcu_read_lock();
	s = xa_load(&rdmarpc_sess_ids, id);
	if (!s || s->tag != tag || s->port != port ||
	    !kref_get_unless_zero(&s->ref)) {
		rcu_read_unlock();
		atomic64_inc(&rdmarpc_fault_stats.unknown);
		rdmarpc_sess_trace_drop(id, 0, rx->data, rx->len,
					RDMARPC_DROP_UNKNOWN, 0);
		return false;
	}
	rcu_read_unlock();

	/* The peer's QPN and GID are set before @core, under @lock. */
	now = ktime_get_ns();
	spin_lock(&s->lock);
	if (likely(!s->dead && s->core)) {
		if (unlikely(!rdmarpc_sess_from_peer(s, rx))) {
			spin_unlock(&s->lock);
			atomic64_inc(&rdmarpc_fault_stats.wrong_src);
			rdmarpc_sess_trace_drop(s->id, s->peer_sess, rx->data,
						rx->len, RDMARPC_DROP_WRONG_SRC,
						0);
			rdmarpc_sess_put(s);
			return false;
		}
		ret = rr_session_rx(s->core, rx->data, rx->len, now);
		if (unlikely(ret))
			rdmarpc_sess_trace_drop(s->id, s->peer_sess, rx->data,
						rx->len, 0, ret);
		rdmarpc_sess_collect(s, now, &done, &deliver);
	}
	spin_unlock(&s->lock);
	if (!list_empty(&done) || !list_empty(&deliver))
		rdmarpc_sess_drain(s, &done, &deliver);
	rdmarpc_sess_put(s);
	return true;
}

static const struct rdmarpc_rx_ops rdmarpc_sess_rx_ops = {
	.rx = rdmarpc_sess_rx,
};

/* ---- Netlink helpers ---- */

bool rdmarpc_sess_read(struct rdmarpc_sess *s, struct rr_stats *st,
		       struct rr_session_info *info)
{
	bool ok = false;

	spin_lock_bh(&s->lock);
	if (s->core && !s->dead) {
		if (st)
			*st = *rr_session_stats(s->core);
		if (info)
			rr_session_info(s->core, info);
		ok = true;
	}
	spin_unlock_bh(&s->lock);
	return ok;
}

u32 rdmarpc_sess_server_credits(struct rdmarpc_port *port)
{
	struct rdmarpc_sess *s;
	u32 sum = 0;

	lockdep_assert_held(&rdmarpc_sess_mutex);
	list_for_each_entry(s, &rdmarpc_sessions, node)
		if (s->port == port && s->role == RR_ROLE_SERVER &&
		    rdmarpc_sess_alive(s))
			sum += s->credits;
	return sum;
}

u32 rdmarpc_sess_server_count(__be32 ipv4)
{
	struct rdmarpc_sess *s;
	u32 n = 0;

	lockdep_assert_held(&rdmarpc_sess_mutex);
	list_for_each_entry(s, &rdmarpc_sessions, node)
		if (s->role == RR_ROLE_SERVER && s->client_ipv4 == ipv4 &&
		    rdmarpc_sess_alive(s))
			n++;
	return n;
}

/* ---- Module init and exit ---- */

int rdmarpc_sess_init(void)
{
	rdmarpc_sess_wq = alloc_workqueue("rdmarpc_sess", WQ_MEM_RECLAIM, 0);
	if (!rdmarpc_sess_wq)
		return -ENOMEM;
	rdmarpc_ib_set_rx_ops(&rdmarpc_sess_rx_ops);
	return 0;
}

/*
 * After the handshake listener and the peers are gone: nothing makes a
 * session any more.
 */
void rdmarpc_sess_exit(void)
{
	struct rdmarpc_sess *s;

	for (;;) {
		mutex_lock(&rdmarpc_sess_mutex);
		list_for_each_entry(s, &rdmarpc_sessions, node)
			if (rdmarpc_sess_alive(s))
				break;
		if (list_entry_is_head(s, &rdmarpc_sessions, node)) {
			mutex_unlock(&rdmarpc_sess_mutex);
			break;
		}
		rdmarpc_sess_get(s);
		mutex_unlock(&rdmarpc_sess_mutex);
		rdmarpc_sess_kill(s, -ECONNRESET);
		rdmarpc_sess_put(s);
	}
	flush_workqueue(rdmarpc_sess_wq);
	rdmarpc_ib_set_rx_ops(NULL);
	rcu_barrier();
	if (!wait_event_timeout(rdmarpc_sess_gone_wq,
				!atomic_read(&rdmarpc_sess_count), 10 * HZ))
		pr_err("%d sessions still referenced at exit\n",
		       atomic_read(&rdmarpc_sess_count));
	rcu_barrier();
	destroy_workqueue(rdmarpc_sess_wq);
}
