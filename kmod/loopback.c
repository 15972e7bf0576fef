// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: the loopback self-test.  Datagrams go from a port's UD QP to the
 * same QP through an AH made by the cache exactly as for a peer (GRH,
 * source GID attribute, destination MAC resolved: on one's own address,
 * the net device's own MAC), so the whole send and receive path is used.
 */
#include <linux/bitmap.h>
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include <rdma/ib_verbs.h>

#include "rdmarpc.h"
#include "ib.h"
#include "ah.h"
#include "loopback.h"

/* The state of a running test; its tap is on the port meanwhile. */
struct rdmarpc_loopback {
	struct rdmarpc_rx_tap tap;
	u32 cookie;
	u32 count;
	u32 size;
	u8 *buf;			/* the datagram being sent */
	/*
	 * lock: protects everything below, written by the tap (CQ context);
	 * the test reads @received and @bad locklessly while it waits.
	 */
	spinlock_t lock;
	u32 received;
	u32 bad;
	unsigned long *seen;		/* one bit per sequence number */
	bool have_wc;
	struct ib_wc wc;		/* the first one, to check the reply AH */
	u8 grh[RDMARPC_GRH_LEN];
};

static u8 rdmarpc_loopback_byte(u32 cookie, u32 seq, u32 i)
{
	return (u8)(cookie + seq * 7 + i * 131);
}

static void rdmarpc_loopback_fill(u8 *buf, u32 cookie, u32 seq, u32 size)
{
	struct rdmarpc_loopback_hdr *h = (void *)buf;
	u32 i;

	h->magic = cpu_to_le32(RDMARPC_LOOPBACK_MAGIC);
	h->cookie = cpu_to_le32(cookie);
	h->seq = cpu_to_le32(seq);
	h->size = cpu_to_le32(size);
	for (i = sizeof(*h); i < size; i++)
		buf[i] = rdmarpc_loopback_byte(cookie, seq, i);
}

static bool rdmarpc_loopback_check(const u8 *buf, u32 len, u32 *cookie,
				   u32 *seq)
{
	const struct rdmarpc_loopback_hdr *h = (const void *)buf;
	u32 i;

	if (le32_to_cpu(h->size) != len)
		return false;
	*cookie = le32_to_cpu(h->cookie);
	*seq = le32_to_cpu(h->seq);
	for (i = sizeof(*h); i < len; i++)
		if (buf[i] != rdmarpc_loopback_byte(*cookie, *seq, i))
			return false;
	return true;
}

/* The port's receive tap (CQ context): true if @rx was this test's. */
static bool rdmarpc_loopback_rx(struct rdmarpc_rx_tap *tap,
				struct rdmarpc_port *port,
				const struct rdmarpc_rx *rx)
{
	struct rdmarpc_loopback *lb = container_of(tap, struct rdmarpc_loopback,
						   tap);
	const struct rdmarpc_loopback_hdr *h = rx->data;
	u32 cookie = 0, seq = 0;
	bool intact;

	if (rx->len < sizeof(*h) ||
	    le32_to_cpu(h->magic) != RDMARPC_LOOPBACK_MAGIC ||
	    rx->wc->src_qp != port->qpn)
		return false;
	intact = rdmarpc_loopback_check(rx->data, rx->len, &cookie, &seq);
	/* A stale test's datagram is left to be counted as a drop. */
	if (intact && cookie != lb->cookie)
		return false;

	spin_lock(&lb->lock);
	if (intact && seq < lb->count && rx->len == lb->size &&
	    !test_and_set_bit(seq, lb->seen)) {
		lb->received++;
		if (!lb->have_wc) {
			lb->wc = *rx->wc;
			memcpy(lb->grh, rx->grh, sizeof(lb->grh));
			lb->have_wc = true;
		}
	} else {
		lb->bad++;
	}
	spin_unlock(&lb->lock);
	if (wq_has_sleeper(&port->wq))
		wake_up_all(&port->wq);
	return true;
}

/*
 * A reply to the sender of a received datagram gets its AH from the work
 * completion; on one's own address that must give the same MAC as the
 * resolution did.
 */
static int rdmarpc_loopback_check_reply(struct rdmarpc_port *port,
					struct rdmarpc_loopback *lb,
					struct rdmarpc_ah *ah,
					struct netlink_ext_ack *extack)
{
	struct rdma_ah_attr attr;
	int ret;

	if (port->link_ib)
		return 0;
	ret = ib_init_ah_attr_from_wc(port->dev->ibdev, port->port_num,
				      &lb->wc, (const struct ib_grh *)lb->grh,
				      &attr);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot build a reply AH from the work completion");
		return ret;
	}
	if (memcmp(attr.roce.dmac, ah->dmac, ETH_ALEN) ||
	    memcmp(&attr.grh.dgid, &ah->dgid, sizeof(ah->dgid))) {
		pr_debug("device %s port %u: reply AH %pM %pI6 vs %pM %pI6\n",
			 rdmarpc_port_name(port), port->port_num,
			 attr.roce.dmac, attr.grh.dgid.raw, ah->dmac,
			 ah->dgid.raw);
		NL_SET_ERR_MSG(extack, "reply AH differs from the resolved one");
		ret = -EIO;
	}
	rdma_destroy_ah_attr(&attr);
	return ret;
}

