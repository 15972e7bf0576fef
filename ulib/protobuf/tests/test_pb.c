// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The protobuf-c binding on the host, over a model of the module's call
 * and request queues (mock.c): the client and the server of one test
 * service talk through it, so packing, method ids, the mapping of
 * statuses and messages both ways, the bookkeeping of asynchronous calls
 * (each closure exactly once, buffers freed) and replies made later from
 * other threads are all exercised; ASan/UBSan and LeakSanitizer run the
 * same tests.  The last test wires the binding to a real librdmarpc
 * endpoint around /dev/null, to see the library's ops reach the ioctls.
 * KTAP output (tests/harness.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "internal.h"		/* librdmarpc's, for rl_ep_wrap() */
#include "mock.h"
#include "test.pb-c.h"

/* ---- the service implementation ---- */

enum mode {
	MODE_NOW,		/* answer at once */
	MODE_DEFER,		/* keep the request; the test answers */
	MODE_ERROR,		/* NOT_FOUND with a message */
	MODE_LONG_ERROR,	/* a 1000-byte message */
	MODE_NULL,		/* closure(NULL) */
	MODE_WRONG_TYPE,	/* a message of another type */
	MODE_REPLY_OK_ERROR,	/* reply_error(OK) first, then the answer */
};

static enum mode mode;
static char stored_key[64];
static char *stored_value;		/* malloc'ed */
static unsigned int n_puts;
static int last_reply_err = 12345;	/* rdmarpc_pb_reply()'s return */

#define MAX_DEFERRED 1024
static struct rdmarpc_pb_req *deferred[MAX_DEFERRED];
static unsigned int n_deferred;

static int common_mode(const ProtobufCMessage *in, const char *what,
		       void *data)
{
	Rdmarpc__Test__PutReply other = RDMARPC__TEST__PUT_REPLY__INIT;
	char big[1001];

	(void)in;
	switch (mode) {
	case MODE_DEFER:
		if (n_deferred < MAX_DEFERRED)
			deferred[n_deferred++] = data;
		return 1;
	case MODE_ERROR:
		rdmarpc_pb_reply_error(data, RDMARPC_STATUS_NOT_FOUND,
				       "no key %s", what);
		return 1;
	case MODE_LONG_ERROR:
		memset(big, 'x', 1000);
		big[1000] = 0;
		rdmarpc_pb_reply_error(data, RDMARPC_STATUS_ABORTED, "%s", big);
		return 1;
	case MODE_NULL:
		last_reply_err = rdmarpc_pb_reply(data, NULL);
		return 1;
	case MODE_WRONG_TYPE:
		last_reply_err = rdmarpc_pb_reply(data, &other.base);
		return 1;
	case MODE_REPLY_OK_ERROR:
		last_reply_err = rdmarpc_pb_reply_error(data,
							RDMARPC_STATUS_OK,
							"not an error");
		return 0;
	default:
		return 0;
	}
}

static void kv_get(Rdmarpc__Test__Kv_Service *s,
		   const Rdmarpc__Test__GetRequest *in,
		   Rdmarpc__Test__GetReply_Closure closure, void *data)
{
	Rdmarpc__Test__GetReply out = RDMARPC__TEST__GET_REPLY__INIT;

	(void)s;
	if (common_mode(&in->base, in->key, data))
		return;
	if (stored_value && !strcmp(in->key, stored_key)) {
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
	if (common_mode(&in->base, in->key, data))
		return;
	snprintf(stored_key, sizeof(stored_key), "%s", in->key);
	free(stored_value);
	stored_value = strdup(in->value);
	out.count = ++n_puts;
	closure(&out, data);
}

static void kv_echo(Rdmarpc__Test__Kv_Service *s,
		    const Rdmarpc__Test__AllKinds *in,
		    Rdmarpc__Test__AllKinds_Closure closure, void *data)
{
	(void)s;
	if (common_mode(&in->base, in->str, data))
		return;
	closure(in, data);
}

static Rdmarpc__Test__Kv_Service service = RDMARPC__TEST__KV__INIT(kv_);
#define DESC (&rdmarpc__test__kv__descriptor)
#define M_GET 0
#define M_PUT 1
#define M_ECHO 2

/* ---- an environment: mock, server, a sync and an async client ---- */

struct env {
	struct mock *m;
	struct rdmarpc_pb_server *srv;
	ProtobufCService *sync, *async;
};

static void serve_all(void *arg)
{
	struct env *e = arg;

	while (rdmarpc_pb_server_serve(e->srv, 0) > 0)
		;
}

/* A mock's serve hook for a server of its own. */
static void serve_srv(void *srv)
{
	while (rdmarpc_pb_server_serve(srv, 0) > 0)
		;
}

static int env_init(struct env *e, size_t max_resp,
		    const struct rdmarpc_pb_server_opts *sopts)
{
	struct rdmarpc_pb_client_opts o = { .max_resp = max_resp };
	int err;

	memset(e, 0, sizeof(*e));
	e->m = mock_new();
	e->m->serve = serve_all;
	e->m->serve_arg = e;
	err = rl_pb_server_new(&mock_ops, e->m, sopts, &e->srv);
	if (!err)
		err = rdmarpc_pb_server_add(e->srv, &service.base);
	if (err)
		return err;
	e->sync = rl_pb_client_new(DESC, &mock_ops, e->m, 0, &o);
	o.flags = RDMARPC_PB_CLIENT_ASYNC;
	e->async = rl_pb_client_new(DESC, &mock_ops, e->m, 0, &o);
	return e->sync && e->async ? 0 : -ENOMEM;
}

static void env_fini(struct env *e)
{
	rdmarpc_pb_client_free(e->sync);
	rdmarpc_pb_client_free(e->async);
	rdmarpc_pb_server_free(e->srv);
	mock_free(e->m);
	free(stored_value);
	stored_value = NULL;
}

/* Poll until @client has nothing in flight (bounded). */
static int drain(struct env *e, ProtobufCService *client)
{
	int i;

	for (i = 0; i < 1000 && rdmarpc_pb_client_inflight(client); i++) {
		serve_all(e);
		if (rl_pb_poll(&mock_ops, e->m, 10) < 0)
			return -1;
	}
	return rdmarpc_pb_client_inflight(client) ? -1 : 0;
}

/* ---- closures ---- */

struct got {
	int called;
	int null;
	char value[64];
	int found;
	unsigned int count;
	struct rdmarpc_pb_result res;	/* as seen inside the closure */
};

static void got_get(const Rdmarpc__Test__GetReply *r, void *data)
{
	struct got *g = data;

	g->called++;
	g->null = !r;
	g->res = *rdmarpc_pb_last_result();
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
	g->res = *rdmarpc_pb_last_result();
	if (r)
		g->count = r->count;
}

/* ---- messages with every field kind ---- */

static Rdmarpc__Test__AllKinds__Inner inner_a =
	RDMARPC__TEST__ALL_KINDS__INNER__INIT;
static Rdmarpc__Test__AllKinds__Inner inner_b =
	RDMARPC__TEST__ALL_KINDS__INNER__INIT;
static Rdmarpc__Test__AllKinds__CountsEntry count_a =
	RDMARPC__TEST__ALL_KINDS__COUNTS_ENTRY__INIT;
static Rdmarpc__Test__AllKinds__CountsEntry count_b =
	RDMARPC__TEST__ALL_KINDS__COUNTS_ENTRY__INIT;
static int64_t inner_values[] = { INT64_MIN, -1, 0, 1, INT64_MAX };
static int32_t packed[300];
static char *names[] = { "", "ascii", "\xc3\xa9t\xc3\xa9", "a b\tc" };
static Rdmarpc__Test__AllKinds__Inner *inners[] = { &inner_a, &inner_b };
static Rdmarpc__Test__Shade shades[] = { RDMARPC__TEST__SHADE__SHADE_DARK,
					 RDMARPC__TEST__SHADE__SHADE_NONE,
					 RDMARPC__TEST__SHADE__SHADE_LIGHT };
static Rdmarpc__Test__AllKinds__CountsEntry *counts[] = { &count_a, &count_b };
static uint8_t raw_bytes[] = { 0, 1, 0xff, 0, 0x80, 'x' };

static void fill_all_kinds(Rdmarpc__Test__AllKinds *a, int choice)
{
	unsigned int i;

	rdmarpc__test__all_kinds__init(a);
	a->i32 = INT32_MIN;
	a->i64 = INT64_MIN;
	a->u32 = UINT32_MAX;
	a->u64 = UINT64_MAX;
	a->s32 = -123456;
	a->s64 = -1234567890123LL;
	a->f32 = 0xdeadbeef;
	a->f64 = 0x0123456789abcdefULL;
	a->sf32 = -7;
	a->sf64 = INT64_MIN + 1;
	a->fl = 1.5f;
	a->db = -2.25e300;
	a->b = 1;
	a->str = "every kind";
	a->raw.data = raw_bytes;
	a->raw.len = sizeof(raw_bytes);
	a->shade = RDMARPC__TEST__SHADE__SHADE_DARK;
	inner_a.name = "a";
	inner_a.n_values = 5;
	inner_a.values = inner_values;
	inner_b.name = "b";
	a->inner = &inner_a;
	for (i = 0; i < 300; i++)
		packed[i] = (int32_t)(i * 7919) - 1000000;
	a->n_packed = 300;
	a->packed = packed;
	a->n_names = 4;
	a->names = names;
	a->n_inners = 2;
	a->inners = inners;
	a->n_shades = 3;
	a->shades = shades;
	count_a.key = "one";
	count_a.value = 1;
	count_b.key = "minus";
	count_b.value = -99;
	a->n_counts = 2;
	a->counts = counts;
	a->choice_case = choice;
	if (choice == RDMARPC__TEST__ALL_KINDS__CHOICE_TEXT)
		a->text = "chosen";
	else if (choice == RDMARPC__TEST__ALL_KINDS__CHOICE_NUMBER)
		a->number = -42;
	else if (choice == RDMARPC__TEST__ALL_KINDS__CHOICE_NESTED)
		a->nested = &inner_b;
}

/* Packed bytes of @m (caller frees). */
static uint8_t *packed_of(const ProtobufCMessage *m, size_t *len)
{
	uint8_t *b;

	*len = protobuf_c_message_get_packed_size(m);
	b = malloc(*len ? *len : 1);
	if (b)
		protobuf_c_message_pack(m, b);
	return b;
}

static int same_message(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
	size_t la, lb;
	uint8_t *pa = packed_of(a, &la), *pb = packed_of(b, &lb);
	int same = pa && pb && la == lb && !memcmp(pa, pb, la);

	free(pa);
	free(pb);
	return same;
}

/* ---- method ids ---- */

TEST(pb_method_ids)
{
	EXPECT_STREQ("rdmarpc.test.Kv", DESC->name);
	EXPECT_EQ(rdmarpc_method_id("rdmarpc.test.Kv/Get"),
		  rdmarpc_pb_method_id(DESC, M_GET));
	EXPECT_EQ(rdmarpc_method_id("rdmarpc.test.Kv/Put"),
		  rdmarpc_pb_method_id(DESC, M_PUT));
	EXPECT_EQ(rdmarpc_method_id("rdmarpc.test.Kv/Echo"),
		  rdmarpc_pb_method_id(DESC, M_ECHO));
	EXPECT_EQ(0, rdmarpc_pb_method_id(DESC, 3));
	EXPECT_EQ(0, rdmarpc_pb_method_id(NULL, 0));
	EXPECT_EQ(M_PUT, rdmarpc_pb_method_index(DESC,
			rdmarpc_method_id("rdmarpc.test.Kv/Put")));
	EXPECT_EQ(-ENOENT, rdmarpc_pb_method_index(DESC, 12345));
	EXPECT_EQ(-ENOENT, rdmarpc_pb_method_index(NULL, 0));
}

/* ---- synchronous ---- */

TEST(pb_sync_stubs)
{
	Rdmarpc__Test__PutRequest put = RDMARPC__TEST__PUT_REQUEST__INIT;
	Rdmarpc__Test__GetRequest get = RDMARPC__TEST__GET_REQUEST__INIT;
	struct rdmarpc_pb_server_stats st;
	struct got g = { 0 };
	struct env e;

	ASSERT_EQ(0, env_init(&e, 0, NULL));
	put.key = "k";
	put.value = "hello rdma";
	rdmarpc__test__kv__put(e.sync, &put, got_put, &g);
	EXPECT_EQ(1, g.called);
	EXPECT_FALSE(g.null);
	EXPECT_EQ(1, g.count);
	EXPECT_EQ(0, g.res.error);
	EXPECT_EQ(RDMARPC_STATUS_OK, g.res.status);
	EXPECT_STREQ("", g.res.message);
	/* Still there after the stub returned. */
	EXPECT_EQ(0, rdmarpc_pb_last_result()->error);

	memset(&g, 0, sizeof(g));
	get.key = "k";
	rdmarpc__test__kv__get(e.sync, &get, got_get, &g);
	EXPECT_EQ(1, g.called);
	EXPECT_TRUE(g.found);
	EXPECT_STREQ("hello rdma", g.value);

	memset(&g, 0, sizeof(g));
	get.key = "other";
	rdmarpc__test__kv__get(e.sync, &get, got_get, &g);
	EXPECT_EQ(1, g.called);
	EXPECT_FALSE(g.null);
	EXPECT_FALSE(g.found);
	EXPECT_STREQ("", g.value);

	rdmarpc_pb_server_stats(e.srv, &st);
	EXPECT_EQ(3, st.requests);
	EXPECT_EQ(3, st.replied_ok);
	EXPECT_EQ(0, st.replied_error);
	EXPECT_EQ(0, st.pending);
	EXPECT_EQ(0, rdmarpc_pb_client_inflight(e.sync));
	env_fini(&e);
}

TEST(pb_call_returns_the_message)
{
	Rdmarpc__Test__PutRequest put = RDMARPC__TEST__PUT_REQUEST__INIT;
	Rdmarpc__Test__PutReply *r;
	ProtobufCMessage *out = NULL;
	struct env e;

	ASSERT_EQ(0, env_init(&e, 0, NULL));
	put.key = "a";
	put.value = "b";
	EXPECT_EQ(0, rdmarpc_pb_call(e.sync, M_PUT, &put.base, &out));
	ASSERT_NE(NULL, out);
	EXPECT_TRUE(out->descriptor == &rdmarpc__test__put_reply__descriptor);
	r = (Rdmarpc__Test__PutReply *)out;
	EXPECT_EQ(1, r->count);
	protobuf_c_message_free_unpacked(out, NULL);
	/* Without an output pointer the response is freed here. */
	EXPECT_EQ(0, rdmarpc_pb_call(e.sync, M_PUT, &put.base, NULL));
	EXPECT_EQ(2, n_puts);
	/* An async client calls synchronously through rdmarpc_pb_call(). */
	EXPECT_EQ(0, rdmarpc_pb_call(e.async, M_PUT, &put.base, NULL));
	EXPECT_EQ(3, n_puts);
	env_fini(&e);
}

TEST(pb_every_field_kind)
{
	static const int choices[] = {
		RDMARPC__TEST__ALL_KINDS__CHOICE__NOT_SET,
		RDMARPC__TEST__ALL_KINDS__CHOICE_TEXT,
		RDMARPC__TEST__ALL_KINDS__CHOICE_NUMBER,
		RDMARPC__TEST__ALL_KINDS__CHOICE_NESTED,
	};
	Rdmarpc__Test__AllKinds a, *b;
	ProtobufCMessage *out;
	struct env e;
	unsigned int i;

	ASSERT_EQ(0, env_init(&e, 0, NULL));
	for (i = 0; i < 4; i++) {
		fill_all_kinds(&a, choices[i]);
		out = NULL;
		ASSERT_EQ(0, rdmarpc_pb_call(e.sync, M_ECHO, &a.base, &out));
		ASSERT_NE(NULL, out);
		b = (Rdmarpc__Test__AllKinds *)out;
		/* Field by field where a repack could hide a loss... */
		EXPECT_EQ(INT32_MIN, b->i32);
		EXPECT_EQ(INT64_MIN, b->i64);
		EXPECT_EQ(UINT32_MAX, b->u32);
		EXPECT_TRUE(b->u64 == UINT64_MAX);
		EXPECT_EQ(-1234567890123LL, b->s64);
		EXPECT_TRUE(b->db == -2.25e300 && b->fl == 1.5f);
		EXPECT_EQ(sizeof(raw_bytes), b->raw.len);
		EXPECT_TRUE(b->raw.len == sizeof(raw_bytes) &&
			    !memcmp(b->raw.data, raw_bytes, sizeof(raw_bytes)));
		EXPECT_EQ(300, b->n_packed);
		EXPECT_EQ(packed[299], b->n_packed == 300 ? b->packed[299] : 0);
		EXPECT_EQ(4, b->n_names);
		EXPECT_STREQ("\xc3\xa9t\xc3\xa9", b->n_names == 4 ? b->names[2] : "");
		EXPECT_EQ(2, b->n_counts);
		EXPECT_EQ(-99, b->n_counts == 2 ? b->counts[1]->value : 0);
		EXPECT_NE(NULL, b->inner);
		EXPECT_EQ(INT64_MIN, b->inner && b->inner->n_values == 5 ?
			  b->inner->values[0] : 0);
		EXPECT_EQ(choices[i], b->choice_case);
		if (choices[i] == RDMARPC__TEST__ALL_KINDS__CHOICE_NUMBER)
			EXPECT_EQ(-42, b->number);
		if (choices[i] == RDMARPC__TEST__ALL_KINDS__CHOICE_NESTED)
			EXPECT_STREQ("b", b->nested->name);
		/* ...and as a whole. */
		EXPECT_TRUE(same_message(&a.base, out));
		protobuf_c_message_free_unpacked(out, NULL);
	}
	/* The check can fail: a changed field makes another message. */
	fill_all_kinds(&a, 0);
	a.u64--;
	out = NULL;
	ASSERT_EQ(0, rdmarpc_pb_call(e.sync, M_ECHO, &a.base, &out));
	fill_all_kinds(&a, 0);
	EXPECT_FALSE(same_message(&a.base, out));
	protobuf_c_message_free_unpacked(out, NULL);
	env_fini(&e);
}

/* ---- statuses and messages ---- */

TEST(pb_handler_status_reaches_the_caller)
{
	Rdmarpc__Test__GetRequest get = RDMARPC__TEST__GET_REQUEST__INIT;
	const struct rdmarpc_pb_result *res;
	struct rdmarpc_pb_server_stats st;
	ProtobufCMessage *out = (void *)1;
	struct got g = { 0 };
	struct env e;

	ASSERT_EQ(0, env_init(&e, 0, NULL));
	mode = MODE_ERROR;
	get.key = "missing";
	EXPECT_EQ(RDMARPC_STATUS_NOT_FOUND,
		  rdmarpc_pb_call(e.sync, M_GET, &get.base, &out));
	EXPECT_NULL(out);
	res = rdmarpc_pb_last_result();
	EXPECT_EQ(0, res->error);
	EXPECT_EQ(RDMARPC_STATUS_NOT_FOUND, res->status);
	EXPECT_EQ(RDMARPC_STATUS_NOT_FOUND, res->wire_status);
	EXPECT_STREQ("no key missing", res->message);
	EXPECT_EQ(strlen("no key missing"), res->resp_len);

	/* Through the stub: the closure gets NULL and the same outcome. */
	rdmarpc__test__kv__get(e.sync, &get, got_get, &g);
	EXPECT_EQ(1, g.called);
	EXPECT_TRUE(g.null);
	EXPECT_EQ(RDMARPC_STATUS_NOT_FOUND, g.res.status);
	EXPECT_STREQ("no key missing", g.res.message);

	rdmarpc_pb_server_stats(e.srv, &st);
	EXPECT_EQ(2, st.replied_error);
	EXPECT_EQ(0, st.replied_ok);

	/* A message is bounded: 256 of the handler's 1000 bytes. */
	mode = MODE_LONG_ERROR;
	EXPECT_EQ(RDMARPC_STATUS_ABORTED,
		  rdmarpc_pb_call(e.sync, M_GET, &get.base, NULL));
	EXPECT_EQ(RDMARPC_STATUS_MSG_MAX, strlen(res->message));
	EXPECT_EQ(RDMARPC_STATUS_MSG_MAX, res->resp_len);
	env_fini(&e);
}

TEST(pb_unimplemented_no_service_on_the_peer)
{
	ProtobufCMethodDescriptor methods[4];
	ProtobufCServiceDescriptor newer = *DESC;
	Rdmarpc__Test__GetRequest get = RDMARPC__TEST__GET_REQUEST__INIT;
	const struct rdmarpc_pb_result *res = rdmarpc_pb_last_result();
	ProtobufCService *c;
	char want[64];
	struct env e;
	uint32_t id;

	/* A client built from a newer .proto: one more method. */
	memcpy(methods, DESC->methods, 3 * sizeof(methods[0]));
	methods[3] = methods[0];
	methods[3].name = "Compact";
	newer.n_methods = 4;
	newer.methods = methods;
	newer.method_indices_by_name = NULL;
	id = rdmarpc_method_id("rdmarpc.test.Kv/Compact");

	ASSERT_EQ(0, env_init(&e, 0, NULL));
	c = rl_pb_client_new(&newer, &mock_ops, e.m, 0, NULL);
	ASSERT_NE(NULL, c);
	/* The old methods still work... */
	EXPECT_EQ(0, rdmarpc_pb_call(c, M_GET, &get.base, NULL));
	/* ...the new one is served by no one: the module says so. */
	EXPECT_EQ(RDMARPC_STATUS_UNIMPLEMENTED,
		  rdmarpc_pb_call(c, 3, &get.base, NULL));
	EXPECT_EQ(0, res->error);
	EXPECT_EQ(RDMARPC_STATUS_UNIMPLEMENTED, res->status);
	snprintf(want, sizeof(want), "no service for method 0x%08x", id);
	EXPECT_TRUE(strstr(res->message, want) != NULL)
		TH_LOG("message: %s", res->message);
	snprintf(want, sizeof(want), "method id 0x%08x", id);

	/* The server's endpoint gets it (bound by hand): the server says. */
	mock_bind_raw(e.m, id);
	EXPECT_EQ(RDMARPC_STATUS_UNIMPLEMENTED,
		  rdmarpc_pb_call(c, 3, &get.base, NULL));
	EXPECT_TRUE(strstr(res->message, want) != NULL)
		TH_LOG("message: %s", res->message);
	EXPECT_TRUE(strstr(res->message, "no service of this server") != NULL);
	{
		struct rdmarpc_pb_server_stats st;

		rdmarpc_pb_server_stats(e.srv, &st);
		EXPECT_EQ(1, st.unimplemented);
		EXPECT_EQ(1, st.replied_error);
	}
	rdmarpc_pb_client_free(c);
	env_fini(&e);
}

TEST(pb_method_left_out_is_unimplemented)
{
	Rdmarpc__Test__Kv_Service partial = RDMARPC__TEST__KV__INIT(kv_);
	Rdmarpc__Test__PutRequest put = RDMARPC__TEST__PUT_REQUEST__INIT;
	Rdmarpc__Test__GetRequest get = RDMARPC__TEST__GET_REQUEST__INIT;
	const struct rdmarpc_pb_result *res = rdmarpc_pb_last_result();
	struct rdmarpc_pb_server *srv;
	struct mock *m = mock_new();
	ProtobufCService *c;
	char want[64];

	partial.put = NULL;		/* this server has no Put */
	ASSERT_EQ(0, rl_pb_server_new(&mock_ops, m, NULL, &srv));
	ASSERT_EQ(0, rdmarpc_pb_server_add(srv, &partial.base));
	m->serve = serve_srv;
	m->serve_arg = srv;
	c = rl_pb_client_new(DESC, &mock_ops, m, 0, NULL);
	ASSERT_NE(NULL, c);
	put.key = "k";
	EXPECT_EQ(RDMARPC_STATUS_UNIMPLEMENTED,
		  rdmarpc_pb_call(c, M_PUT, &put.base, NULL));
	snprintf(want, sizeof(want), "(method id 0x%08x) is not implemented",
		 rdmarpc_pb_method_id(DESC, M_PUT));
	EXPECT_TRUE(strstr(res->message, want) != NULL)
		TH_LOG("message: %s", res->message);
	EXPECT_EQ(0, rdmarpc_pb_call(c, M_GET, &get.base, NULL));
	rdmarpc_pb_client_free(c);
	rdmarpc_pb_server_free(srv);
	mock_free(m);
	free(stored_value);
}

/* A raw call through the mock, as a program's own code would make. */
static int raw_call(struct env *e, uint32_t method, const void *req,
		    size_t len, struct rdmarpc_completion *comp, char *resp,
		    size_t cap)
{
	struct rdmarpc_call c;

	rdmarpc_call_prep(&c, 0, method, 7, req, len, resp, cap, 0);
	if (mock_ops.submit(e->m, &c, 1) != 1)
		return -1;
	serve_all(e);
	return mock_ops.reap(e->m, comp, 1, 1, 1000) == 1 ? 0 : -1;
}

TEST(pb_request_that_does_not_unpack)
{
	struct rdmarpc_completion comp;
	struct rdmarpc_pb_server_stats st;
	char resp[512];
	struct env e;

	ASSERT_EQ(0, env_init(&e, 0, NULL));
	ASSERT_EQ(0, raw_call(&e, rdmarpc_pb_method_id(DESC, M_PUT),
			      "\xff\xff\xff", 3, &comp, resp, sizeof(resp)));
	EXPECT_EQ(0, comp.error);
	EXPECT_EQ(RDMARPC_STATUS_INVALID_ARGUMENT, comp.status);
	resp[comp.resp_len < sizeof(resp) ? comp.resp_len : 0] = 0;
	EXPECT_TRUE(strstr(resp, "does not unpack as rdmarpc.test.PutRequest"))
		TH_LOG("message: %s", resp);
	/* Not a cookie of the binding's: rdmarpc_pb_complete() leaves it. */
	EXPECT_EQ(0, rdmarpc_pb_complete(&comp));
	EXPECT_EQ(0, rdmarpc_pb_complete(NULL));
	rdmarpc_pb_server_stats(e.srv, &st);
	EXPECT_EQ(1, st.bad_requests);
	EXPECT_EQ(0, st.pending);
	env_fini(&e);
}

TEST(pb_request_too_large)
{
	struct rdmarpc_pb_server_opts so = { .max_req = 64 };
	Rdmarpc__Test__PutRequest put = RDMARPC__TEST__PUT_REQUEST__INIT;
	const struct rdmarpc_pb_result *res = rdmarpc_pb_last_result();
	char big[200];
	struct env e;

	ASSERT_EQ(0, env_init(&e, 0, &so));
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	put.key = "k";
	put.value = big;
	EXPECT_EQ(RDMARPC_STATUS_RESOURCE_EXHAUSTED,
		  rdmarpc_pb_call(e.sync, M_PUT, &put.base, NULL));
	EXPECT_TRUE(strstr(res->message, "max_req of 64") != NULL)
		TH_LOG("message: %s", res->message);
	EXPECT_EQ(0, n_puts);
	put.value = "small";
	EXPECT_EQ(0, rdmarpc_pb_call(e.sync, M_PUT, &put.base, NULL));
	env_fini(&e);
}

TEST(pb_handler_null_or_wrong_type_is_internal)
{
	Rdmarpc__Test__GetRequest get = RDMARPC__TEST__GET_REQUEST__INIT;
	const struct rdmarpc_pb_result *res = rdmarpc_pb_last_result();
	struct env e;

	ASSERT_EQ(0, env_init(&e, 0, NULL));
	mode = MODE_NULL;
	EXPECT_EQ(RDMARPC_STATUS_INTERNAL,
		  rdmarpc_pb_call(e.sync, M_GET, &get.base, NULL));
	EXPECT_STREQ("rdmarpc.test.Kv/Get: the handler answered no message",
		     res->message);
	EXPECT_EQ(-EINVAL, last_reply_err);

	mode = MODE_WRONG_TYPE;
	last_reply_err = 12345;
	EXPECT_EQ(RDMARPC_STATUS_INTERNAL,
		  rdmarpc_pb_call(e.sync, M_GET, &get.base, NULL));
	EXPECT_TRUE(strstr(res->message, "answered a rdmarpc.test.PutReply, not a rdmarpc.test.GetReply") != NULL)
		TH_LOG("message: %s", res->message);
	EXPECT_EQ(-EINVAL, last_reply_err);

	/* reply_error(OK) is refused and leaves the request to answer. */
	mode = MODE_REPLY_OK_ERROR;
	last_reply_err = 12345;
	EXPECT_EQ(0, rdmarpc_pb_call(e.sync, M_GET, &get.base, NULL));
	EXPECT_EQ(-EINVAL, last_reply_err);
	env_fini(&e);
}

static int reply_raw_status;
static const char *reply_raw_bytes;
static size_t reply_raw_len;

/* A server of raw bytes: answers every request with the knobs above. */
static void raw_server(void *arg)
{
	struct mock *m = arg;
	struct rdmarpc_req_info ri;
	char buf[256];

	while (!mock_ops.recv(m, &ri, buf, sizeof(buf), 0))
		mock_ops.reply(m, ri.id, reply_raw_status, reply_raw_bytes,
			       reply_raw_len);
}

TEST(pb_answers_of_other_servers)
{
	Rdmarpc__Test__GetRequest get = RDMARPC__TEST__GET_REQUEST__INIT;
	const struct rdmarpc_pb_result *res = rdmarpc_pb_last_result();
	struct mock *m = mock_new();
	ProtobufCService *c;

	m->serve = raw_server;
	m->serve_arg = m;
	mock_bind_raw(m, rdmarpc_pb_method_id(DESC, M_GET));
	c = rl_pb_client_new(DESC, &mock_ops, m, 0, NULL);
	ASSERT_NE(NULL, c);

	/* OK, but bytes that are no GetReply: -EBADMSG, not a status. */
	reply_raw_bytes = "\xff\xff\xff\xff";
	reply_raw_len = 4;
	EXPECT_EQ(-EBADMSG, rdmarpc_pb_call(c, M_GET, &get.base, NULL));
	EXPECT_EQ(-EBADMSG, res->error);
	EXPECT_TRUE(strstr(res->message, "does not unpack as rdmarpc.test.GetReply") != NULL)
		TH_LOG("message: %s", res->message);

	/* A negative errno as status (a raw librdmarpc server): UNKNOWN. */
	reply_raw_status = -ENOSPC;
	reply_raw_len = 0;
	EXPECT_EQ(RDMARPC_STATUS_UNKNOWN,
		  rdmarpc_pb_call(c, M_GET, &get.base, NULL));
	EXPECT_EQ(0, res->error);
	EXPECT_EQ(-ENOSPC, res->wire_status);
	EXPECT_STREQ("the server answered status -28", res->message);

	/* A status past the enum keeps its own message. */
	reply_raw_status = 99;
	reply_raw_bytes = "hi\0there";	/* a NUL in it cannot cut it short */
	reply_raw_len = 8;
	EXPECT_EQ(RDMARPC_STATUS_UNKNOWN,
		  rdmarpc_pb_call(c, M_GET, &get.base, NULL));
	EXPECT_EQ(99, res->wire_status);
	EXPECT_STREQ("hi?there", res->message);

	/* Any status of the enum is passed on as it is. */
	reply_raw_status = RDMARPC_STATUS_UNAUTHENTICATED;
	reply_raw_bytes = "who are you";
	reply_raw_len = strlen(reply_raw_bytes);
	EXPECT_EQ(RDMARPC_STATUS_UNAUTHENTICATED,
		  rdmarpc_pb_call(c, M_GET, &get.base, NULL));
	EXPECT_STREQ("who are you", res->message);
	rdmarpc_pb_client_free(c);
	mock_free(m);
}

TEST(pb_transport_errors_are_not_statuses)
{
	Rdmarpc__Test__GetRequest get = RDMARPC__TEST__GET_REQUEST__INIT;
	const struct rdmarpc_pb_result *res = rdmarpc_pb_last_result();
	struct got g = { 0 };
	struct env e;

	ASSERT_EQ(0, env_init(&e, 0, NULL));
	e.m->call_error = -ETIMEDOUT;
	EXPECT_EQ(-ETIMEDOUT, rdmarpc_pb_call(e.sync, M_GET, &get.base, NULL));
	EXPECT_EQ(-ETIMEDOUT, res->error);
	EXPECT_EQ(0, res->status);
	EXPECT_STREQ(rdmarpc_strerror(-ETIMEDOUT), res->message);

	e.m->call_error = -ECONNRESET;
	rdmarpc__test__kv__get(e.sync, &get, got_get, &g);
	EXPECT_EQ(1, g.called);
	EXPECT_TRUE(g.null);
	EXPECT_EQ(-ECONNRESET, g.res.error);

	/* A handler that never answers: the call times out. */
	e.m->call_error = 0;
	mode = MODE_DEFER;
	EXPECT_EQ(-ETIMEDOUT, rdmarpc_pb_call(e.sync, M_GET, &get.base, NULL));
	ASSERT_EQ(1, n_deferred);
	/* Its late answer goes nowhere, and frees the request. */
	EXPECT_EQ(0, rdmarpc_pb_reply_error(deferred[0],
					    RDMARPC_STATUS_CANCELLED, NULL));
	EXPECT_EQ(1, e.m->dropped_replies);
	env_fini(&e);
}

TEST(pb_response_larger_than_max_resp)
{
	Rdmarpc__Test__PutRequest put = RDMARPC__TEST__PUT_REQUEST__INIT;
	Rdmarpc__Test__GetRequest get = RDMARPC__TEST__GET_REQUEST__INIT;
	Rdmarpc__Test__GetReply want = RDMARPC__TEST__GET_REPLY__INIT;
	const struct rdmarpc_pb_result *res = rdmarpc_pb_last_result();
	char big[2001], msg[64];
	size_t need;
	struct env e;

	ASSERT_EQ(0, env_init(&e, 256, NULL));
	memset(big, 'z', 2000);
	big[2000] = 0;
	put.key = "k";
	put.value = big;
	ASSERT_EQ(0, rdmarpc_pb_call(e.sync, M_PUT, &put.base, NULL));
	want.value = big;
	want.found = 1;
	need = protobuf_c_message_get_packed_size(&want.base);

	get.key = "k";
	EXPECT_EQ(-ENOBUFS, rdmarpc_pb_call(e.sync, M_GET, &get.base, NULL));
	EXPECT_EQ(-ENOBUFS, res->error);
	EXPECT_EQ(need, res->resp_len);
	snprintf(msg, sizeof(msg), "response of %zu bytes", need);
	EXPECT_TRUE(strstr(res->message, msg) != NULL)
		TH_LOG("message: %s", res->message);
	EXPECT_TRUE(strstr(res->message, "max_resp of 256") != NULL);

	/* Raise the limit to what was reported and call again. */
	EXPECT_EQ(0, rdmarpc_pb_client_set_max_resp(e.sync, res->resp_len));
	EXPECT_EQ(0, rdmarpc_pb_call(e.sync, M_GET, &get.base, NULL));
	EXPECT_EQ(need, res->resp_len);

	EXPECT_EQ(-EINVAL, rdmarpc_pb_client_set_max_resp(e.sync, 255));
	EXPECT_EQ(-EINVAL, rdmarpc_pb_client_set_max_resp(e.sync,
					RDMARPC_PB_MSG_LIMIT + 1));
	EXPECT_EQ(-EINVAL, rdmarpc_pb_client_set_max_resp(NULL, 4096));
	env_fini(&e);
}

TEST(pb_response_refused_by_the_endpoint)
{
	Rdmarpc__Test__PutRequest put = RDMARPC__TEST__PUT_REQUEST__INIT;
	Rdmarpc__Test__GetRequest get = RDMARPC__TEST__GET_REQUEST__INIT;
	const struct rdmarpc_pb_result *res = rdmarpc_pb_last_result();
	struct rdmarpc_pb_server_stats st;
	char big[2001];
	struct env e;

	ASSERT_EQ(0, env_init(&e, 0, NULL));
	memset(big, 'z', 2000);
	big[2000] = 0;
	put.key = "k";
	put.value = big;
	ASSERT_EQ(0, rdmarpc_pb_call(e.sync, M_PUT, &put.base, NULL));
	/* The endpoint refuses replies over 1000 bytes (-EMSGSIZE)... */
	e.m->max_msg = 1000;
	get.key = "k";
	/* ...so the caller hears RESOURCE_EXHAUSTED instead of waiting. */
	EXPECT_EQ(RDMARPC_STATUS_RESOURCE_EXHAUSTED,
		  rdmarpc_pb_call(e.sync, M_GET, &get.base, NULL));
	EXPECT_TRUE(strstr(res->message, "could not be sent") != NULL)
		TH_LOG("message: %s", res->message);
	rdmarpc_pb_server_stats(e.srv, &st);
	EXPECT_EQ(1, st.reply_failed);
	EXPECT_EQ(1, st.replied_error);
	EXPECT_EQ(0, st.pending);
	env_fini(&e);
}

/* ---- asynchronous ---- */

struct echo_slot {
	int called;
	int null;
	int64_t number;
	struct rdmarpc_pb_result res;
};

static void got_echo(const Rdmarpc__Test__AllKinds *r, void *data)
{
	struct echo_slot *s = data;

	s->called++;
	s->null = !r;
	s->res = *rdmarpc_pb_last_result();
	if (r)
		s->number = r->number;
}

#define N_ASYNC 1000

TEST(pb_async_many_each_closure_once)
{
	static struct echo_slot slots[N_ASYNC];
	Rdmarpc__Test__AllKinds a;
	struct rdmarpc_pb_server_stats st;
	unsigned int i, bad = 0;
	struct env e;

	ASSERT_EQ(0, env_init(&e, 4096, NULL));
	for (i = 0; i < N_ASYNC; i++) {
		rdmarpc__test__all_kinds__init(&a);
		a.choice_case = RDMARPC__TEST__ALL_KINDS__CHOICE_NUMBER;
		a.number = 1000000 + i;
		/* The generated stub submits and returns. */
		rdmarpc__test__kv__echo(e.async, &a, got_echo, &slots[i]);
		if (slots[i].called)
			bad++;
	}
	EXPECT_EQ(0, bad);
	EXPECT_EQ(N_ASYNC, rdmarpc_pb_client_inflight(e.async));
	/* Nothing has run before the completions are reaped. */
	serve_all(&e);
	EXPECT_EQ(N_ASYNC, rdmarpc_pb_client_inflight(e.async));
	EXPECT_EQ(N_ASYNC, mock_completions(e.m));
	ASSERT_EQ(0, drain(&e, e.async));
	for (i = 0; i < N_ASYNC; i++)
		if (slots[i].called != 1 || slots[i].null ||
		    slots[i].number != 1000000 + (int64_t)i ||
		    slots[i].res.status != RDMARPC_STATUS_OK)
			bad++;
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, mock_completions(e.m));
	rdmarpc_pb_server_stats(e.srv, &st);
	EXPECT_EQ(N_ASYNC, st.replied_ok);
	/* Nothing more to reap: 0 closures, not an error. */
	EXPECT_EQ(0, rl_pb_poll(&mock_ops, e.m, 0));
	env_fini(&e);
}

/* Answers the deferred requests from another thread, last first. */
static void *answer_thread(void *arg)
{
	Rdmarpc__Test__AllKinds out;
	unsigned int i;

	(void)arg;
	for (i = n_deferred; i-- > 0;) {
		struct rdmarpc_pb_req *req = deferred[i];

		if (i % 2) {
			rdmarpc_pb_reply_error(req, RDMARPC_STATUS_ABORTED,
					       "odd %u", i);
			continue;
		}
		rdmarpc__test__all_kinds__init(&out);
		out.choice_case = RDMARPC__TEST__ALL_KINDS__CHOICE_NUMBER;
		out.number = i;
		rdmarpc_pb_reply(req, &out.base);
	}
	return NULL;
}

TEST(pb_async_deferred_answers_from_another_thread)
{
	static struct echo_slot slots[200];
	Rdmarpc__Test__AllKinds a;
	struct rdmarpc_pb_server_stats st;
	unsigned int i, bad = 0;
	pthread_t th;
	char want[32];
	struct env e;

	ASSERT_EQ(0, env_init(&e, 0, NULL));
	mode = MODE_DEFER;
	for (i = 0; i < 200; i++) {
		rdmarpc__test__all_kinds__init(&a);
		a.choice_case = RDMARPC__TEST__ALL_KINDS__CHOICE_NUMBER;
		a.number = i;
		ASSERT_EQ(0, rdmarpc_pb_submit(e.async, M_ECHO, &a.base,
					       (ProtobufCClosure)got_echo,
					       &slots[i]));
	}
	serve_all(&e);
	ASSERT_EQ(200, n_deferred);
	rdmarpc_pb_server_stats(e.srv, &st);
	EXPECT_EQ(200, st.pending);
	EXPECT_EQ(0, rl_pb_poll(&mock_ops, e.m, 0));

	ASSERT_EQ(0, pthread_create(&th, NULL, answer_thread, NULL));
	for (i = 0; i < 2000 && rdmarpc_pb_client_inflight(e.async); i++)
		ASSERT_LE(0, rl_pb_poll(&mock_ops, e.m, 10));
	pthread_join(th, NULL);
	EXPECT_EQ(0, rdmarpc_pb_client_inflight(e.async));
	/* Requests were taken in order: deferred[i] is call i. */
	for (i = 0; i < 200; i++) {
		struct echo_slot *s = &slots[i];

		if (s->called != 1) {
			bad++;
			continue;
		}
		if (i % 2) {
			snprintf(want, sizeof(want), "odd %u", i);
			if (!s->null || s->res.status != RDMARPC_STATUS_ABORTED ||
			    strcmp(s->res.message, want))
				bad++;
		} else if (s->null || s->number != i ||
			   s->res.status != RDMARPC_STATUS_OK) {
			bad++;
		}
	}
	EXPECT_EQ(0, bad);
	rdmarpc_pb_server_stats(e.srv, &st);
	EXPECT_EQ(0, st.pending);
	EXPECT_EQ(100, st.replied_ok);
	EXPECT_EQ(100, st.replied_error);
	env_fini(&e);
}

TEST(pb_async_outcomes_in_the_closure)
{
	Rdmarpc__Test__PutRequest put = RDMARPC__TEST__PUT_REQUEST__INIT;
	Rdmarpc__Test__GetRequest get = RDMARPC__TEST__GET_REQUEST__INIT;
	struct got g1 = { 0 }, g2 = { 0 }, g3 = { 0 };
	char big[1001];
	struct env e;

	ASSERT_EQ(0, env_init(&e, 512, NULL));
	memset(big, 'q', 1000);
	big[1000] = 0;
	put.key = "k";
	put.value = big;
	ASSERT_EQ(0, rdmarpc_pb_call(e.sync, M_PUT, &put.base, NULL));

	get.key = "k";
	rdmarpc__test__kv__get(e.async, &get, got_get, &g1);	/* too big */
	serve_all(&e);
	mode = MODE_ERROR;
	get.key = "nope";
	rdmarpc__test__kv__get(e.async, &get, got_get, &g2);
	serve_all(&e);		/* the handler runs now, in MODE_ERROR */
	mode = MODE_NOW;
	EXPECT_EQ(0, rdmarpc_pb_client_set_max_resp(e.async, 4096));
	get.key = "k";
	rdmarpc__test__kv__get(e.async, &get, got_get, &g3);
	ASSERT_EQ(0, drain(&e, e.async));

	EXPECT_EQ(1, g1.called);
	EXPECT_TRUE(g1.null);
	EXPECT_EQ(-ENOBUFS, g1.res.error);
	EXPECT_LT(512, g1.res.resp_len);
	EXPECT_EQ(1, g2.called);
	EXPECT_TRUE(g2.null);
	EXPECT_EQ(RDMARPC_STATUS_NOT_FOUND, g2.res.status);
	EXPECT_STREQ("no key nope", g2.res.message);
	EXPECT_EQ(1, g3.called);
	EXPECT_FALSE(g3.null);
	EXPECT_EQ(0, strncmp(g3.value, "qqqqqqqq", 8));
	EXPECT_EQ(g1.res.resp_len, g3.res.resp_len);
	env_fini(&e);
}

TEST(pb_async_submit_failure)
{
	Rdmarpc__Test__GetRequest get = RDMARPC__TEST__GET_REQUEST__INIT;
	Rdmarpc__Test__PutRequest put = RDMARPC__TEST__PUT_REQUEST__INIT;
	struct got g = { 0 };
	struct env e;

	ASSERT_EQ(0, env_init(&e, 0, NULL));
	e.m->submit_error = -EAGAIN;
	/* The explicit function says so and never runs the closure. */
	EXPECT_EQ(-EAGAIN, rdmarpc_pb_submit(e.async, M_GET, &get.base,
					     (ProtobufCClosure)got_get, &g));
	EXPECT_EQ(0, g.called);
	EXPECT_EQ(0, rdmarpc_pb_client_inflight(e.async));
	/* The stub has no return value: the closure runs at once. */
	rdmarpc__test__kv__get(e.async, &get, got_get, &g);
	EXPECT_EQ(1, g.called);
	EXPECT_TRUE(g.null);
	EXPECT_EQ(-EAGAIN, g.res.error);
	EXPECT_EQ(0, rdmarpc_pb_client_inflight(e.async));

	/* The endpoint's in-flight limit: -EAGAIN until reaped. */
	e.m->submit_error = 0;
	e.m->max_inflight = 2;
	EXPECT_EQ(0, rdmarpc_pb_submit(e.async, M_GET, &get.base, NULL, NULL));
	EXPECT_EQ(0, rdmarpc_pb_submit(e.async, M_GET, &get.base, NULL, NULL));
	EXPECT_EQ(-EAGAIN, rdmarpc_pb_submit(e.async, M_GET, &get.base, NULL,
					     NULL));
	ASSERT_EQ(0, drain(&e, e.async));
	EXPECT_EQ(0, rdmarpc_pb_submit(e.async, M_GET, &get.base, NULL, NULL));
	ASSERT_EQ(0, drain(&e, e.async));

	/* Bad arguments. */
	EXPECT_EQ(-EINVAL, rdmarpc_pb_submit(e.async, 3, &get.base, NULL,
					     NULL));
	EXPECT_EQ(-EINVAL, rdmarpc_pb_submit(e.async, M_GET, &put.base, NULL,
					     NULL));
	EXPECT_EQ(-EINVAL, rdmarpc_pb_submit(e.async, M_GET, NULL, NULL,
					     NULL));
	EXPECT_EQ(-EINVAL, rdmarpc_pb_submit(NULL, M_GET, &get.base, NULL,
					     NULL));
	EXPECT_EQ(-EINVAL, rdmarpc_pb_call(e.sync, M_GET, &put.base, NULL));
	EXPECT_EQ(-EINVAL, rdmarpc_pb_last_result()->error);
	EXPECT_EQ(0, rdmarpc_pb_client_inflight(e.async));
	env_fini(&e);
}

TEST(pb_client_free_runs_every_closure)
{
	static struct echo_slot slots[10];
	Rdmarpc__Test__AllKinds a;
	unsigned int i, bad = 0;
	struct env e;

	ASSERT_EQ(0, env_init(&e, 0, NULL));
	mode = MODE_DEFER;
	for (i = 0; i < 10; i++) {
		rdmarpc__test__all_kinds__init(&a);
		ASSERT_EQ(0, rdmarpc_pb_submit(e.async, M_ECHO, &a.base,
					       (ProtobufCClosure)got_echo,
					       &slots[i]));
	}
	serve_all(&e);
	ASSERT_EQ(10, n_deferred);
	/* One answered before the free: its own outcome. */
	rdmarpc__test__all_kinds__init(&a);
	a.choice_case = RDMARPC__TEST__ALL_KINDS__CHOICE_NUMBER;
	a.number = 77;
	EXPECT_EQ(0, rdmarpc_pb_reply(deferred[0], &a.base));

	rdmarpc_pb_client_free(e.async);
	e.async = NULL;
	EXPECT_EQ(9, e.m->cancelled);
	EXPECT_EQ(1, slots[0].called);
	EXPECT_EQ(77, slots[0].number);
	for (i = 1; i < 10; i++)
		if (slots[i].called != 1 || !slots[i].null ||
		    slots[i].res.error != -ECANCELED)
			bad++;
	EXPECT_EQ(0, bad);
	/* The handlers' late answers are dropped, their requests freed. */
	for (i = 1; i < 10; i++)
		rdmarpc_pb_reply(deferred[i], &a.base);
	EXPECT_EQ(9, e.m->dropped_replies);
	env_fini(&e);
}

TEST(pb_server_free_with_requests_pending)
{
	Rdmarpc__Test__GetRequest get = RDMARPC__TEST__GET_REQUEST__INIT;
	Rdmarpc__Test__GetReply out = RDMARPC__TEST__GET_REPLY__INIT;
	struct got g = { 0 };
	struct env e;

	ASSERT_EQ(0, env_init(&e, 0, NULL));
	mode = MODE_DEFER;
	get.key = "later";
	rdmarpc__test__kv__get(e.async, &get, got_get, &g);
	serve_all(&e);
	ASSERT_EQ(1, n_deferred);
	EXPECT_EQ(M_GET, rdmarpc_pb_req_index(deferred[0]));
	EXPECT_TRUE(rdmarpc_pb_req_service(deferred[0]) == &service.base);
	EXPECT_STREQ("Get", rdmarpc_pb_req_method(deferred[0])->name);
	rdmarpc_pb_server_free(e.srv);
	e.srv = NULL;
	/* Answered after the server is gone: still goes out. */
	out.value = "after";
	out.found = 1;
	EXPECT_EQ(0, rdmarpc_pb_reply(deferred[0], &out.base));
	ASSERT_EQ(0, drain(&e, e.async));
	EXPECT_EQ(1, g.called);
	EXPECT_STREQ("after", g.value);
	env_fini(&e);
}

TEST(pb_server_serve_and_add)
{
	struct rdmarpc_pb_server_opts so = { .batch = 2 };
	Rdmarpc__Test__GetRequest get = RDMARPC__TEST__GET_REQUEST__INIT;
	struct rdmarpc_pb_server *srv;
	struct env e;
	int i;

	ASSERT_EQ(0, env_init(&e, 0, &so));
	EXPECT_EQ(0, rdmarpc_pb_server_serve(e.srv, 0));
	EXPECT_EQ(0, rdmarpc_pb_server_serve(e.srv, 20));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, rdmarpc_pb_submit(e.async, M_GET, &get.base,
					       NULL, NULL));
	EXPECT_EQ(3, mock_queued(e.m));
	EXPECT_EQ(2, rdmarpc_pb_server_serve(e.srv, 0));
	EXPECT_EQ(1, rdmarpc_pb_server_serve(e.srv, -1));
	EXPECT_EQ(0, rdmarpc_pb_server_serve(e.srv, 0));
	ASSERT_EQ(0, drain(&e, e.async));

	/* The same service twice: its ids are served already. */
	EXPECT_EQ(-EEXIST, rdmarpc_pb_server_add(e.srv, &service.base));
	EXPECT_EQ(-EINVAL, rdmarpc_pb_server_add(e.srv, NULL));
	EXPECT_EQ(-EINVAL, rdmarpc_pb_server_add(NULL, &service.base));
	/* Another server on the same endpoint: the name is taken. */
	ASSERT_EQ(0, rl_pb_server_new(&mock_ops, e.m, NULL, &srv));
	EXPECT_EQ(-EADDRINUSE, rdmarpc_pb_server_add(srv, &service.base));
	rdmarpc_pb_server_free(srv);

	EXPECT_EQ(-EINVAL, rdmarpc_pb_server_serve(NULL, 0));
	EXPECT_EQ(-EINVAL, rl_pb_server_new(&mock_ops, e.m, NULL, NULL));
	so.max_req = RDMARPC_PB_MSG_LIMIT + 1;
	EXPECT_EQ(-EINVAL, rl_pb_server_new(&mock_ops, e.m, &so, &srv));
	EXPECT_EQ(-EINVAL, rdmarpc_pb_reply(NULL, NULL));
	EXPECT_EQ(-EINVAL, rdmarpc_pb_reply_error(NULL, 5, "x"));
	rdmarpc_pb_server_free(NULL);
	env_fini(&e);
}

