// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: the ib_client.
 *
 * For every RDMA device and every port that is ACTIVE and has a usable GID:
 * a PD, a CQ polled in softirq context, one UD QP in RTS with the module's
 * QKey, a ring of DMA-mapped receive buffers (GRH + MTU) and a free list of
 * DMA-mapped send buffers.  Ports that are not ACTIVE when the device is
 * added are set up when the port becomes ACTIVE; a GID table change makes
 * the port choose its source GID again.
 *
 * Teardown (device removal or module unload): mark the port dead and wait
 * for its users to leave (they get -ENODEV), stop reposting, move the QP to
 * ERR and wait (bounded) for the flushed completions, then destroy the QP,
 * the AHs, the CQ and the PD, and unmap and free the rings.
 */
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <rdma/ib_cache.h>

#include "rdmarpc.h"
#include "ib.h"
#include "ah.h"

enum {
	RDMARPC_EV_STATE,	/* port state changed */
	RDMARPC_EV_GID,		/* GID table changed */
};

/* Receive buffers go back to the QP in chains of this many. */
#define RDMARPC_RX_BATCH	16
/* Datagrams up to this size are sent inline, where the device can. */
#define RDMARPC_MAX_INLINE	256
/* How long teardown waits for the flushed completions of a QP in ERR. */
#define RDMARPC_DRAIN_TIMEOUT	(5 * HZ)
/* How long teardown waits for the last AH of a port to be destroyed. */
#define RDMARPC_AH_TIMEOUT	(10 * HZ)

LIST_HEAD(rdmarpc_devices);
unsigned int rdmarpc_generation;

/* Random per module instance; the high bit clear (not a controlled QKey). */
static u32 rdmarpc_qkey;

static const struct rdmarpc_rx_ops __rcu *rdmarpc_rx_ops;

/*
 * Who hears of ports coming and going.  rdmarpc_lock protects the chain:
 * (un)registration and every call hold it, so a notifier unregistered is
 * not running and will not run.
 */
static RAW_NOTIFIER_HEAD(rdmarpc_port_chain);

static struct ib_client rdmarpc_client;

#ifdef DEBUG
/* Debug builds: receive completions flushed so far (tests bound it). */
static atomic_long_t rdmarpc_dbg_rx_flushed = ATOMIC_LONG_INIT(0);

static int rdmarpc_dbg_rx_flushed_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%ld\n",
			 atomic_long_read(&rdmarpc_dbg_rx_flushed));
}

static const struct kernel_param_ops rdmarpc_dbg_rx_flushed_ops = {
	.get = rdmarpc_dbg_rx_flushed_get,
};
module_param_cb(dbg_rx_flushed, &rdmarpc_dbg_rx_flushed_ops, NULL, 0444);
MODULE_PARM_DESC(dbg_rx_flushed, "Debug: receive completions flushed so far");

static void rdmarpc_dbg_count_flush(void)
{
	atomic_long_inc(&rdmarpc_dbg_rx_flushed);
}

/* Debug builds: writing 1 moves every set-up port's QP to ERR. */
static int rdmarpc_dbg_qp_err_set(const char *val,
				  const struct kernel_param *kp)
{
	struct ib_qp_attr attr = { .qp_state = IB_QPS_ERR };
	struct rdmarpc_device *dev;
	struct rdmarpc_port *port;
	unsigned int v;
	int ret;
	u32 i;

	ret = kstrtouint(val, 0, &v);
	if (ret)
		return ret;
	if (v != 1)
		return -EINVAL;
	mutex_lock(&rdmarpc_lock);
	list_for_each_entry(dev, &rdmarpc_devices, list) {
		for (i = 0; i < dev->nports; i++) {
			port = dev->ports[i];
			if (!port || !port->up || !port->qp)
				continue;
			ret = ib_modify_qp(port->qp, &attr, IB_QP_STATE);
			pr_info("device %s port %u: QP forced to ERR: %d\n",
				rdmarpc_port_name(port), port->port_num, ret);
		}
	}
	mutex_unlock(&rdmarpc_lock);
	return 0;
}

static const struct kernel_param_ops rdmarpc_dbg_qp_err_ops = {
	.set = rdmarpc_dbg_qp_err_set,
};
module_param_cb(dbg_qp_err, &rdmarpc_dbg_qp_err_ops, NULL, 0200);
MODULE_PARM_DESC(dbg_qp_err, "Debug: write 1 to move every port's QP to ERR");
#else
static inline void rdmarpc_dbg_count_flush(void)
{
}
#endif

static void rdmarpc_port_release(struct kref *ref)
{
	struct rdmarpc_port *port = container_of(ref, struct rdmarpc_port, ref);

	free_percpu(port->pcpu);
	kfree(port);
}

/* One datagram of @bytes sent (@tx) or received, on this CPU's counters. */
static void rdmarpc_port_count(struct rdmarpc_port *port, bool tx, u32 bytes)
{
	struct rdmarpc_port_pcpu *p = get_cpu_ptr(port->pcpu);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&p->syncp);
	if (tx) {
		u64_stats_inc(&p->tx_packets);
		u64_stats_add(&p->tx_bytes, bytes);
	} else {
		u64_stats_inc(&p->rx_packets);
		u64_stats_add(&p->rx_bytes, bytes);
	}
	u64_stats_update_end_irqrestore(&p->syncp, flags);
	put_cpu_ptr(port->pcpu);
}

void rdmarpc_port_read(const struct rdmarpc_port *port,
		       struct rdmarpc_port_counters *c)
{
	const struct rdmarpc_port_pcpu *p;
	u64 txp, txb, rxp, rxb;
	unsigned int start;
	int cpu;

	memset(c, 0, sizeof(*c));
	for_each_possible_cpu(cpu) {
		p = per_cpu_ptr(port->pcpu, cpu);
		do {
			start = u64_stats_fetch_begin(&p->syncp);
			txp = u64_stats_read(&p->tx_packets);
			txb = u64_stats_read(&p->tx_bytes);
			rxp = u64_stats_read(&p->rx_packets);
			rxb = u64_stats_read(&p->rx_bytes);
		} while (u64_stats_fetch_retry(&p->syncp, start));
		c->tx_packets += txp;
		c->tx_bytes += txb;
		c->rx_packets += rxp;
		c->rx_bytes += rxb;
	}
	c->tx_errors = atomic64_read(&port->stats.tx_errors);
	c->rx_errors = atomic64_read(&port->stats.rx_errors);
	c->rx_drops = atomic64_read(&port->stats.rx_drops);
	c->recv_posted = atomic_read(&port->rx_posted);
	c->ah_cached = atomic_read(&port->ah_cached);
}

