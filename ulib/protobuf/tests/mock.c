// SPDX-License-Identifier: LGPL-2.1-or-later
/* The model of the module's queues for one endpoint: see mock.h. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mock.h"

#define SYNC_COOKIE	(1ULL << 62)

struct mreq {
	struct mreq *next;
	uint64_t id, cookie;
	uint32_t method;
	uint8_t *data;
	size_t len;
	int taken, cancelled;
};

struct mcomp {
	struct mcomp *next;
	uint64_t cookie;
	int error;
	int32_t status;
	uint8_t *data;
	size_t len;
	void *dst;			/* the call's response buffer */
	size_t cap;
};

/* Where a call's response goes, by cookie, while it is in flight. */
struct mdst {
	struct mdst *next;
	uint64_t cookie;
	void *dst;
	size_t cap;
};

struct mock_state {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint32_t ids[256];
	unsigned int n_ids;
	char names[16][RDMARPC_NAME_MAX];
	unsigned int n_names;
	struct mreq *reqs;		/* in arrival order */
	struct mcomp *comps;		/* in completion order */
	struct mdst *dsts;
	uint64_t next_id, next_sync;
};

struct mock *mock_new(void)
{
	struct mock *m = calloc(1, sizeof(*m));

	if (!m)
		abort();
	m->s = calloc(1, sizeof(*m->s));
	if (!m->s)
		abort();
	pthread_mutex_init(&m->s->lock, NULL);
	pthread_cond_init(&m->s->cond, NULL);
	m->max_msg = 16u << 20;
	m->s->next_id = 100;
	return m;
}

void mock_free(struct mock *m)
{
	struct mock_state *s = m->s;

	while (s->reqs) {
		struct mreq *r = s->reqs;

		s->reqs = r->next;
		free(r->data);
		free(r);
	}
	while (s->comps) {
		struct mcomp *c = s->comps;

		s->comps = c->next;
		free(c->data);
		free(c);
	}
	while (s->dsts) {
		struct mdst *d = s->dsts;

		s->dsts = d->next;
		free(d);
	}
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
	free(m);
}

static int bound(struct mock_state *s, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < s->n_ids; i++)
		if (s->ids[i] == id)
			return 1;
	return 0;
}

void mock_bind_raw(struct mock *m, uint32_t id)
{
	pthread_mutex_lock(&m->s->lock);
	if (!bound(m->s, id) && m->s->n_ids < 256)
		m->s->ids[m->s->n_ids++] = id;
	pthread_mutex_unlock(&m->s->lock);
}

unsigned int mock_queued(struct mock *m)
{
	unsigned int n = 0;
	struct mreq *r;

	pthread_mutex_lock(&m->s->lock);
	for (r = m->s->reqs; r; r = r->next)
		n += !r->taken && !r->cancelled;
	pthread_mutex_unlock(&m->s->lock);
	return n;
}

unsigned int mock_completions(struct mock *m)
{
	unsigned int n = 0;
	struct mcomp *c;

	pthread_mutex_lock(&m->s->lock);
	for (c = m->s->comps; c; c = c->next)
		n++;
	pthread_mutex_unlock(&m->s->lock);
	return n;
}

static void *dup_bytes(const void *p, size_t len)
{
	void *d = malloc(len ? len : 1);

	if (!d)
		abort();
	if (len)
		memcpy(d, p, len);
	return d;
}

/* Under the lock: complete the call @cookie. */
static void complete(struct mock_state *s, uint64_t cookie, int error,
		     int32_t status, const void *data, size_t len)
{
	struct mcomp *c = calloc(1, sizeof(*c)), **p;
	struct mdst **d;

	if (!c)
		abort();
	c->cookie = cookie;
	c->error = error;
	c->status = status;
	c->data = dup_bytes(data, len);
	c->len = len;
	for (d = &s->dsts; *d; d = &(*d)->next)
		if ((*d)->cookie == cookie) {
			struct mdst *f = *d;

			c->dst = f->dst;
			c->cap = f->cap;
			*d = f->next;
			free(f);
			break;
		}
	for (p = &s->comps; *p; p = &(*p)->next)
		;
	*p = c;
	pthread_cond_broadcast(&s->cond);
}

static unsigned int in_flight(struct mock_state *s)
{
	unsigned int n = 0;
	struct mdst *d;

	for (d = s->dsts; d; d = d->next)
		n += !(d->cookie & SYNC_COOKIE);
	return n;
}

