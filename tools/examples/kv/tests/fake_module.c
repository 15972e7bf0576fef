// SPDX-License-Identifier: MIT
/*
 * The /dev/rdmarpc part of librdmarpc, faked in process for the kv host
 * test: endpoints, bind, calls (sync and submit/reap/cancel), recv and
 * reply behave as <rdmarpc.h> documents them, in memory, between the
 * threads of one process.  Linked instead of librdmarpc's call.c and
 * serve.c (error.c is the real one), so kv_server and kv_client run
 * unchanged.  rdmarpc_fd() is an eventfd, readable while the endpoint
 * has completions to reap or requests to take, as the module's is.
 *
 * fake_interrupt() makes the next wait of every endpoint return -EINTR,
 * as a signal would (a thread's signal does not end a condition wait).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <librdmarpc.h>

#include "fake_module.h"

#define MAX_EPS		16
#define MAX_IDS		1024
#define MAX_MSG		(16u << 20)

struct fcall {
	struct fcall *next;
	struct rdmarpc *caller;
	uint64_t cookie;
	int sync;
	void *resp;
	size_t cap;
	/* Request, while not taken. */
	uint64_t id;
	uint32_t method;
	uint8_t *req;
	size_t req_len;
	struct rdmarpc *server;
	int taken, done, cancelled;
	/* Completion. */
	int error;
	int32_t status;
	uint8_t *data;
	size_t len;
};

