// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: the per-port address handle cache (see ah.h).
 *
 * Life of an entry: created by rdmarpc_ah_get() holding the caller's
 * reference plus the cache's; resolved asynchronously (rdma_resolve_ip()
 * calls back in process context, where the ib_ah is created); a failed
 * entry leaves the cache so that the next get tries again.  The last put
 * queues the free work, which cancels a pending resolution (waiting for a
 * running callback), destroys the ib_ah and drops the port reference.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <rdma/ib_cache.h>

#include "rdmarpc.h"
#include "ib.h"
#include "ah.h"

/* rdma_resolve_ip() gives up on an unanswered neighbour after this. */
#define RDMARPC_RESOLVE_MS	2000

/*
 * Entries the cache keeps per port; beyond it the least recently used one
 * leaves (its holders keep it alive).  A session holds its AH, so this
 * bounds only what is kept for later, not how many peers a port serves.
 */
#define RDMARPC_AH_CACHE_MAX	1024

RDMARPC_DBG_DELAY(ah_free_delay_ms, RDMARPC_DBG_DELAY_MAX,
		  "delay every AH's free this long, beyond teardown's wait");

#ifdef DEBUG
/* Debug builds: a smaller cache bound, so that a test can reach it. */
static unsigned int rdmarpc_dbg_ah_cache_max;

static int rdmarpc_dbg_ah_cache_max_set(const char *val,
					const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 0, RDMARPC_AH_CACHE_MAX);
}

static const struct kernel_param_ops rdmarpc_dbg_ah_cache_max_ops = {
	.set = rdmarpc_dbg_ah_cache_max_set,
	.get = param_get_uint,
};
module_param_cb(dbg_ah_cache_max, &rdmarpc_dbg_ah_cache_max_ops,
		&rdmarpc_dbg_ah_cache_max, 0600);
MODULE_PARM_DESC(dbg_ah_cache_max,
		 "Debug: AH cache entries kept per port (1..1024; 0: 1024)");

static unsigned int rdmarpc_ah_cache_max(void)
{
	return READ_ONCE(rdmarpc_dbg_ah_cache_max) ?: RDMARPC_AH_CACHE_MAX;
}
#else
static inline unsigned int rdmarpc_ah_cache_max(void)
{
	return RDMARPC_AH_CACHE_MAX;
}
#endif

/*
 * Destroy the ib_ah and drop the GID reference (ah_mutex held): in the free
 * work, or at teardown for an AH still held when the port goes.
 */
static void rdmarpc_ah_release_hw(struct rdmarpc_ah *ah)
{
	const struct ib_gid_attr *attr = ah->sgid_attr;

	lockdep_assert_held(&ah->port->ah_mutex);
	if (ah->ah) {
		rdma_destroy_ah(ah->ah, RDMA_DESTROY_AH_SLEEPABLE);
		ah->ah = NULL;
	}
	if (attr && attr != &ah->sgid_copy) {
		/* Holders may still read it (GID, index): keep a copy. */
		ah->sgid_copy = *attr;
		ah->sgid_copy.ndev = NULL;
		ah->sgid_attr = &ah->sgid_copy;
		rdma_put_gid_attr(attr);
	}
}

static void rdmarpc_ah_free_work(struct work_struct *work)
{
	struct rdmarpc_ah *ah = container_of(work, struct rdmarpc_ah,
					     free_work);
	struct rdmarpc_port *port = ah->port;

	rdmarpc_dbg_delay(&rdmarpc_dbg_ah_free_delay_ms);
	rdma_addr_cancel(&ah->devaddr);
	mutex_lock(&port->ah_mutex);
	list_del(&ah->all_node);
	rdmarpc_ah_release_hw(ah);
	mutex_unlock(&port->ah_mutex);
	kfree(ah);
	if (atomic_dec_and_test(&port->ah_count))
		wake_up_all(&port->wq);
	rdmarpc_port_put_ref(port);
}

static void rdmarpc_ah_release(struct kref *ref)
{
	struct rdmarpc_ah *ah = container_of(ref, struct rdmarpc_ah, ref);

	/* May be the last send completion, in softirq: free in process. */
	queue_work(rdmarpc_wq, &ah->free_work);
}

