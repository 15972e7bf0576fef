// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: the session handshake.
 *
 * Client: connect to the peer's tcp_port, send HELLO (our GID, LID, QPN,
 * QKey, MTU, the new session's id and tag, wanted credits, slots, message
 * limit, CRC flag, a nonce), read ACCEPT (the server's) or REFUSE (a
 * reason, logged).  With a pre-shared key both sides prove it: the server's
 * ACCEPT carries HMAC-SHA256(key, 'S' | HELLO body | ACCEPT body), the
 * client answers with AUTH carrying HMAC-SHA256(key, 'C' | ...), and the
 * server activates its session only then (rr_hello_transcript(): every
 * field of both hellos but the proofs, so a rewritten GID, QPN, QKey,
 * session id or tag fails the proof).
 *
 * Server: the listening socket's data_ready queues an accept work, each
 * accepted connection gets a handshake work doing blocking reads with a
 * timeout.  A bad hello is refused with a code and a reason and counted.
 *
 * Addresses: the server sends its datagrams to the GID the client's hello
 * names, so that GID must be the client's own, or a TCP client could aim
 * the server's responses (up to 64 MTU-sized packets for a 32-byte
 * request for response) at a third host.  On RoCE a GID is an IP address:
 * the hello's GID must be the TCP connection's peer address (IPv4-mapped),
 * or, for a connection from this host (127.0.0.1 or one of our
 * addresses), an address of this host; otherwise the hello is refused
 * (RR_HELLO_R_ADDR) and counted (addr_refused).  The client checks the
 * server's ACCEPT the same way.  On InfiniBand a GID is no IP address and
 * nothing ties it to the TCP connection: the server accepts an IB client
 * only when a pre-shared key proves it (the proof covers the GID).
 * The data path (session.c) then drops datagrams from any other QPN or
 * source GID than the peer's.
 *
 * Afterwards the connection stays open for the session's liveness
 * (liveness.c).
 */
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/in.h>
#include <linux/inet.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/sock.h>
#include <rdma/ib_cache.h>

#include "rdmarpc.h"
#include "ib.h"
#include "ah.h"
#include "core/hello.h"
#include "session.h"
#include "session_internal.h"
#include "peer.h"
#include "handshake.h"
#include "liveness.h"

/* How long an inbound handshake may take, each step. */
#define RDMARPC_HS_SERVER_TIMEOUT_MS	5000
/* Address resolution bound for the server's AH to the client. */
#define RDMARPC_HS_AH_TIMEOUT_MS	3000

struct rdmarpc_hs_stats rdmarpc_hs_stats;

/*
 * An accepted connection whose handshake runs.  At most hs_pending_max at
 * once, hs_pending_per_host from one address: more are closed at once.
 */
struct rdmarpc_hs_pending {
	struct list_head node;		/* rdmarpc_hs_pend, rdmarpc_hs_mutex */
	/*
	 * The handshake's socket; NULL once it becomes a session's liveness
	 * connection (rdmarpc_hs_mutex), which may close it at any time:
	 * module exit shuts down only the sockets still here.
	 */
	struct socket *sock;
	__be32 ipv4;			/* the client's address */
	struct work_struct work;
};

/*
 * What an inbound handshake in progress has been granted: a session of
 * sessions_per_host and @credits of its port's receive capacity.  Taken
 * under rdmarpc_hs_admit_mutex, held while the handshake does its I/O
 * without the mutex, given back once the session is listed (it then
 * counts itself) or has failed.
 */
struct rdmarpc_hs_resv {
	struct list_head node;		/* rdmarpc_hs_resvs, admit mutex */
	struct rdmarpc_port *port;
	__be32 ipv4;
	u32 credits;
};

static struct socket *rdmarpc_hs_lsock;
static void (*rdmarpc_hs_saved_listen_ready)(struct sock *sk);
static struct work_struct rdmarpc_hs_accept_work;
/*
 * Accepting and serving inbound handshakes, which block on the network:
 * a workqueue of their own, so that a flood of silent connections never
 * delays the heartbeats and teardowns on rdmarpc_sess_wq.
 */
static struct workqueue_struct *rdmarpc_hs_wq;
/* rdmarpc_hs_mutex: the pending list, its length and @stopping. */
static DEFINE_MUTEX(rdmarpc_hs_mutex);
static LIST_HEAD(rdmarpc_hs_pend);
static unsigned int rdmarpc_hs_npend;
static bool rdmarpc_hs_stopping;
/*
 * rdmarpc_hs_admit_mutex: the reservations.  Held only to decide and to
 * give back, never across address resolution or network I/O.
 */
static DEFINE_MUTEX(rdmarpc_hs_admit_mutex);
static LIST_HEAD(rdmarpc_hs_resvs);

/* Races with the device's removal or the peer's close (the selftests). */
RDMARPC_DBG_DELAY(hs_accept_delay_ms, RDMARPC_DBG_DELAY_MAX,
		  "server sleeps this long between activating a session and accepting it");
RDMARPC_DBG_DELAY(hs_activate_delay_ms, RDMARPC_DBG_DELAY_MAX,
		  "client sleeps this long between the accept and activating");
RDMARPC_DBG_DELAY(hs_unlist_delay_ms, RDMARPC_DBG_DELAY_MAX,
		  "a served handshake stays listed this long after it ends");

/* ---- Blocking helpers (handshake only) ---- */

/* A handshake's socket: reads and writes time out after @ms, no Nagle. */
static void rdmarpc_hs_sock_prepare(struct socket *sock, unsigned int ms)
{
	long t = msecs_to_jiffies(ms) ?: 1;

	lock_sock(sock->sk);
	sock->sk->sk_rcvtimeo = t;
	sock->sk->sk_sndtimeo = t;
	release_sock(sock->sk);
	tcp_sock_set_nodelay(sock->sk);
}

/*
 * A handshake in progress holds a user of its port, which the device's
 * removal waits for: the watch aborts the handshake when the port dies.
 * On port->wq from start to stop; its wake function, which runs under the
 * queue's lock, queues @work, which shuts the socket down (that sleeps),
 * waking whatever the handshake blocks in; later reads and writes fail at
 * once.  Stopped (and the work cancelled) before anyone else owns @sock.
 */
struct rdmarpc_hs_watch {
	struct wait_queue_entry wait;
	struct work_struct work;
	struct rdmarpc_port *port;
	struct socket *sock;
};

static void rdmarpc_hs_watch_work(struct work_struct *work)
{
	struct rdmarpc_hs_watch *w = container_of(work, struct rdmarpc_hs_watch,
						  work);

	kernel_sock_shutdown(w->sock, SHUT_RDWR);
}

static int rdmarpc_hs_watch_wake(struct wait_queue_entry *wq,
				 unsigned int mode, int flags, void *key)
{
	struct rdmarpc_hs_watch *w = container_of(wq, struct rdmarpc_hs_watch,
						  wait);

	/* Atomic: the shutdown, which sleeps, is left to the work. */
	lockdep_assert_held(&w->port->wq.lock);
	if (rdmarpc_port_dead(w->port))
		queue_work(system_wq, &w->work);
	return 0;
}

