// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: the generic netlink family "rdmarpc" (see uapi/rdmarpc.h).
 *
 * The family runs with parallel_ops: a LOOPBACK test can take seconds and
 * must not hold genl_mutex (shared by every family) meanwhile.  Each
 * command takes the locks of what it reads or changes instead: rdmarpc_lock
 * for devices, ports and parameters, rdmarpc_peers_lock for peers,
 * rdmarpc_sess_mutex for sessions.  LOOPBACK holds rdmarpc_lock only to
 * find the port, then runs as one of the port's users.
 */
#include <linux/kernel.h>
#include <net/genetlink.h>
#include <rdma/ib_cache.h>
#include <rdma/ib_user_verbs.h>

#include "rdmarpc.h"
#include "uapi/rdmarpc.h"
#include "ib.h"
#include "ah.h"
#include "loopback.h"
#include "session.h"
#include "session_internal.h"
#include "peer.h"
#include "handshake.h"
#include "endpoint.h"
#include "netlink.h"

/* Room for a port with a large GID table. */
#define RDMARPC_NL_PORT_SIZE	(16 * 1024)

static struct genl_family rdmarpc_family;

/*
 * Dump cursors.  A dump runs as a series of calls, each filling one skb;
 * where the next call starts is kept in cb->ctx, zeroed when the dump
 * begins.  Each dump names its cursor in a struct of its own.
 */

/* DEV_GET: the device list, then the ports of each device. */
struct rdmarpc_nl_dev_dump {
	unsigned long dev;		/* devices done: a position in the list */
	u32 port;			/* ports done of the device at @dev */
	bool matched;			/* a device has the name asked for */
};

/* PEER_GET: the peer list. */
struct rdmarpc_nl_peer_dump {
	unsigned long sent;		/* peers already sent */
};

/* SESSION_GET: the list of all sessions. */
struct rdmarpc_nl_sess_dump {
	unsigned long seen;		/* sessions sent, or skipped as inactive */
};

union rdmarpc_nl_dump_ctx {
	struct rdmarpc_nl_dev_dump dev;
	struct rdmarpc_nl_peer_dump peer;
	struct rdmarpc_nl_sess_dump sess;
};

static union rdmarpc_nl_dump_ctx *
rdmarpc_nl_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(union rdmarpc_nl_dump_ctx) > sizeof(cb->ctx));
	return (union rdmarpc_nl_dump_ctx *)cb->ctx;
}

/*
 * rdmarpc works in the initial network namespace only: its handshake
 * sockets, routes and neighbour lookups are init_net's.  The family is
 * visible everywhere (netnsok) so that other namespaces get this answer
 * rather than "no such family".
 */
static int rdmarpc_nl_check_net(struct net *net,
				struct netlink_ext_ack *extack)
{
	if (net_eq(net, &init_net))
		return 0;
	NL_SET_ERR_MSG(extack,
		       "rdmarpc works in the initial network namespace only");
	return -EOPNOTSUPP;
}

static struct netlink_range_validation rdmarpc_count_range __ro_after_init = {
	.min = 1,
	.max = 65536,
};

/*
 * Plain types only, those of the parameter table (filled in at init): the
 * ranges are checked by rdmarpc_nl_param_set(), which answers -EINVAL with
 * an extack naming the parameter (the policy's own range checks would
 * answer -ERANGE).
 */
static struct nla_policy rdmarpc_param_policy[RDMARPC_PARAM_A_MAX + 1]
	__ro_after_init;

static const struct nla_policy rdmarpc_peer_add_policy[RDMARPC_A_MAX + 1] = {
	[RDMARPC_A_PEER_NAME] = { .type = NLA_NUL_STRING,
				  .len = RDMARPC_NAME_MAX - 1 },
	[RDMARPC_A_PEER_IPV4] = { .type = NLA_U32 },
	[RDMARPC_A_PEER_TCP_PORT] = { .type = NLA_U16 },
	[RDMARPC_A_PEER_CRC] = { .type = NLA_U8 },
	[RDMARPC_A_PEER_PSK] = NLA_POLICY_EXACT_LEN(RDMARPC_PSK_LEN),
	[RDMARPC_A_PEER_CC] = { .type = NLA_U8 },
};

static const struct nla_policy rdmarpc_peer_del_policy[RDMARPC_A_MAX + 1] = {
	[RDMARPC_A_PEER_NAME] = { .type = NLA_NUL_STRING,
				  .len = RDMARPC_NAME_MAX - 1 },
};

/* One policy per command: an attribute a command does not take is refused. */
static const struct nla_policy rdmarpc_dev_get_policy[RDMARPC_A_MAX + 1] = {
	[RDMARPC_A_DEV_NAME] = { .type = NLA_NUL_STRING,
				 .len = IB_DEVICE_NAME_MAX - 1 },
};

static const struct nla_policy rdmarpc_param_set_policy[RDMARPC_A_MAX + 1] = {
	[RDMARPC_A_PARAMS] = NLA_POLICY_NESTED(rdmarpc_param_policy),
};

static const struct nla_policy rdmarpc_loopback_policy[RDMARPC_A_MAX + 1] = {
	[RDMARPC_A_DEV_NAME] = { .type = NLA_NUL_STRING,
				 .len = IB_DEVICE_NAME_MAX - 1 },
	[RDMARPC_A_PORT] = NLA_POLICY_MIN(NLA_U32, 1),
	[RDMARPC_A_LOOPBACK_COUNT] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&rdmarpc_count_range),
	[RDMARPC_A_LOOPBACK_SIZE] = NLA_POLICY_RANGE(NLA_U32,
						RDMARPC_LOOPBACK_MIN_SIZE,
						4096),
};

/*
 * Commands that take no attribute (PARAM_GET, PEER_GET, SESSION_GET,
 * STATS_GET): NLA_UNSPEC is refused in strict mode, dumps included.
 */
static const struct nla_policy rdmarpc_no_attr_policy[RDMARPC_A_MAX + 1] = {};

/*
 * Counter nests.  Every counter is a u64 attribute; a table says where
 * each one is read from, so one function puts any nest.  The tables are
 * made from the ABI's lists of counters (uapi/rdmarpc_counters.h): each
 * has every counter of its nest, in the order of its attributes.
 */
