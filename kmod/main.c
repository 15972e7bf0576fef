// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: reliable RPC over RDMA unreliable datagrams.
 *
 * Module entry points and parameters.
 */
#include <linux/delay.h>
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
#include "rpc.h"

unsigned int rdmarpc_recv_depth = 256;
module_param_named(recv_depth, rdmarpc_recv_depth, uint, 0444);
MODULE_PARM_DESC(recv_depth, "Receive buffers per port (16..8192; default 256)");

unsigned int rdmarpc_send_depth = 256;
module_param_named(send_depth, rdmarpc_send_depth, uint, 0444);
MODULE_PARM_DESC(send_depth, "Send buffers per port (16..8192; default 256)");

int rdmarpc_gid_index = -1;
module_param_named(gid_index, rdmarpc_gid_index, int, 0444);
MODULE_PARM_DESC(gid_index, "Source GID index (-1: automatic, the default)");

unsigned short rdmarpc_tcp_port = RDMARPC_TCP_PORT_DEFAULT;
module_param_named(tcp_port, rdmarpc_tcp_port, ushort, 0444);
MODULE_PARM_DESC(tcp_port, "Handshake TCP port (default 18515)");

bool rdmarpc_crc = true;
module_param_named(crc, rdmarpc_crc, bool, 0644);
MODULE_PARM_DESC(crc, "CRC32C on new sessions (default on)");

unsigned int rdmarpc_call_timeout_ms = 30000;
module_param_named(call_timeout_ms, rdmarpc_call_timeout_ms, uint, 0644);
MODULE_PARM_DESC(call_timeout_ms, "Default call timeout (ms; default 30000)");

unsigned int rdmarpc_rto_min_us = 5000;
module_param_named(rto_min_us, rdmarpc_rto_min_us, uint, 0644);
MODULE_PARM_DESC(rto_min_us, "Retransmission timeout floor (us; default 5000)");

unsigned int rdmarpc_rto_max_us = 500000;
module_param_named(rto_max_us, rdmarpc_rto_max_us, uint, 0644);
MODULE_PARM_DESC(rto_max_us, "Retransmission timeout ceiling (us; default 500000)");

unsigned int rdmarpc_max_retries = 10;
module_param_named(max_retries, rdmarpc_max_retries, uint, 0644);
MODULE_PARM_DESC(max_retries, "Timeouts in a row before a call fails (default 10)");

unsigned int rdmarpc_heartbeat_ms = 1000;
module_param_named(heartbeat_ms, rdmarpc_heartbeat_ms, uint, 0644);
MODULE_PARM_DESC(heartbeat_ms, "Liveness heartbeat period (ms; 0: off; default 1000)");

unsigned int rdmarpc_mem_budget_mb = 256;
module_param_named(mem_budget_mb, rdmarpc_mem_budget_mb, uint, 0644);
MODULE_PARM_DESC(mem_budget_mb, "Memory for requests being received or handled and stored responses, all inbound sessions (MiB, 1..1048576; default 256); over it a request fails with ENOSPC");

unsigned int rdmarpc_sessions_per_host = 16;
module_param_named(sessions_per_host, rdmarpc_sessions_per_host, uint, 0644);
MODULE_PARM_DESC(sessions_per_host, "Inbound sessions per client IPv4 address (1..4096; default 16)");

unsigned int rdmarpc_idle_timeout_ms = 600000;
module_param_named(idle_timeout_ms, rdmarpc_idle_timeout_ms, uint, 0644);
MODULE_PARM_DESC(idle_timeout_ms, "Close an inbound session with no call for this long; heartbeats do not count (ms; 0: off, else 100..86400000; default 600000)");

unsigned int rdmarpc_hs_pending_max = 64;
module_param_named(hs_pending_max, rdmarpc_hs_pending_max, uint, 0644);
MODULE_PARM_DESC(hs_pending_max, "Inbound handshakes in progress at once; more connections are closed at once (1..256; default 64)");

unsigned int rdmarpc_hs_pending_per_host = 8;
module_param_named(hs_pending_per_host, rdmarpc_hs_pending_per_host, uint, 0644);
MODULE_PARM_DESC(hs_pending_per_host, "Inbound handshakes in progress per client IPv4 address (1..256; default 8)");

/* Fault injection, admin only (0600), default off. */
unsigned int rdmarpc_fault_tx_drop;
module_param_named(fault_tx_drop, rdmarpc_fault_tx_drop, uint, 0600);
MODULE_PARM_DESC(fault_tx_drop, "Drop sent datagrams (ppm)");
unsigned int rdmarpc_fault_rx_drop;
module_param_named(fault_rx_drop, rdmarpc_fault_rx_drop, uint, 0600);
MODULE_PARM_DESC(fault_rx_drop, "Drop received datagrams (ppm)");
unsigned int rdmarpc_fault_duplicate;
module_param_named(fault_duplicate, rdmarpc_fault_duplicate, uint, 0600);
MODULE_PARM_DESC(fault_duplicate, "Send datagrams twice (ppm)");
unsigned int rdmarpc_fault_reorder;
module_param_named(fault_reorder, rdmarpc_fault_reorder, uint, 0600);
MODULE_PARM_DESC(fault_reorder, "Hold a datagram back behind the next (ppm)");
unsigned int rdmarpc_fault_corrupt;
module_param_named(fault_corrupt, rdmarpc_fault_corrupt, uint, 0600);
MODULE_PARM_DESC(fault_corrupt, "Flip a bit after the CRC (ppm)");

