// SPDX-License-Identifier: GPL-2.0
/*
 * The rdmarpc generic netlink family against bad input: missing, oversized,
 * wrongly typed, truncated and unknown attributes, unknown commands,
 * out-of-range parameters (all or nothing), unprivileged callers, and a
 * seeded flood of garbage.  STATS_GET's reply is checked against the uapi
 * header: every counter of every nest, a u64 each.  Every bad request must fail, nothing may be
 * half-applied, and the family must still answer afterwards.
 *
 * Raw netlink sockets (no libnl) so that any byte can be sent.  Needs the
 * module loaded (it fails otherwise) and root; runs in the Soft-RoCE guest.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <rdmarpc.h>

#include "harness.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define NOBODY 65534
#define REPLY_TIMEOUT_S 10
#define FLOOD_MESSAGES 1500
#define FLOOD_SEED 0x5eed1234abcdULL
#define LOOPBACK_SIZE 64

/*
 * The error for a parameter out of its range: the uapi header promises
 * -EINVAL with an extack message naming the parameter.
 */
#define PARAM_RANGE_ERR (-EINVAL)

/* ---- raw generic netlink ---- */

struct req {
	_Alignas(4) unsigned char buf[8192];
	size_t len;
	size_t nest[8];
	int depth;
};

static struct nlmsghdr *req_hdr(struct req *r)
{
	return (struct nlmsghdr *)r->buf;
}

static void req_sync(struct req *r)
{
	req_hdr(r)->nlmsg_len = (uint32_t)r->len;
}

static void req_init(struct req *r, uint16_t type, uint8_t cmd, uint16_t flags)
{
	struct genlmsghdr *g;

	memset(r, 0, sizeof(*r));
	req_hdr(r)->nlmsg_type = type;
	req_hdr(r)->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	g = (struct genlmsghdr *)(r->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = RDMARPC_GENL_VERSION;
	r->len = NLMSG_HDRLEN + GENL_HDRLEN;
	req_sync(r);
}

/* An attribute with nla_len = 4 + len (the caller may corrupt it later). */
static struct nlattr *req_put(struct req *r, uint16_t type, const void *data,
			      size_t len)
{
	struct nlattr *a = (struct nlattr *)(r->buf + r->len);

	if (r->len + NLA_ALIGN(NLA_HDRLEN + len) > sizeof(r->buf))
		abort();
	memset(a, 0, NLA_ALIGN(NLA_HDRLEN + len));
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((unsigned char *)a + NLA_HDRLEN, data, len);
	r->len += NLA_ALIGN(NLA_HDRLEN + len);
	req_sync(r);
	return a;
}

static void req_u8(struct req *r, uint16_t type, uint8_t v)
{
	req_put(r, type, &v, sizeof(v));
}

static void req_u16(struct req *r, uint16_t type, uint16_t v)
{
	req_put(r, type, &v, sizeof(v));
}

static void req_u32(struct req *r, uint16_t type, uint32_t v)
{
	req_put(r, type, &v, sizeof(v));
}

static void req_u64(struct req *r, uint16_t type, uint64_t v)
{
	req_put(r, type, &v, sizeof(v));
}

static void req_str(struct req *r, uint16_t type, const char *s)
{
	req_put(r, type, s, strlen(s) + 1);
}

static void req_nest(struct req *r, uint16_t type)
{
	r->nest[r->depth++] = r->len;
	req_put(r, type | NLA_F_NESTED, NULL, 0);
}

static void req_end(struct req *r)
{
	size_t off = r->nest[--r->depth];

	((struct nlattr *)(r->buf + off))->nla_len = (uint16_t)(r->len - off);
}

struct res {
	int err;		/* from the ACK/error/DONE; -ETIMEDOUT: none */
	int n;			/* replies of the family's type */
	char extack[256];
	/* The first reply, for the callers that read it. */
	_Alignas(4) unsigned char first[8192];
	size_t first_len;
};

static int nl_socket(void)
{
	struct timeval tv = { .tv_sec = REPLY_TIMEOUT_S };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static void parse_extack(const struct nlmsghdr *nlh, char *buf, size_t size)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	buf[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	while (off + NLA_HDRLEN <= nlh->nlmsg_len) {
		const struct nlattr *a = (const void *)((const char *)nlh + off);

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > nlh->nlmsg_len)
			return;
		if (a->nla_type == NLMSGERR_ATTR_MSG) {
			snprintf(buf, size, "%.*s", (int)(a->nla_len - NLA_HDRLEN),
				 (const char *)a + NLA_HDRLEN);
			return;
		}
		off += NLA_ALIGN(a->nla_len);
	}
}

/*
 * Send r and collect the answer: replies counted (the first kept), until
 * the ACK or error for our sequence number, or NLMSG_DONE of a dump.
 */
static void nl_xfer(int fd, struct req *r, struct res *res)
{
	static uint32_t seq = 1000;
	static _Alignas(4) unsigned char buf[65536];
	uint16_t type = req_hdr(r)->nlmsg_type;

	memset(res, 0, sizeof(*res));
	res->err = -ETIMEDOUT;
	req_hdr(r)->nlmsg_seq = ++seq;
	if (send(fd, r->buf, r->len, 0) < 0) {
		res->err = -errno;
		snprintf(res->extack, sizeof(res->extack), "send failed");
		return;
	}
	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;
		int rem;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			return;		/* timeout: res->err stays -ETIMEDOUT */
		}
		rem = (int)len;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, rem);
		     nlh = NLMSG_NEXT(nlh, rem)) {
			if (nlh->nlmsg_seq != seq)
				continue;	/* a stale answer */
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				res->err = e->error;
				parse_extack(nlh, res->extack,
					     sizeof(res->extack));
				return;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				int e = 0;

				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(e)))
					memcpy(&e, NLMSG_DATA(nlh), sizeof(e));
				res->err = e;
				return;
			}
			if (nlh->nlmsg_type == type) {
				if (!res->n && nlh->nlmsg_len <=
					       sizeof(res->first)) {
					memcpy(res->first, nlh, nlh->nlmsg_len);
					res->first_len = nlh->nlmsg_len;
				}
				res->n++;
			}
		}
	}
}

