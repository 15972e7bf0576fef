// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The server: requests an endpoint receives, dispatched to protobuf-c
 * service implementations whose handlers answer now or later.
 *
 * Lifetimes: the server holds one reference for its creator and one per
 * request handed to a handler and not answered yet; the last one frees it,
 * so a handler may answer after rdmarpc_pb_server_free().  The services
 * form a list that only grows (published with a release store), so
 * dispatch reads it without a lock.  Receive buffers are cached under the
 * lock for the next serve().
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rdmarpc-protobuf-internal.h"

#define DEFAULT_BATCH	64
#define CACHED_BUFS	4

struct pb_svc {
	ProtobufCService *impl;
	uint32_t *ids;
	struct pb_svc *next;
};

struct rdmarpc_pb_server {
	const struct rl_pb_ops *ops;
	void *t;
	size_t max_req;
	unsigned int batch;
	unsigned int refs;		/* atomic */
	struct pb_svc *svcs;		/* grows only; atomic head */
	pthread_mutex_t lock;		/* add() and the buffer cache */
	void *bufs[CACHED_BUFS];
	unsigned int n_bufs;
	struct rdmarpc_pb_server_stats st;	/* atomic counters */
};

struct rdmarpc_pb_req {
	struct rdmarpc_pb_server *srv;
	uint64_t id;
	ProtobufCService *impl;
	unsigned int index;
	ProtobufCMessage *input;
};

#define STAT_ADD(srv, f, n) __atomic_add_fetch(&(srv)->st.f, (n), __ATOMIC_RELAXED)
#define STAT_INC(srv, f) STAT_ADD(srv, f, 1)

static void server_put(struct rdmarpc_pb_server *srv)
{
	struct pb_svc *s, *next;
	unsigned int i;

	if (__atomic_sub_fetch(&srv->refs, 1, __ATOMIC_ACQ_REL))
		return;
	for (s = srv->svcs; s; s = next) {
		next = s->next;
		free(s->ids);
		free(s);
	}
	for (i = 0; i < srv->n_bufs; i++)
		free(srv->bufs[i]);
	pthread_mutex_destroy(&srv->lock);
	free(srv);
}

int rl_pb_server_new(const struct rl_pb_ops *ops, void *t,
		     const struct rdmarpc_pb_server_opts *opts,
		     struct rdmarpc_pb_server **out)
{
	struct rdmarpc_pb_server_opts o = { 0 };
	struct rdmarpc_pb_server *srv;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (opts)
		o = *opts;
	if (!o.max_req)
		o.max_req = RDMARPC_PB_DEFAULT_MAX_REQ;
	if (!o.batch)
		o.batch = DEFAULT_BATCH;
	if (!ops || !t || o.max_req > RDMARPC_PB_MSG_LIMIT)
		return -EINVAL;
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	if (pthread_mutex_init(&srv->lock, NULL)) {
		free(srv);
		return -ENOMEM;
	}
	srv->ops = ops;
	srv->t = t;
	srv->max_req = o.max_req;
	srv->batch = o.batch;
	srv->refs = 1;
	*out = srv;
	return 0;
}

PB_EXPORT int rdmarpc_pb_server_new(struct rdmarpc *ep,
				    const struct rdmarpc_pb_server_opts *opts,
				    struct rdmarpc_pb_server **out)
{
	return rl_pb_server_new(&rl_pb_ep_ops, ep, opts, out);
}

PB_EXPORT void rdmarpc_pb_server_free(struct rdmarpc_pb_server *srv)
{
	if (srv)
		server_put(srv);
}

static struct pb_svc *svcs_head(struct rdmarpc_pb_server *srv)
{
	return __atomic_load_n(&srv->svcs, __ATOMIC_ACQUIRE);
}

/* The service and method of @id; NULL if none. */
static struct pb_svc *find_method(struct rdmarpc_pb_server *srv, uint32_t id,
				  unsigned int *index)
{
	struct pb_svc *s;
	unsigned int i;

	for (s = svcs_head(srv); s; s = s->next)
		for (i = 0; i < s->impl->descriptor->n_methods; i++)
			if (s->ids[i] == id) {
				*index = i;
				return s;
			}
	return NULL;
}

