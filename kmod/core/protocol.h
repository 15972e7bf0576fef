/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The session state machine: reliable, at-most-once RPC over a lossy,
 * reordering, duplicating datagram service.
 *
 * A session is one direction of RPC: a client session on one host talks to
 * exactly one server session on the peer.  Design (after eRPC): the client
 * drives everything.  It owns a fixed number of slots, each carrying one
 * call; every packet the server sends answers one client packet, so the
 * client's credits bound what is in flight both ways.  Messages are split
 * into MTU-sized packets and reassembled by offset in any order; the
 * server acknowledges request packets cumulatively and selectively (the
 * last one only if its handler is slower than ack_delay: otherwise the
 * response answers it), and the client pulls the response packet by
 * packet (RFR).  The server keeps,
 * per slot, the last request number and the response to it: a duplicate
 * never reaches the handler twice.
 *
 * Calling rules: the core never sleeps, locks or keeps global state.  The
 * environment serializes every call on one session (a spinlock in the
 * kernel) and passes the current time in.  After each call it reads
 * rr_session_deadline() and arms a timer that calls rr_session_poll().
 */
#ifndef RR_CORE_PROTOCOL_H
#define RR_CORE_PROTOCOL_H

#include "compat.h"
#include "wire.h"
#include "msg.h"
#include "rtt.h"
#include "cc.h"

#define RR_MAX_SLOTS		32
#define RR_MIN_MTU		256
#define RR_MAX_MTU		65536
#define RR_MAX_CREDITS		4096
#define RR_NO_DEADLINE		U64_MAX

/* Per-peer tunables; rr_params_default() fills in the defaults. */
struct rr_params {
	u32 mtu;		/* datagram size including the header */
	u32 slots;		/* concurrent calls, power of two */
	u32 credits;		/* client packets in flight (server rx ring) */
	u32 max_msg;		/* largest request or response */
	u64 rto_init_ns;	/* RTO before the first RTT sample */
	u64 rto_min_ns;
	u64 rto_max_ns;
	/*
	 * A call fails once it has had max_retries timeouts in a row without
	 * progress and the peer has sent nothing for at least dead_ns since
	 * the first of them (0: the count alone): the path is dead.  A slow
	 * peer that still answers keeps its calls going to their deadline.
	 */
	u32 max_retries;
	u64 dead_ns;
	u64 call_timeout_ns;	/* total time a call may take, 0: unlimited */
	/*
	 * Server: how long a complete request may wait for its handler's
	 * answer before the server acknowledges it on its own (0: at once).
	 * The answer, when it comes first, is the acknowledgment: one packet
	 * each way for a quick handler.  Capped at half of rto_min_ns.
	 */
	u64 ack_delay_ns;
	u32 cc_algo;		/* enum rr_cc_algo */
	u32 cc_init_cwnd;	/* packets */
	bool crc;		/* send and require CRC32C */
};

enum rr_role {
	RR_ROLE_CLIENT = 1,
	RR_ROLE_SERVER,
};

/* Who we are (checked on receive) and who the peer is (written on send). */
struct rr_ids {
	u32 local_sess;
	u32 local_tag;
	u32 peer_sess;
	u32 peer_tag;
};

/* Counters, exported as they are (netlink). */
struct rr_stats {
	u64 tx_pkts;
	u64 tx_bytes;
	u64 rx_pkts;
	u64 rx_bytes;
	u64 retransmits;	/* packets sent again (data, re-requests, probes) */
	u64 rto_fires;
	u64 crc_drops;		/* datagrams: bad CRC, or none where needed */
	u64 rx_drops;		/* malformed, misdirected or inconsistent */
	u64 rx_stale;		/* for an older request or an idle slot */
	u64 rx_nomem;		/* dropped: allocation failed */
	u64 dup_pkts;		/* data packets received twice */
	u64 dup_requests;	/* server: packets of an already complete request */
	u64 credit_stalls;	/* client: work waited for window or credits */
	u64 tx_stalls;		/* no send buffer was free */
	u64 calls_ok;
	u64 calls_failed;
	u64 requests;		/* server: requests handed to the handler */
	u64 replies;		/* server: responses stored */
	u64 cwnd_decreases;
	u64 pongs;
	u64 resets;		/* RESET packets from the peer */
	u64 cancels;		/* server: CANCELs of a request in progress */
	/* client: timeouts whose resend the server had already (RR_F_DUP) */
	u64 spurious_rtos;
	u64 tx_packed;		/* packets sent behind another in a datagram */
};

