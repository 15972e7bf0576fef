/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librdmarpc internals: not exported (hidden visibility, and the version
 * script exports rdmarpc_* only).  The parsers here are pure functions over
 * netlink buffers so that the host unit tests can feed them crafted messages.
 */
#ifndef RDMARPC_ULIB_INTERNAL_H
#define RDMARPC_ULIB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "librdmarpc.h"

#define RL_EXPORT __attribute__((visibility("default")))

/*
 * Index the attributes in [data, data + len) by type into tb[0..max]
 * (later duplicates win, types above max are ignored).  -EPROTO if an
 * attribute overruns the buffer or is shorter than its own header.
 */
int rl_attr_index(const void *data, size_t len, const struct nlattr **tb,
		  int max);

/*
 * Parsers of one generic netlink message (header included).  -EPROTO if a
 * known attribute has the wrong size or the message is truncated.
 */
int rl_parse_dev(const struct nlmsghdr *nlh, struct rdmarpc_dev *dev);
void rl_dev_clear(struct rdmarpc_dev *dev);
int rl_parse_params(const struct nlmsghdr *nlh, struct rdmarpc_params *p);
/*
 * struct rdmarpc_params as librdmarpc 0.4 had it, for the programs built
 * then: every field before credit_overcommit.
 */
#define RL_PARAMS_0_SIZE offsetof(struct rdmarpc_params, credit_overcommit)
void rl_params_to_0(void *old, const struct rdmarpc_params *all);
/* Offset and size in struct rdmarpc_params of RDMARPC_PARAM_A_x. */
int rl_param_field(int attr, size_t *off, size_t *size);
int rl_parse_loopback(const struct nlmsghdr *nlh,
		      struct rdmarpc_loopback_result *res);

/*
 * From an NLMSG_ERROR message: the error (negative errno, 0 for an ACK) and
 * the extack message copied into buf ("" if none).  -EPROTO if malformed.
 */
int rl_parse_error(const struct nlmsghdr *nlh, int *error, char *buf,
		   size_t len);

/*
 * Deliver the DEV_NEW/DEV_DEL messages of family @family found in a
 * datagram.  Returns the number delivered; *stop is set when the callback
 * asked to stop.  Malformed events are skipped.
 */
int rl_dispatch_events(const void *buf, size_t len, uint16_t family,
		       rdmarpc_event_fn fn, void *arg, int *stop);
/* The same for every kind of event (rdmarpc_nl_read_events()). */
int rl_dispatch_all_events(const void *buf, size_t len, uint16_t family,
			   rdmarpc_event_handler fn, void *arg, int *stop);

/*
 * Parse one event message into *ev: 0, -ENOENT if its command is no event
 * this library knows, -EPROTO if it is malformed.  Free it with
 * rl_event_clear().
 */
int rl_parse_event(const struct nlmsghdr *nlh, struct rdmarpc_event *ev);
void rl_event_clear(struct rdmarpc_event *ev);
int rl_parse_session_event(const struct nlmsghdr *nlh,
			   struct rdmarpc_session_event *e);
int rl_parse_peer_event(const struct nlmsghdr *nlh,
			struct rdmarpc_peer_event *e);

/* libnl's NLE_* codes (positive) to an errno (positive). */
int rl_nle_to_errno(int nle);

/* Parsers of PEER_GET and SESSION_GET replies (one message each). */
int rl_parse_peer(const struct nlmsghdr *nlh, struct rdmarpc_peer *peer);
int rl_parse_session(const struct nlmsghdr *nlh, struct rdmarpc_session *s);
/* Parser of a STATS_GET reply. */
int rl_parse_stats(const struct nlmsghdr *nlh, struct rdmarpc_module_stats *st);

/* ---- /dev/rdmarpc (call.c, serve.c) ---- */

struct rdmarpc_connect;
struct rdmarpc_bind;

/* An endpoint around an open descriptor (the tests use any file). */
int rl_ep_wrap(int fd, struct rdmarpc **out);

/* ring.c: an endpoint's shared rings (@fd is the endpoint's). */
struct rl_ring;
int rl_ring_setup(int fd, bool thread, struct rl_ring **out);
/* The rings at @map (a mapping of @map_len bytes from RING_SETUP). */
int rl_ring_init(void *map, size_t map_len, struct rl_ring **out);
void rl_ring_free(struct rl_ring *r);
int rl_ring_submit(int fd, struct rl_ring *r, const struct rdmarpc_call *calls,
		   unsigned int n);
