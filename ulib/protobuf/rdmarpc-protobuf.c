// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * protobuf-c services over rdmarpc (see rdmarpc-protobuf.h).
 *
 * The glue is written against two small transport hooks (struct
 * rl_pb_transport) so that its packing, unpacking and dispatch can be unit
 * tested on the host; the library's transport is librdmarpc itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdmarpc-protobuf-internal.h"

#define PB_EXPORT __attribute__((visibility("default")))
#define DEFAULT_MAX_RESP (1u << 20)

static __thread int last_error;

PB_EXPORT uint32_t rdmarpc_pb_method_id(const ProtobufCServiceDescriptor *desc,
					unsigned int index)
{
	char name[512];

	if (!desc || index >= desc->n_methods)
		return 0;
	snprintf(name, sizeof(name), "%s/%s", desc->name,
		 desc->methods[index].name);
	return rdmarpc_method_id(name);
}

/* ---- client ---- */

struct pb_client {
	ProtobufCService base;		/* first: the service is the client */
	const struct rl_pb_transport *t;
	void *ctx;
	struct rdmarpc *ep;
	int handle;
	size_t max_resp;
	unsigned int timeout_ms;
};

static void rl_pb_client_invoke(ProtobufCService *service, unsigned int index,
				const ProtobufCMessage *input,
				ProtobufCClosure closure, void *closure_data)
{
	struct pb_client *c = (struct pb_client *)service;
	const ProtobufCMethodDescriptor *m;
	ProtobufCMessage *out = NULL;
	uint8_t *req = NULL, *resp = NULL;
	size_t req_len, resp_len = 0;
	int32_t status = 0;
	int err;

	if (index >= service->descriptor->n_methods) {
		err = -EINVAL;
		goto out;
	}
	m = &service->descriptor->methods[index];
	req_len = protobuf_c_message_get_packed_size(input);
	req = malloc(req_len ? req_len : 1);
	resp = malloc(c->max_resp);
	if (!req || !resp) {
		err = -ENOMEM;
		goto out;
	}
	protobuf_c_message_pack(input, req);
	err = c->t->call(c->ctx, rdmarpc_pb_method_id(service->descriptor,
						       index),
			 req, req_len, resp, c->max_resp, &resp_len, &status);
	if (!err && status)
		err = status;
	if (!err) {
		out = protobuf_c_message_unpack(m->output, NULL, resp_len,
						resp);
		if (!out)
			err = -EBADMSG;
	}
out:
	last_error = err;
	closure(out, closure_data);
	if (out)
		protobuf_c_message_free_unpacked(out, NULL);
	free(req);
	free(resp);
}

static void client_destroy(ProtobufCService *service)
{
	free(service);
}

ProtobufCService *rl_pb_client_new(const ProtobufCServiceDescriptor *desc,
				   const struct rl_pb_transport *t, void *ctx,
				   size_t max_resp)
{
	struct pb_client *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->base.descriptor = desc;
	c->base.invoke = rl_pb_client_invoke;
	c->base.destroy = client_destroy;
	c->t = t;
	c->ctx = ctx ? ctx : c;
	c->max_resp = max_resp ? max_resp : DEFAULT_MAX_RESP;
	return &c->base;
}

/* The real transport: one synchronous rdmarpc call. */
static int ep_call(void *ctx, uint32_t method, const void *req,
		   size_t req_len, void *resp, size_t cap, size_t *resp_len,
		   int32_t *status)
{
	struct pb_client *c = ctx;

	return rdmarpc_call(c->ep, c->handle, method, req, req_len, resp, cap,
			    resp_len, status, c->timeout_ms);
}

static const struct rl_pb_transport ep_transport = { .call = ep_call };

