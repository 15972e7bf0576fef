// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the session receive path.  The input is a script that
 * drives a client and a server session: start, cancel and fail calls,
 * deliver, drop, duplicate, reorder and corrupt the packets they exchange,
 * inject crafted packets (valid CRC, arbitrary fields) or raw bytes into
 * either side in any state, reply late or with stale handles, starve send
 * buffers and memory, and move time.  Invariants: no memory error (ASan),
 * no undefined behaviour (UBSan), a call completes at most once and only if
 * started, a request is never handed to the handler twice in a row, and
 * nothing leaks.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz_env.h"

#define FZ_MTU		256
#define FZ_QLEN		64
#define FZ_SLOTS	4
#define FZ_COOKIES	64

struct fz_q {
	u8 data[FZ_QLEN][FZ_MTU];
	u32 len[FZ_QLEN];
	u32 head, n;
};

struct fz_side {
	struct rr_session *s;
	struct fz_q q;		/* what this side sent */
	u8 txbuf[FZ_MTU];
	bool tx_block;
};

static struct fz_state {
	struct fz_side c, srv;
	u64 now;
	u8 live[FZ_COOKIES];	/* started, not completed */
	u64 next_cookie;
	u32 handles[16];
	u32 nhandles;
	u32 last_delivered[FZ_SLOTS];
	bool delivered_once[FZ_SLOTS];
} st;

static void *fz_get(void *ctx)
{
	struct fz_side *e = ctx;

	return e->tx_block ? NULL : e->txbuf;
}

static void fz_send(void *ctx, void *buf, u32 len)
{
	struct fz_side *e = ctx;
	u32 i;

	if (len > FZ_MTU)
		abort();
	if (e->q.n == FZ_QLEN) {	/* full: the oldest is lost */
		e->q.head = (e->q.head + 1) % FZ_QLEN;
		e->q.n--;
	}
	i = (e->q.head + e->q.n) % FZ_QLEN;
	memcpy(e->q.data[i], buf, len);
	e->q.len[i] = len;
	e->q.n++;
}

static void fz_deliver(void *ctx, struct rr_session *s, u32 handle,
		       u32 method, struct rr_msg *req,
		       const struct rr_req_info *info)
{
	u32 slot = handle & (FZ_SLOTS - 1);
	u64 resets = rr_session_stats(s)->resets;

	(void)ctx;
	(void)method;
	(void)req;
	(void)info;

	/*
	 * At most once: never the same request twice in a row on a slot, not
	 * even across resets (the server remembers spent request numbers).
	 */
	if (getenv("FZ_TRACE"))
		fprintf(stderr, "deliver handle %#x slot %u resets %llu\n",
			handle, slot, (unsigned long long)resets);
	if (st.delivered_once[slot] && st.last_delivered[slot] == handle)
		abort();
	st.delivered_once[slot] = true;
	st.last_delivered[slot] = handle;
	st.handles[st.nhandles++ % 16] = handle;
}

static void fz_complete(void *ctx, struct rr_session *s, u64 cookie, int err,
			s32 status, struct rr_msg *resp)
{
	(void)ctx;
	(void)s;
	(void)status;
	if (cookie >= FZ_COOKIES || !st.live[cookie])
		abort();
	st.live[cookie] = 0;
	/* local errors, or any errno the server answered with RR_F_ERR */
	if (err && (err >= 0 || err < -RR_MAX_ERRNO))
		abort();
	if (err && resp->len)
		abort();
	if (resp->len > 64 * 1024)
		abort();
}

/* Every traced event is about a call in flight, as the tracepoints expect. */
static void fz_trace(void *ctx, const struct rr_trace *ev)
{
	(void)ctx;
	if (ev->kind < RR_TRACE_CALL_START || ev->kind > RR_TRACE_CREDIT_STALL)
		abort();
	if (ev->cookie >= FZ_COOKIES || !st.live[ev->cookie])
		abort();
}

