/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librdmarpc-protobuf: protobuf-c services over rdmarpc.
 *
 *   #include <rdmarpc-protobuf.h>
 *   pkg-config --cflags --libs librdmarpc-protobuf
 *
 * protoc-c turns a .proto's service into a ProtobufCServiceDescriptor, a
 * stub per method (foo__bar__get(service, input, closure, data)) and an
 * initializer for an implementation (FOO__BAR__INIT(prefix_)).  This
 * library gives:
 *  - a client: a ProtobufCService whose methods call a server over rdmarpc,
 *    synchronously or asynchronously (submit, then the closure runs when
 *    the endpoint's completions are reaped);
 *  - a server: dispatches the requests an endpoint receives to service
 *    implementations, whose handlers may answer at once or later, from any
 *    thread, with a message or with a status and a message.
 *
 * Method ids: rdmarpc_method_id("package.Service/Method"), from the
 * descriptor, so a client and a server built from the same .proto agree
 * without configuration.
 *
 * Outcomes.  A call ends in one of three ways, which the program reads in
 * a struct rdmarpc_pb_result (see rdmarpc_pb_last_result()):
 *  - OK: the closure gets the unpacked response (status RDMARPC_STATUS_OK);
 *  - a status (enum rdmarpc_status in <rdmarpc.h>, gRPC's codes): the
 *    server answered an error, with a message of at most
 *    RDMARPC_STATUS_MSG_MAX bytes; the closure gets NULL;
 *  - an error (a negative errno): no status came back (the transport's
 *    -ETIMEDOUT, -ECONNRESET, ...; see <librdmarpc.h>), or the response
 *    could not be used (-ENOBUFS: larger than the client's max_resp;
 *    -EBADMSG: it does not unpack); the closure gets NULL.
 * Statuses this library produces itself:
 *  - RDMARPC_STATUS_UNIMPLEMENTED: the server's endpoint receives a method
 *    id none of its services has, or one whose handler is NULL in the
 *    generated service structure; the message names the method id
 *    ("method id 0x%08x").  (When no endpoint on the peer serves the
 *    method at all, the peer's module answers UNIMPLEMENTED itself, with
 *    "no service for method 0x%08x".)
 *  - RDMARPC_STATUS_INVALID_ARGUMENT: the request does not unpack as the
 *    method's input message;
 *  - RDMARPC_STATUS_INTERNAL: the handler answered NULL, or a message of
 *    another type than the method's output;
 *  - RDMARPC_STATUS_RESOURCE_EXHAUSTED: the request is larger than the
 *    server's max_req, or the response larger than a message may be
 *    (16 MiB) or could not be packed for lack of memory;
 *  - RDMARPC_STATUS_UNKNOWN: the server answered a status outside enum
 *    rdmarpc_status (e.g. a raw librdmarpc server's negative errno);
 *    wire_status keeps the value.
 *
 * Threads.  No global mutable state but the per-thread last result.  A
 * client may be used by any number of threads at once (sync calls and
 * submits); closures run on the thread that reaps their completion.  A
 * server may serve from several threads at once, and a request may be
 * answered from any thread.  Creating and freeing an object must not race
 * with its use (free a client only when no other thread calls through it).
 *
 * Every function that can fail returns 0 (or a count) or a negative errno;
 * rdmarpc_strerror() explains it.
 */
#ifndef RDMARPC_PROTOBUF_H
#define RDMARPC_PROTOBUF_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>
#include "librdmarpc.h"	/* installed beside this file */

#ifdef __cplusplus
extern "C" {
#endif

/* The largest message rdmarpc carries (the peer's limit may be lower). */
#define RDMARPC_PB_MSG_LIMIT		(16u << 20)
/* Default limits: responses a client takes, requests a server takes. */
#define RDMARPC_PB_DEFAULT_MAX_RESP	(1u << 20)
#define RDMARPC_PB_DEFAULT_MAX_REQ	(1u << 20)

/* ---- method ids ---- */

/*
 * The id of method @index of @desc: rdmarpc_method_id() of
 * "package.Service/Method".  0 if @desc is NULL or @index out of range.
 */
uint32_t rdmarpc_pb_method_id(const ProtobufCServiceDescriptor *desc,
			      unsigned int index);

/* The index in @desc of the method with id @id, or -ENOENT. */
int rdmarpc_pb_method_index(const ProtobufCServiceDescriptor *desc,
			    uint32_t id);

/* ---- outcomes ---- */

struct rdmarpc_pb_result {
	/*
	 * 0: the call completed with a status (below).  A negative errno:
	 * it did not (a transport error), or its response was unusable
	 * (-ENOBUFS, -EBADMSG); status is then 0 and means nothing.
	 */
	int error;
	/* When error is 0: RDMARPC_STATUS_OK, or the error status. */
	int32_t status;
	/* The status as the server sent it (differs for UNKNOWN only). */
	int32_t wire_status;
	/*
	 * The response's size in bytes; with -ENOBUFS the size that did not
	 * fit, so the program can raise its max_resp.
	 */
	size_t resp_len;
	/*
	 * NUL-terminated: with a status, the server's message (or the one
	 * this library made, see the top); with an error, this library's
	 * explanation; "" with OK.
	 */
	char message[RDMARPC_STATUS_MSG_MAX + 1];
};

/*
 * The outcome of the call whose closure runs on this thread right now, or
 * else of the last synchronous call this thread made (or the last closure
 * it ran).  Per thread; valid until this thread makes or completes
 * another call.  Never NULL.
 */
const struct rdmarpc_pb_result *rdmarpc_pb_last_result(void);

/* ---- client ---- */

/* The client's stubs submit (asynchronous) instead of waiting. */
#define RDMARPC_PB_CLIENT_ASYNC		0x1u

struct rdmarpc_pb_client_opts {
	/*
	 * The largest response a call takes (0: RDMARPC_PB_DEFAULT_MAX_RESP;
	 * at least RDMARPC_STATUS_MSG_MAX, at most RDMARPC_PB_MSG_LIMIT).
	 * Each call in flight holds a buffer this large (pages are touched
	 * only as far as the response fills them).
	 */
	size_t max_resp;
	/* Each call's timeout in ms; 0: the module's default. */
	unsigned int timeout_ms;
	/* RDMARPC_PB_CLIENT_ASYNC, or 0. */
	unsigned int flags;
};

/*
 * A client of @desc on connection @handle (from rdmarpc_connect()) of @ep;
 * @opts may be NULL for the defaults.  @ep must outlive the client.  The
 * generated stubs called on it (foo__bar__get(client, &in, closure, data))
 *  - synchronous (the default): wait for the call, run the closure with
 *    the response or NULL, and return; rdmarpc_pb_last_result() tells why
 *    it was NULL, in the closure and after the stub returns;
 *  - with RDMARPC_PB_CLIENT_ASYNC: submit the call and return at once; the
 *    closure runs later, from rdmarpc_pb_poll() (or rdmarpc_pb_complete()),
 *    exactly once; if the submission fails, it runs before the stub
 *    returns, with NULL and the error in rdmarpc_pb_last_result().
 * The response passed to a closure is freed when it returns: copy what
 * must live longer.  rdmarpc_pb_call() and rdmarpc_pb_submit() work on
 * either kind.  Returns NULL with errno set: EINVAL (no @desc or @ep, a
 * negative @handle, max_resp out of range, unknown flags), ENOMEM.  Free
 * with rdmarpc_pb_client_free() or protobuf_c_service_destroy().
 */
ProtobufCService *
rdmarpc_pb_client_new(const ProtobufCServiceDescriptor *desc,
		      struct rdmarpc *ep, int handle,
		      const struct rdmarpc_pb_client_opts *opts);

/*
 * Free a client (NULL is allowed).  Calls still in flight are cancelled
 * and their completions reaped here, so every closure has run when it
 * returns: most with -ECANCELED, any that completed first with their
 * outcome.  Completions of other clients on the same endpoint that it
 * reaps meanwhile run their closures too, here.  If the endpoint stops
 * answering (reap fails other than -EINTR, or 10 s pass without every
 * call completing) the client's memory is left allocated rather than
 * freed under the kernel's feet.  Not from one of the client's own
 * closures: that call counts as in flight until its closure returns.
 */
void rdmarpc_pb_client_free(ProtobufCService *client);

/*
 * Set the largest response the client's next calls take (see opts).
 * -EINVAL out of range or if @client is not one of ours.
 */
int rdmarpc_pb_client_set_max_resp(ProtobufCService *client, size_t max_resp);

/* Asynchronous calls of @client in flight (submitted, closure not run). */
unsigned int rdmarpc_pb_client_inflight(ProtobufCService *client);

/*
 * A synchronous call of method @index with @input (a message of the
 * method's input type).  Returns:
 *   0    OK: *output (if @output is not NULL) holds the response; free it
 *        with protobuf_c_message_free_unpacked(*output, NULL);
 *   > 0  the server's status (RDMARPC_STATUS_*): *output is NULL and
 *        rdmarpc_pb_last_result()->message says why;
 *   < 0  an error (see struct rdmarpc_pb_result), -EINVAL for bad
 *        arguments (an @input of another type), -ENOMEM.
 * rdmarpc_pb_last_result() holds the whole outcome in every case.
 */
int rdmarpc_pb_call(ProtobufCService *client, unsigned int index,
		    const ProtobufCMessage *input, ProtobufCMessage **output);

/*
 * Start an asynchronous call of method @index with @input.  Returns 0:
 * @closure (may be NULL) will run exactly once, from rdmarpc_pb_poll() or
 * rdmarpc_pb_complete() on whatever thread reaps the completion, or from
 * rdmarpc_pb_client_free(), with the response or NULL, and
 * rdmarpc_pb_last_result() describing the outcome while it runs.  Or a
 * negative errno, and the closure never runs: -EINVAL (bad arguments),
 * -ENOMEM, or the submission's error (-EAGAIN: too many calls in flight,
 * reap first; -EBADF, -EMSGSIZE, -ENOBUFS, see rdmarpc_submit()).
 *
 * The request is packed before this returns (@input may be freed then);
 * the library owns the packed request and the response buffer
 * (max_resp bytes) until the completion is reaped, and frees both after
 * the closure returns.
 */
int rdmarpc_pb_submit(ProtobufCService *client, unsigned int index,
		      const ProtobufCMessage *input, ProtobufCClosure closure,
		      void *closure_data);

/*
 * Reap the completions of @ep's asynchronous calls and run their closures:
 * call it when rdmarpc_fd(@ep) is readable (timeout 0), or to wait
 * (timeout_ms as rdmarpc_reap(): -1 forever, 0 not at all, > 0 ms) for at
 * least one.  Returns the number of closures run (0 if none completed in
 * time), or a negative errno (-EINTR).  Several threads may poll at once.
 *
 * Every asynchronous call on @ep must then come from this library: a
 * completion whose cookie is not one of ours (see rdmarpc_pb_complete())
 * is dropped.  A program that submits calls of its own on the endpoint
 * reaps with rdmarpc_reap() and hands each completion to
 * rdmarpc_pb_complete().  Synchronous calls (rdmarpc_call()) and serving
 * on the same endpoint are fine either way.
 */
int rdmarpc_pb_poll(struct rdmarpc *ep, int timeout_ms);

/*
 * Finish one completion reaped with rdmarpc_reap(): if its cookie is one
 * of this library's (bit 63 set, RDMARPC_PB_COOKIE_BIT: a program's own
 * cookies must leave it clear), run the call's closure, free its buffers
 * and return 1; otherwise return 0 and touch nothing.
 */
#define RDMARPC_PB_COOKIE_BIT	(1ULL << 63)
int rdmarpc_pb_complete(const struct rdmarpc_completion *c);

/* ---- server ---- */

/*
 * A server: service implementations (a ProtobufCService initialised with
 * the generated FOO__BAR__INIT(prefix_), or any other) served on one
 * endpoint.
 *
 * A handler is called as protoc-c declares it:
 *   void prefix_get(Foo__Bar_Service *svc, const Foo__GetRequest *in,
 *                   Foo__GetResponse_Closure closure, void *closure_data)
 * and answers exactly once, now or later, from any thread, with one of:
 *   closure(&response, closure_data)      OK and the response; NULL
 *                                         answers INTERNAL (a handler
 *                                         must say what went wrong);
 *   rdmarpc_pb_reply(closure_data, &response.base)   the same, with the
 *                                         reply's errno returned;
 *   rdmarpc_pb_reply_error(closure_data, RDMARPC_STATUS_NOT_FOUND,
 *                          "no key %s", in->key)    a status and a
 *                                         message, which the client reads
 *                                         as they are.
 * closure_data is the request (struct rdmarpc_pb_req *): to answer later,
 * keep it.  @in stays valid until the request is answered.  Answering
 * frees the request: it must not be used afterwards, nor answered twice.
 * A request never answered holds its caller until the call times out,
 * and its memory (with the server's) for good: answer every request.
 */
struct rdmarpc_pb_server;
struct rdmarpc_pb_req;

struct rdmarpc_pb_server_opts {
	/*
	 * The largest request taken (0: RDMARPC_PB_DEFAULT_MAX_REQ, at most
	 * RDMARPC_PB_MSG_LIMIT); a larger one is answered
	 * RESOURCE_EXHAUSTED.  Each thread serving holds a buffer this large.
	 */
	size_t max_req;
	/* Requests one rdmarpc_pb_server_serve() takes at most (0: 64). */
	unsigned int batch;
};

/*
 * A server on @ep (which must outlive it and every request it hands out);
 * @opts may be NULL.  -EINVAL, -ENOMEM.
 */
int rdmarpc_pb_server_new(struct rdmarpc *ep,
			  const struct rdmarpc_pb_server_opts *opts,
			  struct rdmarpc_pb_server **out);

/*
 * Serve @impl: bind its service name and its methods' ids on the endpoint
 * (rdmarpc_bind()).  @impl must live as long as the server.  -EINVAL (no
 * methods), -EEXIST (a method id already served here: two services whose
 * ids collide), -EADDRINUSE (another endpoint serves the name), -ENOSPC,
 * -ENOMEM, and rdmarpc_bind()'s errors.
 */
int rdmarpc_pb_server_add(struct rdmarpc_pb_server *srv,
			  ProtobufCService *impl);

/*
 * Take the requests waiting (at most opts.batch), waiting up to
 * @timeout_ms (as rdmarpc_recv(): -1 forever, 0 not at all) for the first,
 * and dispatch each: the handler runs on this thread before this returns
 * (its answer may come later).  Requests the server answers itself
 * (UNIMPLEMENTED, INVALID_ARGUMENT, RESOURCE_EXHAUSTED) count too.
 * Returns the number taken (0 if none came in time), or a negative errno
 * if none was taken (-EINTR, the endpoint's errors).
 */
int rdmarpc_pb_server_serve(struct rdmarpc_pb_server *srv, int timeout_ms);

/*
 * Free the server (NULL is allowed).  Requests handed to handlers and not
 * yet answered stay valid and may still be answered; the last answer frees
 * what the server held.  The services stay bound until the endpoint closes
 * (requests that arrive meanwhile are answered -ECONNABORTED then).
 */
void rdmarpc_pb_server_free(struct rdmarpc_pb_server *srv);

/* Counters of a server, since it was created. */
struct rdmarpc_pb_server_stats {
	uint64_t requests;	/* taken from the endpoint */
	uint64_t replied_ok;	/* answered with a response */
	uint64_t replied_error;	/* answered with a status other than OK */
	uint64_t unimplemented;	/* of those: method not in any service */
	uint64_t bad_requests;	/* of those: did not unpack, or too large */
	uint64_t reply_failed;	/* answers the endpoint refused (REPLY's
				 * errno, e.g. the caller had gone) */
	uint64_t pending;	/* handed to handlers, not answered yet */
};

void rdmarpc_pb_server_stats(struct rdmarpc_pb_server *srv,
			     struct rdmarpc_pb_server_stats *st);

/*
 * Answer request @req with @msg, a message of the method's output type.
 * NULL, or a message of another type, answers RDMARPC_STATUS_INTERNAL
 * instead.  A response beyond RDMARPC_PB_MSG_LIMIT, or no memory to pack
 * it, answers RDMARPC_STATUS_RESOURCE_EXHAUSTED.  Frees @req whatever
 * happens.  Returns 0 if the response went out as given, -EINVAL for NULL
 * or a wrong type, -EMSGSIZE or -ENOMEM for the cases above, or the
 * endpoint's error from rdmarpc_reply() (the request is then answered
 * with an error status if the endpoint allows it).
 */
int rdmarpc_pb_reply(struct rdmarpc_pb_req *req, const ProtobufCMessage *msg);

/*
 * Answer request @req with @status (not RDMARPC_STATUS_OK) and a message,
 * printf-style (@fmt may be NULL), truncated to RDMARPC_STATUS_MSG_MAX
 * bytes.  Frees @req and returns 0 or rdmarpc_reply()'s error; -EINVAL for
 * RDMARPC_STATUS_OK, and then @req is left unanswered.
 */
int rdmarpc_pb_reply_error(struct rdmarpc_pb_req *req, int32_t status,
			   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The method a request is for (its descriptor) and its index. */
const ProtobufCMethodDescriptor *
rdmarpc_pb_req_method(const struct rdmarpc_pb_req *req);
unsigned int rdmarpc_pb_req_index(const struct rdmarpc_pb_req *req);
/* The service implementation the request was dispatched to. */
ProtobufCService *rdmarpc_pb_req_service(const struct rdmarpc_pb_req *req);
/*
 * Whether the caller of @req gave up on it, and the milliseconds it still
 * waits (-1: no deadline): rdmarpc_request_state() for a request not yet
 * answered.  A handler that answers later (or works long) checks it to
 * stop early.
 */
int rdmarpc_pb_req_state(const struct rdmarpc_pb_req *req, int *cancelled,
			 int64_t *time_left_ms);

#ifdef __cplusplus
}
#endif

#endif /* RDMARPC_PROTOBUF_H */
