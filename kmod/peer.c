// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: peers, their client session pools and call queues (see peer.h
 * and session.h).
 *
 * A call goes to the first session with a free slot.  When every slot is
 * busy it waits in the peer's FIFO, and if the pool is not full a connect
 * work opens one more session; completions (rdmarpc_peer_kick()) start
 * waiting calls.  A peer with no live session connects again on its next
 * call, so calls work again once a device or a peer comes back.
 */
#include <crypto/hash.h>
#include <linux/inet.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/slab.h>

#include "rdmarpc.h"
#include "session.h"
#include "session_internal.h"
#include "handshake.h"
#include "peer.h"

/* Handshake bound when the caller gives none. */
#define RDMARPC_CONNECT_TIMEOUT_MS	5000

/* Protects rdmarpc_peers, each peer's node and listed, the generation. */
DEFINE_MUTEX(rdmarpc_peers_lock);
LIST_HEAD(rdmarpc_peers);
unsigned int rdmarpc_peers_generation;

/* The cc parameter's range in rdmarpc_params.h spells out this enum. */
static_assert(RDMARPC_CC_MAX == 1);

/* Peers allocated and not yet freed: module exit checks it is zero. */
static atomic_t rdmarpc_peers_alive = ATOMIC_INIT(0);

static void rdmarpc_peer_connect_work(struct work_struct *work);
static void rdmarpc_peer_wait_timer(struct timer_list *t);

/* Phase two of a peer's death: nothing references it any more. */
static void rdmarpc_peer_free_work(struct work_struct *work)
{
	struct rdmarpc_peer *peer = container_of(work, struct rdmarpc_peer,
						 free_work);

	/* An on-demand peer is still listed (finders skip it: ref is 0). */
	mutex_lock(&rdmarpc_peers_lock);
	if (peer->listed) {
		list_del(&peer->node);
		peer->listed = false;
		rdmarpc_peers_generation++;
	}
	mutex_unlock(&rdmarpc_peers_lock);
	/*
	 * No call waits: a waiting call holds no reference of its own, but
	 * its issuer keeps one until ->done (session.h), so the queue is
	 * empty once the last one goes.  A timer still armed finds nothing.
	 */
	timer_shutdown_sync(&peer->wait_timer);
	pr_debug("peer %s destroyed\n", peer->name);
	crypto_free_shash(peer->hmac);
	kfree(peer);
	atomic_dec(&rdmarpc_peers_alive);
}

/* May be a session's RCU callback: unlink and free from process context. */
static void rdmarpc_peer_release(struct kref *ref)
{
	struct rdmarpc_peer *peer = container_of(ref, struct rdmarpc_peer,
						 ref);

	queue_work(rdmarpc_wq, &peer->free_work);
}

void rdmarpc_peer_get(struct rdmarpc_peer *peer)
{
	kref_get(&peer->ref);
}

void rdmarpc_peer_put(struct rdmarpc_peer *peer)
{
	kref_put(&peer->ref, rdmarpc_peer_release);
}

u16 rdmarpc_peer_tcp_port(const struct rdmarpc_peer *peer)
{
	return peer->tcp_port ?: READ_ONCE(rdmarpc_tcp_port);
}

static struct rdmarpc_peer *rdmarpc_peer_alloc(const char *name, __be32 ipv4,
					       u16 tcp_port)
{
	struct rdmarpc_peer *peer;

	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (!peer)
		return NULL;
	kref_init(&peer->ref);
	strscpy(peer->name, name, sizeof(peer->name));
	peer->ipv4 = ipv4;
	peer->tcp_port = tcp_port;
	peer->crc = READ_ONCE(rdmarpc_crc);
	peer->cc = READ_ONCE(rdmarpc_cc);
	mutex_init(&peer->connect_lock);
	mutex_init(&peer->event_lock);
	INIT_WORK(&peer->connect_work, rdmarpc_peer_connect_work);
	INIT_WORK(&peer->free_work, rdmarpc_peer_free_work);
	timer_setup(&peer->wait_timer, rdmarpc_peer_wait_timer, 0);
	spin_lock_init(&peer->lock);
	peer->state = RDMARPC_PEER_IDLE;
	peer->announced = RDMARPC_PEER_IDLE;
	INIT_LIST_HEAD(&peer->sessions);
	INIT_LIST_HEAD(&peer->waitq);
	atomic_inc(&rdmarpc_peers_alive);
	return peer;
}