void rdmarpc_port_get_ref(struct rdmarpc_port *port)
{
	kref_get(&port->ref);
}

void rdmarpc_port_put_ref(struct rdmarpc_port *port)
{
	kref_put(&port->ref, rdmarpc_port_release);
}

int rdmarpc_port_enter(struct rdmarpc_port *port)
{
	int ret = 0;

	lockdep_assert_held(&rdmarpc_lock);
	spin_lock_bh(&port->lock);
	if (port->dead || !port->up)
		ret = -ENODEV;
	else
		port->users++;
	spin_unlock_bh(&port->lock);
	if (!ret)
		kref_get(&port->ref);
	return ret;
}

struct rdmarpc_port *rdmarpc_port_find(const char *devname, u32 port_num)
{
	struct rdmarpc_port *port = ERR_PTR(-ENODEV);
	struct rdmarpc_device *dev;
	u32 start;

	mutex_lock(&rdmarpc_lock);
	list_for_each_entry(dev, &rdmarpc_devices, list) {
		if (strcmp(dev_name(&dev->ibdev->dev), devname))
			continue;
		start = rdma_start_port(dev->ibdev);
		if (port_num < start || port_num - start >= dev->nports ||
		    !dev->ports[port_num - start])
			break;
		if (!rdmarpc_port_enter(dev->ports[port_num - start]))
			port = dev->ports[port_num - start];
		break;
	}
	mutex_unlock(&rdmarpc_lock);
	return port;
}

void rdmarpc_port_put(struct rdmarpc_port *port)
{
	spin_lock_bh(&port->lock);
	port->users--;
	spin_unlock_bh(&port->lock);
	wake_up_all(&port->wq);
	kref_put(&port->ref, rdmarpc_port_release);
}

bool rdmarpc_port_dead(struct rdmarpc_port *port)
{
	return READ_ONCE(port->dead);
}

void rdmarpc_ib_set_rx_ops(const struct rdmarpc_rx_ops *ops)
{
	rcu_assign_pointer(rdmarpc_rx_ops, ops);
	if (!ops)
		synchronize_rcu();
}

int rdmarpc_port_tap_register(struct rdmarpc_port *port,
			      struct rdmarpc_rx_tap *tap)
{
	int ret = 0;

	spin_lock_bh(&port->lock);
	if (port->dead)
		ret = -ENODEV;
	else if (rcu_access_pointer(port->rx_tap))
		ret = -EBUSY;
	else
		rcu_assign_pointer(port->rx_tap, tap);
	spin_unlock_bh(&port->lock);
	return ret;
}

void rdmarpc_port_tap_unregister(struct rdmarpc_port *port,
				 struct rdmarpc_rx_tap *tap)
{
	spin_lock_bh(&port->lock);
	WARN_ON_ONCE(rcu_access_pointer(port->rx_tap) != tap);
	RCU_INIT_POINTER(port->rx_tap, NULL);
	spin_unlock_bh(&port->lock);
	/* The receive path calls ->rx under rcu_read_lock(). */
	synchronize_rcu();
}

int rdmarpc_port_notifier_register(struct notifier_block *nb)
{
	int ret;

	mutex_lock(&rdmarpc_lock);
	ret = raw_notifier_chain_register(&rdmarpc_port_chain, nb);
	mutex_unlock(&rdmarpc_lock);
	return ret;
}

void rdmarpc_port_notifier_unregister(struct notifier_block *nb)
{
	mutex_lock(&rdmarpc_lock);
	raw_notifier_chain_unregister(&rdmarpc_port_chain, nb);
	mutex_unlock(&rdmarpc_lock);
}

static void rdmarpc_port_notify(struct rdmarpc_port *port,
				enum rdmarpc_port_event ev)
{
	lockdep_assert_held(&rdmarpc_lock);
	raw_notifier_call_chain(&rdmarpc_port_chain, ev, port);
}

/* ---- GID choice ---- */

/*
 * The source GID when no peer is known (doc/architecture.md, GIDs): the forced
 * index if valid; on InfiniBand index 0; on RoCE the first RoCE v2 GID with
 * an IPv4-mapped address, else the first RoCE v2 GID, else index 0.
 * Returns a held attribute or an ERR_PTR.
 */
static const struct ib_gid_attr *rdmarpc_choose_gid(struct rdmarpc_port *port)
{
	struct ib_device *ibdev = port->dev->ibdev;
	const struct ib_gid_attr *attr, *v2 = NULL;
	int forced = READ_ONCE(rdmarpc_gid_index);
	int i;

	if (forced >= 0) {
		attr = rdma_get_gid_attr(ibdev, port->port_num, forced);
		if (!IS_ERR(attr))
			return attr;
		pr_notice("device %s port %u: gid_index %d is not a valid GID, choosing automatically\n",
			  dev_name(&ibdev->dev), port->port_num, forced);
	}
	if (port->link_ib)
		return rdma_get_gid_attr(ibdev, port->port_num, 0);

	for (i = 0; i < port->gid_tbl_len; i++) {
		attr = rdma_get_gid_attr(ibdev, port->port_num, i);
		if (IS_ERR(attr))
			continue;
		if (attr->gid_type == IB_GID_TYPE_ROCE_UDP_ENCAP) {
			if (ipv6_addr_v4mapped((struct in6_addr *)attr->gid.raw)) {
				if (v2)
					rdma_put_gid_attr(v2);
				return attr;
			}
			if (!v2) {
				v2 = attr;
				continue;
			}
		}
		rdma_put_gid_attr(attr);
	}
	if (v2)
		return v2;
	return rdma_get_gid_attr(ibdev, port->port_num, 0);
}

/* Install @attr (a held reference) as the port's source GID. */
static void rdmarpc_port_set_gid(struct rdmarpc_port *port,
				 const struct ib_gid_attr *attr)
{
	const struct ib_gid_attr *old;

	lockdep_assert_held(&rdmarpc_lock);
	spin_lock_bh(&port->ah_lock);
	old = port->sgid_attr;
	port->sgid_attr = attr;
	port->gid_index = attr ? attr->index : -1;
	if (attr)
		port->sgid = attr->gid;
	spin_unlock_bh(&port->ah_lock);
	if (old)
		rdma_put_gid_attr(old);
}

