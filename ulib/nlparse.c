// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Parsing of rdmarpc generic netlink replies into plain C structs.
 *
 * Pure functions over byte buffers, no socket and no libnl: the unit tests
 * feed them crafted and truncated messages.  Known attributes must have
 * their exact size; unknown ones are skipped so that a newer module with
 * more attributes still works with this library.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>

#include "internal.h"

int rl_attr_index(const void *data, size_t len, const struct nlattr **tb,
		  int max)
{
	const unsigned char *p = data;

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		int type = a->nla_type & NLA_TYPE_MASK;
		size_t step;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return -EPROTO;
		if (type <= max)
			tb[type] = a;
		step = NLA_ALIGN(a->nla_len);
		if (step > len)
			step = len;
		p += step;
		len -= step;
	}
	return 0;
}

static const void *attr_data(const struct nlattr *a)
{
	return (const unsigned char *)a + NLA_HDRLEN;
}

static size_t attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/* Copy an integer attribute of exactly @size bytes; -EPROTO otherwise. */
static int get_fixed(const struct nlattr *a, void *out, size_t size)
{
	if (attr_len(a) != size)
		return -EPROTO;
	memcpy(out, attr_data(a), size);
	return 0;
}

/* A string attribute, NUL-terminated or not, that must fit in buf. */
static int get_string(const struct nlattr *a, char *buf, size_t size)
{
	const char *s = attr_data(a);
	size_t n = strnlen(s, attr_len(a));

	if (n >= size)
		return -EPROTO;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

/* The top-level attributes of a generic netlink message, indexed. */
static int genl_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb)
{
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	if (nlh->nlmsg_len < hdr)
		return -EPROTO;
	return rl_attr_index((const unsigned char *)nlh + hdr,
			     nlh->nlmsg_len - hdr, tb, RDMARPC_A_MAX);
}

static int parse_gid(const struct nlattr *nest, struct rdmarpc_gid *g)
{
	const struct nlattr *tb[RDMARPC_GID_A_MAX + 1];
	int err;

	err = rl_attr_index(attr_data(nest), attr_len(nest), tb,
			    RDMARPC_GID_A_MAX);
	if (err)
		return err;
	if (!tb[RDMARPC_GID_A_INDEX] || !tb[RDMARPC_GID_A_GID])
		return -EPROTO;
	err = get_fixed(tb[RDMARPC_GID_A_INDEX], &g->index, sizeof(g->index));
	if (!err)
		err = get_fixed(tb[RDMARPC_GID_A_GID], g->gid, sizeof(g->gid));
	if (!err && tb[RDMARPC_GID_A_TYPE])
		err = get_fixed(tb[RDMARPC_GID_A_TYPE], &g->type,
				sizeof(g->type));
	if (!err && tb[RDMARPC_GID_A_NETDEV])
		err = get_string(tb[RDMARPC_GID_A_NETDEV], g->netdev,
				 sizeof(g->netdev));
	return err;
}

/* Iterate over the attributes directly inside @nest. */
#define for_each_nested(pos, nest, rem)					\
	for (pos = attr_data(nest), rem = attr_len(nest);		\
	     rem >= NLA_HDRLEN && pos->nla_len >= NLA_HDRLEN &&		\
	     pos->nla_len <= rem;					\
	     rem -= rem < (size_t)NLA_ALIGN(pos->nla_len) ?		\
		    rem : (size_t)NLA_ALIGN(pos->nla_len),		\
	     pos = (const struct nlattr *)((const unsigned char *)pos +	\
					   NLA_ALIGN(pos->nla_len)))

static int parse_gids(const struct nlattr *nest, struct rdmarpc_dev *dev)
{
	const struct nlattr *a;
	size_t rem, n = 0;
	int err;

	for_each_nested(a, nest, rem)
		if ((a->nla_type & NLA_TYPE_MASK) == RDMARPC_A_GID)
			n++;
	if (rem >= NLA_HDRLEN)
		return -EPROTO;		/* a member overruns the nest */
	if (!n)
		return 0;
	dev->gids = calloc(n, sizeof(*dev->gids));
	if (!dev->gids)
		return -ENOMEM;
	for_each_nested(a, nest, rem) {
		if ((a->nla_type & NLA_TYPE_MASK) != RDMARPC_A_GID)
			continue;
		err = parse_gid(a, &dev->gids[dev->n_gids]);
		if (err)
			return err;
		dev->n_gids++;
	}
	return 0;
}

