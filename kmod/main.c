// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: reliable RPC over RDMA unreliable datagrams.
 *
 * Module entry points and parameters.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <rdma/ib_verbs.h>

#include "rdmarpc.h"
#include "uapi/rdmarpc.h"
#include "ib.h"
#include "netlink.h"

unsigned int rdmarpc_recv_depth = 256;
module_param_named(recv_depth, rdmarpc_recv_depth, uint, 0444);
MODULE_PARM_DESC(recv_depth, "Receive buffers per port (16..8192; default 256)");

unsigned int rdmarpc_send_depth = 256;
module_param_named(send_depth, rdmarpc_send_depth, uint, 0444);
MODULE_PARM_DESC(send_depth, "Send buffers per port (16..8192; default 256)");

int rdmarpc_gid_index = -1;
module_param_named(gid_index, rdmarpc_gid_index, int, 0444);
MODULE_PARM_DESC(gid_index, "Source GID index (-1: automatic, the default)");

/* The configuration lock; what it protects is listed in rdmarpc.h. */
DEFINE_MUTEX(rdmarpc_lock);
struct workqueue_struct *rdmarpc_wq;

static bool __init rdmarpc_params_valid(void)
{
	if (rdmarpc_recv_depth < RDMARPC_DEPTH_MIN ||
	    rdmarpc_recv_depth > RDMARPC_DEPTH_MAX ||
	    rdmarpc_send_depth < RDMARPC_DEPTH_MIN ||
	    rdmarpc_send_depth > RDMARPC_DEPTH_MAX) {
		pr_err("recv_depth and send_depth must be within %u..%u\n",
		       RDMARPC_DEPTH_MIN, RDMARPC_DEPTH_MAX);
		return false;
	}
	if (rdmarpc_gid_index < -1 || rdmarpc_gid_index > RDMARPC_GID_INDEX_MAX) {
		pr_err("gid_index must be -1 or within 0..%u\n",
		       RDMARPC_GID_INDEX_MAX);
		return false;
	}
	return true;
}

static int __init rdmarpc_init(void)
{
	int ret;

	if (!rdmarpc_params_valid())
		return -EINVAL;

	rdmarpc_wq = alloc_workqueue("rdmarpc", WQ_MEM_RECLAIM, 0);
	if (!rdmarpc_wq)
		return -ENOMEM;

	/* Netlink first: setting up a port sends a DEV_NEW event. */
	ret = rdmarpc_nl_init();
	if (ret)
		goto out_destroy_wq;

	ret = rdmarpc_ib_init();
	if (ret)
		goto out_nl_exit;

	pr_info("loaded\n");
	return 0;

out_nl_exit:
	rdmarpc_nl_exit();
out_destroy_wq:
	destroy_workqueue(rdmarpc_wq);
	return ret;
}

static void __exit rdmarpc_exit(void)
{
	rdmarpc_ib_exit();
	rdmarpc_nl_exit();
	destroy_workqueue(rdmarpc_wq);
	pr_info("unloaded\n");
}

module_init(rdmarpc_init);
module_exit(rdmarpc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Reliable RPC over RDMA unreliable datagrams");
MODULE_ALIAS_GENL_FAMILY(RDMARPC_GENL_NAME);
