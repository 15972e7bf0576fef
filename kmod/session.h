/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: the sessions layer's interface to its users.  The sessions
 * layer (peer.c, session.c, handshake.c, liveness.c: peers, kernel
 * sessions driving the portable core over the UD QPs, their handshake and
 * liveness) serves the endpoint layer (rpc.c, call.c, serve.c: endpoints,
 * calls, services) and in-kernel callers.
 *
 * Client side: a user looks a peer up (connecting if needed), fills a
 * struct rdmarpc_kcall and starts it on the peer; the session layer picks a
 * session with a free slot (or queues the call until one frees) and calls
 * ->done exactly once.
 *
 * Server side: the session layer hands every complete request to the
 * ->deliver op the endpoint layer registered, which finds the endpoint
 * serving the method; the answer comes back, later and from process
 * context, through rdmarpc_sess_reply().
 */
#ifndef _RDMARPC_SESSION_H
#define _RDMARPC_SESSION_H

#include <linux/list.h>
#include <linux/notifier.h>
#include <linux/types.h>
#include "core/msg.h"
#include "core/wire.h"

struct rdmarpc_peer;
struct rdmarpc_sess;

/*
 * The calls and replies of one batch (a SUBMIT or REPLY_BATCH ioctl): what
 * they send to one session leaves packed, several packets to a datagram
 * (rr_session_cork()), when rdmarpc_sess_batch_end() comes or a datagram
 * is full.  Zero it to begin; the first RDMARPC_BATCH_SESS sessions a
 * batch reaches are held back, each with a reference, the rest send at
 * once.  End it before sleeping for long: the held sessions' timers and
 * answers wait for it.
 */
#define RDMARPC_BATCH_SESS	8

struct rdmarpc_sess_batch {
	u32 n;
	/* Each holds a reference until rdmarpc_sess_batch_end(). */
	struct rdmarpc_sess *sess[RDMARPC_BATCH_SESS];
};

void rdmarpc_sess_batch_end(struct rdmarpc_sess_batch *b);

/*
 * One call.  The issuer owns the memory; the session layer uses it from
 * rdmarpc_peer_call() until ->done has returned.
 *
 * @done runs exactly once, in any context (softirq included) with no
 * session-layer lock held, and must not sleep.  @err is 0 (then @status is
 * the handler's status and @resp the response: take it with rr_msg_move()
 * to keep it) or a negative errno: -ETIMEDOUT, -ECONNRESET, -ENODEV,
 * -ENOENT (nothing on the peer serves the method), -ECONNABORTED (the
 * serving endpoint went away), -EMSGSIZE, -ECANCELED, -ENOSPC (the
 * server's mem_budget_mb), -ENOMEM (the server had no memory or room for
 * it), any other error the peer's module answers with, or, for a call that
 * waited for a new session, the connect's error (rdmarpc_peer_lookup()).
 */
struct rdmarpc_kcall {
	u32 method;
	u32 timeout_ms;			/* 0: the module's default */
	u64 cookie;			/* the issuer's, untouched */
	struct rr_msg req;		/* the session layer frees it */
	bool has_key;			/* sent with @key, an idempotency key */
	u8 key[RR_META_KEY_LEN];
	void (*done)(struct rdmarpc_kcall *kc, int err, s32 status,
		     struct rr_msg *resp);

	/* Private to the session layer. */
	struct list_head node;
	struct rdmarpc_sess *sess;
	u64 deadline_ns;
	int err;
	s32 status;
	/* For tracing: when issued, and its ids once it took a slot. */
	u64 start_ns;
	u32 sess_id;			/* 0: never took a slot */
	u32 peer_sess_id;
	u32 req_num;
	u8 slot;
};

/*
 * Process context, may sleep (resolution, handshake) up to @timeout_ms.
 * @name is a configured peer's name or "a.b.c.d[:port]" (a peer created on
 * demand).  Returns a referenced peer or ERR_PTR: -EINVAL (bad name),
 * -EHOSTUNREACH, -ECONNREFUSED, -ETIMEDOUT, -ENODEV (no RDMA port reaches
 * it), -EPROTO (the peer's hello was refused, or its answer was wrong; the
 * reason is logged), -EUSERS (refused: the server's sessions_per_host),
 * -ECONNRESET (the peer was deleted meanwhile), -ENOMEM, -EINTR.
 */
struct rdmarpc_peer *rdmarpc_peer_lookup(const char *name,
					 unsigned int timeout_ms);
void rdmarpc_peer_get(struct rdmarpc_peer *peer);
void rdmarpc_peer_put(struct rdmarpc_peer *peer);

/*
 * Start @kc on @peer, within batch @b if not NULL.  Any context that may
 * take a spinlock.  0: ->done will run; until it has, the caller keeps its
 * reference on @peer (a call waiting for a slot holds none of its own).
 * Otherwise ->done will not run and @kc->req is left to the caller:
 * -ENODEV, -ECONNRESET (peer down), -EMSGSIZE (beyond the peer's limit).
 */
int rdmarpc_peer_call(struct rdmarpc_peer *peer, struct rdmarpc_kcall *kc,
		      struct rdmarpc_sess_batch *b);

/*
 * Cancel @kc: 0 if ->done(-ECANCELED) ran or will run promptly; -ENOENT if
 * ->done already ran or is running.  Any context.
 */
