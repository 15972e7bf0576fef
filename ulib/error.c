// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Error strings and the names of the ABI's enums.
 */
#include <errno.h>
#include <string.h>
#include <netlink/errno.h>

#include "internal.h"

RL_EXPORT const char *rdmarpc_status_name(int32_t status)
{
	static const char *const names[] = {
		[RDMARPC_STATUS_OK] = "OK",
		[RDMARPC_STATUS_CANCELLED] = "CANCELLED",
		[RDMARPC_STATUS_UNKNOWN] = "UNKNOWN",
		[RDMARPC_STATUS_INVALID_ARGUMENT] = "INVALID_ARGUMENT",
		[RDMARPC_STATUS_DEADLINE_EXCEEDED] = "DEADLINE_EXCEEDED",
		[RDMARPC_STATUS_NOT_FOUND] = "NOT_FOUND",
		[RDMARPC_STATUS_ALREADY_EXISTS] = "ALREADY_EXISTS",
		[RDMARPC_STATUS_PERMISSION_DENIED] = "PERMISSION_DENIED",
		[RDMARPC_STATUS_RESOURCE_EXHAUSTED] = "RESOURCE_EXHAUSTED",
		[RDMARPC_STATUS_FAILED_PRECONDITION] = "FAILED_PRECONDITION",
		[RDMARPC_STATUS_ABORTED] = "ABORTED",
		[RDMARPC_STATUS_OUT_OF_RANGE] = "OUT_OF_RANGE",
		[RDMARPC_STATUS_UNIMPLEMENTED] = "UNIMPLEMENTED",
		[RDMARPC_STATUS_INTERNAL] = "INTERNAL",
		[RDMARPC_STATUS_UNAVAILABLE] = "UNAVAILABLE",
		[RDMARPC_STATUS_DATA_LOSS] = "DATA_LOSS",
		[RDMARPC_STATUS_UNAUTHENTICATED] = "UNAUTHENTICATED",
	};

	if (status < 0 || (size_t)status >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[status];
}

RL_EXPORT const char *rdmarpc_strerror(int err)
{
	const char *s;

	if (err < 0)
		err = -err;
	switch (err) {
	case 0:
		return "success";
	case EPROTONOSUPPORT:
		return "module not loaded (generic netlink family '"
		       RDMARPC_GENL_NAME "' not found)";
	case EPERM:
		return "operation not permitted: needs CAP_NET_ADMIN";
	case EPROTO:
		return "protocol error: a malformed reply from the kernel, or "
		       "the peer answered the handshake wrongly or refused it "
		       "(the kernel log says why)";
	/* The errors of a call, as <rdmarpc.h> defines them. */
	case ETIMEDOUT:
		return "call timed out (no answer from the peer in time)";
	case ECONNRESET:
		return "session reset by the peer (its module or liveness "
		       "connection went away)";
	case ENODEV:
		return "RDMA device went away";
	case ENOENT:
		return "not found: no /dev/" RDMARPC_DEV_NAME " (module not "
		       "loaded), or the peer's module is not serving";
	case ECANCELED:
		return "call cancelled";
	case EMSGSIZE:
		return "message too long for the peer";
	case ENOBUFS:
		return "response larger than the buffer (truncated)";
	case ECONNABORTED:
		return "the serving endpoint closed before replying";
	case EACCES:
		return "permission denied (/dev/" RDMARPC_DEV_NAME
		       " is 0660 root:rdmarpc by the udev rule "
		       "60-rdmarpc.rules: join the group rdmarpc)";
	case ENOSPC:
		return "the server's memory for requests is used up "
		       "(its mem_budget_mb)";
	case EUSERS:
		return "the server admits no more sessions: from this host "
		       "(its sessions_per_host) or at all (its receive "
		       "capacity, recv_depth); try again later";
	case ENOTTY:
		return "request not supported by this module version";
	}
	/* strerrordesc_np() returns a constant string: thread-safe. */
	s = strerrordesc_np(err);
	return s ? s : "unknown error";
}

/*
 * What an error means from particular functions, where that is not
 * rdmarpc_strerror()'s general text.  @funcs: the functions' names
 * without "rdmarpc_", each followed by a space.
 */
static const struct {
	const char *funcs;
	int err;
	const char *text;
} errors_in[] = {
	/* /dev/rdmarpc */
	{ "open ", ENOENT, "no /dev/" RDMARPC_DEV_NAME ": the module is not "
	  "loaded (modprobe rdmarpc)" },
	{ "open ", EACCES, "permission denied opening /dev/" RDMARPC_DEV_NAME
	  " (0660 root:rdmarpc by the udev rule 60-rdmarpc.rules: join the "
	  "group rdmarpc)" },
	/* Calls: the ioctl's own errors, before any call starts. */
	{ "call call_opts call_key submit ", EBADF, "no such handle "
	  "(rdmarpc_connect() gives one)" },
	{ "call call_opts call_key submit ", EAGAIN, "4096 calls in flight "
	  "on this endpoint already" },
	{ "call call_opts call_key submit ", ENOBUFS, "no room for the "
	  "request in the endpoint's 256 MiB of held messages" },
	{ "call call_opts call_key ", EINVAL, "invalid call: a flag or size "
	  "this module does not know, or a key with a request under 16 "
	  "bytes" },
	{ "reap ", ETIMEDOUT, "no completion within the timeout" },
	{ "cancel ", ENOENT, "no such call in flight or waiting to be "
	  "reaped" },
	/* Connecting to a peer: the handshake's errors. */
	{ "connect ", EINVAL, "no such peer: neither a configured peer's "
	  "name nor a.b.c.d[:port] (or a timeout above 60 s)" },
	{ "connect ", ENOSPC, "this endpoint has 1024 handles already" },
	{ "connect ", ETIMEDOUT, "the handshake with the peer timed out (is "
	  "its module loaded, its TCP port reachable?)" },
	{ "connect ", ECONNREFUSED, "the peer refused the TCP connection: "
	  "its module is not loaded, or listens on another tcp_port" },
	{ "connect ", EHOSTUNREACH, "no route to the peer" },
	{ "connect ", ENODEV, "no RDMA port reaches the peer, or its device "
	  "went away" },
	{ "connect ", EPROTO, "the peer refused the handshake or answered it "
	  "wrongly (its kernel log says why)" },
	{ "connect ", ECONNRESET, "the peer was deleted during the "
	  "handshake" },
	/* Serving. */
	{ "bind ", EEXIST, "this endpoint serves that service or one of its "
	  "methods already" },
	{ "bind ", EADDRINUSE, "another endpoint serves that service or one "
	  "of its methods" },
	{ "bind ", ENOSPC, "this endpoint serves 64 services already" },
	{ "recv recv_batch recv_whole ", EAGAIN, "no request waiting" },
	{ "recv recv_batch recv_whole ", ETIMEDOUT, "no request within the "
	  "timeout" },
	{ "reply reply_batch reply_error ", ENOENT, "no such request: an "
	  "unknown id, or answered already" },
	{ "reply reply_batch reply_error ", EMSGSIZE, "reply larger than 16 "
	  "MiB" },
	{ "request_state ", ENOENT, "not a held request: an unknown id, or "
	  "answered already" },
	/* Netlink. */
	{ "peer_add ", EEXIST, "a peer of that name exists already" },
	{ "peer_add ", EINVAL, "invalid peer: an empty name, an address that "
	  "is not unicast, port 0, or an unknown congestion control" },
	{ "peer_add ", ENOENT, "the kernel cannot set up HMAC-SHA256 for the "
	  "key (are the hmac and sha256 modules available?)" },
	{ "peer_del ", ENOENT, "no peer of that name" },
	{ "loopback ", ENODEV, "no such device and port set up by rdmarpc" },
	{ "loopback ", EBUSY, "a loopback test runs on that port already" },
	{ "param_set ", EINVAL, "a value out of its range (rdmarpcctl set "
	  "--help lists them)" },
};

/* Is the word @name, followed by a space, in @list? */
static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && p[n] == ' ')
			return 1;
	return 0;
}

