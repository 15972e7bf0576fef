// SPDX-License-Identifier: GPL-2.0
/*
 * rpc_helper: the endpoints the RPC selftests need and the examples do not
 * provide.
 *
 *   rpc_helper sink [--service NAME]
 *       Bind NAME (default "sink") and take requests without ever
 *       answering them; prints "held N len L" per request.  Runs until
 *       killed: the calls it holds must then fail with -ECONNABORTED.
 *
 *   rpc_helper early [--service NAME] [--count N]
 *       Bind NAME (default "early") and answer COUNT requests (empty
 *       responses) from a second thread that REPLYs ids 1, 2, ... over
 *       and over until each is taken, so that a reply may come while the
 *       RECV that handed the request over still runs.  Prints "serving"
 *       when bound, "answered N" at the end; exit 0 if all went well.
 *
 *   rpc_helper call --peer ADDR [--service NAME] [--size N] [--count N]
 *                   [--timeout MS] [--poll]
 *       Submit COUNT calls of SIZE bytes to NAME (default "sink") at once,
 *       print "submitted N", then reap them all; one line per completion:
 *         call 3: ECONNABORTED after 1.234 s
 *       and a summary, with the wall-clock time (CLOCK_REALTIME, seconds)
 *       of the last completion, for the caller to compare with its own:
 *         calls 8: ok 0 ECONNABORTED 8 (last after 1.240 s, at 1700000000.123)
 *       Exit 0 if every call succeeded (response bytes checked), else 1.
 *       --poll: REAP never waits (timeout 0), it is called again at once,
 *       so a completion is taken the moment it is listed.
 *
 *   rpc_helper clients --peer ADDR [--service NAME] [--endpoints N]
 *                      [--count N] [--max-size N] [--timeout MS]
 *       N threads, each with its own endpoint and connection, make COUNT
 *       synchronous echo calls of sizes cycling through 0..MAX-SIZE,
 *       with bytes unique to (process, endpoint, call); every reply is
 *       checked.  One line per endpoint, exit 0 if all calls are good.
 *
 *   rpc_helper hold --peer ADDR [--service NAME]
 *       Open one endpoint that binds NAME (default "held") and another
 *       connected to ADDR, print "ready" and wait to be killed.
 *
 *   rpc_helper counter [--service NAME] [--count N] [--delay MS]
 *       Bind NAME (default "counter") and answer each request after MS
 *       milliseconds (default 5) with its own bytes, printing "took N
 *       bytes" as it takes one.  Requests carry a sequence number below
 *       COUNT (see "signals"); after each answer it prints
 *         answered A distinct D dup X bad B
 *       (X: sequence numbers seen before, B: requests not of that form).
 *
 *   rpc_helper signals --peer ADDR [--service NAME] [--count N]
 *                      [--no-restart] [--timeout MS]
 *       COUNT synchronous calls to NAME (default "counter"), one after
 *       another, carrying sequence numbers 0..COUNT-1, under a 1 kHz
 *       interval timer (SIGALRM) whose handler is installed with
 *       SA_RESTART, or without it (--no-restart: a call that returns
 *       EINTR is made again with the same arguments, which waits for the
 *       interrupted call instead of sending it again).  Prints
 *         calls N: ok K eintr E signals S
 *       Exit 0 if every call returned its own bytes and, with SA_RESTART,
 *       none returned EINTR.
 *
 *   rpc_helper retry --peer ADDR [--service NAME] [--idempotent]
 *                    [--timeout MS]
 *       One call of 16 bytes to NAME (default "counter") with
 *       rdmarpc_call_opts(): idempotent or not, under a policy of up to 100
 *       tries 100 ms to 1 s apart on transport errors, UNAVAILABLE and
 *       UNIMPLEMENTED (no one serves it while its server restarts), all
 *       within MS (default 60000).  Prints "ready", then
 *         attempts N: ok | attempts N: ERRNAME | attempts N: status S
 *       Exit 0 if the call succeeded with its bytes back.
 *
 *   rpc_helper reqstate [--service NAME] [--delay MS]
 *       Bind NAME (default "reqstate"); before each RECV sleep MS
 *       (default 0), so that requests wait in the queue.  For each request
 *       taken print what rdmarpc_request_state() says of it:
 *         took len L left MS cancelled C
 *       A request made by "cancel --hold" is held until its caller gives
 *       up: poll() for POLLPRI (30 s at most), then
 *         held: cancelled C after MS ms, pollpri P
 *       and answered CANCELLED; any other is echoed at once.
 *
 *   rpc_helper cancel --peer ADDR [--service NAME] [--after MS] [--hold]
 *                     [--timeout MS]
 *       Submit one call to NAME (default "reqstate"), a hold request with
 *       --hold; with --after, cancel it MS milliseconds later.  Reap it
 *       and print "call: ERRNAME after S s" (or "call: ok status N").
 *       Exit 0 if it ended with ECANCELED (--after) or ETIMEDOUT.
 *
 *   rpc_helper runs [--service NAME]
 *       Bind NAME (default "runs") and count the times the handler runs:
 *       for each request taken print "run N len L", then, if the request
 *       is "sleep MS", sleep MS milliseconds, and answer "run N".
 *
 *   rpc_helper key --peer ADDR --key HEX [--service NAME] [--count N]
 *                  [--sleep MS] [--submit] [--timeout MS]
 *       COUNT calls (default 1), one after another, to NAME (default
 *       "runs") with the idempotency key HEX (32 hex digits), made with
 *       rdmarpc_call_key(), or with --submit by SUBMIT and REAP
 *       (rdmarpc_call_prep_key()).  The request is "sleep MS" (--sleep)
 *       or "hello".  One line per call:
 *         call 1: run 3 | call 1: ERRNAME | call 1: status S
 *       Exit 0 if every call was answered with status OK.
 *
 * --timeout MS bounds the calls, and the handshake up to
 * RDMARPC_CONNECT_TIMEOUT_MAX; --connect-timeout MS bounds the handshake
 * alone, passed as it is (above the maximum CONNECT fails with EINVAL).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <librdmarpc.h>

#define MAX_REQUEST	(16u << 20)

struct opts {
	const char *peer;
	const char *service;
	const char *key;
	unsigned long long size, count, endpoints, max_size, timeout_ms;
	unsigned long long connect_timeout_ms;	/* ULLONG_MAX: not given */
	unsigned long long delay_ms;
	unsigned long long after_ms;		/* ULLONG_MAX: not given */
	unsigned long long sleep_ms;
	bool poll, no_restart, idempotent, hold, submit;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *errname(int err)
{
	const char *s;

	if (!err)
		return "ok";
	s = strerrorname_np(err < 0 ? -err : err);
	return s ? s : "E?";
}

