// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc-bench: calls per second and latency of rdmarpc.
 *
 *   rdmarpc-bench server [--service NAME] [--count N] [--batch N]
 *                 [--busy-poll US] [-q]
 *   rdmarpc-bench client --peer ADDR [--service NAME] [--size N]
 *                 [--concurrency N] [--duration S] [--warmup S]
 *                 [--timeout MS] [--busy-poll US] [--sink] [--verify]
 *                 [--uring] [--no-rings | --ring-thread] [--cdf] [--json]
 *   rdmarpc-bench nop [--count N] [--json]
 *
 * The server answers every request with its own bytes (method NAME), or
 * with nothing (method NAME.sink, the client's --sink: a one-way transfer
 * such as a write): it takes up to
 * BATCH requests per system call (rdmarpc_recv_batch, default 64) and
 * answers them in one more (rdmarpc_reply_batch); --batch 0 uses the
 * one-request forms (rdmarpc_recv, rdmarpc_reply).  --busy-poll US makes
 * every wait of the endpoint spin up to US microseconds before sleeping
 * (rdmarpc_busy_poll_set), on either side.  The client keeps
 * CONCURRENCY calls of SIZE bytes in flight on one endpoint (submit and
 * reap, batched), runs WARMUP seconds unmeasured and then DURATION
 * seconds, and reports calls, errors, calls/s, MB/s (request bytes, one
 * direction, 10^6 bytes), total MB/s (request and response bytes) and the
 * p50/p99/p999 latency in microseconds,
 * measured per call from its submit to its reap.  --verify gives every
 * call's request bytes unique to it and checks the response against them
 * (a mismatch counts as an error).  --cdf adds the latency distribution:
 * the latency at fractions 0 (the fastest call), 0.01 to 0.99 in steps of
 * 0.01, 0.999 and 1 (the slowest), from the same histogram as the
 * percentiles.  nop times the no-op ioctl: the bare cost of a system call
 * into the module.
 *
 * --uring issues every call as an io_uring command (IORING_OP_URING_CMD,
 * RDMARPC_URING_CALL) and takes its end from the CQE, instead of SUBMIT and
 * REAP.  With --busy-poll the client's calls go through shared rings where
 * the module offers them (see rdmarpc_busy_poll_set()); --no-rings keeps
 * them on the SUBMIT and REAP ioctls, --ring-thread has a ring thread of
 * the module serve the rings too (RDMARPC_RINGS_THREAD).
 *
 * JSON keys: client: size, concurrency, duration_s, calls, errors,
 * calls_per_sec, mb_per_sec, total_mb_per_sec, sink, p50_us, p99_us,
 * p999_us, busy_poll_us, mismatched, uring, rings, ring_thread, and with
 * --cdf, last, cdf: an
 * array of [us,fraction] pairs; nop: count, duration_s, ns_per_call,
 * calls_per_sec.
 * Exit status: 0 ok (client: at least one call and no errors), 1 failure,
 * 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <liburing.h>
#include <librdmarpc.h>

#include "hist.h"

#define PROG "rdmarpc-bench"
#define MAX_BUFFERS (1ull << 30)

struct opts {
	const char *peer;
	const char *service;
	unsigned long long size, concurrency, count, timeout_ms, batch;
	unsigned long long busy_poll_us;
	double duration, warmup;
	int json, quiet, verify, sink, cdf, uring, no_rings, ring_thread;
};

/* The one-way method of @service: its requests are answered empty. */
static uint32_t sink_method(const char *service)
{
	char name[256];

	snprintf(name, sizeof(name), "%s.sink", service);
	return rdmarpc_method_id(name);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " server [--service NAME] [--count N] "
		"[--batch N] [--busy-poll US] [-q]\n"
		"       " PROG " client --peer ADDR [--service NAME] [--size N]"
		" [--concurrency N]\n"
		"                     [--duration S] [--warmup S] "
		"[--timeout MS] [--busy-poll US]\n"
		"                     [--sink] [--verify] [--uring] "
		"[--no-rings | --ring-thread]\n"
		"                     [--cdf] [--json]\n"
		"       " PROG " nop [--count N] [--json]\n"
		"Sizes take k and m suffixes (KiB, MiB).  Defaults: service "
		"bench, size 64,\nconcurrency 1, duration 10, warmup 1, "
		"batch 64 (0: one request per call),\nbusy-poll 0 (off, at "
		"most %u), nop count 1000000.\n", RDMARPC_BUSY_POLL_MAX_US);
}

