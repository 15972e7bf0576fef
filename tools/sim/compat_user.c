// SPDX-License-Identifier: GPL-2.0
/*
 * Host implementation of the core's compat layer: libc allocation with
 * failure injection and leak accounting, and CRC32C: with the SSE4.2
 * instruction where the CPU has it (as the kernel's crc32c() uses it),
 * else slice-by-8 tables.
 */
#include <stdlib.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "rr_compat_user.h"

#define RR_USER_CHUNK 4096

unsigned long rr_user_fail_every;
unsigned long rr_user_allocs;
long rr_user_live;

static bool rr_user_should_fail(void)
{
	rr_user_allocs++;
	return rr_user_fail_every && rr_user_allocs % rr_user_fail_every == 0;
}

void *rr_alloc(size_t size)
{
	void *p;

	if (rr_user_should_fail())
		return NULL;
	p = malloc(size ? size : 1);
	if (p)
		rr_user_live++;
	return p;
}

void *rr_zalloc(size_t size)
{
	void *p = rr_alloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void rr_free(const void *p)
{
	if (!p)
		return;
	rr_user_live--;
	free((void *)p);
}

void *rr_chunk_alloc(bool may_sleep)
{
	(void)may_sleep;
	return rr_alloc(RR_USER_CHUNK);
}

void rr_chunk_free(void *p)
{
	rr_free(p);
}

/* CRC32C (Castagnoli), reflected polynomial. */
#define RR_CRC32C_POLY 0x82f63b78u

static u32 rr_crc_tab[8][256];

__attribute__((constructor)) static void rr_crc_init(void)
{
	unsigned int i, j, k;

	for (i = 0; i < 256; i++) {
		u32 c = i;

		for (j = 0; j < 8; j++)
			c = (c >> 1) ^ (RR_CRC32C_POLY & (0u - (c & 1)));
		rr_crc_tab[0][i] = c;
	}
	for (k = 1; k < 8; k++)
		for (i = 0; i < 256; i++) {
			u32 c = rr_crc_tab[k - 1][i];

			rr_crc_tab[k][i] = (c >> 8) ^ rr_crc_tab[0][c & 0xff];
		}
}

u32 rr_crc32c_table(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;
	u64 v;
	u32 w;

	/* Eight bytes per step, unaligned loads (memcpy) are fine. */
	while (len >= 8) {
		u32 lo, hi;

		memcpy(&v, p, sizeof(v));
		lo = (u32)v ^ crc;
		hi = (u32)(v >> 32);
		crc = rr_crc_tab[7][lo & 0xff] ^
		      rr_crc_tab[6][(lo >> 8) & 0xff] ^
		      rr_crc_tab[5][(lo >> 16) & 0xff] ^
		      rr_crc_tab[4][lo >> 24] ^
		      rr_crc_tab[3][hi & 0xff] ^
		      rr_crc_tab[2][(hi >> 8) & 0xff] ^
		      rr_crc_tab[1][(hi >> 16) & 0xff] ^
		      rr_crc_tab[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		w = crc ^ rr_get_le32(p);
		crc = rr_crc_tab[3][w & 0xff] ^
		      rr_crc_tab[2][(w >> 8) & 0xff] ^
		      rr_crc_tab[1][(w >> 16) & 0xff] ^
		      rr_crc_tab[0][w >> 24];
		p += 4;
		len -= 4;
	}
	while (len--)
		crc = (crc >> 8) ^ rr_crc_tab[0][(crc ^ *p++) & 0xff];
	return crc;
}

#if defined(__x86_64__)
/* The SSE4.2 crc32 instruction: eight bytes a step, then the tail. */
__attribute__((target("sse4.2")))
static u32 rr_crc32c_sse42(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;
	u64 c = crc, v;

	while (len >= 8) {
		memcpy(&v, p, sizeof(v));
		c = __builtin_ia32_crc32di(c, v);
		p += 8;
		len -= 8;
	}
	crc = (u32)c;
	while (len--)
		crc = __builtin_ia32_crc32qi(crc, *p++);
	return crc;
}

static bool rr_cpu_has_sse42(void)
{
	unsigned int a, b, c, d;

	return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_2);
}
#else
static u32 rr_crc32c_sse42(u32 crc, const void *buf, size_t len)
{
	return rr_crc32c_table(crc, buf, len);
}

static bool rr_cpu_has_sse42(void)
{
	return false;
}
#endif

/* Asked once, out of line: the check per call stays a load and a branch. */
static noinline __attribute__((__cold__)) int rr_crc32c_probe(void)
{
	return rr_cpu_has_sse42() && !getenv("RR_CRC32C_TABLE");
}

u32 rr_crc32c(u32 crc, const void *buf, size_t len)
{
	static int has = -1;

	if (unlikely(has < 0))
		has = rr_crc32c_probe();
	if (has)
		return rr_crc32c_sse42(crc, buf, len);
	return rr_crc32c_table(crc, buf, len);
}
