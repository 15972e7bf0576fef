// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * /dev/rdmarpc, the server side: bind a service, take requests, reply;
 * one at a time or in batches.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>

#include "internal.h"

int rl_bind_prep(struct rdmarpc_bind *b, const char *service,
		 const uint32_t *methods, unsigned int n)
{
	size_t len;

	memset(b, 0, sizeof(*b));
	if (!service || (n && !methods))
		return -EINVAL;
	len = strlen(service);
	if (!len || len >= sizeof(b->name))
		return -EINVAL;
	b->size = sizeof(*b);
	memcpy(b->name, service, len);
	b->methods = (uint64_t)(uintptr_t)methods;
	b->n_methods = n;
	return 0;
}

RL_EXPORT int rdmarpc_bind(struct rdmarpc *ep, const char *service,
			   const uint32_t *methods, unsigned int n)
{
	struct rdmarpc_bind b;
	int err;

	if (!ep)
		return -EINVAL;
	err = rl_bind_prep(&b, service, methods, n);
	if (err)
		return err;
	return rl_ioctl(ep, RDMARPC_IOC_BIND, &b);
}

/* RECV with @flags; *r gets what the kernel wrote, also on -EMSGSIZE. */
static int rl_recv(struct rdmarpc *ep, struct rdmarpc_req_info *r, void *buf,
		   size_t cap, int timeout_ms, uint32_t flags)
{
	struct rdmarpc_request req;
	int err;

	memset(r, 0, sizeof(*r));
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.timeout_ms = rl_wait_ms(timeout_ms);
	req.buf = (uint64_t)(uintptr_t)buf;
	req.buf_cap = cap;
	req.flags = flags;
	err = rl_ioctl(ep, RDMARPC_IOC_RECV, &req);
	if (err && err != -EMSGSIZE)
		return err;
	r->id = req.id;
	r->method = req.method;
	r->len = (size_t)req.len;
	return err;
}

RL_EXPORT int rdmarpc_recv(struct rdmarpc *ep, struct rdmarpc_req_info *r,
			   void *buf, size_t cap, int timeout_ms)
{
	if (!ep || !r || (cap && !buf))
		return -EINVAL;
	return rl_recv(ep, r, buf, cap, timeout_ms, 0);
}

RL_EXPORT int rdmarpc_recv_whole(struct rdmarpc *ep,
				 struct rdmarpc_req_info *r, void **buf,
				 size_t *cap, int timeout_ms)
{
	int err;

	if (!ep || !r || !buf || !cap || (*cap && !*buf))
		return -EINVAL;
	for (;;) {
		void *p;

		err = rl_recv(ep, r, *buf, *cap, timeout_ms,
			      RDMARPC_RECV_F_WHOLE);
		if (err != -EMSGSIZE)
			break;
		/* Still queued (for us, or for a quicker thread): grow. */
		p = realloc(*buf, r->len);
		if (!p) {
			err = -ENOMEM;
			break;
		}
		*buf = p;
		*cap = r->len;
	}
	if (err)
		memset(r, 0, sizeof(*r));
	return err;
}

RL_EXPORT int rdmarpc_reply(struct rdmarpc *ep, uint64_t id, int32_t status,
			    const void *buf, size_t len)
{
	struct rdmarpc_reply rep;

	if (!ep || (len && !buf))
		return -EINVAL;
	memset(&rep, 0, sizeof(rep));
	rep.size = sizeof(rep);
	rep.status = status;
	rep.id = id;
	rep.buf = (uint64_t)(uintptr_t)buf;
	rep.len = len;
	return rl_ioctl(ep, RDMARPC_IOC_REPLY, &rep);
}

RL_EXPORT int rdmarpc_request_state(struct rdmarpc *ep, uint64_t id,
				    int *cancelled, int64_t *time_left_ms)
{
	struct rdmarpc_req_state st;
	struct timespec ts;
	int64_t left;
	int err;

	if (!ep)
		return -EINVAL;
	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	st.id = id;
	err = rl_ioctl(ep, RDMARPC_IOC_REQ_STATE, &st);
	if (err)
		return err;
	if (cancelled)
		*cancelled = !!(st.flags & RDMARPC_REQ_CANCELLED);
	if (!time_left_ms)
		return 0;
	if (!st.deadline_ns) {
		*time_left_ms = -1;
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	left = (int64_t)st.deadline_ns -
	       ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
	*time_left_ms = left > 0 ? left / 1000000 : 0;
	return 0;
}

RL_EXPORT int rdmarpc_reply_error(struct rdmarpc *ep, uint64_t id,
				  int32_t status, const char *fmt, ...)
{
	char msg[RDMARPC_STATUS_MSG_MAX + 1];
	va_list ap;
	int n = 0;

	if (status == RDMARPC_STATUS_OK)
		return -EINVAL;
	if (fmt) {
		va_start(ap, fmt);
		n = vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		if (n < 0)
			n = 0;
		else if (n > RDMARPC_STATUS_MSG_MAX)
			n = RDMARPC_STATUS_MSG_MAX;
	}
	return rdmarpc_reply(ep, id, status, msg, n);
}

RL_EXPORT void rdmarpc_request_prep(struct rdmarpc_request *r, void *buf,
				    size_t cap)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->buf = (uint64_t)(uintptr_t)buf;
	r->buf_cap = cap;
}

/* What RECV_BATCH takes of an entry, checked before the kernel sees it. */
int rl_request_check(const void *entry)
{
	const struct rdmarpc_request *r = entry;

	if (r->size != sizeof(*r) || r->timeout_ms ||
	    (r->flags & ~RDMARPC_RECV_F_ALL))
		return -EINVAL;
	if (r->buf_cap && !r->buf)
		return -EINVAL;
	return 0;
}

RL_EXPORT int rdmarpc_recv_batch(struct rdmarpc *ep,
				 struct rdmarpc_request *reqs, unsigned int n,
				 unsigned int min, int timeout_ms)
{
	unsigned int i, done;
	int err;

	if (!ep || !reqs || !n || min > n || n > INT32_MAX)
		return -EINVAL;
	/* Only the valid prefix: a request is never taken for a bad entry. */
	i = rl_batch_valid(reqs, sizeof(*reqs), n, rl_request_check);
	if (!i)
		return -EINVAL;
	err = rl_batch_ioctl(ep, RDMARPC_IOC_RECV_BATCH, reqs, i,
			     min < i ? min : i, timeout_ms, &done);
	if (done > i)
		return -EPROTO;
	/* What was taken is the caller's to answer, whatever came after. */
	if (err == -ETIMEDOUT || err == -EAGAIN || done)
		err = 0;
	if (err)
		return err;
	return (int)done;
}

RL_EXPORT void rdmarpc_reply_prep(struct rdmarpc_reply *r, uint64_t id,
				  int32_t status, const void *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->status = status;
	r->id = id;
	r->buf = (uint64_t)(uintptr_t)buf;
	r->len = len;
}

int rl_reply_check(const void *entry)
{
	const struct rdmarpc_reply *r = entry;

	if (r->size != sizeof(*r) || (r->len && !r->buf))
		return -EINVAL;
	return 0;
}

RL_EXPORT int rdmarpc_reply_batch(struct rdmarpc *ep,
				  const struct rdmarpc_reply *replies,
				  unsigned int n)
{
	return rl_batch_send(ep, RDMARPC_IOC_REPLY_BATCH, replies,
			     sizeof(*replies), n, rl_reply_check);
}
