/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: the endpoint object, shared by rpc.c (its life, waits and the
 * trips of message bodies to and from user memory), call.c (the client
 * side: connections and calls) and serve.c (the server side: services and
 * requests).  Nothing outside those three files includes this.
 */
#ifndef _RDMARPC_ENDPOINT_INTERNAL_H
#define _RDMARPC_ENDPOINT_INTERNAL_H

#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "session.h"
#include "endpoint.h"

/* After rdmarpc_peer_cancel(), ->done comes "promptly": at most this. */
#define RDMARPC_CANCEL_WAIT_MS		10000

struct rdmarpc_ep {
	/*
	 * @lock guards the lists, counters and flags from here to @req_wq,
	 * and the state of every call on the lists.  ->done and
	 * rdmarpc_ep_deliver() take it in any context: irqsave there,
	 * spin_lock_irq in the ioctls.  Never held across a call into the
	 * session layer (->done may run inside rdmarpc_peer_cancel()).
	 */
	spinlock_t lock;
	bool closing;			/* release began: no new requests */
	struct list_head calls;		/* started, ->done not yet run */
	struct list_head completions;	/* async calls whose ->done ran */
	struct list_head orphans;	/* sync calls their ioctl gave up */
	struct list_head parked;	/* sync calls a signal interrupted */
	struct list_head pending;	/* requests not yet received */
	struct list_head held_reqs;	/* received, not yet answered */
	u32 n_calls;			/* reserved or on @calls */
	u32 n_reqs;			/* pending or held */
	u32 n_cancelled;		/* on @held_reqs, their caller gone */
	u64 bytes;			/* message bytes held, see _EP_MAX_BYTES */

	wait_queue_head_t call_wq;	/* a call completed */
	wait_queue_head_t req_wq;	/* a request arrived, or was cancelled */

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

	/*
	 * Its shared rings (ring.c), or NULL: set once by RING_SETUP
	 * (cmpxchg), read locklessly, torn down by the endpoint's close.
	 */
	struct rdmarpc_ring *ring;

	/* This endpoint's services; under rdmarpc_svc_lock. */
	struct list_head services;

	struct kref ref;		/* the file + each call the session has */
	struct work_struct free_work;
	struct rcu_head rcu;
};

/*
 * The RPC layer's event counters (see struct rdmarpc_rpc_stats), one set
 * per CPU (several go up on every call): rdmarpc_count() adds to this
 * CPU's, rdmarpc_rpc_stats_read() in rpc.c sums them.
 */
struct rdmarpc_rpc_counters {
	u64_stats_t calls;
	u64_stats_t calls_failed;
	u64_stats_t cancels;
	u64_stats_t requests;
	u64_stats_t requests_unserved;
	u64_stats_t requests_dropped;
	u64_stats_t requests_aborted;
	u64_stats_t requests_expired;
	u64_stats_t requests_cancelled;
	u64_stats_t replies;
	struct u64_stats_sync syncp;
};

DECLARE_PER_CPU(struct rdmarpc_rpc_counters, rdmarpc_rpc_counters);
/* Endpoints open: a gauge, shared. */
extern atomic64_t rdmarpc_rpc_endpoints;

/* The counter at offset @off of this CPU's set, plus one.  Any context. */
static inline void rdmarpc_count_at(size_t off)
{
	struct rdmarpc_rpc_counters *c = get_cpu_ptr(&rdmarpc_rpc_counters);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&c->syncp);
	u64_stats_inc((u64_stats_t *)((u8 *)c + off));
	u64_stats_update_end_irqrestore(&c->syncp, flags);
	put_cpu_ptr(&rdmarpc_rpc_counters);
}

#define rdmarpc_count(name) \
	rdmarpc_count_at(offsetof(struct rdmarpc_rpc_counters, name))

static inline long rdmarpc_ms_to_jiffies(u64 ms)
{
	if (ms >= RDMARPC_WAIT_FOREVER)
		return MAX_SCHEDULE_TIMEOUT;
	return msecs_to_jiffies((unsigned int)ms);
}

/*
 * A wait of @ms that a signal interrupted: restartable (SA_RESTART) if it
 * had no end, else -EINTR.
 */
static inline int rdmarpc_wait_eintr(u64 ms)
{
	return ms >= RDMARPC_WAIT_FOREVER ? -ERESTARTSYS : -EINTR;
}

/* rpc.c */
void rdmarpc_ep_put(struct rdmarpc_ep *ep);
bool rdmarpc_ep_busy_poll(struct rdmarpc_ep *ep, bool (*cond)(void *arg),
			  void *arg, long *left);
int rdmarpc_ep_batch_wait(struct rdmarpc_ep *ep, wait_queue_head_t *wq,
			  bool (*ready)(void *arg), u32 n, u32 min_complete,
			  u32 timeout_ms, long *left);
int rdmarpc_msg_from_user(struct rr_msg *m, u64 uptr, u32 len);
int rdmarpc_msg_to_user(struct rr_msg *m, u64 uptr, u64 cap);

/* call.c: what the endpoint's close and release do to its client side. */
void rdmarpc_ep_cancel_all(struct rdmarpc_ep *ep);
bool rdmarpc_ep_idle(struct rdmarpc_ep *ep);
/*
 * Take the first completed call of @ep, if any, into @comp (as REAP
 * returns it: the response copied to the submitter's buffer, which needs
 * its address space).  Process context.
 */
bool rdmarpc_ep_reap_one(struct rdmarpc_ep *ep,
			 struct rdmarpc_completion *comp);
void rdmarpc_ep_free_calls(struct rdmarpc_ep *ep);
void rdmarpc_ep_drop_conns(struct rdmarpc_ep *ep);

/* ring.c: the endpoint's poll() and close for its rings. */
bool rdmarpc_ep_ring_poll(struct rdmarpc_ep *ep, struct file *file,
			  poll_table *wait);
void rdmarpc_ep_ring_destroy(struct rdmarpc_ep *ep);

/* serve.c: the same for its server side. */
void rdmarpc_ep_unbind_all(struct rdmarpc_ep *ep);
void rdmarpc_ep_abort_requests(struct rdmarpc_ep *ep);
/* serve.c: the session layer's server ops (struct rdmarpc_server_ops). */
int rdmarpc_ep_deliver(struct rdmarpc_sess *sess, u32 handle, u32 method,
		       struct rr_msg *req, const struct rdmarpc_req_meta *meta);
void rdmarpc_ep_cancel_request(struct rdmarpc_sess *sess, u32 handle,
			       u32 method);

#endif /* _RDMARPC_ENDPOINT_INTERNAL_H */
