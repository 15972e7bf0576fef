/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librdmarpc-protobuf internals.  The binding reaches the endpoint only
 * through struct rl_pb_ops, so the host unit tests can put a model of the
 * module's call and request queues underneath (tests/mock.c); the
 * library's own ops are librdmarpc's functions (rl_pb_ep_ops).
 */
#ifndef RDMARPC_PROTOBUF_INTERNAL_H
#define RDMARPC_PROTOBUF_INTERNAL_H

#include <stdarg.h>

#include "rdmarpc-protobuf.h"

#define PB_EXPORT __attribute__((visibility("default")))

/* The endpoint operations the binding uses; @t is the endpoint. */
struct rl_pb_ops {
	int (*call)(void *t, int handle, uint32_t method, const void *req,
		    size_t req_len, void *resp, size_t cap, size_t *resp_len,
		    int32_t *status, unsigned int timeout_ms);
	int (*submit)(void *t, const struct rdmarpc_call *calls,
		      unsigned int n);
	int (*reap)(void *t, struct rdmarpc_completion *c, unsigned int n,
		    unsigned int min, int timeout_ms);
	int (*cancel)(void *t, uint64_t cookie);
	int (*bind)(void *t, const char *service, const uint32_t *methods,
		    unsigned int n);
	int (*recv)(void *t, struct rdmarpc_req_info *r, void *buf,
		    size_t cap, int timeout_ms);
	int (*reply)(void *t, uint64_t id, int32_t status, const void *buf,
		     size_t len);
	int (*state)(void *t, uint64_t id, int *cancelled,
		     int64_t *time_left_ms);
};

extern const struct rl_pb_ops rl_pb_ep_ops;

/* The same as the public functions, over any ops. */
ProtobufCService *rl_pb_client_new(const ProtobufCServiceDescriptor *desc,
				   const struct rl_pb_ops *ops, void *t,
				   int handle,
				   const struct rdmarpc_pb_client_opts *opts);
int rl_pb_poll(const struct rl_pb_ops *ops, void *t, int timeout_ms);
int rl_pb_server_new(const struct rl_pb_ops *ops, void *t,
		     const struct rdmarpc_pb_server_opts *opts,
		     struct rdmarpc_pb_server **out);

/* How long rdmarpc_pb_client_free() waits for cancelled calls (ms). */
extern unsigned int rl_pb_free_wait_ms;

/*
 * The outcome of a call from what the endpoint reported: @error and
 * @status as in struct rdmarpc_completion, @resp the response buffer
 * (room for @cap bytes) holding the first of @resp_len bytes.  Fills *res
 * and, for OK, unpacks the response into *out (NULL otherwise).
 */
void rl_pb_outcome(const ProtobufCServiceDescriptor *desc, unsigned int index,
		   int error, int32_t status, const uint8_t *resp, size_t cap,
		   size_t resp_len, struct rdmarpc_pb_result *res,
		   ProtobufCMessage **out);

/* This thread's result (what rdmarpc_pb_last_result() returns). */
struct rdmarpc_pb_result *rl_pb_tls_result(void);

/* vsnprintf into a status message: truncated, returns its length. */
size_t rl_pb_vmsg(char *buf, const char *fmt, va_list ap);
size_t rl_pb_msg(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* RDMARPC_PROTOBUF_INTERNAL_H */