/* Choose the GID again after a GID table change or a gid_index change. */
static void rdmarpc_port_update_gid(struct rdmarpc_port *port)
{
	const struct ib_gid_attr *attr;

	lockdep_assert_held(&rdmarpc_lock);
	if (!port->up)
		return;
	attr = rdmarpc_choose_gid(port);
	if (IS_ERR(attr)) {
		pr_debug("device %s port %u: no usable GID, keeping index %d\n",
			 rdmarpc_port_name(port), port->port_num,
			 port->gid_index);
		return;
	}
	if (attr->index == port->gid_index &&
	    !memcmp(&attr->gid, &port->sgid, sizeof(attr->gid))) {
		rdma_put_gid_attr(attr);
		return;
	}
	pr_debug("device %s port %u: source GID index %d -> %u\n",
		 rdmarpc_port_name(port), port->port_num, port->gid_index,
		 attr->index);
	rdmarpc_port_set_gid(port, attr);
	/* Cached AHs carry the old source GID; new ones get the new one. */
	rdmarpc_ah_cache_flush(port);
	rdmarpc_generation++;
}

/* ---- Receive ring ---- */

static void rdmarpc_rx_done(struct ib_cq *cq, struct ib_wc *wc);

/*
 * Post a chain of receive buffers; rx_lock held, or at set-up (rdmarpc_lock
 * held) before the QP is used.
 */
static void rdmarpc_rx_post(struct rdmarpc_port *port,
			    struct rdmarpc_buf *first, unsigned int n)
{
	struct ib_device *ibdev = port->dev->ibdev;
	const struct ib_recv_wr *bad = NULL;
	const struct ib_recv_wr *wr;
	struct rdmarpc_buf *b;
	int ret;

	lockdep_assert(lockdep_is_held(&port->rx_lock) ||
		       lockdep_is_held(&rdmarpc_lock));
	for (b = first; b; b = b->next) {
		ib_dma_sync_single_for_device(ibdev, b->dma, b->len,
					      DMA_FROM_DEVICE);
		b->rwr.next = b->next ? &b->next->rwr : NULL;
	}
	atomic_add(n, &port->rx_posted);
	ret = ib_post_recv(port->qp, &first->rwr, &bad);
	if (unlikely(ret)) {
		/* Only when the QP is going away: these buffers stay idle. */
		for (wr = bad; wr; wr = wr->next)
			atomic_dec(&port->rx_posted);
		atomic64_inc(&port->stats.rx_errors);
		pr_debug("device %s port %u: ib_post_recv: %d\n",
			 rdmarpc_port_name(port), port->port_num, ret);
	}
}

/*
 * Give a receive buffer back; reposted in batches, or kept in the batch
 * while the QP is in error (a flushed receive reposted to a QP in ERR
 * would only flush again, for ever).  CQ context.
 */
static void rdmarpc_rx_recycle(struct rdmarpc_port *port,
			       struct rdmarpc_buf *buf)
{
	struct rdmarpc_buf *chain = NULL;
	unsigned int n = 0;

	spin_lock(&port->rx_lock);
	if (!port->rx_stop) {
		buf->next = port->rx_batch;
		port->rx_batch = buf;
		if ((++port->rx_batch_len >= RDMARPC_RX_BATCH ||
		     atomic_read(&port->rx_posted) < RDMARPC_RX_BATCH) &&
		    !port->rx_err) {
			chain = port->rx_batch;
			n = port->rx_batch_len;
			port->rx_batch = NULL;
			port->rx_batch_len = 0;
			rdmarpc_rx_post(port, chain, n);
		}
	}
	spin_unlock(&port->rx_lock);
}

/*
 * A receive flushed while the port is not being torn down: the QP went to
 * ERR.  Stop reposting and let the error work reset the QP.  CQ context.
 */
static void rdmarpc_rx_flushed(struct rdmarpc_port *port)
{
	bool first = false;

	rdmarpc_dbg_count_flush();
	spin_lock(&port->rx_lock);
	if (!port->rx_stop && !port->rx_err) {
		port->rx_err = true;
		first = true;
	}
	spin_unlock(&port->rx_lock);
	if (first)
		queue_work(rdmarpc_wq, &port->err_work);
}

/*
 * The one place a received datagram goes to its handler: the port's tap
 * first if it has one (the loopback test's datagrams), else the session
 * layer's handler.  False: nobody took it.
 */
static bool rdmarpc_rx_demux(struct rdmarpc_port *port,
			     const struct rdmarpc_rx *rx)
{
	const struct rdmarpc_rx_ops *ops;
	struct rdmarpc_rx_tap *tap;
	bool consumed = false;

	rcu_read_lock();
	tap = rcu_dereference(port->rx_tap);
	if (tap)
		consumed = tap->rx(tap, port, rx);
	if (!consumed) {
		ops = rcu_dereference(rdmarpc_rx_ops);
		if (ops)
			consumed = ops->rx(port, rx);
	}
	rcu_read_unlock();
	return consumed;
}

static void rdmarpc_rx_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct rdmarpc_buf *buf = container_of(wc->wr_cqe, struct rdmarpc_buf,
					       cqe);
	struct rdmarpc_port *port = cq->cq_context;
	struct rdmarpc_rx rx;

	if (unlikely(wc->status != IB_WC_SUCCESS)) {
		if (wc->status == IB_WC_WR_FLUSH_ERR) {
			rdmarpc_rx_flushed(port);
		} else {
			atomic64_inc(&port->stats.rx_errors);
			pr_debug_ratelimited("device %s port %u: receive: %s\n",
					     rdmarpc_port_name(port),
					     port->port_num,
					     ib_wc_status_msg(wc->status));
		}
		goto out;
	}
	if (unlikely(wc->byte_len < RDMARPC_GRH_LEN ||
		     wc->byte_len > buf->len)) {
		atomic64_inc(&port->stats.rx_drops);
		goto out;
	}
	ib_dma_sync_single_for_cpu(port->dev->ibdev, buf->dma, wc->byte_len,
				   DMA_FROM_DEVICE);
	rx.grh = buf->data;
	rx.data = buf->data + RDMARPC_GRH_LEN;
	rx.len = wc->byte_len - RDMARPC_GRH_LEN;
	rx.wc = wc;
	rdmarpc_port_count(port, false, rx.len);
	if (!rdmarpc_rx_demux(port, &rx))
		atomic64_inc(&port->stats.rx_drops);
out:
	if (atomic_dec_and_test(&port->rx_posted))
		wake_up_all(&port->wq);
	rdmarpc_rx_recycle(port, buf);
}

/* ---- Send ring ---- */

