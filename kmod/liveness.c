// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: liveness.  The TCP connection of a session's handshake
 * (handshake.c) stays open afterwards: both sides send a HEARTBEAT every
 * heartbeat_ms; EOF, a reset or anything but a heartbeat kills the session
 * (-ECONNRESET), and so does silence (-ETIMEDOUT): nothing received for
 * RDMARPC_LIVE_MISSES (3) periods, on this connection or as the session's
 * datagrams.  The peer's last heartbeat came at most a period before it
 * went silent, and the check runs at the deadline itself, so a peer that
 * vanishes is declared dead within MISSES + 1 periods of it (3 to 4 s at
 * the default 1000 ms), plus the timer's slack.  A server session that
 * carries no call for idle_timeout_ms is closed too (-ETIMEDOUT).  Reading
 * is non-blocking from a work queued by sk_data_ready/sk_state_change, so
 * closing is bounded: restore the callbacks, cancel the works, shut down.
 */
#include <linux/net.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "rdmarpc.h"
#include "core/hello.h"
#include "session_internal.h"
#include "handshake.h"
#include "liveness.h"

/* Heartbeat periods of silence before the peer is declared dead. */
#define RDMARPC_LIVE_MISSES		3

/*
 * A liveness connection.  Owned by its session (closed by the session's
 * teardown, which comes before the session's last reference goes).
 */
struct rdmarpc_live_conn {
	struct socket *sock;
	struct rdmarpc_sess *sess;
	struct work_struct rx_work;
	struct delayed_work hb_work;
	/* sk_callback_lock, with the socket's sk_user_data: */
	bool started;			/* callbacks installed */
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);
	/*
	 * Liveness: rx_work stamps @last_rx (jiffies) on any byte received;
	 * hb_work, which alone reads it, sends a heartbeat when @next_hb
	 * comes and declares the peer dead once @last_rx is MISSES periods
	 * old.  It runs at whichever comes first, and notes in @due when
	 * that is: a run a whole period late means this host stalled (a
	 * guest not scheduled for seconds), which must not declare every
	 * peer dead at once, so the silence counts from the stall's end.
	 * Datagrams of the session count as heard too (under load the
	 * heartbeats may queue behind them for seconds): @rx_pkts is the
	 * session's count at the last run, @checked when that was.
	 */
	unsigned long last_rx;		/* WRITE_ONCE/READ_ONCE */
	unsigned long next_hb;		/* hb_work only */
	unsigned long due;		/* hb_work only */
	unsigned long checked;		/* hb_work only */
	u64 rx_pkts;			/* hb_work only */
	/*
	 * Server: the last time hb_work saw the session carry a call (a new
	 * request, or a slot busy receiving or handling one), and the
	 * request count then.  Heartbeats and pings are not calls.
	 */
	unsigned long active_at;	/* hb_work only */
	u64 requests;			/* hb_work only */
	/* rx_work only: */
	u32 have;
	int flen;
	u8 buf[RR_HELLO_FRAME_MAX];
};

/* The socket's data_ready and state_change: read, from the work. */
static void rdmarpc_live_data_ready(struct sock *sk)
{
	struct rdmarpc_live_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn)
		queue_work(rdmarpc_sess_wq, &conn->rx_work);
	read_unlock_bh(&sk->sk_callback_lock);
}

/* The peer is declared dead: closed, reset, misbehaved or silent. */
static void rdmarpc_live_peer_dead(struct rdmarpc_live_conn *conn, int err)
{
	atomic64_inc(&rdmarpc_hs_stats.dead);
	pr_debug("session %u (%s): liveness connection lost: %d\n",
		 conn->sess->id, conn->sess->name, err);
	rdmarpc_sess_kill(conn->sess, err);
}

/* A whole frame is in rx_work's buffer: only heartbeats are expected now. */
static bool rdmarpc_live_frame_is_heartbeat(struct rdmarpc_live_conn *conn)
{
	struct rr_hello_msg *m;
	bool ok;

	m = kmalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return false;
	ok = !rr_hello_decode(conn->buf, conn->flen, m) &&
	     m->type == RR_HELLO_T_HEARTBEAT;
	kfree(m);
	return ok;
}