static struct rdmarpc_peer *__rdmarpc_peer_find_name(const char *name)
{
	struct rdmarpc_peer *peer;

	lockdep_assert_held(&rdmarpc_peers_lock);
	/* A peer at zero references is dying: it stays at zero. */
	list_for_each_entry(peer, &rdmarpc_peers, node)
		if (kref_read(&peer->ref) && !strcmp(peer->name, name))
			return peer;
	return NULL;
}

static struct rdmarpc_peer *__rdmarpc_peer_find_addr(__be32 ipv4, u16 port)
{
	struct rdmarpc_peer *peer;

	lockdep_assert_held(&rdmarpc_peers_lock);
	/* Configured peers first: their settings (CRC, key) apply. */
	list_for_each_entry(peer, &rdmarpc_peers, node)
		if (peer->configured && peer->ipv4 == ipv4 &&
		    rdmarpc_peer_tcp_port(peer) == port)
			return peer;
	list_for_each_entry(peer, &rdmarpc_peers, node)
		if (kref_read(&peer->ref) && peer->ipv4 == ipv4 &&
		    rdmarpc_peer_tcp_port(peer) == port)
			return peer;
	return NULL;
}

struct rdmarpc_peer *rdmarpc_peer_find_psk(__be32 ipv4)
{
	struct rdmarpc_peer *peer, *found = NULL;

	mutex_lock(&rdmarpc_peers_lock);
	list_for_each_entry(peer, &rdmarpc_peers, node) {
		/* Only configured peers have keys: listed, referenced. */
		if (peer->has_psk && peer->ipv4 == ipv4) {
			rdmarpc_peer_get(peer);
			found = peer;
			break;
		}
	}
	mutex_unlock(&rdmarpc_peers_lock);
	return found;
}

int rdmarpc_peer_add(const char *name, __be32 ipv4, u16 tcp_port, int crc,
		     int cc, const u8 *psk)
{
	struct rdmarpc_peer *peer;
	int ret;

	peer = rdmarpc_peer_alloc(name, ipv4, tcp_port);
	if (!peer)
		return -ENOMEM;
	peer->configured = true;
	if (crc >= 0)
		peer->crc = crc;
	if (cc >= 0)
		peer->cc = cc;
	if (psk) {
		peer->hmac = crypto_alloc_shash("hmac(sha256)", 0, 0);
		if (IS_ERR(peer->hmac)) {
			ret = PTR_ERR(peer->hmac);
			peer->hmac = NULL;
			goto err_put;
		}
		ret = crypto_shash_setkey(peer->hmac, psk, RDMARPC_PSK_LEN);
		if (ret)
			goto err_put;
		peer->has_psk = true;
	}
	mutex_lock(&rdmarpc_peers_lock);
	if (__rdmarpc_peer_find_name(name)) {
		mutex_unlock(&rdmarpc_peers_lock);
		ret = -EEXIST;
		goto err_put;
	}
	list_add_tail(&peer->node, &rdmarpc_peers);
	peer->listed = true;
	rdmarpc_peers_generation++;
	mutex_unlock(&rdmarpc_peers_lock);
	pr_debug("peer %s created (%pI4:%u)\n", peer->name, &ipv4,
		 rdmarpc_peer_tcp_port(peer));
	return 0;

err_put:
	rdmarpc_peer_put(peer);
	return ret;
}

/* Fail calls taken off a queue; no lock held. */
static void rdmarpc_peer_fail_list(struct list_head *list)
{
	struct rdmarpc_kcall *kc, *tmp;
	struct rr_msg empty;

	list_for_each_entry_safe(kc, tmp, list, node) {
		list_del_init(&kc->node);
		rr_msg_free(&kc->req);
		empty.len = 0;
		rdmarpc_kcall_done(kc, kc->err, 0, &empty);
	}
}

