/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librdmarpc-protobuf: protobuf-c services over rdmarpc.
 *
 * Method ids are rdmarpc_method_id("package.Service/Method"), from the
 * service descriptor protoc-c generates, so a client and a server built
 * from the same .proto agree without configuration.
 *
 * Client: rdmarpc_pb_client_new() returns a ProtobufCService whose methods
 * (the generated foo__bar__method() stubs) perform a synchronous call; the
 * closure gets the unpacked response, or NULL if the call failed
 * (rdmarpc_pb_client_error() then says why).
 *
 * Server: rdmarpc_pb_bind() binds the service's name and method ids on an
 * endpoint; rdmarpc_pb_serve_one() takes one request, unpacks it, invokes
 * the implementation (a ProtobufCService initialised with the generated
 * FOO__INIT(prefix_)) and replies with the packed message the closure
 * receives.  Statuses seen by the caller: 0, -ENOENT (method not in this
 * service), -EBADMSG (request does not unpack), -EIO (the handler passed
 * NULL to its closure or never called it).
 */
#ifndef RDMARPC_PROTOBUF_H
#define RDMARPC_PROTOBUF_H

#include <protobuf-c/protobuf-c.h>
#include <librdmarpc.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The id of method @index of @desc: "package.Service/Method" hashed. */
uint32_t rdmarpc_pb_method_id(const ProtobufCServiceDescriptor *desc,
			      unsigned int index);

/*
 * A client for @desc on connection @handle of @ep (which must outlive it).
 * Responses up to @max_resp bytes (0: 1 MiB); calls wait @timeout_ms
 * (0: the module's default).  NULL if out of memory.  Free it with
 * protobuf_c_service_destroy() or rdmarpc_pb_client_free().
 */
ProtobufCService *rdmarpc_pb_client_new(const ProtobufCServiceDescriptor *desc,
					struct rdmarpc *ep, int handle,
					size_t max_resp,
					unsigned int timeout_ms);
void rdmarpc_pb_client_free(ProtobufCService *client);
/*
 * The outcome of the client's last call on this thread: 0, a call error
 * (negative errno), -EBADMSG if the response did not unpack, or the
 * server's nonzero status.
 */
int rdmarpc_pb_client_error(void);

/* Bind @desc's name and all its method ids on @ep. */
int rdmarpc_pb_bind(struct rdmarpc *ep, const ProtobufCServiceDescriptor *desc);

/*
 * Take one request (waiting @timeout_ms: -1 forever, 0 not at all) into
 * @buf (room for @cap bytes), dispatch it to @impl and reply.  Returns 0,
 * or a negative errno from receiving or replying.
 */
int rdmarpc_pb_serve_one(struct rdmarpc *ep, ProtobufCService *impl,
			 void *buf, size_t cap, int timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* RDMARPC_PROTOBUF_H */