/*
 * A u64 counter attribute and where it goes in a stats struct.  The maps
 * are made from the ABI's lists of counters (rdmarpc_counters.h), whose
 * names are the structs' fields.
 */
struct counter_field {
	int attr;
	size_t off;
};

/* @map has a row for each counter of @type: the u64s before its present. */
#define MAP_COVERS(map, type)						\
	_Static_assert(sizeof(map) / sizeof((map)[0]) * sizeof(uint64_t) == \
		       offsetof(type, present),				\
		       #type " has a counter not in the list")

/*
 * Parse a nest of u64 counters into the struct at @base, as @map says, and
 * flag each one the kernel sent in @present.  @tb has room for @max + 1.
 */
static int parse_counters(const struct nlattr *nest, const struct nlattr **tb,
			  int max, const struct counter_field *map, size_t n,
			  void *base, uint32_t *present)
{
	size_t i;
	int err;

	err = rl_attr_index(attr_data(nest), attr_len(nest), tb, max);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		const struct nlattr *a = tb[map[i].attr];

		if (!a)
			continue;
		err = get_fixed(a, (unsigned char *)base + map[i].off,
				sizeof(uint64_t));
		if (err)
			return err;
		*present |= 1U << map[i].attr;
	}
	return 0;
}

static int parse_stats(const struct nlattr *nest, struct rdmarpc_dev_stats *s)
{
	const struct nlattr *tb[RDMARPC_STAT_A_MAX + 1];
	static const struct counter_field map[] = {
#define RDMARPC_PORT_COUNTER(NAME, name, ...) \
		{ RDMARPC_STAT_A_##NAME, \
		  offsetof(struct rdmarpc_dev_stats, name) },
#include <rdmarpc_counters.h>
	};

	MAP_COVERS(map, struct rdmarpc_dev_stats);
	return parse_counters(nest, tb, RDMARPC_STAT_A_MAX, map,
			      sizeof(map) / sizeof(map[0]), s, &s->present);
}

void rl_dev_clear(struct rdmarpc_dev *dev)
{
	free(dev->gids);
	memset(dev, 0, sizeof(*dev));
}

int rl_parse_dev(const struct nlmsghdr *nlh, struct rdmarpc_dev *dev)
{
	const struct nlattr *tb[RDMARPC_A_MAX + 1];
	static const struct {
		int attr;
		size_t off, size;
	} fixed[] = {
#define F(a, f) { a, offsetof(struct rdmarpc_dev, f), \
		  sizeof(((struct rdmarpc_dev *)0)->f) }
		F(RDMARPC_A_DEV_INDEX, index),
		F(RDMARPC_A_PORT, port),
		F(RDMARPC_A_PORT_STATE, port_state),
		F(RDMARPC_A_LINK_LAYER, link_layer),
		F(RDMARPC_A_ACTIVE_MTU, active_mtu),
		F(RDMARPC_A_LID, lid),
		F(RDMARPC_A_GID_INDEX, gid_index),
		F(RDMARPC_A_QPN, qpn),
		F(RDMARPC_A_QKEY, qkey),
		F(RDMARPC_A_RECV_DEPTH, recv_depth),
		F(RDMARPC_A_SEND_DEPTH, send_depth),
#undef F
	};
	size_t i;
	int err;

	memset(dev, 0, sizeof(*dev));
	err = genl_attrs(nlh, tb);
	if (err)
		return err;
	if (!tb[RDMARPC_A_DEV_NAME])
		return -EPROTO;
	err = get_string(tb[RDMARPC_A_DEV_NAME], dev->name, sizeof(dev->name));
	for (i = 0; !err && i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (!tb[fixed[i].attr])
			continue;
		err = get_fixed(tb[fixed[i].attr],
				(unsigned char *)dev + fixed[i].off,
				fixed[i].size);
	}
	if (!err && tb[RDMARPC_A_NETDEV])
		err = get_string(tb[RDMARPC_A_NETDEV], dev->netdev,
				 sizeof(dev->netdev));
	if (!err && tb[RDMARPC_A_GIDS])
		err = parse_gids(tb[RDMARPC_A_GIDS], dev);
	if (!err && tb[RDMARPC_A_STATS])
		err = parse_stats(tb[RDMARPC_A_STATS], &dev->stats);
	if (err) {
		rl_dev_clear(dev);
		return err;
	}
	for (i = 1; i <= RDMARPC_A_MAX; i++)
		if (tb[i])
			dev->present |= 1ULL << i;
	return 0;
}

