// SPDX-License-Identifier: MIT
/*
 * kv_server: the key-value service of kv.proto, kept in memory, served
 * with librdmarpc-protobuf.
 *
 *   kv_server [--workers N] [--max-req BYTES]
 *
 * Get, Put and Delete answer from the serving thread.  Scan is handed to
 * a pool of N worker threads (default 2) that answer later: the handler
 * keeps the request (closure_data) and returns, the serving thread takes
 * the next request, and a worker replies when the scan is built.  Errors
 * are statuses with a message (see kv.proto).
 *
 * Prints "kv_server: serving rdmarpc.examples.kv.Kv ..." once it serves.
 * SIGINT or SIGTERM: finish the scans queued, print the server's counters
 * and exit 0.  Exit status 1 on an error, 2 on a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"

/* ---- the store: entries sorted by key, under a read-write lock ---- */

struct item {
	char *key;
	uint8_t *val;			/* the Value, packed */
	size_t len;
	uint64_t version;
};

static struct item *items;
static size_t n_items, cap_items;
static pthread_rwlock_t store_lock = PTHREAD_RWLOCK_INITIALIZER;

/* The first index whose key is >= @key; *found if it is equal. */
static size_t lower_bound(const char *key, int *found)
{
	size_t lo = 0, hi = n_items;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(items[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (found)
		*found = lo < n_items && !strcmp(items[lo].key, key);
	return lo;
}

/* Unpack a stored value (NULL: no memory; the caller answers so). */
static Value *item_value(const struct item *it)
{
	return (Value *)protobuf_c_message_unpack(KV_VALUE_DESC, NULL,
						  it->len, it->val);
}

/* Answer INVALID_ARGUMENT for a bad key; 1 if it did. */
static int bad_key(const char *key, struct rdmarpc_pb_req *req)
{
	size_t n = key ? strlen(key) : 0;

	if (!n) {
		rdmarpc_pb_reply_error(req, RDMARPC_STATUS_INVALID_ARGUMENT,
				       "empty key");
		return 1;
	}
	if (n > KV_MAX_KEY) {
		rdmarpc_pb_reply_error(req, RDMARPC_STATUS_INVALID_ARGUMENT,
				       "key of %zu bytes, above %d", n,
				       KV_MAX_KEY);
		return 1;
	}
	return 0;
}

static void no_memory(struct rdmarpc_pb_req *req)
{
	rdmarpc_pb_reply_error(req, RDMARPC_STATUS_RESOURCE_EXHAUSTED,
			       "kv_server: out of memory");
}

/* ---- Get, Put, Delete: answered at once ---- */

static void kv_get(KvService *svc, const GetRequest *in,
		   Rdmarpc__Examples__Kv__GetResponse_Closure closure,
		   void *data)
{
	GetResponse out = RDMARPC__EXAMPLES__KV__GET_RESPONSE__INIT;
	Entry e = RDMARPC__EXAMPLES__KV__ENTRY__INIT;
	Value *v = NULL;
	size_t i;
	int found;

	(void)svc;
	if (bad_key(in->key, data))
		return;
	pthread_rwlock_rdlock(&store_lock);
	i = lower_bound(in->key, &found);
	if (found) {
		v = item_value(&items[i]);
		e.version = items[i].version;
	}
	pthread_rwlock_unlock(&store_lock);
	if (!found) {
		rdmarpc_pb_reply_error(data, RDMARPC_STATUS_NOT_FOUND,
				       "no key \"%s\"", in->key);
		return;
	}
	if (!v) {
		no_memory(data);
		return;
	}
	e.key = in->key;
	e.value = v;
	out.entry = &e;
	closure(&out, data);
	protobuf_c_message_free_unpacked(&v->base, NULL);
}

static void kv_put(KvService *svc, const PutRequest *in,
		   Rdmarpc__Examples__Kv__PutResponse_Closure closure,
		   void *data)
{
	PutResponse out = RDMARPC__EXAMPLES__KV__PUT_RESPONSE__INIT;
	uint8_t *val, *old = NULL;
	char *key = NULL;
	size_t i, len;
	int found;

	(void)svc;
	if (bad_key(in->key, data))
		return;
	if (!in->value || in->value->kind_case == KIND_NOT_SET) {
		rdmarpc_pb_reply_error(data, RDMARPC_STATUS_INVALID_ARGUMENT,
				       "the value of \"%s\" has no kind set",
				       in->key);
		return;
	}
	len = protobuf_c_message_get_packed_size(&in->value->base);
	val = malloc(len ? len : 1);
	if (!val) {
		no_memory(data);
		return;
	}
	protobuf_c_message_pack(&in->value->base, val);

	pthread_rwlock_wrlock(&store_lock);
	i = lower_bound(in->key, &found);
	if (found && in->mode == PUT_MODE(CREATE)) {
		uint64_t version = items[i].version;

		pthread_rwlock_unlock(&store_lock);
		free(val);
		rdmarpc_pb_reply_error(data, RDMARPC_STATUS_ALREADY_EXISTS,
				       "key \"%s\" exists (version %" PRIu64 ")",
				       in->key, version);
		return;
	}
	if (!found && in->mode == PUT_MODE(REPLACE)) {
		pthread_rwlock_unlock(&store_lock);
		free(val);
		rdmarpc_pb_reply_error(data, RDMARPC_STATUS_NOT_FOUND,
				       "no key \"%s\" to replace", in->key);
		return;
	}
	if (!found && n_items == cap_items) {
		size_t cap = cap_items ? 2 * cap_items : 1024;
		struct item *n = realloc(items, cap * sizeof(*n));

		if (n) {
			items = n;
			cap_items = cap;
		}
	}
	if (!found && (n_items == cap_items || !(key = strdup(in->key)))) {
		pthread_rwlock_unlock(&store_lock);
		free(val);
		no_memory(data);
		return;
	}
	if (found) {
		old = items[i].val;
		items[i].version++;
	} else {
		memmove(&items[i + 1], &items[i],
			(n_items - i) * sizeof(items[0]));
		n_items++;
		items[i].key = key;
		items[i].version = 1;
	}
	items[i].val = val;
	items[i].len = len;
	out.version = items[i].version;
	out.created = !found;
	pthread_rwlock_unlock(&store_lock);
	free(old);
	closure(&out, data);
}

static void kv_delete(KvService *svc, const DeleteRequest *in,
		      Rdmarpc__Examples__Kv__DeleteResponse_Closure closure,
		      void *data)
{
	DeleteResponse out = RDMARPC__EXAMPLES__KV__DELETE_RESPONSE__INIT;
	Entry e = RDMARPC__EXAMPLES__KV__ENTRY__INIT;
	struct item it;
	size_t i;
	int found;

	(void)svc;
	if (bad_key(in->key, data))
		return;
	pthread_rwlock_wrlock(&store_lock);
	i = lower_bound(in->key, &found);
	if (found) {
		it = items[i];
		memmove(&items[i], &items[i + 1],
			(n_items - i - 1) * sizeof(items[0]));
		n_items--;
	}
	pthread_rwlock_unlock(&store_lock);
	if (!found) {
		rdmarpc_pb_reply_error(data, RDMARPC_STATUS_NOT_FOUND,
				       "no key \"%s\"", in->key);
		return;
	}
	e.key = it.key;
	e.version = it.version;
	e.value = item_value(&it);
	out.previous = &e;
	if (e.value)
		closure(&out, data);
	else
		no_memory(data);
	if (e.value)
		protobuf_c_message_free_unpacked(&e.value->base, NULL);
	free(it.key);
	free(it.val);
}

/* ---- Scan: answered later, by a worker thread ---- */

struct job {
	struct job *next;
	const ScanRequest *in;		/* valid until the request is answered */
	struct rdmarpc_pb_req *req;
};

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_cond = PTHREAD_COND_INITIALIZER;
static struct job *jobs_head, **jobs_tail = &jobs_head;
static int jobs_stop;

static void kv_scan(KvService *svc, const ScanRequest *in,
		    Rdmarpc__Examples__Kv__ScanResponse_Closure closure,
		    void *data)
{
	struct job *j = calloc(1, sizeof(*j));

	(void)svc;
	(void)closure;			/* the worker answers with the request */
	if (!j) {
		no_memory(data);
		return;
	}
	j->in = in;
	j->req = data;
	pthread_mutex_lock(&jobs_lock);
	*jobs_tail = j;
	jobs_tail = &j->next;
	pthread_cond_signal(&jobs_cond);
	pthread_mutex_unlock(&jobs_lock);
}

static void run_scan(const ScanRequest *in, struct rdmarpc_pb_req *req)
{
	ScanResponse out = RDMARPC__EXAMPLES__KV__SCAN_RESPONSE__INIT;
	uint32_t limit = in->limit ? in->limit : KV_SCAN_DEFAULT;
	Entry *entries = NULL, **ptrs = NULL;
	size_t i, n = 0, first;
	int oom = 0, cancelled = 0;
	int64_t left_ms = -1;

	/*
	 * Queued behind other scans: the caller may have given up meanwhile
	 * (cancelled, or out of time).  Then the work is for nobody.
	 */
	if (!rdmarpc_pb_req_state(req, &cancelled, &left_ms) &&
	    (cancelled || left_ms == 0)) {
		rdmarpc_pb_reply_error(req, cancelled ?
				       RDMARPC_STATUS_CANCELLED :
				       RDMARPC_STATUS_DEADLINE_EXCEEDED,
				       "scan not started: the caller gave up");
		return;
	}
	if (limit > KV_SCAN_MAX) {
		rdmarpc_pb_reply_error(req, RDMARPC_STATUS_OUT_OF_RANGE,
				       "scan limit %u above %u", limit,
				       KV_SCAN_MAX);
		return;
	}
	if (in->end[0] && strcmp(in->end, in->start) < 0) {
		rdmarpc_pb_reply_error(req, RDMARPC_STATUS_INVALID_ARGUMENT,
				       "scan end \"%s\" before its start \"%s\"",
				       in->end, in->start);
		return;
	}
	/* Held until the reply is sent: the entries point into the store. */
	pthread_rwlock_rdlock(&store_lock);
	first = lower_bound(in->start, NULL);
	for (i = first; i < n_items && n < limit; i++, n++)
		if (in->end[0] && strcmp(items[i].key, in->end) >= 0)
			break;
	if (n) {
		entries = calloc(n, sizeof(*entries));
		ptrs = calloc(n, sizeof(*ptrs));
		oom = !entries || !ptrs;
	}
	for (i = 0; i < n && !oom; i++) {
		const struct item *it = &items[first + i];

		rdmarpc__examples__kv__entry__init(&entries[i]);
		entries[i].key = it->key;
		entries[i].version = it->version;
		if (!in->keys_only) {
			entries[i].value = item_value(it);
			oom = !entries[i].value;
		}
		ptrs[i] = &entries[i];
	}
	out.n_entries = n;
	out.entries = ptrs;
	i = first + n;
	if (i < n_items && (!in->end[0] || strcmp(items[i].key, in->end) < 0)) {
		out.more = 1;
		out.next_start = items[i].key;
	}
	if (oom)
		no_memory(req);
	else
		rdmarpc_pb_reply(req, &out.base);
	pthread_rwlock_unlock(&store_lock);
	for (i = 0; entries && i < n; i++)
		if (entries[i].value)
			protobuf_c_message_free_unpacked(&entries[i].value->base,
							  NULL);
	free(entries);
	free(ptrs);
}

static void *scan_worker(void *arg)
{
	struct job *j;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&jobs_lock);
		while (!jobs_head && !jobs_stop)
			pthread_cond_wait(&jobs_cond, &jobs_lock);
		j = jobs_head;
		if (j) {
			jobs_head = j->next;
			if (!jobs_head)
				jobs_tail = &jobs_head;
		}
		pthread_mutex_unlock(&jobs_lock);
		if (!j)
			return NULL;	/* stopping, and nothing left */
		run_scan(j->in, j->req);
		free(j);
	}
}