static void rdmarpc_tx_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct rdmarpc_buf *buf = container_of(wc->wr_cqe, struct rdmarpc_buf,
					       cqe);
	struct rdmarpc_port *port = cq->cq_context;
	struct rdmarpc_ah *ah;

	if (unlikely(wc->status != IB_WC_SUCCESS &&
		     wc->status != IB_WC_WR_FLUSH_ERR)) {
		atomic64_inc(&port->stats.tx_errors);
		pr_debug_ratelimited("device %s port %u: send: %s\n",
				     rdmarpc_port_name(port), port->port_num,
				     ib_wc_status_msg(wc->status));
	}
	spin_lock(&port->tx_lock);
	ah = buf->ah;
	buf->ah = NULL;
	buf->next = port->tx_free;
	port->tx_free = buf;
	spin_unlock(&port->tx_lock);
	atomic_dec(&port->tx_posted);
	/* The AH may go only now that the send that used it is complete. */
	if (ah)
		rdmarpc_ah_put(ah);
	if (wq_has_sleeper(&port->wq))
		wake_up_all(&port->wq);
}

bool rdmarpc_port_can_send(struct rdmarpc_port *port)
{
	return READ_ONCE(port->tx_free) || READ_ONCE(port->dead);
}

void *rdmarpc_port_tx_get(struct rdmarpc_port *port,
			  struct rdmarpc_buf **bufp)
{
	struct rdmarpc_buf *buf = NULL;

	spin_lock_bh(&port->tx_lock);
	if (likely(!port->tx_stop)) {
		buf = port->tx_free;
		if (buf)
			port->tx_free = buf->next;
	}
	spin_unlock_bh(&port->tx_lock);
	*bufp = buf;
	return buf ? buf->data : NULL;
}

void rdmarpc_port_tx_put(struct rdmarpc_port *port, struct rdmarpc_buf *buf)
{
	spin_lock_bh(&port->tx_lock);
	buf->next = port->tx_free;
	port->tx_free = buf;
	spin_unlock_bh(&port->tx_lock);
}

int rdmarpc_port_tx_post(struct rdmarpc_port *port, struct rdmarpc_buf *buf,
			 struct rdmarpc_ah *ah, u32 qpn, u32 qkey, u32 len)
{
	const struct ib_send_wr *bad;
	struct ib_ud_wr wr = {};
	int ret;

	ret = rdmarpc_ah_status(ah);
	if (ret) {
		ret = ret == -EINPROGRESS ? -EAGAIN : ret;
		goto out_put;
	}
	ib_dma_sync_single_for_device(port->dev->ibdev, buf->dma, len,
				      DMA_TO_DEVICE);
	buf->sge.length = len;
	wr.wr.wr_cqe = &buf->cqe;
	wr.wr.sg_list = &buf->sge;
	wr.wr.num_sge = 1;
	wr.wr.opcode = IB_WR_SEND;
	/* Every send signalled: its completion releases the buffer and AH. */
	wr.wr.send_flags = IB_SEND_SIGNALED;
	if (len <= port->max_inline)
		wr.wr.send_flags |= IB_SEND_INLINE;
	wr.ah = ah->ah;
	wr.remote_qpn = qpn;
	wr.remote_qkey = qkey;

	spin_lock_bh(&port->tx_lock);
	if (unlikely(port->tx_stop)) {
		spin_unlock_bh(&port->tx_lock);
		ret = -ENODEV;
		goto out_put;
	}
	rdmarpc_ah_hold(ah);
	buf->ah = ah;
	atomic_inc(&port->tx_posted);
	ret = ib_post_send(port->qp, &wr.wr, &bad);
	if (unlikely(ret)) {
		atomic_dec(&port->tx_posted);
		buf->ah = NULL;
		buf->next = port->tx_free;
		port->tx_free = buf;
		spin_unlock_bh(&port->tx_lock);
		atomic64_inc(&port->stats.tx_errors);
		rdmarpc_ah_put(ah);
		return ret;
	}
	spin_unlock_bh(&port->tx_lock);
	rdmarpc_port_count(port, true, len);
	return 0;

out_put:
	rdmarpc_port_tx_put(port, buf);
	return ret;
}

int rdmarpc_port_send(struct rdmarpc_port *port, struct rdmarpc_ah *ah,
		      u32 qpn, u32 qkey, const void *hdr, u32 hdr_len,
		      const void *data, u32 len)
{
	struct rdmarpc_buf *buf;
	u8 *p;

	if (hdr_len > port->mtu || len > port->mtu - hdr_len)
		return -EMSGSIZE;
	p = rdmarpc_port_tx_get(port, &buf);
	if (!p)
		return READ_ONCE(port->tx_stop) ? -ENODEV : -ENOBUFS;
	if (hdr_len)
		memcpy(p, hdr, hdr_len);
	if (len)
		memcpy(p + hdr_len, data, len);
	return rdmarpc_port_tx_post(port, buf, ah, qpn, qkey, hdr_len + len);
}

/* Drop the AHs of sends that will never complete (QP destroyed). */
static void rdmarpc_tx_reclaim(struct rdmarpc_port *port)
{
	struct rdmarpc_ah *ah;
	u32 i;

	for (i = 0; i < port->send_depth; i++) {
		spin_lock_bh(&port->tx_lock);
		ah = port->tx_bufs[i].ah;
		port->tx_bufs[i].ah = NULL;
		spin_unlock_bh(&port->tx_lock);
		if (ah)
			rdmarpc_ah_put(ah);
	}
}

/* ---- Rings ---- */

static void rdmarpc_ring_free(struct rdmarpc_port *port,
			      struct rdmarpc_buf *bufs, u32 n,
			      enum dma_data_direction dir)
{
	u32 i;

	if (!bufs)
		return;
	for (i = 0; i < n && bufs[i].data; i++) {
		ib_dma_unmap_single(port->dev->ibdev, bufs[i].dma, bufs[i].len,
				    dir);
		kfree(bufs[i].data);
	}
	kvfree(bufs);
}

static struct rdmarpc_buf *rdmarpc_ring_alloc(struct rdmarpc_port *port,
					      u32 n, u32 size,
					      enum dma_data_direction dir,
					      void (*done)(struct ib_cq *,
							   struct ib_wc *))
{
	struct ib_device *ibdev = port->dev->ibdev;
	struct rdmarpc_buf *bufs, *b;
	u32 i;

	bufs = kvcalloc(n, sizeof(*bufs), GFP_KERNEL);
	if (!bufs)
		return NULL;
	for (i = 0; i < n; i++) {
		b = &bufs[i];
		b->data = kmalloc(size, GFP_KERNEL);
		if (!b->data)
			goto out_free;
		b->dma = ib_dma_map_single(ibdev, b->data, size, dir);
		if (ib_dma_mapping_error(ibdev, b->dma)) {
			kfree(b->data);
			b->data = NULL;
			goto out_free;
		}
		b->len = size;
		b->port = port;
		b->cqe.done = done;
		b->sge.addr = b->dma;
		b->sge.length = size;
		b->rwr.wr_cqe = &b->cqe;
		b->rwr.sg_list = &b->sge;
		b->rwr.num_sge = 1;
	}
	return bufs;

out_free:
	rdmarpc_ring_free(port, bufs, n, dir);
	return NULL;
}