enum rdmarpc_nl_ctr_kind {
	RDMARPC_CTR_U64,
	RDMARPC_CTR_ATOMIC64,
};

struct rdmarpc_nl_ctr {
	u16 attr;
	u16 kind;		/* enum rdmarpc_nl_ctr_kind */
	u32 off;		/* of the field from the base pointer */
};

struct rdmarpc_nl_ctrs {
	const struct rdmarpc_nl_ctr *ctr;
	unsigned int n;
	int pad;		/* the enum's *_A_PAD */
};

/* Where a counter is read: field @field of the @type at the base pointer. */
#define RDMARPC_CTR(how, type, field) \
	.kind = RDMARPC_CTR_##how, .off = offsetof(type, field)

/*
 * Port counters: @base is a struct rdmarpc_port_counters, read at once
 * (rdmarpc_port_read()).  Where each one is, by its attribute (a counter
 * of the list with none here does not build).
 */
#define RDMARPC_NL_PORT(field) \
	RDMARPC_CTR(U64, struct rdmarpc_port_counters, field)
#define RDMARPC_NL_STAT_TX_PACKETS	RDMARPC_NL_PORT(tx_packets)
#define RDMARPC_NL_STAT_TX_BYTES	RDMARPC_NL_PORT(tx_bytes)
#define RDMARPC_NL_STAT_TX_ERRORS	RDMARPC_NL_PORT(tx_errors)
#define RDMARPC_NL_STAT_RX_PACKETS	RDMARPC_NL_PORT(rx_packets)
#define RDMARPC_NL_STAT_RX_BYTES	RDMARPC_NL_PORT(rx_bytes)
#define RDMARPC_NL_STAT_RX_ERRORS	RDMARPC_NL_PORT(rx_errors)
#define RDMARPC_NL_STAT_RX_DROPS	RDMARPC_NL_PORT(rx_drops)
#define RDMARPC_NL_STAT_RECV_POSTED	RDMARPC_NL_PORT(recv_posted)
#define RDMARPC_NL_STAT_AH_CACHED	RDMARPC_NL_PORT(ah_cached)

