// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: reliable RPC over RDMA unreliable datagrams.
 *
 * Module entry points.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <rdma/ib_verbs.h>

#include "rdmarpc.h"
#include "uapi/rdmarpc.h"
#include "ib.h"
#include "chardev.h"
#include "handshake.h"
#include "netlink.h"
#include "peer.h"
#include "session.h"

/* Widens module exit's window after the peers are gone. */
RDMARPC_DBG_DELAY(exit_delay_ms, 10000,
		  "sleep this long in exit after the sessions' teardown");

static int __init rdmarpc_init(void)
{
	int ret;

	/* First: the other parts read the parameters. */
	ret = rdmarpc_params_init();
	if (ret)
		return ret;

	rdmarpc_wq = alloc_workqueue("rdmarpc", WQ_MEM_RECLAIM, 0);
	if (!rdmarpc_wq)
		return -ENOMEM;

	ret = rdmarpc_ib_init();
	if (ret)
		goto out_destroy_wq;

	ret = rdmarpc_sess_init();
	if (ret)
		goto out_ib_exit;

	/* Sessions from outside from here on (peers need no set-up). */
	ret = rdmarpc_hs_init();
	if (ret)
		goto out_sess_exit;

	rdmarpc_rpc_init();

	/*
	 * The interfaces last (and first to go at exit): no command or file
	 * reaches a part of the module that is not set up, or torn down.
	 * Ports set up before netlink send no DEV_NEW: nobody could listen.
	 */
	ret = rdmarpc_chardev_init();
	if (ret)
		goto out_rpc_exit;

	ret = rdmarpc_nl_init();
	if (ret)
		goto out_chardev_exit;

	pr_info("loaded, version " RDMARPC_VERSION "\n");
	return 0;

out_chardev_exit:
	rdmarpc_chardev_exit();
out_rpc_exit:
	rdmarpc_rpc_exit();
	rdmarpc_hs_exit();
	rdmarpc_peer_exit();
out_sess_exit:
	rdmarpc_sess_exit();
out_ib_exit:
	rdmarpc_ib_exit();
out_destroy_wq:
	destroy_workqueue(rdmarpc_wq);
	return ret;
}

/*
 * The exact reverse of rdmarpc_init(), once the ports are dead: the
 * netlink family's removal waits for the commands still running.
 */
static void __exit rdmarpc_exit(void)
{
	rdmarpc_ib_stop();
	rdmarpc_nl_exit();
	rdmarpc_chardev_exit();
	rdmarpc_rpc_exit();
	/* No new sessions from outside, then none from us. */
	rdmarpc_hs_exit();
	rdmarpc_peer_exit();
	rdmarpc_sess_exit();
	rdmarpc_dbg_delay(&rdmarpc_dbg_exit_delay_ms);
	rdmarpc_ib_exit();
	destroy_workqueue(rdmarpc_wq);
	rdmarpc_peer_exit_check();
	pr_info("unloaded\n");
}

module_init(rdmarpc_init);
module_exit(rdmarpc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Reliable RPC over RDMA unreliable datagrams");
MODULE_VERSION(RDMARPC_VERSION);
MODULE_ALIAS_GENL_FAMILY(RDMARPC_GENL_NAME);
