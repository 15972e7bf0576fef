/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: kernel sessions, inside the sessions layer.  Each wraps one
 * portable-core session (client or server) and drives it over a port's UD
 * QP: the receive path, the retransmission timer, the send path with fault
 * injection.  It owns the liveness connection (liveness.c) its handshake
 * left open, and closes it at teardown.
 *
 * Shared by the sessions layer's files and the few above that read a
 * struct rdmarpc_sess (netlink.c's dumps); the layer's users otherwise
 * see session.h only.
 */
#ifndef _RDMARPC_SESSION_INTERNAL_H
#define _RDMARPC_SESSION_INTERNAL_H

#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "core/protocol.h"
#include "uapi/rdmarpc.h"
#include "session.h"

struct rdmarpc_ah;
struct rdmarpc_live_conn;
struct rdmarpc_kcall;
struct rdmarpc_peer;
struct rdmarpc_port;

/* Defaults a client offers in its hello. */
#define RDMARPC_SESS_SLOTS	8
#define RDMARPC_SESS_CREDITS	32
/* A server grants fewer when short of receive buffers, never below this. */
#define RDMARPC_SESS_MIN_CREDITS	8
#define RDMARPC_SESS_MAX_MSG	(16u << 20)

/*
 * One session.
 *
 * Lifetime: @ref counts the creation reference (dropped by the teardown
 * work), the receive path while it uses the session, and every holder from
 * rdmarpc_sess_get() (the handshake while it works, serve.c while it owes
 * a reply, rdmarpc_sess_kill() and the kill loops).  Death comes in two
 * phases: rdmarpc_sess_kill() marks it dead under @lock and fails what is
 * pending (any context); then @kill_work, in process context, unlinks it
 * (id table, lists, port wait queue), stops the timer, closes the liveness
 * connection and releases the core, the AH and the port.  Memory goes with
 * the last reference, after an RCU grace period (the receive path looks
 * sessions up under RCU).
 */
struct rdmarpc_sess {
	struct kref ref;
	struct rcu_head rcu;
	u32 id;				/* local id, key in the id table */
	u32 tag;			/* local random tag */
	enum rr_role role;
	char name[RDMARPC_NAME_MAX];	/* the peer's, or "a.b.c.d:port" */
	u32 credits;

	/*
	 * Set before the session is active (@ah by rdmarpc_sess_activate(),
	 * under @lock), constant after: the teardown work releases @port and
	 * @ah, the last reference @peer.
	 */
	struct rdmarpc_peer *peer;	/* client: a reference, put at free */
	/*
	 * A user of the port, entered by the handshake
	 * (rdmarpc_ah_port_for()) and taken over by rdmarpc_sess_new(); the
	 * teardown work leaves it (rdmarpc_port_put()).
	 */
	struct rdmarpc_port *port;
	struct rdmarpc_ah *ah;		/* holds a reference */
	u32 peer_sess;			/* the peer's id of this session */
	u32 peer_qpn;
	u32 peer_qkey;
	u8 peer_gid[16];
	u16 peer_lid;			/* InfiniBand without a GRH */
	u32 mtu;			/* datagram bytes, header included */
	__be32 client_ipv4;		/* server: the client's TCP address */
	u16 client_port;		/*   and port (host order) */

	/* rdmarpc_sess_mutex: */
	struct list_head node;		/* in the list of all sessions */
	bool listed;
	bool port_waiting;		/* @port_wait is on port->wq */
	/* peer->lock: */
	struct list_head peer_node;	/* in peer->sessions */

	struct wait_queue_entry port_wait;	/* on port->wq while active */
	struct work_struct kill_work;
	unsigned long flags;		/* RDMARPC_SESS_* bits */

	/*
	 * lock: serializes every entry into the core and protects
	 * everything below.  Taken from the CQ's softirq and the timer's
	 * softirq, so process context uses spin_lock_bh().
	 */
	spinlock_t lock;
	struct rr_session *core;	/* NULL until active and after death */
	/*
	 * The liveness connection, the session's own: set by
	 * rdmarpc_sess_activate() or, for a server without a key, later by
	 * rdmarpc_sess_attach_conn(); taken and closed by the teardown work.
	 */
	struct rdmarpc_live_conn *conn;
	bool dead;
	int dead_err;
	struct list_head calls;		/* rdmarpc_kcall in flight */
	struct list_head done;		/* completed, ->done not yet run */
	struct list_head deliver;	/* requests for the server ops */
	u64 armed;			/* timer deadline, U64_MAX: none */
	bool tx_wait;			/* stalled: poll when a send completes */
	/*
	 * The port send buffer the core is building a datagram in, between
	 * its tx_get_buf and tx_send (under @lock).
	 */
	struct rdmarpc_buf *tx_cur;
	u8 *held;			/* fault injection: a held-back packet */
	u32 held_len;
	struct hrtimer timer;		/* runs rr_session_poll(), softirq */
};

/* Bits in rdmarpc_sess.flags. */
enum {
	RDMARPC_SESS_KILL_QUEUED,
};

/* All sessions (netlink dumps, module exit); protects rdmarpc_sess.node. */
extern struct mutex rdmarpc_sess_mutex;
extern struct list_head rdmarpc_sessions;
extern unsigned int rdmarpc_sess_generation;	/* under rdmarpc_sess_mutex */

/* For handshakes and teardown: may sleep. */
extern struct workqueue_struct *rdmarpc_sess_wq;

/*
 * Process context.  A new, inactive session on @port (whose user reference
 * it takes over, also on failure); @peer (client) is referenced.  Its id is
 * reserved; received datagrams for it are dropped until it is activated.
 */
struct rdmarpc_sess *rdmarpc_sess_new(enum rr_role role,
				      struct rdmarpc_port *port,
				      struct rdmarpc_peer *peer,
				      const char *name);

/*
 * Process context.  Start the session: the core with @p and the peer's
 * ids, @ah (reference taken over) and @conn (owned from now on, closed at
 * teardown, which may run at once: the caller must not touch @conn after
 * a success; NULL: attach it later with rdmarpc_sess_attach_conn()).
 * On failure the caller still owns @ah and @conn and kills the session.
 * A session that died before (its liveness connection lost) is not
 * published: the teardown, which may have run already, has nothing to
 * unlink.
 */
int rdmarpc_sess_activate(struct rdmarpc_sess *s, const struct rr_params *p,
			  u32 peer_sess, u32 peer_tag, struct rdmarpc_ah *ah,
			  struct rdmarpc_live_conn *conn);

/*
 * Process context.  Hand @conn to a session activated without one: 0, or
 * the error of a session that died meanwhile (@conn is still the caller's
 * to close).  Until then the caller alone uses @conn and its socket.
 */
int rdmarpc_sess_attach_conn(struct rdmarpc_sess *s,
			     struct rdmarpc_live_conn *conn);

/* Any context but hard IRQ: fail everything with @err and tear down. */
void rdmarpc_sess_kill(struct rdmarpc_sess *s, int err);

/*
 * Tell the notifiers (session.h) about @ev; process context, no spinlock
 * held.
 */
void rdmarpc_sess_notify(enum rdmarpc_sess_event ev,
			 struct rdmarpc_sess_note *note);

/*
 * Complete @kc: its ->done, with the call_complete tracepoint.  No
 * session-layer lock held.
 */
void rdmarpc_kcall_done(struct rdmarpc_kcall *kc, int err, s32 status,
			struct rr_msg *resp);

/*
 * Client: start @kc on @s; peer->lock held.  0, -EBUSY (no free slot, or
 * not active yet), -EMSGSIZE, -ENOMEM, or the error of a dead session.
 */
int rdmarpc_sess_start_call(struct rdmarpc_sess *s, struct rdmarpc_kcall *kc,
			    struct rdmarpc_sess_batch *b);
/* Client: cancel @kc if it is in flight on @s; peer->lock held. */
int rdmarpc_sess_cancel_call(struct rdmarpc_sess *s,
			     struct rdmarpc_kcall *kc);
bool rdmarpc_sess_alive(struct rdmarpc_sess *s);

/* Snapshot for netlink: counters and gauges; false if not active. */
bool rdmarpc_sess_read(struct rdmarpc_sess *s, struct rr_stats *st,
		       struct rr_session_info *info);

/* Credits of the server sessions on @port (capacity check). */
u32 rdmarpc_sess_server_credits(struct rdmarpc_port *port);
/* Live server sessions of the client at @ipv4 (sessions_per_host). */
u32 rdmarpc_sess_server_count(__be32 ipv4);

/* Module-wide per-packet counters of the fault injection. */
struct rdmarpc_fault_stats {
	atomic64_t tx_drop;
	atomic64_t rx_drop;
	atomic64_t duplicate;
	atomic64_t reorder;
	atomic64_t corrupt;
	atomic64_t unknown;	/* datagrams for no session or a wrong tag */
	atomic64_t wrong_src;	/* for a session, not from its peer's QP */
};

extern struct rdmarpc_fault_stats rdmarpc_fault_stats;

#endif /* _RDMARPC_SESSION_INTERNAL_H */