/* Unlinked: kill the peer's sessions and fail its waiting calls. */
static void rdmarpc_peer_kill(struct rdmarpc_peer *peer, int err)
{
	struct rdmarpc_sess *s, *victim;
	struct rdmarpc_kcall *kc;
	LIST_HEAD(failed);

	spin_lock_bh(&peer->lock);
	peer->dead = true;
	list_splice_init(&peer->waitq, &failed);
	list_for_each_entry(kc, &failed, node)
		kc->err = err;
	spin_unlock_bh(&peer->lock);
	rdmarpc_peer_fail_list(&failed);

	/*
	 * Every session still alive, one at a time: a killed one stays listed
	 * until its teardown detaches it, and none joins a dead peer.
	 */
	for (;;) {
		victim = NULL;
		spin_lock_bh(&peer->lock);
		list_for_each_entry(s, &peer->sessions, peer_node) {
			if (rdmarpc_sess_alive(s)) {
				victim = s;
				rdmarpc_sess_get(victim);
				break;
			}
		}
		spin_unlock_bh(&peer->lock);
		if (!victim)
			break;
		rdmarpc_sess_kill(victim, err);
		rdmarpc_sess_put(victim);
	}
}

int rdmarpc_peer_del(const char *name)
{
	struct rdmarpc_peer *peer;

	mutex_lock(&rdmarpc_peers_lock);
	peer = __rdmarpc_peer_find_name(name);
	/* A configured peer's list reference becomes ours; else take one. */
	if (peer && !peer->configured && !kref_get_unless_zero(&peer->ref))
		peer = NULL;
	if (peer) {
		list_del(&peer->node);
		peer->listed = false;
		rdmarpc_peers_generation++;
	}
	mutex_unlock(&rdmarpc_peers_lock);
	if (!peer)
		return -ENOENT;
	rdmarpc_peer_kill(peer, -ECONNRESET);
	rdmarpc_peer_put(peer);
	return 0;
}

/* ---- Sessions ---- */

/*
 * Tell the notifiers (session.h) of the peer's state if it is not the
 * last one told: PEER_UP, or PEER_DOWN with why it is IDLE (its last
 * session's death) or FAILED (the last connect's error).  CONNECTING is
 * on the way to one of them: not told.  Process context, after every
 * change of state, no lock held.
 */
static void rdmarpc_peer_announce(struct rdmarpc_peer *peer)
{
	struct rdmarpc_sess_note note = { .peer = peer };
	u8 state;

	might_sleep();
	mutex_lock(&peer->event_lock);
	spin_lock_bh(&peer->lock);
	state = peer->state;
	note.reason = state == RDMARPC_PEER_FAILED ? peer->last_err :
		      peer->down_err;
	spin_unlock_bh(&peer->lock);
	if (state != RDMARPC_PEER_CONNECTING && state != peer->announced) {
		peer->announced = state;
		note.peer_state = state;
		rdmarpc_sess_notify(state == RDMARPC_PEER_UP ?
				    RDMARPC_PEER_EV_UP : RDMARPC_PEER_EV_DOWN,
				    &note);
	}
	mutex_unlock(&peer->event_lock);
}

static bool rdmarpc_peer_has_session(struct rdmarpc_peer *peer)
{
	struct rdmarpc_sess *s;
	bool up = false;

	spin_lock_bh(&peer->lock);
	list_for_each_entry(s, &peer->sessions, peer_node)
		if (rdmarpc_sess_alive(s))
			up = true;
	spin_unlock_bh(&peer->lock);
	return up;
}