static const struct rdmarpc_nl_ctr rdmarpc_nl_port_ctr[] = {
#define RDMARPC_PORT_COUNTER(NAME, ...) \
	{ .attr = RDMARPC_STAT_A_##NAME, RDMARPC_NL_STAT_##NAME },
#include "uapi/rdmarpc_counters.h"
};

/*
 * Session (and peer) counters: @base is a struct rr_stats snapshot.  The
 * field of each one, by its attribute.
 */
#define RDMARPC_NL_SSTAT_TX_PACKETS	tx_pkts
#define RDMARPC_NL_SSTAT_TX_BYTES	tx_bytes
#define RDMARPC_NL_SSTAT_RX_PACKETS	rx_pkts
#define RDMARPC_NL_SSTAT_RX_BYTES	rx_bytes
#define RDMARPC_NL_SSTAT_RETRANSMITS	retransmits
#define RDMARPC_NL_SSTAT_RTO_FIRES	rto_fires
#define RDMARPC_NL_SSTAT_CRC_DROPS	crc_drops
/* With rx_stale and rx_nomem folded in (rdmarpc_nl_put_sstats()). */
#define RDMARPC_NL_SSTAT_RX_DROPS	rx_drops
#define RDMARPC_NL_SSTAT_DUP_PACKETS	dup_pkts
#define RDMARPC_NL_SSTAT_DUP_REQUESTS	dup_requests
#define RDMARPC_NL_SSTAT_CREDIT_STALLS	credit_stalls
#define RDMARPC_NL_SSTAT_CALLS_OK	calls_ok
#define RDMARPC_NL_SSTAT_CALLS_FAILED	calls_failed
#define RDMARPC_NL_SSTAT_REQUESTS	requests
#define RDMARPC_NL_SSTAT_CANCELS	cancels
#define RDMARPC_NL_SSTAT_SPURIOUS_RTOS	spurious_rtos
#define RDMARPC_NL_SSTAT_TX_PACKED	tx_packed

static const struct rdmarpc_nl_ctr rdmarpc_nl_sess_ctr[] = {
#define RDMARPC_SESS_COUNTER(NAME, ...) \
	{ .attr = RDMARPC_SSTAT_A_##NAME, \
	  RDMARPC_CTR(U64, struct rr_stats, RDMARPC_NL_SSTAT_##NAME) },
#include "uapi/rdmarpc_counters.h"
};

/* The module-wide nests: the kernel's fields have the counters' names. */
static const struct rdmarpc_nl_ctr rdmarpc_nl_hs_ctr[] = {
#define RDMARPC_HS_COUNTER(NAME, name, ...) \
	{ .attr = RDMARPC_HSTAT_A_##NAME, \
	  RDMARPC_CTR(ATOMIC64, struct rdmarpc_hs_stats, name) },
#include "uapi/rdmarpc_counters.h"
};

static const struct rdmarpc_nl_ctr rdmarpc_nl_fault_ctr[] = {
#define RDMARPC_FAULT_COUNTER(NAME, name, ...) \
	{ .attr = RDMARPC_FSTAT_A_##NAME, \
	  RDMARPC_CTR(ATOMIC64, struct rdmarpc_fault_stats, name) },
#include "uapi/rdmarpc_counters.h"
};

static const struct rdmarpc_nl_ctr rdmarpc_nl_rpc_ctr[] = {
#define RDMARPC_RPC_COUNTER(NAME, name, ...) \
	{ .attr = RDMARPC_RSTAT_A_##NAME, \
	  RDMARPC_CTR(U64, struct rdmarpc_rpc_stats, name) },
#include "uapi/rdmarpc_counters.h"
};

static const struct rdmarpc_nl_ctrs rdmarpc_nl_port_ctrs = {
	.ctr = rdmarpc_nl_port_ctr,
	.n = ARRAY_SIZE(rdmarpc_nl_port_ctr),
	.pad = RDMARPC_STAT_A_PAD,
};

static const struct rdmarpc_nl_ctrs rdmarpc_nl_sess_ctrs = {
	.ctr = rdmarpc_nl_sess_ctr,
	.n = ARRAY_SIZE(rdmarpc_nl_sess_ctr),
	.pad = RDMARPC_SSTAT_A_PAD,
};

static const struct rdmarpc_nl_ctrs rdmarpc_nl_hs_ctrs = {
	.ctr = rdmarpc_nl_hs_ctr,
	.n = ARRAY_SIZE(rdmarpc_nl_hs_ctr),
	.pad = RDMARPC_HSTAT_A_PAD,
};

static const struct rdmarpc_nl_ctrs rdmarpc_nl_fault_ctrs = {
	.ctr = rdmarpc_nl_fault_ctr,
	.n = ARRAY_SIZE(rdmarpc_nl_fault_ctr),
	.pad = RDMARPC_FSTAT_A_PAD,
};

static const struct rdmarpc_nl_ctrs rdmarpc_nl_rpc_ctrs = {
	.ctr = rdmarpc_nl_rpc_ctr,
	.n = ARRAY_SIZE(rdmarpc_nl_rpc_ctr),
	.pad = RDMARPC_RSTAT_A_PAD,
};

static u64 rdmarpc_nl_ctr_read(const struct rdmarpc_nl_ctr *c,
			       const void *base)
{
	const void *p = (const u8 *)base + c->off;

	switch (c->kind) {
	case RDMARPC_CTR_ATOMIC64:
		return atomic64_read(p);
	default:
		return *(const u64 *)p;
	}
}

/* Put nest @type holding every counter of @set, read from @base. */
static int rdmarpc_nl_put_ctrs(struct sk_buff *skb, int type,
			       const struct rdmarpc_nl_ctrs *set,
			       const void *base)
{
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < set->n; i++) {
		if (nla_put_u64_64bit(skb, set->ctr[i].attr,
				      rdmarpc_nl_ctr_read(&set->ctr[i], base),
				      set->pad)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static u8 rdmarpc_nl_gid_type(enum ib_gid_type type)
{
	switch (type) {
	case IB_GID_TYPE_ROCE:
		return RDMARPC_GID_TYPE_ROCE_V1;
	case IB_GID_TYPE_ROCE_UDP_ENCAP:
		return RDMARPC_GID_TYPE_ROCE_V2;
	default:
		return RDMARPC_GID_TYPE_IB;
	}
}

static int rdmarpc_nl_put_netdev(struct sk_buff *skb, int type,
				 const struct ib_gid_attr *attr)
{
	struct net_device *ndev;
	int ret = 0;

	rcu_read_lock();
	ndev = rdma_read_gid_attr_ndev_rcu(attr);
	if (!IS_ERR(ndev))
		ret = nla_put_string(skb, type, ndev->name);
	rcu_read_unlock();
	return ret;
}

static int rdmarpc_nl_put_gids(struct sk_buff *skb, struct rdmarpc_port *port,
			       int tbl_len)
{
	const struct ib_gid_attr *attr;
	struct nlattr *gids, *gid;
	int i, ret = 0;

	gids = nla_nest_start(skb, RDMARPC_A_GIDS);
	if (!gids)
		return -EMSGSIZE;
	for (i = 0; i < tbl_len && !ret; i++) {
		attr = rdma_get_gid_attr(port->dev->ibdev, port->port_num, i);
		if (IS_ERR(attr))
			continue;
		ret = -EMSGSIZE;
		gid = nla_nest_start(skb, RDMARPC_A_GID);
		if (gid &&
		    !nla_put_u32(skb, RDMARPC_GID_A_INDEX, i) &&
		    !nla_put(skb, RDMARPC_GID_A_GID, sizeof(attr->gid),
			     attr->gid.raw) &&
		    !nla_put_u8(skb, RDMARPC_GID_A_TYPE,
				rdmarpc_nl_gid_type(attr->gid_type)) &&
		    !rdmarpc_nl_put_netdev(skb, RDMARPC_GID_A_NETDEV, attr)) {
			nla_nest_end(skb, gid);
			ret = 0;
		}
		rdma_put_gid_attr(attr);
	}
	if (ret)
		return ret;
	nla_nest_end(skb, gids);
	return 0;
}

/* One DEV_GET reply (or DEV_NEW / DEV_DEL event) for @port. */
static int rdmarpc_nl_fill_port(struct sk_buff *skb, struct rdmarpc_port *port,
				u32 portid, u32 seq, int flags, u8 cmd,
				struct netlink_callback *cb)
{
	struct ib_device *ibdev = port->dev->ibdev;
	struct rdmarpc_port_counters ctrs;
	struct ib_port_attr pattr = {};
	u8 link;
	void *hdr;

	lockdep_assert_held(&rdmarpc_lock);
	hdr = genlmsg_put(skb, portid, seq, &rdmarpc_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	if (ib_query_port(ibdev, port->port_num, &pattr))
		pattr.state = IB_PORT_NOP;
	switch (rdma_port_get_link_layer(ibdev, port->port_num)) {
	case IB_LINK_LAYER_INFINIBAND:
		link = RDMARPC_LINK_LAYER_INFINIBAND;
		break;
	case IB_LINK_LAYER_ETHERNET:
		link = RDMARPC_LINK_LAYER_ETHERNET;
		break;
	default:
		link = RDMARPC_LINK_LAYER_UNSPECIFIED;
	}
	if (nla_put_string(skb, RDMARPC_A_DEV_NAME, dev_name(&ibdev->dev)) ||
	    nla_put_u32(skb, RDMARPC_A_DEV_INDEX, ibdev->index) ||
	    nla_put_u32(skb, RDMARPC_A_PORT, port->port_num) ||
	    nla_put_u8(skb, RDMARPC_A_PORT_STATE, pattr.state) ||
	    nla_put_u8(skb, RDMARPC_A_LINK_LAYER, link) ||
	    nla_put_u32(skb, RDMARPC_A_ACTIVE_MTU,
			ib_mtu_enum_to_int(pattr.active_mtu)) ||
	    nla_put_u16(skb, RDMARPC_A_LID, pattr.lid))
		goto out_cancel;
	if (port->up &&
	    (nla_put_u32(skb, RDMARPC_A_GID_INDEX, port->gid_index) ||
	     (!port->link_ib &&
	      rdmarpc_nl_put_netdev(skb, RDMARPC_A_NETDEV, port->sgid_attr)) ||
	     nla_put_u32(skb, RDMARPC_A_QPN, port->qpn) ||
	     nla_put_u32(skb, RDMARPC_A_QKEY, port->qkey) ||
	     nla_put_u32(skb, RDMARPC_A_RECV_DEPTH, port->recv_depth) ||
	     nla_put_u32(skb, RDMARPC_A_SEND_DEPTH, port->send_depth)))
		goto out_cancel;
	rdmarpc_port_read(port, &ctrs);
	if (rdmarpc_nl_put_gids(skb, port, pattr.gid_tbl_len) ||
	    rdmarpc_nl_put_ctrs(skb, RDMARPC_A_STATS, &rdmarpc_nl_port_ctrs,
				&ctrs))
		goto out_cancel;
	genlmsg_end(skb, hdr);
	return 0;

out_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* Tell the "events" group about a port (DEV_NEW / DEV_DEL). */
static void rdmarpc_nl_notify(struct rdmarpc_port *port, u8 cmd)
{
	struct sk_buff *skb;

	lockdep_assert_held(&rdmarpc_lock);
	if (!genl_has_listeners(&rdmarpc_family, &init_net, 0))
		return;
	skb = genlmsg_new(RDMARPC_NL_PORT_SIZE, GFP_KERNEL);
	if (!skb)
		return;
	if (rdmarpc_nl_fill_port(skb, port, 0, 0, 0, cmd, NULL)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_multicast(&rdmarpc_family, skb, 0, 0, GFP_KERNEL);
}

/* A port event (see ib.h); rdmarpc_lock held. */
static int rdmarpc_nl_port_event(struct notifier_block *nb,
				 unsigned long event, void *data)
{
	lockdep_assert_held(&rdmarpc_lock);
	rdmarpc_nl_notify(data, event == RDMARPC_PORT_EV_UP ?
			  RDMARPC_CMD_DEV_NEW : RDMARPC_CMD_DEV_DEL);
	return NOTIFY_DONE;
}

static struct notifier_block rdmarpc_nl_port_nb = {
	.notifier_call = rdmarpc_nl_port_event,
};

/* Where a session runs: device and port. */
static int rdmarpc_nl_put_sess_port(struct sk_buff *skb, struct rdmarpc_sess *s)
{
	return nla_put_string(skb, RDMARPC_A_DEV_NAME,
			      rdmarpc_port_name(s->port)) ||
	       nla_put_u32(skb, RDMARPC_A_PORT, s->port->port_num) ? -EMSGSIZE : 0;
}

static u8 rdmarpc_nl_role(const struct rdmarpc_sess *s)
{
	return s->role == RR_ROLE_CLIENT ? RDMARPC_SESSION_CLIENT :
					   RDMARPC_SESSION_SERVER;
}

/* SESSION_UP / SESSION_DOWN: the session, its peer's address, why. */
static int rdmarpc_nl_fill_sess_event(struct sk_buff *skb, u8 cmd,
				      const struct rdmarpc_sess_note *n)
{
	struct rdmarpc_sess *s = n->sess;
	__be32 ipv4 = s->peer ? s->peer->ipv4 : s->client_ipv4;
	u16 port = s->peer ? rdmarpc_peer_tcp_port(s->peer) : s->client_port;
	void *hdr;

	hdr = genlmsg_put(skb, 0, 0, &rdmarpc_family, 0, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, RDMARPC_A_SESSION_ID, s->id) ||
	    nla_put_u8(skb, RDMARPC_A_SESSION_ROLE, rdmarpc_nl_role(s)) ||
	    nla_put_string(skb, RDMARPC_A_PEER_NAME, s->name) ||
	    nla_put_in_addr(skb, RDMARPC_A_PEER_IPV4, ipv4) ||
	    nla_put_u16(skb, RDMARPC_A_PEER_TCP_PORT, port) ||
	    nla_put_u32(skb, RDMARPC_A_PEER_SESSION_ID, s->peer_sess) ||
	    rdmarpc_nl_put_sess_port(skb, s) ||
	    (cmd == RDMARPC_CMD_SESSION_DOWN &&
	     nla_put_s32(skb, RDMARPC_A_REASON, n->reason)))
		goto out_cancel;
	genlmsg_end(skb, hdr);
	return 0;

out_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* PEER_UP / PEER_DOWN: the peer, its new state, why. */
static int rdmarpc_nl_fill_peer_event(struct sk_buff *skb, u8 cmd,
				      const struct rdmarpc_sess_note *n)
{
	struct rdmarpc_peer *peer = n->peer;
	void *hdr;

	hdr = genlmsg_put(skb, 0, 0, &rdmarpc_family, 0, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, RDMARPC_A_PEER_NAME, peer->name) ||
	    nla_put_in_addr(skb, RDMARPC_A_PEER_IPV4, peer->ipv4) ||
	    nla_put_u16(skb, RDMARPC_A_PEER_TCP_PORT,
			rdmarpc_peer_tcp_port(peer)) ||
	    nla_put_u8(skb, RDMARPC_A_PEER_STATE, n->peer_state) ||
	    (cmd == RDMARPC_CMD_PEER_DOWN &&
	     nla_put_s32(skb, RDMARPC_A_REASON, n->reason)))
		goto out_cancel;
	genlmsg_end(skb, hdr);
	return 0;

out_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * A session or peer event (see session.h): process context, may sleep.
 * An event that cannot be allocated is lost, as a multicast overflow
 * would lose it.
 */
static int rdmarpc_nl_sess_event(struct notifier_block *nb,
				 unsigned long event, void *data)
{
	static const u8 cmds[] = {
		[RDMARPC_SESS_EV_UP] = RDMARPC_CMD_SESSION_UP,
		[RDMARPC_SESS_EV_DOWN] = RDMARPC_CMD_SESSION_DOWN,
		[RDMARPC_PEER_EV_UP] = RDMARPC_CMD_PEER_UP,
		[RDMARPC_PEER_EV_DOWN] = RDMARPC_CMD_PEER_DOWN,
	};
	struct sk_buff *skb;
	int ret;

	might_sleep();
	if (event >= ARRAY_SIZE(cmds) ||
	    !genl_has_listeners(&rdmarpc_family, &init_net, 0))
		return NOTIFY_DONE;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return NOTIFY_DONE;
	if (event == RDMARPC_SESS_EV_UP || event == RDMARPC_SESS_EV_DOWN)
		ret = rdmarpc_nl_fill_sess_event(skb, cmds[event], data);
	else
		ret = rdmarpc_nl_fill_peer_event(skb, cmds[event], data);
	if (ret) {
		nlmsg_free(skb);
		return NOTIFY_DONE;
	}
	genlmsg_multicast(&rdmarpc_family, skb, 0, 0, GFP_KERNEL);
	return NOTIFY_DONE;
}

static struct notifier_block rdmarpc_nl_sess_nb = {
	.notifier_call = rdmarpc_nl_sess_event,
};

/*
 * DEV_GET dump (cursor: struct rdmarpc_nl_dev_dump).  The generation makes
 * a dump that raced a change NLM_F_DUMP_INTR.
 */
static int rdmarpc_nl_dev_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct nlattr *name = genl_info_dump(cb)->attrs[RDMARPC_A_DEV_NAME];
	struct rdmarpc_nl_dev_dump *ctx = &rdmarpc_nl_dump_ctx(cb)->dev;
	unsigned long pos = 0;
	u32 idx = ctx->port;
	struct rdmarpc_device *dev;
	int ret = 0;

	ret = rdmarpc_nl_check_net(sock_net(skb->sk), cb->extack);
	if (ret)
		return ret;
	mutex_lock(&rdmarpc_lock);
	cb->seq = rdmarpc_generation;
	list_for_each_entry(dev, &rdmarpc_devices, list) {
		if (pos < ctx->dev) {
			pos++;
			continue;
		}
		if (name && nla_strcmp(name, dev_name(&dev->ibdev->dev))) {
			pos++;
			idx = 0;
			continue;
		}
		ctx->matched = true;
		for (; idx < dev->nports; idx++) {
			if (!dev->ports[idx])
				continue;
			ret = rdmarpc_nl_fill_port(skb, dev->ports[idx],
						   NETLINK_CB(cb->skb).portid,
						   cb->nlh->nlmsg_seq,
						   NLM_F_MULTI,
						   RDMARPC_CMD_DEV_GET, cb);
			if (ret)
				goto out;
		}
		pos++;
		idx = 0;
	}
out:
	mutex_unlock(&rdmarpc_lock);
	ctx->dev = pos;
	ctx->port = idx;
	if (ret) {
		/* A port too large for an empty message is an error. */
		return skb->len ? skb->len : ret;
	}
	if (name && !ctx->matched) {
		NL_SET_ERR_MSG_ATTR(cb->extack, name, "no such device");
		return -ENODEV;
	}
	return skb->len;
}

/* A parameter's netlink attribute type. */
static const u8 rdmarpc_nl_param_nla[] = {
	[RDMARPC_PARAM_U32] = NLA_U32,
	[RDMARPC_PARAM_S32] = NLA_S32,
	[RDMARPC_PARAM_U16] = NLA_U16,
	[RDMARPC_PARAM_BOOL] = NLA_U8,
};

static int rdmarpc_nl_put_param(struct sk_buff *skb,
				const struct rdmarpc_param *p)
{
	s64 v = rdmarpc_param_read(p);

	switch (p->type) {
	case RDMARPC_PARAM_S32:
		return nla_put_s32(skb, p->attr, v);
	case RDMARPC_PARAM_U16:
		return nla_put_u16(skb, p->attr, v);
	case RDMARPC_PARAM_BOOL:
		return nla_put_u8(skb, p->attr, v);
	default:
		return nla_put_u32(skb, p->attr, v);
	}
}

/* The value of @a, validated against rdmarpc_param_policy. */
static s64 rdmarpc_nl_get_param(const struct nlattr *a,
				const struct rdmarpc_param *p)
{
	switch (p->type) {
	case RDMARPC_PARAM_S32:
		return nla_get_s32(a);
	case RDMARPC_PARAM_U16:
		return nla_get_u16(a);
	case RDMARPC_PARAM_BOOL:
		return nla_get_u8(a);
	default:
		return nla_get_u32(a);
	}
}

static int rdmarpc_nl_put_params(struct sk_buff *skb)
{
	struct nlattr *nest;
	int attr;

	nest = nla_nest_start(skb, RDMARPC_A_PARAMS);
	if (!nest)
		return -EMSGSIZE;
	for (attr = 1; attr <= RDMARPC_PARAM_A_MAX; attr++)
		if (rdmarpc_nl_put_param(skb, rdmarpc_params[attr]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int rdmarpc_nl_param_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	ret = rdmarpc_nl_check_net(genl_info_net(info), info->extack);
	if (ret)
		return ret;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rdmarpc_family, 0,
				RDMARPC_CMD_PARAM_GET);
	if (!hdr || rdmarpc_nl_put_params(msg)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Like NL_SET_ERR_MSG_ATTR(), with a message that is not a literal. */
static void rdmarpc_nl_param_err(struct netlink_ext_ack *extack,
				 const struct nlattr *a, const char *msg)
{
	if (extack) {
		extack->_msg = msg;
		extack->bad_attr = a;
	}
}

/*
 * Check every value before any is applied: -EINVAL names the first out of
 * range, or the rule broken between two; -EBUSY a parameter that only
 * module load sets, given a new value.
 */
static int rdmarpc_nl_param_check(struct nlattr **tb,
				  struct netlink_ext_ack *extack)
{
	const struct rdmarpc_param *p;
	const char *conflict;
	u32 rto_min, rto_max;
	int attr;
	s64 v;

	lockdep_assert_held(&rdmarpc_lock);
	for (attr = 1; attr <= RDMARPC_PARAM_A_MAX; attr++) {
		p = rdmarpc_params[attr];
		if (!tb[attr])
			continue;
		v = rdmarpc_nl_get_param(tb[attr], p);
		if (!rdmarpc_param_valid(p, v)) {
			rdmarpc_nl_param_err(extack, tb[attr], p->range_msg);
			return -EINVAL;
		}
		conflict = rdmarpc_param_fixed(p, v);
		if (conflict) {
			rdmarpc_nl_param_err(extack, tb[attr], conflict);
			return -EBUSY;
		}
	}
	rto_min = tb[RDMARPC_PARAM_A_RTO_MIN_US] ?
		  nla_get_u32(tb[RDMARPC_PARAM_A_RTO_MIN_US]) :
		  rdmarpc_rto_min_us;
	rto_max = tb[RDMARPC_PARAM_A_RTO_MAX_US] ?
		  nla_get_u32(tb[RDMARPC_PARAM_A_RTO_MAX_US]) :
		  rdmarpc_rto_max_us;
	conflict = rdmarpc_params_conflict(rto_min, rto_max);
	if (conflict) {
		rdmarpc_nl_param_err(extack, tb[RDMARPC_PARAM_A_RTO_MIN_US] ?:
				     tb[RDMARPC_PARAM_A_RTO_MAX_US], conflict);
		return -EINVAL;
	}
	return 0;
}

static int rdmarpc_nl_param_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[RDMARPC_PARAM_A_MAX + 1];
	const struct rdmarpc_param *p;
	int attr, gid_index, ret;

	ret = rdmarpc_nl_check_net(genl_info_net(info), info->extack);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, RDMARPC_A_PARAMS))
		return -EINVAL;
	/* Already validated against the nested policy: all or nothing. */
	ret = nla_parse_nested(tb, RDMARPC_PARAM_A_MAX,
			       info->attrs[RDMARPC_A_PARAMS],
			       rdmarpc_param_policy, info->extack);
	if (ret)
		return ret;

	mutex_lock(&rdmarpc_lock);
	ret = rdmarpc_nl_param_check(tb, info->extack);
	if (ret)
		goto out_unlock;
	gid_index = rdmarpc_gid_index;
	for (attr = 1; attr <= RDMARPC_PARAM_A_MAX; attr++) {
		p = rdmarpc_params[attr];
		if (tb[attr])
			rdmarpc_param_write(p, rdmarpc_nl_get_param(tb[attr], p));
	}
	/* A new source GID index applies to the ports at once. */
	if (rdmarpc_gid_index != gid_index)
		rdmarpc_ib_reevaluate_gids();
out_unlock:
	mutex_unlock(&rdmarpc_lock);
	return ret;
}

/* ---- Peers and sessions ---- */

static int rdmarpc_nl_peer_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *psk = info->attrs[RDMARPC_A_PEER_PSK];
	struct nlattr *crc = info->attrs[RDMARPC_A_PEER_CRC];
	struct nlattr *cc = info->attrs[RDMARPC_A_PEER_CC];
	struct nlattr *port = info->attrs[RDMARPC_A_PEER_TCP_PORT];
	__be32 ipv4;
	int ret;

	ret = rdmarpc_nl_check_net(genl_info_net(info), info->extack);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, RDMARPC_A_PEER_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, RDMARPC_A_PEER_IPV4))
		return -EINVAL;
	if (!nla_len(info->attrs[RDMARPC_A_PEER_NAME]) ||
	    !*(char *)nla_data(info->attrs[RDMARPC_A_PEER_NAME])) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[RDMARPC_A_PEER_NAME],
				    "empty peer name");
		return -EINVAL;
	}
	ipv4 = nla_get_in_addr(info->attrs[RDMARPC_A_PEER_IPV4]);
	if (!ipv4 || ipv4_is_multicast(ipv4) || ipv4_is_lbcast(ipv4) ||
	    ipv4_is_zeronet(ipv4)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[RDMARPC_A_PEER_IPV4],
				    "not a unicast IPv4 address");
		return -EINVAL;
	}
	if (port && !nla_get_u16(port)) {
		NL_SET_ERR_MSG_ATTR(info->extack, port, "TCP port 0");
		return -EINVAL;
	}
	if (crc && nla_get_u8(crc) > 1) {
		NL_SET_ERR_MSG_ATTR(info->extack, crc, "crc must be 0 or 1");
		return -EINVAL;
	}
	if (cc && nla_get_u8(cc) > RDMARPC_CC_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, cc,
				    "cc must be 0 (aimd) or 1 (delay)");
		return -EINVAL;
	}
	ret = rdmarpc_peer_add(nla_data(info->attrs[RDMARPC_A_PEER_NAME]), ipv4,
			       port ? nla_get_u16(port) : 0,
			       crc ? nla_get_u8(crc) : -1,
			       cc ? nla_get_u8(cc) : -1,
			       psk ? nla_data(psk) : NULL);
	if (ret == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[RDMARPC_A_PEER_NAME],
				    "a peer has that name");
	return ret;
}