static const struct rr_ops fz_ops = {
	.tx_get_buf = fz_get,
	.tx_send = fz_send,
	.deliver_request = fz_deliver,
	.complete_call = fz_complete,
	.trace = fz_trace,
};

static const struct rr_ids cids = { 1, 0xaaaa, 2, 0xbbbb };
static const struct rr_ids sids = { 2, 0xbbbb, 1, 0xaaaa };

/* Pop (or peek) the oldest packet @from sent and feed it to @to. */
static void fz_pass(struct fz_side *from, struct fz_side *to, bool keep)
{
	u32 i = from->q.head;

	if (!from->q.n)
		return;
	if (!keep) {
		from->q.head = (from->q.head + 1) % FZ_QLEN;
		from->q.n--;
	}
	if (getenv("FZ_TRACE")) {
		struct rr_pkt pk;
		int n = rr_wire_pkt_len(from->q.data[i], from->q.len[i],
					FZ_MTU - RR_HDR_LEN, true);
		int e = n < 0 ? n : rr_wire_parse(from->q.data[i], n, &pk);

		/* The first packet of the datagram. */
		if (e)
			memset(&pk, 0, sizeof(pk));

		fprintf(stderr, "pass %s kind %u flags %#x req %#x idx %u len %u aux %#x (parse %d)\n",
			to == &st.srv ? "c->s" : "s->c", pk.kind, pk.flags,
			pk.req_num, pk.idx, pk.msg_len, pk.aux, e);
	}
	rr_session_rx(to->s, from->q.data[i], from->q.len[i], st.now);
}

/*
 * One crafted packet at @buf (@first: a datagram's first, else a later
 * one, with a short header), at most @room bytes, not sealed; returns its
 * length.
 */
static u32 fz_craft_pkt(struct fz_in *in, u8 *buf, u32 room, u32 sess,
			u32 tag, bool first)
{
	u32 len, hlen = rr_hdr_len(first);
	struct rr_pkt h;

	h.kind = (u8)(fz_u8(in) % (RR_PKT_KIND_END + 1));
	h.flags = (u8)(fz_u8(in) & 0x7f);
	h.sess = fz_u8(in) == 0xff ? fz_u32(in) : sess;
	h.tag = tag;
	h.req_num = fz_u8(in) < 200 ? fz_u8(in) : fz_u32(in);
	h.idx = fz_u8(in) < 200 ? fz_u8(in) : fz_u32(in);
	h.msg_len = fz_u8(in) < 128 ? fz_u16(in) : fz_u32(in);
	h.aux = fz_u32(in);
	h.plen = fz_u8(in) % (room - hlen + 1);
	for (u32 k = 0; k < h.plen; k++)
		buf[hlen + k] = (u8)fz_u8(in);
	len = rr_wire_put(buf, first, h.kind, h.flags, h.sess, h.tag,
			  h.req_num, h.idx, h.msg_len, h.aux, h.plen);
	if (getenv("FZ_TRACE"))
		fprintf(stderr, "craft kind %u flags %#x sess %u req %#x idx %u len %u aux %#x plen %u\n",
			h.kind, h.flags, h.sess, h.req_num, h.idx, h.msg_len,
			h.aux, h.plen);
	return len;
}

/*
 * A crafted datagram: one packet, or (@packed) as many as fit, sealed as
 * its first packet's flags say.
 */
static void fz_craft(struct fz_in *in, struct fz_side *to, u32 sess, u32 tag,
		     bool packed)
{
	u8 buf[FZ_MTU];
	u32 len = 0;
	int ret;

	do {
		len += fz_craft_pkt(in, buf + len, FZ_MTU - len, sess, tag,
				    !len);
	} while (packed && FZ_MTU - len >= RR_CHDR_LEN && fz_u8(in) & 1);
	rr_wire_seal(buf, len, !(buf[RR_OFF_FLAGS] & RR_F_NOCRC));
	ret = rr_session_rx(to->s, buf, len, st.now);
	if (getenv("FZ_TRACE"))
		fprintf(stderr, "crafted %u bytes -> %d\n", len, ret);
}