/* Flow control: room in the send ring, at most @window unanswered. */
static bool lb_may_send(struct rdmarpc_port *port,
			struct rdmarpc_loopback *lb, u32 seq, u32 window)
{
	return rdmarpc_port_dead(port) ||
	       (seq - READ_ONCE(lb->received) < window &&
		rdmarpc_port_can_send(port));
}

static bool lb_done(struct rdmarpc_port *port, struct rdmarpc_loopback *lb,
		    u32 sent)
{
	return rdmarpc_port_dead(port) ||
	       READ_ONCE(lb->received) + READ_ONCE(lb->bad) >= sent;
}

/* Jiffies left until @deadline, 0 once it passed. */
static unsigned long lb_left(unsigned long deadline)
{
	return time_before(jiffies, deadline) ? deadline - jiffies : 0;
}

static void rdmarpc_loopback_free(struct rdmarpc_loopback *lb)
{
	kfree(lb->buf);
	bitmap_free(lb->seen);
	kfree(lb);
}

static struct rdmarpc_loopback *rdmarpc_loopback_alloc(u32 count, u32 size)
{
	struct rdmarpc_loopback *lb;

	lb = kzalloc(sizeof(*lb), GFP_KERNEL);
	if (!lb)
		return NULL;
	lb->seen = bitmap_zalloc(count, GFP_KERNEL);
	lb->buf = kmalloc(size, GFP_KERNEL);
	if (!lb->seen || !lb->buf) {
		rdmarpc_loopback_free(lb);
		return NULL;
	}
	lb->tap.rx = rdmarpc_loopback_rx;
	lb->cookie = get_random_u32();
	lb->count = count;
	lb->size = size;
	spin_lock_init(&lb->lock);
	return lb;
}

/* The AH to the port's own source GID, resolved, or an ERR_PTR. */
static struct rdmarpc_ah *rdmarpc_loopback_ah(struct rdmarpc_port *port,
					      struct netlink_ext_ack *extack)
{
	struct rdmarpc_ah *ah;
	union ib_gid dgid;
	int ret;

	spin_lock_bh(&port->ah_lock);
	dgid = port->sgid;
	spin_unlock_bh(&port->ah_lock);
	ah = rdmarpc_ah_get(port, &dgid);
	if (IS_ERR(ah)) {
		NL_SET_ERR_MSG(extack, "cannot create an address handle");
		return ah;
	}
	ret = rdmarpc_ah_wait(ah, 3 * HZ);
	if (ret) {
		NL_SET_ERR_MSG(extack, "address resolution failed");
		rdmarpc_ah_put(ah);
		return ERR_PTR(ret);
	}
	return ah;
}

/*
 * Send the test's datagrams through @ah and wait for them to come back,
 * within 2 s + 5 ms per datagram (a healthy port on a kernel with KASAN and
 * lockdep takes about 2 ms); *@sent: how many went.  0 also when the
 * time ran out or the port died; else a send's error or -ERESTARTSYS.
 */