static int rdmarpc_nl_peer_del(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	ret = rdmarpc_nl_check_net(genl_info_net(info), info->extack);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, RDMARPC_A_PEER_NAME))
		return -EINVAL;
	ret = rdmarpc_peer_del(nla_data(info->attrs[RDMARPC_A_PEER_NAME]));
	if (ret == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[RDMARPC_A_PEER_NAME],
				    "no such peer");
	return ret;
}

/* A session's or a peer's counters; the ABI's rx_drops counts every drop. */
static int rdmarpc_nl_put_sstats(struct sk_buff *skb, const struct rr_stats *st)
{
	struct rr_stats v = *st;

	v.rx_drops += v.rx_stale + v.rx_nomem;
	return rdmarpc_nl_put_ctrs(skb, RDMARPC_A_STATS, &rdmarpc_nl_sess_ctrs,
				   &v);
}

static void rdmarpc_nl_add_stats(struct rr_stats *sum, const struct rr_stats *st)
{
	const u64 *src = (const u64 *)st;
	u64 *dst = (u64 *)sum;
	unsigned int i;

	BUILD_BUG_ON(sizeof(*st) % sizeof(u64));
	for (i = 0; i < sizeof(*st) / sizeof(u64); i++)
		dst[i] += src[i];
}

static int rdmarpc_nl_fill_peer(struct sk_buff *skb, struct rdmarpc_peer *peer,
				struct netlink_callback *cb)
{
	struct rdmarpc_sess *s, *first = NULL;
	struct rr_stats sum = {}, st;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &rdmarpc_family, NLM_F_MULTI, RDMARPC_CMD_PEER_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_string(skb, RDMARPC_A_PEER_NAME, peer->name) ||
	    nla_put_in_addr(skb, RDMARPC_A_PEER_IPV4, peer->ipv4) ||
	    nla_put_u16(skb, RDMARPC_A_PEER_TCP_PORT,
			rdmarpc_peer_tcp_port(peer)) ||
	    nla_put_u8(skb, RDMARPC_A_PEER_CRC, peer->crc) ||
	    nla_put_u8(skb, RDMARPC_A_PEER_CC, peer->cc))
		goto out_cancel;

	spin_lock_bh(&peer->lock);
	list_for_each_entry(s, &peer->sessions, peer_node) {
		if (!rdmarpc_sess_read(s, &st, NULL))
			continue;
		rdmarpc_nl_add_stats(&sum, &st);
		if (!first)
			first = s;
	}
	if (nla_put_u8(skb, RDMARPC_A_PEER_STATE, peer->state))
		goto out_unlock;
	if (first &&
	    (rdmarpc_nl_put_sess_port(skb, first) ||
	     nla_put_u32(skb, RDMARPC_A_GID_INDEX,
			 first->ah->sgid_attr->index) ||
	     nla_put(skb, RDMARPC_A_PEER_GID, sizeof(first->peer_gid),
		     first->peer_gid) ||
	     nla_put_u32(skb, RDMARPC_A_PEER_QPN, first->peer_qpn) ||
	     nla_put_u32(skb, RDMARPC_A_PEER_QKEY, first->peer_qkey) ||
	     nla_put_u32(skb, RDMARPC_A_PEER_MTU, first->mtu) ||
	     (!first->port->link_ib &&
	      nla_put(skb, RDMARPC_A_PEER_MAC, ETH_ALEN, first->ah->dmac))))
		goto out_unlock;
	spin_unlock_bh(&peer->lock);
	if (first && rdmarpc_nl_put_sstats(skb, &sum))
		goto out_cancel;
	genlmsg_end(skb, hdr);
	return 0;

