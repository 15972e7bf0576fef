// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * /dev/rdmarpc, the client side: endpoints, connections and calls.
 *
 * Each function checks its arguments, fills the ABI structure and makes
 * one ioctl.  The endpoint holds the descriptor and its retry policy
 * (under its mutex), so any number of threads may use it at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/random.h>

#include "internal.h"

struct rdmarpc {
	int fd;
	pthread_mutex_t lock;			/* guards the fields below */
	struct rdmarpc_retry_policy retry;	/* max_attempts 0: none set */
	int rings;				/* rdmarpc_rings_set()'s @on */
	/*
	 * Shared rings once set up (never undone until close), read without
	 * the lock; with @busy_us, the spin of each reap.
	 */
	struct rl_ring *ring;
	unsigned int busy_us;
};

static struct rl_ring *rl_ep_ring(const struct rdmarpc *ep)
{
	return __atomic_load_n(&ep->ring, __ATOMIC_ACQUIRE);
}

int rl_ep_wrap(int fd, struct rdmarpc **out)
{
	struct rdmarpc *ep;

	*out = NULL;
	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	ep->fd = fd;
	ep->rings = RDMARPC_RINGS_ON;
	pthread_mutex_init(&ep->lock, NULL);
	*out = ep;
	return 0;
}

RL_EXPORT int rdmarpc_set_retry_policy(struct rdmarpc *ep,
				       const struct rdmarpc_retry_policy *p)
{
	struct rdmarpc_retry_policy none = { 0 };

	if (!ep || (p && rl_retry_check(p)))
		return -EINVAL;
	pthread_mutex_lock(&ep->lock);
	ep->retry = p ? *p : none;
	pthread_mutex_unlock(&ep->lock);
	return 0;
}

void rl_ep_retry_policy(struct rdmarpc *ep, struct rdmarpc_retry_policy *p)
{
	pthread_mutex_lock(&ep->lock);
	*p = ep->retry;
	pthread_mutex_unlock(&ep->lock);
}

