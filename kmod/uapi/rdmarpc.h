/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * rdmarpc: the ABI between the kernel module and userspace.
 *
 * Two interfaces share this header:
 *
 *  - the generic netlink family "rdmarpc" (configuration and inspection:
 *    devices, module parameters, events), documented below;
 *  - the /dev/rdmarpc character device (calls and services).
 *
 * Netlink family "rdmarpc", version RDMARPC_GENL_VERSION.  Every attribute
 * has an exact type and length in the kernel's policy; unknown attributes
 * are rejected.  Commands that change state need CAP_NET_ADMIN.
 *
 * RDMARPC_CMD_DEV_GET (dump; anyone)
 *   Request: nothing, or RDMARPC_A_DEV_NAME to select one device.
 *   Reply: one message per (device, port) that the module set up:
 *     RDMARPC_A_DEV_NAME      string   e.g. "rxe0"
 *     RDMARPC_A_DEV_INDEX     u32      ib_device index
 *     RDMARPC_A_PORT          u32      port number (1-based)
 *     RDMARPC_A_PORT_STATE    u8       enum rdmarpc_port_state
 *     RDMARPC_A_LINK_LAYER    u8       enum rdmarpc_link_layer
 *     RDMARPC_A_ACTIVE_MTU    u32      payload MTU in bytes (256..4096)
 *     RDMARPC_A_LID           u16      0 on RoCE
 *     RDMARPC_A_GID_INDEX     u32      the source GID index the module chose
 *     RDMARPC_A_NETDEV        string   net device of the chosen GID (RoCE)
 *     RDMARPC_A_QPN           u32      the port's UD QP number
 *     RDMARPC_A_QKEY          u32      the QKey (random per module instance)
 *     RDMARPC_A_GIDS          nested   list of RDMARPC_A_GID, each nested:
 *       RDMARPC_GID_A_INDEX   u32
 *       RDMARPC_GID_A_GID     binary   16 bytes, network order
 *       RDMARPC_GID_A_TYPE    u8       enum rdmarpc_gid_type
 *       RDMARPC_GID_A_NETDEV  string   (RoCE only)
 *     RDMARPC_A_STATS         nested   RDMARPC_STAT_A_* counters, u64 each
 *   A dump that raced with a device coming or going is flagged
 *   NLM_F_DUMP_INTR; userspace retries.
 *
 * RDMARPC_CMD_PARAM_GET (do; anyone)
 *   Reply: RDMARPC_A_PARAMS nested, every RDMARPC_PARAM_A_* attribute.
 *
 * RDMARPC_CMD_PARAM_SET (do; CAP_NET_ADMIN)
 *   Request: RDMARPC_A_PARAMS nested, any subset of RDMARPC_PARAM_A_*.
 *   Values are range-checked all before any is applied (all or nothing);
 *   -EINVAL with an extack message names the offending parameter.
 *   Settings that size per-port resources apply to ports set up afterwards.
 *
 * RDMARPC_CMD_LOOPBACK (do; CAP_NET_ADMIN; for self-tests)
 *   Request: RDMARPC_A_DEV_NAME, RDMARPC_A_PORT, RDMARPC_A_LOOPBACK_COUNT
 *            (1..65536), RDMARPC_A_LOOPBACK_SIZE (0..active MTU bytes).
 *   Sends COUNT UD datagrams from the port's QP to the same QP through an
 *   address handle built like any peer's, and waits (bounded) for them.
 *   Reply: RDMARPC_A_LOOPBACK_COUNT (sent), RDMARPC_A_LOOPBACK_RECEIVED
 *          (received intact), RDMARPC_A_LOOPBACK_NSEC (elapsed).
 *   -ENODEV if the device or port is gone (also when it goes mid-test).
 *
 * Multicast group RDMARPC_GENL_MCGRP_EVENTS:
 *   RDMARPC_CMD_DEV_NEW / RDMARPC_CMD_DEV_DEL, with the attributes of a
 *   DEV_GET reply (DEV_DEL: at least DEV_NAME, DEV_INDEX, PORT).
 */
#ifndef _UAPI_RDMARPC_H
#define _UAPI_RDMARPC_H

#include <linux/types.h>

#define RDMARPC_GENL_NAME		"rdmarpc"
#define RDMARPC_GENL_VERSION		1
#define RDMARPC_GENL_MCGRP_EVENTS	"events"

enum rdmarpc_cmd {
	RDMARPC_CMD_UNSPEC,
	RDMARPC_CMD_DEV_GET,
	RDMARPC_CMD_PARAM_GET,
	RDMARPC_CMD_PARAM_SET,
	RDMARPC_CMD_LOOPBACK,
	RDMARPC_CMD_DEV_NEW,
	RDMARPC_CMD_DEV_DEL,