RL_EXPORT const char *rdmarpc_strerror_in(const char *func, int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	if (func && !strncmp(func, "rdmarpc_", 8) && func[8]) {
		for (i = 0; i < sizeof(errors_in) / sizeof(errors_in[0]); i++)
			if (errors_in[i].err == err &&
			    listed(errors_in[i].funcs, func + 8))
				return errors_in[i].text;
	}
	return rdmarpc_strerror(err);
}

int rl_nle_to_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_SUCCESS:		return 0;
	case NLE_INTR:			return EINTR;
	case NLE_BAD_SOCK:		return EBADF;
	case NLE_AGAIN:			return EAGAIN;
	case NLE_NOMEM:			return ENOMEM;
	case NLE_EXIST:			return EEXIST;
	case NLE_INVAL:			return EINVAL;
	case NLE_RANGE:			return ERANGE;
	case NLE_MSGSIZE:		return EMSGSIZE;
	case NLE_OPNOTSUPP:		return EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:		return EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:		return ENOENT;
	case NLE_NOATTR:		return ENOENT;
	case NLE_MISSING_ATTR:		return EINVAL;
	case NLE_AF_MISMATCH:		return EAFNOSUPPORT;
	case NLE_SEQ_MISMATCH:		return EPROTO;
	case NLE_MSG_OVERFLOW:		return EMSGSIZE;
	case NLE_MSG_TRUNC:		return EMSGSIZE;
	case NLE_NOADDR:		return EADDRNOTAVAIL;
	case NLE_SRCRT_NOSUPPORT:	return EOPNOTSUPP;
	case NLE_MSG_TOOSHORT:		return EPROTO;
	case NLE_MSGTYPE_NOSUPPORT:	return EOPNOTSUPP;
	case NLE_OBJ_MISMATCH:		return EINVAL;
	case NLE_NOCACHE:		return ENOENT;
	case NLE_BUSY:			return EBUSY;
	case NLE_PROTO_MISMATCH:	return EPROTONOSUPPORT;
	case NLE_NOACCESS:		return EACCES;
	case NLE_PERM:			return EPERM;
	case NLE_PKTLOC_FILE:		return ENOENT;
	case NLE_PARSE_ERR:		return EPROTO;
	case NLE_NODEV:			return ENODEV;
	case NLE_IMMUTABLE:		return EPERM;
	case NLE_DUMP_INTR:		return EINTR;
	case NLE_ATTRSIZE:		return EPROTO;
	default:			return EIO;
	}
}

