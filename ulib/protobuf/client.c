// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The client: a ProtobufCService whose methods call over rdmarpc.
 *
 * Asynchronous calls: each is a struct pb_call, allocated at submit with
 * the packed request and a response buffer of max_resp bytes, linked into
 * its client's list, and named to the endpoint by its address with bit 63
 * set (the cookie).  The endpoint owns both buffers until the completion
 * is reaped (the module copies the response out at reap time); then the
 * closure runs, and the call is unlinked and freed.  The client's lock
 * guards the list and the count only: closures run without it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rdmarpc-protobuf-internal.h"

#define CALL_MAGIC	0x7062636c6c6c6163ULL	/* "callbcp" */
#define CLIENT_MAGIC	0x70626c69656e7463ULL
#define REAP_BATCH	32

unsigned int rl_pb_free_wait_ms = 10000;

struct pb_client {
	ProtobufCService base;		/* first: the service is the client */
	uint64_t magic;
	const struct rl_pb_ops *ops;
	void *t;
	int handle;
	unsigned int timeout_ms;
	unsigned int flags;
	size_t max_resp;		/* read and written atomically */
	uint32_t *ids;			/* each method's id */
	pthread_mutex_t lock;
	struct pb_call *calls;		/* in flight, under lock */
	unsigned int inflight;		/* under lock */
};

struct pb_call {
	uint64_t magic;
	struct pb_client *c;
	struct pb_call *prev, *next;	/* the client's list */
	unsigned int index;
	ProtobufCClosure closure;
	void *data;
	uint8_t *req;
	uint8_t *resp;
	size_t cap;
};

static struct pb_client *to_client(ProtobufCService *s)
{
	struct pb_client *c = (struct pb_client *)s;

	return c && c->magic == CLIENT_MAGIC ? c : NULL;
}

static size_t resp_cap(struct pb_client *c)
{
	return __atomic_load_n(&c->max_resp, __ATOMIC_RELAXED);
}

static int max_resp_ok(size_t n)
{
	return n >= RDMARPC_STATUS_MSG_MAX && n <= RDMARPC_PB_MSG_LIMIT;
}

/* Check the arguments of a call and pack its request (malloc'ed). */
static int pack_request(struct pb_client *c, unsigned int index,
			const ProtobufCMessage *input, uint8_t **req,
			size_t *req_len)
{
	const ProtobufCServiceDescriptor *d = c->base.descriptor;

	*req = NULL;
	*req_len = 0;
	if (index >= d->n_methods || !input ||
	    input->descriptor != d->methods[index].input)
		return -EINVAL;
	*req_len = protobuf_c_message_get_packed_size(input);
	if (*req_len > RDMARPC_PB_MSG_LIMIT)
		return -EMSGSIZE;
	*req = malloc(*req_len ? *req_len : 1);
	if (!*req)
		return -ENOMEM;
	protobuf_c_message_pack(input, *req);
	return 0;
}

/* An outcome that is this library's own error, before any call. */
static void local_error(int err)
{
	struct rdmarpc_pb_result *res = rl_pb_tls_result();

	memset(res, 0, sizeof(*res));
	res->error = err;
	rl_pb_msg(res->message, "%s", rdmarpc_strerror(err));
}

/* ---- synchronous ---- */

PB_EXPORT int rdmarpc_pb_call(ProtobufCService *client, unsigned int index,
			      const ProtobufCMessage *input,
			      ProtobufCMessage **output)
{
	struct pb_client *c = to_client(client);
	struct rdmarpc_pb_result *res = rl_pb_tls_result();
	ProtobufCMessage *out = NULL;
	uint8_t *req = NULL, *resp = NULL;
	size_t req_len, len = 0, cap;
	int32_t status = 0;
	int err;

	if (output)
		*output = NULL;
	if (!c) {
		local_error(-EINVAL);
		return -EINVAL;
	}
	err = pack_request(c, index, input, &req, &req_len);
	if (err) {
		local_error(err);
		return err;
	}
	cap = resp_cap(c);
	resp = malloc(cap);
	if (!resp) {
		free(req);
		local_error(-ENOMEM);
		return -ENOMEM;
	}
	err = c->ops->call(c->t, c->handle, c->ids[index], req, req_len, resp,
			   cap, &len, &status, c->timeout_ms);
	rl_pb_outcome(c->base.descriptor, index, err, status, resp, cap, len,
		      res, &out);
	free(req);
	free(resp);
	if (output)
		*output = out;
	else if (out)
		protobuf_c_message_free_unpacked(out, NULL);
	return res->error ? res->error : res->status;
}