/* The attribute @type directly inside [data, data + len), or NULL. */
static const struct nlattr *find_attr(const void *data, size_t len, int type)
{
	const unsigned char *p = data;

	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		if ((size_t)NLA_ALIGN(a->nla_len) >= len)
			return NULL;
		p += NLA_ALIGN(a->nla_len);
		len -= NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

static const void *attr_data(const struct nlattr *a)
{
	return (const unsigned char *)a + NLA_HDRLEN;
}

static const struct nlattr *reply_attr(const struct res *res, int type)
{
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	if (res->first_len < hdr)
		return NULL;
	return find_attr(res->first + hdr, res->first_len - hdr, type);
}

static int resolve_family(int fd)
{
	const struct nlattr *a;
	struct req r;
	static struct res res;

	req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	req_str(&r, CTRL_ATTR_FAMILY_NAME, RDMARPC_GENL_NAME);
	nl_xfer(fd, &r, &res);
	if (res.err)
		return res.err;
	a = reply_attr(&res, CTRL_ATTR_FAMILY_ID);
	if (!a || a->nla_len != NLA_HDRLEN + 2)
		return -EPROTO;
	return *(const uint16_t *)attr_data(a);
}

struct params {
	uint32_t recv_depth, send_depth;
	int32_t gid_index;
	uint16_t tcp_port;
};

static int param_get(int fd, uint16_t family, struct params *p)
{
	static struct res res;
	const struct nlattr *nest, *a;
	struct req r;

	req_init(&r, family, RDMARPC_CMD_PARAM_GET, 0);
	nl_xfer(fd, &r, &res);
	if (res.err)
		return res.err;
	nest = reply_attr(&res, RDMARPC_A_PARAMS);
	if (!nest)
		return -EPROTO;
	memset(p, 0, sizeof(*p));
	a = find_attr(attr_data(nest), nest->nla_len - NLA_HDRLEN,
		      RDMARPC_PARAM_A_RECV_DEPTH);
	if (!a || a->nla_len != NLA_HDRLEN + 4)
		return -EPROTO;
	memcpy(&p->recv_depth, attr_data(a), 4);
	a = find_attr(attr_data(nest), nest->nla_len - NLA_HDRLEN,
		      RDMARPC_PARAM_A_SEND_DEPTH);
	if (!a || a->nla_len != NLA_HDRLEN + 4)
		return -EPROTO;
	memcpy(&p->send_depth, attr_data(a), 4);
	a = find_attr(attr_data(nest), nest->nla_len - NLA_HDRLEN,
		      RDMARPC_PARAM_A_GID_INDEX);
	if (!a || a->nla_len != NLA_HDRLEN + 4)
		return -EPROTO;
	memcpy(&p->gid_index, attr_data(a), 4);
	a = find_attr(attr_data(nest), nest->nla_len - NLA_HDRLEN,
		      RDMARPC_PARAM_A_TCP_PORT);
	if (!a || a->nla_len != NLA_HDRLEN + 2)
		return -EPROTO;
	memcpy(&p->tcp_port, attr_data(a), 2);
	return 0;
}

/* ---- the fixture: a socket, the family, a device if there is one ---- */

FIXTURE(nl) {
	int fd;
	uint16_t family;
	char dev[64];
	uint32_t port;
	int have_dev;
	struct params params;	/* as found at the start */
	struct res res;
	struct req req;
};

FIXTURE_SETUP(nl)
{
	const struct nlattr *a;
	int family;

	self->fd = nl_socket();
	ASSERT_LE(0, self->fd) TH_LOG("netlink socket: %s",
				      strerror(-self->fd));
	family = resolve_family(self->fd);
	ASSERT_LT(0, family)
		TH_LOG("generic netlink family '" RDMARPC_GENL_NAME
		       "' not found (%s): is rdmarpc.ko loaded?",
		       strerror(-family));
	self->family = (uint16_t)family;

	ASSERT_EQ(0, param_get(self->fd, self->family, &self->params));

	/* A real device makes the missing-attribute cases sharper. */
	req_init(&self->req, self->family, RDMARPC_CMD_DEV_GET, NLM_F_DUMP);
	nl_xfer(self->fd, &self->req, &self->res);
	ASSERT_EQ(0, self->res.err) TH_LOG("DEV_GET: %s", self->res.extack);
	strcpy(self->dev, "rxe0");
	self->port = 1;
	a = reply_attr(&self->res, RDMARPC_A_DEV_NAME);
	if (a && a->nla_len > NLA_HDRLEN && a->nla_len - NLA_HDRLEN < 64) {
		snprintf(self->dev, sizeof(self->dev), "%.*s",
			 (int)(a->nla_len - NLA_HDRLEN),
			 (const char *)attr_data(a));
		a = reply_attr(&self->res, RDMARPC_A_PORT);
		if (a && a->nla_len == NLA_HDRLEN + 4)
			memcpy(&self->port, attr_data(a), 4);
		self->have_dev = 1;
	}
}

FIXTURE_TEARDOWN(nl)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* Run self->req; expect error @want and no replies. */
#define EXPECT_REJECTED(want, what) do {				\
		nl_xfer(self->fd, &self->req, &self->res);		\
		EXPECT_EQ(want, self->res.err)				\
			TH_LOG("%s: got %d (%s), extack '%s'", what,	\
			       self->res.err, strerror(-self->res.err),	\
			       self->res.extack);			\
		EXPECT_EQ(0, self->res.n) TH_LOG("%s: replied", what);	\
	} while (0)

static void loopback_req(struct req *r, uint16_t family, const char *dev,
			 uint32_t port, int omit)
{
	req_init(r, family, RDMARPC_CMD_LOOPBACK, 0);
	if (omit != RDMARPC_A_DEV_NAME)
		req_str(r, RDMARPC_A_DEV_NAME, dev);
	if (omit != RDMARPC_A_PORT)
		req_u32(r, RDMARPC_A_PORT, port);
	if (omit != RDMARPC_A_LOOPBACK_COUNT)
		req_u32(r, RDMARPC_A_LOOPBACK_COUNT, 1);
	if (omit != RDMARPC_A_LOOPBACK_SIZE)
		req_u32(r, RDMARPC_A_LOOPBACK_SIZE, LOOPBACK_SIZE);
}

