/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librdmarpc: userspace access to the rdmarpc kernel module.
 *
 * Two parts:
 *  - configuration and inspection over the generic netlink family "rdmarpc"
 *    (struct rdmarpc_nl: devices, parameters, peers, sessions, events);
 *  - calls and services over /dev/rdmarpc (struct rdmarpc, an endpoint),
 *    declared in the second half of this header.
 *
 * Every function returns 0 (or a count) on success and a negative errno on
 * failure; rdmarpc_strerror() turns one into text (rdmarpc_strerror_in()
 * in the words of the function that failed), and rdmarpc_nl_extack()
 * gives the kernel's own explanation of the last netlink error on a handle,
 * if it sent one.
 *
 * Threads: there is no global mutable state.  A netlink handle owns its own
 * socket; use it from one thread at a time (or one handle per thread).  An
 * endpoint may be shared by any number of threads: every call on it is one
 * ioctl and the library keeps no state of its own beside the descriptor.
 */
#ifndef LIBRDMARPC_H
#define LIBRDMARPC_H

#include <stddef.h>
#include <stdint.h>

/* The kernel ABI (commands, attributes, enums): installed beside this file. */
#include "rdmarpc.h"

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
 * Errors of calls (see the /dev/rdmarpc part below): -ETIMEDOUT,
 * -ECONNRESET, -ENODEV, -ENOENT, -ECANCELED, -EMSGSIZE, -ENOBUFS,
 * -ECONNABORTED, -ENOSPC, -ENOMEM, -EFAULT (reap), and for a call that
 * waited for a new session the connect's error, with the meanings listed
 * in <rdmarpc.h>.
 */

struct rdmarpc_nl;

/*
 * Open a netlink handle (a socket bound to the family).  -EPROTONOSUPPORT
 * if the module is not loaded.
 */
int rdmarpc_nl_open(struct rdmarpc_nl **out);
/* Close the handle and free it.  NULL is allowed. */
void rdmarpc_nl_close(struct rdmarpc_nl *nl);
/* The socket, for poll() on an event handle. */
int rdmarpc_nl_fd(const struct rdmarpc_nl *nl);
/* The kernel's extack message for the last failed request, or "". */
const char *rdmarpc_nl_extack(const struct rdmarpc_nl *nl);

/*
 * A constant, thread-safe description of @err (negative or positive errno):
 * the rdmarpc meaning for the errors listed above, the C library's text for
 * the others.
 */
const char *rdmarpc_strerror(int err);
/*
 * The same in the words of the function that failed, @func, its name
 * ("rdmarpc_open", "rdmarpc_connect", ...): where an error means
 * something of its own there, that meaning (-ENOENT from rdmarpc_open():
 * no /dev/rdmarpc; from rdmarpc_peer_del(): no such peer; from
 * rdmarpc_reply(): no such request), else rdmarpc_strerror()'s text, as
 * for a NULL or unknown @func.  Constant and thread-safe.  Since 0.4.
 */
const char *rdmarpc_strerror_in(const char *func, int err);
/*
 * rdmarpc_strerror_in() of the function itself, so that the compiler
 * checks its name: rdmarpc_strerror_of(rdmarpc_open, err).
 */