/* Add a fresh session (its reference is ours to give or drop). */
static void rdmarpc_peer_attach(struct rdmarpc_peer *peer,
				struct rdmarpc_sess *s)
{
	spin_lock_bh(&peer->lock);
	if (peer->dead || !rdmarpc_sess_alive(s)) {
		/*
		 * Killed already (its teardown's detach, which comes after the
		 * death, may have run): never on the list.
		 */
		spin_unlock_bh(&peer->lock);
		rdmarpc_sess_kill(s, -ECONNRESET);
		rdmarpc_sess_put(s);
		return;
	}
	list_add_tail(&s->peer_node, &peer->sessions);
	peer->nsess++;
	peer->state = RDMARPC_PEER_UP;
	peer->last_err = 0;
	spin_unlock_bh(&peer->lock);
	/* The peer's list holds no reference: teardown detaches first. */
	rdmarpc_sess_put(s);
	mutex_lock(&rdmarpc_peers_lock);
	rdmarpc_peers_generation++;
	mutex_unlock(&rdmarpc_peers_lock);
	rdmarpc_peer_announce(peer);
	rdmarpc_peer_kick(peer);
}

void rdmarpc_peer_detach(struct rdmarpc_peer *peer, struct rdmarpc_sess *s)
{
	bool kick = false;

	spin_lock_bh(&peer->lock);
	if (!list_empty(&s->peer_node)) {
		list_del_init(&s->peer_node);
		peer->nsess--;
		if (!peer->nsess)
			peer->down_err = s->dead_err;
		if (!peer->nsess && peer->state == RDMARPC_PEER_UP)
			peer->state = RDMARPC_PEER_IDLE;
		/* The device went away: say so to new calls for a while. */
		if (!peer->nsess && s->dead_err == -ENODEV) {
			peer->state = RDMARPC_PEER_FAILED;
			peer->last_err = -ENODEV;
			peer->last_fail = jiffies;
		}
		/* Calls still waiting need a session: connect again. */
		kick = !list_empty(&peer->waitq);
	}
	spin_unlock_bh(&peer->lock);
	mutex_lock(&rdmarpc_peers_lock);
	rdmarpc_peers_generation++;
	mutex_unlock(&rdmarpc_peers_lock);
	rdmarpc_peer_announce(peer);
	if (kick)
		rdmarpc_peer_kick(peer);
}

/* Connect one more session; connect_lock held.  0 or why not. */
static int rdmarpc_peer_connect(struct rdmarpc_peer *peer,
				unsigned int timeout_ms)
{
	struct rdmarpc_sess *s;
	int err;

	lockdep_assert_held(&peer->connect_lock);
	spin_lock_bh(&peer->lock);
	if (peer->dead) {
		spin_unlock_bh(&peer->lock);
		return -ECONNRESET;
	}
	if (!peer->nsess)
		peer->state = RDMARPC_PEER_CONNECTING;
	spin_unlock_bh(&peer->lock);

	s = rdmarpc_hs_connect(peer, timeout_ms ?: RDMARPC_CONNECT_TIMEOUT_MS);
	if (IS_ERR(s)) {
		err = PTR_ERR(s);
		spin_lock_bh(&peer->lock);
		peer->last_err = err;
		peer->last_fail = jiffies;
		if (!peer->nsess)
			peer->state = RDMARPC_PEER_FAILED;
		spin_unlock_bh(&peer->lock);
		pr_debug("peer %s: connect failed: %d\n", peer->name, err);
		rdmarpc_peer_announce(peer);
		return err;
	}
	rdmarpc_peer_attach(peer, s);
	return 0;
}

static void rdmarpc_peer_connect_work(struct work_struct *work)
{
	struct rdmarpc_peer *peer = container_of(work, struct rdmarpc_peer,
						 connect_work);
	struct rdmarpc_kcall *kc, *tmp;
	LIST_HEAD(failed);
	int err;

	mutex_lock(&peer->connect_lock);
	err = rdmarpc_peer_connect(peer, 0);
	mutex_unlock(&peer->connect_lock);

	spin_lock_bh(&peer->lock);
	peer->connecting = false;
	/* Nothing to run the waiting calls on: they fail with the reason. */
	if (err && !peer->nsess) {
		list_for_each_entry_safe(kc, tmp, &peer->waitq, node) {
			kc->err = err;
			list_move_tail(&kc->node, &failed);
		}
	}
	spin_unlock_bh(&peer->lock);
	rdmarpc_peer_fail_list(&failed);
	if (!err)
		rdmarpc_peer_kick(peer);
	rdmarpc_peer_put(peer);
}

