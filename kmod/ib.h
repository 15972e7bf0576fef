/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: RDMA devices and ports (the ib_client), the per-port UD queue
 * pair with its receive and send rings, and the GID choice.
 */
#ifndef _RDMARPC_IB_H
#define _RDMARPC_IB_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <rdma/ib_verbs.h>

struct rdmarpc_ah;
struct rdmarpc_rx_tap;

/* The 40-byte GRH that precedes every UD receive. */
#define RDMARPC_GRH_LEN		40

/* One DMA-mapped buffer of a ring; mapped once for the ring's life. */
struct rdmarpc_buf {
	struct ib_cqe cqe;
	struct rdmarpc_port *port;
	void *data;
	u64 dma;
	/* Send ring only: the AH this buffer's WR uses (under tx_lock). */
	struct rdmarpc_ah *ah;
	/* Send ring: link in the free list; receive ring: repost batch. */
	struct rdmarpc_buf *next;
	u32 len;			/* mapped length */
	struct ib_sge sge;
	struct ib_recv_wr rwr;		/* receive ring only */
};

/*
 * A port's counters of every datagram, one set per CPU: a datagram adds to
 * its CPU's set only (rdmarpc_port_count()), a reader sums them.
 */
struct rdmarpc_port_pcpu {
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	struct u64_stats_sync syncp;
};

/* The rare events, shared. */
struct rdmarpc_port_stats {
	atomic64_t tx_errors;
	atomic64_t rx_errors;
	atomic64_t rx_drops;
};

/* A port's counters and gauges as read at once (rdmarpc_port_read()). */
struct rdmarpc_port_counters {
	u64 tx_packets;
	u64 tx_bytes;
	u64 tx_errors;
	u64 rx_packets;
	u64 rx_bytes;
	u64 rx_errors;
	u64 rx_drops;
	u64 recv_posted;
	u64 ah_cached;
};

/*
 * One port of one RDMA device.  Allocated when the device is added, for
 * every port; its verbs resources exist only while @up (set up when the
 * port is ACTIVE and has a usable GID).
 *
 * Lifetime: @ref counts the device's reference, one per user entered by
 * rdmarpc_port_enter() (through rdmarpc_port_find() or
 * rdmarpc_ah_port_for(); @users counts them too) and one per holder of the
 * memory alone (rdmarpc_port_get_ref(): each AH not yet freed, each
 * handshake watch on @wq).  Death comes in two phases: @dead is set and
 * @wq woken (users see -ENODEV and leave), then once @users is zero the
 * resources are torn down; memory goes with the last kref_put().
 */
struct rdmarpc_port {
	struct kref ref;
	struct rdmarpc_device *dev;
	u32 port_num;

	/* rdmarpc_lock: set up, users may enter (rdmarpc_port_enter()). */
	bool up;
	/*
	 * The set-up state: written under rdmarpc_lock by set-up, before @up,
	 * and by teardown, once the port is dead and every user has left;
	 * constant in between, when users and AHs read it without a lock.
	 */
	bool link_ib;			/* InfiniBand, else RoCE */
	u32 mtu;			/* payload bytes per datagram */
	u32 qkey;
	u16 pkey_index;
	u16 lid;
	int gid_tbl_len;
	u32 recv_depth, send_depth;
	u32 max_inline;			/* a send this small goes inline */
	struct ib_pd *pd;
	struct ib_cq *cq;
	struct ib_qp *qp;
	u32 qpn;			/* stays readable after the QP is gone */
	struct rdmarpc_buf *rx_bufs, *tx_bufs;

	/*
	 * The chosen source GID, which changes while @up: written under
	 * rdmarpc_lock and ah_lock, read under either.
	 */
	int gid_index;
	union ib_gid sgid;
	const struct ib_gid_attr *sgid_attr;	/* holds a reference */

	/*
	 * lock: protects @dead, @users and changes of @rx_tap, which the
	 * receive path reads under RCU.
	 */
	spinlock_t lock;
	bool dead;
	unsigned int users;
	struct rdmarpc_rx_tap __rcu *rx_tap;
	/*
	 * Woken on death, when a user leaves, on send completions, when the
	 * posted receives or the AHs run out, and by the loopback test.
	 */
	wait_queue_head_t wq;

