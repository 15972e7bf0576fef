/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librdmarpc-protobuf internals, for the host unit tests of the glue.
 */
#ifndef RDMARPC_PROTOBUF_INTERNAL_H
#define RDMARPC_PROTOBUF_INTERNAL_H

#include "rdmarpc-protobuf.h"

/* How the client sends a request: rdmarpc_call() in the library. */
struct rl_pb_transport {
	int (*call)(void *ctx, uint32_t method, const void *req,
		    size_t req_len, void *resp, size_t cap, size_t *resp_len,
		    int32_t *status);
};

/* A client over any transport; @ctx NULL passes the client itself. */
ProtobufCService *rl_pb_client_new(const ProtobufCServiceDescriptor *desc,
				   const struct rl_pb_transport *t, void *ctx,
				   size_t max_resp);

/*
 * Unpack request @req for @method, run @impl, pack its answer into *resp
 * (malloc'ed, may be NULL) and set *status.  Returns 0.
 */
int rl_pb_dispatch(ProtobufCService *impl, uint32_t method, const void *req,
		   size_t len, int32_t *status, uint8_t **resp,
		   size_t *resp_len);

#endif /* RDMARPC_PROTOBUF_INTERNAL_H */
