// SPDX-License-Identifier: MIT
/*
 * kv_client: calls kv_server's key-value service (kv.proto) with
 * librdmarpc-protobuf.
 *
 *   kv_client [OPTIONS] get KEY
 *   kv_client [OPTIONS] put [--create|--replace] [--as KIND] KEY VALUE
 *   kv_client [OPTIONS] delete KEY
 *   kv_client [OPTIONS] scan [--limit N] [--keys-only] [START [END]]
 *   kv_client [OPTIONS] fill PREFIX COUNT
 *   kv_client [OPTIONS] unknown
 *   kv_client [OPTIONS] check [--entries N]
 *
 * Options: --peer ADDR (default 127.0.0.1, or $RDMARPC_PEER_IP),
 * --timeout MS (each call; default the module's), --max-resp BYTES (the
 * largest response taken; default 1 MiB), --window N (asynchronous calls
 * in flight for fill and check; default 64).
 *
 * get prints the value (text as it is; other kinds as KIND:...), put the
 * new version, delete the value it removed, scan "KEY<TAB>VALUE" lines
 * (and "more: NEXT" on stderr when the limit cut it short; a response
 * over --max-resp is taken again with the size the server reported, as a
 * scan may run twice).  --as KIND: text (default), number, real, flag,
 * hex (VALUE in hex digits), record (a record named VALUE with every
 * kind of field).  fill puts COUNT keys PREFIX00000000... ("value N"),
 * asynchronously.  unknown calls a method the service does not have
 * (rdmarpc.examples.kv.Kv/Compact).  check runs every method against the
 * server and checks each outcome; it prints "ok N - ..." or
 * "not ok N - ..." per check and "kv_client: check: P passed, F failed".
 *
 * Exit status: 0 success; 3 the server answered a status other than OK
 * (printed as "kv_client: CMD: NAME (CODE): MESSAGE"); 1 any other error
 * (a transport error, or a check that failed); 2 a usage error.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kv.h"

struct kv {
	struct rdmarpc *ep;
	int handle;
	ProtobufCService *sync;		/* the stubs wait */
	ProtobufCService *async;	/* the stubs submit */
	unsigned int timeout_ms;
	size_t max_resp;
	unsigned int window;
};

/* ---- reporting ---- */

/* A call that did not answer OK: print why; 3 for a status, else 1. */
static int report(const char *what, int rc)
{
	const struct rdmarpc_pb_result *r = rdmarpc_pb_last_result();

	if (rc > 0) {
		fprintf(stderr, "kv_client: %s: %s (%d): %s\n", what,
			rdmarpc_status_name(r->status), (int)r->status,
			r->message);
		return 3;
	}
	fprintf(stderr, "kv_client: %s: %s\n", what, r->message[0] ?
		r->message : rdmarpc_strerror(rc));
	return 1;
}