static int rdmarpc_loopback_exchange(struct rdmarpc_port *port,
				     struct rdmarpc_loopback *lb,
				     struct rdmarpc_ah *ah, u32 *sent)
{
	/* Keep at most half the receive ring in flight: UD drops on overrun. */
	u32 window = max(port->recv_depth / 2, 1U);
	unsigned long deadline, left;
	u32 seq;
	int ret = 0;

	deadline = jiffies + 2 * HZ + msecs_to_jiffies(5 * lb->count);
	for (seq = 0; seq < lb->count;) {
		left = lb_left(deadline);
		if (!left)
			break;
		ret = wait_event_interruptible_timeout(port->wq,
						       lb_may_send(port, lb, seq, window),
						       left);
		if (ret < 0)
			break;
		ret = 0;
		if (rdmarpc_port_dead(port))
			break;
		rdmarpc_loopback_fill(lb->buf, lb->cookie, seq, lb->size);
		ret = rdmarpc_port_send(port, ah, port->qpn, port->qkey, NULL,
					0, lb->buf, lb->size);
		if (ret == -ENOBUFS) {
			ret = 0;
			continue;
		}
		if (ret)
			break;
		seq++;
	}
	*sent = seq;
	if (!ret && !rdmarpc_port_dead(port)) {
		ret = wait_event_interruptible_timeout(port->wq,
						       lb_done(port, lb, seq),
						       lb_left(deadline));
		ret = ret < 0 ? ret : 0;
	}
	return ret;
}

/* The test's result from what the exchange returned; the tap is gone. */
static int rdmarpc_loopback_verdict(struct rdmarpc_port *port,
				    struct rdmarpc_loopback *lb,
				    struct rdmarpc_ah *ah, int ret,
				    struct netlink_ext_ack *extack)
{
	if (rdmarpc_port_dead(port)) {
		NL_SET_ERR_MSG(extack, "device went away during the test");
		return -ENODEV;
	}
	if (ret == -ERESTARTSYS)
		return -EINTR;
	if (ret) {
		NL_SET_ERR_MSG(extack, "send failed");
		return ret;
	}
	if (lb->have_wc)
		return rdmarpc_loopback_check_reply(port, lb, ah, extack);
	return 0;
}

int rdmarpc_loopback_run(struct rdmarpc_port *port, u32 count, u32 size,
			 struct rdmarpc_loopback_result *res,
			 struct netlink_ext_ack *extack)
{
	struct rdmarpc_loopback *lb;
	struct rdmarpc_ah *ah;
	u64 start;
	int ret;

	if (size < RDMARPC_LOOPBACK_MIN_SIZE || size > port->mtu) {
		NL_SET_ERR_MSG(extack, "size must be between 16 and the port's active MTU");
		return -EINVAL;
	}
	lb = rdmarpc_loopback_alloc(count, size);
	if (!lb)
		return -ENOMEM;
	ah = rdmarpc_loopback_ah(port, extack);
	if (IS_ERR(ah)) {
		ret = PTR_ERR(ah);
		goto out_free;
	}
	ret = rdmarpc_port_tap_register(port, &lb->tap);
	if (ret == -EBUSY)
		NL_SET_ERR_MSG(extack, "a loopback test is already running on this port");
	else if (ret)
		NL_SET_ERR_MSG(extack, "device is going away");
	if (ret)
		goto out_put_ah;

	start = ktime_get_ns();
	ret = rdmarpc_loopback_exchange(port, lb, ah, &res->sent);
	res->nsec = ktime_get_ns() - start;
	/* The tap is not running after this: @lb is the test's alone. */
	rdmarpc_port_tap_unregister(port, &lb->tap);
	res->received = lb->received;
	ret = rdmarpc_loopback_verdict(port, lb, ah, ret, extack);
	pr_debug("device %s port %u: loopback %u/%u/%u (sent/received/bad) of %u bytes in %llu ns: %d\n",
		 rdmarpc_port_name(port), port->port_num, res->sent,
		 res->received, lb->bad, size, res->nsec, ret);
out_put_ah:
	rdmarpc_ah_put(ah);
out_free:
	rdmarpc_loopback_free(lb);
	return ret;
}