static int open_connected(const struct opts *o, struct rdmarpc **ep)
{
	unsigned int tmo;
	int err, handle;

	err = rdmarpc_open(ep);
	if (err) {
		fprintf(stderr, "rpc_helper: open: %s\n",
			rdmarpc_strerror(err));
		return err;
	}
	/* --timeout bounds the calls; the handshake's bound is lower. */
	if (o->connect_timeout_ms != ULLONG_MAX)
		tmo = (unsigned int)o->connect_timeout_ms;
	else if (o->timeout_ms < RDMARPC_CONNECT_TIMEOUT_MAX)
		tmo = (unsigned int)o->timeout_ms;
	else
		tmo = RDMARPC_CONNECT_TIMEOUT_MAX;
	handle = rdmarpc_connect(*ep, o->peer, tmo);
	if (handle < 0) {
		fprintf(stderr, "rpc_helper: connect %s: %s (%s)\n", o->peer,
			rdmarpc_strerror(handle), errname(handle));
		rdmarpc_close(*ep);
		*ep = NULL;
	}
	return handle;
}

/* An endpoint serving @service; messages on failure. */
static int open_bound(const char *service, struct rdmarpc **ep)
{
	int err = rdmarpc_open(ep);

	if (err) {
		fprintf(stderr, "rpc_helper: open: %s\n",
			rdmarpc_strerror(err));
		return err;
	}
	err = rdmarpc_bind(*ep, service, NULL, 0);
	if (err) {
		fprintf(stderr, "rpc_helper: bind %s: %s\n", service,
			rdmarpc_strerror(err));
		rdmarpc_close(*ep);
	}
	return err;
}

static int do_sink(const struct opts *o)
{
	struct rdmarpc *ep;
	unsigned long long held = 0;
	char *buf = malloc(MAX_REQUEST);
	int err;

	if (!buf)
		return 1;
	if (open_bound(o->service, &ep))
		return 1;
	printf("sink: serving '%s', never replying\n", o->service);
	for (;;) {
		struct rdmarpc_req_info r;

		err = rdmarpc_recv(ep, &r, buf, MAX_REQUEST, -1);
		if (err == -EINTR)
			continue;
		if (err) {
			fprintf(stderr, "rpc_helper: recv: %s\n",
				rdmarpc_strerror(err));
			return 1;
		}
		printf("held %llu len %zu\n", ++held, r.len);
	}
}

struct early {
	struct rdmarpc *ep;
	unsigned long long count;
	int err;
};