/* ---- Port set-up and teardown ---- */

static void rdmarpc_qp_event(struct ib_event *ev, void *context)
{
	struct rdmarpc_port *port = context;

	pr_debug("device %s port %u: QP event %s\n", rdmarpc_port_name(port),
		 port->port_num, ib_event_msg(ev->event));
	switch (ev->event) {
	case IB_EVENT_QP_FATAL:
	case IB_EVENT_QP_REQ_ERR:
	case IB_EVENT_QP_ACCESS_ERR:
		/* The QP is in ERR, or will be: the error work resets it. */
		queue_work(rdmarpc_wq, &port->err_work);
		break;
	default:
		break;
	}
}

/*
 * RESET -> INIT -> RTR -> RTS, posting the chain @first of @n receive
 * buffers (if any) in INIT.
 */
static int rdmarpc_qp_modify(struct rdmarpc_port *port,
			     struct rdmarpc_buf *first, unsigned int n)
{
	struct ib_qp_attr attr = {};
	int ret;

	attr.qp_state = IB_QPS_INIT;
	attr.qkey = port->qkey;
	attr.port_num = port->port_num;
	attr.pkey_index = port->pkey_index;
	ret = ib_modify_qp(port->qp, &attr, IB_QP_STATE | IB_QP_PKEY_INDEX |
			   IB_QP_PORT | IB_QP_QKEY);
	if (ret)
		return ret;

	/* Receives may be posted from INIT on; post them before RTR. */
	if (first)
		rdmarpc_rx_post(port, first, n);

	attr.qp_state = IB_QPS_RTR;
	ret = ib_modify_qp(port->qp, &attr, IB_QP_STATE);
	if (ret)
		return ret;

	attr.qp_state = IB_QPS_RTS;
	attr.sq_psn = 0;
	return ib_modify_qp(port->qp, &attr, IB_QP_STATE | IB_QP_SQ_PSN);
}

/* Move the QP to ERR and wait (bounded) for every posted WR to flush. */
static void rdmarpc_qp_drain(struct rdmarpc_port *port)
{
	struct ib_qp_attr attr = { .qp_state = IB_QPS_ERR };
	unsigned long start = jiffies;
	int ret;

	/*
	 * Not ib_drain_qp(): it posts an RDMA WRITE to mark the end of the
	 * send queue, which a UD QP refuses.  As ipoib does: ERR, then wait
	 * for the rings to empty.
	 */
	ret = ib_modify_qp(port->qp, &attr, IB_QP_STATE);
	if (ret)
		pr_debug("device %s port %u: QP to ERR: %d\n",
			 rdmarpc_port_name(port), port->port_num, ret);
	if (!wait_event_timeout(port->wq, !atomic_read(&port->rx_posted) &&
				!atomic_read(&port->tx_posted),
				RDMARPC_DRAIN_TIMEOUT))
		pr_warn("device %s port %u: drain timed out (%d receives, %d sends outstanding)\n",
			rdmarpc_port_name(port), port->port_num,
			atomic_read(&port->rx_posted),
			atomic_read(&port->tx_posted));
	else
		pr_debug("device %s port %u: drained in %u ms\n",
			 rdmarpc_port_name(port), port->port_num,
			 jiffies_to_msecs(jiffies - start));
}

/*
 * The port cannot recover from a QP error: mark it dead as a removal would
 * (users get -ENODEV and leave); `rdma link delete` still tears it down.
 */
static void rdmarpc_port_fail(struct rdmarpc_port *port, const char *why,
			      int err)
{
	lockdep_assert_held(&rdmarpc_lock);
	pr_warn_ratelimited("device %s port %u: QP in error, %s (%d): port unusable until the device is removed\n",
			    rdmarpc_port_name(port), port->port_num, why, err);
	spin_lock_bh(&port->lock);
	WRITE_ONCE(port->dead, true);
	spin_unlock_bh(&port->lock);
	wake_up_all(&port->wq);
	rdmarpc_generation++;
}

/*
 * The QP went to ERR outside teardown (a fatal QP event, or receives came
 * back flushed): as ipoib does, let every WR flush (RESET would drop them
 * without a completion, leaking their buffers and AHs), then RESET -> INIT
 * -> RTR -> RTS and repost the receives.  Sends fail meanwhile (-ENODEV);
 * the sessions retransmit.  Counted in rx_errors.
 */
static void rdmarpc_port_recover(struct rdmarpc_port *port)
{
	struct ib_qp_attr attr = { .qp_state = IB_QPS_ERR };
	struct rdmarpc_buf *chain;
	unsigned int n;
	int ret;

	lockdep_assert_held(&rdmarpc_lock);
	if (!port->up || rdmarpc_port_dead(port))
		return;
	spin_lock_bh(&port->rx_lock);
	if (port->rx_stop) {
		spin_unlock_bh(&port->rx_lock);
		return;
	}
	port->rx_err = true;	/* also after a QP event without flushes */
	spin_unlock_bh(&port->rx_lock);
	spin_lock_bh(&port->tx_lock);
	port->tx_stop = true;
	spin_unlock_bh(&port->tx_lock);

	atomic64_inc(&port->stats.rx_errors);
	pr_warn_ratelimited("device %s port %u: QP in error, resetting it\n",
			    rdmarpc_port_name(port), port->port_num);
	ret = ib_modify_qp(port->qp, &attr, IB_QP_STATE);
	if (ret) {
		rdmarpc_port_fail(port, "QP to ERR failed", ret);
		return;
	}
	if (!wait_event_timeout(port->wq, !atomic_read(&port->rx_posted) &&
				!atomic_read(&port->tx_posted),
				RDMARPC_DRAIN_TIMEOUT)) {
		rdmarpc_port_fail(port, "flush timed out", -ETIMEDOUT);
		return;
	}
	attr.qp_state = IB_QPS_RESET;
	ret = ib_modify_qp(port->qp, &attr, IB_QP_STATE);
	if (!ret)
		ret = rdmarpc_qp_modify(port, NULL, 0);
	if (ret) {
		rdmarpc_port_fail(port, "QP reset failed", ret);
		return;
	}

	/* Every receive not posted waits in the batch: post them all. */
	spin_lock_bh(&port->rx_lock);
	port->rx_err = false;
	chain = port->rx_batch;
	n = port->rx_batch_len;
	port->rx_batch = NULL;
	port->rx_batch_len = 0;
	if (chain)
		rdmarpc_rx_post(port, chain, n);
	spin_unlock_bh(&port->rx_lock);
	spin_lock_bh(&port->tx_lock);
	port->tx_stop = false;
	spin_unlock_bh(&port->tx_lock);
	pr_notice_ratelimited("device %s port %u: QP reset, %u receives posted again\n",
			      rdmarpc_port_name(port), port->port_num, n);
}

