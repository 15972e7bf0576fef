/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpc: the loopback self-test (RDMARPC_CMD_LOOPBACK).
 */
#ifndef _RDMARPC_LOOPBACK_H
#define _RDMARPC_LOOPBACK_H

#include <linux/types.h>

struct netlink_ext_ack;
struct rdmarpc_port;

/* Each datagram starts with this header; the rest is a pattern. */
struct rdmarpc_loopback_hdr {
	__le32 magic;
	__le32 cookie;			/* random per test */
	__le32 seq;
	__le32 size;			/* of the whole datagram */
};

#define RDMARPC_LOOPBACK_MAGIC		0x424c5252	/* "RRLB" */
#define RDMARPC_LOOPBACK_MIN_SIZE	sizeof(struct rdmarpc_loopback_hdr)

struct rdmarpc_loopback_result {
	u32 sent;
	u32 received;			/* intact and not duplicated */
	u64 nsec;
};

/*
 * Send @count datagrams of @size bytes from the port's QP to itself through
 * an AH built like a peer's, wait (2 s + 1 ms per datagram at most) and
 * count what came back intact.  The caller has entered the port.
 * -ENODEV if the port goes away meanwhile, -EBUSY if a test is running.
 */
int rdmarpc_loopback_run(struct rdmarpc_port *port, u32 count, u32 size,
			 struct rdmarpc_loopback_result *res,
			 struct netlink_ext_ack *extack);

#endif /* _RDMARPC_LOOPBACK_H */