static void rdmarpc_hs_watch_start(struct rdmarpc_hs_watch *w,
				   struct rdmarpc_port *port,
				   struct socket *sock)
{
	/* The memory of port->wq, which a dead port's teardown frees. */
	rdmarpc_port_get_ref(port);
	w->port = port;
	w->sock = sock;
	/* @w is on the connecting task's stack. */
	INIT_WORK_ONSTACK(&w->work, rdmarpc_hs_watch_work);
	init_waitqueue_func_entry(&w->wait, rdmarpc_hs_watch_wake);
	add_wait_queue(&port->wq, &w->wait);
	/* Dead before the watch was in place. */
	if (rdmarpc_port_dead(port))
		queue_work(system_wq, &w->work);
}

static void rdmarpc_hs_watch_stop(struct rdmarpc_hs_watch *w)
{
	remove_wait_queue(&w->port->wq, &w->wait);
	cancel_work_sync(&w->work);
	destroy_work_on_stack(&w->work);
	rdmarpc_port_put_ref(w->port);
}

/*
 * Wait up to @left jiffies for @ah's resolution, or the death of @port
 * (-ENODEV): resolution does not notice the device's removal.
 */
static int rdmarpc_hs_ah_wait(struct rdmarpc_port *port,
			      struct rdmarpc_ah *ah, long left)
{
	long step;

	for (;;) {
		step = min_t(long, max(left, 1L), HZ / 10 ?: 1);
		if (!rdmarpc_ah_wait(ah, step) || rdmarpc_ah_status(ah) !=
		    -EINPROGRESS)
			return rdmarpc_ah_status(ah);
		if (rdmarpc_port_dead(port))
			return -ENODEV;
		left -= step;
		if (left <= 0)
			return -ETIMEDOUT;
	}
}

/*
 * Connect @sock to @peer's handshake port within @left jiffies; the port's
 * death (the watch shuts the socket down) or a signal ends the wait too.
 */
static int rdmarpc_hs_tcp_connect(struct socket *sock,
				  const struct rdmarpc_peer *peer,
				  struct rdmarpc_port *port, long left)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = peer->ipv4,
		.sin_port = htons(rdmarpc_peer_tcp_port(peer)),
	};
	struct sock *sk = sock->sk;
	long t;
	int ret;

	ret = kernel_connect(sock, (struct sockaddr *)&sin, sizeof(sin),
			     O_NONBLOCK);
	if (ret != -EINPROGRESS)
		return ret;
	t = wait_event_interruptible_timeout(*sk_sleep(sk),
					     READ_ONCE(sk->sk_state) !=
					     TCP_SYN_SENT ||
					     rdmarpc_port_dead(port),
					     max(left, 1L));
	if (rdmarpc_port_dead(port))
		return -ENODEV;
	if (t < 0)
		return -EINTR;
	if (READ_ONCE(sk->sk_state) == TCP_ESTABLISHED)
		return 0;
	if (!t)
		return -ETIMEDOUT;
	return sock_error(sk) ?: -ECONNREFUSED;
}

static int rdmarpc_hs_send(struct socket *sock, const void *buf, size_t len,
			   int flags)
{
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = MSG_NOSIGNAL | flags };
	int ret;

	ret = kernel_sendmsg(sock, &msg, &iov, 1, len);
	if (ret == len)
		return 0;
	return ret < 0 ? ret : -EIO;
}

static int rdmarpc_hs_recv_all(struct socket *sock, void *buf, size_t len)
{
	struct kvec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {};
	int ret;

	ret = kernel_recvmsg(sock, &msg, &iov, 1, len, MSG_WAITALL);
	if (ret == len)
		return 0;
	if (ret == -EAGAIN || ret > 0)
		return -ETIMEDOUT;
	return ret < 0 ? ret : -ECONNRESET;
}

static int rdmarpc_hs_recv_frame(struct socket *sock, u8 *buf,
				 struct rr_hello_msg *m)
{
	int ret, flen;

	ret = rdmarpc_hs_recv_all(sock, buf, RR_HELLO_HDR_LEN);
	if (ret)
		return ret;
	flen = rr_hello_frame_len(buf, RR_HELLO_HDR_LEN);
	if (flen < 0)
		return flen;
	if (flen > RR_HELLO_HDR_LEN) {
		ret = rdmarpc_hs_recv_all(sock, buf + RR_HELLO_HDR_LEN,
					  flen - RR_HELLO_HDR_LEN);
		if (ret)
			return ret;
	}
	return rr_hello_decode(buf, flen, m);
}

/*
 * HMAC-SHA256(psk, transcript) with @hmac, the peer's keyed transform;
 * the transcript holds @hello and @accept as sent (see
 * rr_hello_transcript() in core/hello.h).
 */
static int rdmarpc_hs_proof(struct crypto_shash *hmac, u8 role,
			    const struct rr_hello *hello,
			    const struct rr_hello *accept, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, hmac);
	u8 t[RR_HELLO_TRANSCRIPT_LEN];
	int ret;

	rr_hello_transcript(t, role, hello, accept);
	desc->tfm = hmac;
	ret = crypto_shash_digest(desc, t, sizeof(t), out);
	shash_desc_zero(desc);
	return ret;
}

static bool rdmarpc_hs_proof_ok(struct crypto_shash *hmac, u8 role,
				const struct rr_hello *hello,
				const struct rr_hello *accept, const u8 *proof)
{
	u8 want[RR_HELLO_PROOF_LEN];
	bool ok;

	if (rdmarpc_hs_proof(hmac, role, hello, accept, want))
		return false;
	ok = !crypto_memneq(want, proof, sizeof(want));
	memzero_explicit(want, sizeof(want));
	return ok;
}

/* Our half of a hello for session @s on its port, sent from @sgid_attr. */
static void rdmarpc_hs_fill(struct rr_hello *h, struct rdmarpc_sess *s,
			    const struct ib_gid_attr *sgid_attr)
{
	struct rdmarpc_port *port = s->port;

	memset(h, 0, sizeof(*h));
	memcpy(h->gid, sgid_attr->gid.raw, sizeof(h->gid));
	h->lid = port->lid;
	h->qpn = port->qpn;
	h->qkey = port->qkey;
	h->mtu = s->mtu;
	h->sess = s->id;
	h->tag = s->tag;
	h->slots = RDMARPC_SESS_SLOTS;
	h->credits = RDMARPC_SESS_CREDITS;
	h->max_msg = RDMARPC_SESS_MAX_MSG;
	get_random_bytes(h->nonce, sizeof(h->nonce));
}

/*
 * The GID a hello gives as its sender's address, which the other side
 * sends datagrams to: unicast, and not 0.0.0.0/8, 127.0.0.0/8 or multicast
 * when IPv4-mapped (no RDMA port has such a GID).
 */
