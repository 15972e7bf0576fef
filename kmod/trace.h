/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: tracepoints, under the system "rdmarpc"
 * (/sys/kernel/tracing/events/rdmarpc/, perf trace -e 'rdmarpc:*').
 *
 * Every event of a session carries its local id (sess) and the peer's id
 * of the same session (peer_sess), which the wire carries as the
 * destination of every datagram; every event of a call also its request
 * number (req: the slot is req % slots), the same on both hosts.  So on
 * the client, sess=A peer_sess=B req=N is the call the server logs as
 * sess=B peer_sess=A req=N.  A call that never got a slot (it failed
 * while waiting for one) shows sess=0.
 *
 * The arguments are plain numbers: this header needs no other of the
 * module's, and the events cost nothing while they are off.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM rdmarpc

#if !defined(_RDMARPC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _RDMARPC_TRACE_H

#include <linux/tracepoint.h>

#ifndef _RDMARPC_TRACE_ONCE
#define _RDMARPC_TRACE_ONCE

/* Room for a peer's name: RDMARPC_NAME_MAX (uapi/rdmarpc.h). */
#define RDMARPC_TRACE_NAME_MAX	64

/* Why a datagram was dropped (rdmarpc_drop). */
enum rdmarpc_drop_reason {
	RDMARPC_DROP_CRC = 1,		/* CRC32C mismatch, or none required */
	RDMARPC_DROP_MALFORMED,		/* a header or packet that is wrong */
	RDMARPC_DROP_STALE,		/* for an older request, an idle slot */
	RDMARPC_DROP_NOMEM,		/* no memory to take it */
	RDMARPC_DROP_TOO_BIG,		/* beyond the MTU or the message limit */
	RDMARPC_DROP_UNKNOWN,		/* for no session, or a wrong tag */
	RDMARPC_DROP_WRONG_SRC,		/* not from the session's peer */
	RDMARPC_DROP_FAULT_RX,		/* fault_rx_drop */
	RDMARPC_DROP_FAULT_TX,		/* fault_tx_drop (on send) */
};

/* What a call's timeout leads to (rdmarpc_timeout). */
enum rdmarpc_timeout_what {
	RDMARPC_TO_RESEND = 1,		/* what is unanswered goes again */
	RDMARPC_TO_PROBE,		/* request all in: ask after the answer */
	RDMARPC_TO_GIVE_UP,		/* max_retries: the call fails */
	RDMARPC_TO_DEADLINE,		/* the call's own timeout: it fails */
};

#endif /* _RDMARPC_TRACE_ONCE */

TRACE_DEFINE_ENUM(RDMARPC_DROP_CRC);
TRACE_DEFINE_ENUM(RDMARPC_DROP_MALFORMED);
TRACE_DEFINE_ENUM(RDMARPC_DROP_STALE);
TRACE_DEFINE_ENUM(RDMARPC_DROP_NOMEM);
TRACE_DEFINE_ENUM(RDMARPC_DROP_TOO_BIG);
TRACE_DEFINE_ENUM(RDMARPC_DROP_UNKNOWN);
TRACE_DEFINE_ENUM(RDMARPC_DROP_WRONG_SRC);
TRACE_DEFINE_ENUM(RDMARPC_DROP_FAULT_RX);
TRACE_DEFINE_ENUM(RDMARPC_DROP_FAULT_TX);
TRACE_DEFINE_ENUM(RDMARPC_TO_RESEND);
TRACE_DEFINE_ENUM(RDMARPC_TO_PROBE);
TRACE_DEFINE_ENUM(RDMARPC_TO_GIVE_UP);
TRACE_DEFINE_ENUM(RDMARPC_TO_DEADLINE);

#define rdmarpc_show_role(r)						\
	__print_symbolic(r, { 1, "client" }, { 2, "server" })

/* The wire's packet kinds (core/wire.h). */
#define rdmarpc_show_pkt(k)						\
	__print_symbolic(k, { 1, "REQ" }, { 2, "RESP" }, { 3, "ACK" },	\
			 { 4, "RFR" }, { 5, "PING" }, { 6, "RESET" })

#define rdmarpc_show_drop(r)						\
	__print_symbolic(r,						\
			 { RDMARPC_DROP_CRC, "crc" },			\
			 { RDMARPC_DROP_MALFORMED, "malformed" },	\
			 { RDMARPC_DROP_STALE, "stale" },		\
			 { RDMARPC_DROP_NOMEM, "nomem" },		\
			 { RDMARPC_DROP_TOO_BIG, "too_big" },		\
			 { RDMARPC_DROP_UNKNOWN, "unknown_session" },	\
			 { RDMARPC_DROP_WRONG_SRC, "wrong_source" },	\
			 { RDMARPC_DROP_FAULT_RX, "fault_rx" },		\
			 { RDMARPC_DROP_FAULT_TX, "fault_tx" })

