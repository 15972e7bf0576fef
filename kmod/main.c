// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: reliable RPC over RDMA unreliable datagrams.
 *
 * Module entry points.
 */
#include <linux/module.h>

static int __init rdmarpc_init(void)
{
	pr_info("loaded\n");
	return 0;
}

static void __exit rdmarpc_exit(void)
{
	pr_info("unloaded\n");
}

module_init(rdmarpc_init);
module_exit(rdmarpc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Reliable RPC over RDMA unreliable datagrams");