/* Read what the socket holds; any byte is heard from the peer. */
static void rdmarpc_live_rx_work(struct work_struct *work)
{
	struct rdmarpc_live_conn *conn = container_of(work,
						      struct rdmarpc_live_conn,
						      rx_work);
	struct msghdr msg;
	struct kvec iov;
	u32 want;
	int ret;

	if (!rdmarpc_sess_alive(conn->sess))
		return;
	for (;;) {
		want = conn->have < RR_HELLO_HDR_LEN ?
		       RR_HELLO_HDR_LEN - conn->have : conn->flen - conn->have;
		iov.iov_base = conn->buf + conn->have;
		iov.iov_len = want;
		memset(&msg, 0, sizeof(msg));
		ret = kernel_recvmsg(conn->sock, &msg, &iov, 1, want,
				     MSG_DONTWAIT);
		if (ret == -EAGAIN)
			return;
		if (ret <= 0) {
			rdmarpc_live_peer_dead(conn, -ECONNRESET);
			return;
		}
		WRITE_ONCE(conn->last_rx, jiffies);
		conn->have += ret;
		if (conn->have == RR_HELLO_HDR_LEN) {
			conn->flen = rr_hello_frame_len(conn->buf,
							RR_HELLO_HDR_LEN);
			if (conn->flen < 0)
				goto out_protocol;
		}
		if (conn->have < RR_HELLO_HDR_LEN ||
		    conn->have < (u32)conn->flen)
			continue;
		if (!rdmarpc_live_frame_is_heartbeat(conn))
			goto out_protocol;
		conn->have = 0;
		conn->flen = 0;
	}

out_protocol:
	pr_info_ratelimited("session %u (%s): protocol error on the liveness connection\n",
			    conn->sess->id, conn->sess->name);
	rdmarpc_live_peer_dead(conn, -ECONNRESET);
}

/* Send a heartbeat on @sock, without waiting for room. */
static void rdmarpc_live_send_heartbeat(struct socket *sock)
{
	struct msghdr msg = { .msg_flags = MSG_NOSIGNAL | MSG_DONTWAIT };
	u8 buf[RR_HELLO_HDR_LEN];
	struct kvec iov = { .iov_base = buf };

	iov.iov_len = rr_hello_encode_heartbeat(buf);
	kernel_sendmsg(sock, &msg, &iov, 1, iov.iov_len);
}

/* The heartbeat period in jiffies; 0: heartbeats are off. */
static unsigned long rdmarpc_live_period(void)
{
	unsigned int hb = READ_ONCE(rdmarpc_heartbeat_ms);

	return hb ? msecs_to_jiffies(hb) ?: 1 : 0;
}

u64 rdmarpc_live_silence_ns(void)
{
	return (u64)READ_ONCE(rdmarpc_heartbeat_ms) * RDMARPC_LIVE_MISSES *
	       NSEC_PER_MSEC;
}

/* Run hb_work at @when (jiffies), @now being the current time. */
static void rdmarpc_live_run_at(struct rdmarpc_live_conn *conn,
				unsigned long now, unsigned long when)
{
	conn->due = when;
	queue_delayed_work(rdmarpc_sess_wq, &conn->hb_work,
			   time_after(when, now) ? when - now : 0);
}

/*
 * Server: true once the session has carried no call for idle_timeout_ms
 * (checked at each run of hb_work: up to a heartbeat period late).
 */
static bool rdmarpc_live_idle(struct rdmarpc_live_conn *conn,
			      const struct rr_stats *st,
			      const struct rr_session_info *info,
			      unsigned long now)
{
	unsigned int ms = READ_ONCE(rdmarpc_idle_timeout_ms);

	if (conn->sess->role != RR_ROLE_SERVER)
		return false;
	if (!ms || st->requests != conn->requests || info->busy_slots) {
		conn->requests = st->requests;
		conn->active_at = now;
		return false;
	}
	return time_after_eq(now, conn->active_at + msecs_to_jiffies(ms));
}

/*
 * When hb_work, at @now, last heard from the peer: on the connection, or
 * datagrams of the session (@st, NULL if it is not active), or from now
 * on if this host stalled.
 */
static unsigned long rdmarpc_live_last_heard(struct rdmarpc_live_conn *conn,
					     const struct rr_stats *st,
					     unsigned long now,
					     unsigned long period)
{
	struct sock *sk = conn->sock->sk;
	unsigned long last;

	/* This host stalled: silence counts from now. */
	if (time_after(now, conn->due + period))
		WRITE_ONCE(conn->last_rx, now);
	/* Datagrams since the last run: heard from after that run. */
	if (st && st->rx_pkts != conn->rx_pkts) {
		conn->rx_pkts = st->rx_pkts;
		if (time_after(conn->checked, READ_ONCE(conn->last_rx)))
			WRITE_ONCE(conn->last_rx, conn->checked);
	}
	conn->checked = now;
	last = READ_ONCE(conn->last_rx);
	/* Received but not read yet (rx_work is queued): heard from. */
	if (time_after_eq(now, last + RDMARPC_LIVE_MISSES * period) &&
	    !skb_queue_empty_lockless(&sk->sk_receive_queue)) {
		last = now;
		WRITE_ONCE(conn->last_rx, now);
	}
	return last;
}

