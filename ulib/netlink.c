// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The generic netlink family "rdmarpc": requests over libnl-genl-3.
 *
 * Each handle owns one socket.  Requests are sent with NLM_F_ACK and
 * answered through a private callback set, so nothing here touches libnl's
 * global state; the replies themselves are parsed by nlparse.c.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* A dump interrupted by device changes this many times in a row fails. */
#define DUMP_RETRIES 16

struct rdmarpc_nl {
	struct nl_sock *sk;
	int family;
	int subscribed;
	char extack[RDMARPC_EXTACK_MAX];
	/* For events: one datagram, as big as the kernel may send. */
	unsigned char *evbuf;
	size_t evbuf_len;
};

/* State of one request while its replies come in. */
struct xact {
	struct rdmarpc_nl *nl;
	int (*parse)(const struct nlmsghdr *nlh, void *arg);
	void *arg;
	int done;
	int err;		/* negative errno from the kernel or a parser */
	int intr;		/* the dump was flagged NLM_F_DUMP_INTR */
};

static int neg_errno(int nle)
{
	return -rl_nle_to_errno(nle);
}

RL_EXPORT int rdmarpc_nl_open(struct rdmarpc_nl **out)
{
	struct rdmarpc_nl *nl;
	int one = 1, err;

	*out = NULL;
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		err = -ENOMEM;
		goto out_free;
	}
	err = genl_connect(nl->sk);
	if (err) {
		err = neg_errno(err);
		goto out_free_sock;
	}
	/* Best effort: older kernels lack extended acks. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	nl->family = genl_ctrl_resolve(nl->sk, RDMARPC_GENL_NAME);
	if (nl->family < 0) {
		err = nl->family == -NLE_OBJ_NOTFOUND ? -EPROTONOSUPPORT :
			neg_errno(nl->family);
		goto out_free_sock;
	}
	*out = nl;
	return 0;

out_free_sock:
	nl_socket_free(nl->sk);
out_free:
	free(nl);
	return err;
}

RL_EXPORT void rdmarpc_nl_close(struct rdmarpc_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl->evbuf);
	free(nl);
}

RL_EXPORT int rdmarpc_nl_fd(const struct rdmarpc_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

RL_EXPORT const char *rdmarpc_nl_extack(const struct rdmarpc_nl *nl)
{
	return nl->extack;
}

static int xact_valid(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;
	int err;

	if (x->err || !x->parse)
		return NL_OK;	/* keep draining after a parse error */
	err = x->parse(nlmsg_hdr(msg), x->arg);
	if (err)
		x->err = err;
	return NL_OK;
}

static int xact_finish(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	/* A dump that failed midway reports the error in NLMSG_DONE. */
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int) && !x->err) {
		int e;

		memcpy(&e, nlmsg_data(nlh), sizeof(e));
		if (e < 0)
			x->err = e;
	}
	x->done = 1;
	return NL_STOP;
}

static int xact_ack(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;

	(void)msg;
	x->done = 1;
	return NL_STOP;
}

static int xact_dump_intr(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;

	(void)msg;
	x->intr = 1;
	return NL_OK;
}

static int xact_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct xact *x = arg;
	/* libnl hands us the payload of the NLMSG_ERROR message. */
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)
		((const unsigned char *)e - NLMSG_HDRLEN);
	int error = e->error;

	(void)nla;
	rl_parse_error(nlh, &error, x->nl->extack, sizeof(x->nl->extack));
	if (!x->err)
		x->err = error ? error : -EPROTO;
	x->done = 1;
	return NL_STOP;
}

/*
 * Send @msg (consumed) and run its replies through @parse until the ACK,
 * the error or the end of the dump.  -EAGAIN if a dump was interrupted.
 */
static int xact_run(struct rdmarpc_nl *nl, struct nl_msg *msg,
		    int (*parse)(const struct nlmsghdr *, void *), void *arg)
{
	struct xact x = { .nl = nl, .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int err;

	nl->extack[0] = '\0';
	cb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, xact_valid, &x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, xact_finish, &x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, xact_ack, &x);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, xact_dump_intr, &x);
	nl_cb_err(cb, NL_CB_CUSTOM, xact_error, &x);

	err = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (err < 0) {
		err = neg_errno(err);
		goto out;
	}
	err = 0;
	while (!x.done) {
		int ret = nl_recvmsgs(nl->sk, cb);

		/* Our error callback stops with its own, exact errno. */
		if (ret < 0 && !x.err) {
			err = neg_errno(ret);
			break;
		}
		if (ret < 0)
			break;
	}
	if (!err)
		err = x.err;
	if (!err && x.intr)
		err = -EAGAIN;
out:
	nl_cb_put(cb);
	return err;
}