#define rdmarpc_show_timeout(w)						\
	__print_symbolic(w,						\
			 { RDMARPC_TO_RESEND, "resend" },		\
			 { RDMARPC_TO_PROBE, "probe" },			\
			 { RDMARPC_TO_GIVE_UP, "give_up" },		\
			 { RDMARPC_TO_DEADLINE, "deadline" })

/* A session is up: its peer's name, or "a.b.c.d:port" for an inbound one. */
TRACE_EVENT(rdmarpc_session_up,
	    TP_PROTO(u32 sess, u32 peer_sess, u8 role, const char *name, u32 mtu,
		     u32 credits),
	    TP_ARGS(sess, peer_sess, role, name, mtu, credits),
	    TP_STRUCT__entry(__field(u32, sess)
			     __field(u32, peer_sess)
			     __field(u32, mtu)
			     __field(u32, credits)
			     __field(u8, role)
			     __array(char, name, RDMARPC_TRACE_NAME_MAX)),
	    TP_fast_assign(__entry->sess = sess;
			   __entry->peer_sess = peer_sess;
			   __entry->mtu = mtu;
			   __entry->credits = credits;
			   __entry->role = role;
			   strscpy(__entry->name, name, sizeof(__entry->name));),
	    TP_printk("sess=%u peer_sess=%u role=%s peer=%s mtu=%u credits=%u",
		      __entry->sess, __entry->peer_sess,
		      rdmarpc_show_role(__entry->role), __entry->name,
		      __entry->mtu, __entry->credits)
);

/* A session died: @err is why (its pending calls fail with it). */
TRACE_EVENT(rdmarpc_session_down,
	    TP_PROTO(u32 sess, u32 peer_sess, u8 role, const char *name, int err),
	    TP_ARGS(sess, peer_sess, role, name, err),
	    TP_STRUCT__entry(__field(u32, sess)
			     __field(u32, peer_sess)
			     __field(int, err)
			     __field(u8, role)
			     __array(char, name, RDMARPC_TRACE_NAME_MAX)),
	    TP_fast_assign(__entry->sess = sess;
			   __entry->peer_sess = peer_sess;
			   __entry->err = err;
			   __entry->role = role;
			   strscpy(__entry->name, name, sizeof(__entry->name));),
	    TP_printk("sess=%u peer_sess=%u role=%s peer=%s err=%d",
		      __entry->sess, __entry->peer_sess,
		      rdmarpc_show_role(__entry->role), __entry->name,
		      __entry->err)
);

/*
 * Client: a call took @slot of a session as request @req, before any of
 * its packets goes out.  @cookie is its issuer's (/dev/rdmarpc: the one
 * the process gave).
 */
TRACE_EVENT(rdmarpc_call_start,
	    TP_PROTO(u32 sess, u32 peer_sess, u32 req, u8 slot, u32 method,
		     u32 len, u64 cookie),
	    TP_ARGS(sess, peer_sess, req, slot, method, len, cookie),
	    TP_STRUCT__entry(__field(u64, cookie)
			     __field(u32, sess)
			     __field(u32, peer_sess)
			     __field(u32, req)
			     __field(u32, method)
			     __field(u32, len)
			     __field(u8, slot)),
	    TP_fast_assign(__entry->cookie = cookie;
			   __entry->sess = sess;
			   __entry->peer_sess = peer_sess;
			   __entry->req = req;
			   __entry->method = method;
			   __entry->len = len;
			   __entry->slot = slot;),
	    TP_printk("sess=%u peer_sess=%u req=%u slot=%u method=0x%08x len=%u cookie=0x%llx",
		      __entry->sess, __entry->peer_sess, __entry->req,
		      __entry->slot, __entry->method, __entry->len,
		      (unsigned long long)__entry->cookie)
);

/*
 * Client: a call completed, just before its issuer hears of it: @err 0
 * (then @status is the handler's and @len the response's size) or why it
 * failed; @nsec since it was issued.
 */
