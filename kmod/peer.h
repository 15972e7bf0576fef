/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: peers.  A peer is a remote host (IPv4 address and handshake TCP
 * port), configured over netlink (PEER_ADD) or created on demand by
 * rdmarpc_peer_lookup("a.b.c.d[:port]").  It owns a small pool of client
 * sessions, opened as calls need slots, and a FIFO of calls waiting for
 * one.  The rest of the interface is in session.h.
 */
#ifndef _RDMARPC_PEER_H
#define _RDMARPC_PEER_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#include "uapi/rdmarpc.h"

struct rdmarpc_sess;

#define RDMARPC_PEER_MAX_SESS	4
/* An extra session could not be opened: wait this long to try again. */
#define RDMARPC_PEER_RETRY_MS	1000
/* No RDMA port reached the peer: calls fail at once for this long. */
#define RDMARPC_PEER_NODEV_MS	1000
#define RDMARPC_PSK_LEN		32

/*
 * Lifetime: @ref counts every rdmarpc_peer_lookup() caller, every client
 * session and a queued connect work, plus, for a configured peer only, the
 * peer list's reference (dropped by PEER_DEL or module exit).  An on-demand
 * peer is listed without a reference: it goes when its last user or session
 * does, also after a failed connect.  Finders take references with
 * kref_get_unless_zero(): a listed peer at zero is dying.
 *
 * Death: unlinked from the list and marked @dead (new calls fail, waiting
 * calls fail with -ECONNRESET, sessions are killed), by PEER_DEL or module
 * exit; or the last reference goes (no call waits on the peer then: a
 * waiting call's issuer holds its reference until ->done).
 * The last put queues @free_work (it may come from an RCU callback), which
 * unlinks the peer if still listed, stops @wait_timer and frees it.
 */
struct crypto_shash;

struct rdmarpc_peer {
	struct kref ref;
	struct list_head node;		/* rdmarpc_peers, rdmarpc_peers_lock */
	bool listed;			/* rdmarpc_peers_lock */

	/* Constant after creation. */
	char name[RDMARPC_NAME_MAX];
	__be32 ipv4;
	u16 tcp_port;			/* 0: the module's port */
	bool configured;		/* PEER_ADD, else created on demand */
	bool crc;
	u8 cc;				/* enum rdmarpc_cc */
	bool has_psk;
	/*
	 * HMAC-SHA256 keyed with the pre-shared key, set up when the peer is
	 * added (allocating a transform can take seconds the first time: the
	 * algorithm is instantiated and self-tested), never during a
	 * handshake.  Digests on it run in parallel, each with its own
	 * descriptor.  NULL without a key.
	 */
	struct crypto_shash *hmac;

	/* One handshake at a time (lookup and the connect work). */
	struct mutex connect_lock;
	struct work_struct connect_work;

	/*
	 * event_lock: orders the peer's events (PEER_UP, PEER_DOWN: session.h)
	 * and protects @announced, the last state told.  Taken before @lock.
	 */
	struct mutex event_lock;
	u8 announced;			/* enum rdmarpc_peer_state */

	/*
	 * lock: protects everything below, and is taken before any of its
	 * sessions' locks (never the other way round).
	 */
	spinlock_t lock;
	bool dead;
	bool connecting;		/* connect work queued or running */
	u8 state;			/* enum rdmarpc_peer_state */
	int last_err;			/* why the last connect failed */
	unsigned long last_fail;	/* when (jiffies) */
	int down_err;			/* why its last session went */
	unsigned int nsess;
	struct list_head sessions;	/* live client sessions */
	struct list_head waitq;		/* rdmarpc_kcall waiting for a slot */
	u64 timer_ns;			/* @wait_timer's deadline, 0: idle */

	/* Fails the waiting calls whose own deadline passed. */
	struct timer_list wait_timer;
	struct work_struct free_work;	/* after the last reference */
};

/* The configured and on-demand peers; rdmarpc_peers_lock protects it. */
extern struct mutex rdmarpc_peers_lock;
extern struct list_head rdmarpc_peers;
extern unsigned int rdmarpc_peers_generation;

int rdmarpc_peer_add(const char *name, __be32 ipv4, u16 tcp_port, int crc,
		     int cc,
		     const u8 *psk);
int rdmarpc_peer_del(const char *name);
/* A referenced peer whose address is @ipv4 with a key, or NULL. */
struct rdmarpc_peer *rdmarpc_peer_find_psk(__be32 ipv4);
u16 rdmarpc_peer_tcp_port(const struct rdmarpc_peer *peer);

/* Session bookkeeping (session.c): slots freed, session gone. */
void rdmarpc_peer_kick(struct rdmarpc_peer *peer);
void rdmarpc_peer_detach(struct rdmarpc_peer *peer, struct rdmarpc_sess *s);

void rdmarpc_peer_exit(void);
/* At the very end of module exit: complain about (and free) leftovers. */
void rdmarpc_peer_exit_check(void);

#endif /* _RDMARPC_PEER_H */