static void rdmarpc_port_err_work(struct work_struct *work)
{
	struct rdmarpc_port *port = container_of(work, struct rdmarpc_port,
						 err_work);

	mutex_lock(&rdmarpc_lock);
	if (!port->dev->dying)
		rdmarpc_port_recover(port);
	mutex_unlock(&rdmarpc_lock);
}

/* The port's attributes, and the rings' depths.  -ENETDOWN: not ACTIVE. */
static int rdmarpc_port_query(struct rdmarpc_port *port)
{
	struct ib_device *ibdev = port->dev->ibdev;
	struct ib_port_attr pattr;
	u32 max_wr;
	int ret;

	lockdep_assert_held(&rdmarpc_lock);
	ret = ib_query_port(ibdev, port->port_num, &pattr);
	if (ret)
		return ret;
	if (pattr.state != IB_PORT_ACTIVE)
		return -ENETDOWN;
	port->link_ib = rdma_protocol_ib(ibdev, port->port_num);
	port->gid_tbl_len = pattr.gid_tbl_len;
	port->mtu = ib_mtu_enum_to_int(pattr.active_mtu);
	port->lid = pattr.lid;
	if (ib_find_pkey(ibdev, port->port_num, 0xffff, &port->pkey_index))
		port->pkey_index = 0;
	max_wr = min_t(u32, ibdev->attrs.max_qp_wr,
		       (ibdev->attrs.max_cqe - 1) / 2);
	port->recv_depth = min(READ_ONCE(rdmarpc_recv_depth), max_wr);
	port->send_depth = min(READ_ONCE(rdmarpc_send_depth), max_wr);
	port->qkey = rdmarpc_qkey;
	return 0;
}

/* The receive ring, chained for its first post, and the send free list. */
static int rdmarpc_port_alloc_rings(struct rdmarpc_port *port)
{
	u32 i;

	lockdep_assert_held(&rdmarpc_lock);
	port->rx_bufs = rdmarpc_ring_alloc(port, port->recv_depth,
					   RDMARPC_GRH_LEN + port->mtu,
					   DMA_FROM_DEVICE, rdmarpc_rx_done);
	if (!port->rx_bufs)
		return -ENOMEM;
	for (i = 0; i + 1 < port->recv_depth; i++)
		port->rx_bufs[i].next = &port->rx_bufs[i + 1];

	port->tx_bufs = rdmarpc_ring_alloc(port, port->send_depth, port->mtu,
					   DMA_TO_DEVICE, rdmarpc_tx_done);
	if (!port->tx_bufs)
		return -ENOMEM;
	for (i = 0; i + 1 < port->send_depth; i++)
		port->tx_bufs[i].next = &port->tx_bufs[i + 1];
	port->tx_free = port->tx_bufs;
	return 0;
}

/* The PD, the CQ and the UD QP, in RESET; on failure what exists stays. */
static int rdmarpc_port_create_qp(struct rdmarpc_port *port)
{
	struct ib_device *ibdev = port->dev->ibdev;
	struct ib_qp_init_attr init = {};
	struct ib_pd *pd;
	struct ib_cq *cq;
	struct ib_qp *qp;
	u32 i;

	lockdep_assert_held(&rdmarpc_lock);
	pd = ib_alloc_pd(ibdev, 0);
	if (IS_ERR(pd))
		return PTR_ERR(pd);
	port->pd = pd;
	for (i = 0; i < port->recv_depth; i++)
		port->rx_bufs[i].sge.lkey = pd->local_dma_lkey;
	for (i = 0; i < port->send_depth; i++)
		port->tx_bufs[i].sge.lkey = pd->local_dma_lkey;

	/* +1: room for a drain marker should one ever be posted. */
	cq = ib_alloc_cq(ibdev, port, port->recv_depth + port->send_depth + 1,
			 port->port_num % max(ibdev->num_comp_vectors, 1),
			 IB_POLL_SOFTIRQ);
	if (IS_ERR(cq))
		return PTR_ERR(cq);
	port->cq = cq;

	init.event_handler = rdmarpc_qp_event;
	init.qp_context = port;
	init.send_cq = cq;
	init.recv_cq = cq;
	init.cap.max_send_wr = port->send_depth;
	init.cap.max_recv_wr = port->recv_depth;
	init.cap.max_send_sge = 1;
	init.cap.max_recv_sge = 1;
	init.sq_sig_type = IB_SIGNAL_REQ_WR;
	init.qp_type = IB_QPT_UD;
	/*
	 * Small datagrams (acks, small calls) go inline in the send WR where
	 * the device can: it copies them at post time instead of reading the
	 * buffer by DMA.  A device that refuses the size gets a QP without.
	 */
	init.cap.max_inline_data = RDMARPC_MAX_INLINE;
	qp = ib_create_qp(pd, &init);
	if (IS_ERR(qp)) {
		init.cap.max_inline_data = 0;
		qp = ib_create_qp(pd, &init);
	}
	if (IS_ERR(qp))
		return PTR_ERR(qp);
	port->qp = qp;
	/* What the device granted, which may be more than asked. */
	port->max_inline = min_t(u32, init.cap.max_inline_data, port->mtu);
	return 0;
}

/* From here on no receive is reposted and no send is posted. */
static void rdmarpc_port_stop_rings(struct rdmarpc_port *port)
{
	spin_lock_bh(&port->rx_lock);
	port->rx_stop = true;
	spin_unlock_bh(&port->rx_lock);
	spin_lock_bh(&port->tx_lock);
	port->tx_stop = true;
	spin_unlock_bh(&port->tx_lock);
}

/* Open the rings and the AH cache, and bring the QP to RTS. */
static int rdmarpc_port_start(struct rdmarpc_port *port)
{
	int ret;

	lockdep_assert_held(&rdmarpc_lock);
	port->rx_stop = false;
	port->rx_err = false;
	port->tx_stop = false;
	mutex_lock(&port->ah_mutex);
	port->ah_dead = false;
	mutex_unlock(&port->ah_mutex);
	ret = rdmarpc_qp_modify(port, port->rx_bufs, port->recv_depth);
	if (ret)
		rdmarpc_port_stop_rings(port);
	return ret;
}