static bool rdmarpc_hs_gid_ok(const u8 *raw, union ib_gid *gid)
{
	const struct in6_addr *a = (const struct in6_addr *)gid->raw;
	__be32 ip;

	memcpy(gid->raw, raw, sizeof(gid->raw));
	if (ipv6_addr_any(a) || ipv6_addr_is_multicast(a))
		return false;
	if (!ipv6_addr_v4mapped(a))
		return true;
	ip = a->s6_addr32[3];
	return !ipv4_is_zeronet(ip) && !ipv4_is_loopback(ip) &&
	       !ipv4_is_multicast(ip) && !ipv4_is_lbcast(ip);
}

/* @gid is an address of this host (RoCE: an IP address; else @port's). */
static bool rdmarpc_hs_gid_local(struct rdmarpc_port *port,
				 const union ib_gid *gid)
{
	__be32 ip;

	if (ipv6_addr_v4mapped((const struct in6_addr *)gid)) {
		memcpy(&ip, &gid->raw[12], sizeof(ip));
		return inet_addr_type(&init_net, ip) == RTN_LOCAL;
	}
	return rdmarpc_ah_port_has_gid(port, gid);
}

/*
 * RoCE: the GID the other side's hello names is the address of its end of
 * the TCP connection, @ip (see the top of this file).  A connection from
 * this host to itself may name any address of this host (127.0.0.1 is no
 * GID, and the route may pick another of our addresses).
 */
static bool rdmarpc_hs_gid_is_addr(struct rdmarpc_port *port,
				   const union ib_gid *gid, __be32 ip)
{
	union ib_gid want;

	ipv6_addr_set_v4mapped(ip, (struct in6_addr *)&want);
	if (!memcmp(&want, gid, sizeof(want)))
		return true;
	return inet_addr_type(&init_net, ip) == RTN_LOCAL &&
	       rdmarpc_hs_gid_local(port, gid);
}

/* The RTO before the first sample: 200 ms, Linux's TCP's floor. */
#define RDMARPC_RTO_INIT_NS	(200 * NSEC_PER_MSEC)

/* Session parameters from the module's settings and the agreed values. */
static void rdmarpc_hs_params(struct rr_params *p, u32 mtu, u32 slots,
			      u32 credits, u32 max_msg, bool crc)
{
	u64 rto_min = (u64)READ_ONCE(rdmarpc_rto_min_us) * NSEC_PER_USEC;
	u64 rto_max = (u64)READ_ONCE(rdmarpc_rto_max_us) * NSEC_PER_USEC;

	rr_params_default(p);
	p->mtu = mtu;
	p->slots = slots;
	p->credits = credits;
	p->max_msg = max_msg;
	p->crc = crc;
	if (rto_max < rto_min)
		rto_max = rto_min;
	p->rto_min_ns = rto_min;
	p->rto_max_ns = rto_max;
	/*
	 * Until the session has measured a round trip.  A first call meets
	 * cold caches, a handler that must be woken and the server's delayed
	 * ack: rto_min would time it out for nothing.  Only a lost first
	 * packet waits this long.
	 */
	p->rto_init_ns = clamp(RDMARPC_RTO_INIT_NS, rto_min, rto_max);
	/*
	 * A handler may take this long before the server acks its request:
	 * the client's RTO is at least rto_min, so the ack still comes in
	 * time, and a busy server sends no ack for most requests.
	 */
	p->ack_delay_ns = rto_min / 2;
	p->max_retries = READ_ONCE(rdmarpc_max_retries);
	/*
	 * A path is dead by the liveness connection's standard: a peer under
	 * load may be silent on the datagrams for a while and still answer.
	 */
	p->dead_ns = rdmarpc_live_silence_ns();
	/* Each call carries its own deadline (session.c). */
	p->call_timeout_ns = 0;
	p->cc_init_cwnd = min(p->cc_init_cwnd, credits);
}

/* Where session @s sends its datagrams: as the other side's hello @h says. */
static void rdmarpc_hs_set_peer(struct rdmarpc_sess *s,
				const struct rr_hello *h)
{
	memcpy(s->peer_gid, h->gid, sizeof(s->peer_gid));
	s->peer_lid = h->lid;
	s->peer_qpn = h->qpn;
	s->peer_qkey = h->qkey;
}

/* ---- Client ---- */

static int rdmarpc_hs_errno(int err)
{
	switch (err) {
	case -EINPROGRESS:
	case -EAGAIN:
		return -ETIMEDOUT;
	case -ENETUNREACH:
	case -EADDRNOTAVAIL:
	case -EAFNOSUPPORT:
		return -EHOSTUNREACH;
	case -ECONNREFUSED:
	case -ETIMEDOUT:
	case -EHOSTUNREACH:
	case -ENODEV:
	case -EPROTO:
	case -ENOMEM:
	case -EINTR:
	case -EUSERS:
		return err;
	default:
		return -ECONNREFUSED;
	}
}

/*
 * A refusal's errno: -EUSERS when the server admits no more sessions (its
 * sessions_per_host or its receive capacity: a later attempt may succeed),
 * else -EPROTO.
 */
static int rdmarpc_hs_refuse_errno(u32 code)
{
	switch (code) {
	case RR_HELLO_R_HOST_LIMIT:
	case RR_HELLO_R_CAPACITY:
		return -EUSERS;
	default:
		return -EPROTO;
	}
}

/* Exchange hellos on a connected @sock; fills in the server's ACCEPT. */
static int rdmarpc_hs_client_hello(struct rdmarpc_peer *peer,
				   struct rdmarpc_sess *s,
				   const struct ib_gid_attr *sgid_attr,
				   struct socket *sock, struct rr_hello *a)
{
	u8 buf[RR_HELLO_FRAME_MAX];
	struct rr_hello_msg *m;
	struct rr_hello h;
	const char *why;
	int ret, len;

	m = kmalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	rdmarpc_hs_fill(&h, s, sgid_attr);
	h.flags = (peer->crc ? RR_HELLO_F_CRC : 0) |
		  (peer->has_psk ? RR_HELLO_F_AUTH : 0);
	len = rr_hello_encode(buf, RR_HELLO_T_HELLO, &h);
	ret = rdmarpc_hs_send(sock, buf, len, 0);
	if (ret)
		goto out_free;
	ret = rdmarpc_hs_recv_frame(sock, buf, m);
	if (ret) {
		if (ret != -ETIMEDOUT && ret != -ECONNRESET)
			ret = -EPROTO;
		goto out_free;
	}
	ret = -EPROTO;
	if (m->type == RR_HELLO_T_REFUSE) {
		pr_info_ratelimited("peer %s refused the session (code %u): %s\n",
				    peer->name, m->code, m->reason);
		ret = rdmarpc_hs_refuse_errno(m->code);
		goto out_free;
	}
	why = m->type != RR_HELLO_T_ACCEPT ? "not an accept" :
	      rr_hello_check(&m->hello);
	if (!why && (m->hello.mtu > s->mtu || m->hello.slots > h.slots ||
		     m->hello.credits > h.credits ||
		     m->hello.max_msg > h.max_msg ||
		     !(m->hello.flags & RR_HELLO_F_CRC) != !peer->crc))
		why = "the accept does not match the hello";
	if (!why && peer->has_psk &&
	    (!(m->hello.flags & RR_HELLO_F_AUTH) ||
	     !rdmarpc_hs_proof_ok(peer->hmac, 'S', &h, &m->hello,
				  m->hello.proof)))
		why = "the server did not prove the pre-shared key";
	if (why) {
		pr_info_ratelimited("peer %s: bad handshake answer: %s\n",
				    peer->name, why);
		goto out_free;
	}
	if (peer->has_psk) {
		u8 proof[RR_HELLO_PROOF_LEN];

		ret = rdmarpc_hs_proof(peer->hmac, 'C', &h, &m->hello, proof);
		if (ret)
			goto out_free;
		len = rr_hello_encode_auth(buf, proof);
		memzero_explicit(proof, sizeof(proof));
		ret = rdmarpc_hs_send(sock, buf, len, 0);
		if (ret)
			goto out_free;
	}
	*a = m->hello;
	ret = 0;
out_free:
	kfree(m);
	return ret;
}

