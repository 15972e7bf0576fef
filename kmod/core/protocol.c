// SPDX-License-Identifier: GPL-2.0
/*
 * Session state machine (see protocol.h for the protocol in brief).
 *
 * Client slot life: FREE -> REQ (sending the request; the server acks
 * packets) -> WAIT (request fully acked; handler running) -> RESP (pulling
 * the response with RFRs) -> FREE, with a response packet moving any of
 * REQ/WAIT straight to RESP.  A per-slot retransmission timer restarts on
 * progress; on expiry everything unanswered is resent (or a probe sent in
 * WAIT) and the RTO backs off.  The call fails at its deadline, or after
 * max_retries expiries in a row during which, for at least dead_ns, the
 * session received nothing at all from its peer (the path is dead, not
 * lossy or slow).
 *
 * Server slot life: EMPTY -> RECV (reassembling) -> PENDING (handler
 * owns it) -> DONE (response stored) -> [newer request number] -> RECV.
 */
#include "protocol.h"

/* Packets acked/received beyond a hole before the hole counts as lost. */
#define RR_DUPTHRESH		3
/* Cap on the RTO doubling count (the RTO itself is capped by rto_max). */
#define RR_MAX_BACKOFF		16
/*
 * WAIT: the server holds the request and its handler runs; a probe only
 * recovers a lost response, so the first one waits 4 RTOs, not one.
 */
#define RR_WAIT_BACKOFF		2
/*
 * New packets go in runs: RR_RUN request packets, the last flagged
 * RR_F_ACKNOW so that one ack answers the run, or one RFR asking for
 * RR_RUN response packets.  A run starts only when the window has room for
 * all of it, so credits come back, and are spent, a run at a time.
 */
#define RR_RUN			4
/* The server acks at least every this many request packets in order. */
#define RR_ACK_EVERY		(2 * RR_RUN)

enum rr_cslot_phase {
	RR_C_FREE,
	RR_C_REQ,
	RR_C_WAIT,
	RR_C_RESP,
};

enum rr_sslot_state {
	RR_S_EMPTY,
	RR_S_RECV,
	RR_S_PENDING,
	RR_S_DONE,
};

/* What the slot's RTT sample is timing. */
enum rr_timing {
	RR_TIME_NONE,
	RR_TIME_REQ,
	RR_TIME_RFR,
};

/*
 * One bit per packet of a message: received (server request, client
 * response) or acknowledged (client request).  Up to 64 packets inline.
 */
struct rr_pktmap {
	u32 n;
	u32 count;
	u32 cum;	/* every packet below is set */
	u32 high;	/* highest set packet + 1 */
	u64 inl;
	u64 *ext;
};

struct rr_cslot {
	u8 phase;
	u8 index;		/* in the session's slot array */
	u8 timing;
	u8 backoff;
	bool probe;		/* WAIT: send one RFR 0 to ask after the call */
	u8 meta;		/* RR_F_DEADLINE, RR_F_KEY: the metadata sent */
	u8 meta_len;		/* its bytes: rr_meta_len(@meta) */
	u32 req_num;
	u32 method;
	u32 retries;		/* expiries since the last progress */
	u32 inflight;		/* packets sent, answer not yet seen */
	u32 next_new;		/* next packet never sent */
	u32 rtx_cursor;		/* resend unanswered packets in */
	u32 rtx_limit;		/*   [rtx_cursor, rtx_limit) */
	u32 timed_idx;
	s32 status;
	u64 timed_at;
	u64 deadline;
	u64 started;
	u64 stalled_at;		/* the first of the @retries expiries */
	u64 call_deadline;	/* RR_F_DEADLINE: the caller's */
	u64 cookie;
	u8 key[RR_META_KEY_LEN];	/* RR_F_KEY */
	/*
	 * The slot's last timeout outside WAIT, kept past the call's end: the
	 * packet its resend starts with, request (@resp false) or response.
	 * It was spurious if both the packet and its answer had only been
	 * late: for a request packet, the server answered the resend as a
	 * duplicate (@dup) and the original's answer came too (@orig); for a
	 * response packet, it came twice (rr_cslot_spurious()).
	 */
	struct {
		bool armed;
		bool resp;
		bool dup;
		bool orig;
		bool cut;	/* it cut the window, to @decreases */
		u32 req_num;
		u32 idx;
		u64 decreases;
	} rto;
	struct rr_pktmap map;
	struct rr_msg req;	/* the body, without the metadata */
	struct rr_msg resp;
};

struct rr_sslot {
	u8 state;
	u8 index;
	bool seen;		/* req_num holds the newest request number */
	bool consumed;		/* ...and it was dropped by a reset: stale */
	u8 resp_flags;		/* RR_F_ERR: @status is the module's errno */
	u8 meta;		/* RR_F_DEADLINE, RR_F_KEY: the request's */
	u32 req_num;
	u32 method;
	u32 req_len;		/* on the wire, the metadata included */
	u32 npkts;		/* of the request */
	u32 resp_npkts;
	s32 status;
	u32 charged;		/* bytes charged with ops->mem_charge */
	u32 unacked;		/* RECV: packets in since the last ack */
	u32 ack_idx;		/* ack owed: the newest packet to answer */
	u64 ack_due;		/*   and when to send it */
	struct rr_req_info info;	/* from the metadata, if any */
	struct rr_pktmap map;
	struct rr_msg req;	/* the body, without the metadata */
	struct rr_msg resp;
};

struct rr_session {
	struct rr_params p;
	const struct rr_ops *ops;
	void *ctx;
	struct rr_ids ids;
	u32 role;
	u32 seg;		/* payload bytes per packet */
	u32 small_max;		/* largest request taken on the fast path */
	u32 mask;		/* slots - 1 */
	u32 free_mask;		/* client: free slots */
	u32 busy_mask;		/* client: slots with a call */
	u32 inflight;		/* client: packets awaiting an answer */
	u32 pump_next;		/* client: round-robin start */
	bool blocked;		/* client: work waits for window or buffers */
	bool tx_stalled;
	u8 tx_nocrc;		/* what every packet sent carries of RR_F_NOCRC */
	/*
	 * Packing: while @cork is above zero, packets go into the send
	 * buffer @pack (@pack_len bytes so far) and the buffer leaves when
	 * the next packet does not fit or the last rr_session_uncork() comes.
	 */
	u32 cork;
	bool cork_timed;	/* a packet sent in this cork is timed */
	u32 pack_len;
	u8 *pack;
	int closed;		/* client: error for new calls, 0 if open */
	int rx_slot;		/* server: slot delivered from rx, or -1 */
	u32 ack_owed;		/* server: RECV/PENDING slots owing an ack */
	u64 ack_delay;		/* server: params.ack_delay_ns, capped */
	u64 deadline;
	u64 last_rx;		/* when a valid packet last came in */
	struct rr_rtt rtt;
	struct rr_cc cc;
	struct rr_stats st;
	struct rr_cslot *cs;
	struct rr_sslot *ss;
};

/* --- packet maps ---------------------------------------------------------- */

static int rr_map_init(struct rr_pktmap *m, u32 n)
{
	size_t size;

	m->n = n;
	m->count = 0;
	m->cum = 0;
	m->high = 0;
	m->inl = 0;
	m->ext = NULL;
	if (n <= 64)
		return 0;
	size = DIV_ROUND_UP(n, 64) * sizeof(u64);
	m->ext = rr_alloc(size);
	if (!m->ext)
		return -ENOMEM;
	memset(m->ext, 0, size);
	return 0;
}

static void rr_map_free(struct rr_pktmap *m)
{
	rr_free(m->ext);
	m->ext = NULL;
	m->n = 0;
	m->count = 0;
}

static inline const u64 *rr_map_words(const struct rr_pktmap *m)
{
	return m->ext ? m->ext : &m->inl;
}

static inline bool rr_map_test(const struct rr_pktmap *m, u32 i)
{
	return (rr_map_words(m)[i >> 6] >> (i & 63)) & 1;
}

/* Set packet @i (< n); false if it already was. */
static bool rr_map_set(struct rr_pktmap *m, u32 i)
{
	u64 *w = m->ext ? m->ext : &m->inl;
	u64 bit = 1ull << (i & 63);
	u64 x;

	if (w[i >> 6] & bit)
		return false;
	w[i >> 6] |= bit;
	m->count++;
	if (i >= m->high)
		m->high = i + 1;
	/* Bits at and beyond n are never set, so the scan stops at n. */
	while (m->cum < m->n) {
		x = ~w[m->cum >> 6] >> (m->cum & 63);
		if (x) {
			m->cum += rr_ctz64(x);
			break;
		}
		m->cum = (m->cum | 63) + 1;
	}
	if (m->cum > m->n)
		m->cum = m->n;
	return true;
}

/* Bits for packets lo .. lo + 31 (bit j = packet lo + j); none below 0. */
static u32 rr_map_window(const struct rr_pktmap *m, s64 lo)
{
	const u64 *w = rr_map_words(m);
	u32 nwords = m->n ? DIV_ROUND_UP(m->n, 64) : 1;
	u32 wi, sh;
	u64 v;

	if (lo <= -RR_SACK_BITS)
		return 0;
	if (lo < 0)
		return (u32)w[0] << -lo;
	wi = (u32)(lo >> 6);
	if (wi >= nwords)
		return 0;
	sh = lo & 63;
	v = w[wi] >> sh;
	if (sh > 64 - RR_SACK_BITS && wi + 1 < nwords)
		v |= w[wi + 1] << (64 - sh);
	return (u32)v;
}

/* Which bits of a window starting at packet @lo name real packets (>= 0). */
static inline u32 rr_window_valid(s64 lo)
{
	if (lo >= 0)
		return ~0u;
	if (lo <= -RR_SACK_BITS)
		return 0;
	return ~0u << -lo;
}

