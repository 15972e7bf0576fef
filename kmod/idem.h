/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: idempotency keys on the server, inside the endpoint layer
 * (idem.c).  serve.c asks the cache about each request with a key it is
 * delivered and tells it how the requests it let through end; rpc.c
 * starts and stops it and reads its counters.  Nothing outside the
 * endpoint layer includes this.
 */
#ifndef _RDMARPC_IDEM_H
#define _RDMARPC_IDEM_H

#include <linux/types.h>

#include "core/msg.h"
#include "session.h"
#include "endpoint.h"

/* A key being handled or answered (idem.c). */
struct rdmarpc_idem;

/* rdmarpc_idem_deliver(): answered from the cache, or waiting there. */
#define RDMARPC_IDEM_TAKEN	1

/*
 * Request @handle of @sess for @method was delivered with @meta (softirq,
 * no lock held).  Returns:
 *   0: hand it to a handler.  *@owner is its new entry, RUNNING, whose
 *	reference the request holds until it ends with rdmarpc_idem_done()
 *	or rdmarpc_idem_fail(); or NULL when it has no key or is not kept
 *	(the cache is off or full, or no memory).
 *   RDMARPC_IDEM_TAKEN: it was answered with the key's stored answer, or
 *	it waits for the key's running request and is answered with it
 *	(it holds a reference on @sess meanwhile).
 *   -ENOMEM: no memory to answer it from the cache; the caller answers
 *	with the error.
 */
int rdmarpc_idem_deliver(struct rdmarpc_sess *sess, u32 handle, u32 method,
			 const struct rdmarpc_req_meta *meta,
			 struct rdmarpc_idem **owner);

/*
 * Process context, no lock held: the handler answered the request that
 * owns @e with @status and @resp (read, left to the caller).  The answer
 * is kept for the key's retries (if there is room) and the requests
 * waiting for it get it.  Drops the owner's reference.
 */
void rdmarpc_idem_done(struct rdmarpc_idem *e, s32 status,
		       const struct rr_msg *resp);

/*
 * Any context but hard IRQ, no lock held: the request that owns @e ended
 * without a handler's answer: it was answered the error @err (if nonzero)
 * or @status with no body.  The key is forgotten (a retry runs the
 * handler) and the requests waiting for it are answered the same way.
 * Drops the owner's reference.
 */
void rdmarpc_idem_fail(struct rdmarpc_idem *e, int err, s32 status);

/*
 * The caller of request @handle of @sess gave up on it (softirq): if it
 * waits for a running key, it is answered CANCELLED now.  True if it did.
 */
bool rdmarpc_idem_cancel(struct rdmarpc_sess *sess, u32 handle);

/* The idem_* counters of @st. */
void rdmarpc_idem_stats_read(struct rdmarpc_rpc_stats *st);

/* Module init, and exit once no request reaches an endpoint. */
void rdmarpc_idem_init(void);
void rdmarpc_idem_exit(void);

#endif /* _RDMARPC_IDEM_H */
