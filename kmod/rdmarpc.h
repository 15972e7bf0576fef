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
extern unsigned short rdmarpc_tcp_port;
extern bool rdmarpc_crc;
extern unsigned int rdmarpc_call_timeout_ms;
extern unsigned int rdmarpc_rto_min_us;
extern unsigned int rdmarpc_rto_max_us;
extern unsigned int rdmarpc_max_retries;
extern unsigned int rdmarpc_heartbeat_ms;
/* Admission of inbound sessions: limits per client host and overall. */
extern unsigned int rdmarpc_mem_budget_mb;
extern unsigned int rdmarpc_sessions_per_host;
extern unsigned int rdmarpc_idle_timeout_ms;
extern unsigned int rdmarpc_hs_pending_max;
extern unsigned int rdmarpc_hs_pending_per_host;
/* Fault injection, parts per million, 0: off. */
extern unsigned int rdmarpc_fault_tx_drop;
extern unsigned int rdmarpc_fault_rx_drop;
extern unsigned int rdmarpc_fault_duplicate;
extern unsigned int rdmarpc_fault_reorder;
extern unsigned int rdmarpc_fault_corrupt;

/*
 * Debug builds only (selftests): delays, in ms, that make races of the
 * handshake deterministic; 0: none.  Without DEBUG they are 0 and unused.
 */
extern unsigned int rdmarpc_dbg_hs_accept_delay_ms;
extern unsigned int rdmarpc_dbg_hs_activate_delay_ms;
#define RDMARPC_DBG_DELAY_MAX		30000

#define RDMARPC_DEPTH_MIN	16
#define RDMARPC_DEPTH_MAX	8192
#define RDMARPC_GID_INDEX_MAX	1023
#define RDMARPC_TCP_PORT_DEFAULT	18515
#define RDMARPC_CALL_TIMEOUT_MAX	3600000		/* ms */
#define RDMARPC_RTO_MIN_US_MIN		10
#define RDMARPC_RTO_MAX_US_MAX		60000000
#define RDMARPC_MAX_RETRIES_MAX		1000
#define RDMARPC_HEARTBEAT_MS_MIN	10
#define RDMARPC_HEARTBEAT_MS_MAX	600000
#define RDMARPC_PPM			1000000
#define RDMARPC_MEM_BUDGET_MB_MAX	1048576		/* 1 TiB */
#define RDMARPC_SESSIONS_PER_HOST_MAX	4096
#define RDMARPC_IDLE_TIMEOUT_MS_MIN	100
#define RDMARPC_IDLE_TIMEOUT_MS_MAX	86400000	/* a day */
/* The handshake workqueue's max_active bounds these. */
#define RDMARPC_HS_PENDING_LIMIT	256

/*
 * rdmarpc_lock: the configuration lock.  It protects the device list, every
 * port's set-up state (resources, chosen GID) and the module parameters.
 * Netlink handlers and device events take it; the data path never does.
 */
extern struct mutex rdmarpc_lock;

/* For work that may sleep (AH creation and destruction, port events). */
extern struct workqueue_struct *rdmarpc_wq;

#endif /* _RDMARPC_H */