#ifdef DEBUG
/* Debug builds: widen module exit's window after the peers are gone. */
static unsigned int rdmarpc_dbg_exit_delay_ms;
module_param_named(dbg_exit_delay_ms, rdmarpc_dbg_exit_delay_ms, uint, 0600);
MODULE_PARM_DESC(dbg_exit_delay_ms, "Debug: sleep this long in exit after the sessions' teardown");
/* Debug builds: delays that make handshake races deterministic. */
unsigned int rdmarpc_dbg_hs_accept_delay_ms;
module_param_named(dbg_hs_accept_delay_ms, rdmarpc_dbg_hs_accept_delay_ms,
		   uint, 0600);
MODULE_PARM_DESC(dbg_hs_accept_delay_ms,
		 "Debug: server sleeps this long between activating a session and accepting it (ms; 0..30000)");
unsigned int rdmarpc_dbg_hs_activate_delay_ms;
module_param_named(dbg_hs_activate_delay_ms, rdmarpc_dbg_hs_activate_delay_ms,
		   uint, 0600);
MODULE_PARM_DESC(dbg_hs_activate_delay_ms,
		 "Debug: client sleeps this long between the accept and activating (ms; 0..30000)");
#else
unsigned int rdmarpc_dbg_hs_accept_delay_ms;
unsigned int rdmarpc_dbg_hs_activate_delay_ms;
#endif

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
	if (!rdmarpc_tcp_port || !rdmarpc_call_timeout_ms ||
	    rdmarpc_call_timeout_ms > RDMARPC_CALL_TIMEOUT_MAX ||
	    rdmarpc_rto_min_us < RDMARPC_RTO_MIN_US_MIN ||
	    rdmarpc_rto_max_us > RDMARPC_RTO_MAX_US_MAX ||
	    rdmarpc_rto_min_us > rdmarpc_rto_max_us ||
	    !rdmarpc_max_retries ||
	    rdmarpc_max_retries > RDMARPC_MAX_RETRIES_MAX ||
	    (rdmarpc_heartbeat_ms &&
	     (rdmarpc_heartbeat_ms < RDMARPC_HEARTBEAT_MS_MIN ||
	      rdmarpc_heartbeat_ms > RDMARPC_HEARTBEAT_MS_MAX))) {
		pr_err("a session parameter is out of range (see modinfo)\n");
		return false;
	}
	if (!rdmarpc_mem_budget_mb ||
	    rdmarpc_mem_budget_mb > RDMARPC_MEM_BUDGET_MB_MAX ||
	    !rdmarpc_sessions_per_host ||
	    rdmarpc_sessions_per_host > RDMARPC_SESSIONS_PER_HOST_MAX ||
	    (rdmarpc_idle_timeout_ms &&
	     (rdmarpc_idle_timeout_ms < RDMARPC_IDLE_TIMEOUT_MS_MIN ||
	      rdmarpc_idle_timeout_ms > RDMARPC_IDLE_TIMEOUT_MS_MAX)) ||
	    !rdmarpc_hs_pending_max ||
	    rdmarpc_hs_pending_max > RDMARPC_HS_PENDING_LIMIT ||
	    !rdmarpc_hs_pending_per_host ||
	    rdmarpc_hs_pending_per_host > RDMARPC_HS_PENDING_LIMIT) {
		pr_err("an admission limit is out of range (see modinfo)\n");
		return false;
	}
	if (rdmarpc_dbg_hs_accept_delay_ms > RDMARPC_DBG_DELAY_MAX ||
	    rdmarpc_dbg_hs_activate_delay_ms > RDMARPC_DBG_DELAY_MAX) {
		pr_err("debug delays must be within 0..%u ms\n",
		       RDMARPC_DBG_DELAY_MAX);
		return false;
	}
	if (rdmarpc_fault_tx_drop > RDMARPC_PPM ||
	    rdmarpc_fault_rx_drop > RDMARPC_PPM ||
	    rdmarpc_fault_duplicate > RDMARPC_PPM ||
	    rdmarpc_fault_reorder > RDMARPC_PPM ||
	    rdmarpc_fault_corrupt > RDMARPC_PPM) {
		pr_err("fault knobs are parts per million: 0..%u\n",
		       RDMARPC_PPM);
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

	pr_info("loaded\n");
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
#ifdef DEBUG
	msleep(min(rdmarpc_dbg_exit_delay_ms, 10000U));
#endif
	rdmarpc_ib_exit();
	destroy_workqueue(rdmarpc_wq);
	rdmarpc_peer_exit_check();
	pr_info("unloaded\n");
}

module_init(rdmarpc_init);
module_exit(rdmarpc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Reliable RPC over RDMA unreliable datagrams");
MODULE_ALIAS_GENL_FAMILY(RDMARPC_GENL_NAME);