/*
 * The address handle to the server's GID @dgid, from its ACCEPT; @early is
 * the one whose resolution started with the handshake (to the address we
 * connected to), or an error.  Takes over the reference on @early.
 */
static struct rdmarpc_ah *rdmarpc_hs_client_ah(struct rdmarpc_port *port,
					       struct rdmarpc_ah *early,
					       const union ib_gid *dgid)
{
	if (!IS_ERR(early)) {
		if (!memcmp(&early->dgid, dgid, sizeof(*dgid)))
			return early;
		rdmarpc_ah_put(early);
	}
	return rdmarpc_ah_get(port, dgid);
}

/*
 * Where the server's ACCEPT @a says datagrams go: its GID, which must be
 * its own (see the top of this file) and reached from the GID our hello
 * named (@sgid_attr).  *@ahp holds the address handle whose resolution
 * started with the handshake, or an error; it gets the one to the
 * accept's GID, resolved by @deadline, or an error.  The caller puts it.
 */
static int rdmarpc_hs_client_route(struct rdmarpc_peer *peer,
				   struct rdmarpc_port *port,
				   const struct ib_gid_attr *sgid_attr,
				   const struct rr_hello *a,
				   struct rdmarpc_ah **ahp,
				   unsigned long deadline)
{
	struct rdmarpc_ah *ah;
	union ib_gid sgid;
	int ret;

	if (!rdmarpc_hs_gid_ok(a->gid, &sgid)) {
		pr_info_ratelimited("peer %s: bad handshake answer: GID %pI6c\n",
				    peer->name, a->gid);
		return -EPROTO;
	}
	/* The server's GID is the address we connected to (RoCE). */
	if (!port->link_ib && !rdmarpc_hs_gid_is_addr(port, &sgid, peer->ipv4)) {
		pr_info_ratelimited("peer %s: the accept's GID %pI6c is not the address connected to, %pI4\n",
				    peer->name, a->gid, &peer->ipv4);
		return -EPROTO;
	}
	/* Datagrams go where the server's hello says, as its go to ours. */
	ah = rdmarpc_hs_client_ah(port, *ahp, &sgid);
	*ahp = ah;
	if (IS_ERR(ah))
		return -EHOSTUNREACH;
	/* The server takes datagrams only from the GID our hello named. */
	if (memcmp(&ah->sgid_attr->gid, &sgid_attr->gid, sizeof(sgid))) {
		pr_info_ratelimited("peer %s: datagrams to %pI6c would leave from %pI6c, not from the hello's %pI6c\n",
				    peer->name, a->gid, ah->sgid_attr->gid.raw,
				    sgid_attr->gid.raw);
		return -EHOSTUNREACH;
	}
	ret = rdmarpc_hs_ah_wait(port, ah, deadline - jiffies);
	if (ret) {
		pr_debug("peer %s: no address handle: %d\n", peer->name, ret);
		if (ret != -ETIMEDOUT && ret != -ENODEV)
			ret = -EHOSTUNREACH;
		return ret;
	}
	return 0;
}

/*
 * Open client session @s to @peer, whose address is @dgid: connect, shake
 * hands and activate, by @deadline (each read and write within
 * @timeout_ms).  0, or an errno for rdmarpc_hs_errno() after undoing what
 * this did.
 */
static int rdmarpc_hs_client_open(struct rdmarpc_sess *s,
				  struct rdmarpc_peer *peer,
				  const union ib_gid *dgid,
				  unsigned int timeout_ms,
				  unsigned long deadline)
{
	struct rdmarpc_port *port = s->port;
	const struct ib_gid_attr *sgid_attr;
	struct rdmarpc_hs_watch watch;
	struct rdmarpc_live_conn *conn;
	struct rdmarpc_ah *ah;
	struct socket *sock;
	struct rr_params p;
	struct rr_hello a;
	int ret;

	/* The GID our hello gives: the source of the route to the server. */
	sgid_attr = rdmarpc_ah_sgid_for(port, dgid);
	if (IS_ERR(sgid_attr))
		return -EHOSTUNREACH;
	/*
	 * Usually the server's GID is the address we connect to: resolution
	 * runs while the handshake does.  (No GID is in 127.0.0.0/8.)
	 */
	ah = ipv4_is_loopback(peer->ipv4) ? ERR_PTR(-EADDRNOTAVAIL) :
	     rdmarpc_ah_get(port, dgid);
	ret = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP,
			       &sock);
	if (ret)
		goto out_put_ah;
	rdmarpc_hs_sock_prepare(sock, timeout_ms);
	rdmarpc_hs_watch_start(&watch, port, sock);
	ret = rdmarpc_hs_tcp_connect(sock, peer, port, deadline - jiffies);
	if (ret)
		goto out_unwatch;
	ret = rdmarpc_hs_client_hello(peer, s, sgid_attr, sock, &a);
	if (ret)
		goto out_unwatch;
	ret = rdmarpc_hs_client_route(peer, port, sgid_attr, &a, &ah, deadline);
	if (ret)
		goto out_unwatch;
	/* The socket goes to the session: from now on activation notices. */
	rdmarpc_hs_watch_stop(&watch);
	rdmarpc_hs_params(&p, min(s->mtu, a.mtu), a.slots, a.credits,
			  a.max_msg, peer->crc);
	/* Only a client's window is congestion controlled. */
	p.cc_algo = peer->cc == RDMARPC_CC_DELAY ? RR_CC_DELAY : RR_CC_AIMD;
	rdmarpc_hs_set_peer(s, &a);

	conn = rdmarpc_live_new(sock, s);
	if (!conn) {
		ret = -ENOMEM;
		goto out_release;
	}
	rdmarpc_live_handshake_complete(conn);
	rdmarpc_dbg_delay(&rdmarpc_dbg_hs_activate_delay_ms);
	ret = rdmarpc_sess_activate(s, &p, a.sess, a.tag, ah, conn);
	if (ret) {
		rdmarpc_live_close(conn);
		goto out_put_ah;
	}
	rdma_put_gid_attr(sgid_attr);
	atomic64_inc(&rdmarpc_hs_stats.connected);
	pr_debug("session %u to %s up: peer session %u gid %pI6c qpn 0x%x mtu %u slots %u credits %u%s\n",
		 s->id, peer->name, a.sess, a.gid, a.qpn, p.mtu, p.slots,
		 p.credits, p.crc ? " crc" : "");
	return 0;

