/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: the endpoint layer's interface to the interfaces above it:
 * endpoints as the character device (chardev.c) drives them, and the
 * counters netlink.c reports.  chardev.c decodes and checks the ioctl
 * structures; rpc.c owns the endpoint objects and the message bodies'
 * trips to and from user memory, call.c the calls, serve.c the service
 * table and the requests (endpoint_internal.h is what the three share).
 */
#ifndef _RDMARPC_ENDPOINT_H
#define _RDMARPC_ENDPOINT_H

#include <linux/poll.h>
#include <linux/types.h>

#include "uapi/rdmarpc.h"
#include "session.h"

/* The largest request or response an endpoint sends or takes. */
#define RDMARPC_MSG_MAX			(16U << 20)

/*
 * Per-endpoint limits, so that one process cannot pin the host's memory:
 * - calls in flight (SUBMIT/CALL: -EAGAIN beyond);
 * - requests queued or received and not answered (beyond, a request is
 *   refused: the caller's call fails with -ENOMEM);
 * - message bytes the kernel holds for the endpoint (ep->bytes): a call's
 *   request from SUBMIT/CALL until its ->done, its response from ->done
 *   until REAP or the CALL ioctl takes it, and a request's body from its
 *   delivery until RECV copies it out (a received request holds none).
 *   Beyond: SUBMIT/CALL fail with -ENOBUFS, a response that does not fit
 *   fails its call with -ENOBUFS, a request is refused (-ENOMEM on the
 *   caller's side);
 * - connections, services and the methods of one BIND.
 */
#define RDMARPC_EP_MAX_CALLS		4096
#define RDMARPC_EP_MAX_REQS		4096
#define RDMARPC_EP_MAX_BYTES		(256ULL << 20)
#define RDMARPC_EP_MAX_CONNS		1024
#define RDMARPC_EP_MAX_SERVICES		64
#define RDMARPC_BIND_MAX_METHODS	1024

/* Waits: a u32 number of milliseconds, ~0U meaning forever. */
#define RDMARPC_WAIT_FOREVER		U32_MAX

struct rdmarpc_ep;

struct rdmarpc_ep *rdmarpc_ep_create(void);
void rdmarpc_ep_close(struct rdmarpc_ep *ep);

int rdmarpc_ep_connect(struct rdmarpc_ep *ep, const char *peer,
		       u32 timeout_ms, u32 *handle);
int rdmarpc_ep_call(struct rdmarpc_ep *ep, const struct rdmarpc_call *c,
		    struct rdmarpc_completion *comp);
/*
 * SUBMIT and REPLY take their entries within a batch (zeroed to begin)
 * whose sends to one session share datagrams; rdmarpc_ep_batch_end()
 * sends what waits.  NULL: each entry's packets leave at once.
 */
void rdmarpc_ep_batch_end(struct rdmarpc_sess_batch *b);
/*
 * Start the call @c.  Without @notify it is listed for REAP once it
 * completes.  With @notify, once it completes (or fails to start with a
 * session error) @notify(@ctx, @uc) runs, once, in any context, instead:
 * the notified side then owns @uc and finishes it with
 * rdmarpc_ep_finish_call() in the submitter's process context (the
 * response to the call's buffer and the completion to @out: 0, or
 * -EFAULT: not written, or not from the submitter's address space).
 * Returns 0, or the error of a call that was refused: then it is neither
 * listed nor notified.
 */
struct rdmarpc_ucall;
int rdmarpc_ep_submit(struct rdmarpc_ep *ep, const struct rdmarpc_call *c,
		      struct rdmarpc_sess_batch *b,
		      void (*notify)(void *ctx, struct rdmarpc_ucall *uc),
		      void *ctx);
/* Shared rings (ring.c; the contract is RDMARPC_IOC_RING_SETUP's). */
struct rdmarpc_ring_setup;
struct rdmarpc_ring_enter;
struct vm_area_struct;
int rdmarpc_ep_ring_setup(struct rdmarpc_ep *ep, struct rdmarpc_ring_setup *s);
int rdmarpc_ep_ring_enter(struct rdmarpc_ep *ep,
			  const struct rdmarpc_ring_enter *e);
int rdmarpc_ep_ring_mmap(struct rdmarpc_ep *ep, struct vm_area_struct *vma);
int rdmarpc_ep_finish_call(struct rdmarpc_ep *ep, struct rdmarpc_ucall *uc,
			   struct rdmarpc_completion __user *out);
int rdmarpc_ep_reap(struct rdmarpc_ep *ep,
		    struct rdmarpc_completion __user *out, u32 count,
		    u32 min_complete, u32 timeout_ms, u32 *done);
int rdmarpc_ep_cancel(struct rdmarpc_ep *ep, u64 cookie);
int rdmarpc_ep_bind(struct rdmarpc_ep *ep, const char *name, const u32 *ids,
		    u32 n);
int rdmarpc_ep_recv(struct rdmarpc_ep *ep, const struct rdmarpc_request *in,
		    struct rdmarpc_request __user *out);
int rdmarpc_ep_recv_batch(struct rdmarpc_ep *ep,
			  struct rdmarpc_request __user *entries, u32 count,
			  u32 min_complete, u32 timeout_ms, u32 *done);
int rdmarpc_ep_reply(struct rdmarpc_ep *ep, u64 id, s32 status, u64 buf,
		     u64 len, struct rdmarpc_sess_batch *b);
int rdmarpc_ep_req_state(struct rdmarpc_ep *ep, u64 id, u32 *flags,
			 u64 *deadline_ns);
void rdmarpc_ep_set_busy_poll(struct rdmarpc_ep *ep, u32 usec);
__poll_t rdmarpc_ep_poll(struct rdmarpc_ep *ep, struct file *file,
			 poll_table *wait);

/* The reference method id of a name (librdmarpc's rdmarpc_method_id()). */
u32 rdmarpc_method_id(const char *name);

/* Module-wide counters of the RPC side, for statistics. */
struct rdmarpc_rpc_stats {
	u64 endpoints;		/* open right now */
	u64 calls;		/* started */
	u64 calls_failed;	/* completed with an error */
	u64 cancels;		/* cancellations asked of the session layer */
	u64 requests;		/* delivered to an endpoint */
	u64 requests_unserved;	/* no endpoint serves the method */
	u64 requests_dropped;	/* over an endpoint's limits, or no memory */
	u64 requests_aborted;	/* answered -ECONNABORTED at close */
	u64 requests_expired;	/* their deadline passed before a handler */
	u64 requests_cancelled;	/* their caller gave up on them */
	u64 replies;
	u64 mem_used;		/* server message memory held (a gauge) */
	u64 mem_refused;	/* requests or responses over mem_budget_mb */
	/* Idempotency keys (idem.c). */
	u64 idem_entries;	/* remembered now (a gauge) */
	u64 idem_bytes;		/* what they hold (a gauge) */
	u64 idem_hits;		/* answered from the cache */
	u64 idem_joins;		/* waited for the same key's running call */
	u64 idem_misses;	/* first seen: handed to a handler */
	u64 idem_evictions;	/* answers let go to make room */
	u64 idem_expired;	/* answers let go after idem_ttl_ms */
	u64 idem_uncached;	/* handled as if they had no key */
};

void rdmarpc_rpc_stats_read(struct rdmarpc_rpc_stats *st);

#endif /* _RDMARPC_ENDPOINT_H */