/* Open one more session in the background if the pool has room; locked. */
static void rdmarpc_peer_grow(struct rdmarpc_peer *peer)
{
	lockdep_assert_held(&peer->lock);
	if (peer->dead || peer->connecting ||
	    peer->nsess >= RDMARPC_PEER_MAX_SESS)
		return;
	/* More sessions were refused (server out of capacity): not so fast. */
	if (peer->nsess && peer->last_err &&
	    time_before(jiffies, peer->last_fail +
			msecs_to_jiffies(RDMARPC_PEER_RETRY_MS)))
		return;
	peer->connecting = true;
	rdmarpc_peer_get(peer);
	if (!queue_work(rdmarpc_sess_wq, &peer->connect_work)) {
		peer->connecting = false;
		rdmarpc_peer_put(peer);
	}
}

/* Start @kc on a session with a free slot (within @b); peer->lock held. */
static int rdmarpc_peer_start(struct rdmarpc_peer *peer,
			      struct rdmarpc_kcall *kc,
			      struct rdmarpc_sess_batch *b)
{
	struct rdmarpc_sess *s;
	int ret;

	lockdep_assert_held(&peer->lock);
	list_for_each_entry(s, &peer->sessions, peer_node) {
		ret = rdmarpc_sess_start_call(s, kc, b);
		if (!ret || ret == -EMSGSIZE)
			return ret;
	}
	return -EBUSY;
}

/* Arm the wait timer for @deadline_ns unless it fires earlier; locked. */
static void rdmarpc_peer_arm(struct rdmarpc_peer *peer, u64 deadline_ns,
			     u64 now)
{
	lockdep_assert_held(&peer->lock);
	if (peer->dead || (peer->timer_ns && peer->timer_ns <= deadline_ns))
		return;
	peer->timer_ns = deadline_ns;
	/* +1: a jiffy boundary may be just ahead; never early. */
	mod_timer(&peer->wait_timer, jiffies + 1 +
		  nsecs_to_jiffies(deadline_ns > now ? deadline_ns - now : 0));
}

/*
 * Move every waiting call whose own deadline passed (not only the head:
 * calls with short timeouts may wait behind long ones) to @failed, and arm
 * the timer for the earliest deadline left.  peer->lock held.
 */
static void rdmarpc_peer_expire(struct rdmarpc_peer *peer, u64 now,
				struct list_head *failed)
{
	struct rdmarpc_kcall *kc, *tmp;
	u64 next = U64_MAX;

	lockdep_assert_held(&peer->lock);
	list_for_each_entry_safe(kc, tmp, &peer->waitq, node) {
		if (kc->deadline_ns <= now) {
			kc->err = -ETIMEDOUT;
			list_move_tail(&kc->node, failed);
		} else {
			next = min(next, kc->deadline_ns);
		}
	}
	if (next != U64_MAX)
		rdmarpc_peer_arm(peer, next, now);
}

static void rdmarpc_peer_wait_timer(struct timer_list *t)
{
	struct rdmarpc_peer *peer = from_timer(peer, t, wait_timer);
	LIST_HEAD(failed);

	spin_lock_bh(&peer->lock);
	peer->timer_ns = 0;
	rdmarpc_peer_expire(peer, ktime_get_ns(), &failed);
	spin_unlock_bh(&peer->lock);
	rdmarpc_peer_fail_list(&failed);
}