PB_EXPORT ProtobufCService *
rdmarpc_pb_client_new(const ProtobufCServiceDescriptor *desc,
		      struct rdmarpc *ep, int handle, size_t max_resp,
		      unsigned int timeout_ms)
{
	ProtobufCService *s;
	struct pb_client *c;

	if (!desc || !ep)
		return NULL;
	s = rl_pb_client_new(desc, &ep_transport, NULL, max_resp);
	if (!s)
		return NULL;
	c = (struct pb_client *)s;
	c->ep = ep;
	c->handle = handle;
	c->timeout_ms = timeout_ms;
	return s;
}

PB_EXPORT void rdmarpc_pb_client_free(ProtobufCService *client)
{
	if (client)
		protobuf_c_service_destroy(client);
}

PB_EXPORT int rdmarpc_pb_client_error(void)
{
	return last_error;
}

/* ---- server ---- */

PB_EXPORT int rdmarpc_pb_bind(struct rdmarpc *ep,
			      const ProtobufCServiceDescriptor *desc)
{
	uint32_t *ids;
	unsigned int i;
	int err;

	if (!ep || !desc || !desc->n_methods)
		return -EINVAL;
	ids = calloc(desc->n_methods, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	for (i = 0; i < desc->n_methods; i++)
		ids[i] = rdmarpc_pb_method_id(desc, i);
	err = rdmarpc_bind(ep, desc->name, ids, desc->n_methods);
	free(ids);
	return err;
}

struct reply_ctx {
	int called;
	int32_t status;
	uint8_t *buf;
	size_t len;
};

static void reply_closure(const ProtobufCMessage *msg, void *data)
{
	struct reply_ctx *r = data;

	if (r->called++)
		return;		/* a second answer is ignored */
	if (!msg) {
		r->status = -EIO;
		return;
	}
	r->len = protobuf_c_message_get_packed_size(msg);
	r->buf = malloc(r->len ? r->len : 1);
	if (!r->buf) {
		r->status = -ENOMEM;
		r->len = 0;
		return;
	}
	protobuf_c_message_pack(msg, r->buf);
}

int rl_pb_dispatch(ProtobufCService *impl, uint32_t method, const void *req,
		   size_t len, int32_t *status, uint8_t **resp,
		   size_t *resp_len)
{
	const ProtobufCServiceDescriptor *d = impl->descriptor;
	struct reply_ctx r = { 0 };
	ProtobufCMessage *in;
	unsigned int i;

	*resp = NULL;
	*resp_len = 0;
	for (i = 0; i < d->n_methods; i++)
		if (rdmarpc_pb_method_id(d, i) == method)
			break;
	if (i == d->n_methods) {
		*status = -ENOENT;
		return 0;
	}
	in = protobuf_c_message_unpack(d->methods[i].input, NULL, len, req);
	if (!in) {
		*status = -EBADMSG;
		return 0;
	}
	impl->invoke(impl, i, in, reply_closure, &r);
	protobuf_c_message_free_unpacked(in, NULL);
	if (!r.called)
		r.status = -EIO;	/* asynchronous handlers: not supported */
	*status = r.status;
	*resp = r.buf;
	*resp_len = r.status ? 0 : r.len;
	if (r.status) {
		free(r.buf);
		*resp = NULL;
	}
	return 0;
}

PB_EXPORT int rdmarpc_pb_serve_one(struct rdmarpc *ep, ProtobufCService *impl,
				   void *buf, size_t cap, int timeout_ms)
{
	struct rdmarpc_req_info ri;
	uint8_t *resp = NULL;
	size_t resp_len = 0;
	int32_t status;
	int err;

	if (!ep || !impl)
		return -EINVAL;
	err = rdmarpc_recv(ep, &ri, buf, cap, timeout_ms);
	if (err)
		return err;
	if (ri.len > cap)
		status = -EMSGSIZE;
	else
		rl_pb_dispatch(impl, ri.method, buf, ri.len, &status, &resp,
			       &resp_len);
	err = rdmarpc_reply(ep, ri.id, status, resp, resp_len);
	free(resp);
	return err;
}