static void fz_call(struct fz_in *in)
{
	struct rr_call_opts o;
	struct rr_msg m;
	u8 opts;
	u32 len = fz_u16(in) % 6000;
	u64 cookie = st.next_cookie++ % FZ_COOKIES;
	u32 off, avail;
	u8 *p;

	if (st.live[cookie])
		return;
	if (fz_u8(in) == 0xff)
		len = 70000;	/* over the limit */
	if (rr_msg_init(&m, len))
		return;
	for (off = 0; off < len; off += avail) {
		p = rr_msg_span(&m, off, &avail, RR_MSG_ALLOC);
		if (!p)
			break;
		memset(p, (int)cookie, avail);
	}
	if (off < len) {
		rr_msg_free(&m);
		return;
	}
	st.live[cookie] = 1;
	/* Metadata: a deadline, a key, both or none. */
	memset(&o, 0, sizeof(o));
	o.deadline = RR_NO_DEADLINE;
	opts = fz_u8(in);
	if (opts & 1)
		o.deadline = st.now + fz_u32(in);
	if (opts & 2) {
		o.flags = RR_CALL_F_KEY;
		memset(o.key, (int)cookie, sizeof(o.key));
	}
	if (rr_client_call_opts(st.c.s, fz_u8(in), &m, cookie, st.now, &o)) {
		st.live[cookie] = 0;
		rr_msg_free(&m);
	}
}

static void fz_reply(struct fz_in *in)
{
	struct rr_msg m;
	u32 len = fz_u16(in) % 3000;
	u32 h = st.nhandles ? st.handles[fz_u8(in) % (st.nhandles < 16 ?
						       st.nhandles : 16)]
			    : fz_u32(in);
	u32 off, avail;
	u8 *p;

	if (rr_msg_init(&m, len))
		return;
	for (off = 0; off < len; off += avail) {
		p = rr_msg_span(&m, off, &avail, RR_MSG_ALLOC);
		if (!p)
			break;
		memset(p, 0x5a, avail);
	}
	if (off < len || rr_server_reply(st.srv.s, h, (s32)fz_u8(in), &m))
		rr_msg_free(&m);
}