	/*
	 * rx_lock: protects @rx_stop, @rx_err and the repost batch.  While
	 * @rx_err (the QP went to ERR outside teardown) completed receives
	 * wait in the batch until @err_work has reset the QP.
	 */
	spinlock_t rx_lock;
	bool rx_stop;
	bool rx_err;
	struct rdmarpc_buf *rx_batch;
	unsigned int rx_batch_len;
	atomic_t rx_posted;

	/* tx_lock: protects @tx_stop, @tx_free and every tx buffer's ah. */
	spinlock_t tx_lock;
	bool tx_stop;
	struct rdmarpc_buf *tx_free;
	atomic_t tx_posted;

	/*
	 * ah_lock: protects @ah_list (the AH cache, most recently used
	 * first) and the chosen GID; @ah_cached is changed under it.
	 */
	spinlock_t ah_lock;
	struct list_head ah_list;
	atomic_t ah_cached;		/* entries on @ah_list */
	atomic_t ah_count;		/* entries not yet freed, cached or not */
	/* ah_mutex: protects @ah_all, @ah_dead and every entry's ib_ah. */
	struct mutex ah_mutex;
	struct list_head ah_all;	/* every entry not yet freed */
	bool ah_dead;			/* torn down: no ib_ah any more */

	struct work_struct event_work;
	unsigned long events;		/* RDMARPC_EV_* bits */
	/* Resets a QP that went to ERR outside teardown. */
	struct work_struct err_work;

	struct rdmarpc_port_stats stats;
	struct rdmarpc_port_pcpu __percpu *pcpu;
};

/* One RDMA device: list entry in the device list (under rdmarpc_lock). */
struct rdmarpc_device {
	struct list_head list;
	struct ib_device *ibdev;
	struct ib_event_handler event_handler;
	bool dying;			/* under rdmarpc_lock */
	u32 nports;
	struct rdmarpc_port *ports[];	/* index port_num - rdma_start_port() */
};

/* Every device the module manages; under rdmarpc_lock. */
extern struct list_head rdmarpc_devices;

/* Bumped under rdmarpc_lock whenever the dump would change. */
extern unsigned int rdmarpc_generation;

int rdmarpc_ib_init(void);
/* Module exit, first: every port dead, its users woken. */
void rdmarpc_ib_stop(void);
void rdmarpc_ib_exit(void);
/* After a gid_index change: every port chooses its GID again. */
void rdmarpc_ib_reevaluate_gids(void);

/*
 * Find a port that is set up, and enter it as a user: the port stays set up
 * until rdmarpc_port_put().  A user must leave promptly once
 * rdmarpc_port_dead() is true (the device is going away); it may sleep on
 * port->wq for that.  ERR_PTR(-ENODEV) if there is no such port.
 * Process context.
 */
struct rdmarpc_port *rdmarpc_port_find(const char *devname, u32 port_num);
void rdmarpc_port_put(struct rdmarpc_port *port);
/* A reference on the memory only (the port may be torn down meanwhile). */
void rdmarpc_port_get_ref(struct rdmarpc_port *port);
void rdmarpc_port_put_ref(struct rdmarpc_port *port);
bool rdmarpc_port_dead(struct rdmarpc_port *port);

/* Same, for code that already holds rdmarpc_lock and a port pointer. */
int rdmarpc_port_enter(struct rdmarpc_port *port);
/* Its counters and gauges, the per-CPU ones summed.  Any context. */
void rdmarpc_port_read(const struct rdmarpc_port *port,
		       struct rdmarpc_port_counters *c);

/*
 * Port events, for the layers above (netlink's DEV_NEW and DEV_DEL): a
 * notifier is called with rdmarpc_lock held, the event and the struct
 * rdmarpc_port as its data.  RDMARPC_PORT_EV_UP comes once a port is set
 * up, RDMARPC_PORT_EV_DOWN before it is torn down (all still readable).
 * Ports already up when a notifier registers are not replayed.  After
 * rdmarpc_port_notifier_unregister() the notifier is not running and will
 * not run.  Process context.
 */
