/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: the generic netlink family (see uapi/rdmarpc.h).
 */
#ifndef _RDMARPC_NETLINK_H
#define _RDMARPC_NETLINK_H

int rdmarpc_nl_init(void);
void rdmarpc_nl_exit(void);

#endif /* _RDMARPC_NETLINK_H */