/* REPLY ids 1..count, each as soon as it exists. */
static void *early_replier(void *arg)
{
	struct early *e = arg;
	unsigned long long id = 1;

	while (id <= e->count) {
		int err = rdmarpc_reply(e->ep, id, 0, NULL, 0);

		if (!err) {
			id++;
		} else if (err == -ENOENT) {
			/* Not handed over yet: let RECV (one CPU) go on. */
			sched_yield();
		} else {
			e->err = err;
			break;
		}
	}
	return NULL;
}

static int do_early(const struct opts *o)
{
	struct early e = { .count = o->count };
	char *buf = malloc(MAX_REQUEST);
	unsigned long long n;
	pthread_t thread;
	int err;

	if (!buf)
		return 1;
	if (open_bound(o->service, &e.ep))
		return 1;
	printf("serving '%s', answering from another thread\n", o->service);
	fflush(stdout);
	if (pthread_create(&thread, NULL, early_replier, &e))
		return 1;
	for (n = 0; n < o->count; ) {
		struct rdmarpc_req_info r;

		err = rdmarpc_recv(e.ep, &r, buf, MAX_REQUEST, -1);
		if (err == -EINTR)
			continue;
		if (err) {
			fprintf(stderr, "rpc_helper: recv: %s\n",
				rdmarpc_strerror(err));
			return 1;
		}
		n++;
	}
	pthread_join(thread, NULL);
	if (e.err) {
		fprintf(stderr, "rpc_helper: reply: %s\n",
			rdmarpc_strerror(e.err));
		return 1;
	}
	printf("answered %llu\n", n);
	rdmarpc_close(e.ep);
	free(buf);
	return 0;
}

static void fill(unsigned char *p, size_t len, uint64_t a, uint64_t b)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 151 + (i >> 7) + a * 31 + b * 7 + 3);
}

static int do_call(const struct opts *o)
{
	unsigned long long n = o->count, reaped = 0, ok = 0;
	size_t stride = o->size ? o->size : 1;
	struct rdmarpc_completion *comps;
	struct rdmarpc_call *calls;
	unsigned char *bufs;
	struct rdmarpc *ep;
	unsigned long long *by_err;	/* count per errno, 0..4095 */
	double t0, last = 0, last_wall = 0;
	int handle, ret, i;

	calls = calloc(n, sizeof(*calls));
	comps = calloc(n, sizeof(*comps));
	bufs = malloc(2 * stride * n);
	by_err = calloc(4096, sizeof(*by_err));
	if (!calls || !comps || !bufs || !by_err)
		return 1;
	handle = open_connected(o, &ep);
	if (handle < 0)
		return 1;
	for (unsigned long long k = 0; k < n; k++) {
		unsigned char *req = bufs + 2 * stride * k;

		fill(req, o->size, getpid(), k);
		rdmarpc_call_prep(&calls[k], handle,
				  rdmarpc_method_id(o->service), k, req,
				  o->size, req + stride, o->size,
				  (unsigned int)o->timeout_ms);
	}
	t0 = now_s();
	for (unsigned long long k = 0; k < n;) {
		ret = rdmarpc_submit(ep, calls + k, (unsigned int)(n - k));
		if (ret < 0) {
			fprintf(stderr, "rpc_helper: submit: %s (%s)\n",
				rdmarpc_strerror(ret), errname(ret));
			return 1;
		}
		k += (unsigned int)ret;
	}
	printf("submitted %llu\n", n);
	fflush(stdout);
	while (reaped < n) {
		ret = rdmarpc_reap(ep, comps, (unsigned int)(n - reaped),
				   o->poll ? 0 : 1, o->poll ? 0 : -1);
		if (ret == -EINTR || (o->poll && !ret))
			continue;
		if (ret < 0) {
			fprintf(stderr, "rpc_helper: reap: %s\n",
				rdmarpc_strerror(ret));
			return 1;
		}
		last = now_s() - t0;
		last_wall = wall_s();
		for (i = 0; i < ret; i++) {
			const struct rdmarpc_completion *c = &comps[i];
			unsigned long long k = c->cookie;
			int e = c->error < 0 ? -c->error : c->error;
			const char *what = errname(c->error);

			if (k >= n)
				return 1;
			if (!c->error && !c->status) {
				unsigned char *req = bufs + 2 * stride * k;

				if (c->resp_len != o->size ||
				    memcmp(req, req + stride, o->size))
					what = "MISMATCH";
				else
					ok++;
			} else if (!c->error) {
				what = "STATUS";
			}
			if (c->error)
				by_err[e < 4096 ? e : 0]++;
			printf("call %llu: %s after %.3f s\n", k, what, last);
		}
		reaped += (unsigned int)ret;
	}
	printf("calls %llu: ok %llu", n, ok);
	for (i = 1; i < 4096; i++)
		if (by_err[i])
			printf(" %s %llu", errname(-i), by_err[i]);
	printf(" (last after %.3f s, at %.3f)\n", last, last_wall);
	rdmarpc_close(ep);
	return ok == n ? 0 : 1;
}

