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