/*
 * At the next heartbeat or the peer's deadline, whichever comes first:
 * close an idle server session, declare a silent peer dead, or send a
 * heartbeat and run again.
 */
static void rdmarpc_live_hb_work(struct work_struct *work)
{
	struct rdmarpc_live_conn *conn = container_of(to_delayed_work(work),
						      struct rdmarpc_live_conn,
						      hb_work);
	unsigned long period = rdmarpc_live_period();
	unsigned long now = jiffies, last, dead_at;
	struct rr_session_info info;
	struct rr_stats st;
	bool active;

	if (!rdmarpc_sess_alive(conn->sess))
		return;
	active = rdmarpc_sess_read(conn->sess, &st, &info);
	if (active && rdmarpc_live_idle(conn, &st, &info, now)) {
		/*
		 * Routine, not for the log: counted, and told by the
		 * session's DOWN event and tracepoint.
		 */
		atomic64_inc(&rdmarpc_hs_stats.idle_closed);
		pr_debug("session %u (%s): no call for %u ms (idle_timeout_ms), closed\n",
			 conn->sess->id, conn->sess->name,
			 jiffies_to_msecs(now - conn->active_at));
		rdmarpc_sess_kill(conn->sess, -ETIMEDOUT);
		return;
	}
	if (!period) {
		/* Off: look again later, with a fresh start. */
		WRITE_ONCE(conn->last_rx, now);
		conn->next_hb = now;
		rdmarpc_live_run_at(conn, now, now + HZ);
		return;
	}
	last = rdmarpc_live_last_heard(conn, active ? &st : NULL, now, period);
	dead_at = last + RDMARPC_LIVE_MISSES * period;
	if (time_after_eq(now, dead_at)) {
		pr_info_ratelimited("session %u (%s): nothing heard for %u ms (%u heartbeats of %u ms), peer declared dead\n",
				    conn->sess->id, conn->sess->name,
				    jiffies_to_msecs(now - last),
				    RDMARPC_LIVE_MISSES,
				    jiffies_to_msecs(period));
		rdmarpc_live_peer_dead(conn, -ETIMEDOUT);
		return;
	}
	if (time_after_eq(now, conn->next_hb) ||
	    time_after(conn->next_hb, now + period)) {
		/* A full send buffer means a hung peer: silence shows it. */
		rdmarpc_live_send_heartbeat(conn->sock);
		conn->next_hb = now + period;
	}
	rdmarpc_live_run_at(conn, now, time_before(dead_at, conn->next_hb) ?
			    dead_at : conn->next_hb);
}

struct rdmarpc_live_conn *rdmarpc_live_new(struct socket *sock,
					   struct rdmarpc_sess *s)
{
	struct rdmarpc_live_conn *conn;

	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn)
		return NULL;
	conn->sock = sock;
	conn->sess = s;
	INIT_WORK(&conn->rx_work, rdmarpc_live_rx_work);
	INIT_DELAYED_WORK(&conn->hb_work, rdmarpc_live_hb_work);
	return conn;
}

void rdmarpc_live_free(struct rdmarpc_live_conn *conn)
{
	kfree(conn);
}

void rdmarpc_live_handshake_complete(struct rdmarpc_live_conn *conn)
{
	struct sock *sk = conn->sock->sk;
	unsigned long now;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = conn;
	conn->saved_data_ready = sk->sk_data_ready;
	conn->saved_state_change = sk->sk_state_change;
	sk->sk_data_ready = rdmarpc_live_data_ready;
	sk->sk_state_change = rdmarpc_live_data_ready;
	conn->started = true;
	write_unlock_bh(&sk->sk_callback_lock);
	/* Whatever arrived before the callbacks were in place. */
	queue_work(rdmarpc_sess_wq, &conn->rx_work);
	now = jiffies;
	WRITE_ONCE(conn->last_rx, now);
	conn->checked = now;
	conn->active_at = now;
	conn->next_hb = now + (rdmarpc_live_period() ?: HZ);
	rdmarpc_live_run_at(conn, now, conn->next_hb);
}

void rdmarpc_live_close(struct rdmarpc_live_conn *conn)
{
	struct sock *sk = conn->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (conn->started) {
		sk->sk_user_data = NULL;
		sk->sk_data_ready = conn->saved_data_ready;
		sk->sk_state_change = conn->saved_state_change;
	}
	write_unlock_bh(&sk->sk_callback_lock);
	cancel_work_sync(&conn->rx_work);
	cancel_delayed_work_sync(&conn->hb_work);
	kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	sock_release(conn->sock);
	kfree(conn);
}