/* Gauges, for display. */
struct rr_session_info {
	u32 role;
	u32 busy_slots;
	u32 inflight;
	u32 cwnd;
	u32 ssthresh;
	u64 srtt_ns;
	u64 rttvar_ns;
	u64 rto_ns;
};

struct rr_session;

/*
 * What a call carries beside its method and bytes (rr_client_call_opts()).
 * @deadline: when the caller stops waiting, in the environment's time
 *	(RR_NO_DEADLINE: never).  The server learns how long it has left.
 * @key: an idempotency key, with RR_CALL_F_KEY in @flags.
 */
#define RR_CALL_F_KEY	0x1

struct rr_call_opts {
	u64 deadline;
	u32 flags;
	u8 key[RR_META_KEY_LEN];
};

/*
 * What the server learns of a request beside its bytes (deliver_request).
 * @deadline: when the caller stops waiting, in the server's time: the
 *	arrival of the request's first packet plus the time the caller had
 *	left when it sent it (RR_NO_DEADLINE: none given).  The time on the
 *	wire counts against the server.
 * @key: the idempotency key, if @has_key.
 */
struct rr_req_info {
	u64 deadline;
	bool has_key;
	u8 key[RR_META_KEY_LEN];
};

/*
 * The environment.  Callbacks run inside the core's entry points with the
 * caller's serialization held.
 *
 * tx_get_buf: a send buffer of at least params.mtu bytes, or NULL if none
 *	is free (the core then stalls and resumes on the next rx or poll).
 * tx_send: send @len bytes of a buffer from tx_get_buf.
 * deliver_request (server): a complete request.  @req and @info are valid
 *	only during the call: copy them or take @req with rr_msg_move().
 *	Answer with rr_server_reply(@handle), now or later.
 * cancel_request (server, optional): the client gave up on the delivered
 *	request @handle (a cancel or a timeout on its side): the answer is
 *	no longer awaited, but still needed to free the slot; one sent now
 *	is stored for nobody.  A request still arriving is dropped by the
 *	core without a call.
 * complete_call (client): the call @cookie finished: @err is 0 (then
 *	@status is the server's status and @resp the response, valid during
 *	the call only; rr_msg_move() it to keep it), -ETIMEDOUT, -ECONNRESET,
 *	-EMSGSIZE, what rr_session_fail_all() was given, or the errno the
 *	server answered with rr_server_reply_err().  May start new
 *	calls with rr_client_call().
 * mem_charge (server, optional): account @bytes of message memory the
 *	session is about to hold (a request being reassembled, then its
 *	stored response), or give back -@bytes.  False refuses a charge:
 *	the request is answered with -ENOSPC, a response is not stored
 *	(rr_server_reply() fails with -ENOSPC).  Messages that fit
 *	struct rr_msg inline are not charged.
 * trace (client, optional): an event of a call, for tracing only (see
 *	struct rr_trace); nothing in the session depends on it.  It must
 *	not call back into the session.
 */
struct rr_trace;

struct rr_ops {
	void *(*tx_get_buf)(void *ctx);
	void (*tx_send)(void *ctx, void *buf, u32 len);
	void (*deliver_request)(void *ctx, struct rr_session *s, u32 handle,
				u32 method, struct rr_msg *req,
				const struct rr_req_info *info);
	void (*cancel_request)(void *ctx, struct rr_session *s, u32 handle,
			       u32 method);
	void (*complete_call)(void *ctx, struct rr_session *s, u64 cookie,
			      int err, s32 status, struct rr_msg *resp);
	bool (*mem_charge)(void *ctx, s64 bytes);
	void (*trace)(void *ctx, const struct rr_trace *ev);
};