RL_EXPORT int rdmarpc_open(struct rdmarpc **out)
{
	int fd, err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	fd = open("/dev/" RDMARPC_DEV_NAME, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = rl_ep_wrap(fd, out);
	if (err)
		close(fd);
	return err;
}

RL_EXPORT void rdmarpc_close(struct rdmarpc *ep)
{
	if (!ep)
		return;
	rl_ring_free(ep->ring);
	close(ep->fd);
	pthread_mutex_destroy(&ep->lock);
	free(ep);
}

RL_EXPORT int rdmarpc_fd(const struct rdmarpc *ep)
{
	return ep ? ep->fd : -EINVAL;
}

/* One ioctl; a negative errno on failure. */
int rl_ioctl(const struct rdmarpc *ep, unsigned long req, void *arg)
{
	return ioctl(ep->fd, req, arg) < 0 ? -errno : 0;
}

uint32_t rl_wait_ms(int timeout_ms)
{
	return timeout_ms < 0 ? ~0U : (uint32_t)timeout_ms;
}

int rl_batch_ioctl(const struct rdmarpc *ep, unsigned long req,
		   const void *entries, unsigned int count, unsigned int min,
		   int timeout_ms, unsigned int *done)
{
	struct rdmarpc_batch b;
	int err;

	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.count = count;
	b.entries = (uint64_t)(uintptr_t)entries;
	b.min_complete = min;
	b.timeout_ms = rl_wait_ms(timeout_ms);
	err = rl_ioctl(ep, req, &b);
	*done = b.done;
	return err;
}

unsigned int rl_batch_valid(const void *entries, size_t size, unsigned int n,
			    int (*check)(const void *entry))
{
	const char *p = entries;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (check(p + (size_t)i * size))
			break;
	return i;
}

int rl_batch_send(const struct rdmarpc *ep, unsigned long req,
		  const void *entries, size_t size, unsigned int n,
		  int (*check)(const void *entry))
{
	unsigned int i, done;
	int err;

	if (!ep || (n && !entries) || n > INT32_MAX)
		return -EINVAL;
	if (!n)
		return 0;
	/* Send the valid prefix, so the count says where the bad one is. */
	i = rl_batch_valid(entries, size, n, check);
	if (!i)
		return -EINVAL;
	err = rl_batch_ioctl(ep, req, entries, i, 0, 0, &done);
	if (done > i)
		return -EPROTO;
	if (err && !done)
		return err;
	return (int)done;
}

int rl_connect_prep(struct rdmarpc_connect *c, const char *peer,
		    unsigned int timeout_ms)
{
	size_t n;

	memset(c, 0, sizeof(*c));
	if (!peer)
		return -EINVAL;
	n = strlen(peer);
	if (!n || n >= sizeof(c->peer))
		return -EINVAL;
	c->size = sizeof(*c);
	memcpy(c->peer, peer, n);
	c->timeout_ms = timeout_ms;
	return 0;
}

RL_EXPORT int rdmarpc_connect(struct rdmarpc *ep, const char *peer,
			      unsigned int timeout_ms)
{
	struct rdmarpc_connect c;
	int err;

	if (!ep)
		return -EINVAL;
	err = rl_connect_prep(&c, peer, timeout_ms);
	if (!err)
		err = rl_ioctl(ep, RDMARPC_IOC_CONNECT, &c);
	if (err)
		return err;
	if (c.handle > INT32_MAX)
		return -EPROTO;
	return (int)c.handle;
}

RL_EXPORT uint32_t rdmarpc_method_id(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	uint32_t h = 2166136261u;

	while (p && *p) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

RL_EXPORT void rdmarpc_call_prep(struct rdmarpc_call *c, int handle,
				 uint32_t method, uint64_t cookie,
				 const void *req, size_t req_len, void *resp,
				 size_t resp_cap, unsigned int timeout_ms)
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

RL_EXPORT void rdmarpc_call_prep_key(struct rdmarpc_call *c, int handle,
				     uint32_t method, uint64_t cookie,
				     const uint8_t *key, void *buf,
				     size_t req_len, void *resp,
				     size_t resp_cap, unsigned int timeout_ms)
{
	rdmarpc_call_prep(c, handle, method, cookie, buf,
			  req_len + RDMARPC_CALL_KEY_LEN, resp, resp_cap,
			  timeout_ms);
	c->flags = RDMARPC_CALL_F_KEY;
	/* Without a key or a buffer, rl_call_check() refuses it. */
	if (key && buf)
		memmove(buf, key, RDMARPC_CALL_KEY_LEN);
	else
		c->req = 0;
}

RL_EXPORT int rdmarpc_idempotency_key(uint8_t *key)
{
	size_t got = 0;
	ssize_t n;

	if (!key)
		return -EINVAL;
	while (got < RDMARPC_CALL_KEY_LEN) {
		n = getrandom(key + got, RDMARPC_CALL_KEY_LEN - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		got += (size_t)n;
	}
	return 0;
}

/* The checks the library makes before a call reaches the kernel. */
int rl_call_check(const void *entry)
{
	const struct rdmarpc_call *c = entry;

	if ((int32_t)c->handle < 0)
		return -EINVAL;
	if ((c->req_len && !c->req) || (c->resp_cap && !c->resp))
		return -EINVAL;
	if (c->flags & ~RDMARPC_CALL_F_ALL)
		return -EINVAL;
	/* The key is the first 16 bytes of the request. */
	if ((c->flags & RDMARPC_CALL_F_KEY) &&
	    c->req_len < RDMARPC_CALL_KEY_LEN)
		return -EINVAL;
	return 0;
}

int rl_call_sync(struct rdmarpc *ep, const struct rdmarpc_call *c,
		 size_t *resp_len, int32_t *status)
{
	struct rdmarpc_sync_call sc;
	int err;

	if (resp_len)
		*resp_len = 0;
	if (status)
		*status = 0;
	if (!ep)
		return -EINVAL;
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.call = *c;
	err = rl_call_check(&sc.call);
	if (!err)
		err = rl_ioctl(ep, RDMARPC_IOC_CALL, &sc);
	if (err)
		return err;
	if (resp_len)
		*resp_len = (size_t)sc.comp.resp_len;
	if (status)
		*status = sc.comp.error ? 0 : sc.comp.status;
	return sc.comp.error;
}

RL_EXPORT int rdmarpc_call(struct rdmarpc *ep, int handle, uint32_t method,
			   const void *req, size_t req_len, void *resp,
			   size_t resp_cap, size_t *resp_len, int32_t *status,
			   unsigned int timeout_ms)
{
	struct rdmarpc_call c;

	rdmarpc_call_prep(&c, handle, method, 0, req, req_len, resp, resp_cap,
			  timeout_ms);
	return rl_call_sync(ep, &c, resp_len, status);
}

RL_EXPORT int rdmarpc_submit(struct rdmarpc *ep,
			     const struct rdmarpc_call *calls, unsigned int n)
{
	struct rl_ring *ring = ep ? rl_ep_ring(ep) : NULL;
	unsigned int i;

	if (!ring)
		return rl_batch_send(ep, RDMARPC_IOC_SUBMIT, calls,
				     sizeof(*calls), n, rl_call_check);
	if ((n && !calls) || n > INT32_MAX)
		return -EINVAL;
	if (!n)
		return 0;
	/* As the ioctl's: the valid prefix, so the count says where. */
	i = rl_batch_valid(calls, sizeof(*calls), n, rl_call_check);
	if (!i)
		return -EINVAL;
	return rl_ring_submit(ep->fd, ring, calls, i);
}

RL_EXPORT int rdmarpc_reap(struct rdmarpc *ep, struct rdmarpc_completion *c,
			   unsigned int n, unsigned int min, int timeout_ms)
{
	unsigned int done;
	int err;

	struct rl_ring *ring;

	if (!ep || !c || !n || min > n || n > INT32_MAX)
		return -EINVAL;
	ring = rl_ep_ring(ep);
	if (ring)
		return rl_ring_reap(ep->fd, ring,
				    __atomic_load_n(&ep->busy_us,
						    __ATOMIC_RELAXED),
				    c, n, min, timeout_ms);
	err = rl_batch_ioctl(ep, RDMARPC_IOC_REAP, c, n, min, timeout_ms,
			     &done);
	/* A wait that timed out still hands over what it reaped. */
	if (err == -ETIMEDOUT || err == -EAGAIN || (err == -EINTR && done))
		err = 0;
	if (err)
		return err;
	if (done > n)
		return -EPROTO;
	return (int)done;
}

RL_EXPORT int rdmarpc_cancel(struct rdmarpc *ep, uint64_t cookie)
{
	if (!ep)
		return -EINVAL;
	return rl_ioctl(ep, RDMARPC_IOC_CANCEL, &cookie);
}

RL_EXPORT int rdmarpc_busy_poll_set(struct rdmarpc *ep, unsigned int usec)
{
	struct rl_ring *ring;
	uint32_t us = usec;
	int err;

	if (!ep || usec > RDMARPC_BUSY_POLL_MAX_US)
		return -EINVAL;
	err = rl_ioctl(ep, RDMARPC_IOC_BUSY_POLL, &us);
	if (err)
		return err;
	pthread_mutex_lock(&ep->lock);
	__atomic_store_n(&ep->busy_us, usec, __ATOMIC_RELAXED);
	/*
	 * Polling: the rings, where the module has them.  A module without
	 * them (-ENOTTY), or one short of memory, leaves the ioctls.
	 */
	if (usec && !ep->ring && ep->rings != RDMARPC_RINGS_OFF &&
	    !rl_ring_setup(ep->fd, ep->rings == RDMARPC_RINGS_THREAD, &ring))
		__atomic_store_n(&ep->ring, ring, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&ep->lock);
	return 0;
}

RL_EXPORT int rdmarpc_rings_active(const struct rdmarpc *ep)
{
	return ep && rl_ep_ring(ep);
}

RL_EXPORT int rdmarpc_rings_set(struct rdmarpc *ep, int on)
{
	int err = 0;

	if (!ep || on < RDMARPC_RINGS_OFF || on > RDMARPC_RINGS_THREAD)
		return -EINVAL;
	pthread_mutex_lock(&ep->lock);
	if (ep->ring && on != ep->rings)
		err = -EBUSY;
	else
		ep->rings = on;
	pthread_mutex_unlock(&ep->lock);
	return err;
}

RL_EXPORT int rdmarpc_nop(struct rdmarpc *ep)
{
	if (!ep)
		return -EINVAL;
	return ioctl(ep->fd, RDMARPC_IOC_NOP) < 0 ? -errno : 0;
}