/*
 * QP -> AH: the QP is gone, so no send can complete any more and no AH is
 * in use by one.  The cache lets go of its entries; their other holders
 * get some time to.
 */
static void rdmarpc_port_drop_ahs(struct rdmarpc_port *port)
{
	rdmarpc_tx_reclaim(port);
	rdmarpc_ah_cache_flush(port);
	if (!wait_event_timeout(port->wq, !atomic_read(&port->ah_count),
				RDMARPC_AH_TIMEOUT))
		pr_warn("device %s port %u: %d AHs still held after %u s, destroying them now\n",
			rdmarpc_port_name(port), port->port_num,
			atomic_read(&port->ah_count), RDMARPC_AH_TIMEOUT / HZ);
	/* Any AH left (still held, or its free work late) goes before the PD. */
	rdmarpc_ah_cache_stop(port);
}

/*
 * Release whichever of the port's resources exist: the error path of
 * rdmarpc_port_setup() and rdmarpc_port_teardown() share this.  The rings
 * are stopped and the QP idle: never in RTS, or drained.
 */
static void rdmarpc_port_release_res(struct rdmarpc_port *port)
{
	lockdep_assert_held(&rdmarpc_lock);
	if (port->qp) {
		ib_destroy_qp(port->qp);
		port->qp = NULL;
	}
	/* Only a port that was up has users: sends, AHs. */
	if (port->up)
		rdmarpc_port_drop_ahs(port);
	/* AH -> CQ -> PD: completion handlers have all returned after this. */
	if (port->cq) {
		ib_free_cq(port->cq);
		port->cq = NULL;
	}
	if (port->pd) {
		ib_dealloc_pd(port->pd);
		port->pd = NULL;
	}

	port->tx_free = NULL;
	rdmarpc_ring_free(port, port->tx_bufs, port->send_depth,
			  DMA_TO_DEVICE);
	port->tx_bufs = NULL;
	rdmarpc_ring_free(port, port->rx_bufs, port->recv_depth,
			  DMA_FROM_DEVICE);
	port->rx_bufs = NULL;
	port->rx_batch = NULL;
	port->rx_batch_len = 0;
	port->rx_err = false;
	atomic_set(&port->rx_posted, 0);
	atomic_set(&port->tx_posted, 0);
	rdmarpc_port_set_gid(port, NULL);
}

static int rdmarpc_port_setup(struct rdmarpc_port *port)
{
	const struct ib_gid_attr *attr;
	int ret;

	lockdep_assert_held(&rdmarpc_lock);
	if (port->up || port->dead)
		return 0;

	ret = rdmarpc_port_query(port);
	if (ret)
		return ret;
	attr = rdmarpc_choose_gid(port);
	if (IS_ERR(attr))
		return -EADDRNOTAVAIL;
	rdmarpc_port_set_gid(port, attr);

	ret = rdmarpc_port_alloc_rings(port);
	if (ret)
		goto out_release;
	ret = rdmarpc_port_create_qp(port);
	if (ret)
		goto out_release;
	ret = rdmarpc_port_start(port);
	if (ret)
		goto out_release;

	port->qpn = port->qp->qp_num;
	port->up = true;
	rdmarpc_generation++;
	pr_debug("device %s port %u created: qpn 0x%x qkey 0x%08x gid index %d mtu %u recv %u send %u inline %u\n",
		 rdmarpc_port_name(port), port->port_num, port->qpn,
		 port->qkey, port->gid_index, port->mtu, port->recv_depth,
		 port->send_depth, port->max_inline);
	rdmarpc_port_notify(port, RDMARPC_PORT_EV_UP);
	return 0;

out_release:
	rdmarpc_port_release_res(port);
	return ret;
}

static void rdmarpc_port_teardown(struct rdmarpc_port *port)
{
	lockdep_assert_held(&rdmarpc_lock);
	if (!port->up)
		return;
	/* Only once every user has left (see rdmarpc_remove()). */
	WARN_ON_ONCE(port->users);

	rdmarpc_port_notify(port, RDMARPC_PORT_EV_DOWN);
	rdmarpc_port_stop_rings(port);
	rdmarpc_qp_drain(port);
	rdmarpc_port_release_res(port);

	port->up = false;
	rdmarpc_generation++;
	pr_debug("device %s port %u destroyed\n", rdmarpc_port_name(port),
		 port->port_num);
}

static void rdmarpc_port_event_work(struct work_struct *work)
{
	struct rdmarpc_port *port = container_of(work, struct rdmarpc_port,
						 event_work);
	bool gid = test_and_clear_bit(RDMARPC_EV_GID, &port->events);
	int ret;

	clear_bit(RDMARPC_EV_STATE, &port->events);
	mutex_lock(&rdmarpc_lock);
	if (port->dev->dying)
		goto out_unlock;
	rdmarpc_generation++;	/* the port state the dump shows changed */
	if (!port->up) {
		ret = rdmarpc_port_setup(port);
		if (ret)
			pr_debug("device %s port %u not set up: %d\n",
				 rdmarpc_port_name(port), port->port_num, ret);
	} else if (gid) {
		rdmarpc_port_update_gid(port);
	}
out_unlock:
	mutex_unlock(&rdmarpc_lock);
}

/* Device events: any context; the work happens in rdmarpc_wq. */
static void rdmarpc_event(struct ib_event_handler *handler,
			  struct ib_event *ev)
{
	struct rdmarpc_device *dev = container_of(handler,
						  struct rdmarpc_device,
						  event_handler);
	struct rdmarpc_port *port;
	u32 start = rdma_start_port(dev->ibdev);
	u32 num = ev->element.port_num;
	int bit;

	switch (ev->event) {
	case IB_EVENT_PORT_ACTIVE:
	case IB_EVENT_PORT_ERR:
		bit = RDMARPC_EV_STATE;
		break;
	case IB_EVENT_GID_CHANGE:
	case IB_EVENT_LID_CHANGE:
	case IB_EVENT_PKEY_CHANGE:
	case IB_EVENT_CLIENT_REREGISTER:
		bit = RDMARPC_EV_GID;
		break;
	default:
		return;
	}
	if (num < start || num - start >= dev->nports)
		return;
	port = dev->ports[num - start];
	if (!port)
		return;
	pr_debug("device %s port %u: %s\n", dev_name(&dev->ibdev->dev), num,
		 ib_event_msg(ev->event));
	set_bit(bit, &port->events);
	queue_work(rdmarpc_wq, &port->event_work);
}

