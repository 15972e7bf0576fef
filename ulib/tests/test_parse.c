// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Parsers fed with crafted netlink messages: well-formed, truncated,
 * wrongly sized and carrying unknown attributes.  Every parameter of the
 * table parsed, and printed by rdmarpcctl.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "internal.h"
#include "ctl.h"
#include "harness.h"
#include "tests.h"

/* ---- a message builder ---- */

struct mb {
	_Alignas(4) unsigned char buf[4096];
	size_t len;		/* of the whole buffer (several messages) */
	size_t msg;		/* offset of the message being built */
	size_t nest[8];
	int depth;
};

static struct nlmsghdr *mb_hdr(struct mb *m)
{
	return (struct nlmsghdr *)(m->buf + m->msg);
}

static void mb_genl(struct mb *m, uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	m->len = NLMSG_ALIGN(m->len);
	m->msg = m->len;
	nlh = mb_hdr(m);
	memset(nlh, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_type = type;
	g = (struct genlmsghdr *)(m->buf + m->msg + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = RDMARPC_GENL_VERSION;
	m->len += NLMSG_HDRLEN + GENL_HDRLEN;
	nlh->nlmsg_len = (uint32_t)(m->len - m->msg);
}

static void mb_put(struct mb *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);
	size_t total = NLA_HDRLEN + len;

	memset(a, 0, NLA_ALIGN(total));
	a->nla_type = type;
	a->nla_len = (uint16_t)total;
	if (len)
		memcpy((unsigned char *)a + NLA_HDRLEN, data, len);
	m->len += NLA_ALIGN(total);
	mb_hdr(m)->nlmsg_len = (uint32_t)(m->len - m->msg);
}

static void mb_u8(struct mb *m, uint16_t type, uint8_t v)
{
	mb_put(m, type, &v, sizeof(v));
}

static void mb_u16(struct mb *m, uint16_t type, uint16_t v)
{
	mb_put(m, type, &v, sizeof(v));
}

static void mb_u32(struct mb *m, uint16_t type, uint32_t v)
{
	mb_put(m, type, &v, sizeof(v));
}

static void mb_u64(struct mb *m, uint16_t type, uint64_t v)
{
	mb_put(m, type, &v, sizeof(v));
}

static void mb_str(struct mb *m, uint16_t type, const char *s)
{
	mb_put(m, type, s, strlen(s) + 1);
}

static void mb_nest(struct mb *m, uint16_t type)
{
	m->nest[m->depth++] = m->len;
	mb_put(m, type | NLA_F_NESTED, NULL, 0);
}

static void mb_end(struct mb *m)
{
	size_t off = m->nest[--m->depth];
	struct nlattr *a = (struct nlattr *)(m->buf + off);

	a->nla_len = (uint16_t)(m->len - off);
}

static const uint8_t gid_v2[16] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1
};
static const uint8_t gid_ll[16] = {
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x50, 0x54, 0, 0xff, 0xfe, 0x12, 0x34, 0x56
};

/* A DEV_GET reply with every attribute, like the module sends. */
static void build_full_dev(struct mb *m, uint8_t cmd)
{
	mb_genl(m, 0x20, cmd);
	mb_str(m, RDMARPC_A_DEV_NAME, "rxe0");
	mb_u32(m, RDMARPC_A_DEV_INDEX, 3);
	mb_u32(m, RDMARPC_A_PORT, 1);
	mb_u8(m, RDMARPC_A_PORT_STATE, RDMARPC_PORT_ACTIVE);
	mb_u8(m, RDMARPC_A_LINK_LAYER, RDMARPC_LINK_LAYER_ETHERNET);
	mb_u32(m, RDMARPC_A_ACTIVE_MTU, 1024);
	mb_u16(m, RDMARPC_A_LID, 0);
	mb_u32(m, RDMARPC_A_GID_INDEX, 1);
	mb_str(m, RDMARPC_A_NETDEV, "veth0");
	mb_u32(m, RDMARPC_A_QPN, 0x11);
	mb_u32(m, RDMARPC_A_QKEY, 0x1234abcd);
	mb_u32(m, RDMARPC_A_RECV_DEPTH, 256);
	mb_u32(m, RDMARPC_A_SEND_DEPTH, 128);
	mb_nest(m, RDMARPC_A_GIDS);
	mb_nest(m, RDMARPC_A_GID);
	mb_u32(m, RDMARPC_GID_A_INDEX, 0);
	mb_put(m, RDMARPC_GID_A_GID, gid_ll, 16);
	mb_u8(m, RDMARPC_GID_A_TYPE, RDMARPC_GID_TYPE_ROCE_V1);
	mb_str(m, RDMARPC_GID_A_NETDEV, "veth0");
	mb_end(m);
	mb_nest(m, RDMARPC_A_GID);
	mb_u32(m, RDMARPC_GID_A_INDEX, 1);
	mb_put(m, RDMARPC_GID_A_GID, gid_v2, 16);
	mb_u8(m, RDMARPC_GID_A_TYPE, RDMARPC_GID_TYPE_ROCE_V2);
	mb_end(m);
	mb_end(m);
	mb_nest(m, RDMARPC_A_STATS);
	mb_u64(m, RDMARPC_STAT_A_TX_PACKETS, 7);
	mb_u64(m, RDMARPC_STAT_A_RX_BYTES, 1ULL << 40);
	mb_u64(m, RDMARPC_STAT_A_RECV_POSTED, 256);
	mb_u64(m, RDMARPC_STAT_A_AH_CACHED, 3);
	mb_end(m);
}

TEST(dev_full)
{
	struct mb m = { 0 };
	struct rdmarpc_dev d;

	build_full_dev(&m, RDMARPC_CMD_DEV_GET);
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), 0);
	EXPECT_STREQ(d.name, "rxe0");
	EXPECT_EQ(d.index, 3);
	EXPECT_EQ(d.port, 1);
	EXPECT_EQ(d.port_state, RDMARPC_PORT_ACTIVE);
	EXPECT_EQ(d.link_layer, RDMARPC_LINK_LAYER_ETHERNET);
	EXPECT_EQ(d.active_mtu, 1024);
	EXPECT_EQ(d.gid_index, 1);
	EXPECT_STREQ(d.netdev, "veth0");
	EXPECT_EQ(d.qpn, 0x11);
	EXPECT_EQ(d.qkey, 0x1234abcd);
	EXPECT_EQ(d.recv_depth, 256);
	EXPECT_EQ(d.send_depth, 128);
	EXPECT_EQ(d.n_gids, 2);
	EXPECT_TRUE(d.gids != NULL);
	if (d.gids && d.n_gids == 2) {
		EXPECT_EQ(d.gids[0].index, 0);
		EXPECT_TRUE(!memcmp(d.gids[0].gid, gid_ll, 16));
		EXPECT_EQ(d.gids[0].type, RDMARPC_GID_TYPE_ROCE_V1);
		EXPECT_STREQ(d.gids[0].netdev, "veth0");
		EXPECT_EQ(d.gids[1].index, 1);
		EXPECT_TRUE(!memcmp(d.gids[1].gid, gid_v2, 16));
		EXPECT_EQ(d.gids[1].type, RDMARPC_GID_TYPE_ROCE_V2);
		EXPECT_STREQ(d.gids[1].netdev, "");
	}
	EXPECT_EQ(d.stats.tx_packets, 7);
	EXPECT_TRUE(d.stats.rx_bytes == 1ULL << 40);
	EXPECT_EQ(d.stats.recv_posted, 256);
	EXPECT_EQ(d.stats.ah_cached, 3);
	EXPECT_EQ(d.stats.tx_bytes, 0);
	EXPECT_EQ(d.stats.present, (1U << RDMARPC_STAT_A_TX_PACKETS) |
		  (1U << RDMARPC_STAT_A_RX_BYTES) |
		  (1U << RDMARPC_STAT_A_RECV_POSTED) |
		  (1U << RDMARPC_STAT_A_AH_CACHED));
	EXPECT_TRUE(RDMARPC_HAS(&d, RDMARPC_A_LID));
	EXPECT_TRUE(RDMARPC_HAS(&d, RDMARPC_A_GIDS));
	EXPECT_TRUE(!RDMARPC_HAS(&d, RDMARPC_A_PARAMS));
	rl_dev_clear(&d);
}

TEST(dev_minimal)
{
	struct mb m = { 0 };
	struct rdmarpc_dev d;

	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_DEL);
	mb_str(&m, RDMARPC_A_DEV_NAME, "mlx5_0");
	mb_u32(&m, RDMARPC_A_PORT, 2);
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), 0);
	EXPECT_STREQ(d.name, "mlx5_0");
	EXPECT_EQ(d.port, 2);
	EXPECT_EQ(d.present, (1ULL << RDMARPC_A_DEV_NAME) |
		  (1ULL << RDMARPC_A_PORT));
	EXPECT_EQ(d.n_gids, 0);
	EXPECT_TRUE(d.gids == NULL);
	rl_dev_clear(&d);
}

TEST(dev_unknown_attrs_ignored)
{
	struct mb m = { 0 };
	struct rdmarpc_dev d;
	uint32_t junk = 0xdeadbeef;

	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_GET);
	mb_put(&m, 200, &junk, sizeof(junk));
	mb_str(&m, RDMARPC_A_DEV_NAME, "rxe0");
	mb_nest(&m, RDMARPC_A_GIDS);
	mb_put(&m, 7, &junk, 2);	/* not a GID entry: skipped */
	mb_nest(&m, RDMARPC_A_GID);
	mb_u32(&m, RDMARPC_GID_A_INDEX, 5);
	mb_put(&m, RDMARPC_GID_A_GID, gid_v2, 16);
	mb_put(&m, 99, &junk, 3);	/* unknown inside the entry */
	mb_end(&m);
	mb_end(&m);
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), 0);
	EXPECT_EQ(d.n_gids, 1);
	if (d.n_gids == 1)
		EXPECT_EQ(d.gids[0].index, 5);
	rl_dev_clear(&d);
}