/* --- common helpers -------------------------------------------------------- */

static inline u32 rr_npkts(const struct rr_session *s, u32 len)
{
	return len <= s->seg ? 1 : DIV_ROUND_UP(len, s->seg);
}

static inline u32 rr_plen(const struct rr_session *s, u32 len, u32 idx)
{
	u32 off = idx * s->seg;

	return min_t(u32, s->seg, len - off);
}

/* rr_tx_flush() when a packed datagram is open. */
static noinline void __rr_tx_flush(struct rr_session *s)
{
	rr_wire_seal(s->pack, s->pack_len, s->p.crc);
	s->st.tx_bytes += s->pack_len;
	s->ops->tx_send(s->ctx, s->pack, s->pack_len);
	s->pack = NULL;
}

/* Seal and send the packed datagram, if one is open. */
static inline void rr_tx_flush(struct rr_session *s)
{
	if (s->pack)
		__rr_tx_flush(s);
}

/* rr_tx() when the packet starts a datagram. */
static noinline u8 *rr_tx_get_buf(struct rr_session *s)
{
	u8 *buf;

	rr_tx_flush(s);
	buf = s->ops->tx_get_buf(s->ctx);
	if (unlikely(!buf)) {
		s->tx_stalled = true;
		s->st.tx_stalls++;
		return NULL;
	}
	if (s->cork) {
		s->pack = buf;
		s->pack_len = 0;
	}
	return buf;
}

/*
 * Write the header of the packet at @buf (the first of its datagram, or a
 * later one); pack it, or seal and send it as a datagram of its own.
 */
static __always_inline void rr_tx_send(struct rr_session *s, u8 *buf,
				       bool first, u8 kind, u8 flags,
				       u32 req_num, u32 idx, u32 msg_len,
				       u32 aux, u32 plen)
{
	u32 len;

	len = rr_wire_put(buf, first, kind, flags | s->tx_nocrc,
			  s->ids.peer_sess, s->ids.peer_tag, req_num, idx,
			  msg_len, aux, plen);
	s->st.tx_pkts++;
	if (s->pack) {
		/* Behind another packet of the open datagram? */
		if (!first)
			s->st.tx_packed++;
		s->pack_len += len;
		return;
	}
	rr_wire_seal(buf, len, s->p.crc);
	s->st.tx_bytes += len;
	s->ops->tx_send(s->ctx, buf, len);
}

/*
 * Packets sent until the matching rr_session_uncork() share datagrams
 * (nests).  The entry points do it for what one of them sends; the
 * environment may widen it over several calls, but must uncork before it
 * lets go of the session's serialization.
 */
void rr_session_cork(struct rr_session *s)
{
	if (!s->cork++)
		s->cork_timed = false;
}

/*
 * Is the request of a one-packet call about to leave to be timed?  The
 * calls of one cork (one batch of them) leave together and are answered
 * together: the first one's sample speaks for the others, which spare
 * it.  Uncorked, every one is.  (The packets of larger messages are timed
 * as rr_cslot_send() says: a run's last, a request for response packets.)
 */
static __always_inline bool rr_time_pkt(struct rr_session *s)
{
	if (s->cork_timed)
		return false;
	s->cork_timed = s->cork;
	return true;
}

void rr_session_uncork(struct rr_session *s)
{
	if (s->cork && !--s->cork)
		rr_tx_flush(s);
}

/*
 * The metadata of the request in @c (see wire.h) into @p, with the time
 * the caller has left as of @now.
 */
static __always_inline void rr_put_meta(u8 *p, const struct rr_cslot *c,
					u64 now)
{
	u64 left;

	if (c->meta & RR_F_DEADLINE) {
		left = c->call_deadline > now ?
		       div_u64(c->call_deadline - now, 1000) : 0;
		rr_put_le32(p, left > U32_MAX ? U32_MAX : (u32)left);
		p += RR_META_BUDGET_LEN;
	}
	if (c->meta & RR_F_KEY)
		memcpy(p, c->key, RR_META_KEY_LEN);
}

/*
 * The payload of packet @idx (@plen bytes) about @m into @dst: with @c's
 * metadata first in packet 0 (@pre_len bytes, as of @now), then @m's
 * bytes; nothing without @m.
 */
static __always_inline void rr_tx_payload(const struct rr_session *s,
					  u8 *dst, u32 idx, u32 plen,
					  const struct rr_msg *m,
					  const struct rr_cslot *c,
					  u32 pre_len, u64 now)
{
	u32 off = idx * s->seg, n = 0;

	if (!m)
		return;
	if (pre_len && !idx) {
		rr_put_meta(dst, c, now);
		n = pre_len;
	} else {
		off -= pre_len;
	}
	if (rr_msg_is_inline(m))
		memcpy(dst + n, m->inl + off, plen - n);
	else
		rr_msg_read(m, off, dst + n, plen - n);
}

/*
 * One packet about a message of @msg_len bytes, straight into the send
 * buffer: with @m, segment @idx of the @pre_len bytes of @c's metadata
 * (as of @now) followed by @m as the payload (only packet 0 holds
 * metadata, which is shorter than a segment); without, a control packet
 * with none.  It goes behind the packets of the open datagram if it fits
 * there with a later packet's header, else at the start of a new send
 * buffer (which stays open while corked).  -EAGAIN if no send buffer is
 * free.  The two cases are written out so that each header is built
 * with what is known of it; a packed one's payload is copied last, with
 * nothing left to do after it.  An open datagram holds at least one
 * packet: rr_tx_get_buf() opens it for the packet that asked.
 */
static __always_inline int rr_tx(struct rr_session *s, u8 kind, u8 flags,
				 u32 req_num, u32 idx, u32 msg_len, u32 aux,
				 const struct rr_msg *m,
				 const struct rr_cslot *c, u32 pre_len,
				 u64 now)
{
	u32 plen = m ? rr_plen(s, msg_len, idx) : 0;
	u8 *buf;

	if (s->pack && s->pack_len + RR_CHDR_LEN + plen <= s->p.mtu) {
		/* Packed: nothing leaves yet, the payload may come last. */
		buf = s->pack + s->pack_len;
		rr_tx_send(s, buf, false, kind, flags, req_num, idx, msg_len,
			   aux, plen);
		rr_tx_payload(s, buf + RR_CHDR_LEN, idx, plen, m, c, pre_len,
			      now);
		return 0;
	}
	buf = rr_tx_get_buf(s);
	if (!buf)
		return -EAGAIN;
	rr_tx_payload(s, buf + RR_HDR_LEN, idx, plen, m, c, pre_len, now);
	rr_tx_send(s, buf, true, kind, flags, req_num, idx, msg_len, aux,
		   plen);
	return 0;
}

/* A control packet without payload. */
static int rr_tx_ctl(struct rr_session *s, u8 kind, u8 flags, u32 req_num,
		     u32 idx, u32 msg_len, u32 aux)
{
	return rr_tx(s, kind, flags, req_num, idx, msg_len, aux, NULL, NULL,
		     0, 0);
}

/* One data packet of @m. */
static __always_inline int rr_tx_data(struct rr_session *s, u8 kind,
				      u8 flags, u32 req_num,
				      const struct rr_msg *m, u32 idx, u32 aux)
{
	return rr_tx(s, kind, flags, req_num, idx, m->len, aux, m, NULL, 0, 0);
}

/* --- client ----------------------------------------------------------------- */

static u32 rr_window(const struct rr_session *s)
{
	return min_t(u32, rr_cc_window(&s->cc), s->p.credits);
}

/* Out of line: tracing is off the fast paths. */
static noinline void rr_trace_call(struct rr_session *s,
				   const struct rr_cslot *c, u8 kind, u32 idx,
				   u8 pkt_kind, u8 what)
{
	struct rr_trace ev = {
		.kind = kind,
		.slot = c->index,
		.pkt_kind = pkt_kind,
		.what = what,
		.req_num = c->req_num,
		.idx = idx,
		.len = c->req.len,
		.retries = c->retries,
		.inflight = s->inflight,
		.window = rr_window(s),
		.cookie = c->cookie,
		.rto_ns = rr_rtt_rto(&s->rtt, c->backoff),
	};

	s->ops->trace(s->ctx, &ev);
}

/* An event of the call in @c for ops->trace, if the environment has one. */
static inline void rr_trace(struct rr_session *s, const struct rr_cslot *c,
			    u8 kind, u32 idx, u8 pkt_kind, u8 what)
{
	if (unlikely(s->ops->trace))
		rr_trace_call(s, c, kind, idx, pkt_kind, what);
}

/* Response packets from @i on not yet in, up to a run. */
static u32 rr_rfr_run(const struct rr_cslot *c, u32 i)
{
	u32 k = 1;

	while (k < RR_RUN && i + k < c->map.n && !rr_map_test(&c->map, i + k))
		k++;
	return k;
}

/* Credits packet @i of @c wants before it goes: the rest of its run. */
static u32 rr_cslot_need(const struct rr_cslot *c, u32 i, bool rtx)
{
	if (rtx || c->phase == RR_C_WAIT)
		return 1;
	if (c->phase == RR_C_REQ)
		return min_t(u32, RR_RUN - i % RR_RUN, c->map.n - i);
	return rr_rfr_run(c, i);
}

/*
 * May @c send packet @i (rr_cslot_peek())?  The congestion window bounds
 * the session, but a slot with nothing in flight may always send one
 * packet while credits (the server's receive buffers, a hard limit) allow:
 * otherwise, with the window at its floor, slots would time out without
 * ever having sent.  The effective floor is thus one packet per busy slot.
 */
static inline bool rr_may_send(const struct rr_session *s,
			       const struct rr_cslot *c, u32 win, u32 i,
			       bool rtx)
{
	if (s->inflight + rr_cslot_need(c, i, rtx) <= win)
		return true;
	return !c->inflight && s->inflight < s->p.credits;
}