/* ---- asynchronous ---- */

static void call_free(struct pb_call *call)
{
	call->magic = 0;
	free(call->req);
	free(call->resp);
	free(call);
}

static void unlink_call(struct pb_client *c, struct pb_call *call)
{
	pthread_mutex_lock(&c->lock);
	if (call->prev)
		call->prev->next = call->next;
	else
		c->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	c->inflight--;
	pthread_mutex_unlock(&c->lock);
}

PB_EXPORT int rdmarpc_pb_submit(ProtobufCService *client, unsigned int index,
				const ProtobufCMessage *input,
				ProtobufCClosure closure, void *closure_data)
{
	struct pb_client *c = to_client(client);
	struct rdmarpc_call rc;
	struct pb_call *call;
	size_t req_len;
	int err, n;

	if (!c)
		return -EINVAL;
	call = calloc(1, sizeof(*call));
	if (!call)
		return -ENOMEM;
	err = pack_request(c, index, input, &call->req, &req_len);
	if (err) {
		call_free(call);
		return err;
	}
	call->cap = resp_cap(c);
	call->resp = malloc(call->cap);
	if (!call->resp) {
		call_free(call);
		return -ENOMEM;
	}
	call->magic = CALL_MAGIC;
	call->c = c;
	call->index = index;
	call->closure = closure;
	call->data = closure_data;

	/* Linked first: another thread may reap it as soon as it is in. */
	pthread_mutex_lock(&c->lock);
	call->next = c->calls;
	if (c->calls)
		c->calls->prev = call;
	c->calls = call;
	c->inflight++;
	pthread_mutex_unlock(&c->lock);

	rdmarpc_call_prep(&rc, c->handle, c->ids[index],
			  (uint64_t)(uintptr_t)call | RDMARPC_PB_COOKIE_BIT,
			  call->req, req_len, call->resp, call->cap,
			  c->timeout_ms);
	n = c->ops->submit(c->t, &rc, 1);
	if (n == 1)
		return 0;
	unlink_call(c, call);
	call_free(call);
	return n < 0 ? n : -EAGAIN;
}

PB_EXPORT int rdmarpc_pb_complete(const struct rdmarpc_completion *comp)
{
	struct rdmarpc_pb_result *res = rl_pb_tls_result();
	ProtobufCMessage *out;
	struct pb_client *c;
	struct pb_call *call;

	if (!comp || !(comp->cookie & RDMARPC_PB_COOKIE_BIT))
		return 0;
	call = (struct pb_call *)(uintptr_t)(comp->cookie &
					     ~RDMARPC_PB_COOKIE_BIT);
	if (!call || call->magic != CALL_MAGIC)
		return 0;
	c = call->c;
	rl_pb_outcome(c->base.descriptor, call->index, comp->error,
		      comp->status, call->resp, call->cap,
		      (size_t)comp->resp_len, res, &out);
	if (call->closure)
		call->closure(out, call->data);
	if (out)
		protobuf_c_message_free_unpacked(out, NULL);
	/* The last touch of the client: it may be freed right after. */
	unlink_call(c, call);
	call_free(call);
	return 1;
}

int rl_pb_poll(const struct rl_pb_ops *ops, void *t, int timeout_ms)
{
	struct rdmarpc_completion comps[REAP_BATCH];
	int n, i, ran = 0;

	n = ops->reap(t, comps, REAP_BATCH, 1, timeout_ms);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		ran += rdmarpc_pb_complete(&comps[i]);
	return ran;
}

PB_EXPORT int rdmarpc_pb_poll(struct rdmarpc *ep, int timeout_ms)
{
	if (!ep)
		return -EINVAL;
	return rl_pb_poll(&rl_pb_ep_ops, ep, timeout_ms);
}

PB_EXPORT unsigned int rdmarpc_pb_client_inflight(ProtobufCService *client)
{
	struct pb_client *c = to_client(client);
	unsigned int n;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->lock);
	n = c->inflight;
	pthread_mutex_unlock(&c->lock);
	return n;
}

/* ---- the ProtobufCService ---- */