TEST(dev_malformed)
{
	char longname[80];
	struct rdmarpc_dev d;
	struct mb m;

	/* No DEV_NAME. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_GET);
	mb_u32(&m, RDMARPC_A_PORT, 1);
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), -EPROTO);

	/* u8 where a u32 belongs. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_GET);
	mb_str(&m, RDMARPC_A_DEV_NAME, "rxe0");
	mb_u8(&m, RDMARPC_A_PORT, 1);
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), -EPROTO);

	/* u64 where a u16 belongs. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_GET);
	mb_str(&m, RDMARPC_A_DEV_NAME, "rxe0");
	mb_u64(&m, RDMARPC_A_LID, 1);
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), -EPROTO);

	/* A device name that does not fit (64 characters). */
	memset(longname, 'a', 64);
	longname[64] = '\0';
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_GET);
	mb_str(&m, RDMARPC_A_DEV_NAME, longname);
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), -EPROTO);

	/* 63 characters, unterminated, fits. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_GET);
	mb_put(&m, RDMARPC_A_DEV_NAME, longname, 63);
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), 0);
	EXPECT_EQ(strlen(d.name), 63);
	rl_dev_clear(&d);

	/* A netdev name of 16 characters. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_GET);
	mb_str(&m, RDMARPC_A_DEV_NAME, "rxe0");
	mb_str(&m, RDMARPC_A_NETDEV, "0123456789abcdef");
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), -EPROTO);

	/* Counter of the wrong size. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_GET);
	mb_str(&m, RDMARPC_A_DEV_NAME, "rxe0");
	mb_nest(&m, RDMARPC_A_STATS);
	mb_u32(&m, RDMARPC_STAT_A_TX_BYTES, 1);
	mb_end(&m);
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), -EPROTO);

	/* A GID entry without its GID, after a good one (no leak). */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_GET);
	mb_str(&m, RDMARPC_A_DEV_NAME, "rxe0");
	mb_nest(&m, RDMARPC_A_GIDS);
	mb_nest(&m, RDMARPC_A_GID);
	mb_u32(&m, RDMARPC_GID_A_INDEX, 0);
	mb_put(&m, RDMARPC_GID_A_GID, gid_ll, 16);
	mb_end(&m);
	mb_nest(&m, RDMARPC_A_GID);
	mb_u32(&m, RDMARPC_GID_A_INDEX, 1);
	mb_end(&m);
	mb_end(&m);
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), -EPROTO);
	EXPECT_TRUE(d.gids == NULL);

	/* A GID of 15 bytes. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_GET);
	mb_str(&m, RDMARPC_A_DEV_NAME, "rxe0");
	mb_nest(&m, RDMARPC_A_GIDS);
	mb_nest(&m, RDMARPC_A_GID);
	mb_u32(&m, RDMARPC_GID_A_INDEX, 0);
	mb_put(&m, RDMARPC_GID_A_GID, gid_ll, 15);
	mb_end(&m);
	mb_end(&m);
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), -EPROTO);
}

TEST(dev_truncated)
{
	struct mb m = { 0 };
	struct rdmarpc_dev d;
	struct nlattr *gids;
	size_t off;

	/* Shorter than the generic netlink header. */
	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_GET);
	mb_hdr(&m)->nlmsg_len = NLMSG_HDRLEN + 2;
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), -EPROTO);

	/* An attribute that claims more than the message holds. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_GET);
	mb_str(&m, RDMARPC_A_DEV_NAME, "rxe0");
	off = m.len;
	mb_u32(&m, RDMARPC_A_PORT, 1);
	((struct nlattr *)(m.buf + off))->nla_len = 200;
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), -EPROTO);

	/* An attribute shorter than its own header. */
	((struct nlattr *)(m.buf + off))->nla_len = 2;
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), -EPROTO);

	/* A nest whose member runs past the nest's end. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_GET);
	mb_str(&m, RDMARPC_A_DEV_NAME, "rxe0");
	off = m.len;
	mb_nest(&m, RDMARPC_A_GIDS);
	mb_nest(&m, RDMARPC_A_GID);
	mb_u32(&m, RDMARPC_GID_A_INDEX, 0);
	mb_put(&m, RDMARPC_GID_A_GID, gid_ll, 16);
	mb_end(&m);
	mb_end(&m);
	gids = (struct nlattr *)(m.buf + off);
	gids->nla_len -= 8;	/* the GID entry now overruns it */
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), -EPROTO);

	/* Trailing bytes shorter than an attribute header are ignored. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_GET);
	mb_str(&m, RDMARPC_A_DEV_NAME, "rxe0");
	mb_hdr(&m)->nlmsg_len += 3;
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), 0);
	rl_dev_clear(&d);
}

TEST(params)
{
	struct rdmarpc_params p;
	struct mb m = { 0 };

	mb_genl(&m, 0x20, RDMARPC_CMD_PARAM_GET);
	mb_nest(&m, RDMARPC_A_PARAMS);
	mb_u32(&m, RDMARPC_PARAM_A_RECV_DEPTH, 512);
	mb_u32(&m, RDMARPC_PARAM_A_SEND_DEPTH, 128);
	mb_u32(&m, RDMARPC_PARAM_A_GID_INDEX, (uint32_t)-1);
	mb_end(&m);
	EXPECT_EQ(rl_parse_params(mb_hdr(&m), &p), 0);
	EXPECT_EQ(p.recv_depth, 512);
	EXPECT_EQ(p.send_depth, 128);
	EXPECT_EQ(p.gid_index, -1);
	EXPECT_EQ(p.present, RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_RECV_DEPTH) |
		  RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_SEND_DEPTH) |
		  RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_GID_INDEX));

	/* Subset. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_PARAM_GET);
	mb_nest(&m, RDMARPC_A_PARAMS);
	mb_u32(&m, RDMARPC_PARAM_A_SEND_DEPTH, 64);
	mb_end(&m);
	EXPECT_EQ(rl_parse_params(mb_hdr(&m), &p), 0);
	EXPECT_EQ(p.present, RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_SEND_DEPTH));

	/* Wrong size. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_PARAM_GET);
	mb_nest(&m, RDMARPC_A_PARAMS);
	mb_u16(&m, RDMARPC_PARAM_A_RECV_DEPTH, 64);
	mb_end(&m);
	EXPECT_EQ(rl_parse_params(mb_hdr(&m), &p), -EPROTO);
	EXPECT_EQ(p.present, 0);

	/* No nest at all. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_PARAM_GET);
	mb_u32(&m, RDMARPC_PARAM_A_RECV_DEPTH, 64);
	EXPECT_EQ(rl_parse_params(mb_hdr(&m), &p), -EPROTO);
}

TEST(loopback)
{
	struct rdmarpc_loopback_result r;
	struct mb m = { 0 };

	mb_genl(&m, 0x20, RDMARPC_CMD_LOOPBACK);
	mb_u32(&m, RDMARPC_A_LOOPBACK_COUNT, 100);
	mb_u32(&m, RDMARPC_A_LOOPBACK_RECEIVED, 99);
	mb_u64(&m, RDMARPC_A_LOOPBACK_NSEC, 123456789012ULL);
	EXPECT_EQ(rl_parse_loopback(mb_hdr(&m), &r), 0);
	EXPECT_EQ(r.sent, 100);
	EXPECT_EQ(r.received, 99);
	EXPECT_TRUE(r.nsec == 123456789012ULL);

	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_LOOPBACK);
	mb_u32(&m, RDMARPC_A_LOOPBACK_COUNT, 100);
	mb_u32(&m, RDMARPC_A_LOOPBACK_RECEIVED, 99);
	EXPECT_EQ(rl_parse_loopback(mb_hdr(&m), &r), -EPROTO);

	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_LOOPBACK);
	mb_u32(&m, RDMARPC_A_LOOPBACK_COUNT, 100);
	mb_u32(&m, RDMARPC_A_LOOPBACK_RECEIVED, 99);
	mb_u32(&m, RDMARPC_A_LOOPBACK_NSEC, 5);
	EXPECT_EQ(rl_parse_loopback(mb_hdr(&m), &r), -EPROTO);
}

/* Build an NLMSG_ERROR; echo: the request is copied (uncapped). */
static size_t build_error(unsigned char *buf, int error, const char *msg,
			  int echo)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = (struct nlmsgerr *)(buf + NLMSG_HDRLEN);
	size_t len = NLMSG_HDRLEN + sizeof(*e);

	memset(buf, 0, 1024);
	nlh->nlmsg_type = NLMSG_ERROR;
	e->error = error;
	e->msg.nlmsg_len = NLMSG_HDRLEN;
	if (echo) {
		e->msg.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + 8;
		len += GENL_HDRLEN + 8;
	} else {
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	}
	if (msg) {
		struct nlattr *a = (struct nlattr *)(buf + len);

		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		a->nla_type = NLMSGERR_ATTR_MSG;
		a->nla_len = (uint16_t)(NLA_HDRLEN + strlen(msg) + 1);
		memcpy(buf + len + NLA_HDRLEN, msg, strlen(msg) + 1);
		len += NLA_ALIGN(a->nla_len);
		/* An offset attribute too, which we ignore. */
		a = (struct nlattr *)(buf + len);
		a->nla_type = NLMSGERR_ATTR_OFFS;
		a->nla_len = NLA_HDRLEN + 4;
		len += NLA_HDRLEN + 4;
	}
	nlh->nlmsg_len = (uint32_t)len;
	return len;
}

TEST(extack)
{
	_Alignas(4) unsigned char buf[1024];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	char ext[RDMARPC_EXTACK_MAX], small[8];
	int error = 1;

	build_error(buf, 0, NULL, 0);
	EXPECT_EQ(rl_parse_error(nlh, &error, ext, sizeof(ext)), 0);
	EXPECT_EQ(error, 0);
	EXPECT_STREQ(ext, "");

	build_error(buf, -EINVAL, "recv_depth out of range", 0);
	EXPECT_EQ(rl_parse_error(nlh, &error, ext, sizeof(ext)), 0);
	EXPECT_EQ(error, -EINVAL);
	EXPECT_STREQ(ext, "recv_depth out of range");

	build_error(buf, -ENODEV, "no such device", 1);
	EXPECT_EQ(rl_parse_error(nlh, &error, ext, sizeof(ext)), 0);
	EXPECT_EQ(error, -ENODEV);
	EXPECT_STREQ(ext, "no such device");

	/* Truncated into a small buffer. */
	build_error(buf, -EINVAL, "a long explanation", 0);
	EXPECT_EQ(rl_parse_error(nlh, &error, small, sizeof(small)), 0);
	EXPECT_STREQ(small, "a long ");

	/* Errors without TLVs. */
	build_error(buf, -EPERM, NULL, 1);
	EXPECT_EQ(rl_parse_error(nlh, &error, ext, sizeof(ext)), 0);
	EXPECT_EQ(error, -EPERM);
	EXPECT_STREQ(ext, "");

	/* The echoed request claims more than there is. */
	build_error(buf, -EINVAL, "x", 1);
	((struct nlmsgerr *)(buf + NLMSG_HDRLEN))->msg.nlmsg_len = 4000;
	EXPECT_EQ(rl_parse_error(nlh, &error, ext, sizeof(ext)), -EPROTO);

	/* Not an error message, or too short for one. */
	build_error(buf, -EINVAL, NULL, 0);
	nlh->nlmsg_type = NLMSG_DONE;
	EXPECT_EQ(rl_parse_error(nlh, &error, ext, sizeof(ext)), -EPROTO);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_len = NLMSG_HDRLEN + 4;
	EXPECT_EQ(rl_parse_error(nlh, &error, ext, sizeof(ext)), -EPROTO);
}

