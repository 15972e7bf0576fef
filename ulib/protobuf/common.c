// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the client and the server share: method ids, the outcome of a call
 * (status and message mapped from what the endpoint reported), and the
 * endpoint operations over librdmarpc.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rdmarpc-protobuf-internal.h"

PB_EXPORT uint32_t rdmarpc_pb_method_id(const ProtobufCServiceDescriptor *desc,
					unsigned int index)
{
	uint32_t h = 2166136261u;
	const char *parts[3];
	unsigned int i;

	if (!desc || index >= desc->n_methods)
		return 0;
	/* rdmarpc_method_id() of "name/method", without a bounded copy. */
	parts[0] = desc->name;
	parts[1] = "/";
	parts[2] = desc->methods[index].name;
	for (i = 0; i < 3; i++) {
		const unsigned char *p = (const unsigned char *)parts[i];

		while (p && *p) {
			h ^= *p++;
			h *= 16777619u;
		}
	}
	return h;
}

PB_EXPORT int rdmarpc_pb_method_index(const ProtobufCServiceDescriptor *desc,
				      uint32_t id)
{
	unsigned int i;

	if (!desc)
		return -ENOENT;
	for (i = 0; i < desc->n_methods; i++)
		if (rdmarpc_pb_method_id(desc, i) == id)
			return (int)i;
	return -ENOENT;
}

/* ---- outcomes ---- */

static __thread struct rdmarpc_pb_result tls_result;

struct rdmarpc_pb_result *rl_pb_tls_result(void)
{
	return &tls_result;
}

PB_EXPORT const struct rdmarpc_pb_result *rdmarpc_pb_last_result(void)
{
	return &tls_result;
}

size_t rl_pb_vmsg(char *buf, const char *fmt, va_list ap)
{
	int n;

	buf[0] = 0;
	if (!fmt)
		return 0;
	n = vsnprintf(buf, RDMARPC_STATUS_MSG_MAX + 1, fmt, ap);
	if (n < 0) {
		buf[0] = 0;
		return 0;
	}
	return n > RDMARPC_STATUS_MSG_MAX ? RDMARPC_STATUS_MSG_MAX : (size_t)n;
}

size_t rl_pb_msg(char *buf, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = rl_pb_vmsg(buf, fmt, ap);
	va_end(ap);
	return n;
}

/* A message from the wire: at most RDMARPC_STATUS_MSG_MAX bytes, no NUL. */
static void copy_wire_msg(char *dst, const uint8_t *src, size_t len)
{
	size_t i;

	if (len > RDMARPC_STATUS_MSG_MAX)
		len = RDMARPC_STATUS_MSG_MAX;
	for (i = 0; i < len; i++)
		dst[i] = src[i] ? (char)src[i] : '?';
	dst[len] = 0;
}

void rl_pb_outcome(const ProtobufCServiceDescriptor *desc, unsigned int index,
		   int error, int32_t status, const uint8_t *resp, size_t cap,
		   size_t resp_len, struct rdmarpc_pb_result *res,
		   ProtobufCMessage **out)
{
	const ProtobufCMethodDescriptor *m = &desc->methods[index];

	*out = NULL;
	memset(res, 0, sizeof(*res));
	res->resp_len = resp_len;

	if (error == -ENOBUFS) {
		res->error = error;
		if (resp_len > cap)
			rl_pb_msg(res->message,
				  "the response of %zu bytes exceeds this client's max_resp of %zu: raise it and call again if %s may run twice",
				  resp_len, cap, m->name);
		else
			rl_pb_msg(res->message, "%s",
				  rdmarpc_strerror(error));
		return;
	}
	if (error) {
		res->error = error < 0 ? error : -EPROTO;
		rl_pb_msg(res->message, "%s", rdmarpc_strerror(res->error));
		return;
	}
	res->wire_status = status;
	if (status != RDMARPC_STATUS_OK) {
		res->status = rdmarpc_status_name(status) ?
			status : RDMARPC_STATUS_UNKNOWN;
		copy_wire_msg(res->message, resp,
			      resp_len < cap ? resp_len : cap);
		if (!res->message[0] && res->status != status)
			rl_pb_msg(res->message,
				  "the server answered status %d", status);
		return;
	}
	res->status = RDMARPC_STATUS_OK;
	*out = protobuf_c_message_unpack(m->output, NULL, resp_len, resp);
	if (!*out) {
		res->error = -EBADMSG;
		rl_pb_msg(res->message,
			  "the response to %s/%s (%zu bytes) does not unpack as %s",
			  desc->name, m->name, resp_len, m->output->name);
	}
}

/* ---- librdmarpc underneath ---- */

static int ep_call(void *t, int handle, uint32_t method, const void *req,
		   size_t req_len, void *resp, size_t cap, size_t *resp_len,
		   int32_t *status, unsigned int timeout_ms)
{
	return rdmarpc_call(t, handle, method, req, req_len, resp, cap,
			    resp_len, status, timeout_ms);
}

static int ep_submit(void *t, const struct rdmarpc_call *calls,
		     unsigned int n)
{
	return rdmarpc_submit(t, calls, n);
}

static int ep_reap(void *t, struct rdmarpc_completion *c, unsigned int n,
		   unsigned int min, int timeout_ms)
{
	return rdmarpc_reap(t, c, n, min, timeout_ms);
}

static int ep_cancel(void *t, uint64_t cookie)
{
	return rdmarpc_cancel(t, cookie);
}

static int ep_bind(void *t, const char *service, const uint32_t *methods,
		   unsigned int n)
{
	return rdmarpc_bind(t, service, methods, n);
}

static int ep_recv(void *t, struct rdmarpc_req_info *r, void *buf, size_t cap,
		   int timeout_ms)
{
	return rdmarpc_recv(t, r, buf, cap, timeout_ms);
}

static int ep_reply(void *t, uint64_t id, int32_t status, const void *buf,
		    size_t len)
{
	return rdmarpc_reply(t, id, status, buf, len);
}

static int ep_state(void *t, uint64_t id, int *cancelled,
		    int64_t *time_left_ms)
{
	return rdmarpc_request_state(t, id, cancelled, time_left_ms);
}

const struct rl_pb_ops rl_pb_ep_ops = {
	.call = ep_call,
	.submit = ep_submit,
	.reap = ep_reap,
	.cancel = ep_cancel,
	.bind = ep_bind,
	.recv = ep_recv,
	.reply = ep_reply,
	.state = ep_state,
};