TEST_F(nl, dev_get_dump)
{
	req_init(&self->req, self->family, RDMARPC_CMD_DEV_GET, NLM_F_DUMP);
	nl_xfer(self->fd, &self->req, &self->res);
	ASSERT_EQ(0, self->res.err) TH_LOG("%s", self->res.extack);
	if (!self->have_dev)
		TH_LOG("no device set up: some cases use the name 'rxe0'");
}

TEST_F(nl, loopback_missing_attrs)
{
	static const int omit[] = {
		RDMARPC_A_DEV_NAME, RDMARPC_A_PORT, RDMARPC_A_LOOPBACK_COUNT,
		RDMARPC_A_LOOPBACK_SIZE,
	};
	char what[64];
	size_t i;

	for (i = 0; i < sizeof(omit) / sizeof(omit[0]); i++) {
		loopback_req(&self->req, self->family, self->dev, self->port,
			     omit[i]);
		snprintf(what, sizeof(what), "LOOPBACK without attribute %d",
			 omit[i]);
		EXPECT_REJECTED(-EINVAL, what);
	}
	req_init(&self->req, self->family, RDMARPC_CMD_LOOPBACK, 0);
	EXPECT_REJECTED(-EINVAL, "LOOPBACK with no attributes");
}

TEST_F(nl, dev_name_oversized)
{
	char name[201];

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';

	req_init(&self->req, self->family, RDMARPC_CMD_DEV_GET, NLM_F_DUMP);
	req_str(&self->req, RDMARPC_A_DEV_NAME, name);
	EXPECT_REJECTED(-EINVAL, "DEV_GET with a 200-byte name");

	name[65] = '\0';
	req_init(&self->req, self->family, RDMARPC_CMD_DEV_GET, NLM_F_DUMP);
	req_str(&self->req, RDMARPC_A_DEV_NAME, name);
	EXPECT_REJECTED(-EINVAL, "DEV_GET with a 65-byte name");

	req_init(&self->req, self->family, RDMARPC_CMD_LOOPBACK, 0);
	req_str(&self->req, RDMARPC_A_DEV_NAME, name);
	req_u32(&self->req, RDMARPC_A_PORT, self->port);
	req_u32(&self->req, RDMARPC_A_LOOPBACK_COUNT, 1);
	req_u32(&self->req, RDMARPC_A_LOOPBACK_SIZE, LOOPBACK_SIZE);
	EXPECT_REJECTED(-EINVAL, "LOOPBACK with a 65-byte name");
}

TEST_F(nl, wrong_type_or_length)
{
	struct nlattr *a;

	/* Integers of the wrong width in LOOPBACK. */
	req_init(&self->req, self->family, RDMARPC_CMD_LOOPBACK, 0);
	req_str(&self->req, RDMARPC_A_DEV_NAME, self->dev);
	req_u8(&self->req, RDMARPC_A_PORT, (uint8_t)self->port);
	req_u32(&self->req, RDMARPC_A_LOOPBACK_COUNT, 1);
	req_u32(&self->req, RDMARPC_A_LOOPBACK_SIZE, LOOPBACK_SIZE);
	EXPECT_REJECTED(-EINVAL, "LOOPBACK with a u8 PORT");

	req_init(&self->req, self->family, RDMARPC_CMD_LOOPBACK, 0);
	req_str(&self->req, RDMARPC_A_DEV_NAME, self->dev);
	req_u32(&self->req, RDMARPC_A_PORT, self->port);
	req_u64(&self->req, RDMARPC_A_LOOPBACK_COUNT, 1);
	req_u32(&self->req, RDMARPC_A_LOOPBACK_SIZE, LOOPBACK_SIZE);
	EXPECT_REJECTED(-EINVAL, "LOOPBACK with a u64 COUNT");

	req_init(&self->req, self->family, RDMARPC_CMD_LOOPBACK, 0);
	req_str(&self->req, RDMARPC_A_DEV_NAME, self->dev);
	req_u32(&self->req, RDMARPC_A_PORT, self->port);
	req_u32(&self->req, RDMARPC_A_LOOPBACK_COUNT, 1);
	req_u16(&self->req, RDMARPC_A_LOOPBACK_SIZE, LOOPBACK_SIZE);
	EXPECT_REJECTED(-EINVAL, "LOOPBACK with a u16 SIZE");

	/* A number where the name belongs, flagged as a nest. */
	req_init(&self->req, self->family, RDMARPC_CMD_DEV_GET, NLM_F_DUMP);
	req_u32(&self->req, RDMARPC_A_DEV_NAME | NLA_F_NESTED, 0);
	EXPECT_REJECTED(-EINVAL, "DEV_GET with a nest-flagged name");

	/* PARAM_SET: u8 and u64 values, a bare value instead of the nest. */
	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_SET, 0);
	req_nest(&self->req, RDMARPC_A_PARAMS);
	req_u8(&self->req, RDMARPC_PARAM_A_RECV_DEPTH, 64);
	req_end(&self->req);
	EXPECT_REJECTED(-EINVAL, "PARAM_SET with a u8 recv_depth");

	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_SET, 0);
	req_nest(&self->req, RDMARPC_A_PARAMS);
	req_u64(&self->req, RDMARPC_PARAM_A_SEND_DEPTH, 64);
	req_end(&self->req);
	EXPECT_REJECTED(-EINVAL, "PARAM_SET with a u64 send_depth");

	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_SET, 0);
	req_nest(&self->req, RDMARPC_A_PARAMS);
	req_u16(&self->req, RDMARPC_PARAM_A_GID_INDEX, 1);
	req_end(&self->req);
	EXPECT_REJECTED(-EINVAL, "PARAM_SET with a u16 gid_index");

	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_SET, 0);
	req_u32(&self->req, RDMARPC_A_PARAMS, 64);
	EXPECT_REJECTED(-EINVAL, "PARAM_SET with a u32 for the nest");

	/* A nest whose member runs past the nest's end. */
	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_SET, 0);
	req_nest(&self->req, RDMARPC_A_PARAMS);
	a = req_put(&self->req, RDMARPC_PARAM_A_RECV_DEPTH, "\x40\0\0\0", 4);
	req_end(&self->req);
	a->nla_len = NLA_HDRLEN + 12;
	EXPECT_REJECTED(-EINVAL, "PARAM_SET with a truncated nest");

	/* An attribute running past the message's end. */
	req_init(&self->req, self->family, RDMARPC_CMD_DEV_GET, NLM_F_DUMP);
	a = req_put(&self->req, RDMARPC_A_DEV_NAME, "rxe0", 5);
	a->nla_len = 200;
	EXPECT_REJECTED(-EINVAL, "DEV_GET with an overrunning attribute");

	/* An attribute shorter than its own header. */
	req_init(&self->req, self->family, RDMARPC_CMD_DEV_GET, NLM_F_DUMP);
	a = req_put(&self->req, RDMARPC_A_DEV_NAME, "rxe0", 5);
	a->nla_len = 2;
	EXPECT_REJECTED(-EINVAL, "DEV_GET with a 2-byte attribute");

	/* A message too short for the generic netlink header. */
	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_GET, 0);
	self->req.len = NLMSG_HDRLEN + 2;
	req_sync(&self->req);
	EXPECT_REJECTED(-EINVAL, "a truncated generic netlink header");
}