static struct nl_msg *new_msg(const struct rdmarpc_nl *nl, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, RDMARPC_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* ---- DEV_GET ---- */

struct dev_list {
	struct rdmarpc_dev *devs;
	size_t n, cap;
};

static int dev_list_add(const struct nlmsghdr *nlh, void *arg)
{
	struct dev_list *l = arg;
	int err;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct rdmarpc_dev *d = realloc(l->devs, cap * sizeof(*d));

		if (!d)
			return -ENOMEM;
		l->devs = d;
		l->cap = cap;
	}
	err = rl_parse_dev(nlh, &l->devs[l->n]);
	if (!err)
		l->n++;
	return err;
}

RL_EXPORT void rdmarpc_dev_list_free(struct rdmarpc_dev *devs, size_t n)
{
	size_t i;

	for (i = 0; devs && i < n; i++)
		free(devs[i].gids);
	free(devs);
}

RL_EXPORT int rdmarpc_dev_list(struct rdmarpc_nl *nl, const char *name,
			       struct rdmarpc_dev **devs, size_t *n)
{
	int attempt, err = -EAGAIN;

	*devs = NULL;
	*n = 0;
	if (name && strlen(name) >= RDMARPC_DEV_NAME_MAX)
		return -EINVAL;
	for (attempt = 0; attempt < DUMP_RETRIES && err == -EAGAIN; attempt++) {
		struct dev_list l = { 0 };
		struct nl_msg *msg = new_msg(nl, RDMARPC_CMD_DEV_GET, NLM_F_DUMP);

		if (!msg)
			return -ENOMEM;
		if (name && nla_put_string(msg, RDMARPC_A_DEV_NAME, name)) {
			nlmsg_free(msg);
			return -EMSGSIZE;
		}
		err = xact_run(nl, msg, dev_list_add, &l);
		if (err) {
			rdmarpc_dev_list_free(l.devs, l.n);
			continue;
		}
		*devs = l.devs;
		*n = l.n;
	}
	return err;
}

/* ---- PARAM_GET / PARAM_SET ---- */

static int params_parse(const struct nlmsghdr *nlh, void *arg)
{
	return rl_parse_params(nlh, arg);
}

/*
 * rdmarpc_param_get() of 0.5 on: the whole of struct rdmarpc_params.  The
 * struct grew in 0.5; programs built against 0.4 or before call
 * rdmarpc_param_get@LIBRDMARPC_0, rl_param_get_0(), which fills the struct
 * as it was then, up to cc.
 */
__asm__(".symver rl_param_get_05, rdmarpc_param_get@@LIBRDMARPC_0.5");
RL_EXPORT int rl_param_get_05(struct rdmarpc_nl *nl, struct rdmarpc_params *p);
RL_EXPORT int rl_param_get_05(struct rdmarpc_nl *nl, struct rdmarpc_params *p)
{
	struct nl_msg *msg = new_msg(nl, RDMARPC_CMD_PARAM_GET, 0);
	int err;

	memset(p, 0, sizeof(*p));
	if (!msg)
		return -ENOMEM;
	err = xact_run(nl, msg, params_parse, p);
	if (!err && !p->present)
		err = -EPROTO;	/* acked without a reply */
	return err;
}

__asm__(".symver rl_param_get_0, rdmarpc_param_get@LIBRDMARPC_0");
RL_EXPORT int rl_param_get_0(struct rdmarpc_nl *nl, struct rdmarpc_params *p);
RL_EXPORT int rl_param_get_0(struct rdmarpc_nl *nl, struct rdmarpc_params *p)
{
	struct rdmarpc_params all;
	int err;

	err = rl_param_get_05(nl, &all);
	rl_params_to_0(p, &all);
	return err;
}

