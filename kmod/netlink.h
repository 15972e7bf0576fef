/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: the generic netlink family (see uapi/rdmarpc.h).
 */
#ifndef _RDMARPC_NETLINK_H
#define _RDMARPC_NETLINK_H

#include <linux/types.h>

struct rdmarpc_port;

int rdmarpc_nl_init(void);
void rdmarpc_nl_exit(void);

/* Tell the "events" group about a port (DEV_NEW / DEV_DEL); rdmarpc_lock. */
void rdmarpc_nl_notify(struct rdmarpc_port *port, u8 cmd);

#endif /* _RDMARPC_NETLINK_H */
