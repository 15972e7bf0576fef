/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: liveness of a session, over the TCP connection its handshake
 * leaves open (see liveness.c).  handshake.c creates the connection and
 * reports the handshake's end; the session's teardown closes it.
 */
#ifndef _RDMARPC_LIVENESS_H
#define _RDMARPC_LIVENESS_H

struct rdmarpc_live_conn;
struct rdmarpc_sess;
struct socket;

/*
 * Process context: the liveness connection of @s over @sock, or NULL
 * without memory.  @sock stays the caller's until the handshake completes.
 */
struct rdmarpc_live_conn *rdmarpc_live_new(struct socket *sock,
					   struct rdmarpc_sess *s);
/* Free a connection whose handshake never completed; @sock stays. */
void rdmarpc_live_free(struct rdmarpc_live_conn *conn);
/*
 * Process context: the handshake on @conn's socket is over, the socket is
 * @conn's.  Reads go non-blocking, driven by the socket's callbacks, and
 * heartbeats start.
 */
void rdmarpc_live_handshake_complete(struct rdmarpc_live_conn *conn);
/* Process context: close a session's liveness connection and free it. */
void rdmarpc_live_close(struct rdmarpc_live_conn *conn);
/*
 * The silence after which liveness declares a peer dead, in ns (0:
 * heartbeats are off): a new session's calls give up on a path silent
 * this long (struct rr_params.dead_ns), not sooner.
 */
u64 rdmarpc_live_silence_ns(void);

#endif /* _RDMARPC_LIVENESS_H */