out_unwatch:
	rdmarpc_hs_watch_stop(&watch);
out_release:
	sock_release(sock);
out_put_ah:
	if (!IS_ERR_OR_NULL(ah))
		rdmarpc_ah_put(ah);
	rdma_put_gid_attr(sgid_attr);
	return ret;
}

struct rdmarpc_sess *rdmarpc_hs_connect(struct rdmarpc_peer *peer,
					unsigned int timeout_ms)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	struct rdmarpc_port *port;
	struct rdmarpc_sess *s;
	union ib_gid dgid;
	int ret;

	might_sleep();
	/*
	 * The port the server's address routes through; for an address of
	 * this host (127.0.0.1 too), the device that owns it or the first
	 * RoCE v2 port: the server then answers with a GID of this host.
	 */
	ipv6_addr_set_v4mapped(peer->ipv4, (struct in6_addr *)&dgid);
	port = rdmarpc_ah_port_for(&dgid, NULL);
	if (IS_ERR(port))
		return ERR_CAST(port);
	s = rdmarpc_sess_new(RR_ROLE_CLIENT, port, peer, peer->name);
	if (IS_ERR(s))
		return s;
	/* Ours while we work: a reset may tear the session down any time. */
	rdmarpc_sess_get(s);
	ret = rdmarpc_hs_client_open(s, peer, &dgid, timeout_ms, deadline);
	if (ret)
		goto out_kill;
	return s;

out_kill:
	atomic64_inc(&rdmarpc_hs_stats.failed);
	/*
	 * The device went away meanwhile (its removal waits for us): say
	 * so, not how the handshake broke (a timeout, a refusal); the
	 * calls waiting for this session fail with it.
	 */
	ret = rdmarpc_port_dead(s->port) ? -ENODEV : rdmarpc_hs_errno(ret);
	rdmarpc_sess_kill(s, ret);
	rdmarpc_sess_put(s);
	return ERR_PTR(ret);
}

/* ---- Server ---- */

static const char *rdmarpc_hs_decode_reason(int err)
{
	switch (err) {
	case -EPROTO:
		return "bad magic";
	case -EPROTONOSUPPORT:
		return "unsupported version";
	case -EMSGSIZE:
		return "oversized message";
	default:
		return "malformed hello";
	}
}

static void rdmarpc_hs_refuse(struct socket *sock,
			      const struct sockaddr_in *from, u32 code,
			      const char *reason)
{
	u8 buf[RR_HELLO_FRAME_MAX];
	int len;

	atomic64_inc(&rdmarpc_hs_stats.refused);
	pr_info_ratelimited("refused a session from %pI4:%u: %s\n",
			    &from->sin_addr, ntohs(from->sin_port), reason);
	len = rr_hello_encode_refuse(buf, code, reason);
	if (len > 0)
		rdmarpc_hs_send(sock, buf, len, MSG_DONTWAIT);
}

/*
 * Admit a session from @ipv4 on @port wanting @want credits: NULL and
 * @resv filled in and listed (give it back with rdmarpc_hs_unreserve()),
 * else the reason to refuse (its code in @code).  Sessions in handshake count as well as
 * listed ones, so concurrent handshakes cannot overshoot a limit.
 */
static const char *rdmarpc_hs_admit(struct rdmarpc_hs_resv *resv,
				    struct rdmarpc_port *port, __be32 ipv4,
				    u32 want, u32 *code)
{
	struct rdmarpc_hs_resv *r;
	u32 used, nhost, credits, cap;
	const char *why = NULL;

	mutex_lock(&rdmarpc_hs_admit_mutex);
	mutex_lock(&rdmarpc_sess_mutex);
	used = rdmarpc_sess_server_credits(port);
	nhost = rdmarpc_sess_server_count(ipv4);
	mutex_unlock(&rdmarpc_sess_mutex);
	list_for_each_entry(r, &rdmarpc_hs_resvs, node) {
		if (r->port == port)
			used += r->credits;
		if (r->ipv4 == ipv4)
			nhost++;
	}
	if (nhost >= READ_ONCE(rdmarpc_sessions_per_host)) {
		atomic64_inc(&rdmarpc_hs_stats.host_limit);
		*code = RR_HELLO_R_HOST_LIMIT;
		why = "too many sessions from this host";
		goto out_unlock;
	}
	/*
	 * Credits are receive buffers set aside (credit_overcommit times
	 * over): grant what the port has left, and refuse below a useful
	 * minimum.
	 */
	cap = port->recv_depth * READ_ONCE(rdmarpc_credit_overcommit);
	credits = min_t(u32, want, RDMARPC_SESS_CREDITS);
	if (used < cap)
		credits = min(credits, cap - used);
	else
		credits = 0;
	if (credits < min_t(u32, want, RDMARPC_SESS_MIN_CREDITS)) {
		atomic64_inc(&rdmarpc_hs_stats.capacity);
		*code = RR_HELLO_R_CAPACITY;
		why = "too many sessions for the receive capacity";
		goto out_unlock;
	}
	resv->port = port;
	resv->ipv4 = ipv4;
	resv->credits = credits;
	list_add_tail(&resv->node, &rdmarpc_hs_resvs);
out_unlock:
	mutex_unlock(&rdmarpc_hs_admit_mutex);
	return why;
}

static void rdmarpc_hs_unreserve(struct rdmarpc_hs_resv *resv)
{
	mutex_lock(&rdmarpc_hs_admit_mutex);
	list_del(&resv->node);
	mutex_unlock(&rdmarpc_hs_admit_mutex);
}

/*
 * Read and judge the client's HELLO into @m: NULL if usable, else a reason
 * to refuse and its code in @code.
 */
static const char *rdmarpc_hs_serve_hello(struct socket *sock,
					  struct rr_hello_msg *m, u8 *buf,
					  union ib_gid *cgid, u32 *code)
{
	const char *why;
	int ret;

	*code = RR_HELLO_R_MALFORMED;
	ret = rdmarpc_hs_recv_frame(sock, buf, m);
	if (ret == -ETIMEDOUT || ret == -ECONNRESET || ret == -EPIPE)
		return "no hello";
	if (ret)
		return rdmarpc_hs_decode_reason(ret);
	if (m->type != RR_HELLO_T_HELLO)
		return "expected a hello";
	*code = RR_HELLO_R_PARAMS;
	why = rr_hello_check(&m->hello);
	if (why)
		return why;
	if (!rdmarpc_hs_gid_ok(m->hello.gid, cgid))
		return "the hello's GID is not a unicast address";
	return NULL;
}

/*
 * The client's GID is its own (see the top of this file): on RoCE the TCP
 * connection's source address, on InfiniBand proven by a pre-shared key
 * (@keyed).  NULL if so, else a reason to refuse and its code in @code.
 */