static int parse_size(const char *s, unsigned long long *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno)
		return -1;
	if (*end == 'k' || *end == 'K')
		*v <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		*v <<= 20, end++;
	return *end ? -1 : 0;
}

static int parse_seconds(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return errno || *end || !*s || !(*v >= 0 && *v < 1e7) ? -1 : 0;
}

static int open_ep(struct rdmarpc **ep, const struct opts *o)
{
	int err = rdmarpc_open(ep);

	if (err)
		fprintf(stderr, PROG ": %s\n",
			rdmarpc_strerror_of(rdmarpc_open, err));
	if (err || !o->busy_poll_us)
		return err;
	err = rdmarpc_rings_set(*ep, o->no_rings ? RDMARPC_RINGS_OFF :
				o->ring_thread ? RDMARPC_RINGS_THREAD :
				RDMARPC_RINGS_ON);
	if (!err)
		err = rdmarpc_busy_poll_set(*ep, (unsigned int)o->busy_poll_us);
	if (err) {
		fprintf(stderr, PROG ": busy poll %llu us: %s\n",
			o->busy_poll_us, rdmarpc_strerror(err));
		rdmarpc_close(*ep);
		*ep = NULL;
	}
	return err;
}

/* ---- server ---- */

#define SERVE_CAP	(16u << 20)	/* the largest request answered */

/* One request at a time: RECV, then REPLY. */
static int serve_one(struct rdmarpc *ep, char *buf, uint32_t sink)
{
	struct rdmarpc_req_info r;
	int err;

	err = rdmarpc_recv(ep, &r, buf, SERVE_CAP, -1);
	if (err)
		return err == -EINTR ? 0 : err;
	err = r.len > SERVE_CAP ? rdmarpc_reply(ep, r.id, -EMSGSIZE, NULL, 0) :
	      rdmarpc_reply(ep, r.id, 0, buf, r.method == sink ? 0 : r.len);
	return err ? err : 1;
}

/*
 * A batch: take what is there (at least one, up to @n), answer it all in
 * one more call.  Each entry has its own buffer of SERVE_CAP bytes, only
 * touched (so only backed by memory) as far as requests fill it.
 */
static int serve_batch(struct rdmarpc *ep, struct rdmarpc_request *reqs,
		       struct rdmarpc_reply *reps, char **bufs, unsigned int n,
		       uint32_t sink)
{
	int got, done = 0, ret;

	for (unsigned int i = 0; i < n; i++)
		rdmarpc_request_prep(&reqs[i], bufs[i], SERVE_CAP);
	got = rdmarpc_recv_batch(ep, reqs, n, 1, -1);
	if (got < 0)
		return got == -EINTR ? 0 : got;
	for (int i = 0; i < got; i++) {
		if (reqs[i].len > SERVE_CAP)
			rdmarpc_reply_prep(&reps[i], reqs[i].id, -EMSGSIZE,
					   NULL, 0);
		else
			rdmarpc_reply_prep(&reps[i], reqs[i].id, 0, bufs[i],
					   reqs[i].method == sink ? 0 :
					   (size_t)reqs[i].len);
	}
	while (done < got) {
		ret = rdmarpc_reply_batch(ep, reps + done,
					  (unsigned int)(got - done));
		if (ret <= 0)
			return ret ? ret : -EPROTO;
		done += ret;
	}
	return got;
}