out_unlock:
	spin_unlock_bh(&peer->lock);
out_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* PEER_GET dump (cursor: struct rdmarpc_nl_peer_dump). */
static int rdmarpc_nl_peer_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rdmarpc_nl_peer_dump *ctx = &rdmarpc_nl_dump_ctx(cb)->peer;
	unsigned long pos = 0;
	struct rdmarpc_peer *peer;
	int ret = 0;

	ret = rdmarpc_nl_check_net(sock_net(skb->sk), cb->extack);
	if (ret)
		return ret;
	mutex_lock(&rdmarpc_peers_lock);
	cb->seq = rdmarpc_peers_generation;
	list_for_each_entry(peer, &rdmarpc_peers, node) {
		if (pos++ < ctx->sent)
			continue;
		ret = rdmarpc_nl_fill_peer(skb, peer, cb);
		if (ret) {
			pos--;
			break;
		}
	}
	mutex_unlock(&rdmarpc_peers_lock);
	ctx->sent = pos;
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

static int rdmarpc_nl_fill_sess(struct sk_buff *skb, struct rdmarpc_sess *s,
				struct netlink_callback *cb)
{
	struct rr_session_info info;
	struct rr_stats st;
	struct nlattr *nest;
	void *hdr;

	if (!rdmarpc_sess_read(s, &st, &info))
		return 0;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &rdmarpc_family, NLM_F_MULTI,
			  RDMARPC_CMD_SESSION_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, RDMARPC_A_SESSION_ID, s->id) ||
	    nla_put_u8(skb, RDMARPC_A_SESSION_ROLE, rdmarpc_nl_role(s)) ||
	    nla_put_string(skb, RDMARPC_A_PEER_NAME, s->name) ||
	    rdmarpc_nl_put_sess_port(skb, s))
		goto out_cancel;
	nest = nla_nest_start(skb, RDMARPC_A_SESSION_INFO);
	if (!nest ||
	    nla_put_u32(skb, RDMARPC_SINFO_A_BUSY_SLOTS, info.busy_slots) ||
	    nla_put_u32(skb, RDMARPC_SINFO_A_INFLIGHT, info.inflight) ||
	    nla_put_u32(skb, RDMARPC_SINFO_A_CWND, info.cwnd) ||
	    nla_put_u64_64bit(skb, RDMARPC_SINFO_A_SRTT_NS, info.srtt_ns,
			      RDMARPC_SINFO_A_PAD) ||
	    nla_put_u64_64bit(skb, RDMARPC_SINFO_A_RTO_NS, info.rto_ns,
			      RDMARPC_SINFO_A_PAD))
		goto out_cancel;
	nla_nest_end(skb, nest);
	if (rdmarpc_nl_put_sstats(skb, &st))
		goto out_cancel;
	genlmsg_end(skb, hdr);
	return 0;