static const char *rdmarpc_hs_serve_addr(struct rdmarpc_port *port,
					 const union ib_gid *cgid,
					 const struct sockaddr_in *from,
					 bool keyed, u32 *code)
{
	if (port->link_ib) {
		if (keyed)
			return NULL;
		*code = RR_HELLO_R_AUTH;
		return "InfiniBand: GIDs are not addresses, a pre-shared key is required";
	}
	if (rdmarpc_hs_gid_is_addr(port, cgid, from->sin_addr.s_addr))
		return NULL;
	atomic64_inc(&rdmarpc_hs_stats.addr_refused);
	pr_info_ratelimited("session from %pI4:%u names GID %pI6c, not its own address\n",
			    &from->sin_addr, ntohs(from->sin_port), cgid->raw);
	*code = RR_HELLO_R_ADDR;
	return "the hello's GID is not the TCP connection's address";
}

/*
 * An inbound handshake, on the stack of rdmarpc_hs_serve() for its steps:
 * what the client sent, what it has been granted and what is set up for it.
 */
struct rdmarpc_hs_inbound {
	struct rdmarpc_hs_pending *pend;
	struct socket *sock;
	const struct sockaddr_in *from;
	struct rr_hello_msg *m;		/* the last frame read */
	u8 *buf;			/* RR_HELLO_FRAME_MAX bytes */
	u32 *code;			/* a refusal's code */
	struct rr_hello h;		/* the client's HELLO, as received */
	union ib_gid cgid;		/* the GID it names */
	struct rdmarpc_peer *keyed;	/* its host's with a key, or NULL */
	struct rdmarpc_port *port;	/* the port that reaches @cgid */
	u32 mtu;			/* @h's, within @port's */
	struct rdmarpc_hs_watch watch;	/* until @sock is @conn's */
	struct rdmarpc_hs_resv resv;
	struct rdmarpc_sess *s;		/* referenced while we work */
	struct rdmarpc_ah *ah;		/* to @cgid, until @s has it */
	struct rr_params p;
	struct rr_hello a;		/* our ACCEPT */
	struct rdmarpc_live_conn *conn;	/* ours until @s has it */
};

/*
 * The pre-shared key of the client's host, if there is one: the hello must
 * ask to prove a key exactly then.  NULL, or a reason to refuse.
 */
static const char *rdmarpc_hs_serve_key(struct rdmarpc_hs_inbound *in)
{
	*in->code = RR_HELLO_R_AUTH;
	in->keyed = rdmarpc_peer_find_psk(in->from->sin_addr.s_addr);
	if (in->keyed && !(in->h.flags & RR_HELLO_F_AUTH))
		return "authentication required";
	if (!in->keyed && (in->h.flags & RR_HELLO_F_AUTH))
		return "no pre-shared key for this host";
	return NULL;
}

/*
 * The port that reaches the client, and the session's MTU.  Datagrams go
 * to the GID in the hello, not to the connection's source address: that
 * may be 127.0.0.1 (then the GID is one of ours).  rdmarpc_hs_serve_addr()
 * checks it is the client's.  NULL, or a reason to refuse.
 */
static const char *rdmarpc_hs_serve_port(struct rdmarpc_hs_inbound *in)
{
	const char *why;

	*in->code = RR_HELLO_R_UNREACHABLE;
	in->port = rdmarpc_ah_port_for(&in->cgid, NULL);
	if (IS_ERR(in->port))
		return "no RDMA port reaches the client";
	why = rdmarpc_hs_serve_addr(in->port, &in->cgid, in->from, in->keyed,
				    in->code);
	if (why) {
		rdmarpc_port_put(in->port);
		return why;
	}
	in->mtu = min(in->h.mtu, in->port->mtu);
	return NULL;
}

/*
 * The session's parameters, from the client's hello and what it has been
 * granted, into the session and our ACCEPT (with the proof when keyed).
 * NULL, or a reason to refuse.
 */
static const char *rdmarpc_hs_serve_accept(struct rdmarpc_hs_inbound *in)
{
	struct rr_params *p = &in->p;
	struct rr_hello *a = &in->a;

	rdmarpc_hs_params(p, in->mtu, in->h.slots, in->resv.credits,
			  min_t(u32, in->h.max_msg, RDMARPC_SESS_MAX_MSG),
			  in->h.flags & RR_HELLO_F_CRC);
	rdmarpc_hs_set_peer(in->s, &in->h);
	in->s->mtu = p->mtu;

	rdmarpc_hs_fill(a, in->s, in->ah->sgid_attr);
	a->slots = p->slots;
	a->credits = p->credits;
	a->max_msg = p->max_msg;
	a->flags = (p->crc ? RR_HELLO_F_CRC : 0) |
		   (in->keyed ? RR_HELLO_F_AUTH : 0);
	if (in->keyed &&
	    rdmarpc_hs_proof(in->keyed->hmac, 'S', &in->h, a, a->proof))
		return "no HMAC-SHA256";
	return NULL;
}

/* @in->sock is about to become its connection's: exit must let go of it. */
static void rdmarpc_hs_disown(struct rdmarpc_hs_inbound *in)
{
	mutex_lock(&rdmarpc_hs_mutex);
	in->pend->sock = NULL;
	mutex_unlock(&rdmarpc_hs_mutex);
}

/*
 * No key: the session is active before the client hears of it, from the
 * ACCEPT in @in->buf (@len bytes).  The connection stays ours until
 * attached: an active session may be torn down at once (the device
 * removed), which closes what it owns.  NULL; or a reason to refuse, the
 * connection still ours; or ERR_PTR(-EBADF): the session died, and the
 * socket went with the connection.
 */
static const char *rdmarpc_hs_serve_open(struct rdmarpc_hs_inbound *in,
					 int len)
{
	int ret;

	ret = rdmarpc_sess_activate(in->s, &in->p, in->h.sess, in->h.tag,
				    in->ah, NULL);
	if (ret)
		return "session set-up failed";
	in->ah = NULL;		/* the session's now */
	rdmarpc_dbg_delay(&rdmarpc_dbg_hs_accept_delay_ms);
	rdmarpc_hs_send(in->sock, in->buf, len, 0);
	rdmarpc_hs_watch_stop(&in->watch);
	rdmarpc_hs_disown(in);
	rdmarpc_live_handshake_complete(in->conn);
	ret = rdmarpc_sess_attach_conn(in->s, in->conn);
	if (ret)
		goto out_close;
	return NULL;

out_close:
	/* The socket went with the connection. */
	rdmarpc_live_close(in->conn);
	rdmarpc_sess_put(in->s);
	return ERR_PTR(-EBADF);
}

/*
 * A key: the client proves it, in answer to the ACCEPT in @in->buf (@len
 * bytes), before the session goes active.  Returns as
 * rdmarpc_hs_serve_open() does.
 */