/* Up to five of @op with @s corked: their packets share datagrams. */
static void fz_corked(struct rr_session *s, struct fz_in *in,
		      void (*op)(struct fz_in *in))
{
	rr_session_cork(s);
	for (u32 i = fz_u8(in) % 6; i; i--)
		op(in);
	rr_session_uncork(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct rr_params p;
	long live0 = rr_user_live;
	int steps = 0;

	memset(&st, 0, sizeof(st));
	rr_params_default(&p);
	p.mtu = FZ_MTU;
	p.slots = FZ_SLOTS;
	p.credits = 8;
	p.cc_init_cwnd = 4;
	p.max_msg = 64 * 1024;
	p.max_retries = 3;
	st.c.s = rr_session_create(&p, RR_ROLE_CLIENT, &cids, &fz_ops, &st.c);
	st.srv.s = rr_session_create(&p, RR_ROLE_SERVER, &sids, &fz_ops,
				     &st.srv);
	if (IS_ERR(st.c.s) || IS_ERR(st.srv.s))
		abort();
	while (in.n && steps++ < 2000) {
		struct fz_side *a = &st.c, *b = &st.srv;
		u32 op = fz_u8(&in);
		u32 i;

		if (getenv("FZ_TRACE"))
			fprintf(stderr, "op %#x\n", op);

		if (op & 0x80) {	/* the other direction */
			a = &st.srv;
			b = &st.c;
		}
		switch (op & 0x0f) {
		case 0:
			if (!(op & 0x40)) {
				fz_call(&in);
				break;
			}
			/* calls started together share datagrams */
			fz_corked(st.c.s, &in, fz_call);
			break;
		case 1:
		case 2:
			fz_pass(a, b, false);
			break;
		case 3:		/* duplicate */
			fz_pass(a, b, true);
			break;
		case 4:		/* lose */
			if (a->q.n) {
				a->q.head = (a->q.head + 1) % FZ_QLEN;
				a->q.n--;
			}
			break;
		case 5:
			fz_craft(&in, b, b == &st.c ? 1 : 2,
				 b == &st.c ? 0xaaaa : 0xbbbb, op & 0x40);
			break;
		case 6: {	/* raw bytes */
			u8 raw[FZ_MTU + 8];
			u32 n = fz_u16(&in) % sizeof(raw);

			for (i = 0; i < n; i++)
				raw[i] = (u8)fz_u8(&in);
			rr_session_rx(b->s, raw, n, st.now);
			break;
		}
		case 7:		/* time passes */
			st.now += (u64)fz_u16(&in) * 1000;
			if (fz_u8(&in) & 1)
				st.now = rr_session_deadline(st.c.s) ==
					 RR_NO_DEADLINE ? st.now :
					 rr_session_deadline(st.c.s);
			rr_session_poll(st.c.s, st.now);
			rr_session_poll(st.srv.s, st.now);
			break;
		case 8:
			if (!(op & 0x40)) {
				fz_reply(&in);
				break;
			}
			fz_corked(st.srv.s, &in, fz_reply);
			break;
		case 9:	{	/* a cancelled call never completes */
			u32 k = fz_u8(&in) % FZ_COOKIES;

			if (!rr_client_cancel(st.c.s, k)) {
				if (!st.live[k])
					abort();
				st.live[k] = 0;
			}
			break;
		}
		case 10:
			a->tx_block = !a->tx_block;
			break;
		case 11:
			rr_user_fail_every = fz_u8(&in) % 8;
			break;
		case 12:	/* corrupt a queued packet, maybe fix its CRC */
			if (a->q.n) {
				u32 k = (a->q.head + fz_u8(&in) % a->q.n) %
					FZ_QLEN;
				u32 at = fz_u8(&in) % a->q.len[k];

				a->q.data[k][at] ^= (u8)fz_u8(&in);
				if (fz_u8(&in) & 1 && !(a->q.data[k][7] & RR_F_NOCRC))
					rr_put_le32(a->q.data[k],
						    rr_wire_crc(a->q.data[k],
								a->q.len[k]));
			}
			break;
		case 13:	/* reorder: oldest goes to the back */
			if (a->q.n > 1) {
				u32 h = a->q.head;
				u32 t = (a->q.head + a->q.n) % FZ_QLEN;

				memcpy(a->q.data[t], a->q.data[h], FZ_MTU);
				a->q.len[t] = a->q.len[h];
				a->q.head = (h + 1) % FZ_QLEN;
			}
			break;
		case 14:
			if (op & 0x40) {
				rr_session_fail_all(b->s, -ENODEV);
			} else {
				rr_session_ping(st.c.s);
			}
			break;
		default:
			/* everything queued, both ways */
			while (st.c.q.n || st.srv.q.n) {
				fz_pass(&st.c, &st.srv, false);
				fz_pass(&st.srv, &st.c, false);
			}
			break;
		}
	}
	rr_user_fail_every = 0;
	rr_session_fail_all(st.c.s, -ECONNRESET);
	for (int k = 0; k < FZ_COOKIES; k++)
		if (st.live[k])
			abort();	/* fail_all must complete everything */
	rr_session_destroy(st.c.s);
	rr_session_destroy(st.srv.s);
	if (rr_user_live != live0) {
		fprintf(stderr, "leak: %ld allocations\n", rr_user_live - live0);
		abort();
	}
	return 0;
}