struct ev_log {
	int n;
	int cmds[8];
	char names[8][RDMARPC_DEV_NAME_MAX];
	int stop_after;
};

static int ev_cb(int cmd, const struct rdmarpc_dev *d, void *arg)
{
	struct ev_log *l = arg;

	if (l->n < 8) {
		l->cmds[l->n] = cmd;
		strcpy(l->names[l->n], d->name);
	}
	l->n++;
	return l->stop_after && l->n >= l->stop_after;
}

TEST(events)
{
	struct ev_log log = { 0 };
	struct mb m = { 0 };
	int stop;

	build_full_dev(&m, RDMARPC_CMD_DEV_NEW);
	mb_genl(&m, 0x21, RDMARPC_CMD_DEV_DEL);	/* another family */
	mb_str(&m, RDMARPC_A_DEV_NAME, "other");
	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_GET);	/* not an event */
	mb_str(&m, RDMARPC_A_DEV_NAME, "notev");
	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_DEL);	/* malformed: no name */
	mb_u32(&m, RDMARPC_A_PORT, 1);
	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_DEL);
	mb_str(&m, RDMARPC_A_DEV_NAME, "rxe1");
	mb_u32(&m, RDMARPC_A_PORT, 1);

	EXPECT_EQ(rl_dispatch_events(m.buf, m.len, 0x20, ev_cb, &log, &stop),
		  2);
	EXPECT_EQ(stop, 0);
	EXPECT_EQ(log.n, 2);
	EXPECT_EQ(log.cmds[0], RDMARPC_CMD_DEV_NEW);
	EXPECT_STREQ(log.names[0], "rxe0");
	EXPECT_EQ(log.cmds[1], RDMARPC_CMD_DEV_DEL);
	EXPECT_STREQ(log.names[1], "rxe1");

	memset(&log, 0, sizeof(log));
	log.stop_after = 1;
	EXPECT_EQ(rl_dispatch_events(m.buf, m.len, 0x20, ev_cb, &log, &stop),
		  1);
	EXPECT_EQ(stop, 1);

	/* A datagram cut in the middle of a message. */
	memset(&log, 0, sizeof(log));
	EXPECT_EQ(rl_dispatch_events(m.buf, 40, 0x20, ev_cb, &log, &stop), 0);
	EXPECT_EQ(log.n, 0);
}

/* A SESSION_UP or SESSION_DOWN as the module sends it. */
static void build_session_event(struct mb *m, uint8_t cmd, uint32_t id)
{
	mb_genl(m, 0x20, cmd);
	mb_u32(m, RDMARPC_A_SESSION_ID, id);
	mb_u8(m, RDMARPC_A_SESSION_ROLE, RDMARPC_SESSION_CLIENT);
	mb_str(m, RDMARPC_A_PEER_NAME, "server1");
	mb_u32(m, RDMARPC_A_PEER_IPV4, 0x0200000a);	/* 10.0.0.2 */
	mb_u16(m, RDMARPC_A_PEER_TCP_PORT, 18515);
	mb_u32(m, RDMARPC_A_PEER_SESSION_ID, 77);
	mb_str(m, RDMARPC_A_DEV_NAME, "rxe0");
	mb_u32(m, RDMARPC_A_PORT, 1);
	if (cmd == RDMARPC_CMD_SESSION_DOWN)
		mb_put(m, RDMARPC_A_REASON, &(int32_t){ -ECONNRESET }, 4);
}

static void build_peer_event(struct mb *m, uint8_t cmd, uint8_t state)
{
	mb_genl(m, 0x20, cmd);
	mb_str(m, RDMARPC_A_PEER_NAME, "server1");
	mb_u32(m, RDMARPC_A_PEER_IPV4, 0x0200000a);
	mb_u16(m, RDMARPC_A_PEER_TCP_PORT, 18515);
	mb_u8(m, RDMARPC_A_PEER_STATE, state);
	if (cmd == RDMARPC_CMD_PEER_DOWN)
		mb_put(m, RDMARPC_A_REASON, &(int32_t){ -ECONNREFUSED }, 4);
}