static const char *rdmarpc_hs_serve_open_keyed(struct rdmarpc_hs_inbound *in,
					       int len)
{
	int ret;

	if (rdmarpc_hs_send(in->sock, in->buf, len, 0) ||
	    rdmarpc_hs_recv_frame(in->sock, in->buf, in->m) ||
	    in->m->type != RR_HELLO_T_AUTH ||
	    !rdmarpc_hs_proof_ok(in->keyed->hmac, 'C', &in->h, &in->a,
				 in->m->proof)) {
		*in->code = RR_HELLO_R_AUTH;
		return "authentication failed";
	}
	rdmarpc_hs_watch_stop(&in->watch);
	rdmarpc_hs_disown(in);
	rdmarpc_live_handshake_complete(in->conn);
	ret = rdmarpc_sess_activate(in->s, &in->p, in->h.sess, in->h.tag,
				    in->ah, in->conn);
	if (ret)
		goto out_close;
	return NULL;

out_close:
	/* The socket went with the connection. */
	rdmarpc_live_close(in->conn);
	rdmarpc_ah_put(in->ah);
	rdmarpc_sess_kill(in->s, ret);
	rdmarpc_sess_put(in->s);
	return ERR_PTR(-EBADF);
}

/*
 * Set up the session the client asked for, on @in->port (whose reference
 * it takes over), and open it.  Returns as rdmarpc_hs_serve_open() does,
 * with the watch stopped.
 */
static const char *rdmarpc_hs_serve_session(struct rdmarpc_hs_inbound *in)
{
	char name[RDMARPC_NAME_MAX];
	const char *why;
	int len;

	snprintf(name, sizeof(name), "%pI4:%u", &in->from->sin_addr,
		 ntohs(in->from->sin_port));
	*in->code = RR_HELLO_R_OTHER;
	in->s = rdmarpc_sess_new(RR_ROLE_SERVER, in->port, NULL, name);
	if (IS_ERR(in->s)) {
		rdmarpc_hs_watch_stop(&in->watch);
		return "out of memory";
	}
	in->s->client_ipv4 = in->from->sin_addr.s_addr;
	in->s->client_port = ntohs(in->from->sin_port);
	rdmarpc_sess_get(in->s);	/* ours while we work */
	in->ah = rdmarpc_ah_get(in->port, &in->cgid);
	if (IS_ERR(in->ah) ||
	    rdmarpc_hs_ah_wait(in->port, in->ah,
			       msecs_to_jiffies(RDMARPC_HS_AH_TIMEOUT_MS))) {
		*in->code = RR_HELLO_R_UNREACHABLE;
		why = "cannot resolve the client's address";
		goto out_put_ah;
	}
	why = rdmarpc_hs_serve_accept(in);
	if (why)
		goto out_put_ah;
	in->conn = rdmarpc_live_new(in->sock, in->s);
	if (!in->conn) {
		why = "out of memory";
		goto out_put_ah;
	}
	len = rr_hello_encode(in->buf, RR_HELLO_T_ACCEPT, &in->a);
	why = in->keyed ? rdmarpc_hs_serve_open_keyed(in, len) :
	      rdmarpc_hs_serve_open(in, len);
	if (why && !IS_ERR(why))
		goto out_free_conn;
	return why;

out_free_conn:
	rdmarpc_live_free(in->conn);
out_put_ah:
	/* Before the kill: that may drop the last user of the port. */
	rdmarpc_hs_watch_stop(&in->watch);
	if (!IS_ERR_OR_NULL(in->ah))
		rdmarpc_ah_put(in->ah);
	rdmarpc_sess_kill(in->s, -ECONNABORTED);
	rdmarpc_sess_put(in->s);
	return why;
}

/*
 * The handshake of the inbound connection @pend, on @sock.  Returns NULL
 * when the connection became a session's; ERR_PTR(-EBADF) when it went
 * with a session that failed; else a reason to refuse (and close) with its
 * code in @code.
 */
static const char *rdmarpc_hs_serve(struct rdmarpc_hs_pending *pend,
				    struct socket *sock,
				    const struct sockaddr_in *from,
				    struct rr_hello_msg *m, u8 *buf, u32 *code)
{
	struct rdmarpc_hs_inbound in = {
		.pend = pend,
		.sock = sock,
		.from = from,
		.m = m,
		.buf = buf,
		.code = code,
	};
	const char *why;

	why = rdmarpc_hs_serve_hello(sock, m, buf, &in.cgid, code);
	if (why)
		return why;
	/* As received: the proofs cover it. */
	in.h = m->hello;
	why = rdmarpc_hs_serve_key(&in);
	if (why)
		goto out_put_keyed;
	why = rdmarpc_hs_serve_port(&in);
	if (why)
		goto out_put_keyed;
	/* Stopped before the socket goes to the session, or on failure. */
	rdmarpc_hs_watch_start(&in.watch, in.port, sock);

	/* A slot of the limits, held until the session is listed. */
	why = rdmarpc_hs_admit(&in.resv, in.port, from->sin_addr.s_addr,
			       in.h.credits, code);
	if (why) {
		rdmarpc_hs_watch_stop(&in.watch);
		rdmarpc_port_put(in.port);
		goto out_put_keyed;
	}
	why = rdmarpc_hs_serve_session(&in);
	if (why)
		goto out_unreserve;
	/* Listed now (or dead): the session counts itself. */
	rdmarpc_hs_unreserve(&in.resv);
	atomic64_inc(&rdmarpc_hs_stats.accepted);
	pr_debug("session %u from %s up: client session %u gid %pI6c qpn 0x%x mtu %u slots %u credits %u%s\n",
		 in.s->id, in.s->name, in.h.sess, in.h.gid, in.h.qpn,
		 in.p.mtu, in.p.slots, in.p.credits, in.p.crc ? " crc" : "");
	rdmarpc_sess_put(in.s);
	if (in.keyed)
		rdmarpc_peer_put(in.keyed);
	return NULL;

out_unreserve:
	rdmarpc_hs_unreserve(&in.resv);
out_put_keyed:
	if (in.keyed)
		rdmarpc_peer_put(in.keyed);
	return why;
}

static void rdmarpc_hs_serve_work(struct work_struct *work)
{
	struct rdmarpc_hs_pending *pend = container_of(work,
						       struct rdmarpc_hs_pending,
						       work);
	struct socket *sock = pend->sock;
	struct sockaddr_in from = {};
	struct rr_hello_msg *m;
	u32 code = RR_HELLO_R_OTHER;
	const char *why;
	u8 *buf;

	m = kmalloc(sizeof(*m), GFP_KERNEL);
	buf = kmalloc(RR_HELLO_FRAME_MAX, GFP_KERNEL);
	if (!m || !buf || kernel_getpeername(sock, (struct sockaddr *)&from) <
	    0 || from.sin_family != AF_INET) {
		why = !m || !buf ? "out of memory" : "internal error";
	} else {
		rdmarpc_hs_sock_prepare(sock, RDMARPC_HS_SERVER_TIMEOUT_MS);
		why = rdmarpc_hs_serve(pend, sock, &from, m, buf, &code);
	}

	/* Off the list first: exit shuts down only what is listed. */
	rdmarpc_dbg_delay(&rdmarpc_dbg_hs_unlist_delay_ms);
	mutex_lock(&rdmarpc_hs_mutex);
	list_del(&pend->node);
	rdmarpc_hs_npend--;
	mutex_unlock(&rdmarpc_hs_mutex);
	if (IS_ERR(why)) {
		/* The socket went with a session that failed. */
		why = NULL;
	} else if (why) {
		rdmarpc_hs_refuse(sock, &from, code, why);
		kernel_sock_shutdown(sock, SHUT_RDWR);
		sock_release(sock);
	}
	kfree(buf);
	kfree(m);
	kfree(pend);
}