static int run_server(const struct opts *o)
{
	unsigned int n = o->batch ? (unsigned int)o->batch : 1;
	struct rdmarpc_request *reqs = calloc(n, sizeof(*reqs));
	struct rdmarpc_reply *reps = calloc(n, sizeof(*reps));
	char **bufs = calloc(n, sizeof(*bufs));
	uint32_t methods[2] = { rdmarpc_method_id(o->service),
				sink_method(o->service) };
	unsigned long long served = 0;
	struct rdmarpc *ep = NULL;
	int err = -ENOMEM, ret;

	if (!reqs || !reps || !bufs)
		goto out_free;
	for (unsigned int i = 0; i < n; i++) {
		bufs[i] = malloc(SERVE_CAP);
		if (!bufs[i])
			goto out_free;
	}
	err = open_ep(&ep, o);
	if (err)
		goto out_free;
	err = rdmarpc_bind(ep, o->service, methods, 2);
	if (err) {
		fprintf(stderr, PROG ": bind '%s': %s\n", o->service,
			rdmarpc_strerror_of(rdmarpc_bind, err));
		goto out;
	}
	if (!o->quiet)
		printf(PROG ": serving '%s' (%s, busy poll %llu us)\n",
		       o->service, o->batch ? "batches" : "one at a time",
		       o->busy_poll_us);
	while (!o->count || served < o->count) {
		/* With --count, never take more than is left to serve. */
		unsigned int m = n;

		if (o->count && o->count - served < m)
			m = (unsigned int)(o->count - served);
		ret = o->batch ? serve_batch(ep, reqs, reps, bufs, m,
					     methods[1]) :
				 serve_one(ep, bufs[0], methods[1]);
		if (ret < 0) {
			err = ret;
			fprintf(stderr, PROG ": serve: %s\n",
				rdmarpc_strerror(err));
			goto out;
		}
		served += (unsigned int)ret;
	}
	err = 0;
out:
	rdmarpc_close(ep);
out_free:
	if (err == -ENOMEM)
		fprintf(stderr, PROG ": out of memory\n");
	for (unsigned int i = 0; bufs && i < n; i++)
		free(bufs[i]);
	free(bufs);
	free(reps);
	free(reqs);
	return err ? 1 : 0;
}

/* ---- client ---- */

struct client {
	struct rdmarpc *ep;
	int handle;
	uint32_t method;
	size_t size, stride;
	unsigned int conc;
	unsigned char *bufs;		/* per slot: request, then response */
	struct rdmarpc_call *calls;
	struct rdmarpc_completion *comps;
	unsigned int *free_slots, n_free, inflight;
	uint64_t *t_submit;		/* per slot */
	uint64_t seq;			/* calls submitted, for --verify */
	int verify, sink;
	struct hist *hist;
	/*
	 * --uring: each call an IORING_OP_URING_CMD; per slot its call, the
	 * command pointing at it, and the completion the module writes.
	 */
	int uring;
	struct io_uring ring;
	struct rdmarpc_call *ucalls;
	struct rdmarpc_uring_call *ucmds;
	struct rdmarpc_completion *ucomps;
};

/* --verify: request bytes unique to the call (its sequence number). */
static void fill_request(unsigned char *req, size_t size, uint64_t seq)
{
	for (size_t i = 0; i < size; i++)
		req[i] = (unsigned char)(seq >> (8 * (i % 8))) ^
			 (unsigned char)(i / 8);
}

static int client_alloc(struct client *c)
{
	c->stride = c->size ? c->size : 1;
	c->bufs = malloc(2 * c->stride * c->conc);
	c->calls = calloc(c->conc, sizeof(*c->calls));
	c->comps = calloc(c->conc, sizeof(*c->comps));
	c->free_slots = calloc(c->conc, sizeof(*c->free_slots));
	c->t_submit = calloc(c->conc, sizeof(*c->t_submit));
	c->hist = malloc(sizeof(*c->hist));
	if (!c->bufs || !c->calls || !c->comps || !c->free_slots ||
	    !c->t_submit || !c->hist)
		return -ENOMEM;
	if (c->uring) {
		c->ucalls = calloc(c->conc, sizeof(*c->ucalls));
		c->ucmds = calloc(c->conc, sizeof(*c->ucmds));
		c->ucomps = calloc(c->conc, sizeof(*c->ucomps));
		if (!c->ucalls || !c->ucmds || !c->ucomps)
			return -ENOMEM;
	}
	memset(c->bufs, 0x5a, 2 * c->stride * c->conc);
	for (unsigned int i = 0; i < c->conc; i++)
		c->free_slots[i] = i;
	c->n_free = c->conc;
	hist_init(c->hist);
	return 0;
}

