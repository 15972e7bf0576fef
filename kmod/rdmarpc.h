/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: module-wide state shared by the kernel-side files.
 */
#ifndef _RDMARPC_H
#define _RDMARPC_H

#include <linux/mutex.h>
#include <linux/workqueue.h>

/*
 * Module parameters, also settable through RDMARPC_CMD_PARAM_SET.  Written
 * under rdmarpc_lock with WRITE_ONCE(); read with READ_ONCE() (or under the
 * lock when several must agree).
 */
extern unsigned int rdmarpc_recv_depth;
extern unsigned int rdmarpc_send_depth;
extern int rdmarpc_gid_index;

#define RDMARPC_DEPTH_MIN	16
#define RDMARPC_DEPTH_MAX	8192
#define RDMARPC_GID_INDEX_MAX	1023

/*
 * rdmarpc_lock: the configuration lock.  It protects the device list, every
 * port's set-up state (resources, chosen GID) and the module parameters.
 * Netlink handlers and device events take it; the data path never does.
 */
extern struct mutex rdmarpc_lock;

/* For work that may sleep (AH creation and destruction, port events). */
extern struct workqueue_struct *rdmarpc_wq;

#endif /* _RDMARPC_H */
