// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc: the generic netlink family "rdmarpc" (see uapi/rdmarpc.h).
 *
 * The family runs with parallel_ops: a LOOPBACK test can take seconds and
 * must not hold genl_mutex (shared by every family) meanwhile.  All state
 * is protected by rdmarpc_lock instead; LOOPBACK holds it only to find the
 * port, then runs as one of the port's users.
 */
#include <linux/kernel.h>
#include <net/genetlink.h>
#include <rdma/ib_cache.h>
#include <rdma/ib_user_verbs.h>

#include "rdmarpc.h"
#include "uapi/rdmarpc.h"
#include "ib.h"
#include "loopback.h"
#include "netlink.h"

/* Room for a port with a large GID table. */
#define RDMARPC_NL_PORT_SIZE	(16 * 1024)

static struct genl_family rdmarpc_family;

static struct netlink_range_validation rdmarpc_count_range __ro_after_init = {
	.min = 1,
	.max = 65536,
};

static const struct nla_policy rdmarpc_param_policy[RDMARPC_PARAM_A_MAX + 1] = {
	[RDMARPC_PARAM_A_RECV_DEPTH] = NLA_POLICY_RANGE(NLA_U32,
							RDMARPC_DEPTH_MIN,
							RDMARPC_DEPTH_MAX),
	[RDMARPC_PARAM_A_SEND_DEPTH] = NLA_POLICY_RANGE(NLA_U32,
							RDMARPC_DEPTH_MIN,
							RDMARPC_DEPTH_MAX),
	[RDMARPC_PARAM_A_GID_INDEX] = NLA_POLICY_RANGE(NLA_S32, -1,
						       RDMARPC_GID_INDEX_MAX),
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

static int rdmarpc_nl_put_stats(struct sk_buff *skb, struct rdmarpc_port *port)
{
	struct rdmarpc_port_stats *s = &port->stats;
	struct nlattr *nest;

	nest = nla_nest_start(skb, RDMARPC_A_STATS);
	if (!nest)
		return -EMSGSIZE;
#define PUT(attr, val) \
	nla_put_u64_64bit(skb, RDMARPC_STAT_A_##attr, val, RDMARPC_STAT_A_PAD)
	if (PUT(TX_PACKETS, atomic64_read(&s->tx_packets)) ||
	    PUT(TX_BYTES, atomic64_read(&s->tx_bytes)) ||
	    PUT(TX_ERRORS, atomic64_read(&s->tx_errors)) ||
	    PUT(RX_PACKETS, atomic64_read(&s->rx_packets)) ||
	    PUT(RX_BYTES, atomic64_read(&s->rx_bytes)) ||
	    PUT(RX_ERRORS, atomic64_read(&s->rx_errors)) ||
	    PUT(RX_DROPS, atomic64_read(&s->rx_drops)) ||
	    PUT(RECV_POSTED, atomic_read(&port->rx_posted)))
		return -EMSGSIZE;
#undef PUT
	nla_nest_end(skb, nest);
	return 0;
}

/* One DEV_GET reply (or DEV_NEW / DEV_DEL event) for @port. */
static int rdmarpc_nl_fill_port(struct sk_buff *skb, struct rdmarpc_port *port,
				u32 portid, u32 seq, int flags, u8 cmd,
				struct netlink_callback *cb)
{
	struct ib_device *ibdev = port->dev->ibdev;
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
	     nla_put_u32(skb, RDMARPC_A_QKEY, port->qkey)))
		goto out_cancel;
	if (rdmarpc_nl_put_gids(skb, port, pattr.gid_tbl_len) ||
	    rdmarpc_nl_put_stats(skb, port))
		goto out_cancel;
	genlmsg_end(skb, hdr);
	return 0;

out_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

void rdmarpc_nl_notify(struct rdmarpc_port *port, u8 cmd)
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

/*
 * DEV_GET dump.  Cursor: cb->args[0] is the position in the device list,
 * cb->args[1] the port index inside it, cb->args[2] set once something
 * matched.  The generation makes a dump that raced a change NLM_F_DUMP_INTR.
 */
static int rdmarpc_nl_dev_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	const struct nlattr *name = info->attrs[RDMARPC_A_DEV_NAME];
	long pos = 0, dev_pos = cb->args[0], idx = cb->args[1];
	struct rdmarpc_device *dev;
	int ret = 0;

	mutex_lock(&rdmarpc_lock);
	cb->seq = rdmarpc_generation;
	list_for_each_entry(dev, &rdmarpc_devices, list) {
		if (pos < dev_pos) {
			pos++;
			continue;
		}
		if (name && nla_strcmp(name, dev_name(&dev->ibdev->dev))) {
			pos++;
			idx = 0;
			continue;
		}
		cb->args[2] = 1;
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
	cb->args[0] = pos;
	cb->args[1] = idx;
	if (ret) {
		/* A port too large for an empty message is an error. */
		return skb->len ? skb->len : ret;
	}
	if (name && !cb->args[2]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, name, "no such device");
		return -ENODEV;
	}
	return skb->len;
}

