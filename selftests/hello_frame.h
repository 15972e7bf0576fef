/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The handshake's frames (kmod/core/hello.h), restated for the selftests'
 * C helpers that speak them by hand: a test must not trust the code it
 * tests.  Little-endian fields; a frame is a 12-byte header (magic,
 * version, type, total length) and a body.
 */
#ifndef RDMARPC_SELFTEST_HELLO_FRAME_H
#define RDMARPC_SELFTEST_HELLO_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define HELLO_MAGIC	0x48524452u
#define HELLO_VERSION	7
#define HELLO_HDR	12
#define HELLO_BODY	120
#define T_HELLO		1
#define T_ACCEPT	2
#define T_REFUSE	3
#define T_HEARTBEAT	5

static inline void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A frame header of @type for a frame of @len bytes in all. */
static inline void put_frame_hdr(uint8_t *f, uint8_t type, uint32_t len)
{
	memset(f, 0, HELLO_HDR);
	put32(f, HELLO_MAGIC);
	f[4] = HELLO_VERSION;
	f[6] = type;
	put32(f + 8, len);
}

/* Read exactly @len bytes: 0, or -1 on end of stream or error. */
static inline int read_all(int fd, uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = read(fd, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

#endif