TEST_F(nl, param_set_out_of_range_all_or_nothing)
{
	const struct params *p0 = &self->params;
	uint32_t other = p0->recv_depth == 256 ? 512 : 256;
	static const uint32_t bad_depth[] = { 0, 1, 15, 8193, 1U << 30,
					      UINT32_MAX };
	struct params now;
	char what[96];
	size_t i;

	for (i = 0; i < sizeof(bad_depth) / sizeof(bad_depth[0]); i++) {
		req_init(&self->req, self->family, RDMARPC_CMD_PARAM_SET, 0);
		req_nest(&self->req, RDMARPC_A_PARAMS);
		req_u32(&self->req, RDMARPC_PARAM_A_RECV_DEPTH, bad_depth[i]);
		req_end(&self->req);
		snprintf(what, sizeof(what), "recv_depth %u", bad_depth[i]);
		EXPECT_REJECTED(PARAM_RANGE_ERR, what);

		req_init(&self->req, self->family, RDMARPC_CMD_PARAM_SET, 0);
		req_nest(&self->req, RDMARPC_A_PARAMS);
		req_u32(&self->req, RDMARPC_PARAM_A_SEND_DEPTH, bad_depth[i]);
		req_end(&self->req);
		snprintf(what, sizeof(what), "send_depth %u", bad_depth[i]);
		EXPECT_REJECTED(PARAM_RANGE_ERR, what);
	}

	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_SET, 0);
	req_nest(&self->req, RDMARPC_A_PARAMS);
	req_u32(&self->req, RDMARPC_PARAM_A_GID_INDEX, (uint32_t)-2);
	req_end(&self->req);
	EXPECT_REJECTED(PARAM_RANGE_ERR, "gid_index -2");
	EXPECT_TRUE(strstr(self->res.extack, "gid_index") != NULL)
		TH_LOG("extack '%s' does not name gid_index",
		       self->res.extack);

	/* A good value before and after a bad one: neither applies. */
	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_SET, 0);
	req_nest(&self->req, RDMARPC_A_PARAMS);
	req_u32(&self->req, RDMARPC_PARAM_A_RECV_DEPTH, other);
	req_u32(&self->req, RDMARPC_PARAM_A_GID_INDEX, (uint32_t)-2);
	req_end(&self->req);
	EXPECT_REJECTED(PARAM_RANGE_ERR, "good recv_depth, bad gid_index");

	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_SET, 0);
	req_nest(&self->req, RDMARPC_A_PARAMS);
	req_u32(&self->req, RDMARPC_PARAM_A_GID_INDEX, (uint32_t)-2);
	req_u32(&self->req, RDMARPC_PARAM_A_SEND_DEPTH, other);
	req_end(&self->req);
	EXPECT_REJECTED(PARAM_RANGE_ERR, "bad gid_index, good send_depth");

	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_SET, 0);
	req_nest(&self->req, RDMARPC_A_PARAMS);
	req_u32(&self->req, RDMARPC_PARAM_A_SEND_DEPTH, other);
	req_u32(&self->req, RDMARPC_PARAM_A_RECV_DEPTH, 0);
	req_end(&self->req);
	EXPECT_REJECTED(PARAM_RANGE_ERR, "good send_depth, recv_depth 0");
	EXPECT_TRUE(strstr(self->res.extack, "recv_depth") != NULL)
		TH_LOG("extack '%s' does not name recv_depth",
		       self->res.extack);

	ASSERT_EQ(0, param_get(self->fd, self->family, &now));
	EXPECT_EQ(p0->recv_depth, now.recv_depth);
	EXPECT_EQ(p0->send_depth, now.send_depth);
	EXPECT_EQ(p0->gid_index, now.gid_index);
}

/*
 * tcp_port is the handshake listener's, bound at load: PARAM_SET refuses
 * another value with -EBUSY (nothing applied) and takes the current one.
 */
TEST_F(nl, tcp_port_load_only)
{
	const struct params *p0 = &self->params;
	uint16_t port = p0->tcp_port == 65535 ? 65534 : p0->tcp_port + 1;
	uint32_t other = p0->recv_depth == 256 ? 512 : 256;
	struct params now;

	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_SET, 0);
	req_nest(&self->req, RDMARPC_A_PARAMS);
	req_u16(&self->req, RDMARPC_PARAM_A_TCP_PORT, port);
	req_end(&self->req);
	EXPECT_REJECTED(-EBUSY, "a new tcp_port");
	EXPECT_TRUE(strstr(self->res.extack, "tcp_port") != NULL)
		TH_LOG("extack '%s' does not name tcp_port", self->res.extack);

	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_SET, 0);
	req_nest(&self->req, RDMARPC_A_PARAMS);
	req_u32(&self->req, RDMARPC_PARAM_A_RECV_DEPTH, other);
	req_u16(&self->req, RDMARPC_PARAM_A_TCP_PORT, port);
	req_end(&self->req);
	EXPECT_REJECTED(-EBUSY, "good recv_depth, new tcp_port");

	ASSERT_EQ(0, param_get(self->fd, self->family, &now));
	EXPECT_EQ(p0->tcp_port, now.tcp_port);
	EXPECT_EQ(p0->recv_depth, now.recv_depth);

	/* The current value is taken: a PARAM_GET reply can go back as is. */
	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_SET, 0);
	req_nest(&self->req, RDMARPC_A_PARAMS);
	req_u16(&self->req, RDMARPC_PARAM_A_TCP_PORT, p0->tcp_port);
	req_end(&self->req);
	nl_xfer(self->fd, &self->req, &self->res);
	EXPECT_EQ(0, self->res.err)
		TH_LOG("the current tcp_port: %d (%s), extack '%s'",
		       self->res.err, strerror(-self->res.err),
		       self->res.extack);
	ASSERT_EQ(0, param_get(self->fd, self->family, &now));
	EXPECT_EQ(p0->tcp_port, now.tcp_port);
}