/*
 * Parameters: the C type of each type of the table (its attribute's), as
 * the fields of struct rdmarpc_params have it.
 */
#define RL_PARAM_CTYPE_U32	uint32_t
#define RL_PARAM_CTYPE_S32	int32_t
#define RL_PARAM_CTYPE_U16	uint16_t
#define RL_PARAM_CTYPE_BOOL	uint8_t

#define PARAM_FIELD(name)	(((struct rdmarpc_params *)0)->name)

/*
 * struct rdmarpc_params is written by hand, one field per row of the ABI's
 * table of parameters (rdmarpc_params.h), named as the row and of its
 * type.  A row without its field, or with a field of another type, does
 * not build; nor does a field that no row has (the struct would not be the
 * one the rows make).
 */
#define RDMARPC_PARAM(ATTR, name, type, ...)				\
	_Static_assert(_Generic(PARAM_FIELD(name),			\
				RL_PARAM_CTYPE_##type: 1, default: 0),	\
		       "struct rdmarpc_params: " #name " is not a " #type);
#include <rdmarpc_params.h>

struct rl_params_made {
	uint32_t present;
#define RDMARPC_PARAM(ATTR, name, type, ...)	RL_PARAM_CTYPE_##type name;
#include <rdmarpc_params.h>
};

#define RDMARPC_PARAM(ATTR, name, ...)					\
	_Static_assert(offsetof(struct rl_params_made, name) ==		\
		       offsetof(struct rdmarpc_params, name),		\
		       "struct rdmarpc_params: " #name " is not where"	\
		       " the rows put it");
#include <rdmarpc_params.h>
_Static_assert(sizeof(struct rl_params_made) ==
	       sizeof(struct rdmarpc_params),
	       "struct rdmarpc_params: a field after the last has no row");
/* RDMARPC_PARAM_BIT() of each attribute fits in present. */
_Static_assert(RDMARPC_PARAM_A_MAX < 32, "too many parameters for present");

/* Parameter attributes: where each goes in struct rdmarpc_params. */
static const struct {
	int attr;
	size_t off, size;
} param_map[] = {
#define RDMARPC_PARAM(ATTR, name, ...) \
	{ RDMARPC_PARAM_A_##ATTR, offsetof(struct rdmarpc_params, name), \
	  sizeof(PARAM_FIELD(name)) },
#include <rdmarpc_params.h>
};

int rl_param_field(int attr, size_t *off, size_t *size)
{
	size_t i;

	for (i = 0; i < sizeof(param_map) / sizeof(param_map[0]); i++) {
		if (param_map[i].attr == attr) {
			*off = param_map[i].off;
			*size = param_map[i].size;
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * @all into the RL_PARAMS_0_SIZE bytes at @old, a struct rdmarpc_params of
 * librdmarpc 0.4: nothing written past them, no field of 0.5 or later
 * flagged present.
 */
void rl_params_to_0(void *old, const struct rdmarpc_params *all)
{
	struct rdmarpc_params p = *all;

	p.present &= RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_CC + 1) - 1;
	memcpy(old, &p, RL_PARAMS_0_SIZE);
}

int rl_parse_params(const struct nlmsghdr *nlh, struct rdmarpc_params *p)
{
	const struct nlattr *tb[RDMARPC_A_MAX + 1];
	const struct nlattr *pt[RDMARPC_PARAM_A_MAX + 1];
	size_t i;
	int err;

	memset(p, 0, sizeof(*p));
	err = genl_attrs(nlh, tb);
	if (err)
		return err;
	if (!tb[RDMARPC_A_PARAMS])
		return -EPROTO;
	err = rl_attr_index(attr_data(tb[RDMARPC_A_PARAMS]),
			    attr_len(tb[RDMARPC_A_PARAMS]), pt,
			    RDMARPC_PARAM_A_MAX);
	if (err)
		return err;
	for (i = 0; i < sizeof(param_map) / sizeof(param_map[0]); i++) {
		const struct nlattr *a = pt[param_map[i].attr];

		if (!a)
			continue;
		err = get_fixed(a, (unsigned char *)p + param_map[i].off,
				param_map[i].size);
		if (err) {
			memset(p, 0, sizeof(*p));
			return err;
		}
		p->present |= RDMARPC_PARAM_BIT(param_map[i].attr);
	}
	return 0;
}

int rl_parse_loopback(const struct nlmsghdr *nlh,
		      struct rdmarpc_loopback_result *res)
{
	const struct nlattr *tb[RDMARPC_A_MAX + 1];
	int err;

	memset(res, 0, sizeof(*res));
	err = genl_attrs(nlh, tb);
	if (err)
		return err;
	if (!tb[RDMARPC_A_LOOPBACK_COUNT] || !tb[RDMARPC_A_LOOPBACK_RECEIVED] ||
	    !tb[RDMARPC_A_LOOPBACK_NSEC])
		return -EPROTO;
	err = get_fixed(tb[RDMARPC_A_LOOPBACK_COUNT], &res->sent,
			sizeof(res->sent));
	if (!err)
		err = get_fixed(tb[RDMARPC_A_LOOPBACK_RECEIVED], &res->received,
				sizeof(res->received));
	if (!err)
		err = get_fixed(tb[RDMARPC_A_LOOPBACK_NSEC], &res->nsec,
				sizeof(res->nsec));
	if (err)
		memset(res, 0, sizeof(*res));
	return err;
}

/*
 * An integer attribute whose width the ABI leaves open (1, 2, 4 or 8
 * bytes), stored into a field of @size bytes; -EPROTO if it does not fit.
 */
static int get_uint(const struct nlattr *a, void *out, size_t size)
{
	uint64_t v;

	switch (attr_len(a)) {
	case 1: { uint8_t x; memcpy(&x, attr_data(a), 1); v = x; break; }
	case 2: { uint16_t x; memcpy(&x, attr_data(a), 2); v = x; break; }
	case 4: { uint32_t x; memcpy(&x, attr_data(a), 4); v = x; break; }
	case 8: memcpy(&v, attr_data(a), 8); break;
	default: return -EPROTO;
	}
	if (size < 8 && v >> (8 * size))
		return -EPROTO;
	switch (size) {
	case 1: { uint8_t x = (uint8_t)v; memcpy(out, &x, 1); break; }
	case 2: { uint16_t x = (uint16_t)v; memcpy(out, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(out, &x, 4); break; }
	default: memcpy(out, &v, 8); break;
	}
	return 0;
}

static int parse_sess_stats(const struct nlattr *nest,
			    struct rdmarpc_sess_stats *s)
{
	const struct nlattr *tb[RDMARPC_SSTAT_A_MAX + 1];
	static const struct counter_field map[] = {
#define RDMARPC_SESS_COUNTER(NAME, name, ...) \
		{ RDMARPC_SSTAT_A_##NAME, \
		  offsetof(struct rdmarpc_sess_stats, name) },
#include <rdmarpc_counters.h>
	};

	MAP_COVERS(map, struct rdmarpc_sess_stats);
	return parse_counters(nest, tb, RDMARPC_SSTAT_A_MAX, map,
			      sizeof(map) / sizeof(map[0]), s, &s->present);
}

static int parse_sess_info(const struct nlattr *nest,
			   struct rdmarpc_sess_info *si)
{
	const struct nlattr *tb[RDMARPC_SINFO_A_MAX + 1];
	static const struct {
		int attr;
		size_t off, size;
	} map[] = {
#define I(a, f) { a, offsetof(struct rdmarpc_sess_info, f), \
		  sizeof(((struct rdmarpc_sess_info *)0)->f) }
		I(RDMARPC_SINFO_A_BUSY_SLOTS, busy_slots),
		I(RDMARPC_SINFO_A_INFLIGHT, inflight),
		I(RDMARPC_SINFO_A_CWND, cwnd),
		I(RDMARPC_SINFO_A_SRTT_NS, srtt_ns),
		I(RDMARPC_SINFO_A_RTO_NS, rto_ns),
#undef I
	};
	size_t i;
	int err;

	err = rl_attr_index(attr_data(nest), attr_len(nest), tb,
			    RDMARPC_SINFO_A_MAX);
	if (err)
		return err;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const struct nlattr *a = tb[map[i].attr];

		if (!a)
			continue;
		err = get_fixed(a, (unsigned char *)si + map[i].off,
				map[i].size);
		if (err)
			return err;
		si->present |= 1U << map[i].attr;
	}
	return 0;
}

/* How a scalar attribute of a peer or session reply is read. */
enum { EXACT, ANY_UINT };

struct field {
	int attr;
	int how;
	size_t off, size;
};

static int parse_fields(const struct nlattr *const *tb, void *obj,
			const struct field *f, size_t n)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && i < n; i++) {
		const struct nlattr *a = tb[f[i].attr];
		void *dst = (unsigned char *)obj + f[i].off;

		if (!a)
			continue;
		err = f[i].how == EXACT ? get_fixed(a, dst, f[i].size) :
			get_uint(a, dst, f[i].size);
	}
	return err;
}

static uint64_t present_bits(const struct nlattr *const *tb)
{
	uint64_t present = 0;
	int i;

	for (i = 1; i <= RDMARPC_A_MAX; i++)
		if (tb[i])
			present |= 1ULL << i;
	return present;
}

int rl_parse_peer(const struct nlmsghdr *nlh, struct rdmarpc_peer *peer)
{
	const struct nlattr *tb[RDMARPC_A_MAX + 1];
	/*
	 * Widths the ABI states are exact; state, QPN, QKey and MTU are read
	 * at any integer width.
	 */
	static const struct field fields[] = {
#define F(a, how, f) { a, how, offsetof(struct rdmarpc_peer, f), \
		       sizeof(((struct rdmarpc_peer *)0)->f) }
		F(RDMARPC_A_PEER_IPV4, EXACT, ipv4),
		F(RDMARPC_A_PEER_TCP_PORT, EXACT, tcp_port),
		F(RDMARPC_A_PEER_STATE, ANY_UINT, state),
		F(RDMARPC_A_PEER_CRC, EXACT, crc),
		F(RDMARPC_A_PEER_CC, EXACT, cc),
		F(RDMARPC_A_PORT, EXACT, port),
		F(RDMARPC_A_GID_INDEX, EXACT, gid_index),
		F(RDMARPC_A_PEER_GID, EXACT, gid),
		F(RDMARPC_A_PEER_QPN, ANY_UINT, qpn),
		F(RDMARPC_A_PEER_QKEY, ANY_UINT, qkey),
		F(RDMARPC_A_PEER_MTU, ANY_UINT, mtu),
		F(RDMARPC_A_PEER_MAC, EXACT, mac),
#undef F
	};
	int err;

	memset(peer, 0, sizeof(*peer));
	err = genl_attrs(nlh, tb);
	if (err)
		return err;
	if (!tb[RDMARPC_A_PEER_NAME])
		return -EPROTO;
	err = get_string(tb[RDMARPC_A_PEER_NAME], peer->name,
			 sizeof(peer->name));
	if (!err)
		err = parse_fields(tb, peer, fields,
				   sizeof(fields) / sizeof(fields[0]));
	if (!err && tb[RDMARPC_A_DEV_NAME])
		err = get_string(tb[RDMARPC_A_DEV_NAME], peer->dev_name,
				 sizeof(peer->dev_name));
	if (!err && tb[RDMARPC_A_STATS])
		err = parse_sess_stats(tb[RDMARPC_A_STATS], &peer->stats);
	if (err) {
		memset(peer, 0, sizeof(*peer));
		return err;
	}
	peer->present = present_bits(tb);
	return 0;
}