/* ---- main ---- */

static KvService kv_service = RDMARPC__EXAMPLES__KV__KV__INIT(kv_);
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: kv_server [--workers N] [--max-req BYTES]\n");
}

static int parse_num(const char *s, unsigned long long max,
		     unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end || !*s || *s == '-' || *out > max ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "workers", required_argument, NULL, 'w' },
		{ "max-req", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rdmarpc_pb_server_opts so = { 0 };
	struct rdmarpc_pb_server_stats st;
	struct rdmarpc_pb_server *srv = NULL;
	unsigned long long workers = 2, v;
	pthread_t threads[64];
	struct sigaction sa;
	sigset_t sigs, old;
	struct rdmarpc *ep;
	unsigned int i, started = 0;
	int opt, err, rc = 1;

	while ((opt = getopt_long(argc, argv, "w:m:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'w':
			if (parse_num(optarg, 64, &workers) || !workers) {
				usage(stderr);
				return 2;
			}
			break;
		case 'm':
			if (parse_num(optarg, RDMARPC_PB_MSG_LIMIT, &v)) {
				usage(stderr);
				return 2;
			}
			so.max_req = v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* No SA_RESTART: a signal ends the serving thread's wait. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	err = rdmarpc_open(&ep);
	if (err) {
		fprintf(stderr, "kv_server: %s\n",
			rdmarpc_strerror_of(rdmarpc_open, err));
		return 1;
	}
	err = rdmarpc_pb_server_new(ep, &so, &srv);
	if (!err)
		err = rdmarpc_pb_server_add(srv, &kv_service.base);
	if (err) {
		fprintf(stderr, "kv_server: serve %s: %s\n", KV_DESC->name,
			rdmarpc_strerror(err));
		goto out;
	}

	/* The workers never take the signals: the serving thread does. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	for (i = 0; i < workers; i++) {
		if (pthread_create(&threads[i], NULL, scan_worker, NULL))
			break;
		started++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!started) {
		fprintf(stderr, "kv_server: no worker thread\n");
		goto out;
	}

	printf("kv_server: serving %s:", KV_DESC->name);
	for (i = 0; i < KV_DESC->n_methods; i++)
		printf(" %s 0x%08" PRIx32, KV_DESC->methods[i].name,
		       rdmarpc_pb_method_id(KV_DESC, i));
	printf(" (%u scan workers)\n", started);

	rc = 0;
	while (!stop) {
		/* Bounded waits: a signal just before one cannot be missed. */
		err = rdmarpc_pb_server_serve(srv, 1000);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "kv_server: serve: %s\n",
				rdmarpc_strerror(err));
			rc = 1;
			break;
		}
	}

	pthread_mutex_lock(&jobs_lock);
	jobs_stop = 1;
	pthread_cond_broadcast(&jobs_cond);
	pthread_mutex_unlock(&jobs_lock);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	rdmarpc_pb_server_stats(srv, &st);
	printf("kv_server: %" PRIu64 " requests, %" PRIu64 " ok, %" PRIu64
	       " errors (%" PRIu64 " unimplemented, %" PRIu64
	       " bad), %" PRIu64 " replies failed, %zu keys\n",
	       st.requests, st.replied_ok, st.replied_error, st.unimplemented,
	       st.bad_requests, st.reply_failed, n_items);
out:
	rdmarpc_pb_server_free(srv);
	rdmarpc_close(ep);
	for (i = 0; i < n_items; i++) {
		free(items[i].key);
		free(items[i].val);
	}
	free(items);
	return rc;
}
