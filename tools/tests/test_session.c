// SPDX-License-Identifier: GPL-2.0
/*
 * The session state machine driven by hand: packets are captured on send
 * and delivered (or not, twice, reordered, after a delay) by each test.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "../../kmod/core/protocol.h"

#define T_MAXPKT 4096

struct tpkt {
	u32 len;
	u8 data[RR_MAX_MTU > T_MAXPKT ? T_MAXPKT : RR_MAX_MTU];
};

/* One side's environment. */
struct tenv {
	struct rr_session *s;
	struct tpkt *q;		/* captured sends, FIFO */
	size_t nq, capq;
	u8 txbuf[T_MAXPKT];
	bool tx_block;
	/* server */
	int delivered;
	u32 handle;
	u32 method;
	struct rr_msg req;	/* copy of the last request */
	struct rr_req_info info;	/* ... and what came with it */
	int cancelled;		/* cancel_request calls */
	u32 cancel_handle;	/* ... the last one's */
	bool auto_reply;
	s32 reply_status;
	s64 reply_len;		/* < 0: echo the request */
	s64 mem_used;		/* charged with mem_charge */
	s64 mem_max;		/* 0: no budget */
	/* client */
	int completions;
	u64 cookie;
	int err;
	s32 status;
	struct rr_msg resp;
	bool chain;		/* start another call from the callback */
};

static void *t_get(void *ctx)
{
	struct tenv *e = ctx;

	return e->tx_block ? NULL : e->txbuf;
}

static void t_send(void *ctx, void *buf, u32 len)
{
	struct tenv *e = ctx;

	if (e->nq == e->capq) {
		e->capq = e->capq ? 2 * e->capq : 16;
		e->q = realloc(e->q, e->capq * sizeof(*e->q));
	}
	e->q[e->nq].len = len;
	memcpy(e->q[e->nq].data, buf, len);
	e->nq++;
}

static void t_fill(struct rr_msg *m, u32 len, u8 seed)
{
	u32 off, avail;
	u8 *p;

	rr_msg_init(m, len);
	for (off = 0; off < len; off += avail) {
		p = rr_msg_span(m, off, &avail, RR_MSG_ALLOC);
		for (u32 i = 0; i < avail; i++)
			p[i] = (u8)(seed + (off + i) * 13);
	}
}

static bool t_same(const struct rr_msg *m, u32 len, u8 seed)
{
	u8 b;

	if (m->len != len)
		return false;
	for (u32 i = 0; i < len; i++) {
		rr_msg_read(m, i, &b, 1);
		if (b != (u8)(seed + i * 13))
			return false;
	}
	return true;
}

static void t_deliver(void *ctx, struct rr_session *s, u32 handle, u32 method,
		      struct rr_msg *req, const struct rr_req_info *info)
{
	struct tenv *e = ctx;
	unsigned long fail = rr_user_fail_every;
	struct rr_msg resp;

	/* failures injected for the core, not for this handler */
	rr_user_fail_every = 0;
	e->delivered++;
	e->handle = handle;
	e->method = method;
	e->info = *info;
	rr_msg_free(&e->req);
	rr_msg_move(&e->req, req);
	if (!e->auto_reply)
		goto out;
	if (e->reply_len < 0) {
		/* echo: copy the request back */
		u8 *tmp = malloc(e->req.len + 1);

		rr_msg_read(&e->req, 0, tmp, e->req.len);
		rr_msg_init(&resp, e->req.len);
		rr_msg_write(&resp, 0, tmp, e->req.len);
		free(tmp);
	} else {
		t_fill(&resp, (u32)e->reply_len, 99);
	}
	rr_user_fail_every = fail;
	if (rr_server_reply(s, handle, e->reply_status, &resp)) {
		rr_msg_free(&resp);
		/* Over the budget: the module answers with the errno. */
		rr_server_reply_err(s, handle, -ENOSPC);
	}
out:
	rr_user_fail_every = fail;
}

static void t_complete(void *ctx, struct rr_session *s, u64 cookie, int err,
		       s32 status, struct rr_msg *resp)
{
	struct tenv *e = ctx;

	e->completions++;
	e->cookie = cookie;
	e->err = err;
	e->status = status;
	rr_msg_free(&e->resp);
	rr_msg_move(&e->resp, resp);
	if (e->chain) {
		struct rr_msg m;

		e->chain = false;
		t_fill(&m, 10, 5);
		if (rr_client_call(s, 1, &m, cookie + 1000, 0))
			rr_msg_free(&m);
	}
}

static void t_cancel(void *ctx, struct rr_session *s, u32 handle,
		     u32 method)
{
	struct tenv *e = ctx;

	(void)s;
	(void)method;
	e->cancelled++;
	e->cancel_handle = handle;
}

static bool t_charge(void *ctx, s64 bytes)
{
	struct tenv *e = ctx;

	if (bytes > 0 && e->mem_max && e->mem_used + bytes > e->mem_max)
		return false;
	e->mem_used += bytes;
	return true;
}

static const struct rr_ops t_ops = {
	.tx_get_buf = t_get,
	.tx_send = t_send,
	.deliver_request = t_deliver,
	.cancel_request = t_cancel,
	.complete_call = t_complete,
	.mem_charge = t_charge,
};

static const struct rr_ids t_cids = { 1, 0x1111, 2, 0x2222 };
static const struct rr_ids t_sids = { 2, 0x2222, 1, 0x1111 };

static void t_pair(struct tenv *c, struct tenv *s, const struct rr_params *pc,
		   const struct rr_params *ps)
{
	struct rr_params d;

	rr_params_default(&d);
	memset(c, 0, sizeof(*c));
	memset(s, 0, sizeof(*s));
	s->auto_reply = true;
	s->reply_len = -1;
	c->s = rr_session_create(pc ? pc : &d, RR_ROLE_CLIENT, &t_cids, &t_ops, c);
	s->s = rr_session_create(ps ? ps : &d, RR_ROLE_SERVER, &t_sids, &t_ops, s);
}

static void t_free(struct tenv *c, struct tenv *s)
{
	rr_session_destroy(c->s);
	rr_session_destroy(s->s);
	rr_msg_free(&s->req);
	rr_msg_free(&c->resp);
	free(c->q);
	free(s->q);
}

/* Deliver everything @from sent so far to @to; returns packets moved. */
static size_t t_flush(struct tenv *from, struct tenv *to, u64 now)
{
	size_t n = from->nq;
	struct tpkt *q = from->q;

	from->q = NULL;
	from->nq = from->capq = 0;
	for (size_t i = 0; i < n; i++)
		rr_session_rx(to->s, q[i].data, q[i].len, now);
	free(q);
	return n;
}

/* Exchange until quiet. */
static void t_run(struct tenv *c, struct tenv *s, u64 now)
{
	while (t_flush(c, s, now) + t_flush(s, c, now))
		;
}

static int t_call(struct tenv *c, u32 len, u8 seed, u64 cookie, u64 now)
{
	struct rr_msg m;
	int err;

	t_fill(&m, len, seed);
	err = rr_client_call(c->s, 7, &m, cookie, now);
	if (err)
		rr_msg_free(&m);
	return err;
}

static void t_drop(struct tenv *e)
{
	e->nq = 0;
}

TEST(session_basic_call)
{
	struct tenv c, s;

	t_pair(&c, &s, NULL, NULL);
	ASSERT_EQ(t_call(&c, 32, 1, 42, 0), 0);
	ASSERT_TRUE(rr_session_deadline(c.s) != RR_NO_DEADLINE);
	t_run(&c, &s, 10);
	ASSERT_EQ(s.delivered, 1);
	ASSERT_EQ(s.method, 7);
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(c.cookie, 42);
	ASSERT_EQ(c.err, 0);
	ASSERT_TRUE(t_same(&c.resp, 32, 1));
	ASSERT_EQ(rr_session_stats(c.s)->calls_ok, 1);
	/* one packet each way for a small call */
	ASSERT_EQ(rr_session_stats(c.s)->tx_pkts, 1);
	ASSERT_EQ(rr_session_stats(s.s)->tx_pkts, 1);
	/* nothing left to time */
	ASSERT_EQ(rr_session_poll(c.s, 20), RR_NO_DEADLINE);
	t_free(&c, &s);
}

