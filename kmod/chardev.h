/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: the /dev/rdmarpc misc device.
 */
#ifndef _RDMARPC_CHARDEV_H
#define _RDMARPC_CHARDEV_H

int rdmarpc_chardev_init(void);
void rdmarpc_chardev_exit(void);

#endif /* _RDMARPC_CHARDEV_H */