TEST(pb_client_new_arguments)
{
	struct rdmarpc_pb_client_opts o = { 0 };
	struct mock *m = mock_new();
	ProtobufCService *c;

	errno = 0;
	EXPECT_NULL(rl_pb_client_new(NULL, &mock_ops, m, 0, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_NULL(rl_pb_client_new(DESC, &mock_ops, m, -1, NULL));
	o.max_resp = 100;
	EXPECT_NULL(rl_pb_client_new(DESC, &mock_ops, m, 0, &o));
	o.max_resp = RDMARPC_PB_MSG_LIMIT + 1;
	EXPECT_NULL(rl_pb_client_new(DESC, &mock_ops, m, 0, &o));
	o.max_resp = 0;
	o.flags = 2;
	EXPECT_NULL(rl_pb_client_new(DESC, &mock_ops, m, 0, &o));
	EXPECT_NULL(rdmarpc_pb_client_new(DESC, NULL, 0, NULL));
	o.flags = RDMARPC_PB_CLIENT_ASYNC;
	c = rl_pb_client_new(DESC, &mock_ops, m, 0, &o);
	EXPECT_NE(NULL, c);
	/* protobuf-c's own destroy frees it too. */
	if (c)
		protobuf_c_service_destroy(c);
	rdmarpc_pb_client_free(NULL);
	EXPECT_EQ(0, rdmarpc_pb_client_inflight(NULL));
	EXPECT_EQ(-EINVAL, rdmarpc_pb_poll(NULL, 0));
	mock_free(m);
}

/* Many threads on one synchronous client. */
struct worker {
	ProtobufCService *c;
	unsigned int id, bad;
};

static void *sync_worker(void *arg)
{
	struct worker *w = arg;
	Rdmarpc__Test__AllKinds a, *b;
	ProtobufCMessage *out;
	unsigned int i;

	for (i = 0; i < 200; i++) {
		rdmarpc__test__all_kinds__init(&a);
		a.choice_case = RDMARPC__TEST__ALL_KINDS__CHOICE_NUMBER;
		a.number = (int64_t)w->id << 32 | i;
		out = NULL;
		if (rdmarpc_pb_call(w->c, M_ECHO, &a.base, &out) ||
		    rdmarpc_pb_last_result()->status != RDMARPC_STATUS_OK) {
			w->bad++;
			continue;
		}
		b = (Rdmarpc__Test__AllKinds *)out;
		if (b->number != a.number)
			w->bad++;
		protobuf_c_message_free_unpacked(out, NULL);
	}
	return NULL;
}

TEST(pb_sync_client_shared_by_threads)
{
	struct worker w[4];
	pthread_t th[4];
	struct env e;
	int i;

	ASSERT_EQ(0, env_init(&e, 0, NULL));
	for (i = 0; i < 4; i++) {
		w[i].c = e.sync;
		w[i].id = i + 1;
		w[i].bad = 0;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, sync_worker, &w[i]));
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, w[i].bad);
	}
	env_fini(&e);
}