/* Arm @c's timer to expire @rto from @now, or at the call's timeout. */
static __always_inline void __rr_cslot_arm(struct rr_session *s,
					   struct rr_cslot *c, u64 now,
					   u64 rto)
{
	u64 d = now + rto;

	if (s->p.call_timeout_ns && c->started + s->p.call_timeout_ns < d)
		d = c->started + s->p.call_timeout_ns;
	c->deadline = d;
	/* Only ever earlier here: rr_session_poll() recomputes it exactly. */
	if (d < s->deadline)
		s->deadline = d;
}

static inline void rr_cslot_arm(struct rr_session *s, struct rr_cslot *c,
				u64 now)
{
	__rr_cslot_arm(s, c, now, rr_rtt_rto(&s->rtt, c->backoff));
}

/* The peer answered something new: the call is alive. */
static void rr_cslot_progress(struct rr_session *s, struct rr_cslot *c,
			      u64 now)
{
	c->retries = 0;
	c->backoff = 0;
	rr_cslot_arm(s, c, now);
}

/*
 * Free the slot.  Its response buffer is left alone: on success it is
 * being handed to complete_call, and a call started from that callback on
 * the same slot does not touch it before its own response arrives.  Error
 * paths free a partial response first (rr_cslot_drop_resp()).
 */
static inline void rr_cslot_release(struct rr_session *s,
				    struct rr_cslot *c)
{
	u32 bit = 1u << c->index;

	if (c->map.ext)
		rr_map_free(&c->map);
	rr_msg_free(&c->req);
	s->inflight -= c->inflight;
	c->inflight = 0;
	c->phase = RR_C_FREE;
	c->timing = RR_TIME_NONE;
	c->deadline = RR_NO_DEADLINE;
	s->busy_mask &= ~bit;
	s->free_mask |= bit;
}

static void rr_cslot_drop_resp(struct rr_cslot *c)
{
	if (c->phase == RR_C_RESP)
		rr_msg_free(&c->resp);
}

/*
 * End the call in @c (rr_cslot_done(): it succeeded).  The slot is free
 * again before the callback runs, so the callback may start the next call;
 * callers must not touch @c after.
 */
static inline void rr_cslot_done(struct rr_session *s, struct rr_cslot *c)
{
	rr_cslot_release(s, c);
	s->st.calls_ok++;
	s->ops->complete_call(s->ctx, s, c->cookie, 0, c->status, &c->resp);
	rr_msg_free(&c->resp);
}

static noinline void rr_cslot_finish(struct rr_session *s,
				     struct rr_cslot *c, int err)
{
	struct rr_msg empty;
	u64 cookie = c->cookie;

	if (!err) {
		rr_cslot_done(s, c);
		return;
	}
	rr_cslot_drop_resp(c);
	rr_cslot_release(s, c);
	s->st.calls_failed++;
	empty.len = 0;
	s->ops->complete_call(s->ctx, s, cookie, err, 0, &empty);
}

/*
 * Packet @i of the request in @c; packet 0 carries the metadata, with the
 * time the caller has left as of now.
 */
static __always_inline int rr_tx_req(struct rr_session *s,
				     const struct rr_cslot *c, u8 flags,
				     u32 i, u64 now)
{
	return rr_tx(s, RR_PKT_REQ, flags | c->meta, c->req_num, i,
		     c->req.len + c->meta_len, c->method, &c->req, c,
		     c->meta_len, now);
}

/* Next packet @c wants to send (resends first), or -1.  No side effects
 * beyond skipping packets already answered.
 */
static s64 rr_cslot_peek(struct rr_cslot *c, bool *rtx)
{
	const struct rr_pktmap *m = &c->map;

	if (c->phase == RR_C_WAIT) {
		*rtx = true;
		return c->probe ? 0 : -1;
	}
	while (c->rtx_cursor < c->rtx_limit) {
		if (!rr_map_test(m, c->rtx_cursor)) {
			*rtx = true;
			return c->rtx_cursor;
		}
		c->rtx_cursor++;
	}
	while (c->next_new < m->n && rr_map_test(m, c->next_new))
		c->next_new++;
	if (c->next_new >= m->n)
		return -1;
	*rtx = false;
	return c->next_new;
}

/*
 * Send packet @i of @c: request data, or a request for response packets
 * from @i on (resends ask for one).
 */
static __always_inline int rr_cslot_send(struct rr_session *s,
					 struct rr_cslot *c, u32 i,
					 bool rtx, u64 now)
{
	u32 win = rr_window(s), k = 1;
	u8 flags = 0;
	int err;

	if (c->phase == RR_C_REQ) {
		/* The end of a run, or nothing more to send for now: ack. */
		flags = rtx || i + 1 >= c->map.n || !((i + 1) % RR_RUN) ||
			s->inflight + 1 >= win ? RR_F_ACKNOW : 0;
		err = rr_tx_req(s, c, flags, i, now);
	} else {
		if (c->phase == RR_C_RESP && !rtx) {
			k = rr_rfr_run(c, i);
			/* A slot's first packet may go beyond the window. */
			if (s->inflight + k > win)
				k = win > s->inflight ? win - s->inflight : 1;
		}
		err = rr_tx_ctl(s, RR_PKT_RFR, 0, c->req_num, i, 0, k - 1);
	}
	if (err)
		return err;
	/* The timer runs from the slot's first packet out, not from a wait. */
	if (!c->inflight)
		rr_cslot_arm(s, c, now);
	c->inflight += k;
	s->inflight += k;
	if (c->phase == RR_C_WAIT) {
		c->probe = false;
		s->st.retransmits++;
		rr_trace(s, c, RR_TRACE_RETRANSMIT, i, RR_PKT_RFR,
			 RR_TRACE_RTX_PROBE);
	} else if (rtx) {
		c->rtx_cursor = i + 1;
		s->st.retransmits++;
		rr_trace(s, c, RR_TRACE_RETRANSMIT, i,
			 c->phase == RR_C_REQ ? RR_PKT_REQ : RR_PKT_RFR, 0);
		/* Karn: an answer to a resent packet times nothing. */
		if (c->timing != RR_TIME_NONE && c->timed_idx == i)
			c->timing = RR_TIME_NONE;
	} else {
		c->next_new = i + k;
		/*
		 * A request packet is timed only if it asks for an ack at
		 * once: the others wait for the end of their run.
		 */
		if (c->timing == RR_TIME_NONE &&
		    (c->phase != RR_C_REQ || (flags & RR_F_ACKNOW))) {
			c->timing = c->phase == RR_C_REQ ? RR_TIME_REQ :
							   RR_TIME_RFR;
			c->timed_idx = i;
			c->timed_at = now;
		}
	}
	return 0;
}

/*
 * rr_cslot_send() of the only packet of the request just put in @c, which
 * may go: it ends its run and is timed (unless another call's packet of
 * this cork is), the slot's timer starts with it.  Without a send buffer
 * the call waits, its timer armed all the same.
 */
static __always_inline void rr_cslot_send_only(struct rr_session *s,
					       struct rr_cslot *c, u64 now)
{
	int err = rr_tx_req(s, c, RR_F_ACKNOW, 0, now);

	/* A new call: no backoff yet (and the RTO is within its bounds). */
	__rr_cslot_arm(s, c, now, s->rtt.rto);
	if (unlikely(err)) {
		s->blocked = true;
		return;
	}
	c->inflight = 1;
	s->inflight++;
	c->next_new = 1;
	if (!rr_time_pkt(s))
		return;
	c->timing = RR_TIME_REQ;
	c->timed_idx = 0;
	c->timed_at = now;
}

/* Send what @c may within the window; note when work is left waiting. */
static void rr_cslot_pump(struct rr_session *s, struct rr_cslot *c, u64 now)
{
	u32 win = rr_window(s);
	bool rtx;
	s64 i;

	while ((i = rr_cslot_peek(c, &rtx)) >= 0) {
		if (!rr_may_send(s, c, win, (u32)i, rtx)) {
			s->st.credit_stalls++;
			rr_trace(s, c, RR_TRACE_CREDIT_STALL, (u32)i, 0, 0);
			s->blocked = true;
			return;
		}
		if (rr_cslot_send(s, c, (u32)i, rtx, now)) {
			s->blocked = true;
			return;
		}
	}
}

/* Send for every busy slot, one packet per slot per round, for fairness. */
static void rr_client_pump(struct rr_session *s, u64 now)
{
	u32 win = rr_window(s);
	bool progress, rtx;
	u32 k, j;
	s64 i;

	s->blocked = false;
	s->tx_stalled = false;
	do {
		progress = false;
		for (k = 0; k <= s->mask; k++) {
			j = (s->pump_next + k) & s->mask;
			if (!(s->busy_mask & (1u << j)))
				continue;
			i = rr_cslot_peek(&s->cs[j], &rtx);
			if (i < 0)
				continue;
			if (!rr_may_send(s, &s->cs[j], win, (u32)i, rtx)) {
				s->st.credit_stalls++;
				rr_trace(s, &s->cs[j], RR_TRACE_CREDIT_STALL,
					 (u32)i, 0, 0);
				goto blocked;
			}
			if (rr_cslot_send(s, &s->cs[j], (u32)i, rtx, now))
				goto blocked;
			progress = true;
		}
	} while (progress);
	return;
blocked:
	s->blocked = true;
	s->pump_next = j;
}

/*
 * The packet @c was timing is answered: a round trip for the RTO, and for
 * the delay controller, which may cut the window.
 */
static __always_inline void rr_sample(struct rr_session *s,
				      struct rr_cslot *c, u64 now)
{
	u64 m = now - c->timed_at;