int rl_parse_session(const struct nlmsghdr *nlh, struct rdmarpc_session *s)
{
	const struct nlattr *tb[RDMARPC_A_MAX + 1];
	static const struct field fields[] = {
#define F(a, how, f) { a, how, offsetof(struct rdmarpc_session, f), \
		       sizeof(((struct rdmarpc_session *)0)->f) }
		F(RDMARPC_A_SESSION_ID, ANY_UINT, id),
		F(RDMARPC_A_SESSION_ROLE, ANY_UINT, role),
		F(RDMARPC_A_PORT, EXACT, port),
#undef F
	};
	int err;

	memset(s, 0, sizeof(*s));
	err = genl_attrs(nlh, tb);
	if (err)
		return err;
	if (!tb[RDMARPC_A_SESSION_ID])
		return -EPROTO;
	err = parse_fields(tb, s, fields, sizeof(fields) / sizeof(fields[0]));
	if (!err && tb[RDMARPC_A_PEER_NAME])
		err = get_string(tb[RDMARPC_A_PEER_NAME], s->peer,
				 sizeof(s->peer));
	if (!err && tb[RDMARPC_A_DEV_NAME])
		err = get_string(tb[RDMARPC_A_DEV_NAME], s->dev_name,
				 sizeof(s->dev_name));
	if (!err && tb[RDMARPC_A_SESSION_INFO])
		err = parse_sess_info(tb[RDMARPC_A_SESSION_INFO], &s->info);
	if (!err && tb[RDMARPC_A_STATS])
		err = parse_sess_stats(tb[RDMARPC_A_STATS], &s->stats);
	if (err) {
		memset(s, 0, sizeof(*s));
		return err;
	}
	s->present = present_bits(tb);
	return 0;
}