	__RDMARPC_CMD_MAX
};
#define RDMARPC_CMD_MAX (__RDMARPC_CMD_MAX - 1)

enum rdmarpc_attr {
	RDMARPC_A_UNSPEC,
	RDMARPC_A_PAD,
	RDMARPC_A_DEV_NAME,
	RDMARPC_A_DEV_INDEX,
	RDMARPC_A_PORT,
	RDMARPC_A_PORT_STATE,
	RDMARPC_A_LINK_LAYER,
	RDMARPC_A_ACTIVE_MTU,
	RDMARPC_A_LID,
	RDMARPC_A_GID_INDEX,
	RDMARPC_A_NETDEV,
	RDMARPC_A_QPN,
	RDMARPC_A_QKEY,
	RDMARPC_A_GIDS,
	RDMARPC_A_STATS,
	RDMARPC_A_PARAMS,
	RDMARPC_A_LOOPBACK_COUNT,
	RDMARPC_A_LOOPBACK_SIZE,
	RDMARPC_A_LOOPBACK_RECEIVED,
	RDMARPC_A_LOOPBACK_NSEC,

	__RDMARPC_A_MAX
};
#define RDMARPC_A_MAX (__RDMARPC_A_MAX - 1)

/* Inside RDMARPC_A_GIDS: a list of RDMARPC_A_GID nests. */
#define RDMARPC_A_GID 1

enum rdmarpc_gid_attr {
	RDMARPC_GID_A_UNSPEC,
	RDMARPC_GID_A_INDEX,
	RDMARPC_GID_A_GID,
	RDMARPC_GID_A_TYPE,
	RDMARPC_GID_A_NETDEV,

	__RDMARPC_GID_A_MAX
};
#define RDMARPC_GID_A_MAX (__RDMARPC_GID_A_MAX - 1)

/* Per-port counters, all u64, inside RDMARPC_A_STATS. */
enum rdmarpc_stat_attr {
	RDMARPC_STAT_A_UNSPEC,
	RDMARPC_STAT_A_PAD,
	RDMARPC_STAT_A_TX_PACKETS,	/* datagrams posted for send */
	RDMARPC_STAT_A_TX_BYTES,	/* payload bytes posted for send */
	RDMARPC_STAT_A_TX_ERRORS,	/* send completions with an error */
	RDMARPC_STAT_A_RX_PACKETS,	/* datagrams received */
	RDMARPC_STAT_A_RX_BYTES,	/* payload bytes received */
	RDMARPC_STAT_A_RX_ERRORS,	/* receive completions with an error */
	RDMARPC_STAT_A_RX_DROPS,	/* received but malformed or unclaimed */
	RDMARPC_STAT_A_RECV_POSTED,	/* receive buffers posted right now */

	__RDMARPC_STAT_A_MAX
};
#define RDMARPC_STAT_A_MAX (__RDMARPC_STAT_A_MAX - 1)

/* Module-wide parameters inside RDMARPC_A_PARAMS. */
enum rdmarpc_param_attr {
	RDMARPC_PARAM_A_UNSPEC,
	RDMARPC_PARAM_A_RECV_DEPTH,	/* u32: receive ring per port, 16..8192 */
	RDMARPC_PARAM_A_SEND_DEPTH,	/* u32: send ring per port, 16..8192 */
	RDMARPC_PARAM_A_GID_INDEX,	/* s32: -1 = automatic, else forced */

	__RDMARPC_PARAM_A_MAX
};
#define RDMARPC_PARAM_A_MAX (__RDMARPC_PARAM_A_MAX - 1)

/* Same values as the IB spec's port states. */
enum rdmarpc_port_state {
	RDMARPC_PORT_NOP,
	RDMARPC_PORT_DOWN,
	RDMARPC_PORT_INIT,
	RDMARPC_PORT_ARMED,
	RDMARPC_PORT_ACTIVE,
	RDMARPC_PORT_ACTIVE_DEFER,
};

enum rdmarpc_link_layer {
	RDMARPC_LINK_LAYER_UNSPECIFIED,
	RDMARPC_LINK_LAYER_INFINIBAND,
	RDMARPC_LINK_LAYER_ETHERNET,
};

enum rdmarpc_gid_type {
	RDMARPC_GID_TYPE_IB,
	RDMARPC_GID_TYPE_ROCE_V1,
	RDMARPC_GID_TYPE_ROCE_V2,
};

#endif /* _UAPI_RDMARPC_H */
