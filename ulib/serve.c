// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * /dev/rdmarpc, the server side: bind a service, take requests, reply.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "internal.h"

int rr_bind_prep(struct rdmarpc_bind *b, const char *service,
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

RR_EXPORT int rdmarpc_bind(struct rdmarpc *ep, const char *service,
			   const uint32_t *methods, unsigned int n)
{
	struct rdmarpc_bind b;
	int err;

	if (!ep)
		return -EINVAL;
	err = rr_bind_prep(&b, service, methods, n);
	if (err)
		return err;
	return rr_ioctl(ep, RDMARPC_IOC_BIND, &b);
}

RR_EXPORT int rdmarpc_recv(struct rdmarpc *ep, struct rdmarpc_req_info *r,
			   void *buf, size_t cap, int timeout_ms)
{
	struct rdmarpc_request req;
	int err;

	if (!ep || !r || (cap && !buf))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	memset(&req, 0, sizeof(req));
	req.size = sizeof(req);
	req.timeout_ms = rr_wait_ms(timeout_ms);
	req.buf = (uint64_t)(uintptr_t)buf;
	req.buf_cap = cap;
	err = rr_ioctl(ep, RDMARPC_IOC_RECV, &req);
	if (err)
		return err;
	r->id = req.id;
	r->method = req.method;
	r->len = (size_t)req.len;
	return 0;
}

RR_EXPORT int rdmarpc_reply(struct rdmarpc *ep, uint64_t id, int32_t status,
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
	return rr_ioctl(ep, RDMARPC_IOC_REPLY, &rep);
}