static void client_free(struct client *c)
{
	free(c->bufs);
	free(c->calls);
	free(c->comps);
	free(c->free_slots);
	free(c->t_submit);
	free(c->hist);
	free(c->ucalls);
	free(c->ucmds);
	free(c->ucomps);
}

/*
 * --uring: an SQE per free slot (as many as the ring has), one
 * io_uring_submit() for them.
 */
static int client_fill_uring(struct client *c, unsigned int timeout_ms)
{
	int fd = rdmarpc_fd(c->ep);
	unsigned int n = 0;
	uint64_t t = now_ns();
	int ret;

	while (c->n_free) {
		unsigned int s = c->free_slots[c->n_free - 1];
		unsigned char *req = c->bufs + 2 * c->stride * s;
		struct io_uring_sqe *sqe = io_uring_get_sqe(&c->ring);

		if (!sqe)
			break;
		c->n_free--;
		if (c->verify) {
			fill_request(req, c->size, c->seq++);
			memset(req + c->stride, 0, c->size);
		}
		rdmarpc_call_prep(&c->ucalls[s], c->handle, c->method, s, req,
				  c->size, req + c->stride, c->size,
				  timeout_ms);
		c->ucmds[s].call = (uintptr_t)&c->ucalls[s];
		c->ucmds[s].comp = (uintptr_t)&c->ucomps[s];
		io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
		sqe->cmd_op = RDMARPC_URING_CALL;
		memcpy(sqe->cmd, &c->ucmds[s], sizeof(c->ucmds[s]));
		io_uring_sqe_set_data64(sqe, s);
		c->t_submit[s] = t;
		n++;
	}
	if (!n)
		return 0;
	ret = io_uring_submit(&c->ring);
	if (ret < 0)
		return ret;
	c->inflight += n;
	return 0;
}

/* Submit calls into every free slot (if @more); one batch. */
static int client_fill(struct client *c, unsigned int timeout_ms)
{
	unsigned int n = 0;
	uint64_t t;
	int ret;

	while (c->n_free) {
		unsigned int s = c->free_slots[--c->n_free];
		unsigned char *req = c->bufs + 2 * c->stride * s;

		if (c->verify) {
			fill_request(req, c->size, c->seq++);
			memset(req + c->stride, 0, c->size);
		}

		rdmarpc_call_prep(&c->calls[n++], c->handle, c->method, s, req,
				  c->size, req + c->stride, c->size,
				  timeout_ms);
	}
	if (!n)
		return 0;
	t = now_ns();
	ret = rdmarpc_submit(c->ep, c->calls, n);
	if (ret == -EAGAIN && c->inflight)
		ret = 0;
	if (ret < 0) {
		c->n_free += n;		/* the slots are still free */
		return ret;
	}
	for (unsigned int i = 0; i < (unsigned int)ret; i++)
		c->t_submit[c->calls[i].cookie] = t;
	for (unsigned int i = n; i > (unsigned int)ret; i--)
		c->free_slots[c->n_free++] = (unsigned int)c->calls[i - 1].cookie;
	c->inflight += (unsigned int)ret;
	return 0;
}

struct tally {
	uint64_t calls, errors, mismatched;
	int first_error;
};

/* The call of @comp is over at @now: its slot is free; tally it. */
static int client_done(struct client *c, struct tally *t,
		       const struct rdmarpc_completion *comp, uint64_t now)
{
	unsigned int s = (unsigned int)comp->cookie;

	if (s >= c->conc)
		return -EPROTO;
	c->free_slots[c->n_free++] = s;
	c->inflight--;
	if (!t)
		return 0;
	if (comp->error || comp->status) {
		t->errors++;
		if (!t->first_error)
			t->first_error = comp->error ? comp->error :
					 comp->status;
	} else if (c->sink ? comp->resp_len != 0 :
		   c->verify && (comp->resp_len != c->size ||
		   memcmp(c->bufs + 2 * c->stride * s,
			  c->bufs + 2 * c->stride * s + c->stride,
			  c->size))) {
		t->errors++;
		t->mismatched++;
		if (!t->first_error)
			t->first_error = -EBADMSG;
	} else {
		t->calls++;
		hist_add(c->hist, now - c->t_submit[s]);
	}
	return 0;
}