int rl_parse_session_event(const struct nlmsghdr *nlh,
			   struct rdmarpc_session_event *e)
{
	const struct nlattr *tb[RDMARPC_A_MAX + 1];
	static const struct field fields[] = {
#define F(a, how, f) { a, how, offsetof(struct rdmarpc_session_event, f), \
		       sizeof(((struct rdmarpc_session_event *)0)->f) }
		F(RDMARPC_A_SESSION_ID, ANY_UINT, id),
		F(RDMARPC_A_PEER_SESSION_ID, ANY_UINT, peer_id),
		F(RDMARPC_A_SESSION_ROLE, ANY_UINT, role),
		F(RDMARPC_A_PEER_IPV4, EXACT, ipv4),
		F(RDMARPC_A_PEER_TCP_PORT, EXACT, tcp_port),
		F(RDMARPC_A_PORT, EXACT, port),
		F(RDMARPC_A_REASON, EXACT, reason),
#undef F
	};
	int err;

	memset(e, 0, sizeof(*e));
	err = genl_attrs(nlh, tb);
	if (err)
		return err;
	if (!tb[RDMARPC_A_SESSION_ID])
		return -EPROTO;
	err = parse_fields(tb, e, fields, sizeof(fields) / sizeof(fields[0]));
	if (!err && tb[RDMARPC_A_PEER_NAME])
		err = get_string(tb[RDMARPC_A_PEER_NAME], e->peer,
				 sizeof(e->peer));
	if (!err && tb[RDMARPC_A_DEV_NAME])
		err = get_string(tb[RDMARPC_A_DEV_NAME], e->dev_name,
				 sizeof(e->dev_name));
	if (err) {
		memset(e, 0, sizeof(*e));
		return err;
	}
	e->present = present_bits(tb);
	return 0;
}