void rdmarpc_ib_reevaluate_gids(void)
{
	struct rdmarpc_device *dev;
	u32 i;

	lockdep_assert_held(&rdmarpc_lock);
	list_for_each_entry(dev, &rdmarpc_devices, list)
		for (i = 0; i < dev->nports; i++)
			if (dev->ports[i])
				rdmarpc_port_update_gid(dev->ports[i]);
}

/* ---- The ib_client ---- */

static struct rdmarpc_port *rdmarpc_port_alloc(struct rdmarpc_device *dev,
					       u32 port_num)
{
	struct rdmarpc_port *port;
	int cpu;

	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port)
		return NULL;
	port->pcpu = alloc_percpu(struct rdmarpc_port_pcpu);
	if (!port->pcpu) {
		kfree(port);
		return NULL;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(port->pcpu, cpu)->syncp);
	kref_init(&port->ref);
	port->dev = dev;
	port->port_num = port_num;
	port->gid_index = -1;
	spin_lock_init(&port->lock);
	init_waitqueue_head(&port->wq);
	spin_lock_init(&port->rx_lock);
	port->rx_stop = true;
	spin_lock_init(&port->tx_lock);
	port->tx_stop = true;
	rdmarpc_ah_cache_init(port);
	INIT_WORK(&port->event_work, rdmarpc_port_event_work);
	INIT_WORK(&port->err_work, rdmarpc_port_err_work);
	return port;
}

static int rdmarpc_add(struct ib_device *ibdev)
{
	u32 start = rdma_start_port(ibdev);
	u32 n = rdma_end_port(ibdev) - start + 1;
	struct rdmarpc_device *dev;
	bool usable = false;
	u32 i;
	int ret;

	dev = kzalloc(struct_size(dev, ports, n), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->ibdev = ibdev;
	dev->nports = n;
	for (i = 0; i < n; i++) {
		/* UD needs InfiniBand or RoCE; iWARP has no datagrams. */
		if (!rdma_protocol_ib(ibdev, start + i) &&
		    !rdma_protocol_roce(ibdev, start + i))
			continue;
		dev->ports[i] = rdmarpc_port_alloc(dev, start + i);
		if (!dev->ports[i]) {
			ret = -ENOMEM;
			goto out_free;
		}
		usable = true;
	}
	if (!usable) {
		ret = -EOPNOTSUPP;
		goto out_free;
	}

	INIT_IB_EVENT_HANDLER(&dev->event_handler, ibdev, rdmarpc_event);
	mutex_lock(&rdmarpc_lock);
	list_add_tail(&dev->list, &rdmarpc_devices);
	rdmarpc_generation++;
	/* Before the first set-up, so that no PORT_ACTIVE is missed. */
	ib_register_event_handler(&dev->event_handler);
	pr_debug("device %s added\n", dev_name(&ibdev->dev));
	for (i = 0; i < n; i++) {
		if (!dev->ports[i])
			continue;
		ret = rdmarpc_port_setup(dev->ports[i]);
		if (ret)
			pr_debug("device %s port %u not set up: %d\n",
				 dev_name(&ibdev->dev), start + i, ret);
	}
	mutex_unlock(&rdmarpc_lock);
	ib_set_client_data(ibdev, &rdmarpc_client, dev);
	return 0;

out_free:
	for (i = 0; i < n; i++)
		if (dev->ports[i])
			kref_put(&dev->ports[i]->ref, rdmarpc_port_release);
	kfree(dev);
	return ret;
}

/* Every user of @dev's ports sees them dead from here on, and wakes up. */
static void rdmarpc_device_mark_dead(struct rdmarpc_device *dev)
{
	struct rdmarpc_port *port;
	u32 i;

	lockdep_assert_held(&rdmarpc_lock);
	for (i = 0; i < dev->nports; i++) {
		port = dev->ports[i];
		if (!port)
			continue;
		spin_lock_bh(&port->lock);
		WRITE_ONCE(port->dead, true);
		spin_unlock_bh(&port->lock);
		wake_up_all(&port->wq);
	}
}

static void rdmarpc_remove(struct ib_device *ibdev, void *client_data)
{
	struct rdmarpc_device *dev = client_data;
	struct rdmarpc_port *port;
	u32 i;

	/* Phase one: unlink, mark dead, make every user leave. */
	mutex_lock(&rdmarpc_lock);
	list_del(&dev->list);
	dev->dying = true;
	rdmarpc_generation++;
	rdmarpc_device_mark_dead(dev);
	mutex_unlock(&rdmarpc_lock);

	ib_unregister_event_handler(&dev->event_handler);
	for (i = 0; i < dev->nports; i++) {
		port = dev->ports[i];
		if (!port)
			continue;
		cancel_work_sync(&port->event_work);
		/* Users see port->dead and leave within their own bound. */
		wait_event(port->wq, !READ_ONCE(port->users));
	}

	/* Phase two: tear down, then drop the device's references. */
	mutex_lock(&rdmarpc_lock);
	for (i = 0; i < dev->nports; i++)
		if (dev->ports[i])
			rdmarpc_port_teardown(dev->ports[i]);
	mutex_unlock(&rdmarpc_lock);
	/* rx_stop is set: nothing queues it again; a queued run found !up. */
	for (i = 0; i < dev->nports; i++)
		if (dev->ports[i])
			cancel_work_sync(&dev->ports[i]->err_work);
	pr_debug("device %s removed\n", dev_name(&ibdev->dev));

	for (i = 0; i < dev->nports; i++)
		if (dev->ports[i])
			kref_put(&dev->ports[i]->ref, rdmarpc_port_release);
	kfree(dev);
}

static struct ib_client rdmarpc_client = {
	.name = "rdmarpc",
	.add = rdmarpc_add,
	.remove = rdmarpc_remove,
};

int rdmarpc_ib_init(void)
{
	rdmarpc_qkey = (get_random_u32() & 0x7fffffff) ?: 1;
	return ib_register_client(&rdmarpc_client);
}

/*
 * Module exit, before the interfaces go: every port is dead, so that the
 * commands still running on one (a loopback test may run for a minute,
 * and unregistering the netlink family waits for it) leave at once.
 */
void rdmarpc_ib_stop(void)
{
	struct rdmarpc_device *dev;

	mutex_lock(&rdmarpc_lock);
	list_for_each_entry(dev, &rdmarpc_devices, list)
		rdmarpc_device_mark_dead(dev);
	mutex_unlock(&rdmarpc_lock);
}

void rdmarpc_ib_exit(void)
{
	ib_unregister_client(&rdmarpc_client);
}