TEST_F(nl, unknown_attributes)
{
	struct params now;

	req_init(&self->req, self->family, RDMARPC_CMD_DEV_GET, NLM_F_DUMP);
	req_u32(&self->req, 0, 0);
	EXPECT_REJECTED(-EINVAL, "DEV_GET with attribute 0");

	req_init(&self->req, self->family, RDMARPC_CMD_DEV_GET, NLM_F_DUMP);
	req_u32(&self->req, RDMARPC_A_MAX + 1, 0);
	EXPECT_REJECTED(-EINVAL, "DEV_GET with attribute MAX+1");

	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_GET, 0);
	req_u32(&self->req, 1000, 0);
	EXPECT_REJECTED(-EINVAL, "PARAM_GET with attribute 1000");

	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_SET, 0);
	req_nest(&self->req, RDMARPC_A_PARAMS);
	req_u32(&self->req, RDMARPC_PARAM_A_RECV_DEPTH, 64);
	req_u32(&self->req, RDMARPC_PARAM_A_MAX + 1, 64);
	req_end(&self->req);
	EXPECT_REJECTED(-EINVAL, "PARAM_SET with parameter MAX+1");

	/* Attributes of the ABI that the command does not take. */
	req_init(&self->req, self->family, RDMARPC_CMD_DEV_GET, NLM_F_DUMP);
	req_u32(&self->req, RDMARPC_A_QPN, 1);
	EXPECT_REJECTED(-EINVAL, "DEV_GET with QPN");

	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_GET, 0);
	req_u32(&self->req, RDMARPC_A_QPN, 1);
	EXPECT_REJECTED(-EINVAL, "PARAM_GET with QPN");

	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_GET, 0);
	req_u8(&self->req, RDMARPC_A_PORT, 1);
	EXPECT_REJECTED(-EINVAL, "PARAM_GET with a u8 PORT");

	/* The dumps that take nothing refuse anything, known or not. */
	req_init(&self->req, self->family, RDMARPC_CMD_PEER_GET, NLM_F_DUMP);
	req_u32(&self->req, RDMARPC_A_MAX + 1, 0);
	EXPECT_REJECTED(-EINVAL, "PEER_GET with attribute MAX+1");

	req_init(&self->req, self->family, RDMARPC_CMD_PEER_GET, NLM_F_DUMP);
	req_str(&self->req, RDMARPC_A_PEER_NAME, "nl_badinput");
	EXPECT_REJECTED(-EINVAL, "PEER_GET with a peer name");

	req_init(&self->req, self->family, RDMARPC_CMD_SESSION_GET,
		 NLM_F_DUMP);
	req_u32(&self->req, 1000, 0);
	EXPECT_REJECTED(-EINVAL, "SESSION_GET with attribute 1000");

	req_init(&self->req, self->family, RDMARPC_CMD_SESSION_GET,
		 NLM_F_DUMP);
	req_u32(&self->req, RDMARPC_A_SESSION_ID, 1);
	EXPECT_REJECTED(-EINVAL, "SESSION_GET with a session id");

	/* Without attributes both dumps still work. */
	req_init(&self->req, self->family, RDMARPC_CMD_PEER_GET, NLM_F_DUMP);
	nl_xfer(self->fd, &self->req, &self->res);
	EXPECT_EQ(0, self->res.err) TH_LOG("PEER_GET: %s", self->res.extack);
	req_init(&self->req, self->family, RDMARPC_CMD_SESSION_GET,
		 NLM_F_DUMP);
	nl_xfer(self->fd, &self->req, &self->res);
	EXPECT_EQ(0, self->res.err)
		TH_LOG("SESSION_GET: %s", self->res.extack);

	req_init(&self->req, self->family, RDMARPC_CMD_PARAM_SET, 0);
	req_nest(&self->req, RDMARPC_A_PARAMS);
	req_u32(&self->req, RDMARPC_PARAM_A_RECV_DEPTH,
		self->params.recv_depth);
	req_end(&self->req);
	req_u32(&self->req, RDMARPC_A_QPN, 1);
	EXPECT_REJECTED(-EINVAL, "PARAM_SET with QPN");

	loopback_req(&self->req, self->family, self->dev, self->port, -1);
	req_u32(&self->req, RDMARPC_A_QPN, 1);
	EXPECT_REJECTED(-EINVAL, "LOOPBACK with QPN");

	/* A good loopback request plus an unknown attribute: not run. */
	loopback_req(&self->req, self->family, self->dev, self->port, -1);
	req_u32(&self->req, RDMARPC_A_MAX + 7, 1);
	EXPECT_REJECTED(-EINVAL, "LOOPBACK with an unknown attribute");

	ASSERT_EQ(0, param_get(self->fd, self->family, &now));
	EXPECT_EQ(self->params.recv_depth, now.recv_depth);
}

TEST_F(nl, unknown_commands)
{
	static const uint8_t cmds[] = { RDMARPC_CMD_UNSPEC,
					RDMARPC_CMD_MAX + 1, 100, 255 };
	char what[64];
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		req_init(&self->req, self->family, cmds[i], 0);
		snprintf(what, sizeof(what), "command %u", cmds[i]);
		EXPECT_REJECTED(-EOPNOTSUPP, what);

		req_init(&self->req, self->family, cmds[i], NLM_F_DUMP);
		snprintf(what, sizeof(what), "command %u (dump)", cmds[i]);
		EXPECT_REJECTED(-EOPNOTSUPP, what);
	}

	/* Notifications are not requests. */
	req_init(&self->req, self->family, RDMARPC_CMD_DEV_NEW, 0);
	nl_xfer(self->fd, &self->req, &self->res);
	EXPECT_GT(0, self->res.err) TH_LOG("DEV_NEW as a request succeeded");
	req_init(&self->req, self->family, RDMARPC_CMD_DEV_DEL, 0);
	nl_xfer(self->fd, &self->req, &self->res);
	EXPECT_GT(0, self->res.err) TH_LOG("DEV_DEL as a request succeeded");
}

