/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: liveness of a session, over the TCP connection its handshake
 * leaves open (see liveness.c).
 */
#ifndef _RDMARPC_LIVENESS_H
#define _RDMARPC_LIVENESS_H

struct rdmarpc_hs_conn;
struct rdmarpc_sess;
struct socket;

/*
 * Process context: the liveness connection of @s over @sock, or NULL
 * without memory.  @sock stays the caller's until rdmarpc_hs_conn_start().
 */
struct rdmarpc_hs_conn *rdmarpc_hs_conn_alloc(struct socket *sock,
					      struct rdmarpc_sess *s);
/* Free a connection never started; its socket stays the caller's. */
void rdmarpc_hs_conn_free(struct rdmarpc_hs_conn *conn);
/* Switch to non-blocking reads driven by the socket's callbacks. */
void rdmarpc_hs_conn_start(struct rdmarpc_hs_conn *conn);
/* Process context: close a session's liveness connection and free it. */
void rdmarpc_hs_close(struct rdmarpc_hs_conn *conn);

#endif /* _RDMARPC_LIVENESS_H */