static void print_hex(FILE *f, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static void print_value(FILE *f, const Value *v)
{
	const Record *r;

	if (!v) {
		fputs("(none)", f);
		return;
	}
	switch (v->kind_case) {
	case KIND(TEXT):
		fputs(v->text, f);
		break;
	case KIND(RAW):
		fputs("hex:", f);
		print_hex(f, v->raw.data, v->raw.len);
		break;
	case KIND(NUMBER):
		fprintf(f, "number:%" PRId64, v->number);
		break;
	case KIND(REAL):
		fprintf(f, "real:%.17g", v->real);
		break;
	case KIND(FLAG):
		fprintf(f, "flag:%s", v->flag ? "true" : "false");
		break;
	case KIND(RECORD):
		r = v->record;
		fprintf(f, "record:%s color %d, %zu samples, %zu tags, "
			"%zu attrs, %zu colors, %zu counters, %zu blob bytes",
			r->name, r->color, r->n_samples, r->n_tags,
			r->n_attrs, r->n_palette, r->n_counters, r->blob.len);
		break;
	default:
		fputs("(no kind)", f);
	}
}

/* ---- a record with every kind of field ---- */

struct record_store {
	Record r;
	Point origin;
	Attr attrs[3];
	Attr *pattrs[3];
	CountersEntry counters[2];
	CountersEntry *pcounters[2];
	int32_t samples[500];
	char *tags[4];
	Rdmarpc__Examples__Kv__Color palette[3];
	uint8_t blob[64];
};

static void fill_record(struct record_store *s, char *name)
{
	static char *tags[] = { "", "plain", "\xc3\xa9t\xc3\xa9 \xe2\x9c\x93",
				"tab\there" };
	unsigned int i;

	memset(s, 0, sizeof(*s));
	rdmarpc__examples__kv__record__init(&s->r);
	rdmarpc__examples__kv__record__point__init(&s->origin);
	s->r.name = name;
	s->r.color = COLOR(BLUE);
	s->r.i32 = INT32_MIN;
	s->r.i64 = INT64_MIN;
	s->r.u32 = UINT32_MAX;
	s->r.u64 = UINT64_MAX;
	s->r.s32 = -2000000000;
	s->r.s64 = -9000000000000000000LL;
	s->r.f32 = 0xdeadbeefu;
	s->r.f64 = 0x0123456789abcdefULL;
	s->r.sf32 = -1;
	s->r.sf64 = INT64_MIN + 1;
	s->r.ratio = 0.375f;
	s->r.score = -1.25e-300;
	s->r.active = 1;
	for (i = 0; i < sizeof(s->blob); i++)
		s->blob[i] = (uint8_t)(i * 37);	/* zeros included */
	s->r.blob.data = s->blob;
	s->r.blob.len = sizeof(s->blob);
	s->origin.x = -7;
	s->origin.y = 123456;
	s->r.origin = &s->origin;
	for (i = 0; i < 500; i++)
		s->samples[i] = (int32_t)(i * 104729u) - 30000000;
	s->r.n_samples = 500;
	s->r.samples = s->samples;
	for (i = 0; i < 4; i++)
		s->tags[i] = tags[i];
	s->r.n_tags = 4;
	s->r.tags = s->tags;
	for (i = 0; i < 3; i++) {
		rdmarpc__examples__kv__record__attr__init(&s->attrs[i]);
		s->attrs[i].name = i ? "unit" : "owner";
		s->attrs[i].value = i == 2 ? "" : "kv";
		s->pattrs[i] = &s->attrs[i];
	}
	s->r.n_attrs = 3;
	s->r.attrs = s->pattrs;
	s->palette[0] = COLOR(RED);
	s->palette[1] = COLOR(UNSPECIFIED);
	s->palette[2] = COLOR(GREEN);
	s->r.n_palette = 3;
	s->r.palette = s->palette;
	for (i = 0; i < 2; i++) {
		rdmarpc__examples__kv__record__counters_entry__init(
			&s->counters[i]);
		s->counters[i].key = i ? "misses" : "hits";
		s->counters[i].value = i ? 0 : UINT64_MAX;
		s->pcounters[i] = &s->counters[i];
	}
	s->r.n_counters = 2;
	s->r.counters = s->pcounters;
}

/* ---- one call of each method ---- */

static int do_get(struct kv *kv, const char *key, GetResponse **out)
{
	GetRequest in = RDMARPC__EXAMPLES__KV__GET_REQUEST__INIT;

	in.key = (char *)key;
	return rdmarpc_pb_call(kv->sync, KV_GET, &in.base,
			       (ProtobufCMessage **)out);
}

static int do_put(struct kv *kv, const char *key, Value *v, int mode,
		  PutResponse **out)
{
	PutRequest in = RDMARPC__EXAMPLES__KV__PUT_REQUEST__INIT;

	in.key = (char *)key;
	in.value = v;
	in.mode = mode;
	return rdmarpc_pb_call(kv->sync, KV_PUT, &in.base,
			       (ProtobufCMessage **)out);
}

static int do_delete(struct kv *kv, const char *key, DeleteResponse **out)
{
	DeleteRequest in = RDMARPC__EXAMPLES__KV__DELETE_REQUEST__INIT;

	in.key = (char *)key;
	return rdmarpc_pb_call(kv->sync, KV_DELETE, &in.base,
			       (ProtobufCMessage **)out);
}

/*
 * A scan; a response larger than @client takes (@max_resp) is asked again
 * with the size the server reported: a scan may run twice.
 */
static int do_scan(ProtobufCService *client, size_t max_resp,
		   const ScanRequest *in, ScanResponse **out, int quiet)
{
	const struct rdmarpc_pb_result *r = rdmarpc_pb_last_result();
	int rc;

	rc = rdmarpc_pb_call(client, KV_SCAN, &in->base,
			     (ProtobufCMessage **)out);
	if (rc != -ENOBUFS || r->resp_len > RDMARPC_PB_MSG_LIMIT)
		return rc;
	if (!quiet)
		fprintf(stderr, "kv_client: scan: a response of %zu bytes, "
			"over --max-resp: asking again with room for it\n",
			r->resp_len);
	rc = rdmarpc_pb_client_set_max_resp(client, r->resp_len);
	if (rc)
		return rc;
	rc = rdmarpc_pb_call(client, KV_SCAN, &in->base,
			     (ProtobufCMessage **)out);
	rdmarpc_pb_client_set_max_resp(client, max_resp);
	return rc;
}

/* ---- asynchronous: many calls in flight, closures on completion ---- */

struct slot {
	unsigned int index;
	int called;
	int ok;
	struct batch *b;
};

struct batch {
	unsigned int inflight, done, ok, twice;
	char prefix[256];
	int (*verify)(struct slot *s, const ProtobufCMessage *m);
};

static void slot_done(const ProtobufCMessage *m, void *data)
{
	struct slot *s = data;

	if (s->called++) {
		s->b->twice++;
		return;
	}
	s->ok = m && (!s->b->verify || s->b->verify(s, m));
	s->b->ok += s->ok;
	s->b->done++;
	s->b->inflight--;
}

/* Wait for the endpoint's fd, then run the closures of what completed. */
static int wait_completions(struct kv *kv)
{
	struct pollfd pfd = { .fd = rdmarpc_fd(kv->ep), .events = POLLIN };
	int n;

	n = poll(&pfd, 1, 60000);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		return -ETIMEDOUT;
	n = rdmarpc_pb_poll(kv->ep, 0);
	return n < 0 && n != -EINTR ? n : 0;
}

/*
 * Call @method for keys @prefix%08u, 0 <= u < @count, with up to
 * kv->window in flight; @make fills the request of key index u.
 */
static int run_batch(struct kv *kv, unsigned int method, unsigned int count,
		     struct batch *b,
		     const ProtobufCMessage *(*make)(struct batch *b,
						     unsigned int u,
						     void *buf))
{
	union {
		GetRequest get;
		PutRequest put;
		DeleteRequest del;
		char pad[512];
	} buf;
	struct slot *slots = calloc(count ? count : 1, sizeof(*slots));
	unsigned int next = 0, spins = 0;
	int err = 0;

	if (!slots)
		return -ENOMEM;
	while (!err && (next < count || b->inflight)) {
		while (next < count && b->inflight < kv->window) {
			const ProtobufCMessage *m = make(b, next, &buf);

			slots[next].index = next;
			slots[next].b = b;
			err = rdmarpc_pb_submit(kv->async, method, m,
						slot_done, &slots[next]);
			if (err == -EAGAIN && b->inflight) {
				err = 0;	/* the endpoint is full: reap */
				break;
			}
			if (err)
				break;
			b->inflight++;
			next++;
		}
		if (!err && b->inflight)
			err = wait_completions(kv);
	}
	/*
	 * On an error the closures of the calls in flight still hold their
	 * slots: they run as the calls end (each has a timeout), here or
	 * in rdmarpc_pb_client_free(); only then are the slots free.
	 */
	while (err && b->inflight && rdmarpc_pb_poll(kv->ep, 1000) >= 0 &&
	       ++spins < 600)
		;
	if (!b->inflight)
		free(slots);
	return err;
}

static char key_buf[2][512];

static char *key_of(struct batch *b, unsigned int u, int which)
{
	snprintf(key_buf[which], sizeof(key_buf[which]), "%s%08u", b->prefix,
		 u);
	return key_buf[which];
}

static Value text_value;
static char text_buf[64];

static const ProtobufCMessage *make_put(struct batch *b, unsigned int u,
					void *buf)
{
	PutRequest *in = buf;

	rdmarpc__examples__kv__put_request__init(in);
	rdmarpc__examples__kv__value__init(&text_value);
	snprintf(text_buf, sizeof(text_buf), "value %u", u);
	text_value.kind_case = KIND(TEXT);
	text_value.text = text_buf;
	in->key = key_of(b, u, 0);
	in->value = &text_value;
	return &in->base;
}

static const ProtobufCMessage *make_get(struct batch *b, unsigned int u,
					void *buf)
{
	GetRequest *in = buf;

	rdmarpc__examples__kv__get_request__init(in);
	in->key = key_of(b, u, 0);
	return &in->base;
}

static const ProtobufCMessage *make_delete(struct batch *b, unsigned int u,
					   void *buf)
{
	DeleteRequest *in = buf;

	rdmarpc__examples__kv__delete_request__init(in);
	in->key = key_of(b, u, 0);
	return &in->base;
}

/* The value of key u is "value u", and the key is the one asked. */
static int verify_get(struct slot *s, const ProtobufCMessage *m)
{
	const GetResponse *r = (const GetResponse *)m;
	char want[64];

	snprintf(want, sizeof(want), "value %u", s->index);
	return r->entry && r->entry->value &&
	       r->entry->value->kind_case == KIND(TEXT) &&
	       !strcmp(r->entry->value->text, want) &&
	       !strcmp(r->entry->key, key_of(s->b, s->index, 1));
}

static int verify_created(struct slot *s, const ProtobufCMessage *m)
{
	(void)s;
	return ((const PutResponse *)m)->created;
}

static int verify_deleted(struct slot *s, const ProtobufCMessage *m)
{
	const DeleteResponse *r = (const DeleteResponse *)m;

	return r->previous && !strcmp(r->previous->key,
				      key_of(s->b, s->index, 1));
}

/* ---- the self-check ---- */

struct checks {
	unsigned int n, pass, fail;
};

static void __attribute__((format(printf, 3, 4)))
check(struct checks *ck, int ok, const char *fmt, ...)
{
	va_list ap;

	ck->n++;
	if (ok)
		ck->pass++;
	else
		ck->fail++;
	printf("%sok %u - ", ok ? "" : "not ", ck->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Why a call did not give what a check wanted, as a note. */
static void note_outcome(int rc)
{
	const struct rdmarpc_pb_result *r = rdmarpc_pb_last_result();

	if (rc > 0)
		printf("# %s (%d): %s\n", rdmarpc_status_name(r->status),
		       rc, r->message);
	else if (rc < 0)
		printf("# error %d: %s\n", rc, r->message);
}

static int same_message(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
	size_t la, lb;
	uint8_t *pa, *pb;
	int same;

	if (!a || !b)
		return 0;
	la = protobuf_c_message_get_packed_size(a);
	lb = protobuf_c_message_get_packed_size(b);
	pa = malloc(la + 1);
	pb = malloc(lb + 1);
	same = pa && pb && la == lb;
	if (same) {
		protobuf_c_message_pack(a, pa);
		protobuf_c_message_pack(b, pb);
		same = !memcmp(pa, pb, la);
	}
	free(pa);
	free(pb);
	return same;
}

/* Put @v at @key, get it back: the same value, every field. */
static int roundtrip(struct kv *kv, const char *key, Value *v,
		     uint64_t *version)
{
	GetResponse *g = NULL;
	PutResponse *p = NULL;
	int rc, ok;

	rc = do_put(kv, key, v, PUT_MODE(UPSERT), &p);
	if (rc) {
		note_outcome(rc);
		return 0;
	}
	*version = p->version;
	protobuf_c_message_free_unpacked(&p->base, NULL);
	rc = do_get(kv, key, &g);
	if (rc) {
		note_outcome(rc);
		return 0;
	}
	ok = g->entry && g->entry->value && !strcmp(g->entry->key, key) &&
	     g->entry->version == *version &&
	     same_message(&v->base, &g->entry->value->base);
	/* The record's fields one by one too, where a repack could hide. */
	if (ok && v->kind_case == KIND(RECORD)) {
		const Record *r = g->entry->value->record;

		ok = r->i64 == INT64_MIN && r->u64 == UINT64_MAX &&
		     r->s64 == -9000000000000000000LL && r->sf32 == -1 &&
		     r->f32 == 0xdeadbeefu && r->score == -1.25e-300 &&
		     r->n_samples == 500 && r->samples[499] ==
		     v->record->samples[499] && r->blob.len == 64 &&
		     !memcmp(r->blob.data, v->record->blob.data, 64) &&
		     r->origin && r->origin->x == -7 && r->n_counters == 2 &&
		     r->counters[0]->value == UINT64_MAX &&
		     r->n_palette == 3 && r->palette[2] == COLOR(GREEN) &&
		     r->n_tags == 4 && !strcmp(r->tags[2], v->record->tags[2]);
	}
	protobuf_c_message_free_unpacked(&g->base, NULL);
	return ok;
}

/* Expect status @want from a call that returned @rc, with @msg in it. */
static int is_status(int rc, int32_t want, const char *msg)
{
	const struct rdmarpc_pb_result *r = rdmarpc_pb_last_result();
	int ok = rc == want && r->status == want &&
		 (!msg || strstr(r->message, msg));

	if (!ok)
		note_outcome(rc);
	return ok;
}

/*
 * @msg names method id @id: in hex (any case, "0x" or not) or decimal.
 * The binding writes "method id 0x%08x"; a module that answers for a
 * method nobody serves may word it its own way.
 */
static int mentions_id(const char *msg, uint32_t id)
{
	char hex[16], dec[16], low[RDMARPC_STATUS_MSG_MAX + 1];
	size_t i;

	for (i = 0; msg[i] && i < RDMARPC_STATUS_MSG_MAX; i++)
		low[i] = (char)tolower((unsigned char)msg[i]);
	low[i] = 0;
	snprintf(hex, sizeof(hex), "%x", id);
	snprintf(dec, sizeof(dec), "%u", id);
	return strstr(low, hex) || strstr(low, dec);
}

/* A client built from a newer .proto: Kv has one more method. */
static ProtobufCMethodDescriptor newer_methods[KV_N_METHODS + 1];
static ProtobufCServiceDescriptor newer_desc;

static ProtobufCService *newer_client(struct kv *kv)
{
	memcpy(newer_methods, KV_DESC->methods,
	       KV_N_METHODS * sizeof(newer_methods[0]));
	newer_methods[KV_N_METHODS] = newer_methods[KV_GET];
	newer_methods[KV_N_METHODS].name = "Compact";
	newer_desc = *KV_DESC;
	newer_desc.n_methods = KV_N_METHODS + 1;
	newer_desc.methods = newer_methods;
	newer_desc.method_indices_by_name = NULL;
	return rdmarpc_pb_client_new(&newer_desc, kv->ep, kv->handle, NULL);
}

static int call_unknown(struct kv *kv, char *msg_id, size_t len)
{
	GetRequest in = RDMARPC__EXAMPLES__KV__GET_REQUEST__INIT;
	ProtobufCService *c = newer_client(kv);
	int rc;

	if (!c)
		return -errno;
	snprintf(msg_id, len, "0x%08x",
		 rdmarpc_pb_method_id(&newer_desc, KV_N_METHODS));
	in.key = "k";
	rc = rdmarpc_pb_call(c, KV_N_METHODS, &in.base, NULL);
	rdmarpc_pb_client_free(c);
	return rc;
}

static int cmd_check(struct kv *kv, unsigned int entries)
{
	static const int kinds[] = { KIND(TEXT), KIND(RAW), KIND(NUMBER),
				     KIND(REAL), KIND(FLAG), KIND(RECORD) };
	static const char *const kind_names[] = { "text", "raw bytes",
		"number", "real", "flag", "record with every kind of field" };
	static struct record_store rs;
	char prefix[64], key[160], key2[128], id[16];
	ScanRequest sin = RDMARPC__EXAMPLES__KV__SCAN_REQUEST__INIT;
	const struct rdmarpc_pb_result *res = rdmarpc_pb_last_result();
	struct rdmarpc_pb_client_opts small = { .max_resp = 4096 };
	uint8_t raw[] = { 0, 0xff, 0, 'k', 'v', 0x80 };
	DeleteResponse *d = NULL;
	ScanResponse *s = NULL;
	PutResponse *p = NULL;
	struct checks ck = { 0 };
	ProtobufCService *sc;
	struct batch b;
	uint64_t version = 0;
	unsigned int i, total, bad;
	Value v;
	int rc, ok;

	snprintf(prefix, sizeof(prefix), "check-%d/", (int)getpid());

	/* 1. Every kind of the value's oneof, a record with every field. */
	for (i = 0; i < 6; i++) {
		rdmarpc__examples__kv__value__init(&v);
		v.kind_case = kinds[i];
		switch (kinds[i]) {
		case KIND(TEXT):
			v.text = "hello rdma \xe2\x9c\x93";
			break;
		case KIND(RAW):
			v.raw.data = raw;
			v.raw.len = sizeof(raw);
			break;
		case KIND(NUMBER):
			v.number = INT64_MIN;
			break;
		case KIND(REAL):
			v.real = -0.1;
			break;
		case KIND(FLAG):
			v.flag = 1;
			break;
		default:
			fill_record(&rs, "every field");
			v.record = &rs.r;
		}
		snprintf(key, sizeof(key), "%skind/%u", prefix, i);
		ok = roundtrip(kv, key, &v, &version);
		check(&ck, ok && version == 1,
		      "put and get: a value of kind %s (version %" PRIu64 ")",
		      kind_names[i], version);
	}

	/* 2. Versions and put modes. */
	snprintf(key, sizeof(key), "%skind/0", prefix);
	rdmarpc__examples__kv__value__init(&v);
	v.kind_case = KIND(TEXT);
	v.text = "replaced";
	rc = do_put(kv, key, &v, PUT_MODE(REPLACE), &p);
	check(&ck, !rc && p->version == 2 && !p->created,
	      "put REPLACE of an existing key: version 2, not created");
	if (p)
		protobuf_c_message_free_unpacked(&p->base, NULL);
	p = NULL;
	rc = do_put(kv, key, &v, PUT_MODE(CREATE), NULL);
	check(&ck, is_status(rc, RDMARPC_STATUS_ALREADY_EXISTS, "exists"),
	      "put CREATE of an existing key: ALREADY_EXISTS \"%s\"",
	      res->message);
	snprintf(key2, sizeof(key2), "%snever", prefix);
	rc = do_put(kv, key2, &v, PUT_MODE(REPLACE), NULL);
	check(&ck, is_status(rc, RDMARPC_STATUS_NOT_FOUND, "to replace"),
	      "put REPLACE of a missing key: NOT_FOUND \"%s\"",
	      res->message);
	rdmarpc__examples__kv__value__init(&v);
	rc = do_put(kv, key2, &v, PUT_MODE(UPSERT), NULL);
	check(&ck, is_status(rc, RDMARPC_STATUS_INVALID_ARGUMENT, "no kind"),
	      "put of a value with no kind: INVALID_ARGUMENT \"%s\"",
	      res->message);

	/* 3. Handler errors: status and message as the server sent them. */
	snprintf(key2, sizeof(key2), "%smissing", prefix);
	rc = do_get(kv, key2, NULL);
	snprintf(key, sizeof(key), "no key \"%s\"", key2);
	check(&ck, is_status(rc, RDMARPC_STATUS_NOT_FOUND, NULL) &&
	      !strcmp(res->message, key),
	      "get of a missing key: NOT_FOUND \"%s\"", res->message);
	rc = do_get(kv, "", NULL);
	check(&ck, is_status(rc, RDMARPC_STATUS_INVALID_ARGUMENT, NULL) &&
	      !strcmp(res->message, "empty key"),
	      "get of an empty key: INVALID_ARGUMENT \"%s\"", res->message);

	/* 4. Delete. */
	snprintf(key, sizeof(key), "%skind/1", prefix);
	rc = do_delete(kv, key, &d);
	check(&ck, !rc && d->previous && d->previous->value &&
	      d->previous->value->kind_case == KIND(RAW) &&
	      d->previous->value->raw.len == sizeof(raw) &&
	      !memcmp(d->previous->value->raw.data, raw, sizeof(raw)),
	      "delete returns the entry it removed");
	if (d)
		protobuf_c_message_free_unpacked(&d->base, NULL);
	rc = do_get(kv, key, NULL);
	check(&ck, is_status(rc, RDMARPC_STATUS_NOT_FOUND, NULL),
	      "get after delete: NOT_FOUND");
	rc = do_delete(kv, key, NULL);
	check(&ck, is_status(rc, RDMARPC_STATUS_NOT_FOUND, NULL),
	      "delete of a missing key: NOT_FOUND \"%s\"", res->message);

	/* 5. Many calls in flight: puts, then gets, each closure once. */
	memset(&b, 0, sizeof(b));
	snprintf(b.prefix, sizeof(b.prefix), "%sbulk/", prefix);
	b.verify = verify_created;
	rc = run_batch(kv, KV_PUT, entries, &b, make_put);
	check(&ck, !rc && b.ok == entries && !b.twice,
	      "%u puts, up to %u in flight: %u created, %u closures twice%s%s",
	      entries, kv->window, b.ok, b.twice, rc ? ": " : "",
	      rc ? rdmarpc_strerror(rc) : "");

	/* 6. One scan of thousands of entries. */
	snprintf(key, sizeof(key), "%sbulk/", prefix);
	snprintf(key2, sizeof(key2), "%sbulk0", prefix);	/* '/' + 1 */
	sin.start = key;
	sin.end = key2;
	sin.limit = entries;
	rc = do_scan(kv->sync, kv->max_resp, &sin, &s, 1);
	bad = 0;
	for (i = 0; !rc && i < s->n_entries; i++) {
		char want[64];

		snprintf(want, sizeof(want), "value %u", i);
		if (strcmp(s->entries[i]->key, key_of(&b, i, 1)) ||
		    !s->entries[i]->value ||
		    s->entries[i]->value->kind_case != KIND(TEXT) ||
		    strcmp(s->entries[i]->value->text, want))
			bad++;
	}
	check(&ck, !rc && s->n_entries == entries && !bad && !s->more,
	      "scan of %u entries in one response (%zu bytes): %zu entries, in order, %u wrong",
	      entries, res->resp_len, rc ? 0 : s->n_entries, bad);
	if (rc)
		note_outcome(rc);
	if (s)
		protobuf_c_message_free_unpacked(&s->base, NULL);
	s = NULL;

	/* 7. The same with a client that takes 4 KiB: -ENOBUFS, its size. */
	sc = rdmarpc_pb_client_new(KV_DESC, kv->ep, kv->handle, &small);
	rc = sc ? rdmarpc_pb_call(sc, KV_SCAN, &sin.base, NULL) : -ENOMEM;
	total = (unsigned int)res->resp_len;
	check(&ck, rc == -ENOBUFS && res->error == -ENOBUFS &&
	      res->resp_len > 4096,
	      "scan into 4096 bytes: -ENOBUFS, the response's %zu bytes reported",
	      res->resp_len);
	rc = sc ? do_scan(sc, small.max_resp, &sin, &s, 1) : -ENOMEM;
	check(&ck, !rc && s->n_entries == entries && res->resp_len == total,
	      "asked again with room for %u bytes: %zu entries", total,
	      rc ? 0 : s->n_entries);
	if (s)
		protobuf_c_message_free_unpacked(&s->base, NULL);
	s = NULL;
	rdmarpc_pb_client_free(sc);

	/* 8. Pages of 1000: every entry once, in order. */
	total = 0;
	bad = 0;
	sin.limit = 1000;
	sin.keys_only = 1;
	snprintf(key, sizeof(key), "%sbulk/", prefix);
	for (;;) {
		rc = do_scan(kv->sync, kv->max_resp, &sin, &s, 1);
		if (rc)
			break;
		for (i = 0; i < s->n_entries; i++)
			if (strcmp(s->entries[i]->key, key_of(&b, total + i, 1)) ||
			    s->entries[i]->value)
				bad++;
		total += s->n_entries;
		if (!s->more || !s->n_entries)
			break;
		snprintf(key, sizeof(key), "%s", s->next_start);
		protobuf_c_message_free_unpacked(&s->base, NULL);
		s = NULL;
	}
	if (s)
		protobuf_c_message_free_unpacked(&s->base, NULL);
	s = NULL;
	check(&ck, !rc && total == entries && !bad,
	      "scan in pages of 1000, keys only: %u entries, %u wrong", total,
	      bad);
	sin.keys_only = 0;

	sin.limit = KV_SCAN_MAX + 1;
	rc = do_scan(kv->sync, kv->max_resp, &sin, NULL, 1);
	check(&ck, is_status(rc, RDMARPC_STATUS_OUT_OF_RANGE, "above"),
	      "scan limit %u: OUT_OF_RANGE \"%s\"", KV_SCAN_MAX + 1,
	      res->message);
	sin.limit = 10;
	sin.start = key2;
	sin.end = key;
	rc = do_scan(kv->sync, kv->max_resp, &sin, NULL, 1);
	check(&ck, is_status(rc, RDMARPC_STATUS_INVALID_ARGUMENT, "before"),
	      "scan whose end is before its start: INVALID_ARGUMENT");

	memset(&b, 0, sizeof(b));
	snprintf(b.prefix, sizeof(b.prefix), "%sbulk/", prefix);
	b.verify = verify_get;
	rc = run_batch(kv, KV_GET, entries, &b, make_get);
	check(&ck, !rc && b.ok == entries && !b.twice,
	      "%u gets in flight: %u values right, %u closures twice", entries,
	      b.ok, b.twice);

	/* 9. What the server does not know. */
	{
		char buf[512];
		size_t len = 0;
		int32_t status = 0;

		rc = rdmarpc_call(kv->ep, kv->handle,
				  rdmarpc_pb_method_id(KV_DESC, KV_PUT),
				  "\xff\xff\xff", 3, buf, sizeof(buf) - 1,
				  &len, &status, kv->timeout_ms);
		buf[!rc && len < sizeof(buf) ? len : 0] = 0;
		check(&ck, !rc && status == RDMARPC_STATUS_INVALID_ARGUMENT &&
		      strstr(buf, "does not unpack"),
		      "a Put request that does not unpack: %s \"%s\"",
		      rc ? rdmarpc_strerror(rc) : rdmarpc_status_name(status),
		      buf);
	}
	rc = call_unknown(kv, id, sizeof(id));
	check(&ck, is_status(rc, RDMARPC_STATUS_UNIMPLEMENTED, NULL) &&
	      mentions_id(res->message, (uint32_t)strtoul(id, NULL, 16)),
	      "a method the server does not have (%s): UNIMPLEMENTED \"%s\"",
	      id, res->message);

	/* 10. Clean up: deletes in flight, then nothing is left. */
	memset(&b, 0, sizeof(b));
	snprintf(b.prefix, sizeof(b.prefix), "%sbulk/", prefix);
	b.verify = verify_deleted;
	rc = run_batch(kv, KV_DELETE, entries, &b, make_delete);
	for (i = 0; i < 6; i++) {
		snprintf(key, sizeof(key), "%skind/%u", prefix, i);
		if (i != 1)
			do_delete(kv, key, NULL);
	}
	snprintf(key, sizeof(key), "%s", prefix);
	snprintf(key2, sizeof(key2), "check-%d0", (int)getpid());
	sin.start = key;
	sin.end = key2;
	sin.limit = 0;
	rc = rc ? rc : do_scan(kv->sync, kv->max_resp, &sin, &s, 1);
	check(&ck, !rc && b.ok == entries && s->n_entries == 0,
	      "%u deletes in flight: %u removed; nothing left under %s",
	      entries, b.ok, prefix);
	if (s)
		protobuf_c_message_free_unpacked(&s->base, NULL);

	printf("kv_client: check: %u passed, %u failed\n", ck.pass, ck.fail);
	return ck.fail ? 1 : 0;
}

/* ---- the CLI's commands ---- */

static int hex_to_bytes(const char *s, uint8_t **out, size_t *len)
{
	size_t n = strlen(s), i;
	unsigned int byte;

	if (n % 2)
		return -1;
	*out = malloc(n / 2 + 1);
	if (!*out)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(s + 2 * i, "%2x", &byte) != 1) {
			free(*out);
			return -1;
		}
		(*out)[i] = (uint8_t)byte;
	}
	*len = n / 2;
	return 0;
}

static int parse_value(const char *as, char *text, Value *v,
		       struct record_store *rs, uint8_t **hex)
{
	char *end;

	rdmarpc__examples__kv__value__init(v);
	errno = 0;
	if (!strcmp(as, "text")) {
		v->kind_case = KIND(TEXT);
		v->text = text;
	} else if (!strcmp(as, "number")) {
		v->kind_case = KIND(NUMBER);
		v->number = strtoll(text, &end, 0);
		if (errno || *end || !*text)
			return -1;
	} else if (!strcmp(as, "real")) {
		v->kind_case = KIND(REAL);
		v->real = strtod(text, &end);
		if (errno || *end || !*text)
			return -1;
	} else if (!strcmp(as, "flag")) {
		v->kind_case = KIND(FLAG);
		if (!strcmp(text, "true") || !strcmp(text, "1"))
			v->flag = 1;
		else if (strcmp(text, "false") && strcmp(text, "0"))
			return -1;
	} else if (!strcmp(as, "hex")) {
		v->kind_case = KIND(RAW);
		if (hex_to_bytes(text, hex, &v->raw.len))
			return -1;
		v->raw.data = *hex;
	} else if (!strcmp(as, "record")) {
		v->kind_case = KIND(RECORD);
		fill_record(rs, text);
		v->record = &rs->r;
	} else {
		return -1;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kv_client [--peer ADDR] [--timeout MS] [--max-resp BYTES] [--window N] COMMAND\n"
		"  get KEY\n"
		"  put [--create|--replace] [--as text|number|real|flag|hex|record] KEY VALUE\n"
		"  delete KEY\n"
		"  scan [--limit N] [--keys-only] [START [END]]\n"
		"  fill PREFIX COUNT\n"
		"  unknown\n"
		"  check [--entries N]\n");
}

static int parse_num(const char *s, unsigned long long max,
		     unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end || !*s || *s == '-' || *out > max ? -1 : 0;
}

static int cmd_main(struct kv *kv, int argc, char **argv)
{
	static const struct option sub_opts[] = {
		{ "create", no_argument, NULL, 'c' },
		{ "replace", no_argument, NULL, 'r' },
		{ "as", required_argument, NULL, 'a' },
		{ "limit", required_argument, NULL, 'l' },
		{ "keys-only", no_argument, NULL, 'k' },
		{ "entries", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = argv[0], *as = "text";
	unsigned long long limit = 0, entries = 5000;
	int mode = PUT_MODE(UPSERT), keys_only = 0, opt, rc;
	static struct record_store rs;

	optind = 0;		/* glibc: start the sub-command afresh */
	while ((opt = getopt_long(argc, argv, "+", sub_opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			mode = PUT_MODE(CREATE);
			break;
		case 'r':
			mode = PUT_MODE(REPLACE);
			break;
		case 'a':
			as = optarg;
			break;
		case 'l':
			if (parse_num(optarg, UINT32_MAX, &limit))
				return -2;
			break;
		case 'k':
			keys_only = 1;
			break;
		case 'e':
			if (parse_num(optarg, 1000000, &entries) || !entries)
				return -2;
			break;
		default:
			return -2;
		}
	}
	argc -= optind;
	argv += optind;

	if (!strcmp(cmd, "get") && argc == 1) {
		GetResponse *g = NULL;

		rc = do_get(kv, argv[0], &g);
		if (rc)
			return report("get", rc);
		print_value(stdout, g->entry ? g->entry->value : NULL);
		putchar('\n');
		protobuf_c_message_free_unpacked(&g->base, NULL);
		return 0;
	}
	if (!strcmp(cmd, "put") && argc == 2) {
		PutResponse *p = NULL;
		uint8_t *hex = NULL;
		Value v;

		if (parse_value(as, argv[1], &v, &rs, &hex)) {
			fprintf(stderr, "kv_client: put: \"%s\" is no %s\n",
				argv[1], as);
			return 2;
		}
		rc = do_put(kv, argv[0], &v, mode, &p);
		free(hex);
		if (rc)
			return report("put", rc);
		printf("version %" PRIu64 "%s\n", p->version,
		       p->created ? " (created)" : "");
		protobuf_c_message_free_unpacked(&p->base, NULL);
		return 0;
	}
	if (!strcmp(cmd, "delete") && argc == 1) {
		DeleteResponse *d = NULL;

		rc = do_delete(kv, argv[0], &d);
		if (rc)
			return report("delete", rc);
		print_value(stdout, d->previous ? d->previous->value : NULL);
		putchar('\n');
		protobuf_c_message_free_unpacked(&d->base, NULL);
		return 0;
	}
	if (!strcmp(cmd, "scan") && argc <= 2) {
		ScanRequest in = RDMARPC__EXAMPLES__KV__SCAN_REQUEST__INIT;
		ScanResponse *s = NULL;
		size_t i;

		if (argc > 0)
			in.start = argv[0];
		if (argc > 1)
			in.end = argv[1];
		in.limit = (uint32_t)limit;
		in.keys_only = keys_only;
		rc = do_scan(kv->sync, kv->max_resp, &in, &s, 0);
		if (rc)
			return report("scan", rc);
		for (i = 0; i < s->n_entries; i++) {
			fputs(s->entries[i]->key, stdout);
			if (!keys_only) {
				putchar('\t');
				print_value(stdout, s->entries[i]->value);
			}
			putchar('\n');
		}
		if (s->more)
			fprintf(stderr, "more: %s\n", s->next_start);
		protobuf_c_message_free_unpacked(&s->base, NULL);
		return 0;
	}
	if (!strcmp(cmd, "fill") && argc == 2) {
		unsigned long long count;
		struct batch b;

		if (parse_num(argv[1], 10000000, &count))
			return -2;
		memset(&b, 0, sizeof(b));
		snprintf(b.prefix, sizeof(b.prefix), "%s", argv[0]);
		rc = run_batch(kv, KV_PUT, (unsigned int)count, &b, make_put);
		printf("fill: %u of %llu put%s%s\n", b.ok, count,
		       rc ? ": " : "", rc ? rdmarpc_strerror(rc) : "");
		return !rc && b.ok == count && !b.twice ? 0 : 1;
	}
	if (!strcmp(cmd, "unknown") && argc == 0) {
		char id[16];

		rc = call_unknown(kv, id, sizeof(id));
		if (!rc) {
			fprintf(stderr, "kv_client: unknown: method %s answered OK\n",
				id);
			return 1;
		}
		return report("unknown", rc);
	}
	if (!strcmp(cmd, "check") && argc == 0)
		return cmd_check(kv, (unsigned int)entries);
	return -2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "peer", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "max-resp", required_argument, NULL, 'm' },
		{ "window", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rdmarpc_pb_client_opts co = { 0 };
	struct kv kv = { .window = 64, .max_resp = RDMARPC_PB_DEFAULT_MAX_RESP };
	const char *peer = getenv("RDMARPC_PEER_IP");
	unsigned long long v;
	int opt, rc;

	if (!peer || !*peer)
		peer = "127.0.0.1";
	while ((opt = getopt_long(argc, argv, "+p:t:m:w:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			peer = optarg;
			break;
		case 't':
			if (parse_num(optarg, UINT32_MAX, &v))
				goto usage;
			kv.timeout_ms = (unsigned int)v;
			break;
		case 'm':
			if (parse_num(optarg, RDMARPC_PB_MSG_LIMIT, &v) ||
			    v < RDMARPC_STATUS_MSG_MAX)
				goto usage;
			kv.max_resp = v;
			break;
		case 'w':
			if (parse_num(optarg, 4096, &v) || !v)
				goto usage;
			kv.window = (unsigned int)v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto usage;
		}
	}
	if (optind >= argc)
		goto usage;
	setvbuf(stdout, NULL, _IOLBF, 0);

	rc = rdmarpc_open(&kv.ep);
	if (rc) {
		fprintf(stderr, "kv_client: %s\n",
			rdmarpc_strerror_of(rdmarpc_open, rc));
		return 1;
	}
	kv.handle = rdmarpc_connect(kv.ep, peer, 0);
	if (kv.handle < 0) {
		fprintf(stderr, "kv_client: connect %s: %s\n", peer,
			rdmarpc_strerror_of(rdmarpc_connect, kv.handle));
		rdmarpc_close(kv.ep);
		return 1;
	}
	co.max_resp = kv.max_resp;
	co.timeout_ms = kv.timeout_ms;
	kv.sync = rdmarpc_pb_client_new(KV_DESC, kv.ep, kv.handle, &co);
	co.flags = RDMARPC_PB_CLIENT_ASYNC;
	kv.async = rdmarpc_pb_client_new(KV_DESC, kv.ep, kv.handle, &co);
	if (!kv.sync || !kv.async) {
		fprintf(stderr, "kv_client: %s\n", strerror(errno));
		rc = 1;
	} else {
		rc = cmd_main(&kv, argc - optind, argv + optind);
	}
	rdmarpc_pb_client_free(kv.sync);
	rdmarpc_pb_client_free(kv.async);
	rdmarpc_close(kv.ep);
	if (rc == -2)
		goto usage;
	return rc;

usage:
	usage(stderr);
	return 2;
}