/* --uring: wait for a CQE, then take every CQE there is. */
static int client_reap_uring(struct client *c, struct tally *t)
{
	struct io_uring_cqe *cqe;
	uint64_t now;
	int ret;

	ret = io_uring_wait_cqe(&c->ring, &cqe);
	if (ret < 0)
		return ret == -EINTR ? 0 : ret;
	now = now_ns();
	do {
		uint64_t s = io_uring_cqe_get_data64(cqe);
		struct rdmarpc_completion comp;

		if (s >= c->conc)
			return -EPROTO;
		comp = c->ucomps[s];
		if (cqe->res < 0)	/* refused: the module wrote nothing */
			comp = (struct rdmarpc_completion){ .cookie = s,
							    .error = cqe->res };
		io_uring_cqe_seen(&c->ring, cqe);
		ret = client_done(c, t, &comp, now);
		if (ret)
			return ret;
	} while (!io_uring_peek_cqe(&c->ring, &cqe));
	return 0;
}

/* Reap at least one completion; record it if @t is not NULL. */
static int client_reap(struct client *c, struct tally *t)
{
	uint64_t now;
	int n, ret;

	if (c->uring)
		return client_reap_uring(c, t);
	n = rdmarpc_reap(c->ep, c->comps, c->conc, 1, -1);
	if (n < 0)
		return n == -EINTR ? 0 : n;
	now = now_ns();
	for (int i = 0; i < n; i++) {
		ret = client_done(c, t, &c->comps[i], now);
		if (ret)
			return ret;
	}
	return 0;
}