TEST(session_event)
{
	struct rdmarpc_session_event e;
	struct mb m = { 0 };

	build_session_event(&m, RDMARPC_CMD_SESSION_DOWN, 3);
	EXPECT_EQ(rl_parse_session_event(mb_hdr(&m), &e), 0);
	EXPECT_EQ(e.id, 3);
	EXPECT_EQ(e.peer_id, 77);
	EXPECT_EQ(e.role, RDMARPC_SESSION_CLIENT);
	EXPECT_STREQ(e.peer, "server1");
	EXPECT_EQ(e.ipv4, 0x0200000a);
	EXPECT_EQ(e.tcp_port, 18515);
	EXPECT_STREQ(e.dev_name, "rxe0");
	EXPECT_EQ(e.port, 1);
	EXPECT_EQ(e.reason, -ECONNRESET);
	EXPECT_TRUE(RDMARPC_HAS(&e, RDMARPC_A_REASON));
	EXPECT_TRUE(RDMARPC_HAS(&e, RDMARPC_A_PEER_SESSION_ID));

	/* UP: no reason; an unknown attribute is skipped. */
	memset(&m, 0, sizeof(m));
	build_session_event(&m, RDMARPC_CMD_SESSION_UP, 4);
	mb_u32(&m, RDMARPC_A_MAX + 1, 5);
	EXPECT_EQ(rl_parse_session_event(mb_hdr(&m), &e), 0);
	EXPECT_EQ(e.id, 4);
	EXPECT_EQ(e.reason, 0);
	EXPECT_FALSE(RDMARPC_HAS(&e, RDMARPC_A_REASON));

	/* No id; a reason of the wrong width; an address that is no u32. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_SESSION_DOWN);
	mb_str(&m, RDMARPC_A_PEER_NAME, "server1");
	EXPECT_EQ(rl_parse_session_event(mb_hdr(&m), &e), -EPROTO);
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_SESSION_DOWN);
	mb_u32(&m, RDMARPC_A_SESSION_ID, 1);
	mb_u8(&m, RDMARPC_A_REASON, 1);
	EXPECT_EQ(rl_parse_session_event(mb_hdr(&m), &e), -EPROTO);
	EXPECT_EQ(e.id, 0);
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_SESSION_UP);
	mb_u32(&m, RDMARPC_A_SESSION_ID, 1);
	mb_u16(&m, RDMARPC_A_PEER_IPV4, 1);
	EXPECT_EQ(rl_parse_session_event(mb_hdr(&m), &e), -EPROTO);
	/* A peer id beyond 32 bits. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_SESSION_UP);
	mb_u32(&m, RDMARPC_A_SESSION_ID, 1);
	mb_u64(&m, RDMARPC_A_PEER_SESSION_ID, 1ULL << 32);
	EXPECT_EQ(rl_parse_session_event(mb_hdr(&m), &e), -EPROTO);
}

TEST(peer_event)
{
	struct rdmarpc_peer_event e;
	struct mb m = { 0 };

	build_peer_event(&m, RDMARPC_CMD_PEER_DOWN, RDMARPC_PEER_FAILED);
	EXPECT_EQ(rl_parse_peer_event(mb_hdr(&m), &e), 0);
	EXPECT_STREQ(e.name, "server1");
	EXPECT_EQ(e.ipv4, 0x0200000a);
	EXPECT_EQ(e.tcp_port, 18515);
	EXPECT_EQ(e.state, RDMARPC_PEER_FAILED);
	EXPECT_EQ(e.reason, -ECONNREFUSED);

	memset(&m, 0, sizeof(m));
	build_peer_event(&m, RDMARPC_CMD_PEER_UP, RDMARPC_PEER_UP);
	EXPECT_EQ(rl_parse_peer_event(mb_hdr(&m), &e), 0);
	EXPECT_EQ(e.state, RDMARPC_PEER_UP);
	EXPECT_EQ(e.reason, 0);

	/* No name; a name too long for the struct. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_PEER_UP);
	mb_u8(&m, RDMARPC_A_PEER_STATE, RDMARPC_PEER_UP);
	EXPECT_EQ(rl_parse_peer_event(mb_hdr(&m), &e), -EPROTO);
	{
		char name[RDMARPC_NAME_MAX + 1];

		memset(name, 'p', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		memset(&m, 0, sizeof(m));
		mb_genl(&m, 0x20, RDMARPC_CMD_PEER_UP);
		mb_str(&m, RDMARPC_A_PEER_NAME, name);
		EXPECT_EQ(rl_parse_peer_event(mb_hdr(&m), &e), -EPROTO);
		EXPECT_STREQ(e.name, "");
	}
}

struct any_log {
	int n;
	int cmds[8];
	uint64_t ids[8];
	int32_t reasons[8];
	char names[8][RDMARPC_NAME_MAX];
};

static int any_cb(const struct rdmarpc_event *ev, void *arg)
{
	struct any_log *l = arg;

	if (l->n < 8) {
		l->cmds[l->n] = ev->cmd;
		switch (ev->cmd) {
		case RDMARPC_CMD_DEV_NEW:
		case RDMARPC_CMD_DEV_DEL:
			strcpy(l->names[l->n], ev->dev.name);
			break;
		case RDMARPC_CMD_SESSION_UP:
		case RDMARPC_CMD_SESSION_DOWN:
			l->ids[l->n] = ev->session.id;
			l->reasons[l->n] = ev->session.reason;
			strcpy(l->names[l->n], ev->session.peer);
			break;
		default:
			l->reasons[l->n] = ev->peer.reason;
			strcpy(l->names[l->n], ev->peer.name);
			break;
		}
	}
	l->n++;
	return 0;
}

/* Every kind of event in one datagram, in order; the device API sees its own. */
TEST(events_all_kinds)
{
	struct any_log log = { 0 };
	struct ev_log dlog = { 0 };
	struct mb m = { 0 };
	int stop;

	build_full_dev(&m, RDMARPC_CMD_DEV_NEW);
	build_session_event(&m, RDMARPC_CMD_SESSION_UP, 9);
	build_peer_event(&m, RDMARPC_CMD_PEER_UP, RDMARPC_PEER_UP);
	mb_genl(&m, 0x20, RDMARPC_CMD_SESSION_DOWN);	/* malformed: no id */
	mb_str(&m, RDMARPC_A_PEER_NAME, "server1");
	mb_genl(&m, 0x20, RDMARPC_CMD_MAX + 1);		/* newer than we are */
	mb_str(&m, RDMARPC_A_PEER_NAME, "future");
	mb_genl(&m, 0x20, RDMARPC_CMD_SESSION_GET);	/* not an event */
	mb_u32(&m, RDMARPC_A_SESSION_ID, 1);
	build_session_event(&m, RDMARPC_CMD_SESSION_DOWN, 9);
	build_peer_event(&m, RDMARPC_CMD_PEER_DOWN, RDMARPC_PEER_IDLE);

	EXPECT_EQ(rl_dispatch_all_events(m.buf, m.len, 0x20, any_cb, &log,
					 &stop), 5);
	EXPECT_EQ(stop, 0);
	EXPECT_EQ(log.n, 5);
	EXPECT_EQ(log.cmds[0], RDMARPC_CMD_DEV_NEW);
	EXPECT_STREQ(log.names[0], "rxe0");
	EXPECT_EQ(log.cmds[1], RDMARPC_CMD_SESSION_UP);
	EXPECT_EQ(log.ids[1], 9);
	EXPECT_EQ(log.cmds[2], RDMARPC_CMD_PEER_UP);
	EXPECT_EQ(log.cmds[3], RDMARPC_CMD_SESSION_DOWN);
	EXPECT_EQ(log.ids[3], 9);
	EXPECT_EQ(log.reasons[3], -ECONNRESET);
	EXPECT_EQ(log.cmds[4], RDMARPC_CMD_PEER_DOWN);
	EXPECT_STREQ(log.names[4], "server1");
	EXPECT_EQ(log.reasons[4], -ECONNREFUSED);

	/* The device-only API skips the rest. */
	EXPECT_EQ(rl_dispatch_events(m.buf, m.len, 0x20, ev_cb, &dlog, &stop),
		  1);
	EXPECT_EQ(dlog.cmds[0], RDMARPC_CMD_DEV_NEW);

	/* Not an event, or malformed: what rl_parse_event() says. */
	{
		struct rdmarpc_event ev;
		struct mb n = { 0 };

		mb_genl(&n, 0x20, RDMARPC_CMD_PEER_GET);
		mb_str(&n, RDMARPC_A_PEER_NAME, "x");
		EXPECT_EQ(rl_parse_event(mb_hdr(&n), &ev), -ENOENT);
		memset(&n, 0, sizeof(n));
		mb_genl(&n, 0x20, RDMARPC_CMD_PEER_DOWN);
		EXPECT_EQ(rl_parse_event(mb_hdr(&n), &ev), -EPROTO);
		EXPECT_EQ(ev.cmd, 0);
		memset(&n, 0, sizeof(n));
		build_full_dev(&n, RDMARPC_CMD_DEV_DEL);
		EXPECT_EQ(rl_parse_event(mb_hdr(&n), &ev), 0);
		EXPECT_EQ(ev.cmd, RDMARPC_CMD_DEV_DEL);
		EXPECT_EQ(ev.dev.n_gids, 2);
		rl_event_clear(&ev);
		EXPECT_TRUE(ev.dev.gids == NULL);
	}
}

TEST(attr_index)
{
	struct mb m = { 0 };
	const struct nlattr *tb[4];

	mb_genl(&m, 0x20, 1);
	mb_u32(&m, 1, 10);
	mb_u32(&m, 3 | NLA_F_NESTED, 30);	/* flag bits masked */
	mb_u32(&m, 9, 90);			/* above max: ignored */
	mb_u32(&m, 1, 11);			/* duplicate: last wins */
	EXPECT_EQ(rl_attr_index(m.buf + NLMSG_HDRLEN + GENL_HDRLEN,
				m.len - NLMSG_HDRLEN - GENL_HDRLEN, tb, 3), 0);
	EXPECT_TRUE(tb[0] == NULL);
	EXPECT_TRUE(tb[2] == NULL);
	EXPECT_TRUE(tb[1] &&
		    *(const uint32_t *)((const char *)tb[1] + 4) == 11);
	EXPECT_TRUE(tb[3] &&
		    *(const uint32_t *)((const char *)tb[3] + 4) == 30);
	EXPECT_EQ(rl_attr_index(NULL, 0, tb, 3), 0);
}

TEST(params_all)
{
	struct rdmarpc_params p;
	struct mb m = { 0 };
	size_t off, size;

	mb_genl(&m, 0x20, RDMARPC_CMD_PARAM_GET);
	mb_nest(&m, RDMARPC_A_PARAMS);
	mb_u32(&m, RDMARPC_PARAM_A_RECV_DEPTH, 512);
	mb_u16(&m, RDMARPC_PARAM_A_TCP_PORT, 18515);
	mb_u8(&m, RDMARPC_PARAM_A_CRC, 1);
	mb_u32(&m, RDMARPC_PARAM_A_CALL_TIMEOUT_MS, 5000);
	mb_u32(&m, RDMARPC_PARAM_A_RTO_MIN_US, 200);
	mb_u32(&m, RDMARPC_PARAM_A_RTO_MAX_US, 1000000);
	mb_u32(&m, RDMARPC_PARAM_A_MAX_RETRIES, 8);
	mb_u32(&m, RDMARPC_PARAM_A_HEARTBEAT_MS, 1000);
	mb_u32(&m, RDMARPC_PARAM_A_FAULT_TX_DROP, 50000);
	mb_u32(&m, RDMARPC_PARAM_A_FAULT_RX_DROP, 1);
	mb_u32(&m, RDMARPC_PARAM_A_FAULT_DUPLICATE, 2);
	mb_u32(&m, RDMARPC_PARAM_A_FAULT_REORDER, 3);
	mb_u32(&m, RDMARPC_PARAM_A_FAULT_CORRUPT, 1000000);
	mb_end(&m);
	EXPECT_EQ(rl_parse_params(mb_hdr(&m), &p), 0);
	EXPECT_EQ(p.recv_depth, 512);
	EXPECT_EQ(p.tcp_port, 18515);
	EXPECT_EQ(p.crc, 1);
	EXPECT_EQ(p.call_timeout_ms, 5000);
	EXPECT_EQ(p.rto_min_us, 200);
	EXPECT_EQ(p.rto_max_us, 1000000);
	EXPECT_EQ(p.max_retries, 8);
	EXPECT_EQ(p.heartbeat_ms, 1000);
	EXPECT_EQ(p.fault_tx_drop, 50000);
	EXPECT_EQ(p.fault_rx_drop, 1);
	EXPECT_EQ(p.fault_duplicate, 2);
	EXPECT_EQ(p.fault_reorder, 3);
	EXPECT_EQ(p.fault_corrupt, 1000000);
	EXPECT_EQ(p.present,
		  0xfffeU & ~RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_SEND_DEPTH) &
		  ~RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_GID_INDEX));

	/* tcp_port is a u16, crc a u8: anything else is refused. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_PARAM_GET);
	mb_nest(&m, RDMARPC_A_PARAMS);
	mb_u32(&m, RDMARPC_PARAM_A_TCP_PORT, 18515);
	mb_end(&m);
	EXPECT_EQ(rl_parse_params(mb_hdr(&m), &p), -EPROTO);
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_PARAM_GET);
	mb_nest(&m, RDMARPC_A_PARAMS);
	mb_u32(&m, RDMARPC_PARAM_A_CRC, 1);
	mb_end(&m);
	EXPECT_EQ(rl_parse_params(mb_hdr(&m), &p), -EPROTO);

	/* The table behind param_set. */
	EXPECT_EQ(rl_param_field(RDMARPC_PARAM_A_TCP_PORT, &off, &size), 0);
	EXPECT_EQ(off, offsetof(struct rdmarpc_params, tcp_port));
	EXPECT_EQ(size, 2);
	EXPECT_EQ(rl_param_field(RDMARPC_PARAM_A_CRC, &off, &size), 0);
	EXPECT_EQ(size, 1);
	EXPECT_EQ(rl_param_field(RDMARPC_PARAM_A_FAULT_CORRUPT, &off, &size),
		  0);
	EXPECT_EQ(off, offsetof(struct rdmarpc_params, fault_corrupt));
	EXPECT_EQ(size, 4);
	EXPECT_EQ(rl_param_field(RDMARPC_PARAM_A_HS_PENDING_PER_HOST, &off,
				 &size), 0);
	EXPECT_EQ(off, offsetof(struct rdmarpc_params, hs_pending_per_host));
	EXPECT_EQ(size, 4);
	EXPECT_EQ(rl_param_field(RDMARPC_PARAM_A_IDEM_TTL_MS, &off, &size), 0);
	EXPECT_EQ(off, offsetof(struct rdmarpc_params, idem_ttl_ms));
	EXPECT_EQ(size, 4);
	EXPECT_EQ(rl_param_field(RDMARPC_PARAM_A_UNSPEC, &off, &size), -ENOENT);
	EXPECT_EQ(rl_param_field(RDMARPC_PARAM_A_MAX + 1, &off, &size),
		  -ENOENT);
}

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* A PEER_GET reply of a connected peer, with every attribute. */
static void build_full_peer(struct mb *m)
{
	mb_genl(m, 0x20, RDMARPC_CMD_PEER_GET);
	mb_str(m, RDMARPC_A_PEER_NAME, "b");
	mb_u32(m, RDMARPC_A_PEER_IPV4, 0x0200000a);	/* 10.0.0.2 */
	mb_u16(m, RDMARPC_A_PEER_TCP_PORT, 18515);
	mb_u8(m, RDMARPC_A_PEER_STATE, RDMARPC_PEER_UP);
	mb_u8(m, RDMARPC_A_PEER_CRC, 1);
	mb_str(m, RDMARPC_A_DEV_NAME, "rxe0");
	mb_u32(m, RDMARPC_A_PORT, 1);
	mb_u32(m, RDMARPC_A_GID_INDEX, 1);
	mb_put(m, RDMARPC_A_PEER_GID, gid_v2, 16);
	mb_u32(m, RDMARPC_A_PEER_QPN, 0x12);
	mb_u32(m, RDMARPC_A_PEER_QKEY, 0xdeadbeef);
	mb_u32(m, RDMARPC_A_PEER_MTU, 1024);
	mb_put(m, RDMARPC_A_PEER_MAC, mac, 6);
	mb_nest(m, RDMARPC_A_STATS);
	mb_u64(m, RDMARPC_SSTAT_A_TX_PACKETS, 100);
	mb_u64(m, RDMARPC_SSTAT_A_RETRANSMITS, 3);
	mb_u64(m, RDMARPC_SSTAT_A_CRC_DROPS, 1);
	mb_u64(m, RDMARPC_SSTAT_A_CALLS_OK, 1ULL << 33);
	mb_u64(m, RDMARPC_SSTAT_A_REQUESTS, 9);
	mb_end(m);
}