void rdmarpc_ah_hold(struct rdmarpc_ah *ah)
{
	kref_get(&ah->ref);
}

void rdmarpc_ah_put(struct rdmarpc_ah *ah)
{
	kref_put(&ah->ref, rdmarpc_ah_release);
}

int rdmarpc_ah_status(const struct rdmarpc_ah *ah)
{
	/* Pairs with the release in rdmarpc_ah_complete(): ah->ah is set. */
	return smp_load_acquire(&ah->status);
}

int rdmarpc_ah_wait(struct rdmarpc_ah *ah, unsigned long timeout)
{
	if (!wait_for_completion_timeout(&ah->done, timeout))
		return -ETIMEDOUT;
	return rdmarpc_ah_status(ah);
}

/* Takes over the reference on @sgid_attr. */
static struct rdmarpc_ah *rdmarpc_ah_alloc(struct rdmarpc_port *port,
					   const union ib_gid *dgid,
					   const struct ib_gid_attr *sgid_attr)
{
	struct rdmarpc_ah *ah;

	ah = kzalloc(sizeof(*ah), GFP_KERNEL);
	if (!ah) {
		rdma_put_gid_attr(sgid_attr);
		return NULL;
	}
	kref_init(&ah->ref);
	ah->port = port;
	INIT_LIST_HEAD(&ah->node);
	INIT_LIST_HEAD(&ah->all_node);
	ah->dgid = *dgid;
	ah->sgid_attr = sgid_attr;
	ah->status = -EINPROGRESS;
	init_completion(&ah->done);
	INIT_WORK(&ah->free_work, rdmarpc_ah_free_work);
	rdmarpc_port_get_ref(port);
	atomic_inc(&port->ah_count);
	mutex_lock(&port->ah_mutex);
	list_add(&ah->all_node, &port->ah_all);
	mutex_unlock(&port->ah_mutex);
	return ah;
}

static struct rdmarpc_ah *__rdmarpc_ah_lookup(struct rdmarpc_port *port,
					      const union ib_gid *dgid)
{
	struct rdmarpc_ah *ah;

	lockdep_assert_held(&port->ah_lock);
	list_for_each_entry(ah, &port->ah_list, node)
		if (!memcmp(&ah->dgid, dgid, sizeof(*dgid))) {
			kref_get(&ah->ref);
			list_move(&ah->node, &port->ah_list);
			return ah;
		}
	return NULL;
}

/* Take @ah off the cache list; the caller then drops the cache's reference. */
static void rdmarpc_ah_uncache(struct rdmarpc_ah *ah)
{
	lockdep_assert_held(&ah->port->ah_lock);
	list_del_init(&ah->node);
	ah->cached = false;
	atomic_dec(&ah->port->ah_cached);
}

/* A cached entry or NULL, never creates; any context. */
static struct rdmarpc_ah *rdmarpc_ah_lookup(struct rdmarpc_port *port,
					    const union ib_gid *dgid)
{
	struct rdmarpc_ah *ah;

	spin_lock_bh(&port->ah_lock);
	ah = __rdmarpc_ah_lookup(port, dgid);
	spin_unlock_bh(&port->ah_lock);
	return ah;
}

/*
 * Insert @new unless an entry for its GID exists; returns the one to use.
 * A full cache lets its least recently used entry go.
 */
static struct rdmarpc_ah *rdmarpc_ah_insert(struct rdmarpc_ah *new)
{
	struct rdmarpc_port *port = new->port;
	struct rdmarpc_ah *ah, *old, *tmp;
	LIST_HEAD(evicted);