RL_EXPORT int rdmarpc_param_set(struct rdmarpc_nl *nl,
				const struct rdmarpc_params *p)
{
	struct nl_msg *msg;
	struct nlattr *nest;
	int attr;

	/* Refuse what this library cannot send rather than drop it. */
	for (attr = 0; attr < 32; attr++) {
		size_t off, size;

		if ((p->present & RDMARPC_PARAM_BIT(attr)) &&
		    rl_param_field(attr, &off, &size))
			return -EINVAL;
	}
	msg = new_msg(nl, RDMARPC_CMD_PARAM_SET, 0);
	if (!msg)
		return -ENOMEM;
	nest = nla_nest_start(msg, RDMARPC_A_PARAMS | NLA_F_NESTED);
	if (!nest)
		goto out_msgsize;
	for (attr = 1; attr <= RDMARPC_PARAM_A_MAX; attr++) {
		size_t off, size;

		if (!(p->present & RDMARPC_PARAM_BIT(attr)) ||
		    rl_param_field(attr, &off, &size))
			continue;
		if (nla_put(msg, attr, (int)size,
			    (const unsigned char *)p + off))
			goto out_msgsize;
	}
	nla_nest_end(msg, nest);
	return xact_run(nl, msg, NULL, NULL);

out_msgsize:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* ---- LOOPBACK ---- */

static int loopback_parse(const struct nlmsghdr *nlh, void *arg)
{
	return rl_parse_loopback(nlh, arg);
}

RL_EXPORT int rdmarpc_loopback(struct rdmarpc_nl *nl, const char *dev,
			       uint32_t port, uint32_t count, uint32_t size,
			       struct rdmarpc_loopback_result *res)
{
	struct nl_msg *msg;
	int err;

	memset(res, 0, sizeof(*res));
	if (!dev || strlen(dev) >= RDMARPC_DEV_NAME_MAX)
		return -EINVAL;
	msg = new_msg(nl, RDMARPC_CMD_LOOPBACK, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, RDMARPC_A_DEV_NAME, dev) ||
	    nla_put_u32(msg, RDMARPC_A_PORT, port) ||
	    nla_put_u32(msg, RDMARPC_A_LOOPBACK_COUNT, count) ||
	    nla_put_u32(msg, RDMARPC_A_LOOPBACK_SIZE, size)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	/* The reply is mandatory: res->nsec of an ACK alone stays 0. */
	err = xact_run(nl, msg, loopback_parse, res);
	return err;
}

/* ---- PEER_ADD / PEER_DEL / PEER_GET, SESSION_GET ---- */

static int check_name(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return n && n < RDMARPC_NAME_MAX ? 0 : -EINVAL;
}

RL_EXPORT int rdmarpc_peer_add(struct rdmarpc_nl *nl,
			       const struct rdmarpc_peer_config *cfg)
{
	struct nl_msg *msg;

	if (!cfg || !memchr(cfg->name, '\0', sizeof(cfg->name)) ||
	    check_name(cfg->name) || cfg->crc < -1 || cfg->crc > 1 ||
	    cfg->cc < -1 || cfg->cc > RDMARPC_CC_MAX)
		return -EINVAL;
	msg = new_msg(nl, RDMARPC_CMD_PEER_ADD, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, RDMARPC_A_PEER_NAME, cfg->name) ||
	    nla_put_u32(msg, RDMARPC_A_PEER_IPV4, cfg->ipv4) ||
	    (cfg->tcp_port &&
	     nla_put_u16(msg, RDMARPC_A_PEER_TCP_PORT, cfg->tcp_port)) ||
	    (cfg->crc >= 0 &&
	     nla_put_u8(msg, RDMARPC_A_PEER_CRC, (uint8_t)cfg->crc)) ||
	    (cfg->cc >= 0 &&
	     nla_put_u8(msg, RDMARPC_A_PEER_CC, (uint8_t)cfg->cc)) ||
	    (cfg->has_psk &&
	     nla_put(msg, RDMARPC_A_PEER_PSK, RDMARPC_PSK_LEN, cfg->psk))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return xact_run(nl, msg, NULL, NULL);
}

RL_EXPORT int rdmarpc_peer_del(struct rdmarpc_nl *nl, const char *name)
{
	struct nl_msg *msg;

	if (check_name(name))
		return -EINVAL;
	msg = new_msg(nl, RDMARPC_CMD_PEER_DEL, 0);
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, RDMARPC_A_PEER_NAME, name)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return xact_run(nl, msg, NULL, NULL);
}

/* A growing array of flat structs filled by a parser, for dumps. */
struct flat_list {
	void *items;
	size_t n, cap, size;
	int (*parse)(const struct nlmsghdr *nlh, void *item);
};

static int flat_list_add(const struct nlmsghdr *nlh, void *arg)
{
	struct flat_list *l = arg;
	int err;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		void *p = realloc(l->items, cap * l->size);

		if (!p)
			return -ENOMEM;
		l->items = p;
		l->cap = cap;
	}
	err = l->parse(nlh, (unsigned char *)l->items + l->n * l->size);
	if (!err)
		l->n++;
	return err;
}

static int flat_dump(struct rdmarpc_nl *nl, int cmd, size_t size,
		     int (*parse)(const struct nlmsghdr *, void *),
		     void **items, size_t *n)
{
	int attempt, err = -EAGAIN;

	*items = NULL;
	*n = 0;
	for (attempt = 0; attempt < DUMP_RETRIES && err == -EAGAIN; attempt++) {
		struct flat_list l = { .size = size, .parse = parse };
		struct nl_msg *msg = new_msg(nl, cmd, NLM_F_DUMP);

		if (!msg)
			return -ENOMEM;
		err = xact_run(nl, msg, flat_list_add, &l);
		if (err) {
			free(l.items);
			continue;
		}
		*items = l.items;
		*n = l.n;
	}
	return err;
}

static int peer_parse(const struct nlmsghdr *nlh, void *item)
{
	return rl_parse_peer(nlh, item);
}

