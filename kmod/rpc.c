// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: endpoints, on top of the sessions layer (session.h).  This file
 * has what both sides of an endpoint share: its life, its waits and the
 * trips of message bodies to and from user memory; call.c has the client
 * side, serve.c the server side, endpoint_internal.h the object they share.
 *
 * An endpoint is one open /dev/rdmarpc.  As a client (call.c) it holds
 * connections and calls; as a server (serve.c) it binds services and
 * receives and answers their requests.
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
 * rdmarpc_ep_deliver() finds endpoints under RCU.
 */
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "rdmarpc.h"
#include "endpoint_internal.h"
#include "idem.h"

DEFINE_PER_CPU(struct rdmarpc_rpc_counters, rdmarpc_rpc_counters);
atomic64_t rdmarpc_rpc_endpoints = ATOMIC64_INIT(0);

void rdmarpc_rpc_stats_read(struct rdmarpc_rpc_stats *st)
{
	const struct rdmarpc_rpc_counters *c;
	struct rdmarpc_rpc_stats one;
	unsigned int start;
	int cpu;

	memset(st, 0, sizeof(*st));
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(&rdmarpc_rpc_counters, cpu);
		do {
			start = u64_stats_fetch_begin(&c->syncp);
			one.calls = u64_stats_read(&c->calls);
			one.calls_failed = u64_stats_read(&c->calls_failed);
			one.cancels = u64_stats_read(&c->cancels);
			one.requests = u64_stats_read(&c->requests);
			one.requests_unserved =
				u64_stats_read(&c->requests_unserved);
			one.requests_dropped =
				u64_stats_read(&c->requests_dropped);
			one.requests_aborted =
				u64_stats_read(&c->requests_aborted);
			one.requests_expired =
				u64_stats_read(&c->requests_expired);
			one.requests_cancelled =
				u64_stats_read(&c->requests_cancelled);
			one.replies = u64_stats_read(&c->replies);
		} while (u64_stats_fetch_retry(&c->syncp, start));
		st->calls += one.calls;
		st->calls_failed += one.calls_failed;
		st->cancels += one.cancels;
		st->requests += one.requests;
		st->requests_unserved += one.requests_unserved;
		st->requests_dropped += one.requests_dropped;
		st->requests_aborted += one.requests_aborted;
		st->requests_expired += one.requests_expired;
		st->requests_cancelled += one.requests_cancelled;
		st->replies += one.replies;
	}
	st->endpoints = atomic64_read(&rdmarpc_rpc_endpoints);
	rdmarpc_sess_mem_read(&st->mem_used, &st->mem_refused);
	rdmarpc_idem_stats_read(st);
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
bool rdmarpc_ep_busy_poll(struct rdmarpc_ep *ep, bool (*cond)(void *arg),
			  void *arg, long *left)
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

void rdmarpc_ep_batch_end(struct rdmarpc_sess_batch *b)
{
	rdmarpc_sess_batch_end(b);
}

/*
 * The wait of a batch (REAP, RECV_BATCH) that has taken @n entries and
 * finds nothing more to take.  Returns 1 when @ready(@ep) may hold now
 * (take more), 0 when the batch ends (@min_complete reached, no wait
 * asked for, or a signal once something was taken), else -ETIMEDOUT or,
 * for a signal, -ERESTARTSYS when the wait had no end (the ioctl is
 * restarted under SA_RESTART, as read() is) and -EINTR when it had one
 * (as for a socket with a receive timeout: a restart would start the
 * wait over).  *@left is what is left of the wait, in jiffies; the waiters of
 * @wq are woken when @ready(@ep) comes true.
 */
int rdmarpc_ep_batch_wait(struct rdmarpc_ep *ep, wait_queue_head_t *wq,
			  bool (*ready)(void *arg), u32 n, u32 min_complete,
			  u32 timeout_ms, long *left)
{
	if (n >= min_complete || !timeout_ms)
		return 0;
	if (!*left)
		return -ETIMEDOUT;
	if (rdmarpc_ep_busy_poll(ep, ready, ep, left))
		return 1;
	*left = wait_event_interruptible_timeout(*wq, ready(ep), *left);
	if (*left < 0)
		/* What was taken is handed over; the signal waits. */
		return n ? 0 : rdmarpc_wait_eintr(timeout_ms);
	return 1;
}

void rdmarpc_ep_set_busy_poll(struct rdmarpc_ep *ep, u32 usec)
{
	WRITE_ONCE(ep->busy_poll_us, usec);
}

/* ---- message bodies to and from user memory ---- */

/* Fill @m (len bytes, chunk by chunk) from user memory. */
int rdmarpc_msg_from_user(struct rr_msg *m, u64 uptr, u32 len)
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
int rdmarpc_msg_to_user(struct rr_msg *m, u64 uptr, u64 cap)
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
	atomic64_dec(&rdmarpc_rpc_endpoints);
	pr_debug("endpoint %p destroyed\n", ep);
	/* rdmarpc_ep_deliver() may still be looking at it. */
	kfree_rcu(ep, rcu);
}

/* The last reference may go in ->done (softirq): free from a worker. */
static void rdmarpc_ep_release(struct kref *ref)
{
	struct rdmarpc_ep *ep = container_of(ref, struct rdmarpc_ep, ref);

	queue_work(rdmarpc_wq, &ep->free_work);
}

void rdmarpc_ep_put(struct rdmarpc_ep *ep)
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
	INIT_LIST_HEAD(&ep->parked);
	INIT_LIST_HEAD(&ep->pending);
	INIT_LIST_HEAD(&ep->held_reqs);
	init_waitqueue_head(&ep->call_wq);
	init_waitqueue_head(&ep->req_wq);
	xa_init_flags(&ep->held, XA_FLAGS_ALLOC1);
	mutex_init(&ep->conn_lock);
	xa_init_flags(&ep->conns, XA_FLAGS_ALLOC);
	INIT_LIST_HEAD(&ep->services);
	kref_init(&ep->ref);
	INIT_WORK(&ep->free_work, rdmarpc_ep_free_work);
	atomic64_inc(&rdmarpc_rpc_endpoints);
	pr_debug("endpoint %p created\n", ep);
	return ep;
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
	/* A handler's request was cancelled (RDMARPC_IOC_REQ_STATE). */
	if (ep->n_cancelled)
		mask |= EPOLLPRI;
	spin_unlock_irq(&ep->lock);
	if (rdmarpc_ep_ring_poll(ep, file, wait))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

/*
 * The file is closed (also when its process died): nothing else uses the
 * endpoint from userspace any more.
 */
void rdmarpc_ep_close(struct rdmarpc_ep *ep)
{
	/* Nothing more from the rings: their thread stops first. */
	rdmarpc_ep_ring_destroy(ep);
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

static const struct rdmarpc_server_ops rdmarpc_rpc_server_ops = {
	.deliver = rdmarpc_ep_deliver,
	.cancel = rdmarpc_ep_cancel_request,
};

void rdmarpc_rpc_init(void)
{
	rdmarpc_idem_init();
	rdmarpc_sess_set_server_ops(&rdmarpc_rpc_server_ops);
}

/* After the character device: no file is open (they pin the module). */
void rdmarpc_rpc_exit(void)
{
	rdmarpc_sess_set_server_ops(NULL);
	/*
	 * Endpoints may be dying still: their last work and RCU frees; and
	 * answers from the idempotency cache may be on their way.
	 */
	flush_workqueue(rdmarpc_wq);
	rdmarpc_idem_exit();
	rcu_barrier();
}