/*
 * What ops->trace reports, with what identifies the call on the wire: its
 * request number (the server sees the same one in the request's packets,
 * its rr_server_reply() handle) and slot.
 *
 * RR_TRACE_CALL_START: the call @cookie took @slot as request @req_num;
 *	@len bytes.  Before any of its packets goes out.
 * RR_TRACE_RETRANSMIT: packet @idx of kind @pkt_kind (RR_PKT_REQ: request
 *	data; RR_PKT_RFR: a request for response packets, or in @what
 *	RR_TRACE_RTX_PROBE the probe asking after a slow response) sent again.
 * RR_TRACE_TIMEOUT: the call's retransmission timer expired, @retries
 *	times in a row now; @what says what follows (enum rr_trace_timeout);
 *	@rto_ns is the timeout that expired.
 * RR_TRACE_CREDIT_STALL: packet @idx waits: @inflight packets are out and
 *	the window (the smaller of the congestion window and the credits) is
 *	@window.
 */
enum rr_trace_kind {
	RR_TRACE_CALL_START = 1,
	RR_TRACE_RETRANSMIT,
	RR_TRACE_TIMEOUT,
	RR_TRACE_CREDIT_STALL,
};

enum rr_trace_timeout {
	RR_TRACE_TO_RESEND = 1,	/* what is unanswered goes again */
	RR_TRACE_TO_PROBE,	/* request all in: ask after the response */
	RR_TRACE_TO_GIVE_UP,	/* max_retries reached: -ETIMEDOUT */
	RR_TRACE_TO_DEADLINE,	/* call_timeout_ns reached: -ETIMEDOUT */
};

#define RR_TRACE_RTX_PROBE	1

struct rr_trace {
	u8 kind;		/* enum rr_trace_kind */
	u8 slot;
	u8 pkt_kind;		/* RETRANSMIT */
	u8 what;		/* TIMEOUT: enum rr_trace_timeout; RETRANSMIT */
	u32 req_num;
	u32 idx;		/* RETRANSMIT, CREDIT_STALL */
	u32 len;		/* CALL_START */
	u32 retries;		/* TIMEOUT */
	u32 inflight;		/* CREDIT_STALL */
	u32 window;		/* CREDIT_STALL */
	u64 cookie;		/* every kind */
	u64 rto_ns;		/* TIMEOUT */
};

void rr_params_default(struct rr_params *p);
int rr_params_check(const struct rr_params *p);

struct rr_session *rr_session_create(const struct rr_params *p,
				     enum rr_role role,
				     const struct rr_ids *ids,
				     const struct rr_ops *ops, void *ctx);
void rr_session_destroy(struct rr_session *s);

int rr_session_rx(struct rr_session *s, const void *buf, u32 len, u64 now);
u64 rr_session_poll(struct rr_session *s, u64 now);
u64 rr_session_deadline(const struct rr_session *s);
bool rr_session_tx_stalled(const struct rr_session *s);
void rr_session_fail_all(struct rr_session *s, int err);
void rr_session_cork(struct rr_session *s);
void rr_session_uncork(struct rr_session *s);
int rr_session_ping(struct rr_session *s);
int rr_session_send_reset(struct rr_session *s);
const struct rr_stats *rr_session_stats(const struct rr_session *s);
void rr_session_info(const struct rr_session *s, struct rr_session_info *info);

int rr_client_call(struct rr_session *s, u32 method, struct rr_msg *req,
		   u64 cookie, u64 now);
int rr_client_call_opts(struct rr_session *s, u32 method, struct rr_msg *req,
			u64 cookie, u64 now, const struct rr_call_opts *o);
int rr_client_cancel(struct rr_session *s, u64 cookie);

int rr_server_reply(struct rr_session *s, u32 handle, s32 status,
		    struct rr_msg *resp);
int rr_server_reply_err(struct rr_session *s, u32 handle, int err);

#endif /* RR_CORE_PROTOCOL_H */