/*
 * The nest @type of a STATS_GET reply: every attribute a u64 counter (or
 * the pad), each of FIRST..@max exactly once.  Returns the number of
 * counters, or -1 with @why set.
 */
static int check_counter_nest(const struct res *res, int type, int max,
			      const char **why)
{
	const struct nlattr *nest = reply_attr(res, type);
	const unsigned char *p;
	unsigned int seen = 0;
	size_t len;
	int n = 0;

	if (!nest) {
		*why = "nest missing";
		return -1;
	}
	p = attr_data(nest);
	len = nest->nla_len - NLA_HDRLEN;
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		int t = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len) {
			*why = "attribute overruns the nest";
			return -1;
		}
		if (t != 1) {	/* every counter enum has PAD = 1 */
			if (t < 2 || t > max || (seen & (1U << t))) {
				*why = "unknown or repeated counter";
				return -1;
			}
			if (a->nla_len != NLA_HDRLEN + 8) {
				*why = "counter not a u64";
				return -1;
			}
			seen |= 1U << t;
			n++;
		}
		if ((size_t)NLA_ALIGN(a->nla_len) >= len)
			break;
		p += NLA_ALIGN(a->nla_len);
		len -= NLA_ALIGN(a->nla_len);
	}
	if (n != max - 1) {
		*why = "counters missing";
		return -1;
	}
	return n;
}

TEST_F(nl, stats_get)
{
	static const struct {
		int type, max;
		const char *name;
	} nests[] = {
		{ RDMARPC_A_HS_STATS, RDMARPC_HSTAT_A_MAX, "HS_STATS" },
		{ RDMARPC_A_FAULT_STATS, RDMARPC_FSTAT_A_MAX, "FAULT_STATS" },
		{ RDMARPC_A_RPC_STATS, RDMARPC_RSTAT_A_MAX, "RPC_STATS" },
	};
	size_t i;

	req_init(&self->req, self->family, RDMARPC_CMD_STATS_GET, 0);
	nl_xfer(self->fd, &self->req, &self->res);
	ASSERT_EQ(0, self->res.err) TH_LOG("STATS_GET: %s", self->res.extack);
	ASSERT_EQ(1, self->res.n);
	for (i = 0; i < sizeof(nests) / sizeof(nests[0]); i++) {
		const char *name = nests[i].name, *why = "";
		int n = check_counter_nest(&self->res, nests[i].type,
					   nests[i].max, &why);

		EXPECT_LT(0, n) TH_LOG("%s: %s", name, why);
	}
}

TEST_F(nl, stats_get_bad_input)
{
	struct nlattr *a;

	/* STATS_GET takes no attribute at all. */
	req_init(&self->req, self->family, RDMARPC_CMD_STATS_GET, 0);
	req_u32(&self->req, RDMARPC_A_QPN, 1);
	EXPECT_REJECTED(-EINVAL, "STATS_GET with QPN");

	req_init(&self->req, self->family, RDMARPC_CMD_STATS_GET, 0);
	req_str(&self->req, RDMARPC_A_DEV_NAME, self->dev);
	EXPECT_REJECTED(-EINVAL, "STATS_GET with a device name");

	req_init(&self->req, self->family, RDMARPC_CMD_STATS_GET, 0);
	req_u32(&self->req, 0, 0);
	EXPECT_REJECTED(-EINVAL, "STATS_GET with attribute 0");

	req_init(&self->req, self->family, RDMARPC_CMD_STATS_GET, 0);
	req_u32(&self->req, RDMARPC_A_MAX + 1, 0);
	EXPECT_REJECTED(-EINVAL, "STATS_GET with attribute MAX+1");

	/* The reply's own nests are not requests. */
	req_init(&self->req, self->family, RDMARPC_CMD_STATS_GET, 0);
	req_nest(&self->req, RDMARPC_A_HS_STATS);
	req_u64(&self->req, RDMARPC_HSTAT_A_REFUSED, 0);
	req_end(&self->req);
	EXPECT_REJECTED(-EINVAL, "STATS_GET with an HS_STATS nest");

	req_init(&self->req, self->family, RDMARPC_CMD_STATS_GET, 0);
	req_nest(&self->req, RDMARPC_A_RPC_STATS);
	req_end(&self->req);
	EXPECT_REJECTED(-EINVAL, "STATS_GET with an empty RPC_STATS nest");

	/* Badly framed attributes. */
	req_init(&self->req, self->family, RDMARPC_CMD_STATS_GET, 0);
	a = req_put(&self->req, RDMARPC_A_FAULT_STATS, "\0\0\0\0", 4);
	a->nla_len = 200;
	EXPECT_REJECTED(-EINVAL, "STATS_GET with an overrunning attribute");

	req_init(&self->req, self->family, RDMARPC_CMD_STATS_GET, 0);
	a = req_put(&self->req, RDMARPC_A_FAULT_STATS, "\0\0\0\0", 4);
	a->nla_len = 2;
	EXPECT_REJECTED(-EINVAL, "STATS_GET with a 2-byte attribute");

	/* A do command only. */
	req_init(&self->req, self->family, RDMARPC_CMD_STATS_GET, NLM_F_DUMP);
	EXPECT_REJECTED(-EOPNOTSUPP, "STATS_GET as a dump");
}

/* Results of the unprivileged child. */
struct unpriv {
	int dropped;
	int family;
	int param_set, loopback, dev_get, param_get, stats_get;
	int stats_replies;
};