TEST(session_sizes_and_mtus)
{
	static const u32 sizes[] = { 0, 1, 991, 992, 993, 5000, 70000, 300000 };
	static const u32 mtus[] = { 256, 1024, 4096 };

	for (size_t m = 0; m < ARRAY_SIZE(mtus); m++) {
		struct rr_params p;

		rr_params_default(&p);
		p.mtu = mtus[m];
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
			struct tenv c, s;
			u64 now = 0;

			t_pair(&c, &s, &p, &p);
			ASSERT_EQ(t_call(&c, sizes[i], (u8)i, i, 0), 0);
			while (!c.completions && now < 10000000000ull) {
				t_run(&c, &s, now);
				now += 1000;
				rr_session_poll(c.s, now);
			}
			ASSERT_EQ(c.completions, 1);
			ASSERT_EQ(c.err, 0);
			ASSERT_TRUE(t_same(&c.resp, sizes[i], (u8)i));
			ASSERT_EQ(rr_session_stats(c.s)->retransmits, 0);
			t_free(&c, &s);
		}
	}
}

TEST(session_duplicate_request_never_reruns_handler)
{
	struct tenv c, s;
	struct tpkt req;

	t_pair(&c, &s, NULL, NULL);
	ASSERT_EQ(t_call(&c, 100, 3, 1, 0), 0);
	ASSERT_EQ(c.nq, 1);
	req = c.q[0];
	/* the request, three times */
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(rr_session_rx(s.s, req.data, req.len, 1), 0);
	ASSERT_EQ(s.delivered, 1);
	ASSERT_EQ(rr_session_stats(s.s)->dup_requests, 2);
	/* each copy got the stored response, flagged as a duplicate's */
	ASSERT_EQ(s.nq, 3);
	ASSERT_EQ(s.q[0].len, s.q[2].len);
	ASSERT_EQ(memcmp(s.q[0].data + 8, s.q[2].data + 8, s.q[0].len - 8), 0);
	ASSERT_EQ(s.q[0].data[7] & RR_F_DUP, 0);
	ASSERT_EQ(s.q[1].data[7] & RR_F_DUP, RR_F_DUP);
	ASSERT_EQ(s.q[2].data[7] & RR_F_DUP, RR_F_DUP);
	t_drop(&c);
	t_run(&c, &s, 2);
	ASSERT_EQ(c.completions, 1);
	/* and again after the client finished: still not re-run */
	ASSERT_EQ(rr_session_rx(s.s, req.data, req.len, 3), 0);
	ASSERT_EQ(s.delivered, 1);
	t_run(&c, &s, 4);
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(rr_session_stats(c.s)->rx_stale, 3);
	t_free(&c, &s);
}

TEST(session_duplicates_while_handler_runs)
{
	struct tenv c, s;
	struct tpkt req;
	struct rr_msg resp;
	u64 now = 0;

	t_pair(&c, &s, NULL, NULL);
	s.auto_reply = false;
	ASSERT_EQ(t_call(&c, 2000, 4, 1, now), 0);	/* two packets */
	t_run(&c, &s, now);
	ASSERT_EQ(s.delivered, 1);
	/* the client waits; its timer probes; the server says "running" */
	for (int i = 0; i < 30; i++) {
		/* the deadline may be early: poll until the probe goes */
		for (int k = 0; k < 4 && !c.nq; k++) {
			now = rr_session_deadline(c.s);
			rr_session_poll(c.s, now);
		}
		ASSERT_TRUE(c.nq >= 1);
		req = c.q[0];
		t_run(&c, &s, now);
		ASSERT_EQ(s.delivered, 1);
	}
	/* far more probes than max_retries: the live handler keeps it going */
	ASSERT_EQ(c.completions, 0);
	ASSERT_TRUE(rr_session_stats(s.s)->dup_requests >= 30);
	/* answer late: sent unasked */
	t_fill(&resp, 3000, 8);
	ASSERT_EQ(rr_server_reply(s.s, s.handle, 5, &resp), 0);
	ASSERT_EQ(s.nq, 1);
	ASSERT_EQ(rr_server_reply(s.s, s.handle, 5, &resp), -ESTALE);
	t_run(&c, &s, now);
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(c.err, 0);
	ASSERT_EQ(c.status, 5);
	ASSERT_TRUE(t_same(&c.resp, 3000, 8));
	/* a late duplicate of the probe gets packet 0 again, no handler */
	ASSERT_EQ(rr_session_rx(s.s, req.data, req.len, now), 0);
	ASSERT_EQ(s.delivered, 1);
	t_free(&c, &s);
}

/*
 * A handler that answers within ack_delay: the answer is the only packet
 * back and returns the request's credit; nothing is retransmitted.
 */
