// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The protobuf-c glue on the host: a client and a server implementation
 * joined by a transport function that hands the packed request straight
 * to the server's dispatch.  This tests packing, unpacking, method ids and
 * error mapping of the glue only; rdmarpc itself is not involved.
 * KTAP output (tests/harness.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "rdmarpc-protobuf-internal.h"
#include "kv.pb-c.h"

/* ---- a server implementation: one key/value pair ---- */

static char stored_key[64], stored_value[64];
static unsigned int n_puts;
static int answer_null;

static void kv_get(Rdmarpc__Test__Kv_Service *s,
		   const Rdmarpc__Test__GetRequest *in,
		   Rdmarpc__Test__GetReply_Closure closure, void *data)
{
	Rdmarpc__Test__GetReply out = RDMARPC__TEST__GET_REPLY__INIT;

	(void)s;
	if (answer_null) {
		closure(NULL, data);
		return;
	}
	if (!strcmp(in->key, stored_key)) {
		out.value = stored_value;
		out.found = 1;
	}
	closure(&out, data);
}

static void kv_put(Rdmarpc__Test__Kv_Service *s,
		   const Rdmarpc__Test__PutRequest *in,
		   Rdmarpc__Test__PutReply_Closure closure, void *data)
{
	Rdmarpc__Test__PutReply out = RDMARPC__TEST__PUT_REPLY__INIT;

	(void)s;
	snprintf(stored_key, sizeof(stored_key), "%s", in->key);
	snprintf(stored_value, sizeof(stored_value), "%s", in->value);
	out.count = ++n_puts;
	closure(&out, data);
}

static Rdmarpc__Test__Kv_Service server = RDMARPC__TEST__KV__INIT(kv_);

/* ---- the transport: straight into the server's dispatch ---- */

static int transport_error;	/* forced call error */
static int corrupt_response;

static int loop_call(void *ctx, uint32_t method, const void *req,
		     size_t req_len, void *resp, size_t cap, size_t *resp_len,
		     int32_t *status)
{
	uint8_t *out;
	size_t len;

	(void)ctx;
	if (transport_error)
		return transport_error;
	rl_pb_dispatch(&server.base, method, req, req_len, status, &out, &len);
	*resp_len = len;
	if (len > cap) {
		free(out);
		return -ENOBUFS;
	}
	if (len)
		memcpy(resp, out, len);
	if (corrupt_response && len)
		memset(resp, 0xff, len);
	free(out);
	return 0;
}

static const struct rl_pb_transport loop = { .call = loop_call };

/* ---- closures of the client side ---- */

struct got {
	int called;
	int null;
	char value[64];
	int found;
	unsigned int count;
};

static void got_get(const Rdmarpc__Test__GetReply *r, void *data)
{
	struct got *g = data;

	g->called++;
	g->null = !r;
	if (r) {
		snprintf(g->value, sizeof(g->value), "%s", r->value);
		g->found = r->found;
	}
}

static void got_put(const Rdmarpc__Test__PutReply *r, void *data)
{
	struct got *g = data;

	g->called++;
	g->null = !r;
	if (r)
		g->count = r->count;
}

TEST(pb_method_ids)
{
	const ProtobufCServiceDescriptor *d = &rdmarpc__test__kv__descriptor;

	EXPECT_TRUE(!strcmp(d->name, "rdmarpc.test.Kv"));
	EXPECT_TRUE(rdmarpc_pb_method_id(d, 0) ==
		    rdmarpc_method_id("rdmarpc.test.Kv/Get"));
	EXPECT_TRUE(rdmarpc_pb_method_id(d, 1) ==
		    rdmarpc_method_id("rdmarpc.test.Kv/Put"));
	EXPECT_TRUE(rdmarpc_pb_method_id(d, 2) == 0);
	EXPECT_TRUE(rdmarpc_pb_method_id(NULL, 0) == 0);
}

TEST(pb_roundtrip)
{
	ProtobufCService *c = rl_pb_client_new(&rdmarpc__test__kv__descriptor,
					       &loop, NULL, 0);
	Rdmarpc__Test__PutRequest put = RDMARPC__TEST__PUT_REQUEST__INIT;
	Rdmarpc__Test__GetRequest get = RDMARPC__TEST__GET_REQUEST__INIT;
	struct got g = { 0 };

	EXPECT_TRUE(c);
	if (!c)
		return;
	put.key = "k";
	put.value = "hello rdma";
	rdmarpc__test__kv__put(c, &put, got_put, &g);
	EXPECT_TRUE(g.called == 1 && !g.null && g.count == 1);
	EXPECT_TRUE(rdmarpc_pb_client_error() == 0);

	memset(&g, 0, sizeof(g));
	get.key = "k";
	rdmarpc__test__kv__get(c, &get, got_get, &g);
	EXPECT_TRUE(g.called == 1 && !g.null && g.found);
	EXPECT_TRUE(!strcmp(g.value, "hello rdma"));

	memset(&g, 0, sizeof(g));
	get.key = "other";
	rdmarpc__test__kv__get(c, &get, got_get, &g);
	EXPECT_TRUE(g.called == 1 && !g.null && !g.found);
	EXPECT_TRUE(!strcmp(g.value, ""));
	rdmarpc_pb_client_free(c);
}

TEST(pb_errors)
{
	ProtobufCService *c = rl_pb_client_new(&rdmarpc__test__kv__descriptor,
					       &loop, NULL, 4);
	Rdmarpc__Test__GetRequest get = RDMARPC__TEST__GET_REQUEST__INIT;
	struct got g = { 0 };
	uint8_t *resp;
	size_t len;
	int32_t status;

	EXPECT_TRUE(c);
	if (!c)
		return;
	/* What pb_roundtrip stored: each test has a process of its own. */
	snprintf(stored_key, sizeof(stored_key), "k");
	snprintf(stored_value, sizeof(stored_value), "hello rdma");
	/* The response (11 bytes) does not fit in 4. */
	get.key = "k";
	rdmarpc__test__kv__get(c, &get, got_get, &g);
	EXPECT_TRUE(g.called == 1 && g.null);
	EXPECT_TRUE(rdmarpc_pb_client_error() == -ENOBUFS);
	rdmarpc_pb_client_free(c);

	c = rl_pb_client_new(&rdmarpc__test__kv__descriptor, &loop, NULL, 0);
	if (!c)
		return;
	/* A call error reaches the closure as NULL. */
	transport_error = -ETIMEDOUT;
	memset(&g, 0, sizeof(g));
	rdmarpc__test__kv__get(c, &get, got_get, &g);
	EXPECT_TRUE(g.called == 1 && g.null);
	EXPECT_TRUE(rdmarpc_pb_client_error() == -ETIMEDOUT);
	transport_error = 0;

	/* The handler answering NULL: status -EIO. */
	answer_null = 1;
	memset(&g, 0, sizeof(g));
	rdmarpc__test__kv__get(c, &get, got_get, &g);
	EXPECT_TRUE(g.called == 1 && g.null);
	EXPECT_TRUE(rdmarpc_pb_client_error() == -EIO);
	answer_null = 0;

	/* A response that does not unpack. */
	corrupt_response = 1;
	memset(&g, 0, sizeof(g));
	rdmarpc__test__kv__get(c, &get, got_get, &g);
	EXPECT_TRUE(g.called == 1 && g.null);
	EXPECT_TRUE(rdmarpc_pb_client_error() == -EBADMSG);
	corrupt_response = 0;
	rdmarpc_pb_client_free(c);

	/* Server side: unknown method, request that does not unpack. */
	rl_pb_dispatch(&server.base, 12345, "", 0, &status, &resp, &len);
	EXPECT_TRUE(status == -ENOENT && !resp && !len);
	rl_pb_dispatch(&server.base,
		       rdmarpc_pb_method_id(&rdmarpc__test__kv__descriptor, 1),
		       "\xff\xff\xff", 3, &status, &resp, &len);
	EXPECT_TRUE(status == -EBADMSG && !resp && !len);
}

TEST(pb_null_args)
{
	EXPECT_TRUE(!rdmarpc_pb_client_new(NULL, NULL, 0, 0, 0));
	EXPECT_TRUE(rdmarpc_pb_bind(NULL, &rdmarpc__test__kv__descriptor) ==
		    -EINVAL);
	EXPECT_TRUE(rdmarpc_pb_serve_one(NULL, &server.base, NULL, 0, 0) ==
		    -EINVAL);
	rdmarpc_pb_client_free(NULL);
}

TEST_HARNESS_MAIN