RL_EXPORT const char *rdmarpc_port_state_str(unsigned int state)
{
	static const char *const names[] = {
		[RDMARPC_PORT_NOP] = "NOP",
		[RDMARPC_PORT_DOWN] = "DOWN",
		[RDMARPC_PORT_INIT] = "INIT",
		[RDMARPC_PORT_ARMED] = "ARMED",
		[RDMARPC_PORT_ACTIVE] = "ACTIVE",
		[RDMARPC_PORT_ACTIVE_DEFER] = "ACTIVE_DEFER",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

RL_EXPORT const char *rdmarpc_link_layer_str(unsigned int link_layer)
{
	static const char *const names[] = {
		[RDMARPC_LINK_LAYER_UNSPECIFIED] = "unspecified",
		[RDMARPC_LINK_LAYER_INFINIBAND] = "infiniband",
		[RDMARPC_LINK_LAYER_ETHERNET] = "ethernet",
	};

	return link_layer < sizeof(names) / sizeof(names[0]) ?
	       names[link_layer] : "?";
}

RL_EXPORT const char *rdmarpc_gid_type_str(unsigned int type)
{
	static const char *const names[] = {
		[RDMARPC_GID_TYPE_IB] = "IB",
		[RDMARPC_GID_TYPE_ROCE_V1] = "RoCE v1",
		[RDMARPC_GID_TYPE_ROCE_V2] = "RoCE v2",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "?";
}

RL_EXPORT const char *rdmarpc_peer_state_str(unsigned int state)
{
	static const char *const names[] = {
		[RDMARPC_PEER_IDLE] = "IDLE",
		[RDMARPC_PEER_CONNECTING] = "CONNECTING",
		[RDMARPC_PEER_UP] = "UP",
		[RDMARPC_PEER_FAILED] = "FAILED",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

RL_EXPORT const char *rdmarpc_session_role_str(unsigned int role)
{
	switch (role) {
	case RDMARPC_SESSION_CLIENT:
		return "client";
	case RDMARPC_SESSION_SERVER:
		return "server";
	}
	return "?";
}
