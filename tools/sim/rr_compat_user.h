/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host implementation of kmod/core/compat.h: the same names the core uses
 * in the kernel, backed by libc.  Allocation can be made to fail on demand
 * so tests exercise the core's GFP_ATOMIC failure paths.
 */
#ifndef RR_COMPAT_USER_H
#define RR_COMPAT_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifndef U32_MAX
#define U32_MAX UINT32_MAX
#endif
#ifndef U64_MAX
#define U64_MAX UINT64_MAX
#endif

#ifndef __always_inline
#define __always_inline	inline __attribute__((__always_inline__))
#endif
#define noinline	__attribute__((__noinline__))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define min_t(t, a, b)	((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)	((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define BIT(nr)		(1UL << (nr))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	return dividend / divisor;
}

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}
#define BUILD_BUG_ON(c)	_Static_assert(!(c), #c)

#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x)	((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)

static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return IS_ERR_VALUE((unsigned long)ptr);
}

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "host builds assume a little-endian machine"
#endif

/* Allocation hooks (tools/sim/compat_user.c). */
void *rr_alloc(size_t size);
void *rr_zalloc(size_t size);
void rr_free(const void *p);
void *rr_chunk_alloc(bool may_sleep);
void rr_chunk_free(void *p);

/*
 * Test controls: fail allocation number rr_user_fail_at (1-based, 0 = never)
 * and every rr_user_fail_every-th one after it; rr_user_live counts
 * allocations not yet freed, so tests can prove nothing leaks.
 */
extern unsigned long rr_user_fail_every;
extern unsigned long rr_user_allocs;
extern long rr_user_live;

/*
 * Raw CRC32C update (no pre/post inversion): the CPU's instruction where
 * it has one (x86-64 SSE4.2; RR_CRC32C_TABLE in the environment turns it
 * off), else rr_crc32c_table(), slice-by-8.
 */
u32 rr_crc32c(u32 crc, const void *p, size_t len);
u32 rr_crc32c_table(u32 crc, const void *p, size_t len);

static inline u32 rr_get_le32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void rr_put_le32(void *p, u32 v)
{
	memcpy(p, &v, sizeof(v));
}

static inline unsigned int rr_ctz32(u32 v)
{
	return (unsigned int)__builtin_ctz(v);
}

static inline unsigned int rr_ctz64(u64 v)
{
	return (unsigned int)__builtin_ctzll(v);
}

#endif /* RR_COMPAT_USER_H */