struct client {
	pthread_t thread;
	const struct opts *o;
	unsigned int idx;
	unsigned long long ok, failed, mismatched;
	int err;
};

static void *client_main(void *arg)
{
	struct client *c = arg;
	const struct opts *o = c->o;
	size_t cap = o->max_size ? o->max_size : 1;
	unsigned char *req = malloc(cap), *resp = malloc(cap);
	uint32_t method = rdmarpc_method_id(o->service);
	struct rdmarpc *ep;
	int handle;

	if (!req || !resp) {
		c->err = -ENOMEM;
		return NULL;
	}
	handle = open_connected(o, &ep);
	if (handle < 0) {
		c->err = handle;
		return NULL;
	}
	for (unsigned long long k = 0; k < o->count; k++) {
		/* Sizes walk over 0..max in uneven steps. */
		size_t size = (size_t)((k * 2654435761ull) % (o->max_size + 1));
		size_t resp_len = 0;
		int32_t status = 0;
		int err;

		fill(req, size, (uint64_t)getpid() * 64 + c->idx, k);
		memset(resp, 0, size);
		err = rdmarpc_call(ep, handle, method, req, size, resp, cap,
				   &resp_len, &status,
				   (unsigned int)o->timeout_ms);
		if (err || status) {
			c->failed++;
			fprintf(stderr, "rpc_helper: endpoint %u call %llu: "
				"%s (status %d)\n", c->idx, k,
				rdmarpc_strerror(err), status);
		} else if (resp_len != size || memcmp(req, resp, size)) {
			c->mismatched++;
			fprintf(stderr, "rpc_helper: endpoint %u call %llu: "
				"reply of %zu bytes differs\n", c->idx, k,
				resp_len);
		} else {
			c->ok++;
		}
	}
	rdmarpc_close(ep);
	free(req);
	free(resp);
	return NULL;
}

static int do_clients(const struct opts *o)
{
	unsigned int n = (unsigned int)o->endpoints, i;
	struct client *cs = calloc(n, sizeof(*cs));
	int bad = 0;

	if (!cs)
		return 1;
	for (i = 0; i < n; i++) {
		cs[i].o = o;
		cs[i].idx = i;
		if (pthread_create(&cs[i].thread, NULL, client_main, &cs[i]))
			return 1;
	}
	for (i = 0; i < n; i++) {
		pthread_join(cs[i].thread, NULL);
		printf("pid %d endpoint %u: %llu calls: %llu ok, %llu failed, "
		       "%llu mismatched%s%s\n", getpid(), i, o->count, cs[i].ok,
		       cs[i].failed, cs[i].mismatched, cs[i].err ? ", " : "",
		       cs[i].err ? rdmarpc_strerror(cs[i].err) : "");
		if (cs[i].err || cs[i].ok != o->count)
			bad = 1;
	}
	free(cs);
	return bad;
}