TEST(session_quick_answer_needs_no_ack)
{
	struct rr_session_info info;
	struct tenv c, s;
	struct rr_msg resp;

	t_pair(&c, &s, NULL, NULL);
	s.auto_reply = false;
	ASSERT_EQ(t_call(&c, 32, 3, 1, 0), 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(s.delivered, 1);
	ASSERT_EQ(rr_session_stats(s.s)->tx_pkts, 0);
	/* the server's timer is set for the ack */
	ASSERT_EQ(rr_session_deadline(s.s), 250000);
	t_fill(&resp, 32, 4);
	ASSERT_EQ(rr_server_reply(s.s, s.handle, 0, &resp), 0);
	t_run(&c, &s, 100000);
	ASSERT_EQ(c.completions, 1);
	ASSERT_TRUE(t_same(&c.resp, 32, 4));
	/* the timer finds nothing owed */
	ASSERT_EQ(rr_session_poll(s.s, 250000), RR_NO_DEADLINE);
	ASSERT_EQ(s.nq, 0);
	ASSERT_EQ(rr_session_stats(s.s)->tx_pkts, 1);
	ASSERT_EQ(rr_session_stats(c.s)->retransmits, 0);
	rr_session_info(c.s, &info);
	ASSERT_EQ(info.inflight, 0);
	ASSERT_EQ(info.busy_slots, 0);
	t_free(&c, &s);
}

/*
 * A slow handler: the server acks after ack_delay, the client then waits
 * without timing out, its probes are no congestion signal, and the late
 * answer completes the call.
 */
TEST(session_slow_handler_acked_after_delay)
{
	struct rr_session_info info;
	struct tenv c, s;
	struct rr_msg resp;
	u64 now;
	u32 cwnd;

	t_pair(&c, &s, NULL, NULL);
	s.auto_reply = false;
	rr_session_info(c.s, &info);
	cwnd = info.cwnd;
	ASSERT_EQ(t_call(&c, 32, 3, 1, 0), 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(s.nq, 0);
	now = rr_session_deadline(s.s);
	ASSERT_EQ(now, 250000);
	ASSERT_EQ(rr_session_poll(s.s, now - 1), now);
	ASSERT_EQ(s.nq, 0);
	ASSERT_EQ(rr_session_poll(s.s, now), RR_NO_DEADLINE);
	ASSERT_EQ(s.nq, 1);
	t_run(&c, &s, now);
	rr_session_info(c.s, &info);
	ASSERT_EQ(info.inflight, 0);
	/* ten seconds of probing: answered each time, no retry limit hit */
	while (now < 10000000000ull) {
		now = rr_session_deadline(c.s);
		rr_session_poll(c.s, now);
		t_run(&c, &s, now);
	}
	ASSERT_EQ(c.completions, 0);
	ASSERT_EQ(rr_session_stats(c.s)->rto_fires, 0);
	ASSERT_EQ(rr_session_stats(c.s)->cwnd_decreases, 0);
	ASSERT_TRUE(rr_session_stats(c.s)->retransmits > 0);
	rr_session_info(c.s, &info);
	ASSERT_TRUE(info.cwnd >= cwnd);
	t_fill(&resp, 32, 4);
	ASSERT_EQ(rr_server_reply(s.s, s.handle, 0, &resp), 0);
	t_run(&c, &s, now);
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(c.err, 0);
	ASSERT_TRUE(t_same(&c.resp, 32, 4));
	t_free(&c, &s);
}

/* ack_delay_ns 0 acks at once; a delay beyond rto_min / 2 is capped. */
TEST(session_ack_delay_params)
{
	struct rr_params p;
	struct tenv c, s;

	rr_params_default(&p);
	p.ack_delay_ns = 0;
	t_pair(&c, &s, NULL, &p);
	s.auto_reply = false;
	ASSERT_EQ(t_call(&c, 32, 3, 1, 0), 0);
	t_flush(&c, &s, 0);
	ASSERT_EQ(s.nq, 1);
	ASSERT_EQ(rr_session_deadline(s.s), RR_NO_DEADLINE);
	t_free(&c, &s);

	p.ack_delay_ns = 10 * p.rto_min_ns;
	t_pair(&c, &s, NULL, &p);
	s.auto_reply = false;
	ASSERT_EQ(t_call(&c, 32, 3, 1, 0), 0);
	t_flush(&c, &s, 0);
	ASSERT_EQ(s.nq, 0);
	ASSERT_EQ(rr_session_deadline(s.s), p.rto_min_ns / 2);
	t_free(&c, &s);
}

TEST(session_newer_request_frees_stored_response)
{
	struct rr_params p;
	struct tenv c, s;
	long live;

	rr_params_default(&p);
	p.slots = 1;
	t_pair(&c, &s, &p, &p);
	s.reply_len = 200000;
	ASSERT_EQ(t_call(&c, 10, 1, 1, 0), 0);
	for (u64 now = 0; !c.completions; now += 1000) {
		t_run(&c, &s, now);
		rr_session_poll(c.s, now);
	}
	rr_msg_free(&c.resp);
	live = rr_user_live;
	s.reply_len = 10;
	ASSERT_EQ(t_call(&c, 10, 2, 2, 0), 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(c.completions, 2);
	rr_msg_free(&c.resp);
	/* the 200 kB response (49 chunks + index) is gone */
	ASSERT_TRUE(rr_user_live < live - 40);
	ASSERT_EQ(s.delivered, 2);
	t_free(&c, &s);
}

/* Run until the client has @n completions (bounded). */
static void t_until(struct tenv *c, struct tenv *s, int n)
{
	for (u64 now = 0; c->completions < n && now < 10000000000ull;
	     now += 1000) {
		t_run(c, s, now);
		rr_session_poll(c->s, now);
	}
}

TEST(session_mem_budget_refuses)
{
	struct rr_params p;
	struct tenv c, s;

	rr_params_default(&p);
	p.slots = 1;
	t_pair(&c, &s, &p, &p);
	s.mem_max = 100000;
	/* A request over the budget: refused before any byte is stored. */
	ASSERT_EQ(t_call(&c, 200000, 1, 1, 0), 0);
	t_until(&c, &s, 1);
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(c.err, -ENOSPC);
	ASSERT_EQ(s.delivered, 0);
	ASSERT_EQ(s.mem_used, 0);
	/* Within it: the stored response stays charged. */
	ASSERT_EQ(t_call(&c, 60000, 2, 2, 0), 0);
	t_until(&c, &s, 2);
	ASSERT_EQ(c.err, 0);
	ASSERT_TRUE(t_same(&c.resp, 60000, 2));
	ASSERT_EQ(s.mem_used, 60000);
	/* A newer request on the slot frees the stored response first. */
	ASSERT_EQ(t_call(&c, 50000, 3, 3, 0), 0);
	t_until(&c, &s, 3);
	ASSERT_EQ(c.err, 0);
	ASSERT_EQ(s.delivered, 2);
	ASSERT_EQ(s.mem_used, 50000);
	/* A response over the budget: the caller gets the errno. */
	s.reply_len = 150000;
	ASSERT_EQ(t_call(&c, 10, 4, 4, 0), 0);
	t_until(&c, &s, 4);
	ASSERT_EQ(c.err, -ENOSPC);
	ASSERT_EQ(s.delivered, 3);
	ASSERT_EQ(s.mem_used, 0);
	t_free(&c, &s);
	ASSERT_EQ(s.mem_used, 0);
}

TEST(session_stale_reply_and_cancel)
{
	struct rr_params p;
	struct tenv c, s;
	struct rr_msg resp;
	u32 old;

	rr_params_default(&p);
	p.slots = 1;
	t_pair(&c, &s, &p, &p);
	s.auto_reply = false;
	ASSERT_EQ(t_call(&c, 10, 1, 1, 0), 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(s.delivered, 1);
	old = s.handle;
	ASSERT_EQ(t_call(&c, 10, 1, 2, 0), -EBUSY);
	ASSERT_EQ(rr_client_cancel(c.s, 99), -ENOENT);
	ASSERT_EQ(rr_client_cancel(c.s, 1), 0);
	ASSERT_EQ(c.completions, 0);
	ASSERT_EQ(t_call(&c, 10, 1, 2, 0), 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(s.delivered, 2);
	t_fill(&resp, 10, 1);
	ASSERT_EQ(rr_server_reply(s.s, old, 0, &resp), -ESTALE);
	ASSERT_EQ(rr_server_reply(s.s, s.handle, 0, &resp), 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(c.cookie, 2);
	t_free(&c, &s);
}

/* t_call() with a deadline and, if @key, an idempotency key. */
static int t_call_opts(struct tenv *c, u32 len, u8 seed, u64 cookie, u64 now,
		       u64 deadline, const u8 *key)
{
	struct rr_call_opts o = { .deadline = deadline };
	struct rr_msg m;
	int err;

	if (key) {
		o.flags = RR_CALL_F_KEY;
		memcpy(o.key, key, RR_META_KEY_LEN);
	}
	t_fill(&m, len, seed);
	err = rr_client_call_opts(c->s, 7, &m, cookie, now, &o);
	if (err)
		rr_msg_free(&m);
	return err;
}

/*
 * The caller's deadline and key reach the server with the request, the
 * body intact around them, in one packet and in many, whichever packet
 * comes first; without them the server learns of none.
 */
TEST(session_request_metadata)
{
	static const u32 sizes[] = { 0, 1, 203, 204, 205, 208, 219, 220, 221,
				     224, 225, 5000, 70000 };
	static const u8 key[RR_META_KEY_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8, 9,
						  10, 11, 12, 13, 14, 15, 16 };
	struct rr_params p;
	struct tenv c, s;
	unsigned int i, k;

	rr_params_default(&p);
	p.mtu = 256;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (k = 0; k < 4; k++) {
			t_pair(&c, &s, &p, &p);
			/* Sent at 1000 ns with 5 ms left, in at 3000 ns. */
			ASSERT_EQ(t_call_opts(&c, sizes[i], (u8)i, 1, 1000,
					      k & 1 ? 5001000 : RR_NO_DEADLINE,
					      k & 2 ? key : NULL), 0);
			if (k == 3 && c.nq > 1) {
				/* Packet 0, with the metadata, last. */
				struct tpkt first = c.q[0];

				memmove(c.q, c.q + 1,
					(c.nq - 1) * sizeof(*c.q));
				c.q[c.nq - 1] = first;
			}
			t_run(&c, &s, 3000);
			ASSERT_EQ(s.delivered, 1);
			ASSERT_TRUE(t_same(&s.req, sizes[i], (u8)i));
			ASSERT_EQ(s.info.deadline,
				  k & 1 ? 3000 + 5000000 : RR_NO_DEADLINE);
			ASSERT_EQ(s.info.has_key, !!(k & 2));
			if (k & 2)
				ASSERT_EQ(memcmp(s.info.key, key, sizeof(key)),
					  0);
			ASSERT_EQ(c.completions, 1);
			ASSERT_EQ(c.err, 0);
			ASSERT_TRUE(t_same(&c.resp, sizes[i], (u8)i));
			t_free(&c, &s);
		}
	}
}

/* The time left is what remains when packet 0 goes: none once past. */
TEST(session_deadline_budget_at_send)
{
	struct tenv c, s;

	t_pair(&c, &s, NULL, NULL);
	ASSERT_EQ(t_call_opts(&c, 10, 1, 1, 2000, 1500, NULL), 0);
	t_run(&c, &s, 7000);
	ASSERT_EQ(s.delivered, 1);
	ASSERT_EQ(s.info.deadline, 7000);
	t_free(&c, &s);
	/* More than the field holds: the most it holds. */
	t_pair(&c, &s, NULL, NULL);
	ASSERT_EQ(t_call_opts(&c, 10, 1, 1, 0, 1ull << 60, NULL), 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(s.info.deadline, (u64)U32_MAX * 1000);
	t_free(&c, &s);
}

/*
 * A cancelled call tells the server: a delivered request is reported to
 * the environment once, a request still arriving is dropped (its late
 * packets never deliver it), a call that sent nothing sends nothing.
 */
TEST(session_cancel_reaches_server)
{
	struct rr_params p;
	struct tenv c, s;
	struct rr_msg resp;
	size_t i;

	rr_params_default(&p);
	p.slots = 1;
	/* Delivered, handler running. */
	t_pair(&c, &s, &p, &p);
	s.auto_reply = false;
	ASSERT_EQ(t_call(&c, 10, 1, 1, 0), 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(s.delivered, 1);
	ASSERT_EQ(rr_client_cancel(c.s, 1), 0);
	ASSERT_EQ(c.nq, 1);
	t_run(&c, &s, 0);
	ASSERT_EQ(s.cancelled, 1);
	ASSERT_EQ(s.cancel_handle, s.handle);
	ASSERT_EQ(rr_session_stats(s.s)->cancels, 1);
	/* Its answer is still taken, stored for nobody. */
	t_fill(&resp, 10, 1);
	ASSERT_EQ(rr_server_reply(s.s, s.handle, 0, &resp), 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(c.completions, 0);
	t_free(&c, &s);

	/* Still arriving: half its packets in, then the cancel, then the rest. */
	p.mtu = 256;
	t_pair(&c, &s, &p, &p);
	ASSERT_EQ(t_call(&c, 2000, 1, 1, 0), 0);
	ASSERT_TRUE(c.nq >= 2);
	for (i = 1; i < c.nq; i++)
		rr_session_rx(s.s, c.q[i].data, c.q[i].len, 0);
	{
		struct tpkt first = c.q[0];

		c.nq = 0;
		ASSERT_EQ(rr_client_cancel(c.s, 1), 0);
		ASSERT_EQ(c.nq, 1);
		t_flush(&c, &s, 0);
		ASSERT_EQ(rr_session_stats(s.s)->cancels, 1);
		ASSERT_EQ(rr_session_rx(s.s, first.data, first.len, 0),
			  -ESTALE);
	}
	ASSERT_EQ(s.delivered, 0);
	ASSERT_EQ(s.cancelled, 0);
	t_free(&c, &s);

	/* Nothing sent yet (no send buffer): nothing to tell. */
	t_pair(&c, &s, &p, &p);
	c.tx_block = true;
	ASSERT_EQ(t_call(&c, 10, 1, 1, 0), 0);
	c.tx_block = false;
	ASSERT_EQ(rr_client_cancel(c.s, 1), 0);
	ASSERT_EQ(c.nq, 0);
	t_free(&c, &s);
}

/* A CANCEL that overtakes its request spends the request's number. */
TEST(session_cancel_before_request)
{
	struct tenv c, s;
	struct tpkt req;

	t_pair(&c, &s, NULL, NULL);
	ASSERT_EQ(t_call(&c, 10, 1, 1, 0), 0);
	ASSERT_EQ(c.nq, 1);
	req = c.q[0];
	c.nq = 0;
	ASSERT_EQ(rr_client_cancel(c.s, 1), 0);
	t_flush(&c, &s, 0);
	ASSERT_EQ(rr_session_stats(s.s)->cancels, 1);
	ASSERT_EQ(rr_session_rx(s.s, req.data, req.len, 0), -ESTALE);
	ASSERT_EQ(s.delivered, 0);
	/* The next call on the slot is served. */
	ASSERT_EQ(t_call(&c, 10, 2, 2, 0), 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(s.delivered, 1);
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(c.err, 0);
	t_free(&c, &s);
}

TEST(session_fail_all_and_reset)
{
	struct tenv c, s;

	t_pair(&c, &s, NULL, NULL);
	s.auto_reply = false;
	for (u64 i = 0; i < 3; i++)
		ASSERT_EQ(t_call(&c, 10, 1, i, 0), 0);
	t_run(&c, &s, 0);
	rr_session_fail_all(c.s, -ENODEV);
	ASSERT_EQ(c.completions, 3);
	ASSERT_EQ(c.err, -ENODEV);
	ASSERT_EQ(t_call(&c, 10, 1, 9, 0), -ENODEV);
	ASSERT_EQ(rr_session_deadline(c.s), RR_NO_DEADLINE);
	t_free(&c, &s);

	/* the peer's RESET fails everything with ECONNRESET */
	t_pair(&c, &s, NULL, NULL);
	s.auto_reply = false;
	ASSERT_EQ(t_call(&c, 10, 1, 1, 0), 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(rr_session_send_reset(s.s), 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(c.err, -ECONNRESET);
	/* and a client RESET clears the server's slots */
	rr_session_send_reset(c.s);
	t_run(&c, &s, 0);
	ASSERT_EQ(rr_server_reply(s.s, s.handle, 0, &c.resp), -ESTALE);
	t_free(&c, &s);
}

TEST(session_total_loss_times_out)
{
	struct rr_params p;
	struct tenv c, s;
	u64 now = 0, bound = 0;
	int fires = 0;

	rr_params_default(&p);
	t_pair(&c, &s, &p, &p);
	ASSERT_EQ(t_call(&c, 5000, 1, 1, 0), 0);
	for (u32 i = 0; i <= p.max_retries; i++) {
		u64 rto = p.rto_init_ns << i;

		bound += rto < p.rto_max_ns ? rto : p.rto_max_ns;
	}
	while (!c.completions) {
		u64 d = rr_session_deadline(c.s);

		ASSERT_TRUE(d != RR_NO_DEADLINE);
		ASSERT_TRUE(d >= now);
		now = d;
		t_drop(&c);
		rr_session_poll(c.s, now);
		fires++;
		ASSERT_TRUE(fires < 100);
	}
	ASSERT_EQ(c.err, -ETIMEDOUT);
	ASSERT_EQ(rr_session_stats(c.s)->rto_fires, p.max_retries);
	ASSERT_TRUE(now <= bound);
	ASSERT_EQ(rr_session_poll(c.s, now), RR_NO_DEADLINE);
	t_free(&c, &s);
}

/*
 * With dead_ns, max_retries silent expiries are not enough: the call goes
 * on until the peer has been silent that long, and fails soon after.
 */
TEST(session_total_loss_waits_for_dead_ns)
{
	struct rr_params p;
	struct tenv c, s;
	u64 now = 0, first = 0;
	int fires = 0;

	rr_params_default(&p);
	p.dead_ns = 3000000000ull;
	t_pair(&c, &s, &p, &p);
	ASSERT_EQ(t_call(&c, 5000, 1, 1, 0), 0);
	while (!c.completions) {
		now = rr_session_deadline(c.s);
		ASSERT_TRUE(now != RR_NO_DEADLINE);
		if (!first)
			first = now;
		t_drop(&c);
		rr_session_poll(c.s, now);
		fires++;
		ASSERT_TRUE(fires < 100);
	}
	ASSERT_EQ(c.err, -ETIMEDOUT);
	ASSERT_TRUE(rr_session_stats(c.s)->rto_fires > p.max_retries);
	ASSERT_TRUE(now - first >= p.dead_ns);
	ASSERT_TRUE(now - first <= p.dead_ns + p.rto_max_ns);
	t_free(&c, &s);
}

/*
 * A spurious timeout: the original request and its answer were only late.
 * The server answers the resent packet with RR_F_DUP and the client puts
 * back the window the timeout cut: whether the call is still waiting
 * (@answered false: the handler runs, a DUP ack) or already done (true:
 * the stored response comes again, DUP, after the first copy completed
 * the call).  With @lost, the answer to the original never comes: the
 * request was not lost but its answer was, and the cut stays.
 */
static void t_spurious(struct __test_metadata *_metadata, bool answered,
		       bool lost)
{
	struct rr_session_info info;
	struct tenv c, s;
	struct tpkt late;
	struct rr_msg resp;
	u32 cwnd;
	u64 rto;

	t_pair(&c, &s, NULL, NULL);
	s.auto_reply = false;
	rr_session_info(c.s, &info);
	cwnd = info.cwnd;
	ASSERT_EQ(t_call(&c, 32, 3, 1, 0), 0);
	rto = rr_session_deadline(c.s);
	ASSERT_EQ(t_flush(&c, &s, 0), 1);
	ASSERT_EQ(s.delivered, 1);
	if (answered) {
		t_fill(&resp, 32, 4);
		ASSERT_EQ(rr_server_reply(s.s, s.handle, 0, &resp), 0);
	} else {
		rr_session_poll(s.s, rr_session_deadline(s.s));
	}
	/* the answer (ack or response) is late: the client times out */
	ASSERT_EQ(s.nq, 1);
	late = s.q[0];
	t_drop(&s);
	rr_session_poll(c.s, rto);
	ASSERT_EQ(rr_session_stats(c.s)->rto_fires, 1);
	rr_session_info(c.s, &info);
	ASSERT_TRUE(info.cwnd < cwnd);
	ASSERT_EQ(c.nq, 1);
	/* the late answer, then the server's answer to the resend */
	if (!lost) {
		ASSERT_EQ(rr_session_rx(c.s, late.data, late.len, rto + 1), 0);
		ASSERT_EQ(c.completions, answered ? 1 : 0);
	}
	ASSERT_EQ(t_flush(&c, &s, rto + 2), 1);
	ASSERT_EQ(s.nq, 1);
	ASSERT_EQ(s.q[0].data[7] & RR_F_DUP, RR_F_DUP);
	t_flush(&s, &c, rto + 3);
	ASSERT_EQ(c.completions, answered ? 1 : 0);
	ASSERT_EQ(rr_session_stats(c.s)->spurious_rtos, lost ? 0 : 1);
	rr_session_info(c.s, &info);
	if (lost)
		ASSERT_TRUE(info.cwnd < cwnd);
	else
		ASSERT_EQ(info.cwnd, cwnd);
	ASSERT_EQ(s.delivered, 1);
	t_free(&c, &s);
}

TEST(session_spurious_timeout_undone_while_waiting)
{
	t_spurious(_metadata, false, false);
}

TEST(session_spurious_timeout_undone_after_the_call)
{
	t_spurious(_metadata, true, false);
}

TEST(session_lost_answer_keeps_the_cut)
{
	t_spurious(_metadata, false, true);
	t_spurious(_metadata, true, true);
}

/* A lost request: its resend is news to the server, the cut stays. */
TEST(session_real_loss_keeps_the_cut)
{
	struct rr_session_info info;
	struct tenv c, s;
	u32 cwnd;
	u64 rto;

	t_pair(&c, &s, NULL, NULL);
	rr_session_info(c.s, &info);
	cwnd = info.cwnd;
	ASSERT_EQ(t_call(&c, 32, 3, 1, 0), 0);
	rto = rr_session_deadline(c.s);
	t_drop(&c);
	rr_session_poll(c.s, rto);
	t_run(&c, &s, rto + 1);
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(c.err, 0);
	ASSERT_EQ(rr_session_stats(c.s)->rto_fires, 1);
	ASSERT_EQ(rr_session_stats(c.s)->spurious_rtos, 0);
	rr_session_info(c.s, &info);
	ASSERT_TRUE(info.cwnd < cwnd);
	t_free(&c, &s);
}

TEST(session_call_timeout)
{
	struct rr_params p;
	struct tenv c, s;
	u64 now = 0;

	rr_params_default(&p);
	p.call_timeout_ns = 50000000;
	t_pair(&c, &s, &p, &p);
	s.auto_reply = false;	/* alive but never answers */
	ASSERT_EQ(t_call(&c, 10, 1, 1, 0), 0);
	while (!c.completions && now < 10 * p.call_timeout_ns) {
		t_run(&c, &s, now);
		now = rr_session_deadline(c.s);
		rr_session_poll(c.s, now);
	}
	ASSERT_EQ(c.err, -ETIMEDOUT);
	ASSERT_EQ(now, p.call_timeout_ns);
	t_free(&c, &s);
}

TEST(session_tx_stall_resumes)
{
	struct tenv c, s;

	t_pair(&c, &s, NULL, NULL);
	c.tx_block = true;
	ASSERT_EQ(t_call(&c, 5000, 1, 1, 0), 0);
	ASSERT_EQ(c.nq, 0);
	ASSERT_TRUE(rr_session_tx_stalled(c.s));
	c.tx_block = false;
	rr_session_poll(c.s, 1);
	ASSERT_TRUE(!rr_session_tx_stalled(c.s));
	ASSERT_EQ(c.nq, 6);
	/* server out of buffers: replies are lost, the client recovers */
	s.tx_block = true;
	t_flush(&c, &s, 2);
	ASSERT_EQ(s.nq, 0);
	ASSERT_TRUE(rr_session_stats(s.s)->tx_stalls > 0);
	s.tx_block = false;
	for (u64 now = 2; !c.completions && now < 1000000000; ) {
		now = rr_session_deadline(c.s);
		rr_session_poll(c.s, now);
		t_run(&c, &s, now);
	}
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(c.err, 0);
	ASSERT_TRUE(t_same(&c.resp, 5000, 1));
	ASSERT_EQ(s.delivered, 1);
	t_free(&c, &s);
}

TEST(session_rx_alloc_failure_recovers)
{
	struct tenv c, s;
	u64 now = 0;

	t_pair(&c, &s, NULL, NULL);
	ASSERT_EQ(t_call(&c, 50000, 1, 1, 0), 0);
	rr_user_allocs = 0;
	rr_user_fail_every = 1;	/* every allocation fails */
	t_run(&c, &s, now);
	ASSERT_TRUE(rr_session_stats(s.s)->rx_nomem > 0);
	ASSERT_EQ(s.delivered, 0);
	rr_user_fail_every = 3;	/* then one in three */
	for (int i = 0; i < 200 && !c.completions; i++) {
		now = rr_session_deadline(c.s);
		rr_session_poll(c.s, now);
		t_run(&c, &s, now);
		if (i == 100)
			rr_user_fail_every = 0;
	}
	rr_user_fail_every = 0;
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(c.err, 0);
	ASSERT_TRUE(t_same(&c.resp, 50000, 1));
	ASSERT_EQ(s.delivered, 1);
	t_free(&c, &s);
}

TEST(session_out_of_order_reassembly)
{
	struct tenv c, s;
	struct tpkt *q;
	size_t n;

	t_pair(&c, &s, NULL, NULL);
	ASSERT_EQ(t_call(&c, 14000, 6, 1, 0), 0);	/* 15 packets */
	/* hold the first window, deliver it backwards */
	n = c.nq;
	q = c.q;
	c.q = NULL;
	c.nq = c.capq = 0;
	ASSERT_EQ(n, 15);
	for (size_t i = n; i-- > 0;)
		rr_session_rx(s.s, q[i].data, q[i].len, 1);
	free(q);
	ASSERT_EQ(s.delivered, 1);
	ASSERT_TRUE(t_same(&s.req, 14000, 6));
	t_run(&c, &s, 2);
	ASSERT_EQ(c.completions, 1);
	ASSERT_TRUE(t_same(&c.resp, 14000, 6));
	ASSERT_EQ(rr_session_stats(c.s)->rto_fires, 0);
	t_free(&c, &s);
}

TEST(session_selective_ack_resends_only_holes)
{
	struct tenv c, s;
	struct tpkt *q;
	size_t n;
	u64 tx0;

	t_pair(&c, &s, NULL, NULL);
	ASSERT_EQ(t_call(&c, 14000, 6, 1, 0), 0);
	n = c.nq;
	q = c.q;
	c.q = NULL;
	c.nq = c.capq = 0;
	/* lose packet 2 only */
	for (size_t i = 0; i < n; i++)
		if (i != 2)
			rr_session_rx(s.s, q[i].data, q[i].len, 1);
	free(q);
	tx0 = rr_session_stats(c.s)->tx_pkts;
	t_flush(&s, &c, 2);	/* acks: the hole is seen, resent at once */
	ASSERT_EQ(rr_session_stats(c.s)->tx_pkts, tx0 + 1);
	ASSERT_EQ(rr_session_stats(c.s)->retransmits, 1);
	ASSERT_EQ(rr_session_stats(c.s)->cwnd_decreases, 1);
	t_run(&c, &s, 3);
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(rr_session_stats(c.s)->rto_fires, 0);
	t_free(&c, &s);
}

TEST(session_slots_busy_and_chained_calls)
{
	struct tenv c, s;

	t_pair(&c, &s, NULL, NULL);
	for (u64 i = 0; i < 8; i++)
		ASSERT_EQ(t_call(&c, 10, 1, i, 0), 0);
	ASSERT_EQ(t_call(&c, 10, 1, 8, 0), -EBUSY);
	c.chain = true;	/* the first completion starts a call itself */
	t_run(&c, &s, 1);
	ASSERT_EQ(c.completions, 9);
	ASSERT_EQ(s.delivered, 9);
	t_free(&c, &s);
}

TEST(session_size_limits)
{
	struct rr_params pc, ps;
	struct tenv c, s;

	rr_params_default(&pc);
	rr_params_default(&ps);
	ps.max_msg = 1000;
	pc.max_msg = 2000;
	t_pair(&c, &s, &pc, &ps);
	ASSERT_EQ(t_call(&c, 2001, 1, 1, 0), -EMSGSIZE);
	/* the server refuses a request over its limit: the call's error */
	ASSERT_EQ(t_call(&c, 1500, 1, 2, 0), 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(s.delivered, 0);
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(c.err, -EMSGSIZE);
	ASSERT_EQ(c.status, 0);
	ASSERT_EQ(c.resp.len, 0);
	t_free(&c, &s);

	/* a response over the client's limit fails the call, no hang */
	pc.max_msg = 1000;
	ps.max_msg = 16 << 20;
	t_pair(&c, &s, &pc, &ps);
	s.reply_len = 5000;
	ASSERT_EQ(t_call(&c, 10, 1, 3, 0), 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(c.err, -EMSGSIZE);
	t_free(&c, &s);
}

TEST(session_misdirected_and_crc_policy)
{
	struct rr_params p;
	struct tenv c, s;
	struct tpkt pk;

	t_pair(&c, &s, NULL, NULL);
	ASSERT_EQ(t_call(&c, 10, 1, 1, 0), 0);
	pk = c.q[0];
	/* wrong tag: dropped */
	pk.data[12] ^= 1;
	rr_put_le32(pk.data, rr_wire_crc(pk.data, pk.len));
	ASSERT_EQ(rr_session_rx(s.s, pk.data, pk.len, 0), -ESTALE);
	/* a client packet sent to a client session: dropped */
	ASSERT_EQ(rr_session_rx(c.s, c.q[0].data, c.q[0].len, 0), -ESTALE);
	/* bad CRC counted */
	pk = c.q[0];
	pk.data[pk.len - 1] ^= 0x80;
	ASSERT_EQ(rr_session_rx(s.s, pk.data, pk.len, 0), -EBADMSG);
	ASSERT_EQ(rr_session_stats(s.s)->crc_drops, 1);
	/* over the MTU */
	ASSERT_EQ(rr_session_rx(s.s, pk.data, 2000, 0), -EMSGSIZE);
	t_free(&c, &s);

	/* CRC off on the client, required on the server: refused */
	rr_params_default(&p);
	p.crc = false;
	t_pair(&c, &s, &p, NULL);
	ASSERT_EQ(t_call(&c, 10, 1, 1, 0), 0);
	ASSERT_EQ(rr_session_rx(s.s, c.q[0].data, c.q[0].len, 0), -EBADMSG);
	t_free(&c, &s);
	/* off on both: works */
	t_pair(&c, &s, &p, &p);
	ASSERT_EQ(t_call(&c, 3000, 1, 1, 0), 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(c.completions, 1);
	ASSERT_TRUE(t_same(&c.resp, 3000, 1));
	t_free(&c, &s);
}

TEST(session_ping)
{
	struct tenv c, s;

	t_pair(&c, &s, NULL, NULL);
	ASSERT_EQ(rr_session_ping(c.s), 0);
	ASSERT_EQ(rr_session_ping(s.s), -EINVAL);
	t_run(&c, &s, 0);
	ASSERT_EQ(rr_session_stats(c.s)->pongs, 1);
	t_free(&c, &s);
}

TEST(session_params_checked)
{
	struct rr_params p;
	struct tenv e;

	memset(&e, 0, sizeof(e));
	rr_params_default(&p);
	ASSERT_EQ(rr_params_check(&p), 0);
	p.slots = 3;
	ASSERT_TRUE(IS_ERR(rr_session_create(&p, RR_ROLE_CLIENT, &t_cids, &t_ops, &e)));
	rr_params_default(&p);
	p.mtu = 100;
	ASSERT_EQ(rr_params_check(&p), -EINVAL);
	rr_params_default(&p);
	p.max_msg = RR_MSG_MAX + 1;
	ASSERT_EQ(rr_params_check(&p), -EINVAL);
	rr_params_default(&p);
	p.credits = 0;
	ASSERT_EQ(rr_params_check(&p), -EINVAL);
	rr_params_default(&p);
	p.rto_min_ns = p.rto_max_ns + 1;
	ASSERT_EQ(rr_params_check(&p), -EINVAL);
	rr_params_default(&p);
	p.cc_algo = 99;
	ASSERT_EQ(rr_params_check(&p), -EINVAL);
	rr_params_default(&p);
	ASSERT_TRUE(IS_ERR(rr_session_create(&p, 7, &t_cids, &t_ops, &e)));
	rr_user_fail_every = 1;
	ASSERT_EQ(PTR_ERR(rr_session_create(&p, RR_ROLE_SERVER, &t_sids, &t_ops,
					    &e)), -ENOMEM);
	rr_user_fail_every = 2;
	rr_user_allocs = 0;
	ASSERT_EQ(PTR_ERR(rr_session_create(&p, RR_ROLE_CLIENT, &t_cids, &t_ops,
					    &e)), -ENOMEM);
	rr_user_fail_every = 0;
}

TEST(session_reply_err_reaches_caller)
{
	struct rr_session_info info;
	struct tenv c, s;
	struct rr_msg m;
	struct tpkt req;

	t_pair(&c, &s, NULL, NULL);
	s.auto_reply = false;
	ASSERT_EQ(t_call(&c, 2000, 1, 5, 0), 0);
	t_run(&c, &s, 1);
	ASSERT_EQ(s.delivered, 1);
	ASSERT_EQ(c.completions, 0);
	rr_session_info(s.s, &info);
	ASSERT_EQ(info.busy_slots, 1);
	/* out of range errnos are refused, the request stays pending */
	ASSERT_EQ(rr_server_reply_err(s.s, s.handle, 0), -EINVAL);
	ASSERT_EQ(rr_server_reply_err(s.s, s.handle, 7), -EINVAL);
	ASSERT_EQ(rr_server_reply_err(s.s, s.handle, -5000), -EINVAL);
	ASSERT_EQ(rr_server_reply_err(c.s, s.handle, -ENOENT), -EINVAL);
	ASSERT_EQ(rr_server_reply_err(s.s, s.handle + 8, -ENOENT), -ESTALE);
	ASSERT_EQ(rr_server_reply_err(s.s, s.handle, -ENOENT), 0);
	ASSERT_EQ(rr_server_reply_err(s.s, s.handle, -ENOENT), -ESTALE);
	t_run(&c, &s, 2);
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(c.cookie, 5);
	ASSERT_EQ(c.err, -ENOENT);
	ASSERT_EQ(c.status, 0);
	ASSERT_EQ(c.resp.len, 0);
	ASSERT_EQ(rr_session_stats(c.s)->calls_failed, 1);
	/* answered: neither side holds a slot busy */
	rr_session_info(s.s, &info);
	ASSERT_EQ(info.busy_slots, 0);
	rr_session_info(c.s, &info);
	ASSERT_EQ(info.busy_slots, 0);

	/* from inside the handler, and to a duplicate of the request */
	t_fill(&m, 10, 1);
	ASSERT_EQ(rr_client_call(c.s, 7, &m, 6, 3), 0);
	req = c.q[0];
	t_drop(&c);
	ASSERT_EQ(rr_session_rx(s.s, req.data, req.len, 3), 0);
	ASSERT_EQ(s.nq, 0);	/* no ack yet: the answer may come first */
	ASSERT_EQ(rr_server_reply_err(s.s, s.handle, -ECONNABORTED), 0);
	ASSERT_EQ(s.nq, 1);
	ASSERT_EQ(rr_session_rx(s.s, req.data, req.len, 4), 0);
	ASSERT_EQ(s.delivered, 2);
	ASSERT_EQ(s.nq, 2);
	ASSERT_EQ(s.q[0].len, s.q[1].len);
	/* the stored answer again */
	ASSERT_EQ(memcmp(s.q[0].data + 8, s.q[1].data + 8, s.q[0].len - 8), 0);
	t_run(&c, &s, 5);
	ASSERT_EQ(c.completions, 2);
	ASSERT_EQ(c.err, -ECONNABORTED);
	/* the session goes on: a normal call after */
	s.auto_reply = true;
	ASSERT_EQ(t_call(&c, 40, 2, 7, 6), 0);
	t_run(&c, &s, 7);
	ASSERT_EQ(c.completions, 3);
	ASSERT_EQ(c.err, 0);
	ASSERT_TRUE(t_same(&c.resp, 40, 2));
	t_free(&c, &s);
}

TEST(session_reply_err_malformed_dropped)
{
	struct tenv c, s;
	struct tpkt pk;

	t_pair(&c, &s, NULL, NULL);
	s.auto_reply = false;
	ASSERT_EQ(t_call(&c, 10, 1, 1, 0), 0);
	t_run(&c, &s, 1);
	ASSERT_EQ(rr_server_reply_err(s.s, s.handle, -ENOENT), 0);
	ASSERT_EQ(s.nq, 1);
	/* an error response with a payload, or a positive errno: malformed */
	pk = s.q[0];
	pk.data[28] = 5;
	pk.data[29] = pk.data[30] = pk.data[31] = 0;
	rr_put_le32(pk.data, rr_wire_crc(pk.data, pk.len));
	ASSERT_EQ(rr_session_rx(c.s, pk.data, pk.len, 2), -EINVAL);
	pk = s.q[0];
	rr_put_le32(pk.data + 24, 1);
	rr_put_le32(pk.data, rr_wire_crc(pk.data, pk.len));
	ASSERT_EQ(rr_session_rx(c.s, pk.data, pk.len, 2), -EINVAL);
	ASSERT_EQ(c.completions, 0);
	t_run(&c, &s, 3);
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(c.err, -ENOENT);
	t_free(&c, &s);
}

TEST(session_old_request_never_new_again)
{
	struct rr_params p;
	struct tenv c, s;
	struct tpkt pa;

	rr_params_default(&p);
	p.slots = 1;
	t_pair(&c, &s, &p, &p);
	s.auto_reply = false;
	ASSERT_EQ(t_call(&c, 10, 1, 1, 0), 0);
	pa = c.q[0];
	t_run(&c, &s, 0);
	ASSERT_EQ(s.delivered, 1);
	/* the client gives up; its next call cannot be set up on the server */
	ASSERT_EQ(rr_client_cancel(c.s, 1), 0);
	ASSERT_EQ(t_call(&c, 100000, 2, 2, 0), 0);
	rr_user_allocs = 0;
	rr_user_fail_every = 1;
	t_flush(&c, &s, 1);
	rr_user_fail_every = 0;
	ASSERT_TRUE(rr_session_stats(s.s)->rx_nomem > 0);
	/* a late duplicate of the first request is still old */
	ASSERT_EQ(rr_session_rx(s.s, pa.data, pa.len, 2), -ESTALE);
	ASSERT_EQ(s.delivered, 1);
	t_free(&c, &s);

	/* nor after a reset */
	t_pair(&c, &s, &p, &p);
	s.auto_reply = false;
	ASSERT_EQ(t_call(&c, 10, 1, 1, 0), 0);
	pa = c.q[0];
	t_run(&c, &s, 0);
	ASSERT_EQ(s.delivered, 1);
	ASSERT_EQ(rr_session_send_reset(c.s), 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(rr_session_stats(s.s)->resets, 1);
	ASSERT_EQ(rr_session_rx(s.s, pa.data, pa.len, 2), -ESTALE);
	ASSERT_EQ(s.delivered, 1);
	t_free(&c, &s);
}

/* ops->trace: what it reported, in order. */
static struct rr_trace t_evs[256];
static unsigned int t_nevs;

static void t_trace(void *ctx, const struct rr_trace *ev)
{
	(void)ctx;
	if (t_nevs < sizeof(t_evs) / sizeof(t_evs[0]))
		t_evs[t_nevs] = *ev;
	t_nevs++;
}

static const struct rr_ops t_trace_ops = {
	.tx_get_buf = t_get,
	.tx_send = t_send,
	.deliver_request = t_deliver,
	.complete_call = t_complete,
	.trace = t_trace,
};

/* The first event of @kind (and @what, if not 0) from @from on, or -1. */
static int t_find_ev(unsigned int from, u8 kind, u8 what)
{
	for (unsigned int i = from; i < t_nevs && i < 256; i++)
		if (t_evs[i].kind == kind && (!what || t_evs[i].what == what))
			return (int)i;
	return -1;
}

TEST(session_trace_events)
{
	struct rr_params p;
	struct tenv c, s;
	u64 now = 0;
	int i, j, k;

	rr_params_default(&p);
	p.credits = 4;
	p.cc_init_cwnd = 4;
	t_pair(&c, &s, &p, &p);
	rr_session_destroy(c.s);
	c.s = rr_session_create(&p, RR_ROLE_CLIENT, &t_cids, &t_trace_ops,
				&c);
	ASSERT_TRUE(!IS_ERR(c.s));
	t_nevs = 0;

	/* The first call: slot 0, request number 0. */
	ASSERT_EQ(t_call(&c, 10, 1, 5, now), 0);
	t_run(&c, &s, now);
	ASSERT_EQ(c.completions, 1);
	ASSERT_EQ(t_nevs, 1);
	ASSERT_EQ(t_evs[0].kind, RR_TRACE_CALL_START);
	ASSERT_EQ(t_evs[0].slot, 0);
	ASSERT_EQ(t_evs[0].req_num, 0);
	ASSERT_EQ(t_evs[0].cookie, 5);
	ASSERT_EQ(t_evs[0].len, 10);
	/* the server saw the same request number */
	ASSERT_EQ(s.handle, t_evs[0].req_num);

	/* Six packets, four credits: a stall, then total loss. */
	t_nevs = 0;
	ASSERT_EQ(t_call(&c, 5000, 2, 6, now), 0);
	ASSERT_EQ(t_evs[0].kind, RR_TRACE_CALL_START);
	ASSERT_EQ(t_evs[0].req_num, 8);	/* slot 0 again, one lap on */
	ASSERT_EQ(t_evs[0].len, 5000);
	i = t_find_ev(1, RR_TRACE_CREDIT_STALL, 0);
	ASSERT_TRUE(i > 0);
	ASSERT_EQ(t_evs[i].req_num, 8);
	ASSERT_EQ(t_evs[i].idx, 4);
	ASSERT_EQ(t_evs[i].inflight, 4);
	ASSERT_EQ(t_evs[i].window, 4);
	while (!c.completions || c.cookie != 6) {
		now = rr_session_deadline(c.s);
		ASSERT_TRUE(now != RR_NO_DEADLINE);
		t_drop(&c);
		rr_session_poll(c.s, now);
		ASSERT_TRUE(t_nevs < 256);
	}
	ASSERT_EQ(c.err, -ETIMEDOUT);
	j = t_find_ev(0, RR_TRACE_TIMEOUT, RR_TRACE_TO_RESEND);
	ASSERT_TRUE(j > i);
	ASSERT_EQ(t_evs[j].req_num, 8);
	ASSERT_EQ(t_evs[j].retries, 1);
	ASSERT_TRUE(t_evs[j].rto_ns >= p.rto_min_ns);
	/* the next one waited twice as long */
	i = t_find_ev(j + 1, RR_TRACE_TIMEOUT, RR_TRACE_TO_RESEND);
	ASSERT_TRUE(i > j);
	ASSERT_EQ(t_evs[i].retries, 2);
	ASSERT_EQ(t_evs[i].rto_ns, 2 * t_evs[j].rto_ns);
	k = t_find_ev(j, RR_TRACE_RETRANSMIT, 0);
	ASSERT_TRUE(k > j);
	ASSERT_EQ(t_evs[k].req_num, 8);
	ASSERT_EQ(t_evs[k].pkt_kind, RR_PKT_REQ);
	ASSERT_EQ(t_evs[k].idx, 0);
	/* the last event: giving up after max_retries */
	ASSERT_EQ(t_evs[t_nevs - 1].kind, RR_TRACE_TIMEOUT);
	ASSERT_EQ(t_evs[t_nevs - 1].what, RR_TRACE_TO_GIVE_UP);
	ASSERT_EQ(t_evs[t_nevs - 1].retries, p.max_retries + 1);
	/* one event per retransmission the counters count */
	for (i = 0, k = 0; i < (int)t_nevs; i++)
		k += t_evs[i].kind == RR_TRACE_RETRANSMIT;
	ASSERT_EQ((u64)k, rr_session_stats(c.s)->retransmits);
	t_free(&c, &s);
}

/* The packets of datagram @d: their offsets, at most @max of them. */
static u32 t_pkts(const struct tpkt *d, u32 seg, u32 *off, u32 max)
{
	u32 n = 0, at = 0;
	int len;

	while (at < d->len && n < max) {
		len = rr_wire_pkt_len(d->data + at, d->len - at, seg, !n);
		if (len < 0)
			break;
		off[n++] = at;
		at += len;
	}
	return n;
}

TEST(session_corked_calls_share_datagrams)
{
	struct rr_params p;
	struct tenv c, s;
	u32 off[16];
	int i;

	rr_params_default(&p);
	t_pair(&c, &s, &p, &p);
	/* a lone call leaves at once, alone */
	ASSERT_EQ(t_call(&c, 32, 1, 100, 0), 0);
	ASSERT_EQ(c.nq, 1);
	ASSERT_EQ(c.q[0].len, RR_HDR_LEN + 32);
	t_run(&c, &s, 0);
	ASSERT_EQ(c.completions, 1);

	rr_session_cork(c.s);
	rr_session_cork(c.s);	/* nests */
	for (i = 0; i < 8; i++)
		ASSERT_EQ(t_call(&c, 32, (u8)i, i, 0), 0);
	rr_session_uncork(c.s);
	ASSERT_EQ(c.nq, 0);
	/* bytes are counted as their datagram leaves */
	ASSERT_EQ(rr_session_stats(c.s)->tx_bytes, RR_HDR_LEN + 32);
	rr_session_uncork(c.s);
	ASSERT_EQ(c.nq, 1);
	/* the first packet's header in full, the seven others' short */
	ASSERT_EQ(c.q[0].len, RR_HDR_LEN + 32 + 7 * (RR_CHDR_LEN + 32));
	ASSERT_EQ(t_pkts(&c.q[0], p.mtu - RR_HDR_LEN, off, 16), 8);
	ASSERT_EQ(rr_session_stats(c.s)->tx_pkts, 9);
	ASSERT_EQ(rr_session_stats(c.s)->tx_packed, 7);
	ASSERT_EQ(rr_session_stats(c.s)->tx_bytes,
		  RR_HDR_LEN + 32 + c.q[0].len);
	/* the server takes all eight and answers in one datagram too */
	ASSERT_EQ(t_flush(&c, &s, 10), 1);
	ASSERT_EQ(s.delivered, 9);
	ASSERT_EQ(rr_session_stats(s.s)->rx_pkts, 9);
	ASSERT_EQ(rr_session_stats(s.s)->rx_bytes,
		  rr_session_stats(c.s)->tx_bytes);
	ASSERT_EQ(s.nq, 1);
	ASSERT_EQ(s.q[0].len, RR_HDR_LEN + 32 + 7 * (RR_CHDR_LEN + 32));
	ASSERT_EQ(rr_session_stats(s.s)->tx_packed, 7);
	ASSERT_EQ(rr_session_stats(s.s)->tx_bytes,
		  RR_HDR_LEN + 32 + s.q[0].len);
	ASSERT_EQ(t_flush(&s, &c, 20), 1);
	ASSERT_EQ(c.completions, 9);
	ASSERT_EQ(c.err, 0);
	ASSERT_EQ(c.cookie, 7);
	ASSERT_TRUE(t_same(&c.resp, 32, 7));
	/* uncorked too often: harmless */
	rr_session_uncork(c.s);
	ASSERT_EQ(t_call(&c, 32, 1, 200, 30), 0);
	ASSERT_EQ(c.nq, 1);
	t_free(&c, &s);
}

TEST(session_pack_opens_a_new_datagram_when_full)
{
	struct rr_params p;
	struct tenv c, s;
	u32 off[16];
	int i;

	rr_params_default(&p);
	/* three 48-byte calls fit (80 + 2 x 68 bytes), not four */
	p.mtu = RR_MIN_MTU;
	t_pair(&c, &s, &p, &p);
	rr_session_cork(c.s);
	for (i = 0; i < 8; i++)
		ASSERT_EQ(t_call(&c, 48, (u8)i, i, 0), 0);
	rr_session_uncork(c.s);
	ASSERT_EQ(c.nq, 3);
	ASSERT_EQ(t_pkts(&c.q[0], p.mtu - RR_HDR_LEN, off, 16), 3);
	ASSERT_EQ(t_pkts(&c.q[1], p.mtu - RR_HDR_LEN, off, 16), 3);
	ASSERT_EQ(t_pkts(&c.q[2], p.mtu - RR_HDR_LEN, off, 16), 2);
	for (i = 0; i < 3; i++)
		ASSERT_TRUE(c.q[i].len <= p.mtu);
	t_run(&c, &s, 0);
	ASSERT_EQ(s.delivered, 8);
	ASSERT_EQ(c.completions, 8);
	ASSERT_EQ(c.err, 0);
	t_free(&c, &s);

	/* a packet that fits no datagram with another goes alone */
	t_pair(&c, &s, &p, &p);
	rr_session_cork(c.s);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(t_call(&c, 200, (u8)i, i, 0), 0);
	rr_session_uncork(c.s);
	ASSERT_EQ(c.nq, 3);
	ASSERT_EQ(rr_session_stats(c.s)->tx_packed, 0);
	t_run(&c, &s, 0);
	ASSERT_EQ(c.completions, 3);
	t_free(&c, &s);
}

/* Three corked calls in one datagram, and the offsets of their packets. */
static void t_packed3(struct tenv *c, struct tenv *s, struct tpkt *d,
		      u32 *off)
{
	t_pair(c, s, NULL, NULL);
	rr_session_cork(c->s);
	for (int i = 0; i < 3; i++)
		t_call(c, 20, (u8)i, i, 0);
	rr_session_uncork(c->s);
	*d = c->q[0];
	t_drop(c);
	t_pkts(d, 1024 - RR_HDR_LEN, off, 3);
}

/* Seal the first @len bytes of @d again after an edit. */
static void t_reseal(struct tpkt *d, u32 len)
{
	rr_put_le32(d->data, rr_wire_crc(d->data, len));
}

TEST(session_packed_datagram_sealed_whole)
{
	struct tenv c, s;
	struct tpkt d;
	u32 off[3];

	/* a corrupted byte in the second packet: the datagram is dropped */
	t_packed3(&c, &s, &d, off);
	ASSERT_EQ(d.len, RR_HDR_LEN + 20 + 2 * (RR_CHDR_LEN + 20));
	ASSERT_EQ(off[1], RR_HDR_LEN + 20);
	ASSERT_EQ(off[2], off[1] + RR_CHDR_LEN + 20);
	d.data[off[1] + RR_CHDR_LEN + 3] ^= 0x10;
	ASSERT_EQ(rr_session_rx(s.s, d.data, d.len, 0), -EBADMSG);
	ASSERT_EQ(s.delivered, 0);
	ASSERT_EQ(rr_session_stats(s.s)->crc_drops, 1);
	ASSERT_EQ(rr_session_stats(s.s)->rx_pkts, 0);
	/* the same bytes, undamaged, are all taken */
	d.data[off[1] + RR_CHDR_LEN + 3] ^= 0x10;
	ASSERT_EQ(rr_session_rx(s.s, d.data, d.len, 0), 0);
	ASSERT_EQ(s.delivered, 3);
	t_free(&c, &s);
}

TEST(session_packed_datagram_keeps_packets_before_a_bad_one)
{
	struct tenv c, s;
	struct tpkt d;
	u32 off[3];
	int i;

	/* the datagram for another session (sealed right): none taken */
	t_packed3(&c, &s, &d, off);
	d.data[RR_OFF_TAG] ^= 1;
	t_reseal(&d, d.len);
	ASSERT_EQ(rr_session_rx(s.s, d.data, d.len, 0), -ESTALE);
	ASSERT_EQ(s.delivered, 0);
	t_free(&c, &s);

	/* a later packet's zero bytes not zero, each of them */
	for (i = 2; i < 4; i++) {
		t_packed3(&c, &s, &d, off);
		d.data[off[1] + i] = 1;
		t_reseal(&d, d.len);
		ASSERT_EQ(rr_session_rx(s.s, d.data, d.len, 0), -EINVAL);
		ASSERT_EQ(s.delivered, 1);
		ASSERT_EQ(rr_session_stats(s.s)->rx_drops, 1);
		t_free(&c, &s);
	}

	/* a later packet that says the datagram has no CRC */
	t_packed3(&c, &s, &d, off);
	d.data[off[2] + RR_COFF_FLAGS] |= RR_F_NOCRC;
	t_reseal(&d, d.len);
	ASSERT_EQ(rr_session_rx(s.s, d.data, d.len, 0), -EINVAL);
	ASSERT_EQ(s.delivered, 2);
	t_free(&c, &s);

	/* the last one cut short: the two before it are taken */
	t_packed3(&c, &s, &d, off);
	t_reseal(&d, d.len - 5);
	ASSERT_EQ(rr_session_rx(s.s, d.data, d.len - 5, 0), -EINVAL);
	ASSERT_EQ(s.delivered, 2);
	ASSERT_EQ(rr_session_stats(s.s)->rx_drops, 1);
	t_free(&c, &s);

	/* bytes after the last packet that hold no header */
	t_pair(&c, &s, NULL, NULL);
	ASSERT_EQ(t_call(&c, 20, 1, 1, 0), 0);
	d = c.q[0];
	memset(d.data + d.len, 0, 10);
	t_reseal(&d, d.len + 10);
	ASSERT_EQ(rr_session_rx(s.s, d.data, d.len + 10, 0), -EINVAL);
	ASSERT_EQ(s.delivered, 1);
	t_free(&c, &s);
}
