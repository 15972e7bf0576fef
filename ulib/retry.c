// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Retries of idempotent calls: when to try again and how long to wait;
 * calls with an idempotency key, whose every try carries the same key.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define RL_RETRY_MAX_ATTEMPTS	100
#define RL_RETRY_MAX_MULT	10
/* No backoff beyond a minute: a longer one is a bug, not a policy. */
#define RL_RETRY_MAX_BACKOFF_MS	60000

int rl_retry_check(const struct rdmarpc_retry_policy *p)
{
	if (!p->max_attempts || p->max_attempts > RL_RETRY_MAX_ATTEMPTS ||
	    !p->multiplier || p->multiplier > RL_RETRY_MAX_MULT ||
	    p->max_backoff_ms < p->initial_backoff_ms ||
	    p->max_backoff_ms > RL_RETRY_MAX_BACKOFF_MS ||
	    (p->flags & ~RDMARPC_RETRY_TRANSPORT))
		return -EINVAL;
	return 0;
}

/* The transport errors a retry may cure: the peer or path was away. */
static bool rl_retry_transient(int err)
{
	switch (err) {
	case -ETIMEDOUT:
	case -ECONNRESET:
	case -ECONNABORTED:
	case -ENODEV:
	case -ENOENT:
	case -EHOSTUNREACH:
	case -ECONNREFUSED:
	case -EUSERS:
	case -ENOSPC:
	case -ENOMEM:
		return true;
	default:
		return false;
	}
}

static uint64_t rl_xorshift(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

bool rl_retry_next(const struct rdmarpc_retry_policy *p, unsigned int tries,
		   int err, int32_t status, uint64_t left_ms, uint64_t *rnd,
		   unsigned int *delay_ms)
{
	uint64_t base = p->initial_backoff_ms, half;
	unsigned int i;

	if (tries >= p->max_attempts)
		return false;
	if (err ? !(p->flags & RDMARPC_RETRY_TRANSPORT) ||
		  !rl_retry_transient(err) :
		  status <= 0 || status >= 32 ||
		  !(p->statuses & RDMARPC_RETRY_ON(status)))
		return false;
	for (i = 1; i < tries && base < p->max_backoff_ms; i++)
		base *= p->multiplier;
	if (base > p->max_backoff_ms)
		base = p->max_backoff_ms;
	/* Jitter: anywhere in the upper half, so retries spread out. */
	half = base / 2;
	*delay_ms = (unsigned int)(base - half +
				   (half ? rl_xorshift(rnd) % (half + 1) : 0));
	/* The next try needs time of its own after the wait. */
	return *delay_ms < left_ms;
}

static uint64_t rl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void rl_sleep_ms(unsigned int ms)
{
	struct timespec t = { .tv_sec = ms / 1000,
			      .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

int rl_call_retrying(struct rdmarpc *ep, struct rdmarpc_call *c,
		     size_t *resp_len, int32_t *status,
		     const struct rdmarpc_call_opts *opts, rl_call_try_fn try)
{
	struct rdmarpc_retry_policy pol = { .max_attempts = 1,
					    .multiplier = 1 };
	uint64_t end = 0, now, left, rnd;
	unsigned int tries = 0, delay;
	int32_t st = 0;
	int err;

	if (!ep || !opts || (opts->flags & ~RDMARPC_CALL_IDEMPOTENT) ||
	    (opts->retry && rl_retry_check(opts->retry)))
		return -EINVAL;
	if (opts->flags & RDMARPC_CALL_IDEMPOTENT) {
		if (opts->retry)
			pol = *opts->retry;
		else
			rl_ep_retry_policy(ep, &pol);
		if (!pol.max_attempts)
			pol.max_attempts = 1;
	}
	now = rl_now_ms();
	rnd = now ^ (uint64_t)(uintptr_t)&now;
	if (opts->timeout_ms)
		end = now + opts->timeout_ms;
	for (;;) {
		c->timeout_ms = opts->timeout_ms;
		if (end) {
			left = end > now ? end - now : 0;
			/* At least a millisecond: 0 would mean the default. */
			c->timeout_ms = left ? (unsigned int)left : 1;
		}
		/* The same @c each time: a key, if any, goes with every try. */
		err = try(ep, c, resp_len, &st);
		tries++;
		now = rl_now_ms();
		left = end ? (end > now ? end - now : 0) : UINT64_MAX;
		if (err == -EINVAL || err == -EINTR ||
		    !rl_retry_next(&pol, tries, err, st, left, &rnd, &delay))
			break;
		rl_sleep_ms(delay);
		now = rl_now_ms();
	}
	if (status)
		*status = st;
	if (opts->attempts)
		*opts->attempts = tries;
	return err;
}

RL_EXPORT int rdmarpc_call_opts(struct rdmarpc *ep, int handle,
				uint32_t method, const void *req,
				size_t req_len, void *resp, size_t resp_cap,
				size_t *resp_len, int32_t *status,
				const struct rdmarpc_call_opts *opts)
{
	struct rdmarpc_call c;

	rdmarpc_call_prep(&c, handle, method, 0, req, req_len, resp, resp_cap,
			  0);
	return rl_call_retrying(ep, &c, resp_len, status, opts, rl_call_sync);
}

int rl_call_key(struct rdmarpc *ep, int handle, uint32_t method,
		const uint8_t *key, const void *req, size_t req_len,
		void *resp, size_t resp_cap, size_t *resp_len,
		int32_t *status, const struct rdmarpc_call_opts *opts,
		rl_call_try_fn try)
{
	const struct rdmarpc_call_opts one = { 0 };
	struct rdmarpc_call c;
	uint8_t *buf;
	int err;

	if (resp_len)
		*resp_len = 0;
	if (status)
		*status = 0;
	if (!key || (req_len && !req) ||
	    req_len > SIZE_MAX - RDMARPC_CALL_KEY_LEN)
		return -EINVAL;
	/* The key in front of the request, as the ABI wants it. */
	buf = malloc(RDMARPC_CALL_KEY_LEN + req_len);
	if (!buf)
		return -ENOMEM;
	if (req_len)
		memcpy(buf + RDMARPC_CALL_KEY_LEN, req, req_len);
	rdmarpc_call_prep_key(&c, handle, method, 0, key, buf, req_len, resp,
			      resp_cap, 0);
	err = rl_call_retrying(ep, &c, resp_len, status, opts ? opts : &one,
			       try);
	free(buf);
	return err;
}

RL_EXPORT int rdmarpc_call_key(struct rdmarpc *ep, int handle,
			       uint32_t method, const uint8_t *key,
			       const void *req, size_t req_len, void *resp,
			       size_t resp_cap, size_t *resp_len,
			       int32_t *status,
			       const struct rdmarpc_call_opts *opts)
{
	return rl_call_key(ep, handle, method, key, req, req_len, resp,
			   resp_cap, resp_len, status, opts, rl_call_sync);
}