int rl_ring_reap(int fd, struct rl_ring *r, unsigned int busy_us,
		 struct rdmarpc_completion *c, unsigned int n,
		 unsigned int min, int timeout_ms);
/* A copy of the endpoint's retry policy (max_attempts 0: none set). */
void rl_ep_retry_policy(struct rdmarpc *ep, struct rdmarpc_retry_policy *p);

/* retry.c */
/* 0 if @p is a usable policy, else -EINVAL. */
int rl_retry_check(const struct rdmarpc_retry_policy *p);
/*
 * Whether a call that ended with @err (0: then @status) after @tries
 * attempts is tried again under @p, with @left_ms of its time left
 * (UINT64_MAX: no bound).  If so, *delay_ms is the wait before the next
 * attempt: the exponential backoff with its upper half jittered, from
 * *rnd (a xorshift state).
 */
bool rl_retry_next(const struct rdmarpc_retry_policy *p, unsigned int tries,
		   int err, int32_t status, uint64_t left_ms, uint64_t *rnd,
		   unsigned int *delay_ms);
/*
 * One synchronous try of @c (the CALL ioctl): returns as rdmarpc_call()
 * does, @resp_len and @status may be NULL.  The retries' loop calls it
 * through rl_call_try_fn, which the tests replace.
 */
typedef int (*rl_call_try_fn)(struct rdmarpc *ep,
			      const struct rdmarpc_call *c,
			      size_t *resp_len, int32_t *status);
int rl_call_sync(struct rdmarpc *ep, const struct rdmarpc_call *c,
		 size_t *resp_len, int32_t *status);
/*
 * rdmarpc_call_opts()'s loop over the tries of @c (its timeout_ms set for
 * each), each made with @try: the same @c every time, so that a key it
 * carries goes with every try.
 */
int rl_call_retrying(struct rdmarpc *ep, struct rdmarpc_call *c,
		     size_t *resp_len, int32_t *status,
		     const struct rdmarpc_call_opts *opts, rl_call_try_fn try);
/* rdmarpc_call_key(), its tries made with @try. */
int rl_call_key(struct rdmarpc *ep, int handle, uint32_t method,
		const uint8_t *key, const void *req, size_t req_len,
		void *resp, size_t resp_cap, size_t *resp_len,
		int32_t *status, const struct rdmarpc_call_opts *opts,
		rl_call_try_fn try);
/* ioctl(); 0 or a negative errno. */
int rl_ioctl(const struct rdmarpc *ep, unsigned long req, void *arg);
/* A wait in ms as the ABI takes it: -1 (forever) becomes ~0U. */
uint32_t rl_wait_ms(int timeout_ms);
/* Fill and check the ABI structures; -EINVAL for bad arguments. */
int rl_connect_prep(struct rdmarpc_connect *c, const char *peer,
		    unsigned int timeout_ms);
int rl_bind_prep(struct rdmarpc_bind *b, const char *service,
		 const uint32_t *methods, unsigned int n);
/*
 * The checks made before an entry reaches the kernel (a struct
 * rdmarpc_call, rdmarpc_request or rdmarpc_reply): 0 or -EINVAL.
 */
int rl_call_check(const void *entry);
int rl_request_check(const void *entry);
int rl_reply_check(const void *entry);

/*
 * Batch ioctl @req over @count entries at @entries; @min and @timeout_ms
 * (as the API takes it, see rl_wait_ms()) are the wait of REAP's rules, 0
 * otherwise.  Returns the ioctl's error, with *@done what the kernel says
 * it did.
 */
int rl_batch_ioctl(const struct rdmarpc *ep, unsigned long req,
		   const void *entries, unsigned int count, unsigned int min,
		   int timeout_ms, unsigned int *done);
/* How many of the @n entries of @size bytes @check passes, from the first. */
unsigned int rl_batch_valid(const void *entries, size_t size, unsigned int n,
			    int (*check)(const void *entry));
/*
 * SUBMIT's rules (SUBMIT, REPLY_BATCH): the entries @check passes, from
 * the first, in one batch.  Returns how many the kernel took, or a
 * negative errno if none (-EINVAL for no valid entry).
 */
int rl_batch_send(const struct rdmarpc *ep, unsigned long req,
		  const void *entries, size_t size, unsigned int n,
		  int (*check)(const void *entry));

#endif /* RDMARPC_ULIB_INTERNAL_H */
