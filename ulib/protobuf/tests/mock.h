/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A model of what the module does for one endpoint that both calls and
 * serves, under the binding's struct rl_pb_ops: calls go to a request
 * queue when their method id is bound (else they complete -ENOENT),
 * replies become completions, reaping copies the response into the
 * call's buffer at most resp_cap bytes (-ENOBUFS with the full length if
 * it does not fit), cancel completes a call -ECANCELED.  Thread-safe;
 * reap and recv wait on a condition variable.
 */
#ifndef RDMARPC_PB_MOCK_H
#define RDMARPC_PB_MOCK_H

#include "rdmarpc-protobuf-internal.h"

struct mock {
	/* Knobs, set before use. */
	int submit_error;		/* submit fails with it (0: no) */
	int call_error;			/* a sync call fails with it */
	size_t max_msg;			/* reply refused above (-EMSGSIZE) */
	unsigned int max_inflight;	/* submit -EAGAIN beyond (0: none) */
	/* Run by a sync call once its request is queued (e.g. serve). */
	void (*serve)(void *arg);
	void *serve_arg;
	/* Counters. */
	unsigned int submitted, reaped, cancelled, replies, dropped_replies;
	struct mock_state *s;		/* the queues */
};

extern const struct rl_pb_ops mock_ops;

struct mock *mock_new(void);
void mock_free(struct mock *m);
/* Bind @id as if some endpoint served it (without a server). */
void mock_bind_raw(struct mock *m, uint32_t id);
/* Requests queued and not taken; completions not reaped. */
unsigned int mock_queued(struct mock *m);
unsigned int mock_completions(struct mock *m);

#endif