static void client_invoke(ProtobufCService *service, unsigned int index,
			  const ProtobufCMessage *input,
			  ProtobufCClosure closure, void *closure_data)
{
	struct pb_client *c = to_client(service);
	ProtobufCMessage *out = NULL;
	int err;

	if (c && (c->flags & RDMARPC_PB_CLIENT_ASYNC)) {
		err = rdmarpc_pb_submit(service, index, input, closure,
					closure_data);
		if (!err)
			return;
		local_error(err);
	} else {
		rdmarpc_pb_call(service, index, input, &out);
	}
	if (closure)
		closure(out, closure_data);
	if (out)
		protobuf_c_message_free_unpacked(out, NULL);
}

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Cancel every call in flight and reap until none is: 0, or -ETIMEDOUT. */
static int client_drain(struct pb_client *c)
{
	unsigned long long deadline = now_ms() + rl_pb_free_wait_ms;
	uint64_t *cookies = NULL;
	unsigned int n = 0, i;
	struct pb_call *call;
	int err;

	pthread_mutex_lock(&c->lock);
	if (c->inflight) {
		cookies = calloc(c->inflight, sizeof(*cookies));
		for (call = c->calls; cookies && call; call = call->next)
			cookies[n++] = (uint64_t)(uintptr_t)call |
				       RDMARPC_PB_COOKIE_BIT;
	}
	pthread_mutex_unlock(&c->lock);
	/* Without memory for the list the calls still end at their timeout. */
	for (i = 0; i < n; i++)
		c->ops->cancel(c->t, cookies[i]);
	free(cookies);

	while (rdmarpc_pb_client_inflight(&c->base)) {
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		/* Short waits: another thread may be reaping ours. */
		err = rl_pb_poll(c->ops, c->t, 50);
		if (err < 0 && err != -EINTR)
			return err;
	}
	return 0;
}

static void client_destroy(ProtobufCService *service)
{
	struct pb_client *c = to_client(service);

	if (!c)
		return;
	if (client_drain(c))
		return;		/* calls still in flight: leave it allocated */
	c->magic = 0;
	pthread_mutex_destroy(&c->lock);
	free(c->ids);
	free(c);
}

ProtobufCService *rl_pb_client_new(const ProtobufCServiceDescriptor *desc,
				   const struct rl_pb_ops *ops, void *t,
				   int handle,
				   const struct rdmarpc_pb_client_opts *opts)
{
	struct rdmarpc_pb_client_opts o = { 0 };
	struct pb_client *c;
	unsigned int i;

	if (opts)
		o = *opts;
	if (!o.max_resp)
		o.max_resp = RDMARPC_PB_DEFAULT_MAX_RESP;
	if (!desc || !ops || !t || handle < 0 || !max_resp_ok(o.max_resp) ||
	    (o.flags & ~RDMARPC_PB_CLIENT_ASYNC)) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		goto out_nomem;
	c->ids = calloc(desc->n_methods ? desc->n_methods : 1,
			sizeof(*c->ids));
	if (!c->ids)
		goto out_free;
	if (pthread_mutex_init(&c->lock, NULL))
		goto out_free_ids;
	for (i = 0; i < desc->n_methods; i++)
		c->ids[i] = rdmarpc_pb_method_id(desc, i);
	c->base.descriptor = desc;
	c->base.invoke = client_invoke;
	c->base.destroy = client_destroy;
	c->magic = CLIENT_MAGIC;
	c->ops = ops;
	c->t = t;
	c->handle = handle;
	c->timeout_ms = o.timeout_ms;
	c->flags = o.flags;
	c->max_resp = o.max_resp;
	return &c->base;

out_free_ids:
	free(c->ids);
out_free:
	free(c);
out_nomem:
	errno = ENOMEM;
	return NULL;
}

PB_EXPORT ProtobufCService *
rdmarpc_pb_client_new(const ProtobufCServiceDescriptor *desc,
		      struct rdmarpc *ep, int handle,
		      const struct rdmarpc_pb_client_opts *opts)
{
	return rl_pb_client_new(desc, &rl_pb_ep_ops, ep, handle, opts);
}

PB_EXPORT void rdmarpc_pb_client_free(ProtobufCService *client)
{
	if (client)
		protobuf_c_service_destroy(client);
}

PB_EXPORT int rdmarpc_pb_client_set_max_resp(ProtobufCService *client,
					     size_t max_resp)
{
	struct pb_client *c = to_client(client);

	if (!c || !max_resp_ok(max_resp))
		return -EINVAL;
	__atomic_store_n(&c->max_resp, max_resp, __ATOMIC_RELAXED);
	return 0;
}