struct rdmarpc {
	int efd;
	int readable;			/* the eventfd holds a count */
	struct fcall *calls;		/* this endpoint's, in order */
	char names[8][RDMARPC_NAME_MAX];
	unsigned int n_names;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct {
	uint32_t id;
	struct rdmarpc *ep;
} bound[MAX_IDS];
static unsigned int n_bound;
/* Every endpoint's requests not answered yet, in arrival order. */
static struct fcall *req_list[1 << 16];
static unsigned int n_reqs;
static uint64_t next_id = 1;
/* Requests taken whose call went away: a reply to them is dropped. */
static uint64_t orphans[1024];
static unsigned int n_orphans;
static unsigned int interrupts;
static unsigned int recv_waiters;

void fake_interrupt(void)
{
	pthread_mutex_lock(&lock);
	interrupts++;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

unsigned int fake_recv_waiters(void)
{
	unsigned int n;

	pthread_mutex_lock(&lock);
	n = recv_waiters;
	pthread_mutex_unlock(&lock);
	return n;
}

int fake_bound(uint32_t id)
{
	unsigned int i;
	int found = 0;

	pthread_mutex_lock(&lock);
	for (i = 0; i < n_bound; i++)
		found |= bound[i].id == id;
	pthread_mutex_unlock(&lock);
	return found;
}

static struct rdmarpc *server_of(uint32_t id)
{
	unsigned int i;

	for (i = 0; i < n_bound; i++)
		if (bound[i].id == id)
			return bound[i].ep;
	return NULL;
}

/* Under the lock: the eventfd is readable iff there is work. */
static void update_fd(struct rdmarpc *ep)
{
	struct fcall *c;
	unsigned int i;
	int work = 0;
	uint64_t v = 1;

	for (c = ep->calls; c && !work; c = c->next)
		work = c->done && !c->sync;
	for (i = 0; i < n_reqs && !work; i++)
		work = req_list[i]->server == ep && !req_list[i]->taken;
	if (work && !ep->readable) {
		if (write(ep->efd, &v, sizeof(v)) == sizeof(v))
			ep->readable = 1;
	} else if (!work && ep->readable) {
		if (read(ep->efd, &v, sizeof(v)) == sizeof(v))
			ep->readable = 0;
	}
}

static void complete(struct fcall *c, int error, int32_t status,
		     const void *data, size_t len)
{
	c->done = 1;
	c->error = error;
	c->status = status;
	if (len) {
		c->data = malloc(len);
		if (!c->data)
			abort();
		memcpy(c->data, data, len);
	}
	c->len = len;
	if (c->caller)
		update_fd(c->caller);
	pthread_cond_broadcast(&cond);
}

/* Under the lock: @c is no longer a request waiting for an answer. */
static void drop_request(struct fcall *c)
{
	unsigned int i;

	for (i = 0; i < n_reqs; i++)
		if (req_list[i] == c) {
			memmove(&req_list[i], &req_list[i + 1],
				(n_reqs - i - 1) * sizeof(req_list[0]));
			n_reqs--;
			if (c->taken && c->server &&
			    n_orphans < sizeof(orphans) / sizeof(orphans[0]))
				orphans[n_orphans++] = c->id;
			if (c->server)
				update_fd(c->server);
			return;
		}
}

static void free_call(struct fcall *c)
{
	free(c->req);
	free(c->data);
	free(c);
}

/* Wait on the condition until @deadline (NULL: forever); -EINTR, -ETIMEDOUT. */
static int wait_once(const struct timespec *deadline, unsigned int seen)
{
	if (interrupts != seen)
		return -EINTR;
	if (!deadline) {
		pthread_cond_wait(&cond, &lock);
	} else if (pthread_cond_timedwait(&cond, &lock, deadline)) {
		return -ETIMEDOUT;
	}
	return interrupts != seen ? -EINTR : 0;
}

static struct timespec *deadline_of(struct timespec *ts, int timeout_ms)
{
	if (timeout_ms < 0)
		return NULL;
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += timeout_ms / 1000;
	ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
	return ts;
}

/* ---- the librdmarpc API ---- */

int rdmarpc_open(struct rdmarpc **out)
{
	struct rdmarpc *ep = calloc(1, sizeof(*ep));

	if (!ep)
		return -ENOMEM;
	ep->efd = eventfd(0, EFD_CLOEXEC);
	if (ep->efd < 0) {
		free(ep);
		return -errno;
	}
	*out = ep;
	return 0;
}

void rdmarpc_close(struct rdmarpc *ep)
{
	struct fcall *c;
	unsigned int i;

	if (!ep)
		return;
	pthread_mutex_lock(&lock);
	/* Its services go; the requests it held are aborted. */
	for (i = 0; i < n_bound;)
		if (bound[i].ep == ep)
			bound[i] = bound[--n_bound];
		else
			i++;
	for (i = 0; i < n_reqs;) {
		c = req_list[i];
		if (c->server != ep) {
			i++;
			continue;
		}
		c->server = NULL;
		drop_request(c);
		if (!c->caller)
			free_call(c);
		else if (!c->done)
			complete(c, -ECONNABORTED, 0, NULL, 0);
	}
	/* Its own calls are forgotten; one being served dies with its reply. */
	while (ep->calls) {
		c = ep->calls;
		ep->calls = c->next;
		if (!c->done && c->taken) {
			c->caller = NULL;
			c->cancelled = 1;
			continue;
		}
		drop_request(c);
		free_call(c);
	}
	pthread_mutex_unlock(&lock);
	close(ep->efd);
	free(ep);
}

int rdmarpc_fd(const struct rdmarpc *ep)
{
	return ep ? ep->efd : -EINVAL;
}

int rdmarpc_connect(struct rdmarpc *ep, const char *peer,
		    unsigned int timeout_ms)
{
	(void)timeout_ms;
	return ep && peer && *peer ? 0 : -EINVAL;
}

uint32_t rdmarpc_method_id(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	uint32_t h = 2166136261u;

	while (p && *p) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

void rdmarpc_call_prep(struct rdmarpc_call *c, int handle, uint32_t method,
		       uint64_t cookie, const void *req, size_t req_len,
		       void *resp, size_t resp_cap, unsigned int timeout_ms)
{
	memset(c, 0, sizeof(*c));
	c->handle = (uint32_t)handle;
	c->method = method;
	c->cookie = cookie;
	c->req = (uint64_t)(uintptr_t)req;
	c->req_len = req_len;
	c->resp = (uint64_t)(uintptr_t)resp;
	c->resp_cap = resp_cap;
	c->timeout_ms = timeout_ms;
}

/* Under the lock: start a call of @ep. */
static struct fcall *start(struct rdmarpc *ep, const struct rdmarpc_call *rc,
			   int sync)
{
	struct fcall *c = calloc(1, sizeof(*c)), **p;

	if (!c)
		abort();
	c->caller = ep;
	c->cookie = rc->cookie;
	c->sync = sync;
	c->resp = (void *)(uintptr_t)rc->resp;
	c->cap = rc->resp_cap;
	c->method = rc->method;
	for (p = &ep->calls; *p; p = &(*p)->next)
		;
	*p = c;
	if (rc->req_len > MAX_MSG) {
		complete(c, -EMSGSIZE, 0, NULL, 0);
		return c;
	}
	c->server = server_of(rc->method);
	if (!c->server) {
		/* As the module answers: UNIMPLEMENTED, naming the id. */
		char msg[64];
		int n = snprintf(msg, sizeof(msg),
				 "no service for method 0x%08x", rc->method);

		complete(c, 0, RDMARPC_STATUS_UNIMPLEMENTED, msg, (size_t)n);
		return c;
	}
	c->id = next_id++;
	c->req_len = rc->req_len;
	c->req = malloc(rc->req_len ? rc->req_len : 1);
	if (!c->req)
		abort();
	memcpy(c->req, (const void *)(uintptr_t)rc->req, rc->req_len);
	return c;
}

static void queue_request(struct fcall *c)
{
	if (n_reqs == sizeof(req_list) / sizeof(req_list[0]))
		abort();
	req_list[n_reqs++] = c;
	update_fd(c->server);
	pthread_cond_broadcast(&cond);
}

/* Copy the completion out as REAP does; unlink and free the call. */
static void deliver(struct rdmarpc *ep, struct fcall *c,
		    struct rdmarpc_completion *out)
{
	struct fcall **p;

	out->cookie = c->cookie;
	out->error = c->error;
	out->status = c->error ? 0 : c->status;
	out->resp_len = c->len;
	if (c->len && c->resp)
		memcpy(c->resp, c->data, c->len < c->cap ? c->len : c->cap);
	if (!c->error && c->len > c->cap)
		out->error = -ENOBUFS;
	for (p = &ep->calls; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	free_call(c);
	update_fd(ep);
}

int rdmarpc_call(struct rdmarpc *ep, int handle, uint32_t method,
		 const void *req, size_t req_len, void *resp, size_t resp_cap,
		 size_t *resp_len, int32_t *status, unsigned int timeout_ms)
{
	struct rdmarpc_completion out;
	struct rdmarpc_call rc;
	struct timespec ts;
	struct fcall *c;
	int err = 0;

	if (resp_len)
		*resp_len = 0;
	if (status)
		*status = 0;
	if (!ep || handle < 0)
		return -EINVAL;
	rdmarpc_call_prep(&rc, handle, method, 0, req, req_len, resp,
			  resp_cap, timeout_ms);
	pthread_mutex_lock(&lock);
	c = start(ep, &rc, 1);
	if (!c->done)
		queue_request(c);
	deadline_of(&ts, timeout_ms ? (int)timeout_ms : 5000);
	while (!c->done && !err)
		err = wait_once(&ts, interrupts);
	if (!c->done) {
		/* Timed out or interrupted: the call is cancelled. */
		c->cancelled = 1;
		drop_request(c);
		complete(c, err, 0, NULL, 0);
	}
	deliver(ep, c, &out);
	pthread_mutex_unlock(&lock);
	if (resp_len)
		*resp_len = out.resp_len;
	if (status)
		*status = out.status;
	return out.error;
}

int rdmarpc_submit(struct rdmarpc *ep, const struct rdmarpc_call *calls,
		   unsigned int n)
{
	struct fcall *c;
	unsigned int i;

	if (!ep || (n && !calls))
		return -EINVAL;
	pthread_mutex_lock(&lock);
	for (i = 0; i < n; i++) {
		c = start(ep, &calls[i], 0);
		if (!c->done)
			queue_request(c);
	}
	pthread_mutex_unlock(&lock);
	return (int)n;
}

static unsigned int reapable(struct rdmarpc *ep)
{
	struct fcall *c;
	unsigned int n = 0;

	for (c = ep->calls; c; c = c->next)
		n += c->done && !c->sync;
	return n;
}

int rdmarpc_reap(struct rdmarpc *ep, struct rdmarpc_completion *out,
		 unsigned int n, unsigned int min, int timeout_ms)
{
	struct timespec ts, *dl = deadline_of(&ts, timeout_ms);
	unsigned int done = 0, seen;
	struct fcall *c, *next;
	int err = 0;

	if (!ep || !out || !n || min > n)
		return -EINVAL;
	pthread_mutex_lock(&lock);
	seen = interrupts;
	while (timeout_ms && reapable(ep) < min && !err)
		err = wait_once(dl, seen);
	for (c = ep->calls; c && done < n; c = next) {
		next = c->next;
		if (c->done && !c->sync)
			deliver(ep, c, &out[done++]);
	}
	pthread_mutex_unlock(&lock);
	if (err == -EINTR && !done)
		return -EINTR;
	return (int)done;
}

int rdmarpc_cancel(struct rdmarpc *ep, uint64_t cookie)
{
	struct fcall *c;
	int err = -ENOENT;

	pthread_mutex_lock(&lock);
	for (c = ep->calls; c; c = c->next)
		if (c->cookie == cookie && !c->sync) {
			if (!c->done) {
				c->cancelled = 1;
				drop_request(c);
				complete(c, -ECANCELED, 0, NULL, 0);
			}
			err = 0;
		}
	pthread_mutex_unlock(&lock);
	return err;
}

int rdmarpc_bind(struct rdmarpc *ep, const char *service,
		 const uint32_t *methods, unsigned int n)
{
	unsigned int i;
	int err = 0;

	if (!ep || !service || !*service)
		return -EINVAL;
	pthread_mutex_lock(&lock);
	for (i = 0; i < n && !err; i++)
		if (server_of(methods[i]))
			err = server_of(methods[i]) == ep ? -EEXIST :
							   -EADDRINUSE;
	if (!err && (n_bound + (n ? n : 1) > MAX_IDS || ep->n_names == 8))
		err = -ENOSPC;
	if (!err) {
		for (i = 0; i < n; i++) {
			bound[n_bound].id = methods[i];
			bound[n_bound++].ep = ep;
		}
		if (!n) {
			bound[n_bound].id = rdmarpc_method_id(service);
			bound[n_bound++].ep = ep;
		}
		strncpy(ep->names[ep->n_names++], service,
			RDMARPC_NAME_MAX - 1);
	}
	pthread_mutex_unlock(&lock);
	return err;
}

/* Under the lock: the first request waiting for @ep. */
static struct fcall *first_request(struct rdmarpc *ep)
{
	unsigned int i;

	for (i = 0; i < n_reqs; i++)
		if (req_list[i]->server == ep && !req_list[i]->taken)
			return req_list[i];
	return NULL;
}

int rdmarpc_recv(struct rdmarpc *ep, struct rdmarpc_req_info *r, void *buf,
		 size_t cap, int timeout_ms)
{
	struct timespec ts, *dl = deadline_of(&ts, timeout_ms);
	struct fcall *c;
	unsigned int seen;
	int err = 0;

	if (!ep || !r)
		return -EINVAL;
	pthread_mutex_lock(&lock);
	seen = interrupts;
	while (!(c = first_request(ep)) && !err) {
		if (!timeout_ms) {
			err = -EAGAIN;
			break;
		}
		recv_waiters++;
		err = wait_once(dl, seen);
		recv_waiters--;
	}
	if (c) {
		c->taken = 1;
		r->id = c->id;
		r->method = c->method;
		r->len = c->req_len;
		if (c->req_len)
			memcpy(buf, c->req, c->req_len < cap ? c->req_len : cap);
		update_fd(ep);
		err = 0;
	}
	pthread_mutex_unlock(&lock);
	return err;
}

/* A taken request: cancelled once its caller gave up; no deadlines here. */
int rdmarpc_request_state(struct rdmarpc *ep, uint64_t id, int *cancelled,
			  int64_t *time_left_ms)
{
	unsigned int i;
	int err = -ENOENT;

	if (!ep)
		return -EINVAL;
	pthread_mutex_lock(&lock);
	for (i = 0; i < n_reqs; i++) {
		if (req_list[i]->id == id && req_list[i]->server == ep &&
		    req_list[i]->taken) {
			if (cancelled)
				*cancelled = req_list[i]->cancelled;
			if (time_left_ms)
				*time_left_ms = -1;
			err = 0;
			break;
		}
	}
	pthread_mutex_unlock(&lock);
	return err;
}

int rdmarpc_reply(struct rdmarpc *ep, uint64_t id, int32_t status,
		  const void *buf, size_t len)
{
	struct fcall *c = NULL;
	unsigned int i;
	int err = -ENOENT;

	if (!ep || (len && !buf))
		return -EINVAL;
	if (len > MAX_MSG)
		return -EMSGSIZE;
	pthread_mutex_lock(&lock);
	for (i = 0; i < n_reqs; i++)
		if (req_list[i]->id == id && req_list[i]->server == ep &&
		    req_list[i]->taken) {
			c = req_list[i];
			break;
		}
	if (c) {
		c->taken = 0;		/* answered: no orphan */
		drop_request(c);
		if (!c->caller)
			free_call(c);		/* its caller closed */
		else
			complete(c, 0, status, buf, len);
		err = 0;
	}
	for (i = 0; !c && i < n_orphans; i++)
		if (orphans[i] == id) {
			orphans[i] = orphans[--n_orphans];
			err = 0;
		}
	pthread_mutex_unlock(&lock);
	return err;
}