	rr_rtt_sample(&s->rtt, m);
	if (unlikely(s->cc.algo == RR_CC_DELAY) &&
	    rr_cc_on_rtt(&s->cc, now, m))
		s->st.cwnd_decreases++;
}

/*
 * Packets beyond a hole were answered: the hole is probably lost.  Resend
 * it (once per detection, as the cursor only moves forward) and tell
 * congestion control.
 */
static void rr_cslot_detect_loss(struct rr_session *s, struct rr_cslot *c,
				 u64 now)
{
	const struct rr_pktmap *m = &c->map;
	u32 lim;

	if (m->high <= m->cum + RR_DUPTHRESH)
		return;
	lim = min_t(u32, m->high - RR_DUPTHRESH, c->next_new);
	if (lim <= c->rtx_limit)
		return;
	if (c->rtx_cursor < m->cum)
		c->rtx_cursor = m->cum;
	c->rtx_limit = lim;
	if (rr_cc_on_loss(&s->cc, now, s->rtt.samples ? s->rtt.srtt :
							 s->rtt.rto))
		s->st.cwnd_decreases++;
}

/* @n packets of @c were answered: their credits come back. */
static inline void rr_cslot_credit(struct rr_session *s, struct rr_cslot *c,
				   u32 n)
{
	n = min_t(u32, n, c->inflight);
	c->inflight -= n;
	s->inflight -= n;
	rr_cc_on_ack(&s->cc, n);
}

/*
 * Not inlined: keeps the one-packet receive path small.  An ack returns
 * the credits of the request packets it newly covers (one ack answers a
 * run), or of the probe it answers in WAIT.
 */
static noinline int rr_client_ack(struct rr_session *s, struct rr_cslot *c,
				  const struct rr_pkt *pkt, u64 now)
{
	struct rr_pktmap *m = &c->map;
	u32 newly = 0, bits;
	bool timed;
	s64 lo;

	if (c->phase == RR_C_WAIT) {
		/* The server has the request and the handler runs. */
		if (pkt->flags & RR_F_REPLY)
			rr_cslot_credit(s, c, 1);
		if (pkt->flags & RR_F_DONE)
			c->retries = 0;
		return 0;
	}
	if (c->phase != RR_C_REQ)
		return 0;
	if (pkt->idx > m->n || pkt->msg_len >= m->n) {
		s->st.rx_drops++;
		return -EINVAL;
	}
	/* Acks come in runs: the timed packet is answered once covered. */
	timed = c->timing == RR_TIME_REQ && (pkt->flags & RR_F_REPLY) &&
		!rr_map_test(m, c->timed_idx);
	while (m->cum < pkt->idx) {
		rr_map_set(m, m->cum);
		newly++;
	}
	newly += rr_map_set(m, pkt->msg_len);
	lo = (s64)pkt->msg_len - RR_SACK_BITS;
	bits = pkt->aux & ~rr_map_window(m, lo) & rr_window_valid(lo);
	while (bits) {
		rr_map_set(m, (u32)(lo + rr_ctz32(bits)));
		bits &= bits - 1;
		newly++;
	}
	if (!newly)
		return 0;
	if (timed && rr_map_test(m, c->timed_idx)) {
		rr_sample(s, c, now);
		c->timing = RR_TIME_NONE;
	}
	if (pkt->flags & RR_F_REPLY)
		rr_cslot_credit(s, c, newly);
	if (m->count == m->n) {
		/* All in; wait for the response, probing if it is slow. */
		c->phase = RR_C_WAIT;
		c->probe = false;
		c->timing = RR_TIME_NONE;
		c->retries = 0;
		c->backoff = RR_WAIT_BACKOFF;
		rr_cslot_arm(s, c, now);
		return 0;
	}
	rr_cslot_progress(s, c, now);
	rr_cslot_detect_loss(s, c, now);
	rr_cslot_pump(s, c, now);
	return 0;
}

/*
 * The last timeout of @c was spurious: the packet it resent first had only
 * been late.  The window it cut comes back, unless cut again since.
 */
static void rr_cslot_spurious(struct rr_session *s, struct rr_cslot *c)
{
	c->rto.armed = false;
	s->st.spurious_rtos++;
	if (c->rto.cut && s->cc.decreases == c->rto.decreases)
		rr_cc_undo(&s->cc);
}

/* First response packet: the request is fully in; switch to pulling. */
static int rr_cslot_start_resp(struct rr_session *s, struct rr_cslot *c,
			       const struct rr_pkt *pkt, u32 n, u64 now)
{
	struct rr_pktmap m;

	if (rr_map_init(&m, n)) {
		s->st.rx_nomem++;
		return -ENOMEM;
	}
	rr_map_free(&c->map);
	c->map = m;
	/* The whole request is in: its packets' credits are all back. */
	rr_cslot_credit(s, c, c->inflight);
	rr_msg_free(&c->req);
	rr_msg_init(&c->resp, pkt->msg_len);
	c->status = (s32)pkt->aux;
	c->phase = RR_C_RESP;
	c->probe = false;
	c->next_new = 0;
	c->rtx_cursor = 0;
	c->rtx_limit = 0;
	/*
	 * A response packet 0 sent in reply to a request packet answers the
	 * request packet being timed (approximately, if several were out).
	 */
	if (c->timing == RR_TIME_REQ && (pkt->flags & RR_F_REPLY) && !pkt->idx)
		rr_sample(s, c, now);
	c->timing = RR_TIME_NONE;
	return 0;
}

static noinline int rr_client_resp_slow(struct rr_session *s,
					struct rr_cslot *c,
					const struct rr_pkt *pkt, u64 now)
{
	struct rr_pktmap *m = &c->map;
	u32 n, off;
	int err;

	if (unlikely(pkt->flags & RR_F_ERR)) {
		/* The server's module failed the call (the wire checked aux). */
		if (c->phase == RR_C_RESP)
			goto bad;
		rr_cslot_finish(s, c, (s32)pkt->aux);
		return 0;
	}
	if (c->phase != RR_C_RESP) {
		if (pkt->msg_len > s->p.max_msg) {
			/* A response we refuse to hold: fail, don't hang. */
			rr_cslot_finish(s, c, -EMSGSIZE);
			return -EMSGSIZE;
		}
		n = rr_npkts(s, pkt->msg_len);
	} else {
		if (pkt->msg_len != c->resp.len || (s32)pkt->aux != c->status)
			goto bad;
		n = m->n;
	}
	if (pkt->idx >= n || pkt->plen != rr_plen(s, pkt->msg_len, pkt->idx))
		goto bad;
	if (c->phase != RR_C_RESP) {
		err = rr_cslot_start_resp(s, c, pkt, n, now);
		if (err)
			return err;
	} else if (c->timing == RR_TIME_RFR && (pkt->flags & RR_F_REPLY) &&
		   c->timed_idx == pkt->idx) {
		rr_sample(s, c, now);
		c->timing = RR_TIME_NONE;
	}
	if (rr_map_test(m, pkt->idx)) {
		s->st.dup_pkts++;
		/* The first packet a timeout asked for again: it was late. */
		if (c->rto.armed && c->rto.resp && c->rto.req_num == c->req_num &&
		    c->rto.idx == pkt->idx)
			rr_cslot_spurious(s, c);
		return 0;
	}
	off = pkt->idx * s->seg;
	if (rr_msg_is_inline(&c->resp)) {
		memcpy(c->resp.inl + off, pkt->payload, pkt->plen);
	} else {
		err = rr_msg_write(&c->resp, off, pkt->payload, pkt->plen);
		if (err) {
			s->st.rx_nomem++;
			return err;
		}
	}
	rr_map_set(m, pkt->idx);
	if (m->count == m->n) {
		rr_cslot_finish(s, c, 0);
		return 0;
	}
	rr_cslot_progress(s, c, now);
	rr_cslot_detect_loss(s, c, now);
	rr_cslot_pump(s, c, now);
	return 0;
bad:
	s->st.rx_drops++;
	return -EINVAL;
}

static int rr_client_resp(struct rr_session *s, struct rr_cslot *c,
			  const struct rr_pkt *pkt, u64 now)
{
	/*
	 * The common small call: the whole response is in this packet
	 * (plen == msg_len only with idx zero: __rr_wire_parse_next()).
	 */
	if (c->phase != RR_C_RESP && !(pkt->flags & RR_F_ERR) &&
	    pkt->plen == pkt->msg_len && pkt->msg_len <= s->small_max) {
		if (c->timing == RR_TIME_REQ && (pkt->flags & RR_F_REPLY))
			rr_sample(s, c, now);
		c->status = (s32)pkt->aux;
		c->resp.len = pkt->msg_len;
		memcpy(c->resp.inl, pkt->payload, pkt->plen);
		rr_cslot_done(s, c);
		return 0;
	}
	return rr_client_resp_slow(s, c, pkt, now);
}

/*
 * @pkt answers a request of @c's slot since its last timeout in REQ: an
 * ACK of the packet the timeout resent first, or a RESP.  One answer
 * flagged RR_F_DUP (the server had that packet before the resend) and one
 * not (the answer to the original) make the timeout spurious: neither the
 * packet nor its answer was lost.  Works whether or not the call is still
 * in the slot.
 */
static noinline void rr_cslot_rto_answer(struct rr_session *s,
					 struct rr_cslot *c,
					 const struct rr_pkt *pkt)
{
	if (c->rto.resp || c->rto.req_num != pkt->req_num ||
	    (pkt->kind == RR_PKT_ACK && pkt->msg_len != c->rto.idx))
		return;
	if (pkt->flags & RR_F_DUP)
		c->rto.dup = true;
	else
		c->rto.orig = true;
	if (c->rto.dup && c->rto.orig)
		rr_cslot_spurious(s, c);
}