	spin_lock_bh(&port->ah_lock);
	ah = __rdmarpc_ah_lookup(port, &new->dgid);
	if (!ah) {
		kref_get(&new->ref);	/* the cache's reference */
		list_add(&new->node, &port->ah_list);
		new->cached = true;
		atomic_inc(&port->ah_cached);
		while (atomic_read(&port->ah_cached) > rdmarpc_ah_cache_max()) {
			old = list_last_entry(&port->ah_list,
					      struct rdmarpc_ah, node);
			rdmarpc_ah_uncache(old);
			list_add(&old->node, &evicted);
		}
	}
	spin_unlock_bh(&port->ah_lock);
	list_for_each_entry_safe(old, tmp, &evicted, node) {
		list_del_init(&old->node);
		rdmarpc_ah_put(old);
	}
	if (ah) {
		rdmarpc_ah_put(new);
		return ah;
	}
	return new;
}

/* Record the outcome; a failed entry leaves the cache. */
static void rdmarpc_ah_complete(struct rdmarpc_ah *ah, int status)
{
	struct rdmarpc_port *port = ah->port;
	bool uncached = false;

	if (status) {
		pr_debug("device %s port %u: AH to %pI6c failed: %d\n",
			 rdmarpc_port_name(port), port->port_num, ah->dgid.raw,
			 status);
		spin_lock_bh(&port->ah_lock);
		if (ah->cached) {
			rdmarpc_ah_uncache(ah);
			uncached = true;
		}
		spin_unlock_bh(&port->ah_lock);
	} else {
		pr_debug("device %s port %u: AH to %pI6c via %pM (sgid index %u)\n",
			 rdmarpc_port_name(port), port->port_num, ah->dgid.raw,
			 ah->dmac, ah->sgid_attr->index);
	}
	/* Publishes ah->ah and ah->dmac before the status that allows use. */
	smp_store_release(&ah->status, status);
	complete_all(&ah->done);
	if (uncached)
		rdmarpc_ah_put(ah);
}

/*
 * Create the ib_ah for @ah from @attr; process context.  -ENODEV once the
 * port's teardown has stopped the cache (its PD is going or gone).
 */
static int rdmarpc_ah_create_hw(struct rdmarpc_ah *ah,
				struct rdma_ah_attr *attr)
{
	struct rdmarpc_port *port = ah->port;
	struct ib_ah *ibah;
	int ret = 0;

	mutex_lock(&port->ah_mutex);
	if (port->ah_dead) {
		ret = -ENODEV;
		goto out_unlock;
	}
	ibah = rdma_create_ah(port->pd, attr, RDMA_CREATE_AH_SLEEPABLE);
	if (IS_ERR(ibah))
		ret = PTR_ERR(ibah);
	else
		ah->ah = ibah;
out_unlock:
	mutex_unlock(&port->ah_mutex);
	return ret;
}

/* Process context (a resolution callback, or an InfiniBand port's get). */
static int rdmarpc_ah_create(struct rdmarpc_ah *ah)
{
	struct rdmarpc_port *port = ah->port;
	struct ib_device *ibdev = port->dev->ibdev;
	struct rdma_ah_attr attr = {};

	attr.type = rdma_ah_find_type(ibdev, port->port_num);
	rdma_ah_set_port_num(&attr, port->port_num);
	rdma_ah_set_sl(&attr, 0);
	rdma_ah_set_grh(&attr, &ah->dgid, 0, ah->sgid_attr->index,
			ah->hop_limit, 0);
	attr.grh.sgid_attr = ah->sgid_attr;
	if (attr.type == RDMA_AH_ATTR_TYPE_ROCE) {
		memcpy(attr.roce.dmac, ah->dmac, ETH_ALEN);
	} else {
		/* IB: only our own LID for now; path queries come later. */
		if (memcmp(&ah->dgid, &ah->sgid_attr->gid, sizeof(ah->dgid)))
			return -EOPNOTSUPP;
		rdma_ah_set_dlid(&attr, port->lid);
	}
	return rdmarpc_ah_create_hw(ah, &attr);
}

static void rdmarpc_ah_resolved(int status, struct sockaddr *src,
				struct rdma_dev_addr *addr, void *context)
{
	struct rdmarpc_ah *ah = context;

	if (!status) {
		memcpy(ah->dmac, addr->dst_dev_addr, ETH_ALEN);
		ah->hop_limit = addr->hoplimit;
		status = rdmarpc_ah_create(ah);
	}
	rdmarpc_ah_complete(ah, status);
}