int rdmarpc_peer_cancel(struct rdmarpc_peer *peer, struct rdmarpc_kcall *kc);

/*
 * What the server learns of a request beside its method and bytes.
 * @deadline_ns: when its caller stops waiting (ktime_get_ns() time,
 *	U64_MAX for none).
 * @client_ipv4: the client host, the address its session's handshake
 *	came from (the same for all its sessions and processes).
 * @key: the caller's idempotency key, if @has_key.
 */
struct rdmarpc_req_meta {
	u64 deadline_ns;
	__be32 client_ipv4;
	bool has_key;
	u8 key[RR_META_KEY_LEN];
};

/*
 * The server side's entry into the endpoint layer, which registers it.
 * Both ops are called from the receive path (softirq, session lock NOT
 * held, must not sleep).
 * ->deliver: a complete request: @req may be moved out with
 *	rr_msg_move(); @meta is valid during the call.  Return 0 when taken
 *	(answer later with rdmarpc_sess_reply(), holding a reference from
 *	rdmarpc_sess_get()) or answered (->deliver may call
 *	rdmarpc_sess_reply() itself), or a negative errno (-ENOMEM) that the
 *	session layer sends back as the call's error.
 * ->cancel: the caller of delivered request @handle gave up on it; it
 *	still needs its answer.  A cancel that races the request's own
 *	->deliver on another CPU may come first and find nothing.
 */
struct rdmarpc_server_ops {
	int (*deliver)(struct rdmarpc_sess *sess, u32 handle, u32 method,
		       struct rr_msg *req, const struct rdmarpc_req_meta *meta);
	void (*cancel)(struct rdmarpc_sess *sess, u32 handle, u32 method);
};

/*
 * Install (or with NULL remove) the server ops; removal waits until no
 * call to the old ones is running.  Without them every request is
 * answered -ENOENT.  Module init and exit only.
 */
void rdmarpc_sess_set_server_ops(const struct rdmarpc_server_ops *ops);

/*
 * Answer request @handle of @sess: @err 0 sends @status and @resp (moved
 * from; may be NULL for an empty response), a negative errno sends that
 * error instead (the caller's ->done sees it as @err), within batch @b if
 * not NULL.  Any context but hard IRQ.  -ENODEV/-ECONNRESET if the session
 * is gone (the reply is dropped; the caller's side fails on its own).
 */
int rdmarpc_sess_reply(struct rdmarpc_sess *sess, u32 handle, int err,
		       s32 status, struct rr_msg *resp,
		       struct rdmarpc_sess_batch *b);
void rdmarpc_sess_get(struct rdmarpc_sess *sess);
void rdmarpc_sess_put(struct rdmarpc_sess *sess);

/*
 * Message memory the server sessions hold now (bytes) and the requests and
 * responses refused over mem_budget_mb (they fail with -ENOSPC).
 */
void rdmarpc_sess_mem_read(u64 *used, u64 *refused);
/*
 * Charge @bytes of server memory kept outside the sessions (answers kept
 * for retries) to mem_budget_mb, or give them back (@bytes < 0).  Any
 * context.  False, counted as refused, if they do not fit.
 */
bool rdmarpc_sess_mem_charge(s64 bytes);

/*
 * Session and peer events, for the layers above (netlink's SESSION_UP,
 * SESSION_DOWN, PEER_UP and PEER_DOWN).  A notifier is called with the
 * event and a struct rdmarpc_sess_note as its data, in process context
 * with no spinlock held: it may sleep and allocate with GFP_KERNEL.
 *
 * RDMARPC_SESS_EV_UP: a session is active (with rdmarpc_sess_mutex
 * held: a notifier must not take it).  RDMARPC_SESS_EV_DOWN: a session
 * that was up is dead (from its teardown, whatever context it died in:
 * after its UP).  RDMARPC_PEER_EV_UP: a peer went UP (its first session);
 * RDMARPC_PEER_EV_DOWN: it left UP (to IDLE: its last session went; to
 * FAILED: no RDMA port reaches it any more), or a connect to it failed
 * (to FAILED).  Peer events come in the order of the peer's states; a
 * peer failing again in the same state says nothing new.  Sessions and
 * peers already up when a notifier registers are not replayed.  After
 * rdmarpc_sess_notifier_unregister() the notifier is not running and will
 * not run.
 */
enum rdmarpc_sess_event {
	RDMARPC_SESS_EV_UP,
	RDMARPC_SESS_EV_DOWN,
	RDMARPC_PEER_EV_UP,
	RDMARPC_PEER_EV_DOWN,
};

struct rdmarpc_sess_note {
	struct rdmarpc_sess *sess;	/* SESS_*: valid during the call */
	struct rdmarpc_peer *peer;	/* PEER_*: likewise */
	u8 peer_state;			/* PEER_*: enum rdmarpc_peer_state */
	int reason;			/* *_DOWN: a negative errno */
};

int rdmarpc_sess_notifier_register(struct notifier_block *nb);
void rdmarpc_sess_notifier_unregister(struct notifier_block *nb);

/* Module init/exit of each side; main.c runs them in order. */
int rdmarpc_sess_init(void);		/* session table, receive handler */
void rdmarpc_sess_exit(void);		/* fails every call, frees all */
void rdmarpc_rpc_init(void);		/* server ops */
void rdmarpc_rpc_exit(void);		/* waits for endpoints dying */

#endif /* _RDMARPC_SESSION_H */