/* What the client takes besides ACK and RESP. */
static noinline int rr_client_rx_ctl(struct rr_session *s,
				     const struct rr_pkt *pkt)
{
	switch (pkt->kind) {
	case RR_PKT_PING:
		if (!(pkt->flags & RR_F_REPLY))
			break;
		s->st.pongs++;
		return 0;
	case RR_PKT_RESET:
		/* The server lost our session: nothing pending can finish. */
		s->st.resets++;
		rr_session_fail_all(s, -ECONNRESET);
		return 0;
	default:
		break;
	}
	s->st.rx_drops++;
	return -EPROTO;
}

static int rr_client_rx(struct rr_session *s, const struct rr_pkt *pkt,
			u64 now)
{
	struct rr_cslot *c;
	int err;

	if (unlikely(pkt->kind != RR_PKT_RESP && pkt->kind != RR_PKT_ACK))
		return rr_client_rx_ctl(s, pkt);
	c = &s->cs[pkt->req_num & s->mask];
	if (unlikely(c->rto.armed))
		rr_cslot_rto_answer(s, c, pkt);
	if (c->phase == RR_C_FREE || c->req_num != pkt->req_num) {
		s->st.rx_stale++;
		return -ESTALE;
	}
	if (pkt->kind == RR_PKT_ACK) {
		err = rr_client_ack(s, c, pkt, now);
	} else {
		if ((pkt->flags & RR_F_REPLY) && c->inflight)
			rr_cslot_credit(s, c, 1);
		err = rr_client_resp(s, c, pkt, now);
	}
	if (s->blocked)
		rr_client_pump(s, now);
	return err;
}

/* rr_client_call() once a slot is known to be free. */
static noinline int rr_client_start(struct rr_session *s, u32 method,
				    struct rr_msg *req, u64 cookie, u64 now,
				    const struct rr_call_opts *o)
{
	struct rr_cslot *c;
	u8 meta = 0;
	u32 j, meta_len;
	int err;

	if (s->closed)
		return s->closed;
	if (o) {
		if (o->deadline != RR_NO_DEADLINE)
			meta |= RR_F_DEADLINE;
		if (o->flags & RR_CALL_F_KEY)
			meta |= RR_F_KEY;
	}
	meta_len = rr_meta_len(meta);
	/* max_msg <= RR_WIRE_MAX_MSG: the metadata matters only near it. */
	if (req->len > s->p.max_msg ||
	    (req->len > RR_WIRE_MAX_MSG - RR_META_MAX &&
	     req->len > RR_WIRE_MAX_MSG - meta_len))
		return -EMSGSIZE;
	j = rr_ctz32(s->free_mask);
	c = &s->cs[j];
	err = rr_map_init(&c->map, rr_npkts(s, req->len + meta_len));
	if (err)
		return err;
	s->free_mask &= ~(1u << j);
	s->busy_mask |= 1u << j;
	c->req_num += s->p.slots;
	c->phase = RR_C_REQ;
	c->method = method;
	c->cookie = cookie;
	c->started = now;
	c->retries = 0;
	c->backoff = 0;
	c->next_new = 0;
	c->rtx_cursor = 0;
	c->rtx_limit = 0;
	/* c->timing is RR_TIME_NONE since rr_cslot_release() */
	c->probe = false;
	c->status = 0;
	c->meta = meta;
	c->meta_len = meta_len;
	if (meta & RR_F_DEADLINE)
		c->call_deadline = o->deadline;
	if (meta & RR_F_KEY)
		memcpy(c->key, o->key, RR_META_KEY_LEN);
	rr_msg_move(&c->req, req);
	rr_trace(s, c, RR_TRACE_CALL_START, 0, 0, 0);
	/*
	 * One packet, nothing waiting: rr_may_send() for the packet of a
	 * slot with nothing in flight is that credits allow it.
	 */
	if (likely(!s->blocked && c->map.n == 1 &&
		   s->inflight < s->p.credits)) {
		rr_cslot_send_only(s, c, now);
		return 0;
	}
	if (s->blocked)
		rr_client_pump(s, now);
	else
		rr_cslot_pump(s, c, now);
	/* Sending armed the timer; a call still waiting to send needs it too. */
	if (!c->inflight)
		rr_cslot_arm(s, c, now);
	return 0;
}

/*
 * Start a call: @req is moved into the session (left empty) on success.
 * -EBUSY if every slot is taken (queue and retry after a completion).
 */
int rr_client_call(struct rr_session *s, u32 method, struct rr_msg *req,
		   u64 cookie, u64 now)
{
	return rr_client_call_opts(s, method, req, cookie, now, NULL);
}

/*
 * rr_client_call() with what else the call carries: the caller's deadline
 * (the server learns the time left) and an idempotency key.  @o may be
 * NULL.
 */
int rr_client_call_opts(struct rr_session *s, u32 method, struct rr_msg *req,
			u64 cookie, u64 now, const struct rr_call_opts *o)
{
	/* The caller queues on -EBUSY and retries: make that cheap. */
	if (unlikely(!s->free_mask))
		return s->role != RR_ROLE_CLIENT ? -EINVAL :
		       s->closed ? s->closed : -EBUSY;
	return rr_client_start(s, method, req, cookie, now, o);
}

/*
 * The caller gives up on @c: if the server may have seen any of it, tell
 * it (once, unacknowledged: a lost CANCEL leaves the request to run, as
 * before).  A request still arriving is dropped there, a delivered one
 * marked for its handler.
 */
static void rr_cslot_tell_cancel(struct rr_session *s, struct rr_cslot *c)
{
	if (c->phase == RR_C_REQ && !c->next_new)
		return;
	rr_tx_ctl(s, RR_PKT_CANCEL, 0, c->req_num, 0, 0, 0);
}

/*
 * Forget the call @cookie without completing it (its owner went away, or
 * its deadline passed), and tell the server (rr_cslot_tell_cancel()).  The
 * server may still run it once.  -ENOENT if there is no such call.
 */