int rl_parse_peer_event(const struct nlmsghdr *nlh,
			struct rdmarpc_peer_event *e)
{
	const struct nlattr *tb[RDMARPC_A_MAX + 1];
	static const struct field fields[] = {
#define F(a, how, f) { a, how, offsetof(struct rdmarpc_peer_event, f), \
		       sizeof(((struct rdmarpc_peer_event *)0)->f) }
		F(RDMARPC_A_PEER_IPV4, EXACT, ipv4),
		F(RDMARPC_A_PEER_TCP_PORT, EXACT, tcp_port),
		F(RDMARPC_A_PEER_STATE, ANY_UINT, state),
		F(RDMARPC_A_REASON, EXACT, reason),
#undef F
	};
	int err;

	memset(e, 0, sizeof(*e));
	err = genl_attrs(nlh, tb);
	if (err)
		return err;
	if (!tb[RDMARPC_A_PEER_NAME])
		return -EPROTO;
	err = get_string(tb[RDMARPC_A_PEER_NAME], e->name, sizeof(e->name));
	if (!err)
		err = parse_fields(tb, e, fields,
				   sizeof(fields) / sizeof(fields[0]));
	if (err) {
		memset(e, 0, sizeof(*e));
		return err;
	}
	e->present = present_bits(tb);
	return 0;
}