static int run_client(const struct opts *o)
{
	struct client c = { .size = (size_t)o->size,
			    .conc = (unsigned int)o->concurrency,
			    .verify = o->verify, .sink = o->sink,
			    .uring = o->uring };
	struct tally t = { 0 };
	uint64_t start, warm_end, end, last;
	double secs, p50, p99, p999, mb;
	int err, ret = 1;

	c.method = o->sink ? sink_method(o->service) :
			     rdmarpc_method_id(o->service);
	if (client_alloc(&c)) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out_free;
	}
	if (open_ep(&c.ep, o))
		goto out_free;
	/* --timeout bounds the calls; the handshake's bound is lower. */
	c.handle = rdmarpc_connect(c.ep, o->peer,
				   o->timeout_ms < RDMARPC_CONNECT_TIMEOUT_MAX ?
				   (unsigned int)o->timeout_ms :
				   RDMARPC_CONNECT_TIMEOUT_MAX);
	if (c.handle < 0) {
		fprintf(stderr, PROG ": connect %s: %s\n", o->peer,
			rdmarpc_strerror_of(rdmarpc_connect, c.handle));
		goto out_close;
	}
	if (c.uring) {
		err = io_uring_queue_init(c.conc < 4096 ? c.conc : 4096,
					  &c.ring, 0);
		if (err) {
			fprintf(stderr, PROG ": io_uring_queue_init: %s\n",
				strerror(-err));
			c.uring = 0;
			goto out_close;
		}
	}

	start = now_ns();
	warm_end = start + (uint64_t)(o->warmup * 1e9);
	end = warm_end + (uint64_t)(o->duration * 1e9);
	last = warm_end;
	/* Warm-up: calls complete but are not counted. */
	for (;;) {
		uint64_t now = now_ns();

		if (now >= end)
			break;
		err = c.uring ? client_fill_uring(&c, (unsigned int)o->timeout_ms) :
				client_fill(&c, (unsigned int)o->timeout_ms);
		if (!err)
			err = client_reap(&c, now >= warm_end ? &t : NULL);
		if (err) {
			fprintf(stderr, PROG ": %s\n", rdmarpc_strerror(err));
			goto out_close;
		}
		if (now >= warm_end)
			last = now_ns();
	}
	/* Drain the calls still in flight; they are not counted. */
	while (c.inflight) {
		err = client_reap(&c, NULL);
		if (err) {
			fprintf(stderr, PROG ": %s\n", rdmarpc_strerror(err));
			goto out_close;
		}
	}

	secs = (double)(last - warm_end) / 1e9;
	if (secs <= 0)
		secs = o->duration > 0 ? o->duration : 1e-9;
	p50 = (double)hist_quantile(c.hist, 0.50) / 1000.0;
	p99 = (double)hist_quantile(c.hist, 0.99) / 1000.0;
	p999 = (double)hist_quantile(c.hist, 0.999) / 1000.0;
	mb = (double)t.calls * (double)c.size / secs / 1e6;
	if (o->json) {
		printf("{\"size\":%zu,\"concurrency\":%u,\"duration_s\":%.3f,"
		       "\"calls\":%" PRIu64 ",\"errors\":%" PRIu64 ","
		       "\"calls_per_sec\":%.1f,\"mb_per_sec\":%.3f,"
		       "\"total_mb_per_sec\":%.3f,\"sink\":%s,"
		       "\"p50_us\":%.3f,\"p99_us\":%.3f,\"p999_us\":%.3f,"
		       "\"busy_poll_us\":%llu,\"mismatched\":%" PRIu64
		       ",\"uring\":%s,\"rings\":%s,\"ring_thread\":%s",
		       c.size, c.conc, secs, t.calls, t.errors,
		       (double)t.calls / secs, mb, c.sink ? mb : 2 * mb,
		       c.sink ? "true" : "false",
		       p50, p99, p999, o->busy_poll_us, t.mismatched,
		       o->uring ? "true" : "false",
		       rdmarpc_rings_active(c.ep) ? "true" : "false",
		       rdmarpc_rings_active(c.ep) && o->ring_thread ?
		       "true" : "false");
		if (o->cdf) {
			fputs(",\"cdf\":", stdout);
			hist_print_cdf(stdout, c.hist, 1);
		}
		fputs("}\n", stdout);
	} else {
		printf("size %zu  concurrency %u  duration %.3f s%s\n"
		       "calls %" PRIu64 "  errors %" PRIu64 "  calls/s %.1f"
		       "  MB/s %.3f  total MB/s %.3f\n"
		       "latency us: p50 %.3f  p99 %.3f  p999 %.3f\n",
		       c.size, c.conc, secs, c.sink ? "  (sink)" : "",
		       t.calls, t.errors, (double)t.calls / secs,
		       mb, c.sink ? mb : 2 * mb, p50, p99, p999);
		if (o->verify)
			printf("verified: %" PRIu64 " mismatched\n",
			       t.mismatched);
		if (o->cdf) {
			printf("latency CDF (us fraction):\n");
			hist_print_cdf(stdout, c.hist, 0);
		}
	}
	if (t.errors)
		fprintf(stderr, PROG ": %" PRIu64 " calls failed; first: %s "
			"(%d)\n", t.errors, rdmarpc_strerror(t.first_error),
			t.first_error);
	ret = t.calls && !t.errors ? 0 : 1;
out_close:
	if (c.uring)
		io_uring_queue_exit(&c.ring);
	rdmarpc_close(c.ep);
out_free:
	client_free(&c);
	return ret;
}

/* ---- nop ---- */