out_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* SESSION_GET dump (cursor: struct rdmarpc_nl_sess_dump). */
static int rdmarpc_nl_sess_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rdmarpc_nl_sess_dump *ctx = &rdmarpc_nl_dump_ctx(cb)->sess;
	unsigned long pos = 0;
	struct rdmarpc_sess *s;
	int ret = 0;

	ret = rdmarpc_nl_check_net(sock_net(skb->sk), cb->extack);
	if (ret)
		return ret;
	mutex_lock(&rdmarpc_sess_mutex);
	cb->seq = rdmarpc_sess_generation;
	list_for_each_entry(s, &rdmarpc_sessions, node) {
		if (pos++ < ctx->seen)
			continue;
		ret = rdmarpc_nl_fill_sess(skb, s, cb);
		if (ret) {
			pos--;
			break;
		}
	}
	mutex_unlock(&rdmarpc_sess_mutex);
	ctx->seen = pos;
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

/* STATS_GET: the module-wide counters, one nest per layer. */
static int rdmarpc_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct rdmarpc_rpc_stats rpc;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	ret = rdmarpc_nl_check_net(genl_info_net(info), info->extack);
	if (ret)
		return ret;
	rdmarpc_rpc_stats_read(&rpc);
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rdmarpc_family, 0,
				RDMARPC_CMD_STATS_GET);
	if (!hdr ||
	    rdmarpc_nl_put_ctrs(msg, RDMARPC_A_HS_STATS, &rdmarpc_nl_hs_ctrs,
				&rdmarpc_hs_stats) ||
	    rdmarpc_nl_put_ctrs(msg, RDMARPC_A_FAULT_STATS,
				&rdmarpc_nl_fault_ctrs, &rdmarpc_fault_stats) ||
	    rdmarpc_nl_put_ctrs(msg, RDMARPC_A_RPC_STATS, &rdmarpc_nl_rpc_ctrs,
				&rpc)) {
		nlmsg_free(msg);
		NL_SET_ERR_MSG(info->extack, "counters do not fit a message");
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int rdmarpc_nl_loopback(struct sk_buff *skb, struct genl_info *info)
{
	struct rdmarpc_loopback_result res = {};
	struct rdmarpc_port *port;
	struct sk_buff *msg;
	u32 count, size;
	void *hdr;
	int ret;

	ret = rdmarpc_nl_check_net(genl_info_net(info), info->extack);
	if (ret)
		return ret;
	if (GENL_REQ_ATTR_CHECK(info, RDMARPC_A_DEV_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, RDMARPC_A_PORT) ||
	    GENL_REQ_ATTR_CHECK(info, RDMARPC_A_LOOPBACK_COUNT) ||
	    GENL_REQ_ATTR_CHECK(info, RDMARPC_A_LOOPBACK_SIZE))
		return -EINVAL;

	port = rdmarpc_port_find(nla_data(info->attrs[RDMARPC_A_DEV_NAME]),
				 nla_get_u32(info->attrs[RDMARPC_A_PORT]));
	if (IS_ERR(port)) {
		NL_SET_ERR_MSG(info->extack, "no such device and port set up");
		return PTR_ERR(port);
	}
	count = nla_get_u32(info->attrs[RDMARPC_A_LOOPBACK_COUNT]);
	size = nla_get_u32(info->attrs[RDMARPC_A_LOOPBACK_SIZE]);
	ret = rdmarpc_loopback_run(port, count, size, &res, info->extack);
	rdmarpc_port_put(port);
	if (ret)
		return ret;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rdmarpc_family, 0,
				RDMARPC_CMD_LOOPBACK);
	if (!hdr ||
	    nla_put_u32(msg, RDMARPC_A_LOOPBACK_COUNT, res.sent) ||
	    nla_put_u32(msg, RDMARPC_A_LOOPBACK_RECEIVED, res.received) ||
	    nla_put_u64_64bit(msg, RDMARPC_A_LOOPBACK_NSEC, res.nsec,
			      RDMARPC_A_PAD)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static const struct genl_ops rdmarpc_ops[] = {
	{
		.cmd = RDMARPC_CMD_DEV_GET,
		.dumpit = rdmarpc_nl_dev_dump,
		.policy = rdmarpc_dev_get_policy,
		.maxattr = RDMARPC_A_MAX,
	},
	{
		.cmd = RDMARPC_CMD_PARAM_GET,
		.doit = rdmarpc_nl_param_get,
		.policy = rdmarpc_no_attr_policy,
		.maxattr = RDMARPC_A_MAX,
	},
	{
		.cmd = RDMARPC_CMD_PARAM_SET,
		.doit = rdmarpc_nl_param_set,
		.policy = rdmarpc_param_set_policy,
		.maxattr = RDMARPC_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = RDMARPC_CMD_LOOPBACK,
		.doit = rdmarpc_nl_loopback,
		.policy = rdmarpc_loopback_policy,
		.maxattr = RDMARPC_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = RDMARPC_CMD_PEER_ADD,
		.doit = rdmarpc_nl_peer_add,
		.policy = rdmarpc_peer_add_policy,
		.maxattr = RDMARPC_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = RDMARPC_CMD_PEER_DEL,
		.doit = rdmarpc_nl_peer_del,
		.policy = rdmarpc_peer_del_policy,
		.maxattr = RDMARPC_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = RDMARPC_CMD_PEER_GET,
		.dumpit = rdmarpc_nl_peer_dump,
		.policy = rdmarpc_no_attr_policy,
		.maxattr = RDMARPC_A_MAX,
	},
	{
		.cmd = RDMARPC_CMD_SESSION_GET,
		.dumpit = rdmarpc_nl_sess_dump,
		.policy = rdmarpc_no_attr_policy,
		.maxattr = RDMARPC_A_MAX,
	},
	{
		.cmd = RDMARPC_CMD_STATS_GET,
		.doit = rdmarpc_nl_stats_get,
		.policy = rdmarpc_no_attr_policy,
		.maxattr = RDMARPC_A_MAX,
	},
};

static const struct genl_multicast_group rdmarpc_mcgrps[] = {
	{ .name = RDMARPC_GENL_MCGRP_EVENTS },
};

static struct genl_family rdmarpc_family __ro_after_init = {
	.name = RDMARPC_GENL_NAME,
	.version = RDMARPC_GENL_VERSION,
	.maxattr = RDMARPC_A_MAX,
	.module = THIS_MODULE,
	.netnsok = true,
	.parallel_ops = true,
	.ops = rdmarpc_ops,
	.n_ops = ARRAY_SIZE(rdmarpc_ops),
	.mcgrps = rdmarpc_mcgrps,
	.n_mcgrps = ARRAY_SIZE(rdmarpc_mcgrps),
};

int __init rdmarpc_nl_init(void)
{
	int attr, ret;

	for (attr = 1; attr <= RDMARPC_PARAM_A_MAX; attr++)
		rdmarpc_param_policy[attr].type =
			rdmarpc_nl_param_nla[rdmarpc_params[attr]->type];

	ret = genl_register_family(&rdmarpc_family);
	if (ret)
		return ret;
	/* DEV_NEW and DEV_DEL events while the family is registered. */
	ret = rdmarpc_port_notifier_register(&rdmarpc_nl_port_nb);
	if (ret)
		goto out_unregister_family;
	/* Likewise SESSION_UP/DOWN and PEER_UP/DOWN. */
	ret = rdmarpc_sess_notifier_register(&rdmarpc_nl_sess_nb);
	if (ret)
		goto out_unregister_port_nb;
	return 0;

out_unregister_port_nb:
	rdmarpc_port_notifier_unregister(&rdmarpc_nl_port_nb);
out_unregister_family:
	genl_unregister_family(&rdmarpc_family);
	return ret;
}

void rdmarpc_nl_exit(void)
{
	rdmarpc_sess_notifier_unregister(&rdmarpc_nl_sess_nb);
	rdmarpc_port_notifier_unregister(&rdmarpc_nl_port_nb);
	/* Waits for the commands running (they hold genl's cb_lock). */
	genl_unregister_family(&rdmarpc_family);
}