int rl_parse_stats(const struct nlmsghdr *nlh, struct rdmarpc_module_stats *st)
{
	const struct nlattr *tb[RDMARPC_A_MAX + 1];
	/* Room for the largest counter nest. */
	const struct nlattr *ct[RDMARPC_RSTAT_A_MAX + 1];
	static const struct counter_field hs[] = {
#define RDMARPC_HS_COUNTER(NAME, name, ...) \
		{ RDMARPC_HSTAT_A_##NAME, \
		  offsetof(struct rdmarpc_hs_stats, name) },
#include <rdmarpc_counters.h>
	};
	static const struct counter_field fault[] = {
#define RDMARPC_FAULT_COUNTER(NAME, name, ...) \
		{ RDMARPC_FSTAT_A_##NAME, \
		  offsetof(struct rdmarpc_fault_stats, name) },
#include <rdmarpc_counters.h>
	};
	static const struct counter_field rpc[] = {
#define RDMARPC_RPC_COUNTER(NAME, name, ...) \
		{ RDMARPC_RSTAT_A_##NAME, \
		  offsetof(struct rdmarpc_rpc_stats, name) },
#include <rdmarpc_counters.h>
	};
	int err;

	MAP_COVERS(hs, struct rdmarpc_hs_stats);
	MAP_COVERS(fault, struct rdmarpc_fault_stats);
	MAP_COVERS(rpc, struct rdmarpc_rpc_stats);
	_Static_assert(RDMARPC_HSTAT_A_MAX <= RDMARPC_RSTAT_A_MAX &&
		       RDMARPC_FSTAT_A_MAX <= RDMARPC_RSTAT_A_MAX,
		       "ct[] is too small");
	memset(st, 0, sizeof(*st));
	err = genl_attrs(nlh, tb);
	if (err)
		return err;
	if (tb[RDMARPC_A_HS_STATS])
		err = parse_counters(tb[RDMARPC_A_HS_STATS], ct,
				     RDMARPC_HSTAT_A_MAX, hs,
				     sizeof(hs) / sizeof(hs[0]), &st->hs,
				     &st->hs.present);
	if (!err && tb[RDMARPC_A_FAULT_STATS])
		err = parse_counters(tb[RDMARPC_A_FAULT_STATS], ct,
				     RDMARPC_FSTAT_A_MAX, fault,
				     sizeof(fault) / sizeof(fault[0]),
				     &st->fault, &st->fault.present);
	if (!err && tb[RDMARPC_A_RPC_STATS])
		err = parse_counters(tb[RDMARPC_A_RPC_STATS], ct,
				     RDMARPC_RSTAT_A_MAX, rpc,
				     sizeof(rpc) / sizeof(rpc[0]), &st->rpc,
				     &st->rpc.present);
	if (err) {
		memset(st, 0, sizeof(*st));
		return err;
	}
	st->present = present_bits(tb);
	/* A reply without a single nest is not a STATS_GET reply. */
	if (!(st->present & ((1ULL << RDMARPC_A_HS_STATS) |
			     (1ULL << RDMARPC_A_FAULT_STATS) |
			     (1ULL << RDMARPC_A_RPC_STATS)))) {
		st->present = 0;
		return -EPROTO;
	}
	return 0;
}