static int rdmarpc_nl_put_params(struct sk_buff *skb)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, RDMARPC_A_PARAMS);
	if (!nest ||
	    nla_put_u32(skb, RDMARPC_PARAM_A_RECV_DEPTH,
			READ_ONCE(rdmarpc_recv_depth)) ||
	    nla_put_u32(skb, RDMARPC_PARAM_A_SEND_DEPTH,
			READ_ONCE(rdmarpc_send_depth)) ||
	    nla_put_s32(skb, RDMARPC_PARAM_A_GID_INDEX,
			READ_ONCE(rdmarpc_gid_index)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int rdmarpc_nl_param_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

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

static int rdmarpc_nl_param_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[RDMARPC_PARAM_A_MAX + 1];
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, RDMARPC_A_PARAMS))
		return -EINVAL;
	/* Already validated against the nested policy: all or nothing. */
	ret = nla_parse_nested(tb, RDMARPC_PARAM_A_MAX,
			       info->attrs[RDMARPC_A_PARAMS],
			       rdmarpc_param_policy, info->extack);
	if (ret)
		return ret;

	mutex_lock(&rdmarpc_lock);
	if (tb[RDMARPC_PARAM_A_RECV_DEPTH])
		WRITE_ONCE(rdmarpc_recv_depth,
			   nla_get_u32(tb[RDMARPC_PARAM_A_RECV_DEPTH]));
	if (tb[RDMARPC_PARAM_A_SEND_DEPTH])
		WRITE_ONCE(rdmarpc_send_depth,
			   nla_get_u32(tb[RDMARPC_PARAM_A_SEND_DEPTH]));
	if (tb[RDMARPC_PARAM_A_GID_INDEX] &&
	    nla_get_s32(tb[RDMARPC_PARAM_A_GID_INDEX]) != rdmarpc_gid_index) {
		WRITE_ONCE(rdmarpc_gid_index,
			   nla_get_s32(tb[RDMARPC_PARAM_A_GID_INDEX]));
		rdmarpc_ib_reevaluate_gids();
	}
	mutex_unlock(&rdmarpc_lock);
	return 0;
}

static int rdmarpc_nl_loopback(struct sk_buff *skb, struct genl_info *info)
{
	struct rdmarpc_loopback_result res = {};
	struct rdmarpc_port *port;
	struct sk_buff *msg;
	u32 count, size;
	void *hdr;
	int ret;

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
};

static const struct genl_multicast_group rdmarpc_mcgrps[] = {
	{ .name = RDMARPC_GENL_MCGRP_EVENTS },
};

static struct genl_family rdmarpc_family __ro_after_init = {
	.name = RDMARPC_GENL_NAME,
	.version = RDMARPC_GENL_VERSION,
	.maxattr = RDMARPC_A_MAX,
	.module = THIS_MODULE,
	.parallel_ops = true,
	.ops = rdmarpc_ops,
	.n_ops = ARRAY_SIZE(rdmarpc_ops),
	.mcgrps = rdmarpc_mcgrps,
	.n_mcgrps = ARRAY_SIZE(rdmarpc_mcgrps),
};

int __init rdmarpc_nl_init(void)
{
	return genl_register_family(&rdmarpc_family);
}

void rdmarpc_nl_exit(void)
{
	genl_unregister_family(&rdmarpc_family);
}