/* Under the lock: start a call. */
static void start(struct mock_state *s, const struct rdmarpc_call *c)
{
	struct mdst *d = calloc(1, sizeof(*d));
	struct mreq *r, **p;

	if (!d)
		abort();
	d->cookie = c->cookie;
	d->dst = (void *)(uintptr_t)c->resp;
	d->cap = c->resp_cap;
	d->next = s->dsts;
	s->dsts = d;
	if (!bound(s, c->method)) {
		/* As the module answers: UNIMPLEMENTED, naming the id. */
		char msg[64];
		int n = snprintf(msg, sizeof(msg),
				 "no service for method 0x%08x", c->method);

		complete(s, c->cookie, 0, RDMARPC_STATUS_UNIMPLEMENTED, msg,
			 (size_t)n);
		return;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	r->id = s->next_id++;
	r->cookie = c->cookie;
	r->method = c->method;
	r->data = dup_bytes((const void *)(uintptr_t)c->req, c->req_len);
	r->len = c->req_len;
	for (p = &s->reqs; *p; p = &(*p)->next)
		;
	*p = r;
	pthread_cond_broadcast(&s->cond);
}

static int m_submit(void *t, const struct rdmarpc_call *calls, unsigned int n)
{
	struct mock *m = t;
	unsigned int i;

	pthread_mutex_lock(&m->s->lock);
	for (i = 0; i < n; i++) {
		if (m->submit_error ||
		    (m->max_inflight && in_flight(m->s) >= m->max_inflight))
			break;
		start(m->s, &calls[i]);
		m->submitted++;
	}
	pthread_mutex_unlock(&m->s->lock);
	if (i < n && !i)
		return m->submit_error ? m->submit_error : -EAGAIN;
	return (int)i;
}

static void deadline_of(struct timespec *ts, int timeout_ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += timeout_ms / 1000;
	ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

/* Under the lock: wait for @cond or the timeout; 0 if it holds. */
static int wait_for(struct mock_state *s, int (*cond)(struct mock_state *,
						      void *),
		    void *arg, int timeout_ms)
{
	struct timespec ts;

	deadline_of(&ts, timeout_ms < 0 ? 0 : timeout_ms);
	while (!cond(s, arg)) {
		if (!timeout_ms)
			return -EAGAIN;
		if (timeout_ms < 0)
			pthread_cond_wait(&s->cond, &s->lock);
		else if (pthread_cond_timedwait(&s->cond, &s->lock, &ts))
			return cond(s, arg) ? 0 : -ETIMEDOUT;
	}
	return 0;
}

/* Copy a completion out as the module's REAP does. */
static void deliver(struct mcomp *c, struct rdmarpc_completion *out)
{
	out->cookie = c->cookie;
	out->error = c->error;
	out->status = c->error ? 0 : c->status;
	out->resp_len = c->len;
	if (c->len && c->dst)
		memcpy(c->dst, c->data, c->len < c->cap ? c->len : c->cap);
	if (!c->error && c->len > c->cap) {
		out->error = -ENOBUFS;
		out->status = 0;
	}
}

static int has_async(struct mock_state *s, void *min)
{
	unsigned int n = 0;
	struct mcomp *c;

	for (c = s->comps; c; c = c->next)
		n += !(c->cookie & SYNC_COOKIE);
	return n >= *(unsigned int *)min;
}

static int m_reap(void *t, struct rdmarpc_completion *out, unsigned int n,
		  unsigned int min, int timeout_ms)
{
	struct mock *m = t;
	struct mcomp **p;
	unsigned int done = 0;

	pthread_mutex_lock(&m->s->lock);
	wait_for(m->s, has_async, &min, timeout_ms);
	p = &m->s->comps;
	while (*p && done < n) {
		struct mcomp *c = *p;

		if (c->cookie & SYNC_COOKIE) {
			p = &c->next;
			continue;
		}
		*p = c->next;
		deliver(c, &out[done++]);
		free(c->data);
		free(c);
		m->reaped++;
	}
	pthread_mutex_unlock(&m->s->lock);
	return (int)done;
}

static int m_cancel(void *t, uint64_t cookie)
{
	struct mock *m = t;
	struct mcomp *c;
	struct mreq *r;
	int err = -ENOENT;

	pthread_mutex_lock(&m->s->lock);
	for (r = m->s->reqs; r; r = r->next)
		if (r->cookie == cookie && !r->cancelled) {
			r->cancelled = 1;
			complete(m->s, cookie, -ECANCELED, 0, NULL, 0);
			m->cancelled++;
			err = 0;
			break;
		}
	for (c = m->s->comps; err && c; c = c->next)
		if (c->cookie == cookie)
			err = 0;
	pthread_mutex_unlock(&m->s->lock);
	return err;
}

static int m_bind(void *t, const char *service, const uint32_t *methods,
		  unsigned int n)
{
	struct mock *m = t;
	unsigned int i;
	int err = 0;

	pthread_mutex_lock(&m->s->lock);
	for (i = 0; i < m->s->n_names; i++)
		if (!strcmp(m->s->names[i], service))
			err = -EADDRINUSE;
	for (i = 0; i < n && !err; i++)
		if (bound(m->s, methods[i]))
			err = -EADDRINUSE;
	if (!err && (m->s->n_names == 16 || m->s->n_ids + n > 256))
		err = -ENOSPC;
	if (!err) {
		strncpy(m->s->names[m->s->n_names++], service,
			RDMARPC_NAME_MAX - 1);
		for (i = 0; i < n; i++)
			m->s->ids[m->s->n_ids++] = methods[i];
	}
	pthread_mutex_unlock(&m->s->lock);
	return err;
}

static int has_request(struct mock_state *s, void *arg)
{
	struct mreq *r;

	(void)arg;
	for (r = s->reqs; r; r = r->next)
		if (!r->taken && !r->cancelled)
			return 1;
	return 0;
}

static int m_recv(void *t, struct rdmarpc_req_info *ri, void *buf, size_t cap,
		  int timeout_ms)
{
	struct mock *m = t;
	struct mreq *r;
	int err;

	pthread_mutex_lock(&m->s->lock);
	err = wait_for(m->s, has_request, NULL, timeout_ms);
	for (r = m->s->reqs; !err && r; r = r->next)
		if (!r->taken && !r->cancelled) {
			r->taken = 1;
			ri->id = r->id;
			ri->method = r->method;
			ri->len = r->len;
			if (r->len)
				memcpy(buf, r->data,
				       r->len < cap ? r->len : cap);
			break;
		}
	pthread_mutex_unlock(&m->s->lock);
	return err;
}

static int m_reply(void *t, uint64_t id, int32_t status, const void *buf,
		   size_t len)
{
	struct mock *m = t;
	struct mreq **p, *r = NULL;
	int err = -ENOENT;

	pthread_mutex_lock(&m->s->lock);
	for (p = &m->s->reqs; *p; p = &(*p)->next)
		if ((*p)->id == id && (*p)->taken) {
			r = *p;
			break;
		}
	if (r && len > m->max_msg) {
		err = -EMSGSIZE;	/* still to be answered */
	} else if (r) {
		*p = r->next;
		if (r->cancelled)
			m->dropped_replies++;
		else
			complete(m->s, r->cookie, 0, status, buf, len);
		m->replies++;
		free(r->data);
		free(r);
		err = 0;
	}
	pthread_mutex_unlock(&m->s->lock);
	return err;
}

/* Cancelled once the caller gave up; the mock's callers set no deadline. */
static int m_state(void *t, uint64_t id, int *cancelled, int64_t *time_left_ms)
{
	struct mock *m = t;
	struct mreq *r;
	int err = -ENOENT;

	pthread_mutex_lock(&m->s->lock);
	for (r = m->s->reqs; r; r = r->next) {
		if (r->id == id && r->taken) {
			if (cancelled)
				*cancelled = r->cancelled;
			if (time_left_ms)
				*time_left_ms = -1;
			err = 0;
			break;
		}
	}
	pthread_mutex_unlock(&m->s->lock);
	return err;
}

struct sync_wait {
	uint64_t cookie;
};

static int has_comp(struct mock_state *s, void *arg)
{
	struct sync_wait *w = arg;
	struct mcomp *c;

	for (c = s->comps; c; c = c->next)
		if (c->cookie == w->cookie)
			return 1;
	return 0;
}

static int m_call(void *t, int handle, uint32_t method, const void *req,
		  size_t req_len, void *resp, size_t cap, size_t *resp_len,
		  int32_t *status, unsigned int timeout_ms)
{
	struct rdmarpc_completion out;
	struct mock *m = t;
	struct rdmarpc_call c;
	struct sync_wait w;
	struct mcomp **p;
	int err;

	*resp_len = 0;
	*status = 0;
	if (m->call_error)
		return m->call_error;
	pthread_mutex_lock(&m->s->lock);
	w.cookie = SYNC_COOKIE | m->s->next_sync++;
	rdmarpc_call_prep(&c, handle, method, w.cookie, req, req_len, resp,
			  cap, timeout_ms);
	start(m->s, &c);
	pthread_mutex_unlock(&m->s->lock);
	if (m->serve)
		m->serve(m->serve_arg);
	pthread_mutex_lock(&m->s->lock);
	err = wait_for(m->s, has_comp, &w, timeout_ms ? (int)timeout_ms : 2000);
	if (err) {
		/* Timed out: the module cancels the call. */
		struct mreq *r;

		for (r = m->s->reqs; r; r = r->next)
			if (r->cookie == w.cookie)
				r->cancelled = 1;
		complete(m->s, w.cookie, -ETIMEDOUT, 0, NULL, 0);
	}
	for (p = &m->s->comps; *p; p = &(*p)->next)
		if ((*p)->cookie == w.cookie) {
			struct mcomp *f = *p;

			*p = f->next;
			deliver(f, &out);
			free(f->data);
			free(f);
			break;
		}
	pthread_mutex_unlock(&m->s->lock);
	*resp_len = out.resp_len;
	*status = out.status;
	return out.error;
}

const struct rl_pb_ops mock_ops = {
	.call = m_call,
	.submit = m_submit,
	.reap = m_reap,
	.cancel = m_cancel,
	.bind = m_bind,
	.recv = m_recv,
	.reply = m_reply,
	.state = m_state,
};