static void rdmarpc_ah_resolve(struct rdmarpc_ah *ah)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} src, dst;
	int ret;

	if (ah->port->link_ib) {
		ah->hop_limit = 1;
		rdmarpc_ah_complete(ah, rdmarpc_ah_create(ah));
		return;
	}
	rdma_gid2ip(&src.sa, &ah->sgid_attr->gid);
	rdma_gid2ip(&dst.sa, &ah->dgid);
	if (src.sa.sa_family != dst.sa.sa_family) {
		rdmarpc_ah_complete(ah, -EAFNOSUPPORT);
		return;
	}
	ah->devaddr.net = &init_net;
	ah->devaddr.sgid_attr = ah->sgid_attr;
	ret = rdma_resolve_ip(&src.sa, &dst.sa, &ah->devaddr,
			      RDMARPC_RESOLVE_MS, rdmarpc_ah_resolved, true, ah);
	if (ret)
		rdmarpc_ah_complete(ah, ret);
}

const struct ib_gid_attr *rdmarpc_ah_sgid_for(struct rdmarpc_port *port,
					      const union ib_gid *dgid)
{
	const struct ib_gid_attr *attr = NULL;
	struct flowi4 fl4 = {};
	union ib_gid sgid;
	struct rtable *rt;

	/* RoCE and an IPv4 peer: the GID of the route's source address. */
	if (!port->link_ib && ipv6_addr_v4mapped((struct in6_addr *)dgid)) {
		memcpy(&fl4.daddr, &dgid->raw[12], 4);
		rt = ip_route_output_key(&init_net, &fl4);
		if (!IS_ERR(rt)) {
			ip_rt_put(rt);
			ipv6_addr_set_v4mapped(fl4.saddr,
					       (struct in6_addr *)&sgid);
			attr = rdma_find_gid_by_port(port->dev->ibdev, &sgid,
						     IB_GID_TYPE_ROCE_UDP_ENCAP,
						     port->port_num, NULL);
			if (!IS_ERR(attr))
				return attr;
		}
	}
	/* Otherwise the port's own choice. */
	spin_lock_bh(&port->ah_lock);
	attr = port->sgid_attr;
	if (attr)
		rdma_hold_gid_attr(attr);
	spin_unlock_bh(&port->ah_lock);
	return attr ?: ERR_PTR(-EADDRNOTAVAIL);
}

bool rdmarpc_ah_port_has_gid(struct rdmarpc_port *port,
			     const union ib_gid *gid)
{
	const struct ib_gid_attr *attr;

	attr = rdma_find_gid_by_port(port->dev->ibdev, gid,
				     IB_GID_TYPE_ROCE_UDP_ENCAP,
				     port->port_num, NULL);
	if (IS_ERR(attr))
		return false;
	rdma_put_gid_attr(attr);
	return true;
}

/* How well @port reaches the destination; 0: not at all (rdmarpc_lock). */
static int rdmarpc_ah_port_rank(struct rdmarpc_port *port,
				const union ib_gid *dgid,
				const union ib_gid *hint,
				const struct net_device *rdev, bool local)
{
	struct net_device *ndev;
	int rank = 1;

	lockdep_assert_held(&rdmarpc_lock);
	if (!port->up || rdmarpc_port_dead(port))
		return 0;
	if (port->link_ib || !port->sgid_attr)
		return rank;
	if (port->sgid_attr->gid_type == IB_GID_TYPE_ROCE_UDP_ENCAP)
		rank = 2;
	if (hint && rdmarpc_ah_port_has_gid(port, hint))
		rank = 3;
	if (local) {
		/* One of our addresses: the device that owns it. */
		if (rdmarpc_ah_port_has_gid(port, dgid))
			rank = 4;
	} else if (rdev) {
		rcu_read_lock();
		ndev = rdma_read_gid_attr_ndev_rcu(port->sgid_attr);
		if (!IS_ERR(ndev) && ndev == rdev)
			rank = 4;
		rcu_read_unlock();
	}
	return rank;
}