TRACE_EVENT(rdmarpc_call_complete,
	    TP_PROTO(u32 sess, u32 peer_sess, u32 req, u32 method, int err,
		     s32 status, u32 len, u64 cookie, u64 nsec),
	    TP_ARGS(sess, peer_sess, req, method, err, status, len, cookie, nsec),
	    TP_STRUCT__entry(__field(u64, cookie)
			     __field(u64, nsec)
			     __field(u32, sess)
			     __field(u32, peer_sess)
			     __field(u32, req)
			     __field(u32, method)
			     __field(int, err)
			     __field(s32, status)
			     __field(u32, len)),
	    TP_fast_assign(__entry->cookie = cookie;
			   __entry->nsec = nsec;
			   __entry->sess = sess;
			   __entry->peer_sess = peer_sess;
			   __entry->req = req;
			   __entry->method = method;
			   __entry->err = err;
			   __entry->status = status;
			   __entry->len = len;),
	    TP_printk("sess=%u peer_sess=%u req=%u method=0x%08x err=%d status=%d len=%u nsec=%llu cookie=0x%llx",
		      __entry->sess, __entry->peer_sess, __entry->req,
		      __entry->method, __entry->err, __entry->status,
		      __entry->len, (unsigned long long)__entry->nsec,
		      (unsigned long long)__entry->cookie)
);

/*
 * Server: a complete request @req is being handed to the endpoints (the
 * one serving @method takes it; if none does, request_replied follows
 * with the error the client gets, -ENOENT when nothing serves @method).
 */
TRACE_EVENT(rdmarpc_request_delivered,
	    TP_PROTO(u32 sess, u32 peer_sess, u32 req, u32 method, u32 len),
	    TP_ARGS(sess, peer_sess, req, method, len),
	    TP_STRUCT__entry(__field(u32, sess)
			     __field(u32, peer_sess)
			     __field(u32, req)
			     __field(u32, method)
			     __field(u32, len)),
	    TP_fast_assign(__entry->sess = sess;
			   __entry->peer_sess = peer_sess;
			   __entry->req = req;
			   __entry->method = method;
			   __entry->len = len;),
	    TP_printk("sess=%u peer_sess=%u req=%u method=0x%08x len=%u",
		      __entry->sess, __entry->peer_sess, __entry->req,
		      __entry->method, __entry->len)
);

/*
 * Server: request @req answered: with @status and @len bytes, or with the
 * module's error @err.  @ret: 0 sent (and stored for duplicates), -ESTALE
 * dropped (the client moved on), -ENOSPC or -EMSGSIZE (the answer could
 * not be stored or is too long for the client: that error went instead),
 * -ECONNRESET or -ENODEV (the session is gone: dropped).
 */
TRACE_EVENT(rdmarpc_request_replied,
	    TP_PROTO(u32 sess, u32 peer_sess, u32 req, int err, s32 status,
		     u32 len, int ret),
	    TP_ARGS(sess, peer_sess, req, err, status, len, ret),
	    TP_STRUCT__entry(__field(u32, sess)
			     __field(u32, peer_sess)
			     __field(u32, req)
			     __field(int, err)
			     __field(s32, status)
			     __field(u32, len)
			     __field(int, ret)),
	    TP_fast_assign(__entry->sess = sess;
			   __entry->peer_sess = peer_sess;
			   __entry->req = req;
			   __entry->err = err;
			   __entry->status = status;
			   __entry->len = len;
			   __entry->ret = ret;),
	    TP_printk("sess=%u peer_sess=%u req=%u err=%d status=%d len=%u ret=%d",
		      __entry->sess, __entry->peer_sess, __entry->req,
		      __entry->err, __entry->status, __entry->len, __entry->ret)
);

/*
 * Client: packet @idx of request @req sent again: request data (REQ), or
 * a request for response packets (RFR; probe: the request is all in, and
 * this asks after its response).
 */
TRACE_EVENT(rdmarpc_retransmit,
	    TP_PROTO(u32 sess, u32 peer_sess, u32 req, u8 slot, u8 kind, u32 idx,
		     bool probe),
	    TP_ARGS(sess, peer_sess, req, slot, kind, idx, probe),
	    TP_STRUCT__entry(__field(u32, sess)
			     __field(u32, peer_sess)
			     __field(u32, req)
			     __field(u32, idx)
			     __field(u8, slot)
			     __field(u8, kind)
			     __field(bool, probe)),
	    TP_fast_assign(__entry->sess = sess;
			   __entry->peer_sess = peer_sess;
			   __entry->req = req;
			   __entry->idx = idx;
			   __entry->slot = slot;
			   __entry->kind = kind;
			   __entry->probe = probe;),
	    TP_printk("sess=%u peer_sess=%u req=%u slot=%u kind=%s idx=%u%s",
		      __entry->sess, __entry->peer_sess, __entry->req,
		      __entry->slot, rdmarpc_show_pkt(__entry->kind),
		      __entry->idx, __entry->probe ? " probe" : "")
);

