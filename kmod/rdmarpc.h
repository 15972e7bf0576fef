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
 * rdmarpc_lock: the configuration lock.  It protects the device list, every
 * port's set-up state (resources, chosen GID) and the module parameters.
 * Netlink handlers and device events take it; the data path never does.
 */
extern struct mutex rdmarpc_lock;

/* For work that may sleep (AH creation and destruction, port events). */
extern struct workqueue_struct *rdmarpc_wq;

#endif /* _RDMARPC_H */