static int session_parse(const struct nlmsghdr *nlh, void *item)
{
	return rl_parse_session(nlh, item);
}

RL_EXPORT int rdmarpc_peer_list(struct rdmarpc_nl *nl,
				struct rdmarpc_peer **peers, size_t *n)
{
	void *items;
	int err;

	err = flat_dump(nl, RDMARPC_CMD_PEER_GET, sizeof(**peers), peer_parse,
			&items, n);
	*peers = items;
	return err;
}

RL_EXPORT int rdmarpc_session_list(struct rdmarpc_nl *nl,
				   struct rdmarpc_session **sessions,
				   size_t *n)
{
	void *items;
	int err;

	err = flat_dump(nl, RDMARPC_CMD_SESSION_GET, sizeof(**sessions),
			session_parse, &items, n);
	*sessions = items;
	return err;
}

/* ---- STATS_GET ---- */

static int stats_parse(const struct nlmsghdr *nlh, void *arg)
{
	return rl_parse_stats(nlh, arg);
}

RL_EXPORT int rdmarpc_stats_get(struct rdmarpc_nl *nl,
				struct rdmarpc_module_stats *st)
{
	struct nl_msg *msg = new_msg(nl, RDMARPC_CMD_STATS_GET, 0);
	int err;

	memset(st, 0, sizeof(*st));
	if (!msg)
		return -ENOMEM;
	err = xact_run(nl, msg, stats_parse, st);
	if (!err && !st->present)
		err = -EPROTO;	/* acked without a reply */
	return err;
}

/* ---- events ---- */

RL_EXPORT int rdmarpc_nl_subscribe(struct rdmarpc_nl *nl)
{
	int grp, err;

	grp = genl_ctrl_resolve_grp(nl->sk, RDMARPC_GENL_NAME,
				    RDMARPC_GENL_MCGRP_EVENTS);
	if (grp < 0)
		return grp == -NLE_OBJ_NOTFOUND ? -ENOENT : neg_errno(grp);
	if (!nl->evbuf) {
		/* Large enough for any datagram the kernel sends us. */
		nl->evbuf_len = 65536;
		nl->evbuf = malloc(nl->evbuf_len);
		if (!nl->evbuf)
			return -ENOMEM;
	}
	/* Bursts of events (many ports coming at once) must not overflow. */
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 0);
	err = nl_socket_add_membership(nl->sk, grp);
	if (err)
		return neg_errno(err);
	nl->subscribed = 1;
	return 0;
}

/* Hands a datagram's events to the caller's callback (one of two kinds). */
struct ev_sink {
	rdmarpc_event_fn dev_fn;		/* rdmarpc_nl_events() */
	rdmarpc_event_handler fn;		/* rdmarpc_nl_read_events() */
	void *arg;
};

static int ev_dispatch(struct rdmarpc_nl *nl, const struct ev_sink *sink,
		       size_t len, int *stop)
{
	if (sink->fn)
		return rl_dispatch_all_events(nl->evbuf, len,
					      (uint16_t)nl->family, sink->fn,
					      sink->arg, stop);
	return rl_dispatch_events(nl->evbuf, len, (uint16_t)nl->family,
				  sink->dev_fn, sink->arg, stop);
}

static int ev_wait(struct rdmarpc_nl *nl, int timeout_ms,
		   const struct ev_sink *sink)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	int total = 0;

	if (!nl->subscribed)
		return -EINVAL;
	for (;;) {
		struct sockaddr_nl from;
		socklen_t fromlen = sizeof(from);
		ssize_t len;
		int ret, stop;

		ret = poll(&pfd, 1, total ? 0 : timeout_ms);
		if (ret < 0)
			return total ? total : -errno;
		if (!ret)
			return total;
		len = recvfrom(pfd.fd, nl->evbuf, nl->evbuf_len, MSG_DONTWAIT,
			       (struct sockaddr *)&from, &fromlen);
		if (len < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return total;
			/* -ENOBUFS (events lost) matters more than the count. */
			return -errno;
		}
		if (from.nl_pid != 0)
			continue;	/* only the kernel sends events */
		total += ev_dispatch(nl, sink, (size_t)len, &stop);
		if (stop)
			return total;
	}
}

RL_EXPORT int rdmarpc_nl_events(struct rdmarpc_nl *nl, int timeout_ms,
				rdmarpc_event_fn fn, void *arg)
{
	const struct ev_sink sink = { .dev_fn = fn, .arg = arg };

	return ev_wait(nl, timeout_ms, &sink);
}

RL_EXPORT int rdmarpc_nl_read_events(struct rdmarpc_nl *nl, int timeout_ms,
				     rdmarpc_event_handler fn, void *arg)
{
	const struct ev_sink sink = { .fn = fn, .arg = arg };

	return ev_wait(nl, timeout_ms, &sink);
}