int rr_client_cancel(struct rr_session *s, u64 cookie)
{
	u32 busy = s->role == RR_ROLE_CLIENT ? s->busy_mask : 0;
	u32 j;

	while (busy) {
		j = rr_ctz32(busy);
		busy &= busy - 1;
		if (s->cs[j].cookie == cookie) {
			rr_cslot_tell_cancel(s, &s->cs[j]);
			rr_cslot_drop_resp(&s->cs[j]);
			rr_cslot_release(s, &s->cs[j]);
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * A timeout of @c outside WAIT (@cut: it cut the window): its resend starts
 * at map.cum.
 */
static void rr_cslot_note_rto(struct rr_session *s, struct rr_cslot *c,
			      bool cut)
{
	c->rto.armed = true;
	c->rto.resp = c->phase == RR_C_RESP;
	c->rto.dup = false;
	c->rto.orig = false;
	c->rto.cut = cut;
	c->rto.req_num = c->req_num;
	c->rto.idx = c->map.cum;
	c->rto.decreases = s->cc.decreases;
}

/* The slot's timer expired: resend everything unanswered, or give up. */
static void rr_cslot_expire(struct rr_session *s, struct rr_cslot *c, u64 now)
{
	bool rtx;

	if (s->p.call_timeout_ns && now - c->started >= s->p.call_timeout_ns) {
		rr_trace(s, c, RR_TRACE_TIMEOUT, 0, 0, RR_TRACE_TO_DEADLINE);
		rr_cslot_tell_cancel(s, c);
		rr_cslot_finish(s, c, -ETIMEDOUT);
		return;
	}
	/* Never got to send (no credits, no buffers): not the peer's fault. */
	if (!c->inflight && rr_cslot_peek(c, &rtx) >= 0) {
		rr_cslot_arm(s, c, now);
		return;
	}
	if (++c->retries == 1)
		c->stalled_at = now;
	/*
	 * Give up only on a path that delivers nothing: while packets still
	 * come in (a lossy path, or one the handler keeps busy), the call
	 * goes on until its deadline.
	 */
	if (c->retries > s->p.max_retries && s->last_rx < c->stalled_at &&
	    now - c->stalled_at >= s->p.dead_ns) {
		rr_trace(s, c, RR_TRACE_TIMEOUT, 0, 0, RR_TRACE_TO_GIVE_UP);
		rr_cslot_tell_cancel(s, c);
		rr_cslot_finish(s, c, -ETIMEDOUT);
		return;
	}
	rr_trace(s, c, RR_TRACE_TIMEOUT, 0, 0,
		 c->phase == RR_C_WAIT ? RR_TRACE_TO_PROBE : RR_TRACE_TO_RESEND);
	/*
	 * In WAIT the server has said it holds the request: a slow handler is
	 * no sign of congestion.  The probe only asks after the response.
	 */
	if (c->phase != RR_C_WAIT) {
		bool cut = rr_cc_on_loss(&s->cc, now,
					 rr_rtt_rto(&s->rtt, c->backoff));

		s->st.rto_fires++;
		if (cut)
			s->st.cwnd_decreases++;
		rr_cslot_note_rto(s, c, cut);
	}
	if (c->backoff < RR_MAX_BACKOFF)
		c->backoff++;
	c->timing = RR_TIME_NONE;
	/* Whatever was in flight is presumed lost: take the credits back. */
	s->inflight -= c->inflight;
	c->inflight = 0;
	if (c->phase == RR_C_WAIT) {
		c->probe = true;
	} else {
		c->rtx_cursor = c->map.cum;
		c->rtx_limit = c->next_new;
	}
	rr_cslot_arm(s, c, now);
}

/* --- server ----------------------------------------------------------------- */

/* rr_sslot_charge() when the charge changes. */
static noinline bool rr_sslot_charge_to(struct rr_session *s,
					struct rr_sslot *sl, u32 want)
{
	if (!s->ops->mem_charge)
		return true;
	/* Giving back cannot fail. */
	if (!s->ops->mem_charge(s->ctx, (s64)want - (s64)sl->charged) &&
	    want > sl->charged)
		return false;
	sl->charged = want;
	return true;
}

/*
 * Make the slot's memory charge @len bytes (a request being reassembled,
 * or a stored response): false if the environment refuses it (the old
 * charge stays).  Inline messages hold no memory of their own.
 */
static inline bool rr_sslot_charge(struct rr_session *s, struct rr_sslot *sl,
				   u32 len)
{
	u32 want = len > RR_MSG_INLINE ? len : 0;

	if (likely(want == sl->charged))
		return true;
	return rr_sslot_charge_to(s, sl, want);
}

/* The slot's messages and map go: empty. */
static inline void rr_sslot_reset(struct rr_session *s, struct rr_sslot *sl)
{
	if (unlikely(sl->map.ext))
		rr_map_free(&sl->map);
	sl->map.n = 0;
	sl->map.count = 0;
	rr_msg_free(&sl->req);
	rr_msg_free(&sl->resp);
	rr_sslot_charge(s, sl, 0);
	sl->state = RR_S_EMPTY;
}

/*
 * Drop every slot's state (peer reset, session failure).  The request
 * numbers stay known and are spent: a late duplicate of a request that was
 * dropped here must not run again.
 */
static void rr_server_reset_all(struct rr_session *s)
{
	u32 j;

	s->ack_owed = 0;
	for (j = 0; j <= s->mask; j++) {
		rr_sslot_reset(s, &s->ss[j]);
		s->ss[j].consumed = s->ss[j].seen;
	}
}

/*
 * Acknowledge request packet @idx (the one this answers); @dup: RR_F_DUP,
 * it had come before.
 */
static void rr_server_ack(struct rr_session *s, struct rr_sslot *sl, u32 idx,
			  u8 dup)
{
	u32 cum, bits;
	u8 flags = RR_F_REPLY | dup;
	s64 lo = (s64)idx - RR_SACK_BITS;

	if (sl->state == RR_S_RECV) {
		cum = sl->map.cum;
		bits = rr_map_window(&sl->map, lo);
	} else {
		flags |= RR_F_DONE;
		cum = sl->npkts;
		bits = rr_window_valid(lo);
	}
	rr_tx_ctl(s, RR_PKT_ACK, flags, sl->req_num, cum, idx, bits);
}

/* Packet @idx of the response stored in @sl. */
static __always_inline void rr_tx_resp(struct rr_session *s,
				       struct rr_sslot *sl, u32 idx, u8 flags)
{
	rr_tx_data(s, RR_PKT_RESP, flags | sl->resp_flags, sl->req_num,
		   &sl->resp, idx, (u32)sl->status);
}

static void rr_server_send_resp(struct rr_session *s, struct rr_sslot *sl,
				u32 idx, u8 flags)
{
	rr_tx_resp(s, sl, idx, flags);
}

/*
 * The handler has the request in @sl but has not answered yet: acknowledge
 * packet @idx after ack_delay unless the answer comes first (it then goes
 * out as the reply, rr_server_answer()).  Without the ack the client would
 * take a slow handler for a lost request.
 */
static void rr_server_ack_now(struct rr_session *s, struct rr_sslot *sl,
			      u32 idx, u8 dup)
{
	s->ack_owed &= ~(1u << sl->index);
	sl->unacked = 0;
	rr_server_ack(s, sl, idx, dup);
}

static void rr_server_ack_later(struct rr_session *s, struct rr_sslot *sl,
				u32 idx, u64 now)
{
	u32 bit = 1u << sl->index;

	if (!s->ack_delay) {
		rr_server_ack_now(s, sl, idx, 0);
		return;
	}
	sl->ack_idx = idx;
	/* Owed already (packets of a run): the first due time stands. */
	if (s->ack_owed & bit)
		return;
	sl->ack_due = now + s->ack_delay;
	s->ack_owed |= bit;
	if (sl->ack_due < s->deadline)
		s->deadline = sl->ack_due;
}

/*
 * The request in @sl is complete: hand it over (once), answer packet @idx.
 * Its packet map holds no memory (a one-packet request has none in use).
 */
static __always_inline void rr_server_deliver(struct rr_session *s,
					      struct rr_sslot *sl,
					      u32 idx, u64 now)
{
	u32 handle = sl->req_num;

	sl->state = RR_S_PENDING;
	s->st.requests++;
	s->rx_slot = sl->index;
	s->ops->deliver_request(s->ctx, s, handle, sl->method, &sl->req,
				&sl->info);
	s->rx_slot = -1;
	if (sl->req_num != handle)
		return;
	/* Answered on the spot: the response is this packet's reply. */
	if (sl->state == RR_S_DONE)
		rr_tx_resp(s, sl, 0, RR_F_REPLY);
	else if (sl->state == RR_S_PENDING)
		rr_server_ack_later(s, sl, idx, now);
}

/*
 * The metadata at the start of packet 0 of the request in @sl (its
 * flags say which fields there are; the packet holds them all).
 */
static void rr_server_meta(struct rr_sslot *sl, const u8 *p, u64 now)
{
	if (sl->meta & RR_F_DEADLINE) {
		sl->info.deadline = now + (u64)rr_get_le32(p) * 1000;
		p += RR_META_BUDGET_LEN;
	}
	if (sl->meta & RR_F_KEY) {
		memcpy(sl->info.key, p, RR_META_KEY_LEN);
		sl->info.has_key = true;
	}
}

/* A new request in @sl: what it says of itself, none of its bytes yet. */
static __always_inline void rr_sslot_start(struct rr_sslot *sl,
					   const struct rr_pkt *pkt)
{
	sl->method = pkt->aux;
	sl->req_len = pkt->msg_len;
	sl->meta = pkt->flags & RR_F_META;
	sl->info.deadline = RR_NO_DEADLINE;
	sl->info.has_key = false;
}

/* Store packet @pkt of the request in @sl: its metadata, its body bytes. */
static int rr_sslot_store(struct rr_session *s, struct rr_sslot *sl,
			  const struct rr_pkt *pkt, u64 now)
{
	u32 pre = rr_meta_len(sl->meta), off = pkt->idx * s->seg, n = 0;

	if (!pkt->idx && pre) {
		rr_server_meta(sl, pkt->payload, now);
		n = pre;
	} else {
		off -= pre;
	}
	if (rr_msg_is_inline(&sl->req)) {
		memcpy(sl->req.inl + off, pkt->payload + n, pkt->plen - n);
		return 0;
	}
	return rr_msg_write(&sl->req, off, pkt->payload + n, pkt->plen - n);
}

/*
 * Answer a request we will not take (too big) with an error response
 * (RR_F_ERR), stored like any other so duplicates get it too.
 */
static int rr_server_refuse(struct rr_session *s, struct rr_sslot *sl,
			    const struct rr_pkt *pkt, int err)
{
	sl->req_num = pkt->req_num;
	rr_sslot_start(sl, pkt);
	sl->map.n = 0;
	sl->req.len = 0;
	sl->resp.len = 0;
	sl->status = err;
	sl->resp_flags = RR_F_ERR;
	sl->resp_npkts = 1;
	sl->state = RR_S_DONE;
	rr_server_send_resp(s, sl, 0, RR_F_REPLY);
	return err;
}

/* Everything but a new one-packet request (see rr_server_req()). */
static noinline int rr_server_req_slow(struct rr_session *s,
				       struct rr_sslot *sl,
				       const struct rr_pkt *pkt, u64 now)
{
	u8 dup = 0;
	u32 body;

	if (sl->state == RR_S_EMPTY) {
		body = pkt->msg_len - rr_meta_len(pkt->flags);
		sl->npkts = rr_npkts(s, pkt->msg_len);
		if (body > s->p.max_msg)
			return rr_server_refuse(s, sl, pkt, -EMSGSIZE);
		/* The whole message, before a byte of it is stored. */
		if (!rr_sslot_charge(s, sl, body))
			return rr_server_refuse(s, sl, pkt, -ENOSPC);
		if (rr_map_init(&sl->map, sl->npkts)) {
			rr_sslot_charge(s, sl, 0);
			s->st.rx_nomem++;
			return -ENOMEM;
		}
		rr_msg_init(&sl->req, body);
		sl->req_num = pkt->req_num;
		rr_sslot_start(sl, pkt);
		sl->unacked = 0;
		sl->state = RR_S_RECV;
	}
	if (pkt->msg_len != sl->req_len || pkt->aux != sl->method ||
	    (pkt->flags & RR_F_META) != sl->meta || pkt->idx >= sl->npkts ||
	    pkt->plen != rr_plen(s, pkt->msg_len, pkt->idx))
		goto bad;
	switch (sl->state) {
	case RR_S_RECV:
		if (rr_map_test(&sl->map, pkt->idx)) {
			s->st.dup_pkts++;
			dup = RR_F_DUP;
		} else {
			if (rr_sslot_store(s, sl, pkt, now)) {
				/* No ack: the client resends. */
				s->st.rx_nomem++;
				return -ENOMEM;
			}
			rr_map_set(&sl->map, pkt->idx);
			if (sl->map.count == sl->npkts) {
				if (sl->map.ext)
					rr_map_free(&sl->map);
				rr_server_deliver(s, sl, pkt->idx, now);
				return 0;
			}
			/* In order, no hole, not asked for: ack in runs. */
			if (!(pkt->flags & RR_F_ACKNOW) &&
			    sl->map.cum == sl->map.high &&
			    ++sl->unacked < RR_ACK_EVERY) {
				rr_server_ack_later(s, sl, pkt->idx, now);
				return 0;
			}
		}
		rr_server_ack_now(s, sl, pkt->idx, dup);
		return 0;
	case RR_S_PENDING:
		s->st.dup_requests++;
		rr_server_ack_now(s, sl, pkt->idx, RR_F_DUP);
		return 0;
	default:
		/* DONE: the stored response answers any duplicate. */
		s->st.dup_requests++;
		rr_server_send_resp(s, sl, 0, RR_F_REPLY | RR_F_DUP);
		return 0;
	}
bad:
	s->st.rx_drops++;
	return -EINVAL;
}

static int rr_server_req(struct rr_session *s, const struct rr_pkt *pkt,
			 u64 now)
{
	struct rr_sslot *sl = &s->ss[pkt->req_num & s->mask];
	s32 age;

	/*
	 * The newest request number is remembered even while the slot is
	 * empty (after a reset, or when setting up the newer request failed
	 * for memory): an older request must never look new again.
	 */
	if (sl->seen) {
		age = (s32)(pkt->req_num - sl->req_num);
		if (age < 0 || (!age && sl->consumed)) {
			s->st.rx_stale++;
			return -ESTALE;
		}
		/* A newer call on the slot: the client is done with the old. */
		if (age > 0) {
			s->ack_owed &= ~(1u << sl->index);
			rr_sslot_reset(s, sl);
		}
	}
	sl->seen = true;
	sl->consumed = false;
	sl->req_num = pkt->req_num;
	if (sl->state == RR_S_EMPTY &&
	    pkt->plen == pkt->msg_len && pkt->msg_len <= s->small_max) {
		/* A new request that fits one packet: no map needed. */
		u32 pre = rr_meta_len(pkt->flags);

		sl->npkts = 1;
		sl->map.n = 0;
		rr_sslot_start(sl, pkt);
		if (pre)
			rr_server_meta(sl, pkt->payload, now);
		sl->req.len = pkt->msg_len - pre;
		memcpy(sl->req.inl, pkt->payload + pre, sl->req.len);
		rr_server_deliver(s, sl, 0, now);
		return 0;
	}
	return rr_server_req_slow(s, sl, pkt, now);
}

static noinline int rr_server_rfr(struct rr_session *s,
				  const struct rr_pkt *pkt)
{
	struct rr_sslot *sl = &s->ss[pkt->req_num & s->mask];
	u32 i, end;

	if (sl->state == RR_S_EMPTY || sl->req_num != pkt->req_num) {
		s->st.rx_stale++;
		return -ESTALE;
	}
	if (sl->state == RR_S_PENDING) {
		s->st.dup_requests++;
		rr_server_ack_now(s, sl, 0, 0);
		return 0;
	}
	if (sl->state != RR_S_DONE || pkt->idx >= sl->resp_npkts) {
		s->st.rx_drops++;
		return -EINVAL;
	}
	/* The run asked for, cut at the end of the response. */
	end = pkt->idx + min_t(u32, pkt->aux, sl->resp_npkts - 1 - pkt->idx);
	for (i = pkt->idx; i <= end; i++)
		rr_server_send_resp(s, sl, i, RR_F_REPLY);
	return 0;
}

/*
 * The client gave up on request @pkt->req_num.  Still arriving: its bytes
 * go, and its number is spent (a late packet of it is stale).  Delivered
 * and unanswered: the environment hears of it.  Answered, or older than
 * the slot's request: nothing to do.  Newer than anything the slot has
 * seen (the CANCEL overtook the request): the number is spent at once.
 */
static noinline int rr_server_cancel(struct rr_session *s,
				     const struct rr_pkt *pkt)
{
	struct rr_sslot *sl = &s->ss[pkt->req_num & s->mask];
	s32 age = (s32)(pkt->req_num - sl->req_num);
	bool over = !age && (sl->consumed || sl->state == RR_S_DONE);

	if (sl->seen && (age < 0 || over)) {
		s->st.rx_stale++;
		return -ESTALE;
	}
	s->st.cancels++;
	if (sl->seen && !age && sl->state == RR_S_PENDING) {
		if (s->ops->cancel_request)
			s->ops->cancel_request(s->ctx, s, sl->req_num,
					       sl->method);
		return 0;
	}
	s->ack_owed &= ~(1u << sl->index);
	rr_sslot_reset(s, sl);
	sl->seen = true;
	sl->consumed = true;
	sl->req_num = pkt->req_num;
	return 0;
}

static int rr_server_rx(struct rr_session *s, const struct rr_pkt *pkt,
			u64 now)
{
	if (likely(pkt->kind == RR_PKT_REQ))
		return rr_server_req(s, pkt, now);
	switch (pkt->kind) {
	case RR_PKT_RFR:
		return rr_server_rfr(s, pkt);
	case RR_PKT_PING:
		if (pkt->flags & RR_F_REPLY)
			break;
		rr_tx_ctl(s, RR_PKT_PING, RR_F_REPLY, 0, 0, 0, 0);
		return 0;
	case RR_PKT_RESET:
		s->st.resets++;
		rr_server_reset_all(s);
		return 0;
	case RR_PKT_CANCEL:
		return rr_server_cancel(s, pkt);
	default:
		break;
	}
	s->st.rx_drops++;
	return -EPROTO;
}

/*
 * Store the answer to @handle and send it (see rr_server_reply()).
 * Inline: rr_server_reply() is the call every request ends with.
 */
static __always_inline int rr_server_answer(struct rr_session *s,
					    u32 handle, s32 status,
					    struct rr_msg *resp, u8 resp_flags)
{
	struct rr_sslot *sl;
	u8 flags = 0;
	u32 bit;

	if (s->role != RR_ROLE_SERVER)
		return -EINVAL;
	sl = &s->ss[handle & s->mask];
	if (sl->state != RR_S_PENDING || sl->req_num != handle)
		return -ESTALE;
	if (resp->len > s->p.max_msg)
		return -EMSGSIZE;
	/* The request's charge becomes the stored response's. */
	if (!rr_sslot_charge(s, sl, resp->len))
		return -ENOSPC;
	rr_msg_free(&sl->req);
	rr_msg_move(&sl->resp, resp);
	sl->status = status;
	sl->resp_flags = resp_flags;
	sl->resp_npkts = rr_npkts(s, sl->resp.len);
	sl->state = RR_S_DONE;
	s->st.replies++;
	/*
	 * From inside deliver_request the rx path sends it as its reply.
	 * Later, packet 0 goes now: as the reply to the request packet while
	 * its ack is still owed, else unasked (if it is lost, the client's
	 * probe fetches it).
	 */
	bit = 1u << sl->index;
	if (s->ack_owed & bit) {
		s->ack_owed &= ~bit;
		flags = RR_F_REPLY;
	}
	if (s->rx_slot != (int)sl->index)
		rr_server_send_resp(s, sl, 0, flags);
	return 0;
}

/*
 * Answer request @handle with @status and @resp (moved into the session on
 * success; left with the caller on error).  -ESTALE if the request is no
 * longer waiting (the client moved on or the session was reset).
 */
int rr_server_reply(struct rr_session *s, u32 handle, s32 status,
		    struct rr_msg *resp)
{
	return rr_server_answer(s, handle, status, resp, 0);
}

/*
 * Answer request @handle with the module's error @err (a negative errno:
 * no such method, the serving endpoint went away...) instead of a handler
 * response: the client's call completes with @err.  Stored and resent to
 * duplicates like any response.  -EINVAL for an @err out of range, else
 * as rr_server_reply().
 */
int rr_server_reply_err(struct rr_session *s, u32 handle, int err)
{
	struct rr_msg empty;

	if (err >= 0 || err < -RR_MAX_ERRNO)
		return -EINVAL;
	empty.len = 0;
	return rr_server_answer(s, handle, err, &empty, RR_F_ERR);
}

/* --- session ----------------------------------------------------------------- */

void rr_params_default(struct rr_params *p)
{
	memset(p, 0, sizeof(*p));
	p->mtu = 1024;
	p->slots = 8;
	p->credits = 32;
	p->max_msg = 16u << 20;
	p->rto_init_ns = 5000000;
	p->rto_min_ns = 1000000;
	p->rto_max_ns = 500000000;
	p->max_retries = 10;
	p->call_timeout_ns = 0;
	p->ack_delay_ns = 250000;
	p->cc_algo = RR_CC_AIMD;
	p->cc_init_cwnd = 16;
	p->crc = true;
}

int rr_params_check(const struct rr_params *p)
{
	if (p->mtu < RR_MIN_MTU || p->mtu > RR_MAX_MTU)
		return -EINVAL;
	if (!p->slots || p->slots > RR_MAX_SLOTS ||
	    (p->slots & (p->slots - 1)))
		return -EINVAL;
	if (!p->credits || p->credits > RR_MAX_CREDITS)
		return -EINVAL;
	if (p->max_msg > RR_MSG_MAX || p->max_msg > RR_WIRE_MAX_MSG)
		return -EINVAL;
	if (!p->rto_min_ns || p->rto_min_ns > p->rto_max_ns)
		return -EINVAL;
	if (p->cc_algo >= RR_CC_ALGO_END || p->cc_init_cwnd > p->credits)
		return -EINVAL;
	return 0;
}

struct rr_session *rr_session_create(const struct rr_params *p,
				     enum rr_role role,
				     const struct rr_ids *ids,
				     const struct rr_ops *ops, void *ctx)
{
	struct rr_session *s;
	u32 j;
	int err;

	err = rr_params_check(p);
	if (err)
		return ERR_PTR(err);
	if (role != RR_ROLE_CLIENT && role != RR_ROLE_SERVER)
		return ERR_PTR(-EINVAL);
	s = rr_zalloc(sizeof(*s));
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->p = *p;
	s->ops = ops;
	s->ctx = ctx;
	s->ids = *ids;
	s->role = role;
	s->seg = p->mtu - RR_HDR_LEN;
	s->tx_nocrc = rr_wire_nocrc(p->crc);
	/* One packet, inline body, within limits: the fast paths. */
	s->small_max = min_t(u32, min_t(u32, RR_MSG_INLINE, s->seg), p->max_msg);
	s->mask = p->slots - 1;
	s->rx_slot = -1;
	s->ack_delay = min_t(u64, p->ack_delay_ns, p->rto_min_ns / 2);
	s->deadline = RR_NO_DEADLINE;
	rr_rtt_init(&s->rtt, p->rto_init_ns, p->rto_min_ns, p->rto_max_ns);
	rr_cc_init(&s->cc, p->cc_algo, p->cc_init_cwnd, p->credits);
	if (role == RR_ROLE_CLIENT) {
		s->cs = rr_zalloc(p->slots * sizeof(*s->cs));
		if (!s->cs)
			goto out_free_session;
		for (j = 0; j < p->slots; j++) {
			/* The first call on slot j gets request number j. */
			s->cs[j].req_num = j - p->slots;
			s->cs[j].deadline = RR_NO_DEADLINE;
			s->cs[j].index = j;
		}
		s->free_mask = p->slots == 32 ? ~0u : (1u << p->slots) - 1;
	} else {
		s->ss = rr_zalloc(p->slots * sizeof(*s->ss));
		if (!s->ss)
			goto out_free_session;
		for (j = 0; j < p->slots; j++)
			s->ss[j].index = j;
	}
	return s;

out_free_session:
	rr_free(s);
	return ERR_PTR(-ENOMEM);
}

/* Free everything; no callbacks (use rr_session_fail_all() first). */
void rr_session_destroy(struct rr_session *s)
{
	u32 j;

	if (!s)
		return;
	for (j = 0; j <= s->mask; j++) {
		if (s->cs && s->cs[j].phase != RR_C_FREE) {
			rr_cslot_drop_resp(&s->cs[j]);
			rr_cslot_release(s, &s->cs[j]);
		}
		if (s->ss)
			rr_sslot_reset(s, &s->ss[j]);
	}
	rr_free(s->cs);
	rr_free(s->ss);
	rr_free(s);
}

/*
 * The first packet of a datagram: is it sound, and for this session?
 * Returns its length.
 */
static inline int rr_session_rx_first(struct rr_session *s, const u8 *buf,
				      u32 len, struct rr_pkt *pkt)
{
	int n;

	n = __rr_wire_parse_next(buf, len, s->seg, pkt, true);
	if (unlikely(n < 0)) {
		s->st.rx_drops++;
		return n;
	}
	if (unlikely(pkt->sess != s->ids.local_sess ||
		     pkt->tag != s->ids.local_tag)) {
		s->st.rx_drops++;
		return -ESTALE;
	}
	return n;
}

/*
 * A later packet of a datagram sealed as @first_flags (its first packet's
 * flags) say: is it sound?  Returns its length.  The first packet's
 * session and tag, which it does not repeat, stay in @pkt.
 */
static inline int rr_session_rx_later(struct rr_session *s, const u8 *buf,
				      u32 len, struct rr_pkt *pkt,
				      u8 first_flags)
{
	int n;

	n = __rr_wire_parse_next(buf, len, s->seg, pkt, false);
	if (unlikely(n < 0 || ((pkt->flags ^ first_flags) & RR_F_NOCRC))) {
		s->st.rx_drops++;
		return n < 0 ? n : -EINVAL;
	}
	return n;
}

/* Is the datagram sealed as it says, and as this session requires? */
static inline int rr_session_rx_seal(struct rr_session *s, const u8 *buf,
				     u32 len)
{
	int err;

	if (unlikely(len > s->p.mtu)) {
		s->st.rx_drops++;
		return -EMSGSIZE;
	}
	err = rr_wire_dgram_check(buf, len);
	if (unlikely(err)) {
		if (err == -EBADMSG)
			s->st.crc_drops++;
		else
			s->st.rx_drops++;
		return err;
	}
	if (unlikely(s->p.crc && (buf[RR_OFF_FLAGS] & RR_F_NOCRC))) {
		s->st.crc_drops++;
		return -EBADMSG;
	}
	return 0;
}

/*
 * One received datagram for this session (already demultiplexed by the
 * environment with rr_wire_peek()): its seal, then packet by packet; what
 * they make the session send goes out packed.  Returns 0 or why a packet
 * was dropped (the first such; a datagram whose seal fails is dropped
 * whole, the packets after a malformed one are dropped with it, those
 * after one the session refused are still taken).
 */
int rr_session_rx(struct rr_session *s, const void *buf, u32 len, u64 now)
{
	const u8 *p = buf;
	struct rr_pkt pkt;
	int n, ret, err;
	u32 npkts = 0;
	u8 first_flags;

	err = rr_session_rx_seal(s, p, len);
	if (unlikely(err))
		return err;
	first_flags = p[RR_OFF_FLAGS];
	rr_session_cork(s);
	n = rr_session_rx_first(s, p, len, &pkt);
	while (n > 0) {
		npkts++;
		if (s->role == RR_ROLE_CLIENT)
			ret = rr_client_rx(s, &pkt, now);
		else
			ret = rr_server_rx(s, &pkt, now);
		err = err ?: ret;
		p += n;
		len -= n;
		if (!len)
			break;
		n = rr_session_rx_later(s, p, len, &pkt, first_flags);
	}
	if (unlikely(n < 0))
		err = err ?: n;
	/*
	 * What was taken, counted once per datagram (only rr_session_poll()
	 * reads last_rx).
	 */
	if (npkts) {
		s->st.rx_pkts += npkts;
		s->st.rx_bytes += (u32)(p - (const u8 *)buf);
		s->last_rx = now;
	}
	rr_session_uncork(s);
	return err;
}

/*
 * Timer entry point (also call it when send buffers free up after a
 * stall): expire what is due, send what waits.  Returns the next deadline.
 */
/* Server timer: send the acks whose delay is over. */
static u64 rr_server_poll(struct rr_session *s, u64 now)
{
	u64 d = RR_NO_DEADLINE;
	u32 owed, j;

	owed = s->ack_owed;
	while (owed) {
		j = rr_ctz32(owed);
		owed &= owed - 1;
		if (s->ss[j].state != RR_S_PENDING &&
		    s->ss[j].state != RR_S_RECV)
			s->ack_owed &= ~(1u << j);
		else if (s->ss[j].ack_due <= now)
			rr_server_ack_now(s, &s->ss[j], s->ss[j].ack_idx, 0);
		else if (s->ss[j].ack_due < d)
			d = s->ss[j].ack_due;
	}
	s->deadline = d;
	return d;
}

u64 rr_session_poll(struct rr_session *s, u64 now)
{
	u32 busy, j;
	u64 d = RR_NO_DEADLINE;

	if (s->role != RR_ROLE_CLIENT) {
		rr_session_cork(s);
		d = rr_server_poll(s, now);
		rr_session_uncork(s);
		return d;
	}
	rr_session_cork(s);
	busy = s->busy_mask;
	while (busy) {
		j = rr_ctz32(busy);
		busy &= busy - 1;
		if (s->cs[j].phase != RR_C_FREE && s->cs[j].deadline <= now)
			rr_cslot_expire(s, &s->cs[j], now);
	}
	rr_client_pump(s, now);
	rr_session_uncork(s);
	busy = s->busy_mask;
	while (busy) {
		j = rr_ctz32(busy);
		busy &= busy - 1;
		if (s->cs[j].deadline < d)
			d = s->cs[j].deadline;
	}
	s->deadline = d;
	return d;
}

/*
 * When rr_session_poll() wants to run next.  May be early (a call finished
 * since), never late.
 */
u64 rr_session_deadline(const struct rr_session *s)
{
	return s->deadline;
}

bool rr_session_tx_stalled(const struct rr_session *s)
{
	return s->tx_stalled;
}

/*
 * Fail every call (client) or drop every request (server) and close the
 * session: device removal, peer death, reset.  Later calls get @err.
 */
void rr_session_fail_all(struct rr_session *s, int err)
{
	u32 j;

	if (s->role == RR_ROLE_SERVER) {
		rr_server_reset_all(s);
		return;
	}
	s->closed = err ? err : -ECONNRESET;
	while (s->busy_mask) {
		j = rr_ctz32(s->busy_mask);
		rr_cslot_finish(s, &s->cs[j], s->closed);
	}
	s->deadline = RR_NO_DEADLINE;
}

int rr_session_ping(struct rr_session *s)
{
	if (s->role != RR_ROLE_CLIENT)
		return -EINVAL;
	return rr_tx_ctl(s, RR_PKT_PING, 0, 0, 0, 0, 0);
}

int rr_session_send_reset(struct rr_session *s)
{
	return rr_tx_ctl(s, RR_PKT_RESET, 0, 0, 0, 0, 0);
}

const struct rr_stats *rr_session_stats(const struct rr_session *s)
{
	return &s->st;
}

void rr_session_info(const struct rr_session *s, struct rr_session_info *info)
{
	u32 j;

	info->role = s->role;
	info->busy_slots = 0;
	for (j = 0; s->cs && j <= s->mask; j++)
		info->busy_slots += s->cs[j].phase != RR_C_FREE;
	for (j = 0; s->ss && j <= s->mask; j++)
		/* A stored response (DONE) holds no work: not busy. */
		info->busy_slots += s->ss[j].state == RR_S_RECV ||
				    s->ss[j].state == RR_S_PENDING;
	info->inflight = s->inflight;
	info->cwnd = s->cc.cwnd;
	info->ssthresh = s->cc.ssthresh;
	info->srtt_ns = s->rtt.srtt;
	info->rttvar_ns = s->rtt.rttvar;
	info->rto_ns = s->rtt.rto;
}
