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
 * Netlink family "rdmarpc", version RDMARPC_GENL_VERSION.  Every command
 * has a policy of its own, strictly applied (dumps included): every
 * attribute it takes has an exact type and length, and an attribute it
 * does not take, or an unknown or malformed one, is rejected with -EINVAL
 * (-ERANGE where the policy itself checks a range: LOOPBACK's numbers,
 * the 32 bytes of PEER_ADD's key).  Commands that change state need
 * CAP_NET_ADMIN (-EPERM without).  An unknown command, or a dump asked of
 * a do command or the other way round, fails with -EOPNOTSUPP; a reply
 * the kernel cannot allocate, with -ENOMEM.  The errors below come with
 * an extack message where the kernel can name the problem.
 *
 * Network namespaces: rdmarpc works in the initial network namespace only
 * (its handshake sockets, routes and neighbour lookups are init_net's).
 * From any other namespace every command fails with -EOPNOTSUPP and an
 * extack message, and /dev/rdmarpc's CONNECT and BIND fail with
 * -EOPNOTSUPP.
 *
 * RDMARPC_CMD_DEV_GET (dump; anyone)
 *   Request: nothing, or RDMARPC_A_DEV_NAME to select one device (-ENODEV
 *   with an extack message if no device has that name).
 *   Reply: one message per port of every RDMA device the module manages
 *   (its InfiniBand and RoCE ports, whether the module set them up or
 *   not: a port is set up once it is ACTIVE with a usable GID):
 *     RDMARPC_A_DEV_NAME      string   e.g. "rxe0"
 *     RDMARPC_A_DEV_INDEX     u32      ib_device index
 *     RDMARPC_A_PORT          u32      port number (1-based)
 *     RDMARPC_A_PORT_STATE    u8       enum rdmarpc_port_state, as queried
 *     RDMARPC_A_LINK_LAYER    u8       enum rdmarpc_link_layer
 *     RDMARPC_A_ACTIVE_MTU    u32      payload MTU in bytes (256..4096)
 *     RDMARPC_A_LID           u16      0 on RoCE
 *   only for a port the module has set up:
 *     RDMARPC_A_GID_INDEX     u32      the source GID index the module chose
 *     RDMARPC_A_NETDEV        string   net device of the chosen GID (RoCE)
 *     RDMARPC_A_QPN           u32      the port's UD QP number
 *     RDMARPC_A_QKEY          u32      the QKey (random per module instance)
 *     RDMARPC_A_RECV_DEPTH    u32      receive buffers posted on the QP (the
 *                                      recv_depth parameter when it was set
 *                                      up; what inbound sessions' credits
 *                                      are granted from)
 *     RDMARPC_A_SEND_DEPTH    u32      send queue depth (likewise)
 *   and for every port:
 *     RDMARPC_A_GIDS          nested   list of RDMARPC_A_GID, each nested:
 *       RDMARPC_GID_A_INDEX   u32
 *       RDMARPC_GID_A_GID     binary   16 bytes, network order
 *       RDMARPC_GID_A_TYPE    u8       enum rdmarpc_gid_type
 *       RDMARPC_GID_A_NETDEV  string   when the GID has one (RoCE)
 *     RDMARPC_A_STATS         nested   RDMARPC_STAT_A_* counters, u64 each
 *   A dump that raced with a change (a device added or removed; a port's
 *   state, set-up or source GID) is flagged NLM_F_DUMP_INTR; userspace
 *   retries.
 *
 * RDMARPC_CMD_PARAM_GET (do; anyone)
 *   Request: no attributes (any attribute is refused with -EINVAL).
 *   Reply: RDMARPC_A_PARAMS nested, every RDMARPC_PARAM_A_* attribute.
 *
 * RDMARPC_CMD_PARAM_SET (do; CAP_NET_ADMIN)
 *   Request: RDMARPC_A_PARAMS nested, any subset of RDMARPC_PARAM_A_*.
 *   Values are range-checked all before any is applied (all or nothing);
 *   -EINVAL with an extack message names the offending parameter (also:
 *   no RDMARPC_A_PARAMS, or rto_min_us above rto_max_us).
 *   Settings that size per-port resources apply to ports set up afterwards.
 *   RDMARPC_PARAM_A_TCP_PORT takes effect at module load only (the
 *   handshake listener is bound to it): a value other than the current
 *   one fails the request with -EBUSY and an extack message, and nothing
 *   is applied; the current value is taken, so that a PARAM_GET reply can
 *   be sent back as is.
 *
 * RDMARPC_CMD_LOOPBACK (do; CAP_NET_ADMIN; for self-tests)
 *   Request: RDMARPC_A_DEV_NAME, RDMARPC_A_PORT, RDMARPC_A_LOOPBACK_COUNT
 *            (1..65536), RDMARPC_A_LOOPBACK_SIZE (16..active MTU bytes:
 *            each datagram starts with a 16-byte header, magic, test
 *            cookie, sequence number and size; a pattern fills the rest).
 *   Sends COUNT UD datagrams from the port's QP to the same QP through an
 *   address handle built like any peer's, and waits (bounded: 2 s plus
 *   5 ms per datagram, enough for a kernel with every debug option) for
 *   them.
 *   Reply: RDMARPC_A_LOOPBACK_COUNT (sent), RDMARPC_A_LOOPBACK_RECEIVED
 *          (received intact), RDMARPC_A_LOOPBACK_NSEC (elapsed).
 *   Errors: -EINVAL (an attribute missing, SIZE above the port's MTU),
 *   -ERANGE (the policy's own range checks: PORT 0, COUNT outside
 *   1..65536, SIZE outside 16..4096), -ENODEV (no such device and port set
 *   up, or it goes mid-test), -EBUSY (a test runs on that port), -ENOMEM,
 *   -EINTR (a signal), -EIO (an address handle built from a received
 *   datagram differs from the resolved one), or the error of the address
 *   handle's creation or resolution (e.g. -EADDRNOTAVAIL, -ETIMEDOUT,
 *   -EHOSTUNREACH) or of a send.
 *
 * RDMARPC_CMD_PEER_ADD (do; CAP_NET_ADMIN)
 *   Request: RDMARPC_A_PEER_NAME (string < RDMARPC_NAME_MAX),
 *            RDMARPC_A_PEER_IPV4 (u32, network order), optional
 *            RDMARPC_A_PEER_TCP_PORT (u16, default the module's port),
 *            RDMARPC_A_PEER_CRC (u8 0/1), RDMARPC_A_PEER_PSK (32 bytes),
 *            RDMARPC_A_PEER_CC (u8 enum rdmarpc_cc: the congestion
 *            control of our sessions to it; default the cc parameter).
 *   -EEXIST if the name is taken; -EINVAL for a missing or empty name, an
 *   address that is not unicast (0.0.0.0/8, multicast, broadcast), port 0,
 *   CRC above 1 or an unknown CC; -ENOMEM; with a key, the crypto API's error if
 *   HMAC-SHA256 cannot be set up (e.g. -ENOENT).
 *
 * RDMARPC_CMD_PEER_DEL (do; CAP_NET_ADMIN)
 *   Request: RDMARPC_A_PEER_NAME (-EINVAL without; -ENOENT if no peer has
 *   that name).  Pending calls fail with -ECONNRESET.
 *
 * RDMARPC_CMD_PEER_GET (dump; anyone)
 *   Request: no attributes (any attribute is refused with -EINVAL).
 *   Reply, per peer (configured, or created on demand by a connect to
 *   "a.b.c.d[:port]", then named "a.b.c.d:port"):
 *     RDMARPC_A_PEER_NAME      string
 *     RDMARPC_A_PEER_IPV4      u32      network order
 *     RDMARPC_A_PEER_TCP_PORT  u16      host order
 *     RDMARPC_A_PEER_STATE     u8       enum rdmarpc_peer_state
 *     RDMARPC_A_PEER_CRC       u8       0/1
 *     RDMARPC_A_PEER_CC        u8       enum rdmarpc_cc
 *   and, once connected (from its first live session):
 *     RDMARPC_A_DEV_NAME       string
 *     RDMARPC_A_PORT           u32
 *     RDMARPC_A_GID_INDEX      u32      our source GID index
 *     RDMARPC_A_PEER_GID       binary   16 bytes, network order
 *     RDMARPC_A_PEER_QPN       u32
 *     RDMARPC_A_PEER_QKEY      u32
 *     RDMARPC_A_PEER_MTU       u32      datagram bytes, header included
 *     RDMARPC_A_PEER_MAC       binary   6 bytes: the destination MAC in the
 *                                       cached address handle (RoCE only)
 *     RDMARPC_A_STATS          nested   RDMARPC_SSTAT_A_*, summed over the
 *                                       peer's sessions
 *   GID, QPN and QKey come only from the handshake.
 *
 * RDMARPC_CMD_SESSION_GET (dump; anyone)
 *   Request: no attributes (any attribute is refused with -EINVAL).
 *   Reply, per active session:
 *     RDMARPC_A_SESSION_ID     u32
 *     RDMARPC_A_SESSION_ROLE   u8       enum rdmarpc_session_role
 *     RDMARPC_A_PEER_NAME      string   the peer's name, or the client's
 *                                       address "a.b.c.d:port" (inbound)
 *     RDMARPC_A_DEV_NAME       string
 *     RDMARPC_A_PORT           u32
 *     RDMARPC_A_SESSION_INFO   nested   RDMARPC_SINFO_A_*
 *     RDMARPC_A_STATS          nested   RDMARPC_SSTAT_A_*
 *
 * RDMARPC_CMD_STATS_GET (do; anyone)
 *   Request: no attributes (any attribute is refused with -EINVAL).
 *   Reply: the module-wide counters, one nest per layer, u64 each (padded
 *   with the nest's *_A_PAD attribute):
 *     RDMARPC_A_HS_STATS       nested   RDMARPC_HSTAT_A_*: the TCP handshake
 *                                       and the sessions' liveness
 *     RDMARPC_A_FAULT_STATS    nested   RDMARPC_FSTAT_A_*: datagrams the
 *                                       fault_* parameters acted on, and
 *                                       those that found no session
 *     RDMARPC_A_RPC_STATS      nested   RDMARPC_RSTAT_A_*: calls, requests
 *                                       and replies of the /dev/rdmarpc
 *                                       endpoints
 *   Counters only grow (but the gauges RDMARPC_RSTAT_A_ENDPOINTS,
 *   RDMARPC_RSTAT_A_MEM_USED, RDMARPC_RSTAT_A_IDEM_ENTRIES and
 *   RDMARPC_RSTAT_A_IDEM_BYTES) and start at 0 when the module is loaded.
 *   Per-port counters are in DEV_GET, per-session ones in SESSION_GET and
 *   PEER_GET.  -EMSGSIZE if the counters do not fit a message.
 *
 * Multicast group RDMARPC_GENL_MCGRP_EVENTS (in init_net, to anyone who
 * joins it; an event that cannot be allocated is lost, like one that
 * overflows a listener's socket):
 *   RDMARPC_CMD_DEV_NEW / RDMARPC_CMD_DEV_DEL, with the attributes of a
 *   DEV_GET reply (DEV_DEL: at least DEV_NAME, DEV_INDEX, PORT).
 *   RDMARPC_CMD_SESSION_UP, once a session is active; then exactly one
 *   RDMARPC_CMD_SESSION_DOWN, once it has died and is being torn down
 *   (its calls have failed):
 *     RDMARPC_A_SESSION_ID       u32      as in SESSION_GET
 *     RDMARPC_A_SESSION_ROLE     u8       enum rdmarpc_session_role
 *     RDMARPC_A_PEER_NAME        string   as in SESSION_GET
 *     RDMARPC_A_PEER_IPV4        u32      network order: the peer's
 *                                         address (client), the client's
 *                                         (server)
 *     RDMARPC_A_PEER_TCP_PORT    u16      the peer's handshake port
 *                                         (client), the client's TCP
 *                                         source port (server)
 *     RDMARPC_A_PEER_SESSION_ID  u32      the peer's id of this session
 *                                         (its SESSION_ID over there)
 *     RDMARPC_A_DEV_NAME         string
 *     RDMARPC_A_PORT             u32
 *   and in SESSION_DOWN:
 *     RDMARPC_A_REASON           s32      why, a negative errno: the error
 *                                         its pending calls failed with
 *                                         (-ECONNRESET: the liveness
 *                                         connection closed or reset, the
 *                                         peer reset the session, or the
 *                                         peer was deleted; -ETIMEDOUT:
 *                                         heartbeats missed, or an inbound
 *                                         session idle for idle_timeout_ms;
 *                                         -ENODEV: its RDMA device went
 *                                         away)
 *   RDMARPC_CMD_PEER_UP when a peer goes UP (its first session), and
 *   RDMARPC_CMD_PEER_DOWN when it leaves UP (to IDLE: its last session
 *   went; to FAILED: no RDMA port reaches it) or a connect to it fails
 *   (to FAILED).  In the order of the peer's states; a peer that fails
 *   again in the same state sends nothing new:
 *     RDMARPC_A_PEER_NAME        string
 *     RDMARPC_A_PEER_IPV4        u32      network order
 *     RDMARPC_A_PEER_TCP_PORT    u16      host order
 *     RDMARPC_A_PEER_STATE       u8       enum rdmarpc_peer_state, the new
 *   and in PEER_DOWN:
 *     RDMARPC_A_REASON           s32      why, a negative errno: IDLE, the
 *                                         REASON of its last session's
 *                                         SESSION_DOWN; FAILED, the
 *                                         connect's error (see CONNECT
 *                                         below) or -ENODEV
 *   Sessions, peers and ports already up when a listener joins are not
 *   replayed: dump them.
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
	RDMARPC_CMD_PEER_ADD,
	RDMARPC_CMD_PEER_DEL,
	RDMARPC_CMD_PEER_GET,
	RDMARPC_CMD_SESSION_GET,
	RDMARPC_CMD_STATS_GET,
	RDMARPC_CMD_SESSION_UP,
	RDMARPC_CMD_SESSION_DOWN,
	RDMARPC_CMD_PEER_UP,
	RDMARPC_CMD_PEER_DOWN,

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
	RDMARPC_A_PEER_NAME,
	RDMARPC_A_PEER_IPV4,
	RDMARPC_A_PEER_TCP_PORT,
	RDMARPC_A_PEER_STATE,
	RDMARPC_A_PEER_GID,
	RDMARPC_A_PEER_QPN,
	RDMARPC_A_PEER_QKEY,
	RDMARPC_A_PEER_MTU,
	RDMARPC_A_PEER_MAC,
	RDMARPC_A_PEER_CRC,
	RDMARPC_A_PEER_PSK,
	RDMARPC_A_SESSION_ID,
	RDMARPC_A_SESSION_ROLE,
	RDMARPC_A_SESSION_INFO,
	RDMARPC_A_HS_STATS,
	RDMARPC_A_FAULT_STATS,
	RDMARPC_A_RPC_STATS,
	RDMARPC_A_RECV_DEPTH,
	RDMARPC_A_SEND_DEPTH,
	RDMARPC_A_PEER_SESSION_ID,
	RDMARPC_A_REASON,
	RDMARPC_A_PEER_CC,

	__RDMARPC_A_MAX
};

#define RDMARPC_A_MAX (__RDMARPC_A_MAX - 1)

/*
 * Congestion control of a client session's window (RDMARPC_A_PEER_CC, the
 * cc parameter).  AIMD: grows one packet per round trip, halves on loss.
 * DELAY: grows while the round trips stay near the path's minimum and
 * shrinks in proportion as they rise above it; halves on loss too.
 */
enum rdmarpc_cc {
	RDMARPC_CC_AIMD,
	RDMARPC_CC_DELAY,

	__RDMARPC_CC_MAX
};

#define RDMARPC_CC_MAX (__RDMARPC_CC_MAX - 1)

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

/*
 * Per-port counters inside RDMARPC_A_STATS of DEV_GET, all u64
 * (rdmarpc_counters.h).
 */
enum rdmarpc_stat_attr {
	RDMARPC_STAT_A_UNSPEC,
	RDMARPC_STAT_A_PAD,
#define RDMARPC_PORT_COUNTER(NAME, ...)	RDMARPC_STAT_A_##NAME,
#include "rdmarpc_counters.h"

	__RDMARPC_STAT_A_MAX
};

#define RDMARPC_STAT_A_MAX (__RDMARPC_STAT_A_MAX - 1)

/*
 * The type of a module parameter (rdmarpc_params.h): its attribute is a
 * __u32, __s32, __u16 or __u8.
 */
enum rdmarpc_param_type {
	RDMARPC_PARAM_U32,
	RDMARPC_PARAM_S32,
	RDMARPC_PARAM_U16,
	RDMARPC_PARAM_BOOL,		/* a __u8, 0 or 1 */
};

/* Parts per million: the fault_* parameters' probabilities, at most this. */
#define RDMARPC_PPM			1000000
/*
 * The most hs_pending_max and hs_pending_per_host take: as many handshakes
 * as the module runs at once.
 */
#define RDMARPC_HS_PENDING_LIMIT	256
/* The most idem_max_entries takes. */
#define RDMARPC_IDEM_ENTRIES_LIMIT	65536
/* The most credit_overcommit takes. */
#define RDMARPC_OVERCOMMIT_LIMIT	64

/*
 * Module-wide parameters inside RDMARPC_A_PARAMS, one per row of
 * rdmarpc_params.h, which has each one's type, range and default.
 */
enum rdmarpc_param_attr {
	RDMARPC_PARAM_A_UNSPEC,
#define RDMARPC_PARAM(ATTR, ...)	RDMARPC_PARAM_A_##ATTR,
#include "rdmarpc_params.h"

	__RDMARPC_PARAM_A_MAX
};

#define RDMARPC_PARAM_A_MAX (__RDMARPC_PARAM_A_MAX - 1)

/*
 * Per-session counters inside RDMARPC_A_STATS of a SESSION_GET or PEER_GET
 * reply (a peer's are the sum over its sessions), all u64
 * (rdmarpc_counters.h).
 */
enum rdmarpc_sess_stat_attr {
	RDMARPC_SSTAT_A_UNSPEC,
	RDMARPC_SSTAT_A_PAD,
#define RDMARPC_SESS_COUNTER(NAME, ...)	RDMARPC_SSTAT_A_##NAME,
#include "rdmarpc_counters.h"

	__RDMARPC_SSTAT_A_MAX
};

#define RDMARPC_SSTAT_A_MAX (__RDMARPC_SSTAT_A_MAX - 1)

/* Gauges inside RDMARPC_A_SESSION_INFO. */
enum rdmarpc_sess_info_attr {
	RDMARPC_SINFO_A_UNSPEC,
	RDMARPC_SINFO_A_PAD,
	RDMARPC_SINFO_A_BUSY_SLOTS,	/* u32 */
	RDMARPC_SINFO_A_INFLIGHT,	/* u32 packets */
	RDMARPC_SINFO_A_CWND,		/* u32 packets */
	RDMARPC_SINFO_A_SRTT_NS,	/* u64 */
	RDMARPC_SINFO_A_RTO_NS,		/* u64 */

	__RDMARPC_SINFO_A_MAX
};

#define RDMARPC_SINFO_A_MAX (__RDMARPC_SINFO_A_MAX - 1)

/*
 * Handshake counters inside RDMARPC_A_HS_STATS, all u64
 * (rdmarpc_counters.h).
 */
enum rdmarpc_hs_stat_attr {
	RDMARPC_HSTAT_A_UNSPEC,
	RDMARPC_HSTAT_A_PAD,
#define RDMARPC_HS_COUNTER(NAME, ...)	RDMARPC_HSTAT_A_##NAME,
#include "rdmarpc_counters.h"

	__RDMARPC_HSTAT_A_MAX
};

#define RDMARPC_HSTAT_A_MAX (__RDMARPC_HSTAT_A_MAX - 1)

/*
 * Fault-injection counters inside RDMARPC_A_FAULT_STATS, all u64
 * (rdmarpc_counters.h).
 */
enum rdmarpc_fault_stat_attr {
	RDMARPC_FSTAT_A_UNSPEC,
	RDMARPC_FSTAT_A_PAD,
#define RDMARPC_FAULT_COUNTER(NAME, ...)	RDMARPC_FSTAT_A_##NAME,
#include "rdmarpc_counters.h"

	__RDMARPC_FSTAT_A_MAX
};

#define RDMARPC_FSTAT_A_MAX (__RDMARPC_FSTAT_A_MAX - 1)

/*
 * RPC-layer counters inside RDMARPC_A_RPC_STATS, all u64
 * (rdmarpc_counters.h).
 */
enum rdmarpc_rpc_stat_attr {
	RDMARPC_RSTAT_A_UNSPEC,
	RDMARPC_RSTAT_A_PAD,
#define RDMARPC_RPC_COUNTER(NAME, ...)	RDMARPC_RSTAT_A_##NAME,
#include "rdmarpc_counters.h"

	__RDMARPC_RSTAT_A_MAX
};

#define RDMARPC_RSTAT_A_MAX (__RDMARPC_RSTAT_A_MAX - 1)

enum rdmarpc_peer_state {
	RDMARPC_PEER_IDLE,		/* configured, no session yet */
	RDMARPC_PEER_CONNECTING,	/* resolving, handshaking */
	RDMARPC_PEER_UP,
	RDMARPC_PEER_FAILED,		/* last attempt failed; retried on use */
};

enum rdmarpc_session_role {
	RDMARPC_SESSION_CLIENT = 1,
	RDMARPC_SESSION_SERVER,
};

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

/*
 * /dev/rdmarpc: calls and services.
 *
 * Each open file is an endpoint.  An endpoint connects to peers (CONNECT
 * returns a small handle, private to the endpoint), issues calls on them,
 * and may serve: BIND gives it a service name and the method ids it answers.
 * Closing the file (also by process death) cancels its calls, unbinds its
 * services, and answers the requests it still held with -ECONNABORTED.
 *
 * Every structure starts with its size as userspace knows it, so the
 * structures can grow; the kernel rejects sizes it does not know with
 * -EINVAL and nonzero reserved fields with -EINVAL.  Pointers are __u64.
 *
 * Method ids: rdmarpc_method_id("package.Service/Method") in librdmarpc,
 * a stable 32-bit FNV-1a hash, or any explicit number.  A BIND with no
 * method list answers the id of the service name itself.
 *
 * Errors of a call (struct rdmarpc_completion.error): 0, -ETIMEDOUT (no
 * answer within the call's timeout or the retransmission give-up point),
 * -ECONNRESET (the peer's module reset the session or closed the liveness
 * connection, or the peer was deleted), -ENODEV (the RDMA device went
 * away), -ENOENT (the peer's module is not serving: being unloaded; a
 * method no endpoint on the peer serves completes with error 0 and status
 * RDMARPC_STATUS_UNIMPLEMENTED), -ECANCELED (cancelled), -EMSGSIZE
 * (request or response beyond 16 MiB or the peer's limit), -ENOBUFS (a
 * response of status OK larger than the buffer: resp_len says how large
 * and the bytes that fit were copied; the message of another status is
 * cut to the buffer instead, resp_len then what was copied; or no room
 * for it in the
 * endpoint's 256 MiB of held messages: nothing was copied), -ECONNABORTED
 * (the serving endpoint closed before replying), -ENOSPC (the server's
 * mem_budget_mb is used up), -ENOMEM (the server had no memory for the
 * request, or the serving endpoint's limits were reached), -EFAULT (REAP
 * only: the response could not be copied to resp, or the reaping process
 * is not the one that submitted).  A call that waited for a new session
 * to its peer may also fail with that connect's error (see CONNECT
 * below).  A handler's own status travels in struct
 * rdmarpc_completion.status.
 *
 * Errors of the ioctls themselves (what ioctl() returns; a call's outcome
 * is its completion's error).  Every ioctl may fail with -ENOTTY (an
 * unknown command), -EFAULT (a pointer it follows is bad) and -EINVAL (a
 * size it does not know, a nonzero reserved field, a flag it does not
 * know, a name that is empty or not NUL-terminated); besides:
 *   CONNECT      -EINVAL (timeout_ms above RDMARPC_CONNECT_TIMEOUT_MAX; a
 *                peer neither configured nor "a.b.c.d[:port]" with a
 *                unicast address and a nonzero port), -EOPNOTSUPP (another
 *                network namespace), -ENOSPC (1024 handles already),
 *                -ENOMEM, -EINTR (a signal), and the handshake's:
 *                -ETIMEDOUT, -EHOSTUNREACH, -ECONNREFUSED, -ENODEV (no
 *                RDMA port reaches the peer, or its device went away),
 *                -EPROTO (refused or answered wrongly; the reason is
 *                logged), -EUSERS (the server admits no more sessions:
 *                its sessions_per_host, or its receive capacity),
 *                -ECONNRESET (the peer was deleted meanwhile).
 *   CALL         -EINVAL (RDMARPC_CALL_F_KEY with req_len below 16),
 *                -EBADF (unknown handle), -EMSGSIZE (req_len above
 *                16 MiB, the key not counted), -EAGAIN (4096 calls in
 *                flight on the endpoint),
 *                -ENOBUFS (the request does not fit the endpoint's 256 MiB
 *                of held messages), -ENOMEM, -EINTR (a signal whose
 *                handler was installed without SA_RESTART; with
 *                SA_RESTART, or with no handler, the ioctl goes on
 *                waiting): the call stays in flight, and the thread's
 *                next CALL with the same arguments waits for it instead
 *                of sending it again, while any other CALL of the thread
 *                cancels it.  A fatal signal cancels it; -EINTR or
 *                -ETIMEDOUT also when a call it had to cancel did not
 *                complete within 10 s (it completes on its own later).
 *   SUBMIT       for the first entry it cannot take, the error CALL gives
 *                before its call starts (-EINVAL, -EBADF, -EMSGSIZE,
 *                -EAGAIN, -ENOBUFS, -ENOMEM, -EFAULT).
 *   REAP         -EINVAL (count 0, min_complete above count), -ETIMEDOUT,
 *                -EINTR (only if none was reaped, and only for a wait
 *                with an end: a wait forever is restarted under
 *                SA_RESTART, as read() is; one with a timeout is not, as
 *                for a socket with a receive timeout).
 *   CANCEL       -ENOENT (no such call in flight or waiting to be reaped).
 *   BIND         -EINVAL (more than 1024 method ids, or one twice),
 *                -EOPNOTSUPP (another network namespace), -ENOSPC (64
 *                services already), -EEXIST (this endpoint serves the name
 *                or an id already), -EADDRINUSE (another endpoint does),
 *                -ENOMEM.
 *   RECV         -EAGAIN (timeout_ms 0 and no request), -ETIMEDOUT,
 *                -EINTR (as REAP's), -ENOMEM.
 *   REPLY        -ENOENT (unknown or already answered id), -EMSGSIZE (len
 *                above 16 MiB), -ENOMEM.
 *   RECV_BATCH   REAP's (-EINTR only if none was taken), and -EINVAL,
 *                -EFAULT or -ENOMEM for the entry it failed on.
 *   REPLY_BATCH  REPLY's, and -EINVAL (an entry's size), for the first
 *                entry that fails.
 *   BUSY_POLL    -EINVAL (above RDMARPC_BUSY_POLL_MAX_US).
 *   REQ_STATE    -ENOENT (not a held request: unknown, or answered).
 * Opening /dev/rdmarpc fails with -ENOMEM when there is no memory for the
 * endpoint.
 */
#define RDMARPC_DEV_NAME	"rdmarpc"
#define RDMARPC_NAME_MAX	64	/* peer and service names, with NUL */

/*
 * RDMARPC_IOC_CONNECT: @timeout_ms bounds the handshake (0: 5000 ms), at
 * most RDMARPC_CONNECT_TIMEOUT_MAX (-EINVAL above).  The RDMA device's
 * removal aborts a handshake in progress on it (-ENODEV).
 */
#define RDMARPC_CONNECT_TIMEOUT_MAX	60000	/* ms */

struct rdmarpc_connect {
	__u32 size;
	__u32 flags;			/* none yet: 0 */
	char peer[RDMARPC_NAME_MAX];	/* peer name, or "IPv4[:port]" */
	__u32 timeout_ms;		/* handshake bound, 0: default */
	__u32 handle;			/* out */
};

struct rdmarpc_call {
	__u32 handle;			/* from RDMARPC_IOC_CONNECT */
	__u32 method;
	__u64 cookie;			/* returned in the completion */
	__u64 req;			/* request bytes */
	__u64 req_len;
	__u64 resp;			/* response buffer */
	__u64 resp_cap;
	__u32 timeout_ms;		/* 0: the module's default */
	__u32 flags;			/* RDMARPC_CALL_F_* */
};

/*
 * struct rdmarpc_call flags (CALL and SUBMIT):
 *
 * RDMARPC_CALL_F_KEY: the call carries an idempotency key, chosen by the
 *   caller (random, e.g. from getrandom()): the first
 *   RDMARPC_CALL_KEY_LEN bytes of @req are the key and the rest, from
 *   @req + 16 on (@req_len - 16 bytes), the request the handler gets.
 *   @req_len below 16 is -EINVAL.  Make every try of one operation with
 *   the same key.
 *
 *   The serving host's module remembers, per client host (the client's
 *   IPv4 address), method and key, the calls it has answered, for its
 *   idem_ttl_ms (a module parameter there; 0 turns this off): a call
 *   whose key it has answered gets the stored answer (status and bytes)
 *   without reaching a handler; one whose key is being handled waits for
 *   that answer and gets it too.  This holds across sessions,
 *   reconnections and client process restarts.  A call that ends without
 *   its handler's answer (cancelled or expired in the queue, its endpoint
 *   closed, refused) is forgotten, and the calls that waited for it end
 *   as it did: a retry runs the handler.  So is an answer with status
 *   CANCELLED, DEADLINE_EXCEEDED or UNAVAILABLE, which say the call did
 *   not take place.  What the module keeps is bounded (idem_max_entries,
 *   idem_max_mb): the oldest answers go first, and a call it has no room
 *   for runs as if it had no key.  Counted in the idem_* counters of
 *   RDMARPC_A_RPC_STATS.
 */
#define RDMARPC_CALL_F_KEY	0x1
#define RDMARPC_CALL_F_ALL	RDMARPC_CALL_F_KEY

#define RDMARPC_CALL_KEY_LEN	16

/*
 * Status codes (struct rdmarpc_completion.status when error is 0; the
 * status of RDMARPC_IOC_REPLY): gRPC's canonical codes, with their
 * numbers.  A handler may answer any value; these are the ones the
 * module, librdmarpc and its protobuf binding produce and understand.
 * With a status other than RDMARPC_STATUS_OK, the response bytes, if any,
 * are a message saying why: UTF-8, not NUL-terminated, at most
 * RDMARPC_STATUS_MSG_MAX bytes (librdmarpc's rdmarpc_reply_error()
 * truncates a longer one; the module passes every reply on as it is).
 */
enum rdmarpc_status {
	RDMARPC_STATUS_OK = 0,
	RDMARPC_STATUS_CANCELLED = 1,
	RDMARPC_STATUS_UNKNOWN = 2,
	RDMARPC_STATUS_INVALID_ARGUMENT = 3,
	RDMARPC_STATUS_DEADLINE_EXCEEDED = 4,
	RDMARPC_STATUS_NOT_FOUND = 5,
	RDMARPC_STATUS_ALREADY_EXISTS = 6,
	RDMARPC_STATUS_PERMISSION_DENIED = 7,
	RDMARPC_STATUS_RESOURCE_EXHAUSTED = 8,
	RDMARPC_STATUS_FAILED_PRECONDITION = 9,
	RDMARPC_STATUS_ABORTED = 10,
	RDMARPC_STATUS_OUT_OF_RANGE = 11,
	RDMARPC_STATUS_UNIMPLEMENTED = 12,
	RDMARPC_STATUS_INTERNAL = 13,
	RDMARPC_STATUS_UNAVAILABLE = 14,
	RDMARPC_STATUS_DATA_LOSS = 15,
	RDMARPC_STATUS_UNAUTHENTICATED = 16,
};

#define RDMARPC_STATUS_MSG_MAX	256

struct rdmarpc_completion {
	__u64 cookie;
	__s32 error;			/* 0 or a negative errno, see above */
	__s32 status;			/* the handler's status when error is 0 */
	__u64 resp_len;			/* response bytes (may exceed resp_cap) */
};

/* RDMARPC_IOC_CALL: one synchronous call. */
struct rdmarpc_sync_call {
	__u32 size;
	__u32 reserved;
	struct rdmarpc_call call;
	struct rdmarpc_completion comp;	/* out */
};

/*
 * RDMARPC_IOC_SUBMIT: @entries points at @count struct rdmarpc_call.
 * RDMARPC_IOC_REAP: @entries points at room for @count struct
 *   rdmarpc_completion; waits up to @timeout_ms (0: do not wait, ~0U:
 *   forever, interruptible) for at least @min_complete of them.
 * Both return the number processed in @done.  A SUBMIT that fails part
 * way returns the error for the first entry it could not take, with @done
 * the number taken before it.
 *
 * The serving side has the same two forms:
 * RDMARPC_IOC_RECV_BATCH (REAP's rules): @entries points at @count struct
 *   rdmarpc_request, each with @size, @buf and @buf_cap filled in and
 *   @timeout_ms and @reserved zero (the batch's @timeout_ms is the wait);
 *   takes up to @count requests, waiting up to @timeout_ms for at least
 *   @min_complete (0 <= @min_complete <= @count, @count >= 1), and fills
 *   in @id, @len and @method of the first @done entries.  Timeout 0: take
 *   what is there, never -ETIMEDOUT.  A wait that times out returns
 *   -ETIMEDOUT and a signal -EINTR (0 if something was taken); an entry
 *   that cannot be read or written or is refused (-EFAULT, -EINVAL) ends
 *   the batch with its error.  In every case the first @done entries were
 *   received and must be answered; the request meant for a failed entry
 *   stays queued.  The entries are read one by one, the first one before
 *   any wait.
 * RDMARPC_IOC_REPLY_BATCH (SUBMIT's rules): @entries points at @count
 *   struct rdmarpc_reply; @min_complete and @timeout_ms must be 0.  Answers
 *   them in order and stops at the first that fails (-ENOENT: unknown or
 *   already answered id, -EMSGSIZE, -EFAULT, -EINVAL: an entry's @size),
 *   returning its error with @done the number answered before it.
 *   @count 0 answers nothing.
 */
struct rdmarpc_batch {
	__u32 size;
	__u32 count;
	__u64 entries;
	__u32 min_complete;
	__u32 timeout_ms;
	__u32 done;			/* out */
	__u32 reserved;
};

struct rdmarpc_bind {
	__u32 size;
	__u32 flags;			/* none yet: 0 */
	char name[RDMARPC_NAME_MAX];
	__u64 methods;			/* __u32 array, or 0 */
	__u32 n_methods;		/* 0: the id of @name itself */
	__u32 reserved;
};

/* RDMARPC_IOC_RECV: take one request; waits up to @timeout_ms. */
struct rdmarpc_request {
	__u32 size;
	__u32 timeout_ms;
	__u64 buf;			/* room for the request bytes */
	__u64 buf_cap;
	__u64 id;			/* out: answer with this id */
	__u64 len;			/* out: request bytes (may exceed cap) */
	__u32 method;			/* out */
	__u32 flags;			/* RDMARPC_RECV_F_* */
};

/*
 * A request larger than buf_cap is not taken: RECV fails with -EMSGSIZE
 * (RECV_BATCH ends before the entry, or fails with it if it is the first)
 * with len and method written and id 0, and the request stays first in
 * the queue, for a RECV with room for len bytes.  Without it the request
 * is taken, and only its first buf_cap bytes are copied.
 */
#define RDMARPC_RECV_F_WHOLE	0x1
#define RDMARPC_RECV_F_ALL	RDMARPC_RECV_F_WHOLE

/*
 * RDMARPC_IOC_REQ_STATE: what is known of held request @id (one RECV took
 * and no REPLY answered yet) beyond its bytes.
 * @deadline_ns: the CLOCK_MONOTONIC time (clock_gettime()) at which its
 *   caller stops waiting: the time the caller had left, from when the
 *   request began to arrive; 0 if it gave none.  The module answers a
 *   request whose deadline passes before a RECV takes it with
 *   RDMARPC_STATUS_DEADLINE_EXCEEDED itself, without handing it over.
 * @flags: RDMARPC_REQ_CANCELLED once the caller has given up on it
 *   (cancelled, timed out); the answer is still due (it frees the
 *   caller's slot), and may as well be RDMARPC_STATUS_CANCELLED.  While
 *   any held request of the endpoint is cancelled and unanswered, poll()
 *   reports EPOLLPRI.  A queued request whose caller gives up never
 *   reaches a RECV: the module answers it RDMARPC_STATUS_CANCELLED.
 * -ENOENT: no such held request.
 */
struct rdmarpc_req_state {
	__u32 size;
	__u32 flags;			/* out: RDMARPC_REQ_* */
	__u64 id;			/* in: from RECV */
	__u64 deadline_ns;		/* out */
};

#define RDMARPC_REQ_CANCELLED	0x1

/* RDMARPC_IOC_REPLY */
struct rdmarpc_reply {
	__u32 size;
	__s32 status;			/* handed to the caller as is */
	__u64 id;
	__u64 buf;
	__u64 len;
};

/*
 * RDMARPC_IOC_BUSY_POLL: a __u32, microseconds.  Every wait of this
 * endpoint (CALL, REAP and RECV_BATCH with something to wait for, RECV)
 * first spins up to that long checking for what it waits for, then sleeps
 * as usual: lower latency for CPU time.  0 (the default) turns it off;
 * more than RDMARPC_BUSY_POLL_MAX_US is -EINVAL.  The spin ends early on a
 * signal or the wait's own timeout.
 */
#define RDMARPC_BUSY_POLL_MAX_US	10000

/*
 * Shared rings: a submission ring of struct rdmarpc_call and a completion
 * ring of struct rdmarpc_completion in memory the process maps, so that a
 * process that polls makes no system call per call.
 *
 * RDMARPC_IOC_RING_SETUP (once per endpoint) makes them; mmap(NULL,
 * @map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) maps them,
 * beginning with a struct rdmarpc_ring_hdr.  The module takes each entry
 * placed in the submission ring as a SUBMIT entry is taken (the request is
 * read from, and the response later written to, the memory of the process
 * that made the rings), and writes the completion of every call the
 * endpoint SUBMITs or places in the ring, as REAP would return it, into
 * the completion ring.  An entry the module refuses completes at once,
 * with the error SUBMIT would return for it.  It takes no completion while
 * the completion ring is full, and no submission either (a refusal needs
 * room to complete).
 *
 * Indices run freely (they wrap at 2^32); entry i is at (i & (entries -
 * 1)).  The process writes an entry, then @sq_tail (a release store), and
 * reads completions from @cq_head up to @cq_tail (an acquire load), then
 * moves @cq_head past them.  The module writes @sq_head, @cq_tail and
 * @flags.  A process that sees RDMARPC_RING_NEED_WAKEUP in @flags after it
 * stored @sq_tail (a full barrier between the store and the load), or
 * after it freed room in a full completion ring, calls
 * RDMARPC_IOC_RING_ENTER, which does the work; while the flag is set,
 * completions reach the ring only through RING_ENTER (or the thread, once
 * woken): a process that wants one waits in RING_ENTER rather than
 * spinning on @cq_tail.
 *
 * By default the module does that work only in RING_ENTER, and the flag
 * is always set: one system call per batch of submissions and per wait,
 * as with SUBMIT and REAP (the entries are read from and written to the
 * rings instead of the ioctls' arrays).  With
 * RDMARPC_RING_SETUP_THREAD a kernel thread of the endpoint does it too,
 * as io_uring's SQPOLL does: it works while it finds work; then, if none
 * of the endpoint's calls is in flight, it spins for the endpoint's
 * busy-poll time (RDMARPC_IOC_BUSY_POLL) waiting for the next; then (at
 * once with calls in flight, which wake it as they complete) it sleeps
 * and sets the flag.  While it is awake a process that polls makes no
 * system call per call; it needs a CPU of its own, or it delays the
 * process and the network work it shares one with.
 *
 * Only the process that made the rings may map them or enter (-EPERM);
 * the mapping is not inherited across fork().  Errors:
 *   RING_SETUP  -EINVAL (@flags, entries: a power of two, sq
 *               1..RDMARPC_RING_MAX_SQ, cq sq..RDMARPC_RING_MAX_CQ, 0 for
 *               2 * sq), -EBUSY (the endpoint has rings), -EPERM (no
 *               process memory: a kernel thread), -ENOMEM.
 *   RING_ENTER  -ENXIO (no rings), -EPERM, -EINVAL (@flags, @min_complete
 *               above the completion ring's size), -ETIMEDOUT, -EINTR (as
 *               REAP's).
 *   mmap        -ENXIO (no rings), -EPERM, -EINVAL (an offset, or longer
 *               than @map_len).
 */
#define RDMARPC_RING_MAX_SQ	4096
#define RDMARPC_RING_MAX_CQ	16384

struct rdmarpc_ring_setup {
	__u32 size;
	__u32 flags;			/* RDMARPC_RING_SETUP_* */
	__u32 sq_entries;
	__u32 cq_entries;		/* 0: 2 * sq_entries */
	__u64 map_len;			/* out: bytes to map */
};

struct rdmarpc_ring_hdr {
	__u32 sq_head;			/* module: next entry it takes */
	__u32 sq_tail;			/* process: one past its last entry */
	__u32 cq_head;			/* process: next completion it reads */
	__u32 cq_tail;			/* module: one past its last completion */
	__u32 flags;			/* module: RDMARPC_RING_* */
	__u32 sq_entries;
	__u32 cq_entries;
	__u32 reserved;
	__u64 sq_off;			/* from the start of the mapping */
	__u64 cq_off;
};

/* RING_SETUP: a kernel thread serves the rings too (see above). */
#define RDMARPC_RING_SETUP_THREAD	0x1
#define RDMARPC_RING_SETUP_ALL		RDMARPC_RING_SETUP_THREAD

#define RDMARPC_RING_NEED_WAKEUP	0x1

/*
 * RDMARPC_IOC_RING_ENTER: takes the entries placed in the submission ring
 * and moves the endpoint's completions into the completion ring, in the
 * process that enters.  Then, with @min_complete, waits up to @timeout_ms
 * (0: do not wait, ~0U: forever) until the completion ring holds at least
 * that many completions, busy polling first for the endpoint's busy-poll
 * time, and moving each completion in itself as it comes: a process
 * waiting there needs no CPU time of a ring thread.
 */
struct rdmarpc_ring_enter {
	__u32 size;
	__u32 flags;			/* none yet: 0 */
	__u32 min_complete;
	__u32 timeout_ms;
};

#define RDMARPC_IOC_MAGIC	0xb6
#define RDMARPC_IOC_NOP		_IO(RDMARPC_IOC_MAGIC, 0)
#define RDMARPC_IOC_CONNECT	_IOWR(RDMARPC_IOC_MAGIC, 1, struct rdmarpc_connect)
#define RDMARPC_IOC_CALL	_IOWR(RDMARPC_IOC_MAGIC, 2, struct rdmarpc_sync_call)
#define RDMARPC_IOC_SUBMIT	_IOWR(RDMARPC_IOC_MAGIC, 3, struct rdmarpc_batch)
#define RDMARPC_IOC_REAP	_IOWR(RDMARPC_IOC_MAGIC, 4, struct rdmarpc_batch)
#define RDMARPC_IOC_CANCEL	_IOW(RDMARPC_IOC_MAGIC, 5, __u64)
#define RDMARPC_IOC_BIND	_IOW(RDMARPC_IOC_MAGIC, 6, struct rdmarpc_bind)
#define RDMARPC_IOC_RECV	_IOWR(RDMARPC_IOC_MAGIC, 7, struct rdmarpc_request)
#define RDMARPC_IOC_REPLY	_IOW(RDMARPC_IOC_MAGIC, 8, struct rdmarpc_reply)
#define RDMARPC_IOC_BUSY_POLL	_IOW(RDMARPC_IOC_MAGIC, 9, __u32)
#define RDMARPC_IOC_RECV_BATCH	_IOWR(RDMARPC_IOC_MAGIC, 10, struct rdmarpc_batch)
#define RDMARPC_IOC_REPLY_BATCH	_IOWR(RDMARPC_IOC_MAGIC, 11, struct rdmarpc_batch)
#define RDMARPC_IOC_REQ_STATE	_IOWR(RDMARPC_IOC_MAGIC, 12, struct rdmarpc_req_state)
#define RDMARPC_IOC_RING_SETUP	_IOWR(RDMARPC_IOC_MAGIC, 13, struct rdmarpc_ring_setup)
#define RDMARPC_IOC_RING_ENTER	_IOW(RDMARPC_IOC_MAGIC, 14, struct rdmarpc_ring_enter)

/*
 * io_uring: IORING_OP_URING_CMD on an endpoint's file, so that a program
 * already on io_uring issues calls from the same ring as its other I/O.
 *
 * cmd_op RDMARPC_URING_CALL starts one call, as one SUBMIT entry does: the
 * SQE's command bytes (a normal 64-byte SQE has room) are a struct
 * rdmarpc_uring_call.  @call points to the struct rdmarpc_call, read when
 * the SQE is issued.  When the call is over, the module copies the
 * response to the call's buffer and the struct rdmarpc_completion to
 * @comp (as REAP would), then posts the CQE, with the SQE's user_data and
 * res 0.  A negative res: -EFAULT (@call or @comp unreadable or
 * unwritable; then @comp says nothing), or the errors of a SUBMIT entry
 * that was refused: -EINVAL, -EBADF, -EMSGSIZE, -EAGAIN, -ENOBUFS,
 * -ENOMEM.  Another cmd_op is -ENOTTY.  CANCEL with the call's cookie
 * cancels it as it does a SUBMIT's.  The process must not exit before its
 * calls complete if it wants their completions (an exiting process's
 * calls still end, within their timeouts, and are dropped).
 */
#define RDMARPC_URING_CALL	1

struct rdmarpc_uring_call {
	__u64 call;			/* struct rdmarpc_call * */
	__u64 comp;			/* struct rdmarpc_completion *, out */
};

#endif /* _UAPI_RDMARPC_H */