void rdmarpc_peer_kick(struct rdmarpc_peer *peer)
{
	struct rdmarpc_kcall *kc;
	u64 now = ktime_get_ns();
	LIST_HEAD(failed);
	int ret;

	spin_lock_bh(&peer->lock);
	rdmarpc_peer_expire(peer, now, &failed);
	while ((kc = list_first_entry_or_null(&peer->waitq,
					      struct rdmarpc_kcall, node))) {
		list_del_init(&kc->node);
		ret = rdmarpc_peer_start(peer, kc, NULL);
		if (ret == -EBUSY) {
			list_add(&kc->node, &peer->waitq);
			break;
		}
		if (ret) {
			kc->err = ret;
			list_add_tail(&kc->node, &failed);
		}
	}
	if (!list_empty(&peer->waitq))
		rdmarpc_peer_grow(peer);
	spin_unlock_bh(&peer->lock);
	rdmarpc_peer_fail_list(&failed);
}

/* ---- session.h ---- */

/* "a.b.c.d" or "a.b.c.d:port" */
static int rdmarpc_peer_parse(const char *name, __be32 *ipv4, u16 *port)
{
	const char *end;
	u8 addr[4];

	if (!in4_pton(name, -1, addr, ':', &end))
		return -EINVAL;
	memcpy(ipv4, addr, 4);
	*port = READ_ONCE(rdmarpc_tcp_port);
	if (*end == ':')
		return kstrtou16(end + 1, 10, port) || !*port ? -EINVAL : 0;
	return *end ? -EINVAL : 0;
}

static struct rdmarpc_peer *rdmarpc_peer_get_by_name(const char *name)
{
	struct rdmarpc_peer *peer, *new;
	char canon[RDMARPC_NAME_MAX];
	__be32 ipv4;
	u16 port;

	mutex_lock(&rdmarpc_peers_lock);
	peer = __rdmarpc_peer_find_name(name);
	if (peer && kref_get_unless_zero(&peer->ref)) {
		mutex_unlock(&rdmarpc_peers_lock);
		return peer;
	}
	mutex_unlock(&rdmarpc_peers_lock);

	if (rdmarpc_peer_parse(name, &ipv4, &port))
		return ERR_PTR(-EINVAL);
	if (!ipv4 || ipv4_is_multicast(ipv4) || ipv4_is_lbcast(ipv4))
		return ERR_PTR(-EINVAL);
	snprintf(canon, sizeof(canon), "%pI4:%u", &ipv4, port);
	new = rdmarpc_peer_alloc(canon, ipv4, port);
	if (!new)
		return ERR_PTR(-ENOMEM);

	mutex_lock(&rdmarpc_peers_lock);
	peer = __rdmarpc_peer_find_addr(ipv4, port);
	if (!peer || !kref_get_unless_zero(&peer->ref)) {
		/* Listed without a reference: @new's is the caller's. */
		peer = new;
		new = NULL;
		list_add_tail(&peer->node, &rdmarpc_peers);
		peer->listed = true;
		rdmarpc_peers_generation++;
		pr_debug("peer %s created on demand\n", peer->name);
	}
	mutex_unlock(&rdmarpc_peers_lock);
	if (new)
		rdmarpc_peer_put(new);
	return peer;
}

struct rdmarpc_peer *rdmarpc_peer_lookup(const char *name,
					 unsigned int timeout_ms)
{
	struct rdmarpc_peer *peer;
	int err = 0;

	might_sleep();
	if (!name || !*name || strnlen(name, RDMARPC_NAME_MAX) >=
	    RDMARPC_NAME_MAX)
		return ERR_PTR(-EINVAL);
	peer = rdmarpc_peer_get_by_name(name);
	if (IS_ERR(peer))
		return peer;
	if (rdmarpc_peer_has_session(peer))
		return peer;
	if (mutex_lock_interruptible(&peer->connect_lock)) {
		rdmarpc_peer_put(peer);
		return ERR_PTR(-EINTR);
	}
	if (!rdmarpc_peer_has_session(peer))
		err = rdmarpc_peer_connect(peer, timeout_ms);
	mutex_unlock(&peer->connect_lock);
	if (err) {
		rdmarpc_peer_put(peer);
		return ERR_PTR(err);
	}
	return peer;
}

int rdmarpc_peer_call(struct rdmarpc_peer *peer, struct rdmarpc_kcall *kc,
		      struct rdmarpc_sess_batch *b)
{
	unsigned int ms = kc->timeout_ms ?: READ_ONCE(rdmarpc_call_timeout_ms);
	int ret;

