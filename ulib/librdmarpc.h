/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librdmarpc: userspace access to the rdmarpc kernel module.
 *
 * This part covers the generic netlink family "rdmarpc" (configuration and
 * inspection).  Every function returns 0 (or a count) on success and a
 * negative errno on failure; rdmarpc_strerror() turns one into text, and
 * rdmarpc_nl_extack() gives the kernel's own explanation of the last error
 * on a handle, if it sent one.
 *
 * Threads: there is no global mutable state.  Each handle owns its own
 * netlink socket; use a handle from one thread at a time (or one handle per
 * thread).
 */
#ifndef LIBRDMARPC_H
#define LIBRDMARPC_H

#include <stddef.h>
#include <stdint.h>

#include <rdmarpc.h>	/* the kernel ABI: commands, attributes, enums */

#ifdef __cplusplus
extern "C" {
#endif

/* Buffer sizes, including the terminating NUL. */
#define RDMARPC_DEV_NAME_MAX	64	/* IB_DEVICE_NAME_MAX */
#define RDMARPC_NETDEV_MAX	16	/* IFNAMSIZ */
#define RDMARPC_EXTACK_MAX	256

/*
 * Errors specific to this library, as negative errno values:
 *   -EPROTONOSUPPORT  the generic netlink family "rdmarpc" is not registered
 *                     (the module is not loaded);
 *   -EPROTO           the kernel sent a reply this library cannot parse;
 *   -EAGAIN           a dump kept being interrupted by device changes.
 */

struct rdmarpc_nl;

int rdmarpc_nl_open(struct rdmarpc_nl **out);
void rdmarpc_nl_close(struct rdmarpc_nl *nl);
/* The socket, for poll() on an event handle. */
int rdmarpc_nl_fd(const struct rdmarpc_nl *nl);
/* The kernel's extack message for the last failed request, or "". */
const char *rdmarpc_nl_extack(const struct rdmarpc_nl *nl);

const char *rdmarpc_strerror(int err);

/* ---- devices (RDMARPC_CMD_DEV_GET) ---- */

struct rdmarpc_gid {
	uint32_t index;
	uint8_t type;			/* enum rdmarpc_gid_type */
	uint8_t gid[16];		/* network order */
	char netdev[RDMARPC_NETDEV_MAX];	/* "" if absent */
};

struct rdmarpc_dev_stats {
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t tx_errors;
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t rx_errors;
	uint64_t rx_drops;
	uint64_t recv_posted;
	/* Bit (1 << RDMARPC_STAT_A_x) set for each counter the kernel sent. */
	uint32_t present;
};

struct rdmarpc_dev {
	char name[RDMARPC_DEV_NAME_MAX];
	uint32_t index;
	uint32_t port;
	uint8_t port_state;		/* enum rdmarpc_port_state */
	uint8_t link_layer;		/* enum rdmarpc_link_layer */
	uint16_t lid;
	uint32_t active_mtu;
	uint32_t gid_index;
	char netdev[RDMARPC_NETDEV_MAX];
	uint32_t qpn;
	uint32_t qkey;
	uint32_t n_gids;
	struct rdmarpc_gid *gids;	/* n_gids entries, owned by the list */
	struct rdmarpc_dev_stats stats;
	/* Bit (1ULL << RDMARPC_A_x) set for each attribute the kernel sent. */
	uint64_t present;
};

#define RDMARPC_HAS(dev, attr)	(!!((dev)->present & (1ULL << (attr))))

/*
 * Dump every (device, port) the module set up, or only those of device
 * @name if it is not NULL.  On success *devs (free with
 * rdmarpc_dev_list_free()) holds *n entries and 0 is returned.  A dump that
 * raced with a device change is retried.
 */
int rdmarpc_dev_list(struct rdmarpc_nl *nl, const char *name,
		     struct rdmarpc_dev **devs, size_t *n);
void rdmarpc_dev_list_free(struct rdmarpc_dev *devs, size_t n);

/* Names for the enums: "ACTIVE", "ethernet", "RoCE v2"; "?" if unknown. */
const char *rdmarpc_port_state_str(unsigned int state);
const char *rdmarpc_link_layer_str(unsigned int link_layer);
const char *rdmarpc_gid_type_str(unsigned int type);

/* ---- module parameters (RDMARPC_CMD_PARAM_GET / _SET) ---- */

#define RDMARPC_PARAM_BIT(attr)	(1U << (attr))

struct rdmarpc_params {
	/* RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_x) for each field that is valid. */
	uint32_t present;
	uint32_t recv_depth;
	uint32_t send_depth;
	int32_t gid_index;		/* -1: automatic */
};

int rdmarpc_param_get(struct rdmarpc_nl *nl, struct rdmarpc_params *p);
/* Sets the fields flagged in p->present, all or none.  CAP_NET_ADMIN. */
int rdmarpc_param_set(struct rdmarpc_nl *nl, const struct rdmarpc_params *p);

/* ---- loopback self-test (RDMARPC_CMD_LOOPBACK; CAP_NET_ADMIN) ---- */

struct rdmarpc_loopback_result {
	uint32_t sent;
	uint32_t received;
	uint64_t nsec;
};

int rdmarpc_loopback(struct rdmarpc_nl *nl, const char *dev, uint32_t port,
		     uint32_t count, uint32_t size,
		     struct rdmarpc_loopback_result *res);

/* ---- events (multicast group "events") ---- */

/*
 * Join the "events" group.  Use the handle for events only afterwards:
 * requests on it would see events interleaved with their replies.
 */
int rdmarpc_nl_subscribe(struct rdmarpc_nl *nl);

/*
 * Called once per event; @cmd is RDMARPC_CMD_DEV_NEW or RDMARPC_CMD_DEV_DEL,
 * @dev lives until the callback returns.  Return 0 to go on, anything else
 * to make rdmarpc_nl_events() return at once.
 */
typedef int (*rdmarpc_event_fn)(int cmd, const struct rdmarpc_dev *dev,
				void *arg);

/*
 * Wait up to @timeout_ms (-1: forever, 0: do not block) for events and
 * deliver those that arrived.  Returns the number delivered (0 on timeout),
 * or a negative errno: -EINTR if a signal interrupted the wait, -ENOBUFS if
 * events were lost because the socket overflowed (the handle stays usable).
 */
int rdmarpc_nl_events(struct rdmarpc_nl *nl, int timeout_ms,
		      rdmarpc_event_fn fn, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* LIBRDMARPC_H */