int rl_parse_error(const struct nlmsghdr *nlh, int *error, char *buf,
		   size_t len)
{
	const struct nlmsgerr *e;
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off;

	if (len)
		buf[0] = '\0';
	if (nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return -EPROTO;
	e = (const struct nlmsgerr *)((const unsigned char *)nlh +
				      NLMSG_HDRLEN);
	*error = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	/* Unless capped, the request is echoed before the TLVs. */
	off = NLMSG_HDRLEN + sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return -EPROTO;
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	}
	if (off > nlh->nlmsg_len)
		return -EPROTO;
	if (rl_attr_index((const unsigned char *)nlh + off,
			  nlh->nlmsg_len - off, tb, NLMSGERR_ATTR_MAX))
		return -EPROTO;
	if (tb[NLMSGERR_ATTR_MSG] && len) {
		const char *s = attr_data(tb[NLMSGERR_ATTR_MSG]);
		size_t n = strnlen(s, attr_len(tb[NLMSGERR_ATTR_MSG]));

		if (n >= len)
			n = len - 1;
		memcpy(buf, s, n);
		buf[n] = '\0';
	}
	return 0;
}

void rl_event_clear(struct rdmarpc_event *ev)
{
	if (ev->cmd == RDMARPC_CMD_DEV_NEW || ev->cmd == RDMARPC_CMD_DEV_DEL)
		rl_dev_clear(&ev->dev);
	memset(ev, 0, sizeof(*ev));
}

int rl_parse_event(const struct nlmsghdr *nlh, struct rdmarpc_event *ev)
{
	const struct genlmsghdr *g;
	int err;

	memset(ev, 0, sizeof(*ev));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -EPROTO;
	g = (const struct genlmsghdr *)((const unsigned char *)nlh +
					NLMSG_HDRLEN);
	switch (g->cmd) {
	case RDMARPC_CMD_DEV_NEW:
	case RDMARPC_CMD_DEV_DEL:
		err = rl_parse_dev(nlh, &ev->dev);
		break;
	case RDMARPC_CMD_SESSION_UP:
	case RDMARPC_CMD_SESSION_DOWN:
		err = rl_parse_session_event(nlh, &ev->session);
		break;
	case RDMARPC_CMD_PEER_UP:
	case RDMARPC_CMD_PEER_DOWN:
		err = rl_parse_peer_event(nlh, &ev->peer);
		break;
	default:
		return -ENOENT;
	}
	if (!err)
		ev->cmd = g->cmd;
	return err;
}

int rl_dispatch_all_events(const void *buf, size_t len, uint16_t family,
			   rdmarpc_event_handler fn, void *arg, int *stop)
{
	const struct nlmsghdr *nlh = buf;
	int delivered = 0;

	*stop = 0;
	/* NLMSG_OK/NLMSG_NEXT take a signed remaining length. */
	for (int rem = (int)len; NLMSG_OK(nlh, rem); nlh = NLMSG_NEXT(nlh, rem)) {
		struct rdmarpc_event ev;

		if (nlh->nlmsg_type != family)
			continue;
		/* Unknown to this library, or malformed: skipped. */
		if (rl_parse_event(nlh, &ev))
			continue;
		delivered++;
		*stop = fn(&ev, arg);
		rl_event_clear(&ev);
		if (*stop)
			break;
	}
	return delivered;
}

int rl_dispatch_events(const void *buf, size_t len, uint16_t family,
		       rdmarpc_event_fn fn, void *arg, int *stop)
{
	const struct nlmsghdr *nlh = buf;
	int delivered = 0;

	*stop = 0;
	/* NLMSG_OK/NLMSG_NEXT take a signed remaining length. */
	for (int rem = (int)len; NLMSG_OK(nlh, rem); nlh = NLMSG_NEXT(nlh, rem)) {
		const struct genlmsghdr *g;
		struct rdmarpc_dev dev;

		if (nlh->nlmsg_type != family ||
		    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
			continue;
		g = (const struct genlmsghdr *)((const unsigned char *)nlh +
						NLMSG_HDRLEN);
		if (g->cmd != RDMARPC_CMD_DEV_NEW &&
		    g->cmd != RDMARPC_CMD_DEV_DEL)
			continue;
		if (rl_parse_dev(nlh, &dev))
			continue;
		delivered++;
		*stop = fn(g->cmd, &dev, arg);
		rl_dev_clear(&dev);
		if (*stop)
			break;
	}
	return delivered;
}