TEST(peer_full)
{
	struct rdmarpc_peer p;
	struct mb m = { 0 };

	build_full_peer(&m);
	EXPECT_EQ(rl_parse_peer(mb_hdr(&m), &p), 0);
	EXPECT_STREQ(p.name, "b");
	EXPECT_EQ(p.ipv4, 0x0200000a);
	EXPECT_EQ(p.tcp_port, 18515);
	EXPECT_EQ(p.state, RDMARPC_PEER_UP);
	EXPECT_EQ(p.crc, 1);
	EXPECT_STREQ(p.dev_name, "rxe0");
	EXPECT_EQ(p.port, 1);
	EXPECT_EQ(p.gid_index, 1);
	EXPECT_TRUE(!memcmp(p.gid, gid_v2, 16));
	EXPECT_EQ(p.qpn, 0x12);
	EXPECT_EQ(p.qkey, 0xdeadbeef);
	EXPECT_EQ(p.mtu, 1024);
	EXPECT_TRUE(!memcmp(p.mac, mac, 6));
	EXPECT_EQ(p.stats.tx_packets, 100);
	EXPECT_EQ(p.stats.retransmits, 3);
	EXPECT_EQ(p.stats.crc_drops, 1);
	EXPECT_EQ(p.stats.calls_ok, 1ULL << 33);
	EXPECT_EQ(p.stats.requests, 9);
	EXPECT_EQ(p.stats.rx_packets, 0);
	EXPECT_EQ(p.stats.present, (1U << RDMARPC_SSTAT_A_TX_PACKETS) |
		  (1U << RDMARPC_SSTAT_A_RETRANSMITS) |
		  (1U << RDMARPC_SSTAT_A_CRC_DROPS) |
		  (1U << RDMARPC_SSTAT_A_CALLS_OK) |
		  (1U << RDMARPC_SSTAT_A_REQUESTS));
	EXPECT_TRUE(RDMARPC_HAS(&p, RDMARPC_A_PEER_MAC));
	EXPECT_TRUE(RDMARPC_HAS(&p, RDMARPC_A_STATS));
	EXPECT_TRUE(!RDMARPC_HAS(&p, RDMARPC_A_PEER_PSK));
}

TEST(peer_idle_and_widths)
{
	struct rdmarpc_peer p;
	struct mb m = { 0 };

	/* Not connected yet: no device, GID, QPN, MAC. */
	mb_genl(&m, 0x20, RDMARPC_CMD_PEER_GET);
	mb_str(&m, RDMARPC_A_PEER_NAME, "idle");
	mb_u32(&m, RDMARPC_A_PEER_IPV4, 0x0100007f);
	mb_u16(&m, RDMARPC_A_PEER_TCP_PORT, 18515);
	mb_u8(&m, RDMARPC_A_PEER_STATE, RDMARPC_PEER_IDLE);
	mb_u8(&m, RDMARPC_A_PEER_CRC, 0);
	mb_u32(&m, 200, 5);	/* unknown type above the max: ignored */
	EXPECT_EQ(rl_parse_peer(mb_hdr(&m), &p), 0);
	EXPECT_STREQ(p.name, "idle");
	EXPECT_STREQ(p.dev_name, "");
	EXPECT_TRUE(!RDMARPC_HAS(&p, RDMARPC_A_PEER_MAC));
	EXPECT_TRUE(!RDMARPC_HAS(&p, RDMARPC_A_PEER_QPN));

	/* State, QPN, QKey and MTU are read at any integer width... */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_PEER_GET);
	mb_str(&m, RDMARPC_A_PEER_NAME, "w");
	mb_u32(&m, RDMARPC_A_PEER_STATE, RDMARPC_PEER_FAILED);
	mb_u64(&m, RDMARPC_A_PEER_QPN, 0xffffff);
	mb_u16(&m, RDMARPC_A_PEER_MTU, 4096);
	EXPECT_EQ(rl_parse_peer(mb_hdr(&m), &p), 0);
	EXPECT_EQ(p.state, RDMARPC_PEER_FAILED);
	EXPECT_EQ(p.qpn, 0xffffff);
	EXPECT_EQ(p.mtu, 4096);

	/* ...as long as the value fits. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_PEER_GET);
	mb_str(&m, RDMARPC_A_PEER_NAME, "w");
	mb_u16(&m, RDMARPC_A_PEER_STATE, 256);
	EXPECT_EQ(rl_parse_peer(mb_hdr(&m), &p), -EPROTO);
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_PEER_GET);
	mb_str(&m, RDMARPC_A_PEER_NAME, "w");
	mb_put(&m, RDMARPC_A_PEER_QPN, "abc", 3);
	EXPECT_EQ(rl_parse_peer(mb_hdr(&m), &p), -EPROTO);
}

TEST(peer_malformed)
{
	struct rdmarpc_peer p;
	struct mb m;
	size_t full;

	/* No name. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_PEER_GET);
	mb_u32(&m, RDMARPC_A_PEER_IPV4, 1);
	EXPECT_EQ(rl_parse_peer(mb_hdr(&m), &p), -EPROTO);

	/* A 5-byte MAC, a 15-byte GID, a u32 port, a u32 stat. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_PEER_GET);
	mb_str(&m, RDMARPC_A_PEER_NAME, "b");
	mb_put(&m, RDMARPC_A_PEER_MAC, mac, 5);
	EXPECT_EQ(rl_parse_peer(mb_hdr(&m), &p), -EPROTO);
	EXPECT_STREQ(p.name, "");
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_PEER_GET);
	mb_str(&m, RDMARPC_A_PEER_NAME, "b");
	mb_put(&m, RDMARPC_A_PEER_GID, gid_v2, 15);
	EXPECT_EQ(rl_parse_peer(mb_hdr(&m), &p), -EPROTO);
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_PEER_GET);
	mb_str(&m, RDMARPC_A_PEER_NAME, "b");
	mb_u32(&m, RDMARPC_A_PEER_TCP_PORT, 1);
	EXPECT_EQ(rl_parse_peer(mb_hdr(&m), &p), -EPROTO);
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_PEER_GET);
	mb_str(&m, RDMARPC_A_PEER_NAME, "b");
	mb_nest(&m, RDMARPC_A_STATS);
	mb_u32(&m, RDMARPC_SSTAT_A_CALLS_OK, 1);
	mb_end(&m);
	EXPECT_EQ(rl_parse_peer(mb_hdr(&m), &p), -EPROTO);

	/* Every truncation of a full reply fails cleanly or parses. */
	memset(&m, 0, sizeof(m));
	build_full_peer(&m);
	full = mb_hdr(&m)->nlmsg_len;
	for (size_t cut = 0; cut < full; cut++) {
		unsigned char *copy = malloc(full);
		struct nlmsghdr *nlh = (struct nlmsghdr *)copy;
		int err;

		memcpy(copy, m.buf, full);
		nlh->nlmsg_len = (uint32_t)cut;
		err = rl_parse_peer(nlh, &p);
		EXPECT_TRUE(err == 0 || err == -EPROTO);
		free(copy);
	}
}

static void build_session(struct mb *m, uint64_t id, int wide_id)
{
	mb_genl(m, 0x20, RDMARPC_CMD_SESSION_GET);
	if (wide_id)
		mb_u64(m, RDMARPC_A_SESSION_ID, id);
	else
		mb_u32(m, RDMARPC_A_SESSION_ID, (uint32_t)id);
	mb_u8(m, RDMARPC_A_SESSION_ROLE, RDMARPC_SESSION_SERVER);
	mb_str(m, RDMARPC_A_PEER_NAME, "10.0.0.1:40000");
	mb_str(m, RDMARPC_A_DEV_NAME, "rxe0");
	mb_u32(m, RDMARPC_A_PORT, 1);
	mb_nest(m, RDMARPC_A_SESSION_INFO);
	mb_u32(m, RDMARPC_SINFO_A_BUSY_SLOTS, 2);
	mb_u32(m, RDMARPC_SINFO_A_INFLIGHT, 5);
	mb_u32(m, RDMARPC_SINFO_A_CWND, 32);
	mb_u64(m, RDMARPC_SINFO_A_SRTT_NS, 15000);
	mb_u64(m, RDMARPC_SINFO_A_RTO_NS, 200000);
	mb_end(m);
	mb_nest(m, RDMARPC_A_STATS);
	mb_u64(m, RDMARPC_SSTAT_A_RX_PACKETS, 77);
	mb_u64(m, RDMARPC_SSTAT_A_DUP_REQUESTS, 4);
	mb_u64(m, RDMARPC_SSTAT_A_CREDIT_STALLS, 6);
	mb_end(m);
}

