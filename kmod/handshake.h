/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: the session handshake over TCP (listener and connector).  The
 * messages are in core/hello.h; the connection each session keeps open
 * afterwards is liveness.h's.
 */
#ifndef _RDMARPC_HANDSHAKE_H
#define _RDMARPC_HANDSHAKE_H

#include <linux/atomic.h>

struct rdmarpc_peer;
struct rdmarpc_sess;

/* Counters, module-wide. */
struct rdmarpc_hs_stats {
	atomic64_t accepted;	/* inbound sessions set up */
	atomic64_t refused;	/* inbound hellos refused */
	atomic64_t connected;	/* outbound sessions set up */
	atomic64_t failed;	/* outbound attempts failed */
	atomic64_t dead;	/* liveness: closed, reset or timed out */
	atomic64_t pending_full; /* closed at once: too many handshakes */
	atomic64_t host_limit;	/* refused: sessions_per_host reached */
	atomic64_t idle_closed;	/* inbound closed after idle_timeout_ms */
	atomic64_t addr_refused; /* hellos naming a GID not the TCP peer's */
	atomic64_t capacity;	/* refused: no receive capacity left */
};

extern struct rdmarpc_hs_stats rdmarpc_hs_stats;

/* Start and stop the listener on the tcp_port parameter. */
int rdmarpc_hs_init(void);
void rdmarpc_hs_exit(void);

/*
 * Process context: open a client session to @peer, bounded by
 * @timeout_ms.  Returns the active session with a reference for the
 * caller, or ERR_PTR (see rdmarpc_peer_lookup() in session.h).
 */
struct rdmarpc_sess *rdmarpc_hs_connect(struct rdmarpc_peer *peer,
					unsigned int timeout_ms);

#endif /* _RDMARPC_HANDSHAKE_H */