TEST_F(nl, unprivileged_needs_cap_net_admin)
{
	struct unpriv u = { 0 };
	int pipefd[2], status;
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		static struct req r;
		static struct res res;
		int fd;

		close(pipefd[0]);
		/* From root to nobody: every capability goes. */
		u.dropped = getuid() != 0 ||
			(!setgroups(0, NULL) && !setgid(NOBODY) &&
			 !setuid(NOBODY));
		fd = nl_socket();
		u.family = fd < 0 ? fd : resolve_family(fd);
		if (u.dropped && u.family > 0) {
			req_init(&r, (uint16_t)u.family, RDMARPC_CMD_PARAM_SET,
				 0);
			req_nest(&r, RDMARPC_A_PARAMS);
			req_u32(&r, RDMARPC_PARAM_A_RECV_DEPTH,
				self->params.recv_depth);
			req_end(&r);
			nl_xfer(fd, &r, &res);
			u.param_set = res.err;

			loopback_req(&r, (uint16_t)u.family, self->dev,
				     self->port, -1);
			nl_xfer(fd, &r, &res);
			u.loopback = res.err;

			req_init(&r, (uint16_t)u.family, RDMARPC_CMD_DEV_GET,
				 NLM_F_DUMP);
			nl_xfer(fd, &r, &res);
			u.dev_get = res.err;

			req_init(&r, (uint16_t)u.family,
				 RDMARPC_CMD_PARAM_GET, 0);
			nl_xfer(fd, &r, &res);
			u.param_get = res.err;

			req_init(&r, (uint16_t)u.family,
				 RDMARPC_CMD_STATS_GET, 0);
			nl_xfer(fd, &r, &res);
			u.stats_get = res.err;
			u.stats_replies = res.n;
		}
		if (write(pipefd[1], &u, sizeof(u)) != sizeof(u))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ((ssize_t)sizeof(u), read(pipefd[0], &u, sizeof(u)));
	close(pipefd[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(u.dropped) TH_LOG("could not become uid %d", NOBODY);
	ASSERT_LT(0, u.family) TH_LOG("family lookup as nobody: %d",
				      u.family);
	EXPECT_EQ(-EPERM, u.param_set);
	EXPECT_EQ(-EPERM, u.loopback);
	EXPECT_EQ(0, u.dev_get);
	EXPECT_EQ(0, u.param_get);
	/* Reading counters needs no privilege. */
	EXPECT_EQ(0, u.stats_get);
	EXPECT_EQ(1, u.stats_replies);
}

#define NL_PEER "nl_badinput.p"

static void peer_add_req(struct req *r, uint16_t family, const char *name)
{
	req_init(r, family, RDMARPC_CMD_PEER_ADD, 0);
	req_str(r, RDMARPC_A_PEER_NAME, name);
	req_u32(r, RDMARPC_A_PEER_IPV4, htonl(0x0a4d0909));	/* 10.77.9.9 */
}

/*
 * The RDMARPC_A_PEER_CC that a PEER_GET dump reports for peer @name, or a
 * negative errno (-ENOENT: not listed, -EPROTO: listed without it).
 */
static int peer_cc(int fd, uint16_t family, const char *name)
{
	static _Alignas(4) unsigned char buf[65536];
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;
	struct req r;
	int found = -ENOENT;

	req_init(&r, family, RDMARPC_CMD_PEER_GET, NLM_F_DUMP);
	req_hdr(&r)->nlmsg_seq = 77;
	if (send(fd, r.buf, r.len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh;
		int rem;

		if (len < 0)
			return errno == EINTR ? found : -errno;
		rem = (int)len;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, rem);
		     nlh = NLMSG_NEXT(nlh, rem)) {
			const struct nlattr *n, *cc;

			if (nlh->nlmsg_seq != 77)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE ||
			    nlh->nlmsg_type == NLMSG_ERROR)
				return found;
			if (nlh->nlmsg_len < hdr)
				continue;
			n = find_attr((const unsigned char *)nlh + hdr,
				      nlh->nlmsg_len - hdr,
				      RDMARPC_A_PEER_NAME);
			if (!n || strncmp(attr_data(n), name,
					  n->nla_len - NLA_HDRLEN))
				continue;
			cc = find_attr((const unsigned char *)nlh + hdr,
				       nlh->nlmsg_len - hdr, RDMARPC_A_PEER_CC);
			found = cc && cc->nla_len == NLA_HDRLEN + 1 ?
				*(const uint8_t *)attr_data(cc) : -EPROTO;
		}
	}
}

/*
 * PEER_ADD's values out of range are refused with -EINVAL and a message,
 * adding nothing; a congestion control given is the one the dump shows.
 */
TEST_F(nl, peer_add_values)
{
	static const char *const what[] = {
		"crc 2", "cc RDMARPC_CC_MAX + 1", "tcp port 0",
		"multicast address", "empty name",
	};

	for (int i = 0; i < 5; i++) {
		peer_add_req(&self->req, self->family, i == 4 ? "" : NL_PEER);
		switch (i) {
		case 0:
			req_u8(&self->req, RDMARPC_A_PEER_CRC, 2);
			break;
		case 1:
			req_u8(&self->req, RDMARPC_A_PEER_CC,
			       RDMARPC_CC_MAX + 1);
			break;
		case 2:
			req_u16(&self->req, RDMARPC_A_PEER_TCP_PORT, 0);
			break;
		case 3:
			req_u32(&self->req, RDMARPC_A_PEER_IPV4,
				htonl(0xe0000001));
			break;
		}
		EXPECT_REJECTED(-EINVAL, what[i]);
		EXPECT_NE(0, self->res.extack[0])
			TH_LOG("%s: no extack message", what[i]);
	}
	EXPECT_EQ(-ENOENT, peer_cc(self->fd, self->family, NL_PEER));

	peer_add_req(&self->req, self->family, NL_PEER);
	req_u8(&self->req, RDMARPC_A_PEER_CC, RDMARPC_CC_DELAY);
	nl_xfer(self->fd, &self->req, &self->res);
	ASSERT_EQ(0, self->res.err)
		TH_LOG("PEER_ADD with cc delay: %d (%s), extack '%s'",
		       self->res.err, strerror(-self->res.err),
		       self->res.extack);
	EXPECT_EQ(RDMARPC_CC_DELAY, peer_cc(self->fd, self->family, NL_PEER));

	req_init(&self->req, self->family, RDMARPC_CMD_PEER_DEL, 0);
	req_str(&self->req, RDMARPC_A_PEER_NAME, NL_PEER);
	nl_xfer(self->fd, &self->req, &self->res);
	EXPECT_EQ(0, self->res.err)
		TH_LOG("PEER_DEL: %s", self->res.extack);
}