TEST(session)
{
	struct rdmarpc_session s;
	struct mb m = { 0 };

	build_session(&m, 0x123456789ULL, 1);
	EXPECT_EQ(rl_parse_session(mb_hdr(&m), &s), 0);
	EXPECT_EQ(s.id, 0x123456789ULL);
	EXPECT_EQ(s.role, RDMARPC_SESSION_SERVER);
	EXPECT_STREQ(s.peer, "10.0.0.1:40000");
	EXPECT_STREQ(s.dev_name, "rxe0");
	EXPECT_EQ(s.port, 1);
	EXPECT_EQ(s.info.busy_slots, 2);
	EXPECT_EQ(s.info.inflight, 5);
	EXPECT_EQ(s.info.cwnd, 32);
	EXPECT_EQ(s.info.srtt_ns, 15000);
	EXPECT_EQ(s.info.rto_ns, 200000);
	EXPECT_EQ(s.info.present, 0x1fU << RDMARPC_SINFO_A_BUSY_SLOTS);
	EXPECT_EQ(s.stats.rx_packets, 77);
	EXPECT_EQ(s.stats.dup_requests, 4);
	EXPECT_EQ(s.stats.credit_stalls, 6);
	EXPECT_TRUE(RDMARPC_HAS(&s, RDMARPC_A_SESSION_INFO));

	/* A 32-bit session id is fine too. */
	memset(&m, 0, sizeof(m));
	build_session(&m, 7, 0);
	EXPECT_EQ(rl_parse_session(mb_hdr(&m), &s), 0);
	EXPECT_EQ(s.id, 7);

	/* No id; a u32 where SRTT's u64 belongs. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_SESSION_GET);
	mb_u8(&m, RDMARPC_A_SESSION_ROLE, RDMARPC_SESSION_CLIENT);
	EXPECT_EQ(rl_parse_session(mb_hdr(&m), &s), -EPROTO);
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_SESSION_GET);
	mb_u64(&m, RDMARPC_A_SESSION_ID, 1);
	mb_nest(&m, RDMARPC_A_SESSION_INFO);
	mb_u32(&m, RDMARPC_SINFO_A_SRTT_NS, 1);
	mb_end(&m);
	EXPECT_EQ(rl_parse_session(mb_hdr(&m), &s), -EPROTO);
	EXPECT_EQ(s.id, 0);

	/* A nest member overrunning its nest. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_SESSION_GET);
	mb_u64(&m, RDMARPC_A_SESSION_ID, 1);
	mb_nest(&m, RDMARPC_A_STATS);
	mb_u64(&m, RDMARPC_SSTAT_A_TX_BYTES, 1);
	mb_end(&m);
	((struct nlattr *)(m.buf + m.len - 12))->nla_len = 40;
	EXPECT_EQ(rl_parse_session(mb_hdr(&m), &s), -EPROTO);
}

/* A STATS_GET reply with every counter of every nest. */
static void build_stats(struct mb *m)
{
	uint16_t a;

	mb_genl(m, 0x20, RDMARPC_CMD_STATS_GET);
	mb_nest(m, RDMARPC_A_HS_STATS);
	for (a = RDMARPC_HSTAT_A_ACCEPTED; a <= RDMARPC_HSTAT_A_MAX; a++)
		mb_u64(m, a, 100 + a);
	mb_end(m);
	mb_nest(m, RDMARPC_A_FAULT_STATS);
	for (a = RDMARPC_FSTAT_A_TX_DROP; a <= RDMARPC_FSTAT_A_MAX; a++)
		mb_u64(m, a, 200 + a);
	mb_end(m);
	mb_nest(m, RDMARPC_A_RPC_STATS);
	for (a = RDMARPC_RSTAT_A_ENDPOINTS; a <= RDMARPC_RSTAT_A_MAX; a++)
		mb_u64(m, a, (1ULL << 40) + a);
	mb_end(m);
}

TEST(stats_full)
{
	struct rdmarpc_module_stats st;
	struct mb m = { 0 };

	build_stats(&m);
	EXPECT_EQ(rl_parse_stats(mb_hdr(&m), &st), 0);
	EXPECT_EQ(st.hs.accepted, 100 + RDMARPC_HSTAT_A_ACCEPTED);
	EXPECT_EQ(st.hs.refused, 100 + RDMARPC_HSTAT_A_REFUSED);
	EXPECT_EQ(st.hs.connected, 100 + RDMARPC_HSTAT_A_CONNECTED);
	EXPECT_EQ(st.hs.failed, 100 + RDMARPC_HSTAT_A_FAILED);
	EXPECT_EQ(st.hs.dead, 100 + RDMARPC_HSTAT_A_DEAD);
	EXPECT_EQ(st.hs.pending_full, 100 + RDMARPC_HSTAT_A_PENDING_FULL);
	EXPECT_EQ(st.hs.host_limit, 100 + RDMARPC_HSTAT_A_HOST_LIMIT);
	EXPECT_EQ(st.hs.idle_closed, 100 + RDMARPC_HSTAT_A_IDLE_CLOSED);
	EXPECT_EQ(st.hs.addr_refused, 100 + RDMARPC_HSTAT_A_ADDR_REFUSED);
	EXPECT_EQ(st.hs.capacity, 100 + RDMARPC_HSTAT_A_CAPACITY);
	EXPECT_EQ(st.hs.present, 0x3ffU << RDMARPC_HSTAT_A_ACCEPTED);
	EXPECT_EQ(st.fault.tx_drop, 200 + RDMARPC_FSTAT_A_TX_DROP);
	EXPECT_EQ(st.fault.rx_drop, 200 + RDMARPC_FSTAT_A_RX_DROP);
	EXPECT_EQ(st.fault.duplicate, 200 + RDMARPC_FSTAT_A_DUPLICATE);
	EXPECT_EQ(st.fault.reorder, 200 + RDMARPC_FSTAT_A_REORDER);
	EXPECT_EQ(st.fault.corrupt, 200 + RDMARPC_FSTAT_A_CORRUPT);
	EXPECT_EQ(st.fault.unknown, 200 + RDMARPC_FSTAT_A_UNKNOWN);
	EXPECT_EQ(st.fault.wrong_src, 200 + RDMARPC_FSTAT_A_WRONG_SRC);
	EXPECT_EQ(st.fault.present, 0x7fU << RDMARPC_FSTAT_A_TX_DROP);
	EXPECT_EQ(st.rpc.endpoints, (1ULL << 40) + RDMARPC_RSTAT_A_ENDPOINTS);
	EXPECT_EQ(st.rpc.calls, (1ULL << 40) + RDMARPC_RSTAT_A_CALLS);
	EXPECT_EQ(st.rpc.calls_failed,
		  (1ULL << 40) + RDMARPC_RSTAT_A_CALLS_FAILED);
	EXPECT_EQ(st.rpc.cancels, (1ULL << 40) + RDMARPC_RSTAT_A_CANCELS);
	EXPECT_EQ(st.rpc.requests, (1ULL << 40) + RDMARPC_RSTAT_A_REQUESTS);
	EXPECT_EQ(st.rpc.requests_unserved,
		  (1ULL << 40) + RDMARPC_RSTAT_A_REQUESTS_UNSERVED);
	EXPECT_EQ(st.rpc.requests_dropped,
		  (1ULL << 40) + RDMARPC_RSTAT_A_REQUESTS_DROPPED);
	EXPECT_EQ(st.rpc.requests_aborted,
		  (1ULL << 40) + RDMARPC_RSTAT_A_REQUESTS_ABORTED);
	EXPECT_EQ(st.rpc.replies, (1ULL << 40) + RDMARPC_RSTAT_A_REPLIES);
	EXPECT_EQ(st.rpc.mem_used, (1ULL << 40) + RDMARPC_RSTAT_A_MEM_USED);
	EXPECT_EQ(st.rpc.mem_refused,
		  (1ULL << 40) + RDMARPC_RSTAT_A_MEM_REFUSED);
	EXPECT_EQ(st.rpc.requests_expired,
		  (1ULL << 40) + RDMARPC_RSTAT_A_REQUESTS_EXPIRED);
	EXPECT_EQ(st.rpc.requests_cancelled,
		  (1ULL << 40) + RDMARPC_RSTAT_A_REQUESTS_CANCELLED);
	EXPECT_EQ(st.rpc.idem_entries,
		  (1ULL << 40) + RDMARPC_RSTAT_A_IDEM_ENTRIES);
	EXPECT_EQ(st.rpc.idem_bytes, (1ULL << 40) + RDMARPC_RSTAT_A_IDEM_BYTES);
	EXPECT_EQ(st.rpc.idem_hits, (1ULL << 40) + RDMARPC_RSTAT_A_IDEM_HITS);
	EXPECT_EQ(st.rpc.idem_joins, (1ULL << 40) + RDMARPC_RSTAT_A_IDEM_JOINS);
	EXPECT_EQ(st.rpc.idem_misses,
		  (1ULL << 40) + RDMARPC_RSTAT_A_IDEM_MISSES);
	EXPECT_EQ(st.rpc.idem_evictions,
		  (1ULL << 40) + RDMARPC_RSTAT_A_IDEM_EVICTIONS);
	EXPECT_EQ(st.rpc.idem_expired,
		  (1ULL << 40) + RDMARPC_RSTAT_A_IDEM_EXPIRED);
	EXPECT_EQ(st.rpc.idem_uncached,
		  (1ULL << 40) + RDMARPC_RSTAT_A_IDEM_UNCACHED);
	EXPECT_EQ(st.rpc.present, 0x1fffffU << RDMARPC_RSTAT_A_ENDPOINTS);
	EXPECT_TRUE(RDMARPC_HAS(&st, RDMARPC_A_HS_STATS));
	EXPECT_TRUE(RDMARPC_HAS(&st, RDMARPC_A_FAULT_STATS));
	EXPECT_TRUE(RDMARPC_HAS(&st, RDMARPC_A_RPC_STATS));
	EXPECT_TRUE(!RDMARPC_HAS(&st, RDMARPC_A_STATS));
}

TEST(stats_partial_and_unknown)
{
	struct rdmarpc_module_stats st;
	struct mb m = { 0 };

	/*
	 * One nest, one counter, padding, and what a newer module may add:
	 * an unknown counter, an unknown nest.
	 */
	mb_genl(&m, 0x20, RDMARPC_CMD_STATS_GET);
	mb_nest(&m, RDMARPC_A_FAULT_STATS);
	mb_put(&m, RDMARPC_FSTAT_A_PAD, NULL, 0);
	mb_u64(&m, RDMARPC_FSTAT_A_TX_DROP, 42);
	mb_u32(&m, RDMARPC_FSTAT_A_MAX + 1, 7);
	mb_end(&m);
	mb_nest(&m, RDMARPC_A_MAX + 1);
	mb_u64(&m, 1, 1);
	mb_end(&m);
	EXPECT_EQ(rl_parse_stats(mb_hdr(&m), &st), 0);
	EXPECT_EQ(st.fault.tx_drop, 42);
	EXPECT_EQ(st.fault.present, 1U << RDMARPC_FSTAT_A_TX_DROP);
	EXPECT_EQ(st.hs.present, 0);
	EXPECT_EQ(st.rpc.present, 0);
	EXPECT_TRUE(RDMARPC_HAS(&st, RDMARPC_A_FAULT_STATS));
	EXPECT_TRUE(!RDMARPC_HAS(&st, RDMARPC_A_HS_STATS));

	/* An empty nest is still a reply, with nothing in it. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_STATS_GET);
	mb_nest(&m, RDMARPC_A_HS_STATS);
	mb_end(&m);
	EXPECT_EQ(rl_parse_stats(mb_hdr(&m), &st), 0);
	EXPECT_EQ(st.hs.present, 0);
	EXPECT_TRUE(RDMARPC_HAS(&st, RDMARPC_A_HS_STATS));

	/* No nest at all: not a STATS_GET reply. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_STATS_GET);
	mb_u32(&m, RDMARPC_A_PORT, 1);
	EXPECT_EQ(rl_parse_stats(mb_hdr(&m), &st), -EPROTO);
	EXPECT_EQ(st.present, 0);
}

TEST(stats_malformed)
{
	struct rdmarpc_module_stats st;
	struct mb m;
	size_t full;

	/* A u32 counter in each nest in turn: -EPROTO, nothing kept. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_STATS_GET);
	mb_nest(&m, RDMARPC_A_HS_STATS);
	mb_u32(&m, RDMARPC_HSTAT_A_REFUSED, 1);
	mb_end(&m);
	EXPECT_EQ(rl_parse_stats(mb_hdr(&m), &st), -EPROTO);
	EXPECT_EQ(st.present, 0);

	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_STATS_GET);
	mb_nest(&m, RDMARPC_A_HS_STATS);
	mb_u64(&m, RDMARPC_HSTAT_A_REFUSED, 5);
	mb_end(&m);
	mb_nest(&m, RDMARPC_A_FAULT_STATS);
	mb_put(&m, RDMARPC_FSTAT_A_UNKNOWN, "1234567", 7);
	mb_end(&m);
	EXPECT_EQ(rl_parse_stats(mb_hdr(&m), &st), -EPROTO);
	EXPECT_EQ(st.hs.refused, 0);
	EXPECT_EQ(st.hs.present, 0);

	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_STATS_GET);
	mb_nest(&m, RDMARPC_A_RPC_STATS);
	mb_u16(&m, RDMARPC_RSTAT_A_REPLIES, 1);
	mb_end(&m);
	EXPECT_EQ(rl_parse_stats(mb_hdr(&m), &st), -EPROTO);

	/* A counter overrunning its nest. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_STATS_GET);
	mb_nest(&m, RDMARPC_A_RPC_STATS);
	mb_u64(&m, RDMARPC_RSTAT_A_CALLS, 1);
	mb_end(&m);
	((struct nlattr *)(m.buf + m.len - 12))->nla_len = 40;
	EXPECT_EQ(rl_parse_stats(mb_hdr(&m), &st), -EPROTO);

	/* A message shorter than the generic netlink header. */
	memset(&m, 0, sizeof(m));
	mb_genl(&m, 0x20, RDMARPC_CMD_STATS_GET);
	mb_hdr(&m)->nlmsg_len = NLMSG_HDRLEN + 2;
	EXPECT_EQ(rl_parse_stats(mb_hdr(&m), &st), -EPROTO);

	/* Every truncation of a full reply fails cleanly or parses. */
	memset(&m, 0, sizeof(m));
	build_stats(&m);
	full = mb_hdr(&m)->nlmsg_len;
	for (size_t cut = 0; cut < full; cut++) {
		unsigned char *copy = malloc(full);
		struct nlmsghdr *nlh = (struct nlmsghdr *)copy;
		int err;

		memcpy(copy, m.buf, full);
		nlh->nlmsg_len = (uint32_t)cut;
		err = rl_parse_stats(nlh, &st);
		EXPECT_TRUE(err == 0 || err == -EPROTO);
		if (err)
			EXPECT_EQ(st.present, 0);
		free(copy);
	}
}

/* A DEV_GET reply with every port counter: each lands in its field. */
TEST(dev_stats_all)
{
	struct rdmarpc_dev d;
	struct mb m = { 0 };
	uint16_t a;

	mb_genl(&m, 0x20, RDMARPC_CMD_DEV_GET);
	mb_str(&m, RDMARPC_A_DEV_NAME, "rxe0");
	mb_nest(&m, RDMARPC_A_STATS);
	for (a = RDMARPC_STAT_A_TX_PACKETS; a <= RDMARPC_STAT_A_MAX; a++)
		mb_u64(&m, a, 1000 + a);
	mb_end(&m);
	EXPECT_EQ(rl_parse_dev(mb_hdr(&m), &d), 0);
	EXPECT_EQ(d.stats.tx_packets, 1000 + RDMARPC_STAT_A_TX_PACKETS);
	EXPECT_EQ(d.stats.tx_bytes, 1000 + RDMARPC_STAT_A_TX_BYTES);
	EXPECT_EQ(d.stats.tx_errors, 1000 + RDMARPC_STAT_A_TX_ERRORS);
	EXPECT_EQ(d.stats.rx_packets, 1000 + RDMARPC_STAT_A_RX_PACKETS);
	EXPECT_EQ(d.stats.rx_bytes, 1000 + RDMARPC_STAT_A_RX_BYTES);
	EXPECT_EQ(d.stats.rx_errors, 1000 + RDMARPC_STAT_A_RX_ERRORS);
	EXPECT_EQ(d.stats.rx_drops, 1000 + RDMARPC_STAT_A_RX_DROPS);
	EXPECT_EQ(d.stats.recv_posted, 1000 + RDMARPC_STAT_A_RECV_POSTED);
	EXPECT_EQ(d.stats.ah_cached, 1000 + RDMARPC_STAT_A_AH_CACHED);
	EXPECT_EQ(d.stats.present, 0x1ffU << RDMARPC_STAT_A_TX_PACKETS);
	rl_dev_clear(&d);
}

/* A SESSION_GET reply with every session counter. */
TEST(session_stats_all)
{
	struct rdmarpc_session s;
	struct mb m = { 0 };
	uint16_t a;

	mb_genl(&m, 0x20, RDMARPC_CMD_SESSION_GET);
	mb_u32(&m, RDMARPC_A_SESSION_ID, 1);
	mb_nest(&m, RDMARPC_A_STATS);
	for (a = RDMARPC_SSTAT_A_TX_PACKETS; a <= RDMARPC_SSTAT_A_MAX; a++)
		mb_u64(&m, a, (1ULL << 33) + a);
	mb_end(&m);
	EXPECT_EQ(rl_parse_session(mb_hdr(&m), &s), 0);
	EXPECT_EQ(s.stats.tx_packets, (1ULL << 33) + RDMARPC_SSTAT_A_TX_PACKETS);
	EXPECT_EQ(s.stats.tx_bytes, (1ULL << 33) + RDMARPC_SSTAT_A_TX_BYTES);
	EXPECT_EQ(s.stats.rx_packets, (1ULL << 33) + RDMARPC_SSTAT_A_RX_PACKETS);
	EXPECT_EQ(s.stats.rx_bytes, (1ULL << 33) + RDMARPC_SSTAT_A_RX_BYTES);
	EXPECT_EQ(s.stats.retransmits,
		 (1ULL << 33) + RDMARPC_SSTAT_A_RETRANSMITS);
	EXPECT_EQ(s.stats.rto_fires, (1ULL << 33) + RDMARPC_SSTAT_A_RTO_FIRES);
	EXPECT_EQ(s.stats.crc_drops, (1ULL << 33) + RDMARPC_SSTAT_A_CRC_DROPS);
	EXPECT_EQ(s.stats.rx_drops, (1ULL << 33) + RDMARPC_SSTAT_A_RX_DROPS);
	EXPECT_EQ(s.stats.dup_packets,
		 (1ULL << 33) + RDMARPC_SSTAT_A_DUP_PACKETS);
	EXPECT_EQ(s.stats.dup_requests,
		 (1ULL << 33) + RDMARPC_SSTAT_A_DUP_REQUESTS);
	EXPECT_EQ(s.stats.credit_stalls,
		 (1ULL << 33) + RDMARPC_SSTAT_A_CREDIT_STALLS);
	EXPECT_EQ(s.stats.calls_ok, (1ULL << 33) + RDMARPC_SSTAT_A_CALLS_OK);
	EXPECT_EQ(s.stats.calls_failed,
		 (1ULL << 33) + RDMARPC_SSTAT_A_CALLS_FAILED);
	EXPECT_EQ(s.stats.requests, (1ULL << 33) + RDMARPC_SSTAT_A_REQUESTS);
	EXPECT_EQ(s.stats.cancels, (1ULL << 33) + RDMARPC_SSTAT_A_CANCELS);
	EXPECT_EQ(s.stats.spurious_rtos,
		  (1ULL << 33) + RDMARPC_SSTAT_A_SPURIOUS_RTOS);
	EXPECT_EQ(s.stats.tx_packed, (1ULL << 33) + RDMARPC_SSTAT_A_TX_PACKED);
	EXPECT_EQ(s.stats.present, 0x1ffffU << RDMARPC_SSTAT_A_TX_PACKETS);
}

/* ---- the lists of counters (rdmarpc_counters.h) ---- */

struct counter_row {
	int attr;
	const char *name;
};

#define ROWS(rows) rows, sizeof(rows) / sizeof((rows)[0])

/*
 * A list as made into tables begins with the counters released so far,
 * @abi: their attributes (2, 3, ... after UNSPEC and PAD) and their names,
 * rdmarpcctl's text and JSON keys, never change.  New ones come after.
 */
static void check_counters(struct __test_metadata *_metadata,
			   const struct counter_row *rows, size_t n,
			   const char *const *abi, size_t n_abi, int max)
{
	size_t i;

	EXPECT_TRUE(n >= n_abi);
	EXPECT_EQ(max, n + 1);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(rows[i].attr, i + 2);
		if (i < n_abi)
			EXPECT_STREQ(rows[i].name, abi[i]);
	}
}