	INIT_LIST_HEAD(&kc->node);
	kc->sess = NULL;
	kc->err = 0;
	kc->status = 0;
	kc->sess_id = 0;
	kc->peer_sess_id = 0;
	kc->req_num = 0;
	kc->slot = 0;
	kc->start_ns = ktime_get_ns();
	kc->deadline_ns = kc->start_ns + (u64)ms * NSEC_PER_MSEC;
	if (kc->req.len > RDMARPC_SESS_MAX_MSG)
		return -EMSGSIZE;

	spin_lock_bh(&peer->lock);
	if (peer->dead) {
		spin_unlock_bh(&peer->lock);
		return -ECONNRESET;
	}
	/*
	 * No RDMA port reaches the peer (device removed): fail now rather
	 * than queue behind a connect that cannot succeed; try again later.
	 */
	if (!peer->nsess && peer->state == RDMARPC_PEER_FAILED &&
	    peer->last_err == -ENODEV &&
	    time_before(jiffies, peer->last_fail +
			msecs_to_jiffies(RDMARPC_PEER_NODEV_MS))) {
		spin_unlock_bh(&peer->lock);
		return -ENODEV;
	}
	ret = list_empty(&peer->waitq) ? rdmarpc_peer_start(peer, kc, b) :
					 -EBUSY;
	if (ret == -EBUSY) {
		list_add_tail(&kc->node, &peer->waitq);
		/* It fails at its own deadline if no slot frees before. */
		rdmarpc_peer_arm(peer, kc->deadline_ns, ktime_get_ns());
		rdmarpc_peer_grow(peer);
		ret = 0;
	}
	spin_unlock_bh(&peer->lock);
	return ret;
}

int rdmarpc_peer_cancel(struct rdmarpc_peer *peer, struct rdmarpc_kcall *kc)
{
	struct rdmarpc_kcall *pos;
	struct rdmarpc_sess *s;
	struct rr_msg empty;
	int ret = -ENOENT;

	spin_lock_bh(&peer->lock);
	list_for_each_entry(pos, &peer->waitq, node) {
		if (pos == kc) {
			list_del_init(&kc->node);
			ret = 0;
			break;
		}
	}
	if (ret) {
		list_for_each_entry(s, &peer->sessions, peer_node) {
			ret = rdmarpc_sess_cancel_call(s, kc);
			if (!ret)
				break;
		}
	}
	spin_unlock_bh(&peer->lock);
	if (ret)
		return ret;
	rr_msg_free(&kc->req);
	empty.len = 0;
	rdmarpc_kcall_done(kc, -ECANCELED, 0, &empty);
	rdmarpc_peer_kick(peer);
	return 0;
}

void rdmarpc_peer_exit(void)
{
	struct rdmarpc_peer *peer;

	for (;;) {
		mutex_lock(&rdmarpc_peers_lock);
		peer = list_first_entry_or_null(&rdmarpc_peers,
						struct rdmarpc_peer, node);
		if (peer) {
			list_del(&peer->node);
			peer->listed = false;
			rdmarpc_peers_generation++;
			/* Dying on-demand peer: its free work frees it. */
			if (!peer->configured &&
			    !kref_get_unless_zero(&peer->ref)) {
				mutex_unlock(&rdmarpc_peers_lock);
				continue;
			}
		}
		mutex_unlock(&rdmarpc_peers_lock);
		if (!peer)
			break;
		rdmarpc_peer_kill(peer, -ECONNRESET);
		/* A connect work that never ran drops its reference here. */
		if (cancel_work_sync(&peer->connect_work))
			rdmarpc_peer_put(peer);
		rdmarpc_peer_put(peer);
	}
}

void rdmarpc_peer_exit_check(void)
{
	/* After the last work ran: every peer should be gone by now. */
	if (atomic_read(&rdmarpc_peers_alive) || !list_empty(&rdmarpc_peers))
		pr_err("%d peers leaked at exit\n",
		       atomic_read(&rdmarpc_peers_alive));
}