enum rdmarpc_port_event {
	RDMARPC_PORT_EV_UP,
	RDMARPC_PORT_EV_DOWN,
};

int rdmarpc_port_notifier_register(struct notifier_block *nb);
void rdmarpc_port_notifier_unregister(struct notifier_block *nb);

/*
 * Send one datagram of hdr_len + len bytes (at most port->mtu) to
 * (ah, qpn, qkey).  The AH is held until the send completes.  Any context
 * but hard IRQ.  -ENODEV: port going away, or its QP being reset; -EAGAIN:
 * AH not resolved yet (a failed AH: its resolution's error); -ENOBUFS: send
 * ring full (wait on port->wq); -EMSGSIZE: too long; else ib_post_send()'s
 * error.
 */
int rdmarpc_port_send(struct rdmarpc_port *port, struct rdmarpc_ah *ah,
		      u32 qpn, u32 qkey, const void *hdr, u32 hdr_len,
		      const void *data, u32 len);

/*
 * A datagram built in place: rdmarpc_port_tx_get() takes a free send
 * buffer (port->mtu bytes) and returns its data, or NULL (none free:
 * wait on port->wq; or the port is going away); rdmarpc_port_tx_post()
 * sends @len bytes of it as rdmarpc_port_send() does (the same errors but
 * -ENOBUFS and -EMSGSIZE), and takes the buffer back on failure;
 * rdmarpc_port_tx_put() gives back one not sent.  Any context but hard
 * IRQ; the buffer belongs to the caller in between.
 */
void *rdmarpc_port_tx_get(struct rdmarpc_port *port,
			  struct rdmarpc_buf **bufp);
int rdmarpc_port_tx_post(struct rdmarpc_port *port, struct rdmarpc_buf *buf,
			 struct rdmarpc_ah *ah, u32 qpn, u32 qkey, u32 len);
void rdmarpc_port_tx_put(struct rdmarpc_port *port, struct rdmarpc_buf *buf);

/* True if a send buffer is free (a hint for waiters on port->wq). */
bool rdmarpc_port_can_send(struct rdmarpc_port *port);

/*
 * A received datagram, valid only during the receive callback (which runs
 * in the CQ's softirq context and must not sleep).
 */
struct rdmarpc_rx {
	const void *data;		/* payload, after the GRH */
	u32 len;
	const struct ib_grh *grh;	/* RoCE v2/IPv4: only its last 20 bytes */
	const struct ib_wc *wc;
};

struct rdmarpc_rx_ops {
	/* Return true if the datagram was consumed, false to count a drop. */
	bool (*rx)(struct rdmarpc_port *port, const struct rdmarpc_rx *rx);
};

/*
 * Install (or with NULL remove) the module-wide receive handler; removal
 * waits until no call to the old one is running.
 */
void rdmarpc_ib_set_rx_ops(const struct rdmarpc_rx_ops *ops);

/*
 * A receive tap on one port: while registered, ->rx sees every datagram
 * the port receives before the module-wide handler does, and takes those
 * it returns true for.  It runs in the CQ's context, like the handler.
 * The owner embeds the tap and finds its state with container_of().
 */
struct rdmarpc_rx_tap {
	bool (*rx)(struct rdmarpc_rx_tap *tap, struct rdmarpc_port *port,
		   const struct rdmarpc_rx *rx);
};

/*
 * Register @tap on @port, a port the caller has entered: -EBUSY if the
 * port has a tap already, -ENODEV if it is dead.  Unregistering waits
 * (process context) until no call to ->rx is running; the caller must
 * unregister before it leaves the port.
 */
int rdmarpc_port_tap_register(struct rdmarpc_port *port,
			      struct rdmarpc_rx_tap *tap);
void rdmarpc_port_tap_unregister(struct rdmarpc_port *port,
				 struct rdmarpc_rx_tap *tap);

/* Device name for messages; only while the port's device is registered. */
static inline const char *rdmarpc_port_name(const struct rdmarpc_port *port)
{
	return dev_name(&port->dev->ibdev->dev);
}

#endif /* _RDMARPC_IB_H */