TEST(counter_lists)
{
	static const struct counter_row port[] = {
#define RDMARPC_PORT_COUNTER(NAME, name, ...) \
	{ RDMARPC_STAT_A_##NAME, #name },
#include <rdmarpc_counters.h>
	};
	static const char *const port_abi[] = {
		"tx_packets", "tx_bytes", "tx_errors", "rx_packets",
		"rx_bytes", "rx_errors", "rx_drops", "recv_posted",
		"ah_cached",
	};
	static const struct counter_row sess[] = {
#define RDMARPC_SESS_COUNTER(NAME, name, ...) \
	{ RDMARPC_SSTAT_A_##NAME, #name },
#include <rdmarpc_counters.h>
	};
	static const char *const sess_abi[] = {
		"tx_packets", "tx_bytes", "rx_packets", "rx_bytes",
		"retransmits", "rto_fires", "crc_drops", "rx_drops",
		"dup_packets", "dup_requests", "credit_stalls", "calls_ok",
		"calls_failed", "requests", "cancels", "spurious_rtos",
		"tx_packed",
	};
	static const struct counter_row hs[] = {
#define RDMARPC_HS_COUNTER(NAME, name, ...) \
	{ RDMARPC_HSTAT_A_##NAME, #name },
#include <rdmarpc_counters.h>
	};
	static const char *const hs_abi[] = {
		"accepted", "refused", "connected", "failed", "dead",
		"pending_full", "host_limit", "idle_closed", "addr_refused",
		"capacity",
	};
	static const struct counter_row fault[] = {
#define RDMARPC_FAULT_COUNTER(NAME, name, ...) \
	{ RDMARPC_FSTAT_A_##NAME, #name },
#include <rdmarpc_counters.h>
	};
	static const char *const fault_abi[] = {
		"tx_drop", "rx_drop", "duplicate", "reorder", "corrupt",
		"unknown", "wrong_src",
	};
	static const struct counter_row rpc[] = {
#define RDMARPC_RPC_COUNTER(NAME, name, ...) \
	{ RDMARPC_RSTAT_A_##NAME, #name },
#include <rdmarpc_counters.h>
	};
	static const char *const rpc_abi[] = {
		"endpoints", "calls", "calls_failed", "cancels", "requests",
		"requests_unserved", "requests_dropped", "requests_aborted",
		"replies", "mem_used", "mem_refused", "requests_expired",
		"requests_cancelled", "idem_entries", "idem_bytes",
		"idem_hits", "idem_joins", "idem_misses", "idem_evictions",
		"idem_expired", "idem_uncached",
	};

	check_counters(_metadata, ROWS(port), ROWS(port_abi), RDMARPC_STAT_A_MAX);
	check_counters(_metadata, ROWS(sess), ROWS(sess_abi), RDMARPC_SSTAT_A_MAX);
	check_counters(_metadata, ROWS(hs), ROWS(hs_abi), RDMARPC_HSTAT_A_MAX);
	check_counters(_metadata, ROWS(fault), ROWS(fault_abi), RDMARPC_FSTAT_A_MAX);
	check_counters(_metadata, ROWS(rpc), ROWS(rpc_abi), RDMARPC_RSTAT_A_MAX);
}

/* ---- the table of parameters (rdmarpc_params.h) ---- */

/*
 * The table begins with the parameters released so far: their attributes
 * (1, 2, ... after UNSPEC) and names, rdmarpcctl's and sysfs's, never
 * change.  New ones come after.
 */
TEST(param_table)
{
	static const struct counter_row rows[] = {
#define RDMARPC_PARAM(ATTR, name, ...) { RDMARPC_PARAM_A_##ATTR, #name },
#include <rdmarpc_params.h>
	};
	static const char *const abi[] = {
		"recv_depth", "send_depth", "gid_index", "tcp_port", "crc",
		"call_timeout_ms", "rto_min_us", "rto_max_us", "max_retries",
		"heartbeat_ms", "fault_tx_drop", "fault_rx_drop",
		"fault_duplicate", "fault_reorder", "fault_corrupt",
		"mem_budget_mb", "sessions_per_host", "idle_timeout_ms",
		"hs_pending_max", "hs_pending_per_host", "idem_max_entries",
		"idem_max_mb", "idem_ttl_ms", "cc", "credit_overcommit",
	};
	size_t i, n = sizeof(rows) / sizeof(rows[0]);

	EXPECT_TRUE(n >= sizeof(abi) / sizeof(abi[0]));
	EXPECT_EQ(RDMARPC_PARAM_A_MAX, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(rows[i].attr, i + 1);
		if (i < sizeof(abi) / sizeof(abi[0]))
			EXPECT_STREQ(rows[i].name, abi[i]);
	}
}

/*
 * What programs built against librdmarpc 0.4 get from rdmarpc_param_get()
 * (rdmarpc_param_get@LIBRDMARPC_0): the struct as it was, ending at cc,
 * and not a byte more.
 */
TEST(param_get_0_layout)
{
	struct rdmarpc_params all;
	unsigned char old[sizeof(all) + 16] __attribute__((aligned(8)));
	const struct rdmarpc_params *p = (const void *)old;
	size_t i;

	EXPECT_EQ(RL_PARAMS_0_SIZE, offsetof(struct rdmarpc_params, cc) +
				     sizeof(all.cc));
	memset(&all, 0x5a, sizeof(all));
	all.present = ~0u;
	all.cc = 1;
	all.credit_overcommit = 4;
	memset(old, 0xee, sizeof(old));
	rl_params_to_0(old, &all);
	EXPECT_EQ(p->cc, 1);
	EXPECT_EQ(p->recv_depth, all.recv_depth);
	EXPECT_EQ(p->present,
		  RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_CC + 1) - 1);
	for (i = RL_PARAMS_0_SIZE; i < sizeof(old); i++)
		EXPECT_EQ(old[i], 0xee);
}

/* A value for the row of @attr, of its @type, that fits no narrower one. */
static int64_t row_value(int type, int attr)
{
	switch (type) {
	case RDMARPC_PARAM_S32:
		return -100000 - attr;
	case RDMARPC_PARAM_U16:
		return 1000 + attr;
	case RDMARPC_PARAM_BOOL:
		return attr & 1;
	default:
		return 100000 + attr;
	}
}

static void mb_param(struct mb *m, int attr, int type)
{
	int64_t v = row_value(type, attr);

	switch (type) {
	case RDMARPC_PARAM_U16:
		mb_u16(m, (uint16_t)attr, (uint16_t)v);
		break;
	case RDMARPC_PARAM_BOOL:
		mb_u8(m, (uint16_t)attr, (uint8_t)v);
		break;
	default:
		mb_u32(m, (uint16_t)attr, (uint32_t)v);
	}
}

/* How often @needle is in @s. */
static int occurrences(const char *s, const char *needle)
{
	int n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/*
 * A PARAM_GET reply with every parameter of the table: librdmarpc parses
 * each one into its field, and rdmarpcctl prints each one once, as text it
 * takes back and as a JSON number.
 */
TEST(params_every_row)
{
	struct rdmarpc_params p, back;
	struct mb m = { 0 };
	char *text, *json, *line, *save, key[64];
	size_t off, size, k;

	mb_genl(&m, 0x20, RDMARPC_CMD_PARAM_GET);
	mb_nest(&m, RDMARPC_A_PARAMS);
#define RDMARPC_PARAM(ATTR, name, type, ...) \
	mb_param(&m, RDMARPC_PARAM_A_##ATTR, RDMARPC_PARAM_##type);
#include <rdmarpc_params.h>
	mb_end(&m);
	ASSERT_EQ(rl_parse_params(mb_hdr(&m), &p), 0);
	EXPECT_EQ(p.present, (2U << RDMARPC_PARAM_A_MAX) - 2);
#define RDMARPC_PARAM(ATTR, name, type, ...)				\
	EXPECT_EQ(p.name, row_value(RDMARPC_PARAM_##type,		\
				    RDMARPC_PARAM_A_##ATTR))		\
		TH_LOG("%s", #name);					\
	EXPECT_EQ(rl_param_field(RDMARPC_PARAM_A_##ATTR, &off, &size), 0); \
	EXPECT_EQ(off, offsetof(struct rdmarpc_params, name));		\
	EXPECT_EQ(size, sizeof(p.name));
#include <rdmarpc_params.h>

	/* One line per row, in order, "name value"; set takes value back. */
	text = test_ctl_printed(&p, 0);
	memset(&back, 0, sizeof(back));
	line = strtok_r(text, "\n", &save);
	for (k = 0; k < CTL_N_PARAMS; k++) {
		const struct ctl_param *c = &ctl_params[k];
		size_t n = strlen(c->name);

		ASSERT_TRUE(line != NULL) TH_LOG("no line for %s", c->name);
		EXPECT_TRUE(!strncmp(line, c->name, n) && line[n] == ' ')
			TH_LOG("%s: %s", c->name, line);
		EXPECT_EQ(ctl_param_parse(&back, c, line + n + 1), 0)
			TH_LOG("%s", line);
		EXPECT_EQ(ctl_param_value(&back, c), ctl_param_value(&p, c))
			TH_LOG("%s", line);
		line = strtok_r(NULL, "\n", &save);
	}
	EXPECT_TRUE(line == NULL);
	EXPECT_EQ(back.present, p.present);
	free(text);

	/* One key per row, with the field's value. */
	json = test_ctl_printed(&p, 1);
	EXPECT_EQ(occurrences(json, ":"), CTL_N_PARAMS);
	for (k = 0; k < CTL_N_PARAMS; k++) {
		const struct ctl_param *c = &ctl_params[k];

		snprintf(key, sizeof(key), "\"%s\":%lld", c->name,
			 (long long)ctl_param_value(&p, c));
		EXPECT_EQ(occurrences(json, key), 1) TH_LOG("%s in %s", key,
							     json);
	}
	free(json);
}