/*
 * Whether one more handshake from @ipv4 may run: within hs_pending_max and
 * hs_pending_per_host.
 */
static bool rdmarpc_hs_pending_room(__be32 ipv4)
{
	struct rdmarpc_hs_pending *pend;
	unsigned int n = 0;

	lockdep_assert_held(&rdmarpc_hs_mutex);
	if (rdmarpc_hs_npend >= READ_ONCE(rdmarpc_hs_pending_max))
		return false;
	list_for_each_entry(pend, &rdmarpc_hs_pend, node)
		if (pend->ipv4 == ipv4)
			n++;
	return n < READ_ONCE(rdmarpc_hs_pending_per_host);
}

/* Queue the handshake of @sock from @from, or close it at once. */
static void rdmarpc_hs_pend_one(struct socket *sock,
				const struct sockaddr_in *from)
{
	struct rdmarpc_hs_pending *pend;

	pend = kzalloc(sizeof(*pend), GFP_KERNEL);
	mutex_lock(&rdmarpc_hs_mutex);
	if (!pend || rdmarpc_hs_stopping)
		goto out_close;
	if (!rdmarpc_hs_pending_room(from->sin_addr.s_addr)) {
		atomic64_inc(&rdmarpc_hs_stats.pending_full);
		pr_info_ratelimited("closed a connection from %pI4:%u: too many handshakes pending (hs_pending_max %u, hs_pending_per_host %u)\n",
				    &from->sin_addr, ntohs(from->sin_port),
				    READ_ONCE(rdmarpc_hs_pending_max),
				    READ_ONCE(rdmarpc_hs_pending_per_host));
		goto out_close;
	}
	pend->sock = sock;
	pend->ipv4 = from->sin_addr.s_addr;
	INIT_WORK(&pend->work, rdmarpc_hs_serve_work);
	list_add_tail(&pend->node, &rdmarpc_hs_pend);
	rdmarpc_hs_npend++;
	queue_work(rdmarpc_hs_wq, &pend->work);
	mutex_unlock(&rdmarpc_hs_mutex);
	return;

out_close:
	mutex_unlock(&rdmarpc_hs_mutex);
	kfree(pend);
	/* A reset, not a lingering close: nothing is owed to the client. */
	sock_no_linger(sock->sk);
	sock_release(sock);
}

static void rdmarpc_hs_accept(struct work_struct *work)
{
	struct sockaddr_in from;
	struct socket *sock;

	while (!kernel_accept(rdmarpc_hs_lsock, &sock, O_NONBLOCK)) {
		/*
		 * The child inherited the listener's callbacks: give it the
		 * stock ones back, or blocking reads never wake up.
		 */
		write_lock_bh(&sock->sk->sk_callback_lock);
		sock->sk->sk_user_data = NULL;
		sock->sk->sk_data_ready = rdmarpc_hs_saved_listen_ready;
		write_unlock_bh(&sock->sk->sk_callback_lock);
		memset(&from, 0, sizeof(from));
		if (kernel_getpeername(sock, (struct sockaddr *)&from) < 0 ||
		    from.sin_family != AF_INET) {
			/* Reset before we got to it. */
			sock_release(sock);
			continue;
		}
		rdmarpc_hs_pend_one(sock, &from);
		cond_resched();
	}
}

static void rdmarpc_hs_listen_ready(struct sock *sk)
{
	read_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_user_data && sk->sk_state == TCP_LISTEN)
		queue_work(rdmarpc_hs_wq, &rdmarpc_hs_accept_work);
	else if (sk->sk_state != TCP_LISTEN)
		/* A child not yet accepted: its readers want the wake-up. */
		rdmarpc_hs_saved_listen_ready(sk);
	read_unlock_bh(&sk->sk_callback_lock);
}

int rdmarpc_hs_init(void)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_ANY),
		.sin_port = htons(READ_ONCE(rdmarpc_tcp_port)),
	};
	struct socket *sock;
	struct sock *sk;
	int ret;

	INIT_WORK(&rdmarpc_hs_accept_work, rdmarpc_hs_accept);
	rdmarpc_hs_stopping = false;
	rdmarpc_hs_npend = 0;
	/* The accept work and every pending handshake may run at once. */
	rdmarpc_hs_wq = alloc_workqueue("rdmarpc_hs", 0,
					RDMARPC_HS_PENDING_LIMIT + 1);
	if (!rdmarpc_hs_wq)
		return -ENOMEM;
	ret = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP,
			       &sock);
	if (ret)
		goto out_destroy_wq;
	sk = sock->sk;
	sock_set_reuseaddr(sk);
	ret = kernel_bind(sock, (struct sockaddr *)&sin, sizeof(sin));
	if (ret) {
		pr_err("cannot listen on TCP port %u: %d\n",
		       READ_ONCE(rdmarpc_tcp_port), ret);
		goto out_release;
	}
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = sock;
	rdmarpc_hs_saved_listen_ready = sk->sk_data_ready;
	sk->sk_data_ready = rdmarpc_hs_listen_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	rdmarpc_hs_lsock = sock;
	ret = kernel_listen(sock, 128);
	if (ret)
		goto out_restore;
	pr_debug("listening on TCP port %u\n", READ_ONCE(rdmarpc_tcp_port));
	return 0;

out_restore:
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = rdmarpc_hs_saved_listen_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	rdmarpc_hs_lsock = NULL;
out_release:
	sock_release(sock);
out_destroy_wq:
	destroy_workqueue(rdmarpc_hs_wq);
	rdmarpc_hs_wq = NULL;
	return ret;
}

void rdmarpc_hs_exit(void)
{
	struct rdmarpc_hs_pending *pend;
	struct sock *sk = rdmarpc_hs_lsock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = rdmarpc_hs_saved_listen_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	cancel_work_sync(&rdmarpc_hs_accept_work);
	kernel_sock_shutdown(rdmarpc_hs_lsock, SHUT_RDWR);
	sock_release(rdmarpc_hs_lsock);
	rdmarpc_hs_lsock = NULL;

	/* Wake handshakes blocked in a read; their works finish quickly. */
	mutex_lock(&rdmarpc_hs_mutex);
	rdmarpc_hs_stopping = true;
	list_for_each_entry(pend, &rdmarpc_hs_pend, node) {
		if (pend->sock)
			kernel_sock_shutdown(pend->sock, SHUT_RDWR);
	}
	mutex_unlock(&rdmarpc_hs_mutex);
	/*
	 * Waits for them (nothing queues here any more: the listener is
	 * gone); the sessions they set up are rdmarpc_sess_exit()'s.
	 */
	destroy_workqueue(rdmarpc_hs_wq);
	rdmarpc_hs_wq = NULL;
}