static int run_nop(const struct opts *o)
{
	struct rdmarpc *ep;
	uint64_t t0, t1;
	double secs;
	int err;

	if (open_ep(&ep, o))
		return 1;
	err = rdmarpc_nop(ep);		/* also warms the path up */
	t0 = now_ns();
	for (unsigned long long i = 0; !err && i < o->count; i++)
		err = rdmarpc_nop(ep);
	t1 = now_ns();
	rdmarpc_close(ep);
	if (err) {
		fprintf(stderr, PROG ": nop: %s\n", rdmarpc_strerror(err));
		return 1;
	}
	secs = (double)(t1 - t0) / 1e9;
	if (o->json)
		printf("{\"count\":%llu,\"duration_s\":%.6f,\"ns_per_call\":"
		       "%.1f,\"calls_per_sec\":%.1f}\n", o->count, secs,
		       o->count ? secs * 1e9 / (double)o->count : 0.0,
		       secs > 0 ? (double)o->count / secs : 0.0);
	else
		printf("nop: %llu calls in %.6f s: %.1f ns per call\n",
		       o->count, secs,
		       o->count ? secs * 1e9 / (double)o->count : 0.0);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "peer", required_argument, NULL, 'p' },
		{ "service", required_argument, NULL, 'S' },
		{ "size", required_argument, NULL, 's' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "batch", required_argument, NULL, 'b' },
		{ "busy-poll", required_argument, NULL, 'B' },
		{ "verify", no_argument, NULL, 'V' },
		{ "sink", no_argument, NULL, 'K' },
		{ "cdf", no_argument, NULL, 'C' },
		{ "uring", no_argument, NULL, 'U' },
		{ "no-rings", no_argument, NULL, 'R' },
		{ "ring-thread", no_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.service = "bench", .size = 64, .concurrency = 1,
		.duration = 10, .warmup = 1, .batch = 64,
	};
	const char *mode;
	int opt, bad = 0, have_count = 0;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	mode = argv[1];
	optind = 2;
	while ((opt = getopt_long(argc, argv, "p:S:s:c:d:w:n:t:b:B:VKCURTjqh", lopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'p': o.peer = optarg; break;
		case 'S': o.service = optarg; break;
		case 's': bad |= parse_size(optarg, &o.size); break;
		case 'c': bad |= parse_size(optarg, &o.concurrency); break;
		case 'd': bad |= parse_seconds(optarg, &o.duration); break;
		case 'w': bad |= parse_seconds(optarg, &o.warmup); break;
		case 'n':
			bad |= parse_size(optarg, &o.count);
			have_count = 1;
			break;
		case 't': bad |= parse_size(optarg, &o.timeout_ms); break;
		case 'b': bad |= parse_size(optarg, &o.batch); break;
		case 'B': bad |= parse_size(optarg, &o.busy_poll_us); break;
		case 'V': o.verify = 1; break;
		case 'K': o.sink = 1; break;
		case 'C': o.cdf = 1; break;
		case 'U': o.uring = 1; break;
		case 'R': o.no_rings = 1; break;
		case 'T': o.ring_thread = 1; break;
		case 'j': o.json = 1; break;
		case 'q': o.quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
		if (bad) {
			fprintf(stderr, PROG ": invalid value '%s'\n", optarg);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (o.no_rings && o.ring_thread) {
		fprintf(stderr, PROG ": --no-rings or --ring-thread, not both\n");
		return 2;
	}
	if (o.uring && o.busy_poll_us) {
		fprintf(stderr, PROG ": --busy-poll sets the endpoint's waits; "
			"--uring waits in io_uring\n");
		return 2;
	}
	if (o.busy_poll_us > RDMARPC_BUSY_POLL_MAX_US || o.batch > 4096) {
		fprintf(stderr, PROG ": busy poll 0..%u us, batch 0..4096\n",
			RDMARPC_BUSY_POLL_MAX_US);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "server"))
		return run_server(&o);
	if (!strcmp(mode, "nop")) {
		if (!have_count)
			o.count = 1000000;
		return run_nop(&o);
	}
	if (strcmp(mode, "client")) {
		fprintf(stderr, PROG ": unknown mode '%s'\n", mode);
		usage(stderr);
		return 2;
	}
	if (!o.peer) {
		fprintf(stderr, PROG ": client needs --peer ADDR\n");
		return 2;
	}
	if (!o.concurrency || o.concurrency > 65536 ||
	    o.timeout_ms > UINT32_MAX || o.size > SIZE_MAX ||
	    2 * (o.size ? o.size : 1) * o.concurrency > MAX_BUFFERS) {
		fprintf(stderr, PROG ": concurrency 1..65536, and 2 x size x "
			"concurrency at most 1 GiB\n");
		return 2;
	}
	return run_client(&o);
}
