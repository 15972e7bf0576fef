/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: module-wide state shared by the kernel-side files.
 */
#ifndef _RDMARPC_H
#define _RDMARPC_H

#include <linux/mutex.h>
#include <linux/workqueue.h>

#include "params.h"

/*
 * rdmarpc_lock (params.c): the configuration lock.  It protects the device
 * list with each device's @dying and rdmarpc_generation; every port's
 * set-up, teardown and recovery, its @up and the choice of its source GID
 * (see struct rdmarpc_port); the port notifier chain (ib.c: registration
 * and every call); and the writes of the module parameters with the rules
 * between them.  Netlink handlers, device events and works, the
 * parameters' sysfs files and the search for a port (rdmarpc_port_find(),
 * rdmarpc_ah_port_for()) take it; the data path never does.
 */
extern struct mutex rdmarpc_lock;

/*
 * For work that may sleep: port events and QP recovery, the frees of AHs,
 * peers and endpoints.
 */
extern struct workqueue_struct *rdmarpc_wq;

#endif /* _RDMARPC_H */