static int do_hold(const struct opts *o)
{
	struct rdmarpc *srv, *cli;

	if (open_bound(o->service, &srv))
		return 1;
	if (open_connected(o, &cli) < 0)
		return 1;
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

/* The request of "signals": a sequence number and the caller's pid. */
struct seq_req {
	uint64_t seq;
	uint64_t pid;
};

static int do_counter(const struct opts *o)
{
	unsigned long long answered = 0, distinct = 0, dup = 0, bad = 0;
	struct timespec delay = {
		.tv_sec = (time_t)(o->delay_ms / 1000),
		.tv_nsec = (long)(o->delay_ms % 1000) * 1000000,
	};
	unsigned char *seen = calloc(o->count, 1);
	struct rdmarpc *ep;
	int err;

	if (!seen || open_bound(o->service, &ep))
		return 1;
	printf("counter: serving '%s'\n", o->service);
	for (;;) {
		struct rdmarpc_req_info r;
		struct seq_req q;

		err = rdmarpc_recv(ep, &r, &q, sizeof(q), -1);
		if (err == -EINTR)
			continue;
		if (err) {
			fprintf(stderr, "rpc_helper: recv: %s\n",
				rdmarpc_strerror(err));
			return 1;
		}
		printf("took %zu bytes\n", r.len);
		nanosleep(&delay, NULL);
		answered++;
		if (r.len != sizeof(q) || q.seq >= o->count)
			bad++;
		else if (seen[q.seq]++)
			dup++;
		else
			distinct++;
		err = rdmarpc_reply(ep, r.id, 0, &q,
				    r.len < sizeof(q) ? r.len : sizeof(q));
		if (err) {
			fprintf(stderr, "rpc_helper: reply: %s\n",
				rdmarpc_strerror(err));
			return 1;
		}
		printf("answered %llu distinct %llu dup %llu bad %llu\n",
		       answered, distinct, dup, bad);
	}
}

static volatile sig_atomic_t n_signals;

static void on_alarm(int sig)
{
	(void)sig;
	n_signals++;
}

static int do_signals(const struct opts *o)
{
	struct itimerval it = { .it_interval = { .tv_usec = 1000 },
				.it_value = { .tv_usec = 1000 } };
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned long long i, ok = 0, eintr = 0;
	struct rdmarpc *ep;
	uint32_t method = rdmarpc_method_id(o->service);
	int handle, err = 0;

	handle = open_connected(o, &ep);
	if (handle < 0)
		return 1;
	sa.sa_flags = o->no_restart ? 0 : SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) || setitimer(ITIMER_REAL, &it, NULL)) {
		perror("rpc_helper: timer");
		return 1;
	}
	for (i = 0; i < o->count; i++) {
		struct seq_req q = { .seq = i, .pid = (uint64_t)getpid() }, a;
		size_t got = 0;
		int32_t st = 0;

		for (;;) {
			memset(&a, 0, sizeof(a));
			err = rdmarpc_call(ep, handle, method, &q, sizeof(q), &a,
					   sizeof(a), &got, &st,
					   (unsigned int)o->timeout_ms);
			if (err != -EINTR)
				break;
			eintr++;
		}
		if (!err && !st && got == sizeof(q) && !memcmp(&q, &a, sizeof(q)))
			ok++;
		else
			printf("call %llu: %s, status %d, %zu bytes\n", i,
			       err ? errname(err) : "ok", st, got);
	}
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	printf("calls %llu: ok %llu eintr %llu signals %llu\n", o->count, ok,
	       eintr, (unsigned long long)n_signals);
	rdmarpc_close(ep);
	return ok == o->count && (o->no_restart || !eintr) ? 0 : 1;
}

static int do_retry(const struct opts *o)
{
	struct rdmarpc_retry_policy pol = {
		.max_attempts = 100, .initial_backoff_ms = 100,
		.max_backoff_ms = 1000, .multiplier = 2,
		.statuses = RDMARPC_RETRY_ON(RDMARPC_STATUS_UNAVAILABLE) |
			    RDMARPC_RETRY_ON(RDMARPC_STATUS_UNIMPLEMENTED),
		.flags = RDMARPC_RETRY_TRANSPORT,
	};
	struct rdmarpc_call_opts co = {
		.timeout_ms = o->timeout_ms ? (unsigned int)o->timeout_ms :
			      60000,
		.flags = o->idempotent ? RDMARPC_CALL_IDEMPOTENT : 0,
		.retry = &pol,
	};
	struct seq_req q = { .seq = 0, .pid = (uint64_t)getpid() }, a;
	unsigned int tries = 0;
	struct rdmarpc *ep;
	size_t got = 0;
	int32_t st = 0;
	int handle, err;

	handle = open_connected(o, &ep);
	if (handle < 0)
		return 1;
	co.attempts = &tries;
	printf("ready\n");
	err = rdmarpc_call_opts(ep, handle, rdmarpc_method_id(o->service), &q,
				sizeof(q), &a, sizeof(a), &got, &st, &co);
	if (err)
		printf("attempts %u: %s\n", tries, errname(err));
	else if (st)
		printf("attempts %u: status %d\n", tries, st);
	else
		printf("attempts %u: %s\n", tries,
		       got == sizeof(q) && !memcmp(&q, &a, sizeof(q)) ?
		       "ok" : "wrong bytes");
	rdmarpc_close(ep);
	return !err && !st && got == sizeof(q) && !memcmp(&q, &a, sizeof(q)) ?
	       0 : 1;
}

/* The request of "cancel --hold": the server holds it until cancelled. */
static const char hold_req[16] = "rpc_helper:hold";