#define rdmarpc_strerror_of(func, err) \
	rdmarpc_strerror_in(((void)(func), #func), (err))

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
	uint64_t ah_cached;		/* address handles the cache keeps */
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
	uint32_t recv_depth;		/* the QP's receive buffers */
	uint32_t send_depth;
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
/* Free the result of rdmarpc_dev_list() (its GID arrays too). */
void rdmarpc_dev_list_free(struct rdmarpc_dev *devs, size_t n);

/* Names for the enums: "ACTIVE", "ethernet", "RoCE v2"; "?" if unknown. */
const char *rdmarpc_port_state_str(unsigned int state);
const char *rdmarpc_link_layer_str(unsigned int link_layer);
const char *rdmarpc_gid_type_str(unsigned int type);

/* ---- module parameters (RDMARPC_CMD_PARAM_GET / _SET) ---- */

#define RDMARPC_PARAM_BIT(attr)	(1U << (attr))

/*
 * One field per row of <rdmarpc_params.h>, in its order, named as the row
 * and of its type (uint8_t for BOOL); each one's range and default are
 * there.
 */
struct rdmarpc_params {
	/* RDMARPC_PARAM_BIT(RDMARPC_PARAM_A_x) for each field that is valid. */
	uint32_t present;
	uint32_t recv_depth;
	uint32_t send_depth;
	int32_t gid_index;		/* -1: automatic */
	uint16_t tcp_port;		/* handshake port (load only: -EBUSY) */
	uint8_t crc;			/* CRC32C on new sessions: 0/1 */
	uint32_t call_timeout_ms;	/* default call timeout */
	uint32_t rto_min_us;
	uint32_t rto_max_us;
	uint32_t max_retries;		/* timeouts in a row, then fail */
	uint32_t heartbeat_ms;		/* 0: off */
	/* Fault injection, parts per million (0..RDMARPC_PPM), 0: off. */
	uint32_t fault_tx_drop;
	uint32_t fault_rx_drop;
	uint32_t fault_duplicate;
	uint32_t fault_reorder;
	uint32_t fault_corrupt;
	/* Admission of inbound sessions. */
	uint32_t mem_budget_mb;		/* server message memory, MiB */
	uint32_t sessions_per_host;	/* inbound sessions per IPv4 address */
	uint32_t idle_timeout_ms;	/* close idle inbound sessions, 0: off */
	uint32_t hs_pending_max;	/* inbound handshakes at once */
	uint32_t hs_pending_per_host;	/* ... per IPv4 address */
	/* Idempotency keys: the answers kept for retries (server). */
	uint32_t idem_max_entries;	/* keys remembered, all hosts */
	uint32_t idem_max_mb;		/* their memory, MiB */
	uint32_t idem_ttl_ms;		/* how long an answer is kept, 0: off */
	uint32_t cc;			/* new client sessions' enum rdmarpc_cc */
	/*
	 * Since 0.5 (a program built against 0.4 gets a rdmarpc_param_get()
	 * that writes no field past cc).
	 */
	uint32_t credit_overcommit;	/* inbound credits per receive buffer */
};

/* Read every parameter; p->present flags those the module reported. */
int rdmarpc_param_get(struct rdmarpc_nl *nl, struct rdmarpc_params *p);
/* Sets the fields flagged in p->present, all or none.  CAP_NET_ADMIN. */
int rdmarpc_param_set(struct rdmarpc_nl *nl, const struct rdmarpc_params *p);

/* ---- loopback self-test (RDMARPC_CMD_LOOPBACK; CAP_NET_ADMIN) ---- */

struct rdmarpc_loopback_result {
	uint32_t sent;
	uint32_t received;
	uint64_t nsec;
};

/*
 * Send @count datagrams of @size bytes from (dev, port) to itself and wait
 * (bounded) for them; *res says how many came back intact and how long it
 * took.
 */
int rdmarpc_loopback(struct rdmarpc_nl *nl, const char *dev, uint32_t port,
		     uint32_t count, uint32_t size,
		     struct rdmarpc_loopback_result *res);

/* ---- peers (RDMARPC_CMD_PEER_ADD / _DEL / _GET) ---- */

#define RDMARPC_PSK_LEN		32

struct rdmarpc_peer_config {
	char name[RDMARPC_NAME_MAX];
	uint32_t ipv4;			/* network order */
	uint16_t tcp_port;		/* host order; 0: the module's port */
	int8_t crc;			/* -1: the module's default, 0, 1 */
	uint8_t has_psk;
	uint8_t psk[RDMARPC_PSK_LEN];
	int8_t cc;			/* -1: the module's default, or
					 * enum rdmarpc_cc */
};

/*
 * Add a peer (CAP_NET_ADMIN).  -EEXIST if the name is taken, -EINVAL for
 * an empty or too long name, a crc or cc out of range.
 */
int rdmarpc_peer_add(struct rdmarpc_nl *nl,
		     const struct rdmarpc_peer_config *cfg);
/* Remove a peer (CAP_NET_ADMIN); its pending calls fail with -ECONNRESET. */
int rdmarpc_peer_del(struct rdmarpc_nl *nl, const char *name);

/*
 * Parse "a.b.c.d" or "a.b.c.d:port" into *ipv4 (network order) and
 * *tcp_port (host order, 0 if no port is given).  -EINVAL if malformed.
 */
int rdmarpc_parse_addr(const char *s, uint32_t *ipv4, uint16_t *tcp_port);

/* Per-session counters (RDMARPC_SSTAT_A_*); a peer's are summed. */
struct rdmarpc_sess_stats {
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t retransmits;
	uint64_t rto_fires;
	uint64_t crc_drops;
	uint64_t rx_drops;
	uint64_t dup_packets;
	uint64_t dup_requests;
	uint64_t credit_stalls;
	uint64_t calls_ok;
	uint64_t calls_failed;
	uint64_t requests;
	uint64_t cancels;		/* server: the caller gave up (CANCEL) */
	uint64_t spurious_rtos;		/* client: rto_fires found spurious */
	uint64_t tx_packed;		/* sent behind another in a datagram */
	/* Bit (1 << RDMARPC_SSTAT_A_x) set for each counter the kernel sent. */
	uint32_t present;
};

struct rdmarpc_peer {
	char name[RDMARPC_NAME_MAX];
	uint32_t ipv4;			/* network order */
	uint16_t tcp_port;
	uint8_t state;			/* enum rdmarpc_peer_state */
	uint8_t crc;
	uint8_t cc;			/* enum rdmarpc_cc */
	/* Once connected: */
	char dev_name[RDMARPC_DEV_NAME_MAX];
	uint32_t port;
	uint32_t gid_index;		/* ours */
	uint8_t gid[16];		/* the peer's, network order */
	uint32_t qpn;
	uint32_t qkey;
	uint32_t mtu;
	uint8_t mac[6];			/* next-hop MAC in the AH (RoCE) */
	struct rdmarpc_sess_stats stats;
	/* Bit (1ULL << RDMARPC_A_x) for each attribute sent; RDMARPC_HAS(). */
	uint64_t present;
};

/* Dump the peers; *peers (free with free()) holds *n entries. */
int rdmarpc_peer_list(struct rdmarpc_nl *nl, struct rdmarpc_peer **peers,
		      size_t *n);

/* ---- sessions (RDMARPC_CMD_SESSION_GET) ---- */

/* Gauges (RDMARPC_SINFO_A_*). */
struct rdmarpc_sess_info {
	uint32_t busy_slots;
	uint32_t inflight;		/* packets */
	uint32_t cwnd;			/* packets */
	uint64_t srtt_ns;
	uint64_t rto_ns;
	/* Bit (1 << RDMARPC_SINFO_A_x) set for each gauge the kernel sent. */
	uint32_t present;
};

struct rdmarpc_session {
	uint64_t id;
	uint8_t role;			/* enum rdmarpc_session_role */
	/* The peer's name, or "a.b.c.d:port" for an inbound session. */
	char peer[RDMARPC_NAME_MAX];
	char dev_name[RDMARPC_DEV_NAME_MAX];
	uint32_t port;
	struct rdmarpc_sess_info info;
	struct rdmarpc_sess_stats stats;
	uint64_t present;		/* as in struct rdmarpc_peer */
};

/* Dump the sessions; *sessions (free with free()) holds *n entries. */
int rdmarpc_session_list(struct rdmarpc_nl *nl,
			 struct rdmarpc_session **sessions, size_t *n);

/* "IDLE", "CONNECTING", "UP", "FAILED"; "client", "server"; "?" if unknown. */
const char *rdmarpc_peer_state_str(unsigned int state);
const char *rdmarpc_session_role_str(unsigned int role);

/* ---- module-wide counters (RDMARPC_CMD_STATS_GET) ---- */

/* The TCP handshake (RDMARPC_HSTAT_A_*). */
struct rdmarpc_hs_stats {
	uint64_t accepted;		/* inbound sessions set up */
	uint64_t refused;		/* inbound connections refused */
	uint64_t connected;		/* outbound sessions set up */
	uint64_t failed;		/* outbound attempts that failed */
	uint64_t dead;			/* sessions whose liveness ended */
	uint64_t pending_full;		/* closed at once: handshakes full */
	uint64_t host_limit;		/* refused: sessions_per_host */
	uint64_t idle_closed;		/* closed after idle_timeout_ms */
	uint64_t addr_refused;		/* hellos naming another GID than
					 * the TCP peer's address
					 */
	uint64_t capacity;		/* refused: no receive capacity */
	/* Bit (1 << RDMARPC_HSTAT_A_x) set for each counter the kernel sent. */
	uint32_t present;
};

/* Fault injection and stray datagrams (RDMARPC_FSTAT_A_*). */
struct rdmarpc_fault_stats {
	uint64_t tx_drop;
	uint64_t rx_drop;
	uint64_t duplicate;
	uint64_t reorder;
	uint64_t corrupt;
	uint64_t unknown;		/* for no session, or a wrong tag */
	uint64_t wrong_src;		/* for a session, from another QP
					 * or GID than its peer's
					 */
	/* Bit (1 << RDMARPC_FSTAT_A_x) set for each counter the kernel sent. */
	uint32_t present;
};

/* The endpoints of /dev/rdmarpc (RDMARPC_RSTAT_A_*). */
struct rdmarpc_rpc_stats {
	uint64_t endpoints;		/* open right now */
	uint64_t calls;
	uint64_t calls_failed;
	uint64_t cancels;
	uint64_t requests;
	uint64_t requests_unserved;
	uint64_t requests_dropped;
	uint64_t requests_aborted;
	uint64_t replies;
	uint64_t mem_used;		/* bytes held now (a gauge) */
	uint64_t mem_refused;		/* over mem_budget_mb: ENOSPC */
	uint64_t requests_expired;	/* deadline passed before a handler */
	uint64_t requests_cancelled;	/* their caller gave up on them */
	/* Idempotency keys (RDMARPC_CALL_F_KEY), on the server. */
	uint64_t idem_entries;		/* keys remembered now (a gauge) */
	uint64_t idem_bytes;		/* their memory (a gauge) */
	uint64_t idem_hits;		/* answered from the cache */
	uint64_t idem_joins;		/* waited for the key's running call */
	uint64_t idem_misses;		/* first seen: handed to a handler */
	uint64_t idem_evictions;	/* answers let go to make room */
	uint64_t idem_expired;		/* answers let go after idem_ttl_ms */
	uint64_t idem_uncached;		/* run as if they had no key */
	/* Bit (1 << RDMARPC_RSTAT_A_x) set for each counter the kernel sent. */
	uint32_t present;
};

struct rdmarpc_module_stats {
	struct rdmarpc_hs_stats hs;
	struct rdmarpc_fault_stats fault;
	struct rdmarpc_rpc_stats rpc;
	/* Bit (1ULL << RDMARPC_A_x) for each nest sent; RDMARPC_HAS(). */
	uint64_t present;
};

/*
 * Read the module-wide counters.  -EOPNOTSUPP from a module older than
 * this library.
 */
int rdmarpc_stats_get(struct rdmarpc_nl *nl, struct rdmarpc_module_stats *st);

/* ---- events (multicast group "events") ---- */

/*
 * Join the "events" group.  Use the handle for events only afterwards:
 * requests on it would see events interleaved with their replies.
 */
int rdmarpc_nl_subscribe(struct rdmarpc_nl *nl);

/*
 * Device events only: called once per event; @cmd is RDMARPC_CMD_DEV_NEW
 * or RDMARPC_CMD_DEV_DEL, @dev lives until the callback returns.  Return 0
 * to go on, anything else to make rdmarpc_nl_events() return at once.
 */
typedef int (*rdmarpc_event_fn)(int cmd, const struct rdmarpc_dev *dev,
				void *arg);

/*
 * Wait up to @timeout_ms (-1: forever, 0: do not block) for events and
 * deliver the device events that arrived (the others are skipped: see
 * rdmarpc_nl_read_events()).  Returns the number delivered (0 on
 * timeout), or a negative errno: -EINTR if a signal interrupted the wait,
 * -ENOBUFS if events were lost because the socket overflowed (the handle
 * stays usable).
 */
int rdmarpc_nl_events(struct rdmarpc_nl *nl, int timeout_ms,
		      rdmarpc_event_fn fn, void *arg);

/* A session came up or went down (RDMARPC_CMD_SESSION_UP / _DOWN). */
struct rdmarpc_session_event {
	uint64_t id;			/* this host's id of the session */
	uint32_t peer_id;		/* the peer's id of the same session */
	uint8_t role;			/* enum rdmarpc_session_role */
	/* The peer's name, or "a.b.c.d:port" for an inbound session. */
	char peer[RDMARPC_NAME_MAX];
	uint32_t ipv4;			/* the peer's (client) or the client's
					 * (server) address, network order
					 */
	uint16_t tcp_port;		/* its handshake port (client), the
					 * client's source port (server)
					 */
	char dev_name[RDMARPC_DEV_NAME_MAX];
	uint32_t port;
	int32_t reason;			/* DOWN: why, a negative errno */
	/* Bit (1ULL << RDMARPC_A_x) for each attribute sent; RDMARPC_HAS(). */
	uint64_t present;
};

/*
 * A peer went UP, or left it or failed to connect (RDMARPC_CMD_PEER_UP /
 * _DOWN).
 */
struct rdmarpc_peer_event {
	char name[RDMARPC_NAME_MAX];
	uint32_t ipv4;			/* network order */
	uint16_t tcp_port;		/* host order */
	uint8_t state;			/* enum rdmarpc_peer_state: the new one */
	int32_t reason;			/* DOWN: why, a negative errno */
	uint64_t present;		/* as in struct rdmarpc_session_event */
};

/* Any event of the "events" group; @cmd says which member holds it. */
struct rdmarpc_event {
	int cmd;			/* RDMARPC_CMD_DEV_NEW ... _PEER_DOWN */
	union {
		struct rdmarpc_dev dev;			/* DEV_NEW, DEV_DEL */
		struct rdmarpc_session_event session;	/* SESSION_UP, _DOWN */
		struct rdmarpc_peer_event peer;		/* PEER_UP, _DOWN */
	};
};

/*
 * Called once per event; @ev lives until the callback returns.  Return 0
 * to go on, anything else to make rdmarpc_nl_read_events() return at
 * once.
 */
typedef int (*rdmarpc_event_handler)(const struct rdmarpc_event *ev,
				     void *arg);

/*
 * As rdmarpc_nl_events(), for every kind of event this library knows:
 * devices, sessions and peers.  Events of a newer module that this
 * library does not know are skipped.
 */
int rdmarpc_nl_read_events(struct rdmarpc_nl *nl, int timeout_ms,
			   rdmarpc_event_handler fn, void *arg);

/* ==== /dev/rdmarpc: calls and services ==== */

/*
 * An endpoint: one open /dev/rdmarpc.  It connects to peers and issues
 * calls (client), and may bind services and answer requests (server).
 * Closing it cancels its calls, unbinds its services and answers the
 * requests it still holds with -ECONNABORTED; the kernel does the same if
 * the process dies.  Thread-safe (see the top of this file).
 *
 * Timeouts: for calls, connect and submitted calls an unsigned number of
 * milliseconds, 0 meaning the module's default (parameter call_timeout_ms);
 * for waits (reap, recv) an int: -1 forever, 0 do not wait, > 0
 * milliseconds.
 *
 * Signals: a wait a signal interrupts returns -EINTR when the signal's
 * handler was installed without SA_RESTART.  With SA_RESTART (and for
 * signals with no handler, e.g. SIGSTOP then SIGCONT) a synchronous call
 * and a wait forever go on waiting; a wait with a timeout returns -EINTR
 * (restarting it would start the timeout over), as a socket's receive
 * with SO_RCVTIMEO does.
 */
struct rdmarpc;

/*
 * Open /dev/rdmarpc.  -ENOENT if it does not exist (the module is not
 * loaded), -EACCES if this user may not open it (0660 root:rdmarpc with the
 * udev rule 60-rdmarpc.rules).
 */
int rdmarpc_open(struct rdmarpc **out);
/* Close the endpoint (see above) and free it.  NULL is allowed. */
void rdmarpc_close(struct rdmarpc *ep);
/*
 * The endpoint's descriptor, for poll()/epoll: POLLIN when completions can
 * be reaped or requests received.  Do not close or read it.
 */
int rdmarpc_fd(const struct rdmarpc *ep);

/*
 * Connect to @peer: a name added with rdmarpc_peer_add() / `rdmarpcctl peer
 * add`, or "a.b.c.d[:port]".  Sessions are shared by all processes of the
 * host: when one is up already this returns at once.  Waits at most
 * @timeout_ms (0: default, 5000) for the handshake.  Returns a handle >= 0,
 * private to @ep and valid until it is closed.  -EINVAL if @peer is empty
 * or longer than RDMARPC_NAME_MAX - 1, or @timeout_ms is above
 * RDMARPC_CONNECT_TIMEOUT_MAX (60000): a handshake never needs more.
 */
int rdmarpc_connect(struct rdmarpc *ep, const char *peer,
		    unsigned int timeout_ms);

/*
 * The method id of @name, by convention "package.Service/Method" (or a bare
 * service name, which is what a BIND without a method list answers): the
 * 32-bit FNV-1a hash of its bytes (offset basis 2166136261, prime
 * 16777619), without the NUL.  Stable across versions and hosts.
 */
uint32_t rdmarpc_method_id(const char *name);

/*
 * One synchronous call: send @req_len bytes of @req to @method on the
 * connection @handle and wait (at most @timeout_ms, 0: default) for the
 * response, copied into @resp (room for @resp_cap bytes).  On return
 * *resp_len (if not NULL) holds the response's length and *status (if not
 * NULL) the handler's status.  Returns 0, or a negative errno: the call
 * errors listed at the top (-ENOBUFS: *resp_len says how large the
 * response was and the first @resp_cap bytes were copied), -EINVAL for bad
 * arguments, -EINTR if a signal whose handler was installed without
 * SA_RESTART interrupted the wait: the call is still out, and calling
 * rdmarpc_call() again with the same arguments from the same thread waits
 * for it (the request is not sent again), while any other call from the
 * thread gives it up.  Under SA_RESTART a signal never ends the call.
 */
int rdmarpc_call(struct rdmarpc *ep, int handle, uint32_t method,
		 const void *req, size_t req_len, void *resp, size_t resp_cap,
		 size_t *resp_len, int32_t *status, unsigned int timeout_ms);

/*
 * Retries, for idempotent calls only: a call that ends with a transport
 * error (with RDMARPC_RETRY_TRANSPORT: -ETIMEDOUT, -ECONNRESET,
 * -ECONNABORTED, -ENODEV, -ENOENT, -EHOSTUNREACH, -ECONNREFUSED, -EUSERS,
 * -ENOSPC, -ENOMEM) or with a status in @statuses is made again, up to
 * @max_attempts tries in all, after a backoff that starts at
 * @initial_backoff_ms, grows by @multiplier per retry up to
 * @max_backoff_ms, and is jittered (a random point in its upper half),
 * all within the call's timeout.  A call not marked idempotent runs at
 * most once: whether a failed one ran on the server is unknown.
 */
struct rdmarpc_retry_policy {
	unsigned int max_attempts;	/* 1..100: tries in all */
	unsigned int initial_backoff_ms;
	unsigned int max_backoff_ms;	/* >= initial_backoff_ms */
	unsigned int multiplier;	/* 1..10 */
	uint32_t statuses;		/* RDMARPC_RETRY_ON(status) bits */
	uint32_t flags;			/* RDMARPC_RETRY_* */
};

#define RDMARPC_RETRY_ON(status)	(1u << (status))
#define RDMARPC_RETRY_TRANSPORT		0x1u

/* Three tries, 10 ms then 20 ms apart, on transport errors and UNAVAILABLE. */
#define RDMARPC_RETRY_POLICY_DEFAULT {					\
	.max_attempts = 3, .initial_backoff_ms = 10,			\
	.max_backoff_ms = 1000, .multiplier = 2,			\
	.statuses = RDMARPC_RETRY_ON(RDMARPC_STATUS_UNAVAILABLE),	\
	.flags = RDMARPC_RETRY_TRANSPORT,				\
}

/*
 * The policy of the endpoint's idempotent calls that name none (NULL: no
 * retries, the default).  -EINVAL for a policy out of range.
 */
int rdmarpc_set_retry_policy(struct rdmarpc *ep,
			     const struct rdmarpc_retry_policy *p);

/* The call is idempotent: running it twice does no harm. */
#define RDMARPC_CALL_IDEMPOTENT		0x1u

/* What rdmarpc_call_opts() takes beyond rdmarpc_call()'s arguments. */
struct rdmarpc_call_opts {
	unsigned int timeout_ms;	/* all tries together (0: the module's
					 * default, for each try) */
	unsigned int flags;		/* RDMARPC_CALL_* */
	const struct rdmarpc_retry_policy *retry; /* NULL: the endpoint's */
	unsigned int *attempts;		/* if not NULL: tries made */
};

/*
 * rdmarpc_call() with options: an idempotent call is retried as its
 * policy says.  Returns as rdmarpc_call() does, for the last try.
 */
int rdmarpc_call_opts(struct rdmarpc *ep, int handle, uint32_t method,
		      const void *req, size_t req_len, void *resp,
		      size_t resp_cap, size_t *resp_len, int32_t *status,
		      const struct rdmarpc_call_opts *opts);

/*
 * Idempotency keys (RDMARPC_CALL_F_KEY in <rdmarpc.h>).  A call may carry
 * a key of RDMARPC_CALL_KEY_LEN (16) bytes, chosen by the caller, the same
 * for every try of one operation.  The server's module keeps the answer
 * of a call with a key for its idem_ttl_ms (60 s by default), per client
 * host, method and key: a call with a key already answered gets that
 * answer and its handler does not run again; one whose key is being
 * handled waits for the same answer.  This holds when the session was
 * lost meanwhile, or the calling process restarted (if it kept its key).
 * So a handler that is not idempotent may be retried safely, within the
 * server's idem_ttl_ms.  An answer CANCELLED, DEADLINE_EXCEEDED or
 * UNAVAILABLE is not kept, nor a call that ended without its handler's
 * answer: a retry runs the handler.
 *
 * rdmarpc_idempotency_key() fills @key with RDMARPC_CALL_KEY_LEN random
 * bytes (getrandom()): 0 or a negative errno.
 */
int rdmarpc_idempotency_key(uint8_t *key);

/*
 * rdmarpc_call_opts() with the idempotency key @key (RDMARPC_CALL_KEY_LEN
 * bytes): every try carries it, so a retry after a lost answer gets the
 * first try's answer instead of running the handler again.  Mark the call
 * RDMARPC_CALL_IDEMPOTENT in @opts for it to be retried; @opts NULL makes
 * one try with the module's default timeout.  The request is copied once
 * behind the key.  After -EINTR, calling again with the same key waits
 * on the server for the interrupted call's answer.  Returns as
 * rdmarpc_call_opts(), and -EINVAL for a NULL @key, -ENOMEM if the copy
 * cannot be allocated.
 */
int rdmarpc_call_key(struct rdmarpc *ep, int handle, uint32_t method,
		     const uint8_t *key, const void *req, size_t req_len,
		     void *resp, size_t resp_cap, size_t *resp_len,
		     int32_t *status, const struct rdmarpc_call_opts *opts);

/*
 * Asynchronous calls use the ABI's structures directly (no copy):
 * struct rdmarpc_call to submit, struct rdmarpc_completion to reap; see
 * <rdmarpc.h>.  rdmarpc_call_prep() fills a struct rdmarpc_call; @cookie is
 * any value, returned in the completion and used by rdmarpc_cancel().
 * Buffers must stay valid until the call completes.
 */
void rdmarpc_call_prep(struct rdmarpc_call *c, int handle, uint32_t method,
		       uint64_t cookie, const void *req, size_t req_len,
		       void *resp, size_t resp_cap, unsigned int timeout_ms);

/*
 * rdmarpc_call_prep() for a call with the idempotency key @key: @buf
 * holds RDMARPC_CALL_KEY_LEN bytes of room, then the @req_len bytes of the
 * request (written at buf + RDMARPC_CALL_KEY_LEN); the key is copied into
 * the room, so the request is not copied.  Submit a retry with the same
 * key.  A NULL @key or @buf makes an entry rdmarpc_submit() refuses
 * (-EINVAL).
 */
void rdmarpc_call_prep_key(struct rdmarpc_call *c, int handle,
			   uint32_t method, uint64_t cookie,
			   const uint8_t *key, void *buf, size_t req_len,
			   void *resp, size_t resp_cap,
			   unsigned int timeout_ms);

/*
 * Start @n calls.  Returns the number taken (from the first; fewer than @n
 * when the endpoint's in-flight limit is reached or an entry is invalid:
 * submitting the rest again reports that entry's error), or a negative
 * errno if none was taken (-EAGAIN: too many calls in flight; reap first).
 */
int rdmarpc_submit(struct rdmarpc *ep, const struct rdmarpc_call *calls,
		   unsigned int n);

/*
 * Reap up to @n completions into @c, waiting (see Timeouts) until at least
 * @min are there.  Returns the number reaped (possibly fewer than @min on
 * timeout, possibly 0), or a negative errno (-EINTR).  Each completion
 * carries the cookie, error (0 or a call error), the handler's status and
 * the response length.
 */
int rdmarpc_reap(struct rdmarpc *ep, struct rdmarpc_completion *c,
		 unsigned int n, unsigned int min, int timeout_ms);

/*
 * Cancel the call(s) with @cookie: they complete with -ECANCELED unless
 * already complete.  -ENOENT if no call of this endpoint has the cookie.
 */
int rdmarpc_cancel(struct rdmarpc *ep, uint64_t cookie);

/*
 * Serve @service on this endpoint: requests for the @n method ids
 * @methods (rdmarpc_method_id()), or, with @n = 0, for the id of the
 * service name itself.  -EADDRINUSE (or -EEXIST) if another endpoint owns
 * the name; the name is released when this endpoint closes.
 */
int rdmarpc_bind(struct rdmarpc *ep, const char *service,
		 const uint32_t *methods, unsigned int n);

/* A request taken by rdmarpc_recv(). */
struct rdmarpc_req_info {
	uint64_t id;		/* give it back to rdmarpc_reply() */
	uint32_t method;
	size_t len;		/* the request's length; may exceed the buffer */
};

/*
 * Take one request, waiting (see Timeouts) for it, and copy its bytes into
 * @buf (room for @cap).  Returns 0 with *r filled; if r->len > @cap only
 * the first @cap bytes were copied (answer it anyway, e.g. with an error
 * status).  -EAGAIN or -ETIMEDOUT if none came in time.  To never
 * truncate, use rdmarpc_recv_whole().
 */
int rdmarpc_recv(struct rdmarpc *ep, struct rdmarpc_req_info *r, void *buf,
		 size_t cap, int timeout_ms);

/*
 * Take one request as rdmarpc_recv() does, but whole, into *@buf: a
 * malloc()ed buffer of *@cap bytes (NULL and 0 to begin with), grown with
 * realloc() to fit the request; the caller frees it.  The kernel hands a
 * request over only when it fits (RDMARPC_RECV_F_WHOLE), so none is ever
 * truncated and a server needs no buffer of the largest size up front.
 * Returns 0 with *r filled and r->len bytes in *@buf, -ENOMEM if the
 * buffer could not grow (the request stays queued), or rdmarpc_recv()'s
 * errors.
 */
int rdmarpc_recv_whole(struct rdmarpc *ep, struct rdmarpc_req_info *r,
		       void **buf, size_t *cap, int timeout_ms);

/*
 * What became of held request @id (taken, not yet answered) since it was
 * taken: *@cancelled (may be NULL) is 1 once its caller gave up on it
 * (cancelled, or timed out: the answer is still due, and may as well be
 * RDMARPC_STATUS_CANCELLED), else 0; *@time_left_ms (may be NULL) the
 * milliseconds until its caller stops waiting (its call's timeout, counted
 * from when the request began to arrive; 0 once less than 1 ms is left;
 * -1 if the caller set no deadline).  The module never hands over a
 * request whose deadline has passed, and drops a queued one whose caller
 * gave up; poll() on rdmarpc_fd() reports POLLPRI while a held request is
 * cancelled.  0, or -ENOENT for an unknown or answered id.
 */
int rdmarpc_request_state(struct rdmarpc *ep, uint64_t id, int *cancelled,
			  int64_t *time_left_ms);

/*
 * Answer request @id with @status (handed to the caller as is) and @len
 * bytes of @buf.  Every request must be answered once; -ENOENT for an
 * unknown or already answered id, -EMSGSIZE if @len exceeds the caller's
 * limit.
 */
int rdmarpc_reply(struct rdmarpc *ep, uint64_t id, int32_t status,
		  const void *buf, size_t len);

/*
 * Answer request @id with a status other than RDMARPC_STATUS_OK (see enum
 * rdmarpc_status in <rdmarpc.h>) and a message, printf-style, that the
 * caller reads in the response bytes (truncated to RDMARPC_STATUS_MSG_MAX
 * bytes; @fmt may be NULL for none).  Returns as rdmarpc_reply(), and
 * -EINVAL for RDMARPC_STATUS_OK.
 */
int rdmarpc_reply_error(struct rdmarpc *ep, uint64_t id, int32_t status,
			const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * The name of a status code ("OK", "CANCELLED", ..., "UNAUTHENTICATED"), or
 * NULL for a value outside enum rdmarpc_status.
 */
const char *rdmarpc_status_name(int32_t status);

/*
 * Batches: many requests per system call each way.  The entries are the
 * ABI's structures (see <rdmarpc.h>), filled by the _prep functions.
 *
 * rdmarpc_request_prep() readies an entry for rdmarpc_recv_batch(): room
 * for @cap bytes at @buf.  The kernel fills in its id, method and len
 * (which may exceed @cap: then only the first @cap bytes were copied).
 * An entry may be reused once its request is answered.
 */
void rdmarpc_request_prep(struct rdmarpc_request *r, void *buf, size_t cap);

/*
 * Take up to @n requests into @reqs, waiting (see Timeouts) until at least
 * @min (<= @n) are there.  Returns the number taken, filled from the
 * first entry (possibly fewer than @min on timeout, possibly 0), or a
 * negative errno if none was taken (-EINTR; -EINVAL for bad arguments or
 * a first entry not prepared with rdmarpc_request_prep(); -EFAULT).  An
 * entry the kernel refuses after some were taken ends the batch early:
 * the next call reports it.  Every request taken must be answered.
 */
int rdmarpc_recv_batch(struct rdmarpc *ep, struct rdmarpc_request *reqs,
		       unsigned int n, unsigned int min, int timeout_ms);

/* Fill an entry for rdmarpc_reply_batch(): as rdmarpc_reply()'s arguments. */
void rdmarpc_reply_prep(struct rdmarpc_reply *r, uint64_t id, int32_t status,
			const void *buf, size_t len);

/*
 * Answer @n requests, in order.  Returns the number answered (from the
 * first; fewer than @n when an entry fails or is invalid: sending the rest
 * again reports that entry's error), or a negative errno if none was
 * (-ENOENT: unknown or already answered id, -EMSGSIZE, -EINVAL).  Buffers
 * may be reused as soon as it returns.
 */
int rdmarpc_reply_batch(struct rdmarpc *ep,
			const struct rdmarpc_reply *replies, unsigned int n);

/*
 * Busy polling, like SO_BUSY_POLL: every wait of @ep (rdmarpc_call,
 * rdmarpc_reap, rdmarpc_recv, rdmarpc_recv_batch with something to wait
 * for) first spins in the kernel for up to @usec microseconds, checking for
 * what it waits for, and sleeps only then.  Lower latency for CPU time:
 * worth it when sleeping and waking up dominate a round trip.  0 (the
 * default) turns it off; -EINVAL above RDMARPC_BUSY_POLL_MAX_US.
 *
 * Shared rings: the first time busy polling is turned on, where the module
 * offers them (and unless rdmarpc_rings_set() said no), the endpoint gets a
 * submission and a completion ring mapped from the module.  From then on
 * rdmarpc_submit() places calls in the one and rdmarpc_reap() takes
 * completions from the other, entering the module to have them moved
 * (RDMARPC_IOC_RING_ENTER): one system call per batch each way, as the
 * ioctls.  With
 * RDMARPC_RINGS_THREAD, a ring thread of the module serves them too, and
 * while it is awake a polling process makes no system call per call (with
 * no call in flight the thread waits @usec for the next one, spinning; it
 * sleeps while calls are in flight, until one completes, and after the
 * spin, until a submission wakes it): worth it only where that thread has
 * a CPU of its own.  Two differences from the ioctls: an entry the module
 * refuses (an unknown handle, the in-flight limit, ...) is taken and
 * completes with that error, and rdmarpc_submit() returns -EAGAIN when the
 * submission ring is full.  The endpoint then serves only the process
 * that set it up (not a child after fork()).  rdmarpc_call() and the
 * server side are unchanged.
 */
int rdmarpc_busy_poll_set(struct rdmarpc *ep, unsigned int usec);

/* rdmarpc_rings_set()'s @on. */
#define RDMARPC_RINGS_OFF	0	/* the ioctls */
#define RDMARPC_RINGS_ON	1	/* rings served as the process enters */
#define RDMARPC_RINGS_THREAD	2	/* and by a ring thread of the module */

/*
 * Whether busy polling sets up shared rings, and how they are served (the
 * default: RDMARPC_RINGS_ON).  Call it before rdmarpc_busy_poll_set();
 * once they are made, -EBUSY for another choice.  -EINVAL for a value not
 * above.  A module from before RDMARPC_RINGS_ON always serves them with a
 * thread.
 */
int rdmarpc_rings_set(struct rdmarpc *ep, int on);

/* 1 if @ep's calls go through shared rings, else 0. */
int rdmarpc_rings_active(const struct rdmarpc *ep);

/* The no-op ioctl: the bare cost of a call into the module.  Returns 0. */
int rdmarpc_nop(struct rdmarpc *ep);

#ifdef __cplusplus
}
#endif

#endif /* LIBRDMARPC_H */
