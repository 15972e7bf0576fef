/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: the per-port address handle cache.
 *
 * An entry is keyed by destination GID (an IPv4 destination is its
 * IPv4-mapped GID).  On RoCE it carries a GRH, the source GID attribute and
 * the destination MAC, resolved with rdma_resolve_ip() (the kernel's
 * rdma_create_ah() never fills the MAC in).  Entries are refcounted: the
 * cache holds one reference, every user and every posted send one more; the
 * ib_ah is destroyed from the workqueue after the last put.
 */
#ifndef _RDMARPC_AH_H
#define _RDMARPC_AH_H

#include <linux/completion.h>
#include <linux/if_ether.h>
#include <linux/kref.h>
#include <rdma/ib_addr.h>

struct rdmarpc_port;

struct rdmarpc_ah {
	struct kref ref;
	/*
	 * A reference on the port's memory (rdmarpc_port_get_ref()), dropped
	 * by the free work; not a user's: the AH does not keep the port set
	 * up, whose teardown waits a while for it, then destroys its ib_ah
	 * (rdmarpc_ah_cache_stop()).
	 */
	struct rdmarpc_port *port;
	struct list_head node;		/* in port->ah_list, under ah_lock */
	struct list_head all_node;	/* in port->ah_all, under ah_mutex */
	bool cached;			/* on port->ah_list, under ah_lock */
	union ib_gid dgid;
	/*
	 * Holds a reference until the port's teardown gives up waiting for
	 * the AH; then it points at @sgid_copy (readable, holds nothing).
	 */
	const struct ib_gid_attr *sgid_attr;
	struct ib_gid_attr sgid_copy;
	u8 dmac[ETH_ALEN];
	u8 hop_limit;
	/* 0 ready, -EINPROGRESS resolving, else the failure; then @done. */
	int status;
	struct ib_ah *ah;		/* set and destroyed under ah_mutex */
	struct completion done;
	struct rdma_dev_addr devaddr;	/* rdma_resolve_ip() state */
	struct work_struct free_work;
};

/*
 * Process context: find or create the entry for @dgid (resolution starts),
 * with a reference for the caller; ERR_PTR(-EADDRNOTAVAIL) if the port has
 * no source GID, -ENOMEM.
 */
struct rdmarpc_ah *rdmarpc_ah_get(struct rdmarpc_port *port,
				  const union ib_gid *dgid);
/* Wait (process context) until resolved: 0, -ETIMEDOUT or the failure. */
int rdmarpc_ah_wait(struct rdmarpc_ah *ah, unsigned long timeout);
/* 0 if ready to send with, -EINPROGRESS or the resolution's failure. */
int rdmarpc_ah_status(const struct rdmarpc_ah *ah);
void rdmarpc_ah_hold(struct rdmarpc_ah *ah);
void rdmarpc_ah_put(struct rdmarpc_ah *ah);

/* When the port is allocated. */
void rdmarpc_ah_cache_init(struct rdmarpc_port *port);
/* A new source GID, or teardown (rdmarpc_lock held): drop every entry. */
void rdmarpc_ah_cache_flush(struct rdmarpc_port *port);
/*
 * Teardown (rdmarpc_lock held), before the PD goes: destroy the ib_ah of
 * every AH not yet freed (someone still holds it) and release its GID;
 * their later free and any later creation on the port do not touch the
 * device.
 */
void rdmarpc_ah_cache_stop(struct rdmarpc_port *port);

/*
 * Process context: the port to reach @dgid from, entered as a user (put it
 * with rdmarpc_port_put()), or ERR_PTR(-ENODEV).  In order of preference:
 * for a remote IPv4 destination the port whose netdev the route leaves by,
 * for one of our own addresses the port whose GID table holds it; then the
 * port holding @hint (may be NULL: a GID the peer sent, when the destination
 * is 127.0.0.0/8 or unroutable); then the first RoCE v2 port; then any.
 */
struct rdmarpc_port *rdmarpc_ah_port_for(const union ib_gid *dgid,
					 const union ib_gid *hint);

/* @port has @gid in its GID table (RoCE v2 only: the GIDs we send from). */
bool rdmarpc_ah_port_has_gid(struct rdmarpc_port *port,
			     const union ib_gid *gid);

/* Choose the source GID for a destination (see doc/architecture.md, GIDs). */
const struct ib_gid_attr *rdmarpc_ah_sgid_for(struct rdmarpc_port *port,
					      const union ib_gid *dgid);

#endif /* _RDMARPC_AH_H */