static int do_reqstate(const struct opts *o)
{
	struct timespec delay = {
		.tv_sec = (time_t)(o->delay_ms / 1000),
		.tv_nsec = (long)(o->delay_ms % 1000) * 1000000,
	};
	char *buf = malloc(MAX_REQUEST);
	struct rdmarpc *ep;
	int err;

	if (!buf || open_bound(o->service, &ep))
		return 1;
	printf("reqstate: serving '%s'\n", o->service);
	for (;;) {
		struct pollfd pfd = { .fd = rdmarpc_fd(ep), .events = POLLPRI };
		struct rdmarpc_req_info r;
		int cancelled = 0, pri = 0;
		int64_t left = 0;
		double t0;

		nanosleep(&delay, NULL);
		err = rdmarpc_recv(ep, &r, buf, MAX_REQUEST, -1);
		if (err == -EINTR)
			continue;
		if (!err)
			err = rdmarpc_request_state(ep, r.id, &cancelled, &left);
		if (err) {
			fprintf(stderr, "rpc_helper: recv: %s\n",
				rdmarpc_strerror(err));
			return 1;
		}
		printf("took len %zu left %" PRId64 " cancelled %d\n", r.len,
		       left, cancelled);
		if (r.len != sizeof(hold_req) ||
		    memcmp(buf, hold_req, sizeof(hold_req))) {
			err = rdmarpc_reply(ep, r.id, 0, buf,
					    r.len < MAX_REQUEST ? r.len :
					    MAX_REQUEST);
		} else {
			t0 = now_s();
			while (!cancelled && now_s() - t0 < 30) {
				if (poll(&pfd, 1, 1000) > 0 &&
				    (pfd.revents & POLLPRI))
					pri = 1;
				err = rdmarpc_request_state(ep, r.id, &cancelled,
							    NULL);
				if (err)
					break;
			}
			printf("held: cancelled %d after %.0f ms, pollpri %d\n",
			       cancelled, (now_s() - t0) * 1000, pri);
			err = rdmarpc_reply_error(ep, r.id,
						  RDMARPC_STATUS_CANCELLED,
						  "the caller gave up");
		}
		if (err) {
			fprintf(stderr, "rpc_helper: reply: %s\n",
				rdmarpc_strerror(err));
			return 1;
		}
	}
}

static int do_cancel(const struct opts *o)
{
	struct rdmarpc_completion c;
	struct rdmarpc_call call;
	char req[64] = "rpc_helper:call", resp[64];
	struct rdmarpc *ep;
	int handle, ret;
	double t0;

	handle = open_connected(o, &ep);
	if (handle < 0)
		return 1;
	if (o->hold)
		memcpy(req, hold_req, sizeof(hold_req));
	rdmarpc_call_prep(&call, handle, rdmarpc_method_id(o->service), 7, req,
			  o->hold ? sizeof(hold_req) : sizeof(req), resp,
			  sizeof(resp), (unsigned int)o->timeout_ms);
	t0 = now_s();
	ret = rdmarpc_submit(ep, &call, 1);
	if (ret != 1) {
		fprintf(stderr, "rpc_helper: submit: %s\n",
			rdmarpc_strerror(ret));
		return 1;
	}
	if (o->after_ms != ULLONG_MAX) {
		struct timespec ts = {
			.tv_sec = (time_t)(o->after_ms / 1000),
			.tv_nsec = (long)(o->after_ms % 1000) * 1000000,
		};

		nanosleep(&ts, NULL);
		ret = rdmarpc_cancel(ep, 7);
		if (ret)
			printf("cancel: %s\n", errname(ret));
	}
	do {
		ret = rdmarpc_reap(ep, &c, 1, 1, -1);
	} while (ret == -EINTR);
	if (ret != 1) {
		fprintf(stderr, "rpc_helper: reap: %s\n",
			rdmarpc_strerror(ret));
		return 1;
	}
	if (c.error)
		printf("call: %s after %.3f s\n", errname(c.error),
		       now_s() - t0);
	else
		printf("call: ok status %d\n", c.status);
	rdmarpc_close(ep);
	return c.error == (o->after_ms != ULLONG_MAX ? -ECANCELED : -ETIMEDOUT) ?
	       0 : 1;
}

static int do_runs(const struct opts *o)
{
	char *buf = malloc(MAX_REQUEST);
	unsigned long long runs = 0;
	struct rdmarpc *ep;
	int err;

	if (!buf || open_bound(o->service, &ep))
		return 1;
	printf("runs: serving '%s'\n", o->service);
	for (;;) {
		struct rdmarpc_req_info r;
		unsigned long ms = 0;
		char ans[32];
		int n;

		err = rdmarpc_recv(ep, &r, buf, MAX_REQUEST - 1, -1);
		if (err == -EINTR)
			continue;
		if (err) {
			fprintf(stderr, "rpc_helper: recv: %s\n",
				rdmarpc_strerror(err));
			return 1;
		}
		printf("run %llu len %zu\n", ++runs, r.len);
		buf[r.len < MAX_REQUEST - 1 ? r.len : MAX_REQUEST - 1] = '\0';
		if (sscanf(buf, "sleep %lu", &ms) == 1) {
			struct timespec ts = {
				.tv_sec = (time_t)(ms / 1000),
				.tv_nsec = (long)(ms % 1000) * 1000000,
			};

			while (nanosleep(&ts, &ts) && errno == EINTR)
				;
		}
		n = snprintf(ans, sizeof(ans), "run %llu", runs);
		err = rdmarpc_reply(ep, r.id, RDMARPC_STATUS_OK, ans, (size_t)n);
		if (err) {
			fprintf(stderr, "rpc_helper: reply: %s\n",
				rdmarpc_strerror(err));
			return 1;
		}
	}
}