PB_EXPORT int rdmarpc_pb_server_add(struct rdmarpc_pb_server *srv,
				    ProtobufCService *impl)
{
	const ProtobufCServiceDescriptor *d;
	unsigned int i, j, dummy;
	struct pb_svc *s;
	int err;

	if (!srv || !impl || !impl->descriptor || !impl->invoke ||
	    !impl->descriptor->n_methods)
		return -EINVAL;
	d = impl->descriptor;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->impl = impl;
	s->ids = calloc(d->n_methods, sizeof(*s->ids));
	if (!s->ids) {
		free(s);
		return -ENOMEM;
	}
	for (i = 0; i < d->n_methods; i++)
		s->ids[i] = rdmarpc_pb_method_id(d, i);

	pthread_mutex_lock(&srv->lock);
	err = 0;
	for (i = 0; i < d->n_methods && !err; i++) {
		if (find_method(srv, s->ids[i], &dummy))
			err = -EEXIST;
		for (j = 0; j < i; j++)
			if (s->ids[j] == s->ids[i])
				err = -EEXIST;
	}
	if (!err)
		err = srv->ops->bind(srv->t, d->name, s->ids, d->n_methods);
	if (!err) {
		s->next = srv->svcs;
		__atomic_store_n(&srv->svcs, s, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&srv->lock);
	if (err) {
		free(s->ids);
		free(s);
	}
	return err;
}

PB_EXPORT void rdmarpc_pb_server_stats(struct rdmarpc_pb_server *srv,
				       struct rdmarpc_pb_server_stats *st)
{
	if (!st)
		return;
	memset(st, 0, sizeof(*st));
	if (!srv)
		return;
#define STAT_GET(f) st->f = __atomic_load_n(&srv->st.f, __ATOMIC_RELAXED)
	STAT_GET(requests);
	STAT_GET(replied_ok);
	STAT_GET(replied_error);
	STAT_GET(unimplemented);
	STAT_GET(bad_requests);
	STAT_GET(reply_failed);
	STAT_GET(pending);
#undef STAT_GET
}

/* ---- answers ---- */

static int send_reply(struct rdmarpc_pb_server *srv, uint64_t id,
		      int32_t status, const void *buf, size_t len)
{
	int err = srv->ops->reply(srv->t, id, status, buf, len);

	if (err)
		STAT_INC(srv, reply_failed);
	else if (status == RDMARPC_STATUS_OK)
		STAT_INC(srv, replied_ok);
	else
		STAT_INC(srv, replied_error);
	return err;
}

static int send_vstatus(struct rdmarpc_pb_server *srv, uint64_t id,
			int32_t status, const char *fmt, va_list ap)
{
	char msg[RDMARPC_STATUS_MSG_MAX + 1];
	size_t n = rl_pb_vmsg(msg, fmt, ap);

	return send_reply(srv, id, status, msg, n);
}

static int send_status(struct rdmarpc_pb_server *srv, uint64_t id,
		       int32_t status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int send_status(struct rdmarpc_pb_server *srv, uint64_t id,
		       int32_t status, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = send_vstatus(srv, id, status, fmt, ap);
	va_end(ap);
	return err;
}

/* The request is answered: free it and what it holds of the server. */
static void req_finish(struct rdmarpc_pb_req *req)
{
	struct rdmarpc_pb_server *srv = req->srv;

	if (req->input)
		protobuf_c_message_free_unpacked(req->input, NULL);
	free(req);
	STAT_ADD(srv, pending, (uint64_t)-1);
	server_put(srv);
}

static const ProtobufCMethodDescriptor *req_md(const struct rdmarpc_pb_req *r)
{
	return &r->impl->descriptor->methods[r->index];
}

PB_EXPORT int rdmarpc_pb_reply(struct rdmarpc_pb_req *req,
			       const ProtobufCMessage *msg)
{
	const ProtobufCMethodDescriptor *m;
	struct rdmarpc_pb_server *srv;
	const char *svc;
	uint8_t *buf;
	size_t len;
	int err;

	if (!req)
		return -EINVAL;
	srv = req->srv;
	m = req_md(req);
	svc = req->impl->descriptor->name;
	if (!msg) {
		send_status(srv, req->id, RDMARPC_STATUS_INTERNAL,
			    "%s/%s: the handler answered no message", svc,
			    m->name);
		err = -EINVAL;
	} else if (msg->descriptor != m->output) {
		send_status(srv, req->id, RDMARPC_STATUS_INTERNAL,
			    "%s/%s: the handler answered a %s, not a %s", svc,
			    m->name, msg->descriptor ? msg->descriptor->name :
			    "message of no type", m->output->name);
		err = -EINVAL;
	} else if ((len = protobuf_c_message_get_packed_size(msg)) >
		   RDMARPC_PB_MSG_LIMIT) {
		send_status(srv, req->id, RDMARPC_STATUS_RESOURCE_EXHAUSTED,
			    "%s/%s: the response of %zu bytes exceeds the message limit of %u",
			    svc, m->name, len, RDMARPC_PB_MSG_LIMIT);
		err = -EMSGSIZE;
	} else if (!(buf = malloc(len ? len : 1))) {
		send_status(srv, req->id, RDMARPC_STATUS_RESOURCE_EXHAUSTED,
			    "%s/%s: no memory to pack the response of %zu bytes",
			    svc, m->name, len);
		err = -ENOMEM;
	} else {
		protobuf_c_message_pack(msg, buf);
		err = send_reply(srv, req->id, RDMARPC_STATUS_OK, buf, len);
		free(buf);
		/* Refused for its size or memory: the caller still hears. */
		if (err == -EMSGSIZE || err == -ENOMEM)
			send_status(srv, req->id,
				    RDMARPC_STATUS_RESOURCE_EXHAUSTED,
				    "%s/%s: the response of %zu bytes could not be sent: %s",
				    svc, m->name, len,
				    rdmarpc_strerror_of(rdmarpc_reply, err));
	}
	req_finish(req);
	return err;
}

PB_EXPORT int rdmarpc_pb_reply_error(struct rdmarpc_pb_req *req,
				     int32_t status, const char *fmt, ...)
{
	va_list ap;
	int err;

	if (!req || status == RDMARPC_STATUS_OK)
		return -EINVAL;
	va_start(ap, fmt);
	err = send_vstatus(req->srv, req->id, status, fmt, ap);
	va_end(ap);
	req_finish(req);
	return err;
}

PB_EXPORT const ProtobufCMethodDescriptor *
rdmarpc_pb_req_method(const struct rdmarpc_pb_req *req)
{
	return req ? req_md(req) : NULL;
}

PB_EXPORT unsigned int rdmarpc_pb_req_index(const struct rdmarpc_pb_req *req)
{
	return req ? req->index : 0;
}

PB_EXPORT int rdmarpc_pb_req_state(const struct rdmarpc_pb_req *req,
				   int *cancelled, int64_t *time_left_ms)
{
	if (!req)
		return -EINVAL;
	return req->srv->ops->state(req->srv->t, req->id, cancelled,
				    time_left_ms);
}

PB_EXPORT ProtobufCService *
rdmarpc_pb_req_service(const struct rdmarpc_pb_req *req)
{
	return req ? req->impl : NULL;
}

/* The closure handed to handlers. */
static void req_closure(const ProtobufCMessage *msg, void *closure_data)
{
	rdmarpc_pb_reply(closure_data, msg);
}

/* ---- dispatch ---- */

/*
 * A service initialised with the generated FOO__INIT(prefix_) has its
 * handlers right after its ProtobufCService, one per method, and
 * protobuf-c's invoke calls them without a check: a NULL one (a method
 * left out) is UNIMPLEMENTED here rather than a crash.  Another invoke is
 * the program's own and decides for itself.
 */
typedef void (*pb_handler)(void *service, const ProtobufCMessage *input,
			   ProtobufCClosure closure, void *closure_data);

static int has_handler(ProtobufCService *impl, unsigned int index)
{
	const pb_handler *handlers = (const pb_handler *)(impl + 1);

	return impl->invoke != protobuf_c_service_invoke_internal ||
	       handlers[index];
}

static void dispatch(struct rdmarpc_pb_server *srv,
		     const struct rdmarpc_req_info *ri, const uint8_t *buf)
{
	const ProtobufCMethodDescriptor *m;
	struct rdmarpc_pb_req *req;
	ProtobufCMessage *in;
	unsigned int index;
	struct pb_svc *s;

	STAT_INC(srv, requests);
	if (ri->len > srv->max_req) {
		STAT_INC(srv, bad_requests);
		send_status(srv, ri->id, RDMARPC_STATUS_RESOURCE_EXHAUSTED,
			    "the request of %zu bytes exceeds this server's max_req of %zu",
			    ri->len, srv->max_req);
		return;
	}
	s = find_method(srv, ri->method, &index);
	if (!s) {
		STAT_INC(srv, unimplemented);
		send_status(srv, ri->id, RDMARPC_STATUS_UNIMPLEMENTED,
			    "no service of this server has method id 0x%08x",
			    ri->method);
		return;
	}
	m = &s->impl->descriptor->methods[index];
	if (!has_handler(s->impl, index)) {
		STAT_INC(srv, unimplemented);
		send_status(srv, ri->id, RDMARPC_STATUS_UNIMPLEMENTED,
			    "%s/%s (method id 0x%08x) is not implemented by this server",
			    s->impl->descriptor->name, m->name, ri->method);
		return;
	}
	in = protobuf_c_message_unpack(m->input, NULL, ri->len, buf);
	if (!in) {
		STAT_INC(srv, bad_requests);
		send_status(srv, ri->id, RDMARPC_STATUS_INVALID_ARGUMENT,
			    "the request to %s/%s (%zu bytes) does not unpack as %s",
			    s->impl->descriptor->name, m->name, ri->len,
			    m->input->name);
		return;
	}
	req = calloc(1, sizeof(*req));
	if (!req) {
		protobuf_c_message_free_unpacked(in, NULL);
		send_status(srv, ri->id, RDMARPC_STATUS_RESOURCE_EXHAUSTED,
			    "no memory for the request");
		return;
	}
	req->srv = srv;
	req->id = ri->id;
	req->impl = s->impl;
	req->index = index;
	req->input = in;
	__atomic_add_fetch(&srv->refs, 1, __ATOMIC_RELAXED);
	STAT_INC(srv, pending);
	s->impl->invoke(s->impl, index, in, req_closure, req);
}

static void *buf_get(struct rdmarpc_pb_server *srv)
{
	void *buf = NULL;

	pthread_mutex_lock(&srv->lock);
	if (srv->n_bufs)
		buf = srv->bufs[--srv->n_bufs];
	pthread_mutex_unlock(&srv->lock);
	return buf ? buf : malloc(srv->max_req);
}

static void buf_put(struct rdmarpc_pb_server *srv, void *buf)
{
	pthread_mutex_lock(&srv->lock);
	if (srv->n_bufs < CACHED_BUFS) {
		srv->bufs[srv->n_bufs++] = buf;
		buf = NULL;
	}
	pthread_mutex_unlock(&srv->lock);
	free(buf);
}

PB_EXPORT int rdmarpc_pb_server_serve(struct rdmarpc_pb_server *srv,
				      int timeout_ms)
{
	struct rdmarpc_req_info ri;
	unsigned int n;
	int err = 0;
	void *buf;

	if (!srv)
		return -EINVAL;
	buf = buf_get(srv);
	if (!buf)
		return -ENOMEM;
	/* A handler may free the server: it lives until we are done. */
	__atomic_add_fetch(&srv->refs, 1, __ATOMIC_RELAXED);
	for (n = 0; n < srv->batch; n++) {
		err = srv->ops->recv(srv->t, &ri, buf, srv->max_req,
				     n ? 0 : timeout_ms);
		if (err)
			break;
		dispatch(srv, &ri, buf);
	}
	buf_put(srv, buf);
	server_put(srv);
	if (n || err == -EAGAIN || err == -ETIMEDOUT)
		return (int)n;
	return err;
}