/*
 * Client: request @req's retransmission timer (@rto_ns, the @retries-th
 * in a row) expired, or its deadline passed; @what follows.
 */
TRACE_EVENT(rdmarpc_timeout,
	    TP_PROTO(u32 sess, u32 peer_sess, u32 req, u8 slot, u8 what,
		     u32 retries, u64 rto_ns),
	    TP_ARGS(sess, peer_sess, req, slot, what, retries, rto_ns),
	    TP_STRUCT__entry(__field(u64, rto_ns)
			     __field(u32, sess)
			     __field(u32, peer_sess)
			     __field(u32, req)
			     __field(u32, retries)
			     __field(u8, slot)
			     __field(u8, what)),
	    TP_fast_assign(__entry->rto_ns = rto_ns;
			   __entry->sess = sess;
			   __entry->peer_sess = peer_sess;
			   __entry->req = req;
			   __entry->retries = retries;
			   __entry->slot = slot;
			   __entry->what = what;),
	    TP_printk("sess=%u peer_sess=%u req=%u slot=%u what=%s retries=%u rto_ns=%llu",
		      __entry->sess, __entry->peer_sess, __entry->req,
		      __entry->slot, rdmarpc_show_timeout(__entry->what),
		      __entry->retries, (unsigned long long)__entry->rto_ns)
);

/*
 * A datagram dropped, by the session @sess (whose peer is @peer_sess), or
 * for reason unknown_session by nobody (then @sess is the id the datagram
 * names and @peer_sess 0); @kind, @req and @idx as its header has them,
 * unchecked; @err the error behind @reason.  Sends dropped on purpose
 * (fault_tx) are ours.
 */
TRACE_EVENT(rdmarpc_drop,
	    TP_PROTO(u32 sess, u32 peer_sess, u8 kind, u32 req, u32 idx,
		     u8 reason, int err),
	    TP_ARGS(sess, peer_sess, kind, req, idx, reason, err),
	    TP_STRUCT__entry(__field(u32, sess)
			     __field(u32, peer_sess)
			     __field(u32, req)
			     __field(u32, idx)
			     __field(int, err)
			     __field(u8, kind)
			     __field(u8, reason)),
	    TP_fast_assign(__entry->sess = sess;
			   __entry->peer_sess = peer_sess;
			   __entry->req = req;
			   __entry->idx = idx;
			   __entry->err = err;
			   __entry->kind = kind;
			   __entry->reason = reason;),
	    TP_printk("sess=%u peer_sess=%u kind=%s req=%u idx=%u reason=%s err=%d",
		      __entry->sess, __entry->peer_sess,
		      rdmarpc_show_pkt(__entry->kind), __entry->req, __entry->idx,
		      rdmarpc_show_drop(__entry->reason), __entry->err)
);

/*
 * Client: packet @idx of request @req waits for room: @inflight packets
 * are out, the window (the smaller of the congestion window and the
 * server's credits) is @window.
 */
TRACE_EVENT(rdmarpc_credit_stall,
	    TP_PROTO(u32 sess, u32 peer_sess, u32 req, u8 slot, u32 idx,
		     u32 inflight, u32 window),
	    TP_ARGS(sess, peer_sess, req, slot, idx, inflight, window),
	    TP_STRUCT__entry(__field(u32, sess)
			     __field(u32, peer_sess)
			     __field(u32, req)
			     __field(u32, idx)
			     __field(u32, inflight)
			     __field(u32, window)
			     __field(u8, slot)),
	    TP_fast_assign(__entry->sess = sess;
			   __entry->peer_sess = peer_sess;
			   __entry->req = req;
			   __entry->idx = idx;
			   __entry->inflight = inflight;
			   __entry->window = window;
			   __entry->slot = slot;),
	    TP_printk("sess=%u peer_sess=%u req=%u slot=%u idx=%u inflight=%u window=%u",
		      __entry->sess, __entry->peer_sess, __entry->req,
		      __entry->slot, __entry->idx, __entry->inflight,
		      __entry->window)
);

#endif /* _RDMARPC_TRACE_H */

/* Out of tree: define_trace.h finds this file through -I$(src) (Kbuild). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