TEST_F(nl, dump_nonexistent_device)
{
	req_init(&self->req, self->family, RDMARPC_CMD_DEV_GET, NLM_F_DUMP);
	req_str(&self->req, RDMARPC_A_DEV_NAME, "nonexistent-dev0");
	nl_xfer(self->fd, &self->req, &self->res);
	EXPECT_TRUE(self->res.err == -ENODEV ||
		    (self->res.err == 0 && self->res.n == 0))
		TH_LOG("got %d (%s) with %d replies", self->res.err,
		       strerror(-self->res.err), self->res.n);
	EXPECT_EQ(0, self->res.n);

	loopback_req(&self->req, self->family, "nonexistent-dev0", 1, -1);
	EXPECT_REJECTED(-ENODEV, "LOOPBACK on a nonexistent device");
}

/* ---- the flood ---- */

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dULL;
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static void rnd_bytes(unsigned char *p, size_t n)
{
	while (n--)
		*p++ = (unsigned char)rnd();
}

/* One attribute no policy may accept. */
static void put_invalid(struct req *r)
{
	unsigned char junk[16];

	rnd_bytes(junk, sizeof(junk));
	switch (rnd_below(5)) {
	case 0:		/* unknown type */
		req_put(r, (uint16_t)(RDMARPC_A_MAX + 1 + rnd_below(100)),
			junk, rnd_below(16));
		break;
	case 1:		/* type 0 */
		req_put(r, 0, junk, rnd_below(16));
		break;
	case 2: {	/* a u32 of the wrong size */
		static const size_t bad[] = { 0, 1, 2, 3, 5, 8, 16 };

		req_put(r, RDMARPC_A_PORT, junk, bad[rnd_below(7)]);
		break;
	}
	case 3:		/* a nest holding a 1-byte depth */
		req_nest(r, RDMARPC_A_PARAMS);
		req_put(r, RDMARPC_PARAM_A_RECV_DEPTH, junk, 1);
		req_end(r);
		break;
	default:	/* a 2-byte count */
		req_put(r, RDMARPC_A_LOOPBACK_COUNT, junk, 2);
		break;
	}
}

static void put_random(struct req *r, int depth)
{
	unsigned char junk[96];
	uint16_t type = (uint16_t)rnd_below(RDMARPC_A_MAX + 4);
	size_t len = rnd_below(sizeof(junk));

	if (depth < 2 && rnd_below(4) == 0) {
		int i, n = (int)rnd_below(4);

		req_nest(r, type);
		for (i = 0; i < n; i++)
			put_random(r, depth + 1);
		req_end(r);
		return;
	}
	rnd_bytes(junk, len);
	if (rnd_below(8) == 0)
		type |= NLA_F_NESTED;
	req_put(r, type, junk, len);
}

static void build_garbage(struct req *r, uint16_t family)
{
	static const uint8_t cmds[] = {
		RDMARPC_CMD_DEV_GET, RDMARPC_CMD_PARAM_GET,
		RDMARPC_CMD_PARAM_SET, RDMARPC_CMD_LOOPBACK,
		RDMARPC_CMD_STATS_GET, RDMARPC_CMD_PEER_GET,
		RDMARPC_CMD_SESSION_GET,
	};
	uint8_t cmd = rnd_below(8) ? cmds[rnd_below(sizeof(cmds))] :
				     (uint8_t)rnd_below(256);
	int dump = cmd == RDMARPC_CMD_DEV_GET || cmd == RDMARPC_CMD_PEER_GET ||
		   cmd == RDMARPC_CMD_SESSION_GET;
	int flags = (dump || !rnd_below(8)) ? NLM_F_DUMP : 0;
	int i, n = (int)rnd_below(7), at = (int)rnd_below(n + 1);

	req_init(r, family, cmd, (uint16_t)flags);
	/*
	 * Attributes before the invalid one are well framed so that the
	 * kernel always reaches it; those after it may lie about their
	 * length or be cut short.
	 */
	for (i = 0; i <= n; i++) {
		if (i == at) {
			put_invalid(r);
			continue;
		}
		if (i < at) {
			put_random(r, 0);
			continue;
		}
		switch (rnd_below(4)) {
		case 0: {
			struct nlattr *a = (struct nlattr *)(r->buf + r->len);

			put_random(r, 0);
			a->nla_len = (uint16_t)rnd();
			break;
		}
		case 1: {
			unsigned char junk[64];
			size_t len = rnd_below(sizeof(junk));

			rnd_bytes(junk, len);
			memcpy(r->buf + r->len, junk, len);
			r->len += len;
			req_sync(r);
			break;
		}
		default:
			put_random(r, 0);
			break;
		}
	}
}

TEST_F_TIMEOUT(nl, garbage_flood, 300)
{
	int i, accepted = 0, silent = 0, replied = 0;
	struct params now;

	rnd_state = FLOOD_SEED;
	for (i = 0; i < FLOOD_MESSAGES; i++) {
		build_garbage(&self->req, self->family);
		nl_xfer(self->fd, &self->req, &self->res);
		if (self->res.err == -ETIMEDOUT) {
			if (!silent++)
				TH_LOG("message %d: no answer", i);
		} else if (self->res.err >= 0) {
			if (!accepted++)
				TH_LOG("message %d (command %u): accepted", i,
				       ((struct genlmsghdr *)(self->req.buf +
					NLMSG_HDRLEN))->cmd);
		}
		if (self->res.n && !replied++)
			TH_LOG("message %d: %d replies", i, self->res.n);
	}
	EXPECT_EQ(0, accepted);
	EXPECT_EQ(0, silent);
	EXPECT_EQ(0, replied);

	ASSERT_EQ(0, param_get(self->fd, self->family, &now));
	EXPECT_EQ(self->params.recv_depth, now.recv_depth);
	EXPECT_EQ(self->params.send_depth, now.send_depth);
	EXPECT_EQ(self->params.gid_index, now.gid_index);
}

/* Last: after all of the above, the family still answers. */
TEST_F(nl, still_answers)
{
	struct params now;

	req_init(&self->req, self->family, RDMARPC_CMD_DEV_GET, NLM_F_DUMP);
	nl_xfer(self->fd, &self->req, &self->res);
	ASSERT_EQ(0, self->res.err) TH_LOG("%s", self->res.extack);
	if (self->have_dev)
		EXPECT_LT(0, self->res.n);
	ASSERT_EQ(0, param_get(self->fd, self->family, &now));
}

TEST_HARNESS_MAIN