/* 32 hex digits into RDMARPC_CALL_KEY_LEN bytes. */
static int parse_key(const char *hex, uint8_t *key)
{
	unsigned int b;

	if (!hex || strlen(hex) != 2 * RDMARPC_CALL_KEY_LEN ||
	    strspn(hex, "0123456789abcdefABCDEF") != strlen(hex))
		return -1;
	for (int i = 0; i < RDMARPC_CALL_KEY_LEN; i++) {
		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -1;
		key[i] = (uint8_t)b;
	}
	return 0;
}

/* One call with @key by SUBMIT and REAP. */
static int key_submit(struct rdmarpc *ep, int handle, uint32_t method,
		      const uint8_t *key, const char *req, size_t len,
		      char *resp, size_t cap, size_t *resp_len, int32_t *st,
		      unsigned int timeout_ms)
{
	char buf[RDMARPC_CALL_KEY_LEN + 64];
	struct rdmarpc_completion c;
	struct rdmarpc_call call;
	int ret;

	memcpy(buf + RDMARPC_CALL_KEY_LEN, req, len);
	rdmarpc_call_prep_key(&call, handle, method, 1, key, buf, len, resp,
			      cap, timeout_ms);
	ret = rdmarpc_submit(ep, &call, 1);
	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	do {
		ret = rdmarpc_reap(ep, &c, 1, 1, -1);
	} while (ret == -EINTR);
	if (ret != 1)
		return ret < 0 ? ret : -EIO;
	*resp_len = (size_t)c.resp_len;
	*st = c.status;
	return c.error;
}