struct rdmarpc_port *rdmarpc_ah_port_for(const union ib_gid *dgid,
					 const union ib_gid *hint)
{
	struct rdmarpc_port *port, *best = NULL;
	struct net_device *rdev = NULL;
	struct rdmarpc_device *dev;
	int rank, best_rank = 0;
	bool local = false;
	struct flowi4 fl4;
	struct rtable *rt;
	u32 i;

	might_sleep();
	if (ipv6_addr_v4mapped((const struct in6_addr *)dgid)) {
		memset(&fl4, 0, sizeof(fl4));
		memcpy(&fl4.daddr, &dgid->raw[12], 4);
		rt = ip_route_output_key(&init_net, &fl4);
		if (!IS_ERR(rt)) {
			/* A local destination routes through lo, not a port. */
			local = rt->rt_type == RTN_LOCAL;
			rdev = rt->dst.dev;
			dev_hold(rdev);
			ip_rt_put(rt);
		}
	}
	mutex_lock(&rdmarpc_lock);
	list_for_each_entry(dev, &rdmarpc_devices, list) {
		for (i = 0; i < dev->nports; i++) {
			port = dev->ports[i];
			if (!port)
				continue;
			rank = rdmarpc_ah_port_rank(port, dgid, hint, rdev,
						    local);
			if (rank > best_rank) {
				best = port;
				best_rank = rank;
			}
		}
	}
	if (best && rdmarpc_port_enter(best))
		best = NULL;
	mutex_unlock(&rdmarpc_lock);
	if (rdev)
		dev_put(rdev);
	return best ?: ERR_PTR(-ENODEV);
}

struct rdmarpc_ah *rdmarpc_ah_get(struct rdmarpc_port *port,
				  const union ib_gid *dgid)
{
	const struct ib_gid_attr *sgid_attr;
	struct rdmarpc_ah *ah, *new;

	might_sleep();
	ah = rdmarpc_ah_lookup(port, dgid);
	if (ah)
		return ah;
	sgid_attr = rdmarpc_ah_sgid_for(port, dgid);
	if (IS_ERR(sgid_attr))
		return ERR_CAST(sgid_attr);
	new = rdmarpc_ah_alloc(port, dgid, sgid_attr);
	if (!new)
		return ERR_PTR(-ENOMEM);
	ah = rdmarpc_ah_insert(new);
	if (ah == new)
		rdmarpc_ah_resolve(new);
	return ah;
}

void rdmarpc_ah_cache_init(struct rdmarpc_port *port)
{
	spin_lock_init(&port->ah_lock);
	INIT_LIST_HEAD(&port->ah_list);
	atomic_set(&port->ah_cached, 0);
	atomic_set(&port->ah_count, 0);
	mutex_init(&port->ah_mutex);
	INIT_LIST_HEAD(&port->ah_all);
}

void rdmarpc_ah_cache_stop(struct rdmarpc_port *port)
{
	struct rdmarpc_ah *ah;

	lockdep_assert_held(&rdmarpc_lock);
	mutex_lock(&port->ah_mutex);
	port->ah_dead = true;
	list_for_each_entry(ah, &port->ah_all, all_node)
		rdmarpc_ah_release_hw(ah);
	mutex_unlock(&port->ah_mutex);
}

void rdmarpc_ah_cache_flush(struct rdmarpc_port *port)
{
	struct rdmarpc_ah *ah, *tmp;
	LIST_HEAD(list);

	lockdep_assert_held(&rdmarpc_lock);
	spin_lock_bh(&port->ah_lock);
	list_for_each_entry(ah, &port->ah_list, node)
		ah->cached = false;
	list_splice_init(&port->ah_list, &list);
	atomic_set(&port->ah_cached, 0);
	spin_unlock_bh(&port->ah_lock);

	list_for_each_entry_safe(ah, tmp, &list, node) {
		list_del_init(&ah->node);
		/* After this the resolution callback neither runs nor will. */
		rdma_addr_cancel(&ah->devaddr);
		if (rdmarpc_ah_status(ah) == -EINPROGRESS)
			rdmarpc_ah_complete(ah, -ECANCELED);
		rdmarpc_ah_put(ah);
	}
}
