// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Peer addresses: "a.b.c.d" or "a.b.c.d:port".
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "internal.h"

RL_EXPORT int rdmarpc_parse_addr(const char *s, uint32_t *ipv4,
				 uint16_t *tcp_port)
{
	char host[INET_ADDRSTRLEN];
	const char *colon;
	struct in_addr in;
	unsigned long port = 0;
	size_t n;

	if (!s || !ipv4 || !tcp_port)
		return -EINVAL;
	colon = strchr(s, ':');
	n = colon ? (size_t)(colon - s) : strlen(s);
	if (!n || n >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	/* inet_pton() takes exactly four decimal parts: no "10.1". */
	if (inet_pton(AF_INET, host, &in) != 1)
		return -EINVAL;
	if (colon) {
		const char *p = colon + 1;

		if (!*p || strlen(p) > 5)
			return -EINVAL;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			port = port * 10 + (unsigned long)(*p - '0');
		}
		if (!port || port > 65535)
			return -EINVAL;
	}
	*ipv4 = in.s_addr;
	*tcp_port = (uint16_t)port;
	return 0;
}