static int do_key(const struct opts *o)
{
	uint32_t method = rdmarpc_method_id(o->service);
	uint8_t key[RDMARPC_CALL_KEY_LEN];
	struct rdmarpc_call_opts co = {
		.timeout_ms = (unsigned int)o->timeout_ms,
	};
	unsigned long long i, ok = 0;
	struct rdmarpc *ep;
	char req[32];
	int handle, len;

	if (parse_key(o->key, key)) {
		fprintf(stderr, "rpc_helper: --key takes %d hex digits\n",
			2 * RDMARPC_CALL_KEY_LEN);
		return 2;
	}
	len = o->sleep_ms ? snprintf(req, sizeof(req), "sleep %llu",
				     o->sleep_ms) :
	      snprintf(req, sizeof(req), "hello");
	handle = open_connected(o, &ep);
	if (handle < 0)
		return 1;
	for (i = 1; i <= o->count; i++) {
		char resp[64];
		size_t got = 0;
		int32_t st = 0;
		int err;

		if (o->submit)
			err = key_submit(ep, handle, method, key, req,
					 (size_t)len, resp, sizeof(resp) - 1,
					 &got, &st, co.timeout_ms);
		else
			err = rdmarpc_call_key(ep, handle, method, key, req,
					       (size_t)len, resp,
					       sizeof(resp) - 1, &got, &st,
					       &co);
		if (err) {
			printf("call %llu: %s\n", i, errname(err));
		} else if (st) {
			printf("call %llu: status %d\n", i, st);
		} else {
			resp[got < sizeof(resp) - 1 ? got : sizeof(resp) - 1] =
				'\0';
			printf("call %llu: %s\n", i, resp);
			ok++;
		}
	}
	rdmarpc_close(ep);
	return ok == o->count ? 0 : 1;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: rpc_helper sink [--service NAME]\n"
		"       rpc_helper early [--service NAME] [--count N]\n"
		"       rpc_helper call --peer ADDR [--service NAME] "
		"[--size N] [--count N] [--timeout MS] [--poll]\n"
		"       rpc_helper clients --peer ADDR [--service NAME] "
		"[--endpoints N] [--count N] [--max-size N] [--timeout MS]\n"
		"       rpc_helper hold --peer ADDR [--service NAME]\n"
		"       rpc_helper counter [--service NAME] [--count N] "
		"[--delay MS]\n"
		"       rpc_helper signals --peer ADDR [--service NAME] "
		"[--count N] [--no-restart] [--timeout MS]\n"
		"       rpc_helper retry --peer ADDR [--service NAME] "
		"[--idempotent] [--timeout MS]\n"
		"       rpc_helper reqstate [--service NAME] [--delay MS]\n"
		"       rpc_helper cancel --peer ADDR [--service NAME] "
		"[--after MS] [--hold] [--timeout MS]\n"
		"       rpc_helper runs [--service NAME]\n"
		"       rpc_helper key --peer ADDR --key HEX [--service NAME] "
		"[--count N] [--sleep MS] [--submit] [--timeout MS]\n"
		"       (all but sink, early and runs: "
		"[--connect-timeout MS])\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "peer", required_argument, NULL, 'p' },
		{ "service", required_argument, NULL, 's' },
		{ "size", required_argument, NULL, 'z' },
		{ "count", required_argument, NULL, 'c' },
		{ "endpoints", required_argument, NULL, 'e' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "connect-timeout", required_argument, NULL, 'T' },
		{ "poll", no_argument, NULL, 'P' },
		{ "delay", required_argument, NULL, 'd' },
		{ "no-restart", no_argument, NULL, 'R' },
		{ "idempotent", no_argument, NULL, 'I' },
		{ "after", required_argument, NULL, 'a' },
		{ "hold", no_argument, NULL, 'H' },
		{ "key", required_argument, NULL, 'k' },
		{ "sleep", required_argument, NULL, 'S' },
		{ "submit", no_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .size = 64, .count = 1, .endpoints = 2, .delay_ms = 5,
			  .max_size = 4096, .connect_timeout_ms = ULLONG_MAX,
			  .after_ms = ULLONG_MAX };
	const char *mode;
	int opt;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	mode = argv[1];
	optind = 2;
	while ((opt = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		unsigned long long *dst = NULL;
		char *end;

		switch (opt) {
		case 'p': o.peer = optarg; break;
		case 's': o.service = optarg; break;
		case 'z': dst = &o.size; break;
		case 'c': dst = &o.count; break;
		case 'e': dst = &o.endpoints; break;
		case 'm': dst = &o.max_size; break;
		case 't': dst = &o.timeout_ms; break;
		case 'T': dst = &o.connect_timeout_ms; break;
		case 'P': o.poll = true; break;
		case 'd': dst = &o.delay_ms; break;
		case 'R': o.no_restart = true; break;
		case 'I': o.idempotent = true; break;
		case 'a': dst = &o.after_ms; break;
		case 'H': o.hold = true; break;
		case 'k': o.key = optarg; break;
		case 'S': dst = &o.sleep_ms; break;
		case 'U': o.submit = true; break;
		default: usage(stderr); return 2;
		}
		if (dst) {
			errno = 0;
			*dst = strtoull(optarg, &end, 0);
			if (errno || *end || !*optarg) {
				usage(stderr);
				return 2;
			}
		}
	}
	if (optind != argc || o.size > MAX_REQUEST ||
	    o.max_size > MAX_REQUEST || !o.count || o.count > 65536 ||
	    !o.endpoints || o.endpoints > 64 || o.timeout_ms > UINT32_MAX ||
	    (o.connect_timeout_ms != ULLONG_MAX &&
	     o.connect_timeout_ms > UINT32_MAX)) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "sink")) {
		o.service = o.service ? o.service : "sink";
		return do_sink(&o);
	}
	if (!strcmp(mode, "counter")) {
		o.service = o.service ? o.service : "counter";
		return do_counter(&o);
	}
	if (!strcmp(mode, "reqstate")) {
		o.service = o.service ? o.service : "reqstate";
		return do_reqstate(&o);
	}
	if (!strcmp(mode, "early")) {
		o.service = o.service ? o.service : "early";
		return do_early(&o);
	}
	if (!strcmp(mode, "runs")) {
		o.service = o.service ? o.service : "runs";
		return do_runs(&o);
	}
	if (!o.peer) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(mode, "call")) {
		o.service = o.service ? o.service : "sink";
		return do_call(&o);
	}
	if (!strcmp(mode, "clients")) {
		o.service = o.service ? o.service : "echo";
		return do_clients(&o);
	}
	if (!strcmp(mode, "retry")) {
		o.service = o.service ? o.service : "counter";
		return do_retry(&o);
	}
	if (!strcmp(mode, "signals")) {
		o.service = o.service ? o.service : "counter";
		return do_signals(&o);
	}
	if (!strcmp(mode, "hold")) {
		o.service = o.service ? o.service : "held";
		return do_hold(&o);
	}
	if (!strcmp(mode, "cancel")) {
		o.service = o.service ? o.service : "reqstate";
		return do_cancel(&o);
	}
	if (!strcmp(mode, "key")) {
		o.service = o.service ? o.service : "runs";
		return do_key(&o);
	}
	usage(stderr);
	return 2;
}