/* The library's own ops reach librdmarpc: /dev/null answers -ENOTTY. */
TEST(pb_over_a_librdmarpc_endpoint)
{
	Rdmarpc__Test__GetRequest get = RDMARPC__TEST__GET_REQUEST__INIT;
	struct rdmarpc_pb_server *srv;
	struct rdmarpc *ep;
	ProtobufCService *c;
	struct got g = { 0 };
	int fd;

	fd = open("/dev/null", O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, rl_ep_wrap(fd, &ep));
	c = rdmarpc_pb_client_new(DESC, ep, 0, NULL);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(-ENOTTY, rdmarpc_pb_call(c, M_GET, &get.base, NULL));
	rdmarpc__test__kv__get(c, &get, got_get, &g);
	EXPECT_EQ(-ENOTTY, g.res.error);
	EXPECT_EQ(-ENOTTY, rdmarpc_pb_submit(c, M_GET, &get.base, NULL,
					     NULL));
	EXPECT_EQ(-ENOTTY, rdmarpc_pb_poll(ep, 0));
	rdmarpc_pb_client_free(c);

	ASSERT_EQ(0, rdmarpc_pb_server_new(ep, NULL, &srv));
	EXPECT_EQ(-ENOTTY, rdmarpc_pb_server_add(srv, &service.base));
	EXPECT_EQ(-ENOTTY, rdmarpc_pb_server_serve(srv, 0));
	rdmarpc_pb_server_free(srv);
	rdmarpc_close(ep);
}

TEST_HARNESS_MAIN
